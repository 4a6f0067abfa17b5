"""A small, independent RFC 7946 (GeoJSON) validator for the tests.

It checks what the RFC requires of the objects corridor writes, written from
the RFC's text (https://www.rfc-editor.org/rfc/rfc7946), not from corridor's
code: object types and members (sections 3, 3.2, 3.3), positions (3.1.1:
two or three finite numbers, longitude then latitude, in range), LineStrings
with two or more positions (3.1.4; we also require two *distinct* ones, as
issue 10 asks), linear rings closed with four or more positions (3.1.6),
exterior rings counter-clockwise and holes clockwise (3.1.6, right-hand rule),
and bounding boxes (5: 2*n numbers, south-west then north-east).
"""

from __future__ import annotations

import math
from typing import Any

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _position(p: Any, where: str, errors: list[str]) -> None:
    if not isinstance(p, list) or len(p) not in (2, 3) or not all(_number(v) for v in p):
        errors.append(f"{where}: position must be 2-3 finite numbers, got {p!r}")
        return
    lon, lat = p[0], p[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        errors.append(f"{where}: position {p!r} is not lon,lat in range")


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace sum: positive for counter-clockwise in lon/lat."""
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring[:-1], ring[1:], strict=True)
    )


def _line(coords: Any, where: str, errors: list[str]) -> None:
    if not isinstance(coords, list) or len(coords) < 2:
        errors.append(f"{where}: LineString needs >= 2 positions, got {coords!r}")
        return
    for i, p in enumerate(coords):
        _position(p, f"{where}[{i}]", errors)
    if len({tuple(p) for p in coords if isinstance(p, list)}) < 2:
        errors.append(f"{where}: LineString has fewer than 2 distinct positions")


def _polygon(rings: Any, where: str, errors: list[str]) -> None:
    if not isinstance(rings, list) or not rings:
        errors.append(f"{where}: Polygon needs at least an exterior ring")
        return
    for k, ring in enumerate(rings):
        w = f"{where} ring {k}"
        if not isinstance(ring, list) or len(ring) < 4:
            errors.append(f"{w}: a linear ring needs >= 4 positions")
            continue
        for i, p in enumerate(ring):
            _position(p, f"{w}[{i}]", errors)
        if ring[0] != ring[-1]:
            errors.append(f"{w}: ring is not closed")
            continue
        area = _signed_area(ring)
        if k == 0 and area <= 0:
            errors.append(f"{w}: exterior ring must be counter-clockwise (area {area})")
        if k > 0 and area >= 0:
            errors.append(f"{w}: hole must be clockwise (area {area})")


def _bbox(bbox: Any, where: str, errors: list[str]) -> None:
    if not isinstance(bbox, list) or len(bbox) not in (4, 6) or not all(_number(v) for v in bbox):
        errors.append(f"{where}: bbox must be 4 or 6 finite numbers")
        return
    n = len(bbox) // 2
    if bbox[1] > bbox[1 + n]:  # latitude south <= north; longitude may cross the antimeridian
        errors.append(f"{where}: bbox south {bbox[1]} is north of {bbox[1 + n]}")


def geometry_errors(geom: Any, where: str = "geometry") -> list[str]:
    """Problems of one geometry object (``None`` is a valid null geometry)."""
    errors: list[str] = []
    if geom is None:
        return errors
    if not isinstance(geom, dict) or geom.get("type") not in GEOMETRY_TYPES:
        return [f"{where}: not a geometry object: {geom!r:.80}"]
    kind = geom["type"]
    if "bbox" in geom:
        _bbox(geom["bbox"], where, errors)
    if kind == "GeometryCollection":
        members = geom.get("geometries")
        if not isinstance(members, list):
            return [f"{where}: GeometryCollection needs 'geometries'"]
        for i, g in enumerate(members):
            if g is None:
                errors.append(f"{where}.geometries[{i}]: null member")
            else:
                errors.extend(geometry_errors(g, f"{where}.geometries[{i}]"))
        return errors
    coords = geom.get("coordinates")
    if not isinstance(coords, list):
        return [f"{where}: {kind} needs a 'coordinates' array"]
    if kind == "Point":
        _position(coords, where, errors)
    elif kind == "MultiPoint":
        for i, p in enumerate(coords):
            _position(p, f"{where}[{i}]", errors)
    elif kind == "LineString":
        _line(coords, where, errors)
    elif kind == "MultiLineString":
        if not coords:
            errors.append(f"{where}: empty MultiLineString (write a null geometry instead)")
        for i, line in enumerate(coords):
            _line(line, f"{where}[{i}]", errors)
    elif kind == "Polygon":
        _polygon(coords, where, errors)
    else:
        if not coords:
            errors.append(f"{where}: empty MultiPolygon (write a null geometry instead)")
        for i, poly in enumerate(coords):
            _polygon(poly, f"{where}[{i}]", errors)
    return errors


def errors(obj: Any) -> list[str]:
    """Problems of a GeoJSON object (FeatureCollection, Feature or geometry)."""
    if not isinstance(obj, dict):
        return ["top level: not a JSON object"]
    out: list[str] = []
    if "bbox" in obj:
        _bbox(obj["bbox"], "top level", out)
    kind = obj.get("type")
    if kind == "FeatureCollection":
        feats = obj.get("features")
        if not isinstance(feats, list):
            return ["FeatureCollection needs a 'features' array"]
        for i, f in enumerate(feats):
            out.extend(feature_errors(f, f"features[{i}]"))
        return out
    if kind == "Feature":
        return out + feature_errors(obj, "feature")
    return out + geometry_errors(obj)


def feature_errors(f: Any, where: str) -> list[str]:
    """Problems of one Feature."""
    if not isinstance(f, dict) or f.get("type") != "Feature":
        return [f"{where}: not a Feature"]
    out: list[str] = []
    if "geometry" not in f:
        out.append(f"{where}: a Feature must have a 'geometry' member (may be null)")
    if "properties" not in f or not (f["properties"] is None or isinstance(f["properties"], dict)):
        out.append(f"{where}: a Feature must have 'properties' (object or null)")
    if "bbox" in f:
        _bbox(f["bbox"], where, out)
    out.extend(geometry_errors(f.get("geometry"), f"{where}.geometry"))
    return out


def assert_valid(obj: Any) -> None:
    """Fail with the first few problems when ``obj`` is not valid RFC 7946."""
    problems = errors(obj)
    assert not problems, f"{len(problems)} RFC 7946 problem(s): {problems[:5]}"
