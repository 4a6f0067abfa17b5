"""Real road geometry from OpenStreetMap: load or fetch road graphs, route on arrays, refine legs.

The curated transit network holds strategic road legs (Vladikavkaz - Upper Lars -
Tbilisi - Bagratashen - Yerevan) drawn as straight or schematic lines. This
module replaces them with the real road: true length, travel time over the
passes, the exact line, and what a closed bridge, pass or border post does.

Sources (every one ends in the same :class:`RoadGraph`):

* an OSM XML extract (``.osm``, ``.osm.bz2``, ``.osm.gz``) through
  :func:`osmnx.graph_from_xml`;
* an OSM PBF extract (``.osm.pbf``) through pyogrio's (GDAL's) OSM driver;
* a GraphML file written by osmnx or corridor (:func:`save_roads`);
* the Overpass API through osmnx (:func:`fetch_roads`, needs the internet;
  results are cached as GraphML under ``settings.cache_folder / "osm"``).

Every graph keeps the drivable highway classes only (those in the speed table),
is simplified to junctions, dead ends and tagged points (``barrier=*``,
``mountain_pass=*``: border posts and passes stay nodes you can close), and gets
per edge ``length`` (metres, geodesic on WGS84), ``speed_kph`` (:data:`SPEEDS_KPH`
or a numeric ``maxspeed`` tag) and ``travel_time`` (seconds).

Searches never run on networkx. :class:`RoadGraph` keeps a compact array form
(node ids and coordinates, per-edge ``(u, v, key)``, length, time, OSM way ids
and geometry, CSR matrices) and :func:`shortest_path` runs
:func:`scipy.sparse.csgraph.dijkstra` on it. Closing OSM nodes or ways is a mask
on those arrays; the graph is never modified.
"""

from __future__ import annotations

from corridor.osm._cli import osm_cli, register_cli
from corridor.osm._common import NETWORKS, SPEEDS_KPH, OSMFetchError
from corridor.osm._graph import Refinement, RoadGraph, RoadRoute
from corridor.osm._io import fetch_roads, load_roads, save_roads
from corridor.osm._refine import refine
from corridor.osm._route import shortest_path

__all__ = [
    "NETWORKS",
    "SPEEDS_KPH",
    "OSMFetchError",
    "Refinement",
    "RoadGraph",
    "RoadRoute",
    "fetch_roads",
    "load_roads",
    "osm_cli",
    "refine",
    "register_cli",
    "save_roads",
    "shortest_path",
]
