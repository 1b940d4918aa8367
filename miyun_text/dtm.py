"""A document-term matrix for other tools: R's Matrix and quanteda, scikit-learn, gensim.

:func:`document_term_matrix` counts the content tokens of each document — a report by
default, or any grouping ``by=`` names (section, part, region and year …) — with the
package's one counting kernel (:func:`miyun_text.counting.group_counts`, from the corpus's
cached token table), and returns a :class:`DocumentTermMatrix`: a SciPy sparse matrix
(documents × terms, CSR), the document table (the group's key columns, ``label`` and
``n_tokens``) and the vocabulary (``term``, ``count``, ``doc_freq``). ``write`` saves it as
Matrix Market (``dtm.mtx``) with ``documents.csv`` and ``vocabulary.csv`` beside it
(``miyun-text export --format dtm``), in the orders of the matrix's rows and columns.

Weightings (``weighting=``):

- ``count``: how often the term occurs in the document (the default; what topic models take);
- ``binary``: 1 where it occurs at all;
- ``proportion``: count / the document's kept tokens (rows sum to 1, or 0 for an empty row);
- ``tfidf``: count × log10(N / doc_freq), N the number of documents — quanteda's
  ``dfm_tfidf()`` default, so the two agree.

Terms seen fewer than ``min_count`` times in the whole corpus are left out (default 2,
as everywhere); the vocabulary is sorted by term (Unicode order), documents keep the
order in which their groups first appear.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.io import mmwrite

from .counting import group_counts
from .errors import ArgumentError
from .escape import spreadsheet_cells
from .grouping import By, group_codes, group_label, paragraphs_of
from .io import write_bytes_atomic, write_csv
from .segment import Segmenter, content_segmenter
from .tokens import token_view

__all__ = ["WEIGHTINGS", "DocumentTermMatrix", "document_term_matrix", "dtm_codebook"]

WEIGHTINGS = ("count", "binary", "proportion", "tfidf")


@dataclass(frozen=True)
class DocumentTermMatrix:
    """Documents × terms: ``matrix`` (scipy.sparse CSR), ``documents`` and ``vocabulary`` tables."""

    matrix: Any
    documents: pd.DataFrame
    vocabulary: pd.DataFrame
    weighting: str = "count"

    @property
    def shape(self) -> tuple[int, int]:
        """(documents, terms)."""
        return self.matrix.shape

    def to_frame(self) -> pd.DataFrame:
        """The matrix as a dense DataFrame, rows named by document label and columns by term (small corpora only).

        Example:
            >>> dtm = document_term_matrix(pd.DataFrame({"report_id": ["a"], "text": ["保水保水"]}), min_count=1)
            >>> dtm.to_frame().to_dict()
            {'保水': {'a': 2}}
        """
        return pd.DataFrame(self.matrix.toarray(), index=self.documents["label"].astype(str).tolist(),
                            columns=self.vocabulary["term"].astype(str).tolist())

    def write(self, folder: str | os.PathLike[str], *, raw_cells: bool = False) -> list[Path]:
        """Write ``dtm.mtx`` (Matrix Market), ``documents.csv`` and ``vocabulary.csv`` (UTF-8 with BOM) atomically.

        As every CSV of the export, a text cell opening with ``=``, ``+``, ``-`` or ``@`` gets a
        leading ``'`` (spreadsheets would run it) unless ``raw_cells``.

        Example:
            >>> import tempfile
            >>> dtm = document_term_matrix(pd.DataFrame({"report_id": ["a"], "text": ["保水保水"]}), min_count=1)
            >>> [p.name for p in dtm.write(tempfile.mkdtemp())]
            ['dtm.mtx', 'documents.csv', 'vocabulary.csv']
        """
        folder = Path(folder)
        buffer = io.BytesIO()
        field = "integer" if self.weighting in ("count", "binary") else "real"
        mmwrite(buffer, self.matrix.tocoo(), comment=f"miyun-text document-term matrix, weighting {self.weighting}",
                field=field)
        return [write_bytes_atomic(folder / "dtm.mtx", buffer.getvalue()),
                write_csv(self.documents if raw_cells else spreadsheet_cells(self.documents), folder / "documents.csv"),
                write_csv(self.vocabulary if raw_cells else spreadsheet_cells(self.vocabulary),
                          folder / "vocabulary.csv")]


def document_term_matrix(
    corpus: pd.DataFrame | Any,
    by: By = "report",
    *,
    weighting: str = "count",
    min_count: int = 2,
    segmenter: Segmenter | None = None,
) -> DocumentTermMatrix:
    """Count each document's content tokens into a sparse document-term matrix (see the module docstring).

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` (its cached tokens are read) or a
    paragraph table; ``by`` names the documents (``"report"``, ``"section"``,
    ``["region", "year"]`` …); ``segmenter`` decides which tokens count (default: the content
    tokens of :func:`miyun_text.segment.content_segmenter`).

    Example:
        >>> paras = pd.DataFrame({"report_id": ["a", "a", "b"], "label": ["甲区 2023", "甲区 2023", "乙区 2023"],
        ...                       "text": ["守护水源，发展旅游。", "守护水源。", "发展旅游。"]})
        >>> dtm = document_term_matrix(paras)
        >>> dtm.vocabulary["term"].tolist(), dtm.matrix.toarray().tolist()
        (['守护', '旅游', '水源'], [[2, 1, 2], [0, 1, 0]])
        >>> document_term_matrix(paras, weighting="tfidf").matrix.toarray().round(3).tolist()
        [[0.602, 0.0, 0.602], [0.0, 0.0, 0.0]]
    """
    if weighting not in WEIGHTINGS:
        raise ArgumentError(f"document_term_matrix: weighting={weighting!r} is not one of {', '.join(WEIGHTINGS)}")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise ArgumentError(f"document_term_matrix: min_count={min_count!r} must be a whole number from 1 up")
    paragraphs = paragraphs_of(corpus, "document_term_matrix")
    view = token_view(corpus, segmenter or content_segmenter(), caller="document_term_matrix").kept()
    codes, keys = group_codes(paragraphs, by)
    counts = group_counts(view, codes, len(keys))
    totals = np.bincount(counts.term, weights=counts.count, minlength=len(counts.terms)).astype("int64")
    kept = [t for t in range(len(counts.terms)) if totals[t] >= min_count]
    order = sorted(kept, key=lambda t: counts.terms[t])
    column = np.full(len(counts.terms), -1, dtype="int64")
    column[order] = np.arange(len(order))
    inside = column[counts.term] >= 0
    matrix = sparse.csr_matrix((counts.count[inside], (counts.group[inside], column[counts.term[inside]])),
                               shape=(len(keys), len(order)), dtype="int64")
    doc_freq = np.diff(matrix.tocsc().indptr).astype("int64")
    vocabulary = pd.DataFrame({"term": [counts.terms[t] for t in order], "count": totals[order],
                               "doc_freq": doc_freq}).astype({"term": "string", "count": "int64",
                                                              "doc_freq": "int64"})
    documents = keys.copy()
    if "label" not in documents.columns:
        documents["label"] = _labels(paragraphs, codes, keys)
    documents["n_tokens"] = counts.totals
    documents = documents.astype({"label": "string", "n_tokens": "int64"})
    return DocumentTermMatrix(_weighted(matrix, weighting, len(keys), doc_freq), documents.reset_index(drop=True),
                              vocabulary, weighting)


def _labels(paragraphs: pd.DataFrame, codes: np.ndarray, keys: pd.DataFrame) -> list[str]:
    """One unique, readable name per document: the report's label where the key holds the report
    (密云区 2024 | 1 | 2 for a section), else the key values (密云区 | 2024); ``all`` for one group."""
    if keys.shape[1] == 0:
        return ["all"] * len(keys)
    names = {}
    if "report_id" in keys.columns and "label" in paragraphs.columns:
        ids = paragraphs["report_id"].astype(str).to_numpy()
        names = dict(zip(ids, paragraphs["label"].astype(str).to_numpy(), strict=True))
    out = []
    for row in keys.itertuples(index=False, name=None):
        values = [names.get(str(v), v) if c == "report_id" else v for c, v in zip(keys.columns, row, strict=True)]
        out.append(group_label(tuple(values)))
    return out


def _weighted(matrix: Any, weighting: str, n_documents: int, doc_freq: np.ndarray) -> Any:
    if weighting == "count":
        return matrix
    if weighting == "binary":
        out = matrix.copy()
        out.data = np.ones_like(out.data)
        return out
    if weighting == "proportion":
        sums = np.asarray(matrix.sum(axis=1)).ravel().astype("float64")
        scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
        return sparse.csr_matrix(sparse.diags(scale) @ matrix.astype("float64"))
    idf = np.log10(n_documents / np.maximum(doc_freq, 1))
    return sparse.csr_matrix(matrix.astype("float64") @ sparse.diags(idf))


R_EXAMPLE = """library(Matrix); library(quanteda)
m <- readMM("dtm.mtx")
docs <- read.csv("documents.csv", fileEncoding = "UTF-8-BOM")
vocab <- read.csv("vocabulary.csv", fileEncoding = "UTF-8-BOM")
dimnames(m) <- list(docs$label, vocab$term); d <- as.dfm(m); topfeatures(d)"""

PYTHON_EXAMPLE = """import miyun_text as mt
from sklearn.decomposition import LatentDirichletAllocation

dtm = mt.document_term_matrix(mt.open_corpus().body, by="section")   # the sections of every report
lda = LatentDirichletAllocation(n_components=5, random_state=0).fit(dtm.matrix)
terms = dtm.vocabulary["term"].tolist()
for k, weights in enumerate(lda.components_):
    print(k, " ".join(terms[i] for i in weights.argsort()[::-1][:8]))"""


def dtm_codebook(dtm: DocumentTermMatrix) -> str:
    """``codebook.md`` for a written matrix: the three files, their columns, and how to load them in R and Python.

    Example:
        >>> dtm = document_term_matrix(pd.DataFrame({"report_id": ["a"], "text": ["保水保水"]}), min_count=1)
        >>> dtm_codebook(dtm).splitlines()[0]
        '# Codebook: document-term matrix'
    """
    rows, cols = dtm.shape
    keys = [c for c in dtm.documents.columns if c not in ("label", "n_tokens")]
    return "\n".join([
        "# Codebook: document-term matrix",
        "",
        f"Written by `miyun-text export --format dtm` (`miyun_text.document_term_matrix`): {rows:,} documents × "
        f"{cols:,} terms, weighting `{dtm.weighting}`. Rows are documents in the order of `documents.csv`, "
        "columns terms in the order of `vocabulary.csv`; both CSV files are UTF-8 with a byte-order mark.",
        "",
        "## dtm.mtx",
        "",
        "Matrix Market coordinate format (1-based row and column numbers, one non-zero cell per line). Weightings: "
        "`count` (occurrences of the content token in the document), `binary` (1 where it occurs), `proportion` "
        "(count / the document's kept tokens), `tfidf` (count × log10(documents / doc_freq), quanteda's "
        "`dfm_tfidf()` default).",
        "",
        "## documents.csv",
        "",
        "| column | meaning |",
        "|---|---|",
        *[f"| `{c}` | key of the document's group (`by=`) |" for c in keys],
        "| `label` | a unique name of the document: the report's label (密云区 2024) with the other keys of its "
        "group (密云区 2024 \\| 1 \\| 2 for a section) |",
        "| `n_tokens` | content tokens of the document (all kept tokens, before `min_count` drops rare terms) |",
        "",
        "## vocabulary.csv",
        "",
        "| column | meaning |",
        "|---|---|",
        "| `term` | the content token (jieba with the policy dictionary; stopwords, boilerplate, punctuation and "
        "single characters dropped) |",
        "| `count` | its occurrences in the whole corpus |",
        "| `doc_freq` | documents in which it occurs |",
        "",
        "## In R (Matrix, quanteda)",
        "",
        "```r",
        R_EXAMPLE,
        "```",
        "",
        "## In Python (SciPy, scikit-learn): a topic model",
        "",
        "```python",
        "from scipy.io import mmread",
        "m = mmread(\"dtm.mtx\").tocsr()   # or, without the files:",
        PYTHON_EXAMPLE,
        "```",
        "",
    ])
