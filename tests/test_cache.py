"""On-disk caches are data, never code: planted, corrupt or foreign files are rebuilt."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from corridor import _cache, borders, network, settings
from corridor._cache import CacheWarning


class _Payload:
    """Unpickling this creates ``marker``: the proof that a cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (str(self.marker),))


def _plant_pickle(path: Path, marker: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(_Payload(marker)))
    # the payload is live: loading it with pickle would create the marker
    assert not marker.exists()


def test_the_planted_payload_is_live(tmp_path: Path) -> None:
    """Control: the payload used below really executes when unpickled."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(_Payload(marker)))  # the point of this control
    assert marker.exists()


# --------------------------------------------------------------------------- _cache itself


def test_arrays_round_trip(cache_dir: Path) -> None:
    path = _cache.cache_path("demo", _cache.data_key("x"), ".npz")
    arrays = {
        "a": np.arange(5, dtype=np.int64),
        "b": np.linspace(0, 1, 6).reshape(2, 3),
        "s": np.asarray(["ARM", "GEO"]),
        "m": np.asarray([1 << 63], dtype=np.uint64),
    }
    assert _cache.save_arrays(path, arrays, {"key": "k1", "n": 5})
    assert path.parent == cache_dir and path.is_file()
    loaded = _cache.load_arrays(path, {"key": "k1", "n": 5})
    assert loaded is not None and set(loaded) == set(arrays)
    for name, value in arrays.items():
        np.testing.assert_array_equal(loaded[name], value)
        assert loaded[name].dtype == value.dtype
    # another key: stale, rebuilt quietly (no warning: filterwarnings=error would raise)
    assert _cache.load_arrays(path, {"key": "k2"}) is None
    assert _cache.load_arrays(cache_dir / "missing.npz", {"key": "k1"}) is None


def test_object_arrays_are_refused_on_save(cache_dir: Path) -> None:
    with pytest.raises(TypeError, match="only plain dtypes"):
        _cache.save_arrays(cache_dir / "x.npz", {"o": np.asarray([{"a": 1}], dtype=object)}, {})


def _npz_bytes(**arrays: Any) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _valid_npz(path: Path) -> bytes:
    _cache.save_arrays(path, {"a": np.arange(100)}, {"key": "k"})
    return path.read_bytes()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda good: b"", id="empty"),
        pytest.param(lambda good: b"garbage \x00\xff" * 10, id="garbage"),
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda good: _npz_bytes(a=np.arange(3)), id="foreign-npz"),
        pytest.param(
            lambda good: _npz_bytes(a=np.asarray([None, {}], dtype=object)), id="object-array"
        ),
        pytest.param(lambda good: good.replace(b"100", b"101"), id="shape-differs"),
    ],
)
def test_spoiled_npz_is_rebuilt_with_a_warning(cache_dir: Path, spoil: Any) -> None:
    path = cache_dir / "a.npz"
    good = _valid_npz(path)
    path.write_bytes(spoil(good))
    with pytest.warns(CacheWarning, match="invalid cache file"):
        assert _cache.load_arrays(path, {"key": "k"}) is None


def test_npz_meta_tampered_shape_is_caught(cache_dir: Path) -> None:
    """An npz whose arrays do not match its own recorded shapes is not used."""
    path = cache_dir / "a.npz"
    _valid_npz(path)
    with zipfile.ZipFile(path) as zf:
        meta = zf.read("__corridor_meta__.npy")
    spoiled = io.BytesIO()
    with zipfile.ZipFile(spoiled, "w") as zf:
        zf.writestr("__corridor_meta__.npy", meta)
        buf = io.BytesIO()
        np.save(buf, np.arange(7))
        zf.writestr("a.npy", buf.getvalue())
    path.write_bytes(spoiled.getvalue())
    with pytest.warns(CacheWarning, match="wrong dtype or shape"):
        assert _cache.load_arrays(path, {"key": "k"}) is None


@pytest.mark.parametrize("suffix", [".npz", ".parquet"])
def test_planted_pickle_is_never_executed(cache_dir: Path, tmp_path: Path, suffix: str) -> None:
    marker = tmp_path / "marker"
    path = cache_dir / f"planted{suffix}"
    _plant_pickle(path, marker)
    load = _cache.load_arrays if suffix == ".npz" else _cache.load_frame
    with pytest.warns(CacheWarning):
        assert load(path, {"key": "k"}) is None
    assert not marker.exists()


def test_frames_round_trip(cache_dir: Path) -> None:
    geo = gpd.GeoDataFrame(
        {"code": ["ARM", "GEO"], "km": [1.5, float("nan")]},
        geometry=[shapely.Point(44.5, 40.2), shapely.LineString([(44, 41), (45, 42)])],
        crs="EPSG:4326",
        index=pd.Index(["a", "b"], name="id"),
    )
    plain = pd.DataFrame({"x": [1, 2, 3], "y": ["p", "q", "r"]})
    for name, frame in (("geo", geo), ("plain", plain)):
        path = _cache.cache_path(name, "k", ".parquet")
        assert _cache.save_frame(path, frame, {"key": "k"})
        back = _cache.load_frame(path, {"key": "k"})
        assert back is not None
        assert isinstance(back, gpd.GeoDataFrame) == (name == "geo")
        pd.testing.assert_frame_equal(pd.DataFrame(back), pd.DataFrame(frame))
        assert _cache.load_frame(path, {"key": "other"}) is None
    back_geo = _cache.load_frame(_cache.cache_path("geo", "k", ".parquet"), {"key": "k"})
    assert isinstance(back_geo, gpd.GeoDataFrame) and back_geo.crs == geo.crs


@pytest.mark.parametrize("spoil", ["empty", "garbage", "truncated", "foreign", "json"])
def test_spoiled_parquet_is_rebuilt_with_a_warning(cache_dir: Path, spoil: str) -> None:
    path = cache_dir / "f.parquet"
    frame = pd.DataFrame({"x": np.arange(50)})
    _cache.save_frame(path, frame, {"key": "k"})
    good = path.read_bytes()
    if spoil == "empty":
        path.write_bytes(b"")
    elif spoil == "garbage":
        path.write_bytes(b"PAR1" + b"\x00\x17" * 40 + b"PAR1")
    elif spoil == "truncated":
        path.write_bytes(good[: len(good) - 20])
    elif spoil == "foreign":  # a valid Parquet file, but not one corridor wrote
        frame.to_parquet(path)
    else:
        path.write_text('{"key": "k"}')
    with pytest.warns(CacheWarning, match="invalid cache file"):
        assert _cache.load_frame(path, {"key": "k"}) is None


def test_other_package_version_is_not_used(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = cache_dir / "v.npz"
    frame_path = cache_dir / "v.parquet"
    monkeypatch.setattr(_cache, "package_version", lambda: "0.0.1-old")
    old_key = _cache.data_key("same data")
    _cache.save_arrays(path, {"a": np.arange(3)}, {"key": "k"})
    _cache.save_frame(frame_path, pd.DataFrame({"a": [1]}), {"key": "k"})
    monkeypatch.undo()
    monkeypatch.setattr(settings, "cache_folder", cache_dir)
    assert _cache.data_key("same data") != old_key  # other version: other file name
    with pytest.warns(CacheWarning, match="0.0.1-old"):
        assert _cache.load_arrays(path, {"key": "k"}) is None
    with pytest.warns(CacheWarning, match="0.0.1-old"):
        assert _cache.load_frame(frame_path, {"key": "k"}) is None


def test_data_key_depends_on_file_contents_and_rejects_nan(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("a,b\n1,2\n")
    k1 = _cache.data_key(f, 1.0)
    assert k1 == _cache.data_key(f, 1.0)
    assert k1 != _cache.data_key(f, 2.0)
    assert k1 != _cache.data_key("a,b\n1,2\n", 1.0)  # a path is hashed as a file, tagged
    f.write_text("a,b\n1,3\n")
    assert k1 != _cache.data_key(f, 1.0)
    with pytest.raises(ValueError, match="finite"):
        _cache.data_key(float("nan"))
    with pytest.raises(ValueError, match="cache key"):
        _cache.cache_path("zones", "../etc", ".npz")


def test_a_frame_arrow_cannot_store_is_not_cached_with_a_warning(cache_dir: Path) -> None:
    frame = pd.DataFrame({"mixed": [("ARM", "GEO"), 1.5]})
    with pytest.warns(CacheWarning, match="cannot cache"):
        assert not _cache.save_frame(cache_dir / "m.parquet", frame, {})
    assert not (cache_dir / "m.parquet").exists()


def test_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert not _cache.save_arrays(blocker / "sub" / "a.npz", {"a": np.arange(2)}, {})
    assert not _cache.save_frame(blocker / "sub" / "a.parquet", pd.DataFrame({"a": [1]}), {})


# --------------------------------------------------------------------------- the network cache


def _reload() -> network.TransitNetwork:
    network._load_cached.cache_clear()
    return network.load_network()


def _network_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("network-*"))


def _same_network(a: network.TransitNetwork, b: network.TransitNetwork) -> None:
    pd.testing.assert_frame_equal(pd.DataFrame(a.nodes), pd.DataFrame(b.nodes))
    pd.testing.assert_frame_equal(pd.DataFrame(a.edges), pd.DataFrame(b.edges))
    assert a.countries == b.countries and a.node_ids == b.node_ids
    for name in ("edge_u", "edge_v", "edge_km", "edge_hours", "edge_mode", "edge_mask"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert (
        set(a.edge_hours_class) == set(b.edge_hours_class) == {"freight", "passenger", "military"}
    )
    for traffic, hours in a.edge_hours_class.items():
        np.testing.assert_array_equal(hours, b.edge_hours_class[traffic])


def test_network_second_load_hits_the_cache(
    counted_build: list[Path], cache_dir: Path, built: network.TransitNetwork
) -> None:
    first = _reload()
    assert len(counted_build) == 1
    files = _network_files(cache_dir)
    assert [p.suffix for p in files] == [".npz", ".parquet", ".parquet"]
    assert not list(cache_dir.glob("*.pickle"))
    second = _reload()
    assert len(counted_build) == 1  # read back, not rebuilt
    assert second is not first
    _same_network(second, built)
    assert second.edges["countries"].map(type).eq(tuple).all()


@pytest.mark.parametrize("which", [0, 1, 2])
def test_network_planted_pickle_is_not_run_and_is_rebuilt(
    counted_build: list[Path], cache_dir: Path, tmp_path: Path, which: int
) -> None:
    _reload()
    target = _network_files(cache_dir)[which]
    marker = tmp_path / "pwned"
    _plant_pickle(target, marker)
    with pytest.warns(CacheWarning, match="invalid cache file"):
        net = _reload()
        _ = net.nodes, net.edges  # the frames (parquet) load on first access
    assert not marker.exists()
    assert len(counted_build) == 2
    assert pickle.dumps(_Payload(marker)) != target.read_bytes()  # rewritten as data
    _same_network(net, _reload())
    assert len(counted_build) == 2


def test_network_truncated_cache_is_rebuilt(counted_build: list[Path], cache_dir: Path) -> None:
    _reload()
    for path in _network_files(cache_dir):
        path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(CacheWarning):
        _reload()
    assert len(counted_build) == 2
    _reload()
    assert len(counted_build) == 2


def test_network_cache_of_other_version_or_data_is_not_used(
    counted_build: list[Path], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _reload()
    monkeypatch.setattr(_cache, "package_version", lambda: "999.0")
    _reload()  # another version: other key, other files; nothing read from the old ones
    assert len(counted_build) == 2
    assert len(_network_files(cache_dir)) == 6
    monkeypatch.setattr(network, "_CACHE_VERSION", network._CACHE_VERSION + 1)
    _reload()
    assert len(counted_build) == 3


def test_network_other_data_checksum_is_not_used(
    counted_build: list[Path], cache_dir: Path, tmp_path: Path
) -> None:
    src = settings.data_folder / "network"
    copy = tmp_path / "network"
    copy.mkdir()
    for name in network._FILES:
        (copy / name).write_bytes((src / name).read_bytes())
    network._load_cached.cache_clear()
    network.load_network(copy)
    assert len(counted_build) == 1
    network._load_cached.cache_clear()
    network.load_network(copy)  # same bytes elsewhere: same key, cache hit
    assert len(counted_build) == 1
    with (copy / "links.csv").open("a") as fh:
        fh.write("\n")
    network._load_cached.cache_clear()
    network.load_network(copy)
    assert len(counted_build) == 2


# --------------------------------------------------------------------------- the zone cache


@pytest.fixture
def counted_zones(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A tiny fake zone build, counted: the cache layer is under test, not the geometry."""
    calls: list[float] = []
    box = shapely.box(40, 40, 41, 41)

    def fake(_borders: gpd.GeoDataFrame, width_m: float) -> Any:
        calls.append(width_m)
        one = {"ARM": box, "ALB": shapely.Polygon()}
        return borders._Zones(
            seas={"caspian": box},
            belts_open=one,
            belts_partitioned=one,
            gaps={},
            airspace_open={"ARM": box},
            airspace_partitioned={"ARM": box},
        )

    monkeypatch.setattr(borders, "_build_zones", fake)
    monkeypatch.setattr(settings, "use_cache", True)
    borders._zones_cached.cache_clear()
    yield calls
    borders._zones_cached.cache_clear()


def _zones() -> Any:
    borders._zones_cached.cache_clear()
    return borders._zones()


def test_zones_cache_hit_and_planted_pickle(
    counted_zones: list[float], cache_dir: Path, tmp_path: Path
) -> None:
    first = _zones()
    assert counted_zones == [settings.territorial_sea_m]
    (path,) = cache_dir.glob("zones-*")
    assert path.suffix == ".npz"  # WKB in an npz: a warm air route reads it without pandas
    again = _zones()
    assert len(counted_zones) == 1
    assert again.seas["caspian"].equals(first.seas["caspian"])
    assert again.belts_open["ALB"].is_empty and again.gaps == {}

    marker = tmp_path / "pwned"
    _plant_pickle(path, marker)
    with pytest.warns(CacheWarning):
        _zones()
    assert not marker.exists() and len(counted_zones) == 2
    _zones()
    assert len(counted_zones) == 2


def test_zones_key_follows_territorial_sea_width(
    counted_zones: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    _zones()
    monkeypatch.setattr(settings, "territorial_sea_m", 6 * 1852.0)
    _zones()
    assert counted_zones == [12 * 1852.0, 6 * 1852.0]


def test_no_pickle_in_the_package() -> None:
    src = Path(network.__file__).parent
    offenders = [
        p.name
        for p in src.rglob("*.py")
        if "import pickle" in p.read_text() or "pickle.load" in p.read_text()
    ]
    assert offenders == []
