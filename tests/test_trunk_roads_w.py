"""Trunk roads of the western theatre that the network lacked (issue 11 item 4, h-topow).

Each added road must carry the trip it exists for: the fastest road between two network
cities takes the new link, stays in the country and is no longer than a real trunk road's
detour over the straight line (pyproj geodesic between the GeoNames centres). On the data
before these roads the same trips ran 1.7-5 times the straight line (Volgograd-Rostov via
Moscow 2,071 km; Ufa-Orenburg via Samara 842 km; Hopa-Erzurum via Trabzon 460 km;
Volgograd-Mineralnye Vody via Astrakhan and Dagestan 1,389 km; Kars-Van via Erzurum
507 km; Sevan-Yeghegnadzor via Yerevan 200 km), or had no node (Elista, Stavropol).
"""

from __future__ import annotations

import pytest
from pyproj import Geod

from corridor import network, routing
from corridor.scenario import make_scenario

#: Largest route km / geodesic km of a real trunk road (named assumption): 1.25 on plains
#: and steppe (R-240 374 km over 335 km; R-260 + M4), 1.6 in mountains (Coruh gorge,
#: Sahara pass; the KGM distance Artvin-Erzurum 195 km is 1.5 times the straight line).
PLAIN, MOUNTAIN = 1.25, 1.6
#: Two trunk roads meeting at an angle (Volgograd - Elista - Stavropol - Mineralnye Vody:
#: R22 branch, R216, R217; named assumption): at most 1.5 times the straight line.
CORNER = 1.5

#: (origin, destination, link the trip must take, country, detour bound, road)
TRIPS = [
    ("volgograd", "rostov", "r-volgograd-kamensk-shakhtinsky", "RUS", PLAIN, "R-260 + M4"),
    ("ufa", "orenburg", "r-ufa-orenburg", "RUS", PLAIN, "R-240"),
    ("hopa", "erzurum", "r-artvin-erzurum", "TUR", MOUNTAIN, "D010 + D950"),
    ("hopa", "ardahan", "r-artvin-ardahan", "TUR", MOUNTAIN, "D010"),
    # Igdir-Van (KGM 222 km), not Kars-Van: since the Horasan fork (h-junc) the fastest Kars-Van
    # trip is a near tie (9.0 h via Horasan and Agri, 438 km, against 9.14 h by the D975, 357 km)
    ("igdir", "van", "r-dogubayazit-van", "TUR", MOUNTAIN, "D975 Tendurek pass"),
    ("sevan", "yeghegnadzor", "r-sevan-yeghegnadzor", "ARM", MOUNTAIN, "M-10 Selim pass"),
    ("astrakhan", "stavropol", "r-astrakhan-elista", "RUS", PLAIN, "R216"),
    ("volgograd", "elista", "r-volgograd-elista", "RUS", PLAIN, "R22 branch to Elista"),
    ("volgograd", "mineralnye-vody", "r-elista-stavropol", "RUS", CORNER, "R22 branch + R216"),
]


@pytest.fixture(scope="module")
def net() -> network.TransitNetwork:
    return network.load_network()


def _geodesic_km(net: network.TransitNetwork, a: str, b: str) -> float:
    pa, pb = net.nodes.at[a, "geometry"], net.nodes.at[b, "geometry"]
    return float(Geod(ellps="WGS84").inv(pa.x, pa.y, pb.x, pb.y)[2]) / 1000.0


@pytest.mark.parametrize(("origin", "destination", "link", "country", "bound", "road"), TRIPS)
def test_domestic_trip_takes_the_trunk_road(
    net: network.TransitNetwork,
    origin: str,
    destination: str,
    link: str,
    country: str,
    bound: float,
    road: str,
) -> None:
    scen = make_scenario(origins=[origin], destinations=[destination], modes=["road"])
    best = routing.plan(scen, network=net, explain=False).pairs[0].best
    assert best is not None, road
    assert set(best.countries) == {country}, (road, best.countries)
    edges = [e for leg in best.legs for e in leg.edges]
    assert link in edges, (road, edges)
    assert best.km <= bound * _geodesic_km(net, origin, destination), (road, best.km)


def test_sarpi_to_erzurum_takes_the_coruh_road(net: network.TransitNetwork) -> None:
    # cross-border: trucks from Batumi over Sarpi reach Erzurum by Artvin and the D950,
    # not round by Trabzon (460 km from Hopa) or by Vale and Kars
    scen = make_scenario(
        origins=["batumi"], destinations=["erzurum"], modes=["road"], objective="km"
    )
    best = routing.plan(scen, network=net, explain=False).pairs[0].best
    assert best is not None
    edges = [e for leg in best.legs for e in leg.edges]
    assert {"r-batumi-x-sarpi", "r-hopa-artvin", "r-artvin-erzurum"} <= set(edges), edges
    assert best.km <= MOUNTAIN * _geodesic_km(net, "batumi", "erzurum"), best.km


# --- Junctions (round 1, w; h-junc): roads that met mid-link now fork at a node ---------------

#: KGM Iller arasi mesafe cetveli 01.01.2022 (https://www.kgm.gov.tr; copy:
#: https://github.com/ahmetbarisdurak/LongestPathProblem/blob/main/ilmesafe.csv): Agri-Kars.
KGM_AGRI_KARS_KM = 214.0


def _best(net: network.TransitNetwork, origin: str, destination: str) -> routing.Route:
    scen = make_scenario(origins=[origin], destinations=[destination], modes=["road"])
    best = routing.plan(scen, network=net, explain=False).pairs[0].best
    assert best is not None, (origin, destination)
    return best


def _edges(route: routing.Route) -> list[str]:
    return [e for leg in route.legs for e in leg.edges]


def _nodes(net: network.TransitNetwork, route: routing.Route) -> set[str]:
    edges = net.edges.loc[_edges(route)]
    return set(edges["u"]) | set(edges["v"])


def test_agri_kars_forks_at_horasan(net: network.TransitNetwork) -> None:
    # D100 and D080 part at Horasan: Agri - Kars no longer runs back to Erzurum (279 km)
    best = _best(net, "agri", "kars")
    assert "horasan" in _nodes(net, best), _nodes(net, best)
    assert "erzurum" not in _nodes(net, best), _nodes(net, best)
    assert set(best.countries) == {"TUR"}, best.countries
    assert best.km <= 1.1 * KGM_AGRI_KARS_KM, best.km
    # Erzurum's roads to Kars and to Agri share one D100 row up to Horasan
    shared = set(_edges(_best(net, "erzurum", "kars"))) & set(_edges(_best(net, "erzurum", "agri")))
    assert shared == {"r-erzurum-horasan"}, shared


def _turns_at_the_fork(
    net: network.TransitNetwork, pair: tuple[str, str], fork: str, avoided: str
) -> routing.Route:
    """The route of ``pair`` passes the junction node and not the old detour's node."""
    best = _best(net, *pair)
    assert fork in _nodes(net, best), _nodes(net, best)
    assert avoided not in _nodes(net, best), _nodes(net, best)
    assert set(best.countries) == {"RUS"}, best.countries
    return best


def _shared_rows(net: network.TransitNetwork, dest: str, *origins: str) -> set[str]:
    """Rows common to the best routes from each origin to ``dest``."""
    return set.intersection(*(set(_edges(_best(net, o, dest))) for o in origins))


def test_rostov_roads_share_the_m4_from_kamensk(net: network.TransitNetwork) -> None:
    assert _shared_rows(net, "rostov", "volgograd", "voronezh") == {"r-kamensk-shakhtinsky-rostov"}
    # Voronezh - Volgograd turns onto the R-260 at the interchange instead of via Rostov
    _turns_at_the_fork(net, ("voronezh", "volgograd"), "kamensk-shakhtinsky", "rostov")


def test_stavropol_road_joins_the_r217_at_nevinnomyssk(net: network.TransitNetwork) -> None:
    shared = _shared_rows(net, "mineralnye-vody", "stavropol", "armavir-ru")
    assert shared == {"r-nevinnomyssk-mineralnye-vody"}
    # Stavropol - Armavir turns at Nevinnomyssk (was 350 km round by Mineralnye Vody)
    pair = ("stavropol", "armavir-ru")
    best = _turns_at_the_fork(net, pair, "nevinnomyssk", "mineralnye-vody")
    corner = _geodesic_km(net, "stavropol", "nevinnomyssk") + _geodesic_km(
        net, "nevinnomyssk", "armavir-ru"
    )
    assert best.km <= CORNER * corner, best.km
