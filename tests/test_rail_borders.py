"""Railway lines that really cross a border are modelled as crossing it (issue 11 item 4).

The facts checked here come from outside the network data: the ESR register of railway
stations (osm.sbin.ru/esr, copy in the public repository MichaelODeli/railway_materials,
``stations_parcer/RU_stations_new.csv``) lists the stations of each line with their region
and OpenStreetMap coordinates, and the Natural Earth border says which country a point is in.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from corridor import borders, network, routing
from corridor.scenario import make_scenario

#: Stations of the Kartaly-Troitsk line that the ESR register lists in Kazakhstan (lat, lon).
KARTALY_TROITSK_KAZ_STATIONS = {
    "Ulkun": (53.60512, 61.15438),
    "Isyan": (53.66185, 61.20940),
    "Boskol": (53.72493, 61.25888),
    "Magnay": (53.88837, 61.40554),
    "Emankino": (53.95084, 61.47922),
}
#: Kartaly-1 and Troitsk stations (ESR register), and the line's length from its km posts: the
#: halts "94 km" ... "127 km" put Kartaly-1 at about km 131 of a count whose origin is Troitsk
#: or the Zolotaya Sopka junction 8 km south of it, so the line is 131-139 km long.
KARTALY_TROITSK_KM = (131.0, 139.0)


@pytest.fixture(scope="module")
def net() -> network.TransitNetwork:
    return network.load_network()


def _best(
    net: network.TransitNetwork, origin: str, destination: str, **kw: object
) -> routing.Route | None:
    scen = make_scenario(
        origins=[origin], destinations=[destination], modes=["rail"], objective="km", **kw
    )
    return routing.plan(scen, network=net, explain=False).pairs[0].best


def test_the_register_stations_are_in_kazakhstan() -> None:
    # the premise, checked on the project's own border data, not on the network
    kaz = borders.load_borders().loc["KAZ"].geometry
    for name, (lat, lon) in KARTALY_TROITSK_KAZ_STATIONS.items():
        assert kaz.contains(Point(lon, lat)), name


def test_kartaly_troitsk_by_rail_runs_through_kazakhstan(net: network.TransitNetwork) -> None:
    best = _best(net, "kartaly", "troitsk")
    assert best is not None
    assert "KAZ" in best.countries, best.countries
    low, high = KARTALY_TROITSK_KM
    assert 0.95 * low <= best.km <= 1.05 * high, best.km
    edges = [e for leg in best.legs for e in leg.edges]
    crossings = [
        n
        for n in set(net.edges.loc[edges, "u"]) | set(net.edges.loc[edges, "v"])
        if net.nodes.at[n, "kind"] == "crossing"
    ]
    assert len(crossings) == 2, crossings


def test_closing_kazakhstan_closes_the_kartaly_troitsk_line(net: network.TransitNetwork) -> None:
    # The real line transits Kazakhstan: with Kazakhstan hostile a rail trip Kartaly-Troitsk
    # must go round by other Russian lines (far longer) or not at all, never straight.
    best = _best(net, "kartaly", "troitsk", stances={"KAZ": "hostile"})
    if best is not None:
        assert "KAZ" not in best.countries, best.countries
        assert best.km > 2 * KARTALY_TROITSK_KM[1], best.km


def test_kizlyar_line_branches_at_chervlyonnaya_uzlovaya(net: network.TransitNetwork) -> None:
    # Chervlyonnaya-Uzlovaya ("junction") is where the Kizlyar-Astrakhan line leaves the
    # Mozdok-Gudermes line (its name; the Prokhladnaya station infobox gives the distance to it,
    # 166 km, as the end of the Mozdok line section): a Mozdok-Kizlyar train does not reach
    # Gudermes, 16 km further east.
    best = _best(net, "prokhladny", "kizlyar")
    assert best is not None
    edges = [e for leg in best.legs for e in leg.edges]
    touched = set(net.edges.loc[edges, "u"]) | set(net.edges.loc[edges, "v"])
    assert "chervlyonnaya-uzlovaya" in touched
    assert "gudermes" not in touched
