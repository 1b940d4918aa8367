"""The package installs with the pip that Debian's Python ships, and its declared dependencies suffice.

A fresh virtual environment made by Debian's ``/usr/bin/python3`` (pip 23, not upgraded)
installs the project from a copy of its tracked files with ``constraints.txt``, then adds
a saved web page: that needs trafilatura and its HTML cleaner (``lxml_html_clean``), which
an undeclared dependency once left out. It downloads from the package registries (or
pip's cache), as ``make setup`` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

DEBIAN_PYTHON = Path("/usr/bin/python3")
_OFFLINE = ("Failed to establish a new connection", "Temporary failure in name resolution",
            "Network is unreachable", "No route to host")


def _has_venv(python: Path) -> bool:
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-c", "import ensurepip, venv"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _has_venv(DEBIAN_PYTHON),
                    reason="no Debian Python with venv and ensurepip at /usr/bin/python3 "
                           "(apt-get install python3-venv)")
def test_debian_pip_installs_the_package_and_adds_a_saved_page(tmp_path):
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    source = tmp_path / "src"
    for name in filter(None, tracked.decode("utf-8").split("\0")):
        if name.startswith(("data/", "figures/", "notebooks/", "tests/", "benchmarks/")):
            continue  # not part of the installed package
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    venv = tmp_path / "venv"
    subprocess.run([str(DEBIAN_PYTHON), "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_REQUIRE_VIRTUALENV", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                              "-c", str(source / "constraints.txt"), str(source)],
                             capture_output=True, text=True, env=env)
    if install.returncode and any(sign in install.stdout + install.stderr for sign in _OFFLINE):
        pytest.skip("the package registries cannot be reached from here")
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    header = ("report_id,year,region,level,title,delivered_on,session,source_url,raw_sha256,notes\n")
    (data / "reports.csv").write_text(header, encoding="utf-8")
    added = subprocess.run([str(venv / "bin" / "miyun-text"), "--data", str(data), "add",
                            str(FIXTURES / "extract" / "page_utf8.htm"), "--region", "密云区", "--year", "2024",
                            "--id", "page_2024"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert added.returncode == 0, added.stdout + added.stderr
    assert "page_2024" in (data / "reports.csv").read_text(encoding="utf-8")
    assert (data / "raw" / "page_2024.htm").read_bytes() == (FIXTURES / "extract" / "page_utf8.htm").read_bytes()
