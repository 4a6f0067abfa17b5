"""OSM road graphs: loading, speeds, geodesic lengths, routing on arrays, closures, refinement.

Offline: a synthetic mountain-pass extract (``tests/data/osm/pass.osm``, written by
``make_pass_osm.py`` next to it) and two small real OSM extracts (see
``tests/data/osm/PROVENANCE.md``). Expected lengths are computed independently
from the raw XML with :class:`pyproj.Geod`, not with corridor's helpers.
"""

from __future__ import annotations

import os
import shutil
import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import click
import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod

from corridor import osm, settings
from corridor._cache import CacheWarning
from corridor._errors import (
    CorridorError,
    DataError,
    NoRouteError,
    RegionError,
    UnknownPlaceError,
)

DATA = Path(__file__).parent / "data" / "osm"
PASS = DATA / "pass.osm"
OAKLAND = DATA / "West-Oakland.osm.bz2"
PBF = DATA / "pyrosm-test.osm.pbf"
WGS84 = Geod(ellps="WGS84")

NORTH = (44.6400, 42.8000)  # node 1, town in the north
SOUTH = (44.6400, 42.6300)  # node 2, town in the south
PASS_NODE, CROSSING_NODE = 10, 20
DETOUR_WAY, MOUNTAIN_WAY = 2001, 1003


# ---------------------------------------------------------------- independent expectations


def _fixture() -> tuple[dict[int, tuple[float, float]], dict[int, list[int]]]:
    root = ET.parse(PASS).getroot()
    nodes = {
        int(n.get("id", "")): (float(n.get("lon", "")), float(n.get("lat", "")))
        for n in root.iter("node")
    }
    ways = {
        int(w.get("id", "")): [int(nd.get("ref", "")) for nd in w.iter("nd")]
        for w in root.iter("way")
    }
    return nodes, ways


def _geodesic_m(refs: list[int]) -> float:
    nodes, _ = _fixture()
    lon, lat = zip(*(nodes[r] for r in refs), strict=True)
    return float(WGS84.line_length(lon, lat))


def _way_piece(way: int, a: int, b: int) -> list[int]:
    refs = _fixture()[1][way]
    i, j = refs.index(a), refs.index(b)
    return refs[i : j + 1] if i <= j else refs[j : i + 1][::-1]


# pieces of the fixture's ways that the expected routes use, with their speeds (km/h)
VIA_PASS = [(1001, 1, 5, 70), (1003, 5, 15, 40), (1002, 15, 2, 70)]
VIA_DETOUR = [(1001, 1, 5, 70), (2001, 5, 15, 50), (1002, 15, 2, 70)]


def _expected(pieces: list[tuple[int, int, int, int]]) -> tuple[float, float]:
    metres = [_geodesic_m(_way_piece(w, a, b)) for w, a, b, _ in pieces]
    hours = sum(m / 1000 / kph for m, (*_, kph) in zip(metres, pieces, strict=True))
    return sum(metres) / 1000, hours


@pytest.fixture(scope="module")
def roads() -> osm.RoadGraph:
    return osm.load_roads(PASS)


# ---------------------------------------------------------------- loading


def test_load_pass_extract_keeps_junctions_and_tagged_nodes(roads: osm.RoadGraph) -> None:
    # junctions 5 and 15, dead ends 1 and 2, and the tagged pass and border post
    assert sorted(roads.node_ids.tolist()) == [1, 2, 5, 10, 15, 20]
    assert roads.n_edges == 12  # six two-way road pieces
    assert dict(roads.node_names) == {10: "Test Pass", 20: "Test Crossing"}
    G = roads.G
    assert G.graph["crs"] == "epsg:4326"
    assert G.nodes[CROSSING_NODE]["barrier"] == "border_control"
    assert G.nodes[PASS_NODE]["mountain_pass"] == "yes"
    assert G.nodes[PASS_NODE]["name"] == "Test Pass"
    highways = {d["highway"] for *_, d in G.edges(data=True)}
    assert highways == {"trunk", "secondary"}  # the footway and the building are gone


def test_load_restores_osmnx_settings() -> None:
    before = (list(ox.settings.useful_tags_node), ox.settings.log_console)
    osm.load_roads(PASS)
    assert (list(ox.settings.useful_tags_node), ox.settings.log_console) == before


def test_speeds_from_table_and_maxspeed(roads: osm.RoadGraph) -> None:
    by_way = {}
    for _, _, d in roads.G.edges(data=True):
        by_way[d["osmid"]] = d["speed_kph"]
        assert d["travel_time"] == pytest.approx(d["length"] / 1000 / d["speed_kph"] * 3600)
    assert by_way == {
        1001: osm.SPEEDS_KPH["trunk"],
        1002: osm.SPEEDS_KPH["trunk"],
        1003: 40.0,  # maxspeed=40 on the mountain section
        2001: osm.SPEEDS_KPH["secondary"],
    }
    assert osm.SPEEDS_KPH["trunk"] == 70.0


def test_speeds_override_merges_over_table() -> None:
    r = osm.load_roads(PASS, speeds={"trunk": 55})
    speeds = {d["osmid"]: d["speed_kph"] for *_, d in r.G.edges(data=True)}
    assert speeds[1001] == 55.0 and speeds[1003] == 40.0 and speeds[2001] == 50.0
    with pytest.raises(DataError, match="km/h"):
        osm.load_roads(PASS, speeds={"trunk": -5})


def test_edge_lengths_equal_pyproj_geodesic(roads: osm.RoadGraph) -> None:
    for u, v, d in roads.G.edges(data=True):
        expected = _geodesic_m(_way_piece(d["osmid"], u, v))
        assert d["length"] == pytest.approx(expected, rel=1e-9)
    # the array form carries the same numbers
    for j in range(roads.n_edges):
        u, v, k = roads.edge_uvk(j)
        assert roads.edge_length_m[j] == pytest.approx(roads.G.edges[u, v, k]["length"])


def test_snap_to_nearest_node_with_geodesic_distance(roads: osm.RoadGraph) -> None:
    idx, km = roads.snap([44.6405, 44.6330], [42.8003, 42.6910])
    assert roads.node_ids[idx].tolist() == [1, CROSSING_NODE]
    expected = WGS84.inv(44.6405, 42.8003, 44.64, 42.80)[2] / 1000
    assert km[0] == pytest.approx(expected, rel=1e-9)


# ---------------------------------------------------------------- routing and closures


def test_route_over_the_pass(roads: osm.RoadGraph) -> None:
    route = osm.shortest_path(roads, NORTH, SOUTH)
    km, hours = _expected(VIA_PASS)
    assert route.nodes == (1, 5, PASS_NODE, 15, CROSSING_NODE, 2)
    assert route.ways == (1001, 1003, 1002)
    assert route.via == ("Test Pass", "Test Crossing")
    assert route.length_km == pytest.approx(km, rel=1e-9)
    assert route.hours == pytest.approx(hours, rel=1e-9)
    xy = shapely.get_coordinates(route.geometry)
    assert tuple(xy[0]) == NORTH and tuple(xy[-1]) == SOUTH
    assert WGS84.geometry_length(route.geometry) / 1000 == pytest.approx(km, rel=1e-9)
    assert route.edges[0] == (1, 5, 0)


@pytest.mark.parametrize(("closed_nodes", "closed_ways"), [([PASS_NODE], []), ([], [MOUNTAIN_WAY])])
def test_closing_the_pass_switches_to_the_detour(
    roads: osm.RoadGraph, closed_nodes: list[int], closed_ways: list[int]
) -> None:
    route = osm.shortest_path(
        roads, NORTH, SOUTH, closed_nodes=closed_nodes, closed_ways=closed_ways
    )
    km, hours = _expected(VIA_DETOUR)
    assert route.ways == (1001, DETOUR_WAY, 1002)
    assert PASS_NODE not in route.nodes
    assert route.length_km == pytest.approx(km, rel=1e-9)
    assert route.hours == pytest.approx(hours, rel=1e-9)
    assert route.length_km > _expected(VIA_PASS)[0] + 5
    # a filter, not a mutation: the open graph still routes over the pass
    assert osm.shortest_path(roads, NORTH, SOUTH).ways == (1001, 1003, 1002)
    assert roads.G.has_node(PASS_NODE)


def test_closing_pass_and_detour_leaves_no_route(roads: osm.RoadGraph) -> None:
    with pytest.raises(NoRouteError, match=r"Test Pass.*OSM way 2001"):
        osm.shortest_path(roads, NORTH, SOUTH, closed_nodes=[PASS_NODE], closed_ways=[DETOUR_WAY])
    with pytest.raises(NoRouteError, match="Test Crossing"):  # the only border post
        osm.shortest_path(roads, NORTH, SOUTH, closed_nodes=[CROSSING_NODE])


def test_shortest_by_length(roads: osm.RoadGraph) -> None:
    route = osm.shortest_path(roads, NORTH, SOUTH, weight="length")
    assert route.length_km == pytest.approx(_expected(VIA_PASS)[0], rel=1e-9)
    with pytest.raises(ValueError, match="'travel_time' or 'length'"):
        osm.shortest_path(roads, NORTH, SOUTH, weight="minutes")  # type: ignore[arg-type]


def test_unknown_closures_and_far_points_are_errors(roads: osm.RoadGraph) -> None:
    with pytest.raises(UnknownPlaceError, match="simplification"):
        osm.shortest_path(roads, NORTH, SOUTH, closed_nodes=[6])  # a mere vertex of way 1003
    with pytest.raises(UnknownPlaceError, match="3001"):
        osm.shortest_path(roads, NORTH, SOUTH, closed_ways=[3001])  # the footway was dropped
    with pytest.raises(RegionError, match=r"km from the nearest OSM road node \(limit 2 km\)"):
        osm.shortest_path(roads, (44.0, 42.0), SOUTH, max_snap_km=2.0)


def test_csr_matrices_hold_the_cheapest_parallel_edge(roads: osm.RoadGraph) -> None:
    csr = roads.time_csr
    assert csr.shape == (6, 6) and csr.nnz == 12
    i, j = roads.index_of([1, 5])
    assert csr[i, j] == pytest.approx(roads.G.edges[1, 5, 0]["travel_time"])
    assert roads.length_csr[i, j] == pytest.approx(roads.G.edges[1, 5, 0]["length"])


# ---------------------------------------------------------------- refinement


def _transit_edges() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["r1", "r2", "x1"],
            "mode": ["road", "road", "rail"],
            "km": [18.0, 12.0, 19.0],
            "hours": [0.3, 0.2, 0.5],
        },
        geometry=[
            shapely.LineString([(44.6402, 42.8001), (44.6401, 42.6302)]),  # covered by OSM
            shapely.LineString([(44.00, 42.00), (44.10, 42.05)]),  # ~50 km from any OSM road
            shapely.LineString([NORTH, SOUTH]),
        ],
        crs="EPSG:4326",
    )


def test_refine_road_legs(roads: osm.RoadGraph) -> None:
    edges = _transit_edges()
    before = edges.copy(deep=True)
    result = osm.refine(edges, roads)
    out = result.edges.set_index("id")
    km, hours = _expected(VIA_PASS)

    assert result.refined == ("r1",)
    assert out.loc["r1", "refined"] and not out.loc["r2", "refined"]
    assert out.loc["r1", "km"] == pytest.approx(km, rel=1e-9)
    assert out.loc["r1", "hours"] == pytest.approx(hours, rel=1e-9)
    line = shapely.get_coordinates(out.loc["r1", "geometry"])
    assert tuple(line[0]) == (44.6402, 42.8001) and tuple(line[-1]) == (44.6401, 42.6302)
    assert len(line) > 20  # the real road, not the schematic straight line
    snap = WGS84.inv(44.6402, 42.8001, *NORTH)[2] + WGS84.inv(44.6401, 42.6302, *SOUTH)[2]
    assert out.loc["r1", "snap_km"] == pytest.approx(snap / 1000, rel=1e-9)

    assert set(result.unrefined) == {"r2"}
    assert "km from the nearest OSM road (limit 2 km)" in result.unrefined["r2"]
    assert out.loc["r2", "km"] == 12.0 and out.loc["r2", "geometry"].equals(before.geometry[1])
    # the rail leg is not a road leg: untouched and not listed
    assert out.loc["x1", "km"] == 19.0 and not out.loc["x1", "refined"]
    assert out.loc["x1", "geometry"].equals(before.geometry[2])
    # the input frame is not modified
    assert edges.equals(before) and "refined" not in edges.columns
    assert result.routes["r1"].via == ("Test Pass", "Test Crossing")


def test_refine_with_closed_pass_takes_the_detour(roads: osm.RoadGraph) -> None:
    result = osm.refine(_transit_edges(), roads, closed_nodes=[PASS_NODE])
    out = result.edges.set_index("id")
    km, hours = _expected(VIA_DETOUR)
    assert out.loc["r1", "km"] == pytest.approx(km, rel=1e-9)
    assert out.loc["r1", "hours"] == pytest.approx(hours, rel=1e-9)
    assert result.routes["r1"].ways == (1001, DETOUR_WAY, 1002)

    closed = osm.refine(_transit_edges(), roads, closed_nodes=[PASS_NODE], closed_ways=[DETOUR_WAY])
    assert closed.refined == ()
    assert closed.unrefined["r1"].startswith("no OSM path between the end points")
    assert "Test Pass" in closed.unrefined["r1"] and "2001" in closed.unrefined["r1"]
    assert closed.edges.set_index("id").loc["r1", "km"] == 18.0


def test_refine_works_by_position_and_arrays_are_read_only(roads: osm.RoadGraph) -> None:
    edges = _transit_edges().set_index(np.array([7, 7, 7]))  # duplicate labels
    out = osm.refine(edges, roads).edges
    assert out["refined"].tolist() == [True, False, False]
    assert out["km"].iloc[0] == pytest.approx(_expected(VIA_PASS)[0], rel=1e-9)
    with pytest.raises(ValueError, match="read-only"):
        roads.edge_time_s[0] = 0.0


def test_refine_validates_its_input(roads: osm.RoadGraph) -> None:
    with pytest.raises(DataError, match="lack column"):
        osm.refine(_transit_edges().drop(columns="hours"), roads)
    with pytest.raises(DataError, match="EPSG:4326"):
        osm.refine(_transit_edges().to_crs(3857), roads)
    result = osm.refine(_transit_edges(), roads, max_snap_km=0.001)
    assert set(result.unrefined) == {"r1", "r2"} and "limit 0.001 km" in result.unrefined["r1"]


# ---------------------------------------------------------------- other formats and caching


def test_pbf_builder_matches_osmnx_on_the_fixture(roads: osm.RoadGraph) -> None:
    # GDAL's OSM driver reads .osm XML too: the .osm.pbf code path on the same data
    table = dict(osm.SPEEDS_KPH)
    G = osm._io._load_graph(PASS, "pbf", table, frozenset(table), False)
    ogr = osm._build._road_graph(
        osm._build._arrays_from_graph(G), source=PASS, loader=lambda: G, from_cache=False
    )
    assert ogr.n_nodes == roads.n_nodes and ogr.n_edges == roads.n_edges
    assert {PASS_NODE, CROSSING_NODE} <= set(ogr.node_ids.tolist())
    a, b = osm.shortest_path(ogr, NORTH, SOUTH), osm.shortest_path(roads, NORTH, SOUTH)
    assert a.length_km == pytest.approx(b.length_km, rel=1e-12)
    assert a.hours == pytest.approx(b.hours, rel=1e-12)
    assert a.ways == b.ways and a.via == b.via


def _farthest_reachable(G: nx.MultiDiGraph, weight: str) -> tuple[int, int, float]:
    # from the south-westernmost node that reaches most of the graph (one-way streets)
    for start in sorted(G.nodes, key=lambda n: G.nodes[n]["x"] + G.nodes[n]["y"]):
        dist = nx.single_source_dijkstra_path_length(G, start, weight=weight)
        if len(dist) > len(G) / 2:
            break
    end = max(dist, key=lambda n: dist[n])
    return start, end, nx.shortest_path_length(G, start, end, weight=weight)


@pytest.mark.parametrize("path", [OAKLAND, PBF], ids=["osm-xml-bz2", "osm-pbf"])
@pytest.mark.parametrize("weight", ["travel_time", "length"])
def test_real_extract_matches_networkx(path: Path, weight: osm.Weight) -> None:
    roads = osm.load_roads(path)
    G = roads.G
    assert roads.n_nodes > 30 and roads.n_edges > 60
    assert (roads.edge_length_m > 0).all() and (roads.edge_time_s > 0).all()
    assert all(d["length"] > 0 and d["travel_time"] > 0 for *_, d in G.edges(data=True))
    start, end, expected = _farthest_reachable(G, weight)
    assert expected > 0
    route = osm.shortest_path(
        roads,
        (G.nodes[start]["x"], G.nodes[start]["y"]),
        (G.nodes[end]["x"], G.nodes[end]["y"]),
        weight=weight,
    )
    assert (route.nodes[0], route.nodes[-1]) == (start, end)
    got = route.hours * 3600 if weight == "travel_time" else route.length_km * 1000
    assert got == pytest.approx(expected, rel=1e-9)


def test_real_pbf_lengths_are_geodesic_and_oneways_kept() -> None:
    roads = osm.load_roads(PBF)
    G = roads.G
    for _, _, d in G.edges(data=True):
        assert d["length"] == pytest.approx(WGS84.geometry_length(d["geometry"]), rel=1e-9)
    oneway = [(u, v) for u, v, d in G.edges(data=True) if d["oneway"]]
    assert oneway and any(not G.has_edge(v, u) for u, v in oneway)
    maxspeeds = {d.get("maxspeed") for *_, d in G.edges(data=True)} - {None}
    assert "80" in maxspeeds
    assert all(d["speed_kph"] == 80.0 for *_, d in G.edges(data=True) if d.get("maxspeed") == "80")


def test_graphml_round_trip_and_array_cache(tmp_path: Path, roads: osm.RoadGraph) -> None:
    path = osm.save_roads(roads, tmp_path / "pass.graphml")
    npz = tmp_path / "pass.graphml.arrays.npz"
    assert npz.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pass.graphml", "pass.graphml.arrays.npz"]

    cached = osm.load_roads(path)
    assert cached.from_cache
    for name in ("node_ids", "edge_u", "edge_v", "edge_length_m", "edge_time_s", "geom_xy"):
        np.testing.assert_array_equal(getattr(cached, name), getattr(roads, name))
    assert dict(cached.node_names) == dict(roads.node_names)
    route = osm.shortest_path(cached, NORTH, SOUTH, closed_nodes=[PASS_NODE])
    assert route.ways == (1001, DETOUR_WAY, 1002)
    assert cached.G.nodes[CROSSING_NODE]["name"] == "Test Crossing"  # parsed on demand

    st = path.stat()  # a changed file invalidates the cache
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    rebuilt = osm.load_roads(path)
    assert not rebuilt.from_cache and osm.load_roads(path).from_cache
    assert not osm.load_roads(path, speeds={"trunk": 50}).from_cache  # other speeds
    assert osm.load_roads(path, cache=False).from_cache is False

    npz.write_bytes(b"garbage")  # a corrupt cache is rebuilt with a warning, not an error
    with pytest.warns(CacheWarning, match="invalid cache file"):
        assert not osm.load_roads(path).from_cache
    assert osm.load_roads(path).from_cache


def test_extracts_get_no_cache_by_default(tmp_path: Path) -> None:
    copy = tmp_path / "pass.osm"
    shutil.copy(PASS, copy)
    osm.load_roads(copy)
    assert [p.name for p in tmp_path.iterdir()] == ["pass.osm"]
    osm.load_roads(copy, cache=True)
    assert osm.load_roads(copy, cache=True).from_cache


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("notes.osm", "these are not OSM data\n", "not a readable OSM XML file"),
        (
            "empty.osm",
            '<?xml version="1.0"?><osm version="0.6"><node id="1" lat="42.7" lon="44.6"/></osm>',
            "no drivable roads",
        ),
        ("nothing.osm", '<?xml version="1.0"?><osm version="0.6"></osm>', "no nodes or ways"),
        ("broken.osm.pbf", "not a protobuf", "not a readable OSM PBF file"),
        ("broken.graphml", "<graphml", "not a readable GraphML"),
        ("roads.csv", "a,b\n1,2\n", "unknown road file format"),
    ],
)
def test_bad_files_are_data_errors(tmp_path: Path, name: str, content: str, needle: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(DataError, match=needle) as info:
        osm.load_roads(path)
    assert str(path) in str(info.value)
    if needle != "no drivable roads":
        assert ".osm.pbf" in str(info.value) and ".graphml" in str(info.value)


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"no road file at .*nope\.osm; accepted: GraphML"):
        osm.load_roads(tmp_path / "nope.osm")


# ---------------------------------------------------------------- fetching (offline parts)


def _no_internet(*args: Any, **kwargs: Any) -> socket.socket:
    raise OSError("network is unreachable")


def test_fetch_without_internet_fails_fast_naming_the_offline_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "create_connection", _no_internet)
    timeout = ox.settings.requests_timeout
    with pytest.raises(osm.OSMFetchError, match=r"load_roads\(path\)") as info:
        osm.fetch_roads((44.5, 42.6, 44.8, 43.1))
    assert isinstance(info.value, ConnectionError) and isinstance(info.value, CorridorError)
    assert ".osm.pbf" in str(info.value)
    assert ox.settings.requests_timeout == timeout


def test_fetch_rejects_bad_areas_and_networks() -> None:
    with pytest.raises(DataError, match="trunk/primary"):
        osm.fetch_roads((44.5, 42.6, 44.8, 43.1), network="motorways")
    with pytest.raises(DataError, match="west < east"):
        osm.fetch_roads((44.8, 42.6, 44.5, 43.1))
    with pytest.raises(DataError, match="line, polygon or bbox"):
        osm.fetch_roads(shapely.Point(44.6, 42.7))


def test_corridor_buffer_is_metric() -> None:
    leg = shapely.LineString([(44.68, 43.02), (44.64, 42.66)])  # Vladikavkaz - Stepantsminda
    polygon, text = osm._io._area_polygon(leg, 5.0)
    assert text.startswith("LINESTRING")
    mid = leg.interpolate(0.5, normalized=True)
    for dist_km, inside in ((4.9, True), (5.1, False)):
        lon, lat, _ = WGS84.fwd(mid.x, mid.y, 90.0, dist_km * 1000)
        assert polygon.contains(shapely.Point(lon, lat)) is inside


def test_fetch_pipeline_and_cache_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fetch with the download stubbed by the fixture: GraphML cache with the query, reused."""
    monkeypatch.setattr(osm._io, "_check_online", lambda url, timeout_s: None)
    monkeypatch.setattr(osm._io, "_download", lambda *a, **k: osm._build._graph_from_xml(PASS))
    leg = shapely.LineString([NORTH, SOUTH])
    first = osm.fetch_roads(leg, network="trunk/primary/secondary", buffer_km=3)
    assert first.source is not None and not first.from_cache
    assert first.source.parent == Path(settings.cache_folder) / "osm"
    assert first.source.suffix == ".graphml" and first.source.is_file()
    query = first.meta["corridor_query"]
    assert '"network": "trunk/primary/secondary"' in query and "LINESTRING" in query
    assert "corridor_query_date" in first.meta
    assert osm.shortest_path(first, NORTH, SOUTH).via == ("Test Pass", "Test Crossing")

    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(osm._io, "_download", fail)
    again = osm.fetch_roads(leg, network="trunk/primary/secondary", buffer_km=3)
    assert again.from_cache and again.source == first.source
    assert again.G.graph["corridor_query"] == query


@pytest.mark.network
def test_fetch_upper_lars_corridor() -> None:
    leg = shapely.LineString([(44.68, 43.02), (44.64, 42.66)])  # Vladikavkaz - Stepantsminda
    roads = osm.fetch_roads(leg, buffer_km=3)
    route = osm.shortest_path(roads, (44.68, 43.02), (44.64, 42.66), max_snap_km=3)
    assert 35 < route.length_km < 90
    assert osm.fetch_roads(leg, buffer_km=3).from_cache


# ---------------------------------------------------------------- CLI


@pytest.fixture
def app() -> click.Group:
    group = click.Group("cli")
    osm.register_cli(group)
    return group


def test_cli_load_writes_the_array_cache(app: click.Group, tmp_path: Path) -> None:
    copy = tmp_path / "pass.osm"
    shutil.copy(PASS, copy)
    result = CliRunner().invoke(app, ["osm", "load", str(copy)])
    assert result.exit_code == 0, result.output
    assert "6 nodes, 12 edges" in result.output and "km of road" in result.output
    assert "bbox (W,S,E,N): 44.55500,42.63000,44.64200,42.80000" in result.output
    assert (tmp_path / "pass.osm.arrays.npz").is_file() and "(written)" in result.output
    again = CliRunner().invoke(app, ["osm", "load", str(copy)])
    assert "(reused)" in again.output


def test_cli_route_and_closures(app: click.Group) -> None:
    runner = CliRunner()
    base = ["osm", "route", str(PASS), "--from", "42.80,44.64", "--to", "42.63,44.64"]
    open_ = runner.invoke(app, base)
    assert open_.exit_code == 0, open_.output
    km = _expected(VIA_PASS)[0]
    assert f"route: {km:.2f} km" in open_.output and "via: Test Pass, Test Crossing" in open_.output
    closed = runner.invoke(app, [*base, "--close-node", "10"])
    assert f"route: {_expected(VIA_DETOUR)[0]:.2f} km" in closed.output
    assert "2001" in closed.output
    none = runner.invoke(app, [*base, "--close-node", "10", "--close-way", "2001"])
    assert isinstance(none.exception, NoRouteError)
    bad = runner.invoke(app, ["osm", "route", str(PASS), "--from", "42.8", "--to", "42.63,44.64"])
    assert bad.exit_code == 2 and "expected LAT,LON" in bad.output


def test_cli_fetch_says_it_needs_the_internet(app: click.Group) -> None:
    result = CliRunner().invoke(app, ["osm", "fetch", "--help"])
    assert result.exit_code == 0 and "INTERNET" in result.output
    assert "osm load" in result.output
    bad = CliRunner().invoke(app, ["osm", "fetch", "--bbox", "1,2,3"])
    assert bad.exit_code == 2 and "W,S,E,N" in bad.output


@pytest.mark.parametrize("weight", ["travel_time", "length"])
def test_early_stop_search_matches_networkx_for_near_and_far_pairs(weight: osm.Weight) -> None:
    roads = osm.load_roads(PBF)
    G = roads.G
    nodes = sorted(G.nodes)
    start = nodes[0]
    dist = nx.single_source_dijkstra_path_length(G, start, weight=weight)
    ranked = sorted(dist, key=lambda n: dist[n])
    # the nearest, a middle and the farthest reachable node: one bounded round or several
    for end in (ranked[1], ranked[len(ranked) // 2], ranked[-1]):
        route = osm.shortest_path(
            roads,
            (G.nodes[start]["x"], G.nodes[start]["y"]),
            (G.nodes[end]["x"], G.nodes[end]["y"]),
            weight=weight,
        )
        got = route.hours * 3600 if weight == "travel_time" else route.length_km * 1000
        assert got == pytest.approx(dist[end], rel=1e-9)
