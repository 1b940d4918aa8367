"""Token tables: one segmentation per text and Segmenter, cached, and the same measures as paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from miyun_text.keywords import extract_keywords, kwic
from miyun_text.pipeline import load_tables
from miyun_text.rhetoric import compare_years, marker_rates, review_vs_plan, rhetoric_segmenter
from miyun_text.segment import Segmenter, content_segmenter, default_segmenter
from miyun_text.structure import corpus_paragraphs
from miyun_text.themes import theme_frequencies
from miyun_text.tokens import TOKEN_COLUMNS, paragraph_tokens, token_table


@pytest.fixture(scope="module")
def panel_paragraphs(corpus, fixture_corpus):
    """The bundled report and the three fixture years: four reports, four years."""
    import pandas as pd

    frames = [fixture_corpus.copy(), corpus.copy()]
    for frame in frames:
        frame.attrs = {}  # the repair logs: not needed here, and concat would compare them
    return corpus_paragraphs(pd.concat(frames, ignore_index=True))


def test_token_table_columns_and_kept_tokens_are_tokenize(paragraphs):
    seg = content_segmenter()
    table = token_table(paragraphs, seg)
    assert table.columns.tolist() == TOKEN_COLUMNS
    assert table.attrs["segmenter"] == seg.key
    assert str(table["token"].dtype) == "string" and table["kind"].cat.categories.tolist() == [
        "word", "number", "punct", "space"]
    first = paragraphs.iloc[0]
    rows = table[(table["part_no"] == first["part_no"]) & (table["para_no"] == first["para_no"])]
    assert rows["token"].tolist() == seg.cut(first["text"]) and rows["token_no"].tolist() == list(
        range(1, len(rows) + 1))
    # every paragraph: all tokens rebuild the text; kept tokens are exactly Segmenter.tokenize
    cuts = paragraph_tokens(paragraphs, seg, table, kept=False)
    assert ["".join(c) for c in cuts] == paragraphs["text"].tolist()
    assert paragraph_tokens(paragraphs, seg, table) == [seg.tokenize(t) for t in paragraphs["text"]]
    assert set(table.loc[table["token"] == "380亿元", "kind"]) == {"number"}


def test_tokens_are_computed_once_then_read_from_the_cache(paragraphs, tmp_path, monkeypatch):
    seg = Segmenter(cache=tmp_path, boilerplate=True, min_length=2)
    first = token_table(paragraphs, seg)
    files = sorted((tmp_path / "tokens").rglob("*.arrow"))
    assert len(files) == 1 and files[0].parent.name.startswith(seg.key)

    def fail(*args, **kwargs):
        raise AssertionError("segmented again")

    monkeypatch.setattr("miyun_text.tokens._segment", fail)
    assert_frame_equal(token_table(paragraphs, seg), first)


def test_a_changed_dictionary_filter_or_text_never_meets_a_stale_cache(tmp_path):
    import pandas as pd

    paras = pd.DataFrame({"report_id": ["r"], "part_no": [1], "para_no": [1],
                          "text": ["建设星河保水站，抓好新的工作。"]})
    user = tmp_path / "user.txt"
    user.write_text("密云水库鱼 80 nz\n", encoding="utf-8")
    before = token_table(paras, Segmenter([user], cache=tmp_path))
    assert "星河保水站" not in before["token"].tolist()
    user.write_text("密云水库鱼 80 nz\n星河保水站 50000 nz\n", encoding="utf-8")
    after = token_table(paras, Segmenter([user], cache=tmp_path))
    assert "星河保水站" in after["token"].tolist()
    # a filter changes which tokens are kept, and reads another cache folder
    loose = token_table(paras, Segmenter([user], cache=tmp_path, stopwords=False))
    strict = token_table(paras, Segmenter([user], cache=tmp_path, min_length=2, extra_stopwords={"工作"}))
    assert "新" in loose.loc[loose["keep"], "token"].tolist()
    assert not {"新", "工作"} & set(strict.loc[strict["keep"], "token"])
    assert len({p.parent for p in (tmp_path / "tokens").rglob("*.arrow")}) == 4
    # a changed text is a new file, never the old tokens
    changed = token_table(paras.assign(text="守护密云水库。"), Segmenter([user], cache=tmp_path))
    assert changed["token"].tolist() == ["守护", "密云水库", "。"]


def test_part_of_speech_filters_keep_a_pos_column(tmp_path):
    import pandas as pd

    seg = Segmenter(drop_pos={"v"}, cache=tmp_path)
    paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["抓好工作，守护密云水库"]})
    table = token_table(paras, seg)
    assert "pos" in table.columns and table.loc[table["token"] == "抓好", "pos"].item() == "v"
    assert table.loc[table["keep"], "token"].tolist() == seg.tokenize(paras.loc[0, "text"])


def test_a_table_from_another_segmenter_or_other_paragraphs_is_refused(paragraphs):
    rhetoric = token_table(paragraphs, rhetoric_segmenter())
    with pytest.raises(ValueError, match="another Segmenter configuration"):
        theme_frequencies(paragraphs, by="section", tokens=rhetoric)
    partial = token_table(paragraphs.iloc[:10], content_segmenter())
    with pytest.raises(ValueError, match="no tokens for paragraph"):
        theme_frequencies(paragraphs, by="section", tokens=partial)


@pytest.mark.parametrize("by", ["report", "section", "part_kind", "year"])
def test_themes_from_tokens_equal_themes_from_paragraphs(panel_paragraphs, by):
    tokens = token_table(panel_paragraphs, content_segmenter())
    expected = theme_frequencies(panel_paragraphs, by=by)
    assert expected["group"].nunique() > 1
    assert_frame_equal(theme_frequencies(panel_paragraphs, by=by, tokens=tokens), expected)


@pytest.mark.parametrize(("by", "method", "idf", "min_count"), [
    ("report_id", "tfidf", "corpus", 1), ("section_title", "tfidf", "jieba", 2), (None, "tfidf", "corpus", 3),
    (["year", "part_kind"], "textrank", "corpus", 1)])
def test_keywords_from_tokens_equal_keywords_from_paragraphs(panel_paragraphs, by, method, idf, min_count):
    tokens = token_table(panel_paragraphs, content_segmenter())
    expected = extract_keywords(panel_paragraphs, method, 15, by=by, idf=idf, min_count=min_count)
    assert len(expected) > 10
    got = extract_keywords(panel_paragraphs, method, 15, by=by, idf=idf, min_count=min_count, tokens=tokens)
    assert_frame_equal(got, expected)


def test_rhetoric_and_kwic_from_tokens_equal_the_paragraph_route(panel_paragraphs):
    tokens = token_table(panel_paragraphs, rhetoric_segmenter())
    assert_frame_equal(marker_rates(panel_paragraphs, by="report", tokens=tokens), marker_rates(panel_paragraphs,
                                                                                                by="report"))
    assert_frame_equal(compare_years(panel_paragraphs, 2021, 2024, tokens=tokens),
                       compare_years(panel_paragraphs, 2021, 2024))
    assert_frame_equal(review_vs_plan(panel_paragraphs, report_id="miyun_2024", tokens=tokens),
                       review_vs_plan(panel_paragraphs, report_id="miyun_2024"))
    cut = token_table(panel_paragraphs, default_segmenter())
    expected = kwic("保水", panel_paragraphs, whole_token=True)
    assert len(expected) > 5 and expected["report_id"].nunique() > 1
    assert_frame_equal(kwic("保水", panel_paragraphs, whole_token=True, tokens=cut), expected)


def test_measures_on_a_loaded_corpus_use_its_token_table(tmp_path, monkeypatch):
    from conftest import FIXTURES

    monkeypatch.setenv("MIYUN_TEXT_CACHE", str(tmp_path))
    tables = load_tables(FIXTURES / "corpus", workers=1)
    assert_frame_equal(theme_frequencies(tables.paragraphs, by="report", tokens=tables.tokens),
                       theme_frequencies(tables.paragraphs, by="report"))


_CHARS = st.sampled_from([*"保水密云增长亿元，。 \u3000\t\n0123456789.%abcé", "𠀀", "𝄞", "😀", "ǖ", "\u3400"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(_CHARS, max_size=25), min_size=1, max_size=5))
def test_token_rows_are_each_paragraphs_cut_whatever_the_characters(texts):
    """Token strings are cut out of the report's UTF-8 bytes: one to four bytes a character, line breaks and all."""
    import pandas as pd

    seg = content_segmenter()
    paras = pd.DataFrame({"report_id": "r", "para_no": range(1, len(texts) + 1), "text": texts})
    table = token_table(paras, seg, cache=False)
    got = [table.loc[table["para_no"] == n, "token"].tolist() for n in range(1, len(texts) + 1)]
    assert got == [seg.cut(text) for text in texts]


def test_changed_segmentation_code_never_meets_a_stale_cache(paragraphs, tmp_path, monkeypatch):
    from miyun_text import tokens

    seg = Segmenter(cache=tmp_path, boilerplate=True, min_length=2)
    token_table(paragraphs.head(3), seg)
    segmented = []
    original = tokens._segment

    def counting(*args, **kwargs):
        segmented.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(tokens, "_segment", counting)
    token_table(paragraphs.head(3), seg)
    assert segmented == []  # same code: read from the cache
    monkeypatch.setattr(tokens, "_code_digest", lambda: "other-code")
    token_table(paragraphs.head(3), seg)
    assert segmented == [1]  # other code: another folder, segmented again
    assert len({p.parent for p in (tmp_path / "tokens").rglob("*.arrow")}) == 2
