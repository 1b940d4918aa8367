"""Where things live: the project's data folder, shipped resources, the cache."""

from __future__ import annotations

import os
from pathlib import Path

# cache_dir and code_digest live in their own modules; they stay importable from here for
# code written before those modules existed
from .cache import cache_dir
from .digest import code_digest
from .errors import MissingFileError

__all__ = ["RESOURCES", "cache_dir", "code_digest", "find_data_dir", "resource_path"]

RESOURCES = Path(__file__).resolve().parent / "resources"


def resource_path(name: str) -> Path:
    """Return the path of a resource shipped inside the package.

    Example:
        >>> resource_path("themes.yaml").name
        'themes.yaml'
    """
    path = RESOURCES / name
    if not path.exists():
        raise MissingFileError(
            f"{path}: shipped resource is missing; reinstall miyun-text (pip install -e .)"
        )
    return path


def find_data_dir(start: str | os.PathLike[str] | None = None) -> Path:
    """Find the project's ``data/`` folder (the one holding ``reports.csv``).

    Looks at ``$MIYUN_TEXT_DATA`` first, then walks up from ``start`` (default: the
    working directory), so notebooks in ``notebooks/`` find ``../data``.

    Example:
        >>> find_data_dir().joinpath("reports.csv").exists()  # doctest: +SKIP
        True
    """
    env = os.environ.get("MIYUN_TEXT_DATA")
    if env:
        path = Path(env)
        if not (path / "reports.csv").exists():
            raise MissingFileError(
                f"{path / 'reports.csv'}: MIYUN_TEXT_DATA points to a folder without a "
                "manifest; set it to the project's data/ folder"
            )
        return path
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "data"
        if (candidate / "reports.csv").exists():
            return candidate
        if (folder / "reports.csv").exists() and folder.name == "data":
            return folder
    raise MissingFileError(
        f"no data/reports.csv above {here}; run from the project folder, pass data_dir=, "
        "or set MIYUN_TEXT_DATA"
    )
