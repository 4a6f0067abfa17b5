"""Trace a road link over TravelMapping HighwayData waypoint files saved locally.

Run from the repository root::

    .venv/bin/python scripts/trace_travelmapping.py LINK_ID ROAD.wpt [NEXT_ROAD.wpt ...]
    .venv/bin/python scripts/trace_travelmapping.py --ends FROM_NODE TO_NODE ROAD.wpt ...

The TravelMapping project (https://github.com/TravelMapping/HighwayData) keeps, for each road,
a ``.wpt`` file under ``hwy_data/<COUNTRY>/<system>/``: one waypoint a line, ``LABEL URL`` with
``lat=`` and ``lon=`` in the URL, placed on the OpenStreetMap alignment (ODbL). This script
reads such files from disk (it never downloads anything), projects both end nodes of a link
(``nodes.csv``, or ``ports.csv`` for ``port-*`` ids) on the road's polyline and prints the
waypoints between the two projections, rounded to 0.001 degrees, as a ``via`` value for
``links.csv``, with the WGS84 geodesic length of ``from, via..., to`` (the ``km`` of a
``km_basis=geodesic`` row) and the straight spur from each node to the road.

With several files the route runs over them in the order given: it leaves each road at the
waypoint closest to the next road (the junction) and joins the next road there.

The method is the one of "Lengths (round 4, h-road4)" in
``src/corridor/data/network/NODES_LINKS_PROVENANCE.md``. The script only prints; the row is
edited by hand, so that ``source`` and ``notes`` can say which file was used.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pyproj import Geod

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT / "src" / "corridor" / "data" / "network"
GEOD = Geod(ellps="WGS84")
_WAYPOINT = re.compile(r"lat=(-?\d+(?:\.\d+)?)&lon=(-?\d+(?:\.\d+)?)")

Point = tuple[float, float]  # (lat, lon)


@dataclass(frozen=True)
class Trace:
    """A traced link: the via points, the geodesic length and the spurs to the road."""

    via: list[Point]
    km: float
    road_km: float
    spur_from_km: float
    spur_to_km: float


def read_wpt(path: Path) -> list[Point]:
    """Return the waypoints (lat, lon) of a TravelMapping ``.wpt`` file, in file order.

    Parameters
    ----------
    path
        A ``.wpt`` file saved locally.

    Returns
    -------
    list of (lat, lon)
        At least two points.

    Raises
    ------
    ValueError
        If a non-empty line has no ``lat=...&lon=...`` or the file has fewer than two points.
    """
    points: list[Point] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        match = _WAYPOINT.search(line)
        if match is None:
            raise ValueError(f"{path}:{number}: no 'lat=...&lon=...' in {line!r}")
        points.append((float(match.group(1)), float(match.group(2))))
    if len(points) < 2:
        raise ValueError(f"{path}: a road needs at least two waypoints, found {len(points)}")
    return points


def distance_km(a: Point, b: Point) -> float:
    """WGS84 geodesic distance in km between two (lat, lon) points."""
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2]) / 1000.0


def polyline_km(points: Sequence[Point]) -> float:
    """WGS84 geodesic length in km of a polyline of (lat, lon) points."""
    return sum(distance_km(a, b) for a, b in zip(points, points[1:], strict=False))


def project(road: Sequence[Point], point: Point) -> tuple[float, Point, float]:
    """Project ``point`` on the polyline ``road``.

    Returns
    -------
    tuple
        ``(position, foot, spur_km)``: the position along the road as segment index plus
        fraction, the foot of the perpendicular (lat, lon) and the geodesic distance to it.
        Projection is planar in a local equirectangular frame, good to metres over one
        segment.
    """
    best: tuple[float, Point, float] | None = None
    scale = math.cos(math.radians(point[0]))
    px, py = point[1] * scale, point[0]
    for i, (a, b) in enumerate(zip(road, road[1:], strict=False)):
        ax, ay, bx, by = a[1] * scale, a[0], b[1] * scale, b[0]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
        foot = (ay + t * dy, (ax + t * dx) / scale)
        spur = distance_km(point, foot)
        if best is None or spur < best[2]:
            best = (i + t, foot, spur)
    assert best is not None  # road has at least one segment
    return best


def _between(road: Sequence[Point], start: float, end: float) -> list[Point]:
    """Waypoints strictly between two positions along ``road``, in travel order."""
    if start <= end:
        return [road[i] for i in range(math.floor(start) + 1, math.ceil(end))]
    return [road[i] for i in range(math.ceil(start) - 1, math.floor(end), -1)]


def junction(first: Sequence[Point], second: Sequence[Point]) -> tuple[int, int]:
    """Indices of the closest pair of waypoints of two roads (where one joins the other)."""
    pairs = ((distance_km(a, b), i, j) for i, a in enumerate(first) for j, b in enumerate(second))
    _, i, j = min(pairs)
    return i, j


def trace(start: Point, end: Point, roads: Sequence[Sequence[Point]]) -> Trace:
    """Trace from ``start`` to ``end`` over one or more roads (in travel order).

    Parameters
    ----------
    start, end
        The link's end nodes (lat, lon).
    roads
        Waypoint polylines; with several, each is left at its junction with the next.

    Returns
    -------
    Trace
        ``via`` includes the feet of the two spurs when they are more than 0.2 km from the node
        (so the straight spur is explicit), rounded to 0.001 degrees with repeats dropped.
    """
    if not roads:
        raise ValueError("give at least one road")
    line: list[Point] = []
    position, foot, spur_from = project(roads[0], start)
    if spur_from > 0.2:
        line.append(foot)
    for road, following in zip(roads, roads[1:], strict=False):
        leave, enter = junction(road, following)
        line.extend(_between(road, position, float(leave)))
        line.append(road[leave])
        position = float(enter)
    last = roads[-1]
    end_position, end_foot, spur_to = project(last, end)
    line.extend(_between(last, position, end_position))
    if spur_to > 0.2:
        line.append(end_foot)
    via: list[Point] = []
    for lat, lon in line:
        rounded = (round(lat, 3), round(lon, 3))
        if not via or via[-1] != rounded:
            via.append(rounded)
    km = polyline_km([start, *via, end])
    road_km = polyline_km(via) if len(via) > 1 else 0.0
    return Trace(via=via, km=km, road_km=road_km, spur_from_km=spur_from, spur_to_km=spur_to)


def node_positions() -> dict[str, Point]:
    """(lat, lon) of every node of ``nodes.csv`` and every port of ``ports.csv``."""
    positions: dict[str, Point] = {}
    for name in ("ports.csv", "nodes.csv"):
        with (NETWORK / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                positions[row["id"]] = (float(row["lat"]), float(row["lon"]))
    return positions


def link_ends(link_id: str) -> tuple[str, str, float]:
    """``from``, ``to`` and current ``km`` of a link of ``links.csv``."""
    with (NETWORK / "links.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["id"] == link_id:
                return row["from"], row["to"], float(row["km"])
    raise KeyError(f"no link {link_id!r} in links.csv")


def main(argv: Sequence[str] | None = None) -> int:
    """Print the via and km of a link traced over local ``.wpt`` files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("link", nargs="?", help="link id of links.csv")
    parser.add_argument("wpt", nargs="+", type=Path, help="TravelMapping .wpt files in order")
    parser.add_argument(
        "--ends", nargs=2, metavar=("FROM", "TO"), help="node ids instead of a link"
    )
    args = parser.parse_args(argv)
    positions = node_positions()
    if args.ends:
        wpts = [Path(args.link), *args.wpt] if args.link else list(args.wpt)
        origin, destination = args.ends
        old_km = None
    elif args.link:
        wpts = list(args.wpt)
        origin, destination, old_km = link_ends(args.link)
    else:
        parser.error("give a link id or --ends FROM TO")
    for node in (origin, destination):
        if node not in positions:
            parser.error(f"unknown node {node!r} (not in nodes.csv or ports.csv)")
    result = trace(positions[origin], positions[destination], [read_wpt(p) for p in wpts])
    print("via", ";".join(f"{lat:.3f} {lon:.3f}" for lat, lon in result.via))
    old = f" (was {old_km:.1f})" if old_km is not None else ""
    print(
        f"km {result.km:.1f}{old}; along the road {result.road_km:.1f}; spurs "
        f"{origin} {result.spur_from_km:.1f} km, {destination} {result.spur_to_km:.1f} km; "
        f"{len(result.via)} via points"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
