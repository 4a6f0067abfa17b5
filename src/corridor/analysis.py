"""What-if analysis: compare scenarios, sweep closure combinations, chokepoints, throughput.

Everything here calls :mod:`corridor.routing` on the same prebuilt network and air
graph; scenarios are data, so a what-if is a new mask, never a new graph.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from corridor import borders
from corridor._checks import finite_number
from corridor._errors import ScenarioError
from corridor._ground import Capacity
from corridor.network import TransitNetwork, find_place, load_network
from corridor.routing import Plan, Route, WhyNot, _context, plan
from corridor.routing._search import _best_route
from corridor.routing._state import _Context, _ground_masks
from corridor.scenario import Scenario, check_scenario

__all__ = [
    "Chokepoint",
    "Comparison",
    "PairChange",
    "Throughput",
    "WhatIf",
    "chokepoints",
    "compare_plans",
    "sweep",
    "sweep_summary",
    "sweep_to_parquet",
    "throughput",
    "whatif",
]

logger = logging.getLogger("corridor")


# --------------------------------------------------------------------------- what-if


@dataclass(frozen=True)
class PairChange:
    """How one origin-destination pair changes between two scenarios.

    Routes are the same corridor when their :attr:`~corridor.routing.Route.signature`
    (transit countries and crossings) is equal: ``lost`` are base corridors the
    other plan lacks, ``gained`` other corridors the base lacks, ``kept`` the other
    plan's corridors the base has too. ``why_not`` is the other plan's, when the
    pair has no route there.
    """

    origin: str
    destination: str
    before: Route | None
    after: Route | None
    lost: tuple[Route, ...]
    gained: tuple[Route, ...]
    kept: tuple[Route, ...]
    why_not: WhyNot | None
    in_base: bool = True
    in_other: bool = True

    @property
    def km_added(self) -> float | None:
        """Extra km of the best route (None when either side has no route)."""
        if self.before is None or self.after is None:
            return None
        return self.after.km - self.before.km

    @property
    def hours_added(self) -> float | None:
        """Extra hours of the best route (None when either side has no route)."""
        if self.before is None or self.after is None:
            return None
        return self.after.hours - self.before.hours

    @property
    def newly_infeasible(self) -> bool:
        """Whether the pair had a route before and has none after (in both plans)."""
        return self.in_other and self.before is not None and self.after is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""

        def corridor(r: Route) -> str:
            return " > ".join(r.countries) + (f" via {', '.join(r.via)}" if r.via else "")

        return {
            "origin": self.origin,
            "destination": self.destination,
            "before_km": round(self.before.km, 1) if self.before else None,
            "after_km": round(self.after.km, 1) if self.after else None,
            "km_added": None if self.km_added is None else round(self.km_added, 1),
            "hours_added": None if self.hours_added is None else round(self.hours_added, 2),
            "lost": [corridor(r) for r in self.lost],
            "gained": [corridor(r) for r in self.gained],
            "newly_infeasible": self.newly_infeasible,
            "in_base": self.in_base,
            "in_other": self.in_other,
            "why_not": self.why_not.to_dict() if self.why_not else None,
        }


@dataclass(frozen=True)
class WhatIf:
    """The difference between a base scenario and a variation of it."""

    base: Plan
    other: Plan
    changes: tuple[PairChange, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "base": self.base.scenario.name,
            "other": self.other.scenario.name,
            "pairs": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class Comparison:
    """Pair-by-pair changes between two plans (see :func:`compare_plans`)."""

    base: Plan
    other: Plan
    pairs: tuple[PairChange, ...]

    @property
    def lost(self) -> tuple[Route, ...]:
        """Corridors of the base plan that are gone."""
        return tuple(r for p in self.pairs for r in p.lost)

    @property
    def gained(self) -> tuple[Route, ...]:
        """Corridors that exist only in the other plan."""
        return tuple(r for p in self.pairs for r in p.gained)

    @property
    def kept(self) -> tuple[Route, ...]:
        """Corridors present in both plans (as routed in the other)."""
        return tuple(r for p in self.pairs for r in p.kept)


def compare_plans(base: Plan, other: Plan) -> Comparison:
    """Corridors lost, gained and kept, and best-route deltas, per pair.

    Pairs present in only one plan count as all lost or all gained.

    Parameters
    ----------
    base
        The reference plan.
    other
        The plan compared with it.

    Returns
    -------
    Comparison
    """
    for what, value in (("base", base), ("other", other)):
        if not isinstance(value, Plan):
            msg = f"{what} must be a corridor Plan, got {type(value).__name__}"
            raise TypeError(msg)
    base_pairs = {(p.origin, p.destination): p for p in base.pairs}
    other_pairs = {(p.origin, p.destination): p for p in other.pairs}
    out = []
    for key in dict.fromkeys([*base_pairs, *other_pairs]):
        b, o = base_pairs.get(key), other_pairs.get(key)
        b_routes, o_routes = (b.routes if b else ()), (o.routes if o else ())
        b_sigs, o_sigs = {r.signature for r in b_routes}, {r.signature for r in o_routes}
        out.append(
            PairChange(
                key[0],
                key[1],
                b_routes[0] if b_routes else None,
                o_routes[0] if o_routes else None,
                lost=tuple(r for r in b_routes if r.signature not in o_sigs),
                gained=tuple(r for r in o_routes if r.signature not in b_sigs),
                kept=tuple(r for r in o_routes if r.signature in b_sigs),
                why_not=o.why_not if o else None,
                in_base=b is not None,
                in_other=o is not None,
            )
        )
    return Comparison(base, other, tuple(out))


def whatif(
    base: Scenario,
    *,
    close: Iterable[str] = (),
    close_airspace: Iterable[str] = (),
    conditional: Iterable[str] = (),
    network: TransitNetwork | None = None,
) -> WhatIf:
    """Plan a scenario and a variation with more closures, and compare them.

    Parameters
    ----------
    base
        The reference scenario.
    close, close_airspace, conditional
        ISO3 codes: hostile for every mode; airspace closed; turned conditional.
    network
        Network (default: the shipped one).

    Returns
    -------
    WhatIf
    """
    net = network if network is not None else load_network()
    closed, airspace_closed, cond = (
        [borders.validate_iso3(c) for c in codes] for codes in (close, close_airspace, conditional)
    )
    other = base.with_closures(close=closed, close_airspace=airspace_closed, conditional=cond)
    label = ",".join(sorted({*closed, *airspace_closed, *cond})) or "no change"
    other = other.replace(name=f"{base.name} + closed {label}")
    p_base, p_other = plan(base, network=net), plan(other, network=net)
    return WhatIf(p_base, p_other, compare_plans(p_base, p_other).pairs)


# --------------------------------------------------------------------------- sweep


def sweep(
    base: Scenario,
    countries: Iterable[str],
    *,
    network: TransitNetwork | None = None,
    progress: Callable[[int, int], None] | None = None,
    dask: str | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Every combination of closing ``countries`` (2^n what-ifs) for every pair of ``base``.

    Work is reused: more closures can only lengthen a route, so a pair's route that
    avoids a newly closed state stays optimal, and a pair without a route stays
    without one; only the remaining combinations are searched (air legs are masks
    over the prebuilt visibility graph, ground legs masks over the network arrays).
    Each distinct route is tested once against each state, and the table is built
    by column (see :mod:`corridor._sweep`).

    Parameters
    ----------
    base
        Scenario giving origins, destinations, modes and the other stances.
    countries
        ISO3 codes to combine (at most 20 in one process, 24 with ``dask``).
    network
        Network (default: the shipped one).
    progress
        Called as ``progress(done, total)`` (closure sets) after each chunk of work
        (one size of closure set).
    dask
        Run on Dask: ``"local"`` for a :class:`distributed.LocalCluster`, or a
        scheduler address (``"tcp://host:8786"``). Needs ``corridor[dask]``.
    workers
        Workers of the local cluster (default: one per core).

    Returns
    -------
    pandas.DataFrame
        One row per combination and pair: ``closed`` (``+``-joined codes, ``""``
        for none), ``n_closed``, ``origin``, ``destination``, ``feasible``, ``km``,
        ``hours``, ``corridor`` (countries of the best route), ``modes``. Rows are
        ordered by number of closures, then by combination, then by pair.

    Examples
    --------
    >>> from corridor.scenario import make_scenario
    >>> s = make_scenario(origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"])
    >>> sweep(s, ["GEO", "IRN"])["feasible"].tolist()
    [True, True, True, False]
    """
    from corridor import _sweep

    net = network if network is not None else load_network()
    limit = _sweep.MAX_STATES if dask is None else _sweep.MAX_STATES_DISTRIBUTED
    prepared = _sweep.setup(base, countries, net, max_states=limit)
    if dask is not None:
        from corridor import _dask

        return _dask.sweep_frame(prepared, address=dask, workers=workers, progress=progress)
    results = _sweep.run(prepared, progress=progress)
    return _sweep.frame(prepared, results, _sweep.Levels.of(len(prepared.states)).order)


def sweep_to_parquet(
    base: Scenario,
    countries: Iterable[str],
    path: str | Path,
    *,
    network: TransitNetwork | None = None,
    progress: Callable[[int, int], None] | None = None,
    dask: str | None = None,
    workers: int | None = None,
) -> Path:
    """Run :func:`sweep` and stream its rows to Parquet with bounded memory.

    In one process the rows go to one file, a row group per 65,536 combinations,
    so a 2^20 sweep never holds its 8 million rows at once. With ``dask`` the
    combinations are split into ranges and ``path`` becomes a folder of
    ``part-NNNNN.parquet`` files written by the workers (read it back with
    ``pandas.read_parquet(path)``).

    Parameters
    ----------
    base, countries, network, progress, dask, workers
        As for :func:`sweep`.
    path
        Output file (or folder, with ``dask``).

    Returns
    -------
    pathlib.Path
        What was written.
    """
    from corridor import _sweep

    net = network if network is not None else load_network()
    limit = _sweep.MAX_STATES if dask is None else _sweep.MAX_STATES_DISTRIBUTED
    prepared = _sweep.setup(base, countries, net, max_states=limit)
    out = Path(path)
    if dask is not None:
        from corridor import _dask

        _dask.sweep_parquet(prepared, out, address=dask, workers=workers, progress=progress)
        return out
    results = _sweep.run(prepared, progress=progress)
    _sweep.write_parquet(prepared, results, out)
    return out


def sweep_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Rank closure sets by harm: pairs cut off first, then mean km added.

    Parameters
    ----------
    table
        Output of :func:`sweep`.

    Returns
    -------
    pandas.DataFrame
        One row per closure set: ``closed``, ``n_closed``, ``pairs``, ``feasible``,
        ``cut_off`` (pairs without a route), ``mean_km_added`` over pairs that keep a
        route, sorted with the most harmful first.
    """
    base = table[table["n_closed"] == 0].set_index(["origin", "destination"])["km"]
    t = table.join(base.rename("base_km"), on=["origin", "destination"])
    t["km_added"] = t["km"] - t["base_km"]
    grouped = t.groupby(["closed", "n_closed"], sort=False)
    summary = grouped.agg(
        pairs=("feasible", "size"),
        feasible=("feasible", "sum"),
        mean_km_added=("km_added", "mean"),
    ).reset_index()
    summary["cut_off"] = summary["pairs"] - summary["feasible"]
    summary = summary.sort_values(
        ["cut_off", "mean_km_added", "n_closed"], ascending=[False, False, True]
    )
    cols = ["closed", "n_closed", "pairs", "feasible", "cut_off", "mean_km_added"]
    return summary[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- chokepoints


@dataclass(frozen=True)
class Chokepoint:
    """An element whose loss alone cuts access or raises cost sharply."""

    element: str
    kind: str  # "country", "crossing", "port", "airport", "edge"
    origin: str
    destination: str
    cuts_access: bool
    cost_increase_pct: float
    alternative: Route | None


def chokepoints(
    scenario: Scenario,
    *,
    network: TransitNetwork | None = None,
    threshold_pct: float = 25.0,
) -> tuple[list[Chokepoint], pd.DataFrame]:
    """Countries, crossings and edges whose loss alone would cut access or raise cost.

    For each pair, every element of the best route (transit countries, crossings,
    ports, airports, and the route's edges) is removed in turn and the pair planned
    again. The ground graph's minimum node cut and node connectivity (networkx) give
    the number of disjoint corridors and the smallest set of nodes whose loss cuts
    every ground route.

    Parameters
    ----------
    scenario
        The scenario to test.
    network
        Network (default: the shipped one).
    threshold_pct
        Minimum cost increase for an element that does not cut access to count.

    Returns
    -------
    tuple
        ``(chokepoints, corridors)``: the chokepoints, most severe first, and a
        table per pair with ``disjoint_ground_corridors`` and ``min_node_cut``.
    """
    finite_number(threshold_pct, "threshold_pct", minimum=0.0, error=ScenarioError)
    net = network if network is not None else load_network()
    result = plan(scenario, network=net, k=1)
    found: list[Chokepoint] = []
    corridor_rows = []
    for pair in result.pairs:
        o, d = find_place(pair.origin, net), find_place(pair.destination, net)
        ctx = _context(net, scenario, o, d)
        corridor_rows.append(_ground_cut(ctx))
        best = pair.best
        if best is None:
            continue
        base_cost = _detour_cost(scenario, best)
        elements: list[tuple[str, str]] = [
            (c, "country") for c in best.countries if c not in ctx.own and c != borders.INTL
        ]
        elements += [(v, str(net.nodes.at[v, "kind"])) for v in best.via if v in net.node_index]
        for element, kind in dict.fromkeys(elements):
            if kind == "country":
                probe = _context(net, scenario, o, d, extra_hostile=frozenset({element}))
            else:
                probe = _context(net, scenario, o, d, banned_nodes=frozenset({element}))
            alt = _best_route(probe)
            cost = _detour_cost(scenario, alt) if alt else math.inf
            increase = 100.0 * (cost - base_cost) / base_cost if base_cost else 0.0
            if alt is None or increase > threshold_pct:
                found.append(
                    Chokepoint(
                        element, kind, pair.origin, pair.destination, alt is None, increase, alt
                    )
                )
    found.sort(key=lambda c: (not c.cuts_access, -c.cost_increase_pct))
    return found, pd.DataFrame(corridor_rows)


def _detour_cost(scenario: Scenario, route: Route) -> float:
    """Km with the ``km`` objective, else the elapsed hours to arrive (daily rest included)."""
    return route.km if scenario.objective == "km" else route.transit_hours


def _ground_graph(ctx: _Context) -> nx.Graph:
    usable, _, _ = _ground_masks(ctx)
    net = ctx.net
    G = nx.Graph()
    for k in np.flatnonzero(usable):
        G.add_edge(net.node_ids[net.edge_u[k]], net.node_ids[net.edge_v[k]])
    return G


def _ground_cut(ctx: _Context) -> dict[str, Any]:
    G = _ground_graph(ctx)
    o, d = ctx.orig.node, ctx.dest.node
    row: dict[str, Any] = {"origin": ctx.orig.label, "destination": ctx.dest.label}
    if o is None or d is None or o not in G or d not in G or not nx.has_path(G, o, d):
        row.update(disjoint_ground_corridors=0, min_node_cut="")
        return row
    if G.has_edge(o, d):
        row.update(disjoint_ground_corridors=math.inf, min_node_cut="")
        return row
    cut = nx.minimum_node_cut(G, o, d)
    row.update(disjoint_ground_corridors=len(cut), min_node_cut=", ".join(sorted(cut)))
    return row


# --------------------------------------------------------------------------- throughput


@dataclass(frozen=True)
class Throughput:
    """Maximum flow per day into a destination from sourced capacities."""

    origin: str
    destination: str
    unit: str
    per_day: float | None  # None when unbounded by the data
    bottlenecks: tuple[str, ...]
    missing_capacity: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""
    #: the capacity rows that bound ``per_day`` (the minimum cut), each with its figure,
    #: unit, source and ``basis`` (published, line-type, lower bound, share or assumption)
    binding: tuple[Capacity, ...] = field(default_factory=tuple)

    @property
    def assumed(self) -> tuple[str, ...]:
        """Binding elements whose capacity is a named assumption, not a published figure."""
        return tuple(sorted({r.element for r in self.binding if r.basis == "assumption"}))


def throughput(
    scenario: Scenario,
    *,
    network: TransitNetwork | None = None,
    modes: Iterable[str] = ("road",),
) -> list[Throughput]:
    """Maximum flow in tonnes per day for each pair, from sourced node and link capacities.

    Capacities come only from ``capacities.csv`` (crossings' trucks or trains per day,
    ports' tonnes per year, links' line capacities), each converted to tonnes per day
    through ``unit_conversions.csv`` in one place
    (:meth:`corridor._ground.GroundTables.capacity_for`), for the scenario's ``traffic``
    class and per mode: a flow by one mode through a node uses the node's row for that
    mode, else its empty-mode row, so a road post's trucks/day never caps the rail line
    beside it; a combined flow uses each mode's own row. Elements without a capacity are
    unbounded. When an
    unbounded path exists, the answer says so and lists the elements on it that lack
    capacity data instead of inventing a number.

    Parameters
    ----------
    scenario
        The scenario (its stances and closures filter the network).
    network
        Network (default: the shipped one).
    modes
        Ground and water modes to include (all capacities are in tonnes per day, so
        modes may be mixed).

    Returns
    -------
    list of Throughput
    """
    net = network if network is not None else load_network()
    mode_set = frozenset(modes)
    scen = scenario.replace(modes=sorted(mode_set))
    check_scenario(scen, net)
    out = []
    for o_text, d_text in itertools.product(scen.origins, scen.destinations):
        o, d = find_place(o_text, net), find_place(d_text, net)
        ctx = _context(net, scen, o, d)
        out.append(_max_flow(ctx))
    return out


def _max_flow(ctx: _Context) -> Throughput:
    """Max flow in tonnes per day; per-mode capacities from ``capacities.csv``.

    The graph (:mod:`corridor._capflow`) bounds each mode at a node by that mode's row,
    else the node's empty-mode row, so a combined flow uses each mode's own capacity.
    """
    from corridor._capflow import max_flow

    usable, _, _ = _ground_masks(ctx)
    res = max_flow(ctx.net, usable, ctx.scenario.traffic, ctx.orig.node, ctx.dest.node)
    o, d, unit = ctx.orig.label, ctx.dest.label, "t/day"
    if not res.reachable:
        return Throughput(o, d, unit, 0.0, (), note="no ground route")
    if res.value is None:
        note = "unbounded by the data: a path with no sourced capacity exists"
        return Throughput(o, d, unit, None, (), res.missing, note)
    note = "binding capacities given in " + ", ".join(res.units) if res.units else ""
    return Throughput(o, d, unit, res.value, res.bottlenecks, (), note, res.binding)
