"""Daily rest of trucks and columns: a load arrives in elapsed hours, not driving hours.

A truck driver may drive nine hours a day (AETR, ``driving_h_per_day_freight`` of
``ground_defaults.csv``); a motor column covers its daily march of 400 km at a march speed of
30 km/h (``driving_h_per_day_military``). ``Route.hours`` counts moving hours and waits;
``Route.transit_hours`` adds the stops: the ``hours`` objective minimises it, and ``deploy``
plans with it.
The checks compare with those published rules, not with the code's own arithmetic: no more
than nine hours of driving in any started day, no more than a daily march a day.
"""

from __future__ import annotations

import math

import pytest

import corridor
from corridor import _ground, lift, routing
from corridor.scenario import load_scenario, make_scenario

#: AETR: the daily driving period shall not exceed nine hours.
AETR_DAILY_DRIVING_H = 9.0
#: Soviet/Russian march norms: a motor column's daily march is 400 km.
DAILY_MARCH_KM = 400.0


def _best(orig: str, dest: str, traffic: str) -> routing.Route:
    scen = make_scenario(origins=[orig], destinations=[dest], modes=["road"], k=1, traffic=traffic)
    best = routing.plan(scen, explain=False).pairs[0].best
    assert best is not None
    return best


def _moving_hours(route: routing.Route) -> float:
    return route.hours - sum(w.hours for leg in route.legs for w in leg.waits)


@pytest.mark.parametrize(
    ("driving", "waits", "per_day", "expected"),
    [
        (8.0, [], 9.0, 0.0),  # one day's drive
        (9.0, [], 9.0, 0.0),  # exactly one day
        (9.5, [], 9.0, 15.0),  # a second day: one night
        (27.0, [], 9.0, 30.0),  # three full days: two nights
        (27.0, [20.0], 9.0, 15.0),  # a 20 h queue is one of the nights
        (27.0, [14.0], 9.0, 30.0),  # a 14 h queue is shorter than a night off (15 h)
        (27.0, [20.0, 30.0, 40.0], 9.0, 0.0),  # never negative
        (50.0, [], None, 0.0),  # no rule: no stops (passenger, hand-built networks)
        (50.0, [], 24.0, 0.0),
        (0.0, [], 9.0, 0.0),
    ],
)
def test_rest_hours_counts_the_nights_between_driving_days(
    driving: float, waits: list[float], per_day: float | None, expected: float
) -> None:
    assert _ground.rest_hours(driving, waits, per_day) == pytest.approx(expected)


def test_the_shipped_rules_are_the_published_ones() -> None:
    net = corridor.load_network()
    freight = _ground.driving_day(net.ground, "freight")
    military = _ground.driving_day(net.ground, "military")
    assert freight is not None and freight.basis == "sourced"
    assert freight.value == AETR_DAILY_DRIVING_H
    assert "AETR" in freight.source
    assert military is not None
    # the column's day is its daily march at its fastest march speed (speeds.csv)
    fastest = max(
        s.kmh
        for (_, _, mode, traffic, _), s in net.ground.speeds.items()
        if mode == "road" and traffic == "military"
    )
    assert military.value == pytest.approx(DAILY_MARCH_KM / fastest, abs=0.05)
    assert _ground.driving_day(net.ground, "passenger") is None


def test_a_truck_never_drives_more_than_nine_hours_in_a_started_day() -> None:
    route = _best("moscow", "almaty", "freight")
    moving = _moving_hours(route)
    assert moving > 3 * AETR_DAILY_DRIVING_H  # a trip of several days
    days = math.ceil(route.transit_hours / 24.0)
    assert moving <= AETR_DAILY_DRIVING_H * days
    # and it does not stop more than it must: one night fewer and the rule would break
    assert moving > AETR_DAILY_DRIVING_H * (days - 2)
    assert route.transit_hours > route.hours
    leg = route.legs[0]
    assert leg.to_dict()["rest_hours"] == pytest.approx(leg.rest_hours, abs=0.01)
    assert route.to_dict()["transit_hours"] == pytest.approx(route.transit_hours, abs=0.01)


def test_a_column_covers_no_more_than_its_daily_march_a_day() -> None:
    route = _best("moscow", "almaty", "military")
    days = math.ceil(route.transit_hours / 24.0)
    assert route.km <= DAILY_MARCH_KM * days
    assert route.km > DAILY_MARCH_KM * (days - 2)


def test_passenger_times_are_driving_times() -> None:
    # car driving times are what the validation tables publish: no rest added
    route = _best("moscow", "almaty", "passenger")
    assert route.transit_hours == route.hours
    assert all(leg.rest_hours == 0 for leg in route.legs)


def test_rail_and_ferry_legs_run_round_the_clock() -> None:
    scen = make_scenario(
        origins=["aktau"], destinations=["baku"], modes=["rail", "ferry"], k=1, traffic="freight"
    )
    best = routing.plan(scen, explain=False).pairs[0].best
    assert best is not None
    assert best.hours > 24  # a multi-day trip
    assert best.transit_hours == best.hours


def test_deploy_plans_ground_moves_with_the_rest_stops() -> None:
    d = lift.deploy(load_scenario("armenia-reinforcement"))
    road = next(c for c in d.corridors if c.mode == "road")
    scen = load_scenario("armenia-reinforcement").replace(
        modes=["road"], origins=["vladikavkaz"], destinations=["yerevan"], k=1
    )
    route = routing.plan(scen, explain=False).pairs[0].best
    assert route is not None
    # the scenario's own road route; AETR: the first truck cannot arrive before its driving
    # hours allow, nine a day
    driving_days = _moving_hours(route) / AETR_DAILY_DRIVING_H
    assert road.lead_days >= driving_days
    assert any("daily rest stops" in a for a in d.assumptions)


def test_trucks_take_the_route_that_arrives_first_not_the_one_that_moves_least() -> None:
    """Upper Lars' truck queue (46 h) is longer than the detour round by Azerbaijan drives.

    The detour has fewer hours on the move and at borders, but its many driving days add
    nights of rest (AETR); over Upper Lars the queue is one long stop. A logistician asks
    which load arrives first, so the freight route is the one with fewer elapsed hours.
    """

    def best(closed: list[str]) -> routing.Route:
        scen = make_scenario(
            origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"], k=1,
            traffic="freight", closed_nodes=closed,
        )  # fmt: skip
        route = routing.plan(scen, explain=False).pairs[0].best
        assert route is not None
        return route

    lars, detour = best([]), best(["x-upper-lars"])
    assert "x-upper-lars" in lars.via and "x-upper-lars" not in detour.via
    assert detour.hours < lars.hours  # the detour moves and waits less...
    assert lars.transit_hours < detour.transit_hours  # ...but arrives later
    # the detour's extra days are AETR rest: at most nine hours of driving a day
    moving = _moving_hours(detour)
    nights = math.ceil(moving / AETR_DAILY_DRIVING_H) - 1
    assert detour.transit_hours - detour.hours <= nights * (24 - AETR_DAILY_DRIVING_H) + 1e-6
    assert detour.transit_hours > detour.hours


def test_passenger_routes_still_minimise_moving_hours() -> None:
    """Cars have no rest rule: their best route is the one of fewest hours on the move."""
    scen = make_scenario(
        origins=["vladikavkaz"], destinations=["yerevan"], modes=["road"], k=3,
        traffic="passenger",
    )  # fmt: skip
    routes = routing.plan(scen, explain=False).pairs[0].routes
    assert all(r.transit_hours == r.hours for r in routes)
    assert [r.hours for r in routes] == sorted(r.hours for r in routes)
