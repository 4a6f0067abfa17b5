"""Speeds, graph building from XML / PBF, the array form and its cache."""

from __future__ import annotations

import ast
import itertools
import json
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from xml.sax import SAXException

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor import _cache, geo
from corridor._errors import (
    DataError,
)

if TYPE_CHECKING:
    import networkx as nx
    from numpy.typing import NDArray

from corridor.osm._common import _CACHE_VERSION, _FORMATS, _KEEP_NODES, _NODE_TAGS, SPEEDS_KPH
from corridor.osm._graph import RoadGraph

# --------------------------------------------------------------------------- speeds


def _speed_table(speeds: Mapping[str, float] | None) -> dict[str, float]:
    table = dict(SPEEDS_KPH)
    for key, value in (speeds or {}).items():
        try:
            kph = float(value)
        except (TypeError, ValueError):
            kph = float("nan")
        if not isinstance(key, str) or not (0 < kph < 300):
            msg = (
                f"speeds must map highway classes to km/h in (0, 300), got {key!r}: {value!r}; "
                f"classes in the default table: {', '.join(SPEEDS_KPH)}"
            )
            raise DataError(msg)
        table[key] = kph
    return table


def _as_list(value: Any) -> list[Any]:
    """Return a tag value as a list (osmnx merges differing values; GraphML stringifies)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
        return list(parsed) if isinstance(parsed, list) else [value]
    if isinstance(value, float) and np.isnan(value):
        return []
    return [value]


_MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?\s*$", re.IGNORECASE)


def _parse_maxspeed(value: Any) -> float | None:
    """Numeric ``maxspeed`` in km/h (lowest of several), or None for "none", "GE:rural" etc."""
    found: list[float] = []
    for item in _as_list(value):
        if isinstance(item, int | float):
            found.append(float(item))
            continue
        for token in re.split(r"[;|,]", str(item)):
            m = _MAXSPEED.match(token)
            if m:
                kph = float(m.group(1)) * (1.609344 if (m.group(2) or "").lower() == "mph" else 1)
                found.append(kph)
    found = [s for s in found if 1.0 < s <= 250.0]
    return min(found) if found else None


def _edge_speed(data: Mapping[str, Any], table: Mapping[str, float]) -> float:
    limit = _parse_maxspeed(data.get("maxspeed"))
    if limit is not None:
        return limit
    known = [table[c] for c in _as_list(data.get("highway")) if c in table]
    return sum(known) / len(known) if known else table["road"]


def _geodesic_lengths_m(geoms: Sequence[BaseGeometry]) -> NDArray[np.float64]:
    """Geodesic length of each line, metres, vectorised over all segments."""
    coords, index = shapely.get_coordinates(np.asarray(geoms, dtype=object), return_index=True)
    if coords.shape[0] < 2:
        return np.zeros(len(geoms))
    same = index[1:] == index[:-1]
    _, _, dist = geo.GEOD.inv(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1])
    dist = np.where(same, np.asarray(dist, dtype=np.float64), 0.0)
    return np.bincount(index[:-1], weights=dist, minlength=len(geoms)).astype(np.float64)


def _annotate(G: nx.MultiDiGraph, table: Mapping[str, float]) -> None:
    """Set ``length`` (geodesic metres), ``speed_kph`` and ``travel_time`` (s) on every edge."""
    edges = list(G.edges(keys=True, data=True))
    lengths = np.zeros(len(edges), dtype=np.float64)
    curved: list[int] = []
    geoms: list[BaseGeometry] = []
    straight: list[int] = []
    ends: list[tuple[Any, Any]] = []
    for j, (u, v, _, data) in enumerate(edges):
        geom = data.get("geometry")
        if geom is None:
            straight.append(j)
            ends.append((u, v))
        else:
            curved.append(j)
            geoms.append(geom)
    if geoms:
        lengths[curved] = _geodesic_lengths_m(geoms)
    if straight:
        nodes = G.nodes
        n = len(ends)
        x1 = np.fromiter((nodes[u]["x"] for u, _ in ends), dtype=np.float64, count=n)
        y1 = np.fromiter((nodes[u]["y"] for u, _ in ends), dtype=np.float64, count=n)
        x2 = np.fromiter((nodes[v]["x"] for _, v in ends), dtype=np.float64, count=n)
        y2 = np.fromiter((nodes[v]["y"] for _, v in ends), dtype=np.float64, count=n)
        lengths[straight] = geo.GEOD.inv(x1, y1, x2, y2)[2]
    speeds: dict[tuple[str, str], float] = {}  # few distinct (maxspeed, highway) pairs
    for (_, _, _, data), length in zip(edges, lengths.tolist(), strict=True):
        key = (str(data.get("maxspeed")), str(data.get("highway")))
        kph = speeds.get(key)
        if kph is None:
            kph = speeds[key] = _edge_speed(data, table)
        data["length"] = length
        data["speed_kph"] = kph
        data["travel_time"] = length / (kph / 3.6)


# --------------------------------------------------------------------------- graph building


@contextmanager
def _ox_settings(**values: Any) -> Iterator[None]:
    """Set osmnx settings for the duration of a call, then restore them."""
    import osmnx as ox

    saved = {key: getattr(ox.settings, key) for key in values}
    try:
        for key, value in values.items():
            setattr(ox.settings, key, value)
        yield
    finally:
        for key, value in saved.items():
            setattr(ox.settings, key, value)


def _node_tags() -> list[str]:
    import osmnx as ox

    tags = list(ox.settings.useful_tags_node)
    return tags + [t for t in _NODE_TAGS if t not in tags]


def _is_drivable(data: Mapping[str, Any], highways: Collection[str]) -> bool:
    if str(data.get("area", "no")).lower() == "yes":
        return False
    return any(c in highways for c in _as_list(data.get("highway")))


def _prepare(
    G: nx.MultiDiGraph,
    *,
    source: str,
    highways: Collection[str],
    retain_all: bool,
    table: Mapping[str, float],
) -> nx.MultiDiGraph:
    """Drivable classes only, largest component, simplified, speeds and times on every edge."""
    import networkx as nx
    import osmnx as ox

    verdicts: dict[tuple[str, str], bool] = {}  # few distinct (highway, area) pairs
    drop = []
    for u, v, k, d in G.edges(keys=True, data=True):
        key = (str(d.get("highway")), str(d.get("area")))
        keep = verdicts.get(key)
        if keep is None:
            keep = verdicts[key] = _is_drivable(d, highways)
        if not keep:
            drop.append((u, v, k))
    G.remove_edges_from(drop)
    G.remove_nodes_from(list(nx.isolates(G)))
    if G.number_of_edges() == 0:
        msg = (
            f"{source}: no drivable roads in the extract (kept highway classes: "
            f"{', '.join(sorted(highways))}); give an extract with OSM ways tagged highway=*"
        )
        raise DataError(msg)
    if not retain_all:
        biggest = max(nx.weakly_connected_components(G), key=len)
        if len(biggest) < G.number_of_nodes():
            G = G.subgraph(biggest).copy()
    if not G.graph.get("simplified", False):
        with _ox_settings(log_console=False):
            G = ox.simplify_graph(
                G,
                node_attrs_include=_KEEP_NODES,
                edge_attrs_differ=("highway", "maxspeed"),
                remove_rings=False,
            )
    _annotate(G, table)
    G.graph["crs"] = "epsg:4326"
    G.graph["corridor_speeds_kph"] = json.dumps(dict(table), sort_keys=True)
    return G


def _graph_from_xml(path: Path) -> nx.MultiDiGraph:
    import osmnx as ox
    from osmnx._errors import InsufficientResponseError

    with _ox_settings(useful_tags_node=_node_tags(), log_console=False):
        try:
            return ox.graph_from_xml(path, simplify=False, retain_all=True)
        except InsufficientResponseError as exc:
            msg = f"{path}: the OSM extract holds no nodes or ways; accepted: {_FORMATS}"
            raise DataError(msg) from exc
        except (
            ET.ParseError,
            SAXException,
            UnicodeDecodeError,
            OSError,
            EOFError,
            ValueError,
            KeyError,
            TypeError,
        ) as exc:
            msg = f"{path}: not a readable OSM XML file ({exc}); accepted: {_FORMATS}"
            raise DataError(msg) from exc


_HSTORE = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def _hstore(text: Any) -> dict[str, str]:
    """GDAL's ``other_tags`` (``"k"=>"v","k2"=>"v2"``) as a dict."""
    if not isinstance(text, str):
        return {}
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in _HSTORE.findall(text)}


def _graph_from_ogr(path: Path, highways: Collection[str]) -> nx.MultiDiGraph:
    """Road graph from an OSM file through GDAL's OSM driver (for ``.osm.pbf``).

    Ways (the ``lines`` layer) are split at vertices shared by several ways, at
    their end points and at nodes tagged ``barrier`` or ``mountain_pass`` (from
    the ``points`` layer). One-way ways follow osmnx's rules.
    """
    import networkx as nx
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError, FeatureError, FieldError

    try:
        lines = pyogrio.read_dataframe(
            path,
            layer="lines",
            columns=["osm_id", "name", "highway", "other_tags"],
            USE_CUSTOM_INDEXING="NO",
        )
        points = pyogrio.read_dataframe(
            path,
            layer="points",
            columns=["osm_id", "name", "barrier", "other_tags"],
            USE_CUSTOM_INDEXING="NO",
        )
    except (DataSourceError, DataLayerError, FeatureError, FieldError, OSError) as exc:
        msg = f"{path}: not a readable OSM PBF file ({exc}); accepted: {_FORMATS}"
        raise DataError(msg) from exc

    lines = lines[lines["highway"].isin(list(highways)) & lines.geometry.notna()]
    tags = [_hstore(t) for t in lines["other_tags"]]
    keep = np.array([t.get("area", "no") != "yes" for t in tags], dtype=bool)
    lines = lines[keep]
    tags = [t for t, k in zip(tags, keep, strict=True) if k]

    tagged: dict[tuple[float, float], dict[str, Any]] = {}
    for osm_id, name, barrier, other, geom in zip(
        points["osm_id"], points["name"], points["barrier"], points["other_tags"],
        points.geometry, strict=True,
    ):  # fmt: skip
        extra = _hstore(other)
        attrs: dict[str, Any] = {}
        if isinstance(barrier, str):
            attrs["barrier"] = barrier
        if "mountain_pass" in extra:
            attrs["mountain_pass"] = extra["mountain_pass"]
        if not attrs or geom is None:
            continue
        if isinstance(name, str):
            attrs["name"] = name
        if "ele" in extra:
            attrs["ele"] = extra["ele"]
        attrs["osmid"] = int(osm_id)
        tagged[(geom.x, geom.y)] = attrs

    G = nx.MultiDiGraph(crs="epsg:4326", simplified=True, created_with="corridor (GDAL OSM)")
    if len(lines) == 0:
        return G
    coords, line_of = shapely.get_coordinates(lines.geometry.to_numpy(), return_index=True)
    uniq, vid = np.unique(coords, axis=0, return_inverse=True)
    vid = vid.ravel()
    # drop consecutive repeats of a vertex within a way
    dup = np.zeros(vid.size, dtype=bool)
    dup[1:] = (vid[1:] == vid[:-1]) & (line_of[1:] == line_of[:-1])
    vid, line_of = vid[~dup], line_of[~dup]
    is_node = np.bincount(vid, minlength=len(uniq)) >= 2
    starts = np.flatnonzero(np.r_[True, line_of[1:] != line_of[:-1]])
    ends = np.r_[starts[1:], vid.size] - 1
    is_node[vid[starts]] = True
    is_node[vid[ends]] = True
    if tagged:  # tagged points on a way split it: border posts and passes stay nodes
        txy = np.array(list(tagged), dtype=np.float64)
        pos = np.searchsorted(uniq[:, 0], txy[:, 0], side="left")
        for (tx, ty), p in zip(txy, pos, strict=True):
            while p < len(uniq) and uniq[p, 0] == tx:
                if uniq[p, 1] == ty:
                    is_node[p] = True
                    break
                p += 1

    node_vids = np.flatnonzero(is_node)
    node_id = np.zeros(len(uniq), dtype=np.int64)
    node_id[node_vids] = -(np.arange(node_vids.size, dtype=np.int64) + 1)
    for i in node_vids:
        x, y = float(uniq[i, 0]), float(uniq[i, 1])
        attrs = dict(tagged.get((x, y), {}))
        if "osmid" in attrs:
            node_id[i] = attrs.pop("osmid")
        G.add_node(int(node_id[i]), x=x, y=y, **attrs)

    ways = lines["osm_id"].astype("int64").to_numpy()
    classes = lines["highway"].to_numpy()
    names = lines["name"].to_numpy()
    for row, (lo, hi) in enumerate(zip(starts, ends + 1, strict=True)):
        wv = vid[lo:hi]
        if wv.size < 2:
            continue
        wxy = uniq[wv]
        t = tags[row]
        attrs = {"osmid": int(ways[row]), "highway": str(classes[row])}
        if isinstance(names[row], str):
            attrs["name"] = names[row]
        for key in ("ref", "maxspeed", "lanes", "bridge", "tunnel", "junction", "access"):
            if key in t:
                attrs[key] = t[key]
        oneway_tag = t.get("oneway", "").lower()
        reverse = oneway_tag in {"-1", "reverse"}
        oneway = reverse or oneway_tag in {"yes", "true", "1"} or t.get("junction") == "roundabout"
        cut = np.flatnonzero(is_node[wv])
        for a, b in itertools.pairwise(cut):
            u, v = int(node_id[wv[a]]), int(node_id[wv[b]])
            piece = wxy[a : b + 1]
            if reverse:
                G.add_edge(v, u, **attrs, oneway=True, reversed=True,
                           geometry=shapely.LineString(piece[::-1]))  # fmt: skip
                continue
            G.add_edge(u, v, **attrs, oneway=oneway, reversed=False,
                       geometry=shapely.LineString(piece))  # fmt: skip
            if not oneway:
                G.add_edge(v, u, **attrs, oneway=False, reversed=True,
                           geometry=shapely.LineString(piece[::-1]))  # fmt: skip
    return G


# --------------------------------------------------------------------------- array form


def _arrays_from_graph(G: nx.MultiDiGraph) -> dict[str, NDArray[Any]]:
    """Build the compact array form of an annotated graph (see :class:`RoadGraph`)."""
    try:
        node_ids = np.fromiter(G.nodes, dtype=np.int64, count=G.number_of_nodes())
    except (TypeError, ValueError, OverflowError) as exc:
        msg = f"road graph node ids must be integers (OSM node ids): {exc}"
        raise DataError(msg) from exc
    pos = {int(n): i for i, n in enumerate(node_ids)}
    xs = np.array([G.nodes[n]["x"] for n in G.nodes], dtype=np.float64)
    ys = np.array([G.nodes[n]["y"] for n in G.nodes], dtype=np.float64)
    m = G.number_of_edges()
    eu = np.empty(m, dtype=np.int64)
    ev = np.empty(m, dtype=np.int64)
    ek = np.empty(m, dtype=np.int64)
    length = np.empty(m, dtype=np.float64)
    time = np.empty(m, dtype=np.float64)
    way_counts = np.empty(m, dtype=np.int64)
    way_ids: list[int] = []
    geom_edges: list[int] = []
    geoms: list[BaseGeometry] = []
    for j, (u, v, k, d) in enumerate(G.edges(keys=True, data=True)):
        eu[j], ev[j], ek[j] = pos[u], pos[v], k
        length[j], time[j] = d["length"], d["travel_time"]
        ways = [int(w) for w in _as_list(d.get("osmid"))]
        way_counts[j] = len(ways)
        way_ids.extend(ways)
        geom = d.get("geometry")
        if geom is not None:
            geom_edges.append(j)
            geoms.append(geom)
    way_ptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(way_counts, out=way_ptr[1:])

    counts = np.full(m, 2, dtype=np.int64)
    gxy, gidx = shapely.get_coordinates(np.asarray(geoms, dtype=object), return_index=True)
    gedges = np.asarray(geom_edges, dtype=np.int64)
    counts[gedges] = np.bincount(gidx, minlength=len(geoms))
    geom_ptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(counts, out=geom_ptr[1:])
    geom_xy = np.empty((int(geom_ptr[-1]), 2), dtype=np.float64)
    straight = np.ones(m, dtype=bool)
    straight[gedges] = False
    s = np.flatnonzero(straight)
    geom_xy[geom_ptr[s]] = np.column_stack((xs[eu[s]], ys[eu[s]]))
    geom_xy[geom_ptr[s] + 1] = np.column_stack((xs[ev[s]], ys[ev[s]]))
    if gedges.size:
        first = np.zeros(len(geoms) + 1, dtype=np.int64)
        np.cumsum(counts[gedges], out=first[1:])
        within = np.arange(gxy.shape[0]) - first[gidx]
        geom_xy[geom_ptr[gedges][gidx] + within] = gxy

    named = [(int(n), str(d["name"])) for n, d in G.nodes(data=True) if d.get("name")]
    meta = {str(k): str(v) for k, v in G.graph.items()}
    return {
        "node_ids": node_ids,
        "lon": xs,
        "lat": ys,
        "edge_u": eu,
        "edge_v": ev,
        "edge_key": ek,
        "edge_length_m": length,
        "edge_time_s": time,
        "edge_way_ptr": way_ptr,
        "edge_way_ids": np.asarray(way_ids, dtype=np.int64),
        "geom_ptr": geom_ptr,
        "geom_xy": geom_xy,
        "name_ids": np.asarray([n for n, _ in named], dtype=np.int64),
        "name_text": np.asarray([t for _, t in named], dtype=str),
        "meta": np.asarray(json.dumps(meta, sort_keys=True)),
    }


_ARRAY_FIELDS = (
    "node_ids",
    "lon",
    "lat",
    "edge_u",
    "edge_v",
    "edge_key",
    "edge_length_m",
    "edge_time_s",
    "edge_way_ptr",
    "edge_way_ids",
    "geom_ptr",
    "geom_xy",
)


def _road_graph(
    arrays: Mapping[str, NDArray[Any]],
    *,
    source: Path | None,
    loader: Callable[[], nx.MultiDiGraph] | None,
    from_cache: bool,
) -> RoadGraph:
    names = dict(
        zip(
            (int(i) for i in arrays["name_ids"]),
            (str(t) for t in arrays["name_text"]),
            strict=True,
        )
    )
    fields = {name: np.asarray(arrays[name]) for name in _ARRAY_FIELDS}
    for value in fields.values():
        value.flags.writeable = False  # closures are masks, never edits
    return RoadGraph(
        **fields,
        node_names=MappingProxyType(names),
        meta=MappingProxyType(json.loads(str(arrays["meta"]))),
        source=source,
        from_cache=from_cache,
        graph_loader=loader,
    )


def _cache_path(path: Path) -> Path:
    return path.with_name(path.name + ".arrays.npz")


def _cache_key(
    path: Path, table: Mapping[str, float], highways: Collection[str], retain_all: bool
) -> str:
    st = path.stat()
    key = {
        "version": _CACHE_VERSION,
        "source_mtime_ns": st.st_mtime_ns,
        "source_size": st.st_size,
        "speeds_kph": dict(table),
        "highways": sorted(highways),
        "retain_all": retain_all,
    }
    return json.dumps(key, sort_keys=True)


def _read_array_cache(npz: Path, key: str) -> dict[str, NDArray[Any]] | None:
    """Return the cached arrays (validated by :mod:`corridor._cache`), or None."""
    arrays = _cache.load_arrays(npz, {"key": key})
    if arrays is None:
        return None
    m = arrays["edge_u"].shape[0] if "edge_u" in arrays else -1
    n = arrays["node_ids"].shape[0] if "node_ids" in arrays else -1
    expected = {*_ARRAY_FIELDS, "name_ids", "name_text", "meta"}
    if (
        set(arrays) != expected
        or any(arrays[f].shape != (n,) for f in ("lon", "lat"))
        or any(arrays[f].shape != (m,) for f in ("edge_v", "edge_key", "edge_length_m"))
        or arrays["edge_way_ptr"].shape != (m + 1,)
        or arrays["geom_ptr"].shape != (m + 1,)
        or (m and not (arrays["edge_u"].min() >= 0 and arrays["edge_u"].max() < n))
        or (m and not (arrays["edge_v"].min() >= 0 and arrays["edge_v"].max() < n))
    ):
        warnings.warn(
            f"ignoring inconsistent road array cache {npz}; rebuilding it",
            _cache.CacheWarning,
            stacklevel=2,
        )
        return None
    return arrays


def _write_array_cache(npz: Path, arrays: Mapping[str, NDArray[Any]], key: str) -> bool:
    return _cache.save_arrays(npz, arrays, {"key": key})
