"""Central Asian trunk roads added in "Trunk roads (round 1, e)" (issue 11 item 4).

Each test routes a trip that must use one of the added roads and compares it with an
independent fact: the straight-line (pyproj WGS84) distance between the two towns, or a
published length of the road. Every test failed on the network before the roads were added.
"""

from __future__ import annotations

import pytest
from pyproj import Geod

from corridor import network, routing
from corridor.routing import Route
from corridor.scenario import make_scenario

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def net() -> network.TransitNetwork:
    return network.load_network()


def _best(net: network.TransitNetwork, origin: str, destination: str) -> Route:
    scen = make_scenario(origins=[origin], destinations=[destination], modes=["road"])
    best = routing.plan(scen, network=net, explain=False).pairs[0].best
    assert best is not None, (origin, destination)
    return best


def _touched(net: network.TransitNetwork, route: Route) -> set[str]:
    edges = [e for leg in route.legs for e in leg.edges]
    return set(net.edges.loc[edges, "u"]) | set(net.edges.loc[edges, "v"])


def _straight_km(net: network.TransitNetwork, a: str, b: str) -> float:
    pa, pb = net.nodes.loc[a, "geometry"], net.nodes.loc[b, "geometry"]
    return float(GEOD.inv(pa.x, pa.y, pb.x, pb.y)[2]) / 1000.0


def test_dushanbe_to_the_uzbek_border_stays_on_the_tursunzoda_bypass(
    net: network.TransitNetwork,
) -> None:
    # The E60/RB01 bypasses Tursunzoda town; the rebuilt road is 61.5 km from the Avicenna
    # monument in Dushanbe to the Uzbek border (Asia-Plus 2011, Khovar 2015). Before, the route
    # ran into the town centre and back out (69.1 km).
    best = _best(net, "dushanbe", "denov")
    assert set(best.countries) == {"TJK", "UZB"}, best.countries
    assert "tursunzoda" not in _touched(net, best)
    border = _best(net, "dushanbe", "x-tursunzoda-sariosiyo")
    assert border.km == pytest.approx(61.5, rel=0.10)


#: (origin, destination, node the route must pass, highest route km / straight km)
A380_TRIPS = [
    ("qarshi", "bukhara", "qarshi", 1.25),  # A380 Qarshi - Kasan - Muborak - Kogon - Bukhara
    ("termez", "bukhara", "qarshi", 1.25),  # M39 to Guzar, then the A380 (not via Samarkand)
    ("qarshi", "termez", "guzar", 1.25),  # A380 Qarshi - Guzar, then the M39
]


@pytest.mark.parametrize(("origin", "destination", "node", "ratio"), A380_TRIPS)
def test_a380_carries_the_southern_uzbek_trips(
    net: network.TransitNetwork, origin: str, destination: str, node: str, ratio: float
) -> None:
    best = _best(net, origin, destination)
    assert set(best.countries) == {"UZB"}, best.countries
    assert node in _touched(net, best)
    assert best.km <= ratio * _straight_km(net, origin, destination)


def test_e121_carries_ashgabat_to_etrek(net: network.TransitNetwork) -> None:
    # E121 Serdar - Gyzylbayyr - Chat - Etrek (tkm.e121.wpt); before, the route went round by
    # Bereket and Balkanabat (628 km against 320 km straight)
    best = _best(net, "ashgabat", "etrek")
    assert set(best.countries) == {"TKM"}, best.countries
    assert "serdar" in _touched(net, best)
    assert "balkanabat" not in _touched(net, best)
    assert best.km <= 1.45 * _straight_km(net, "ashgabat", "etrek")
