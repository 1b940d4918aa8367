"""How figures look and are saved: the bundled CJK font, rcParams inside a context, reproducible files.

Styling is applied inside ``rc_context``: the caller's rcParams are never changed.
:func:`save_figure` writes PNG and SVG with fixed DPI and no timestamps or version
metadata, so two runs in the same environment give identical files.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

# matplotlib (about 1 s to import with pyplot), PIL and IPython are imported inside the
# functions that draw, save or show: the measures, `miyun-text clean` and the site import
# this module (through plots, panel and build) without drawing anything
from .errors import ArgumentError
from .io import write_bytes_atomic
from .labels import DEFAULT_SOURCE
from .paths import resource_path

__all__ = [
    "FONT_FILE",
    "SAVE_DPI",
    "describe_figure",
    "draw_source",
    "font_path",
    "font_properties",
    "save_figure",
    "screen_png",
    "style",
    "styled",
]

FONT_FILE = "fonts/NotoSansCJKsc-Regular-subset.otf"
F = TypeVar("F", bound=Callable[..., Any])


def font_path() -> Path:
    """Path of the bundled OFL font (Noto Sans CJK SC, subset to GB 2312 and the corpus).

    Example:
        >>> font_path().suffix
        '.otf'
    """
    return resource_path(FONT_FILE)


@lru_cache(maxsize=1)
def font_properties():
    """FontProperties of the bundled font, registered with matplotlib once.

    Example:
        >>> font_properties().get_name()
        'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = str(font_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path)


def _rc() -> dict[str, Any]:
    return {
        "font.family": [font_properties().get_name()],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "regular",
        "axes.titlesize": 13,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "svg.hashsalt": "miyun-text",
        "svg.fonttype": "path",
        "image.interpolation": "nearest",
        "figure.max_open_warning": 0,  # a panel of many reports draws many figures in one cell
    }


@contextmanager
def style():
    """Context in which figures use the bundled font and the project's style.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> with style():
        ...     fig = plt.figure()
        >>> plt.close(fig)
    """
    import matplotlib
    import matplotlib.pyplot as plt

    # Load the backend before the context: rc_context restores every rcParam on exit, and
    # a backend first loaded inside it (the notebook's inline backend switches on
    # interactive mode then) would be left half switched off, so later cells would show
    # no figures.
    matplotlib.get_backend()
    load_backend = getattr(plt, "_get_backend_mod", None)
    if load_backend is not None:
        load_backend()
    with plt.rc_context(_rc()):
        yield


def _fix_fonts(fig) -> None:
    """Lay the figure out once and pin the bundled font on every text, so later redraws
    (outside any style context) cannot fall back to a font without CJK.

    Tick labels are made during a draw; a draw without rendering makes them all without
    rasterising the figure.
    """
    from matplotlib.text import Text

    fig.draw_without_rendering()
    fp = font_properties()
    for text in fig.findobj(Text):
        size = text.get_fontsize()
        text.set_fontproperties(fp)
        text.set_fontsize(size)


def styled(func: F) -> F:
    """Decorate a function that returns a Figure: it draws inside :func:`style`, and its
    texts keep the bundled font afterwards."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        with style():
            fig = func(*args, **kwargs)
            _fix_fonts(fig)
        return fig

    return wrapper  # type: ignore[return-value]


def draw_source(fig, text: str | None) -> None:
    """Write the source line (数据来源：…) at the foot of a figure; None gives the default."""
    fig.text(0.01, 0.008, text or DEFAULT_SOURCE, fontsize=8, color="#555555", ha="left", va="bottom")


def save_figure(fig, name: str, folder: str | os.PathLike[str] = "figures",
                formats: Sequence[str] = ("png", "svg"), close: bool = True, show: bool = False) -> list[Path]:
    """Save a figure reproducibly (fixed DPI, no timestamps or version metadata), atomically.

    By default a PNG for screens and an SVG beside it for print, and ``<name>.alt.txt``
    beside the PNG: its alt text (:func:`describe_figure`), which the notebook's output
    carries too, so the HTML page describes the figure to a screen reader. The SVG's element ids
    come from a fixed salt and it carries no date, so both are byte-identical across
    runs. ``close=False`` keeps the figure open in pyplot, so a notebook still shows it
    inline (drawing it once more). ``show=True`` instead shows the PNG just written in
    the notebook, scaled to the figure's size on screen (as small as an inline figure,
    so pages of many figures stay light), at the end of the cell where inline figures
    appear, without drawing the figure again; the figure is closed in pyplot (so it is
    not shown twice), and the Figure object stays usable. Outside a notebook kernel
    ``show`` only closes.

    Example:
        >>> import tempfile, matplotlib.pyplot as plt
        >>> fig = plt.figure(figsize=(2, 1))
        >>> [p.name for p in save_figure(fig, "blank", tempfile.mkdtemp())]
        ['blank.png', 'blank.alt.txt', 'blank.svg']
    """
    import matplotlib.pyplot as plt

    if show and not close:
        raise ArgumentError("save_figure: show=True shows the saved PNG and closes the figure in pyplot; with "
                         "close=False the notebook would show it twice. Pass show=True alone, or close=False alone")
    paths = []
    png, alt = None, ""
    with style():
        for fmt in [*formats, *([] if "png" in formats or not show else ["png"])]:
            buffer = io.BytesIO()
            metadata: dict[str, Any] = {"Software": None}
            if fmt == "svg":
                metadata = {"Date": None, "Creator": None}
            elif fmt == "pdf":
                metadata = {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}
            fig.savefig(buffer, format=fmt, metadata=metadata, dpi=SAVE_DPI, facecolor="white")
            if fmt == "png":
                png = buffer.getvalue()
            if fmt in formats:
                paths.append(write_bytes_atomic(Path(folder) / f"{name}.{fmt}", buffer.getvalue()))
            if fmt == "png":
                alt = describe_figure(fig)
                if fmt in formats:
                    paths.append(write_bytes_atomic(Path(folder) / f"{name}.alt.txt", (alt + "\n").encode("utf-8")))
    if show and png is not None:
        _show_after_cell(screen_png(png, fig.dpi / SAVE_DPI), alt)
    if close:
        plt.close(fig)
    return paths


def _number(value: float) -> str:
    value = float(value)
    return f"{value:.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.3g}"


def _tick_names(ax, axis: str) -> dict[float, str]:
    ticks = ax.get_yticks() if axis == "y" else ax.get_xticks()
    labels = ax.get_yticklabels() if axis == "y" else ax.get_xticklabels()
    return {float(t): label.get_text() for t, label in zip(ticks, labels, strict=False) if label.get_text()}


def _nearest(names: dict[float, str], at: float) -> str | None:
    if not names:
        return None
    tick = min(names, key=lambda t: abs(t - at))
    return names[tick] if abs(tick - at) <= 0.5 else None


def _panel_items(ax) -> tuple[str, list[tuple[str, float]]]:
    """What one axes draws (bars, dots, a heatmap, lines) and its items with their values."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer

    items: list[tuple[str, float]] = []
    kinds: list[str] = []
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    for container in bars:
        horizontal = getattr(container, "orientation", None) == "horizontal"
        names = _tick_names(ax, "y" if horizontal else "x")
        group = container.get_label() or ""
        group = "" if group.startswith("_") else f" · {group}"
        for patch in container.patches:
            at = patch.get_y() + patch.get_height() / 2 if horizontal else patch.get_x() + patch.get_width() / 2
            value = patch.get_width() if horizontal else patch.get_height()
            name = _nearest(names, at)
            if name is not None:
                items.append((f"{name}{group}", value))
    if bars:
        kinds.append("条形图")
    for collection in ax.collections:
        offsets = np.asarray(collection.get_offsets(), dtype=float) if isinstance(collection, PathCollection) else None
        if offsets is not None and len(offsets):
            names = _tick_names(ax, "y")
            for x, y in offsets:
                name = _nearest(names, float(y))
                if name is not None:
                    items.append((name, float(x)))
            kinds.append("点图")
    for image in ax.images:
        rows, columns = _tick_names(ax, "y"), _tick_names(ax, "x")
        grid = image.get_array()
        if rows and columns and getattr(grid, "ndim", 0) == 2:
            kinds.append(f"热力图（{len(rows)} 行 × {len(columns)} 列）")
            for i, row in sorted(rows.items()):
                for j, column in sorted(columns.items()):
                    inside = 0 <= int(i) < grid.shape[0] and 0 <= int(j) < grid.shape[1]
                    # a masked cell (an empty one) names nothing
                    if inside and not np.ma.is_masked(grid[int(i), int(j)]):
                        items.append((f"{row} × {column}", float(grid[int(i), int(j)])))
        else:
            kinds.append("图像")
    lines = [line.get_label() for line in ax.get_lines() if not str(line.get_label()).startswith("_")]
    if lines:
        kinds.append("折线图（" + "、".join(lines[:8]) + ("等" if len(lines) > 8 else "") + "）")
    return "、".join(dict.fromkeys(kinds)), items


def describe_figure(fig, top: int = 5) -> str:
    """Alt text for a figure, written from what it draws: its title, the kind of chart, its axes,
    the items with the largest values (each with its value) and its source line.

    Plot functions that draw something the figure cannot tell back (a word cloud's words)
    leave their items in ``fig.miyun_items``.

    Example:
        >>> import pandas as pd
        >>> from miyun_text.plots import vocabulary_bars
        >>> fig = vocabulary_bars(pd.DataFrame({"term": ["两山", "三好生", "5+2"], "count": [5, 2, 3],
        ...                                     "kind": ["slogan", "honour", "programme"]}), source="数据来源：甲")
        >>> print(describe_figure(fig, top=2).replace("。", "。\\n"))
        引号中的政策话语（出现次数）；共3个引号词语；次数相同者按字符顺序排列。
        点图；横轴：出现次数 (occurrences)。
        最大的：两山 5、5+2 3。
        数据来源：甲
    """
    def clean(text: str) -> str:
        return "；".join(part.strip() for part in str(text).splitlines() if part.strip())

    suptitle = getattr(fig, "_suptitle", None)
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    title = clean(suptitle.get_text()) if suptitle is not None and suptitle.get_text() else ""
    if not title and panels:
        title = clean(panels[0].get_title())
    sentences = [title] if title else []
    summaries = []
    for ax in panels:
        kind, items = _panel_items(ax)
        axes = "；".join(f"{name}：{clean(label)}" for name, label in (("横轴", ax.get_xlabel()),
                                                                      ("纵轴", ax.get_ylabel())) if label)
        # empty cells (a heatmap's diagonal, a missing value) name nothing
        ranked = sorted((kv for kv in items if math.isfinite(kv[1])), key=lambda kv: -abs(kv[1]))[:top]
        best = "、".join(f"{name} {_number(value)}" for name, value in ranked)
        if len(panels) == 1:
            sentences += [x for x in ("；".join(x for x in (kind, axes) if x), f"最大的：{best}" if best else "") if x]
        else:
            name = clean(ax.get_title()) or kind
            summaries.append(f"{name}：{'、'.join(n for n, _ in ranked[:3])}" if ranked else name)
    if summaries:
        sentences.append(f"{len(summaries)} 个小图。" + "；".join(summaries))
    extra = getattr(fig, "miyun_items", None)
    if extra:
        sentences.append("最大的：" + "、".join(str(x) for x in list(extra)[:top]))
    sentences += [clean(t.get_text()) for t in fig.texts if "数据来源" in t.get_text()]
    return "。".join(s.rstrip("。") for s in sentences if s)


SAVE_DPI = 150
_PENDING: list[Any] = []


def screen_png(png: bytes, scale: float) -> bytes:
    """The PNG scaled by ``scale`` (area-averaged; RGB when it is opaque), for showing on screen.

    Scaling the saved 150-dpi file to the figure's 100 dpi costs a few hundredths of a
    second, where drawing the figure again costs most of a second.

    Example:
        >>> import io
        >>> from PIL import Image
        >>> buffer = io.BytesIO()
        >>> Image.new("RGBA", (300, 150), "white").save(buffer, format="PNG")
        >>> Image.open(io.BytesIO(screen_png(buffer.getvalue(), 100 / 150))).size
        (200, 100)
    """
    from PIL import Image

    image: Image.Image = Image.open(io.BytesIO(png))
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    if scale < 1:
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.BOX)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _show_after_cell(png: bytes, alt: str = "") -> None:
    """Show a PNG in the notebook when the running cell ends, where the inline backend puts
    figures, so outputs keep the order they have with inline figures."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return
    from IPython.display import Image, display

    if not _PENDING:
        def flush() -> None:
            shell.events.unregister("post_execute", flush)
            images = list(_PENDING)
            _PENDING.clear()
            for image in images:
                display(image)

        shell.events.register("post_execute", flush)
    _PENDING.append(Image(data=png, format="png", metadata={"alt": alt} if alt else None))
