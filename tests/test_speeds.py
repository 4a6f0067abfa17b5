"""Speeds by traffic class: the look-up rule, and per-class hours reaching routing.

The expected hours are computed here from ``speeds.csv`` and ``links.csv`` read with the
csv module (not through corridor's readers), so a wrong look-up or a lost array fails.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

import corridor
from corridor import _ground, network, routing
from corridor._resources import package_data_folder
from corridor.scenario import make_scenario

NETWORK = package_data_folder() / "network"


def _speed(road_class: str, terrain: str, mode: str, traffic: str) -> _ground.Speed:
    return _ground.Speed(road_class, terrain, mode, 1.0, "assumption", "", traffic)


def _table(
    *rows: tuple[str, str, str, str, float],
    country: str = "",
) -> dict[_ground.SpeedKey, _ground.Speed]:
    out = {}
    for c, t, m, k, kmh in rows:
        out[(c, t, m, k, country)] = _ground.Speed(c, t, m, kmh, "assumption", "", k, country)
    return out


def test_a_class_row_beats_the_all_row() -> None:
    speeds = _table(
        ("trunk", "plain", "road", "all", 70.0),
        ("trunk", "plain", "road", "freight", 55.0),
    )
    freight = _ground.speed_for(speeds, "trunk", "plain", "road", "freight")
    passenger = _ground.speed_for(speeds, "trunk", "plain", "road", "passenger")
    assert freight is not None and freight.kmh == 55.0
    assert passenger is not None and passenger.kmh == 70.0  # no passenger row: the all row


def test_military_falls_back_to_freight_then_all() -> None:
    speeds = _table(
        ("trunk", "plain", "road", "all", 70.0),
        ("trunk", "plain", "road", "freight", 55.0),
        ("trunk", "hilly", "road", "all", 60.0),
        ("trunk", "steppe", "road", "military", 30.0),
        ("trunk", "steppe", "road", "freight", 66.0),
    )
    got = {
        terrain: _ground.speed_for(speeds, "trunk", terrain, "road", "military")
        for terrain in ("plain", "hilly", "steppe")
    }
    assert {k: v.kmh if v else None for k, v in got.items()} == {
        "plain": 55.0,  # freight, before all
        "hilly": 60.0,  # no freight row: all
        "steppe": 30.0,  # its own row
    }
    assert _ground.speed_for(speeds, "trunk", "urban", "road", "military") is None


def test_a_railways_own_row_beats_the_regional_row_only_in_its_country() -> None:
    speeds = {
        **_table(
            ("main", "plain", "rail", "passenger", 75.0), ("main", "plain", "rail", "all", 58.0)
        ),
        **_table(("main", "plain", "rail", "passenger", 57.0), country="RUS"),
    }

    def kmh(traffic: str, country: str) -> float | None:
        row = _ground.speed_for(speeds, "main", "plain", "rail", traffic, country)
        return row.kmh if row else None

    assert kmh("passenger", "RUS") == 57.0
    assert kmh("passenger", "KAZ") == 75.0  # another country: the regional row
    assert kmh("passenger", "") == 75.0
    # the class comes first: a regional freight-less 'all' row still serves RUS freight
    assert kmh("freight", "RUS") == 58.0
    kmh_rus, factors = _ground.speed_factors(speeds, "main", "plain", "rail", "RUS")
    assert kmh_rus == 57.0 and factors["freight"] == pytest.approx(57.0 / 58.0)


def test_a_speed_row_names_a_country_by_its_iso3_code(tmp_path: Path) -> None:
    path = tmp_path / "speeds.csv"
    head = "class,terrain,mode,traffic,kmh,basis,source,notes,country\n"
    path.write_text(head + "main,plain,rail,passenger,57,sourced,s,,RUS\n", encoding="utf-8")
    assert set(_ground.read_speeds(tmp_path)) == {("main", "plain", "rail", "passenger", "RUS")}
    for bad in ("Russia", "rus", "RU"):
        path.write_text(head + f"main,plain,rail,passenger,57,sourced,s,,{bad}\n", encoding="utf-8")
        with pytest.raises(corridor.DataError, match=r"row 2, column 'country'.*ISO3"):
            _ground.read_speeds(tmp_path)


def test_speed_factors_scale_passenger_hours() -> None:
    speeds = _table(
        ("trunk", "plain", "road", "passenger", 80.0), ("trunk", "plain", "road", "all", 40.0)
    )
    kmh, factors = _ground.speed_factors(speeds, "trunk", "plain", "road")
    assert kmh == 80.0
    assert factors == {"freight": 2.0, "passenger": 1.0, "military": 2.0}
    with pytest.raises(KeyError, match="passenger"):
        _ground.speed_factors(_table(("a", "b", "road", "freight", 50.0)), "a", "b", "road")


def test_a_link_type_without_a_speed_for_some_class_is_a_data_error(tmp_path: Path) -> None:
    folder = tmp_path / "network"
    shutil.copytree(NETWORK, folder)
    path = folder / "speeds.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # drop the freight row of trunk/steppe: no all row remains for freight (nor military)
    kept = [ln for ln in lines if not ln.startswith("trunk,steppe,road,freight,")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    with pytest.raises(corridor.DataError, match=r"links\.csv.*no freight speed"):
        network.load_network(folder)


# --------------------------------------------------------------------------- shipped data


def _csv(name: str) -> list[dict[str, str]]:
    with (NETWORK / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _file_kmh(road_class: str, terrain: str, mode: str, traffic: str, country: str = "") -> float:
    """The speed the file gives a class, by the documented rule, read without corridor.

    Per class in fallback order, a row of the link's country before the row for every country.
    """
    rows = {
        (r["class"], r["terrain"], r["mode"], r["traffic"], r.get("country") or ""): r
        for r in _csv("speeds.csv")
    }
    order = ["military", "freight", "all"] if traffic == "military" else [traffic, "all"]
    for cls in order:
        for where in (country, ""):
            if (road_class, terrain, mode, cls, where) in rows:
                return float(rows[(road_class, terrain, mode, cls, where)]["kmh"])
    raise AssertionError(f"speeds.csv has no {traffic} speed for {road_class}/{terrain}")


@pytest.fixture(scope="module")
def net() -> network.TransitNetwork:
    return network.load_network()


def _city_links() -> list[dict[str, str]]:
    """Open road links of ``links.csv`` between two cities (no border or port dwell)."""
    kinds = {r["id"]: "city" for r in _csv("nodes.csv") if r.get("kind") == "city"}
    return [
        r
        for r in _csv("links.csv")
        if r["mode"] == "road"
        and r["status"] == "open"
        and r["class"]
        and kinds.get(r["from"]) == kinds.get(r["to"]) == "city"
    ]


@pytest.mark.parametrize("traffic", ["freight", "military", "passenger"])
def test_route_hours_on_a_known_link_are_km_over_the_class_speed(
    net: network.TransitNetwork, traffic: str
) -> None:
    checked = 0
    country = {r["id"]: r["country"] for r in _csv("nodes.csv")}
    for link in _city_links()[:40]:
        scen = make_scenario(
            origins=[link["from"]], destinations=[link["to"]], modes=["road"], k=1,
            objective="hours", traffic=traffic,
        )  # fmt: skip
        best = routing.plan(scen, network=net, explain=False).pairs[0].best
        if best is None or best.km != pytest.approx(float(link["km"])) or best.via:
            continue  # the fastest route is not this one link
        kmh = _file_kmh(link["class"], link["terrain"], "road", traffic, country[link["from"]])
        assert best.hours == pytest.approx(float(link["km"]) / kmh), link["id"]
        checked += 1
    assert checked >= 5, f"only {checked} links were routed as themselves"


def test_freight_and_military_are_slower_than_passengers_on_every_classed_road(
    net: network.TransitNetwork,
) -> None:
    road = net.edge_mode == network.EDGE_MODES.index("road")
    passenger, freight, military = (
        net.hours_array(t) for t in ("passenger", "freight", "military")
    )
    np.testing.assert_array_equal(passenger, net.edge_hours)
    # a published speed limit (speed_limits.csv) may bring a road's classes to the same speed
    limited = net.edges.index.isin([r["link"] for r in _csv("speed_limits.csv")])
    assert (freight[road & ~limited] > passenger[road & ~limited]).all()
    assert (freight[road] >= passenger[road]).all()
    assert (military[road] >= freight[road]).all()
    sea = net.edge_mode == network.EDGE_MODES.index("sea")
    np.testing.assert_array_equal(freight[sea], passenger[sea])  # no speed rows: same hours


def test_a_hand_built_network_uses_its_hours_for_every_class(net: network.TransitNetwork) -> None:
    import dataclasses

    bare = dataclasses.replace(net, edge_hours_class={}, _derived={})
    for traffic in _ground.TRAFFIC_CLASSES:
        assert bare.hours_array(traffic) is bare.edge_hours


#: CAREC CPMM Annual Report 2022 (cpmm.carecprogram.org/?p=130): regional road speed
#: without delay, trucks over whole corridors, border delays excluded.
CPMM_2022_ROAD_SWOD_KMH = 42.0


def test_freight_speed_on_domestic_trunk_routes_is_near_the_cpmm_swod(
    net: network.TransitNetwork,
) -> None:
    # Domestic routes pass no border, so their hours hold no dwell: km / hours is the
    # trucks' moving speed, what SWOD measures. The CAREC average also covers slower
    # Afghan, Pakistani and Tajik corridors, so the Kazakh and Kyrgyz trunk roads may be
    # faster, up to a stated 1.35 times (GROUND_FACTS_PROVENANCE.md "Speeds by traffic class").
    km = hours = 0.0
    for o, d in (("almaty", "astana"), ("aktau", "atyrau"), ("bishkek", "osh")):
        scen = make_scenario(
            origins=[o], destinations=[d], modes=["road"], k=1, objective="hours",
            traffic="freight",
        )  # fmt: skip
        best = routing.plan(scen, network=net, explain=False).pairs[0].best
        assert best is not None and not best.via, (o, d)
        km, hours = km + best.km, hours + best.hours
    assert CPMM_2022_ROAD_SWOD_KMH <= km / hours <= 1.35 * CPMM_2022_ROAD_SWOD_KMH
