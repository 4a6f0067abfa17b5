"""Plans and scenarios as files: GeoJSON, CSV and JSON, always written atomically.

The ``*_geojson`` and ``*_to_*`` functions are pure (they return data); the
``write_*`` functions build the whole content first and then hand it to
:func:`corridor._io.atomic_write_text`, so an interrupted write never leaves a
partial file behind.

Formats
-------
GeoJSON (:func:`plan_to_geojson`)
    A FeatureCollection (EPSG:4326, coordinates to 1e-5 degree) with one feature
    per route (``"feature": "route"``, MultiLineString of its legs) and one per leg
    (``"feature": "leg"``, LineString, or Point for a mode change at one place).
CSV (:func:`write_legs_csv`)
    One row per leg, columns :data:`LEG_COLUMNS`; lists are joined with ``;``.
JSON (:func:`write_json`)
    :meth:`corridor.routing.Plan.to_dict`, the form ``corridor route --json`` prints.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from corridor import borders
from corridor._errors import CorridorError
from corridor._frames import LEG_FRAME_COLUMNS, leg_record, pair_key
from corridor._geojson import FORMULA_START, geometry_dict, safe_cell
from corridor._io import atomic_write_bytes, atomic_write_text
from corridor.scenario import Scenario, Stance

if TYPE_CHECKING:
    from corridor.routing import Leg, Plan, Route

__all__ = [
    "LEG_COLUMNS",
    "closed_airspace",
    "closed_airspace_geojson",
    "legs_table",
    "plan_to_geojson",
    "write_closed_airspace_geojson",
    "write_geojson",
    "write_json",
    "write_legs_csv",
    "write_routes",
    "write_table",
]

#: Columns of the legs CSV, in order: the same as the legs GeoDataFrame's.
LEG_COLUMNS = LEG_FRAME_COLUMNS
_FORMULA_START = FORMULA_START
#: ``geometry_note`` of a feature written with a null geometry.
NULL_GEOMETRY_NOTE = "no extent: a mode change at one place, or a shape below 1e-5 degree"


# --------------------------------------------------------------------------- closed airspace


def closed_airspace(scenario: Scenario) -> gpd.GeoDataFrame:
    """Territorial airspace (land plus 12 nm of sea) closed to overflight by a scenario.

    A state's airspace is closed when the scenario makes it hostile for
    ``overflight`` or lists it in ``closed_airspace``. Shapes come from
    :func:`corridor.borders.load_airspace` under the scenario's Caspian rule.

    Parameters
    ----------
    scenario
        The what-if.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by ISO3 (``zone``): ``name``, ``reason`` (``"hostile for overflight"``
        and/or ``"closed by the scenario"``), geometry in EPSG:4326, full detail.

    Examples
    --------
    >>> from corridor.scenario import make_scenario
    >>> sorted(closed_airspace(make_scenario(stances={"GEO": "hostile"})).index)
    ['GEO']
    """
    if not isinstance(scenario, Scenario):
        msg = f"expected a corridor Scenario, got {type(scenario).__name__}"
        raise TypeError(msg)
    zones = borders.load_airspace(scenario.caspian)
    rows: list[tuple[str, str]] = []
    for code in zones.index:
        if code == borders.INTL:
            continue
        reasons = []
        if scenario.stance(str(code), "overflight") == Stance.HOSTILE:
            reasons.append("hostile for overflight")
        if code in scenario.closed_airspace:
            reasons.append("closed by the scenario")
        if reasons:
            rows.append((str(code), "; ".join(reasons)))
    codes = [c for c, _ in rows]
    out = zones.loc[codes, ["name", "geometry"]].copy()
    out["reason"] = [r for _, r in rows]
    return gpd.GeoDataFrame(out[["name", "reason", "geometry"]], geometry="geometry", crs=zones.crs)


def closed_airspace_geojson(scenario: Scenario) -> dict[str, Any]:
    """Return the closed airspace of a scenario as a GeoJSON FeatureCollection.

    Parameters
    ----------
    scenario
        The what-if.

    Returns
    -------
    dict
        Features with properties ``iso3``, ``name``, ``reason``; top-level member
        ``scenario`` gives the scenario's name.
    """
    frame = closed_airspace(scenario)
    features = [
        {
            "type": "Feature",
            "properties": {"iso3": str(code), "name": str(row["name"]), "reason": row["reason"]},
            "geometry": _geometry(row.geometry),
        }
        for code, row in frame.iterrows()
    ]
    features = [_note_null(f) for f in features]
    return {"type": "FeatureCollection", "scenario": scenario.name, "features": features}


# --------------------------------------------------------------------------- plan as GeoJSON


def _geometry(geom: BaseGeometry) -> dict[str, Any] | None:
    """RFC 7946 geometry (see :func:`corridor._geojson.geometry_dict`), None without extent."""
    return geometry_dict(geom)


def _note_null(feature: dict[str, Any]) -> dict[str, Any]:
    """Say why a feature has a null geometry (RFC 7946 allows null; readers deserve a reason)."""
    if feature["geometry"] is None:
        feature["properties"]["geometry_note"] = NULL_GEOMETRY_NOTE
    return feature


def _leg_geometry(leg: Leg) -> BaseGeometry:
    """Return the leg's line, or a Point for a mode change that stays in one place."""
    line = leg.geometry
    if not line.is_empty and line.length == 0.0:
        return shapely.Point(line.coords[0])
    return line


def _route_properties(route: Route) -> dict[str, Any]:
    return {
        "feature": "route",
        "pair": pair_key(route),
        "origin": route.origin,
        "destination": route.destination,
        "rank": route.rank,
        "km": round(route.km, 1),
        "hours": round(route.hours, 2),
        "transit_hours": round(route.transit_hours, 2),
        "modes": list(route.modes),
        "countries": list(route.countries),
        "via": list(route.via),
        "conditional": list(route.conditional),
        "legs": len(route.legs),
    }


def _leg_properties(route: Route, index: int, leg: Leg) -> dict[str, Any]:
    record = leg_record(route, index, leg, join=False)
    return {
        "feature": "leg",
        **record,
        "km": round(record["km"], 3),
        "hours": round(record["hours"], 3),
        "rest_hours": round(record["rest_hours"], 3),
    }


def plan_to_geojson(plan: Plan, *, legs: bool = True) -> dict[str, Any]:
    """Return a plan's routes (and legs) as a GeoJSON FeatureCollection.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    legs
        Also emit one feature per leg.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "scenario", "feasible", "features"}``. Route
        features carry ``pair``, ``origin``, ``destination``, ``rank``, ``km``,
        ``hours``, ``modes``, ``countries``, ``via``, ``conditional``; leg features
        carry ``leg`` (index within the route), ``mode``, ``from``, ``to``, ``km``,
        ``hours``, ``countries``, ``via``, ``conditional``. Infeasible pairs have no
        feature; see :meth:`corridor.routing.Plan.to_dict` for their why-not.
    """
    _check_plan(plan)
    features: list[dict[str, Any]] = []
    for route in plan.routes:
        lines = [
            leg.geometry
            for leg in route.legs
            if not leg.geometry.is_empty and leg.geometry.length > 0.0
        ]
        features.append(
            {
                "type": "Feature",
                "properties": _route_properties(route),
                "geometry": _geometry(shapely.MultiLineString(lines)),
            }
        )
        if legs:
            features.extend(
                {
                    "type": "Feature",
                    "properties": _leg_properties(route, i, leg),
                    "geometry": _geometry(_leg_geometry(leg)),
                }
                for i, leg in enumerate(route.legs)
            )
    return {
        "type": "FeatureCollection",
        "scenario": plan.scenario.name,
        "feasible": plan.feasible,
        "features": [_note_null(f) for f in features],
    }


# --------------------------------------------------------------------------- legs table


_cell = safe_cell


def legs_table(plan: Plan) -> list[dict[str, Any]]:
    """One record per leg of every route, keyed by :data:`LEG_COLUMNS`.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.

    Returns
    -------
    list of dict
        ``km`` and ``hours`` are floats; lists are joined with ``;``.
    """
    _check_plan(plan)
    return [
        {
            **rec,
            "km": round(rec["km"], 3),
            "hours": round(rec["hours"], 3),
            "rest_hours": round(rec["rest_hours"], 3),
        }
        for route in plan.routes
        for i, leg in enumerate(route.legs)
        for rec in [leg_record(route, i, leg)]
    ]


# --------------------------------------------------------------------------- writers


def _check_plan(plan: Any) -> None:
    from corridor.routing import Plan

    if not isinstance(plan, Plan):
        msg = f"expected a corridor Plan (from corridor.plan), got {type(plan).__name__}"
        raise TypeError(msg)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def write_geojson(plan: Plan, path: str | Path, *, legs: bool = True) -> Path:
    """Write :func:`plan_to_geojson` to ``path`` atomically.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    path
        Destination (``.geojson``); its folder is created when missing.
    legs
        Also write one feature per leg.

    Returns
    -------
    pathlib.Path
    """
    return atomic_write_text(path, _dumps(plan_to_geojson(plan, legs=legs)))


def write_closed_airspace_geojson(scenario: Scenario, path: str | Path) -> Path:
    """Write :func:`closed_airspace_geojson` to ``path`` atomically.

    Parameters
    ----------
    scenario
        The what-if.
    path
        Destination (``.geojson``).

    Returns
    -------
    pathlib.Path
    """
    return atomic_write_text(path, _dumps(closed_airspace_geojson(scenario)))


def write_legs_csv(plan: Plan, path: str | Path) -> Path:
    """Write one CSV row per leg (columns :data:`LEG_COLUMNS`) atomically.

    Text cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``)
    get a leading apostrophe.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    path
        Destination (``.csv``, UTF-8, header row, newline line ends).

    Returns
    -------
    pathlib.Path
    """
    rows = [
        {k: _cell(v) if isinstance(v, str) else v for k, v in r.items()} for r in legs_table(plan)
    ]
    breaks = any(isinstance(v, str) and ("\r" in v or "\n" in v) for r in rows for v in r.values())
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=LEG_COLUMNS,
        lineterminator="\n",
        quoting=csv.QUOTE_NONNUMERIC if breaks else csv.QUOTE_MINIMAL,  # a bare CR is quoted
    )
    writer.writeheader()
    writer.writerows(rows)
    return atomic_write_text(path, buffer.getvalue())


def write_json(plan: Plan, path: str | Path) -> Path:
    """Write the plan's :meth:`~corridor.routing.Plan.to_dict` as JSON atomically.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    path
        Destination (``.json``, UTF-8).

    Returns
    -------
    pathlib.Path
    """
    _check_plan(plan)
    return atomic_write_text(path, _dumps(plan.to_dict()))


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write a table (e.g. :func:`corridor.analysis.sweep`) atomically, by file suffix.

    Parameters
    ----------
    table
        Any pandas DataFrame; its index is written only when it is named.
    path
        Destination: ``.csv`` (UTF-8; text cells that start like a spreadsheet
        formula get a leading apostrophe, and text is quoted when a cell holds a
        line break), ``.json`` (records) or ``.parquet`` (needs pyarrow or
        fastparquet).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    CorridorError
        For another suffix, or ``.parquet`` without a parquet engine.
    """
    dest = Path(path)
    suffix = dest.suffix.lower()
    index = any(name is not None for name in table.index.names)
    if suffix == ".csv":
        safe = _safe_frame(table)
        text = safe.to_csv(index=index, lineterminator="\n", quoting=_quoting(safe))
        return atomic_write_text(dest, text)
    if suffix == ".json":
        frame = table.reset_index() if index else table
        return atomic_write_text(dest, frame.to_json(orient="records", force_ascii=False) + "\n")
    if suffix == ".parquet":
        buffer = io.BytesIO()
        try:
            table.to_parquet(buffer, index=index)
        except ImportError as exc:
            msg = f"cannot write {dest}: parquet needs pyarrow or fastparquet; use .csv or .json"
            raise CorridorError(msg) from exc
        return atomic_write_bytes(dest, buffer.getvalue())
    msg = f"cannot write {dest}: unknown table format {suffix!r}; use .csv, .json or .parquet"
    raise CorridorError(msg)


def _safe_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``table`` whose text cells, labels and index cannot run as spreadsheet formulas."""

    def fix(value: Any) -> Any:
        return safe_cell(value) if isinstance(value, str) else value

    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(fix).astype(object)
    out.columns = pd.Index([fix(c) for c in out.columns])
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_tuples(
            [tuple(fix(v) for v in t) for t in out.index], names=out.index.names
        )
    else:
        out.index = pd.Index([fix(v) for v in out.index], name=out.index.name)
    return out


def _quoting(table: pd.DataFrame) -> Literal[0, 2]:
    """Quote all text when a cell holds CR or LF (Python 3.11's csv leaves a bare CR raw)."""
    cells = [*table.columns, *table.index]
    for col in table.columns:
        if table[col].dtype == object:
            cells.extend(table[col])
    if any(isinstance(c, str) and ("\r" in c or "\n" in c) for c in cells):
        return 2  # csv.QUOTE_NONNUMERIC
    return 0  # csv.QUOTE_MINIMAL


# --------------------------------------------------------------------------- routes as GIS files

#: File suffixes :func:`write_routes` understands, and the format each means.
ROUTE_FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".parquet": "GeoParquet",
    ".geoparquet": "GeoParquet",
}


def route_format(path: str | Path) -> str:
    """Return the format :func:`write_routes` picks for ``path``, from its suffix.

    Parameters
    ----------
    path
        Destination file.

    Returns
    -------
    str
        ``"GeoJSON"``, ``"GeoPackage"`` or ``"GeoParquet"``.

    Raises
    ------
    CorridorError
        For another suffix; the message lists the valid ones.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in ROUTE_FORMATS:
        valid = ", ".join(ROUTE_FORMATS)
        msg = f"cannot write routes to {path}: unknown format {suffix!r}; use {valid}"
        raise CorridorError(msg)
    return ROUTE_FORMATS[suffix]


def _frame_geojson(frame: gpd.GeoDataFrame, plan: Plan) -> dict[str, Any]:
    props = pd.DataFrame(frame.drop(columns="geometry")).to_dict("records")
    features = [
        _note_null({"type": "Feature", "properties": p, "geometry": geometry_dict(g)})
        for p, g in zip(props, frame.geometry, strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "scenario": plan.scenario.name,
        "feasible": plan.feasible,
        "features": features,
    }


def write_routes(plan: Plan, path: str | Path, *, legs: bool = False) -> Path:
    """Write a plan's routes as GeoJSON, GeoPackage or GeoParquet, chosen by suffix, atomically.

    The rows are :meth:`~corridor.routing.Plan.routes_frame` (one per route,
    MultiLineString) or, with ``legs``, :meth:`~corridor.routing.Plan.to_gdf`
    (one per leg; a mode change at one place is a Point). A GeoPackage always
    holds both, as layers ``routes`` and ``legs``. GeoJSON is RFC 7946 (lon,lat,
    1e-5 degree, null geometry with a ``geometry_note`` for a leg without
    extent); GeoParquet and GeoPackage are written by geopandas in EPSG:4326.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    path
        Destination: ``.geojson``/``.json``, ``.gpkg``, ``.parquet``/``.geoparquet``.
    legs
        Write one row per leg instead of one per route (GeoJSON, GeoParquet).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    CorridorError
        For an unknown suffix.
    """
    _check_plan(plan)
    dest = Path(path)
    fmt = route_format(dest)
    frame = plan.to_gdf() if legs else plan.routes_frame()
    if fmt == "GeoJSON":
        return atomic_write_text(dest, _dumps(_frame_geojson(frame, plan)))
    if fmt == "GeoParquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return atomic_write_bytes(dest, buffer.getvalue())
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".gpkg")
    os.close(fd)
    Path(tmp).unlink()  # GDAL creates the file itself
    try:
        for layer, table in (("routes", plan.routes_frame()), ("legs", plan.to_gdf())):
            table.to_file(tmp, layer=layer, driver="GPKG", index=False)
        Path(tmp).replace(dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest
