"""Real road geometry from OpenStreetMap: load or fetch road graphs, route on arrays, refine legs.

The curated transit network holds strategic road legs (Vladikavkaz - Upper Lars -
Tbilisi - Bagratashen - Yerevan) drawn as straight or schematic lines. This
module replaces them with the real road: true length, travel time over the
passes, the exact line, and what a closed bridge, pass or border post does.

Sources (every one ends in the same :class:`RoadGraph`):

* an OSM XML extract (``.osm``, ``.osm.bz2``, ``.osm.gz``) through
  :func:`osmnx.graph_from_xml`;
* an OSM PBF extract (``.osm.pbf``) through pyogrio's (GDAL's) OSM driver;
* a GraphML file written by osmnx or corridor (:func:`save_roads`);
* the Overpass API through osmnx (:func:`fetch_roads`, needs the internet;
  results are cached as GraphML under ``settings.cache_folder / "osm"``).

Every graph keeps the drivable highway classes only (those in the speed table),
is simplified to junctions, dead ends and tagged points (``barrier=*``,
``mountain_pass=*``: border posts and passes stay nodes you can close), and gets
per edge ``length`` (metres, geodesic on WGS84), ``speed_kph`` (:data:`SPEEDS_KPH`
or a numeric ``maxspeed`` tag) and ``travel_time`` (seconds).

Searches never run on networkx. :class:`RoadGraph` keeps a compact array form
(node ids and coordinates, per-edge ``(u, v, key)``, length, time, OSM way ids
and geometry, CSR matrices) and :func:`shortest_path` runs
:func:`scipy.sparse.csgraph.dijkstra` on it. Closing OSM nodes or ways is a mask
on those arrays; the graph is never modified.
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import logging
import os
import re
import socket
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlparse
from xml.sax import SAXException

import click
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor import _cache, geo, settings
from corridor._checks import finite_number
from corridor._cliopts import FiniteFloat, OutputFile
from corridor._errors import (
    CorridorError,
    DataError,
    NoRouteError,
    RegionError,
    ScenarioError,
    UnknownPlaceError,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    from numpy.typing import NDArray
    from shapely import MultiPolygon, Polygon

__all__ = [
    "NETWORKS",
    "SPEEDS_KPH",
    "OSMFetchError",
    "Refinement",
    "RoadGraph",
    "RoadRoute",
    "fetch_roads",
    "load_roads",
    "osm_cli",
    "refine",
    "register_cli",
    "save_roads",
    "shortest_path",
]

logger = logging.getLogger("corridor")

Weight = Literal["travel_time", "length"]

#: Planning speeds per OSM ``highway`` class, km/h, for the theatre's countries
#: (AM, AZ, GE, KZ, IR, and the Russian North Caucasus). osmnx has no implicit
#: speed limits for these countries. The values are average speeds of mixed
#: traffic including laden trucks, deliberately below the legal rural limits
#: (about 90 km/h outside settlements and 110 km/h on motorways in AM, AZ, GE and
#: KZ): mountain trunk roads (Georgian Military Road, Armenia's M6) average far
#: less than their signed limit. A numeric ``maxspeed`` tag on a way overrides
#: the table. ``road`` (OSM's "unknown class") is also the fallback for classes
#: missing from the table. See ``docs/osm.md`` for the rationale.
SPEEDS_KPH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 90.0,
        "motorway_link": 50.0,
        "trunk": 70.0,
        "trunk_link": 40.0,
        "primary": 60.0,
        "primary_link": 35.0,
        "secondary": 50.0,
        "secondary_link": 30.0,
        "tertiary": 40.0,
        "tertiary_link": 25.0,
        "unclassified": 30.0,
        "road": 30.0,
        "residential": 25.0,
        "living_street": 10.0,
        "service": 15.0,
    }
)

_MAJOR = ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link")

#: Road networks :func:`fetch_roads` can download, as the highway classes each keeps.
#: ``"drive"`` is osmnx's drivable network (every class in :data:`SPEEDS_KPH`).
NETWORKS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "trunk/primary": _MAJOR,
        "trunk/primary/secondary": (*_MAJOR, "secondary", "secondary_link"),
        "drive": tuple(SPEEDS_KPH),
    }
)

_FORMATS = "GraphML (.graphml), OSM XML (.osm, .osm.bz2, .osm.gz) or OSM PBF (.osm.pbf)"
_NODE_TAGS = ("name", "barrier", "mountain_pass", "ele")  # kept on graph nodes
_KEEP_NODES = ("barrier", "mountain_pass")  # tagged nodes stay graph nodes when simplifying
_CACHE_VERSION = 1
_PROBE_TIMEOUT_S = 5.0


class OSMFetchError(CorridorError, ConnectionError):
    """OpenStreetMap data could not be downloaded (no internet, Overpass down or refusing).

    The message names the offline alternative: :func:`load_roads` on a local
    extract (``.osm``, ``.osm.pbf`` or GraphML).
    """


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RoadRoute:
    """A shortest path on a :class:`RoadGraph`.

    Attributes
    ----------
    nodes
        OSM node ids along the path, origin first.
    edges
        ``(u, v, key)`` of each edge taken, as in the networkx graph.
    ways
        OSM way ids along the path, in order, consecutive repeats removed.
    length_km
        Length of the path along the road, km.
    hours
        Travel time at the graph's speeds, hours.
    geometry
        The road line from the origin node to the destination node (EPSG:4326).
    weight
        What was minimised: ``"travel_time"`` or ``"length"``.
    snap_km
        Geodesic distance from the requested origin and destination to the
        nodes the path starts and ends at, km.
    via
        Names of named nodes passed (passes, border posts), in order.
    """

    nodes: tuple[int, ...]
    edges: tuple[tuple[int, int, int], ...]
    ways: tuple[int, ...]
    length_km: float
    hours: float
    geometry: shapely.LineString
    weight: str
    snap_km: tuple[float, float]
    via: tuple[str, ...]


@dataclass(frozen=True)
class Refinement:
    """Result of :func:`refine`.

    Attributes
    ----------
    edges
        A new GeoDataFrame (the input is not modified): refined road rows carry
        the real ``km``, ``hours`` and ``geometry``; column ``refined`` says
        which rows changed and ``snap_km`` how far their end points lay from the
        OSM nodes the road path starts and ends at (NaN when not refined).
    refined
        Ids of the refined edges, in input order.
    unrefined
        Road edges that kept their schematic values, id -> reason. Edges whose
        mode is not ``road`` are never listed: they are not road legs.
    routes
        The OSM path of each refined edge, by id.
    """

    edges: gpd.GeoDataFrame
    refined: tuple[Any, ...]
    unrefined: Mapping[Any, str]
    routes: Mapping[Any, RoadRoute]


# --------------------------------------------------------------------------- RoadGraph


def _unit_xyz(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points on the unit sphere: chord order equals great-circle order, for KD-tree snapping."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A road graph in two forms: networkx (``G``) and compact arrays for searching.

    Build one with :func:`load_roads` or :func:`fetch_roads`. Node ``i`` of the
    arrays is OSM node ``node_ids[i]``; edge ``j`` runs from node index
    ``edge_u[j]`` to ``edge_v[j]`` and is ``G``'s edge
    ``(node_ids[edge_u[j]], node_ids[edge_v[j]], edge_key[j])``.

    Attributes
    ----------
    node_ids
        OSM node id per node (int64). Graphs read from ``.osm.pbf`` give
        untagged junctions synthetic negative ids (GDAL does not expose way node
        ids); tagged border posts and passes keep their OSM ids.
    lon, lat
        Node coordinates, degrees.
    edge_u, edge_v, edge_key
        Per edge: origin and destination node index, and the networkx key.
    edge_length_m, edge_time_s
        Per edge: geodesic length (metres) and travel time (seconds).
    edge_way_ptr, edge_way_ids
        OSM way ids of edge ``j`` are ``edge_way_ids[edge_way_ptr[j]:edge_way_ptr[j + 1]]``
        (an edge merged from several ways carries several).
    geom_ptr, geom_xy
        Geometry of edge ``j`` is ``geom_xy[geom_ptr[j]:geom_ptr[j + 1]]`` (lon, lat rows).
    node_names
        OSM node id -> ``name`` tag, for named nodes (passes, border posts).
    meta
        The graph's metadata (``G.graph``) as strings: for fetched graphs the
        query (area, network, buffer, date).
    source
        File the graph was read from (None when built in memory).
    from_cache
        True when the arrays came from the ``.arrays.npz`` cache next to ``source``.
    """

    node_ids: NDArray[np.int64]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    edge_u: NDArray[np.int64]
    edge_v: NDArray[np.int64]
    edge_key: NDArray[np.int64]
    edge_length_m: NDArray[np.float64]
    edge_time_s: NDArray[np.float64]
    edge_way_ptr: NDArray[np.int64]
    edge_way_ids: NDArray[np.int64]
    geom_ptr: NDArray[np.int64]
    geom_xy: NDArray[np.float64]
    node_names: Mapping[int, str]
    meta: Mapping[str, str]
    source: Path | None = None
    from_cache: bool = False
    graph_loader: Callable[[], nx.MultiDiGraph] | None = field(
        default=None, repr=False, compare=False
    )

    # ---- networkx form -------------------------------------------------------------
    @cached_property
    def G(self) -> nx.MultiDiGraph:  # noqa: N802 - osmnx naming
        """The networkx MultiDiGraph (osmnx conventions, EPSG:4326), built on first use.

        After a cached load only the arrays are read; the source file is parsed
        again when ``G`` is first asked for.
        """
        if self.graph_loader is None:
            msg = "this RoadGraph was built from arrays only and has no networkx graph"
            raise DataError(msg)
        return self.graph_loader()

    # ---- sizes ---------------------------------------------------------------------
    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_ids.size)

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.edge_u.size)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the nodes and edge geometry, degrees."""
        x, y = self.geom_xy[:, 0], self.geom_xy[:, 1]
        return (float(x.min()), float(y.min()), float(x.max()), float(y.max()))

    @property
    def road_km(self) -> float:
        """Length of road, km, counting the two directions of a two-way road once."""
        a = np.minimum(self.edge_u, self.edge_v)
        b = np.maximum(self.edge_u, self.edge_v)
        dm = np.rint(self.edge_length_m).astype(np.int64)
        keys = np.unique(np.column_stack((a, b, dm)), axis=0, return_index=True)[1]
        return float(self.edge_length_m[keys].sum()) / 1000.0

    # ---- look-ups ------------------------------------------------------------------
    @cached_property
    def _id_order(self) -> NDArray[np.intp]:
        return np.argsort(self.node_ids, kind="stable")

    def index_of(self, osm_ids: Iterable[int]) -> NDArray[np.int64]:
        """Array indices of OSM node ids.

        Parameters
        ----------
        osm_ids
            OSM node ids.

        Returns
        -------
        numpy.ndarray
            Index of each id in :attr:`node_ids`.

        Raises
        ------
        UnknownPlaceError
            If an id is not a node of this graph.
        """
        ids = np.asarray(list(osm_ids), dtype=np.int64)
        order = self._id_order
        sorted_ids = self.node_ids[order]
        pos = np.searchsorted(sorted_ids, ids)
        pos_c = np.minimum(pos, max(sorted_ids.size - 1, 0))
        found = (pos < sorted_ids.size) & (sorted_ids[pos_c] == ids)
        if not found.all():
            missing = ", ".join(str(i) for i in ids[~found][:5])
            msg = (
                f"OSM node {missing} is not a node of this road graph; only junctions, "
                "dead ends and nodes tagged barrier=* or mountain_pass=* remain after "
                f"simplification ({self.n_nodes} nodes, e.g. {self.node_ids[0]})"
            )
            raise UnknownPlaceError(msg)
        return order[pos_c].astype(np.int64)

    def edge_uvk(self, edge: int) -> tuple[int, int, int]:
        """``(u, v, key)`` of array edge ``edge`` in the networkx graph :attr:`G`.

        Parameters
        ----------
        edge
            Edge index in the arrays.

        Returns
        -------
        tuple of int
            OSM node id of the origin and destination, and the multigraph key.
        """
        return (
            int(self.node_ids[self.edge_u[edge]]),
            int(self.node_ids[self.edge_v[edge]]),
            int(self.edge_key[edge]),
        )

    def edge_ways(self, edge: int) -> tuple[int, ...]:
        """OSM way ids of array edge ``edge``.

        Parameters
        ----------
        edge
            Edge index in the arrays.

        Returns
        -------
        tuple of int
        """
        lo, hi = self.edge_way_ptr[edge], self.edge_way_ptr[edge + 1]
        return tuple(int(w) for w in self.edge_way_ids[lo:hi])

    def edge_geometry(self, edge: int) -> shapely.LineString:
        """Geometry of array edge ``edge`` (lon, lat; from its origin node to its destination).

        Parameters
        ----------
        edge
            Edge index in the arrays.

        Returns
        -------
        shapely.LineString
        """
        return shapely.LineString(self._edge_xy(edge))

    def _edge_xy(self, edge: int) -> NDArray[np.float64]:
        xy = self.geom_xy[self.geom_ptr[edge] : self.geom_ptr[edge + 1]]
        u = self.edge_u[edge]
        start = (self.lon[u], self.lat[u])
        d0 = (xy[0, 0] - start[0]) ** 2 + (xy[0, 1] - start[1]) ** 2
        d1 = (xy[-1, 0] - start[0]) ** 2 + (xy[-1, 1] - start[1]) ** 2
        return xy[::-1] if d1 < d0 else xy

    # ---- snapping ------------------------------------------------------------------
    @cached_property
    def _tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(_unit_xyz(self.lon, self.lat))

    def snap(
        self, lon: float | Sequence[float], lat: float | Sequence[float]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Nearest node to each point, and the geodesic distance to it.

        Parameters
        ----------
        lon, lat
            Degrees; scalars or equal-length sequences.

        Returns
        -------
        index : numpy.ndarray
            Node index (into :attr:`node_ids`) per point.
        km : numpy.ndarray
            Geodesic distance to that node per point, km.
        """
        lo = np.atleast_1d(np.asarray(lon, dtype=np.float64))
        la = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        _, idx = self._tree.query(_unit_xyz(lo, la))
        idx = np.asarray(idx, dtype=np.int64)
        km = geo.distance_km(lo, la, self.lon[idx], self.lat[idx])
        return idx, np.atleast_1d(km)

    # ---- CSR form --------------------------------------------------------------------
    def _weights(self, weight: str) -> NDArray[np.float64]:
        if weight == "travel_time":
            return self.edge_time_s
        if weight == "length":
            return self.edge_length_m
        msg = f"weight must be 'travel_time' or 'length', got {weight!r}"
        raise ValueError(msg)

    def _csr(self, weight: str, edge_mask: NDArray[np.bool_] | None) -> tuple[Any, Any]:
        """CSR matrix of the cheapest open edge per node pair, and that edge's index per entry."""
        w = self._weights(weight)
        idx = np.arange(self.n_edges) if edge_mask is None else np.flatnonzero(edge_mask)
        u, v = self.edge_u[idx], self.edge_v[idx]
        order = np.lexsort((w[idx], v, u))
        idx, u, v = idx[order], u[order], v[order]
        first = np.ones(idx.size, dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        idx, u, v = idx[first], u[first], v[first]
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(u, minlength=self.n_nodes), out=indptr[1:])
        from scipy.sparse import csr_array

        mat = csr_array((w[idx], v, indptr), shape=(self.n_nodes, self.n_nodes))
        return mat, idx

    @cached_property
    def _csr_time(self) -> tuple[Any, Any]:
        return self._csr("travel_time", None)

    @cached_property
    def _csr_length(self) -> tuple[Any, Any]:
        return self._csr("length", None)

    @property
    def time_csr(self) -> Any:
        """``scipy.sparse.csr_array`` of travel time, seconds (min over parallel edges)."""
        return self._csr_time[0]

    @property
    def length_csr(self) -> Any:
        """``scipy.sparse.csr_array`` of length, metres (min over parallel edges)."""
        return self._csr_length[0]

    def _search_form(
        self, weight: str, edge_mask: NDArray[np.bool_] | None
    ) -> tuple[Any, NDArray[np.int64]]:
        if edge_mask is None or edge_mask.all():
            return self._csr_time if weight == "travel_time" else self._csr_length
        return self._csr(weight, edge_mask)

    def describe_node(self, index: int) -> str:
        """``"OSM node 123 (Name)"`` for node index ``index``.

        Parameters
        ----------
        index
            Node index in the arrays.

        Returns
        -------
        str
        """
        osm_id = int(self.node_ids[index])
        name = self.node_names.get(osm_id)
        return f"OSM node {osm_id}" + (f" ({name})" if name else "")


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


# --------------------------------------------------------------------------- loading


def _format_of(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".graphml"):
        return "graphml"
    if name.endswith((".osm", ".osm.bz2", ".osm.gz", ".xml")):
        return "xml"
    if name.endswith(".pbf"):
        return "pbf"
    msg = f"{path}: unknown road file format; accepted: {_FORMATS}"
    raise DataError(msg)


def _load_graph(
    path: Path, fmt: str, table: Mapping[str, float], highways: Collection[str], retain_all: bool
) -> nx.MultiDiGraph:
    """Parse ``path`` into an annotated, simplified graph."""
    if fmt == "xml":
        G = _graph_from_xml(path)
    elif fmt == "pbf":
        G = _graph_from_ogr(path, highways)
    else:
        import osmnx as ox

        try:
            G = ox.load_graphml(path)
        except (ET.ParseError, OSError, ValueError, KeyError, TypeError) as exc:
            msg = f"{path}: not a readable GraphML road graph ({exc}); accepted: {_FORMATS}"
            raise DataError(msg) from exc
        missing = [n for n, d in G.nodes(data=True) if "x" not in d or "y" not in d][:3]
        if missing:
            msg = f"{path}: GraphML nodes {missing} lack x/y coordinates; expected an osmnx graph"
            raise DataError(msg)
    return _prepare(G, source=str(path), highways=highways, retain_all=retain_all, table=table)


def load_roads(
    path: str | Path,
    *,
    speeds: Mapping[str, float] | None = None,
    highways: Collection[str] | None = None,
    retain_all: bool = False,
    cache: bool | None = None,
) -> RoadGraph:
    """Load a road graph from a local OSM extract or GraphML file (works offline).

    Parameters
    ----------
    path
        ``.osm`` / ``.osm.bz2`` / ``.osm.gz`` (OSM XML, read by osmnx),
        ``.osm.pbf`` (read through GDAL's OSM driver) or ``.graphml`` (osmnx or
        corridor GraphML, e.g. from :func:`fetch_roads` or :func:`save_roads`).
    speeds
        km/h per highway class, merged over :data:`SPEEDS_KPH`. A numeric
        ``maxspeed`` tag still wins.
    highways
        Highway classes to keep (default: the classes of the speed table, i.e.
        drivable roads; footways, tracks and the like are dropped).
    retain_all
        Keep every connected piece instead of the largest one (weakly connected).
    cache
        Read and write the array form next to the file (``<path>.arrays.npz``,
        valid while the file's mtime and size, the speeds and the classes are
        unchanged). Default: on for GraphML, off for OSM extracts.

    Returns
    -------
    RoadGraph

    Raises
    ------
    DataError
        If the file is missing, not in an accepted format, unreadable, or holds
        no drivable road.

    Examples
    --------
    >>> roads = load_roads("tests/data/osm/pass.osm")  # doctest: +SKIP
    >>> roads.n_nodes, roads.node_names[20]  # doctest: +SKIP
    (6, 'Test Crossing')
    """
    p = Path(path)
    fmt = _format_of(p)
    if not p.is_file():
        msg = f"no road file at {p}; accepted: {_FORMATS}"
        raise DataError(msg)
    table = _speed_table(speeds)
    classes = frozenset(table) if highways is None else frozenset(highways)
    if not classes:
        msg = f"highways must name at least one class, e.g. {', '.join(_MAJOR)}"
        raise DataError(msg)
    use_cache = (fmt == "graphml") if cache is None else cache
    loader = partial(_load_graph, p, fmt, table, classes, retain_all)
    if use_cache:
        key = _cache_key(p, table, classes, retain_all)
        arrays = _read_array_cache(_cache_path(p), key)
        if arrays is not None:
            return _road_graph(arrays, source=p, loader=loader, from_cache=True)
    G = loader()
    arrays = _arrays_from_graph(G)
    if use_cache:
        _write_array_cache(_cache_path(p), arrays, key)
    return _road_graph(arrays, source=p, loader=lambda: G, from_cache=False)


def _save_graphml(G: nx.MultiDiGraph, path: Path) -> None:
    import osmnx as ox

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with _ox_settings(log_console=False):
            ox.save_graphml(G, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def save_roads(roads: RoadGraph, path: str | Path) -> Path:
    """Write a road graph as GraphML (atomically) with its array cache next to it.

    Parameters
    ----------
    roads
        The graph; its networkx form ``roads.G`` is written.
    path
        Destination ``.graphml`` file.

    Returns
    -------
    pathlib.Path
        The GraphML path. ``load_roads(path)`` reads it back, from the array
        cache while the file is unchanged.
    """
    p = Path(path)
    if not p.name.lower().endswith(".graphml"):
        msg = f"save_roads writes GraphML: give a path ending in .graphml, got {p}"
        raise DataError(msg)
    G = roads.G
    _save_graphml(G, p)
    table = json.loads(G.graph.get("corridor_speeds_kph", "{}")) or dict(SPEEDS_KPH)
    classes = frozenset(table)
    _write_array_cache(_cache_path(p), _arrays_from_graph(G), _cache_key(p, table, classes, False))
    return p


# --------------------------------------------------------------------------- fetching


def _area_polygon(
    area: BaseGeometry | tuple[float, float, float, float], buffer_km: float
) -> tuple[BaseGeometry, str]:
    """Return the polygon to query and a canonical text of the area (for the cache key)."""
    if isinstance(area, tuple | list):
        try:
            west, south, east, north = (float(c) for c in area)
        except (TypeError, ValueError) as exc:
            msg = f"a bbox area must be (west, south, east, north) in degrees, got {area!r}"
            raise DataError(msg) from exc
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            msg = (
                f"bbox (west, south, east, north) must have west < east within -180..180 and "
                f"south < north within -90..90, got {area!r}"
            )
            raise DataError(msg)
        return shapely.box(west, south, east, north), f"BBOX({west},{south},{east},{north})"
    if not isinstance(area, BaseGeometry) or area.is_empty:
        msg = (
            "area must be a shapely (Multi)LineString of road legs, a (Multi)Polygon or a "
            f"(west, south, east, north) bbox, got {type(area).__name__}"
        )
        raise DataError(msg)
    text = shapely.to_wkt(area, rounding_precision=6)
    if area.geom_type in {"Polygon", "MultiPolygon"}:
        return area, text
    if area.geom_type not in {"LineString", "MultiLineString"}:
        msg = f"area must be a line, polygon or bbox, got a {area.geom_type}"
        raise DataError(msg)
    if not buffer_km > 0:
        msg = f"buffer_km must be positive for a line area, got {buffer_km!r}"
        raise DataError(msg)
    c = area.centroid
    local = geo.aeqd_crs(round(c.x, 4), round(c.y, 4))
    buffered = geo.to_crs(area, "EPSG:4326", local).buffer(buffer_km * 1000.0)
    return geo.to_crs(buffered, local, "EPSG:4326"), text


def _offline_hint() -> str:
    return (
        "offline, load a local extract instead: corridor.osm.load_roads(path) with a "
        ".osm, .osm.pbf or GraphML file (or 'corridor osm load PATH')"
    )


def _check_online(url: str, timeout_s: float) -> None:
    """Fail fast when the Overpass host is unreachable (one TCP connection, short timeout)."""
    parsed = urlparse(url)
    host = parsed.hostname or ""
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        msg = f"cannot reach the Overpass API at {url} ({exc}); {_offline_hint()}"
        raise OSMFetchError(msg) from exc


def fetch_roads(
    area: BaseGeometry | tuple[float, float, float, float],
    *,
    network: str = "trunk/primary",
    buffer_km: float = 5.0,
    cache: bool = True,
    timeout_s: float = 180.0,
    speeds: Mapping[str, float] | None = None,
) -> RoadGraph:
    """Download the road network around legs or inside an area from OpenStreetMap.

    Needs the internet (the Overpass API through osmnx). The result is cached
    as GraphML under ``settings.cache_folder / "osm"`` with the query (area,
    network, buffer, date) in the graph's metadata, and a later call with the
    same query loads the cache offline.

    Parameters
    ----------
    area
        A shapely (Multi)LineString of road legs (lon/lat), buffered by
        ``buffer_km``; a shapely (Multi)Polygon; or a ``(west, south, east,
        north)`` bbox in degrees. Polygons and bboxes are taken as given.
    network
        Which roads: one of :data:`NETWORKS` (``"trunk/primary"`` keeps
        motorway, trunk, primary and their links; ``"trunk/primary/secondary"``
        adds secondary roads; ``"drive"`` is every drivable class).
    buffer_km
        Half-width of the corridor around line legs, km, computed in metres in
        an azimuthal equidistant projection centred on the legs.
    cache
        Use and write the GraphML cache (and osmnx's HTTP cache under it).
    timeout_s
        Timeout of the Overpass request, seconds.
    speeds
        km/h per highway class, merged over :data:`SPEEDS_KPH`.

    Returns
    -------
    RoadGraph

    Raises
    ------
    OSMFetchError
        If Overpass cannot be reached (checked first with a 5 s connection) or
        the download fails; the message names :func:`load_roads` as the
        offline alternative.
    DataError
        If the area is malformed or holds no road of the network.
    """
    if network not in NETWORKS:
        msg = f"unknown network {network!r}; choose one of: {', '.join(NETWORKS)}"
        raise DataError(msg)
    polygon, area_text = _area_polygon(area, buffer_km)
    table = _speed_table(speeds)
    query = {"area": area_text, "network": network, "buffer_km": float(buffer_km)}
    digest = hashlib.sha256(
        json.dumps({**query, "speeds": table}, sort_keys=True).encode()
    ).hexdigest()[:16]
    folder = Path(settings.cache_folder) / "osm"
    graphml = folder / f"roads-{digest}.graphml"
    if cache and graphml.is_file():
        logger.info("OSM roads from cache %s", graphml)
        return load_roads(graphml, speeds=table, highways=NETWORKS[network])

    import osmnx as ox

    _check_online(str(ox.settings.overpass_url), _PROBE_TIMEOUT_S)
    G = _download(polygon, network, cache=cache, folder=folder, timeout_s=timeout_s)
    G = _prepare(G, source="Overpass", highways=NETWORKS[network], retain_all=False, table=table)
    G.graph["corridor_query"] = json.dumps(query, sort_keys=True)
    G.graph["corridor_query_date"] = datetime.now(UTC).isoformat(timespec="seconds")
    arrays = _arrays_from_graph(G)
    if not cache:
        return _road_graph(arrays, source=None, loader=lambda: G, from_cache=False)
    _save_graphml(G, graphml)
    key = _cache_key(graphml, table, frozenset(NETWORKS[network]), False)
    _write_array_cache(_cache_path(graphml), arrays, key)
    return _road_graph(arrays, source=graphml, loader=lambda: G, from_cache=False)


def _download(
    polygon: BaseGeometry, network: str, *, cache: bool, folder: Path, timeout_s: float
) -> nx.MultiDiGraph:
    import osmnx as ox
    import requests
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    classes = "|".join(NETWORKS[network])
    custom = None
    if network != "drive":
        custom = (
            f'["highway"~"^({classes})$"]["area"!~"yes"]["access"!~"private|no"]'
            '["motor_vehicle"!~"no"]'
        )
    overrides = {
        "requests_timeout": timeout_s,
        "use_cache": cache,
        "cache_folder": str(folder / "http"),
        "useful_tags_node": _node_tags(),
        "log_console": False,
    }
    with _ox_settings(**overrides):
        try:
            return ox.graph_from_polygon(
                cast("Polygon | MultiPolygon", polygon),
                network_type="drive",
                custom_filter=custom,
                simplify=False,
                retain_all=True,
                truncate_by_edge=True,
            )
        except InsufficientResponseError as exc:
            msg = f"OpenStreetMap has no {network} roads in the requested area ({exc})"
            raise DataError(msg) from exc
        except (requests.RequestException, ResponseStatusCodeError, OSError) as exc:
            msg = f"downloading OSM roads failed ({exc}); {_offline_hint()}"
            raise OSMFetchError(msg) from exc


# --------------------------------------------------------------------------- routing


def _closure_mask(
    roads: RoadGraph, closed_nodes: Iterable[int], closed_ways: Iterable[int]
) -> tuple[NDArray[np.bool_] | None, NDArray[np.bool_], str]:
    """Open-edge mask (None when nothing is closed), closed-node mask, and a description."""
    node_list = [int(n) for n in closed_nodes]
    way_list = [int(w) for w in closed_ways]
    closed_node = np.zeros(roads.n_nodes, dtype=bool)
    if not node_list and not way_list:
        return None, closed_node, ""
    open_edge = np.ones(roads.n_edges, dtype=bool)
    parts = []
    if node_list:
        idx = roads.index_of(node_list)
        closed_node[idx] = True
        open_edge &= ~closed_node[roads.edge_u] & ~closed_node[roads.edge_v]
        parts.append(", ".join(roads.describe_node(int(i)) for i in idx))
    if way_list:
        closed = np.asarray(way_list, dtype=np.int64)
        unknown = closed[~np.isin(closed, roads.edge_way_ids)]
        if unknown.size:
            msg = (
                f"OSM way {', '.join(str(w) for w in unknown[:5])} is not in this road graph "
                "(only ways of the kept highway classes are)"
            )
            raise UnknownPlaceError(msg)
        owner = np.repeat(np.arange(roads.n_edges), np.diff(roads.edge_way_ptr))
        open_edge[owner[np.isin(roads.edge_way_ids, closed)]] = False
        parts.append("OSM way " + ", ".join(str(w) for w in way_list))
    return open_edge, closed_node, "closed: " + "; ".join(parts)


def _route(
    roads: RoadGraph,
    pred: NDArray[Any],
    best: NDArray[np.int64],
    csr: Any,
    orig: int,
    dest: int,
    weight: str,
    snap_km: tuple[float, float],
) -> RoadRoute:
    path = [dest]
    while path[-1] != orig:
        path.append(int(pred[path[-1]]))
    path.reverse()
    edges = []
    for a, b in itertools.pairwise(path):
        lo, hi = csr.indptr[a], csr.indptr[a + 1]
        pos = lo + int(np.searchsorted(csr.indices[lo:hi], b))
        edges.append(int(best[pos]))
    if edges:
        parts = [roads._edge_xy(e) for e in edges]
        xy = np.concatenate([parts[0], *(p[1:] for p in parts[1:])])
    else:
        xy = np.array([[roads.lon[orig], roads.lat[orig]]] * 2)
    ways: list[int] = []
    for e in edges:
        for w in roads.edge_ways(e):
            if not ways or ways[-1] != w:
                ways.append(w)
    ids = tuple(int(roads.node_ids[i]) for i in path)
    e_arr = np.asarray(edges, dtype=np.int64)
    return RoadRoute(
        nodes=ids,
        edges=tuple(roads.edge_uvk(e) for e in edges),
        ways=tuple(ways),
        length_km=float(roads.edge_length_m[e_arr].sum()) / 1000.0,
        hours=float(roads.edge_time_s[e_arr].sum()) / 3600.0,
        geometry=shapely.LineString(xy),
        weight=weight,
        snap_km=snap_km,
        via=tuple(roads.node_names[i] for i in ids if i in roads.node_names),
    )


def _check_weight(weight: str) -> None:
    if weight not in ("travel_time", "length"):
        msg = f"weight must be 'travel_time' or 'length', got {weight!r}"
        raise ValueError(msg)


def shortest_path(
    roads: RoadGraph,
    orig_lonlat: tuple[float, float],
    dest_lonlat: tuple[float, float],
    *,
    weight: Weight = "travel_time",
    closed_nodes: Iterable[int] = (),
    closed_ways: Iterable[int] = (),
    max_snap_km: float | None = None,
) -> RoadRoute:
    """Shortest road path between two points, searched on the arrays (scipy csgraph).

    Parameters
    ----------
    roads
        The road graph.
    orig_lonlat, dest_lonlat
        ``(lon, lat)`` in degrees; each snaps to the nearest graph node.
    weight
        ``"travel_time"`` (fastest) or ``"length"`` (shortest).
    closed_nodes
        OSM node ids that may not be used (a closed pass or border post).
    closed_ways
        OSM way ids that may not be used (a closed bridge or road section).
    max_snap_km
        Refuse points farther than this from the nearest node (None: no limit).

    Returns
    -------
    RoadRoute

    Raises
    ------
    NoRouteError
        If the destination cannot be reached (with the closures named), or an
        end point snaps to a closed node.
    RegionError
        If an end point is farther than ``max_snap_km`` from the road graph.
    UnknownPlaceError
        If a closed node or way is not in the graph.
    """
    _check_weight(weight)
    if max_snap_km is not None:
        finite_number(max_snap_km, "max_snap_km", minimum=0, min_open=True, error=ScenarioError)
    open_edge, closed_node, closed_text = _closure_mask(roads, closed_nodes, closed_ways)
    idx, km = roads.snap([orig_lonlat[0], dest_lonlat[0]], [orig_lonlat[1], dest_lonlat[1]])
    for label, point, i, d in zip(
        ("origin", "destination"), (orig_lonlat, dest_lonlat), idx, km, strict=True
    ):
        if max_snap_km is not None and d > max_snap_km:
            w, s, e, n = roads.bbox
            msg = (
                f"{label} ({point[0]:.4f}, {point[1]:.4f}) is {d:.1f} km from the nearest OSM "
                f"road node (limit {max_snap_km:g} km); the road graph covers lon "
                f"{w:.3f}..{e:.3f}, lat {s:.3f}..{n:.3f}"
            )
            raise RegionError(msg)
        if closed_node[i]:
            msg = f"the {label} snaps to {roads.describe_node(int(i))}, which is closed"
            raise NoRouteError(msg)
    csr, best = roads._search_form(weight, open_edge)
    orig, dest = int(idx[0]), int(idx[1])
    dist, pred = _search_to(roads, csr, orig, dest, weight)
    if not np.isfinite(dist[dest]):
        msg = (
            f"no road path from ({orig_lonlat[0]:.4f}, {orig_lonlat[1]:.4f}) to "
            f"({dest_lonlat[0]:.4f}, {dest_lonlat[1]:.4f}) in the OSM graph"
            + (f" ({closed_text})" if closed_text else "")
        )
        raise NoRouteError(msg)
    return _route(roads, pred, best, csr, orig, dest, weight, (float(km[0]), float(km[1])))


#: First search radius of :func:`shortest_path`, in multiples of the straight-line lower bound,
#: and the factor it grows by until the target is reached (then one unbounded search).
_FIRST_RADIUS = 2.0
_RADIUS_GROWTH = 4.0
_BOUNDED_ROUNDS = 3


def _search_to(
    roads: RoadGraph, csr: Any, orig: int, dest: int, weight: str
) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
    """Dijkstra from ``orig`` that stops early once ``dest`` is settled.

    scipy's Dijkstra cannot stop at a target, but it can stop at a cost ``limit``:
    every node within it gets its exact distance and predecessor. The limit starts
    at a multiple of a lower bound on the cost to ``dest`` (the geodesic distance
    between the two nodes, divided by the fastest edge speed for travel time) and
    grows until ``dest`` is reached; an unreachable ``dest`` ends with one
    unbounded search, so the answer is always the exact shortest path.
    """
    from scipy.sparse.csgraph import dijkstra

    metres = 1000.0 * float(
        geo.distance_km(roads.lon[orig], roads.lat[orig], roads.lon[dest], roads.lat[dest])
    )
    if weight == "travel_time" and len(roads.edge_time_s):
        fastest = float(np.max(roads.edge_length_m / roads.edge_time_s))  # metres per second
        lower = metres / fastest
    else:
        lower = metres
    limit = max(lower, 1.0) * _FIRST_RADIUS
    for _ in range(_BOUNDED_ROUNDS):
        dist, pred = dijkstra(
            csr, directed=True, indices=orig, return_predecessors=True, limit=limit
        )
        if np.isfinite(dist[dest]):
            return dist, pred
        limit *= _RADIUS_GROWTH
    return dijkstra(csr, directed=True, indices=orig, return_predecessors=True)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- refinement


def _leg_ends(geom: Any) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if geom is None or not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None
    xy = shapely.get_coordinates(geom)
    if xy.shape[0] < 2:
        return None
    return (float(xy[0, 0]), float(xy[0, 1])), (float(xy[-1, 0]), float(xy[-1, 1]))


def refine(
    edges: gpd.GeoDataFrame,
    roads: RoadGraph,
    *,
    max_snap_km: float = 2.0,
    closed_nodes: Iterable[int] = (),
    closed_ways: Iterable[int] = (),
) -> Refinement:
    """Replace schematic road legs with the real OSM road (fastest path by travel time).

    Each ``road`` edge's first and last vertex snap to the nearest OSM node;
    when both lie within ``max_snap_km`` and a path exists, the row gets the
    path's ``km`` and ``hours`` and its geometry (the leg's end points joined to
    the OSM path, so the line still starts and ends at the network's nodes; the
    joins are reported in ``snap_km`` and not counted in ``km``/``hours``).

    Parameters
    ----------
    edges
        The transit network's edges: columns ``id``, ``mode``, ``km``, ``hours``
        and LineString ``geometry`` in EPSG:4326 (first/last vertex = end points).
        Not modified.
    roads
        The OSM road graph covering the legs.
    max_snap_km
        Largest geodesic distance from a leg's end point to an OSM node, km.
    closed_nodes, closed_ways
        OSM node and way ids closed for this refinement (a mask, the graph is
        not changed).

    Returns
    -------
    Refinement
        Non-road edges keep their values and are not listed as unrefined.

    Raises
    ------
    DataError
        If columns are missing or the geometry is not in EPSG:4326.
    UnknownPlaceError
        If a closed node or way is not in the graph.
    """
    import geopandas as gpd

    if not isinstance(edges, gpd.GeoDataFrame):
        msg = f"edges must be a GeoDataFrame, got {type(edges).__name__}"
        raise DataError(msg)
    missing = [c for c in ("id", "mode", "km", "hours", "geometry") if c not in edges.columns]
    if missing:
        msg = f"edges lack column(s) {', '.join(missing)}; required: id, mode, km, hours, geometry"
        raise DataError(msg)
    if edges.crs is not None and not edges.crs.equals("EPSG:4326"):
        msg = f"edges must be in EPSG:4326 (lon/lat degrees), got {edges.crs.to_string()}"
        raise DataError(msg)
    if not max_snap_km > 0:
        msg = f"max_snap_km must be positive, got {max_snap_km!r}"
        raise DataError(msg)
    open_edge, closed_node, closed_text = _closure_mask(roads, closed_nodes, closed_ways)

    out = edges.copy(deep=True)
    out["km"] = out["km"].astype(np.float64)
    out["hours"] = out["hours"].astype(np.float64)
    out["refined"] = False
    out["snap_km"] = np.nan
    col = {
        name: out.columns.get_loc(name)
        for name in ("km", "hours", "geometry", "refined", "snap_km")
    }

    unrefined: dict[Any, str] = {}
    legs: list[tuple[Any, Any, tuple[float, float], tuple[float, float]]] = []
    for label, row in enumerate(out.itertuples(index=False)):  # label: row position
        if str(row.mode).lower() != "road":
            continue
        ends = _leg_ends(row.geometry)
        if ends is None:
            unrefined[row.id] = "no line geometry to take the end points from"
            continue
        legs.append((label, row.id, ends[0], ends[1]))
    routes: dict[Any, RoadRoute] = {}
    if legs:
        lon = [c for _, _, a, b in legs for c in (a[0], b[0])]
        lat = [c for _, _, a, b in legs for c in (a[1], b[1])]
        snapped, dist = roads.snap(lon, lat)
        snapped, dist = snapped.reshape(-1, 2), dist.reshape(-1, 2)
        todo = []
        for n, (_, eid, _, _) in enumerate(legs):
            reason = None
            for side, which in ((0, "start"), (1, "end")):
                if dist[n, side] > max_snap_km:
                    reason = (
                        f"{which} point {dist[n, side]:.1f} km from the nearest OSM road "
                        f"(limit {max_snap_km:g} km)"
                    )
                    break
                if closed_node[snapped[n, side]]:
                    node = roads.describe_node(int(snapped[n, side]))
                    reason = f"{which} point snaps to {node}, which is closed"
                    break
            if reason is None:
                todo.append(n)
            else:
                unrefined[eid] = reason
        if todo:
            from scipy.sparse.csgraph import dijkstra

            csr, best = roads._search_form("travel_time", open_edge)
            origins = np.unique(snapped[todo, 0])
            dist_m, pred = dijkstra(csr, directed=True, indices=origins, return_predecessors=True)
            dist_m, pred = np.atleast_2d(dist_m), np.atleast_2d(pred)
            row_of = {int(o): r for r, o in enumerate(origins)}
            for n in todo:
                label, eid, start, end = legs[n]
                o, d = int(snapped[n, 0]), int(snapped[n, 1])
                r = row_of[o]
                if not np.isfinite(dist_m[r, d]):
                    unrefined[eid] = "no OSM path between the end points" + (
                        f" ({closed_text})" if closed_text else ""
                    )
                    continue
                route = _route(
                    roads, pred[r], best, csr, o, d, "travel_time",
                    (float(dist[n, 0]), float(dist[n, 1])),
                )  # fmt: skip
                routes[eid] = route
                xy = shapely.get_coordinates(route.geometry)
                if not np.allclose(xy[0], start, atol=1e-9, rtol=0):
                    xy = np.vstack((start, xy))
                if not np.allclose(xy[-1], end, atol=1e-9, rtol=0):
                    xy = np.vstack((xy, end))
                out.iat[label, col["km"]] = route.length_km
                out.iat[label, col["hours"]] = route.hours
                out.iat[label, col["geometry"]] = shapely.LineString(xy)
                out.iat[label, col["refined"]] = True
                out.iat[label, col["snap_km"]] = float(dist[n, 0] + dist[n, 1])
    refined = tuple(eid for _, eid, _, _ in legs if eid in routes)
    return Refinement(
        edges=out,
        refined=refined,
        unrefined=MappingProxyType(unrefined),
        routes=MappingProxyType(routes),
    )


# --------------------------------------------------------------------------- CLI


def _parse_lat_lon(ctx: click.Context, param: click.Parameter, value: str) -> tuple[float, float]:
    """Parse ``LAT,LON`` in degrees into ``(lon, lat)`` (a click callback)."""
    try:
        lat_s, lon_s = value.split(",")
        lat, lon = float(lat_s), float(lon_s)
    except ValueError:
        msg = f"expected LAT,LON in degrees (e.g. 42.66,44.64), got {value!r}"
        raise click.BadParameter(msg, ctx, param) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"LAT must be within -90..90 and LON within -180..180, got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return lon, lat


def _parse_bbox(
    ctx: click.Context, param: click.Parameter, value: str
) -> tuple[float, float, float, float]:
    """Parse ``W,S,E,N`` in degrees (a click callback)."""
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        msg = f"expected W,S,E,N in degrees (e.g. 44.5,42.6,44.8,43.1), got {value!r}"
        raise click.BadParameter(msg, ctx, param) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = f"need west < east within -180..180 and south < north within -90..90, got {value!r}"
        raise click.BadParameter(msg, ctx, param)
    return west, south, east, north


def _summary(roads: RoadGraph, label: str) -> None:
    w, s, e, n = roads.bbox
    click.echo(
        f"{label}: {roads.n_nodes:,} nodes, {roads.n_edges:,} edges, "
        f"{roads.road_km:,.1f} km of road"
    )
    click.echo(f"bbox (W,S,E,N): {w:.5f},{s:.5f},{e:.5f},{n:.5f}")


@click.group("osm")
def osm_cli() -> None:
    """Real road graphs from OpenStreetMap: load an extract, route, fetch."""


@osm_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def _load_cmd(path: Path) -> None:
    """Load PATH (.osm, .osm.bz2, .osm.pbf, .graphml), summarise it, write PATH.arrays.npz."""
    roads = load_roads(path, cache=True)
    _summary(roads, str(path))
    npz = _cache_path(path)
    state = "reused" if roads.from_cache else ("written" if npz.is_file() else "not written")
    click.echo(f"array cache: {npz} ({state})")


@osm_cli.command("route")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "orig", required=True, metavar="LAT,LON", callback=_parse_lat_lon,
              help="Start point.")  # fmt: skip
@click.option("--to", "dest", required=True, metavar="LAT,LON", callback=_parse_lat_lon,
              help="End point.")  # fmt: skip
@click.option("--close-node", "close_nodes", multiple=True, type=int, metavar="ID",
              help="OSM node id to close (repeatable).")  # fmt: skip
@click.option("--close-way", "close_ways", multiple=True, type=int, metavar="ID",
              help="OSM way id to close (repeatable).")  # fmt: skip
@click.option("--weight", type=click.Choice(["travel_time", "length"]), default="travel_time",
              show_default=True, help="Minimise time or distance.")  # fmt: skip
@click.option("--max-snap-km", type=FiniteFloat(min=0, min_open=True), default=2.0,
              show_default=True,
              help="Refuse end points farther than this from the road graph.")  # fmt: skip
def _route_cmd(
    path: Path,
    orig: tuple[float, float],
    dest: tuple[float, float],
    close_nodes: tuple[int, ...],
    close_ways: tuple[int, ...],
    weight: Weight,
    max_snap_km: float,
) -> None:
    """Fastest (or shortest) road path on the graph in PATH between two points."""
    roads = load_roads(path)
    route = shortest_path(
        roads, orig, dest, weight=weight, closed_nodes=close_nodes, closed_ways=close_ways,
        max_snap_km=max_snap_km,
    )  # fmt: skip
    minutes = route.hours * 60
    click.echo(f"route: {route.length_km:.2f} km, {route.hours:.2f} h ({minutes:.0f} min)")
    click.echo(
        f"nodes: {len(route.nodes)} (snapped {route.snap_km[0]:.2f} km / "
        f"{route.snap_km[1]:.2f} km); ways: {', '.join(str(w) for w in route.ways) or '-'}"
    )
    if route.via:
        click.echo(f"via: {', '.join(route.via)}")


@osm_cli.command("fetch")
@click.option("--bbox", required=True, metavar="W,S,E,N", callback=_parse_bbox,
              help="Area in degrees: west,south,east,north.")  # fmt: skip
@click.option("--network", type=click.Choice(list(NETWORKS)), default="trunk/primary",
              show_default=True, help="Highway classes to download.")  # fmt: skip
@click.option("--out", type=OutputFile(),
              help="Also write the graph to this .graphml file.")  # fmt: skip
def _fetch_cmd(bbox: tuple[float, float, float, float], network: str, out: Path | None) -> None:
    """Download roads from OpenStreetMap (NEEDS INTERNET ACCESS; cached).

    Offline, use 'osm load' on a .osm / .osm.pbf extract instead.
    """
    roads = fetch_roads(bbox, network=network)
    _summary(roads, f"OSM {network} roads in {bbox}")
    click.echo(f"cached: {roads.source}")
    if out is not None:
        click.echo(f"wrote {save_roads(roads, out)}")


def register_cli(group: click.Group) -> None:
    """Add the ``osm`` command group (``load``, ``route``, ``fetch``) to a click group.

    Parameters
    ----------
    group
        The application's top-level group (corridor's ``cli``).
    """
    group.add_command(osm_cli)
