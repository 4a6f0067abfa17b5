"""An independent reference for air legs: lazy A* over exact clearance obstacles.

Deliberately a different algorithm from :mod:`corridor.airspace` (which prebuilds one
visibility graph over simplified, mitre-buffered obstacles in one gnomonic projection
centred on the region and then refines the path):

* obstacles: the closed states' territorial airspace (the same zones the router is
  given: they are the problem's input) grown by the clearance with **round** joins
  (the exact Minkowski sum up to 8 segments per quarter circle), simplified at only
  0.2 km, merged, holes kept;
* projection: a *spherical* gnomonic projection centred on the midpoint of each
  origin-destination pair (not the router's centre, not its ellipsoid);
* search: A* whose nodes are the obstacles' convex corners inside the ellipse of
  points p with d(O, p) + d(p, D) <= an upper bound (a shortest path cannot leave
  it), expanding only tangent segments and testing each one lazily against the
  obstacles with shapely; edge lengths and the heuristic are pyproj geodesics.

The result is a lower bound up to the 0.2 km simplification (simplifying can cut
into the obstacle by at most 0.2 km): an exact router may come out a hair shorter,
never more than ~0.05% on these cases.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer

from corridor import borders

GEOD = Geod(ellps="WGS84")
_WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True)
class Reference:
    """A reference path: turning points (lon, lat), geodesic km, vertices searched."""

    coords: tuple[tuple[float, float], ...]
    km: float
    candidates: int
    expanded: int


def _km(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    a, b, c, d = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    )
    return np.asarray(GEOD.inv(a, b, c, d)[2], dtype=float) / 1000.0


def _convex_corners(obstacle: shapely.Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convex corners of every ring (material on the left after orienting), prev, next."""
    pts, prevs, nexts = [], [], []
    oriented = shapely.orient_polygons(obstacle, exterior_cw=False)
    for poly in shapely.get_parts(oriented):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)[:-1]
            if len(xy) < 3:
                continue
            prev, nxt = np.roll(xy, 1, axis=0), np.roll(xy, -1, axis=0)
            turn = (xy[:, 0] - prev[:, 0]) * (nxt[:, 1] - xy[:, 1]) - (xy[:, 1] - prev[:, 1]) * (
                nxt[:, 0] - xy[:, 0]
            )
            keep = turn > 0
            pts.append(xy[keep])
            prevs.append(prev[keep])
            nexts.append(nxt[keep])
    if not pts:
        return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2))
    return np.vstack(pts), np.vstack(prevs), np.vstack(nexts)


def _side(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (
        c[..., 0] - a[..., 0]
    )


def reference_route(
    orig: tuple[float, float],
    dest: tuple[float, float],
    closed: set[str],
    *,
    caspian: borders.CaspianRule = "open",
    clearance_km: float = 1.0,
    tolerance_km: float = 0.2,
    upper_km: float | None = None,
) -> Reference | None:
    """Shortest path from ``orig`` to ``dest`` (lon, lat) that keeps the clearance.

    ``upper_km`` bounds the search ellipse (default 1.6x the great circle); give a
    known feasible length (e.g. 1.01x the router's) to make the search smaller.
    Returns None when no path exists within the bound.
    """
    (olon, olat), (dlon, dlat) = orig, dest
    mid = GEOD.npts(olon, olat, dlon, dlat, 1)[0]
    crs = CRS.from_proj4(f"+proj=gnom +lat_0={mid[1]} +lon_0={mid[0]} +R=6371008.8 +units=m")
    fwd = Transformer.from_crs(_WGS84, crs, always_xy=True)
    back = Transformer.from_crs(crs, _WGS84, always_xy=True)
    gc = float(_km(olon, olat, dlon, dlat))
    bound = upper_km if upper_km is not None else 1.6 * gc
    ox, oy = fwd.transform(olon, olat)
    dx, dy = fwd.transform(dlon, dlat)
    if not closed:
        return Reference(((olon, olat), (dlon, dlat)), gc, 0, 0)
    zones = borders.load_airspace(caspian)
    parts = []
    for s in sorted(closed):
        g = shapely.segmentize(zones.geometry[s], 0.02)
        g = shapely.transform(g, lambda c: np.column_stack(fwd.transform(c[:, 0], c[:, 1])))
        g = shapely.buffer(g, clearance_km * 1000.0, quad_segs=8)
        parts.append(shapely.simplify(g, tolerance_km * 1000.0))
    obstacle = shapely.make_valid(shapely.union_all(parts))
    test = shapely.buffer(obstacle, -1.0)  # touching the boundary is allowed
    shapely.prepare(test)
    xy, prev, nxt = _convex_corners(obstacle)
    lon, lat = back.transform(xy[:, 0], xy[:, 1])
    inside = _km(olon, olat, lon, lat) + _km(lon, lat, dlon, dlat) <= bound
    xy, prev, nxt = xy[inside], prev[inside], nxt[inside]
    lon, lat = np.asarray(lon)[inside], np.asarray(lat)[inside]
    k = len(xy)
    # nodes 0..k-1 corners, k origin, k+1 destination
    pos = np.vstack([xy, [[ox, oy], [dx, dy]]])
    lons = np.concatenate([lon, [olon, dlon]])
    lats = np.concatenate([lat, [olat, dlat]])
    h = _km(lons, lats, np.full(k + 2, dlon), np.full(k + 2, dlat))
    g = np.full(k + 2, np.inf)
    pred = np.full(k + 2, -1)
    done = np.zeros(k + 2, dtype=bool)
    src, dst = k, k + 1
    g[src] = 0.0
    heap = [(float(h[src]), src)]
    expanded = 0
    while heap:
        _, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        if u == dst:
            break
        expanded += 1
        cand = np.flatnonzero(~done)
        w = _km(np.full(len(cand), lons[u]), np.full(len(cand), lats[u]), lons[cand], lats[cand])
        better = (g[u] + w < g[cand]) & (g[u] + w + h[cand] <= bound)
        cand, w = cand[better], w[better]
        corner = cand < k  # the segment must be tangent at a corner it ends on
        ok = np.ones(len(cand), dtype=bool)
        p_u = np.broadcast_to(pos[u], (len(cand), 2))
        ci = cand[corner]
        ok[corner] = (
            _side(pos[ci], p_u[corner], prev[ci]) * _side(pos[ci], p_u[corner], nxt[ci]) >= 0
        )
        if u < k:  # and tangent at the corner it leaves
            ok &= _side(pos[u], pos[cand], prev[u]) * _side(pos[u], pos[cand], nxt[u]) >= 0
        cand, w = cand[ok], w[ok]
        if len(cand) == 0:
            continue
        lines = shapely.linestrings(np.stack([p_u[: len(cand)], pos[cand]], axis=1))
        visible = ~shapely.intersects(test, lines)
        for v, wv in zip(cand[visible], w[visible], strict=True):
            if g[u] + wv < g[v]:
                g[v] = g[u] + wv
                pred[v] = u
                heapq.heappush(heap, (float(g[v] + h[v]), int(v)))
    if not np.isfinite(g[dst]):
        return None
    chain = [dst]
    while chain[-1] != src:
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    coords = tuple((float(lons[i]), float(lats[i])) for i in chain)
    km = float(
        sum(_km(a[0], a[1], b[0], b[1]) for a, b in zip(coords[:-1], coords[1:], strict=True))
    )
    return Reference(coords, km, k, expanded)
