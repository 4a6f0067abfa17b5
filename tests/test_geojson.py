"""Outputs other tools accept: every GeoJSON corridor writes is RFC 7946-valid; CSV is safe."""

from __future__ import annotations

import csv
import json
import math
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from rfc7946 import assert_valid, errors

from corridor import _resources, export
from corridor._geojson import geometry_dict, safe_cell
from corridor.routing import Leg, PairPlan, Plan, Route, plan
from corridor.scenario import load_scenario, make_scenario

SCENARIOS = sorted(p.stem for p in _resources.scenario_folder().glob("*.toml"))


def _json(obj: Any) -> Any:
    """What a reader sees: the object after a strict JSON round trip."""
    return json.loads(json.dumps(obj, allow_nan=False))


# --------------------------------------------------------------------------- the validator


def _fc(geom: Any) -> dict[str, Any]:
    feature = {"type": "Feature", "properties": {}, "geometry": geom}
    return {"type": "FeatureCollection", "features": [feature]}


CCW = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
HOLE_CW = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]


@pytest.mark.parametrize(
    ("geom", "problem"),
    [
        ({"type": "LineString", "coordinates": []}, ">= 2 positions"),
        ({"type": "LineString", "coordinates": [[44, 40]]}, ">= 2 positions"),
        ({"type": "LineString", "coordinates": [[44, 40], [44, 40]]}, "distinct"),
        ({"type": "Point", "coordinates": [float("nan"), 1]}, "finite"),
        ({"type": "Point", "coordinates": [40]}, "2-3 finite"),
        ({"type": "Point", "coordinates": [40, 95]}, "in range"),
        ({"type": "Polygon", "coordinates": [CCW[::-1]]}, "counter-clockwise"),
        ({"type": "Polygon", "coordinates": [CCW, HOLE_CW[::-1]]}, "hole must be clockwise"),
        ({"type": "Polygon", "coordinates": [CCW[:-1]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, ">= 4 positions"),
        ({"type": "MultiLineString", "coordinates": []}, "empty MultiLineString"),
        ({"type": "Circle", "coordinates": [0, 0]}, "not a geometry"),
        ({"type": "Point", "coordinates": [0, 0], "bbox": [0, 1, 0]}, "bbox"),
        ({"type": "Point", "coordinates": [0, 0], "bbox": [0, 2, 1, 1]}, "bbox south"),
    ],
)
def test_validator_catches(geom: dict[str, Any], problem: str) -> None:
    found = errors(_fc(geom))
    assert any(problem in e for e in found), found


def test_validator_accepts_rfc_examples() -> None:
    for geom in (
        None,
        {"type": "Point", "coordinates": [100.0, 0.0]},
        {"type": "LineString", "coordinates": [[100.0, 0.0], [101.0, 1.0]]},
        {"type": "Polygon", "coordinates": [CCW, HOLE_CW]},
        {"type": "MultiPolygon", "coordinates": [[CCW], [[[2, 2], [3, 2], [3, 3], [2, 2]]]]},
        {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}]},
        {"type": "Point", "coordinates": [0, 0], "bbox": [0, 0, 0, 0]},
    ):
        assert errors(_fc(geom)) == []
    assert errors({"type": "Feature", "properties": {}}) != []  # geometry member required


# --------------------------------------------------------------------------- geometry_dict


def test_zero_length_line_is_a_point() -> None:
    g = geometry_dict(shapely.LineString([(44.6, 42.5), (44.6, 42.5)]))
    assert g == {"type": "Point", "coordinates": [44.6, 42.5]}
    tiny = geometry_dict(shapely.LineString([(44.6, 42.5), (44.600001, 42.500001)]))
    assert tiny is not None and tiny["type"] == "Point"  # collapses at 1e-5 degree


def test_empty_is_null_and_nan_is_refused() -> None:
    assert geometry_dict(None) is None
    assert geometry_dict(shapely.LineString()) is None
    assert geometry_dict(shapely.MultiLineString([])) is None
    with warnings.catch_warnings():  # shapely warns when building these
        warnings.simplefilter("ignore", RuntimeWarning)
        bad_line = shapely.LineString([(44, math.nan), (45, 40)])
        bad_poly = shapely.Polygon([(0, 0), (1, math.inf), (1, 1)])
    with pytest.raises(ValueError, match="non-finite"):
        geometry_dict(bad_line)
    with pytest.raises(ValueError, match="non-finite"):
        geometry_dict(bad_poly)


def test_polygons_are_counter_clockwise_with_clockwise_holes() -> None:
    shell_cw = [(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]
    hole_ccw = [(0.2, 0.2), (0.8, 0.2), (0.8, 0.8), (0.2, 0.8), (0.2, 0.2)]
    poly = shapely.Polygon(shell_cw, [hole_ccw])
    assert errors(_fc(_json(shapely.geometry.mapping(poly))))  # as shapely maps it: wrong
    for geom in (poly, shapely.MultiPolygon([poly, shapely.box(2, 2, 3, 3, ccw=False)])):
        out = _json(geometry_dict(geom))
        assert_valid(_fc(out))
        assert shapely.geometry.shape(out).equals(geom)


def test_multilinestring_drops_degenerate_parts() -> None:
    geom = shapely.MultiLineString([[(1, 1), (1, 1)], [(0, 0), (1, 0)]])
    assert geometry_dict(geom) == {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 0]]]}
    assert geometry_dict(shapely.MultiLineString([[(1, 1), (1, 1)]])) == {
        "type": "Point",
        "coordinates": [1, 1],
    }


# --------------------------------------------------------------------------- what corridor writes


@pytest.fixture(scope="module", params=SCENARIOS)
def scenario_plan(request: pytest.FixtureRequest) -> Plan:
    return plan(load_scenario(request.param))


def test_plan_geojson_file_is_valid(scenario_plan: Plan, tmp_path: Path) -> None:
    path = export.write_geojson(scenario_plan, tmp_path / "plan.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert_valid(data)
    legs = [f for f in data["features"] if f["properties"]["feature"] == "leg"]
    for f in legs:  # a mode change at one place is a Point, never an empty line
        if f["properties"]["mode"] == "transfer" and f["properties"]["km"] == 0:
            assert f["geometry"]["type"] == "Point"
    assert_valid(_json(export.plan_to_geojson(scenario_plan, legs=False)))


def test_closed_airspace_file_is_valid(scenario_plan: Plan, tmp_path: Path) -> None:
    path = export.write_closed_airspace_geojson(scenario_plan.scenario, tmp_path / "air.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert_valid(data)
    for f in data["features"]:  # the shape written is the zone (orientation changes nothing)
        zone = export.closed_airspace(scenario_plan.scenario).geometry[f["properties"]["iso3"]]
        written = shapely.geometry.shape(f["geometry"])
        assert abs(written.area - zone.area) / zone.area < 1e-3


def test_plan_json_leg_geometries_are_valid(scenario_plan: Plan) -> None:
    for route in scenario_plan.routes:
        for leg in route.legs:
            geom = _json(leg.to_dict()["geometry"])
            assert not errors(_fc(geom)), (leg.mode, leg.orig, leg.dest)
            if leg.km == 0 and leg.mode == "transfer":
                assert geom["type"] == "Point"


def test_route_of_only_a_mode_change_has_a_null_geometry_with_a_note() -> None:
    switch = Leg(
        "transfer", "b", "b", 0.0, 6.0, ("GEO",), ("b",),
        shapely.LineString([(44.6, 42.5), (44.6, 42.5)]),
    )  # fmt: skip
    p = Plan(make_scenario(name="s"), (PairPlan("b", "b", (Route("b", "b", (switch,)),)),))
    data = _json(export.plan_to_geojson(p))
    assert_valid(data)
    route, leg = data["features"]
    assert route["geometry"] is None and "no extent" in route["properties"]["geometry_note"]
    assert leg["geometry"] == {"type": "Point", "coordinates": [44.6, 42.5]}
    assert "geometry_note" not in leg["properties"]


# --------------------------------------------------------------------------- CSV tables


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_write_table_csv_neutralises_formulas(tmp_path: Path, lead: str) -> None:
    payload = f"{lead}HYPERLINK(1)"
    table = pd.DataFrame(
        {"origin": [payload, "yerevan"], "km": [-1.5, 2.0], f"{lead}col": ["a", "b"]},
        index=pd.Index([payload, "x"], name="pair"),
    )
    path = export.write_table(table, tmp_path / "t.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))], cells
    assert [c for c in cells if c.startswith("-")] == ["-1.5"]  # numbers stay numbers
    assert rows[1][0] == safe_cell(payload) == f"'{payload}"
    assert rows[1][1] == f"'{payload}"
    assert table.loc[payload, "origin"] == payload  # the caller's frame is untouched


def test_csv_writers_share_one_neutraliser() -> None:
    assert export._cell is safe_cell


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_legs_csv_neutralises_formulas_and_keeps_rows_whole(tmp_path: Path, lead: str) -> None:
    payload = f"{lead}HYPERLINK(1)"
    leg = Leg(
        "road", payload, "b", 1.0, 1.0, ("ARM",), (), shapely.LineString([(44, 40), (44.1, 40)])
    )
    p = Plan(make_scenario(name="s"), (PairPlan(payload, "b", (Route(payload, "b", (leg,)),)),))
    path = export.write_legs_csv(p, tmp_path / "legs.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    assert rows[0]["origin"] == rows[0]["from"] == f"'{payload}"
    assert float(rows[0]["km"]) == 1.0


def test_sweep_out_csv_from_the_issue_is_neutralised(tmp_path: Path) -> None:
    """Issue 10's case: ``sweep --from "+43.04,+44.67"`` wrote the label raw."""
    from click.testing import CliRunner

    from corridor.cli import cli

    out = tmp_path / "s.csv"
    args = ["sweep", "--from", "+43.04,+44.67", "--to", "yerevan", "--mode", "ground"]
    result = CliRunner().invoke(cli, [*args, "--countries", "GEO,IRN", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4
    assert {r["origin"] for r in rows} == {"'+43.04,+44.67"}
