"""Keywords, keyword-in-context and collocations: hand-computed values and the bundled report."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from miyun_text.keywords import _llr, collocations, corpus_idf, extract_keywords, kwic, textrank
from miyun_text.segment import Segmenter


class WordSplitter(Segmenter):
    """Tokens are the space-separated words: lets tests compute scores by hand."""

    def __init__(self):
        super().__init__(policy_dict=False, stopwords=False)

    def tokenize(self, text):
        return [t for t in text.split() if t]

    def cut(self, text):
        return text.split(" ")


def test_tfidf_scores_by_hand():
    docs = ["保水 保水 生态", "生态 招商", "招商 企业"]
    out = extract_keywords(docs, top_k=10, min_count=1, segmenter=WordSplitter())
    idf = {"保水": math.log(4 / 2) + 1, "生态": math.log(4 / 3) + 1, "招商": math.log(4 / 3) + 1,
           "企业": math.log(4 / 2) + 1}
    total = 7
    expected = {t: c / total * idf[t] for t, c in {"保水": 2, "生态": 2, "招商": 2, "企业": 1}.items()}
    got = dict(zip(out["term"], out["score"], strict=True))
    assert got == pytest.approx(expected)
    assert out["term"].tolist() == ["保水", "招商", "生态", "企业"]  # ties broken by count, then term
    assert dict(zip(out["term"], out["doc_freq"], strict=True)) == {"保水": 1, "生态": 2, "招商": 2, "企业": 1}


def test_keywords_per_group_in_one_call():
    import pandas as pd

    frame = pd.DataFrame({"g": ["a", "a", "b"], "text": ["保水 生态", "保水", "招商 企业"]})
    out = extract_keywords(frame, by="g", top_k=1, min_count=1, segmenter=WordSplitter())
    assert out[["group", "term"]].values.tolist() == [["a", "保水"], ["b", "企业"]]


def test_corpus_idf_values():
    idf = corpus_idf([["a", "b"], ["a"], ["c"]])
    assert idf["a"] == pytest.approx(math.log(4 / 3) + 1)
    assert idf["c"] == pytest.approx(math.log(4 / 2) + 1)


def test_textrank_is_deterministic_and_normalised():
    tokens = ["保水", "生态", "保水", "富民", "保水", "生态", "绿色"]
    first, second = textrank(tokens), textrank(list(tokens))
    assert first == second
    assert sum(first.values()) == pytest.approx(1.0)
    assert max(first, key=first.get) == "保水"


def test_llr_by_hand():
    # table [[10, 5], [5, 80]]: G2 = 2 * sum O ln(O/E)
    k = [10, 5, 5, 80]
    n = sum(k)
    rows, cols = [15, 85], [15, 85]
    expected = 2 * sum(o * math.log(o / (rows[i // 2] * cols[i % 2] / n)) for i, o in enumerate(k))
    assert _llr(*k) == pytest.approx(expected)


def test_collocations_by_hand():
    docs = ["生态 保护 。 生态 保护 。 生态 文明 。 绿色 发展 。"]
    out = collocations(docs, min_count=1, segmenter=WordSplitter(), sort="count")
    top = out.iloc[0]
    assert (top["w1"], top["w2"], int(top["count"])) == ("生态", "保护", 2)
    n = 4  # bigrams: 生态保护 ×2, 生态文明, 绿色发展
    assert top["pmi"] == pytest.approx(math.log2(2 * n / (3 * 2)))


def test_kwic_rows_carry_structure(body):
    rows = kwic(body, "接诉即办", window=6)
    assert len(rows) >= 1
    assert set(rows.columns) == {"report_id", "part_no", "section_no", "para_no", "left", "term", "right"}
    assert (rows["term"] == "接诉即办").all()
    assert rows["report_id"].eq("miyun_2024").all()


def test_section_keywords_name_the_sections_subject(body):
    from miyun_text.build import section_labels

    sections = body.dropna(subset=["section_no"]).copy()
    sections["section_label"] = section_labels(sections)
    kw = extract_keywords(sections, by="section_label", top_k=5, min_count=1)
    top = kw.groupby("group", sort=False)["term"].apply(list).to_dict()
    assert {"密云水库", "保水"} <= set(top["一（一）高规格保水保生态"])
    assert "乡村振兴" in top["一（三）高站位推进乡村振兴"]
    assert "医院" in top["一（五）高品质保障民生"]
    assert "安全生产" in top["一（六）高效能统筹安全发展"]
    assert "城市" in top["三（五）聚焦提升城市品质"]
    boilerplate = {"建设", "推进", "全面", "发展", "加强"}
    assert not boilerplate & set(kw["term"])


def test_bad_arguments():
    from miyun_text.errors import ArgumentError, DataTypeError, GroupingError

    with pytest.raises(ArgumentError, match="method"):
        extract_keywords(["保水"], method="lda")
    with pytest.raises(ArgumentError, match="idf"):
        extract_keywords(["保水"], idf="web")
    with pytest.raises(ArgumentError, match="top_k must be a whole number from 1 up, or None"):
        extract_keywords(["保水"], top_k=0)
    with pytest.raises(DataTypeError, match="bytes"):
        extract_keywords([b"x"])  # type: ignore[list-item]
    with pytest.raises(GroupingError, match="cannot group by 'chapter'"):
        extract_keywords(["保水"], by="chapter")
    assert extract_keywords([""]).empty
    # top_k=None keeps every term; min_count leaves out the rare ones
    docs = ["保水 保水 生态", "生态 招商", "招商 企业"]
    assert len(extract_keywords(docs, top_k=None, min_count=1, segmenter=WordSplitter())) == 4
    assert extract_keywords(docs, top_k=None, segmenter=WordSplitter())["term"].tolist() == ["保水", "招商", "生态"]


def test_groups_by_report_show_the_manifest_label_not_the_id():
    from miyun_text.corpus import Corpus
    from miyun_text.tokens import token_table

    frame = pd.DataFrame({"report_id": ["binhai_2022", "binhai_2022", "anji_2023", "anji_2023b"],
                          "label": ["滨海新区 2022", "滨海新区 2022", "安吉县 2023", "安吉县 2023"],
                          "region": ["滨海新区", "滨海新区", "安吉县", "安吉县"], "year": [2022, 2022, 2023, 2023],
                          "part_no": [1, 2, 1, 1], "para_no": [1, 1, 1, 1],
                          "text": ["港口 航运 港口", "港口 海洋", "竹林 白茶 竹林", "白茶 旅游"]})
    for tokens in (None, token_table(frame, WordSplitter(), cache=False)):
        data = frame if tokens is None else Corpus(frame[["report_id", "label", "region", "year"]], frame,
                                                    pd.DataFrame(columns=["report_id"]), tokens)
        kw = extract_keywords(data, by="report", top_k=1, min_count=1, segmenter=WordSplitter())
        # two reports with one label keep their ids beside it, so their groups stay apart
        assert kw["group"].tolist() == ["滨海新区 2022", "安吉县 2023（anji_2023）", "安吉县 2023（anji_2023b）"]
    by_part = extract_keywords(frame, by=["report", "part_no"], top_k=1, min_count=1, segmenter=WordSplitter())
    assert by_part["group"].iloc[0] == "滨海新区 2022 | 1"
