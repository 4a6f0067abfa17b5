"""Exports: GeoJSON, CSV and JSON round trips, geometry, atomic writes."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from corridor import _io, export
from corridor._errors import CorridorError, OutputError
from corridor.routing import Leg, PairPlan, Plan, Route, plan
from corridor.scenario import load_scenario, make_scenario


@pytest.fixture(scope="module")
def plan_2020() -> Plan:
    return plan(load_scenario("armenia-2020"))


def _synthetic_plan(place: str = "a") -> Plan:
    road = Leg(
        "road", place, "b", 120.5, 2.0, ("RUS", "GEO"), ("x-1",),
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
    route = Route(place, "c", (road, switch, rail), rank=1)
    return Plan(make_scenario(name="synthetic"), (PairPlan(place, "c", (route,)),))


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_round_trip(plan_2020: Plan, tmp_path: Path) -> None:
    path = export.write_geojson(plan_2020, tmp_path / "plan.geojson")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(export.plan_to_geojson(plan_2020)))
    assert data["type"] == "FeatureCollection" and data["scenario"] == "armenia-2020"
    kinds = [f["properties"]["feature"] for f in data["features"]]
    assert kinds.count("route") == len(plan_2020.routes)
    assert kinds.count("leg") == sum(len(r.legs) for r in plan_2020.routes)


def test_geojson_geometry_is_valid(plan_2020: Plan) -> None:
    for feature in export.plan_to_geojson(plan_2020)["features"]:
        geom = shape(feature["geometry"])
        assert geom.is_valid, feature["properties"]
        assert not geom.is_empty
        if feature["properties"]["feature"] == "route":
            assert geom.geom_type == "MultiLineString"
        minx, miny, maxx, maxy = geom.bounds
        assert 20 <= minx <= maxx <= 90 and 30 <= miny <= maxy <= 63


def test_mode_change_in_place_is_a_point() -> None:
    feats = export.plan_to_geojson(_synthetic_plan())["features"]
    legs = [f for f in feats if f["properties"]["feature"] == "leg"]
    assert [f["geometry"]["type"] for f in legs] == ["LineString", "Point", "LineString"]
    assert all(shape(f["geometry"]).is_valid for f in feats)


def test_leg_km_sum_to_route_km(plan_2020: Plan) -> None:
    feats = export.plan_to_geojson(plan_2020)["features"]
    routes = {
        (f["properties"]["pair"], f["properties"]["rank"]): f["properties"]
        for f in feats
        if f["properties"]["feature"] == "route"
    }
    sums: dict[tuple[str, int], float] = {}
    for f in feats:
        p = f["properties"]
        if p["feature"] == "leg":
            sums[(p["pair"], p["rank"])] = sums.get((p["pair"], p["rank"]), 0.0) + p["km"]
    assert sums.keys() == routes.keys()
    for key, props in routes.items():
        assert math.isclose(sums[key], props["km"], abs_tol=0.1), key


def test_route_properties(plan_2020: Plan) -> None:
    best = plan_2020.pairs[0].best
    assert best is not None
    props = export.plan_to_geojson(plan_2020, legs=False)["features"][0]["properties"]
    assert props["feature"] == "route"
    assert props["countries"] == list(best.countries)
    assert props["conditional"] == ["IRN"]
    assert props["hours"] == round(best.hours, 2)


def test_closed_airspace_geojson() -> None:
    data = export.closed_airspace_geojson(load_scenario("armenia-2020"))
    assert {f["properties"]["iso3"] for f in data["features"]} == {"AZE", "GEO", "TUR"}
    for f in data["features"]:
        assert f["properties"]["reason"] == "hostile for overflight"
        assert shape(f["geometry"]).is_valid
    extra = make_scenario(closed_airspace=["KAZ"], stances={"GEO": {"road": "hostile"}})
    data = export.closed_airspace_geojson(extra)
    reasons = {f["properties"]["iso3"]: f["properties"]["reason"] for f in data["features"]}
    assert reasons == {"KAZ": "closed by the scenario"}  # GEO is hostile by road only


def test_closed_airspace_covers_the_sea_belt() -> None:
    frame = export.closed_airspace(make_scenario(stances={"GEO": "hostile"}))
    from corridor.borders import load_borders

    land = load_borders().geometry["GEO"]
    assert frame.geometry["GEO"].area > land.area  # land plus 12 nm of the Black Sea


# --------------------------------------------------------------------------- CSV and JSON


def test_legs_csv_round_trip(plan_2020: Plan, tmp_path: Path) -> None:
    path = export.write_legs_csv(plan_2020, tmp_path / "legs.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == export.LEG_COLUMNS
        rows = list(reader)
    legs = [(r, i, leg) for r in plan_2020.routes for i, leg in enumerate(r.legs)]
    assert len(rows) == len(legs)
    for row, (route, i, leg) in zip(rows, legs, strict=True):
        assert row["pair"] == f"{route.origin} -> {route.destination}"
        assert int(row["rank"]) == route.rank and int(row["leg"]) == i
        assert (row["mode"], row["from"], row["to"]) == (leg.mode, leg.orig, leg.dest)
        assert math.isclose(float(row["km"]), leg.km, abs_tol=1e-3)
        assert math.isclose(float(row["hours"]), leg.hours, abs_tol=1e-3)
        assert row["countries"].split(";") == list(leg.countries)
        assert row["via"] == ";".join(leg.via)
        assert row["conditional"] == ";".join(leg.conditional)
    by_route: dict[tuple[str, str], float] = {}
    for row in rows:
        key = (row["pair"], row["rank"])
        by_route[key] = by_route.get(key, 0.0) + float(row["km"])
    for route in plan_2020.routes:
        key = (f"{route.origin} -> {route.destination}", str(route.rank))
        assert math.isclose(by_route[key], route.km, abs_tol=0.01)


def test_csv_neutralises_formulas(tmp_path: Path) -> None:
    path = export.write_legs_csv(_synthetic_plan("=HYPERLINK(1)"), tmp_path / "legs.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0]["origin"] == "'=HYPERLINK(1)" and rows[0]["from"] == "'=HYPERLINK(1)"
    assert float(rows[0]["km"]) == 120.5  # numbers untouched


def test_json_round_trip(plan_2020: Plan, tmp_path: Path) -> None:
    path = export.write_json(plan_2020, tmp_path / "plan.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(plan_2020.to_dict()))
    assert data["scenario"] == "armenia-2020" and data["feasible"] is True


def test_writers_refuse_a_non_plan(tmp_path: Path) -> None:
    for writer in (export.write_json, export.write_geojson, export.write_legs_csv):
        with pytest.raises(TypeError, match="Plan"):
            writer({"routes": []}, tmp_path / "x")  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())


def test_write_table(tmp_path: Path) -> None:
    table = pd.DataFrame({"closed": ["", "GEO"], "km": [452.0, 1758.5], "feasible": [True, True]})
    path = export.write_table(table, tmp_path / "sweep.csv")
    pd.testing.assert_frame_equal(pd.read_csv(path, keep_default_na=False), table)
    path = export.write_table(table, tmp_path / "sweep.json")
    assert json.loads(path.read_text(encoding="utf-8"))[1] == {
        "closed": "GEO",
        "km": 1758.5,
        "feasible": True,
    }
    with pytest.raises(CorridorError, match="unknown table format"):
        export.write_table(table, tmp_path / "sweep.xlsx")


# --------------------------------------------------------------------------- atomicity


class _InterruptedError(OSError):
    pass


def _interrupt_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every atomic write die half-way through writing its bytes."""
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, fh: Any) -> None:
            self._fh = fh

        def __enter__(self) -> HalfWriter:
            return self

        def __exit__(self, *exc: object) -> None:
            self._fh.close()

        def write(self, data: bytes) -> int:
            self._fh.write(data[: len(data) // 2])
            self._fh.flush()
            msg = "disk full"
            raise _InterruptedError(msg)

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> HalfWriter:
        return HalfWriter(real_fdopen(fd, *args, **kwargs))

    monkeypatch.setattr(_io.os, "fdopen", fdopen)


WRITERS: dict[str, Callable[[Plan, Path], Path]] = {
    "geojson": export.write_geojson,
    "csv": export.write_legs_csv,
    "json": export.write_json,
    "airspace": lambda p, path: export.write_closed_airspace_geojson(p.scenario, path),
}


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_interrupted_write_leaves_old_file(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / f"out.{kind}"
    dest.write_text("previous content", encoding="utf-8")
    _interrupt_writes(monkeypatch)
    with pytest.raises(OutputError) as caught:  # exit 4 in the CLI, the OS error chained
        WRITERS[kind](_synthetic_plan(), dest)
    assert isinstance(caught.value.__cause__, _InterruptedError)
    assert dest.read_text(encoding="utf-8") == "previous content"
    assert [p.name for p in tmp_path.iterdir()] == [dest.name]  # no temp file left


@pytest.mark.parametrize("kind", sorted(WRITERS))
def test_interrupted_write_creates_nothing(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupt_writes(monkeypatch)
    with pytest.raises(OutputError) as caught:
        WRITERS[kind](_synthetic_plan(), tmp_path / f"new.{kind}")
    assert isinstance(caught.value.__cause__, _InterruptedError)
    assert list(tmp_path.iterdir()) == []


def test_writes_replace_whole_files(tmp_path: Path) -> None:
    dest = tmp_path / "plan.json"
    dest.write_text("x" * 100_000, encoding="utf-8")
    export.write_json(_synthetic_plan(), dest)
    assert json.loads(dest.read_text(encoding="utf-8"))["scenario"] == "synthetic"
