"""Plans as GeoDataFrames, rich display, GIS files (GeoJSON, GeoPackage, GeoParquet), GraphML."""

from __future__ import annotations

import json
from pathlib import Path

import click
import geopandas as gpd
import networkx as nx
import osmnx as ox
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod
from rfc7946 import assert_valid

from corridor import export, network
from corridor._errors import CorridorError
from corridor.cli import cli
from corridor.routing import Leg, PairPlan, Plan, Route, plan
from corridor.scenario import load_scenario, make_scenario

WGS84 = Geod(ellps="WGS84")
LEG_COLUMNS = [
    "pair", "origin", "destination", "rank", "leg", "mode", "from", "to",
    "km", "hours", "rest_hours", "countries", "via", "conditional", "geometry",
]  # fmt: skip
ROUTE_COLUMNS = [
    "pair", "origin", "destination", "rank", "km", "hours", "transit_hours", "modes",
    "countries", "via", "conditional", "legs", "geometry",
]  # fmt: skip


@pytest.fixture(scope="module")
def plan_2020() -> Plan:
    return plan(load_scenario("armenia-2020"))


@pytest.fixture(scope="module")
def plan_isolated() -> Plan:
    return plan(load_scenario("armenia-isolated"))


def _synthetic() -> Plan:
    road = Leg(
        "road", "a", "b", 120.5, 2.0, ("RUS", "GEO"), ("x-1",),
        shapely.LineString([(44.6, 43.0), (44.6, 42.5)]), ("GEO",),
    )  # fmt: skip
    switch = Leg(
        "transfer", "b", "b", 0.0, 6.0, ("GEO",), ("b",),
        shapely.LineString([(44.6, 42.5), (44.6, 42.5)]),
    )  # fmt: skip
    rail = Leg(
        "rail", "b", "c", 80.25, 1.5, ("GEO", "ARM"), (),
        shapely.LineString([(44.6, 42.5), (44.5, 40.2)]),
    )  # fmt: skip
    route = Route("a", "c", (road, switch, rail), rank=1)
    return Plan(make_scenario(name="<b>synthetic</b>"), (PairPlan("a", "c", (route,)),))


# --------------------------------------------------------------------------- frames


def test_to_gdf_one_row_per_leg(plan_2020: Plan) -> None:
    gdf = plan_2020.to_gdf()
    assert isinstance(gdf, gpd.GeoDataFrame) and gdf.crs == "EPSG:4326"
    assert list(gdf.columns) == LEG_COLUMNS
    legs = [(r, i, leg) for r in plan_2020.routes for i, leg in enumerate(r.legs)]
    assert len(gdf) == len(legs) > 0
    for (route, i, leg), row in zip(legs, gdf.itertuples(index=False), strict=True):
        assert (row.origin, row.destination, row.rank, row.leg) == (
            route.origin, route.destination, route.rank, i,
        )  # fmt: skip
        assert (row.mode, row.to) == (leg.mode, leg.dest)  # "from" is a keyword: below
        assert row.km == leg.km and row.countries == ";".join(leg.countries)
        if leg.km == 0 and leg.mode == "transfer":
            assert row.geometry.geom_type == "Point"
        else:
            assert row.geometry.geom_type == "LineString"
    assert list(gdf["from"]) == [leg.orig for _, _, leg in legs]
    assert (gdf.geom_type == "Point").any()  # armenia-2020 has mode changes in place
    per_route = gdf.groupby(["pair", "rank"])["km"].sum()
    for route in plan_2020.routes:
        assert per_route[(f"{route.origin} -> {route.destination}", route.rank)] == pytest.approx(
            route.km
        )


def test_air_leg_geometry_matches_its_geodesic_length(plan_2020: Plan) -> None:
    """Independent check: the leg geometry is the path whose length the leg reports."""
    gdf = plan_2020.to_gdf()
    air = gdf[gdf["mode"] == "air"]
    assert len(air) > 0
    for row in air.itertuples():
        geodesic_km = WGS84.geometry_length(row.geometry) / 1000
        assert geodesic_km == pytest.approx(row.km, rel=0.01)


def test_routes_frame_one_row_per_route(plan_2020: Plan) -> None:
    frame = plan_2020.routes_frame()
    assert isinstance(frame, gpd.GeoDataFrame) and frame.crs == "EPSG:4326"
    assert list(frame.columns) == ROUTE_COLUMNS
    assert len(frame) == len(plan_2020.routes)
    for route, row in zip(plan_2020.routes, frame.itertuples(index=False), strict=True):
        assert row.km == pytest.approx(route.km) and row.legs == len(route.legs)
        assert row.modes == "+".join(route.modes).replace("+", ";")
        assert row.geometry.geom_type == "MultiLineString"
    assert frame.dtypes["rank"].kind == "i" and frame.dtypes["km"].kind == "f"


def test_empty_plan_frames_have_the_columns(plan_isolated: Plan) -> None:
    assert not plan_isolated.routes
    frames = ((plan_isolated.to_gdf(), LEG_COLUMNS), (plan_isolated.routes_frame(), ROUTE_COLUMNS))
    for frame, cols in frames:
        assert list(frame.columns) == cols and len(frame) == 0 and frame.crs == "EPSG:4326"


def test_repr_is_short_and_html_is_escaped(plan_isolated: Plan) -> None:
    syn = _synthetic()
    assert repr(syn) == "<Plan '<b>synthetic</b>': 1 of 1 pairs have a route, 1 routes>"
    assert len(repr(plan_isolated)) < 120
    html = syn._repr_html_()
    assert "<b>synthetic</b>" not in html and "&lt;b&gt;synthetic&lt;/b&gt;" in html
    assert html.count("<tr>") == 2  # header + one route
    iso = plan_isolated._repr_html_()
    assert "0 of 3" in iso and iso.count("no route") >= 3 and "restore" in iso


# --------------------------------------------------------------------------- files


def _read(path: Path) -> gpd.GeoDataFrame:
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    return gpd.read_file(path, layer="routes") if path.suffix == ".gpkg" else gpd.read_file(path)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet"])
def test_write_routes_round_trips_through_geopandas(
    plan_2020: Plan, tmp_path: Path, suffix: str
) -> None:
    path = export.write_routes(plan_2020, tmp_path / f"routes{suffix}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temp file left
    back = _read(path)
    expected = plan_2020.routes_frame()
    assert len(back) == len(expected) and back.crs == "EPSG:4326"
    assert list(back["pair"]) == list(expected["pair"])
    assert list(back["km"]) == pytest.approx(list(expected["km"]))
    for got, want in zip(back.geometry, expected.geometry, strict=True):
        assert got.geom_type == "MultiLineString"
        assert got.hausdorff_distance(want) < 1e-4
    if suffix == ".gpkg":
        layers = gpd.list_layers(path)
        assert list(layers["name"]) == ["routes", "legs"]
        legs = gpd.read_file(path, layer="legs")
        assert len(legs) == len(plan_2020.to_gdf())
        assert set(legs.geom_type) == {"LineString", "Point"}


def test_write_routes_geojson_is_rfc7946(plan_2020: Plan, tmp_path: Path) -> None:
    for legs in (False, True):
        path = export.write_routes(plan_2020, tmp_path / f"r{legs}.geojson", legs=legs)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert_valid(data)
        assert len(data["features"]) == len(plan_2020.to_gdf() if legs else plan_2020.routes)


def test_write_routes_of_an_empty_plan(plan_isolated: Plan, tmp_path: Path) -> None:
    for suffix in (".geojson", ".gpkg", ".parquet"):
        path = export.write_routes(plan_isolated, tmp_path / f"none{suffix}")
        assert len(_read(path)) == 0


def test_write_routes_refuses_unknown_suffix(plan_isolated: Plan, tmp_path: Path) -> None:
    with pytest.raises(CorridorError, match=r"unknown format '\.xlsx'; use \.geojson"):
        export.write_routes(plan_isolated, tmp_path / "r.xlsx")
    assert not list(tmp_path.iterdir())


@pytest.fixture
def app() -> click.Group:
    return cli


def test_cli_route_out(app: click.Group, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.gpkg"
    args = ["route", "--from", "vladikavkaz", "--to", "yerevan", "--mode", "ground"]
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert len(gpd.read_file(out, layer="routes")) >= 1
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "r.xlsx")])
    assert bad.exit_code == 2 and "unknown format '.xlsx'" in bad.output
    assert not (tmp_path / "r.xlsx").exists()


# --------------------------------------------------------------------------- GraphML


def test_save_graphml_reads_back_in_networkx_and_osmnx(tmp_path: Path) -> None:
    net = network.load_network()
    path = network.save_graphml(net, tmp_path / "net.graphml")
    want = net.to_networkx()
    by_nx = nx.read_graphml(path)
    by_ox = ox.load_graphml(path, node_dtypes=network.GRAPHML_NODE_DTYPES)
    for G in (by_nx, by_ox):
        assert set(G.nodes) == set(want.nodes) == set(net.node_ids)
        assert sorted(G.edges(keys=True)) == sorted(want.edges(keys=True))
    assert by_ox.graph["crs"] == "EPSG:4326"
    for u, v, k, data in by_ox.edges(keys=True, data=True):
        ref = want.edges[u, v, k]
        assert data["edge_id"] == ref["id"]
        assert data["length"] == pytest.approx(ref["length"])
        assert data["countries"] == ";".join(ref["countries"])
    node = next(iter(by_ox.nodes))
    assert by_ox.nodes[node]["x"] == pytest.approx(want.nodes[node]["x"])
    assert by_nx.nodes[node]["name"] == want.nodes[node]["name"]
    # why the dtypes are documented: osmnx's defaults read ids as OSM integers
    with pytest.raises(ValueError, match="invalid literal for int"):
        ox.load_graphml(path)


def test_frames_explore_and_plot(plan_2020: Plan) -> None:
    """The frames work with geopandas' own display: folium .explore() and matplotlib .plot()."""
    import folium
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for frame in (plan_2020.to_gdf(), plan_2020.routes_frame()):
        assert isinstance(frame.explore(column="pair"), folium.Map)
        ax = frame.plot(column="pair")
        assert len(ax.collections) >= 1
        plt.close("all")
