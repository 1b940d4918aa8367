"""How figures look and are saved: the bundled CJK font, rcParams inside a context, reproducible files.

Styling is applied inside ``rc_context``: the caller's rcParams are never changed.
:func:`save_figure` writes PNG and SVG with fixed DPI and no timestamps or version
metadata, so two runs in the same environment give identical files.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any, TypeVar

from .errors import ArgumentError
from .io import write_bytes_atomic
from .labels import DEFAULT_SOURCE
from .paths import resource_path

__all__ = [
    "FONT_FILE",
    "SAVE_DPI",
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

    By default a PNG for screens and an SVG beside it for print; the SVG's element ids
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
        ['blank.png', 'blank.svg']
    """
    import matplotlib.pyplot as plt

    if show and not close:
        raise ArgumentError("save_figure: show=True shows the saved PNG and closes the figure in pyplot; with "
                         "close=False the notebook would show it twice. Pass show=True alone, or close=False alone")
    paths = []
    png = None
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
    if show and png is not None:
        _show_after_cell(screen_png(png, fig.dpi / SAVE_DPI))
    if close:
        plt.close(fig)
    return paths


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

    image = Image.open(io.BytesIO(png))
    if image.mode == "RGBA" and image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    if scale < 1:
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                             Image.Resampling.BOX)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _show_after_cell(png: bytes) -> None:
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
    _PENDING.append(Image(data=png, format="png"))
