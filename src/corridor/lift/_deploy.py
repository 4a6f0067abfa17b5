"""Deployment: air and ground corridors in parallel, split to minimise closure time."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor._errors import NoRouteError, ScenarioError
from corridor.lift._airlift import Airlift, airlift, force_tonnes
from corridor.lift._catalogue import PLANNING_FACTORS, is_airfield, parse_fleet

if TYPE_CHECKING:
    from corridor.scenario import Scenario

# --------------------------------------------------------------------------- deploy


@dataclass(frozen=True)
class Corridor:
    """One air or ground corridor of a deployment plan.

    Attributes
    ----------
    name, mode
        Label (``"air UUMU,RU-0152 -> UDYZ"``, ``"road vladikavkaz -> yerevan"``) and
        mode (``air``, ``road``, ``rail``).
    tonnes_per_day
        Capacity of the corridor (sustained).
    lead_days
        Days from the start until its first delivery.
    share, tonnes
        Share of the force and tonnes it carries in the plan.
    days
        When its last tonne arrives (0 when unused).
    capacity_basis
        Where the capacity comes from (airlift model, sourced data or a named default).
    """

    name: str
    mode: str
    origin: str
    destination: str
    tonnes_per_day: float
    lead_days: float
    share: float
    tonnes: float
    days: float
    capacity_basis: str
    limit: str
    route: Any = field(default=None, repr=False, compare=False)

    def cumulative(self, day: float) -> float:
        """Tonnes this corridor has delivered by ``day``."""
        return min(self.tonnes, max(0.0, day - self.lead_days) * self.tonnes_per_day)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "name": self.name,
            "mode": self.mode,
            "origin": self.origin,
            "destination": self.destination,
            "share": round(self.share, 4),
            "tonnes": round(self.tonnes, 3),
            "tonnes_per_day": round(self.tonnes_per_day, 3),
            "lead_days": round(self.lead_days, 3),
            "days": round(self.days, 3),
            "capacity_basis": self.capacity_basis,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class Deployment:
    """Answer of :func:`deploy`: air and ground corridors used together."""

    scenario: str
    force_tonnes: float
    troops: int
    closure_days: float
    corridors: tuple[Corridor, ...]
    bottleneck: str
    airlift: Airlift | None
    unavailable: tuple[str, ...]
    assumptions: tuple[str, ...]

    def arrivals(self) -> list[dict[str, Any]]:
        """Cumulative tonnes and troops by day, per corridor and in total."""
        days = max(1, math.ceil(self.closure_days - 1e-9))
        out = []
        for d in range(1, days + 1):
            per = {c.name: round(c.cumulative(d), 3) for c in self.corridors if c.tonnes > 0}
            cum = min(self.force_tonnes, sum(per.values()))
            troops = round(self.troops * cum / self.force_tonnes) if self.force_tonnes else 0
            out.append(
                {"day": d, "cum_tonnes": round(cum, 3), "cum_troops": troops, "by_corridor": per}
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the CLI's ``--json``)."""
        return {
            "scenario": self.scenario,
            "force_tonnes": round(self.force_tonnes, 3),
            "troops": self.troops,
            "closure_days": round(self.closure_days, 3),
            "corridors": [c.to_dict() for c in self.corridors],
            "bottleneck": self.bottleneck,
            "airlift": self.airlift.to_dict() if self.airlift else None,
            "arrivals": self.arrivals(),
            "unavailable": list(self.unavailable),
            "assumptions": list(self.assumptions),
        }


_SERVE_KM = 80.0


def _great_circle_km(a: str, b: str) -> float:
    from corridor import geo
    from corridor.network import find_place

    pa, pb = find_place(a), find_place(b)
    return float(geo.distance_km(pa.lon, pa.lat, pb.lon, pb.lat))


def _serving_airfield(place: str) -> str | None:
    """Return the airfield with the longest known runway within ``_SERVE_KM`` of a place."""
    from corridor import geo
    from corridor.network import find_place, load_network

    net = load_network()
    p = find_place(place, net)
    fields = net.nodes[net.nodes["kind"].isin(["airport", "airbase"])]
    fields = fields[np.isfinite(fields["runway_m"].to_numpy(dtype=float))]
    km = geo.distance_km(p.lon, p.lat, fields.geometry.x.to_numpy(), fields.geometry.y.to_numpy())
    near = fields[np.asarray(km) <= _SERVE_KM]
    if near.empty:
        return None
    return str(near["runway_m"].astype(float).idxmax())


def _ground_capacity(tp: Any) -> tuple[float | None, str, str]:
    """(tonnes/day or None if unknown, basis, limiting elements) from a Throughput.

    :func:`corridor.analysis.throughput` already converts every sourced capacity to
    tonnes per day (``unit_conversions.csv``), so no factor is applied here.
    """
    if tp.per_day is None:
        return None, "no sourced capacity on the path", ", ".join(tp.missing_capacity[:5])
    bound = "; ".join(f"{r.element} {r.capacity:g} {r.unit} ({r.basis})" for r in tp.binding)
    return (
        float(tp.per_day),
        f"sourced capacity {tp.per_day:g} {tp.unit}" + (f", bound by {bound}" if bound else ""),
        ", ".join(tp.bottlenecks),
    )


def deploy(
    scenario: Scenario,
    *,
    troops: float | None = None,
    tonnes: float | None = None,
    fleet: str | Mapping[str, Any] | None = None,
) -> Deployment:
    """Plan air and ground corridors together to minimise the force's closure time.

    Each corridor delivers at its sustained rate after its lead time (air: the
    :func:`airlift` answer for the scenario's airfield origins and first airfield
    destination; road and rail: the fastest ground route per origin from
    :func:`corridor.routing.plan`, capacity from :func:`corridor.analysis.throughput`
    or the named default A13). A linear program splits the force to minimise the time
    ``C`` at which all of it has arrived: ``x_i <= rate_i (C - lead_i)``, ``sum x_i =
    force``.

    Parameters
    ----------
    scenario
        Closures, origins, destinations and the ``[force]``/``[fleet]`` tables.
    troops, tonnes, fleet
        Override the scenario's force and fleet.

    Returns
    -------
    Deployment

    Raises
    ------
    ScenarioError
        For a missing or invalid force or fleet.
    NoRouteError
        When no corridor can deliver, with the why of each.
    """
    from corridor import analysis, routing

    if troops is None and tonnes is None:
        troops, tonnes = scenario.force.get("troops"), scenario.force.get("tonnes")
    total, n_troops, notes = force_tonnes(troops=troops, tonnes=tonnes)
    ships = parse_fleet(fleet) if fleet is not None else dict(scenario.fleet)
    if not scenario.origins or not scenario.destinations:
        msg = f"scenario {scenario.name!r} needs origins and destinations for a deployment"
        raise ScenarioError(msg)
    f = PLANNING_FACTORS
    corridors: list[Corridor] = []
    unavailable: list[str] = []
    assumptions = list(notes)
    air: Airlift | None = None
    air_orig = [o for o in scenario.origins if is_airfield(o)]
    air_dest = [d for d in scenario.destinations if is_airfield(d)]
    if not air_dest:
        served = [(d, _serving_airfield(d)) for d in scenario.destinations]
        air_dest = [a for _, a in served if a is not None][:1]
        assumptions += [
            f"air: {d} is served by {a}, its airfield with the longest runway within "
            f"{_SERVE_KM:.0f} km"
            for d, a in served[:1]
            if a is not None
        ]
    if "air" not in scenario.modes:
        unavailable.append("air: the scenario does not allow air legs")
    elif not ships:
        unavailable.append("air: the scenario has no [fleet] table")
    elif not air_orig or not air_dest:
        unavailable.append("air: the scenario has no airfield among its origins or destinations")
    else:
        try:
            air = airlift(air_orig, air_dest[0], ships, tonnes=total, scenario=scenario)
        except (NoRouteError, ScenarioError) as exc:
            unavailable.append(f"air: {exc}")
    if air is not None:
        corridors.append(
            Corridor(
                f"air {','.join(air.origins)} -> {air.destination}",
                "air",
                ",".join(air.origins),
                air.destination,
                air.tonnes_per_day,
                air.first_landing_days,
                0.0,
                0.0,
                0.0,
                "airlift model (corridor.lift.airlift)",
                air.bottleneck,
                air,
            )
        )
        assumptions += [f"air: {a}" for a in air.assumptions if not a.startswith("troops")]
    ground_orig = [o for o in scenario.origins if o not in air_orig] or list(scenario.origins)
    ground_dest = [d for d in scenario.destinations if d not in air_dest] or list(
        scenario.destinations
    )
    dest = ground_dest[0]
    ground_links: list[tuple[Corridor, set[str]]] = []
    ground_orig = sorted(
        ground_orig, key=lambda o: _great_circle_km(o, dest)
    )  # nearest first: the shorter of two corridors sharing links is kept
    for mode in ("road", "rail"):
        if mode not in scenario.modes:
            continue
        for o in ground_orig:
            scen = scenario.replace(modes=[mode], origins=[o], destinations=[dest], k=1)
            pair = routing.plan(scen, explain=False).pairs[0]
            if pair.best is None:
                unavailable.append(f"{mode} {o} -> {dest}: no route")
                continue
            (tp,) = analysis.throughput(scen, modes=(mode,))
            rate, basis, limit = _ground_capacity(tp)
            if tp.per_day and tp.assumed:
                assumptions.append(
                    f"{mode} {o} -> {dest}: the binding capacity of {', '.join(tp.assumed)} "
                    "is a named assumption, not a published figure (capacities.csv)"
                )
            if rate is not None and rate <= 0:
                unavailable.append(f"{mode} {o} -> {dest}: capacity 0 ({tp.note})")
                continue
            if rate is None:
                rate = f["default_ground_tpd"]
                basis = f"default {rate:.0f} t/day (A13): {basis}"
                limit = f"no sourced capacity (first unsourced elements: {limit})"
                assumptions.append(
                    f"{mode} {o} -> {dest}: capacity not in the data; "
                    f"default {rate:.0f} t/day (A13)"
                )
            # elapsed, not driving, hours: road legs stop for the column's daily rest
            lead = (pair.best.transit_hours + f["ground_lead_h"]) / 24.0
            rest = pair.best.transit_hours - pair.best.hours
            if rest > 0:
                assumptions.append(
                    f"{mode} {o} -> {dest}: {pair.best.hours:.1f} h on the move and at borders "
                    f"plus {rest:.1f} h of daily rest stops (driving_h_per_day_"
                    f"{scen.traffic} of ground_defaults.csv)"
                )
            links = {e for leg in pair.best.legs for e in leg.edges}
            twin = next((c for c, ln in ground_links if c.mode == mode and ln & links), None)
            if twin is not None:
                unavailable.append(
                    f"{mode} {o} -> {dest}: shares links with {twin.name}; one capacity per "
                    "path in the data, so counted once"
                )
                continue
            corridors.append(
                Corridor(
                    f"{mode} {o} -> {dest}",
                    mode,
                    o,
                    dest,
                    rate,
                    lead,
                    0.0,
                    0.0,
                    0.0,
                    basis,
                    limit,
                    pair.best,
                )
            )
            ground_links.append((corridors[-1], links))
    if not corridors:
        msg = f"the force cannot arrive in scenario {scenario.name!r}: " + "; ".join(unavailable)
        raise NoRouteError(msg)
    x, closure = _fastest_split(corridors, total)
    done = []
    for i, cor in enumerate(corridors):
        t = float(x[i]) if x[i] > 1e-6 else 0.0
        days = cor.lead_days + t / cor.tonnes_per_day if t else 0.0
        done.append(
            Corridor(
                cor.name,
                cor.mode,
                cor.origin,
                cor.destination,
                cor.tonnes_per_day,
                cor.lead_days,
                t / total,
                t,
                days,
                cor.capacity_basis,
                cor.limit,
                cor.route,
            )
        )
    used = [cor for cor in done if cor.tonnes > 0]
    top = max(used, key=lambda cor: cor.tonnes)
    idle = [cor.name for cor in done if cor.tonnes == 0]
    bottleneck = (
        f"closure in {closure:.1f} days is set by the corridors' combined capacity of "
        f"{sum(cor.tonnes_per_day for cor in used):.0f} t/day; the largest, {top.name} "
        f"({top.share:.0%} of the force), is limited by {top.limit}"
    )
    if idle:
        bottleneck += f"; unused because they arrive too late: {', '.join(idle)}"
    assumptions.append(f"ground moves start after {f['ground_lead_h']:.0f} h of marshalling (A14)")
    return Deployment(
        scenario.name,
        total,
        n_troops,
        closure,
        tuple(done),
        bottleneck,
        air,
        tuple(unavailable),
        tuple(dict.fromkeys(assumptions)),
    )


def _fastest_split(corridors: list[Corridor], total: float) -> tuple[np.ndarray, float]:
    """Split ``total`` tonnes over corridors to minimise the closure time ``C``.

    A corridor used at all delivers ``rate * (C - lead)`` at most, so the corridors used
    are always the ``k`` earliest by lead time; for each ``k`` a linear program
    (``min C`` s.t. ``x_i <= rate_i (C - lead_i)``, ``sum x_i = total``, ``x >= 0``)
    gives the best closure with those corridors, and the best ``k`` wins.
    """
    from scipy.optimize import linprog

    order = sorted(range(len(corridors)), key=lambda i: corridors[i].lead_days)
    best_x, best_c = np.zeros(len(corridors)), math.inf
    for k in range(1, len(order) + 1):
        use = order[:k]
        m = len(use)
        cost = np.zeros(m + 1)
        cost[-1] = 1.0
        a_ub = np.zeros((m, m + 1))
        b_ub = np.zeros(m)
        for j, i in enumerate(use):
            a_ub[j, j] = 1.0
            a_ub[j, -1] = -corridors[i].tonnes_per_day
            b_ub[j] = -corridors[i].tonnes_per_day * corridors[i].lead_days
        a_eq = np.ones((1, m + 1))
        a_eq[0, -1] = 0.0
        res = linprog(
            cost,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=[total],
            bounds=[(0, None)] * (m + 1),
            method="highs",
        )
        if res.status == 0 and float(res.x[-1]) < best_c - 1e-9:
            best_c = float(res.x[-1])
            best_x = np.zeros(len(corridors))
            best_x[use] = res.x[:m]
    return best_x, best_c
