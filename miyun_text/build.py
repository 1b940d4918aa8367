"""Build the project's outputs: processed data, figures, executed notebooks and HTML.

``make report`` runs :func:`build_processed` (``miyun-text clean``) and then
:func:`render_notebooks` (``miyun-text render``), which executes every notebook
headless and renders it to self-contained HTML; the notebooks write ``figures/``
through the same plotting functions that :func:`make_figures` calls.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pandas as pd

# nbformat, papermill and jupyter_client are imported inside the functions that execute
# notebooks: together about 1 s to import, which `miyun-text clean` and `figures` (and
# every test of the processed data) would pay for nothing
from . import panel, plots
from .clean import repair_summary
from .corpus import open_corpus
from .digest import digest, installed_distributions, sha256_file
from .errors import MissingFileError, MiyunTextError, NotebookExecutionError
from .grouping import narrow, paragraphs_of
from .indicators import extract_indicators
from .io import write_csv, write_text_atomic, write_text_blocks
from .keywords import extract_keywords
from .lock import data_lock
from .paths import find_data_dir
from .pipeline import load
from .reuse import reuse_shares
from .rhetoric import marker_rates, reports_with_review_and_plan, review_vs_plan
from .site import notebook_pages, notebook_title, page_headers, write_site
from .themes import theme_frequencies
from .timeline import formula_timeline
from .vocabulary import quoted_terms

__all__ = ["build_processed", "execution_key", "installed_distributions", "make_figures", "notebook_paths",
           "render_notebooks", "repair_figure", "section_table", "standard_figures"]


def build_processed(data_dir: str | os.PathLike[str] | None = None, progress: bool = False) -> dict[str, Path]:
    """Write ``data/processed/``: clean texts, paragraphs, the repair log and its summary.

    Files: ``<report_id>.txt`` (clean text), ``paragraphs.csv``, ``repairs.csv`` and
    ``repair_summary.csv`` (UTF-8 with BOM). The folder is written as a whole: it is
    built in a temporary folder beside it and swapped in only when complete, so files
    of reports no longer in the manifest disappear and a failed build leaves the old
    folder as it was. An empty manifest gives the three tables with their columns and
    no rows. Output is deterministic: the same inputs give byte-identical files. The build
    holds the data folder's write lock (:func:`miyun_text.lock.data_lock`), and a
    ``processed`` that is a symbolic link is refused before anything is read: the folder is
    replaced as a whole, which would replace the link, not fill the folder it points to.

    Example:
        >>> sorted(build_processed())  # doctest: +SKIP
        ['miyun_2024', 'paragraphs', 'repair_summary', 'repairs']
    """
    folder = Path(data_dir) if data_dir is not None else find_data_dir()
    with data_lock(folder, what="clean"):
        return _build_processed(folder, progress)


def _build_processed(folder: Path, progress: bool) -> dict[str, Path]:
    out = folder / "processed"
    if out.is_symlink():
        raise MiyunTextError(
            f"{out}: is a symbolic link (to {os.readlink(out)}); the build replaces this folder as a whole, so it "
            f"must be a real folder: remove the link (rm {out}) and run clean again"
        )
    for leftover in folder.glob(".processed-*"):  # from a build that was killed; no one else writes here now
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)
    # the processed data needs no tokens: the corpus is loaded without segmenting
    loaded = load(folder, tokens=False, progress=progress)
    corpus, paragraphs, repairs = loaded.reports, loaded.paragraphs, loaded.repairs
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
        for rid, text in zip(corpus["report_id"].astype(str), corpus["text"].astype(str), strict=True):
            write_text_blocks(staging / f"{rid}.txt", text)
            names[rid] = f"{rid}.txt"
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
                 top_k: int | None = 10) -> list[Path]:
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
    corpus = open_corpus(data_dir)
    paths: list[Path] = save_figure(repair_figure(corpus), "repairs_by_step", folder)
    for name, fig in standard_figures(corpus.body, top_k=top_k):
        paths += save_figure(fig, name, folder)
    return paths


def repair_figure(corpus: Any):
    """The repairs each cleaning step made in each report (its label), as notebook 01 shows them.

    ``corpus`` is a :class:`~miyun_text.corpus.Corpus` (:func:`~miyun_text.corpus.open_corpus`).

    Example:
        >>> repair_figure(open_corpus()).axes[0].get_xscale()  # doctest: +SKIP
        'log'
    """
    rows = [repair_summary(corpus.repairs[corpus.repairs["report_id"] == report.report_id]).assign(label=report.label)
            for report in corpus.reports.itertuples(index=False)]
    summary = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame({"step": [], "repairs": [], "label": []})
    return plots.repair_chart(summary, source=plots.source_line(corpus.reports))


def save_figure(fig: Any, name: str, folder: str | os.PathLike[str]) -> list[Path]:
    return plots.save_figure(fig, name, folder)


def standard_figures(body: pd.DataFrame | Any, top_k: int | None = 10) -> Iterator[tuple[str, Any]]:
    """Yield ``(file name, Figure)`` for every standard figure of a corpus, one at a time.

    ``top_k`` is the number of keywords computed per section (the figure shows eight).
    The counts below which terms are left out are the figures' own choices, stated here:
    keywords and the word cloud keep terms seen once, review-against-plan terms need
    three occurrences.

    ``reports`` (the manifest rows) lets delivery dates decide which report is the latest.

    Example:
        >>> next(iter(standard_figures(body)))[0]  # doctest: +SKIP
        'themes_by_section'
    """
    view = panel.focus(body)
    one, source, titles, about = view["paragraphs"], view["source"], view["titles"], view["about"]
    sections = section_table(one)
    tf = theme_frequencies(sections, by=["report_id", "part_no", "section_no", "section_label"])
    yield "themes_by_section", plots.theme_heatmap(tf, row="section_label", title=f"各节主题分布（每万内容词）{about}",
                                                   source=source)
    if view["review_and_plan"]:
        profile = theme_frequencies(one, by="part_kind")
        yield "themes_review_vs_plan", plots.theme_profile(profile, groups=titles["theme_groups"],
                                                           title=titles["theme_title"] + about, source=source)
    kw = extract_keywords(sections, by="section_label", top_k=top_k, min_count=1)
    yield "keywords_by_section", plots.keyword_panels(kw, top_k=8, title=f"各节关键词（TF-IDF，语料内IDF）{about}",
                                                      source=source)
    yield "policy_vocabulary", plots.vocabulary_bars(quoted_terms(one), top_k=25,
                                                     title=f"引号中的政策话语（出现次数）{about}", source=source)
    # annual growth rates of canonical indicators: five-year figures and unnamed rows never drawn
    yield "results_vs_targets", plots.indicator_chart(extract_indicators(one), title=titles["indicator_title"] + about,
                                                      source=source)
    table = body if isinstance(body, pd.DataFrame) else body.paragraphs
    labels = table[["report_id", "label"]].drop_duplicates()
    names = {str(rid): str(label) for rid, label in labels.itertuples(index=False)}
    for rid in reports_with_review_and_plan(body):
        result = review_vs_plan(body, report_id=rid, min_count=3)
        yield f"distinctive_terms_{rid}", plots.distinctive_terms(result, top_k=15,
                                                                   source=panel.report_source(body, rid), names=names)
    if view["review_and_plan"]:
        yield "rhetoric_markers", plots.marker_profile(marker_rates(one), groups=titles["marker_groups"],
                                                       title=f"修辞标记：回顾与安排{about}", source=source)
    weights = extract_keywords(one, top_k=150, min_count=1)
    frequencies = dict(zip(weights["term"], weights["score"], strict=True))
    yield "wordcloud", plots.word_cloud(frequencies, source=source)
    if table["report_id"].nunique() > 1:
        for figures in (panel.theme_figures, panel.rhetoric_figures, panel.attainment_figures):
            yield from figures(body).items()
    yield from reuse_figures(body)


def reuse_figures(body: pd.DataFrame | Any) -> Iterator[tuple[str, Any]]:
    """Yield the figures of notebook 05: reuse between the reports (with two or more) and formula spread.

    Example:
        >>> next(iter(reuse_figures(body)))[0]  # doctest: +SKIP
        'formula_spread'
    """
    corpus = paragraphs_of(body, "reuse_figures").drop_duplicates("report_id")
    source = plots.source_line(corpus)
    timeline = formula_timeline(body, top_k=None)
    if len(timeline):
        yield "formula_spread", plots.formula_spread_chart(timeline, top_k=15, source=source)
    if len(corpus) > 1:
        yield "text_reuse", plots.reuse_heatmap(reuse_shares(body), source=source)


def section_table(paragraphs: pd.DataFrame | Any) -> pd.DataFrame | Any:
    """The paragraphs inside numbered sections with a readable ``section_label``; a report
    without sections gives its parts instead (``一、2023年工作回顾``), so section views never
    come out empty. Given a :class:`~miyun_text.corpus.Corpus`, a Corpus narrowed to them.
    (The column is not called ``section``: that name is the grouping of
    :data:`~miyun_text.grouping.GROUPINGS`.)

    Example:
        >>> from miyun_text.structure import parse_report
        >>> section_table(parse_report("一、2023年工作回顾\\n保水。", "r", 2024))["section_label"].tolist()
        ['一、2023年工作回顾']
    """
    table = paragraphs if isinstance(paragraphs, pd.DataFrame) else paragraphs.paragraphs
    in_sections = table["section_no"].notna()
    labels: object
    if in_sections.any():
        labels = section_labels(table[in_sections]).to_numpy()
    else:
        in_sections = table["part_no"] > 0
        numerals = "〇一二三四五六七八九十"
        parts = table[in_sections]
        labels = pd.array([f"{numerals[n] if n <= 10 else n}、{str(t).split('，')[0]}"
                           for n, t in zip(parts["part_no"], parts["part_title"], strict=True)], dtype="string")
    selected = narrow(paragraphs, in_sections)
    if isinstance(selected, pd.DataFrame):
        selected = selected.copy()
        selected["section_label"] = pd.array(labels, dtype="string")
        return selected
    return selected.assign(section_label=pd.array(labels, dtype="string"))


def section_labels(paragraphs: pd.DataFrame) -> pd.Series:
    """Readable section labels such as ``一（一）高规格保水保生态``.

    Example:
        >>> title = "高质量抓好经济，发展动能更强劲"
        >>> section_labels(pd.DataFrame({"part_no": [1], "section_no": [2], "section_title": [title]})).item()
        '一（二）高质量抓好经济'
    """
    numerals = "〇一二三四五六七八九十"

    def cn(value: object) -> str:
        n = int(str(value))
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


def _local_kernel_manager(folder: str, log: str | None = None):
    """A kernel manager whose kernels talk over Unix sockets in ``folder``: nothing listens
    on the network, and ipykernel has no unencrypted TCP to warn about on every run.

    With ``log``, the kernel process writes its own output there (appended) instead of to
    this terminal: what a notebook prints is in the notebook, and a kernel stopped by Ctrl-C
    would otherwise print its tracebacks under the one line the command line gives.
    """
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(folder, "kernel")

        async def start_kernel(self, **kw):
            if log is not None and "stderr" not in kw:
                with open(log, "ab") as handle:  # the kernel keeps its own copy of the descriptor
                    kw.update(stdout=handle, stderr=handle)
                    return await super().start_kernel(**kw)
            return await super().start_kernel(**kw)

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


EXECUTION_METADATA = "miyun_text"
PACKAGE_DIR = Path(__file__).resolve().parent


def _tree_digest(folder: Path, skip: Callable[[Path], bool] = lambda p: False) -> list[tuple[str, str]]:
    """(relative path, sha256) of every file below ``folder``, sorted; hidden files and caches left out."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts) or skip(rel):
            continue
        if path.is_file():
            found.append((rel.as_posix(), sha256_file(path)))
    return found


def _package_files() -> list[tuple[str, str]]:
    return _tree_digest(PACKAGE_DIR, skip=lambda rel: rel.suffix == ".pyc")


def _data_files(folder: Path | None) -> list[tuple[str, str]]:
    """The data folder's inputs: its own files (reports.csv, errata.csv) and every raw file.

    data/processed/ is left out: it is built from these by the package.
    """
    if folder is None or not folder.is_dir():
        return []
    top = [(p.name, sha256_file(p)) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
    raw = folder / "raw"
    return top + ([(f"raw/{rel}", sha) for rel, sha in _tree_digest(raw)] if raw.is_dir() else [])


def _parameter_default(notebook, name: str) -> object:
    """The literal value the notebook's ``parameters`` cell gives ``name`` (None when it gives none)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return None
            for node in tree.body:
                if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                                        for t in node.targets):
                    try:
                        return ast.literal_eval(node.value)
                    except ValueError:
                        return None
    return None


def _kernel_data_dir(cwd: Path, parameters: dict) -> Path | None:
    """The data folder the notebook's kernel will read: its ``data_dir`` parameter, else the one
    found from its folder as the kernel finds it (None when there is none)."""
    chosen = parameters.get("data_dir")
    if chosen:
        return (cwd / chosen).resolve()
    try:
        return find_data_dir(cwd).resolve()
    except MissingFileError:
        return None


def execution_key(notebook_path: str | os.PathLike[str], parameters: dict | None = None) -> str:
    """The sha256 of everything that decides what executing a notebook gives.

    It covers the notebook file's bytes, the parameters, every file of the package (its
    modules and resources), the data folder's inputs (its own files such as reports.csv
    and errata.csv, and every raw file), the Python version, the installed distributions,
    and the ``MIYUN_TEXT_*`` (and matplotlib backend and hash seed) environment the
    kernel inherits (read from this process, whose environment the kernel gets).

    Example:
        >>> import nbformat, pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "01_a.ipynb"
        >>> nbformat.write(nbformat.v4.new_notebook(), path)
        >>> len(execution_key(path)), execution_key(path) == execution_key(path, {"top_k": 5})
        (64, False)
    """
    import nbformat

    path = Path(notebook_path)
    params = dict(parameters or {})
    data = path.read_bytes()
    notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    env = {k: v for k, v in os.environ.items()
           if k.startswith("MIYUN_TEXT_") or k in {"MPLBACKEND", "PYTHONHASHSEED"}}
    parts = {
        "notebook": sha256_file(path),
        "parameters": params,
        "figures_dir": params.get("figures_dir", _parameter_default(notebook, "figures_dir")),
        "package": _package_files(),
        "data": _data_files(_kernel_data_dir(path.parent, params)),
        "python": [sys.version, sys.executable],
        "distributions": list(installed_distributions()),
        "environment": sorted(env.items()),
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return digest(text)


def _snapshot(folders: Iterable[Path]) -> dict[Path, tuple[int, int, int]]:
    """Identity of every file in ``folders``: a file written in between (atomically, so a new
    inode and time) differs even when its bytes are the same."""
    seen = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    st = path.stat()
                    seen[path] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return seen


def _written_files(before: dict, after: dict, cwd: Path) -> dict[str, str]:
    changed = sorted(p for p, sig in after.items() if before.get(p) != sig)
    return {os.path.relpath(p, cwd): sha256_file(p) for p in changed}


def _reusable(target: Path, key: str, cwd: Path):
    """The executed notebook at ``target`` if it was made under ``key`` and all it wrote is intact, else None."""
    import nbformat

    if not target.is_file():
        return None
    try:
        notebook = nbformat.read(target, as_version=4)
    except Exception:  # a damaged or half-written copy is simply executed again
        return None
    record = notebook.metadata.get(EXECUTION_METADATA, {})
    if record.get("execution_key") != key:
        return None
    for rel, sha in record.get("outputs", {}).items():
        path = cwd / rel
        if not path.is_file() or sha256_file(path) != sha:
            return None
    return notebook


def render_notebooks(
    notebooks: Iterable[str | os.PathLike[str]] | None = None,
    html_dir: str | os.PathLike[str] = "build/html",
    executed_dir: str | os.PathLike[str] = "build/executed",
    parameters: dict | None = None,
    progress: bool = True,
    data_dir: str | os.PathLike[str] | None = None,
    force: bool = False,
) -> list[Path]:
    """Execute notebooks headless (papermill) and write the site: pages, index, explorer, tables.

    Each notebook runs with its folder as working directory; ``parameters`` are
    injected after its ``parameters`` cell. A failing cell raises
    :class:`~miyun_text.errors.NotebookExecutionError` naming the notebook and the cell.
    Tables shown with :func:`miyun_text.tables.show_table` are written in full to
    ``<html_dir>/tables/``; :func:`miyun_text.site.write_site` renders each notebook
    twice (report with code hidden, and with code) as self-contained pages.

    A notebook is executed again only when something that decides its output changed:
    the executed copy in ``executed_dir`` records its :func:`execution_key` and the
    sha256 of every file the run wrote (figures, tables), and is reused when the key is
    the same and those files are all still there unchanged. ``force=True`` executes
    every notebook. With ``progress`` one line per notebook says which happened.

    It holds the write lock of the data folder the notebooks read
    (:func:`miyun_text.lock.data_lock`), so no report is added or cleaned while they run.

    Example:
        >>> render_notebooks(["notebooks/01_corpus_and_cleaning.ipynb"])  # doctest: +SKIP
        01_corpus_and_cleaning.ipynb: executed in 3.4 s
    """
    paths = [Path(p) for p in notebooks] if notebooks is not None else notebook_paths()
    folder = Path(data_dir) if data_dir is not None else (
        _kernel_data_dir(paths[0].parent, dict(parameters or {})) if paths else None)
    with data_lock(folder, what="render") if folder is not None else nullcontext():
        return _render_notebooks(paths, html_dir, executed_dir, parameters, progress, data_dir, force)


def _render_notebooks(paths: list[Path], html_dir: str | os.PathLike[str], executed_dir: str | os.PathLike[str],
                      parameters: dict | None, progress: bool, data_dir: str | os.PathLike[str] | None,
                      force: bool) -> list[Path]:
    """The work of :func:`render_notebooks` (its arguments, the notebooks resolved), done under its lock."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    html_folder, executed_folder = Path(html_dir), Path(executed_dir)
    executed_folder.mkdir(parents=True, exist_ok=True)
    tables = (html_folder / "tables").resolve()
    params = dict(parameters or {})
    sources = [nbformat.read(path, as_version=4) for path in paths]
    headers = page_headers([(path.stem, notebook_title(nb, path.stem)) for path, nb in zip(paths, sources,
                                                                                           strict=True)])
    executed = []
    # While a kernel runs a notebook, a thread renders the pages of the one before into the page
    # cache, where write_site finds them; if it fails, write_site renders them and reports why.
    with tempfile.TemporaryDirectory(prefix="miyun-kernels-") as sockets, \
            _kernel_env("MPLBACKEND", "module://matplotlib_inline.backend_inline"), \
            _kernel_env("MIYUN_TEXT_TABLES", str(tables)), \
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="miyun-pages") as pages:
        kernel_log = (executed_folder / "kernels.log").resolve()  # papermill runs from the notebook folder
        kernel_log.write_bytes(b"")
        engine_options = {} if os.name == "nt" else {"kernel_manager_class": _local_kernel_manager(sockets,
                                                                                                   str(kernel_log))}
        for path, source, (report_nav, code_nav) in zip(paths, sources, headers, strict=True):
            target = executed_folder / path.name
            cwd = path.parent
            key = execution_key(path, params)
            notebook = None if force else _reusable(target, key, cwd)
            if notebook is not None:
                if progress:
                    print(f"{path.name}: unchanged, reused", file=sys.stderr, flush=True)
                executed.append((path, notebook))
                pages.submit(notebook_pages, notebook, notebook_title(notebook, path.stem), report_nav, code_nav)
                continue
            figures = params.get("figures_dir", _parameter_default(source, "figures_dir"))
            watched = [tables] + ([(cwd / figures).resolve()] if isinstance(figures, (str, os.PathLike)) else [])
            before = _snapshot(watched)
            start = time.perf_counter()
            try:
                papermill.execute_notebook(
                    str(path), str(target), parameters=params, cwd=str(cwd),
                    kernel_name="python3", progress_bar=False, log_output=False, **engine_options,
                )
            except PapermillExecutionError as err:
                raise NotebookExecutionError(
                    f"{path}: cell {err.cell_index} (execution count {err.exec_count}) failed: "
                    f"{err.ename}: {err.evalue}. Open the notebook in JupyterLab and run it to see the traceback "
                    f"(executed copy: {target})"
                ) from None
            notebook = nbformat.read(target, as_version=4)
            notebook.metadata[EXECUTION_METADATA] = {
                "execution_key": key, "outputs": _written_files(before, _snapshot(watched), cwd)}
            write_text_atomic(target, nbformat.writes(notebook) + "\n")
            if progress:
                print(f"{path.name}: executed in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
            executed.append((path, notebook))
            pages.submit(notebook_pages, notebook, notebook_title(notebook, path.stem), report_nav, code_nav)
    # the index and the explorer describe the data the notebooks read
    return write_site(executed, html_folder, data_dir if data_dir is not None else params.get("data_dir"))
