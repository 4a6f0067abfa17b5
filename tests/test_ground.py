"""Ground tables: validation of the CSV readers, dwell times, dated statuses, speeds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import corridor
from corridor import _ground, network, routing
from corridor._resources import package_data_folder
from corridor.scenario import make_scenario

NODES = frozenset({"x-a", "port-p", "town"})
EDGES = frozenset({"r-town-x-a"})
PAIRS = {"x-a": ("RUS", "GEO"), "port-p": ("KAZ", "KAZ")}
MODES = {"x-a": ("road", "rail"), "port-p": ("sea",), "town": ("road",), "r-town-x-a": ("road",)}

TABLES = {
    "speeds.csv": (
        "class,terrain,mode,traffic,kmh,basis,source\n"
        "trunk,plain,road,passenger,80,assumption,\n"
        "trunk,plain,road,freight,60,sourced,https://example.org/truck-limit\n"
        "trunk,plain,road,all,70,assumption,\n"
        "trunk,mountain,road,all,40,assumption,\n"
        "main,plain,rail,all,50,sourced,https://example.org/timetable\n"
    ),
    "ground_defaults.csv": (
        "name,value,unit,basis,source,notes\n"
        "dwell_road_h,3,hours,assumption,,\n"
        "ferry_wait_h,30,hours,sourced,https://example.org/ferry,\n"
    ),
    "crossing_times.csv": (
        "node,direction,mode,traffic,dwell_hours,basis,date,source,notes\n"
        "x-a,RUS>GEO,road,freight,10,sourced,2025-06,https://example.org/queue,\n"
        "x-a,both,road,freight,2,assumption,,,\n"
        "port-p,both,ferry,freight,48,sourced,2024,https://example.org/port,\n"
    ),
    "unit_conversions.csv": (
        "unit,tonnes_per_unit,per,basis,source,mode\n"
        "trucks/day,20,day,assumption,,road\n"
        "trains/day,3000,day,assumption,,rail\n"
        "t/year,1,year,sourced,https://example.org/units,\n"
    ),
    "capacities.csv": (
        "element,element_type,capacity,unit,traffic,date,source,notes,mode\n"
        "x-a,node,1000,trucks/day,freight,2022,https://example.org/cap,,road\n"
        "x-a,node,10,trains/day,freight,2022,https://example.org/rail,,rail\n"
        "r-town-x-a,link,7305000,t/year,all,2023-01-01,https://example.org/link,,\n"
    ),
    "status_history.csv": (
        "element,from_date,to_date,status,traffic,source,notes\n"
        "x-a,1994,2022-12-11,open,all,https://example.org/a,\n"
        "x-a,2022-12-12,2023-09-30,closed,all,https://example.org/b,\n"
        "x-a,2023-10-01,,closed,passenger,https://example.org/c,\n"
        "x-a,2023-10-01,,open,freight,https://example.org/d,\n"
    ),
}


def _write(folder: Path, **changes: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in {**TABLES, **changes}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _load(folder: Path) -> _ground.GroundTables:
    return _ground.load_ground(
        folder, node_pairs=PAIRS, node_ids=NODES, edge_ids=EDGES, element_modes=MODES
    )


def test_military_capacity_falls_back_to_freight_rows(tmp_path: Path) -> None:
    g = _load(_write(tmp_path / "fallback"))
    road = g.capacity_for("x-a", "military", mode="road")
    assert road is not None and road.tonnes_per_day == pytest.approx(1000 * 20)
    assert g.capacity_modes("x-a", "military") == {"road", "rail"}
    own = (
        TABLES["capacities.csv"]
        + "x-a,node,50,trucks/day,military,2024,https://example.org/m,,road\n"
    )
    g = _load(_write(tmp_path / "own", **{"capacities.csv": own}))
    mil = g.capacity_for("x-a", "military", mode="road")
    assert mil is not None and mil.tonnes_per_day == pytest.approx(50 * 20)
    # a military row replaces the freight row of its mode only
    rail = g.capacity_for("x-a", "military", mode="rail")
    assert rail is not None and rail.tonnes_per_day == pytest.approx(10 * 3000)
    fr = g.capacity_for("x-a", "freight", mode="road")
    assert fr is not None and fr.tonnes_per_day == pytest.approx(1000 * 20)


def test_valid_tables_load_and_convert_to_tonnes(tmp_path: Path) -> None:
    g = _load(_write(tmp_path))
    assert g.speeds[("trunk", "plain", "road", "passenger", "")].kmh == 80.0
    cap = g.capacity_for("x-a")
    assert cap is not None and cap.tonnes_per_day == pytest.approx(1000 * 20)
    link = g.capacity_for("r-town-x-a", "military")  # an "all" row serves every class
    assert link is not None and link.tonnes_per_day == pytest.approx(7305000 / 365.25)
    assert g.capacity_for("x-a", "passenger") is None
    # per mode: a mode's own row, else the empty-mode row; None: the tightest of any mode
    rail = g.capacity_for("x-a", mode="rail")
    assert rail is not None and rail.tonnes_per_day == pytest.approx(10 * 3000)
    road = g.capacity_for("x-a", mode="road")
    assert road is not None and road.tonnes_per_day == pytest.approx(1000 * 20)
    assert rail.tonnes_per_day > cap.tonnes_per_day  # the road row does not cap rail
    assert g.capacity_for("x-a", mode="") is None  # no empty-mode row: a third mode is unbounded
    assert g.capacity_for("x-a", mode="sea") is None
    assert g.capacity_modes("x-a") == {"road", "rail"}
    assert g.capacity_for("r-town-x-a", mode="road") == link  # the empty row serves every mode
    assert g.conversions["trains/day"].mode == "rail" and g.conversions["t/year"].mode == ""
    with pytest.raises(TypeError):
        key = ("trunk", "plain", "road", "all", "")
        g.speeds[("x", "y", "road", "all", "")] = g.speeds[key]  # type: ignore[index]


def test_dwell_prefers_the_directional_row(tmp_path: Path) -> None:
    g = _load(_write(tmp_path))
    row = g.dwell_for("x-a", "RUS", "GEO", "road")
    assert row is not None and row.hours == 10.0
    back = g.dwell_for("x-a", "GEO", "RUS", "road")
    assert back is not None and back.hours == 2.0
    assert g.dwell_for("x-a", "GEO", "RUS", "rail") is None


def test_status_history_selects_by_date_and_traffic(tmp_path: Path) -> None:
    g = _load(_write(tmp_path))
    assert g.status_on("x-a", dt.date(2010, 5, 1), "freight", "?") == "open"
    assert g.status_on("x-a", dt.date(2023, 1, 1), "military", "?") == "closed"
    assert g.status_on("x-a", dt.date(2024, 1, 1), "freight", "?") == "open"
    assert g.status_on("x-a", dt.date(2024, 1, 1), "passenger", "?") == "closed"
    assert g.status_on("x-a", None, "passenger", "?") == "closed"  # now: spans still open
    # no span for military after 2023-09: the element keeps its single status
    assert g.status_on("x-a", dt.date(2024, 1, 1), "military", "single") == "single"
    assert g.status_on("town", dt.date(2024, 1, 1), "freight", "open") == "open"
    assert g.status_on("x-a", dt.date(1990, 1, 1), "freight", "single") == "single"


@pytest.mark.parametrize(
    ("file", "old", "new", "column"),
    [
        ("capacities.csv", "x-a,node,1000", "x-z,node,1000", "element"),
        ("capacities.csv", "trucks/day,freight", "lorries/day,freight", "unit"),
        ("capacities.csv", "1000,trucks", "nan,trucks", "capacity"),
        ("capacities.csv", ",2022,", ",2022-13,", "date"),
        ("capacities.csv", "https://example.org/cap", "", "source"),
        ("capacities.csv", "link,7305000", "edge,7305000", "element_type"),
        ("unit_conversions.csv", "assumption,,road", "assumption,,lorry", "mode"),
        ("crossing_times.csv", "RUS>GEO", "RUS>ARM", "direction"),
        ("crossing_times.csv", "RUS>GEO", "RUS-GEO", "direction"),
        ("crossing_times.csv", ",10,", ",inf,", "dwell_hours"),
        ("crossing_times.csv", "x-a,RUS>GEO", "town,RUS>GEO", "node"),
        ("crossing_times.csv", "both,ferry", "both,hovercraft", "mode"),
        ("crossing_times.csv", "road,freight,2,assumption", "road,freight,2,guess", "basis"),
        ("crossing_times.csv", "x-a,both,road,freight", "x-a,both,road,cargo", "traffic"),
        ("status_history.csv", "2022-12-12,2023-09-30", "2022-12-12,2021-09-30", "to_date"),
        ("status_history.csv", "1994,2022-12-11", "1994,2022-12-31", "from_date"),
        ("status_history.csv", "1994,", "1994/01/01,", "from_date"),
        ("status_history.csv", ",closed,passenger", ",shut,passenger", "status"),
        ("status_history.csv", ",open,freight", ",open,tourists", "traffic"),
        ("status_history.csv", "x-a,1994", "x-q,1994", "element"),
        ("unit_conversions.csv", "trucks/day,20", "trucks/day,-20", "tonnes_per_unit"),
        ("unit_conversions.csv", ",20,day,", ",20,fortnight,", "per"),
        ("speeds.csv", "trunk,plain,road,passenger,80", "trunk,plain,road,passenger,0", "kmh"),
        ("speeds.csv", "main,plain,rail", "main,plain,tram", "mode"),
        ("speeds.csv", "road,freight,60", "road,lorries,60", "traffic"),
        ("speeds.csv", "road,freight,60", "road,,60", "traffic"),
        ("speeds.csv", "road,all,70", "road,freight,70", "traffic"),  # duplicate row
        ("ground_defaults.csv", "dwell_road_h,3", "dwell_road_h,NaN", "value"),
    ],
)
def test_bad_rows_name_file_row_and_column(
    tmp_path: Path, file: str, old: str, new: str, column: str
) -> None:
    assert old in TABLES[file]
    folder = _write(tmp_path, **{file: TABLES[file].replace(old, new, 1)})
    with pytest.raises(corridor.DataError) as info:
        _load(folder)
    message = str(info.value)
    assert file in message and "row " in message and f"column {column!r}" in message


@pytest.mark.parametrize(
    ("old", "new", "row", "says"),
    [
        # a known mode value
        ("example.org/cap,,road", "example.org/cap,,air", 2, "valid: , road, rail, sea"),
        # a mode of the element (the link is a road link)
        ("example.org/link,,", "example.org/link,,rail", 4, "its modes: road"),
        # a mode-specific unit agrees with the row's mode
        ("10,trains/day,freight", "10,trucks/day,freight", 3, "counts road traffic"),
        # an element with several modes and a mode-specific unit says its mode
        ("example.org/cap,,road", "example.org/cap,,", 2, "say mode 'road'"),
        # at most one row per element, mode and traffic
        ("10,trains/day,freight,2022,https://example.org/rail,,rail",
         "10,trucks/day,freight,2022,https://example.org/rail,,road", 3, "at most one row"),
    ],
)  # fmt: skip
def test_capacity_mode_rules_name_the_row(
    tmp_path: Path, old: str, new: str, row: int, says: str
) -> None:
    text = TABLES["capacities.csv"]
    assert old in text
    folder = _write(tmp_path, **{"capacities.csv": text.replace(old, new, 1)})
    with pytest.raises(corridor.DataError) as info:
        _load(folder)
    message = str(info.value)
    assert "capacities.csv" in message and f"row {row}," in message
    assert "column 'mode'" in message and says in message


def test_capacity_rows_for_another_traffic_class_or_mode_may_coexist(tmp_path: Path) -> None:
    text = TABLES["capacities.csv"] + (
        "x-a,node,500,trucks/day,passenger,2022,https://example.org/p,,road\n"
        "x-a,node,9000000,t/year,freight,2022,https://example.org/all,,\n"
    )
    g = _load(_write(tmp_path, **{"capacities.csv": text}))
    assert g.capacity_for("x-a", "passenger", mode="road").capacity == 500  # type: ignore[union-attr]
    # a mode with no row of its own takes the empty-mode row
    sea = g.capacity_for("x-a", mode="sea")
    assert sea is not None and sea.tonnes_per_day == pytest.approx(9000000 / 365.25)
    assert g.capacity_for("x-a", mode="rail").unit == "trains/day"  # type: ignore[union-attr]


def test_missing_column_is_a_data_error(tmp_path: Path) -> None:
    text = TABLES["capacities.csv"].replace("unit,", "units,", 1)
    with pytest.raises(corridor.DataError, match="missing column"):
        _load(_write(tmp_path, **{"capacities.csv": text}))


def test_absent_files_give_empty_tables(tmp_path: Path) -> None:
    g = _load(tmp_path)
    assert not g.speeds and not g.dwell and not g.capacities and not g.history


def test_edge_dwell_is_charged_on_the_side_entered() -> None:
    g = _ground.GroundTables(
        dwell=(_ground.Dwell("x", "RUS", "GEO", "road", 10.0, "sourced", "", "s"),),
        defaults=_ground.FrozenMap(
            {"dwell_road_h": _ground.Default("dwell_road_h", 3.0, "h", "assumption", "")}
        ),
    )
    info = {
        "x": _ground.NodeInfo("crossing", "RUS", "GEO"),
        "vlad": _ground.NodeInfo("city", "RUS", ""),
        "kaz": _ground.NodeInfo("city", "GEO", ""),
        "p": _ground.NodeInfo("port", "KAZ", ""),
        "q": _ground.NodeInfo("port", "AZE", ""),
    }
    edges = [("vlad", "x", "road"), ("x", "kaz", "road"), ("p", "q", "ferry")]
    fwd, back = _ground.edge_dwell(g, edges, info)
    # RUS -> GEO: leaving the crossing into Georgia costs the directional 10 h
    assert fwd[1] == 10.0 and back[1] == 0.0
    # GEO -> RUS: leaving the crossing into Russia costs the default 3 h
    assert back[0] == 3.0 and fwd[0] == 0.0
    # a ferry leg waits at the port it leaves (fallback 24 h, no rows)
    assert fwd[2] == back[2] == 24.0


def test_parse_day_partial_dates() -> None:
    assert _ground.parse_day("2020-02", end=True) == dt.date(2020, 2, 29)
    assert _ground.parse_day("2020") == dt.date(2020, 1, 1)
    assert _ground.parse_day("2020", end=True) == dt.date(2020, 12, 31)
    with pytest.raises(ValueError, match="ISO date"):
        _ground.parse_day("Oct 2020")


@pytest.fixture(scope="module")
def dated_net(tmp_path_factory: pytest.TempPathFactory) -> network.TransitNetwork:
    folder = tmp_path_factory.mktemp("net") / "network"
    shutil.copytree(package_data_folder() / "network", folder)
    (folder / "crossing_times.csv").write_text(
        "node,direction,mode,traffic,dwell_hours,basis,date,source,notes\n"
        "x-upper-lars,RUS>GEO,road,freight,30,assumption,,,test row\n"
        "x-upper-lars,GEO>RUS,road,freight,1,assumption,,,test row\n",
        encoding="utf-8",
    )
    (folder / "status_history.csv").write_text(
        "element,from_date,to_date,status,traffic,source,notes\n"
        "x-upper-lars,2024-01-01,2024-01-31,closed,all,https://example.org,test row\n",
        encoding="utf-8",
    )
    return network.load_network(folder)


def _road(net: network.TransitNetwork, o: str, d: str, **kw: object) -> routing.Route | None:
    scen = make_scenario(origins=[o], destinations=[d], modes=["road"], **kw)
    return routing.plan(scen, network=net).pairs[0].best


def test_directional_dwell_reaches_route_hours(dated_net: network.TransitNetwork) -> None:
    there = _road(dated_net, "vladikavkaz", "tbilisi", objective="km")
    back = _road(dated_net, "tbilisi", "vladikavkaz", objective="km")
    assert there is not None and back is not None
    assert there.km == pytest.approx(back.km)
    assert "x-upper-lars" in there.via and "x-upper-lars" in back.via
    assert there.hours - back.hours == pytest.approx(30 - 1)


def test_scenario_date_selects_the_dated_status(dated_net: network.TransitNetwork) -> None:
    closed = _road(dated_net, "vladikavkaz", "tbilisi", date="2024-01-15", objective="km")
    reopened = _road(dated_net, "vladikavkaz", "tbilisi", date="2024-02-15", objective="km")
    assert closed is None or "x-upper-lars" not in closed.via
    assert reopened is not None and "x-upper-lars" in reopened.via


def test_scenario_traffic_and_date_are_validated() -> None:
    with pytest.raises(corridor.ScenarioError, match="traffic"):
        make_scenario(traffic="tourist")
    with pytest.raises(corridor.ScenarioError, match="ISO date"):
        make_scenario(date="October 2020")
    assert make_scenario().traffic == "freight"
    assert make_scenario().objective == "hours"


def test_every_link_speed_comes_from_the_speed_table() -> None:
    net = network.load_network()
    links = net.edges[net.edges["mode"].isin(["road", "rail"])]
    assert (links["class"] != "").all() and (links["terrain"] != "").all()
    kind, country = net.nodes["kind"], net.nodes["country"]
    for eid, row in links.iterrows():
        # the country a link lies in: of its end that is not a border crossing
        inland = [n for n in (row["u"], row["v"]) if kind.get(n) != "crossing"]
        where = str(country[inland[0] if inland else row["u"]])
        speed = _ground.speed_for(
            net.ground.speeds, row["class"], row["terrain"], row["mode"], "passenger", where
        )
        assert speed is not None, eid
        kmh = speed.kmh
        limit = _ground.limit_for(net.ground.speed_limits.get(str(eid), ()), "passenger")
        if limit is not None:  # a published restriction (speed_limits.csv) caps the class speed
            kmh = min(kmh, limit.max_kmh)
        assert row["hours"] == pytest.approx(row["km"] / kmh), eid
