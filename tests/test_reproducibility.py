"""Reproducibility: byte-identical figures, seeded randomness, a lock file that matches pyproject."""
from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import analysis
from analysis import paths, plot

PYPROJECT = paths.ROOT / "pyproject.toml"
LOCK = paths.ROOT / "requirements.lock"


# --------------------------------------------------------------------------- figures

FIGURE_SCRIPT = r"""
import sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from analysis import plot

plot.set_style(outlets=["videoaktiv", "curved", "Süddeutsche"])
fig, (ax1, ax2) = plt.subplots(1, 2)
for i, outlet in enumerate(["videoaktiv", "curved", "Süddeutsche"]):
    ax1.bar(i, [3, 5, 2][i], color=plot.outlet_color(outlet), label=outlet)
    ax2.plot([0, 1, 2], [i, i + 1, i * 2], color=plot.outlet_color(outlet), marker="o")
ax1.set_title("Größe, Schärfe & Preis – „Zitat“")
ax1.set_xlabel("Äußerung über Qualität (ß, ü, €)")
ax1.legend()
ax2.fill_between([0, 1, 2], [0, 1, 0], alpha=0.3)
ax2.annotate("Höhepunkt", (1, 2))
plot.save_figure(fig, "repro", notebook="00-test", directory=sys.argv[1])
"""


def _draw(directory: Path, *, hashseed: str | None = None) -> dict[str, bytes]:
    directory.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, MPLBACKEND="Agg")
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed
    subprocess.run([sys.executable, "-c", FIGURE_SCRIPT, str(directory)], check=True, env=env, cwd=paths.ROOT,
                   capture_output=True, timeout=300)
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_save_figure_is_byte_identical_across_runs(tmp_path):
    first = _draw(tmp_path / "a", hashseed="1")
    second = _draw(tmp_path / "b", hashseed="2")  # a different hash seed must not matter
    assert set(first) == {"00-test_repro.png", "00-test_repro.svg"}
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"
    svg = first["00-test_repro.svg"].decode("utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg  # no date, no version stamp
    assert b"Software" not in first["00-test_repro.png"][:4096]
    assert b"tIME" not in first["00-test_repro.png"]


def test_save_figure_twice_in_one_process(tmp_path):
    plot.set_style(outlets=["a", "b"])
    out = []
    for folder in ("x", "y"):
        fig, ax = plt.subplots()
        ax.bar(["a", "b"], [1, 2], color=[plot.outlet_color("a"), plot.outlet_color("b")])
        ax.set_title("Übersicht")
        out.append([p.read_bytes() for p in plot.save_figure(fig, "twice", notebook="00-test",
                                                             directory=tmp_path / folder)])
        plt.close(fig)
    assert out[0] == out[1]


def test_committed_figures_are_named_after_notebooks():
    notebooks = {p.stem for p in paths.NOTEBOOKS.glob("[0-9]*.ipynb")}
    figures = [p for p in paths.FIGURES.glob("*") if p.suffix in {".png", ".svg"}]
    if not figures:
        pytest.skip("no committed figures yet")
    for p in figures:
        assert p.stem.split("_", 1)[0] in notebooks, f"{p.name}: no notebook of that name"
        twin = p.with_suffix(".svg" if p.suffix == ".png" else ".png")
        assert twin.exists(), f"{p.name}: no {twin.suffix} twin"


# --------------------------------------------------------------------------- randomness

SEED_NAMES = {"seed", "random_state", "random_seed", "rng"}


def _library_modules():
    for info in pkgutil.walk_packages(analysis.__path__, "analysis."):
        if info.name.split(".")[-1].startswith("_") or info.name.endswith("__main__"):
            continue
        yield info.name


def test_random_procedures_are_seeded_by_default():
    """Every public function taking a seed has a fixed default (not None): deterministic unless asked."""
    checked, failures = [], []
    for name in _library_modules():
        try:
            module = importlib.import_module(name)
        except ImportError as exc:  # a module being written right now
            pytest.fail(f"{name} does not import: {exc}")
        for fname, func in inspect.getmembers(module, inspect.isfunction):
            if fname.startswith("_") or func.__module__ != name:
                continue
            for pname, param in inspect.signature(func).parameters.items():
                if pname in SEED_NAMES:
                    checked.append(f"{name}.{fname}")
                    if param.default is None or param.default is inspect.Parameter.empty:
                        failures.append(f"{name}.{fname}({pname}={param.default!r})")
    assert not failures, "random procedures without a fixed default seed: " + ", ".join(failures)
    assert checked, "found no seeded procedure at all"


GLOBAL_NP_RANDOM = {"seed", "rand", "randn", "randint", "random", "random_sample", "choice", "shuffle",
                    "permutation", "normal", "uniform", "binomial", "poisson", "beta", "gamma", "multinomial"}
GLOBAL_RANDOM = {"random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform", "gauss",
                 "seed", "betavariate", "normalvariate", "triangular"}


def _unseeded(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        f, where = node.func, f"{name}:{node.lineno}"
        chain = []
        value = f
        while isinstance(value, ast.Attribute):
            chain.insert(0, value.attr)
            value = value.value
        if isinstance(value, ast.Name):
            chain.insert(0, value.id)
        dotted = ".".join(chain)
        no_seed = not node.args and not node.keywords or (
            node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value is None)
        if re.fullmatch(r"(np|numpy)\.random\.(\w+)", dotted) and chain[-1] in GLOBAL_NP_RANDOM:
            found.append(f"{where}: {dotted}() uses numpy's global random state")
        elif chain[-1] in {"default_rng", "RandomState", "Random"} and no_seed:
            found.append(f"{where}: {dotted}() without a seed")
        elif dotted.startswith("random.") and chain[-1] in GLOBAL_RANDOM:
            found.append(f"{where}: {dotted}() uses the global random state")
    return found


def test_the_randomness_checker_finds_what_it_should():
    bad = ("np.random.shuffle(x)\nnumpy.random.rand(3)\nrng = np.random.default_rng()\nrandom.choice(x)\n"
           "r = random.Random()\nnp.random.default_rng(None)\n")
    assert len(_unseeded(bad, "bad.py")) == 6
    good = "rng = np.random.default_rng(seed)\nrng.choice(x)\nr = random.Random(0)\nr.shuffle(x)\n"
    assert _unseeded(good, "good.py") == []


def test_no_unseeded_randomness_in_the_library():
    found = []
    for path in sorted((paths.ROOT / "analysis").rglob("*.py")):
        found += _unseeded(path.read_text(encoding="utf-8"), str(path.relative_to(paths.ROOT)))
    assert not found, "\n".join(found)


def test_seeded_procedures_repeat_exactly():
    reliability = importlib.import_module("analysis.reliability") if (paths.ROOT / "analysis/reliability.py").exists() else None
    if reliability is None or not hasattr(reliability, "alpha"):
        pytest.skip("analysis.reliability.alpha does not exist yet")
    rng = np.random.default_rng(6)
    data = rng.integers(0, 3, size=(2, 40)).astype(float)
    data[1, :30] = data[0, :30]
    a = reliability.alpha(data, n_boot=200)
    b = reliability.alpha(data, n_boot=200)
    assert a == b
    c = reliability.alpha(data, n_boot=200, seed=1)
    assert {k: v for k, v in c.items() if "alpha" == k} == {k: v for k, v in a.items() if "alpha" == k}


# --------------------------------------------------------------------------- dependencies and the lock file


def _pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))


def _direct() -> list[Requirement]:
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        reqs += extra
    return [Requirement(r) for r in reqs]


def _lock() -> dict[str, str]:
    if not LOCK.exists():
        pytest.fail(f"{LOCK.name} is missing; run `make lock`")
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if m:
            pins[canonicalize_name(m.group(1))] = m.group(2)
    return pins


def test_lock_file_pins_every_direct_dependency_in_range():
    pins = _lock()
    problems = []
    for req in _direct():
        pin = pins.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req.name}: not in {LOCK.name}")
        elif not req.specifier.contains(pin, prereleases=True):
            problems.append(f"{req.name}: locked {pin}, outside {req.specifier}")
    assert not problems, "; ".join(problems) + ". Re-resolve with `make lock` and commit requirements.lock."


def test_lock_file_was_made_for_this_project():
    head = LOCK.read_text(encoding="utf-8")[:400]
    assert "uv pip compile pyproject.toml" in head and "--extra dev" in head and "--python-version 3.11" in head


def test_installed_direct_dependencies_match_the_lock():
    """The environment the tests run in is the locked one (``make install`` installs from the lock)."""
    pins = _lock()
    problems = []
    for req in _direct():
        name = canonicalize_name(req.name)
        try:
            installed = version(req.name)
        except PackageNotFoundError:
            problems.append(f"{req.name}: not installed")
            continue
        if name in pins and installed != pins[name]:
            problems.append(f"{req.name}: installed {installed}, locked {pins[name]}")
    assert not problems, "; ".join(problems) + ". Run `make install` (it installs exactly the lock)."


def test_every_imported_package_is_declared():
    """A third-party import in analysis/ must be a declared dependency (else a fresh install lacks it)."""
    declared = {canonicalize_name(r.name) for r in _direct()}
    pins = _lock()
    providers = packages_distributions()
    undeclared, unlocked = set(), set()
    for path in sorted((paths.ROOT / "analysis").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module.split(".")[0]]
            else:
                continue
            for mod in mods:
                if mod in sys.stdlib_module_names or mod == "analysis":
                    continue
                dists = {canonicalize_name(d) for d in providers.get(mod, [mod])}
                if not dists & set(pins):
                    unlocked.add(f"{mod} ({path.name})")
                elif not dists & declared:
                    undeclared.add(mod)
    assert not unlocked, (f"imported but not in {LOCK.name} (a fresh `make install` will not have them): "
                          f"{', '.join(sorted(unlocked))}. Add them to pyproject.toml and run `make lock`.")
    # Imported directly but only installed as a dependency of a dependency: works, but should be declared.
    assert undeclared <= KNOWN_TRANSITIVE_IMPORTS, f"declare in pyproject.toml: {sorted(undeclared - KNOWN_TRANSITIVE_IMPORTS)}"


#: Direct imports that are only transitive dependencies today (lead: declare them, then empty this set).
KNOWN_TRANSITIVE_IMPORTS: set[str] = set()

#: Runtime dependencies without an upper bound today (lead: bound them to the tested major, then empty this set).
KNOWN_UNBOUNDED: set[str] = set()


def test_dependencies_are_pinned_to_ranges():
    unbounded = set()
    for req in _direct():
        ops = {s.operator for s in req.specifier}
        if not ops:
            pytest.fail(f"{req.name} has no version range at all")
        if not ops & {"<", "<=", "==", "~=", "==="}:
            unbounded.add(canonicalize_name(req.name))
    assert unbounded <= KNOWN_UNBOUNDED, f"give an upper bound to: {sorted(unbounded - KNOWN_UNBOUNDED)}"


def test_make_exports_a_fixed_hash_seed():
    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^export PYTHONHASHSEED\s*:?=\s*0\s*$", makefile, re.M)
    assert "-r requirements.lock" in makefile
