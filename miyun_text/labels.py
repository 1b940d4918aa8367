"""What tables and figures call things, read from the data: source lines, review and plan titles.

Titles, legends and file names are never hard-coded to one report: they come from the
paragraphs' years, regions and part kinds.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = [
    "DEFAULT_SOURCE",
    "comparison_sides",
    "file_part",
    "review_plan_titles",
    "review_plan_years",
    "source_line",
]

DEFAULT_SOURCE = "数据来源：2024年密云区政府工作报告"


def source_line(corpus: pd.DataFrame | None = None) -> str:
    """The source line for figures: 数据来源：<year>年<region>政府工作报告.

    Example:
        >>> source_line(pd.DataFrame({"year": [2024], "region": ["密云区"]}))
        '数据来源：2024年密云区政府工作报告'
    """
    if corpus is None or corpus.empty:
        return DEFAULT_SOURCE
    years = sorted({int(y) for y in corpus["year"]})
    region = "、".join(dict.fromkeys(corpus["region"])) if "region" in corpus else "密云区"
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    return f"数据来源：{span}{region}政府工作报告"



def comparison_sides(result: pd.DataFrame) -> tuple[str, str]:
    """Names of the two sides of a comparison, read from its ``comparison`` column.

    Example:
        >>> within = "密云区 2024: review 2023 vs plan 2024 (within one report)"
        >>> comparison_sides(pd.DataFrame({"comparison": [within]}))
        ('回顾2023', '安排2024')
        >>> comparison_sides(pd.DataFrame({"comparison": ["密云区 2022 vs 密云区 2023"]}))
        ('密云区 2022', '密云区 2023')
    """
    text = str(result["comparison"].iloc[0]) if "comparison" in result and len(result) else ""
    within = re.search(r"review (\S+) vs plan (\S+) \(within one report\)", text)
    if within:
        return f"回顾{within.group(1)}", f"安排{within.group(2)}"
    if " vs " in text:
        a, b = text.split(" vs ", 1)
        return a.strip(), b.strip()
    return "甲", "乙"



def review_plan_years(paragraphs: pd.DataFrame) -> tuple[int | None, int | None]:
    """The years a report's review and plan parts speak of (from ``part_year``).

    Example:
        >>> review_plan_years(pd.DataFrame({"part_kind": ["review", "plan"], "part_year": [2023, 2024]}))
        (2023, 2024)
    """
    def year(kind: str) -> int | None:
        years = paragraphs.loc[paragraphs["part_kind"] == kind, "part_year"].dropna()
        return int(years.iloc[0]) if len(years) else None

    return year("review"), year("plan")


def review_plan_titles(paragraphs: pd.DataFrame) -> dict[str, Any]:
    """Data-driven titles and legend labels for one report's review-vs-plan figures.

    Example:
        >>> t = review_plan_titles(pd.DataFrame({"part_kind": ["review", "plan"], "part_year": [2022, 2023]}))
        >>> t["theme_title"], t["marker_groups"]["plan"]
        ('主题侧重：回顾（2022年）与安排（2023年）', '2023年工作安排')
    """
    ya, yb = review_plan_years(paragraphs)
    a = f"{ya}年" if ya else ""
    b = f"{yb}年" if yb else ""
    return {
        "theme_title": f"主题侧重：回顾（{a or '上一年'}）与安排（{b or '本年'}）",
        "theme_groups": {"review": f"{a}工作回顾（实绩）", "plan": f"{b}工作安排（承诺）"},
        "marker_groups": {"review": f"{a}工作回顾", "plan": f"{b}工作安排"},
        "indicator_title": f"增速：{a}实绩与{b}目标",
        "labels": (f"回顾{ya or ''}", f"安排{yb or ''}"),
    }


def file_part(region: str) -> str:
    """The region's part of a figure's file name: its name as the manifest gives it
    (``themes_over_years_密云区``), with characters that file systems reject replaced, and
    control and format characters too (a manifest edited by hand can hold an escape code,
    which would otherwise end up in a file name and in every listing of the folder).

    Example:
        >>> file_part("密云区"), file_part("A/B 区"), file_part("密云\x1b[2J区\u202e")
        ('密云区', 'A_B_区', '密云_[2J区')
    """
    visible = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in str(region))
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", visible.strip()) or "region"
