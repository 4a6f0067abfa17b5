"""Shapely geometries as RFC 7946 GeoJSON geometry objects, and safe CSV cells.

Every GeoJSON corridor writes goes through :func:`geometry_dict`, which
guarantees what RFC 7946 asks of a geometry:

* positions are ``[lon, lat]`` with finite numbers, rounded to ``1e-5`` degree
  (about 1 m; RFC 7946 section 11.2 recommends limiting precision);
* a LineString has at least two *distinct* positions: a line that collapses
  to one place (a mode change, or a line shorter than the precision) becomes a
  Point; a MultiLineString keeps only its real lines;
* polygon rings are closed, have at least four positions, exteriors are
  counter-clockwise and holes clockwise (section 3.1.6, right-hand rule);
* an empty geometry is ``None`` (a feature with ``"geometry": null``); the
  caller states why in the feature's properties.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["FORMULA_START", "PRECISION_DEG", "geometry_dict", "safe_cell"]

#: Grid of written coordinates, degrees.
PRECISION_DEG = 1e-5
_DIGITS = 5
#: Leading characters that make spreadsheet programs evaluate a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection).

    Parameters
    ----------
    value
        A text cell.

    Returns
    -------
    str
        ``value`` with a leading apostrophe when it starts with ``=``, ``+``,
        ``-``, ``@``, a tab or a carriage return; otherwise unchanged.
    """
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _pos(x: float, y: float) -> list[float]:
    if not (math.isfinite(x) and math.isfinite(y)):
        msg = f"cannot write a GeoJSON position with a non-finite coordinate ({x}, {y})"
        raise ValueError(msg)
    return [round(float(x), _DIGITS) + 0.0, round(float(y), _DIGITS) + 0.0]


def _xy(geom: BaseGeometry) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in shapely.get_coordinates(geom)]


def _line_positions(coords: Any) -> list[list[float]]:
    """Return rounded positions without consecutive repeats."""
    out: list[list[float]] = []
    for x, y, *_ in coords:
        p = _pos(x, y)
        if not out or out[-1] != p:
            out.append(p)
    return out


def _line(coords: Any) -> dict[str, Any] | None:
    pts = _line_positions(coords)
    if not pts:
        return None
    if len(pts) < 2:
        return {"type": "Point", "coordinates": pts[0]}
    return {"type": "LineString", "coordinates": pts}


def _rings(poly: shapely.Polygon) -> list[list[list[float]]] | None:
    rings = []
    for k, ring in enumerate([poly.exterior, *poly.interiors]):
        pts = _line_positions(ring.coords)
        if pts and pts[0] != pts[-1]:
            pts.append(pts[0])
        if len(pts) < 4:
            if k == 0:
                return None
            continue
        rings.append(pts)
    return rings


def _polygonal(geom: BaseGeometry) -> dict[str, Any] | None:
    snapped = shapely.orient_polygons(shapely.set_precision(geom, PRECISION_DEG))
    polys = [
        r
        for p in shapely.get_parts(snapped)
        if p.geom_type == "Polygon"
        for r in [_rings(p)]
        if r is not None
    ]
    if not polys:
        return None
    if geom.geom_type == "Polygon" and len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


def geometry_dict(geom: BaseGeometry | None) -> dict[str, Any] | None:
    """Return an RFC 7946 geometry object for ``geom``, or None when it has no extent.

    Parameters
    ----------
    geom
        Any shapely geometry in lon/lat (EPSG:4326), or None.

    Returns
    -------
    dict or None
        ``{"type": ..., "coordinates": ...}`` (or ``"geometries"`` for a
        collection); a line of one distinct position is a Point; None for an
        empty geometry.

    Raises
    ------
    ValueError
        For a NaN or infinite coordinate.

    Examples
    --------
    >>> geometry_dict(shapely.LineString([(44.5, 40.1), (44.5, 40.1)]))
    {'type': 'Point', 'coordinates': [44.5, 40.1]}
    """
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind == "Point":
        ((x, y),) = _xy(geom)
        return {"type": "Point", "coordinates": _pos(x, y)}
    if kind in ("LineString", "LinearRing"):
        return _line(geom.coords)
    if kind in ("Polygon", "MultiPolygon"):
        if not np.isfinite(shapely.get_coordinates(geom)).all():
            msg = "cannot write a GeoJSON polygon with a non-finite coordinate"
            raise ValueError(msg)
        return _polygonal(geom)
    if kind == "MultiPoint":
        return {"type": "MultiPoint", "coordinates": [_pos(x, y) for x, y in _xy(geom)]}
    if kind == "MultiLineString":
        parts = [_line_positions(p.coords) for p in shapely.get_parts(geom)]
        lines = [p for p in parts if len(p) >= 2]
        if lines:
            return {"type": "MultiLineString", "coordinates": lines}
        points = [p[0] for p in parts if p]
        return {"type": "Point", "coordinates": points[0]} if points else None
    if kind == "GeometryCollection":
        members = [geometry_dict(g) for g in shapely.get_parts(geom)]
        kept = [m for m in members if m is not None]
        return {"type": "GeometryCollection", "geometries": kept} if kept else None
    msg = f"cannot write geometry type {kind!r} as GeoJSON"
    raise ValueError(msg)
