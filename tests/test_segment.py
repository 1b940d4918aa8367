"""Segmenter: lossless cuts, policy terms, filters, private tokenizer, cache, quiet stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from miyun_text.dictionary import policy_terms
from miyun_text.errors import DictionaryError
from miyun_text.paths import resource_path
from miyun_text.segment import Segmenter, default_segmenter, import_jieba, read_user_dict, token_kind


@pytest.fixture(scope="module")
def seg():
    return default_segmenter()


def test_cut_is_lossless_on_the_bundled_report(seg, text):
    assert "".join(seg.cut(text)) == text


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_cut_is_lossless_on_any_text(text):
    assert "".join(default_segmenter().cut(text)) == text


def test_policy_terms_are_single_tokens_in_their_contexts(seg, text):
    """Dictionary terms standing as units in the report come out as one token (or inside a
    longer curated term); plain jieba keeps few of them whole."""
    from miyun_text.dictionary import plain_tokenizer
    from miyun_text.evaluate import single_token_rate

    terms = policy_terms()["term"].tolist()
    hits, total = single_token_rate([text], terms, seg.cut, plain_tokenizer().lcut)
    assert total > 300
    assert total - hits <= 5  # conflicts between curated terms: 北汽新能源|汽车 against 新能源汽车
    plain_hits, _ = single_token_rate([text], terms, plain_tokenizer().lcut, plain_tokenizer().lcut)
    assert plain_hits / total < 0.3


def test_issue_examples_are_single_tokens(seg):
    assert seg.cut("深化京津冀协同发展，接诉即办，五好两宜，北大怀密医学中心") == [
        "深化", "京津冀协同发展", "，", "接诉即办", "，", "五好两宜", "，", "北大怀密医学中心"]


def test_numbers_and_quantities_are_one_token(seg):
    assert seg.cut("实现地区生产总值380亿元，同比增长4.5%，为15.1万户、3800余个") == [
        "实现", "地区生产总值", "380亿元", "，", "同比", "增长", "4.5%", "，", "为", "15.1万户", "、", "3800余个"]
    assert [token_kind(t) for t in ["380亿元", "4.5%", "12.1万户", "保水", "，", " "]] == [
        "number", "number", "number", "word", "punct", "space"]


def test_filters():
    text = "全面推进乡村振兴，实现地区生产总值380亿元"
    assert Segmenter().tokenize(text) == ["全面", "推进", "乡村振兴", "实现", "地区生产总值"]
    assert Segmenter(boilerplate=True).tokenize(text) == ["乡村振兴", "地区生产总值"]
    assert Segmenter(keep_numbers=True, boilerplate=True).tokenize(text) == ["乡村振兴", "地区生产总值", "380亿元"]
    assert Segmenter(stopwords=False).tokenize("我们的工作") == ["我们", "的", "工作"]
    assert Segmenter(min_length=2).tokenize("抓好新的工作") == ["抓好", "工作"]
    assert Segmenter(drop_pos={"v"}).tokenize("抓好工作") == ["工作"]
    assert Segmenter(extra_stopwords={"工作"}).tokenize("抓好工作") == ["抓好"]


def test_bad_input(seg):
    assert seg.cut("") == [] and seg.tokenize("") == [] and seg.pos("") == []
    for bad in (None, b"bytes", 3):
        with pytest.raises(TypeError, match=type(bad).__name__):
            seg.cut(bad)  # type: ignore[arg-type]


def test_jiebas_global_tokenizer_is_untouched():
    jieba = import_jieba()
    before = (jieba.dt.initialized, len(jieba.dt.FREQ), jieba.dt.dictionary)
    seg = Segmenter()
    seg.cut("接诉即办")
    seg.pos("接诉即办")
    assert (jieba.dt.initialized, len(jieba.dt.FREQ), jieba.dt.dictionary) == before
    assert "接诉即办" not in jieba.dt.FREQ
    assert seg.tokenizer is not jieba.dt


def test_user_dictionary_and_cache_invalidation(tmp_path):
    cache = tmp_path / "cache"
    user = tmp_path / "user.txt"
    user.write_text("# my terms\n密云水库鱼 80 nz\n", encoding="utf-8")
    first = Segmenter([user], cache=cache, backend="jieba")
    assert "星河保水站" not in first.cut("建设星河保水站")
    caches_before = set(p.name for p in cache.iterdir())
    user.write_text("密云水库鱼 80 nz\n星河保水站 50000 nz\n", encoding="utf-8")
    second = Segmenter([user], cache=cache, backend="jieba")
    assert second.dictionary != first.dictionary and second.key != first.key
    assert "星河保水站" in second.cut("建设星河保水站")
    assert "星河保水站" in Segmenter([user], cache=cache, backend="rjieba").cut("建设星河保水站")
    new_files = set(p.name for p in cache.iterdir()) - caches_before
    assert any(name.startswith("jieba-") for name in new_files) and any(name.startswith("dict-") for name in new_files)
    # the same content again reuses the cache: no new files
    again = set(p.name for p in cache.iterdir())
    Segmenter([user], cache=cache, backend="jieba").cut("保水")
    assert set(p.name for p in cache.iterdir()) == again


def test_construction_is_quiet_on_stderr(tmp_path, capfd):
    Segmenter(cache=tmp_path / "quiet").cut("保水")
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


@pytest.mark.parametrize(
    ("line", "problem"),
    [("保水 十 n", "frequency"), ("保水 10 n 多余", "4 fields"), ("保水 10 n1!", "tag")],
)
def test_malformed_user_dictionary_names_file_and_line(tmp_path, line, problem):
    path = tmp_path / "bad.txt"
    path.write_text("接诉即办 10 n\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=rf"bad\.txt:3: .*{problem}"):
        read_user_dict(path)
    with pytest.raises(DictionaryError):
        Segmenter([path], cache=tmp_path)


def test_policy_dictionary_agrees_with_its_sidecar():
    entries = {w for w, _, _ in read_user_dict(resource_path("policy_dict.txt"))}
    terms = policy_terms()
    assert entries == set(terms["term"])
    assert set(terms["kind"]) <= {"formula", "programme", "honour", "metaphor", "concept", "place", "institution"}
    assert set(terms["source"]) <= {"quoted", "report"}
    assert terms["term"].is_unique


def test_stopword_list_has_provenance():
    head = Path(resource_path("stopwords_zh.txt")).read_text(encoding="utf-8").splitlines()[:3]
    assert any("stopwords-iso" in line for line in head)
    assert resource_path("LICENSE-stopwords-iso.txt").exists()


def test_a_region_of_the_manifest_stays_whole_even_where_jieba_splits_it(paragraphs):
    import pandas as pd

    from miyun_text.corpus import Corpus
    from miyun_text.keywords import kwic
    from miyun_text.segment import content_segmenter, default_segmenter, place_names
    from miyun_text.themes import theme_frequencies
    from miyun_text.tokens import token_table

    text = "2025年翠湖区政府工作报告。翠湖区全年实现地区生产总值120亿元，翠湖区美丽乡村建设成效明显。"
    assert "翠湖区" not in default_segmenter().cut(text)  # plain jieba: 年翠 | 湖区
    reports = pd.DataFrame({"report_id": ["cuihu_2025", "miyun_2025"], "year": [2025, 2025],
                            "region": ["翠湖区", "密云区"], "level": ["区", "区"],
                            "text": [f"一、2024年工作回顾\n{text}", "一、2024年工作回顾\n保水。"]})
    corpus = Corpus.from_tables(reports)
    assert corpus.places == place_names(reports) == ("密云", "密云区", "翠湖", "翠湖区")
    assert default_segmenter(corpus).cut(text).count("翠湖区") == 3
    assert corpus.tokens.frame["token"].tolist().count("翠湖区") == 3
    assert len(kwic(corpus, "翠湖区", whole_token=True)) == 3
    # narrowed to the other region, the corpus is cut as the whole one was: its table serves it
    other = corpus.select(region="密云区")
    assert other.places == corpus.places and other.view(content_segmenter(other)) is not None
    # a plain paragraph table gives the same counts, its own regions kept whole
    assert theme_frequencies(corpus.paragraphs, by="report").equals(theme_frequencies(corpus, by="report"))
    assert token_table(corpus.paragraphs).frame["token"].tolist().count("翠湖区") == 3
    # the bundled report's region is one token already: its Segmenter, and so its tokens, are unchanged
    assert content_segmenter(paragraphs).key == content_segmenter().key
