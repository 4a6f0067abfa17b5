"""A warm route reads only the network's npz cache: no pandas, same answers as a cold run."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from corridor import _cache, _ground, _netbuild, _netcache, airspace, borders, network, settings
from corridor._cache import CacheWarning
from corridor.routing import plan
from corridor.scenario import make_scenario

ROUTE = ["route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "ground"]
AIR = ["route", "--from", "UUMU", "--to", "UDYZ", "--close", "GEO,AZE,TUR", "--mode", "air"]
#: Node-to-node routes (checked for imports), then a coordinate one (its place is located
#: in the country polygons, which needs the borders layer: answers only).
COMMANDS = [
    ROUTE,
    [*ROUTE, "--json"],
    AIR,
    ["route", "--from", "42.99,44.68", "--to", "gyumri", "--mode", "road", "--mode", "rail"],
]
LIGHT = 3
HEAVY = ("pandas", "geopandas", "pyarrow", "folium")
#: Runs the CLI's main for every command in one process; lists the modules loaded by the
#: first ``LIGHT`` commands on stderr.
_WRAPPER = """
import json, sys
from corridor.cli import main
for i, args in enumerate(json.loads(sys.argv[1])):
    if i == int(sys.argv[2]):
        print(" ".join(sorted(sys.modules)), file=sys.stderr)
    print("=== " + " ".join(args), flush=True)
    try:
        main(args)
    except SystemExit as exc:
        print(f"=== exit {exc.code}", flush=True)
"""


def _run(cache: Path) -> tuple[str, set[str]]:
    env = {**os.environ, "CORRIDOR_CACHE": str(cache)}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(network.__file__).parents[1]), *sys.path])
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, json.dumps(COMMANDS), str(LIGHT)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return done.stdout, set(done.stderr.split())


@pytest.mark.slow
def test_warm_route_imports_no_pandas_and_answers_as_the_cold_run(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    borders._zones()  # the zones and the air graph are slow to build: share the session's
    airspace.build_air_graph()
    for shared in ("zones-*.npz", "airgraph-*.npz"):
        for path in Path(settings.cache_folder).glob(shared):
            shutil.copy(path, cache / path.name)
    cold, cold_modules = _run(cache)  # builds the network from the data files
    assert "geopandas" in cold_modules  # control: the cold build does need the frames
    assert list(cache.glob("network-arrays-*.npz"))
    warm, modules = _run(cache)
    loaded = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert loaded == [], f"a warm route imported {loaded}"
    assert warm == cold
    assert warm.count("=== exit 0") == 4 and warm.count("#1 ") == 3  # every command routed
    lines = warm.splitlines()  # the --json command's output, parsed: a real answer
    answer = json.loads(lines[lines.index("=== " + " ".join(COMMANDS[1])) + 1])
    best = answer["routes"][0]  # Vladikavkaz to Armenia: the Upper Lars pass into Georgia
    assert (
        best["countries"] == ["RUS", "GEO", "ARM"] and best["legs"][0]["via"][0] == "x-upper-lars"
    )


# --------------------------------------------------------------------------- the npz layer


def _reload() -> network.TransitNetwork:
    network._load_cached.cache_clear()
    return network.load_network()


def _frames_loaded(net: network.TransitNetwork) -> tuple[bool, bool]:
    slots = (vars(type(net))["nodes"], vars(type(net))["edges"])
    return slots[0].loaded(net), slots[1].loaded(net)


def _arrays_file(cache_dir: Path) -> Path:
    (path,) = cache_dir.glob("network-arrays-*.npz")
    return path


def test_warm_load_routes_without_frames_and_matches_the_built_network(
    counted_build: list[Path], cache_dir: Path, built: network.TransitNetwork
) -> None:
    _reload()  # cold: writes the cache
    warm = _reload()
    assert len(counted_build) == 1
    assert _frames_loaded(warm) == (False, False)
    for traffic in ("freight", "passenger", "military"):  # dwell arrays per traffic class
        scen = make_scenario(
            origins=["vladikavkaz", "moscow"], destinations=["yerevan", "astana"],
            modes=["road", "rail"], k=3, objective="hours", traffic=traffic,
        )  # fmt: skip
        got, want = plan(scen, network=warm), plan(scen, network=built)
        assert got.to_dict() == want.to_dict()
        assert got.feasible
    assert _frames_loaded(warm) == (False, False)  # routing read the plain columns only
    # the columns read back equal those derived from the frames (loaded now, on demand)
    derived = _netcache.columns_from_frames(warm)
    assert _frames_loaded(warm) == (True, True)
    for f in dataclasses.fields(derived):
        a, b = getattr(warm.cols, f.name), getattr(derived, f.name)
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b, f.name
    pd.testing.assert_frame_equal(pd.DataFrame(warm.edges), pd.DataFrame(built.edges))
    np.testing.assert_array_equal(warm.edge_dwell_fwd, built.edge_dwell_fwd)
    np.testing.assert_array_equal(warm.edge_dwell_back, built.edge_dwell_back)
    assert set(warm.edge_dwell_class) == set(built.edge_dwell_class) == {
        "freight", "passenger", "military",
    }  # fmt: skip
    for traffic, (fwd, back) in built.edge_dwell_class.items():
        np.testing.assert_array_equal(warm.edge_dwell_class[traffic][0], fwd)
        np.testing.assert_array_equal(warm.edge_dwell_class[traffic][1], back)
    assert len(counted_build) == 1


def test_ground_tables_read_back_equal_the_csv_tables(
    counted_build: list[Path], cache_dir: Path
) -> None:
    _reload()
    warm = _reload()
    folder = settings.data_folder / "network"
    nodes = warm.nodes
    direct = _ground.load_ground(
        folder,
        node_pairs=_netbuild._dwell_nodes(nodes),
        node_ids=frozenset(warm.node_ids),
        edge_ids=frozenset(warm.cols.edge_ids),
        element_modes=_netbuild._element_modes(nodes, warm.edges),
    )
    assert warm.ground.history and warm.ground.dwell  # the shipped tables are not empty
    for f in dataclasses.fields(direct):
        got, want = getattr(warm.ground, f.name), getattr(direct, f.name)
        if isinstance(want, _ground.FrozenMap):
            assert isinstance(got, _ground.FrozenMap) and dict(got) == dict(want), f.name
        else:
            assert got == want, f.name


def _rewrite_npz(path: Path, drop: tuple[str, ...] = (), **replace: np.ndarray) -> None:
    """Rewrite the npz with a consistent envelope, as an older or damaged writer would."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "__corridor_meta__"}
        meta = json.loads(str(data["__corridor_meta__"]))["meta"]
    for name in drop:
        del arrays[name]
    arrays.update(replace)
    assert _cache.save_arrays(path, arrays, meta)


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda p: p.write_bytes(b"not a zip \x00" * 50), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:2000]), id="truncated"),
        pytest.param(
            lambda p: _rewrite_npz(p, drop=("node_name", "edge_xy", "ground_json")),
            id="old-layout",
        ),
        pytest.param(
            lambda p: _rewrite_npz(p, edge_offsets=np.zeros(3, dtype=np.int64)), id="offsets"
        ),
        pytest.param(
            lambda p: _rewrite_npz(p, ground_json=np.frombuffer(b"{]", dtype=np.uint8)),
            id="ground-json",
        ),
    ],
)
def test_spoiled_or_old_array_cache_is_rebuilt_with_a_warning(
    counted_build: list[Path], cache_dir: Path, spoil: object
) -> None:
    _reload()
    path = _arrays_file(cache_dir)
    spoil(path)  # type: ignore[operator]
    with pytest.warns(CacheWarning, match="invalid cache file|inconsistent network cache"):
        _reload()
    assert len(counted_build) == 2
    warm = _reload()  # rewritten as a valid cache: read back quietly
    assert len(counted_build) == 2
    assert _frames_loaded(warm) == (False, False)


def test_array_cache_of_another_layout_version_is_rebuilt(
    counted_build: list[Path], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reload()
    path = _arrays_file(cache_dir)
    with zipfile.ZipFile(path) as zf:
        assert "node_name.npy" in zf.namelist()
    monkeypatch.setattr(_cache, "CACHE_FORMAT", _cache.CACHE_FORMAT + 1)
    with pytest.warns(CacheWarning, match="format"):
        _netcache.read_arrays(path.stem.removeprefix("network-arrays-"))


def test_missing_frames_are_rebuilt_on_first_access(
    counted_build: list[Path], cache_dir: Path, built: network.TransitNetwork
) -> None:
    _reload()
    for frame in cache_dir.glob("network-*.parquet"):
        frame.unlink()
    warm = _reload()
    assert len(counted_build) == 1  # the arrays alone served the load
    pd.testing.assert_frame_equal(pd.DataFrame(warm.nodes), pd.DataFrame(built.nodes))
    assert len(counted_build) == 2  # the frames came from a rebuild ...
    assert len(list(cache_dir.glob("network-*.parquet"))) == 2  # ... and were cached again
    assert _frames_loaded(_reload()) == (False, False)


def test_spoiled_zone_and_code_caches_are_rebuilt_with_a_warning(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The WKB zone npz and the border-code npz: the cache layer is under test, not geometry."""
    box, tri = shapely.box(40, 40, 41, 41), shapely.Polygon([(44, 39), (46, 39), (45, 41)])
    calls: list[float] = []

    def fake(_borders: object, width_m: float) -> borders._Zones:
        calls.append(width_m)
        return borders._Zones(
            seas={"caspian": box}, belts_open={"ARM": tri, "ALB": shapely.Polygon()},
            belts_partitioned={"ARM": tri}, gaps={}, airspace_open={"ARM": tri, "INTL": box},
            airspace_partitioned={"ARM": tri},
        )  # fmt: skip

    monkeypatch.setattr(borders, "_build_zones", fake)
    monkeypatch.setattr(settings, "use_cache", True)

    def fresh() -> tuple[borders._Zones, frozenset[str]]:
        borders._zones_cached.cache_clear()
        borders._known_codes.cache_clear()
        return borders._zones(), borders._known_codes()

    try:
        _, codes = fresh()
        assert {"ARM", "GEO", "IRN"} <= codes and len(calls) == 1
        assert fresh()[0].airspace_open["ARM"].equals(tri) and len(calls) == 1  # read back
        zone_file, codes_file = borders._cache_file(), borders._codes_file()
        with np.load(zone_file, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files if k != "__corridor_meta__"}
        arrays["wkb"] = np.full_like(arrays["wkb"], 7)  # same shape, not WKB any more
        assert _cache.save_arrays(zone_file, arrays, {"key": zone_file.stem})
        assert _cache.save_arrays(codes_file, {"other": np.arange(3)}, {"key": codes_file.stem})
        with pytest.warns(CacheWarning, match="inconsistent (zone|border code) cache") as seen:
            again, codes_again = fresh()
        assert {str(w.message).split(" cache")[0] for w in seen} == {
            "ignoring inconsistent zone",
            "ignoring inconsistent border code",
        }
        assert len(calls) == 2 and codes_again == codes
        assert again.belts_open["ALB"].is_empty and again.airspace_open["INTL"].equals(box)
        assert fresh()[1] == codes and len(calls) == 2  # rewritten: read back quietly
    finally:
        borders._zones_cached.cache_clear()
        borders._known_codes.cache_clear()


def test_a_warm_network_pickles_and_replaces_like_a_built_one(
    counted_build: list[Path], cache_dir: Path, built: network.TransitNetwork
) -> None:
    _reload()
    warm = _reload()
    copy = pickle.loads(pickle.dumps(warm))  # what Dask ships to its workers (in memory)
    assert _frames_loaded(copy) == (False, False)
    assert list(copy.nodes.index) == list(built.nodes.index)
    edges = warm.edges.copy()
    edges.loc[edges.index[0], "status"] = "closed"
    changed = dataclasses.replace(warm, edges=edges, _derived={})
    assert changed.cols.edge_status[0] == "closed"  # columns follow the new frames
    assert warm.cols.edge_status[0] == built.cols.edge_status[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        warm.nodes = built.nodes  # type: ignore[misc]
