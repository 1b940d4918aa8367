"""Build the project's outputs: processed data, figures, executed notebooks and HTML.

``make report`` runs :func:`build_processed` (``miyun-text clean``) and then
:func:`render_notebooks` (``miyun-text render``), which executes every notebook
headless and renders it to self-contained HTML; the notebooks write ``figures/``
through the same plotting functions that :func:`make_figures` calls.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .errors import NotebookExecutionError
from .io import write_csv, write_text_atomic
from .paths import find_data_dir

__all__ = ["build_processed", "make_figures", "notebook_paths", "render_notebooks"]


def build_processed(data_dir: str | os.PathLike[str] | None = None, progress: bool = False) -> dict[str, Path]:
    """Write ``data/processed/``: clean texts, paragraphs, the repair log and its summary.

    Files: ``<report_id>.txt`` (clean text), ``paragraphs.csv``, ``repairs.csv`` and
    ``repair_summary.csv`` (UTF-8 with BOM). Output is deterministic: the same inputs
    give byte-identical files.

    Example:
        >>> sorted(build_processed())  # doctest: +SKIP
        ['miyun_2024', 'paragraphs', 'repair_summary', 'repairs']
    """
    from .clean import repair_summary
    from .corpus import load_corpus
    from .structure import corpus_paragraphs

    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    out = folder / "processed"
    corpus = load_corpus(folder, progress=progress)
    written: dict[str, Path] = {}
    for row in corpus.itertuples(index=False):
        written[row.report_id] = write_text_atomic(out / f"{row.report_id}.txt", row.text)
    written["paragraphs"] = write_csv(corpus_paragraphs(corpus), out / "paragraphs.csv")
    repairs = corpus.attrs["repairs"]
    written["repairs"] = write_csv(repairs, out / "repairs.csv")
    summaries = []
    for rid, part in repairs.groupby("report_id", sort=False):
        summary = repair_summary(part)
        summary.insert(0, "report_id", rid)
        summaries.append(summary)
    written["repair_summary"] = write_csv(pd.concat(summaries, ignore_index=True), out / "repair_summary.csv")
    return written


def make_figures(data_dir: str | os.PathLike[str] | None = None, folder: str | os.PathLike[str] = "figures",
                 top_k: int = 8) -> list[Path]:
    """Build every standard figure from the corpus into ``folder`` (PNG), as the notebooks do.

    Example:
        >>> [p.name for p in make_figures(folder="/tmp/figs")][:1]  # doctest: +SKIP
        ['themes_by_section.png']
    """
    from . import plots
    from .corpus import load_corpus
    from .keywords import extract_keywords
    from .rhetoric import marker_rates, review_vs_plan
    from .structure import corpus_paragraphs
    from .themes import theme_frequencies
    from .vocabulary import extract_indicators, quoted_terms

    corpus = load_corpus(data_dir)
    paragraphs = corpus_paragraphs(corpus)
    source = plots.source_line(corpus)
    body = paragraphs[paragraphs["part_no"] > 0]
    sections = body.dropna(subset=["section_no"]).copy()
    sections["section"] = section_labels(sections)
    paths: list[Path] = []
    tf = theme_frequencies(sections, by=["report_id", "part_no", "section_no", "section"])
    paths += plots.save_figure(plots.theme_heatmap(tf, row="section", title="各节主题分布（每万内容词）",
                                                   source=source), "themes_by_section", folder)
    profile = theme_frequencies(body, by="part_kind")
    paths += plots.save_figure(plots.theme_profile(profile, source=source), "themes_review_vs_plan", folder)
    kw = extract_keywords(sections, by="section", top_k=top_k)
    paths += plots.save_figure(plots.keyword_panels(kw, source=source), "keywords_by_section", folder)
    paths += plots.save_figure(plots.vocabulary_bars(quoted_terms(body), source=source), "policy_vocabulary", folder)
    indicators = extract_indicators(body)
    # the headline results and targets stand in the parts' opening paragraphs, before any section
    headline = indicators[indicators["section_no"].isna()]
    paths += plots.save_figure(plots.indicator_chart(headline, source=source), "results_vs_targets", folder)
    names = {str(r.report_id): f"{r.region} {r.year}" for r in corpus.itertuples(index=False)}
    for rid in corpus["report_id"]:
        result = review_vs_plan(body, report_id=rid)
        paths += plots.save_figure(plots.distinctive_terms(result, source=source, names=names),
                                   f"distinctive_terms_{rid}", folder)
    paths += plots.save_figure(plots.marker_profile(marker_rates(body), source=source), "rhetoric_markers", folder)
    weights = extract_keywords(body, top_k=150)
    frequencies = dict(zip(weights["term"], weights["score"], strict=True))
    paths += plots.save_figure(plots.word_cloud(frequencies, source=source),
                               "wordcloud", folder)
    return paths


def section_labels(paragraphs: pd.DataFrame) -> pd.Series:
    """Readable section labels such as ``一（一）高规格保水保生态``.

    Example:
        >>> title = "高质量抓好经济，发展动能更强劲"
        >>> section_labels(pd.DataFrame({"part_no": [1], "section_no": [2], "section_title": [title]})).item()
        '一（二）高质量抓好经济'
    """
    numerals = "〇一二三四五六七八九十"

    def cn(n: object) -> str:
        n = int(n)  # type: ignore[arg-type]
        return numerals[n] if n <= 10 else f"十{numerals[n - 10]}" if n < 20 else str(n)

    def label(row: pd.Series) -> str:
        title = str(row["section_title"]).split("，")[0]
        return f"{cn(row['part_no'])}（{cn(row['section_no'])}）{title}"

    return paragraphs.apply(label, axis=1).astype("string")


def notebook_paths(folder: str | os.PathLike[str] = "notebooks") -> list[Path]:
    """The numbered notebooks of a folder, in order.

    Example:
        >>> [p.name[:3] for p in notebook_paths()]  # doctest: +SKIP
        ['01_', '02_', '03_', '04_']
    """
    return sorted(p for p in Path(folder).glob("[0-9][0-9]_*.ipynb"))


def _local_kernel_manager(folder: str):
    """A kernel manager whose kernels talk over Unix sockets in ``folder``: nothing listens
    on the network, and ipykernel has no unencrypted TCP to warn about on every run."""
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(folder, "kernel")

    return LocalKernelManager


@contextmanager
def _inline_backend():
    """Kernels inherit the environment: a headless MPLBACKEND=Agg would stop figures from
    showing inline, so the kernels get the inline backend while they run."""
    previous = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = previous


@contextmanager
def _tables_folder(folder: Path):
    """Kernels inherit the environment: show_table writes full tables beside the pages."""
    previous = os.environ.get("MIYUN_TEXT_TABLES")
    os.environ["MIYUN_TEXT_TABLES"] = str(folder.resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("MIYUN_TEXT_TABLES", None)
        else:
            os.environ["MIYUN_TEXT_TABLES"] = previous


def render_notebooks(
    notebooks: Iterable[str | os.PathLike[str]] | None = None,
    html_dir: str | os.PathLike[str] = "build/html",
    executed_dir: str | os.PathLike[str] = "build/executed",
    parameters: dict | None = None,
    progress: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Execute notebooks headless (papermill) and write the site: pages, index, explorer, tables.

    Each notebook runs with its folder as working directory; ``parameters`` are
    injected after its ``parameters`` cell. A failing cell raises
    :class:`~miyun_text.errors.NotebookExecutionError` naming the notebook and the cell.
    Tables shown with :func:`miyun_text.tables.show_table` are written in full to
    ``<html_dir>/tables/``; :func:`miyun_text.site.write_site` renders each notebook
    twice (report with code hidden, and with code) as self-contained pages.

    Example:
        >>> render_notebooks(["notebooks/01_corpus_and_cleaning.ipynb"])  # doctest: +SKIP
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from tqdm import tqdm

    from .site import write_site

    paths = [Path(p) for p in notebooks] if notebooks is not None else notebook_paths()
    html_folder, executed_folder = Path(html_dir), Path(executed_dir)
    executed_folder.mkdir(parents=True, exist_ok=True)
    executed = []
    with tempfile.TemporaryDirectory(prefix="miyun-kernels-") as sockets:
        engine_options = {} if os.name == "nt" else {"kernel_manager_class": _local_kernel_manager(sockets)}
        for path in tqdm(paths, desc="notebooks", unit="nb", disable=not progress):
            target = executed_folder / path.name
            try:
                with _inline_backend(), _tables_folder(html_folder / "tables"):
                    papermill.execute_notebook(
                        str(path), str(target), parameters=parameters or {}, cwd=str(path.parent),
                        kernel_name="python3", progress_bar=False, log_output=False, **engine_options,
                    )
            except PapermillExecutionError as err:
                raise NotebookExecutionError(
                    f"{path}: cell {err.cell_index} (execution count {err.exec_count}) failed: "
                    f"{err.ename}: {err.evalue}. Open the notebook in JupyterLab and run it to see the traceback "
                    f"(executed copy: {target})"
                ) from None
            executed.append((path, nbformat.read(target, as_version=4)))
    return write_site(executed, html_folder, data_dir)
