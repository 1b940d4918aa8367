"""A griffe extension for the API reference: docstrings as the package writes them, rendered well.

The package's docstrings open their doctest with ``Example:`` (the test suite runs it);
griffe reads that heading as an admonition whose text is Markdown, so ``>>>`` lines would
run together and any markup in them would be taken as HTML. Renamed to ``Examples:`` the
block becomes an examples section: code shown as code, escaped. Sphinx roles
(``:func:`~miyun_text.x.f` ``) become plain code names.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.M)
_ROLE = re.compile(r":(?:func|class|mod|meth|attr|data|exc):`~?([^`]+)`")


class ReadableDocstrings(griffe.Extension):
    """Rewrite ``Example:`` to ``Examples:`` and Sphinx roles to code, before parsing."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        value = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
        obj.docstring.value = _ROLE.sub(lambda m: f"`{m.group(1).rsplit('.', 1)[-1]}`", value)
