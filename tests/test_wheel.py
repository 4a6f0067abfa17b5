"""The wheel works away from the repository: build it, install it into a new venv, run it.

The new venv has no pip and no network: a ``.pth`` line points it at the shared
environment's site-packages for the dependencies. Nested ``.pth`` files there are not
processed, so the editable install of the source tree stays invisible and ``corridor``
can only come from the wheel. Commands run from a temporary folder, never the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Interpreter that builds the wheel (needs setuptools>=77 for the PEP 639 licence fields,
#: as in the ``dev`` extra); CORRIDOR_BUILD_PYTHON overrides it where the test environment's
#: own setuptools is older.
BUILD_PYTHON = os.environ.get("CORRIDOR_BUILD_PYTHON") or sys.executable


def _setuptools_version(python: str) -> tuple[int, ...]:
    code = "import setuptools; print(setuptools.__version__)"
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return (0,)
    return tuple(int(p) for p in proc.stdout.strip().split(".")[:2] if p.isdigit())


pytestmark = [
    pytest.mark.skipif(
        not (ROOT / "pyproject.toml").is_file(), reason="needs the source tree to build the wheel"
    ),
    pytest.mark.skipif(
        _setuptools_version(BUILD_PYTHON) < (77,),
        reason="building needs setuptools>=77 (dev extra); set CORRIDOR_BUILD_PYTHON to one",
    ),
]


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the sources (the worktree gets no build/ folder)."""
    work = tmp_path_factory.mktemp("wheel-src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, work / name)
    shutil.copytree(
        ROOT / "src",
        work / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.arrays.npz"),
    )
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = _run(
        [BUILD_PYTHON, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        work,
        env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheels = sorted(out.glob("corridor-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_data_and_licences(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    must = [
        "corridor/data/borders/countries.geojson",
        "corridor/data/borders/PROVENANCE.md",
        "corridor/data/network/nodes.csv",
        "corridor/data/network/links.csv",
        "corridor/data/network/airports.csv",
        "corridor/data/network/ports.csv",
        "corridor/data/network/sea_links.geojson",
        "corridor/data/scenario.schema.json",
        "corridor/data/LICENSES.md",
        "corridor/scenarios/armenia-2020.toml",
        "corridor/scenarios/kazakhstan-2022.toml",
        "corridor/py.typed",
        "corridor/__main__.py",
    ]
    missing = [n for n in must if n not in names]
    assert not missing, missing
    assert any(n.startswith("corridor/_static/leaflet/") and n.endswith(".js") for n in names)
    shipped = {p.name for p in (ROOT / "src/corridor/scenarios").glob("*.toml")}
    assert {Path(n).name for n in names if n.startswith("corridor/scenarios/")} >= shipped
    licences = {Path(n).name for n in names if ".dist-info/licenses/" in n}
    assert {"LICENSE", "LICENSES.md", "PROVENANCE.md"} <= licences, licences
    assert not any("__pycache__" in n or n.endswith(".pickle") for n in names)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv outside the repository with the wheel installed and the shared deps visible."""
    target = tmp_path_factory.mktemp("venv") / "env"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = _run([sys.executable, "-m", "venv", "--without-pip", str(target)], Path("/"), env)
    assert proc.returncode == 0, proc.stderr
    python = target / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        Path("/"),
        env,
    ).stdout.strip()
    shared = [sysconfig.get_paths()["purelib"], *site.getsitepackages()]
    lines = "\n".join(dict.fromkeys(p for p in shared if Path(p).is_dir()))
    (Path(purelib) / "_shared_deps.pth").write_text(lines + "\n", encoding="utf-8")
    proc = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        Path("/"),
        env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return target


def _env(tmp: Path) -> dict[str, str]:
    drop = {"PYTHONPATH", "CORRIDOR_DATA", "CORRIDOR_LOG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["CORRIDOR_CACHE"] = str(tmp / "cache")
    return env


def test_installed_cli_and_library_work_anywhere(venv: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    corridor = str(venv / "bin" / "corridor")
    python = str(venv / "bin" / "python")

    where = _run([python, "-c", "import corridor; print(corridor.__file__)"], tmp_path, env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)

    ground = _run(
        [corridor, "route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "ground"],
        tmp_path,
        env,
    )
    assert ground.returncode == 0, ground.stderr
    assert "vladikavkaz -> yerevan" in ground.stdout
    assert "x-upper-lars" in ground.stdout  # the Upper Lars crossing from the shipped network

    shipped = _run([corridor, "route", "-s", "armenia-2020", "--json"], tmp_path, env)
    assert shipped.returncode in (0, 1), shipped.stderr  # 1: some pair has no route
    answer = json.loads(shipped.stdout)
    assert answer["scenario"] == "armenia-2020"
    assert any(p["feasible"] for p in answer["pairs"])

    listed = _run([python, "-m", "corridor", "scenarios", "--json"], tmp_path, env)
    assert listed.returncode == 0, listed.stderr
    names = json.loads(listed.stdout)
    assert {"armenia-2020", "armenia-baseline", "kazakhstan-2022"} <= set(names)
    assert all(names.values())  # every shipped scenario has a description

    snippet = (
        "import corridor\n"
        "from corridor.scenario import load_scenario\n"
        "p = corridor.plan(load_scenario('armenia-baseline'))\n"
        "print(sum(pair.feasible for pair in p.pairs), len(p.pairs))\n"
        "print(sorted(corridor.neighbours('ARM')))\n"
    )
    lib = _run([python, "-c", snippet], tmp_path, env)
    assert lib.returncode == 0, lib.stderr
    feasible, total = (int(x) for x in lib.stdout.splitlines()[0].split())
    assert 0 < feasible <= total
    assert lib.stdout.splitlines()[1] == "['AZE', 'GEO', 'IRN', 'TUR']"
    assert not list(tmp_path.glob("*.html"))  # nothing written outside --out/--map
