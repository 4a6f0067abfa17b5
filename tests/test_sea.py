"""Sea lanes against the land polygons and the 12 nm territorial seas (independent zones).

Every sea and ferry lane of ``sea_links.geojson`` is sampled along geodesics every <= 2 km
(pyproj) and checked with plain point-in-polygon tests against ``load_borders()`` (land) and
``load_territorial_seas()`` (belts split by median lines): not against the network's own
annotation, which is what is being checked.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from pyproj import Geod

import corridor
from corridor import _netbuild, network, routing
from corridor.scenario import Stance, load_scenario

GEOD = Geod(ellps="WGS84")
DATA = Path(__file__).resolve().parent.parent / "src" / "corridor" / "data" / "network"
STEP_KM = 2.0
PORT_SLACK_KM = 0.5
# River ports reached through channels that Natural Earth 10m land polygons do not resolve: the
# Volga-Caspian ship canal through the Volga delta (Astrakhan, Olya) and the Don mouth (Rostov).
RIVER_APPROACHES = {
    "port-astrakhan": shapely.box(47.3, 45.3, 48.4, 46.45),
    "port-olya": shapely.box(47.3, 45.3, 48.4, 46.45),
    "port-rostov": shapely.box(39.2, 47.0, 39.8, 47.3),
}


def _samples(coords: list[list[float]]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Points along each segment's geodesic, at most STEP_KM apart, vertices included."""
    xs: list[float] = []
    ys: list[float] = []
    for (x1, y1), (x2, y2) in zip(coords, coords[1:], strict=False):
        line = corridor.geo.geodesic_line(x1, y1, x2, y2, step_km=STEP_KM)
        pts = list(line.coords)[:-1]
        xs += [p[0] for p in pts]
        ys += [p[1] for p in pts]
    xs.append(coords[-1][0])
    ys.append(coords[-1][1])
    return np.asarray(xs), np.asarray(ys)


@pytest.fixture(scope="module")
def links() -> list[dict[str, Any]]:
    features = json.loads((DATA / "sea_links.geojson").read_text(encoding="utf-8"))["features"]
    out = []
    for f in features:
        if f["properties"]["mode"] in ("sea", "ferry"):
            xs, ys = _samples(f["geometry"]["coordinates"])
            out.append({**f["properties"], "xs": xs, "ys": ys})
    return out


@pytest.fixture(scope="module")
def ports() -> dict[str, dict[str, Any]]:
    with (DATA / "ports.csv").open(encoding="utf-8") as fh:
        rows = {r["id"]: dict(r) for r in csv.DictReader(fh)}
    seas = shapely.union_all(corridor.load_sea_zones().geometry.values)
    for r in rows.values():
        lon, lat = float(r["lon"]), float(r["lat"])
        near = shapely.shortest_line(shapely.Point(lon, lat), seas).coords[1]
        r["lon"], r["lat"] = lon, lat
        r["inland_km"] = float(corridor.geo.distance_km(lon, lat, near[0], near[1]))
    return rows


@pytest.fixture(scope="module")
def land() -> dict[str, shapely.Geometry]:
    geoms = dict(corridor.load_borders().geometry.items())
    for g in geoms.values():
        shapely.prepare(g)
    return geoms


@pytest.fixture(scope="module")
def belts() -> dict[str, shapely.Geometry]:
    geoms = dict(corridor.load_territorial_seas("open").geometry.items())
    for g in geoms.values():
        shapely.prepare(g)
    return geoms


@pytest.fixture(scope="module")
def net() -> network.TransitNetwork:
    return network.load_network()


def _entered(
    zones: dict[str, shapely.Geometry], xs: NDArray[np.float64], ys: NDArray[np.float64]
) -> set[str]:
    return {iso for iso, g in zones.items() if shapely.contains_xy(g, xs, ys).any()}


def test_every_sea_and_ferry_lane_is_sampled(links: list[dict[str, Any]]) -> None:
    assert len(links) >= 100
    for link in links:
        step = corridor.geo.distance_km(
            link["xs"][:-1], link["ys"][:-1], link["xs"][1:], link["ys"][1:]
        )
        assert step.max() <= STEP_KM + 1e-6, link["id"]


def test_no_lane_crosses_land_away_from_its_ports(
    links: list[dict[str, Any]],
    ports: dict[str, dict[str, Any]],
    land: dict[str, shapely.Geometry],
) -> None:
    union = shapely.union_all(list(land.values()))
    shapely.prepare(union)
    bad = []
    for link in links:
        xs, ys = link["xs"], link["ys"]
        on_land = shapely.contains_xy(union, xs, ys)
        allowed = np.zeros(len(xs), dtype=bool)
        for pid in (link["from"], link["to"]):
            p = ports[pid]
            # a port point sits inside the coastline: its own approach, plus 0.5 km, may be land
            reach = p["inland_km"] + PORT_SLACK_KM
            allowed |= corridor.geo.distance_km(p["lon"], p["lat"], xs, ys) <= reach
            if pid in RIVER_APPROACHES:
                allowed |= shapely.contains_xy(RIVER_APPROACHES[pid], xs, ys)
        hits = on_land & ~allowed
        if hits.any():
            i = int(np.argmax(hits))
            bad.append((link["id"], int(hits.sum()), round(xs[i], 3), round(ys[i], 3)))
    assert bad == []


def test_tags_hold_every_territorial_sea_and_land_entered(
    links: list[dict[str, Any]],
    ports: dict[str, dict[str, Any]],
    land: dict[str, shapely.Geometry],
    belts: dict[str, shapely.Geometry],
    net: network.TransitNetwork,
) -> None:
    missing = {}
    for link in links:
        own = {ports[link["from"]]["country"], ports[link["to"]]["country"]}
        entered = _entered(belts, link["xs"], link["ys"]) | _entered(land, link["xs"], link["ys"])
        gap = (entered - own) - set(net.edges.loc[link["id"], "countries"])
        if gap:
            missing[link["id"]] = sorted(gap)
    assert missing == {}


def test_tagged_states_are_in_the_edge_mask(
    links: list[dict[str, Any]], net: network.TransitNetwork
) -> None:
    for link in links:
        tags = frozenset(net.edges.loc[link["id"], "countries"])
        k = net.edges.index.get_loc(link["id"])
        assert int(net.edge_mask[k]) & net.country_mask(tags) == net.country_mask(tags)


def test_no_caspian_lane_between_other_states_enters_azerbaijan_waters(
    links: list[dict[str, Any]],
    ports: dict[str, dict[str, Any]],
    land: dict[str, shapely.Geometry],
    belts: dict[str, shapely.Geometry],
) -> None:
    aze = {"AZE": belts["AZE"], "AZE-land": land["AZE"]}
    pairs = 0
    through = []
    for link in links:
        a, b = ports[link["from"]], ports[link["to"]]
        if a["basin"] != "caspian" or "AZE" in (a["country"], b["country"]):
            continue
        pairs += 1
        if _entered(aze, link["xs"], link["ys"]):
            through.append(link["id"])
    assert pairs >= 30
    assert through == []


def test_lanes_that_cannot_avoid_a_third_state_are_tagged_with_it(
    net: network.TransitNetwork,
) -> None:
    # Rostov on the Sea of Azov reaches the Black Sea only through the Kerch Strait, whose
    # Crimean side is Ukraine in the Natural Earth polygons; Mersin is reached through the
    # Aegean past Greek islands (12 nm belts assumed everywhere).
    assert "UKR" in net.edges.loc["s-poti-rostov", "countries"]
    assert "GRC" in net.edges.loc["s-novorossiysk-mersin", "countries"]


def test_qa_case_makhachkala_astara_keeps_out_of_baku_bay(
    links: list[dict[str, Any]], net: network.TransitNetwork
) -> None:
    # QA found this lane rounding Absheron through Baku bay; the point is in AZE waters.
    assert corridor.airspace_at(49.93, 40.21) == "AZE"
    link = next(x for x in links if x["id"] == "s-makhachkala-astara-ir")
    closest = corridor.geo.distance_km(49.93, 40.21, link["xs"], link["ys"]).min()
    assert closest > 50.0
    assert set(net.edges.loc["s-makhachkala-astara-ir", "countries"]) == {"RUS", "IRN"}
    k = net.edges.index.get_loc("s-makhachkala-astara-ir")
    assert int(net.edge_mask[k]) & net.country_mask(frozenset({"AZE"})) == 0
    # Still a sea route: geodesic Makhachkala-Astara is a lower bound on the lane.
    direct = float(corridor.geo.distance_km(47.5, 42.983333, 48.871944, 38.429167))
    assert direct < net.edges.loc["s-makhachkala-astara-ir", "km"] < 1.6 * direct


def test_the_old_baku_bay_geometry_would_be_tagged_azerbaijan() -> None:
    # The lane as QA found it (sea_links.geojson before the fix): the tagging must catch it.
    old = shapely.LineString([
        (47.5, 42.983333), (47.596893, 42.966472), (48.310357, 43.030088),
        (50.850349, 40.296735), (49.932861, 40.212441), (49.880171, 39.902091),
        (49.616923, 38.351548), (48.871944, 38.429167),
    ])  # fmt: skip
    lines = np.asarray([old], dtype=object)
    tags = _netbuild._sea_states(lines, shapely.segmentize(lines, 0.01))
    assert tags[0][0] == "RUS" and tags[0][-1] == "IRN"
    assert "AZE" in tags[0]


def test_armenia_2020_sea_legs_stay_out_of_azerbaijan_waters(
    land: dict[str, shapely.Geometry], belts: dict[str, shapely.Geometry]
) -> None:
    scen = load_scenario("armenia-2020")
    assert scen.stance("AZE", "sea") == Stance.HOSTILE
    result = routing.plan(scen)
    legs = [leg for r in result.routes for leg in r.legs if leg.mode in ("sea", "ferry")]
    assert legs, "the 2020 plan is expected to use the Caspian (Russia -> Iran by sea)"
    aze = {"AZE": belts["AZE"], "AZE-land": land["AZE"]}
    for leg in legs:
        xs, ys = _samples([list(c) for c in leg.geometry.coords])
        assert not _entered(aze, xs, ys), (leg.orig, leg.dest)


def test_published_port_positions_are_the_ports_points() -> None:
    """Each ``port_positions.csv`` row (a published position replacing searoute's point) is in
    ``ports.csv``, at its point, with its source; ``scripts/build_sea.py`` writes them."""
    with (DATA / "port_positions.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["id", "lat", "lon", "source", "notes"]
        moved = list(reader)
    with (DATA / "ports.csv").open(encoding="utf-8", newline="") as fh:
        ports = {r["id"]: r for r in csv.DictReader(fh)}
    for row in moved:
        port = ports[row["id"]]
        assert row["source"].strip() and row["source"] in port["source"], row["id"]
        assert float(port["lat"]) == pytest.approx(float(row["lat"]), abs=1e-6), row["id"]
        assert float(port["lon"]) == pytest.approx(float(row["lon"]), abs=1e-6), row["id"]
        assert "position replaced" in port["notes"], row["id"]
