"""Theme lexicon and theme frequencies."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from miyun_text.errors import ResourceError
from miyun_text.paths import resource_path
from miyun_text.segment import default_segmenter
from miyun_text.themes import load_themes, theme_coverage, theme_frequencies, theme_of, uncovered_terms


def test_lexicon_shape():
    lex = load_themes()
    assert 8 <= lex["theme"].nunique() <= 12
    per_theme = lex.drop_duplicates("theme")
    assert per_theme["definition"].str.len().min() > 20
    assert per_theme["label"].is_unique


def test_every_theme_term_is_one_segmenter_token():
    seg = default_segmenter()
    split = [t for t in load_themes()["term"].unique() if len(seg.cut(t)) != 1]
    assert split == []


def test_terms_belong_to_one_theme_unless_shared():
    lex = load_themes()
    multi = lex.groupby("term")["theme"].nunique()
    shared = yaml.safe_load(resource_path("themes.yaml").read_text(encoding="utf-8"))["shared"]
    assert set(multi[multi > 1].index) == set(shared)
    assert theme_of("北大怀密医学中心") == ["innovation", "livelihood"]


def test_duplicate_term_without_shared_is_an_error(tmp_path):
    path = tmp_path / "t.yaml"
    lexicon = "themes:\n  a: {label: A, definition: d, terms: [保水]}\n  b: {label: B, definition: d, terms: [保水]}\n"
    path.write_text(lexicon, encoding="utf-8")
    with pytest.raises(ResourceError, match="'保水' is in themes 'a' and 'b'"):
        load_themes(path)


def test_frequencies_by_hand():
    paras = pd.DataFrame({"report_id": ["r", "r"], "part_no": [1, 3],
                          "text": ["守护密云水库，保水护水。", "发展乡村旅游，守护密云水库。"]})
    tf = theme_frequencies(paras, by=["report_id", "part_no"])
    water = tf[(tf["theme"] == "water_ecology")].set_index("part_no")
    # part 1 tokens: 守护 密云水库 保水护水 -> 2 water hits of 3 content tokens
    assert water.loc[1, "count"] == 2 and water.loc[1, "n_tokens"] == 3
    assert water.loc[1, "per_10k"] == pytest.approx(2 / 3 * 10_000)
    assert water.loc[1, "share"] == 1.0
    # part 3 tokens: 乡村 旅游 守护 密云水库 -> water 1, rural 1, culture 1
    part3 = tf[tf["part_no"] == 3].set_index("theme")
    assert part3.loc["water_ecology", "share"] == pytest.approx(1 / 3)
    assert part3["count"].sum() == 3
    assert len(tf) == 2 * load_themes()["theme"].nunique()


def test_bundled_report_puts_water_first_in_the_water_sections(body):
    tf = theme_frequencies(body, by="section")
    first = tf[(tf["part_no"] == 1) & (tf["section_no"] == 1)]
    assert first.sort_values("per_10k").iloc[-1]["theme"] == "water_ecology"
    rural = tf[(tf["part_no"] == 3) & (tf["section_no"] == 3)]
    assert rural.sort_values("per_10k").iloc[-1]["theme"] == "rural"


def test_coverage_and_uncovered_terms(body):
    coverage = theme_coverage(body)
    assert 0.2 < coverage < 0.6
    uncovered = uncovered_terms(body, top=10)
    assert len(uncovered) == 10
    assert not set(uncovered["term"]) & set(load_themes()["term"])


def test_unknown_grouping():
    with pytest.raises(ValueError, match="cannot group by 'decade'"):
        theme_frequencies(pd.DataFrame({"text": ["保水"]}), by="decade")
