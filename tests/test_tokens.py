"""Tokens: one cut per text and dictionary, cached, carrying every filter, never mismatched."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from miyun_text.corpus import Corpus
from miyun_text.errors import ArgumentError, TokensMismatchError
from miyun_text.rhetoric import marker_rates
from miyun_text.segment import Segmenter, content_segmenter, default_segmenter, rhetoric_segmenter
from miyun_text.themes import theme_frequencies
from miyun_text.tokens import FILTERS, TOKEN_COLUMNS, Tokens, paragraph_tokens, token_table, token_view


def test_token_table_columns_and_every_filter_is_its_segmenters_tokenize(paragraphs):
    tokens = token_table(paragraphs)
    table = tokens.frame
    assert isinstance(tokens, Tokens) and table.columns.tolist() == TOKEN_COLUMNS
    assert list(FILTERS) == ["content", "rhetoric", "default"]
    assert str(table["token"].dtype) == "string" and table["kind"].cat.categories.tolist() == [
        "word", "number", "punct", "space"]
    first = paragraphs.iloc[0]
    rows = table[(table["part_no"] == first["part_no"]) & (table["para_no"] == first["para_no"])]
    assert rows["token"].tolist() == content_segmenter().cut(first["text"])
    assert rows["token_no"].tolist() == list(range(1, len(rows) + 1))
    # every paragraph: all tokens rebuild the text; each flag column is exactly its Segmenter's tokenize
    view = tokens.view(paragraphs, default_segmenter())
    assert ["".join(c) for c in view.by_row()] == paragraphs["text"].tolist()
    for seg in (content_segmenter(), rhetoric_segmenter(), default_segmenter()):
        assert tokens.view(paragraphs, seg).kept().by_row() == [seg.tokenize(t) for t in paragraphs["text"]]
    # a filter of the same cut that no column holds is decided per distinct token
    stricter = Segmenter(min_length=3, boilerplate=True)
    assert tokens.view(paragraphs, stricter).kept().by_row() == [stricter.tokenize(t) for t in paragraphs["text"]]
    assert set(table.loc[table["token"] == "380亿元", "kind"]) == {"number"}


def test_tokens_are_cut_once_then_read_from_the_cache(paragraphs, tmp_path, monkeypatch):
    seg = Segmenter(cache=tmp_path, boilerplate=True, min_length=2)
    first = token_table(paragraphs, seg)
    files = sorted((tmp_path / "tokens").rglob("*.arrow"))
    assert len(files) == 1 and files[0].parent.name.startswith(seg.cut_key)

    def fail(*args, **kwargs):
        raise AssertionError("segmented again")

    monkeypatch.setattr("miyun_text.tokens._segment", fail)
    assert_frame_equal(token_table(paragraphs, seg).frame, first.frame)
    # another filter on the same dictionary is the same cut: the same file serves it
    assert_frame_equal(token_table(paragraphs, Segmenter(cache=tmp_path, min_length=3)).frame, first.frame)


def test_a_changed_dictionary_or_text_never_meets_a_stale_cache(tmp_path):
    paras = pd.DataFrame({"report_id": ["r"], "part_no": [1], "para_no": [1],
                          "text": ["建设星河保水站，抓好新的工作。"]})
    user = tmp_path / "user.txt"
    user.write_text("密云水库鱼 80 nz\n", encoding="utf-8")
    before = token_table(paras, Segmenter([user], cache=tmp_path))
    assert "星河保水站" not in before.frame["token"].tolist()
    user.write_text("密云水库鱼 80 nz\n星河保水站 50000 nz\n", encoding="utf-8")
    after = token_table(paras, Segmenter([user], cache=tmp_path))
    assert "星河保水站" in after.frame["token"].tolist()
    # a filter changes which tokens are kept, read from the same table
    loose = Segmenter([user], cache=tmp_path, stopwords=False)
    strict = Segmenter([user], cache=tmp_path, min_length=2, extra_stopwords={"工作"})
    assert "新" in after.frame.loc[after.keep(loose), "token"].tolist()
    assert not {"新", "工作"} & set(after.frame.loc[after.keep(strict), "token"])
    assert len({p.parent for p in (tmp_path / "tokens").rglob("*.arrow")}) == 2
    # a changed text is a new file, never the old tokens
    changed = token_table(paras.assign(text="守护密云水库。"), Segmenter([user], cache=tmp_path))
    assert changed.frame["token"].tolist() == ["守护", "密云水库", "。"]


def test_a_changed_word_list_never_meets_stale_keep_flags(tmp_path, monkeypatch):
    """The flag columns depend on the stopword and boilerplate lists: another list reads another folder."""
    from miyun_text import segment

    paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["全面推进乡村旅游"]})
    before = token_table(paras, Segmenter(cache=tmp_path)).frame
    assert before.loc[before["token"] == "全面", "content"].item() is False  # boilerplate
    monkeypatch.setattr(segment, "load_boilerplate", lambda: frozenset({"旅游"}))
    after = token_table(paras, Segmenter(cache=tmp_path)).frame
    assert after.loc[after["token"] == "全面", "content"].item() is True
    assert after.loc[after["token"] == "旅游", "content"].item() is False
    assert len({p.parent for p in (tmp_path / "tokens").rglob("*.arrow")}) == 2


def test_part_of_speech_filters_cut_the_text_themselves(tmp_path):
    seg = Segmenter(drop_pos={"v"}, cache=tmp_path)
    paras = pd.DataFrame({"report_id": ["r"], "para_no": [1], "text": ["抓好工作，守护密云水库"]})
    with pytest.raises(ArgumentError, match="part of speech"):
        token_table(paras, seg)
    corpus = Corpus(paras.assign(year=2024), paras, pd.DataFrame(columns=["report_id"]), token_table(paras))
    assert token_view(corpus, seg).kept().by_row() == [seg.tokenize(paras.loc[0, "text"])]
    assert paragraph_tokens(paras, seg) == [seg.tokenize(paras.loc[0, "text"])]


def test_tokens_of_another_cut_or_of_other_paragraphs_are_refused(paragraphs):
    tokens = token_table(paragraphs)
    with pytest.raises(TokensMismatchError, match="another dictionary, backend or HMM"):
        tokens.view(paragraphs, Segmenter(hmm=False))
    partial = token_table(paragraphs.iloc[:10])
    with pytest.raises(TokensMismatchError, match="no tokens for paragraph"):
        partial.view(paragraphs, content_segmenter())


def test_a_corpus_measures_rhetoric_and_themes_from_one_table_with_another_cut_cut_again(paragraphs):
    """One token table serves the content and the rhetoric measures; a Segmenter that cuts
    otherwise is never given the table's tokens."""
    corpus = Corpus(pd.DataFrame({"report_id": ["miyun_2024"]}), paragraphs, pd.DataFrame(columns=["report_id"]),
                    token_table(paragraphs))
    assert_frame_equal(marker_rates(corpus, by="report"), marker_rates(paragraphs, by="report"))
    assert_frame_equal(theme_frequencies(corpus, by="section"), theme_frequencies(paragraphs, by="section"))
    plain = Segmenter(hmm=False, boilerplate=True, min_length=2)
    assert_frame_equal(theme_frequencies(corpus, by="report", segmenter=plain),
                       theme_frequencies(paragraphs, by="report", segmenter=plain))
    # the rhetoric filter keeps boilerplate (全面, 深入 …); the content filter, wrongly applied, counts 33
    counts = marker_rates(corpus, by="report").set_index("marker")["count"]
    assert counts["intensifier"] == 190
    assert marker_rates(corpus, by="report", segmenter=content_segmenter()).set_index(
        "marker").loc["intensifier", "count"] == 33


_CHARS = st.sampled_from([*"保水密云增长亿元，。 \u3000\t\n0123456789.%abcé", "𠀀", "𝄞", "😀", "ǖ", "\u3400"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(_CHARS, max_size=25), min_size=1, max_size=5))
def test_token_rows_are_each_paragraphs_cut_whatever_the_characters(texts):
    """Token strings are cut out of the report's UTF-8 bytes: one to four bytes a character, line breaks and all."""
    seg = content_segmenter()
    paras = pd.DataFrame({"report_id": "r", "para_no": range(1, len(texts) + 1), "text": texts})
    table = token_table(paras, seg, cache=False).frame
    got = [table.loc[table["para_no"] == n, "token"].tolist() for n in range(1, len(texts) + 1)]
    assert got == [seg.cut(text) for text in texts]
    assert token_view(paras, seg).by_row() == [seg.cut(text) for text in texts]


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
