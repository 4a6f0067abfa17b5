"""Light import and the on-disk air graph cache (issue 13, goal 1)."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corridor import _aircache, _cache, airspace, borders, settings

SRC = Path(airspace.__file__).resolve().parents[1]
# Unusual parameters, so that no other test has cached this graph already.
STATES = ("ARM", "GEO")
CLEARANCE = 1.25

_COUNT_BUILDS = f"""
import json
import corridor.airspace as a
calls = []
real = a._build_graph
def counting(*args):
    calls.append(args)
    return real(*args)
a._build_graph = counting
g = a.build_air_graph(states={STATES!r}, clearance_km={CLEARANCE!r})
print(json.dumps({{"builds": len(calls), "edges": int(len(g.edge_u)),
                   "km": float(g.edge_km.sum())}}))
"""


def _python(code: str, cache: Path) -> str:
    env = dict(os.environ, CORRIDOR_CACHE=str(cache), PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_import_corridor_stays_light() -> None:
    code = (
        "import json, sys, corridor\n"
        "heavy = ['folium', 'geopandas', 'osmnx', 'pandas', 'corridor.maps', 'corridor.airspace',"
        " 'corridor.borders', 'corridor.routing']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))"
    )
    assert json.loads(_python(code, settings.cache_folder)) == []


def test_a_ground_route_imports_no_maps_osm_or_air_code() -> None:
    code = (
        "import json, sys\n"
        "from corridor.cli import main\n"
        "try:\n"
        "    main(['route', '--from', 'vladikavkaz', '--to', 'yerevan', '--mode', 'ground'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = ['folium', 'osmnx', 'networkx', 'matplotlib', 'corridor.maps', 'corridor.osm',"
        " 'corridor.airspace', 'corridor.analysis']\n"
        "print(json.dumps([code, [m for m in heavy if m in sys.modules]]))"
    )
    out = _python(code, settings.cache_folder).strip().splitlines()[-1]
    assert json.loads(out) == [0, []]


def test_lazy_names_resolve_to_their_modules() -> None:
    code = (
        "import json, sys, corridor\n"
        "f = corridor.air_route\n"
        "print(json.dumps([f.__module__, 'corridor.airspace' in sys.modules,"
        " 'folium' in sys.modules]))"
    )
    assert json.loads(_python(code, settings.cache_folder)) == ["corridor.airspace", True, False]


def test_a_second_process_reuses_the_air_graph_on_disk() -> None:
    borders.load_airspace("open")  # the zone cache exists before the subprocesses start
    first = json.loads(_python(_COUNT_BUILDS, settings.cache_folder))
    second = json.loads(_python(_COUNT_BUILDS, settings.cache_folder))
    assert first["builds"] == 1
    assert second["builds"] == 0
    assert second["edges"] == first["edges"] > 0
    assert second["km"] == pytest.approx(first["km"], rel=1e-12)


def _cached_file() -> Path:
    key = _aircache.graph_key("open", STATES, CLEARANCE, 3.0, airspace.GNOMONIC_CENTRE)
    return _aircache.cache_file(key)


def _rebuild_counting(monkeypatch: pytest.MonkeyPatch) -> tuple[airspace.AirGraph, int]:
    calls: list[object] = []
    real = airspace._build_graph

    def counting(*args: object) -> airspace.AirGraph:
        calls.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(airspace, "_build_graph", counting)
    airspace._build_cached.cache_clear()
    graph = airspace.build_air_graph(states=STATES, clearance_km=CLEARANCE)
    return graph, len(calls)


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("pickle payload executed",))


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "pickle", "foreign-key", "bad-index", "object-array"],
)
def test_an_invalid_cache_is_rebuilt_with_a_warning(
    damage: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good, _ = _rebuild_counting(monkeypatch)  # makes sure a valid file exists
    path = _cached_file()
    assert path.exists()
    raw = path.read_bytes()
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    if damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "pickle":
        path.write_bytes(pickle.dumps(_Payload()))
    elif damage == "foreign-key":
        envelope = json.loads(str(arrays["__corridor_meta__"]))
        envelope["version"] = "0.0.0-other"  # written by another package version
        arrays["__corridor_meta__"] = np.asarray(json.dumps(envelope, sort_keys=True))
        np.savez(path, **arrays)  # type: ignore[arg-type]
    elif damage == "bad-index":
        arrays["edge_u"] = arrays["edge_u"] + len(arrays["xy"])
        np.savez(path, **arrays)  # type: ignore[arg-type]
    else:
        arrays["owner"] = arrays["owner"].astype(object)
        np.savez(path, **arrays)  # type: ignore[arg-type]
    with pytest.warns(_cache.CacheWarning, match="ignoring invalid"):
        graph, builds = _rebuild_counting(monkeypatch)
    assert builds == 1
    assert "payload executed" not in capsys.readouterr().out
    np.testing.assert_array_equal(graph.edge_u, good.edge_u)
    np.testing.assert_allclose(graph.edge_km, good.edge_km)
    # the rebuilt file is valid again: the next load does not build
    _, builds = _rebuild_counting(monkeypatch)
    assert builds == 0


def test_cache_switch_off_builds_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "use_cache", False)
    _, builds = _rebuild_counting(monkeypatch)
    assert builds == 1
