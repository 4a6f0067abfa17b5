"""Multimodal route planning under a scenario: best routes, alternatives, why-not.

``plan(scenario)`` answers, for every origin-destination pair of a scenario, which
routes exist. Ground, sea, ferry and waterway legs are searched on the network's
array form (:func:`scipy.sparse.csgraph.dijkstra` over a CSR matrix built from a
boolean mask of usable edges); air legs come from :func:`corridor.airspace.air_route`
between the airports that serve each origin and destination. The scenario never
changes the network: it only decides which edges are usable.

Rules
-----
* An edge is unusable when its mode is not allowed, its status is not ``open``
  (``restricted`` means local or humanitarian traffic only, no transit), it or
  one of its end nodes is closed by the scenario, or it touches a state (or de facto
  territory) that is hostile for the edge's mode. The origin's and the destination's
  own countries are always usable for their own legs.
* Conditional states are allowed but flagged; with the ``hours`` objective every
  border crossing or port call touching one costs ``conditional_delay_h``.
* Air legs avoid the airspace of states hostile for ``overflight`` plus the
  scenario's ``closed_airspace``; they may start and end only at airports of states
  not hostile for ``landing`` (own countries excepted).
* Every route is re-checked against the scenario before it is returned.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from corridor import borders, geo
from corridor._errors import NoRouteError, ScenarioError
from corridor._geojson import geometry_dict
from corridor.network import EDGE_MODES, Place, TransitNetwork, find_place, load_network
from corridor.scenario import LEG_STANCE_MODE, OBJECTIVES, Scenario, Stance, check_scenario

if TYPE_CHECKING:
    import geopandas as gpd

if TYPE_CHECKING:
    from corridor import airspace  # imported when an air leg is routed (light ground routes)

__all__ = ["Leg", "PairPlan", "Plan", "Route", "WhyNot", "plan"]

logger = logging.getLogger("corridor")

#: Cruise speed of a military transport (Il-76 class), km/h, and fixed time per flight, h.
AIR_SPEED_KMH = 750.0
AIR_FIXED_H = 1.0
#: A coordinate origin or destination snaps to the nearest network node within this many km.
SNAP_MAX_KM = 50.0
#: Airports within this distance of a coordinate origin/destination serve it.
AIRPORT_REACH_KM = 100.0
_GROUND_MODES = ("road", "rail", "sea", "ferry", "waterway")


@dataclass(frozen=True)
class Leg:
    """One stretch of a route in a single mode."""

    mode: str
    orig: str
    dest: str
    km: float
    hours: float
    countries: tuple[str, ...]
    via: tuple[str, ...]
    geometry: shapely.LineString
    conditional: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (RFC 7946 geometry: a LineString, a Point for a mode change)."""
        return {
            "mode": self.mode,
            "from": self.orig,
            "to": self.dest,
            "km": round(self.km, 1),
            "hours": round(self.hours, 2),
            "countries": list(self.countries),
            "via": list(self.via),
            "conditional": list(self.conditional),
            "geometry": geometry_dict(self.geometry),  # RFC 7946: a mode change is a Point
        }


@dataclass(frozen=True)
class Route:
    """A feasible route: ordered legs from an origin to a destination."""

    origin: str
    destination: str
    legs: tuple[Leg, ...]
    rank: int = 1

    @property
    def km(self) -> float:
        """Total length."""
        return float(sum(leg.km for leg in self.legs))

    @property
    def hours(self) -> float:
        """Total time, conditional delays included."""
        return float(sum(leg.hours for leg in self.legs))

    @property
    def modes(self) -> tuple[str, ...]:
        """Modes in order of first use (transfers omitted)."""
        seen: list[str] = []
        for leg in self.legs:
            if leg.mode != "transfer" and leg.mode not in seen:
                seen.append(leg.mode)
        return tuple(seen)

    @property
    def countries(self) -> tuple[str, ...]:
        """Countries (and ``INTL``) in order, consecutive repeats merged."""
        out: list[str] = []
        for leg in self.legs:
            for c in leg.countries:
                if not out or out[-1] != c:
                    out.append(c)
        return tuple(out)

    @property
    def via(self) -> tuple[str, ...]:
        """Crossings, ports and airports used, in order (each once)."""
        return tuple(dict.fromkeys(v for leg in self.legs for v in leg.via))

    @property
    def conditional(self) -> tuple[str, ...]:
        """Conditional states the route relies on."""
        return tuple(sorted({c for leg in self.legs for c in leg.conditional}))

    @property
    def signature(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What makes two routes genuinely different: transit countries and crossings."""
        return self.countries, tuple(v for v in self.via if not v.startswith(("port-",)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``corridor route --json``."""
        return {
            "rank": self.rank,
            "origin": self.origin,
            "destination": self.destination,
            "km": round(self.km, 1),
            "hours": round(self.hours, 2),
            "modes": list(self.modes),
            "countries": list(self.countries),
            "conditional": list(self.conditional),
            "legs": [leg.to_dict() for leg in self.legs],
        }


@dataclass(frozen=True)
class WhyNot:
    """Why a pair has no route, and what would restore one."""

    reason: str
    blocking: tuple[str, ...]
    restore: tuple[tuple[str, ...], ...]
    restored_routes: tuple[Route, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"reason": self.reason, "restore": [list(r) for r in self.restore]}


@dataclass(frozen=True)
class PairPlan:
    """Routes (best first) for one origin-destination pair, or its why-not."""

    origin: str
    destination: str
    routes: tuple[Route, ...]
    why_not: WhyNot | None = None

    @property
    def feasible(self) -> bool:
        """Whether at least one route exists."""
        return bool(self.routes)

    @property
    def best(self) -> Route | None:
        """The best route, if any."""
        return self.routes[0] if self.routes else None


@dataclass(frozen=True)
class Plan:
    """The answer to a scenario: one :class:`PairPlan` per origin-destination pair."""

    scenario: Scenario
    pairs: tuple[PairPlan, ...]

    @property
    def feasible(self) -> bool:
        """True when every pair has a route."""
        return all(p.feasible for p in self.pairs)

    @property
    def routes(self) -> tuple[Route, ...]:
        """All routes of all pairs."""
        return tuple(r for p in self.pairs for r in p.routes)

    def to_gdf(self) -> gpd.GeoDataFrame:
        """Return one row per leg as a GeoDataFrame (EPSG:4326; see :mod:`corridor._frames`)."""
        from corridor._frames import legs_frame

        return legs_frame(self)

    def routes_frame(self) -> gpd.GeoDataFrame:
        """Return one row per route as a GeoDataFrame (EPSG:4326; see :mod:`corridor._frames`)."""
        from corridor._frames import routes_frame

        return routes_frame(self)

    def __repr__(self) -> str:
        """Return a one-line summary (the full content is in :meth:`to_dict`)."""
        from corridor._frames import plan_repr

        return plan_repr(self)

    def _repr_html_(self) -> str:
        from corridor._frames import plan_html

        return plan_html(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"feasible", "routes", "why_not", "pairs"}``."""
        reasons = [p.why_not for p in self.pairs if p.why_not is not None]
        why_not = None
        if reasons:
            why_not = {
                "reason": " | ".join(w.reason for w in reasons),
                "restore": [list(r) for w in reasons for r in w.restore],
            }
        return {
            "scenario": self.scenario.name,
            "feasible": self.feasible,
            "routes": [r.to_dict() for r in self.routes],
            "why_not": why_not,
            "pairs": [
                {
                    "origin": p.origin,
                    "destination": p.destination,
                    "feasible": p.feasible,
                    "why_not": p.why_not.to_dict() if p.why_not else None,
                }
                for p in self.pairs
            ],
        }


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Context:
    """What one search needs: the scenario resolved against the network."""

    net: TransitNetwork
    scenario: Scenario
    orig: Place
    dest: Place
    own: frozenset[str]
    extra_closed_nodes: frozenset[str] = frozenset()
    extra_open: frozenset[str] = frozenset()  # states/facilities forced open (why-not probes)
    extra_hostile: frozenset[str] = frozenset()  # states closed for alternatives
    banned_nodes: frozenset[str] = frozenset()
    universe: tuple[str, ...] = field(default=())

    def stance(self, code: str, mode: str) -> Stance:
        if code in self.extra_hostile and code not in self.own:
            return Stance.HOSTILE
        if code in self.own or code in self.extra_open:
            return Stance.PERMISSIVE
        return self.scenario.stance(code, mode)


def _ground_masks(ctx: _Context) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Usable-edge mask, conditional-penalty hours, and conditional bitmask per edge."""
    net, scen = ctx.net, ctx.scenario
    n_edges = len(net.edge_u)
    usable = np.zeros(n_edges, dtype=bool)
    cond_bits = np.zeros(n_edges, dtype=np.uint64)
    allowed_modes = set(scen.modes) | {"transfer"}
    edge_status, node_status = statuses(net, scen)
    status = edge_status
    closed_ids = scen.closed_edges
    edge_ids = np.asarray(net.cols.edge_ids, dtype=object)
    for mode_idx, mode in enumerate(EDGE_MODES):
        sel = net.edge_mode == mode_idx
        if mode not in allowed_modes or not sel.any():
            continue
        stance_mode = LEG_STANCE_MODE.get(mode)
        if stance_mode is None:  # transfers: airport <-> city inside one country
            usable |= sel
            continue
        hostile = {c for c in ctx.universe if ctx.stance(c, stance_mode) == Stance.HOSTILE}
        cond = {c for c in ctx.universe if ctx.stance(c, stance_mode) == Stance.CONDITIONAL}
        h_mask, c_mask = net.country_mask(frozenset(hostile)), net.country_mask(frozenset(cond))
        ok = sel & ((net.edge_mask & h_mask) == 0)
        usable |= ok
        cond_bits[sel] = net.edge_mask[sel] & c_mask
    usable &= status == "open"  # "restricted": local or humanitarian traffic only, no transit
    if closed_ids:
        usable &= ~np.isin(edge_ids, list(closed_ids))
    closed_nodes = set(scen.closed_nodes) | set(ctx.extra_closed_nodes) | set(ctx.banned_nodes)
    closed_nodes -= set(ctx.extra_open)
    node_status_closed = {
        n for n, s in zip(net.node_ids, node_status, strict=True) if s != "open"
    } - set(ctx.extra_open)
    closed_nodes |= node_status_closed
    if closed_nodes:
        bad = np.array([n in closed_nodes for n in net.node_ids])
        usable &= ~bad[net.edge_u] & ~bad[net.edge_v]
    # conditional penalty: once per crossing/port touching a conditional state (half per side)
    penalty = np.zeros(n_edges)
    if scen.objective == "hours":
        kinds = np.asarray(net.cols.node_kind, dtype=object)
        gate = np.isin(kinds, ["crossing", "port"])
        touches_gate = gate[net.edge_u] | gate[net.edge_v]
        penalty = np.where((cond_bits != 0) & touches_gate, scen.conditional_delay_h / 2, 0.0)
    return usable, penalty, cond_bits


def statuses(net: TransitNetwork, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Status of every edge and node on the scenario's date for its traffic class.

    Elements with a dated history (``status_history.csv``) take the span covering the
    date (no date: the spans still valid); all others keep their single status.
    """
    from corridor._ground import parse_day

    day = parse_day(scenario.date) if scenario.date else None
    key = f"statuses:{day}:{scenario.traffic}"

    def build(n: TransitNetwork) -> tuple[np.ndarray, np.ndarray]:
        g, cols = n.ground, n.cols
        out = []
        for ids, status in ((cols.edge_ids, cols.edge_status), (n.node_ids, cols.node_status)):
            current = np.array(status, dtype=object)
            for i, element in enumerate(ids):
                if element in g.history:
                    current[i] = g.status_on(str(element), day, scenario.traffic, current[i])
            out.append(current)
        return out[0], out[1]

    return net.derived(key, build)


def _weights(ctx: _Context, penalty: np.ndarray) -> np.ndarray:
    net = ctx.net
    if ctx.scenario.objective == "km":
        return net.edge_km.copy()
    if ctx.scenario.objective == "hours":
        dwell = _dwell(net, forward=True, traffic=ctx.scenario.traffic)
        return np.asarray(net.edge_hours + dwell + penalty, dtype=np.float64)
    changes = np.isin(net.edge_mode, [EDGE_MODES.index(m) for m in ("transfer", "ferry", "sea")])
    return np.where(changes, 1.0, 0.0) + net.edge_km * 1e-4


def _dwell(net: TransitNetwork, *, forward: bool, traffic: str = "freight") -> np.ndarray:
    """Border and port dwell hours per edge in one direction for the scenario's traffic class."""
    fwd, back = net.dwell_arrays(traffic)
    return fwd if forward else back


def _back_weights(ctx: _Context, weights: np.ndarray) -> np.ndarray:
    """Weights of the edges travelled v to u: the hours objective swaps the dwell side."""
    if ctx.scenario.objective != "hours":
        return weights
    net, traffic = ctx.net, ctx.scenario.traffic
    return np.asarray(
        weights
        - _dwell(net, forward=True, traffic=traffic)
        + _dwell(net, forward=False, traffic=traffic),
        dtype=np.float64,
    )


# --------------------------------------------------------------------------- plan


def plan(
    scenario: Scenario,
    *,
    network: TransitNetwork | None = None,
    k: int | None = None,
    explain: bool = True,
    roads: Any = None,
    snap_km: float = 2.0,
) -> Plan:
    """Plan every origin-destination pair of a scenario.

    Parameters
    ----------
    scenario
        Stances, closures, places and options (see :mod:`corridor.scenario`).
    network
        Network to route on (default: :func:`corridor.load_network`).
    k
        Routes wanted per pair, best included (default: ``scenario.k``).
    explain
        Compute ``why_not`` with restoring stance changes for infeasible pairs.
    roads
        An OpenStreetMap :class:`corridor.osm.RoadGraph`: road legs it covers are
        refined to the real road (length, time, line) before planning, with the
        scenario's ``closed_osm_nodes`` and ``closed_osm_ways`` closed; a leg those
        closures cut is closed.
    snap_km
        Largest distance from a leg's end point to the OSM road it is refined with.

    Returns
    -------
    Plan

    Raises
    ------
    ScenarioError
        If the scenario has no origins or destinations, or names unknown places.

    Examples
    --------
    >>> from corridor.scenario import make_scenario
    >>> p = plan(make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"]))
    >>> "x-upper-lars" in p.pairs[0].best.via
    True
    """
    net = network if network is not None else load_network()
    if roads is not None:
        from corridor import osm
        from corridor.network import refined_network

        refinement = osm.refine(
            net.edges.reset_index(), roads, max_snap_km=snap_km,
            closed_nodes=scenario.closed_osm_nodes, closed_ways=scenario.closed_osm_ways,
        )  # fmt: skip
        net = refined_network(net, refinement)
    if not scenario.origins or not scenario.destinations:
        msg = f"scenario {scenario.name!r} needs at least one origin and one destination"
        raise ScenarioError(msg)
    check_scenario(scenario, net, roads=roads)
    want = k if k is not None else scenario.k
    pairs = []
    for o_text, d_text in itertools.product(scenario.origins, scenario.destinations):
        o, d = find_place(o_text, net), find_place(d_text, net)
        if o.label == d.label:
            msg = (
                f"scenario {scenario.name!r}: origin and destination are the same place {o.label!r}"
            )
            raise ScenarioError(msg)
        pairs.append(_plan_pair(net, scenario, o, d, want, explain=explain))
    return Plan(scenario, tuple(pairs))


def _context(net: TransitNetwork, scenario: Scenario, o: Place, d: Place, **extra: Any) -> _Context:
    own = frozenset(c for c in (o.country, d.country) if c)
    return _Context(net, scenario, o, d, own, universe=net.countries, **extra)


def _plan_pair(
    net: TransitNetwork, scenario: Scenario, o: Place, d: Place, k: int, *, explain: bool
) -> PairPlan:
    ctx = _context(net, scenario, o, d)
    best = _best_route(ctx)
    if best is None:
        why = _why_not(ctx) if explain else None
        return PairPlan(o.label, d.label, (), why)
    routes = [best]
    if k > 1:
        routes += _alternatives(ctx, best, k - 1)
    ranked = tuple(_ranked(r, i + 1) for i, r in enumerate(routes))
    for r in ranked:
        _recheck(ctx, r)
    return PairPlan(o.label, d.label, ranked)


def _ranked(route: Route, rank: int) -> Route:
    return Route(route.origin, route.destination, route.legs, rank)


def _cost(ctx: _Context, route: Route) -> float:
    if ctx.scenario.objective == "km":
        return route.km
    if ctx.scenario.objective == "hours":
        return route.hours
    return (
        float(sum(1 for leg in route.legs if leg.mode in ("air", "sea", "ferry", "transfer")))
        + route.km * 1e-4
    )


def _best_route(ctx: _Context, *, any_route: bool = False) -> Route | None:
    """Cheapest of the ground and air routes.

    With ``any_route`` (feasibility probes) the air side stops at the first gateway
    pair, nearest first, that has a route: usually the best one, at a fraction of
    the cost.
    """
    ground = _ground_route(ctx)
    candidates = [r for r in (ground, _air_route(ctx, any_route=any_route)) if r is not None]
    return min(candidates, key=lambda r: _cost(ctx, r)) if candidates else None


# --------------------------------------------------------------------------- ground


def _snap(ctx: _Context, place: Place) -> tuple[int, float] | None:
    """Network node serving a place, and the connector length (0 for a node)."""
    net = ctx.net
    if place.node is not None:
        return net.node_index[place.node], 0.0
    cols = net.cols
    sel = np.flatnonzero(
        np.isin(np.asarray(cols.node_kind, dtype=object), ["city", "port", "airport", "airbase"])
    )
    d = geo.distance_km(place.lon, place.lat, cols.node_lon[sel], cols.node_lat[sel])
    j = int(np.argmin(d))
    if d[j] > SNAP_MAX_KM:
        return None
    return int(sel[j]), float(d[j])


def _ground_modes(ctx: _Context) -> bool:
    return bool(set(ctx.scenario.modes) & set(_GROUND_MODES))


def _ground_route(ctx: _Context) -> Route | None:
    if not _ground_modes(ctx):
        return None
    so, sd = _snap(ctx, ctx.orig), _snap(ctx, ctx.dest)
    if so is None or sd is None:
        return None
    usable, penalty, cond_bits = _ground_masks(ctx)
    weights = _weights(ctx, penalty)
    path = _shortest(ctx, usable, weights, so[0], sd[0])
    if path is None:
        return None
    legs = _legs_from_edges(ctx, path, cond_bits, penalty)
    # A ground route made only of transfers is no route.
    if not any(leg.mode != "transfer" for leg in legs) and so[0] != sd[0]:
        return None
    return Route(ctx.orig.label, ctx.dest.label, tuple(legs))


#: Search layers: a consignment on the road, on the rails or on the water.
_LAYER = {"road": 0, "transfer": 0, "rail": 1, "sea": 2, "ferry": 2, "waterway": 2}
_LAYER_NAMES = ("road", "rail", "water")
#: Hours to move a load between layers at a city or port (transloading, port handling).
SWITCH_HOURS = {frozenset({0, 1}): 6.0, frozenset({0, 2}): 12.0, frozenset({1, 2}): 12.0}
#: With the ``km`` objective, a change of mode costs as much as this many km (it adds no km).
SWITCH_KM_EQUIVALENT = 25.0

Step = tuple[
    str, int, int, int
]  # ("edge", edge index, 0, 0) or ("switch", node, from layer, to layer)


@dataclass(frozen=True)
class _Layered:
    """Every possible entry of the layered search graph, sorted by (row, column) once.

    Entries are both directions of every edge in its layer, then the mode switches at
    cities and ports; a search keeps the usable ones (a boolean take, already sorted)
    instead of rebuilding and lexsorting the matrix.
    """

    rows: np.ndarray
    cols: np.ndarray
    tags: np.ndarray  # edge index, or -1 - switch code
    edge: np.ndarray  # edge index of an edge entry (0 for switches)
    is_edge: np.ndarray
    forward: np.ndarray  # True for an edge entry travelled u to v (and for switches)
    group: np.ndarray  # equal for entries with the same (row, column)
    switch_cost: dict[str, np.ndarray]  # per objective: cost of each switch entry (0 for edges)


def _layered(net: TransitNetwork) -> _Layered:
    return net.derived("layered_search_graph", _build_layered)


def _build_layered(net: TransitNetwork) -> _Layered:
    n = len(net.node_ids)
    idx = np.arange(len(net.edge_u), dtype=np.int64)
    layer = np.array([_LAYER[EDGE_MODES[m]] for m in net.edge_mode], dtype=np.int64)
    u, v = net.edge_u + layer * n, net.edge_v + layer * n
    rows, cols, tags = [u, v], [v, u], [idx, idx]
    costs: dict[str, list[np.ndarray]] = {o: [np.zeros(2 * len(idx))] for o in OBJECTIVES}
    kinds = np.asarray(net.cols.node_kind, dtype=object)
    hubs = np.flatnonzero(np.isin(kinds, ["city", "port"]))
    for pair, hours in SWITCH_HOURS.items():
        la, lb = sorted(pair)
        code = -1 - (la * 3 + lb)
        for a_layer, b_layer in ((la, lb), (lb, la)):
            rows.append(hubs + a_layer * n)
            cols.append(hubs + b_layer * n)
            tags.append(np.full(len(hubs), code))
            for objective in OBJECTIVES:
                cost = {"km": SWITCH_KM_EQUIVALENT, "hours": hours}.get(objective, 1.0)
                costs[objective].append(np.full(len(hubs), cost))
    r, c, t = np.concatenate(rows), np.concatenate(cols), np.concatenate(tags)
    forward = np.ones(len(r), dtype=bool)
    forward[len(idx) : 2 * len(idx)] = False
    order = np.lexsort((c, r))  # stable: parallel entries keep their original order
    r, c, t, forward = r[order], c[order], t[order], forward[order]
    key = r * (3 * n) + c
    group = np.cumsum(np.r_[0, (key[1:] != key[:-1]).astype(np.int64)])
    is_edge = t >= 0
    return _Layered(
        rows=r,
        cols=c,
        tags=t,
        edge=np.where(is_edge, t, 0),
        is_edge=is_edge,
        forward=forward,
        group=group,
        switch_cost={o: np.concatenate(v)[order] for o, v in costs.items()},
    )


def _shortest(
    ctx: _Context, usable: np.ndarray, weights: np.ndarray, src: int, dst: int
) -> list[Step] | None:
    """Cheapest path from node src to node dst, switching modes only at cities and ports.

    The search runs on a layered graph (road, rail, water copies of every node) so a
    change of mode is a costed step, not a free hop.
    """
    from scipy.sparse import csr_matrix

    net = ctx.net
    if src == dst:
        return []
    n = len(net.node_ids)
    lay = _layered(net)
    # entries whose edge is usable (switches always are), already in (row, col) order
    ok = np.ones(len(lay.rows), dtype=bool)
    ok[lay.is_edge] = usable[lay.edge[lay.is_edge]]
    sel = np.flatnonzero(ok)
    val = lay.switch_cost[ctx.scenario.objective][sel]
    edge_sel = lay.is_edge[sel]
    entry = sel[edge_sel]
    back = _back_weights(ctx, weights)  # hours: the dwell of the crossing side travelled
    edge_w = np.where(lay.forward[entry], weights[lay.edge[entry]], back[lay.edge[entry]])
    val[edge_sel] = np.maximum(edge_w, 1e-9)
    group = lay.group[sel]
    # parallel entries (same row and column): keep the cheapest, the first on ties
    dup = np.zeros(len(sel), dtype=bool)
    same = group[1:] == group[:-1]
    dup[1:] |= same
    dup[:-1] |= same
    keep = ~dup
    if dup.any():
        d = np.flatnonzero(dup)
        order = d[np.lexsort((val[d], group[d]))]
        head = np.ones(len(order), dtype=bool)
        head[1:] = group[order[1:]] != group[order[:-1]]
        keep[order[head]] = True
    sel, val = sel[keep], val[keep]
    r, c, tag = lay.rows[sel], lay.cols[sel], lay.tags[sel]
    indptr = np.zeros(3 * n + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=3 * n), out=indptr[1:])
    matrix = csr_matrix((val, c, indptr), shape=(3 * n, 3 * n))
    starts = [src + k * n for k in range(3)]
    dist, pred, origin = dijkstra(
        matrix, directed=True, indices=starts, return_predecessors=True, min_only=True
    )
    ends = [dst + k * n for k in range(3)]
    end = min(ends, key=lambda e: dist[e])
    if not np.isfinite(dist[end]):
        return None
    keys = r * (3 * n) + c  # sorted, since (r, c) were sorted lexicographically
    chain = [end]
    while chain[-1] != origin[end]:
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    steps: list[Step] = []
    for a, b in zip(chain[:-1], chain[1:], strict=True):
        t = int(tag[np.searchsorted(keys, a * (3 * n) + b)])
        if t >= 0:
            steps.append(("edge", t, 0, 0))
        else:
            steps.append(("switch", a % n, a // n, b // n))
    return steps


@dataclass(frozen=True)
class _Tables:
    """Plain-Python views of the network for building legs without pandas look-ups."""

    kind: dict[str, str]
    country: dict[str, str]
    country_b: dict[str, str]
    xy: dict[str, tuple[float, float]]
    edge_id: tuple[str, ...]
    edge_u: tuple[str, ...]
    edge_countries: tuple[tuple[str, ...], ...]
    edge_coords: tuple[tuple[tuple[float, float], ...], ...]


def _tables(net: TransitNetwork) -> _Tables:
    return net.derived("routing_tables", _build_tables)


def _build_tables(net: TransitNetwork) -> _Tables:
    cols, ids = net.cols, net.node_ids
    cuts = cols.edge_offsets[1:-1]
    return _Tables(
        kind=dict(zip(ids, cols.node_kind, strict=True)),
        country=dict(zip(ids, cols.node_country, strict=True)),
        country_b=dict(zip(ids, cols.node_country_b, strict=True)),
        xy=dict(zip(ids, zip(cols.node_lon.tolist(), cols.node_lat.tolist(), strict=True),
                    strict=True)),
        edge_id=cols.edge_ids,
        edge_u=tuple(ids[u] for u in net.edge_u.tolist()),
        edge_countries=cols.edge_countries,
        edge_coords=tuple(tuple(map(tuple, c.tolist())) for c in np.split(cols.edge_xy, cuts)),
    )  # fmt: skip


def _legs_from_edges(
    ctx: _Context, path: list[Step], cond_bits: np.ndarray, penalty: np.ndarray
) -> list[Leg]:
    net = ctx.net
    tb = _tables(net)
    cond_codes = {
        c
        for c in ctx.universe
        if any(ctx.stance(c, m) == Stance.CONDITIONAL for m in ("road", "rail", "sea"))
    }
    legs: list[Leg] = []
    src = ctx.orig.node or net.node_ids[_snap(ctx, ctx.orig)[0]]  # type: ignore[index]
    current = src
    group: list[tuple[int, str, str]] = []  # (edge index or -1 for a switch, from, to)
    switches: dict[int, tuple[str, int, int]] = {}
    for kind, value, la, lb in path:
        if kind == "switch":
            node = net.node_ids[value]
            switches[len(group)] = (node, la, lb)
            group.append((-1 - len(group), node, node))
            continue
        u, v = net.node_ids[net.edge_u[value]], net.node_ids[net.edge_v[value]]
        a, b = (u, v) if u == current else (v, u)
        group.append((value, a, b))
        current = b

    def mode_of(item: tuple[int, str, str]) -> str:
        return "switch" if item[0] < 0 else EDGE_MODES[net.edge_mode[item[0]]]

    gates = ("crossing", "port", "airport", "airbase")
    for mode, chunk in itertools.groupby(group, key=mode_of):
        items = list(chunk)
        if mode == "switch":
            for e, node, _ in items:
                _, la, lb = switches[-1 - e]
                x, y = tb.xy[node]
                legs.append(
                    Leg(
                        "transfer",
                        node,
                        node,
                        0.0,
                        SWITCH_HOURS[frozenset({la, lb})],
                        (tb.country[node],),
                        (node,),
                        shapely.LineString([(x, y), (x, y)]),
                    )
                )
            continue
        coords: list[tuple[float, float]] = []
        countries: list[str] = []
        via: list[str] = []
        conditional: set[str] = set()
        km = hours = 0.0
        for e, a, b in items:
            line = list(tb.edge_coords[e])
            if tb.edge_u[e] != a:
                line.reverse()
            coords.extend(line if not coords else line[1:])
            for c in _edge_countries(tb, e, a, b):
                if not countries or countries[-1] != c:
                    countries.append(c)
            for n in (a, b):
                if tb.kind[n] in gates and n not in via:
                    via.append(n)
            km += float(net.edge_km[e])
            hours += float(net.edge_hours[e]) + float(penalty[e])
            hours += net.dwell(e, forward=tb.edge_u[e] == a, traffic=ctx.scenario.traffic)
            if cond_bits[e]:
                conditional |= {
                    c for c in cond_codes if net.country_mask(frozenset({c})) & cond_bits[e]
                }
        legs.append(
            Leg(
                mode=mode,
                orig=items[0][1],
                dest=items[-1][2],
                km=km,
                hours=hours,
                countries=tuple(countries),
                via=tuple(via),
                geometry=shapely.LineString(coords),
                conditional=tuple(sorted(conditional - ctx.own)),
                edges=tuple(tb.edge_id[e] for e, _, _ in items),
            )
        )
    return legs


def _edge_countries(tb: _Tables, e: int, a: str, b: str) -> list[str]:
    """Countries an edge passes, in order, from the network's topology.

    Border crossings mark where one country ends and the next begins, so the end
    nodes' countries give the order; a country the geometry crosses that neither end
    belongs to (a true transit) is inserted between them.
    """
    ends = [tb.country[n] for n in (a, b) if tb.kind[n] != "crossing"]
    own = {c for n in (a, b) for c in (tb.country[n], tb.country_b[n]) if c}
    transit = [c for c in tb.edge_countries[e] if c not in own]
    if not ends:
        return transit
    return [ends[0], *transit, *ends[1:]]


# --------------------------------------------------------------------------- air


@dataclass(frozen=True)
class _AirportTable:
    ids: tuple[str, ...]
    lon: np.ndarray
    lat: np.ndarray
    places: dict[str, Place]
    runway: dict[str, float]
    serving: dict[str, tuple[str, ...]]  # city -> airports with a transfer edge to it


def _airport_table(net: TransitNetwork) -> _AirportTable:
    return net.derived("airport_table", _build_airport_table)


def _build_airport_table(net: TransitNetwork) -> _AirportTable:
    cols, node_ids = net.cols, net.node_ids
    sel = [i for i, k in enumerate(cols.node_kind) if k in ("airport", "airbase")]
    ids = tuple(node_ids[i] for i in sel)
    lon, lat = cols.node_lon[sel], cols.node_lat[sel]
    places = {
        nid: Place(nid, cols.node_name[i], x, y, nid, cols.node_country[i])
        for nid, i, x, y in zip(ids, sel, lon.tolist(), lat.tolist(), strict=True)
    }
    transfers = np.flatnonzero(net.edge_mode == EDGE_MODES.index("transfer"))
    serving: dict[str, list[str]] = {}
    for e in transfers.tolist():
        u, v = node_ids[net.edge_u[e]], node_ids[net.edge_v[e]]
        if u in places:
            serving.setdefault(v, []).append(u)
    return _AirportTable(
        ids,
        lon,
        lat,
        places,
        {nid: float(cols.node_runway_m[i]) for nid, i in zip(ids, sel, strict=True)},
        {k: tuple(v) for k, v in serving.items()},
    )


def _gateways(ctx: _Context, place: Place) -> list[Place]:
    """Airports that serve a place: itself, airports transferring to it, or nearby ones."""
    table = _airport_table(ctx.net)
    if place.node is not None and place.node in table.places:
        return [place]
    if place.node is not None:
        ids = list(table.serving.get(place.node, ()))
    else:
        d = geo.distance_km(place.lon, place.lat, table.lon, table.lat)
        ids = [table.ids[i] for i in np.argsort(d)[:3] if d[i] <= AIRPORT_REACH_KM]
    long_enough = [
        i
        for i in ids
        if not np.isfinite(table.runway[i]) or table.runway[i] >= ctx.scenario.min_runway_m
    ]
    return [table.places[i] for i in (long_enough or ids)]


@lru_cache(maxsize=4096)
def _cached_air(
    orig: tuple[float, float],
    dest: tuple[float, float],
    closed: frozenset[str],
    caspian: str,
    range_km: float | None,
    min_runway_m: float,
    no_landing: frozenset[str],
) -> airspace.AirRoute | None:
    """Air routes are pure functions of their inputs: memoise them across plans."""
    from corridor import airspace

    try:
        return airspace.air_route(
            orig, dest, closed=closed, caspian="open" if caspian == "open" else "partitioned",
            range_km=range_km, min_runway_m=min_runway_m, no_landing=no_landing,
        )  # fmt: skip
    except NoRouteError:
        return None


def _air_closed(ctx: _Context) -> set[str]:
    hostile = {
        c for c in borders._known_codes() if ctx.stance(str(c), "overflight") == Stance.HOSTILE
    }
    extra = {c for c in ctx.scenario.closed_airspace if c not in ctx.extra_open}
    return (hostile | extra | {c for c in ctx.extra_hostile if c in borders._known_codes()}) - set(
        ctx.own
    )


def _air_route(ctx: _Context, *, any_route: bool = False) -> Route | None:
    if "air" not in ctx.scenario.modes:
        return None
    closed = _air_closed(ctx)
    no_landing = {
        c for c in borders._known_codes() if ctx.stance(str(c), "landing") == Stance.HOSTILE
    } - set(ctx.own)
    # The own-country exemption covers the flight's own ends, never an intermediate stop.
    no_stop = no_landing | {
        c
        for c in ctx.own
        if c in ctx.scenario.closed_airspace
        or any(ctx.scenario.stance(c, m) == Stance.HOSTILE for m in ("landing", "overflight"))
    }
    best: Route | None = None
    pairs = [(go, gd) for go in _gateways(ctx, ctx.orig) for gd in _gateways(ctx, ctx.dest)]
    pairs.sort(key=lambda p: float(geo.distance_km(p[0].lon, p[0].lat, p[1].lon, p[1].lat)))
    for go, gd in pairs:
        if go.node in ctx.banned_nodes or gd.node in ctx.banned_nodes:
            continue
        if (go.country in no_landing) or (gd.country in no_landing):
            continue
        air = _cached_air(
            (go.lon, go.lat), (gd.lon, gd.lat), frozenset(closed), ctx.scenario.caspian,
            ctx.scenario.range_km, ctx.scenario.min_runway_m, frozenset(no_stop),
        )  # fmt: skip
        if air is None:
            continue
        route = _air_to_route(ctx, go, gd, air)
        if best is None or _cost(ctx, route) < _cost(ctx, best):
            best = route
        if any_route:
            return best
    return best


def _air_to_route(ctx: _Context, go: Place, gd: Place, air: airspace.AirRoute) -> Route:
    legs: list[Leg] = []
    if ctx.orig.node != go.node:
        legs.append(_transfer_leg(ctx, ctx.orig, go))
    known = borders._known_codes()
    cond = tuple(
        sorted(
            c
            for c in air.airspaces
            if c in known and ctx.stance(c, "overflight") == Stance.CONDITIONAL
        )
    )
    delay = (
        ctx.scenario.conditional_delay_h * len(cond) if ctx.scenario.objective == "hours" else 0.0
    )
    hours = air.km / AIR_SPEED_KMH + AIR_FIXED_H * (1 + len(air.stops)) + delay
    via = (str(go.node), *(s.place for s in air.stops), str(gd.node))
    legs.append(
        Leg("air", str(go.node), str(gd.node), air.km, hours, air.airspaces, via, air.line(), cond)
    )
    if ctx.dest.node != gd.node:
        legs.append(_transfer_leg(ctx, gd, ctx.dest))
    return Route(ctx.orig.label, ctx.dest.label, tuple(legs))


def _transfer_leg(ctx: _Context, a: Place, b: Place) -> Leg:
    km = max(float(geo.distance_km(a.lon, a.lat, b.lon, b.lat)), 0.1)
    country = a.country or b.country or ""
    return Leg(
        "transfer", a.label, b.label, km, 1.0 + km / 40.0, (country,) if country else (), (),
        shapely.LineString([(a.lon, a.lat), (b.lon, b.lat)]),
    )  # fmt: skip


# --------------------------------------------------------------------------- alternatives


def _alternatives(ctx: _Context, best: Route, n: int) -> list[Route]:
    """Genuinely different routes: ban a crossing, port or transit state of earlier routes."""
    found: dict[Any, Route] = {best.signature: best}
    frontier = [best]
    tried: set[frozenset[str]] = set()
    while frontier and len(found) < n + 1:
        route = frontier.pop(0)
        bans: list[tuple[str, ...]] = [
            (v,) for v in route.via if v not in (ctx.orig.node, ctx.dest.node)
        ]
        bans += [(c,) for c in route.countries if c not in ctx.own and c != borders.INTL]
        for ban in bans:
            key = frozenset(ban)
            if key in tried:
                continue
            tried.add(key)
            nodes = frozenset(b for b in ban if b in ctx.net.node_index)
            states = frozenset(b for b in ban if b not in ctx.net.node_index)
            alt_ctx = _Context(
                ctx.net, ctx.scenario, ctx.orig, ctx.dest, ctx.own,
                banned_nodes=ctx.banned_nodes | nodes, extra_hostile=ctx.extra_hostile | states,
                universe=ctx.universe,
            )  # fmt: skip
            alt = _best_route(alt_ctx)
            if (
                alt is not None
                and alt.signature not in found
                and not _near_copy(alt, found.values())
            ):
                found[alt.signature] = alt
                frontier.append(alt)
            if len(found) >= 3 * (n + 1):
                break
    others = sorted((r for r in found.values() if r is not best), key=lambda r: _cost(ctx, r))
    return others[:n]


def _near_copy(route: Route, others: Iterable[Route]) -> bool:
    """Tell whether a route is a detour of another (same places, within 1% length)."""
    return any(
        route.via == other.via and abs(route.km - other.km) <= 0.01 * other.km for other in others
    )


# --------------------------------------------------------------------------- checks


def _recheck(ctx: _Context, route: Route) -> None:
    """Refuse a route that breaks the scenario (a bug guard, never expected to fire)."""
    scen = ctx.scenario
    for leg in route.legs:
        if leg.mode != "transfer" and leg.mode not in scen.modes:
            msg = f"internal error: route uses mode {leg.mode!r} the scenario does not allow"
            raise RuntimeError(msg)
        stance_mode = "overflight" if leg.mode == "air" else LEG_STANCE_MODE.get(leg.mode)
        if stance_mode is None:
            continue
        for c in leg.countries:
            if c == borders.INTL or c in ctx.own:
                continue
            if ctx.stance(c, stance_mode) == Stance.HOSTILE or (
                leg.mode == "air" and c in scen.closed_airspace
            ):
                msg = (
                    f"internal error: {leg.mode} leg crosses {c}, hostile in scenario {scen.name!r}"
                )
                raise RuntimeError(msg)
        closed = set(scen.closed_nodes) & set(leg.via)
        if closed or set(scen.closed_edges) & set(leg.edges):
            msg = f"internal error: route uses closed facility {sorted(closed or set(leg.edges))}"
            raise RuntimeError(msg)


def _blocking_states(ctx: _Context) -> list[str]:
    modes = ["overflight", "landing"] if "air" in ctx.scenario.modes else []
    modes += sorted({LEG_STANCE_MODE[m] for m in ctx.scenario.modes if m in LEG_STANCE_MODE})
    hostile = {c for c in ctx.universe for m in modes if ctx.stance(c, m) == Stance.HOSTILE}
    hostile |= set(ctx.scenario.closed_airspace) - set(ctx.own)
    near: set[str] = set()
    for place in (ctx.dest, ctx.orig):
        if place.country and place.country in borders._known_codes():
            near |= borders.neighbours(place.country)
    first = sorted(hostile & near)
    return first + sorted(hostile - near)


def _why_not(ctx: _Context) -> WhyNot:
    blocking = _blocking_states(ctx)
    cols, at = ctx.net.cols, ctx.net.node_index
    closed_now = {
        n for n, s in zip(ctx.net.node_ids, cols.node_status, strict=True) if s == "closed"
    }
    closed_facilities = sorted(
        n
        for n in ctx.scenario.closed_nodes | closed_now
        if cols.node_kind[at[n]] == "crossing"
        and {cols.node_country[at[n]], cols.node_country_b[at[n]]} & set(ctx.own)
    )  # fmt: skip
    candidates = blocking[:10] + closed_facilities[:4]
    restore: list[tuple[str, ...]] = []
    routes: list[Route] = []
    for size in (1, 2, 3):
        for combo in itertools.combinations(candidates, size):
            if any(set(r) <= set(combo) for r in restore):
                continue
            probe = _Context(
                ctx.net, ctx.scenario, ctx.orig, ctx.dest, ctx.own,
                extra_open=frozenset(combo), universe=ctx.universe,
            )  # fmt: skip
            route = _best_route(probe, any_route=True)
            if route is not None:
                restore.append(combo)
                routes.append(route)
        if restore:  # the smallest sets only
            break
    near = (
        [c for c in blocking if ctx.dest.country and c in borders.neighbours(ctx.dest.country)]
        if ctx.dest.country in borders._known_codes()
        else []
    )
    if near and len(near) == len(borders.neighbours(str(ctx.dest.country))):
        reason = (
            f"no route from {ctx.orig.label} to {ctx.dest.label}: every neighbour of "
            f"{ctx.dest.country} is closed to the allowed modes ({', '.join(near)})"
        )
    else:
        shown = ", ".join(blocking[:8]) or "none"
        reason = (
            f"no route from {ctx.orig.label} to {ctx.dest.label} with modes "
            f"{', '.join(sorted(ctx.scenario.modes))}; closures that cut access: {shown}"
        )
    return WhyNot(reason, tuple(blocking), tuple(restore), tuple(routes))
