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
    return {_name(re.split(r"[<>=!~; \[]", d, maxsplit=1)[0]) for d in deps}


def _name(name: str) -> str:
    """A distribution name in its normal form (PEP 503): lxml_html_clean and lxml-html-clean are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _environment() -> dict[str, str | None]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins: dict[str, str | None] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for item in dep["pip"]:
                name, _, version = item.partition("==")
                pins[_name(name)] = version or None
        else:
            name, _, version = dep.partition("=")
            pins[_name(name)] = version or None
    pins.pop("python", None)
    pins.pop("pip", None)
    return pins


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        spec, _, marker = line.partition(";")
        # the lines for Python 3.11 and newer are the ones environment.yml follows
        if not spec.strip() or spec.startswith("#") or "<" in marker:
            continue
        name, version = spec.strip().split("==")
        pins[_name(name)] = version
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


def _declared() -> dict[str, str]:
    """Every dependency of pyproject.toml (runtime and extras), by normal name, with its specifier."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = [*data["project"]["dependencies"]]
    for extra in data["project"]["optional-dependencies"].values():
        specs += extra
    out = {}
    for spec in specs:
        name = re.split(r"[<>=!~; \[]", spec, maxsplit=1)[0]
        out[_name(name)] = spec[len(name):]
    return out


def _imported_modules() -> set[str]:
    """Top-level modules the package imports, anywhere in its code (inside functions too)."""
    import ast
    import sys

    found: set[str] = set()
    for path in (ROOT / "miyun_text").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m not in ("miyun_text", "__future__")}


def test_every_imported_package_is_declared():
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    declared = _declared()
    undeclared = {}
    for module in sorted(_imported_modules()):
        names = {_name(d) for d in owners.get(module, [])}
        assert names, f"{module} is imported by the package but no installed distribution provides it"
        if not names & set(declared):
            undeclared[module] = sorted(names)
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_dependency_has_lower_and_upper_bounds():
    loose = {name: spec for name, spec in _declared().items() if ">=" not in spec or "<" not in spec.replace("<=", "")}
    assert not loose, f"give each dependency a lower and an upper bound (>=x,<y): {loose}"
