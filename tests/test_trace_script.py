"""scripts/trace_travelmapping.py: projection, chaining and length of a traced link."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from pyproj import Geod
from script_loader import load_script

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def tm() -> ModuleType:
    return load_script("trace_travelmapping")


def _wpt(path: Path, points: list[tuple[float, float]]) -> Path:
    lines = [
        f"P{i} http://www.openstreetmap.org/?lat={a}&lon={b}" for i, (a, b) in enumerate(points)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _km(points: list[tuple[float, float]]) -> float:
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    return float(GEOD.line_length(lons, lats)) / 1000.0


def test_reads_waypoints_and_rejects_lines_without_a_position(
    tm: ModuleType, tmp_path: Path
) -> None:
    road = _wpt(tmp_path / "a.wpt", [(40.0, 44.0), (40.1, 44.1)])
    assert tm.read_wpt(road) == [(40.0, 44.0), (40.1, 44.1)]
    bad = tmp_path / "bad.wpt"
    bad.write_text(
        "P0 http://www.openstreetmap.org/?lat=40.0&lon=44.0\nP1 nowhere\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=r"bad\.wpt:2"):
        tm.read_wpt(bad)


def test_trace_takes_the_waypoints_between_the_ends_in_travel_order(
    tm: ModuleType, tmp_path: Path
) -> None:
    # an L-shaped road; the link runs against the file order, ends 0.05 deg off the road
    points = [(40.0, 44.0), (40.0, 44.5), (40.0, 45.0), (40.5, 45.0), (41.0, 45.0)]
    road = tm.read_wpt(_wpt(tmp_path / "l.wpt", points))
    start, end = (40.8, 45.05), (39.95, 44.2)
    result = tm.trace(start, end, [road])
    # feet of the spurs (on the road, level with each node) plus the corner waypoints between
    assert result.via == [(40.8, 45.0), (40.5, 45.0), (40.0, 45.0), (40.0, 44.5), (40.0, 44.2)]
    assert result.km == pytest.approx(_km([start, *result.via, end]), rel=1e-9)
    assert result.spur_from_km == pytest.approx(_km([start, (40.8, 45.0)]), rel=1e-3)


def test_trace_chains_two_roads_at_their_closest_waypoints(tm: ModuleType, tmp_path: Path) -> None:
    first = tm.read_wpt(_wpt(tmp_path / "1.wpt", [(40.0, 44.0), (40.0, 44.5), (40.0, 45.0)]))
    second = tm.read_wpt(_wpt(tmp_path / "2.wpt", [(39.0, 44.5), (39.5, 44.5), (40.0, 44.501)]))
    result = tm.trace((40.0, 44.0), (39.0, 44.5), [first, second])
    # leaves the first road at (40.0, 44.5), the waypoint nearest the second road
    assert result.via == [(40.0, 44.5), (39.5, 44.5)]
    assert result.km == pytest.approx(_km([(40.0, 44.0), (40.0, 44.5), (39.5, 44.5), (39.0, 44.5)]))
