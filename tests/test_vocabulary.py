"""Quoted terms and formulas: hand-checked values from the bundled report."""

from __future__ import annotations

from miyun_text.vocabulary import INDICATOR_COLUMNS, extract_indicators, formulas, quoted_terms


def test_known_quoted_terms(body):
    q = quoted_terms(body).set_index("term")
    assert q.loc["两山", "count"] == 5  # a sixth stands in a section heading, not a paragraph
    assert q.loc["五好两宜", "count"] == 3
    assert q.loc["保水、护山、守规、兴城", "kind"] == "slogan"
    assert q.loc["百千工程", "kind"] == "programme"
    assert q.loc["三好生", "kind"] == "honour"
    assert q.loc["粮袋子", "kind"] == "metaphor"
    assert q.loc["两山", "first_context"].startswith("一年来，在市委市政府和区委的坚强领导下")


def test_known_formulas(body):
    f = formulas(body).set_index("formula")
    for term in ["两山", "七有", "五性", "三好生", "5+2", "1+9+N", "两个确立", "四个意识", "三区三线"]:
        assert term in f.index, term
    assert f.loc["1+9+N", "form"] == "digits"
    assert any(t.startswith("一条科技创新和生命健康战略发展带、四条") for t in f.index)


def test_empty_input_gives_empty_frames_with_dtypes():
    for frame in (quoted_terms("没有引号也没有数字"), formulas(""), extract_indicators("保水护水")):
        assert frame.empty
    empty = extract_indicators("")
    assert list(empty.columns) == INDICATOR_COLUMNS
    assert str(empty["value"].dtype) == "float64" and str(empty["year"].dtype) == "Int64"
    assert str(quoted_terms("")["count"].dtype) == "int64"


def test_indicator_names_are_still_importable_from_vocabulary():
    from miyun_text import attainment, indicators, quantities, vocabulary

    assert vocabulary.extract_indicators is indicators.extract_indicators
    assert vocabulary.target_attainment is attainment.target_attainment
    assert vocabulary.parse_quantity is quantities.parse_quantity
    assert vocabulary.INDICATOR_COLUMNS is indicators.INDICATOR_COLUMNS
