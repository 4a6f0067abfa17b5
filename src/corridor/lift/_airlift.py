"""The airlift model: routes per type, cycle times, the rate program, sorties, arrivals."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor._errors import NoRouteError, ScenarioError
from corridor.lift._catalogue import (
    PLANNING_FACTORS,
    Aircraft,
    Airfield,
    _count,
    _usable,
    aircraft_catalogue,
    airfield_capacity,
    parse_fleet,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from corridor.airspace import AirRoute
    from corridor.scenario import Scenario

# --------------------------------------------------------------------------- airlift


@dataclass(frozen=True)
class SortiePlan:
    """One aircraft type flying from one origin.

    Attributes
    ----------
    aircraft, origin, destination
        Type name and airfield ids.
    km, legs_km, stops
        Route length, the length of each leg and the en-route stops (airfield ids).
    payload_t
        Load per sortie at the flown range (seats x troop weight for passengers only).
    block_h, cycle_h
        One-way block time (stops included) and the full cycle of a sortie.
    sorties_per_day
        Sustained rate the plan gives this type from this origin.
    sorties, tonnes
        Sorties flown and tonnes carried.
    first_landing_h, last_landing_h
        Hours from the start of loading.
    """

    aircraft: str
    origin: str
    destination: str
    km: float
    legs_km: tuple[float, ...]
    stops: tuple[str, ...]
    payload_t: float
    block_h: float
    cycle_h: float
    sorties_per_day: float
    sorties: int
    tonnes: float
    first_landing_h: float
    last_landing_h: float
    route: AirRoute | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the route geometry left out)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "route"}
        out["legs_km"] = list(self.legs_km)
        out["stops"] = list(self.stops)
        return out


@dataclass(frozen=True)
class Arrival:
    """What lands on one day (day 1 is the first 24 h from the start of loading)."""

    day: int
    tonnes: float
    troops: int
    cum_tonnes: float
    cum_troops: int


@dataclass(frozen=True)
class Airlift:
    """Answer of :func:`airlift`.

    Attributes
    ----------
    sorties, by_aircraft
        Sorties in total and per type.
    closure_days
        Days from the start of loading until the last landing.
    tonnes_per_day
        Sustained delivery rate.
    bottleneck
        Sentence naming the limiting airfield, fleet or route.
    limits
        Rate each constraint would allow alone (tonnes/day).
    excluded
        Type-origin pairs left out and why.
    """

    origins: tuple[str, ...]
    destination: str
    force_tonnes: float
    troops: int
    sorties: int
    by_aircraft: Mapping[str, int]
    closure_days: float
    tonnes_per_day: float
    bottleneck: str
    binding: str
    limits: Mapping[str, float]
    plans: tuple[SortiePlan, ...]
    arrivals: tuple[Arrival, ...]
    excluded: tuple[str, ...]
    assumptions: tuple[str, ...]

    @property
    def first_landing_days(self) -> float:
        """Days from the start of loading to the first landing."""
        return min(p.first_landing_h for p in self.plans if p.sorties) / 24.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the CLI's ``--json``)."""
        return {
            "origins": list(self.origins),
            "destination": self.destination,
            "force_tonnes": round(self.force_tonnes, 3),
            "troops": self.troops,
            "sorties": self.sorties,
            "by_aircraft": dict(self.by_aircraft),
            "closure_days": round(self.closure_days, 3),
            "first_landing_days": round(self.first_landing_days, 3),
            "tonnes_per_day": round(self.tonnes_per_day, 3),
            "bottleneck": self.bottleneck,
            "binding": self.binding,
            "limits": {k: round(v, 3) for k, v in self.limits.items()},
            "plans": [p.to_dict() for p in self.plans],
            "arrivals": [a.__dict__ for a in self.arrivals],
            "excluded": list(self.excluded),
            "assumptions": list(self.assumptions),
        }


def _positive(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} must be a number, got {value!r}"
        raise ScenarioError(msg)
    if not math.isfinite(value) or value <= 0:
        msg = f"{what} must be a positive finite number, got {value!r}"
        raise ScenarioError(msg)
    return float(value)


def force_tonnes(
    *, troops: float | None = None, tonnes: float | None = None, pax_only: bool = False
) -> tuple[float, int, list[str]]:
    """Tonnes to move for a force, the troop count and the factors used.

    Raises
    ------
    ScenarioError
        For a missing, non-positive or non-finite force.
    """
    n = _positive(troops, "troops")
    t = _positive(tonnes, "tonnes")
    if n is None and t is None:
        msg = "give the force as troops, tonnes or both (positive numbers)"
        raise ScenarioError(msg)
    if n is not None and n != int(n):
        msg = f"troops must be a whole number, got {troops!r}"
        raise ScenarioError(msg)
    f = PLANNING_FACTORS
    used = []
    if pax_only and (t is not None or n is None):
        msg = "pax_only moves troops in seats only: give troops and no tonnes"
        raise ScenarioError(msg)
    total = t or 0.0
    if n is not None:
        if t is None and not pax_only:
            total = n * (f["troop_t"] + f["equipment_t_per_troop"])
            used.append(
                f"troops with their equipment: {f['troop_t'] + f['equipment_t_per_troop']:.3f} t "
                "per soldier (troop_t A8 + equipment_t_per_troop A9)"
            )
        else:
            total += n * f["troop_t"]
            used.append(f"troops as passengers: {f['troop_t']} t each (troop_t, A8)")
    return total, int(n or 0), used


@lru_cache(maxsize=1024)
def _air(
    orig: str,
    dest: str,
    closed: frozenset[str],
    caspian: str,
    range_km: float | None,
    min_runway_m: float,
    no_landing: frozenset[str],
) -> AirRoute | str:
    """Air route, memoised (routes are pure functions of their inputs); a str is the why-not."""
    from corridor import airspace

    try:
        return airspace.air_route(
            orig,
            dest,
            closed=closed,
            caspian="open" if caspian == "open" else "partitioned",
            range_km=range_km,
            min_runway_m=min_runway_m,
            no_landing=no_landing,
        )
    except NoRouteError as exc:
        return str(exc)


def _legs(route: AirRoute) -> tuple[float, ...]:
    from corridor import geo

    if not route.stops:
        return (route.km,)
    cut = {(round(s.lon, 6), round(s.lat, 6)) for s in route.stops}
    legs, run = [], 0.0
    for a, b in zip(route.coords[:-1], route.coords[1:], strict=True):
        run += float(geo.distance_km(a[0], a[1], b[0], b[1]))
        if (round(b[0], 6), round(b[1], 6)) in cut:
            legs.append(run)
            run = 0.0
    legs.append(run)
    return tuple(legs)


@lru_cache(maxsize=1)
def _known_states() -> tuple[str, ...]:
    from corridor import borders

    return tuple(str(c) for c in borders.load_borders().index)


def _closures(scen: Scenario, own: set[str]) -> tuple[frozenset[str], frozenset[str]]:
    from corridor.scenario import Stance

    known = _known_states()
    hostile = {c for c in known if scen.stance(c, "overflight") == Stance.HOSTILE}
    hostile |= set(scen.closed_airspace)
    no_land = {c for c in known if scen.stance(c, "landing") == Stance.HOSTILE} | hostile
    return frozenset(hostile - own), frozenset(no_land)


@dataclass(frozen=True)
class _Option:
    aircraft: Aircraft
    origin: Airfield
    route: AirRoute
    legs: tuple[float, ...]
    payload: float
    block_h: float
    cycle_h: float


def _option(
    ac: Aircraft,
    orig: Airfield,
    dest: Airfield,
    scen: Scenario,
    pax_only: bool,
    notes: list[str],
    load_factor: float = 1.0,
) -> _Option | str:
    """Best way for one type to fly orig -> dest (direct with less payload, or with stops)."""
    f = PLANNING_FACTORS
    closed, no_land = _closures(scen, {orig.country, dest.country})
    for af in (orig, dest):
        if scen.stance(af.country, "landing") == "hostile":
            return f"{af.id}: {af.country} is hostile for landing"
    # Without a range the runway and landing limits play no part: one route for every type.
    direct = _air(orig.id, dest.id, closed, scen.caspian, None, 0.0, frozenset())
    if isinstance(direct, str):
        return direct
    candidates: list[tuple[AirRoute, tuple[float, ...]]] = []
    if ac.payload_at(direct.km) > 0:
        candidates.append((direct, (direct.km,)))
    if direct.km > ac.full_payload_range_km:
        stopped = _air(
            orig.id,
            dest.id,
            closed,
            scen.caspian,
            ac.full_payload_range_km,
            ac.min_runway_m,
            no_land,
        )
        if not isinstance(stopped, str):
            candidates.append((stopped, _legs(stopped)))
        elif not candidates:
            return stopped
    if not candidates:
        return f"{direct.km:.0f} km is beyond the {ac.name}'s range of {ac.max_range_km:.0f} km"
    best: _Option | None = None
    for route, legs in candidates:
        payload = min(ac.payload_at(km) for km in legs) * load_factor
        if pax_only:
            payload = min(payload, ac.troop_seats * f["troop_t"])
        if payload <= 0:
            continue
        block = sum(legs) / ac.cruise_kmh + f["leg_allowance_h"] * len(legs)
        block += f["stop_ground_h"] * (len(legs) - 1)
        cycle = 2 * block + 2 * ac.ground_time_h
        opt = _Option(ac, orig, route, legs, payload, block, cycle)
        if best is None or opt.payload / opt.cycle_h > best.payload / best.cycle_h:
            best = opt
    if best is None:
        return f"the {ac.name} has no seats for passengers-only moves"
    if max(best.legs) / ac.cruise_kmh > f["crew_day_h"]:
        notes.append(
            f"{ac.name} from {orig.id}: a leg exceeds the crew day (A10); augmented crew assumed"
        )
    return best


def _airfield(place: str, scen: Scenario | None, mog: int | None = None) -> Airfield:
    overrides = getattr(scen, "airfields", None) or {}
    af = airfield_capacity(place)
    spec: Any = overrides.get(af.id) or overrides.get(place)
    if mog is not None:
        spec = mog
    return airfield_capacity(place, mog=spec) if spec is not None else af


def airlift(
    origins: str | Sequence[str],
    destination: str,
    fleet: str | Mapping[str, Any],
    *,
    troops: float | None = None,
    tonnes: float | None = None,
    pax_only: bool = False,
    scenario: Scenario | None = None,
    mog: int | None = None,
    load_factor: float = 1.0,
) -> Airlift:
    """How many sorties and days an air force needs to fly a force in.

    Parameters
    ----------
    origins
        One or more origin airfields.
    destination
        Destination airfield.
    fleet
        ``{type: count}`` or ``"Il-76MD=10,An-124-100=2"`` (type names case- and
        punctuation-insensitive).
    troops, tonnes
        The force: troops only (converted with their equipment, A8 + A9), tonnes only,
        or both (tonnes of cargo plus troops as passengers).
    pax_only
        Troops travel in seats without equipment.
    scenario
        Closures (overflight/landing stances, closed airspace, Caspian rule) and
        ``[airfields]`` MOG overrides; default: nothing closed.
    mog
        Working MOG of the destination (overrides data and scenario).
    load_factor
        Share of the weight payload a sortie actually carries (0 < f <= 1): loads that
        fill the hold by volume or seats before weight. 1 (the default) gives the
        weight-limited lower bound on sorties.

    Returns
    -------
    Airlift

    Raises
    ------
    ScenarioError
        For bad input: unknown type, non-positive force or fleet, a destination no
        listed type can use.
    NoRouteError
        When no type can reach the destination from any origin (the why is given).

    Examples
    --------
    >>> a = airlift("UUMU", "UAAA", "Il-76MD=10", tonnes=400)  # doctest: +SKIP
    >>> a.by_aircraft["Il-76MD"]  # doctest: +SKIP
    8
    """
    from scipy.optimize import linprog

    from corridor.scenario import make_scenario

    scen = scenario if scenario is not None else make_scenario(name="ad hoc")
    total, n_troops, factor_notes = force_tonnes(troops=troops, tonnes=tonnes, pax_only=pax_only)
    ships = parse_fleet(fleet)
    if (
        isinstance(load_factor, bool)
        or not isinstance(load_factor, int | float)
        or not 0 < load_factor <= 1
    ):
        msg = f"load_factor must be a number in (0, 1], got {load_factor!r}"
        raise ScenarioError(msg)
    if load_factor != 1:
        factor_notes.append(
            f"load factor {load_factor:g}: each sortie carries {load_factor:.0%} of its weight "
            "payload (given by the user, not a sourced figure)"
        )
    if mog is not None:
        _count(mog, "--mog")
    origin_list = [origins] if isinstance(origins, str) else list(origins)
    if not origin_list:
        msg = "give at least one origin airfield"
        raise ScenarioError(msg)
    dest = _airfield(destination, scen, mog)
    orig_fields = {}
    for o in origin_list:
        af = _airfield(o, scen)
        orig_fields[af.id] = af
    cat = aircraft_catalogue()
    excluded: list[str] = []
    notes: list[str] = []
    usable_types = []
    for name in ships:
        why = _usable(cat[name], dest)
        if why:
            excluded.append(f"{name} cannot use the destination: {why}")
        else:
            usable_types.append(name)
    if not usable_types:
        msg = f"no listed aircraft type can use {dest.id} ({dest.name}): " + "; ".join(excluded)
        raise ScenarioError(msg)
    options: list[_Option] = []
    for name in usable_types:
        ac = cat[name]
        for af in orig_fields.values():
            why = _usable(ac, af)
            if why is None:
                opt = _option(ac, af, dest, scen, pax_only, notes, load_factor)
                if isinstance(opt, str):
                    why = opt
                else:
                    options.append(opt)
                    continue
            excluded.append(f"{name} from {af.id}: {why}")
    if not options:
        msg = f"the force cannot arrive at {dest.id} by air: " + "; ".join(excluded)
        raise NoRouteError(msg)
    f = PLANNING_FACTORS
    n = len(options)
    rows: list[tuple[str, list[float], float]] = []
    for name in {o.aircraft.name for o in options}:
        coef = [o.cycle_h if o.aircraft.name == name else 0.0 for o in options]
        rows.append((f"fleet:{name}", coef, ships[name] * 24.0 * f["utilisation"]))
    rows.append(
        (f"dest:{dest.id}", [o.aircraft.ground_time_h for o in options], dest.working_mog * 24.0)
    )
    for af in orig_fields.values():
        coef = [o.aircraft.ground_time_h if o.origin.id == af.id else 0.0 for o in options]
        if any(coef):
            rows.append((f"orig:{af.id}", coef, af.working_mog * 24.0))
    a_ub = np.array([r[1] for r in rows])
    b_ub = np.array([r[2] for r in rows])
    gain = np.array([o.payload for o in options])
    # Tie-break: among equally fast plans prefer the origins in the order given.
    order = list(orig_fields)
    tie = np.array([1e-6 * o.payload * order.index(o.origin.id) for o in options])
    res = linprog(-gain + tie, A_ub=a_ub, b_ub=b_ub, bounds=[(0, None)] * n, method="highs")
    if res.status != 0:  # pragma: no cover - a bounded feasible LP always solves
        msg = f"internal error: airlift rate program failed ({res.message})"
        raise RuntimeError(msg)
    x = np.asarray(res.x)
    rate = float(gain @ x)
    duals = -np.asarray(res.ineqlin.marginals)
    limits = {}
    for label, coef, rhs in rows:  # each constraint alone
        c = np.asarray(coef)
        limits[label] = float(max(gain[k] * rhs / c[k] for k in range(n) if c[k] > 0))
    binding_k = int(np.argmax(duals * b_ub))
    binding = rows[binding_k][0]
    plans = _sortie_plans(options, x, total, dest)
    by_aircraft: dict[str, int] = {}
    for p in plans:
        by_aircraft[p.aircraft] = by_aircraft.get(p.aircraft, 0) + p.sorties
    closure_h = max(p.last_landing_h for p in plans if p.sorties)
    arrivals = _arrivals(plans, total, n_troops, closure_h)
    bottleneck = _bottleneck(binding, rate, dest, orig_fields, ships, plans, scen)
    assumptions = _assumptions(options, dest, orig_fields, factor_notes + notes)
    return Airlift(
        tuple(orig_fields),
        dest.id,
        total,
        n_troops,
        sum(by_aircraft.values()),
        by_aircraft,
        closure_h / 24.0,
        rate,
        bottleneck,
        binding,
        limits,
        tuple(plans),
        tuple(arrivals),
        tuple(excluded),
        tuple(assumptions),
    )


def _sortie_plans(
    options: list[_Option], x: np.ndarray, total: float, dest: Airfield
) -> list[SortiePlan]:
    rate = float(sum(o.payload * x[k] for k, o in enumerate(options)))
    plans = []
    for k, o in enumerate(options):
        share_t = total * o.payload * x[k] / rate if rate > 0 else 0.0
        sorties = math.ceil(share_t / o.payload - 1e-9) if share_t > 1e-9 else 0
        first = o.aircraft.ground_time_h + o.block_h
        last = first + (sorties - 1) * 24.0 / x[k] if sorties else 0.0
        plans.append(
            SortiePlan(
                o.aircraft.name,
                o.origin.id,
                dest.id,
                o.route.km,
                o.legs,
                tuple(s.place for s in o.route.stops),
                o.payload,
                o.block_h,
                o.cycle_h,
                float(x[k]),
                sorties,
                share_t,
                first if sorties else 0.0,
                last,
                o.route,
            )
        )
    return plans


def _arrivals(
    plans: list[SortiePlan], total: float, troops: int, closure_h: float
) -> list[Arrival]:
    days = max(1, math.ceil(closure_h / 24.0 - 1e-9))
    out, prev = [], 0.0
    for d in range(1, days + 1):
        h = d * 24.0
        cum = 0.0
        for p in plans:
            if not p.sorties or h < p.first_landing_h:
                continue
            landed = min(
                p.sorties, 1 + math.floor((h - p.first_landing_h) * p.sorties_per_day / 24.0 + 1e-9)
            )
            cum += min(p.tonnes, landed * p.payload_t)
        cum = min(cum, total)
        cum_troops = round(troops * cum / total) if total else 0
        prev_troops = round(troops * prev / total) if total else 0
        out.append(
            Arrival(
                d,
                round(float(cum - prev), 6),
                cum_troops - prev_troops,
                round(float(cum), 6),
                cum_troops,
            )
        )
        prev = cum
    return out


def _bottleneck(
    binding: str,
    rate: float,
    dest: Airfield,
    origins: Mapping[str, Airfield],
    ships: Mapping[str, int],
    plans: list[SortiePlan],
    scen: Scenario,
) -> str:
    kind, _, name = binding.partition(":")
    if kind == "dest":
        return (
            f"the destination {dest.id} ({dest.name}): a working MOG of {dest.working_mog} "
            f"({dest.basis}) limits delivery to {rate:.0f} t/day"
        )
    if kind == "orig":
        af = origins[name]
        return (
            f"the origin {af.id} ({af.name}): a working MOG of {af.working_mog} ({af.basis}) "
            f"limits delivery to {rate:.0f} t/day"
        )
    mine = [p for p in plans if p.aircraft == name]
    longest = max(mine, key=lambda p: p.cycle_h)
    via = f" with stops at {', '.join(longest.stops)}" if longest.stops else ""
    route = f" on a {longest.km:.0f} km route{via} ({longest.cycle_h:.1f} h cycle"
    air = longest.route
    if air is not None and air.closed and air.detour_pct >= 1.0:
        route += (
            f", {air.detour_pct:.0f}% longer than the great circle around the closed "
            f"airspace of {', '.join(sorted(air.closed))}"
        )
    route += ")"
    return f"the fleet: {ships[name]} x {name}{route} limits delivery to {rate:.0f} t/day"


def _assumptions(
    options: list[_Option], dest: Airfield, origins: Mapping[str, Airfield], extra: list[str]
) -> list[str]:
    f = PLANNING_FACTORS
    out = list(extra)
    out.append(f"utilisation {f['utilisation']} of the day per aircraft (A5)")
    out.append(f"per-leg allowance {f['leg_allowance_h']} h for taxi, climb and approach (A6)")
    if any(len(o.legs) > 1 for o in options):
        out.append(f"{f['stop_ground_h']} h on the ground at each en-route stop (A7)")
        out.append("en-route stops chosen by runway length; their surface and MOG are not checked")
    out.append("arrivals at the sustained rate from the first landing, no initial wave (A11)")
    out.append("each aircraft takes one working-MOG slot for its ground time (RAND MR-700 logic)")
    for af in (dest, *origins.values()):
        out.append(
            f"{af.id}: working MOG {af.working_mog}, parking {af.parking_mog} "
            f"({af.basis}{', apron class ' + af.apron_class if af.basis == 'rule' else ''})"
        )
    for ac in sorted({o.aircraft.name for o in options}):
        a = options[[o.aircraft.name for o in options].index(ac)].aircraft
        if a.assumed:
            out.append(f"{ac}: assumed {', '.join(sorted(set(a.assumed)))} (aircraft.csv)")
    return out
