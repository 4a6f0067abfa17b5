"""The network's disk cache, and the plain columns a warm route reads instead of frames.

A warm ``corridor route`` must not pay for importing pandas, geopandas and pyarrow
(~0.4 s, more than the search itself). So the network cache holds two layers:

* ``network-arrays-KEY.npz`` (:func:`corridor._cache.save_arrays`: ``allow_pickle=False``,
  JSON metadata inside, validated on load): the routing arrays of
  :class:`~corridor.network.TransitNetwork` (edge ends, km, hours, modes, country
  masks, dwell hours, hours per traffic class), the small per-node and per-edge
  :class:`Columns` that routing, place look-up and the CLI text and JSON output need
  (ids, names, kinds, countries, statuses, ICAO/IATA codes, lon/lat, runways, the
  countries each edge crosses and
  every edge's line as flat coordinates plus offsets), and the parsed ground tables
  (:class:`corridor._ground.GroundTables`) as JSON. A warm load reads only this file.
* ``network-nodes-KEY.parquet`` and ``network-edges-KEY.parquet`` (GeoParquet): the full
  ``nodes`` / ``edges`` GeoDataFrames, read only when something first touches
  ``net.nodes`` or ``net.edges`` (maps, analysis, exports, notebooks), through
  :class:`FrameLoader`. An invalid frame file is reported with a
  :class:`~corridor._cache.CacheWarning` and the frames are rebuilt from the data.

The columns of a network built from its files (or changed with
:func:`dataclasses.replace`) are derived from its frames (:func:`columns_from_frames`)
and equal those read back from the cache, so cold and warm runs give the same answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from corridor import _cache, _ground

if TYPE_CHECKING:
    from collections.abc import Callable

    import geopandas as gpd
    from numpy.typing import NDArray

    from corridor.network import TransitNetwork

__all__ = [
    "ARRAY_NAMES",
    "Columns",
    "FrameLoader",
    "columns_from_frames",
    "ground_from_json",
    "ground_to_json",
    "read_arrays",
    "write_cache",
]

#: Routing arrays of a TransitNetwork, one value per edge.
ARRAY_NAMES = ("edge_u", "edge_v", "edge_km", "edge_hours", "edge_mode", "edge_mask")
_DWELL_NAMES = ("edge_dwell_fwd", "edge_dwell_back")
_TUPLE_COLUMNS = ("countries", "territories")
#: Per-node string columns of :class:`Columns` and the frame column each comes from.
_NODE_TEXT = {
    "node_name": "name",
    "node_kind": "kind",
    "node_country": "country",
    "node_country_b": "country_b",
    "node_status": "status",
    "node_icao": "icao",
    "node_iata": "iata",
}


@dataclass(frozen=True, eq=False)
class Columns:
    """Plain per-node and per-edge columns of a network (no pandas), in array order.

    Node columns follow :attr:`TransitNetwork.node_ids`, edge columns the edge
    arrays. Text is stored as the frames hold it (``""`` for none).
    """

    node_name: tuple[str, ...]
    node_kind: tuple[str, ...]
    node_country: tuple[str, ...]
    node_country_b: tuple[str, ...]
    node_status: tuple[str, ...]
    node_icao: tuple[str, ...]
    node_iata: tuple[str, ...]
    node_lon: NDArray[np.float64]
    node_lat: NDArray[np.float64]
    node_runway_m: NDArray[np.float64]  # NaN where the data gives no runway length
    edge_ids: tuple[str, ...]
    edge_status: tuple[str, ...]
    edge_countries: tuple[tuple[str, ...], ...]  # land countries crossed, in order
    edge_xy: NDArray[np.float64]  # (vertices, 2): every edge line's lon/lat, edge after edge
    edge_offsets: NDArray[np.int64]  # edge k's vertices are edge_xy[offsets[k]:offsets[k+1]]

    def edge_coords(self, k: int) -> list[tuple[float, float]]:
        """Vertices of edge ``k``'s line as ``(lon, lat)`` tuples, u to v."""
        part = self.edge_xy[self.edge_offsets[k] : self.edge_offsets[k + 1]]
        return [(x, y) for x, y in part.tolist()]


def columns_from_frames(net: TransitNetwork) -> Columns:
    """Return the :class:`Columns` of a network from its ``nodes`` and ``edges`` frames."""
    nodes, edges = net.nodes, net.edges
    text = {attr: tuple(str(v) for v in nodes[col].tolist()) for attr, col in _NODE_TEXT.items()}
    points = nodes.geometry.to_numpy()
    lines = edges.geometry.to_numpy()
    counts = shapely.get_num_coordinates(lines)
    offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return Columns(
        **text,
        node_lon=np.asarray(shapely.get_x(points), dtype=np.float64),
        node_lat=np.asarray(shapely.get_y(points), dtype=np.float64),
        node_runway_m=nodes["runway_m"].to_numpy(dtype=np.float64),
        edge_ids=tuple(str(e) for e in edges.index.tolist()),
        edge_status=tuple(str(s) for s in edges["status"].tolist()),
        edge_countries=tuple(tuple(str(c) for c in cs) for cs in edges["countries"].tolist()),
        edge_xy=np.asarray(shapely.get_coordinates(lines), dtype=np.float64).reshape(-1, 2),
        edge_offsets=offsets,
    )


# --------------------------------------------------------------------------- ground tables

#: Row classes of the ground tables, by the name their JSON rows carry.
_ROWS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        _ground.Speed,
        _ground.SpeedLimit,
        _ground.Default,
        _ground.Dwell,
        _ground.DwellEpisode,
        _ground.Conversion,
        _ground.Capacity,
        _ground.StatusSpan,
    )
}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"row": type(value).__name__, "fields": fields}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, float) and not np.isfinite(value):
        return {"float": repr(value)}  # JSON has no NaN/inf; keep them exact and explicit
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"date"}:
            return dt.date.fromisoformat(value["date"])
        if set(value) == {"float"}:
            return float(value["float"])
        cls = _ROWS[value["row"]]
        return cls(**{k: _decode(v) for k, v in value["fields"].items()})
    return value


def ground_to_json(tables: _ground.GroundTables) -> str:
    """Serialise ground tables to JSON (rows by class name, dates as ISO text)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(tables):
        value = getattr(tables, f.name)
        if isinstance(value, tuple):
            out[f.name] = {"rows": _encode(value)}
        else:  # a mapping: keys may be tuples (speeds), so store items
            out[f.name] = {"items": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return json.dumps(out, sort_keys=True, allow_nan=False)


def ground_from_json(text: str) -> _ground.GroundTables:
    """Read ground tables written by :func:`ground_to_json`.

    Raises
    ------
    ValueError, KeyError, TypeError
        When the text is not such a serialisation (the caller rebuilds).
    """
    data = json.loads(text)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(_ground.GroundTables):
        entry = data[f.name]
        if "rows" in entry:
            kwargs[f.name] = _decode(entry["rows"])
        else:
            kwargs[f.name] = _ground.FrozenMap({_decode(k): _decode(v) for k, v in entry["items"]})
    if set(data) != set(kwargs):
        msg = f"ground tables have fields {sorted(data)}, expected {sorted(kwargs)}"
        raise KeyError(msg)
    return _ground.GroundTables(**kwargs)


# --------------------------------------------------------------------------- the npz layer


def _frame_paths(key: str, folder: Path | None) -> tuple[Path, Path]:
    _, nodes_path, edges_path = _paths(key)
    if folder is None:
        return nodes_path, edges_path
    return folder / nodes_path.name, folder / edges_path.name


def _paths(key: str) -> tuple[Path, Path, Path]:
    return (
        _cache.cache_path("network-arrays", key, ".npz"),
        _cache.cache_path("network-nodes", key, ".parquet"),
        _cache.cache_path("network-edges", key, ".parquet"),
    )


def _text(values: tuple[str, ...]) -> NDArray[np.str_]:
    # an explicit width: np.asarray of an empty tuple would be float
    width = max((len(v) for v in values), default=1) or 1
    return np.asarray(values, dtype=f"<U{width}").reshape(len(values))


def write_cache(net: TransitNetwork, key: str) -> None:
    """Store a network: arrays, columns and ground tables (npz) and its frames (GeoParquet)."""
    meta = {"key": key}
    save_frames(net.nodes, net.edges, key)
    cols = net.cols
    arrays: dict[str, NDArray[Any]] = {name: getattr(net, name) for name in ARRAY_NAMES}
    for name in _DWELL_NAMES:
        value = getattr(net, name)
        if value is not None:
            arrays[name] = np.asarray(value, dtype=np.float64)
    for traffic, (fwd, back) in net.edge_dwell_class.items():
        arrays[f"dwell_{traffic}_fwd"] = np.asarray(fwd, dtype=np.float64)
        arrays[f"dwell_{traffic}_back"] = np.asarray(back, dtype=np.float64)
    for traffic, hours in net.edge_hours_class.items():
        arrays[f"hours_{traffic}"] = np.asarray(hours, dtype=np.float64)
    arrays["countries"] = _text(net.countries)
    arrays["node_ids"] = _text(net.node_ids)
    for f in dataclasses.fields(cols):
        value = getattr(cols, f.name)
        if f.name == "edge_countries":
            arrays[f.name] = _text(tuple(";".join(cs) for cs in value))
        elif isinstance(value, tuple):
            arrays[f.name] = _text(value)
        else:
            arrays[f.name] = np.asarray(value)
    arrays["ground_json"] = np.frombuffer(ground_to_json(net.ground).encode(), dtype=np.uint8)
    _cache.save_arrays(_paths(key)[0], arrays, meta)


def save_frames(
    nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame, key: str, folder: Path | None = None
) -> None:
    """Store the nodes and edges frames as GeoParquet (tuple columns joined by ``;``)."""
    meta = {"key": key}
    nodes_path, edges_path = _frame_paths(key, folder)
    flat = edges.copy()
    for col in _TUPLE_COLUMNS:
        flat[col] = [";".join(t) for t in flat[col]]
    _cache.save_frame(nodes_path, nodes, meta)
    _cache.save_frame(edges_path, flat, meta)


@dataclass(frozen=True)
class Cached:
    """What a warm load reads from the npz layer, checked for consistency."""

    arrays: dict[str, NDArray[Any]]
    countries: tuple[str, ...]
    node_ids: tuple[str, ...]
    cols: Columns
    ground: _ground.GroundTables
    dwell_class: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]
    hours_class: dict[str, NDArray[np.float64]] = dataclasses.field(default_factory=dict)


def _inconsistent(path: Path, problem: str) -> None:
    warnings.warn(
        f"ignoring inconsistent network cache {path} ({problem}); rebuilding it",
        _cache.CacheWarning,
        stacklevel=3,
    )


def read_arrays(key: str) -> Cached | None:
    """Read the npz layer of a cached network, or None to rebuild (warned when invalid)."""
    path = _paths(key)[0]
    arrays = _cache.load_arrays(path, {"key": key})
    if arrays is None:
        return None
    names = {f.name for f in dataclasses.fields(Columns)}
    need = set(ARRAY_NAMES) | {"countries", "node_ids", "ground_json"} | names
    if not need <= set(arrays):
        _inconsistent(path, f"missing {sorted(need - set(arrays))}")
        return None
    n, m = len(arrays["node_ids"]), len(arrays["edge_u"])
    offsets = arrays["edge_offsets"]
    classes = [k[6:-4] for k in arrays if k.startswith("dwell_") and k.endswith("_fwd")]
    dwell_names = [f"dwell_{t}_{side}" for t in classes for side in ("fwd", "back")]
    if not set(dwell_names) <= set(arrays):
        _inconsistent(path, "a traffic class lacks its backward dwell hours")
        return None
    hours_names = [k for k in arrays if k.startswith("hours_")]
    node_cols = [k for k in names if k.startswith("node_")]
    edge_cols = ["edge_ids", "edge_status", "edge_countries"]
    shapes_ok = (
        all(arrays[k].shape == (m,) for k in (*ARRAY_NAMES, *edge_cols))
        and all(arrays[k].shape == (m,) for k in _DWELL_NAMES if k in arrays)
        and all(arrays[k].shape == (m,) and arrays[k].dtype == np.float64 for k in dwell_names)
        and all(arrays[k].shape == (m,) and arrays[k].dtype == np.float64 for k in hours_names)
        and all(arrays[k].shape == (n,) for k in node_cols)
        and offsets.shape == (m + 1,)
        and arrays["edge_xy"].ndim == 2
        and arrays["edge_xy"].shape[1] == 2
        and arrays["ground_json"].dtype == np.uint8
    )
    if not shapes_ok:
        _inconsistent(path, "array lengths disagree")
        return None
    in_range = bool(
        ((arrays["edge_u"] >= 0) & (arrays["edge_u"] < n)).all()
        and ((arrays["edge_v"] >= 0) & (arrays["edge_v"] < n)).all()
        and offsets[0] == 0
        and (np.diff(offsets) >= 0).all()
        and offsets[-1] == len(arrays["edge_xy"])
    )
    if not in_range:
        _inconsistent(path, "edge ends or line offsets out of range")
        return None
    try:
        ground = ground_from_json(arrays["ground_json"].tobytes().decode("utf-8"))
    except (ValueError, KeyError, TypeError) as exc:  # UnicodeDecodeError is a ValueError
        _inconsistent(path, f"ground tables: {type(exc).__name__}: {exc}")
        return None
    text: dict[str, Any] = {}
    for k in names:
        arr = arrays[k]
        if k == "edge_countries":
            text[k] = tuple(tuple(s.split(";")) if s else () for s in arr.tolist())
        elif arr.dtype.kind == "U":
            text[k] = tuple(arr.tolist())
        else:
            text[k] = arr
    return Cached(
        arrays=arrays,
        countries=tuple(arrays["countries"].tolist()),
        node_ids=tuple(arrays["node_ids"].tolist()),
        cols=Columns(**text),
        ground=ground,
        dwell_class={t: (arrays[f"dwell_{t}_fwd"], arrays[f"dwell_{t}_back"]) for t in classes},
        hours_class={k[6:]: arrays[k] for k in hours_names},
    )


# --------------------------------------------------------------------------- lazy frames


def read_frames(
    key: str, node_ids: tuple[str, ...], n_edges: int, folder: Path | None = None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    """Read the cached frames of a network, or None (missing, stale or invalid: warned)."""
    import geopandas as gpd

    meta = {"key": key}
    nodes_path, edges_path = _frame_paths(key, folder)
    nodes = _cache.load_frame(nodes_path, meta)
    edges = _cache.load_frame(edges_path, meta)
    if nodes is None or edges is None:
        return None
    consistent = (
        isinstance(nodes, gpd.GeoDataFrame)
        and isinstance(edges, gpd.GeoDataFrame)
        and tuple(str(i) for i in nodes.index) == node_ids
        and len(edges) == n_edges
        and all(c in edges.columns for c in _TUPLE_COLUMNS)
    )
    if not consistent:
        _inconsistent(nodes_path, "frames and arrays disagree")
        return None
    for col in _TUPLE_COLUMNS:
        edges[col] = [tuple(s.split(";")) if s else () for s in edges[col]]
    return nodes, edges


class FrameLoader:
    """Loads a cached network's frames on first use (picklable: names and a partial).

    The frames are read from the cache folder the network's arrays came from;
    ``rebuild`` (a module-level function, looked up at call time) rebuilds them
    from the data when the cached files are missing or invalid.
    """

    def __init__(
        self,
        key: str,
        node_ids: tuple[str, ...],
        n_edges: int,
        rebuild: Callable[[], tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]],
    ) -> None:
        self.key, self.node_ids, self.n_edges, self.rebuild = key, node_ids, n_edges, rebuild
        self.folder = _paths(key)[0].parent  # settings.cache_folder when the arrays were read
        self._frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None = None

    def frame(self, name: str) -> gpd.GeoDataFrame:
        """Return the ``"nodes"`` or ``"edges"`` frame, loading both on the first call."""
        if self._frames is None:
            frames = read_frames(self.key, self.node_ids, self.n_edges, self.folder)
            if frames is None:
                frames = self.rebuild()
                save_frames(*frames, self.key, self.folder)
            self._frames = frames
        return self._frames[0] if name == "nodes" else self._frames[1]


class FrameSlot:
    """Data descriptor behind ``TransitNetwork.nodes`` / ``.edges``.

    Holds a frame, or a :class:`FrameLoader` that supplies it on first access; the
    frozen dataclass's ``__init__`` sets it, nothing else can (``FrozenInstanceError``).
    """

    def __init__(self, name: str) -> None:
        self.name, self.slot = name, f"_frame_{name}"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.slot]
        if isinstance(value, FrameLoader):
            value = value.frame(self.name)
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value

    def loaded(self, obj: Any) -> bool:
        """Whether the frame of ``obj`` is in memory (not waiting for its loader)."""
        return not isinstance(obj.__dict__.get(self.slot), FrameLoader)
