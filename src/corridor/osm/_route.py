"""Shortest paths on the arrays, with closures."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from corridor import geo
from corridor._checks import finite_number
from corridor._errors import (
    NoRouteError,
    RegionError,
    ScenarioError,
    UnknownPlaceError,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

from corridor.osm._common import Weight
from corridor.osm._graph import RoadGraph, RoadRoute

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
