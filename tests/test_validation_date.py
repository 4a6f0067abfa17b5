"""The validation routes on a dated scenario: the Lachin road's era comes from its history."""

from __future__ import annotations

import datetime as dt

import pytest

from corridor import _validation, network, routing
from corridor._ground import parse_day
from corridor.routing._state import statuses
from corridor.scenario import make_scenario

LACHIN, CONTACT_LINE = "r-goris-stepanakert", "r-stepanakert-barda"


def _status(net: network.TransitNetwork, date: str | None, element: str) -> str:
    scen = make_scenario(origins=["yerevan"], destinations=["stepanakert"], date=date)
    edge_status, _ = statuses(net, scen)
    return str(edge_status[list(net.cols.edge_ids).index(element)])


def test_the_validation_date_predates_the_closures_it_must_avoid() -> None:
    day = parse_day(_validation.VALIDATION_DATE)
    assert day < dt.date(2018, 5, 1)  # Temir Baba passenger restriction (turkmen.news)
    assert day < dt.date(2020, 3, 24)  # Azerbaijan's land borders closed to passengers
    assert dt.date(1994, 5, 12) <= day < dt.date(2022, 12, 12)  # Lachin road open


def test_the_dated_scenario_opens_lachin_and_closes_the_line_of_contact() -> None:
    net = network.load_network()
    then = _validation.VALIDATION_DATE
    assert (_status(net, then, LACHIN), _status(net, then, CONTACT_LINE)) == ("open", "closed")
    assert (_status(net, None, LACHIN), _status(net, None, CONTACT_LINE)) == ("closed", "open")
    # Yerevan-Stepanakert: through Goris and the Lachin road on that day, not through Barda
    scen = make_scenario(
        origins=["yerevan"],
        destinations=["stepanakert"],
        modes=["road"],
        k=1,
        date=then,
        traffic="passenger",
    )
    best = routing.plan(scen, network=net, explain=False).pairs[0].best
    assert best is not None
    edges = {e for leg in best.legs for e in leg.edges}
    assert LACHIN in edges and CONTACT_LINE not in edges
    (row,) = [
        r
        for r in _validation.compare("road", network=net)
        if (r.origin, r.destination) == ("yerevan", "stepanakert")
    ]
    assert row.km == pytest.approx(best.km)
