"""Air legs: the shortest geodesic path that stays out of closed airspace.

Method
------
Closed airspace is the territorial airspace of closed states (land plus 12 nm of
sea, from :mod:`corridor.borders`), never land alone. Each candidate state's
airspace is projected to one gnomonic projection centred on the region (great
circles are straight lines there; the whole region lies within 35 degrees of the
centre), simplified with Douglas-Peucker at ``tolerance_km`` and then buffered
outward by ``tolerance_km + clearance_km`` with mitred joins, so the obstacle
always contains the true airspace plus the clearance. A build-time check
re-simplifies more finely wherever simplification would close a gap that is open
at full resolution.

The visibility graph joins the convex vertices of the obstacles by bitangent
segments. A shortest path bends only at convex vertices of *closed* obstacles, so a
segment leaving a vertex of state A is only useful when A is closed and is dropped
if it crosses A itself. Every remaining segment carries a bitmask of the other
states it crosses. A closure set is then a mask over the prebuilt graph, not a
rebuild: a query filters edges with two integer operations, links the origin and
destination to the vertices they see, and runs Dijkstra on a sparse matrix
(:func:`scipy.sparse.csgraph.dijkstra`).

A query searches the graph under the closure mask, then tightens the path it
found (:mod:`corridor._airexact`): an A* over the convex corners of the closed
states' airspace simplified at only 200 m (and grown by 200 m + the clearance),
restricted to a band around the coarse path. The coarse bends sit up to several
km outside the clearance line (0.1-1.1% too long); the tightened path is within
about 0.15% of an independent reference (``benchmarks/bench_air_exact.py``).

The graph is built once per parameter set and kept in memory and on disk
(:mod:`corridor._aircache`: ``.npz`` arrays with a JSON key, no pickle), so a new
process loads it in milliseconds instead of rebuilding it.

Every returned route is sampled every 2 km along its geodesic segments and checked
against the full-resolution closed airspace; a violation raises instead of
returning a route that breaks a closure.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from corridor import _airexact, borders, geo
from corridor._errors import NoRouteError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from numpy.typing import NDArray
    from pyproj import CRS, Transformer

__all__ = [
    "DEFAULT_CANDIDATES",
    "AirGraph",
    "AirRoute",
    "AirStop",
    "air_route",
    "air_sweep",
    "build_air_graph",
    "resolve_air_place",
]

logger = logging.getLogger("corridor")

#: States whose closure the prebuilt graph models; closing another state adds it (one rebuild).
DEFAULT_CANDIDATES: tuple[str, ...] = (
    "AFG", "ARM", "AZE", "BLR", "CHN", "GEO", "IRN", "KAZ",
    "KGZ", "MNG", "RUS", "TJK", "TKM", "TUR", "UKR", "UZB",
)  # fmt: skip
#: Centre of the one gnomonic projection (the region's middle).
GNOMONIC_CENTRE: tuple[float, float] = (55.0, 46.5)
_OUTSIDE = "OUTSIDE"
_SAMPLE_KM = 2.0
_MAX_STATES = 63


@dataclass(frozen=True)
class AirStop:
    """An intermediate landing of a range-limited flight."""

    place: str
    name: str
    country: str
    lon: float
    lat: float
    runway_m: float


@dataclass(frozen=True)
class AirRoute:
    """A feasible air path.

    Attributes
    ----------
    orig, dest
        Labels of the end points (ICAO code or ``LAT,LON``).
    coords
        Turning points ``(lon, lat)``, origin first; consecutive points are
        joined by geodesics.
    km
        Geodesic length of the path.
    great_circle_km
        Length of the unconstrained geodesic between the end points.
    airspaces
        Zones overflown in order (ISO3 or ``"INTL"``), consecutive repeats merged.
    stops
        Landings needed for the aircraft's range (empty without a range).
    closed
        The closed states the route avoided (the origin's and destination's own
        countries excepted).
    """

    orig: str
    dest: str
    coords: tuple[tuple[float, float], ...]
    km: float
    great_circle_km: float
    airspaces: tuple[str, ...]
    stops: tuple[AirStop, ...] = ()
    closed: frozenset[str] = field(default_factory=frozenset)

    @property
    def detour_km(self) -> float:
        """Extra length against the great circle, km."""
        return self.km - self.great_circle_km

    @property
    def detour_pct(self) -> float:
        """Extra length against the great circle, percent."""
        return 100.0 * self.detour_km / self.great_circle_km if self.great_circle_km else 0.0

    def line(self, *, step_km: float = 10.0) -> shapely.LineString:
        """Densified geodesic polyline of the route (EPSG:4326), for maps and exports."""
        parts: list[tuple[float, float]] = []
        for (x1, y1), (x2, y2) in zip(self.coords[:-1], self.coords[1:], strict=True):
            seg = shapely.get_coordinates(geo.geodesic_line(x1, y1, x2, y2, step_km=step_km))
            parts.extend(map(tuple, seg[1:] if parts else seg))
        return shapely.LineString(parts)


@dataclass(frozen=True, eq=False)
class AirGraph:
    """Prebuilt visibility graph over candidate states (one Caspian rule)."""

    caspian: borders.CaspianRule
    states: tuple[str, ...]
    crs: CRS
    clearance_km: float
    tolerance_km: float
    obstacles: tuple[BaseGeometry, ...]  # gnomonic metres, index = state bit
    xy: NDArray[np.float64]  # vertex coordinates (gnomonic)
    lonlat: NDArray[np.float64]
    owner: NDArray[np.int64]  # state index owning each vertex
    inside: NDArray[np.uint64]  # mask of other obstacles strictly containing the vertex
    edge_u: NDArray[np.int64]
    edge_v: NDArray[np.int64]
    edge_km: NDArray[np.float64]
    edge_cross: NDArray[np.uint64]  # mask of states each edge crosses
    exact: tuple[BaseGeometry, ...]  # full-resolution airspace per state, EPSG:4326, prepared
    fine: tuple[BaseGeometry, ...] = ()  # per state, gnomonic: see corridor._airexact

    @cached_property
    def to_gnomonic(self) -> Transformer:
        """Transformer from lon/lat to this graph's gnomonic plane."""
        return geo._transformer(_wgs84(), self.crs)

    def mask(self, states: Iterable[str]) -> np.uint64:
        """Bitmask of a set of candidate states."""
        bits = 0
        for s in states:
            bits |= 1 << self.states.index(s)
        return np.uint64(bits)


# --------------------------------------------------------------------------- build


def build_air_graph(
    *,
    caspian: borders.CaspianRule = "open",
    states: Iterable[str] | None = None,
    clearance_km: float = 1.0,
    tolerance_km: float = 3.0,
) -> AirGraph:
    """Build (or fetch from memory) the visibility graph for a set of closable states.

    Parameters
    ----------
    caspian
        Caspian rule of the airspace zones.
    states
        ISO3 codes whose closure the graph models (default
        :data:`DEFAULT_CANDIDATES`). At most 63.
    clearance_km
        Minimum distance kept from closed airspace.
    tolerance_km
        Simplification tolerance of the obstacles of the prebuilt graph; the
        obstacles are buffered by it. It only shapes the coarse path: each
        returned route is tightened against obstacles simplified at 200 m.

    Returns
    -------
    AirGraph
    """
    chosen = tuple(sorted({borders.validate_iso3(s) for s in (states or DEFAULT_CANDIDATES)}))
    if len(chosen) > _MAX_STATES:
        msg = f"at most {_MAX_STATES} candidate states, got {len(chosen)}"
        raise ValueError(msg)
    if clearance_km < 0 or tolerance_km <= 0:
        msg = f"clearance_km must be >= 0 and tolerance_km > 0, got {clearance_km}, {tolerance_km}"
        raise ValueError(msg)
    rule = borders._check_rule(caspian)
    return _build_cached(rule, chosen, float(clearance_km), float(tolerance_km))


@lru_cache(maxsize=8)
def _build_cached(
    caspian: borders.CaspianRule, states: tuple[str, ...], clearance_km: float, tolerance_km: float
) -> AirGraph:
    """Return the graph from memory, else from the on-disk cache, else build and cache it."""
    from corridor import _aircache

    key = _aircache.graph_key(caspian, states, clearance_km, tolerance_km, GNOMONIC_CENTRE)
    arrays = _aircache.load_graph(key, len(states))
    if arrays is not None:
        logger.info("air graph: loaded %s", _aircache.cache_file(key).name)
        return _graph_from_arrays(caspian, states, clearance_km, tolerance_km, arrays)
    graph = _build_graph(caspian, states, clearance_km, tolerance_km)
    _aircache.save_graph(key, _graph_arrays(graph))
    return graph


def _graph_arrays(graph: AirGraph) -> dict[str, NDArray[Any]]:
    from corridor import _aircache

    names = ("xy", "lonlat", "owner", "inside", "edge_u", "edge_v", "edge_km", "edge_cross")
    arrays: dict[str, NDArray[Any]] = {k: getattr(graph, k) for k in names}
    arrays.update(_aircache.encode_geometries(graph.obstacles))
    arrays.update(_aircache.encode_geometries(graph.fine, prefix="fine"))
    return arrays


def _graph_from_arrays(
    caspian: borders.CaspianRule,
    states: tuple[str, ...],
    clearance_km: float,
    tolerance_km: float,
    arrays: dict[str, NDArray[Any]],
) -> AirGraph:
    from corridor import _aircache

    obstacles = _aircache.decode_geometries(arrays["obstacle_wkb"], arrays["obstacle_offsets"])
    fine = _aircache.decode_geometries(arrays["fine_wkb"], arrays["fine_offsets"])
    shapely.prepare(obstacles)
    zones = borders._zone_geoms(caspian)  # the load_airspace geometries, without the frame
    exact = tuple(zones[s] for s in states)
    for g in exact:
        shapely.prepare(g)
    return AirGraph(
        caspian=caspian,
        states=states,
        crs=geo.gnomonic_crs(*GNOMONIC_CENTRE),
        clearance_km=clearance_km,
        tolerance_km=tolerance_km,
        obstacles=tuple(obstacles),
        xy=arrays["xy"],
        lonlat=arrays["lonlat"],
        owner=arrays["owner"],
        inside=arrays["inside"],
        edge_u=arrays["edge_u"],
        edge_v=arrays["edge_v"],
        edge_km=arrays["edge_km"],
        edge_cross=arrays["edge_cross"],
        exact=exact,
        fine=tuple(fine),
    )


def _build_graph(
    caspian: borders.CaspianRule, states: tuple[str, ...], clearance_km: float, tolerance_km: float
) -> AirGraph:
    logger.info("building air visibility graph over %d states (%s)", len(states), caspian)
    crs = geo.gnomonic_crs(*GNOMONIC_CENTRE)
    zones = borders.load_airspace(caspian)
    exact = tuple(zones.geometry[s] for s in states)
    for g in exact:
        shapely.prepare(g)
    tol_m, clr_m = tolerance_km * 1000.0, clearance_km * 1000.0
    projected = [geo.to_crs(shapely.segmentize(g, 0.05), "EPSG:4326", crs) for g in exact]
    obstacles = [_obstacle(g, tol_m, clr_m) for g in projected]
    fine = tuple(_obstacle(g, min(_airexact.FINE_TOLERANCE_M, tol_m), clr_m) for g in projected)
    _protect_gaps(projected, obstacles, tol_m, clr_m)
    frame = _outside_frame(crs)
    xy, owner, prev_xy, next_xy = _convex_vertices(obstacles)
    n_states = len(states)
    prepared = [shapely.buffer(o, -10.0, join_style="mitre") for o in obstacles]
    shapely.prepare(prepared)
    shapely.prepare(frame)
    inside = np.zeros(len(xy), dtype=np.uint64)
    points = shapely.points(xy)
    for k, poly in enumerate(prepared):
        hit = shapely.contains(poly, points) & (owner != k)
        inside[hit] |= np.uint64(1 << k)
    in_frame = shapely.intersects(frame, points)
    keep = ~in_frame
    xy, owner, prev_xy, next_xy, inside = (
        xy[keep],
        owner[keep],
        prev_xy[keep],
        next_xy[keep],
        inside[keep],
    )
    eu, ev = _bitangent_pairs(xy, prev_xy, next_xy)
    lines = np.asarray(shapely.linestrings(np.stack([xy[eu], xy[ev]], axis=1)), dtype=object)
    cross = np.zeros(len(eu), dtype=np.uint64)
    tree = shapely.STRtree(lines)
    useless = np.zeros(len(eu), dtype=bool)
    for k, poly in enumerate(prepared):
        cand = tree.query(poly)
        own = (owner[eu[cand]] == k) | (owner[ev[cand]] == k)
        # Lines from a vertex of k are only used when k is closed: drop them if they cross k.
        hit = shapely.intersects(poly, lines[cand])
        useless[cand[hit & own]] = True
        cross[cand[hit & ~own]] |= np.uint64(1 << k)
    useless[tree.query(frame, predicate="intersects")] = True
    keep_e = ~useless
    eu, ev, cross = eu[keep_e], ev[keep_e], cross[keep_e]
    lonlat = np.column_stack(geo._transformer(crs, _wgs84()).transform(xy[:, 0], xy[:, 1]))
    edge_km = geo.distance_km(lonlat[eu, 0], lonlat[eu, 1], lonlat[ev, 0], lonlat[ev, 1])
    logger.info("air graph: %d vertices, %d edges", len(xy), len(eu))
    assert n_states == len(obstacles)
    return AirGraph(
        caspian=caspian,
        states=states,
        crs=crs,
        clearance_km=clearance_km,
        tolerance_km=tolerance_km,
        obstacles=tuple(prepared),
        xy=xy,
        lonlat=lonlat,
        owner=owner,
        inside=inside,
        edge_u=eu,
        edge_v=ev,
        edge_km=np.asarray(edge_km, dtype=np.float64),
        edge_cross=cross,
        exact=exact,
        fine=fine,
    )


@lru_cache(maxsize=1)
def _wgs84() -> CRS:
    from pyproj import CRS as _CRS

    return _CRS.from_epsg(4326)


def _obstacle(projected: BaseGeometry, tol_m: float, clr_m: float) -> BaseGeometry:
    """Simplified outer polygon that contains ``projected`` grown by the clearance."""
    simple = shapely.simplify(projected, tol_m)
    grown = shapely.buffer(simple, tol_m + clr_m, join_style="mitre", mitre_limit=2.0)
    filled = [shapely.Polygon(p.exterior) for p in shapely.get_parts(grown) if not p.is_empty]
    return shapely.union_all(filled)


def _protect_gaps(
    projected: list[BaseGeometry], obstacles: list[BaseGeometry], tol_m: float, clr_m: float
) -> None:
    """Re-simplify finer wherever simplification merged obstacles that are apart at full size."""
    tree = shapely.STRtree(obstacles)
    left, right = tree.query(obstacles, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i >= j or shapely.distance(projected[i], projected[j]) <= 2 * clr_m:
            continue
        tol = tol_m
        while tol > 50.0 and obstacles[i].intersects(obstacles[j]):
            tol /= 2.0
            obstacles[i] = _obstacle(projected[i], tol, clr_m)
            obstacles[j] = _obstacle(projected[j], tol, clr_m)
        logger.info("air graph: finer simplification (%.0f m) for a narrow gap", tol)


def _outside_frame(crs: CRS) -> BaseGeometry:
    """Everything outside the modelled region, as an always-closed obstacle."""
    region = shapely.segmentize(shapely.box(*borders.REGION_BBOX), 0.5)
    inner = geo.to_crs(region, "EPSG:4326", crs)
    outer = shapely.buffer(inner, 2_000_000.0, join_style="mitre")
    return shapely.difference(outer, shapely.buffer(inner, -1.0, join_style="mitre"))


def _convex_vertices(
    obstacles: list[BaseGeometry],
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    xs, owners, prevs, nexts = [], [], [], []
    for k, obstacle in enumerate(obstacles):
        for poly in shapely.get_parts(obstacle):
            ring = np.asarray(poly.exterior.coords)[:-1]
            if not poly.exterior.is_ccw:
                ring = ring[::-1]
            prev, nxt = np.roll(ring, 1, axis=0), np.roll(ring, -1, axis=0)
            turn = (ring[:, 0] - prev[:, 0]) * (nxt[:, 1] - ring[:, 1]) - (
                ring[:, 1] - prev[:, 1]
            ) * (nxt[:, 0] - ring[:, 0])
            convex = turn > 0
            xs.append(ring[convex])
            prevs.append(prev[convex])
            nexts.append(nxt[convex])
            owners.append(np.full(int(convex.sum()), k, dtype=np.int64))
    return np.vstack(xs), np.concatenate(owners), np.vstack(prevs), np.vstack(nexts)


def _side(
    a: NDArray[np.float64], b: NDArray[np.float64], c: NDArray[np.float64]
) -> NDArray[np.float64]:
    return (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])


def _tangent_at(
    xy: NDArray[np.float64],
    prev_xy: NDArray[np.float64],
    next_xy: NDArray[np.float64],
    i: NDArray[np.int64],
    j: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Whether the line from vertex i towards j leaves i's polygon on one side (tangent)."""
    target: NDArray[np.float64] = xy[j]
    s1 = _side(xy[i], target, prev_xy[i])
    s2 = _side(xy[i], target, next_xy[i])
    return np.asarray(s1 * s2 >= 0)


def _bitangent_pairs(
    xy: NDArray[np.float64], prev_xy: NDArray[np.float64], next_xy: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    n = len(xy)
    us, vs = [], []
    for start in range(0, n, 512):  # chunks keep memory flat
        i = np.arange(start, min(start + 512, n))
        grid_i, grid_j = np.meshgrid(i, np.arange(n), indexing="ij")
        ii, jj = grid_i.ravel(), grid_j.ravel()
        upper = jj > ii
        ii, jj = ii[upper], jj[upper]
        ok = _tangent_at(xy, prev_xy, next_xy, ii, jj) & _tangent_at(xy, prev_xy, next_xy, jj, ii)
        us.append(ii[ok])
        vs.append(jj[ok])
    return np.concatenate(us).astype(np.int64), np.concatenate(vs).astype(np.int64)


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class _Place:
    label: str
    name: str
    lon: float
    lat: float
    country: str | None


def resolve_air_place(place: str | tuple[float, float]) -> tuple[str, float, float]:
    """Resolve a place to ``(label, lon, lat)`` for air routing.

    Parameters
    ----------
    place
        Anything :func:`corridor.find_place` accepts (ICAO/IATA code, node id,
        name, ``"LAT,LON"``), or a ``(lon, lat)`` tuple.

    Returns
    -------
    tuple
        ``(label, lon, lat)``.

    Raises
    ------
    UnknownPlaceError
        If the text is not a known place, with the closest names.
    """
    p = _resolve(place)
    return p.label, p.lon, p.lat


def _resolve(place: str | tuple[float, float]) -> _Place:
    if isinstance(place, tuple):
        lon, lat = float(place[0]), float(place[1])
        return _Place(f"{lat:.4f},{lon:.4f}", f"{lat:.4f},{lon:.4f}", lon, lat, None)
    from corridor.network import find_place  # the one place look-up of the project

    p = find_place(str(place))
    return _Place(p.label, p.name, p.lon, p.lat, p.country)


# --------------------------------------------------------------------------- query


def air_route(
    orig: str | tuple[float, float],
    dest: str | tuple[float, float],
    *,
    closed: Iterable[str] = (),
    caspian: borders.CaspianRule = "open",
    clearance_km: float = 1.0,
    range_km: float | None = None,
    min_runway_m: float = 2400.0,
    no_landing: Iterable[str] = (),
) -> AirRoute:
    """Shortest geodesic air path that avoids closed airspace.

    Parameters
    ----------
    orig, dest
        Airports by ICAO/IATA code, ``"LAT,LON"``, or ``(lon, lat)`` tuples.
    closed
        ISO3 codes of states whose airspace is closed. The origin's and the
        destination's own countries are always usable for their own legs.
    caspian
        ``"open"`` or ``"partitioned"`` (see :func:`corridor.load_airspace`).
    clearance_km
        Distance kept from closed airspace.
    range_km
        Aircraft range; a longer route must stop at airports in permitting states.
    min_runway_m
        Shortest runway acceptable for a stop.
    no_landing
        States where the aircraft may overfly but not land (besides closed ones).

    Returns
    -------
    AirRoute

    Raises
    ------
    NoRouteError
        When closed airspace encloses the destination or origin, or separates
        them, or the range cannot be bridged; the message says which states.
    UnknownPlaceError
        For unknown airports or country codes.

    Examples
    --------
    >>> r = air_route("UUMU", "UAAA")  # Chkalovsky -> Almaty, nothing closed
    >>> round(r.detour_pct, 3)
    0.0
    """
    o, d = _resolve(orig), _resolve(dest)
    closed_set = {borders.validate_iso3(c) for c in closed}
    banned_landing = {borders.validate_iso3(c) for c in no_landing}
    rule = borders._check_rule(caspian)
    if range_km is not None and range_km <= 0:
        msg = f"range_km must be positive, got {range_km}"
        raise ValueError(msg)
    route = _route(o, d, closed_set, rule, clearance_km)
    if range_km is None or route.km <= range_km:
        return route
    return _route_with_stops(
        o, d, closed_set, rule, clearance_km, range_km, min_runway_m, banned_landing
    )


def _route(
    o: _Place, d: _Place, closed: set[str], caspian: borders.CaspianRule, clearance_km: float
) -> AirRoute:
    zone_o = borders.airspace_at(o.lon, o.lat, caspian=caspian)
    zone_d = borders.airspace_at(d.lon, d.lat, caspian=caspian)
    effective = closed - {zone_o, zone_d}
    states = tuple(sorted(set(DEFAULT_CANDIDATES) | effective))
    graph = build_air_graph(caspian=caspian, states=states, clearance_km=clearance_km)
    return _route_on(graph, o, d, zone_o, zone_d, effective)


def _route_on(
    graph: AirGraph, o: _Place, d: _Place, zone_o: str, zone_d: str, effective: set[str]
) -> AirRoute:
    caspian = graph.caspian
    path = _search(graph, o, d, effective)
    if path is None:
        raise NoRouteError(_why_not(o, d, zone_o, zone_d, effective, caspian))
    coords = tuple((float(x), float(y)) for x, y in path)
    km = float(sum(_leg_km(a, b) for a, b in zip(coords[:-1], coords[1:], strict=True)))
    gc = float(geo.distance_km(o.lon, o.lat, d.lon, d.lat))
    samples = _sample(coords)
    airspaces = _overflown(samples, caspian)
    _verify(samples, graph, effective)
    return AirRoute(o.label, d.label, coords, km, gc, airspaces, closed=frozenset(effective))


def air_sweep(
    orig: str | tuple[float, float],
    dest: str | tuple[float, float],
    states: Iterable[str],
    *,
    base_closed: Iterable[str] = (),
    caspian: borders.CaspianRule = "open",
    clearance_km: float = 1.0,
) -> dict[frozenset[str], AirRoute | None]:
    """Air routes for every combination of closing ``states`` (2^n what-ifs).

    Work is reused: closing more states can only lengthen a route, so a route
    that stays clear of a newly closed state is still optimal, and a pair with
    no route stays without one. Only the remaining combinations are searched,
    each as a mask over one prebuilt graph.

    Parameters
    ----------
    orig, dest
        As for :func:`air_route`.
    states
        ISO3 codes to combine (at most 16: 65,536 combinations).
    base_closed
        States closed in every combination.
    caspian, clearance_km
        As for :func:`air_route`.

    Returns
    -------
    dict
        Maps each frozenset of closed ``states`` to its route, or None where no
        route exists.
    """
    combo_states = sorted({borders.validate_iso3(s) for s in states})
    if len(combo_states) > 16:
        msg = f"at most 16 states to combine, got {len(combo_states)}"
        raise ValueError(msg)
    base = {borders.validate_iso3(s) for s in base_closed}
    o, d = _resolve(orig), _resolve(dest)
    rule = borders._check_rule(caspian)
    zone_o = borders.airspace_at(o.lon, o.lat, caspian=rule)
    zone_d = borders.airspace_at(d.lon, d.lat, caspian=rule)
    candidates = tuple(sorted(set(DEFAULT_CANDIDATES) | set(combo_states) | base))
    graph = build_air_graph(caspian=rule, states=candidates, clearance_km=clearance_km)
    to_gnomonic = graph.to_gnomonic
    results: dict[int, AirRoute | None] = {}
    n = len(combo_states)
    for bits in sorted(range(1 << n), key=int.bit_count):
        subset = {combo_states[k] for k in range(n) if bits >> k & 1}
        effective = (subset | base) - {zone_o, zone_d}
        answer: AirRoute | bool | None = False  # False: not decided yet
        for k in range(n):
            if not bits >> k & 1:
                continue
            parent = results[bits & ~(1 << k)]
            if parent is None:
                answer = None  # more closures cannot restore a route
                break
            added = combo_states[k]
            if added not in effective or not _crosses(parent, graph, added, to_gnomonic):
                answer = dataclasses.replace(parent, closed=frozenset(effective))
                break
        if answer is False:
            try:
                answer = _route_on(graph, o, d, zone_o, zone_d, effective)
            except NoRouteError:
                answer = None
        results[bits] = answer if isinstance(answer, AirRoute) else None
    return {
        frozenset(combo_states[k] for k in range(n) if bits >> k & 1): route
        for bits, route in results.items()
    }


def _crosses(route: AirRoute, graph: AirGraph, state: str, to_gnomonic: Transformer) -> bool:
    """Whether a route's segments touch a state's obstacle (closure margin included)."""
    xs, ys = to_gnomonic.transform([c[0] for c in route.coords], [c[1] for c in route.coords])
    line = shapely.LineString(np.column_stack([xs, ys]))
    return bool(graph.obstacles[graph.states.index(state)].intersects(line))


def _leg_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(geo.distance_km(a[0], a[1], b[0], b[1]))


def _search(
    graph: AirGraph, o: _Place, d: _Place, closed: set[str]
) -> list[tuple[float, float]] | None:
    crs_fwd = graph.to_gnomonic
    ox, oy = crs_fwd.transform(o.lon, o.lat)
    dx, dy = crs_fwd.transform(d.lon, d.lat)
    closed_idx = [graph.states.index(s) for s in closed]
    mask = graph.mask(closed)
    closed_obstacles = [graph.obstacles[k] for k in closed_idx]
    exact_closed = [graph.exact[k] for k in closed_idx]
    direct = shapely.LineString([(ox, oy), (dx, dy)])
    if not closed or not _blocked(direct, closed_obstacles, exact_closed, graph, [o, d]).any():
        return [(o.lon, o.lat), (d.lon, d.lat)]
    owner_closed = np.isin(graph.owner, closed_idx)
    vertex_ok = owner_closed & ((graph.inside & mask) == 0)
    edge_ok = vertex_ok[graph.edge_u] & vertex_ok[graph.edge_v] & ((graph.edge_cross & mask) == 0)
    verts = np.flatnonzero(vertex_ok)
    n = len(graph.xy)
    src, dst = n, n + 1
    rows = [graph.edge_u[edge_ok], graph.edge_v[edge_ok]]
    cols = [graph.edge_v[edge_ok], graph.edge_u[edge_ok]]
    wts = [graph.edge_km[edge_ok], graph.edge_km[edge_ok]]
    for node, place, (px, py) in ((src, o, (ox, oy)), (dst, d, (dx, dy))):
        seen, km = _visible(graph, place, (px, py), verts, closed_obstacles, exact_closed)
        rows += [np.full(len(seen), node), seen]
        cols += [seen, np.full(len(seen), node)]
        wts += [km, km]
    matrix = csr_matrix(
        (np.concatenate(wts), (np.concatenate(rows), np.concatenate(cols))), shape=(n + 2, n + 2)
    )
    dist, pred = dijkstra(matrix, directed=True, indices=src, return_predecessors=True)
    if not np.isfinite(dist[dst]):
        return None
    chain = [dst]
    while chain[-1] != src:
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    pts = [(o.lon, o.lat)]
    pts += [(float(graph.lonlat[i, 0]), float(graph.lonlat[i, 1])) for i in chain[1:-1]]
    pts.append((d.lon, d.lat))
    tight = _airexact.refine(graph, pts, closed_idx)
    if tight is not None and _path_km(tight) <= _path_km(pts):
        return tight
    return pts


def _path_km(pts: list[tuple[float, float]]) -> float:
    xy = np.asarray(pts, dtype=np.float64)
    return float(geo.distance_km(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]).sum())


def _blocked(
    lines: BaseGeometry | NDArray[np.object_],
    obstacles: list[BaseGeometry],
    exact: list[BaseGeometry],
    graph: AirGraph,
    ends: list[_Place],
) -> NDArray[np.bool_]:
    """Whether connector lines touch a closed obstacle (exact airspace near an end point)."""
    arr = np.atleast_1d(np.asarray(lines, dtype=object))
    blocked = np.zeros(len(arr), dtype=bool)
    to_gnomonic = graph.to_gnomonic
    end_points = [shapely.Point(to_gnomonic.transform(e.lon, e.lat)) for e in ends]
    for obstacle, zone in zip(obstacles, exact, strict=True):
        if any(obstacle.contains(p) for p in end_points):
            # An end point sits in the simplified margin of this obstacle: test the
            # connector against the full-resolution airspace instead (no clearance there).
            ll = np.asarray([geo.to_crs(g, graph.crs, _wgs84()) for g in arr], dtype=object)
            ll = shapely.segmentize(ll, 0.02)
            blocked |= shapely.intersects(zone, ll)
        else:
            blocked |= shapely.intersects(obstacle, arr)
    return blocked


def _visible(
    graph: AirGraph,
    place: _Place,
    pxy: tuple[float, float],
    verts: NDArray[np.int64],
    obstacles: list[BaseGeometry],
    exact: list[BaseGeometry],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    if len(verts) == 0:
        return verts, np.zeros(0)
    start = np.broadcast_to(np.asarray(pxy, dtype=float), (len(verts), 2))
    lines = shapely.linestrings(np.stack([start, graph.xy[verts]], axis=1))
    ok = ~_blocked(lines, obstacles, exact, graph, [place])
    seen = verts[ok]
    km = geo.distance_km(place.lon, place.lat, graph.lonlat[seen, 0], graph.lonlat[seen, 1])
    return seen, np.asarray(km, dtype=np.float64)


def _sample(
    coords: tuple[tuple[float, float], ...], step_km: float = _SAMPLE_KM
) -> NDArray[np.float64]:
    """Points every ``step_km`` or closer along the geodesic legs, end points included."""
    pts: list[NDArray[np.float64]] = []
    for (x1, y1), (x2, y2) in zip(coords[:-1], coords[1:], strict=True):
        n_inner = max(int(np.ceil(float(geo.distance_km(x1, y1, x2, y2)) / step_km)) - 1, 0)
        pts.append(np.asarray([[x1, y1]], dtype=np.float64))
        if n_inner:
            line = geo.GEOD.inv_intermediate(x1, y1, x2, y2, npts=n_inner, return_back_azimuth=True)
            pts.append(np.column_stack([np.asarray(line.lons), np.asarray(line.lats)]))
    pts.append(np.asarray([coords[-1]], dtype=np.float64))
    return np.vstack(pts)


def _overflown(pts: NDArray[np.float64], caspian: borders.CaspianRule) -> tuple[str, ...]:
    """Zones under the sampled points, in order, consecutive repeats merged."""
    zones = borders.locate_airspace(pts[:, 0], pts[:, 1], caspian=caspian)
    ordered: list[str] = []
    for z in zones:
        if not ordered or ordered[-1] != z:
            ordered.append(str(z))
    return tuple(ordered)


def _verify(pts: NDArray[np.float64], graph: AirGraph, closed: set[str]) -> None:
    """Refuse a route any of whose samples lies in closed airspace (full resolution)."""
    if not closed:
        return
    points = shapely.points(pts)
    for s in closed:
        zone = graph.exact[graph.states.index(s)]
        if shapely.intersects(zone, points).any():
            msg = f"internal error: computed air route enters closed airspace of {s}; refusing it"
            raise RuntimeError(msg)


@lru_cache(maxsize=2)
def _airspace_adjacency(caspian: borders.CaspianRule) -> dict[str, frozenset[str]]:
    zones = borders._zone_geoms(caspian)  # load_airspace's zones and order, without the frame
    geoms = list(zones.values())
    tree = shapely.STRtree(geoms)
    codes = list(zones)
    left, right = tree.query(geoms, predicate="intersects")
    adj: dict[str, set[str]] = {str(c): set() for c in codes}
    for i, j in zip(left, right, strict=True):
        if i != j:
            adj[str(codes[i])].add(str(codes[j]))
    return {k: frozenset(v) for k, v in adj.items()}


def _why_not(
    o: _Place, d: _Place, zone_o: str, zone_d: str, closed: set[str], caspian: borders.CaspianRule
) -> str:
    adjacency = _airspace_adjacency(caspian)
    for zone, place in ((zone_d, d), (zone_o, o)):
        around = adjacency.get(zone, frozenset())
        if around and around <= closed:
            return (
                f"no air route from {o.label} to {d.label}: {zone} ({place.label}) is enclosed "
                f"by the closed airspace of {', '.join(sorted(around))}"
            )
    near = sorted(
        (adjacency.get(zone_d, frozenset()) | adjacency.get(zone_o, frozenset())) & closed
    )
    others = sorted(closed - set(near))
    names = ", ".join(near + others)
    return (
        f"no air route from {o.label} to {d.label}: the closed airspace of {names} separates them"
    )


def _route_with_stops(
    o: _Place,
    d: _Place,
    closed: set[str],
    caspian: borders.CaspianRule,
    clearance_km: float,
    range_km: float,
    min_runway_m: float,
    no_landing: set[str],
    stop_penalty_km: float = 100.0,
) -> AirRoute:
    """Shortest chain of legs, each within range, stopping at permitted airports.

    A* over airports with lazy edge evaluation: a candidate leg is queued with its
    great-circle length (a lower bound) and only routed around closed airspace when
    it reaches the front of the queue; the heuristic is the great circle to the
    destination. Each stop adds ``stop_penalty_km`` so that, between near-equal
    chains, the one with fewer landings wins.
    """
    import heapq

    from corridor.network import load_network

    nodes = load_network().nodes
    airports = nodes[nodes["kind"].isin(["airport", "airbase"])]
    ok = (airports["runway_m"].fillna(0) >= min_runway_m) & ~airports["country"].isin(
        closed | no_landing
    )
    usable = airports[ok]
    stops = [
        _Place(str(i), str(n), g.x, g.y, str(c))
        for i, n, g, c in zip(
            usable.index, usable["name"], usable.geometry, usable["country"], strict=True
        )
    ]
    runway = dict(zip(usable.index.astype(str), usable["runway_m"].astype(float), strict=True))
    places = [o, *stops, d]
    target = len(places) - 1
    lon = np.array([p.lon for p in places])
    lat = np.array([p.lat for p in places])
    h = geo.distance_km(lon, lat, d.lon, d.lat)
    prev: dict[int, tuple[int, AirRoute]] = {}
    settled: dict[int, float] = {}
    # entries: (g + h, g, j, i, leg or None)
    heap: list[tuple[float, float, int, int, AirRoute | None]] = [(float(h[0]), 0.0, 0, -1, None)]
    evaluations = 0
    while heap:
        _, g, j, i, leg = heapq.heappop(heap)
        j, i = int(j), int(i)
        if j in settled:
            continue
        if i >= 0 and leg is None:  # lazily route the candidate leg i -> j
            evaluations += 1
            try:
                real = _route(places[i], places[j], closed, caspian, clearance_km)
            except NoRouteError:
                continue
            if real.km <= range_km:
                g_real = settled[i] + real.km + (stop_penalty_km if i > 0 else 0.0)
                heapq.heappush(heap, (g_real + float(h[j]), g_real, j, i, real))
            continue
        settled[j] = g
        if i >= 0 and leg is not None:
            prev[j] = (i, leg)
        if j == target:
            break
        gc = geo.distance_km(lon[j], lat[j], lon, lat)
        for k in map(int, np.flatnonzero(gc <= range_km)):
            if k not in settled and k != j:
                lower = g + float(gc[k]) + (stop_penalty_km if j > 0 else 0.0)
                heapq.heappush(heap, (lower + float(h[k]), lower, k, j, None))
    logger.debug("range search: %d legs routed", evaluations)
    if target not in prev:
        msg = (
            f"no air route from {o.label} to {d.label} within a range of {range_km:.0f} km: "
            f"no chain of airports with runways >= {min_runway_m:.0f} m in permitting states "
            f"bridges the gap (closed: {', '.join(sorted(closed)) or 'none'})"
        )
        raise NoRouteError(msg)
    legs: list[AirRoute] = []
    node = target
    while node != 0:
        node, last = prev[node]
        legs.append(last)
    legs.reverse()
    coords: list[tuple[float, float]] = []
    airspaces: list[str] = []
    for leg in legs:
        coords.extend(leg.coords if not coords else leg.coords[1:])
        for z in leg.airspaces:
            if not airspaces or airspaces[-1] != z:
                airspaces.append(z)
    stop_list = tuple(
        AirStop(leg.dest, p.name, p.country or "", p.lon, p.lat, runway[p.label])
        for leg, p in ((leg, _resolve(leg.dest)) for leg in legs[:-1])
    )
    gc_km = float(geo.distance_km(o.lon, o.lat, d.lon, d.lat))
    return AirRoute(
        o.label,
        d.label,
        tuple(coords),
        float(sum(leg.km for leg in legs)),
        gc_km,
        tuple(airspaces),
        stops=stop_list,
        closed=frozenset(closed),
    )
