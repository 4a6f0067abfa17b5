"""Colours, line styles and panes shared by every map (no folium objects built here).

Palettes are colour-blind safe: route colours follow Okabe & Ito (2008), "Color
Universal Design" (https://jfly.uni-koeln.de/color/), extended with three of Paul
Tol's "muted" colours (https://personal.sron.nl/~pault/); stance fills differ in
lightness as well as hue (pale permissive, mid conditional, dark hostile), so they
stay ordered in grey scale and for deuteranopes and protanopes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from folium.utilities import JsCode

from corridor.scenario import Stance

#: Simplification tolerance for display only (degrees, about 1 km); analysis keeps full detail.
DISPLAY_TOLERANCE_DEG = 0.01
#: Route lines are simplified less, so great-circle arcs stay smooth.
LINE_TOLERANCE_DEG = 0.003
#: The offline base layer (land outline) is drawn coarser still.
BASE_TOLERANCE_DEG = 0.02
COORD_GRID = 1e-4

#: Fill colour of a country by its worst stance (ordered in lightness).
STANCE_COLOURS: Mapping[Stance, str] = {
    Stance.PERMISSIVE: "#d4ebc9",
    Stance.CONDITIONAL: "#e8a33d",
    Stance.HOSTILE: "#b5443b",
}
SEVERITY = {Stance.PERMISSIVE: 0, Stance.CONDITIONAL: 1, Stance.HOSTILE: 2}
#: Colours of routes, one per origin-destination pair (repeating after ten pairs):
#: Okabe-Ito blue, vermillion, bluish green, reddish purple, orange, sky blue, black,
#: then Tol muted wine, green and indigo.
ROUTE_COLOURS = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
    "#882255",
    "#117733",
    "#332288",
)
SEA_BLUE = "#0b3c8c"
CLOSED = "#7f1d1d"
INTL_COLOUR = "#3f9c96"
BACKGROUND = "#c9dbe6"
LAND = "#f3efe4"
LOST, NEW, KEPT = "#d55e00", "#0072b2", "#8a9299"
#: Line pattern per leg mode; sea-going modes are drawn blue over a halo of the route colour.
MODE_STYLES: Mapping[str, Mapping[str, Any]] = {
    "air": {"weight": 3.5, "dashArray": "9 7"},
    "road": {"weight": 4.5},
    "rail": {"weight": 4, "dashArray": "14 5 2 5"},
    "sea": {"weight": 4, "dashArray": "1 8", "color": SEA_BLUE},
    "ferry": {"weight": 4, "dashArray": "1 8", "color": SEA_BLUE},
    "waterway": {"weight": 4, "dashArray": "1 8", "color": SEA_BLUE},
    "transfer": {"weight": 2, "dashArray": "2 4", "color": "#555555"},
}
WATER_MODES = frozenset({"sea", "ferry", "waterway"})
PANES = (
    ("corridor-base", 250),
    ("corridor-countries", 402),
    ("corridor-airspace", 404),
    ("corridor-alternatives", 406),
    ("corridor-routes", 408),
    ("corridor-points", 450),
    ("corridor-chokepoints", 455),
)
KIND_STYLE: Mapping[str, Mapping[str, Any]] = {
    "city": {"radius": 4, "color": "#ffffff", "weight": 1.5, "fillColor": "#263238"},
    "crossing": {"radius": 5, "color": "#263238", "weight": 2.5, "fillColor": "#ffffff"},
    "port": {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": SEA_BLUE},
    "airport": {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": "#6a1b9a"},
    "airbase": {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": "#6a1b9a"},
}
ENDPOINT_STYLE = {"radius": 7, "color": "#ffffff", "weight": 2, "fillColor": "#111111"}
CHOKE_STYLE = {"radius": 12, "color": "#d50000", "weight": 3, "fillOpacity": 0.0}

#: Popups, tooltips and permanent labels from feature properties. Labels carry a
#: priority (``rank``) that the label de-collision script (page.js) uses.
BIND = JsCode(
    """function (feature, layer) {
    var p = feature.properties || {};
    if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 340, autoPanPadding: [20, 20]}); }
    if (p.label) {
        layer.bindTooltip(p.label, {permanent: true, direction: "right",
                                    offset: [8, 0], className: "corridor-label"});
        layer.corridorRank = p.rank || 0;
    } else if (p.tooltip) {
        layer.bindTooltip(p.tooltip, {sticky: true});
    }
}"""
)
