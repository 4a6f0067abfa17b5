"""Refining the curated network's road legs with real roads."""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from corridor._errors import (
    DataError,
)

if TYPE_CHECKING:
    import geopandas as gpd

from corridor.osm._graph import Refinement, RoadGraph, RoadRoute
from corridor.osm._route import _closure_mask, _route

# --------------------------------------------------------------------------- refinement


def _leg_ends(geom: Any) -> tuple[tuple[float, float], tuple[float, float]] | None:
    if geom is None or not isinstance(geom, BaseGeometry) or geom.is_empty:
        return None
    xy = shapely.get_coordinates(geom)
    if xy.shape[0] < 2:
        return None
    return (float(xy[0, 0]), float(xy[0, 1])), (float(xy[-1, 0]), float(xy[-1, 1]))


def refine(
    edges: gpd.GeoDataFrame,
    roads: RoadGraph,
    *,
    max_snap_km: float = 2.0,
    closed_nodes: Iterable[int] = (),
    closed_ways: Iterable[int] = (),
) -> Refinement:
    """Replace schematic road legs with the real OSM road (fastest path by travel time).

    Each ``road`` edge's first and last vertex snap to the nearest OSM node;
    when both lie within ``max_snap_km`` and a path exists, the row gets the
    path's ``km`` and ``hours`` and its geometry (the leg's end points joined to
    the OSM path, so the line still starts and ends at the network's nodes; the
    joins are reported in ``snap_km`` and not counted in ``km``/``hours``).

    Parameters
    ----------
    edges
        The transit network's edges: columns ``id``, ``mode``, ``km``, ``hours``
        and LineString ``geometry`` in EPSG:4326 (first/last vertex = end points).
        Not modified.
    roads
        The OSM road graph covering the legs.
    max_snap_km
        Largest geodesic distance from a leg's end point to an OSM node, km.
    closed_nodes, closed_ways
        OSM node and way ids closed for this refinement (a mask, the graph is
        not changed).

    Returns
    -------
    Refinement
        Non-road edges keep their values and are not listed as unrefined.

    Raises
    ------
    DataError
        If columns are missing or the geometry is not in EPSG:4326.
    UnknownPlaceError
        If a closed node or way is not in the graph.
    """
    import geopandas as gpd

    if not isinstance(edges, gpd.GeoDataFrame):
        msg = f"edges must be a GeoDataFrame, got {type(edges).__name__}"
        raise DataError(msg)
    missing = [c for c in ("id", "mode", "km", "hours", "geometry") if c not in edges.columns]
    if missing:
        msg = f"edges lack column(s) {', '.join(missing)}; required: id, mode, km, hours, geometry"
        raise DataError(msg)
    if edges.crs is not None and not edges.crs.equals("EPSG:4326"):
        msg = f"edges must be in EPSG:4326 (lon/lat degrees), got {edges.crs.to_string()}"
        raise DataError(msg)
    if not max_snap_km > 0:
        msg = f"max_snap_km must be positive, got {max_snap_km!r}"
        raise DataError(msg)
    open_edge, closed_node, closed_text = _closure_mask(roads, closed_nodes, closed_ways)

    out = edges.copy(deep=True)
    out["km"] = out["km"].astype(np.float64)
    out["hours"] = out["hours"].astype(np.float64)
    out["refined"] = False
    out["snap_km"] = np.nan
    col = {
        name: out.columns.get_loc(name)
        for name in ("km", "hours", "geometry", "refined", "snap_km")
    }

    unrefined: dict[Any, str] = {}
    legs: list[tuple[Any, Any, tuple[float, float], tuple[float, float]]] = []
    for label, row in enumerate(out.itertuples(index=False)):  # label: row position
        if str(row.mode).lower() != "road":
            continue
        ends = _leg_ends(row.geometry)
        if ends is None:
            unrefined[row.id] = "no line geometry to take the end points from"
            continue
        legs.append((label, row.id, ends[0], ends[1]))
    routes: dict[Any, RoadRoute] = {}
    if legs:
        lon = [c for _, _, a, b in legs for c in (a[0], b[0])]
        lat = [c for _, _, a, b in legs for c in (a[1], b[1])]
        snapped, dist = roads.snap(lon, lat)
        snapped, dist = snapped.reshape(-1, 2), dist.reshape(-1, 2)
        todo = []
        for n, (_, eid, _, _) in enumerate(legs):
            reason = None
            for side, which in ((0, "start"), (1, "end")):
                if dist[n, side] > max_snap_km:
                    reason = (
                        f"{which} point {dist[n, side]:.1f} km from the nearest OSM road "
                        f"(limit {max_snap_km:g} km)"
                    )
                    break
                if closed_node[snapped[n, side]]:
                    node = roads.describe_node(int(snapped[n, side]))
                    reason = f"{which} point snaps to {node}, which is closed"
                    break
            if reason is None:
                todo.append(n)
            else:
                unrefined[eid] = reason
        if todo:
            from scipy.sparse.csgraph import dijkstra

            csr, best = roads._search_form("travel_time", open_edge)
            origins = np.unique(snapped[todo, 0])
            dist_m, pred = dijkstra(csr, directed=True, indices=origins, return_predecessors=True)
            dist_m, pred = np.atleast_2d(dist_m), np.atleast_2d(pred)
            row_of = {int(o): r for r, o in enumerate(origins)}
            for n in todo:
                label, eid, start, end = legs[n]
                o, d = int(snapped[n, 0]), int(snapped[n, 1])
                r = row_of[o]
                if not np.isfinite(dist_m[r, d]):
                    unrefined[eid] = "no OSM path between the end points" + (
                        f" ({closed_text})" if closed_text else ""
                    )
                    continue
                route = _route(
                    roads, pred[r], best, csr, o, d, "travel_time",
                    (float(dist[n, 0]), float(dist[n, 1])),
                )  # fmt: skip
                routes[eid] = route
                xy = shapely.get_coordinates(route.geometry)
                if not np.allclose(xy[0], start, atol=1e-9, rtol=0):
                    xy = np.vstack((start, xy))
                if not np.allclose(xy[-1], end, atol=1e-9, rtol=0):
                    xy = np.vstack((xy, end))
                out.iat[label, col["km"]] = route.length_km
                out.iat[label, col["hours"]] = route.hours
                out.iat[label, col["geometry"]] = shapely.LineString(xy)
                out.iat[label, col["refined"]] = True
                out.iat[label, col["snap_km"]] = float(dist[n, 0] + dist[n, 1])
    refined = tuple(eid for _, eid, _, _ in legs if eid in routes)
    return Refinement(
        edges=out,
        refined=refined,
        unrefined=MappingProxyType(unrefined),
        routes=MappingProxyType(routes),
    )
