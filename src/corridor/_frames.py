"""Plans as GeoDataFrames and tables (behind ``Plan.to_gdf``, ``routes_frame``, ``_repr_html_``).

geopandas is imported inside the functions, so importing :mod:`corridor.routing`
does not pay for it until a frame is asked for.

Columns
-------
Legs (:func:`legs_frame`, one row per leg of every route):
    ``pair``, ``origin``, ``destination``, ``rank``, ``leg`` (index within the
    route), ``mode``, ``from``, ``to``, ``km``, ``hours``, ``rest_hours`` (a truck's or
    column's daily-rest stops, not in ``hours``), ``countries``, ``via``, ``conditional``
    and ``geometry``. List cells are ``;``-joined
    strings so every file format can store them. A mode change at one place
    (a zero-length ``transfer``) is a Point; a leg without extent has a null
    geometry.
Routes (:func:`routes_frame`, one row per route):
    ``pair``, ``origin``, ``destination``, ``rank``, ``km``, ``hours``,
    ``transit_hours`` (elapsed: ``hours`` plus the daily-rest stops), ``modes``,
    ``countries``, ``via``, ``conditional``, ``legs`` (count) and a MultiLineString of
    its legs.
Both are in EPSG:4326 (lon, lat).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    import geopandas as gpd

    from corridor.routing import Leg, Plan, Route

__all__ = [
    "LEG_FRAME_COLUMNS",
    "ROUTE_FRAME_COLUMNS",
    "leg_geometry",
    "leg_record",
    "legs_frame",
    "pair_key",
    "plan_html",
    "plan_repr",
    "route_geometry",
    "routes_frame",
]

LEG_FRAME_COLUMNS = (
    "pair",
    "origin",
    "destination",
    "rank",
    "leg",
    "mode",
    "from",
    "to",
    "km",
    "hours",
    "rest_hours",
    "countries",
    "via",
    "conditional",
)
ROUTE_FRAME_COLUMNS = (
    "pair",
    "origin",
    "destination",
    "rank",
    "km",
    "hours",
    "transit_hours",
    "modes",
    "countries",
    "via",
    "conditional",
    "legs",
)
_DTYPES = {"rank": "int64", "leg": "int64", "legs": "int64", "km": "float64", "hours": "float64"}


def pair_key(route: Route) -> str:
    """Return the pair label ``"origin -> destination"`` used in every table."""
    return f"{route.origin} -> {route.destination}"


def leg_record(route: Route, index: int, leg: Leg, *, join: bool = True) -> dict[str, Any]:
    """Return the :data:`LEG_FRAME_COLUMNS` of one leg.

    The list fields (``countries``, ``via``, ``conditional``) are joined with ``;`` for
    tables, or kept as lists (``join=False``) for JSON.
    """

    def listed(items: tuple[str, ...]) -> str | list[str]:
        return ";".join(items) if join else list(items)

    return {
        "pair": pair_key(route),
        "origin": route.origin,
        "destination": route.destination,
        "rank": route.rank,
        "leg": index,
        "mode": leg.mode,
        "from": leg.orig,
        "to": leg.dest,
        "km": float(leg.km),
        "hours": float(leg.hours),
        "rest_hours": float(leg.rest_hours),
        "countries": listed(leg.countries),
        "via": listed(leg.via),
        "conditional": listed(leg.conditional),
    }


def leg_geometry(leg: Leg) -> BaseGeometry | None:
    """Return a leg's line, a Point for a mode change in one place, None without extent."""
    line = leg.geometry
    if line is None or line.is_empty:
        return None
    xy = shapely.get_coordinates(line)
    if len({(float(x), float(y)) for x, y in xy}) < 2:
        return shapely.Point(xy[0])
    return line


def route_geometry(route: Route) -> BaseGeometry | None:
    """Return a route's legs as one MultiLineString (mode changes omitted), or None."""
    lines = [g for g in map(leg_geometry, route.legs) if isinstance(g, shapely.LineString)]
    return shapely.MultiLineString(lines) if lines else None


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    table = pd.DataFrame(rows, columns=[*columns, "geometry"])
    types: dict[str, Any] = {c: t for c, t in _DTYPES.items() if c in table.columns}
    table = table.astype(types)
    return gpd.GeoDataFrame(table, geometry="geometry", crs="EPSG:4326")


def legs_frame(plan: Plan) -> gpd.GeoDataFrame:
    """Return one row per leg of every route (columns in the module docstring).

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    rows = [
        {**leg_record(route, i, leg), "geometry": leg_geometry(leg)}
        for route in plan.routes
        for i, leg in enumerate(route.legs)
    ]
    return _frame(rows, LEG_FRAME_COLUMNS)


def routes_frame(plan: Plan) -> gpd.GeoDataFrame:
    """Return one row per route (columns in the module docstring).

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.

    Returns
    -------
    geopandas.GeoDataFrame
        Infeasible pairs have no row; their why-not is in ``plan.pairs``.
    """
    rows = [
        {
            "pair": pair_key(route),
            "origin": route.origin,
            "destination": route.destination,
            "rank": route.rank,
            "km": float(route.km),
            "hours": float(route.hours),
            "transit_hours": float(route.transit_hours),
            "modes": ";".join(route.modes),
            "countries": ";".join(route.countries),
            "via": ";".join(route.via),
            "conditional": ";".join(route.conditional),
            "legs": len(route.legs),
            "geometry": route_geometry(route),
        }
        for route in plan.routes
    ]
    return _frame(rows, ROUTE_FRAME_COLUMNS)


def plan_repr(plan: Plan) -> str:
    """Return a one-line summary of a plan (its ``repr``)."""
    ok = sum(p.feasible for p in plan.pairs)
    return (
        f"<Plan {plan.scenario.name!r}: {ok} of {len(plan.pairs)} pairs have a route, "
        f"{len(plan.routes)} routes>"
    )


def plan_html(plan: Plan, *, max_rows: int = 60) -> str:
    """Return a compact HTML table of a plan: one row per route, why-not for the rest.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    max_rows
        Rows shown before the table is cut (the count of the rest is given).

    Returns
    -------
    str
        An HTML fragment; every value is escaped.
    """
    e = html.escape
    ok = sum(p.feasible for p in plan.pairs)
    head = (
        f"<p><b>{e(plan.scenario.name)}</b>: {ok} of {len(plan.pairs)} "
        f"origin&ndash;destination pairs have a route</p>"
    )
    cells = ("pair", "rank", "km", "hours", "modes", "countries", "conditional / why not")
    rows: list[str] = []
    for pair in plan.pairs:
        if not pair.routes:
            reason = pair.why_not.reason if pair.why_not else "no route"
            fixes = ""
            if pair.why_not and pair.why_not.restore:
                fixes = "; restore: " + " or ".join("+".join(r) for r in pair.why_not.restore)
            rows.append(
                f"<tr><td>{e(pair.origin)} &rarr; {e(pair.destination)}</td>"
                f"<td colspan='5'>no route</td><td>{e(reason + fixes)}</td></tr>"
            )
            continue
        for route in pair.routes:
            rows.append(
                "<tr>"
                f"<td>{e(pair.origin)} &rarr; {e(pair.destination)}</td><td>{route.rank}</td>"
                f"<td style='text-align:right'>{route.km:,.0f}</td>"
                f"<td style='text-align:right'>{route.hours:,.1f}</td>"
                f"<td>{e('+'.join(route.modes))}</td><td>{e(' > '.join(route.countries))}</td>"
                f"<td>{e(', '.join(route.conditional))}</td></tr>"
            )
    shown = rows[:max_rows]
    more = f"<p>&hellip; {len(rows) - max_rows} more rows</p>" if len(rows) > max_rows else ""
    header = "".join(f"<th>{e(c)}</th>" for c in cells)
    return (
        f"<div class='corridor-plan'>{head}<table><thead><tr>{header}</tr></thead>"
        f"<tbody>{''.join(shown)}</tbody></table>{more}</div>"
    )
