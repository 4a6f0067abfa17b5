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
from typing import Any

from corridor._errors import ScenarioError
from corridor.network import Place, TransitNetwork, find_place, load_network
from corridor.routing._ground_search import SWITCH_HOURS, SWITCH_KM_EQUIVALENT
from corridor.routing._search import _alternatives, _best_route, _recheck, _why_not
from corridor.routing._state import _Context, _ranked, statuses
from corridor.routing._types import (
    AIR_FIXED_H,
    AIR_SPEED_KMH,
    AIRPORT_REACH_KM,
    SNAP_MAX_KM,
    Leg,
    PairPlan,
    Plan,
    Route,
    WhyNot,
)
from corridor.scenario import Scenario, check_scenario

__all__ = [
    "AIRPORT_REACH_KM",
    "AIR_FIXED_H",
    "AIR_SPEED_KMH",
    "SNAP_MAX_KM",
    "SWITCH_HOURS",
    "SWITCH_KM_EQUIVALENT",
    "Leg",
    "PairPlan",
    "Plan",
    "Route",
    "WhyNot",
    "plan",
    "statuses",
]


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
