"""Air legs between the airports that serve each place, around closed airspace."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely

from corridor import borders, geo
from corridor._errors import NoRouteError
from corridor.network import EDGE_MODES, Place, TransitNetwork
from corridor.scenario import Stance

if TYPE_CHECKING:
    from corridor import airspace  # imported when an air leg is routed (light ground routes)

from corridor.routing._state import _Context, _cost
from corridor.routing._types import AIR_FIXED_H, AIR_SPEED_KMH, AIRPORT_REACH_KM, Leg, Route


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
