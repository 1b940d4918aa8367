"""Build the project's outputs: processed data, figures, executed notebooks and HTML.

``make report`` runs :func:`build_processed` (``miyun-text clean``) and then
:func:`render_notebooks` (``miyun-text render``), which executes every notebook
headless and renders it to self-contained HTML; the notebooks write ``figures/``
through the same plotting functions that :func:`make_figures` calls.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from .errors import NotebookExecutionError
from .io import write_csv, write_text_atomic
from .paths import find_data_dir

__all__ = ["build_processed", "make_figures", "notebook_paths", "render_notebooks", "section_table",
           "standard_figures"]


def build_processed(data_dir: str | os.PathLike[str] | None = None, progress: bool = False) -> dict[str, Path]:
    """Write ``data/processed/``: clean texts, paragraphs, the repair log and its summary.

    Files: ``<report_id>.txt`` (clean text), ``paragraphs.csv``, ``repairs.csv`` and
    ``repair_summary.csv`` (UTF-8 with BOM). The folder is written as a whole: it is
    built in a temporary folder beside it and swapped in only when complete, so files
    of reports no longer in the manifest disappear and a failed build leaves the old
    folder as it was. An empty manifest gives the three tables with their columns and
    no rows. Output is deterministic: the same inputs give byte-identical files.

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
    paragraphs = corpus_paragraphs(corpus)
    repairs = corpus.attrs["repairs"]
    summaries = []
    for rid in corpus["report_id"]:
        summary = repair_summary(repairs[repairs["report_id"] == rid])
        summary.insert(0, "report_id", rid)
        summaries.append(summary)
    summary_columns = ["report_id", "step", "repairs", "chars_before", "chars_after"]
    summary = pd.concat(summaries, ignore_index=True) if summaries else pd.DataFrame(columns=summary_columns)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=folder))
    names: dict[str, str] = {}
    try:
        for row in corpus.itertuples(index=False):
            write_text_atomic(staging / f"{row.report_id}.txt", row.text)
            names[row.report_id] = f"{row.report_id}.txt"
        write_csv(paragraphs, staging / "paragraphs.csv")
        write_csv(repairs, staging / "repairs.csv")
        write_csv(summary, staging / "repair_summary.csv")
        names.update(paragraphs="paragraphs.csv", repairs="repairs.csv", repair_summary="repair_summary.csv")
        _swap_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {name: out / file for name, file in names.items()}


def _swap_folder(new: Path, target: Path) -> None:
    """Put folder ``new`` in the place of ``target`` (two renames; the old one is then removed)."""
    new.chmod(0o755)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old)


def make_figures(data_dir: str | os.PathLike[str] | None = None, folder: str | os.PathLike[str] = "figures",
                 top_k: int = 8) -> list[Path]:
    """Build every standard figure from the corpus into ``folder`` (PNG), as the notebooks do.

    The within-report figures (sections, keywords, vocabulary, review against plan,
    results against targets, word cloud) describe the latest report
    (:func:`miyun_text.panel.focus_report`); the review-against-plan terms are drawn for
    every report that has both parts. With several reports, the panel figures follow:
    themes and markers over the years of each region, distinctive and new and faded terms
    between its consecutive reports, region-by-theme heatmaps for shared years, and
    targets against results (:mod:`miyun_text.panel`).

    Example:
        >>> [p.name for p in make_figures(folder="/tmp/figs")][:1]  # doctest: +SKIP
        ['themes_by_section.png']
    """
    from .corpus import load_corpus
    from .structure import corpus_paragraphs

    corpus = load_corpus(data_dir)
    body = corpus_paragraphs(corpus)
    body = body[body["part_no"] > 0]
    paths: list[Path] = []
    for name, fig in standard_figures(body, top_k=top_k):
        paths += save_figure(fig, name, folder)
    return paths


def save_figure(fig, name: str, folder: str | os.PathLike[str]) -> list[Path]:
    from . import plots

    return plots.save_figure(fig, name, folder)


def standard_figures(body: pd.DataFrame, top_k: int = 8):
    """Yield ``(file name, Figure)`` for every standard figure of a paragraph table, one at a time.

    Example:
        >>> next(iter(standard_figures(body)))[0]  # doctest: +SKIP
        'themes_by_section'
    """
    from . import panel, plots
    from .keywords import extract_keywords
    from .rhetoric import marker_rates, reports_with_review_and_plan, review_vs_plan
    from .themes import theme_frequencies
    from .vocabulary import extract_indicators, quoted_terms

    view = panel.focus(body)
    one, source, titles, about = view["paragraphs"], view["source"], view["titles"], view["about"]
    sections = section_table(one)
    tf = theme_frequencies(sections, by=["report_id", "part_no", "section_no", "section"])
    yield "themes_by_section", plots.theme_heatmap(tf, row="section", title=f"各节主题分布（每万内容词）{about}",
                                                   source=source)
    if view["review_and_plan"]:
        profile = theme_frequencies(one, by="part_kind")
        yield "themes_review_vs_plan", plots.theme_profile(profile, groups=titles["theme_groups"],
                                                           title=titles["theme_title"] + about, source=source)
    kw = extract_keywords(sections, by="section", top_k=top_k)
    yield "keywords_by_section", plots.keyword_panels(kw, title=f"各节关键词（TF-IDF，语料内IDF）{about}",
                                                      source=source)
    yield "policy_vocabulary", plots.vocabulary_bars(quoted_terms(one), title=f"引号中的政策话语（出现次数）{about}",
                                                     source=source)
    indicators = extract_indicators(one)
    # the headline results and targets stand in the parts' opening paragraphs, before any section
    headline = indicators[indicators["section_no"].isna()]
    yield "results_vs_targets", plots.indicator_chart(headline, title=titles["indicator_title"] + about, source=source)
    labels = body[["report_id", "label"]].drop_duplicates()
    names = {str(rid): str(label) for rid, label in labels.itertuples(index=False)}
    for rid in reports_with_review_and_plan(body):
        result = review_vs_plan(body, report_id=rid)
        yield f"distinctive_terms_{rid}", plots.distinctive_terms(result, source=panel.report_source(body, rid),
                                                                   names=names)
    if view["review_and_plan"]:
        yield "rhetoric_markers", plots.marker_profile(marker_rates(one), groups=titles["marker_groups"],
                                                       title=f"修辞标记：回顾与安排{about}", source=source)
    weights = extract_keywords(one, top_k=150)
    frequencies = dict(zip(weights["term"], weights["score"], strict=True))
    yield "wordcloud", plots.word_cloud(frequencies, source=source)
    if body["report_id"].nunique() > 1:
        for figures in (panel.theme_figures, panel.rhetoric_figures, panel.attainment_figures):
            yield from figures(body).items()


def section_table(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs inside numbered sections with a readable ``section`` label; a report
    without sections gives its parts instead (``一、2023年工作回顾``), so section views never
    come out empty.

    Example:
        >>> from miyun_text.structure import parse_report
        >>> section_table(parse_report("一、2023年工作回顾\\n保水。", "r", 2024))["section"].tolist()
        ['一、2023年工作回顾']
    """
    sections = paragraphs.dropna(subset=["section_no"]).copy()
    if len(sections):
        sections["section"] = section_labels(sections)
        return sections
    numerals = "〇一二三四五六七八九十"
    parts = paragraphs[paragraphs["part_no"] > 0].copy()
    parts["section"] = [f"{numerals[n] if n <= 10 else n}、{str(t).split('，')[0]}"
                        for n, t in zip(parts["part_no"], parts["part_title"], strict=True)]
    parts["section"] = parts["section"].astype("string")
    return parts


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
def _kernel_env(name: str, value: str):
    """Kernels inherit the environment: set ``name`` for them while they run, then restore it.

    A headless MPLBACKEND=Agg would stop figures from showing inline, and show_table needs
    MIYUN_TEXT_TABLES to write full tables beside the pages.
    """
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


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
                with _kernel_env("MPLBACKEND", "module://matplotlib_inline.backend_inline"), \
                        _kernel_env("MIYUN_TEXT_TABLES", str((html_folder / "tables").resolve())):
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
