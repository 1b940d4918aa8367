"""Numbers with units as a work report writes them: 119.1亿元, 3800余个, 4.5%以内, 5%—5.5%.

:func:`parse_quantity` reads one quantity; :func:`find_quantities` finds every quantity
of a sentence with its place, so that the words before it can name what it measures.
A quantity keeps its number as written (``text``: ``555.68``, ``46706``), so tables can
show the precision the report used; ``value`` is the same number as a float.

Units are whole: a multiplier and a unit (``万亿元``, ``亿千瓦时``), a compound
(``万元/人``, ``微克/立方米``, ``人/百亿元``), percentage points (``个百分点``).
Qualifiers are normalised to one word each: 左右, 以上, 以内, 以下, 不低于, 不高于,
超过 (超, 逾, 突破), 近 (接近), 约, 余 (多), and ``range`` for a span such as
``5%—5.5%``, ``4.5-5%`` or ``6%至6.5%`` (``value`` and ``value_high``).
Numbers that measure nothing are not quantities: a rank (第2位, 前20位), an ordinal
(第3次), a date or a count of years or months (2025年, 连续5年, 连续30个月), a number inside
a name (PM2.5, 5G, “1+4”), a class (30万吨级航道, 百万千瓦级基地) or a voltage (750千伏).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["QUALIFIERS", "Quantity", "find_quantities", "parse_quantity"]

# Units a work report uses after numbers, longest first so 平方公里 beats 公里.
_BASE_UNITS = (
    "美元 元 人次 人年 人 户 平方公里 公里 千米 平方米 平米 亩 公顷 立方米 千瓦时 千瓦 千伏 标准箱 标箱 "
    "吨 斤 微克每立方米 微克 毫克 个 家 项 所 处 座 条 名 位 台 辆 艘 套 栋 间 张 件 批次 批 支 株 种 例 场次 场 部 "
    "本 册 床 架次 班次 户次 "
    "倍 次 届 周年 年 岁 天 小时 分钟"
).split()
_PER_UNITS = "百亿元 亿元 万元 万人 千人 人 平方公里 平方米 立方米 户 年 天 小时 吨 千克 公斤 亩 人年".split()
_MULTIPLIERS = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}
_UNIT = (
    r"(?:个百分点|百分点|%|‰|"
    r"(?:万亿|亿|万|千|百)?(?:" + "|".join(map(re.escape, sorted(_BASE_UNITS, key=len, reverse=True))) + r")"
    r"(?:/(?:" + "|".join(map(re.escape, sorted(_PER_UNITS, key=len, reverse=True))) + r"))?)"
)
_NUMBER = r"\d+(?:\.\d+)?"
# One quantity: [pre-qualifier] number [multiplier][余|多] unit [post-qualifier], or a range
# number[unit] separator number unit (the unit of the first may be left out: 4.5-5%).
_QUANTITY = re.compile(
    r"(?P<pre>不低于|不少于|不高于|不超过|接近|超过|突破|(?<!签)约|逾|超|近)?"
    r"(?<![A-Za-z0-9.+\-])(?P<num>" + _NUMBER + r")"
    r"(?:(?P<unit1>" + _UNIT + r")?(?P<sep>—{1,2}|–|-|~|～|至|到)(?P<num2>" + _NUMBER + r"))?"
    r"(?P<mult>万亿|亿|万|千|百)?(?P<approx>余|多)?"
    r"(?P<unit>" + _UNIT + r")"
    r"(?P<post>左右|以上|以内|以下)?"
)
_CANONICAL_QUALIFIER = {"超": "超过", "逾": "超过", "突破": "超过", "接近": "近", "多": "余", "不少于": "不低于",
                        "不超过": "不高于"}
QUALIFIERS = ("左右", "以上", "以内", "以下", "不低于", "不高于", "超过", "近", "约", "余", "range", "力争", "同步",
              "快于", "高于全国", "正增长", "稳定", "国家下达")
# Units that count years, times or editions: a quantity in them measures nothing here
# (连续5年, 第3次, 第十二届) unless the words before it name a span (受教育年限11.5年).
_TIME_UNITS = ("年", "周年", "届", "次", "天", "小时", "分钟")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as written and in base units.

    ``value`` and ``unit`` are as written (``unit`` whole: ``万元/人``, ``个百分点``);
    ``text`` is the number as written (``555.68``); ``value_high``/``high_text`` the upper
    end of a range; ``qualifier`` one of :data:`QUALIFIERS` or None; ``base_value`` and
    ``base_unit`` multiply out 万/亿 (119.1亿元 is 1.191e10 元); ``start`` and ``end``
    the place in the text it was found in (0 for :func:`parse_quantity`).
    """

    value: float
    unit: str
    qualifier: str | None
    base_value: float
    base_unit: str
    text: str = ""
    value_high: float | None = None
    high_text: str | None = None
    start: int = 0
    end: int = 0


def _build(match: re.Match[str], offset: int = 0) -> Quantity:
    unit = (match.group("mult") or "") + match.group("unit").replace("每立方米", "/立方米")
    value = float(match.group("num"))
    high = float(match.group("num2")) if match.group("num2") else None
    qualifier = match.group("approx") or match.group("post") or match.group("pre")
    qualifier = _CANONICAL_QUALIFIER.get(qualifier, qualifier)
    if high is not None:
        qualifier = "range"
    base_unit, factor = unit, 1.0
    for prefix, scale in _MULTIPLIERS.items():
        if unit.startswith(prefix) and len(unit) > len(prefix) and not unit.startswith("百分点"):
            base_unit, factor = unit[len(prefix):], scale
            break
    return Quantity(value, unit, qualifier, value * factor, base_unit, match.group("num"), high,
                    match.group("num2"), offset + match.start(), offset + match.end())


def parse_quantity(text: str) -> Quantity | None:
    """Parse a quantity such as 1.5万亩, 3800余个, 119.1亿元, 4.5%以内, 5%—5.5%.

    ``value`` and ``unit`` are as written; ``base_value`` multiplies out 万/亿 (119.1亿元
    is 1.191e10 元). Qualifiers: 余 (多), 近, 超过 (超, 突破, 逾), 约, 以上, 以内, 左右,
    以下, 不低于, 不高于, and ``range`` for a span (``value_high`` its upper end).

    Example:
        >>> q = parse_quantity("119.1亿元")
        >>> q.value, q.unit, q.base_value, q.base_unit, q.text
        (119.1, '亿元', 11910000000.0, '元', '119.1')
        >>> parse_quantity("3800余个").qualifier, parse_quantity("4%左右").qualifier
        ('余', '左右')
        >>> r = parse_quantity("5%—5.5%")
        >>> r.value, r.value_high, r.unit, r.qualifier
        (5.0, 5.5, '%', 'range')
        >>> parse_quantity("58万元/人左右").unit, parse_quantity("29微克/立方米").unit
        ('万元/人', '微克/立方米')
        >>> parse_quantity("保水") is None
        True
    """
    match = _QUANTITY.fullmatch(text.strip())
    return _build(match) if match else None


def _measures_nothing(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 6): match.start()]
    after = text[match.end(): match.end() + 2]
    unit = match.group("unit")
    if before.endswith(("第", "前", "后", "排名第", "居第")) or re.search(r"(?:第|前)\s*$", before):
        return True  # a rank or an ordinal: 第2位, 前20位, 第3次
    if unit in ("位", "名") and re.search(r"(?:居|列|排名|跃居|位居|升至|位列)[^，。；]{0,8}$", before):
        return True
    if unit in _TIME_UNITS and not (match.group("pre") or match.group("post")):
        return not re.search(r"年限[^，。；、]{0,4}$", text[max(0, match.start() - 16): match.start()])
    if unit in _TIME_UNITS:
        return True
    if after.startswith(("+", "＋")):
        return True  # a formula: “1+4”
    if after.startswith("级") or unit == "千伏" or (unit == "个" and re.match(r"(?:月|季度|工作日)", after)):
        return True  # a class or a span: 30万吨级航道, 500千伏线路, 连续22个月
    if unit in ("个", "次") and re.match(r"(?:万亿|亿|万|千|百)?(?:元|美元)?级?(?:元|美元|台阶|大关|关口)",
                                        text[match.end():]):
        return True  # 连续跨过2个万亿元关口: a count of thresholds, not of things
    return False


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in order, with its place (``start``, ``end``).

    Example:
        >>> [(q.text, q.unit, q.qualifier) for q in find_quantities("增长5.2%、约4.4万亿元，跃居全国第2位")]
        [('5.2', '%', None), ('4.4', '万亿元', '约')]
        >>> [(q.value, q.value_high, q.unit) for q in find_quantities("地区生产总值增长4.5%-5%")]
        [(4.5, 5.0, '%')]
        >>> find_quantities("PM2.5与臭氧协同控制，连续5年获评优秀，“1+4”改革")
        []
        >>> find_quantities("建成20万吨级航道和500千伏线路，增速连续22个月居前列")
        []
        >>> [(q.text, q.unit) for q in find_quantities("分别提高12.6、28.3、41个百分点")]
        [('12.6', '个百分点'), ('28.3', '个百分点'), ('41', '个百分点')]
    """
    found = []
    for match in _QUANTITY.finditer(text):
        if match.group("unit1") and match.group("unit1") != (match.group("mult") or "") + match.group("unit"):
            continue  # 5万元至8% is no range
        if _measures_nothing(text, match):
            continue
        quantity = _build(match)
        if quantity.unit == "个" and re.match(r"[、和及]" + _NUMBER + r"个百分点", text[match.end():]):
            # 分别高于全国8.3个、6个百分点: the first unit is cut short
            quantity = Quantity(quantity.value, "个百分点", quantity.qualifier, quantity.value, "个百分点",
                                quantity.text, start=quantity.start, end=quantity.end)
        # 分别提高12.6、28.3、41个百分点: the numbers before the last share its unit
        listed = re.search(r"(?:(?<![\d.A-Za-z])" + _NUMBER + r"(?:、|和|及))+$", text[: match.start()])
        if listed and not match.group("pre"):
            for number in re.finditer(_NUMBER, listed.group(0)):
                start = listed.start() + number.start()
                value = float(number.group(0))
                factor = quantity.base_value / quantity.value if quantity.value else 1.0
                found.append(Quantity(value, quantity.unit, None, value * factor, quantity.base_unit, number.group(0),
                                      start=start, end=listed.start() + number.end()))
        found.append(quantity)
    return found
