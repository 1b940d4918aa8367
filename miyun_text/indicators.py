"""Indicators: every quantified result and target of a report, with its period and basis.

:func:`extract_indicators` reads each sentence of a paragraph table and gives one row per
quantity: what it measures (``indicator``, the canonical name of
``resources/indicators.csv`` where the words name one of its indicators, else the words
themselves), whether it is a result or a target (``kind``), the years it speaks of
(``period_start``, ``period_end``) and on what basis (``basis``: one year's figure, a
period's cumulative change, a period's annual average, or a level at the end of a
period), its number as written and as a float, its unit, qualifier and the direction
of the change it measures.

The years come from the paragraph (its ``period_start``/``period_end`` from
:func:`miyun_text.structure.parse_report`: a review part speaks of the year before the
report, a plan part of the report's year, a five-year passage of its period) and from
the sentence's own words: 年均 (an annual average), 五年增长32.4% or 比2020年 (a change over
a period), 过去三年, “十四五”时期, 到2030年.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataTypeError, ResourceError
from .grouping import paragraphs_of
from .paths import resource_path
from .quantities import Quantity, find_quantities
from .segment import default_segmenter, import_jieba, quiet_jieba
from .structure import CN_NUMERALS, opening_cue, plan_period, split_sentences, text_cells

__all__ = [
    "BASES",
    "INDICATOR_COLUMNS",
    "KINDS",
    "annual_figures",
    "canonical_indicator",
    "extract_indicators",
    "figure_table",
    "figure_text",
    "indicator_table",
    "name_problem",
    "normalise_indicator",
    "paragraph_table",
    "period_figures",
    "signed_value",
]

KINDS = ("actual", "expected", "target")
BASES = ("annual", "period_cumulative", "period_average", "period_end")
INDICATOR_COLUMNS = [
    "report_id", "label", "region", "year", "period_start", "period_end", "basis", "kind", "indicator", "name",
    "measure", "direction", "value", "value_high", "value_text", "value_high_text", "unit", "qualifier",
    "headline", "canonical", "basis_words", "part_no", "section_no", "sentence",
]
_DTYPES = {
    "report_id": "string", "label": "string", "region": "string", "year": "Int64", "period_start": "Int64",
    "period_end": "Int64", "basis": "string", "kind": "string", "indicator": "string", "name": "string",
    "measure": "string", "direction": "string", "value": "float64", "value_high": "float64",
    "value_text": "string", "value_high_text": "string", "unit": "string", "qualifier": "string",
    "headline": "boolean", "canonical": "boolean", "basis_words": "string", "part_no": "Int64",
    "section_no": "Int64", "sentence": "string",
}

# ---------------------------------------------------------------- the canonical table


@dataclass(frozen=True)
class _Table:
    frame: pd.DataFrame
    names: dict[str, str]
    patterns: list[tuple[re.Pattern[str], str]]
    headline: frozenset[str] = frozenset()


@lru_cache(maxsize=4)
def _load(path: str) -> _Table:

    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as err:
        raise ResourceError(f"{path}: not a UTF-8 CSV table of indicators ({err}); fix the file") from err
    needed = ["indicator", "aliases", "pattern", "unit", "measure", "better", "headline", "definition"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ResourceError(f"{path}: the indicator table lacks column(s) {missing}; it needs {needed}")
    names: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for line, record in enumerate(frame.to_dict("records"), start=2):
        row = {key: str(value) for key, value in record.items()}
        if row["better"] not in ("higher", "lower", ""):
            raise ResourceError(f"{path}:{line}: better must be 'higher', 'lower' or empty, not {row['better']!r}")
        if row["headline"] not in ("yes", "no"):
            raise ResourceError(f"{path}:{line}: headline must be 'yes' or 'no', not {row['headline']!r}")
        indicator = row["indicator"]
        for alias in [indicator, *filter(None, row["aliases"].split("|"))]:
            if names.get(alias, indicator) != indicator:
                raise ResourceError(f"{path}:{line}: {alias!r} names both {names[alias]!r} and {indicator!r}")
            names[alias] = indicator
        if row["pattern"]:
            try:
                patterns.append((re.compile(row["pattern"]), indicator))
            except re.error as err:
                raise ResourceError(f"{path}:{line}: pattern {row['pattern']!r} is no regular expression: "
                                    f"{err}") from err
    frame = frame.assign(headline=frame["headline"] == "yes")
    return _Table(frame, names, patterns, frozenset(frame.loc[frame["headline"], "indicator"]))


def _table(path: str | Path | None = None) -> _Table:
    return _load(str(path or resource_path("indicators.csv")))


def indicator_table(path: str | Path | None = None) -> pd.DataFrame:
    """The canonical indicators, one row each (``resources/indicators.csv``).

    Columns: ``indicator`` (canonical name), ``aliases`` (other names, ``|``-separated),
    ``pattern`` (a regular expression a longer name must match whole, where aliases
    are not enough), ``unit`` (of its level), ``better`` (``higher`` or ``lower``: which
    way is good; CPI, unemployment, energy and carbon intensity are ``lower``),
    ``headline`` (one of the few indicators a report's 主要预期目标 sets) and
    ``definition``.

    Example:
        >>> t = indicator_table().set_index("indicator")
        >>> t.loc["城镇调查失业率", "better"], bool(t.loc["城镇调查失业率", "headline"]), t.loc["地区生产总值", "unit"]
        ('lower', True, '亿元')
    """
    return _table(path).frame.copy()


_PLACE = re.compile(r"^(?:全(?:省|市|区|县|州|盟|旗|自治区|国)|我(?:省|市|区|县|州)|本(?:省|市|区|县)|区属|市属|县属|"
                    r"全省域|全社会(?=研发|固定资产|用电))")
_ASCII_PARENTHESIS = re.compile(r"[（(][A-Za-z0-9.&]+[）)]")


def normalise_indicator(name: str) -> str:
    """The name an indicator goes by: canonical where the table knows it, else the words cleaned.

    GDP, 全省生产总值 and 经济增长 are 地区生产总值; 万元GDP能耗 and 单位地区生产总值能耗
    are one indicator; names the text keeps apart stay apart (一般公共预算收入,
    区级一般公共预算收入 and 地方级收入 are three indicators). 规上 is written out
    (规模以上) and GDP inside a longer name becomes 地区生产总值.

    Example:
        >>> normalise_indicator("GDP"), normalise_indicator("区级一般公共预算收入")
        ('地区生产总值', '区级一般公共预算收入')
        >>> normalise_indicator("全省生产总值"), normalise_indicator("万元GDP能耗")
        ('地区生产总值', '单位地区生产总值能耗')
        >>> normalise_indicator("数字经济核心产业增加值占GDP比重")
        '数字经济核心产业增加值占地区生产总值比重'
    """
    return canonical_indicator(name) or _cleaned(name)


def _cleaned(name: str) -> str:
    name = name.strip(" ，、：:")
    name = _ASCII_PARENTHESIS.sub("", name) if not re.fullmatch(r"[（(][^）)]*[）)]", name) else name
    name = re.sub(r"^(?:[（(][^）)]*[）)])", "", name)
    if len(name) > 3:
        name = re.sub(r"GDP|ＧＤＰ", "地区生产总值", name) if name not in _table().names else name
    name = name.replace("规上", "规模以上")
    stripped = _PLACE.sub("", name)
    return stripped if len(stripped) >= 2 else name


def canonical_indicator(name: str) -> str | None:
    """The canonical name of ``name`` in the indicator table, or None if it names none.

    Example:
        >>> canonical_indicator("万元GDP能耗"), canonical_indicator("PM2.5平均浓度"), canonical_indicator("首次")
        ('单位地区生产总值能耗', '细颗粒物浓度', None)
    """
    table = _table()
    plain = _cleaned(name)
    bare = re.sub(r"(?:总数|数量|总量|总规模|规模|总额)$", "", plain)
    for candidate in dict.fromkeys((name, _ASCII_PARENTHESIS.sub("", name), plain, bare)):
        if candidate in table.names:
            return table.names[candidate]
        for pattern, indicator in table.patterns:
            if pattern.fullmatch(candidate):
                return indicator
    return None


# ---------------------------------------------------------------- words around a number

# Words between an indicator's name and its number, read from the right: frames (达到, 控制在),
# verbs of change (增长, 降幅), the basis of the figure (同比, 按不变价计算, 年均, 比2020年).
_DIRECTIONS = {
    "增长": "增长", "增速": "增长", "增幅": "增长", "增长率": "增长", "扩大": "增长", "上升": "增长",
    "下降": "下降", "降幅": "下降", "回落": "下降", "下滑": "下降", "下降幅度": "下降",
    "降低": "降低", "压降": "降低",
    "提高": "提高", "提升": "提高",
    "上涨": "上涨", "涨幅": "上涨", "上涨幅度": "上涨", "涨": "上涨", "微涨": "上涨", "微降": "下降",
    "增加": "增加", "净增": "增加", "多": "增加",
    "减少": "减少", "压减": "减少", "缩减": "减少", "增": "增加", "减": "减少", "改善": "改善",
}
# Frames of a level passed (地区生产总值跨越3万亿元, 迈上新台阶): the number is a floor reached.
_BEYOND = ("跨越", "跨过", "迈上", "迈过", "站上", "跃上", "突破")
_HOLD = {"控制在": "控制在", "稳定在": "稳定在", "保持在": "稳定在", "稳定": "稳定在", "保持": "稳定在"}
# Frames that end at a level reached: 提高到, 降至 (the number is the level, not the change).
_LEVEL_TO = ("提高到", "提高至", "提升到", "提升至", "上升到", "上升至", "增加到", "增加至", "增长到", "增长至",
             "下降到", "下降至", "降低到", "降低至", "降至", "降到", "缩小到", "缩小至", "扩大到", "扩大至", "减少到",
             "减少至", "跃升至", "跃升到", "升至", "达到了", "增至", "减至", "扩至", "降为", "增为")
_FRAMES = ("达到", "达", "为", "是", "实现", "完成", "预计完成", "共计", "合计", "总计", "累计", "约", "近", "超过",
           "突破", "首次", "平均为", "平均", "分别为", "按", "安排", "预期", "力争", "争取", "确保", "在", "到", "至",
           "了", "均",
           "全年", "新增", "净增长", "连续", "稳步", "持续", "进一步", "保持", "稳定", "再", "继续", "仍", "依然",
           "分别", "每月", "每人每月", "每人每年",
           "较快", "快速", "实际", "名义", "同步", "以上", "左右")
_BASIS_WORDS = ("按不变价格计算", "按不变价计算", "按可比价格计算", "按可比价计算", "按可比口径计算", "按同口径计算",
                "按可比口径", "按同口径", "同口径", "可比口径", "自然口径", "可比", "同比", "比上年同期", "较上年同期",
                "比上年", "较上年", "比去年", "初步核算", "初步统计", "初步预计", "预计")
_PERIOD_WORDS = re.compile(
    r"(?:“?十[一二三四五六七八九]五”?(?:时期|期间|以来|末)?|"
    r"(?:过去|近|这|前)?(?:[两二三四五六七八九十]|(?<!\d)[2-9])年(?:来|间|内|累计|平均)?|年均|平均每年|每年|年平均|累计|"
    r"(?:比|较|与)(?:19|20)\d\d年(?:末|底)?(?:相比)?|"
    r"(?:比|较)[“\"]?十[一二三四五六七八九]五[”\"]?末)$"
)
_TAIL = re.compile(
    "(?:" + "|".join(sorted({re.escape(w) for w in (*_DIRECTIONS, *_HOLD, *_LEVEL_TO, *_FRAMES, *_BASIS_WORDS,
                                                     *_BEYOND) if w != "约"},
                            key=len, reverse=True)) + "|(?<!签)约)$"
)
_HEAD_WORDS = (
    "其中 全年 今年 去年 初步预计 初步统计 预计 力争 确保 努力 争取 推动 实现 完成 达到 共 累计 合计 "
    "新建和改造提升 包括 新增 "
    "新建改扩建 新建改造 开工改造 开工建设 改造提升 更新改造 新建成 新建 建成 开展 推进 组织实施 组织 实施 引进 "
    "培育 认定 发放 "
    "落实 带动 吸引 施划 改造 开工 整治 完成投资 拆除 腾退 修缮 新改建 筹集 建设 打造 举办 集中签约 新设 节约 帮助 "
    "为 与 在 "
    "并 且 又 还 也 以及 同时 此外 另外 扎实推进 解决 促进 改善提升 改善 提升 整治修缮 绿化美化 编制完成上报 通过 聚集 "
    "建立 及时兑付 兑付 办好 组织实施好 持续 全面"
).split()
# A verb after the thing counted (背街小巷治理40条, 古树得到科学管护1211株): the thing is the name.
_NAME_VERB_TAIL = re.compile(r"(?:得到[\u4e00-\u9fff]*|升级改造|改造提升|提质改造|改造|治理|整治|提升|管护|修缮|撬动)$")
_HEAD = re.compile(
    r"^(?:全(?:省|市|区|县|州|盟|旗|自治区)|我(?:省|市|区|县|州)|本(?:省|市|区|县)|到?(?:19|20)\d\d年|"
    r"[一二三四五六七八九十]+是|(?:和|及)(?=新建|改造|改扩建|建设|提升|新增)|"
    + "|".join(sorted(map(re.escape, _HEAD_WORDS), key=len, reverse=True)) + ")+"
)
# A difference from a benchmark (高于年初预期目标0.4个百分点, 比全国高0.8个百分点) measures no indicator.
_COMPARISON = re.compile(r"(?:高于|低于|快于|慢于|好于|超出|多于|少于|超过全国|"
                         r"(?:比|较)(?:全国|全省|全市|全区|预期|目标|年初|计划|平均))")
# A reach stated without its subject (…，全年服务用户超过3000人次): the thing measured is elsewhere.
_REACH = re.compile(r"^(?:服务(?!业)|惠及|覆盖|辐射|吸引|带动|贡献)")
# A predicate after the counted thing (4个交叉创新平台竣工): the thing is the name.
_PREDICATE_TAIL = re.compile(
    r"(?:全部|全面|均|已|顺利|基本|如期)?(?:竣工|完工|开工|建成|投用|投产|落地|通车|开业|上线|获批|入选|完成|"
    r"取得批复|通过验收)$"
)
_FOLLOWING = re.compile(r"([\u4e00-\u9fff“”]{2,14}?)(?=的|[^\u4e00-\u9fff“”]|签订|喜迁|$)")
_COUNT_UNITS = frozenset("个 家 项 所 处 座 条 名 台 辆 艘 套 栋 间 张 件 批 支 株 种 例 场 部 本 册 床".split())
# Words that name no indicator, alone.
_NOT_NAMES = frozenset(
    "首次 实际 确定 实现 完成 达到 增长 下降 提高 降低 推动 带动 其中 总量 规模 同比 全年 累计 合计 共计 分别 年均 "
    "目标 "
    "预期目标 主要预期目标 主要目标 力争 争取 确保 保持 控制 比重 增速 增幅 涨幅 降幅 今年 去年 明年 当年 全国 "
    "全省 全市 全区 "
    "全县 我省 我市 我区 经济社会 发展 总体 平均 平均值 水平 规模达 提高到 居 位居 跃居 排名 连续 新增 新建 建成 "
    "明确 来自 "
    "中科院 共 合计 等 约 近 超 以上 左右 以内 以下 比上年 同口径 可比 一般 主要 全部 各项 其他 另有 国家级 省级 "
    "市级 县级 "
    "区级 自治区级 产值 产量 投资 消费 营收 收入 增加值 总产值 营业收入 占比 比重 增速 总投资额 "
    "个人 国家 世界 方面 整体 全长 海拔 两岸 省份 地区 部门 单位 群众 人员 家庭 人次 人数 全球 "
    "省市 省区市 市州 县市区 县区 地市 区县 市县 乡镇 城市 县 国家和地区 国家及地区 地方 困境 投资额".split()
)
# Period words at the head of a name (年均新增城镇就业, 过去三年规上工业增加值): they say the span, not the name.
_HEAD_PERIOD = re.compile(r"^(?:(?:过去|近)[两二三四五六七八九十]年(?:来|间)?|[两二三四五六七八九十]年(?:来|间)|"
                          r"五年来|这五年|[两三五]年(?:累计)?(?!级|制|义务|行动|计划|规划)|"
                          r"“?十[一二三四五六七八九]五”?(?:时期|期间|以来)|年均|平均每年|每年|累计)")
# Verbs standing where a name would (创建10个…, 筹措资金…, 新培育…): the counted thing follows the number.
_VERB_WORDS = (
    "创建 创成 争创 筹措 筹集 支持 形成 培育 新培育 抓好 布局 布局建设 启动 启动建设 整合 推出 加快建设 选择 "
    "着力培育 重点培育 "
    "打造 重点培育打造 建设 建成 新建 改造 获批 入选 认定 新认定 评定 获评 开通 新开通 举办 组织 召开 出台 制定 "
    "发布 实施 推动 "
    "引导 带动 吸引 开展 完成 设立 成立 组建 新设 落地 签约 引进 培训 帮扶 救助 惠及 覆盖 发放 兑现 减免 减轻 争取 "
    "获得 取得 "
    "拿到 获 突破 超过 投用 投产 建立 新增 开工 竣工 申报 推广 复制 谋划 储备 梳理 清理 化解 处置 办理 办结 审议 "
    "出台实施 "
    "编制 修订 制修订 上线 接入 上市 挂牌 招引 招聘 安置 转移 输转 资助 补贴 奖补 减税降费 实现 推进 深化 优化 "
    "提升 提高 "
    "新获批 新入选 新增培育 累计培育 累计建成 累计创建 累计认定 新建成 建设改造 改造提升 新改建 提质 升级 扩容 首批 "
    "共有 拥有 有 的有 达 共 改建 新改建 新（改）建 新(改)建 扩建 新建改建 "
    "选派 选送 引育 加快 强化 完善 统筹 聚焦 拓展 打通 吸纳 承办 巩固 置换 交付 建强 提供 筛选 壮大 首创 再建 落户 "
    "利用好 办好 建好 用好 做好 抓好 管好 引进培育 招引培育 再创建 再打造 再推出 再办好 打造形成 探索形成 牵头建设 "
    "立项培育 细分培育 滚动实施 滚动推进 滚动建设 深入实施 深入推进 稳妥推进 重点推进 重点支持 重点办好 继续办好 "
    "扎实办好 具体抓好 统筹推进 加快推进 加快打造 布局一批 建设一批 培育一批 打造一批"
).split()
_VERBS = re.compile("(?:" + "|".join(sorted(map(re.escape, _VERB_WORDS), key=len, reverse=True)) + ")+")
_TIME_NAME = re.compile(r"^(?:过去|近|今后|未来|这|前|后)?[一二两三四五六七八九十\d]+(?:年|个月|季度)"
                        r"(?:来|间|内|以来|里)?$")
_PLACE_NAME = re.compile(r"^[\u4e00-\u9fff]{1,6}(?:省|市|县|自治区|自治州)$")
_CLAUSE_BOUNDARY = re.compile(r"[，,；;：:。！？（(、]")
# A target restated in a reason for it (确定经济增长5%左右的目标，兼顾了…) is no new target.
_RESTATED_AFTER = re.compile(r"^(?:的(?:增长|预期|发展)?目标|的增速目标|的目标|这一目标|目标)")
_RESTATED_BEFORE = re.compile(r"(?:确定|提出|设定|安排)[^，。；]{0,12}$")
# Growth tied to the economy's: 居民人均可支配收入增长与经济增长基本同步.
_IN_STEP = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{2,18}?)(?P<verb>增长|增速)?(?:与|和|同)(?:经济增长|经济增速|地区生产总值增长|地区生产总值增速|"
    r"经济发展)(?:保持|实现|基本)*同步"
)
# Targets stated in words alone, read where the indicator table knows what they name:
# growth above the economy's (居民收入增速高于经济增速), above the national average
# (增速高于全国平均水平), above zero (进出口总额实现正增长), held steady (粮食产量保持稳定).
_ECONOMY = r"(?:经济增速|经济增长|地区生产总值增速|地区生产总值增长|生产总值增速|GDP增速)"
_WORD_TARGETS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"(?P<name>[\u4e00-\u9fff]{2,18}?)(?:增速|增幅|增长)(?:要|保持|继续|持续)?(?:高于|快于)" + _ECONOMY),
     "快于", "增长"),
    (re.compile(r"(?P<name>[\u4e00-\u9fff]{2,18}?)(?:增速|增幅|增长)(?:要|继续|持续)?(?:保持在|高于|快于)全国"
                r"(?:平均水平|平均)(?:以上)?"), "高于全国", "增长"),
    (re.compile(r"(?P<name>[\u4e00-\u9fff]{2,18}?)(?:争取|力争|确保|努力)?实现正增长"), "正增长", "增长"),
    (re.compile(r"(?P<name>[\u4e00-\u9fff]{2,18}?)(?:保持|实现)(?:基本)?稳定|(?P<trade>进出口)稳量"), "稳定", "稳定在"),
)
# A quota the central government sets (完成国家下达的节能降碳任务, 碳排放总量和强度完成国家下达目标):
# what the clause names of energy, carbon and grain is the indicator.
_QUOTA = re.compile(r"国家(?:下达|要求|审核衔接后确定)")
_QUOTA_NAMES: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(r"节能|能耗|能源消耗|能源(?=、|等|和|指标)"), "单位地区生产总值能耗", "下降"),
    (re.compile(r"降碳|碳排放|二氧化碳|碳减排|减碳|碳双控"), "单位地区生产总值二氧化碳排放", "下降"),
    (re.compile(r"粮食(?:生产|产量|总产量|总产)(?!.*播种)"), "粮食产量", None),
    (re.compile(r"粮食播种面积"), "粮食播种面积", None),
)
# The qualifiers of a target stated in words alone (its row has no value).
WORD_QUALIFIERS: tuple[str, ...] = ("同步", *dict.fromkeys(q for _, q, _ in _WORD_TARGETS), "国家下达")
_TARGET_WORDS = ("预期目标", "主要目标", "目标是", "目标为", "力争", "争取", "控制在", "预期", "计划")
_ACTUAL_WORDS = ("预计完成", "预计", "完成", "实现", "达到", "累计", "同比", "比上年", "按不变价", "同口径", "建成",
                 "新增", "全年")
_EXPECTED = re.compile(r"预计|初步预计|初步统计|初步核算")
_FLOW = re.compile(r"新增|新建|建成|完成|累计|引进|培育|改造|开工|签约|落地|实施|发放|减轻|减免|筹集|吸引|带动")
_FLOW_NAME = re.compile(r"生产|使用|接待|新设|新建|引进|完成|实施|发放|培训|转移|输转")
_HEAD_SPAN = re.compile(r"年均|平均每年|每年|累计|(?:过去|近)[两二三四五六七八九十]年|五年来|"
                        r"[两二三四五六七八九十]年(?:来|间|累计)|[两三五]年(?!级|制|义务|行动|计划|规划)|"
                        r"“?十[一二三四五六七八九]五”?(?:时期|期间|以来)")
_CN_COUNT = {"两": 2, **CN_NUMERALS}


@dataclass
class _Context:
    """What a paragraph says about the time its sentences speak of."""

    report_year: int | None
    period: tuple[int, int] | None
    kind_by_cues: bool
    base: dict[str, Any]
    part_kind: str | None = None


@dataclass
class _Words:
    """The words before one number, taken apart."""

    name: str = ""
    direction: str | None = None
    hold: str | None = None
    level_to: bool = False
    striving: bool = False
    flow: bool = False
    beyond: bool = False
    basis_words: list[str] = field(default_factory=list)
    period_words: list[str] = field(default_factory=list)


def _take_apart(segment: str) -> _Words:
    words = _Words()
    rest = segment.strip(" “”")
    while rest:
        period = _PERIOD_WORDS.search(rest)
        tail = _TAIL.search(rest)
        if period and (not tail or period.start() <= tail.start()):
            words.period_words.append(period.group(0))
            rest = rest[: period.start()]
            continue
        if not tail:
            break
        token = tail.group(0)
        rest = rest[: tail.start()]
        if token in _DIRECTIONS and words.direction is None:
            words.direction = _DIRECTIONS[token]
        elif token in _HOLD and words.hold is None:
            words.hold = _HOLD[token]
        elif token in _LEVEL_TO:
            words.level_to = True
        elif token in _BASIS_WORDS:
            words.basis_words.append(token)
        elif token in ("力争", "争取"):
            words.striving = True
        elif token in ("完成", "新增", "累计", "净增长", "预计完成"):
            words.flow = True
        elif token in _BEYOND:
            words.beyond = True
    words.name = rest
    return words


def _clean_name(raw: str, examples: bool = True) -> str:
    name = raw.strip(" ，、：:“”（）()")
    name = re.sub(r"^.*[：:]", "", name)
    while True:
        head = _HEAD.match(name)
        if not head or not head.group(0):
            break
        if canonical_indicator(name):
            break  # 新增城镇就业 is a name of its own
        name = name[head.end():]
    period = _HEAD_PERIOD.match(name)
    if period and len(name) > period.end() + 1:
        name = name[period.end():]
    # 某品牌体验馆、某商场等首店, 李华等两院院士: the examples go, the kind stays
    listed = re.match(r"^([^，。；]{1,30}?)(?<![高中初平同对均相一二三四五六七八九十特])等(?![级院学教职次量同于])"
                      r"(?=[\u4e00-\u9fff“])", name)
    if examples and listed and len(name) - listed.end() >= 2 and (
            re.search(r"[、”]", listed.group(1))
            or name_problem(listed.group(1)) in ("place", "organisation", "person")):
        name = name[listed.end():]
    # 新建500千伏和220千伏输电工程, 年营业收入超5亿元的骨干企业: a class before the thing
    name = re.sub(r"^.*\d(?:万|亿|千)?(?:千伏|伏|吨级|千瓦级|米级|级)(?:和|及|、)?", "", name)
    name = re.sub(r"^.*\d[^，。；\d]{0,4}的(?=[\u4e00-\u9fff]{2})", "", name)
    name = re.sub(r"^的", "", name)
    # 省外就业占15%, 产量占全球25%: a share whose last word was cut
    name = re.sub(r"占$", "占比", re.sub(r"占(全国|全省|全球|全市|全区)$", r"占\1比重", name))
    name = re.sub(r"^城(?=[、]?居民)", "城镇", re.sub(r"^乡(?=居民)", "农村", name))
    name = re.sub(r"(?:和|及|与|以及|分别|的|等|各)+$", "", name)
    verb = _NAME_VERB_TAIL.search(name)
    if verb and verb.start() >= 3 and not canonical_indicator(name):
        name = name[: verb.start()]
    # a quote or bracket whose partner lies outside the name is no part of it
    for left, right in ("“”", "（）", "()", "《》"):
        if name.count(left) != name.count(right):
            name = name.replace(left, "").replace(right, "")
    return name.strip(" ，、（）()“”")


def _is_name(name: str, unit: str | None = None) -> bool:
    if len(name) < 2 or not re.search(r"[\u4e00-\u9fffA-Za-z]", name) or name in _NOT_NAMES:
        return False
    if re.search(r"\d", re.sub(r"PM2\.5|PM10|5G|[A-Z]+\d", "", name)) or _VERBS.fullmatch(name):
        return False
    if re.search(r"等(?:主要)?指标$|等$", name):
        return False
    if _TIME_NAME.match(name) or re.fullmatch(r"[\d.%]+", name):
        return False
    if _COMPARISON.match(name) or _REACH.match(name):
        return False
    return name_problem(name, unit) is None


# ---------------------------------------------------------------- what a name may be

# Words jieba tags as nouns or noun-like: what a counted thing ends on.
_NOUN_FLAGS = ("n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "ng", "j", "l", "i", "vn", "an", "s", "zg", "eng")
# Words that may stand before the noun of a counted thing (重大/a 产业 项目, 千亿/m 县, 抽水/v 蓄能 电站).
_MODIFIER_FLAGS = ("a", "ag", "b", "m", "mq", "v", "ug", "q", "k", "h")
# Proper names: places, people, bodies. jieba tags them ns, nr, nt, nz (and nrt, nrfg for
# foreign and full names); its HMM gives such tags to words its dictionary lacks.
_PROPER_FLAGS = ("ns", "nr", "nrt", "nrfg", "nt", "nz")
# Units that measure an activity itself (招生46.3万人, 造林65万亩, 支出3000亿元): a verb may
# name it; never a count of things (完工1385个, 引育600名) or a share.
_ACTIVITY_UNITS = re.compile(r"(?:人|人次|亩|公顷|平方公里|平方米|立方米|吨|千瓦时|千瓦|元|美元|斤|公里|/.+)$")
# Adverbs and manners that open a verb phrase (高质量建好, 扎实办好, 滚动实施).
_MANNER = re.compile(r"^(?:高质量|高水平|高标准|高效|扎实|稳妥|稳步|深入|滚动|继续|再|加快|大力|积极|着力|全力|持续|"
                     r"有序|统筹|全面|进一步|切实|精心|分批|率先|重点|优先|集中|新)+")
# Time words that name no indicator (首期, 年度, 全年, 上半年, “十四五”时期).
_TIME_WORDS = re.compile(r"(?:首期|年度|全年|当年|年内|同期|期间|以来|每年|今年|去年|明年|上半年|下半年|"
                         r"前三季度|[一二三四]季度|“?十[一二三四五六七八九]五”?(?:时期|期间|末|初)?)")
# Pieces of a clause: a name cut off at a connective (中职学校由…, 某热电厂共…, 考核项中有…).
_DANGLING = re.compile(r"(?:由|从|共|各|中有|跨上|跨越|进入前|将|已|通了新|联合印发|有)$")
_OPENING_WORDS = ("的", "和", "及", "与", "或", "并", "而", "由", "从", "将", "把", "被", "其", "以", "于")
# Endings that make a name a measure whatever jieba tags its words (参保率: 参保/v 率/v).
_MEASURE_END = re.compile(r"(?:率|比|比重|比例|占比|量|数|额|值|度|指数|面积|规模|总量|人数|人次|收入|支出|产能|产量|"
                          r"里程|标准|价格|水平|寿命|年限)$")
# Endings of the names of bodies (恒通集团, 华宇公司) and of places (青山区, 白沙县, 临河镇).
_BODY_END = re.compile(r"(?:股份有限公司|有限公司|有限责任公司|子公司|公司|集团|控股|股份|银行|大学|学院|研究院|研究所|"
                       r"医院|协会|商会)$")
# Trades that follow a firm's name (宏达电子, 瑞丰新材, 华宇科技).
_FIRM_WORD = re.compile(r"时代|化工|科技|电子|能源|电力|铝电|药业|矿业|钢铁|实业|控股|集团|股份|新材|智能|重工|机械|"
                        r"汽车|动力|光电|生物|储能|储热|硅业|锂业|乳业")
_PLACE_END = re.compile(r"(?:自治区|自治州|自治县|自治旗|特别行政区|新区|省|市|县|区|州|盟|旗|镇|乡|村|街道)$")
# The 34 provincial-level regions, full and short (a region's own name is never an indicator).
_PROVINCES = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 "
    "山东省 河南省 "
    "湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 陕西省 甘肃省 青海省 "
    "宁夏回族自治区 新疆维吾尔自治区 台湾省 香港特别行政区 澳门特别行政区"
).split()
# Counties whose names are common words too (新建县, 和平县, 平安县): never a place alone.
_NOT_PLACES = frozenset("新建 惠民 新和 新平 大新 新城 和平 太平 平安 安宁 中和 共和 平原 海岛 滨海 大通 大安 新安 "
                        "长安 江山 山口 河口 江口 兴和 东平 南平 高安 九龙 金山 江源 清河 文明 上市 富民 民和 "
                        "灯塔 珠宝 大关 双城 磐石 清水".split())
_REGION_END = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|自治州|自治县|省|市|县|区|旗|盟)$")
# Surnames most frequent in China: a two- or three-character word jieba's dictionary lacks,
# tagged as a person's name and opening on one of them, is a person (张明, 李华).
_SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
                      "吕丁任"
                      "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
                      "戴莫孔向汤")


@lru_cache(maxsize=1)
def _tagger() -> Any:
    """jieba's part-of-speech tagger over the package's dictionary (jieba's own and the policy terms)."""
    tokenizer = default_segmenter().tokenizer
    with quiet_jieba():
        return import_jieba().posseg.POSTokenizer(tokenizer)


@lru_cache(maxsize=65536)
def _tags(text: str) -> tuple[tuple[str, str], ...]:
    with quiet_jieba():
        return tuple((pair.word, pair.flag) for pair in _tagger().lcut(text))


def _known(word: str) -> str | None:
    """The tag the dictionary gives ``word``, or None where it lacks the word."""
    return _tagger().word_tag_tab.get(word)


@lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    """Places by name: the 34 provincial-level regions and every city and county the
    dictionary knows (X市, X县 tagged as places), each also without its ending (上饶, 崇阳)
    where that is no common word."""
    places: set[str] = set()
    for name in _PROVINCES:
        places.update((name, _REGION_END.sub("", name)))
    places.add("内蒙古")
    for word, flag in _tagger().word_tag_tab.items():
        if flag != "ns" or len(word) < 3 or word[-1] not in "市县":
            continue
        stem = word[:-1]
        if re.search(r"[城都名岛强大]$", stem) or stem in _NOT_PLACES:
            continue  # 大城市, 文明城市, 旅游名县, 海岛县: kinds of place, no place
        places.add(word)
        known = _known(stem)
        # the name without its ending: 上饶 (ns), 通辽 (nr), 孝感 (n, but 孝感市 is a city)
        if known in (None, "ns", "nr", "nrt", "nz", "j", "nt") or (known == "n" and _known(stem + "市") == "ns"):
            places.add(stem)
    return frozenset(p for p in places if len(p) >= 2)


def _proper(word: str) -> bool:
    """A proper name: a place, a word the dictionary tags as a body or a proper noun, or one
    it lacks that jieba's HMM tags as a name (its own ``nr`` tags hold common words: 高水平)."""
    if word in _gazetteer():
        return True
    known = _known(word)
    if known is not None:
        return known in ("nz", "nt")
    tags = _tags(word)
    return len(tags) == 1 and tags[0][1] in _PROPER_FLAGS


@lru_cache(maxsize=256)
def _region_names(region: object) -> frozenset[str]:
    """A report's region by its names: 湖北省 and 湖北, 密云区 and 密云."""
    if not isinstance(region, str) or not region:
        return frozenset()
    return frozenset(n for n in (region, _REGION_END.sub("", region)) if len(n) >= 2)


def _is_place(name: str, places: frozenset[str] = frozenset()) -> bool:
    if name in _gazetteer() or name in places:
        return True
    tags = _tags(name)
    if 1 < len(tags) <= 3 and all(flag == "ns" for _, flag in tags) and any(w in _gazetteer() for w, _ in tags):
        return True  # 上饶东湖: places within places
    ending = _PLACE_END.search(name)
    if ending is None or len(name) > 6:
        return False
    stem = name[: ending.start()]
    if len(stem) < 2:
        return False
    if stem in _gazetteer() or stem in places or (_known(name) == "ns" and name[-1] in "区旗"):
        return True
    # 临河镇, 白沙村: a stem the dictionary lacks, read as a proper name
    return _known(stem) is None and all(flag in _PROPER_FLAGS for _, flag in _tags(stem))


def _is_body(name: str) -> bool:
    tags = _tags(name)
    if len(tags) == 2 and _proper(tags[0][0]) and (tags[1][1] in _PROPER_FLAGS or _FIRM_WORD.fullmatch(tags[1][0])):
        return True  # 江西恒通, 湖南宏达, 宏达电子: a place or a name, then a name or a trade
    ending = _BODY_END.search(name)
    if ending is None:
        return False
    stem = name[: ending.start()]
    if len(stem) < 2:
        return False
    # 恒通集团, 华宇公司, 金石集团: a proper name before the ending (not 上市公司, 村镇银行, 高水平大学)
    return _proper(stem) or (_known(stem) is None and len(stem) <= 4
                             and not re.search(r"[\d一二三四五六七八九十级]", stem))


def _is_person(name: str) -> bool:
    return (2 <= len(name) <= 3 and name[0] in _SURNAMES and _known(name) is None
            and all(flag in ("nr", "nrfg", "nrt") for _, flag in _tags(name)))


def name_problem(name: str, unit: str | None = None, *, places: frozenset[str] = frozenset()) -> str | None:
    """Why the words ``name`` name no indicator, or None where they may: ``place`` (a region,
    city, county or town: 上饶, 青山区), ``organisation`` (a firm or body: 恒通集团, or a list of
    them), ``person`` (张明), ``verb`` (an action without the thing it acts on: 选派, 加快推进,
    高质量建好), ``time`` (首期, 年度, 过去三年) or ``fragment`` (a piece of a clause: 中职学校由,
    的村集体经营性收入). ``unit`` is the unit of the number it would name (a verb may name an
    activity measured in people or area: 招生, 造林); ``places`` adds place names the
    caller knows (a corpus's regions).

    Example:
        >>> [name_problem(n) for n in ("上饶", "青山区", "恒通集团", "张明", "选派", "首期", "中职学校由")]
        ['place', 'place', 'organisation', 'person', 'verb', 'time', 'fragment']
        >>> [name_problem(n) for n in ("高新技术企业", "上市公司", "城中村", "和美乡村", "示范区", "千亿县")]
        [None, None, None, None, None, None]
        >>> name_problem("招生", "万人"), name_problem("完工", "个")
        (None, 'verb')
    """
    if canonical_indicator(name):
        return None
    if _TIME_NAME.match(name) or _TIME_WORDS.fullmatch(name):
        return "time"
    items = [item for item in re.split(r"[、和及与]", name) if item]
    if len(items) > 1 and all(name_problem(item, unit, places=places) in ("place", "organisation", "person")
                              for item in items):
        kinds = {name_problem(item, unit, places=places) for item in items}
        return "place" if kinds == {"place"} else "person" if kinds == {"person"} else "organisation"
    if _is_place(name, places):
        return "place"
    if _is_person(name):
        return "person"
    if _is_body(name) or _is_body(re.sub(r"(?:产值|营收|营业收入|收入|利润|产量|投资|增加值|销售额)$", "", name)):
        return "organisation"  # 恒通集团, 恒通集团产值: a firm's own figures
    if _VERBS.fullmatch(name):
        return "verb"
    tags = _tags(name)
    if tags and (tags[0][0] in _OPENING_WORDS or _DANGLING.search(name) or re.search(r"占$", name)):
        return "fragment"
    if len(tags) == 1 and tags[0][1] == "t":
        return "time"
    core = _MANNER.sub("", name) if _MANNER.sub("", name) else name
    core_tags = _tags(core) if core != name else tags
    # verbs, adverbs, prepositions, particles, and the result a verb reaches (建好, 做强)
    verbs = all((flag[0] in "vdpcu" and flag != "vn") or flag in ("ad", "vd", "r", "f", "y")
                or (i > 0 and flag in ("a", "ag") and core_tags[i - 1][1][0] == "v")
                for i, (_, flag) in enumerate(core_tags))
    if len(core_tags) == 1 and core_tags[0][1] == "vn" and core != name:
        verbs = True  # 再打造, 高质量建设: a manner and a verb
    if verbs and not _MEASURE_END.search(name) and not (unit and _ACTIVITY_UNITS.search(unit) and core == name):
        return "verb"
    return None


# Words that open the predicate after a counted thing (3个中心投入运营, 7家国企进入500强,
# 15件实事全部兑现): the thing ends before them. Matched on whole words, so 共 in 医共体 stays.
_PREDICATE_WORDS = frozenset(
    "投入 入选 获评 获批 进入 实现 完成 达到 建成 开工 投产 投用 投运 运营 落地 落户 开通 通车 上线 启用 兑现 铺开 "
    "成型 起势 参与 纳入 通过 列入 荣获 获得 取得 位列 跻身 上榜 入围 成为 实施 承担 开展 提供 保供 深化 推动 "
    "带动 覆盖 惠及 受到 获 被 为 是 有 达 占 在 将 已 均 共 都 全部 全面 相继 顺利 如期 正式 基本 累计 分别 "
    "提前 率先 首次 以上 以下 左右 布局 拓展 有序 加快 持续 陆续 集中 整体 实际 总投资 全覆盖 "
    "引入 免费 形成 发行 延伸 让 使 核准 装车 展业 退出 扎实 稳步 不断 加速 深入 积极 有效 全力 大力 初步 "
    "赴 享受 立起 解决 消除 参加 入驻 稳定 达标 建成运行 进展 和 及 与 的 等 或 并".split()
)
# Words that close a counted thing's phrase as its predicate (4个抽水蓄能电站建设, 0.8万个服务站提质增效).
_THING_TAIL = re.compile(r"(?:技术改造|数字化转型|建设|改造|提升|提质|增效|提质增效|运营|应用|规模化|规模化应用|"
                         r"振兴发展|发展|投资|"
                         r"第一|第二|第三)$")


def _counted_thing(text: str, at: int) -> str:
    """The thing a count counts when its words follow the number (5个县域医疗次中心投入运营 →
    县域医疗次中心; 新增甲市、乙市2个过千亿元城市 → 过千亿元城市), or "" where none does."""
    run = re.match(r"[\u4e00-\u9fff“”‘’]+", text[at:])
    if not run:
        return ""
    taken: list[tuple[str, str]] = []
    for word, flag in _tags(run.group(0)):
        if word in _PREDICATE_WORDS or (taken and flag in ("c", "p", "uj", "ul", "y")):
            break
        taken.append((word, flag))
    while taken and not (taken[-1][1] in _NOUN_FLAGS or taken[-1][1].startswith("n") or taken[-1][0] in "”’"):
        taken.pop()  # the thing ends on a noun
    phrase = "".join(word for word, _ in taken)
    while True:
        shorter = _PREDICATE_TAIL.sub("", _THING_TAIL.sub("", phrase))
        if shorter == phrase or len(shorter) < 2:
            break
        phrase = shorter
    if len(phrase) < 2 or phrase.startswith("方面") or phrase.endswith("级"):
        return ""  # 9个方面工作, 13个地级以上市: no thing of its own
    rest = text[at + len(phrase):]
    if phrase == run.group(0) and re.match(r"\s*[0-9０-９]", rest):
        return ""  # 80所海拔2000米以上…: the words name the next number, not the thing counted
    name = _clean_name(phrase)
    return phrase if _is_name(name) else ""


# ---------------------------------------------------------------- periods and bases


def _plan_containing(year: int) -> tuple[int, int]:
    number = (year - 1966) // 5 + 3
    return plan_period(number)


def _count(digit: str) -> int:
    return int(digit) if digit.isdigit() else _CN_COUNT[digit]


def _period_of(words: list[str], context: tuple[int, int], change: bool) -> tuple[tuple[int, int], str] | None:
    """The span and basis that period words (年均, 五年, 比2020年, “十四五”时期) give, or None."""
    first, last = context
    text = "".join(words)
    average = bool(re.search(r"年均|平均每年|每年|年平均|两年平均|[两二三四五]年平均", text))
    if first < last:  # a passage about a period already: 年均 averages it, 累计 or 五年 sums it up
        if average:
            return (first, last), "period_average"
        if re.search(r"累计|(?:[两二三四五六七八九十]|(?<!\d)[2-9])年|(?:比|较|与)(?:19|20)\d\d年|末", text):
            return (first, last), "period_cumulative" if change or "累计" in text else "period_end"
        return None
    span = None
    plan = re.search(r"十([一二三四五六七八九])五", text)
    since = re.search(r"(?:比|较|与)((?:19|20)\d\d)年", text)
    years = re.search(r"([两二三四五六七八九十]|(?<!\d)[2-9])年", text)
    if plan:
        start, end = plan_period(10 + CN_NUMERALS[plan.group(1)])
        if "末" in text:  # 比“十三五”末: the change since the period's end
            span = (end + 1, last)
        else:
            span = (start, min(end, last))
    elif since and int(since.group(1)) < last - 1:
        span = (int(since.group(1)) + 1, last)
    elif years and _count(years.group(1)) >= 2:
        span = (last - _count(years.group(1)) + 1, last)
    elif average or (change and "累计" in text):
        # 年均 with no span, or a change 累计 over years: the plan period so far
        start = _plan_containing(last)[0]
        span = (start, last) if start < last else (last - 4, last)
    if span is None or span[0] >= span[1]:
        return None
    if average:
        return span, "period_average"
    return span, "period_cumulative" if change or "累计" in text else "period_end"


# ---------------------------------------------------------------- rows


def _kind(context: _Context, period: tuple[int, int] | tuple[None, None], scope: str, sentence: str,
          paragraph: str) -> str:
    ry = context.report_year
    if ry is not None and not context.kind_by_cues and period[0] is not None:
        one_year_review = context.part_kind == "review" and period[0] == period[1] <= ry
        if period[1] < ry or one_year_review:
            return "expected" if _EXPECTED.search(scope) else "actual"
        if period[0] >= ry:
            return "target"
    for text in (scope, sentence):
        if any(w in text for w in _TARGET_WORDS):
            return "target"
        if any(w in text for w in _ACTUAL_WORDS):
            return "expected" if _EXPECTED.search(text) else "actual"
    if any(w in paragraph for w in ("过去一年", "一年来", "过去五年", "五年来", "去年")):
        return "actual"
    if any(w in paragraph for w in ("今年", "明年")):
        return "target"
    return "other"


@dataclass
class _Reading:
    """One sentence being read: its context, its period so far and the last indicator named."""

    context: _Context
    period: tuple[int, int] | None
    sentence: str
    paragraph: str
    last: dict | None = None
    last_names: list[str] | None = None
    rows: list[dict] = field(default_factory=list)

    def add(self, raw: str, quantity: Quantity | None, words: _Words, scope: str, *,
            qualifier: str | None = None, at: int = 0, inherited: bool = False) -> dict | None:
        name = _clean_name(raw)
        unit = quantity.unit if quantity else None
        if not _is_name(name, unit) or name_problem(name, unit, places=_region_names(self.context.base.get("region"))):
            return None
        at_name = raw.rfind(name)
        head = raw[:at_name] if at_name > 0 and not inherited else ""
        # 年均新增城镇就业26万人, 累计完成生态建设0.86亿亩: span and flow words before the name
        words.period_words += [m.group(0) for m in _HEAD_SPAN.finditer(head)]
        # 新增城镇就业, 五年生产原煤42亿吨: what is added or made over a period is summed over it
        flow = bool(_FLOW.search(head)) or words.flow or "新增" in name or bool(
            canonical_indicator(name) is None and _FLOW_NAME.match(name))
        indicator = canonical_indicator(name)
        direction = words.direction
        hold = words.hold
        if direction is None and hold is not None:
            direction = hold
        if direction == "增长" and unit in ("个百分点", "百分点"):
            direction = "提高"
        if words.level_to:
            direction = None
        qualifier = qualifier or (quantity.qualifier if quantity else None)
        if qualifier is None and words.striving:
            qualifier = "力争"
        if qualifier is None and words.beyond:
            qualifier = "超过"
        measure = "level"
        if direction in ("增长", "下降", "提高", "降低", "上涨", "增加", "减少", "改善"):
            measure = "growth" if unit in ("%", "‰", "倍") or quantity is None else "change"
        base_period = self.period or (None, None)
        period, basis = base_period, "annual"
        if self.period is not None:
            found = _period_of(words.period_words, self.period, measure != "level" or flow)
            if found:
                period, basis = found
            elif self.period[0] < self.period[1]:
                change = measure != "level"
                basis = "period_cumulative" if change or flow else "period_end"
        horizon = re.search(r"到((?:19|20)\d\d)年", scope)
        if horizon and self.period is not None and int(horizon.group(1)) > self.period[1]:
            period, basis = (self.period[0], int(horizon.group(1))), "period_end"
        kind = _kind(self.context, period, scope, self.sentence, self.paragraph)
        headline = indicator in _table().headline
        row = {
            **self.context.base,
            "year": period[1], "period_start": period[0], "period_end": period[1], "basis": basis, "kind": kind,
            "indicator": indicator or _cleaned(name), "name": raw.strip(" ，、：:"), "measure": measure,
            "direction": direction,
            "value": quantity.value if quantity else math.nan,
            "value_high": quantity.value_high if quantity and quantity.value_high is not None else math.nan,
            "value_text": quantity.text if quantity else None,
            "value_high_text": quantity.high_text if quantity else None,
            "unit": unit, "qualifier": qualifier, "headline": headline, "canonical": indicator is not None,
            "basis_words": "、".join(dict.fromkeys(words.basis_words[::-1])) or None,
            "sentence": self.sentence, "_at": at,
        }
        self.rows.append(row)
        self.last = row
        return row


def _following(text: str, at: int) -> str:
    """The counted thing after a number (明确30项先行先试任务; 5家省属企业完成…重组), up to its verb."""
    following = _FOLLOWING.match(text, at)
    if not following:
        return ""
    phrase = re.split(r"完成|实现|达到|建成|开工|投产|投运|获批|入选|通过|落户|签约|参与|纳入|覆盖|超过|突破|"
                      r"全部|均|已|"
                      r"顺利|累计|共|获得|取得|开展|提供|承担|建设|加快|入驻", following.group(1))[0]
    return _PREDICATE_TAIL.sub("", phrase) if len(phrase) >= 2 else ""


def _split_names(text: str, n: int) -> list[str] | None:
    """The names of a 分别 list (城镇、农村居民人均可支配收入 → two full names), or None."""
    # 纺织、建材、医药、电子等产业增加值: the items are the names, 等 closes the list
    text = re.sub(r"(?<![高中初平同对均相一二三四五六七八九十特])等(?=[\u4e00-\u9fff])", "",
                  _clean_name(text, examples=False))
    spelled = re.match(r"^(.*?)([一二三])([一二三])([一二三])产(业)?(.*)$", text)
    if spelled and n == 3:
        head, tail = spelled.group(1), spelled.group(6)
        return [f"{head}第{d}产业{tail}" for d in spelled.group(2, 3, 4)]
    names = [p for p in re.split(r"、|和|及|与|以及", text) if p]
    if len(names) == 1 and n == 2 and "城乡" in names[0]:
        head, _, rest = names[0].partition("城乡")
        return [f"{head}城镇{rest}", f"{head}农村{rest}"]
    if len(names) != n or n < 2:
        return None
    measure = re.compile(r"(?:收入|支出|出口|进口|利润|产值|产量|营收|投资|消费)$")
    head = measure.search(names[0])
    if head and head.start() >= 2:
        # 地方财政收入、支出: the later bare measures share the first name's subject
        names = [names[0], *(names[0][: head.start()] + m if measure.fullmatch(m) else m for m in names[1:])]
    complete = re.compile(r"(?:率|额|值|量|数|入|出|次|费|比例|比重|强度|浓度|指数|标准|产量|面积|总额|投资|利润|价格|"
                          r"寿命|年限)$")
    last = names[-1]
    full = []
    for name in names[:-1]:
        if complete.search(name) or canonical_indicator(name) or name[-1] == last[-1]:
            full.append(name)  # 旅游总收入、游客人均消费: each name is whole
            continue
        # the shared tail: what follows, in the last name, the part that matches this one
        # (第一产业 → 第三产业|增加值), a measure the last name ends with (限上零售额), or,
        # for a short word (城镇、农村居民…), what follows as many characters of the last
        cut = last.find(name[-1], max(0, len(name) - 3)) + 1 if name[-1] in last else 0
        tail = next((t for t in _SHARED_TAILS if last.endswith(t) and len(last) > len(t)), None)
        if 0 < cut < len(last):
            full.append(name + last[cut:])
        elif tail:
            full.append(name + tail)
        elif len(name) <= 3 < len(last):
            full.append(name + last[len(name):])
        else:
            return None
    full.append(last)
    first = full[0]
    if complete.search(first) and len(first) >= len(last) + 3 and len(last) <= 4 and not canonical_indicator(last):
        # 生产安全事故起数、死亡人数: the later names share the first one's subject
        if first[-1] == last[-1]:
            head = first[:-2]
            full = [first, *(head + n for n in full[1:])]
    return full


_SHARED_TAILS = sorted(
    "居民人均可支配收入 人均可支配收入 产业增加值 增加值 限上零售额 零售额 产值 产量 投资 营业收入 营收 收入 "
    "进出口 出口 进口 "
    "余额 规模 总量 数量 人数 覆盖率 普及率 达标率 处理率 治理率 平均标准 标准 比例 比重 占比 浓度 装机 吞吐量 "
    "管网 管道 线路 里程".split(),
    key=len, reverse=True)
_RESPECTIVELY = re.compile(r"分别")
_LIST_JOIN = re.compile(r"^[\s、和及与,，]*$")


def _respectively(reading: _Reading, clause: str, quantities: list[Quantity]) -> set[int]:
    """Rows of 分别 lists; the indices of the quantities they used."""
    used: set[int] = set()
    for match in _RESPECTIVELY.finditer(clause):
        after = [i for i, q in enumerate(quantities) if q.start >= match.end() and i not in used]
        if not after:
            continue
        group = [after[0]]
        for i in after[1:]:
            if _LIST_JOIN.match(clause[quantities[group[-1]].end: quantities[i].start]):
                group.append(i)
            else:
                break
        between = clause[match.end(): quantities[group[0]].start]
        if _COMPARISON.search(between):
            used.update(group)  # 增速分别高于全国8.3个、6个百分点: differences from a benchmark
            continue
        verb_words = _take_apart(between)
        boundary = max((m.end() for m in re.finditer(r"[，,；;：:]", clause[: match.start()])), default=0)
        names_text = clause[boundary: match.start()]
        before = _take_apart(names_text)
        n = len(group)
        names = _split_names(before.name, n) if before.name else None
        if names and all(name_problem(_clean_name(name)) in ("place", "organisation", "person") for name in names):
            # 上饶、崇阳、通山分别新增2个、5个、1家高新区: each place's count of the thing counted
            thing = _counted_thing(clause, quantities[group[-1]].end)
            names = [thing] * n if thing else None
        if names is None and not before.name.strip() and reading.last_names and len(reading.last_names) == n:
            names = reading.last_names
        if names is None:
            continue
        words = _Words(direction=verb_words.direction or before.direction, hold=verb_words.hold or before.hold,
                       level_to=verb_words.level_to, basis_words=before.basis_words + verb_words.basis_words,
                       period_words=before.period_words + verb_words.period_words)
        shared = [quantities[i].qualifier for i in group]
        last_qualifier = shared[-1] if all(q is None for q in shared[:-1]) else None
        alone = all(q is None for q in shared[1:])
        first_pre = shared[0] if shared[0] in ("超过", "近", "约", "不低于") and alone else None
        scope = clause[: quantities[group[-1]].end]
        for name, i in zip(names, group, strict=True):
            quantity = quantities[i]
            qualifier = quantity.qualifier or last_qualifier or first_pre
            reading.add(name, quantity, words, scope, qualifier=qualifier, at=quantity.start)
        reading.last_names = names
        used.update(group)
    used |= _listed(reading, clause, quantities, used)
    return used


def _listed(reading: _Reading, clause: str, quantities: list[Quantity], used: set[int]) -> set[int]:
    """Lists without 分别 (城乡居民人均收入年均增长5.6%、7.2%; 改造供水、燃气、污水管网450公里、320公里、
    180公里): as many names as numbers of one unit, one row each."""
    taken: set[int] = set()
    i = 0
    while i < len(quantities):
        if i in used:
            i += 1
            continue
        group = [i]
        for j in range(i + 1, len(quantities)):
            same = quantities[j].unit == quantities[i].unit and j not in used
            if same and re.fullmatch(r"[、和及]", clause[quantities[group[-1]].end: quantities[j].start]):
                group.append(j)
            else:
                break
        if len(group) < 2:
            i += 1
            continue
        boundary = max((m.end() for m in re.finditer(r"[，,；;：:。]", clause[: quantities[i].start])), default=0)
        before = _take_apart(clause[boundary: quantities[i].start])
        names = _split_names(before.name, len(group)) if re.search(r"[、和及]|城乡", before.name) else None
        if names:
            scope = clause[: quantities[group[-1]].end]
            for name, k in zip(names, group, strict=True):
                reading.add(name, quantities[k], before, scope, at=quantities[k].start)
            taken.update(group)
        i = group[-1] + 1
    return taken


def _read_words(reading: _Reading, clause: str, masked: str, offset: int) -> str:
    """Targets a clause states in words alone (see ``_WORD_TARGETS``, ``_QUOTA``): one row each,
    no value, where the indicator table knows the indicator and the clause sets a target."""
    found: list[tuple[int, int, str, str, str | None]] = []
    for pattern, qualifier, direction in _WORD_TARGETS:
        for match in pattern.finditer(masked):
            name = "进出口总额" if match.groupdict().get("trade") else match.group("name")
            name = re.sub(r"^.*?(?:，|、|和|及|并|，)(?=[\u4e00-\u9fff]{2})", "", name) if not canonical_indicator(
                _clean_name(name)) else name
            found.append((match.start(), match.end(), name, qualifier, direction))
    for quota in _QUOTA.finditer(masked):
        # the words of the quota's own clause (粮食总产量稳定在…，碳排放强度完成国家下达目标: carbon only)
        begin = max((m.end() for m in re.finditer(r"[，,。；;]", masked[: quota.start()])), default=0)
        close = re.search(r"[，,。；;]", masked[quota.end():])
        stop = quota.end() + close.start() if close else len(masked)
        for quota_pattern, quota_indicator, quota_direction in _QUOTA_NAMES:
            hit = quota_pattern.search(masked, begin, stop)
            if hit:
                found.append((hit.start(), -1, quota_indicator, "国家下达", quota_direction))
    measures = _table().frame.set_index("indicator")["measure"]
    for start, end, said, how, change in sorted(found, key=lambda item: (item[0], item[1])):
        known = canonical_indicator(_clean_name(said))
        if known is None or (how == "稳定" and measures.get(known) != "level"):
            continue  # 经济运行保持稳定 sets no growth target
        words = _Words(direction=change if change != "稳定在" else None,
                       hold="稳定在" if change == "稳定在" else None)
        if change == "增长" and reading.period is not None and reading.period[0] < reading.period[1]:
            words.period_words.append("年均")  # growth above the economy's, year by year
        row = reading.add(said, None, words, clause[:end] if end > 0 else clause, qualifier=how,
                          at=offset + start)
        if row is not None and row["kind"] != "target":
            reading.rows.remove(row)  # a result in words is read by target_attainment, not here
            reading.last = None
        if end > 0:  # the words of a quota name an indicator a number may follow: they stay
            masked = masked[:start] + "，" * (end - start) + masked[end:]
    return masked


def _read_clause(reading: _Reading, clause: str, offset: int) -> None:
    masked = clause
    for match in _IN_STEP.finditer(clause):
        name = match.group("name")
        words = _Words(direction="增长", period_words=[])
        period = _PERIOD_WORDS.search(name)
        if period:
            words.period_words.append(period.group(0))
            name = name[: period.start()]
        if reading.period is not None and reading.period[0] < reading.period[1]:
            words.period_words.append("年均")  # growth in step with the economy's, year by year
        reading.add(re.sub(r"(?:增长|增速)$", "", name), None, words, clause[: match.end()], qualifier="同步",
                    at=offset + match.start())
        masked = masked[: match.start()] + "，" * (match.end() - match.start()) + masked[match.end():]
    masked = _read_words(reading, clause, masked, offset)
    quantities = find_quantities(masked)
    used = _respectively(reading, masked, quantities)
    cursor = 0
    pending: str | None = None
    for i, q in enumerate(quantities):
        if i in used:
            cursor = q.end
            continue
        gap = masked[cursor: q.start]
        segment = _CLAUSE_BOUNDARY.split(gap)[-1]
        after = masked[q.end: q.end + 8]
        cursor = q.end
        # the start of a change (从2280亿元增长到…, 较“十三五”末的8564.4亿元增加…): read with its end
        start = re.search(r"(?:从|由|较|比)([^，。；]*?)(?:的)?$", segment)
        if start and re.match(r"^(?:的水平)?(?:增长|增加|提高|提升|上升|下降|减少|降低|扩大|缩小|跃升|增|升|降|减)?"
                              r"(?:到|至)|"
                              r"^(?:增加|增长|提高|下降|减少)", after):
            pending = segment[: start.start()] or pending
            continue
        if _RESTATED_AFTER.match(after) or _RESTATED_BEFORE.search(gap):
            continue
        if re.match(r"^(?:主要|预期性|约束性|核心|量化)?指标", after):
            continue  # 提出24个主要指标: a count of the plan's indicators
        if _COMPARISON.search(segment) and not re.search(r"(?:比|较)(?:上年|去年|上年同期)", segment):
            continue
        words = _take_apart(segment)
        raw = words.name
        if pending is not None and not _clean_name(raw):
            raw, pending = pending, None
        if q.unit in ("倍",) and not words.direction:
            continue
        name = _clean_name(raw)
        last = reading.last
        inherited = False
        if _REACH.match(name or "x"):
            continue  # 惠及17个省份: those reached, no indicator
        # 新增甲市、乙市2个过千亿元城市, 5个县域医疗次中心投入运营: the counted thing follows the number
        thing = _counted_thing(masked, q.end) if q.base_unit in _COUNT_UNITS else ""
        counted = False
        if thing:
            raw = thing
            counted = True
        elif not name and q.unit in _COUNT_UNITS and _following(masked, q.end):
            raw = _following(masked, q.end)  # …，5个集群规模超百亿元: the counted thing follows
        elif (not name or name in ("总量", "规模", "总额", "其中")) and last is not None and not last.get("_thing") \
                and (q.base_unit not in _COUNT_UNITS or last["unit"] == q.unit):
            raw, inherited = str(last["name"]), True
            if (words.direction is None and words.hold is None and not words.level_to and last["direction"]
                    and last["unit"] == q.unit):
                words.direction = last["direction"]  # 增长4%，力争达到5%: the same change, a higher aim
        elif name.startswith("占") and last is not None:
            raw = str(last["indicator"]) + name  # 规上工业增加值增长7.9%，占地区生产总值比重提高1.3个百分点
        elif q.unit in _COUNT_UNITS and (not _is_name(name) or _VERBS.fullmatch(name) or raw.rstrip().endswith("等")
                                         or (_VERBS.match(name) and _following(masked, q.end))):
            # 明确30项先行先试任务: the counted thing follows the number
            raw = _following(masked, q.end)
        if not _clean_name(raw) and last is None:
            continue
        if _REACH.match(_clean_name(raw) or "x"):
            continue
        scope = reading.sentence[: offset + q.start]
        if i == 0:
            # 过去三年，规上工业增加值年均增长9.2%: a span opening the clause holds for its first number
            opening = re.match(r"^(?:过去|近)?[两二三四五六七八九十]年(?:来|间)?|^五年来|"
                               r"^“?十[一二三四五六七八九]五”?(?:时期|期间|以来)", gap)
            if opening:
                words.period_words.append(opening.group(0))
        row = reading.add(raw, q, words, scope, at=offset + q.start, inherited=inherited)
        if row is not None and counted:
            row["_thing"] = True  # named by the words after its number: no later number takes that name


def _paragraph_context(record: dict, year: int | None, table: bool) -> _Context:
    base = {k: record.get(k) for k in ("report_id", "label", "region", "part_no", "section_no")}
    part_kind = record.get("part_kind") if isinstance(record.get("part_kind"), str) else None
    report_year = _int(record.get("year")) if table and "part_kind" in record else None
    start, end = _int(record.get("period_start")), _int(record.get("period_end"))
    if start is None or end is None:
        part_year = _int(record.get("part_year"))
        span = record.get("part_years")
        if isinstance(span, str) and re.fullmatch(r"\d{4}–\d{4}", span) and part_kind in ("review", "outlook"):
            start, end = (int(y) for y in span.split("–"))
        elif part_kind == "review":
            start = end = part_year if part_year is not None else (report_year - 1 if report_year else None)
        elif part_kind in ("plan", "self-building"):
            start = end = report_year if report_year is not None else part_year
        elif part_year is not None or year is not None:
            start = end = part_year if part_year is not None else year
    if start is None and year is not None:
        start = end = year
    period = (start, end) if start is not None and end is not None else None
    # outside review, plan and five-year parts the sentence's cues decide (完成 for a result, 预期目标 for a target)
    by_cues = report_year is None or (part_kind not in ("review", "plan", "self-building") and (
        period is None or period[0] == period[1]))
    return _Context(report_year, period, by_cues, base, part_kind)


def _int(value: object) -> int | None:
    if isinstance(value, bool) or (not isinstance(value, (int, float, str)) and not hasattr(value, "__int__")):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None  # NaN, NA, a blank cell


def paragraph_table(corpus: object, caller: str = "extract_indicators") -> pd.DataFrame:
    """A paragraph table from what a measure is given: a ``Corpus`` (its ``.paragraphs``),
    a paragraph table, a Series of texts or one text.

    Example:
        >>> paragraph_table("增长5%。")["text"].tolist()
        ['增长5%。']
    """
    if isinstance(getattr(corpus, "paragraphs", None), pd.DataFrame):
        return paragraphs_of(corpus, caller)
    data = corpus
    if isinstance(data, str):
        return pd.DataFrame({"text": [data]})
    if isinstance(data, pd.Series):
        return text_cells(pd.DataFrame({"text": data.tolist()}), "a Series of texts")
    if isinstance(data, pd.DataFrame) and "text" in data.columns:
        return text_cells(data, caller)
    raise DataTypeError(f"{caller} expects a Corpus, a paragraph table (a DataFrame with a 'text' column), "
                        f"a Series of texts or a str, got {type(data).__name__}")


def _records(paragraphs: pd.DataFrame) -> Iterator[dict]:
    yield from paragraphs.to_dict("records")


def extract_indicators(corpus: object, year: int | None = None) -> pd.DataFrame:
    """Quantified results and targets, one row per quantity, with their period and basis.

    ``corpus`` is a ``Corpus``, a paragraph table (:func:`miyun_text.corpus_paragraphs`),
    a Series of texts or a text; ``year`` is the year plain text speaks of.

    Each row: ``indicator`` (canonical name, :func:`normalise_indicator`; ``name`` the
    words as written; ``headline`` and ``canonical`` from the indicator table),
    ``kind`` (``actual``; ``expected`` for an estimate, 预计 or 初步统计; ``target``),
    ``year``, ``period_start``, ``period_end`` and ``basis``: ``annual`` (one year's
    figure), ``period_cumulative`` (a change over the period: 五年增长32.4%, 累计, 比2020年),
    ``period_average`` (年均增长5.2%) or ``period_end`` (a level at the end of a period:
    到2030年达到7.5万元; in a five-year review, 达到12480.6亿元); ``year`` is the last year of
    the period. ``measure`` is ``growth`` (a change in %), ``change`` (in points or
    units: 提高2个百分点, 增加52亿斤) or ``level``; ``direction`` the change as the
    report words it (增长, 下降, 提高, 降低, 上涨, 增加, 减少) or a bound on a level
    (控制在, 稳定在), empty for a level reached. ``value`` is the number (as stated:
    下降3% has value 3 and direction 下降), ``value_high`` the top of a range
    (``5%—5.5%``: qualifier ``range``); ``value_text``/``value_high_text`` the numbers
    as written (``555.68``); ``unit`` whole (``万元/人``, ``微克/立方米``, ``个百分点``);
    ``qualifier`` 左右, 以上, 以内, 以下, 不低于, 不高于, 力争, 同步 (growth in step with
    the economy's, no value), ``range``, 约, 近, 超过 or 余; ``basis_words`` the
    wording of its price or coverage basis (按不变价计算, 同口径, 预计).

    A growth rate and a level of one indicator are two rows (地区生产总值380亿元，同比增长
    4.5%; 增长5.2%、约4.4万亿元); a 分别 list gives one row per item, each with its own
    name (城镇、农村居民人均可支配收入分别增长4.6%和6.8%). Words that name no indicator
    give no row: a rank (跃居全国第2位), a date, a difference from a benchmark (高于年初
    预期目标0.4个百分点), a target restated as a reason (确定经济增长5%左右的目标).

    Example:
        >>> df = extract_indicators("全年实现地区生产总值380亿元，同比增长4.5%。", year=2023)
        >>> df[["indicator", "value", "unit", "kind", "year"]].values.tolist()
        [['地区生产总值', 380.0, '亿元', 'actual', 2023], ['地区生产总值', 4.5, '%', 'actual', 2023]]
        >>> df["direction"].fillna("").tolist()
        ['', '增长']
        >>> two = extract_indicators("城镇、农村居民人均可支配收入分别增长4.6%和6.8%。", year=2023)
        >>> two[["indicator", "value"]].values.tolist()
        [['城镇居民人均可支配收入', 4.6], ['农村居民人均可支配收入', 6.8]]
        >>> r = extract_indicators("地区生产总值增长5%—5.5%，城镇调查失业率控制在5.5%以内。", year=2026)
        >>> r[["value", "value_high", "qualifier"]].values.tolist()
        [[5.0, 5.5, 'range'], [5.5, nan, '以内']]
    """
    paragraphs = paragraph_table(corpus)
    table = "part_kind" in paragraphs.columns
    rows: list[dict] = []
    for record in _records(paragraphs):
        text = str(record["text"])
        if not re.search(r"\d|同步|快于|高于|正增长|稳定|稳量|国家", text):
            continue
        context = _paragraph_context(record, year, table)
        period = context.period
        for sentence in split_sentences(text):
            cue = opening_cue(sentence, context.report_year) if context.report_year else None
            if cue is not None and context.period is not None and cue[0] in ("back", "ahead", "year"):
                period = cue[1]
            reading = _Reading(context, period, sentence, text)
            offset = 0
            for clause in re.split(r"(?<=[；;])", sentence):
                _read_clause(reading, clause, offset)
                offset += len(clause)
            reading.rows.sort(key=lambda row: row["_at"])
            for row in reading.rows:
                row.pop("_at")
                row.pop("_thing", None)
            rows += reading.rows
    return _frame(rows)


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    return frame.astype(_DTYPES)


def signed_value(indicators: pd.DataFrame, column: str = "value") -> pd.Series:
    """The numbers with the sign of their direction: a fall (下降, 降低, 减少) is negative.

    Example:
        >>> signed_value(pd.DataFrame({"value": [3.0, 5.0], "direction": ["下降", "增长"]})).tolist()
        [-3.0, 5.0]
    """
    down = indicators["direction"].isin(["下降", "降低", "减少"]).fillna(False).astype(bool)
    values = indicators[column].astype("float64")
    return values.where(~down, -values)


def annual_figures(indicators: pd.DataFrame, *, headline: bool = False) -> pd.DataFrame:
    """One row per report, kind and indicator of the annual figures a table or chart of
    results against targets shows: canonical indicators only (no row named by words the
    indicator table does not know), one year's figures only (never a five-year figure),
    the first statement of each (the opening paragraph's before a section's restatement);
    ``headline`` keeps the headline indicators alone. Growth rates and levels are kept
    apart (``measure``).

    Example:
        >>> ind = extract_indicators("全年地区生产总值增长5.3%，五年增长32.4%，新建学校3所。", year=2025)
        >>> annual_figures(ind)[["indicator", "value", "basis"]].values.tolist()
        [['地区生产总值', 5.3, 'annual']]
    """
    rows = indicators[(indicators["basis"] == "annual") & indicators["canonical"].fillna(False).astype(bool)]
    rows = rows[rows["kind"].isin(["actual", "expected", "target"])]
    if headline:
        rows = rows[rows["headline"].fillna(False).astype(bool)]
    side = rows["kind"].replace({"expected": "actual"})
    keys = [c for c in ("report_id", "indicator", "measure") if c in rows.columns]
    first = rows.assign(_side=side).drop_duplicates([*keys, "_side"]).drop(columns="_side")
    return first.reset_index(drop=True)


def period_figures(indicators: pd.DataFrame) -> pd.DataFrame:
    """The figures of a plan period or several years (five-year results, 年均 rates, goals
    to 2030): canonical indicators, every basis but ``annual``, in the order stated.

    Example:
        >>> ind = extract_indicators("地区生产总值增长5.3%，五年增长32.4%。", year=2025)
        >>> period_figures(ind)[["indicator", "value", "period_start", "basis"]].values.tolist()
        [['地区生产总值', 32.4, 2021, 'period_cumulative']]
    """
    rows = indicators[(indicators["basis"] != "annual") & indicators["canonical"].fillna(False).astype(bool)]
    return rows.reset_index(drop=True)


def figure_text(row: pd.Series | dict) -> str:
    """A figure as a report words it, with the precision it used: 增长5%—5.5%, 控制在5.5%以内,
    4.4万亿元, 与经济增长同步.

    Example:
        >>> ind = extract_indicators("地区生产总值增长5%—5.5%，城镇调查失业率控制在5.5%以内。", year=2026)
        >>> [figure_text(r) for _, r in ind.iterrows()]
        ['增长5%—5.5%', '控制在5.5%以内']
    """
    def text(key: str) -> str:
        value = row.get(key) if isinstance(row, dict) else row[key]
        return value if isinstance(value, str) else ""

    if not text("value_text"):
        return {"同步": "与经济增长同步", "快于": "快于经济增长", "高于全国": "高于全国平均水平", "正增长": "正增长",
                "稳定": "保持稳定", "国家下达": "完成国家下达目标"}.get(text("qualifier"), "")
    unit = text("unit")
    number = text("value_text")
    if text("value_high_text"):  # 5%—5.5% as reports write a range of rates, 50—60万人 of counts
        number += f"{unit if unit == '%' else ''}—{text('value_high_text')}"
    qualifier = text("qualifier") if text("qualifier") not in ("range", "同步") else ""
    before = qualifier if qualifier in ("约", "近", "超过", "不低于", "不高于", "力争") else ""
    after = qualifier if not before else ""
    return f"{text('direction')}{before}{number}{unit}{after}"


def figure_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """A table of figures for people: each row's indicator, kind, period (``2025`` or
    ``2021–2025``), basis, the figure as the report words it (:func:`figure_text`: the
    number with the precision the report used) and the sentence; first, the report's
    ``label`` (密云区 2024) where the indicators carry one.

    Example:
        >>> ind = extract_indicators("全年地区生产总值增长5.30%，五年增长32.4%。", year=2025)
        >>> figure_table(ind)[["indicator", "period", "figure"]].values.tolist()
        [['地区生产总值', '2025', '增长5.30%'], ['地区生产总值', '2021–2025', '增长32.4%']]
    """
    def span(first: object, last: object) -> str | None:
        a, b = _int(first), _int(last)
        if a is None or b is None:
            return None
        return str(b) if a == b else f"{a}–{b}"

    columns = ["indicator", "kind", "period", "basis", "figure", "sentence"]
    if indicators.empty:
        return pd.DataFrame(columns=columns).astype("string")
    out = pd.DataFrame({
        "indicator": indicators["indicator"],
        "kind": indicators["kind"],
        "period": [span(a, b) for a, b in zip(indicators["period_start"], indicators["period_end"], strict=True)],
        "basis": indicators["basis"],
        "figure": [figure_text(r) for _, r in indicators.iterrows()],
        "sentence": indicators["sentence"],
    })
    if "label" in indicators.columns and indicators["label"].notna().any():
        out.insert(0, "label", indicators["label"])  # the report each figure was read from, by its label
    return out.reset_index(drop=True).astype("string")


def __getattr__(name: str) -> Any:
    if name == "INDICATOR_ALIASES":
        # the alias table as it was before the indicator table: canonical name -> aliases
        frame = _table().frame
        return {str(row["indicator"]): tuple(filter(None, str(row["aliases"]).split("|")))
                for row in frame.to_dict("records")}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
