"""The fast backend (rjieba, jieba-rs) cuts exactly as the reference (jieba) does.

Each comparison names the text where the two differ; jieba is the reference.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from miyun_text.segment import Segmenter

pytest.importorskip("rjieba")


def _pair(**kwargs) -> tuple[Segmenter, Segmenter]:
    return Segmenter(backend="jieba", **kwargs), Segmenter(backend="rjieba", **kwargs)


def _differences(texts: list[tuple[str, str]], reference: Segmenter, fast: Segmenter) -> list[str]:
    out = []
    for name, text in texts:
        want, got = reference.cut(text), fast.cut(text)
        if want != got:
            at = next(i for i, (a, b) in enumerate(zip(want, got, strict=False)) if a != b) if want[:1] else 0
            out.append(f"{name}: jieba {want[at:at + 5]} vs rjieba {got[at:at + 5]} in {text[:40]!r}")
    return out


def _lines(report_id: str, text: str) -> list[tuple[str, str]]:
    return [(f"{report_id} line {n}", line) for n, line in enumerate(text.split("\n"), start=1) if line]


@pytest.mark.parametrize("hmm", [True, False])
def test_identical_tokens_on_the_bundled_report(text, hmm):
    reference, fast = _pair(hmm=hmm)
    assert fast.backend == "rjieba" and reference.backend == "jieba"
    lines = _lines("miyun_2024", text)
    assert len(lines) > 70
    assert _differences(lines, reference, fast) == []
    # whole text in one call too: line breaks and all
    assert reference.cut(text) == fast.cut(text)


def test_identical_tokens_on_the_fixture_corpus(fixture_corpus):
    reference, fast = _pair()
    texts = [item for row in fixture_corpus.itertuples() for item in _lines(row.report_id, row.text)]
    assert fixture_corpus["report_id"].nunique() > 1
    assert _differences(texts, reference, fast) == []


def test_identical_tokens_with_a_user_dictionary_that_overrides_jiebas_words(tmp_path):
    user = tmp_path / "user.txt"
    # 发展 and 协同 exist in jieba's dictionary: a user entry replaces their frequency
    user.write_text("发展 5 v\n协同 3\n星河保水站 50000 nz\n星河保水站 60000 nz\n", encoding="utf-8")
    reference, fast = _pair(user_dicts=[user], cache=tmp_path)
    text = "深化京津冀协同发展，建设星河保水站，推动高质量发展。"
    assert reference.cut(text) == fast.cut(text)
    assert "星河保水站" in fast.cut(text)


# Characters of the report, digits and ASCII, full-width and ASCII punctuation, white
# space, and CJK outside the basic block (extension A, compatibility ideographs).
_ALPHABET = st.sampled_from(
    list("密云水库保水生态涵养区京津冀协同发展接诉即办乡村振兴高质量新能源汽车")
    + list("0123456789.%+-#&_abcXYZ ，。、；：？！“”（）《》—…·\n\t 　")
    + list("㐀㑇鿰鿿豈更ǖ①Ⅱ")
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_ALPHABET, max_size=40))
def test_identical_tokens_on_any_text(sample):
    reference, fast = _pair()
    assert _differences([("hypothesis sample", sample)], reference, fast) == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_identical_tokens_on_any_unicode_text(sample):
    reference, fast = _pair(hmm=False)
    assert _differences([("hypothesis sample", sample)], reference, fast) == []


def test_pos_tags_come_from_jieba_whatever_the_backend():
    reference, fast = _pair()
    text = "守护密云水库，2024年地区生产总值增长4.5%"
    assert fast.pos(text) == reference.pos(text)
    assert ("4.5%", "m") in fast.pos(text)


def test_auto_backend_and_bad_backend():
    assert Segmenter().backend == "rjieba"
    with pytest.raises(ValueError, match="backend must be one of"):
        Segmenter(backend="spacy")


_SEGMENTERS = {backend: Segmenter(backend=backend, boilerplate=True, min_length=2) for backend in ("jieba", "rjieba")}
_LINE = st.text(_ALPHABET.filter(lambda ch: ch not in "\r\n"), max_size=30)


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_a_report_cut_in_one_call_equals_its_paragraphs_cut_alone(text, backend):
    seg = _SEGMENTERS[backend]
    paragraphs = [line for line in text.split("\n") if line]
    words, counts = seg.cut_flat(paragraphs)
    alone = [seg.cut(p) for p in paragraphs]
    assert counts == [len(tokens) for tokens in alone]
    assert words == [token for tokens in alone for token in tokens]


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(_LINE, st.text(_ALPHABET, max_size=20)), max_size=6))
def test_any_paragraphs_cut_in_one_call_equal_each_cut_alone(backend, texts):
    seg = _SEGMENTERS[backend]
    words, counts = seg.cut_flat(texts)
    alone = [seg.cut(t) for t in texts]
    assert counts == [len(tokens) for tokens in alone], texts
    assert words == [token for tokens in alone for token in tokens], texts


@pytest.mark.parametrize("text", [
    "密密密000", "展展展步量", "一步一步2024年推进", "层层压实，一件一件抓落实", "天天天天向上",
    "同高接同高接同高接", "新同高协京天高协京天高协京天", "展量新新件量新新件量新新件态",
    "保水。密密密，增长5%。同高接同高接",
])
def test_ties_between_equally_likely_cuts_are_decided_as_jieba_decides(text):
    # 密|密密 and 密密|密 score the same; which wins depends on rounding, so jieba cuts such blocks
    reference, fast = _pair()
    assert _differences([("tie", text)], reference, fast) == []
