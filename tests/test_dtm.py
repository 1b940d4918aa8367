"""The document-term matrix: counts worked out by hand, weightings, files other tools read, examples."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from conftest import DATA

import miyun_text as mt
from miyun_text.dtm import PYTHON_EXAMPLE, R_EXAMPLE, document_term_matrix
from miyun_text.errors import ArgumentError

# content tokens: 守护 水源 旅游 | 守护 水源 | 旅游 | 城市更新
PARAS = pd.DataFrame({"report_id": ["a", "a", "b", "b"], "label": ["甲区 2023", "甲区 2023", "乙区 2023", "乙区 2023"],
                      "region": ["甲区", "甲区", "乙区", "乙区"], "year": [2023] * 4,
                      "text": ["守护水源，发展旅游。", "守护水源。", "发展旅游。", "城市更新。"]})


def test_counts_and_weightings_worked_out_by_hand():
    dtm = document_term_matrix(PARAS, min_count=1)
    assert dtm.vocabulary["term"].tolist() == ["城市更新", "守护", "旅游", "水源"]  # sorted by term
    assert dtm.vocabulary[["count", "doc_freq"]].values.tolist() == [[1, 1], [2, 1], [2, 2], [2, 1]]
    assert dtm.matrix.toarray().tolist() == [[0, 2, 1, 2], [1, 0, 1, 0]]
    assert dtm.documents[["report_id", "label", "n_tokens"]].values.tolist() == [["a", "甲区 2023", 5],
                                                                                 ["b", "乙区 2023", 2]]
    # min_count=2 (the default) leaves out 城市更新, seen once
    assert document_term_matrix(PARAS).vocabulary["term"].tolist() == ["守护", "旅游", "水源"]
    binary = document_term_matrix(PARAS, weighting="binary", min_count=1).matrix.toarray()
    assert binary.tolist() == [[0, 1, 1, 1], [1, 0, 1, 0]]
    proportion = document_term_matrix(PARAS, weighting="proportion", min_count=1).matrix.toarray()
    assert proportion.tolist() == [[0, 0.4, 0.2, 0.4], [0.5, 0, 0.5, 0]]
    tfidf = document_term_matrix(PARAS, weighting="tfidf", min_count=1).matrix.toarray()
    idf = np.log10(2)  # two documents; 旅游 is in both (idf 0), the others in one
    assert np.allclose(tfidf, [[0, 2 * idf, 0, 2 * idf], [idf, 0, 0, 0]])
    by_paragraph = document_term_matrix(PARAS, by=["report_id", "text"], min_count=1)
    assert by_paragraph.shape == (4, 4) and by_paragraph.documents["label"].is_unique
    assert by_paragraph.documents["label"].iloc[0] == "甲区 2023 | 守护水源，发展旅游。"
    assert document_term_matrix(PARAS, by=None, min_count=1).documents["label"].tolist() == ["all"]
    with pytest.raises(ArgumentError, match="weighting='tf'"):
        document_term_matrix(PARAS, weighting="tf")


def test_a_corpus_and_its_paragraph_table_give_the_same_matrix():
    corpus = mt.open_corpus(DATA)
    from_corpus = document_term_matrix(corpus.body, by="section")
    from_table = document_term_matrix(corpus.body.paragraphs, by="section")
    assert (from_corpus.matrix != from_table.matrix).nnz == 0
    assert from_corpus.vocabulary.equals(from_table.vocabulary)
    # every kept token of a document is counted: rows sum to n_tokens before rare terms are dropped
    full = document_term_matrix(corpus.body, by="section", min_count=1)
    assert np.asarray(full.matrix.sum(axis=1)).ravel().tolist() == full.documents["n_tokens"].tolist()


def test_export_writes_files_scipy_reads_back(tmp_path, capsys):
    from scipy.io import mmread

    from miyun_text.cli import main

    assert main(["--data", str(DATA), "export", "--format", "dtm", "--by", "section", "--weighting", "tfidf",
                 "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codebook.md", "documents.csv", "dtm.mtx",
                                                          "vocabulary.csv"]
    matrix = mmread(tmp_path / "dtm.mtx").tocsr()
    documents = pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig")
    vocabulary = pd.read_csv(tmp_path / "vocabulary.csv", encoding="utf-8-sig", keep_default_na=False)
    expected = document_term_matrix(mt.open_corpus(DATA).body, by="section", weighting="tfidf")
    assert matrix.shape == (len(documents), len(vocabulary)) == expected.shape
    assert np.allclose(matrix.toarray(), expected.matrix.toarray())
    assert vocabulary["term"].tolist() == expected.vocabulary["term"].astype(str).tolist()
    book = (tmp_path / "codebook.md").read_text(encoding="utf-8")
    assert R_EXAMPLE in book and "LatentDirichletAllocation" in book and "weighting `tfidf`" in book


def test_the_python_example_fits_a_topic_model_on_the_bundled_corpus(capsys, monkeypatch):
    pytest.importorskip("sklearn", reason="scikit-learn comes with the test extras (pip install -e .[test])")
    monkeypatch.chdir(DATA.parent)
    exec(compile(PYTHON_EXAMPLE, "codebook example", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 5 and all(len(line.split()) == 9 for line in lines)


def test_the_r_example_reads_the_files(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed here (no Rscript on PATH); the R example in the codebook runs where it is")
    check = subprocess.run(["Rscript", "-e", "library(Matrix); library(quanteda)"], capture_output=True, text=True)
    if check.returncode:
        pytest.skip("R is installed but the packages Matrix and quanteda are not: install.packages('quanteda')")
    document_term_matrix(mt.open_corpus(DATA).body, by="section").write(tmp_path)
    run = subprocess.run(["Rscript", "-e", R_EXAMPLE], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
