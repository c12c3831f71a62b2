"""environment.yml (conda) and pyproject.toml (pip) declare the same direct dependencies."""
from __future__ import annotations

import re
import tomllib

import yaml

from analysis import paths

# conda-forge names that differ from the PyPI names
CONDA_TO_PYPI = {"dask": "dask"}


def _name(spec: str) -> str:
    name = re.split(r"[<>=!~\[; ]", spec.strip(), maxsplit=1)[0]
    return name.lower().replace("_", "-")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = data["project"]
    specs = list(project["dependencies"]) + list(project["optional-dependencies"]["dev"])
    return {_name(s): s for s in specs}


def _environment() -> dict[str, str]:
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    out = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for spec in items:
            if spec.startswith("-e") or _name(spec) in {"python", "pip"}:
                continue
            out[CONDA_TO_PYPI.get(_name(spec), _name(spec))] = spec
    return out


def test_same_direct_dependencies():
    py, env = _pyproject(), _environment()
    assert set(py) - set(env) == set(), "declared in pyproject.toml but missing from environment.yml"
    assert set(env) - set(py) == set(), "declared in environment.yml but missing from pyproject.toml"


def _constraint(spec: str) -> str:
    rest = re.sub(r"^[\w.-]+(\[.*?\])?", "", spec.replace(" ", ""))
    return "==" + rest[1:] if re.match(r"=[^=]", rest) else rest  # conda's "=1.0" is pip's "==1.0"


def test_same_version_ranges():
    py, env = _pyproject(), _environment()
    differ = {name: (py[name], spec) for name, spec in env.items() if _constraint(py[name]) != _constraint(spec)}
    assert differ == {}


def test_environment_installs_the_project():
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert "conda-forge" in env["channels"]
