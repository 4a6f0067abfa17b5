"""Per-link speed limits (``speed_limits.csv``): the rule, the reader, and the shipped rows.

The shipped rows are checked against a second build of the same network without the file:
a limited link's hours for a class must be the larger of its unlimited hours and its km
over the limit, and every other link must keep its hours exactly.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pytest

import corridor
from corridor import _ground, network, routing, settings
from corridor._resources import package_data_folder
from corridor.scenario import make_scenario

NETWORK = package_data_folder() / "network"
HEADER = "link,traffic,max_kmh,date,source,notes\n"


def _limit(traffic: str, kmh: float) -> _ground.SpeedLimit:
    return _ground.SpeedLimit("rl-x", traffic, kmh, "2024-02", "a source")


def test_a_limit_below_the_class_speed_caps_every_class() -> None:
    kmh, factors = _ground.limited_speeds(
        60.0, {"freight": 1.5, "military": 4.0}, [_limit("all", 20.0)]
    )
    assert kmh == 20.0  # passengers 60 -> 20
    assert factors["freight"] == pytest.approx(1.0)  # 40 -> 20
    assert factors["military"] == pytest.approx(20.0 / 15.0)  # 15 stays 15: below the limit


def test_a_limit_above_the_class_speed_changes_nothing() -> None:
    assert _ground.limited_speeds(60.0, {"freight": 1.5}, [_limit("all", 90.0)]) == (
        60.0,
        {"freight": 1.5, "military": 1.0, "passenger": 1.0},
    )


def test_a_class_limit_binds_only_its_class_and_military_falls_back_to_freight() -> None:
    kmh, factors = _ground.limited_speeds(60.0, {"freight": 1.0}, [_limit("freight", 30.0)])
    assert kmh == 60.0  # passengers are not limited
    assert factors["freight"] == pytest.approx(2.0)
    assert factors["military"] == pytest.approx(2.0)  # no military row: the freight row
    kmh, factors = _ground.limited_speeds(
        60.0, {}, [_limit("freight", 30.0), _limit("military", 15.0)]
    )
    assert (factors["freight"], factors["military"]) == (pytest.approx(2.0), pytest.approx(4.0))


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("rl-a,cargo,20,2024-02,src,", "traffic"),
        ("rl-a,all,0,2024-02,src,", "max_kmh"),
        ("rl-a,all,fast,2024-02,src,", "max_kmh"),
        ("rl-a,all,20,2024-13,src,", "date"),
        ("rl-a,all,20,2024-02,,", "source"),
        (",all,20,2024-02,src,", "link"),
    ],
)
def test_a_bad_row_names_its_column(tmp_path: Path, row: str, column: str) -> None:
    (tmp_path / "speed_limits.csv").write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(corridor.DataError, match=rf"row 2, column '{column}'"):
        _ground.read_speed_limits(tmp_path)


def test_a_second_row_for_the_same_link_and_class_is_refused(tmp_path: Path) -> None:
    rows = "rl-a,all,20,2024-02,src,\nrl-a,freight,15,2024-02,src,\nrl-a,all,25,2025,src,\n"
    (tmp_path / "speed_limits.csv").write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(corridor.DataError, match=r"row 4, column 'traffic': second 'all' row"):
        _ground.read_speed_limits(tmp_path)


def test_no_file_means_no_limits(tmp_path: Path) -> None:
    assert dict(_ground.read_speed_limits(tmp_path)) == {}


def test_an_unknown_link_is_a_data_error_with_a_suggestion(tmp_path: Path) -> None:
    folder = tmp_path / "network"
    shutil.copytree(NETWORK, folder)
    with (folder / "speed_limits.csv").open("a", encoding="utf-8") as fh:
        fh.write("rl-alat-osmanly,all,20,2024-02,src,\n")
    match = r"unknown link 'rl-alat-osmanly'.*rl-alat-osmanli"
    with pytest.raises(corridor.DataError, match=match):
        network.load_network(folder)


# --------------------------------------------------------------------------- shipped rows


def _rows() -> list[dict[str, str]]:
    with (NETWORK / "speed_limits.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[network.TransitNetwork, ...]:
    folder = tmp_path_factory.mktemp("unlimited") / "network"
    shutil.copytree(NETWORK, folder)
    (folder / "speed_limits.csv").unlink()
    old = settings.use_cache
    settings.use_cache = False
    try:
        return network.load_network(), network.load_network(folder)
    finally:
        settings.use_cache = old


def _limit_kmh(rows: list[dict[str, str]], link: str, traffic: str) -> float | None:
    mine = {r["traffic"]: float(r["max_kmh"]) for r in rows if r["link"] == link}
    order = ["military", "freight", "all"] if traffic == "military" else [traffic, "all"]
    return next((mine[c] for c in order if c in mine), None)


@pytest.mark.parametrize("traffic", _ground.TRAFFIC_CLASSES)
def test_shipped_limits_slow_their_links_and_nothing_else(
    pair: tuple[network.TransitNetwork, network.TransitNetwork], traffic: str
) -> None:
    limited, unlimited = pair
    rows = _rows()
    assert rows, "speed_limits.csv ships rows"
    assert list(limited.edges.index) == list(unlimited.edges.index)
    hours, free = limited.hours_array(traffic), unlimited.hours_array(traffic)
    km = limited.edges["km"].to_numpy(dtype=float)
    expected = free.copy()
    for i, link in enumerate(limited.edges.index):
        cap = _limit_kmh(rows, str(link), traffic)
        if cap is not None:
            expected[i] = max(free[i], km[i] / cap)
    np.testing.assert_allclose(hours, expected, rtol=1e-12)
    assert (hours > free).any(), "no shipped limit binds for any link"


def test_every_shipped_limit_is_sourced_and_dated() -> None:
    for r in _rows():
        assert r["source"].strip(), r["link"]
        _ground.parse_day(r["date"])
        assert r["notes"].strip(), r["link"]


def test_the_southern_azerbaijani_line_runs_at_its_published_20_kmh() -> None:
    # ADY chairman, 26 Feb 2024 (AzerNews): the southern line "allows moving at a speed of
    # 20 km per hour"; ADY gives the Alat - Osmanli - Astara axis as 245 km (Day.Az 2025-11-03)
    scen = make_scenario(origins=["alat"], destinations=["astara-az"], modes=["rail"])
    best = routing.plan(scen, network=network.load_network(), explain=False).pairs[0].best
    assert best is not None
    assert best.km == pytest.approx(245.0, abs=0.5)
    assert best.hours == pytest.approx(245.0 / 20.0, rel=1e-6)
