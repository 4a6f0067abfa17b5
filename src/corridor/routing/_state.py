"""Per-pair search context: usable-edge masks, statuses, weights, dwell and costs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from corridor.network import EDGE_MODES, Place, TransitNetwork
from corridor.routing._types import Route
from corridor.scenario import LEG_STANCE_MODE, Scenario, Stance


@dataclass(frozen=True)
class _Context:
    """What one search needs: the scenario resolved against the network."""

    net: TransitNetwork
    scenario: Scenario
    orig: Place
    dest: Place
    own: frozenset[str]
    extra_closed_nodes: frozenset[str] = frozenset()
    #: states, facilities and links forced open (why-not probes)
    extra_open: frozenset[str] = frozenset()
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
    is_open = status == "open"  # "restricted": local or humanitarian traffic only, no transit
    if ctx.extra_open:  # why-not probes may force closed links open
        is_open |= np.isin(edge_ids, list(ctx.extra_open))
    usable &= is_open
    if closed_ids - ctx.extra_open:
        usable &= ~np.isin(edge_ids, list(closed_ids - ctx.extra_open))
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


def closed_links(ctx: _Context) -> dict[str, str]:
    """Links of the allowed modes that are not open for the scenario, with why.

    A link is closed by its status on the scenario's date for its traffic class
    (``status_history.csv``, or its single status), or by the scenario's own closures.
    """
    net, scen = ctx.net, ctx.scenario
    edge_status, _ = statuses(net, scen)
    modes = {EDGE_MODES.index(m) for m in scen.modes if m in EDGE_MODES}
    out = {}
    for i, (eid, status) in enumerate(zip(net.cols.edge_ids, edge_status, strict=True)):
        if int(net.edge_mode[i]) not in modes:
            continue
        if eid in scen.closed_edges:
            out[str(eid)] = "closed by the scenario"
        elif status != "open":
            out[str(eid)] = f"{status} for {scen.traffic} traffic"
    return out


def statuses(net: TransitNetwork, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Status of every edge and node on the scenario's date for its traffic class.

    Elements with a dated history (``status_history.csv``) take the span covering the
    date (no date: the spans still valid); all others keep their single status.
    """
    day = scenario_day(scenario)
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
        dwell = _dwell(net, forward=True, scenario=ctx.scenario)
        hours = net.hours_array(ctx.scenario.traffic)
        return np.asarray(hours + dwell + penalty, dtype=np.float64)
    changes = np.isin(net.edge_mode, [EDGE_MODES.index(m) for m in ("transfer", "ferry", "sea")])
    return np.where(changes, 1.0, 0.0) + net.edge_km * 1e-4


def _dwell(net: TransitNetwork, *, forward: bool, scenario: Scenario) -> np.ndarray:
    """Border and port dwell hours per edge in one direction for the scenario's traffic class.

    The scenario's ``date`` selects the dated queues in force (``dwell_episodes.csv``).
    """
    fwd, back = net.dwell_arrays(scenario.traffic, scenario_day(scenario))
    return fwd if forward else back


def scenario_day(scenario: Scenario) -> dt.date | None:
    """Return the scenario's date as a day (a partial date: its first day), or None."""
    from corridor._ground import parse_day

    return parse_day(scenario.date) if scenario.date else None


def _back_weights(ctx: _Context, weights: np.ndarray) -> np.ndarray:
    """Weights of the edges travelled v to u: the hours objective swaps the dwell side."""
    if ctx.scenario.objective != "hours":
        return weights
    net, scenario = ctx.net, ctx.scenario
    return np.asarray(
        weights
        - _dwell(net, forward=True, scenario=scenario)
        + _dwell(net, forward=False, scenario=scenario),
        dtype=np.float64,
    )


def _ranked(route: Route, rank: int) -> Route:
    return Route(route.origin, route.destination, route.legs, rank)


def _cost(ctx: _Context, route: Route) -> float:
    """Return what the objective minimises; ``hours`` is the elapsed time to arrive.

    For trucks and columns the elapsed time counts the drivers' daily rest
    (``Route.transit_hours``); for passengers it equals the moving hours and waits.
    """
    if ctx.scenario.objective == "km":
        return route.km
    if ctx.scenario.objective == "hours":
        return route.transit_hours
    return (
        float(sum(1 for leg in route.legs if leg.mode in ("air", "sea", "ferry", "transfer")))
        + route.km * 1e-4
    )
