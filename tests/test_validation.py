"""corridor's ground routes against published road and rail distances and times.

The tables (``corridor/data/validation/``) are compiled from published sources, one per
row, independently of corridor's output. Goals (issue 11): median ratio of corridor km to
published km within 4 % of 1 and every pair within 12 %; median ratio of corridor hours
to published hours within 10 % of 1. A goal not yet met is an ``xfail(strict=True)`` with
the measured numbers, so meeting it turns the test red until the marker is removed.

The published hours are car driving times and passenger-train timetables, so the hours
are compared on routes with passenger border dwell (``traffic="passenger"``); freight
dwell (truck and wagon clearance) would compare apples with oranges.

The medians are asserted over the independent pairs only: a pair whose row cites a document
that a link of its route also cites (a line's km table used for both) agrees by
construction and tests nothing (``Comparison.independent``); extremes are asserted over every
pair.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from speed_tables import one_speed_for_every_class

import corridor
from corridor import _validation
from corridor.routing import plan
from corridor.scenario import make_scenario

MEASURED = "measured 2026-12-01 (after h-len-east, h-len-west; passenger routes since h-dwell)"


@pytest.fixture(scope="module")
def road() -> list[_validation.Comparison]:
    return _validation.compare("road")


@pytest.fixture(scope="module")
def rail() -> list[_validation.Comparison]:
    return _validation.compare("rail")


def _km(rows: list[_validation.Comparison]) -> list[float]:
    return [r.km_ratio for r in rows if r.km_ratio is not None and r.independent]


def _hours(rows: list[_validation.Comparison]) -> list[float]:
    return [r.hours_ratio for r in rows if r.hours_ratio is not None and r.independent]


@pytest.mark.parametrize("mode", ["road", "rail"])
def test_no_published_length_is_shorter_than_the_straight_line(mode: str) -> None:
    # a road or line is never shorter than the geodesic between its ends; 5 % allows for
    # lengths measured between city limits rather than centres (pyproj, WGS84)
    from pyproj import Geod

    nodes = corridor.load_network().nodes
    geod = Geod(ellps="WGS84")
    path = Path(corridor.__file__).parent / "data" / "validation" / f"{mode}_distances.csv"
    table = _validation.read_table(path, set(nodes.index))
    short = []
    for origin, destination, _kind, km, _hours in table:
        if km is None:
            continue
        a, b = nodes.loc[origin], nodes.loc[destination]
        straight = geod.inv(a.geometry.x, a.geometry.y, b.geometry.x, b.geometry.y)[2] / 1000
        if km < 0.95 * straight:
            short.append((origin, destination, km, round(straight, 1)))
    assert not short


def test_tables_are_large_enough_and_every_pair_routes(
    road: list[_validation.Comparison], rail: list[_validation.Comparison]
) -> None:
    assert sum(r.independent for r in road) >= 40
    assert sum(r.independent for r in rail) >= 15
    unrouted = [(r.origin, r.destination) for r in road + rail if r.km is None]
    assert not unrouted


def test_road_km_median_within_4_percent(road: list[_validation.Comparison]) -> None:
    assert statistics.median(_km(road)) == pytest.approx(1.0, abs=0.04)


@pytest.mark.xfail(
    strict=True,
    reason="measured 2026-12-03 (round 16, 92 pairs, median 0.994): 3 of 92 pairs outside "
    "0.88-1.12, each a figure for another route or a round one: Nalchik-Vladikavkaz 0.794 "
    "(published 147 km is the old road via Alagir; the R-217 via Beslan is traced at 116.7), "
    "Yerevan-Alaverdi 0.866 (route of the published 191 km not stated; the M3 and M6 km posts "
    "give about 165), Astana-Shymkent 0.875 (a travel blog's 'about 1,700 km'); no official "
    "distance table was found for any of them (rounds 13 and 16, h-val13, h-road18). "
    "Jolfa-Norduz came inside at 1.113 (r-norduz-jolfa-ir 66.8, round 16)",
)
def test_every_road_pair_within_12_percent(road: list[_validation.Comparison]) -> None:
    ratios = [(r.origin, r.destination, r.km_ratio) for r in road if r.km_ratio is not None]
    outside = [x for x in ratios if abs(x[2] - 1) > 0.12]
    assert not outside


def test_road_hours_median_within_10_percent(road: list[_validation.Comparison]) -> None:
    hours = _hours(road)
    assert len(hours) >= 10
    assert statistics.median(hours) == pytest.approx(1.0, abs=0.10)


def test_rail_km_median_within_4_percent(rail: list[_validation.Comparison]) -> None:
    km = _km(rail)
    assert len(km) >= 8
    assert statistics.median(km) == pytest.approx(1.0, abs=0.04)


def test_rail_km_median_rests_on_15_independent_pairs(
    rail: list[_validation.Comparison],
) -> None:
    """The rail km median rests on at least 15 pairs whose source no link of the route cites.

    Met in round 12 (18 independent km pairs after the Kokshetau-1 infobox distances); it was a
    strict xfail at 14.
    """
    assert len(_km(rail)) >= 15


def test_rail_km_every_pair_within_12_percent(rail: list[_validation.Comparison]) -> None:
    outside = [(r.origin, r.destination, r.km_ratio) for r in rail if r.km_ratio is not None]
    outside = [x for x in outside if abs(x[2] - 1) > 0.12]
    assert not outside


def test_rail_hours_median_within_10_percent(rail: list[_validation.Comparison]) -> None:
    """Independent timetabled pairs: corridor's passenger train hours within 10 % of published.

    Met in round 15 (0.955 over 27 pairs) with the Russian main/plain row of speeds.csv
    (70 km/h, the median of five non-validation timetables); it was a strict xfail at 0.892.
    Round 16 added the Kazakh main/plain row (55 km/h, three ordinary KTZ trains): 1.011.
    """
    hours = _hours(rail)
    assert len(hours) >= 8
    assert statistics.median(hours) == pytest.approx(1.0, abs=0.10)


def test_hours_are_compared_on_passenger_routes(
    road: list[_validation.Comparison], rail: list[_validation.Comparison]
) -> None:
    assert {r.traffic for r in road + rail} == {"passenger"}


def test_freight_and_passenger_hours_differ_by_the_dwell_rows(tmp_path: Path) -> None:
    # Yerevan-Tbilisi by road crosses at Bagratashen-Sadakhlo; the two classes differ by
    # the two dwell rows of crossing_times.csv (read here with the csv module, not corridor)
    import csv
    import shutil

    from corridor._resources import package_data_folder

    table = package_data_folder() / "network" / "crossing_times.csv"
    with table.open(encoding="utf-8", newline="") as fh:
        rows = {
            (r["direction"], r["traffic"]): float(r["dwell_hours"])
            for r in csv.DictReader(fh)
            if r["node"] == "x-bagratashen" and r["mode"] == "road"
        }
    freight = rows[("ARM>GEO", "freight")]
    passenger = rows[("both", "passenger")]
    one = tmp_path / "road_distances.csv"
    one.write_text(
        "from,to,published_km,published_hours,kind,source,notes\n"
        "yerevan,tbilisi,301,5.75,cross-border,s,\n",
        encoding="utf-8",
    )
    # one speed for every class (speeds.csv's passenger row, else its all row), so only
    # dwell differs
    folder = tmp_path / "network"
    shutil.copytree(package_data_folder() / "network", folder)
    one_speed_for_every_class(folder / "speeds.csv")
    net = corridor.load_network(folder)
    (f,) = _validation.compare("road", path=one, traffic="freight", network=net)
    (p,) = _validation.compare("road", path=one, network=net)  # the row's own class
    assert (f.traffic, p.traffic) == ("freight", "passenger")
    assert "x-bagratashen" in p.via
    assert f.km == pytest.approx(p.km)
    assert f.hours is not None and p.hours is not None
    assert f.hours - p.hours == pytest.approx(freight - passenger)


def test_the_comparison_is_not_the_network_talking_to_itself(
    road: list[_validation.Comparison],
) -> None:
    # published figures are read from the table, corridor's from the routes: a pair with a
    # sourced link length still differs from its published figure somewhere
    assert any(r.km_ratio != pytest.approx(1.0, abs=1e-6) for r in road)
    pub = {(r.origin, r.destination): r.published_km for r in road}
    assert pub[("bishkek", "osh")] == 650


def test_bad_validation_rows_are_data_errors(tmp_path: Path) -> None:
    path = tmp_path / "road_distances.csv"
    head = "from,to,published_km,published_hours,kind,source,notes\n"
    for row, column in [
        ("yerevan,nowhere,10,,trunk,s,\n", "to"),
        ("yerevan,gyumri,nan,,trunk,s,\n", "published_km"),
        ("yerevan,gyumri,10,,alpine,s,\n", "kind"),
        ("yerevan,gyumri,10,,trunk,,\n", "source"),
        ("yerevan,gyumri,,,trunk,s,\n", "published_km"),
    ]:
        path.write_text(head + row, encoding="utf-8")
        with pytest.raises(corridor.DataError, match=f"row 2, column '{column}'"):
            _validation.read_table(path, {"yerevan", "gyumri"})
    path.write_text(head.replace("notes", "notes,hours_traffic") + "a,b,1,,trunk,s,,bus\n")
    assert len(_validation.read_table(path, {"a", "b"})) == 1  # the row is valid otherwise
    with pytest.raises(corridor.DataError, match=r"row 2, column 'hours_traffic'.*passenger"):
        _validation.read_hours_traffic(path)


def test_source_keys_fold_mirrors_and_keep_short_ids_whole() -> None:
    wiki = "https://de.wikipedia.org/wiki/Bahnstrecke_Tiflis%E2%80%93Jerewan"
    mirror = "https://de.zxc.wiki/wiki/Bahnstrecke_Tiflis%E2%80%93Jerewan#Streckenbeschreibung"
    assert _validation.source_keys(wiki) == _validation.source_keys(mirror)
    assert _validation.source_keys("https://sozmedia.kz/46676") == {"sozmedia.kz/46676"}
    assert _validation.source_keys("https://a.kz/46676") != _validation.source_keys(
        "https://b.kz/46676"
    )
    assert _validation.source_keys("GeoNames 616052; no address") == frozenset()
    both = _validation.source_keys("https://x.org/index.php?id=1; https://y.org/Some_Article")
    assert both == {"x.org/index.php?id=1", "some article"}
    # parentheses: part of a Wikipedia title, or of the text around an address
    quoted = "(see https://ru.wikipedia.org/wiki/Kostanay_(station))"
    assert _validation.source_keys(quoted) == {"kostanay (station)"}


def test_a_row_citing_a_document_of_its_route_is_not_independent(tmp_path: Path) -> None:
    # the network copy's Gyumri-Yerevan line cites one document; a validation row citing a
    # mirror of it is flagged, a row citing another document is not
    import csv
    import shutil

    from corridor._resources import package_data_folder

    folder = tmp_path / "network"
    shutil.copytree(package_data_folder() / "network", folder)
    links = folder / "links.csv"
    with links.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    source, notes = rows[0].index("source"), rows[0].index("notes")
    (line,) = [r for r in rows if r[0] == "rl-gyumri-yerevan"]
    line[source] = "https://example.org/wiki/Armenian_line_km_table"
    line[notes] = "km from the line table"
    with links.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    net = corridor.load_network(folder)
    table = tmp_path / "rail_distances.csv"
    table.write_text(
        "from,to,published_km,published_hours,kind,source,notes\n"
        "gyumri,yerevan,154,,trunk,https://mirror.example.net/wiki/Armenian_line_km_table,\n"
        "gyumri,yerevan,154,,trunk,https://example.org/wiki/Atlas_of_Armenia_1987,\n",
        encoding="utf-8",
    )
    same, other = _validation.compare("rail", path=table, network=net)
    assert same.shared_sources == ("armenian line km table",)
    assert not same.independent
    assert other.independent
    summary = _validation.summary([same, other])
    assert summary["independent"] == 1
    assert summary["km_median_independent"] == pytest.approx(other.km_ratio)


# --------------------------------------------------------------------------- freight times

FREIGHT_HEAD = "from,to,mode,published_hours,date,through,kind,measure,source,notes\n"


@pytest.fixture(scope="module")
def freight() -> list[_validation.Comparison]:
    return _validation.compare_freight()


def test_freight_table_is_large_and_spread_over_modes(
    freight: list[_validation.Comparison],
) -> None:
    path = Path(corridor.__file__).parent / "data" / "validation" / "freight_times.csv"
    rows = _validation.read_freight_table(path, set(corridor.load_network().node_ids))
    assert len(rows) >= 25
    modes = {m for r in rows for m in r.modes}
    assert modes == {"road", "rail", "ferry"}
    assert {r.measure for r in rows} == {"transit", "moving"}
    assert len(freight) == len(rows)
    assert all(r.traffic == "freight" for r in freight)


def test_freight_hours_median_within_10_percent(freight: list[_validation.Comparison]) -> None:
    # elapsed hours (border and port waits, drivers' rest) against published transit times
    s = _validation.freight_summary(freight)
    assert s["routed"] >= 25
    assert 0.9 <= s["hours_median"] <= 1.1, s


@pytest.mark.xfail(
    strict=True,
    reason="measured 2026-12-03 (round 16): 7 of 36 published freight trips are not within a "
    "factor of 2 of corridor's freight hours: Yerevan - Upper Lars 2020-04 (0.16: the COVID-19 "
    "convoy regime is a rule inside Georgia, not a wait at a crossing; h-covid18), Tashkent - "
    "Hairatan wagonload (0.21: a Termez wait would push the same month's 48 h express to 1.7), "
    "Poti - Baku by truck (0.44), Poti - Alat (0.45), Sarakhs - Farap (0.48), and the two first "
    "BTK trains Baku - Kars, 2017 (2.66) and 2024 (3.48: two default rail border waits and the "
    "Kartsakhi transshipment); Kars - Mersin routes since round 16 (the Sivas - Kayseri - "
    "Ulukisla - Yenice - Mersin line: 0.97); listed by scripts/validation_report.py freight",
)
def test_every_freight_trip_routes_within_a_factor_of_2(
    freight: list[_validation.Comparison],
) -> None:
    off = [
        (
            r.origin,
            r.destination,
            r.date,
            None if r.hours_ratio is None else round(r.hours_ratio, 2),
        )
        for r in freight
        if r.hours_ratio is None or not 0.5 <= r.hours_ratio <= 2.0
    ]
    assert not off


def test_freight_trips_are_routed_on_their_date_with_their_measure(tmp_path: Path) -> None:
    # the same trip as a door-to-door time and as a moving time; the moving hours are the
    # transit hours less the waits, transfers and rest stops of the route
    scen = make_scenario(
        origins=["moscow"], destinations=["almaty"], modes=["road"], k=1, traffic="freight",
        date="2024-06",
    )  # fmt: skip
    best = plan(scen, explain=False).pairs[0].best
    assert best is not None and best.via  # a route through at least one crossing
    on_route = best.via[0]
    path = tmp_path / "freight_times.csv"
    path.write_text(
        FREIGHT_HEAD
        + f"moscow,almaty,road,100,2024-06,{on_route},steppe,transit,https://example.org/a,\n"
        + "moscow,almaty,road,100,2024-06,,steppe,moving,https://example.org/a,\n"
        + "moscow,almaty,road,100,2024-06,x-upper-lars,steppe,transit,https://example.org/a,\n",
        encoding="utf-8",
    )
    transit, moving, elsewhere = _validation.compare_freight(path=path)
    assert transit.hours == pytest.approx(best.transit_hours)
    waits = sum(w.hours for leg in best.legs for w in leg.waits)
    assert moving.hours == pytest.approx(best.hours - waits)
    assert moving.hours < best.hours < transit.hours  # waits and nights both count
    assert transit.date == "2024-06" and transit.published_km is None
    assert transit.follows_published_route is True  # the row names a crossing on the way
    assert moving.follows_published_route is None  # the row names no crossing
    assert elsewhere.follows_published_route is False  # Upper Lars is not on the way


def test_bad_freight_rows_are_data_errors(tmp_path: Path) -> None:
    path = tmp_path / "freight_times.csv"
    ok = "yerevan,gyumri,road,3,2024-06,,trunk,transit,s,"
    assert len(_validation.read_freight_table(_write(path, ok), {"yerevan", "gyumri"})) == 1
    for row, column in [
        ("yerevan,nowhere,road,3,2024-06,,trunk,transit,s,", "to"),
        ("yerevan,gyumri,truck,3,2024-06,,trunk,transit,s,", "mode"),
        ("yerevan,gyumri,,3,2024-06,,trunk,transit,s,", "mode"),
        ("yerevan,gyumri,road,0,2024-06,,trunk,transit,s,", "published_hours"),
        ("yerevan,gyumri,road,three,2024-06,,trunk,transit,s,", "published_hours"),
        ("yerevan,gyumri,road,3,2024-13,,trunk,transit,s,", "date"),
        ("yerevan,gyumri,road,3,2024-06,x-nowhere,trunk,transit,s,", "through"),
        ("yerevan,gyumri,road,3,2024-06,,alpine,transit,s,", "kind"),
        ("yerevan,gyumri,road,3,2024-06,,trunk,door,s,", "measure"),
        ("yerevan,gyumri,road,3,2024-06,,trunk,transit,,", "source"),
    ]:
        with pytest.raises(corridor.DataError, match=f"row 2, column '{column}'"):
            _validation.read_freight_table(_write(path, row), {"yerevan", "gyumri"})


def _write(path: Path, row: str) -> Path:
    path.write_text(FREIGHT_HEAD + row + "\n", encoding="utf-8")
    return path
