"""Constants, types and the fetch error shared by the OSM modules."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from corridor._errors import (
    CorridorError,
)

logger = logging.getLogger("corridor")

Weight = Literal["travel_time", "length"]

#: Planning speeds per OSM ``highway`` class, km/h, for the theatre's countries
#: (AM, AZ, GE, KZ, IR, and the Russian North Caucasus). osmnx has no implicit
#: speed limits for these countries. The values are average speeds of mixed
#: traffic including laden trucks, deliberately below the legal rural limits
#: (about 90 km/h outside settlements and 110 km/h on motorways in AM, AZ, GE and
#: KZ): mountain trunk roads (Georgian Military Road, Armenia's M6) average far
#: less than their signed limit. A numeric ``maxspeed`` tag on a way overrides
#: the table. ``road`` (OSM's "unknown class") is also the fallback for classes
#: missing from the table. See ``docs/osm.md`` for the rationale.
SPEEDS_KPH: Mapping[str, float] = MappingProxyType(
    {
        "motorway": 90.0,
        "motorway_link": 50.0,
        "trunk": 70.0,
        "trunk_link": 40.0,
        "primary": 60.0,
        "primary_link": 35.0,
        "secondary": 50.0,
        "secondary_link": 30.0,
        "tertiary": 40.0,
        "tertiary_link": 25.0,
        "unclassified": 30.0,
        "road": 30.0,
        "residential": 25.0,
        "living_street": 10.0,
        "service": 15.0,
    }
)

_MAJOR = ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link")

#: Road networks :func:`fetch_roads` can download, as the highway classes each keeps.
#: ``"drive"`` is osmnx's drivable network (every class in :data:`SPEEDS_KPH`).
NETWORKS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "trunk/primary": _MAJOR,
        "trunk/primary/secondary": (*_MAJOR, "secondary", "secondary_link"),
        "drive": tuple(SPEEDS_KPH),
    }
)

_FORMATS = "GraphML (.graphml), OSM XML (.osm, .osm.bz2, .osm.gz) or OSM PBF (.osm.pbf)"
_NODE_TAGS = ("name", "barrier", "mountain_pass", "ele")  # kept on graph nodes
_KEEP_NODES = ("barrier", "mountain_pass")  # tagged nodes stay graph nodes when simplifying
_CACHE_VERSION = 1
_PROBE_TIMEOUT_S = 5.0


class OSMFetchError(CorridorError, ConnectionError):
    """OpenStreetMap data could not be downloaded (no internet, Overpass down or refusing).

    The message names the offline alternative: :func:`load_roads` on a local
    extract (``.osm``, ``.osm.pbf`` or GraphML).
    """
