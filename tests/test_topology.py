"""Every country's cities are joined by its own roads when all other countries are closed.

A domestic trip must not need a foreign road where the country's real trunk network
joins the two cities (Almaty-Semey over the A3, not through China; Astana-Kostanay over
KAZ03, not through Russia). The only exceptions are documented here.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from corridor import network, routing
from corridor.scenario import make_scenario

#: Exclaves: parts of a country its own roads cannot reach (each must be internally joined).
EXCLAVES = {
    "AZE": frozenset({"nakhchivan", "sadarak", "julfa-az", "ordubad"}),  # Nakhchivan AR
}
#: Documented gaps (city: why). Empty: every other city is reachable.
GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def net() -> network.TransitNetwork:
    return network.load_network()


def _groups(net: network.TransitNetwork, codes: set[str]) -> dict[int, set[str]]:
    """Components of the open road network restricted to ``codes``, by city id."""
    road = net.edge_mode == network.EDGE_MODES.index("road")
    is_open = net.edges["status"].to_numpy() == "open"
    inside = (net.edge_mask & ~net.country_mask(codes)) == 0
    _, labels = connected_components(net.adjacency(road & is_open & inside), directed=False)
    nodes = net.nodes
    out: dict[int, set[str]] = {}
    for i, nid in enumerate(net.node_ids):
        row = nodes.loc[nid]
        if row["kind"] != "city" or "road" not in str(row["modes"]) or nid in GAPS:
            continue
        territory = str(row["territory"])
        if (territory or str(row["country"])) in codes and (not territory or territory in codes):
            out.setdefault(int(labels[i]), set()).add(str(nid))
    return out


def _countries(net: network.TransitNetwork) -> list[str]:
    cities = net.nodes[net.nodes["kind"] == "city"]
    return sorted(set(cities["country"]))


def test_every_country_is_joined_by_its_own_roads(net: network.TransitNetwork) -> None:
    broken = {}
    for code in _countries(net):
        groups = [g for g in _groups(net, {code}).values()]
        expected = 1 + (code in EXCLAVES)
        if len(groups) != expected:
            broken[code] = sorted(sorted(g) for g in groups)
        elif code in EXCLAVES:
            assert EXCLAVES[code] in [frozenset(g) for g in groups], code
    assert not broken


@pytest.mark.parametrize("territory", sorted(network.TERRITORIES))
def test_de_facto_territories_are_joined_inside(
    net: network.TransitNetwork, territory: str
) -> None:
    groups = [g for g in _groups(net, {territory, "GEO"}).values() if g]
    inside = [g for g in groups if all(net.nodes.at[c, "territory"] == territory for c in g)]
    assert len(inside) == 1, inside


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("almaty", "semey"),
        ("almaty", "oskemen"),
        ("taldykorgan", "oskemen"),
        ("almaty", "shymkent"),
        ("aktobe", "almaty"),
        ("kyzylorda", "almaty"),
        ("taraz", "almaty"),
        ("astana", "kostanay"),
    ],
)
def test_kazakh_trips_of_the_issue_stay_in_kazakhstan(
    net: network.TransitNetwork, origin: str, destination: str
) -> None:
    # every country permissive: the fastest road still stays at home
    scen = make_scenario(origins=[origin], destinations=[destination], modes=["road"])
    best = routing.plan(scen, network=net, explain=False).pairs[0].best
    assert best is not None
    assert set(best.countries) == {"KAZ"}, best.countries


def test_closing_a_neighbour_does_not_cut_kazakhstan(net: network.TransitNetwork) -> None:
    for closed in ("CHN", "KGZ", "RUS"):
        scen = make_scenario(
            origins=["almaty"],
            destinations=["oskemen", "shymkent", "kostanay", "aktobe"],
            modes=["road"],
            stances={closed: "hostile"},
        )
        pairs = routing.plan(scen, network=net, explain=False).pairs
        assert all(p.best is not None for p in pairs), closed
        assert np.all([closed not in p.best.countries for p in pairs if p.best])
