"""Tighten an air path against finely simplified obstacles (exact air legs).

The prebuilt visibility graph (:mod:`corridor.airspace`) bends around obstacles
simplified at ``tolerance_km`` (3 km) and grown by tolerance + clearance, so its
bends sit up to several km outside the true clearance line and a route is
0.1-1% too long. That path does pick the right way around every obstacle; this
module then finds the shortest path *near it* around **fine** obstacles:

* fine obstacle of a state = its projected airspace simplified at
  :data:`FINE_TOLERANCE_M` (200 m) and grown by 200 m + the clearance (mitred, so
  it contains the airspace grown by the clearance: never a shortcut through it);
* candidate turning points = convex corners of the closed states' fine obstacles
  within :data:`CORRIDOR_M` of the coarse path;
* an A* search over those corners (and the two end points) whose edges are
  tested lazily, only when the search reaches them: a segment must be tangent at
  the corners it touches and clear of every closed fine obstacle; lengths and the
  heuristic are geodesic.

The result is accepted only if it is clear of the *full* fine obstacles and not
longer than the coarse path; otherwise the coarse path stands (it is feasible).
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely

from corridor import geo

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    from corridor.airspace import AirGraph

__all__ = ["CORRIDOR_M", "FINE_TOLERANCE_M", "refine"]

logger = logging.getLogger("corridor")

#: Simplification tolerance of the fine obstacles, metres.
FINE_TOLERANCE_M = 200.0
#: Half-width of the band around the coarse path searched for turning points, metres.
CORRIDOR_M = 12_000.0
_SHRINK_M = 5.0  # segments may touch a fine obstacle's boundary, not cross it


@dataclass(frozen=True)
class _Corners:
    xy: NDArray[np.float64]
    prev: NDArray[np.float64]
    next: NDArray[np.float64]
    lonlat: NDArray[np.float64]
    owner: NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class _FineIndex:
    corners: _Corners
    shrunk: tuple[BaseGeometry, ...]  # per state, prepared
    full: tuple[BaseGeometry, ...]  # per state, prepared


@lru_cache(maxsize=8)
def _index(graph: AirGraph) -> _FineIndex:
    from corridor import airspace

    fine = list(graph.fine)
    xy, owner, prev, nxt = airspace._convex_vertices(fine)
    lonlat = np.column_stack(
        geo._transformer(graph.crs, airspace._wgs84()).transform(xy[:, 0], xy[:, 1])
    )
    shrunk = [shapely.buffer(g, -_SHRINK_M, join_style="mitre") for g in fine]
    shapely.prepare(shrunk)
    shapely.prepare(fine)
    return _FineIndex(_Corners(xy, prev, nxt, lonlat, owner), tuple(shrunk), tuple(fine))


def _side(
    a: NDArray[np.float64], b: NDArray[np.float64], c: NDArray[np.float64]
) -> NDArray[np.float64]:
    return np.asarray(
        (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1])
        - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])
    )


def refine(
    graph: AirGraph, path: list[tuple[float, float]], closed_idx: list[int]
) -> list[tuple[float, float]] | None:
    """Shortest path near ``path`` (lon, lat turning points) around the fine obstacles.

    Parameters
    ----------
    graph
        The graph ``path`` was found on (it carries the fine obstacles).
    path
        Coarse path, origin first, destination last.
    closed_idx
        Indices (into ``graph.states``) of the closed states.

    Returns
    -------
    list or None
        The tightened turning points, or None when the coarse path should stand
        (no fine obstacles, an end point inside a fine obstacle, or no shorter
        feasible path found).
    """
    if not graph.fine or not closed_idx or len(path) <= 2:
        return None
    index = _index(graph)
    to_plane = graph.to_gnomonic
    lon = np.array([p[0] for p in path])
    lat = np.array([p[1] for p in path])
    px, py = to_plane.transform(lon, lat)
    coarse_xy = np.column_stack([px, py])
    ends = shapely.points(coarse_xy[[0, -1]])
    closed_full = [index.full[k] for k in closed_idx]
    if any(shapely.intersects(g, ends).any() for g in closed_full):
        return None  # an end point within the clearance: the coarse connectors stand
    band = shapely.buffer(shapely.LineString(coarse_xy), CORRIDOR_M)
    c = index.corners
    in_band = np.isin(c.owner, closed_idx) & shapely.contains_xy(band, c.xy[:, 0], c.xy[:, 1])
    sel = np.flatnonzero(in_band)
    wide = shapely.buffer(band, 2 * CORRIDOR_M)
    local = [shapely.intersection(index.shrunk[k], wide) for k in closed_idx]
    local = [g for g in local if not g.is_empty]
    shapely.prepare(local)
    shapely.prepare(wide)
    found = _astar(
        c.xy[sel],
        c.prev[sel],
        c.next[sel],
        c.lonlat[sel],
        (coarse_xy[0], coarse_xy[-1]),
        path,
        local,
        wide,
    )
    if found is None:
        return None
    pts = [path[0], *found, path[-1]]
    pxy = np.column_stack(to_plane.transform([p[0] for p in pts], [p[1] for p in pts]))
    line = shapely.LineString(pxy)
    if any(shapely.intersects(index.shrunk[k], line) for k in closed_idx):
        logger.debug("air refinement left the search band; keeping the coarse path")
        return None
    return pts


def _astar(
    xy: NDArray[np.float64],
    prev: NDArray[np.float64],
    nxt: NDArray[np.float64],
    lonlat: NDArray[np.float64],
    ends_xy: tuple[NDArray[np.float64], NDArray[np.float64]],
    path: list[tuple[float, float]],
    obstacles: list[BaseGeometry],
    area: BaseGeometry,
) -> list[tuple[float, float]] | None:
    """Search corners by A*, testing tangent-only edges lazily; return inner turning points.

    Segments must stay inside ``area`` (where ``obstacles`` are complete) and clear
    of ``obstacles``.
    """
    k = len(xy)
    (olon, olat), (dlon, dlat) = path[0], path[-1]
    pos = np.vstack([xy, ends_xy[0], ends_xy[1]])
    lons = np.concatenate([lonlat[:, 0], [olon, dlon]])
    lats = np.concatenate([lonlat[:, 1], [olat, dlat]])
    src, dst = k, k + 1
    h = geo.distance_km(lons, lats, dlon, dlat)
    g = np.full(k + 2, np.inf)
    pred = np.full(k + 2, -1, dtype=np.int64)
    done = np.zeros(k + 2, dtype=bool)
    g[src] = 0.0
    heap: list[tuple[float, int]] = [(float(h[src]), src)]
    while heap:
        _, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        if u == dst:
            break
        cand = np.flatnonzero(~done)
        w = geo.distance_km(lons[u], lats[u], lons[cand], lats[cand])
        better = g[u] + w < g[cand]
        cand, w = cand[better], w[better]
        ok = np.ones(len(cand), dtype=bool)
        corner = cand < k
        ci = cand[corner]
        here = np.broadcast_to(pos[u], (len(ci), 2))
        ok[corner] = _side(pos[ci], here, prev[ci]) * _side(pos[ci], here, nxt[ci]) >= 0
        if u < k:
            there = pos[cand]
            ok &= _side(pos[u], there, prev[u]) * _side(pos[u], there, nxt[u]) >= 0
        cand, w = cand[ok], w[ok]
        if len(cand) == 0:
            continue
        starts = np.broadcast_to(pos[u], (len(cand), 2))
        lines = shapely.linestrings(np.stack([starts, pos[cand]], axis=1))
        clear = shapely.covered_by(lines, area)
        for obstacle in obstacles:
            clear &= ~shapely.intersects(obstacle, lines)
        for v, wv in zip(cand[clear], w[clear], strict=True):
            if g[u] + wv < g[v]:
                g[v] = g[u] + wv
                pred[v] = u
                heapq.heappush(heap, (float(g[v] + h[v]), int(v)))
    if not np.isfinite(g[dst]):
        return None
    chain = [int(pred[dst])]
    while chain[-1] != src:
        chain.append(int(pred[chain[-1]]))
    chain.pop()
    chain.reverse()
    return [(float(lons[i]), float(lats[i])) for i in chain]
