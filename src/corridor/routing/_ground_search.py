"""Ground, sea and transfer search on the layered CSR form of the network."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra

from corridor import _ground, geo
from corridor._ground import Wait
from corridor.network import EDGE_MODES, Place, TransitNetwork
from corridor.routing._state import (
    _back_weights,
    _Context,
    _dwell,
    _ground_masks,
    _weights,
    scenario_day,
)
from corridor.routing._types import _GROUND_MODES, SNAP_MAX_KM, Leg, Route
from corridor.scenario import OBJECTIVES, Scenario, Stance


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
    path = _shortest(ctx, usable, weights, _back_weights(ctx, weights), so[0], sd[0])
    if path is None:
        return None
    route = _route_of(ctx, path, cond_bits, penalty, so[0] == sd[0])
    day = _driving_day(ctx)
    if route is None or day is None or route.transit_hours <= route.hours + 1e-9:
        return route
    # Trucks and columns stop for the night: the fastest path on the move is not always
    # the first to arrive. A second search prices road hours at the long-haul rate and
    # the faster of the two, by elapsed hours, is the route.
    forward, back = _long_haul_weights(ctx, penalty, day)
    other = _shortest(ctx, usable, forward, back, so[0], sd[0])
    if other is None or other == path:
        return route
    alt = _route_of(ctx, other, cond_bits, penalty, so[0] == sd[0])
    if alt is not None and alt.transit_hours < route.transit_hours - 1e-9:
        return alt
    return route


def _route_of(
    ctx: _Context, path: list[Step], cond_bits: np.ndarray, penalty: np.ndarray, same: bool
) -> Route | None:
    legs = _legs_from_edges(ctx, path, cond_bits, penalty)
    # A ground route made only of transfers is no route.
    if not any(leg.mode != "transfer" for leg in legs) and not same:
        return None
    return Route(ctx.orig.label, ctx.dest.label, tuple(legs))


def _driving_day(ctx: _Context) -> float | None:
    """Hours a road vehicle of the scenario's traffic moves a day, when routing on hours."""
    if ctx.scenario.objective != "hours":
        return None
    day = _ground.driving_day(ctx.net.ground, ctx.scenario.traffic)
    if day is None or not 0 < day.value < 24:
        return None
    return float(day.value)


def _long_haul_weights(
    ctx: _Context, penalty: np.ndarray, per_day: float
) -> tuple[np.ndarray, np.ndarray]:
    """Elapsed-hour weights of a trip of many driving days, both directions of each edge.

    On a long road leg every hour on the move costs ``24 / per_day`` hours of elapsed
    time (the night's stop included), and a road wait at least as long as a night's
    stop replaces one (:func:`corridor._ground.rest_hours`), so it costs only what it
    exceeds the stop by. Rail, sea and ferry legs run round the clock and keep their
    hours. These weights find the candidate a long haul prefers; the route is chosen
    between candidates by their exact ``transit_hours``.
    """
    net, scen = ctx.net, ctx.scenario
    road = net.edge_mode == EDGE_MODES.index("road")
    off = 24.0 - per_day
    moving = net.hours_array(scen.traffic) * np.where(road, 24.0 / per_day, 1.0)
    out = []
    for forward in (True, False):
        dwell = _dwell(net, forward=forward, scenario=scen)
        dwell = np.where(road & (dwell >= off), dwell - off, dwell)
        out.append(np.asarray(moving + dwell + penalty, dtype=np.float64))
    return out[0], out[1]


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
    ctx: _Context,
    usable: np.ndarray,
    weights: np.ndarray,
    back: np.ndarray,
    src: int,
    dst: int,
) -> list[Step] | None:
    """Cheapest path from node src to node dst, switching modes only at cities and ports.

    The search runs on a layered graph (road, rail, water copies of every node) so a
    change of mode is a costed step, not a free hop. ``weights`` price each edge
    travelled u to v, ``back`` travelled v to u (the dwell of the side entered).
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
    edge_hours = net.hours_array(ctx.scenario.traffic)
    dwell_fwd, dwell_back = net.dwell_arrays(ctx.scenario.traffic, scenario_day(ctx.scenario))
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
        km = hours = moving = 0.0
        waits: list[Wait] = []
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
            moving += float(edge_hours[e])
            hours += float(edge_hours[e]) + float(penalty[e])
            forward = bool(tb.edge_u[e] == a)
            dwell = float((dwell_fwd if forward else dwell_back)[e])
            hours += dwell
            if dwell > 0:
                waits.append(_wait(net, e, forward, dwell, ctx.scenario))
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
                waits=tuple(waits),
                rest_hours=_leg_rest(net, mode, moving, waits, ctx.scenario.traffic),
            )
        )
    return legs


def _leg_rest(
    net: TransitNetwork, mode: str, moving: float, waits: list[Wait], traffic: str
) -> float:
    """Daily-rest stops of a road leg for its traffic class (:func:`_ground.rest_hours`)."""
    if mode != "road":
        return 0.0
    day = _ground.driving_day(net.ground, traffic)
    return _ground.rest_hours(moving, (w.hours for w in waits), day.value if day else None)


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


def _wait(net: TransitNetwork, e: int, forward: bool, hours: float, scenario: Scenario) -> Wait:
    """Return the wait of a traversed edge with its basis; the network's figure wins.

    A hand-built network may carry dwell arrays without ground tables: its figure is
    reported as ``network``.
    """
    wait = net.wait(e, forward=forward, traffic=scenario.traffic, day=scenario_day(scenario))
    if wait is not None and abs(wait.hours - hours) < 1e-9:
        return wait
    u, v = int(net.edge_u[e]), int(net.edge_v[e])
    node = net.node_ids[u if forward else v]
    return Wait(node, hours, "network", "", "")
