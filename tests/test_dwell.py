"""Border dwell per traffic class: look-up order, defaults, the military rule, bad values.

``crossing_times.csv`` carries a ``traffic`` column (freight, passenger, military or
all). For a class the row for (node, direction, mode, class) wins, then the class's
``both`` row, then the ``all`` rows, then the class's named default in
``ground_defaults.csv``; military takes the freight rows when it has none of its own.

``dwell_episodes.csv`` holds dated queues: on a scenario date inside an episode's span
the episode's hours replace the standing dwell of that crossing, direction, mode and
class (military again taking freight episodes); without a date only episodes still
running (no end date) apply, as for statuses.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest
from speed_tables import one_speed_for_every_class

import corridor
from corridor import _ground, network, routing
from corridor._resources import package_data_folder
from corridor.scenario import make_scenario

HEAD = "node,direction,mode,traffic,dwell_hours,basis,date,source,notes\n"
PAIRS = {
    "x": ("RUS", "GEO"),
    "e": ("KAZ", "KGZ"),
    "port-p": ("KAZ", "KAZ"),
    "q": ("AZE", "AZE"),
    "r": ("TKM", "TKM"),
}


def _default(name: str, value: float) -> _ground.Default:
    return _ground.Default(name, value, "hours", "assumption", "")


def _tables(folder: Path, rows: str) -> _ground.GroundTables:
    """Ground tables with the given dwell rows and a full set of named defaults."""
    path = folder / "crossing_times.csv"
    path.write_text(HEAD + rows, encoding="utf-8")
    defaults = {
        "dwell_road_h": 4.0,
        "dwell_eaeu_road_h": 1.5,
        "dwell_passenger_road_h": 0.75,
        "dwell_passenger_eaeu_road_h": 0.25,
        "ferry_wait_h": 30.0,
    }
    return _ground.GroundTables(
        dwell=tuple(_ground._read_dwell(path, PAIRS)),
        defaults=_ground.FrozenMap({k: _default(k, v) for k, v in defaults.items()}),
    )


INFO = {
    "x": _ground.NodeInfo("crossing", "RUS", "GEO"),
    "e": _ground.NodeInfo("crossing", "KAZ", "KGZ"),
    "vlad": _ground.NodeInfo("city", "RUS", ""),
    "tbi": _ground.NodeInfo("city", "GEO", ""),
    "ala": _ground.NodeInfo("city", "KAZ", ""),
    "bis": _ground.NodeInfo("city", "KGZ", ""),
    "port-p": _ground.NodeInfo("port", "KAZ", ""),
    "q": _ground.NodeInfo("port", "AZE", ""),
}
#: into Georgia at x, into Russia at x, into Kyrgyzstan at e, a ferry from port-p
EDGES = [
    ("x", "tbi", "road"),
    ("x", "vlad", "road"),
    ("e", "bis", "road"),
    ("port-p", "q", "ferry"),
]


def _fwd(g: _ground.GroundTables, traffic: str) -> list[float]:
    return _ground.edge_dwell(g, EDGES, INFO, traffic=traffic)[0]


def test_passenger_uses_its_own_rows_then_both_then_its_default(tmp_path: Path) -> None:
    g = _tables(
        tmp_path,
        "x,RUS>GEO,road,freight,30,assumption,,,\n"
        "x,GEO>RUS,road,freight,20,assumption,,,\n"
        "x,RUS>GEO,road,passenger,3,assumption,,,\n"
        "x,both,road,passenger,2,assumption,,,\n"
        "port-p,both,ferry,freight,48,assumption,,,\n",
    )
    into_geo, into_rus, into_kgz, ferry = _fwd(g, "passenger")
    assert into_geo == 3.0  # directional passenger row
    assert into_rus == 2.0  # the passenger 'both' row, not the freight 20 h
    assert into_kgz == 0.25  # no row: dwell_passenger_eaeu_road_h (KAZ-KGZ, both EAEU)
    assert ferry == 48.0  # ships wait for cargo: the port's freight row
    assert _fwd(g, "freight")[:3] == [30.0, 20.0, 1.5]  # freight ignores passenger rows


def test_military_takes_freight_rows_unless_it_has_its_own(tmp_path: Path) -> None:
    g = _tables(
        tmp_path,
        "x,RUS>GEO,road,freight,30,assumption,,,\n"
        "x,GEO>RUS,road,military,5,assumption,,,\n"
        "x,both,road,passenger,2,assumption,,,\n",
    )
    into_geo, into_rus, into_kgz, ferry = _fwd(g, "military")
    assert into_geo == 30.0  # freight row: convoys clear customs like freight
    assert into_rus == 5.0  # its own row wins
    assert into_kgz == 1.5  # freight default, never the passenger one
    assert ferry == 30.0


def test_all_rows_apply_to_every_class_after_the_class_rows(tmp_path: Path) -> None:
    g = _tables(
        tmp_path, "x,both,road,all,6,assumption,,,\nx,GEO>RUS,road,passenger,1,assumption,,,\n"
    )
    assert _fwd(g, "freight")[:2] == [6.0, 6.0]
    assert _fwd(g, "passenger")[:2] == [6.0, 1.0]
    assert _fwd(g, "military")[:2] == [6.0, 6.0]


def test_unknown_class_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="valid: freight, passenger, military"):
        _ground.edge_dwell(_tables(tmp_path, ""), EDGES, INFO, traffic="tourist")


def test_bad_traffic_value_names_file_row_and_valid_values(tmp_path: Path) -> None:
    path = tmp_path / "crossing_times.csv"
    path.write_text(
        HEAD + "x,both,road,freight,2,assumption,,,\nx,both,road,cargo,2,assumption,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(corridor.DataError) as info:
        _ground._read_dwell(path, PAIRS)
    message = str(info.value)
    assert str(path) in message and "row 3" in message and "column 'traffic'" in message
    assert "valid: freight, passenger, military, all" in message


def test_duplicate_row_per_class_is_refused_but_classes_may_share_a_direction(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crossing_times.csv"
    shared = "x,both,road,freight,2,assumption,,,\nx,both,road,passenger,1,assumption,,,\n"
    path.write_text(HEAD + shared, encoding="utf-8")
    assert len(_ground._read_dwell(path, PAIRS)) == 2
    path.write_text(HEAD + shared + "x,both,road,passenger,3,assumption,,,\n", encoding="utf-8")
    with pytest.raises(corridor.DataError, match=r"row 4.*duplicate"):
        _ground._read_dwell(path, PAIRS)


# --------------------------------------------------------------------------- on routes


def _defaults() -> dict[str, float]:
    path = package_data_folder() / "network" / "ground_defaults.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["name"]: float(r["value"]) for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def dwell_net(tmp_path_factory: pytest.TempPathFactory) -> network.TransitNetwork:
    """The shipped network with a hand-written dwell table (no dated statuses, one speed)."""
    folder = tmp_path_factory.mktemp("net") / "network"
    shutil.copytree(package_data_folder() / "network", folder)
    (folder / "crossing_times.csv").write_text(
        HEAD + "x-upper-lars,RUS>GEO,road,freight,30,assumption,,,test row\n"
        "x-upper-lars,GEO>RUS,road,freight,1,assumption,,,test row\n"
        "x-upper-lars,both,road,passenger,2,assumption,,,test row\n",
        encoding="utf-8",
    )
    (folder / "dwell_episodes.csv").write_text(
        EPISODE_HEAD + "x-upper-lars,RUS>GEO,road,freight,2023-03,2023-04-15,100,test,\n"
        "x-sarpi,TUR>GEO,road,freight,2024-01,,50,test,ongoing\n",
        encoding="utf-8",
    )
    (folder / "status_history.csv").unlink()
    one_speed_for_every_class(folder / "speeds.csv")
    return network.load_network(folder)


def _route(
    net: network.TransitNetwork, o: str, d: str, traffic: str, date: str | None = None
) -> routing.Route:
    dated = {"date": date} if date else {}
    scen = make_scenario(
        origins=[o], destinations=[d], modes=["road"], objective="km", traffic=traffic, **dated
    )
    best = routing.plan(scen, network=net).pairs[0].best
    assert best is not None
    return best


def test_route_hours_differ_by_the_dwell_rows(dwell_net: network.TransitNetwork) -> None:
    routes = {t: _route(dwell_net, "vladikavkaz", "tbilisi", t) for t in _ground.TRAFFIC_CLASSES}
    for r in routes.values():
        assert "x-upper-lars" in r.via
        assert r.km == pytest.approx(routes["freight"].km)
    assert routes["freight"].hours - routes["passenger"].hours == pytest.approx(30 - 2)
    assert routes["military"].hours == pytest.approx(routes["freight"].hours)


def test_route_without_a_passenger_row_takes_the_passenger_default(
    dwell_net: network.TransitNetwork,
) -> None:
    # Yerevan-Tbilisi crosses one ARM-GEO border post without a row in the test table:
    # the named defaults apply (Georgia is outside the EAEU, so not the eaeu variants)
    d = _defaults()
    freight = _route(dwell_net, "yerevan", "tbilisi", "freight")
    passenger = _route(dwell_net, "yerevan", "tbilisi", "passenger")
    assert freight.via == passenger.via
    crossings = [n for n in freight.via if n.startswith("x-")]
    assert len(crossings) == 1 and crossings[0] != "x-upper-lars"
    assert freight.km == pytest.approx(passenger.km)
    expected = d["dwell_road_h"] - d["dwell_passenger_road_h"]
    assert expected > 0
    assert freight.hours - passenger.hours == pytest.approx(expected)


# --------------------------------------------------------------------------- dated episodes

EPISODE_HEAD = "node,direction,mode,traffic,from_date,to_date,dwell_hours,source,notes\n"


def _episodes(folder: Path, rows: str) -> list[_ground.DwellEpisode]:
    path = folder / "dwell_episodes.csv"
    path.write_text(EPISODE_HEAD + rows, encoding="utf-8")
    return _ground._read_episodes(path, PAIRS)


@pytest.mark.parametrize(
    ("row", "column", "problem"),
    [
        ("y,both,road,freight,2020,,5,s,", "node", "unknown crossing or port 'y'"),
        ("port-p,both,road,freight,2020,,5,s,", "mode", "road"),
        ("port-p,KAZ>KAZ,port,freight,2020,,5,s,", "direction", "valid: both or port-p>PORT"),
        ("port-p,port-p>x,ferry,freight,2020,,5,s,", "direction", "valid: both or port-p>PORT"),
        ("x,RUS>KAZ,road,freight,2020,,5,s,", "direction", "valid: RUS>GEO, GEO>RUS or both"),
        ("x,both,ferry,freight,2020,,5,s,", "mode", "ferry"),
        ("x,both,road,cargo,2020,,5,s,", "traffic", "cargo"),
        ("x,both,road,freight,2020-05,2020-04,5,s,", "to_date", "before"),
        ("x,both,road,freight,2020-13,,5,s,", "from_date", "2020-13"),
        ("x,both,road,freight,2020,,-5,s,", "dwell_hours", "-5"),
        ("x,both,road,freight,2020,,5,,", "source", "source"),
    ],
)
def test_bad_episode_rows_name_file_row_and_column(
    tmp_path: Path, row: str, column: str, problem: str
) -> None:
    with pytest.raises(corridor.DataError) as info:
        _episodes(tmp_path, row + "\n")
    message = str(info.value)
    assert "dwell_episodes.csv: row 2" in message
    assert f"column {column!r}" in message
    assert problem in message


def test_overlapping_episodes_of_one_direction_and_class_are_refused(tmp_path: Path) -> None:
    first = "x,RUS>GEO,road,freight,2020-01,2020-03,50,s,\n"
    # other direction, other class and a later span may share the crossing
    fine = (
        "x,GEO>RUS,road,freight,2020-02,,9,s,\n"
        "x,RUS>GEO,road,passenger,2020-02,2020-02,9,s,\n"
        "x,RUS>GEO,road,freight,2020-04,,9,s,\n"
    )
    assert len(_episodes(tmp_path, first + fine)) == 4
    with pytest.raises(corridor.DataError, match=r"row 3.*overlaps.*2020-01-01\.\.2020-03-31"):
        _episodes(tmp_path, first + "x,RUS>GEO,road,freight,2020-03-31,2020-05,9,s,\n")


def _tables_with_episodes(folder: Path, dwell_rows: str, episode_rows: str) -> _ground.GroundTables:
    """:func:`_tables` with the given dwell rows and these dated episodes."""
    g = _tables(folder, dwell_rows)
    episodes = tuple(_episodes(folder, episode_rows))
    return _ground.GroundTables(dwell=g.dwell, defaults=g.defaults, episodes=episodes)


def _dated_forward(
    g: _ground.GroundTables,
    edges: list[tuple[str, str, str]],
    day: dt.date | None,
    traffic: str = "freight",
) -> list[float]:
    """Forward dwell of every edge on ``day`` (the standing arrays with its episodes)."""
    import numpy as np

    f, b = _ground.edge_dwell(g, edges, INFO, traffic=traffic)
    base = (np.asarray(f, dtype=np.float64), np.asarray(b, dtype=np.float64))
    out = _ground.dated_edge_dwell(g, base, edges, INFO, traffic=traffic, day=day)
    return [float(h) for h in out[0]]


def test_episode_replaces_the_standing_dwell_only_inside_its_span(tmp_path: Path) -> None:
    g = _tables_with_episodes(
        tmp_path,
        "x,RUS>GEO,road,freight,30,assumption,,,\n",
        "x,RUS>GEO,road,freight,2022-09-21,2022-10-05,72,s,\ne,both,road,all,2024-06,,6,s,\n",
    )
    fwd_base = _ground.edge_dwell(g, EDGES, INFO, traffic="freight")[0]
    assert fwd_base[:3] == [30.0, 4.0, 1.5]  # standing row, default, EAEU default

    def fwd(day: dt.date | None, traffic: str = "freight") -> list[float]:
        return _dated_forward(g, EDGES, day, traffic)

    assert fwd(dt.date(2022, 9, 20)) == fwd_base
    assert fwd(dt.date(2022, 9, 21))[:3] == [72.0, 4.0, 1.5]  # into Georgia only
    assert fwd(dt.date(2022, 10, 5))[0] == 72.0
    assert fwd(dt.date(2022, 10, 6)) == fwd_base
    assert fwd(dt.date(2022, 9, 30), "military")[0] == 72.0  # military takes freight episodes
    assert fwd(dt.date(2022, 9, 30), "passenger")[0] == 0.75  # the passenger default
    # no date: only the episode still running applies, to every class ("all")
    assert fwd(None)[:3] == [30.0, 4.0, 6.0]
    assert fwd(None, "passenger")[2] == 6.0
    assert fwd(dt.date(2024, 5, 31))[2] == 1.5


def test_port_episode_replaces_the_ferry_wait_and_the_port_call_on_its_dates(
    tmp_path: Path,
) -> None:
    ship = ("port-p", "q", "sea")  # a ship leaving port-p: the port call
    g = _tables_with_episodes(
        tmp_path,
        "port-p,both,port,freight,20,assumption,,,\n",
        "port-p,both,ferry,freight,2023-01,2023-01,96,s,\n"
        "port-p,both,port,all,2023-03,2023-04,240,s,\n",
    )
    edges = [*EDGES, ship]

    def waits(day: dt.date | None, traffic: str = "freight") -> tuple[float, float]:
        out = _dated_forward(g, edges, day, traffic)
        return out[3], out[4]  # the ferry and the ship leaving port-p

    # standing: no ferry row, so the ferry takes the port call (20 h), as does the ship
    assert waits(dt.date(2022, 12, 31)) == (20.0, 20.0)
    assert waits(dt.date(2023, 1, 15)) == (96.0, 20.0)  # a ferry queue: ferries only
    assert waits(dt.date(2023, 3, 15)) == (240.0, 240.0)  # port congestion: every call
    assert waits(dt.date(2023, 3, 15), "passenger") == (240.0, 240.0)  # an ``all`` episode
    assert waits(dt.date(2023, 5, 1)) == (20.0, 20.0)
    assert waits(None) == (20.0, 20.0)  # no episode still running
    wait = _ground.edge_wait(g, ship, INFO, episodes=g.episodes_on(dt.date(2023, 3, 15)))
    assert wait is not None
    assert (wait.basis, wait.detail) == ("episode", "2023-03-01..2023-04-30")


def test_a_queue_for_one_ferry_line_leaves_the_port_s_other_lines_alone(tmp_path: Path) -> None:
    to_q, to_r = ("port-p", "q", "ferry"), ("port-p", "r", "ferry")
    info = {**INFO, "r": _ground.NodeInfo("port", "TKM", "")}
    rows = (
        "port-p,port-p>r,ferry,freight,2020-01,2020-01,480,s,\n"
        "port-p,port-p>q,ferry,freight,2020-01-10,2020-01-19,50,s,\n"  # another line may overlap
        "port-p,both,ferry,freight,2020-01-20,2020-01-31,30,s,\n"
    )
    g = _tables_with_episodes(tmp_path, "port-p,both,ferry,freight,8,assumption,,,\n", rows)

    def hours(edge: tuple[str, str, str], day: dt.date) -> float:
        wait = _ground.edge_wait(g, edge, info, episodes=g.episodes_on(day))
        assert wait is not None
        return wait.hours

    assert (hours(to_r, dt.date(2020, 1, 5)), hours(to_q, dt.date(2020, 1, 5))) == (480.0, 8.0)
    assert (hours(to_r, dt.date(2020, 1, 15)), hours(to_q, dt.date(2020, 1, 15))) == (480.0, 50.0)
    # the line's own queue wins over a port-wide one; other lines take the port-wide one
    assert hours(to_r, dt.date(2020, 1, 25)) == 480.0
    assert hours(to_q, dt.date(2020, 1, 25)) == 30.0
    assert hours(to_r, dt.date(2020, 2, 5)) == 8.0
    with pytest.raises(corridor.DataError, match="overlaps"):
        _episodes(tmp_path, rows + "port-p,port-p>r,ferry,freight,2020-01-31,2020-03,9,s,\n")


def test_route_hours_on_a_date_take_the_episode_in_force(
    dwell_net: network.TransitNetwork,
) -> None:
    standing = _route(dwell_net, "vladikavkaz", "tbilisi", "freight")
    queued = _route(dwell_net, "vladikavkaz", "tbilisi", "freight", "2023-04-15")
    after = _route(dwell_net, "vladikavkaz", "tbilisi", "freight", "2023-04-16")
    military = _route(dwell_net, "vladikavkaz", "tbilisi", "military", "2023-03")
    assert queued.via == standing.via and "x-upper-lars" in queued.via
    assert queued.hours - standing.hours == pytest.approx(100 - 30)
    assert after.hours == pytest.approx(standing.hours)
    assert military.hours - standing.hours == pytest.approx(100 - 30)
    back = _route(dwell_net, "tbilisi", "vladikavkaz", "freight")
    back_queued = _route(dwell_net, "tbilisi", "vladikavkaz", "freight", "2023-04")
    assert back_queued.hours == pytest.approx(back.hours)  # GEO>RUS has no episode


def test_undated_route_takes_the_episode_still_running(dwell_net: network.TransitNetwork) -> None:
    d = _defaults()
    now = _route(dwell_net, "trabzon", "batumi", "freight")
    before = _route(dwell_net, "trabzon", "batumi", "freight", "2023-12")
    assert now.via == before.via and "x-sarpi" in now.via
    assert now.hours - before.hours == pytest.approx(50 - d["dwell_road_h"])


def test_shipped_episodes_are_sourced_dated_queues_longer_than_the_standing_dwell() -> None:
    # an episode is a queue: longer than the standing dwell it replaces in every direction it
    # covers (the crossing's row for the direction, else the class's named default)
    net = network.load_network()
    with (package_data_folder() / "network" / "dwell_episodes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(net.ground.episodes) == len(rows) >= 3
    d = _defaults()
    pairs = {
        n: (c, b)
        for n, c, b in zip(
            net.node_ids, net.cols.node_country, net.cols.node_country_b, strict=True
        )
    }
    kinds = dict(zip(net.node_ids, net.cols.node_kind, strict=True))
    for e in net.ground.episodes:
        assert e.source.startswith("http")
        a, b = pairs[e.node]
        if kinds[e.node] == "port":  # longer than its standing call or ferry wait
            port_row = net.ground.dwell_for(e.node, "", "", e.mode, e.traffic)
            assert port_row is not None and e.hours > port_row.hours, e
            continue
        directions = [(e.origin, e.target)] if e.origin else [(a, b), (b, a)]
        for origin, target in directions:
            assert origin is not None and target is not None
            row = net.ground.dwell_for(e.node, origin, target, e.mode, e.traffic)
            default = d[_ground.default_dwell_name(e.mode, origin, target, e.traffic)]
            standing = row.hours if row is not None else default
            assert e.hours > standing, e


def test_route_legs_name_each_wait_with_its_basis(dwell_net: network.TransitNetwork) -> None:
    d = _defaults()
    standing = _route(dwell_net, "vladikavkaz", "tbilisi", "freight")
    (lars,) = [w for leg in standing.legs for w in leg.waits]
    assert (lars.node, lars.hours, lars.basis) == ("x-upper-lars", 30.0, "assumption")
    queued = _route(dwell_net, "vladikavkaz", "tbilisi", "freight", "2023-04-15")
    (episode,) = [w for leg in queued.legs for w in leg.waits]
    assert (episode.node, episode.hours, episode.basis) == ("x-upper-lars", 100.0, "episode")
    assert episode.detail == "2023-03-01..2023-04-15" and episode.source == "test"
    # a crossing without a row: the named default, by name
    (default,) = [
        w for leg in _route(dwell_net, "yerevan", "tbilisi", "freight").legs for w in leg.waits
    ]
    assert default.basis == "default" and default.detail == "dwell_road_h"
    assert default.hours == d["dwell_road_h"]
    # the waits are part of the leg's hours and of its JSON form
    leg = queued.legs[0]
    assert leg.to_dict()["waits"] == [
        {"node": "x-upper-lars", "hours": 100.0, "basis": "episode",
         "detail": "2023-03-01..2023-04-15", "source": "test"}
    ]  # fmt: skip
    assert leg.hours - standing.legs[0].hours == pytest.approx(100 - 30)
