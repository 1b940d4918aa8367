"""environment.yml, pyproject.toml and constraints.txt name the same dependencies and versions."""

from __future__ import annotations

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import yaml
from conftest import ROOT


def _pyproject_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {re.split(r"[<>=!~; \[]", d, maxsplit=1)[0].lower() for d in deps}


def _environment() -> dict[str, str | None]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins: dict[str, str | None] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                name, _, version = item.partition("==")
                pins[name.lower()] = version or None
        else:
            name, _, version = dep.partition("=")
            pins[name.lower()] = version or None
    pins.pop("python", None)
    pins.pop("pip", None)
    return pins


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        spec, _, marker = line.partition(";")
        if not spec.strip() or spec.startswith("#") or '< "3.11"' in marker:
            continue
        name, version = spec.strip().split("==")
        pins[name.lower()] = version
    return pins


def test_environment_and_pyproject_list_the_same_dependencies():
    assert set(_environment()) == _pyproject_names()


def test_environment_versions_match_the_constraints():
    constraints = _constraints()
    for name, version in _environment().items():
        assert version == constraints[name], f"{name}: environment.yml {version} vs constraints.txt {constraints[name]}"


def test_every_dependency_is_pinned():
    constraints = _constraints()
    missing = sorted(n for n in _pyproject_names() if n not in constraints)
    assert not missing, f"not pinned in constraints.txt: {missing}"


def test_environment_uses_python_311_from_conda_forge():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    assert "python=3.11" in env["dependencies"]
