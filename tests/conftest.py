"""Shared fixtures: the bundled report, its clean text and paragraph table."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

# Idempotence of cleaning is checked on at least 1,000 generated texts; derandomized so
# that every run (and CI) tries the same examples.
settings.register_profile("idempotence", max_examples=1000, deadline=None, derandomize=True)
# Tests never assert on time: hypothesis's per-example deadline (200 ms) would fail a property
# test on a loaded machine, so it is off everywhere.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
os.environ.setdefault("MIYUN_TEXT_CACHE", str(ROOT / ".cache"))
matplotlib.use("Agg")


@pytest.fixture(scope="session")
def corpus():
    from miyun_text.corpus import load_corpus

    return load_corpus(DATA)


@pytest.fixture(scope="session")
def opened():
    """The bundled corpus as a Corpus: reports, paragraphs, repairs and tokens."""
    from miyun_text.corpus import open_corpus

    return open_corpus(DATA)


@pytest.fixture(scope="session")
def text(corpus):
    return corpus.loc[0, "text"]


@pytest.fixture(scope="session")
def raw_text():
    return (DATA / "raw" / "miyun_2024.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def paragraphs(corpus):
    from miyun_text.structure import corpus_paragraphs

    return corpus_paragraphs(corpus)


@pytest.fixture(scope="session")
def body(paragraphs):
    return paragraphs[paragraphs["part_no"] > 0]


@pytest.fixture(scope="session")
def fixture_corpus():
    from miyun_text.corpus import load_corpus

    return load_corpus(FIXTURES / "corpus")


# Debian's chromium, driven by Playwright, for the tests that look at pages in a real browser.
CANDIDATES = ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
CHROMIUM = next((p for p in CANDIDATES if p and Path(p).exists()), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


# module scope: Playwright's sync API runs its own event loop, and one left open for the
# whole session would stop other tests (test_notebooks) from starting theirs
@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("no Chromium here (install Debian's chromium: apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()
