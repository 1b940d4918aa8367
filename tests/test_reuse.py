"""Text reuse: known copies in hand-made pairs, the formulaic flag, designs of pairs, shares, real reports."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import FIXTURES

from miyun_text.errors import MiyunTextError, PanelError
from miyun_text.evaluate_reuse import handmade_pairs, handmade_scores, provinces_folder, read_provinces, span_overlap
from miyun_text.reuse import REUSE_COLUMNS, SHARE_COLUMNS, reuse_pairs, reuse_shares, reuse_texts, text_reuse

# Sentences written for these tests (no text of real reports).
SHARED = "坚持以实干论英雄、以实绩论成效，把各项目标任务落到实处，确保全年工作开好局起好步。"
PEER = "在全省率先推行林长巡护积分制，护林员巡护轨迹全部接入智慧平台，森林火灾发生率连续三年下降。"
OWN = [
    "全年接待游客三百二十万人次，民宿集群达到二十个。",
    "新建标准化厂房十二万平方米，园区亩均税收提高百分之十五。",
    "城乡居民医保参保率稳定在百分之九十八以上，家庭医生签约服务覆盖重点人群。",
    "完成老旧管网改造八十公里，城区供水保障能力明显提升。",
    "引育高层次人才一百五十名，新建院士专家工作站两个。",
    "河湖长制全面落实，重点河流断面水质全部达到三类以上。",
]


def _table(texts: dict[str, list[str]], **columns: dict[str, object]) -> pd.DataFrame:
    rows = []
    for report_id, paragraphs in texts.items():
        for text in paragraphs:
            rows.append({"report_id": report_id, "text": text,
                         **{name: values[report_id] for name, values in columns.items()}})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def cases():
    return {case["name"]: case for case in handmade_pairs()}


def test_exact_copies_are_found_with_their_offsets(cases):
    case = cases["exact"]
    found = text_reuse(case["paragraphs"], "a", "b")
    assert list(found.columns) == REUSE_COLUMNS
    texts = reuse_texts(case["paragraphs"])
    # the whole copied paragraph, the clause inside a longer sentence (with the comma that follows it in both),
    # and the closing sentence, each at the offsets worked out from the fixture
    assert [tuple(s) for s in found["span_b"]] == [(45, 94), (155, 185), (255, 290)]
    assert [tuple(s) for s in found["span_a"]] == [(116, 165), (174, 204), (317, 352)]
    assert found["similarity"].tolist() == [1.0, 1.0, 1.0]
    assert found["length"].tolist() == [49, 30, 35]
    for row in found.itertuples(index=False):
        assert texts["a"][slice(*row.span_a)] == row.text_a and texts["b"][slice(*row.span_b)] == row.text_b
    # two reports are too few to tell formulaic language from copying
    assert found["formulaic"].isna().all() and found["n_reports"].isna().all()


def test_edited_and_reordered_copies(cases):
    edited = text_reuse(cases["edited"]["paragraphs"], "a", "b", n=3)
    assert len(edited) == 4 and edited["similarity"].between(0.8, 0.99).all()
    hit, found, true = span_overlap([tuple(s) for s in edited["span_b"]], cases["edited"]["truth"],
                                    reuse_texts(cases["edited"]["paragraphs"])["b"])
    assert hit == found and hit / true >= 0.9
    reordered = text_reuse(cases["reordered"]["paragraphs"], "a", "b")
    # the two sentences swapped are one passage of B; the clauses swapped within a sentence another
    assert [tuple(s) for s in reordered["span_b"]] == [(0, 61), (107, 143), (157, 205)]
    assert reordered["similarity"].iloc[0] == 1.0


def test_nothing_is_found_between_independent_reports_on_the_same_topics(cases):
    assert text_reuse(cases["none"]["paragraphs"], "a", "b").empty


def test_precision_and_recall_on_every_hand_made_pair():
    scores = handmade_scores(3).set_index("kind")
    assert scores.loc["all", "precision"] >= 0.98
    assert scores.loc["all", "recall"] >= 0.95 and scores.loc["edited", "recall"] >= 0.9
    assert scores.loc["exact", "recall"] == 1.0 and scores.loc["none", "found"] == 0


def test_minhash_finds_what_exhaustive_candidates_find(cases):
    for case in cases.values():
        lsh = text_reuse(case["paragraphs"], "a", "b", n=3)
        exact = text_reuse(case["paragraphs"], "a", "b", n=3, candidates="exact")
        assert set(exact["span_b"]) <= set(lsh["span_b"]), case["name"]
        # the copy whose numbers all changed keeps a Jaccard similarity of 0.28 at n=3, under the threshold
        # of 0.3; the LSH, tuned to miss little, still makes it a candidate
        if case["kind"] == "edited":
            assert len(exact) == 3 and len(lsh) == 4
        else:
            assert lsh[["span_a", "span_b"]].equals(exact[["span_a", "span_b"]]), case["name"]


def test_formulaic_passages_are_told_from_copying_between_peers():
    texts = {f"r{k}": [OWN[k] + SHARED] for k in range(6)}
    texts["r0"].append(PEER)
    texts["r1"].append(OWN[5] + PEER)
    found = text_reuse(_table(texts), "r0", "r1")
    assert found["text_b"].tolist() == [SHARED, PEER]
    assert found["n_reports"].tolist() == [6, 2]
    assert found["formulaic"].tolist() == [True, False]
    shares = reuse_shares(_table(texts), "r0", "r1", passages=found).iloc[0]
    chars_b = len(OWN[1] + SHARED + OWN[5] + PEER)
    assert shares["chars_b"] == chars_b and shares["reused_b"] == len(SHARED) + len(PEER)
    assert shares["peer_share_b"] == pytest.approx(len(PEER) / chars_b)
    assert shares["passages"] == 2 and shares["formulaic_passages"] == 1
    # asked to call a passage formulaic only when all six reports hold it
    strict = text_reuse(_table(texts), "r0", "r1", formulaic_reports=7)
    assert strict["formulaic"].isna().all()


def test_shares_for_every_pair_both_ways_including_pairs_without_reuse():
    texts = {"x": [OWN[0] + PEER], "y": [PEER + OWN[1]], "z": [OWN[2]]}
    shares = reuse_shares(_table(texts))
    assert list(shares.columns) == SHARE_COLUMNS
    assert shares[["report_a", "report_b"]].values.tolist() == [["x", "y"], ["x", "z"], ["y", "z"]]
    xy = shares.iloc[0]
    assert (xy["chars_a"], xy["reused_a"], xy["reused_b"]) == (len(OWN[0] + PEER), len(PEER), len(PEER))
    assert xy["share_b"] == pytest.approx(len(PEER) / len(PEER + OWN[1]))
    assert shares.iloc[1]["share_a"] == 0.0 and shares.iloc[1]["passages"] == 0
    assert shares["peer_share_b"].isna().all()  # three reports cannot show what is formulaic


def test_designs_of_pairs():
    panel = _table({"m22": ["…"], "m23": ["…"], "h23": ["…"], "c23": ["…"], "m25": ["…"]},
                   region={"m22": "密云区", "m23": "密云区", "h23": "怀柔区", "c23": "北京市", "m25": "密云区"},
                   year={"m22": 2022, "m23": 2023, "h23": 2023, "c23": 2023, "m25": 2025},
                   level={"m22": "区", "m23": "区", "h23": "区", "c23": "市", "m25": "区"},
                   label={"m22": "密云区 2022", "m23": "密云区 2023", "h23": "怀柔区 2023", "c23": "北京市 2023",
                          "m25": "密云区 2025"})
    pairs = reuse_pairs(panel, pairs="consecutive")
    assert pairs[["report_a", "report_b"]].values.tolist() == [["m22", "m23"]]  # 2025 has no 2024 before it
    pairs = reuse_pairs(panel, pairs="levels")
    assert pairs[["label_a", "label_b"]].values.tolist() == [["北京市 2023", "密云区 2023"],
                                                            ["北京市 2023", "怀柔区 2023"]]
    assert len(reuse_pairs(panel)) == 10
    # by label or id, one side or a list; a pair named both ways is compared once
    assert reuse_pairs(panel, "北京市 2023", ["m23", "h23"])["report_b"].tolist() == ["m23", "h23"]
    assert len(reuse_pairs(panel, ["m22", "m23"], ["m23", "m22"])) == 1
    assert len(reuse_pairs(panel, b="m25")) == 4
    with pytest.raises(PanelError, match=r"a='南京市 2023' is no report of the corpus.*北京市 2023 \(c23\)"):
        reuse_pairs(panel, "南京市 2023", "m23")
    with pytest.raises(PanelError, match="either a=/b= or pairs="):
        reuse_pairs(panel, "m22", pairs="all")
    with pytest.raises(MiyunTextError, match="pairs='neighbours' is not one of all, consecutive, levels"):
        reuse_pairs(panel, pairs="neighbours")
    with pytest.raises(PanelError, match="needs the columns region and year"):
        reuse_pairs(pd.DataFrame({"report_id": ["a"], "text": ["…"]}), pairs="consecutive")


def test_consecutive_years_of_the_fixture_corpus_repeat_last_year():
    from miyun_text.corpus import load_corpus
    from miyun_text.structure import corpus_paragraphs

    paragraphs = corpus_paragraphs(load_corpus(FIXTURES / "panel"))
    shares = reuse_shares(paragraphs, pairs="consecutive")
    assert shares[["label_a", "label_b"]].values.tolist() == [["怀柔区 2022", "怀柔区 2023"],
                                                            ["密云区 2022", "密云区 2023"]]
    assert (shares["chars_b"] > shares["reused_b"]).all()


def test_bad_arguments_are_refused():
    table = pd.DataFrame({"report_id": ["a", "b"], "text": ["甲", "乙"]})
    with pytest.raises(ValueError, match="n=0 must be a whole number"):
        text_reuse(table, n=0)
    with pytest.raises(ValueError, match=r"threshold=1\.5"):
        text_reuse(table, threshold=1.5)
    with pytest.raises(TypeError, match="text_reuse expects a Corpus or a DataFrame"):
        text_reuse("甲乙")
    with pytest.raises(PanelError, match="candidates='all'"):
        text_reuse(table, candidates="all")
    empty = text_reuse(table)
    assert empty.empty and list(empty.columns) == REUSE_COLUMNS


def test_an_object_with_paragraphs_is_a_corpus(cases):
    class Corpus:
        paragraphs = cases["exact"]["paragraphs"]

    assert text_reuse(Corpus(), "a", "b").equals(text_reuse(Corpus.paragraphs, "a", "b"))


@pytest.fixture(scope="module")
def provinces():
    if not any(provinces_folder().glob("*.csv")):
        pytest.skip(f"the provincial reports are not at {provinces_folder()} (set MIYUN_TEXT_PROVINCES to the "
                    "folder provinces_2026 to run this test)")
    paragraphs = read_provinces()
    keep = sorted(paragraphs["report_id"].unique())[:6]
    return paragraphs[paragraphs["report_id"].isin(keep)]


def test_real_reports_share_formulaic_text_and_are_deterministic(provinces):
    found = text_reuse(provinces)
    again = text_reuse(provinces)
    assert found.equals(again)
    texts = reuse_texts(provinces)
    assert len(found) > 50
    for row in found.itertuples(index=False):
        assert texts[row.report_b][slice(*row.span_b)] == row.text_b
        assert texts[row.report_a][slice(*row.span_a)] == row.text_a
    assert found["similarity"].between(0.7, 1.0).all() and (found["length"] >= 20).all()
    # the shared language of the genre is found in most of the six reports
    assert found["formulaic"].mean() > 0.25 and found["n_reports"].max() == 6
    shares = reuse_shares(provinces, passages=found)
    assert len(shares) == 15 and (shares["share_b"] < 0.5).all() and (shares["peer_share_b"] <= shares["share_b"]).all()


def test_command_line(tmp_path, capsys):
    from miyun_text.cli import main

    out = tmp_path / "reuse.csv"
    assert main(["--data", str(FIXTURES / "panel"), "reuse", "--pairs", "consecutive", "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert set(zip(table["label_a"], table["label_b"], strict=True)) == {("怀柔区 2022", "怀柔区 2023"),
                                                                        ("密云区 2022", "密云区 2023")}
    data = str(FIXTURES / "panel")
    assert main(["--data", data, "reuse", "--a", "密云区 2022", "--b", "密云区 2023", "--shares"]) == 0
    assert "密云区 2022" in capsys.readouterr().out
    assert main(["--data", str(FIXTURES / "panel"), "reuse", "--a", "北京市 2023"]) == 1
    assert "a='北京市 2023' is no report of the corpus" in capsys.readouterr().err
