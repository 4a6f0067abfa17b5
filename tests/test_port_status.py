"""Dated port statuses: the old Baku port closed when its cargo terminal moved to Alat.

The facts come from the port operator's announcement (Baku International Sea Trade Port
CJSC, 1 May 2019: the Main Cargo Terminal in the city ceases operations and all port
operations move to the new port at Alat; azernews.az/business/150043, yeniavropa.az
article 12754), recorded in ``status_history.csv``; the tests check that a scenario's
``date`` selects them and that the Caspian sea answers still reach Baku through Alat.
"""

from __future__ import annotations

import pytest

from corridor import network, routing
from corridor._ground import parse_day
from corridor.scenario import make_scenario

SEA = ["sea", "ferry", "road", "rail"]


def _best(date: str | None, origin: str, traffic: str = "freight") -> routing.Route:
    kwargs = {"date": date} if date else {}
    scen = make_scenario(
        origins=[origin],
        destinations=["baku"],
        modes=SEA,
        objective="km",
        traffic=traffic,
        **kwargs,
    )
    pair = routing.plan(scen).pairs[0]
    assert pair.best is not None, (origin, date)
    return pair.best


@pytest.mark.parametrize("traffic", ["freight", "passenger", "military"])
def test_old_baku_port_is_closed_after_the_2019_move(traffic: str) -> None:
    net = network.load_network()
    assert net.ground.status_on("port-baku", None, traffic, "open") == "closed"
    after = parse_day("2019-05-01")
    before = parse_day("2019-04-30")
    assert net.ground.status_on("port-baku", after, traffic, "open") == "closed"
    assert net.ground.status_on("port-baku", before, traffic, "open") == "open"
    # the new port at Alat has no closure
    assert net.ground.status_on("port-alat", after, traffic, "open") == "open"


@pytest.mark.parametrize("origin", ["port-aktau", "port-turkmenbashi"])
def test_caspian_sea_routes_to_baku_land_at_alat_after_the_move(origin: str) -> None:
    now = _best(None, origin)
    assert "sea" in now.modes
    assert "port-baku" not in now.via
    assert "port-alat" in now.via
    dated = _best("2024-06-01", origin)
    assert "port-baku" not in dated.via


@pytest.mark.parametrize("origin", ["port-aktau", "port-turkmenbashi"])
def test_before_the_move_the_shorter_sea_leg_to_the_city_port_is_used(origin: str) -> None:
    old = _best("2018-06-01", origin)
    new = _best("2024-06-01", origin)
    assert "port-baku" in old.via
    # Alat lies about 65 km south of the city: the landing there adds distance
    assert new.km > old.km
