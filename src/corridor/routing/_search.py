"""The best route of a pair, its alternatives, the re-check and the why-not."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from corridor import borders
from corridor.routing._air import _air_route
from corridor.routing._ground_search import _ground_route
from corridor.routing._state import _Context, _cost, closed_links, scenario_day
from corridor.routing._types import Route, WhyNot
from corridor.scenario import LEG_STANCE_MODE, Stance


def _best_route(ctx: _Context, *, any_route: bool = False) -> Route | None:
    """Cheapest of the ground and air routes.

    With ``any_route`` (feasibility probes) the air side stops at the first gateway
    pair, nearest first, that has a route: usually the best one, at a fraction of
    the cost.
    """
    ground = _ground_route(ctx)
    candidates = [r for r in (ground, _air_route(ctx, any_route=any_route)) if r is not None]
    return min(candidates, key=lambda r: _cost(ctx, r)) if candidates else None


def _alternatives(ctx: _Context, best: Route, n: int) -> list[Route]:
    """Genuinely different routes: ban a crossing, port or transit state of earlier routes.

    A ban that only moves the route to an equivalent one (same transit states and
    crossings, e.g. the next port on the same sea) is kept, and the equivalent route's
    own elements are banned on top of it, so a ban cannot be dodged by a twin.
    """
    found: dict[Any, Route] = {best.signature: best}
    frontier: list[tuple[Route, frozenset[str]]] = [(best, frozenset())]
    tried: set[frozenset[str]] = set()
    while frontier and len(found) < n + 1:
        route, held = frontier.pop(0)
        bans: list[tuple[str, ...]] = [
            (v,) for v in route.via if v not in (ctx.orig.node, ctx.dest.node)
        ]
        bans += [(c,) for c in route.countries if c not in ctx.own and c != borders.INTL]
        for ban in bans:
            key = held | frozenset(ban)
            if key in tried or key == held:
                continue
            tried.add(key)
            nodes = frozenset(b for b in key if b in ctx.net.node_index)
            states = frozenset(b for b in key if b not in ctx.net.node_index)
            alt_ctx = _Context(
                ctx.net, ctx.scenario, ctx.orig, ctx.dest, ctx.own,
                banned_nodes=ctx.banned_nodes | nodes, extra_hostile=ctx.extra_hostile | states,
                universe=ctx.universe,
            )  # fmt: skip
            alt = _best_route(alt_ctx)
            if alt is None:
                continue
            if alt.signature in found:
                if len(key) < _MAX_HELD_BANS:
                    frontier.append((alt, key))
            elif not _near_copy(alt, found.values()):
                found[alt.signature] = alt
                frontier.append((alt, held))
            if len(found) >= 3 * (n + 1):
                break
    others = sorted((r for r in found.values() if r is not best), key=lambda r: _cost(ctx, r))
    return others[:n]


#: Most elements banned together while chasing a genuinely different route.
_MAX_HELD_BANS = 3


def _near_copy(route: Route, others: Iterable[Route]) -> bool:
    """Tell whether a route is a detour of another (same places, within 1% length)."""
    return any(
        route.via == other.via and abs(route.km - other.km) <= 0.01 * other.km for other in others
    )


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


def _probe_open(ctx: _Context, opened: Iterable[str]) -> Route | None:
    """Best route with some states, facilities or links forced open (a why-not probe)."""
    probe = _Context(
        ctx.net, ctx.scenario, ctx.orig, ctx.dest, ctx.own,
        extra_open=frozenset(opened), universe=ctx.universe,
    )  # fmt: skip
    return _best_route(probe, any_route=True)


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
            route = _probe_open(ctx, combo)
            if route is not None:
                restore.append(combo)
                routes.append(route)
        if restore:  # the smallest sets only
            break
    closed_on_route: list[str] = []
    shut: dict[str, str] = {}
    if not restore:  # no state or crossing to reopen: try the closed links themselves
        shut = closed_links(ctx)
        route = _probe_open(ctx, shut) if shut else None
        if route is not None:
            used = [e for leg in route.legs for e in leg.edges if e in shut]
            closed_on_route = list(dict.fromkeys(used))
            if closed_on_route:
                restore.append(tuple(closed_on_route))
                routes.append(route)
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
    elif closed_on_route and not blocking:
        day = scenario_day(ctx.scenario)
        when = f" on {day.isoformat()}" if day else ""
        links = ", ".join(f"{e} ({shut[e]})" for e in closed_on_route[:6])
        more = f" and {len(closed_on_route) - 6} more" if len(closed_on_route) > 6 else ""
        reason = (
            f"no route from {ctx.orig.label} to {ctx.dest.label} with modes "
            f"{', '.join(sorted(ctx.scenario.modes))}{when}: no state closes the way, but links "
            f"on it are not open: {links}{more}"
        )
    else:
        shown = ", ".join(blocking[:8]) or "none"
        reason = (
            f"no route from {ctx.orig.label} to {ctx.dest.label} with modes "
            f"{', '.join(sorted(ctx.scenario.modes))}; closures that cut access: {shown}"
        )
    return WhyNot(reason, tuple(blocking), tuple(restore), tuple(routes))
