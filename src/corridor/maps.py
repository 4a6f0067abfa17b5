"""Folium maps. Rendering is the last step: these functions only draw what they are given.

:func:`render` draws a :class:`~corridor.routing.Plan`; :func:`compare` overlays two
plans; :func:`geography_map` shows the region without a scenario; :func:`save` writes
any of them atomically. Every map is assembled from small layer builders, each a
:class:`folium.FeatureGroup` listed in a :class:`folium.LayerControl`:

* countries coloured by the worst of the scenario's per-mode stances;
* closed airspace (territorial airspace of states hostile for overflight, plus the
  scenario's ``closed_airspace``), hatched; international airspace, tinted;
* one layer per origin-destination pair with its best route, in its own colour, and a
  layer of faded alternatives; mode is shown by the line: air dashed (the leg geometry
  is a densified great circle), road solid, rail dash-dot, sea/ferry/waterway blue dots;
* crossings, ports and airports the routes use, with popups; optional chokepoints;
* fixed boxes: title, why-not for pairs without a route, legend.

Text safety
-----------
Every string that comes from data or scenario files goes through :func:`_esc`: HTML
escaping plus character references for backticks, ``$``, backslashes and braces.
Folium renders its output twice through Jinja (a place named ``{{ 7*7 }}`` would
print ``49``) and puts some strings in JavaScript template literals.

Offline use
-----------
Country, airspace and route layers are GeoJSON embedded in the page, so they show
without tiles; the map has a plain water-coloured background. ``inline_assets=True``
replaces folium's CDN links by the Leaflet JS/CSS vendored in ``corridor/_static``
(``scripts/vendor_leaflet.sh``) and drops jQuery, Bootstrap and the icon fonts, which
these maps do not use.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import shapely
from branca.element import Element, Figure
from folium.elements import JSCSSMixin
from folium.utilities import JsCode
from shapely.geometry.base import BaseGeometry

from corridor import borders as _borders
from corridor._errors import UnknownPlaceError
from corridor._io import atomic_write_text
from corridor._resources import static_folder
from corridor.analysis import Comparison, compare_plans
from corridor.export import closed_airspace
from corridor.scenario import STANCE_MODES, Scenario, Stance

if TYPE_CHECKING:
    import geopandas as gpd

    from corridor.network import TransitNetwork
    from corridor.routing import Leg, PairPlan, Plan, Route, WhyNot

__all__ = [
    "DISPLAY_TOLERANCE_DEG",
    "MODE_STYLES",
    "ROUTE_COLOURS",
    "STANCE_COLOURS",
    "compare",
    "display_geometry",
    "geography_map",
    "inline_assets",
    "render",
    "render_scenario",
    "save",
    "worst_stance",
]

#: Simplification tolerance for display only (degrees, about 1 km); analysis keeps full detail.
DISPLAY_TOLERANCE_DEG = 0.01
#: Route lines are simplified less, so great-circle arcs stay smooth.
_LINE_TOLERANCE_DEG = 0.003
_COORD_GRID = 1e-4

#: Fill colour of a country by its worst stance.
STANCE_COLOURS: Mapping[Stance, str] = {
    Stance.PERMISSIVE: "#a3d39c",
    Stance.CONDITIONAL: "#f5c55a",
    Stance.HOSTILE: "#e0776b",
}
_SEVERITY = {Stance.PERMISSIVE: 0, Stance.CONDITIONAL: 1, Stance.HOSTILE: 2}
#: Colours of routes, one per origin-destination pair (repeating after ten pairs).
ROUTE_COLOURS = (
    "#1b3a8c",
    "#7b1fa2",
    "#00838f",
    "#c2185b",
    "#37474f",
    "#6d4c41",
    "#3949ab",
    "#00695c",
    "#ad1457",
    "#546e7a",
)
_SEA_BLUE = "#0d47a1"
_CLOSED = "#7f1d1d"
_INTL = "#3f9c96"
_BACKGROUND = "#d9e6ee"
_LOST, _NEW, _KEPT = "#d81b60", "#1565c0", "#8a9299"
#: Line pattern per leg mode; sea-going modes are drawn blue over a halo of the route colour.
MODE_STYLES: Mapping[str, Mapping[str, Any]] = {
    "air": {"weight": 3.5, "dashArray": "9 7"},
    "road": {"weight": 4.5},
    "rail": {"weight": 4, "dashArray": "14 5 2 5"},
    "sea": {"weight": 4, "dashArray": "1 8", "color": _SEA_BLUE},
    "ferry": {"weight": 4, "dashArray": "1 8", "color": _SEA_BLUE},
    "waterway": {"weight": 4, "dashArray": "1 8", "color": _SEA_BLUE},
    "transfer": {"weight": 2, "dashArray": "2 4", "color": "#555555"},
}
_WATER_MODES = frozenset({"sea", "ferry", "waterway"})
_PANES = (
    ("corridor-countries", 402),
    ("corridor-airspace", 404),
    ("corridor-alternatives", 406),
    ("corridor-routes", 408),
    ("corridor-points", 450),
    ("corridor-chokepoints", 455),
)
_KIND_STYLE: Mapping[str, Mapping[str, Any]] = {
    "city": {"radius": 4, "color": "#ffffff", "weight": 1.5, "fillColor": "#263238"},
    "crossing": {"radius": 5, "color": "#263238", "weight": 2.5, "fillColor": "#ffffff"},
    "port": {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": _SEA_BLUE},
    "airport": {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": "#6a1b9a"},
    "airbase": {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": "#6a1b9a"},
}
_ENDPOINT_STYLE = {"radius": 7, "color": "#ffffff", "weight": 2, "fillColor": "#111111"}
_CHOKE_STYLE = {"radius": 12, "color": "#d50000", "weight": 3, "fillOpacity": 0.0}

_BIND = JsCode(
    """function (feature, layer) {
    var p = feature.properties || {};
    if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 380}); }
    if (p.label) {
        layer.bindTooltip(p.label, {permanent: true, direction: "right",
                                    offset: [8, 0], className: "corridor-label"});
    } else if (p.tooltip) {
        layer.bindTooltip(p.tooltip, {sticky: true});
    }
}"""
)

_CSS = """
.leaflet-container.folium-map { background: %(bg)s; }
.corridor-column { position: fixed; z-index: 1000; top: 10px; bottom: 44px; left: 56px;
  width: 330px; display: flex; flex-direction: column; gap: 10px; pointer-events: none; }
.corridor-box { pointer-events: auto; min-height: 0; flex: 0 1 auto;
  background: rgba(255,255,255,0.95);
  border: 1px solid #9aa0a6; border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.3);
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #202124; padding: 8px 11px; overflow: auto; }
.corridor-panel { flex-shrink: 0.25; }
.corridor-legend { margin-top: auto; }
.corridor-box h1 { font-size: 16px; margin: 0 0 2px 0; }
.corridor-box h2 { font-size: 13px; margin: 8px 0 3px 0; }
.corridor-box p { margin: 3px 0; }
.corridor-box ul { margin: 2px 0 2px 18px; padding: 0; }
.corridor-box summary { cursor: pointer; font-weight: 600; }
.corridor-box table { border-collapse: collapse; }
.corridor-box td { padding: 1px 6px 1px 0; vertical-align: top; }
.corridor-muted { color: #5f6368; }
.corridor-whynot { border-left: 4px solid #b71c1c; background: #fdecea; padding: 5px 8px;
  margin: 6px 0; }
.corridor-row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.corridor-sw { display: inline-block; width: 18px; height: 12px; border: 1px solid #666;
  flex: none; }
.corridor-popup { font: 12px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.corridor-popup table { border-collapse: collapse; margin: 2px 0; }
.corridor-popup th { text-align: left; padding: 1px 8px 1px 0; font-weight: 600;
  vertical-align: top; white-space: nowrap; }
.corridor-popup td { padding: 1px 0; }
.corridor-popup h3 { font-size: 13px; margin: 0 0 3px 0; }
.corridor-popup h4 { font-size: 12px; margin: 6px 0 2px 0; border-top: 1px solid #ddd;
  padding-top: 4px; }
.corridor-warn { color: #9a5b00; font-weight: 600; }
.leaflet-tooltip.corridor-label { font-weight: 600; font-size: 12px;
  background: rgba(255,255,255,0.85); border: none; box-shadow: none; padding: 0 4px; }
.leaflet-tooltip.corridor-label::before { display: none; }
""" % {"bg": _BACKGROUND}  # noqa: UP031 - braces in CSS would clash with str.format

_HATCH_SVG = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="corridor-hatch" patternUnits="userSpaceOnUse" width="9" height="9" '
    'patternTransform="rotate(45)">'
    f'<rect width="9" height="9" fill="{_CLOSED}" fill-opacity="0.10"/>'
    f'<line x1="0" y1="0" x2="0" y2="9" stroke="{_CLOSED}" stroke-width="3" '
    'stroke-opacity="0.45"/></pattern></defs></svg>'
)

# --------------------------------------------------------------------------- text


def _esc(value: object) -> str:
    """HTML-escape text from data, and neutralise Jinja and JS-template characters."""
    text = html.escape(str(value), quote=True)
    for char, ref in (("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;"), ("{", "&#123;")):
        text = text.replace(char, ref)
    return text.replace("}", "&#125;")


def _km(km: float) -> str:
    return f"{km:,.0f} km"


def _hours(hours: float) -> str:
    days = f" ({hours / 24:.1f} days)" if hours >= 48 else ""
    return f"{hours:.1f} h{days}"


class _Raw(Element):
    """Literal HTML added to a page section, never parsed as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


# --------------------------------------------------------------------------- lookups


@dataclass(frozen=True)
class _Names:
    """Display names of nodes and countries, and the network's node table."""

    names: Mapping[str, str]
    nodes: gpd.GeoDataFrame

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    def country(self, code: str) -> str:
        if code == _borders.INTL:
            return "international"
        name = self.names.get(code)
        return f"{name} ({code})" if name else code

    def countries(self, codes: Iterable[str]) -> str:
        return " → ".join(_esc(self.country(c)) for c in codes)

    def place(self, key: str) -> str:
        """Show a node id or ISO3 code as ``Name (id)`` when it has a name."""
        name = self.names.get(key)
        return f"{name} ({key})" if name and name != key else key


def _names(network: TransitNetwork | None) -> _Names:
    from corridor.network import load_network

    net = network if network is not None else load_network()
    names: dict[str, str] = {
        str(k): str(v) for k, v in _borders.load_borders()["name"].items() if v
    }
    names.update({str(k): str(v) for k, v in net.nodes["name"].items() if v})
    return _Names(names, net.nodes)


# --------------------------------------------------------------------------- geometry


def display_geometry(
    gdf: gpd.GeoDataFrame, tolerance: float = DISPLAY_TOLERANCE_DEG
) -> gpd.GeoDataFrame:
    """Simplified, rounded copy of a GeoDataFrame for drawing (never for analysis).

    Parameters
    ----------
    gdf
        Geometries in EPSG:4326.
    tolerance
        Douglas-Peucker tolerance in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with simplified geometry, coordinates snapped to a 1e-4 degree grid.
    """
    out = gdf.copy()
    geoms = shapely.simplify(out.geometry.values, tolerance, preserve_topology=True)
    out.geometry = shapely.set_precision(geoms, _COORD_GRID)
    return out[~out.geometry.is_empty]


def _display_line(line: BaseGeometry) -> dict[str, Any] | None:
    """GeoJSON of a simplified, rounded route line; None when nothing is left to draw."""
    if line.is_empty or line.length == 0.0:
        return None
    out = shapely.set_precision(shapely.simplify(line, _LINE_TOLERANCE_DEG), _COORD_GRID)
    if out.is_empty or out.length == 0.0:
        return None
    mapped: dict[str, Any] = shapely.geometry.mapping(out)
    return mapped


def _feature(
    geometry: Mapping[str, Any],
    style: Mapping[str, Any],
    *,
    tooltip: str | None = None,
    popup: str | None = None,
    label: str | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {"style": dict(style)}
    for key, value in (("tooltip", tooltip), ("popup", popup), ("label", label)):
        if value:
            props[key] = value
    return {"type": "Feature", "properties": props, "geometry": dict(geometry)}


def _geojson(features: list[dict[str, Any]], *, pane: str, points: bool = False) -> folium.GeoJson:
    """One GeoJSON layer whose features carry their own style, tooltip and popup."""
    marker = folium.CircleMarker(radius=5, pane=pane) if points else None
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        on_each_feature=_BIND,
        marker=marker,
        control=False,
        pane=pane,
    )


def _frame_features(
    frame: gpd.GeoDataFrame, style: Mapping[str, Any], text: Mapping[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    """Features of a display frame; ``text`` maps its index to (tooltip, popup)."""
    out = []
    for key, geom in zip(frame.index, frame.geometry, strict=True):
        tooltip, popup = text.get(str(key), ("", ""))
        mapped = shapely.geometry.mapping(geom)
        out.append(_feature(mapped, style, tooltip=tooltip, popup=popup))
    return out


# --------------------------------------------------------------------------- stances


def worst_stance(scenario: Scenario, code: str) -> Stance:
    """Return the most restrictive stance a scenario gives a state over all stance modes.

    Parameters
    ----------
    scenario
        The what-if.
    code
        ISO3 code or territory code.

    Returns
    -------
    Stance
        Hostile if hostile for any of overflight, landing, road, rail or sea;
        else conditional if conditional for any; else permissive.

    Examples
    --------
    >>> from corridor.scenario import make_scenario
    >>> s = make_scenario(stances={"IRN": {"default": "permissive", "sea": "conditional"}})
    >>> worst_stance(s, "IRN").value
    'conditional'
    """
    return max((scenario.stance(code, m) for m in STANCE_MODES), key=_SEVERITY.__getitem__)


def _stance_popup(scenario: Scenario, code: str, names: _Names) -> str:
    rows = "".join(
        f"<tr><th>{m}</th><td>{_esc(scenario.stance(code, m).value)}</td></tr>"
        for m in STANCE_MODES
    )
    return (
        f'<div class="corridor-popup"><h3>{_esc(names.country(code))}</h3>'
        f"<table>{rows}</table></div>"
    )


def _country_layer(
    scenario: Scenario, names: _Names, *, fill_opacity: float
) -> folium.FeatureGroup:
    countries = display_geometry(_borders.load_borders())
    group = folium.FeatureGroup(name="Countries: worst stance", overlay=True)
    features = []
    for code, geom in zip(countries.index, countries.geometry, strict=True):
        stance = worst_stance(scenario, str(code))
        style = {
            "color": "#5f6368",
            "weight": 0.8,
            "opacity": 0.9,
            "fillColor": STANCE_COLOURS[stance],
            "fillOpacity": fill_opacity,
        }
        tooltip = f"{_esc(names.country(str(code)))}: {stance.value}"
        popup = _stance_popup(scenario, str(code), names)
        features.append(
            _feature(shapely.geometry.mapping(geom), style, tooltip=tooltip, popup=popup)
        )
    _geojson(features, pane="corridor-countries").add_to(group)
    return group


def _closed_airspace_layer(scenario: Scenario, names: _Names) -> folium.FeatureGroup:
    frame = closed_airspace(scenario)
    shown = display_geometry(frame)
    group = folium.FeatureGroup(name=f"Closed airspace ({len(frame)} states)")
    style = {
        "color": _CLOSED,
        "weight": 1.2,
        "opacity": 0.8,
        "dashArray": "4 3",
        "fillColor": "url(#corridor-hatch)",
        "fillOpacity": 1.0,
    }
    text = {
        str(code): (
            f"Closed airspace: {_esc(names.country(str(code)))} ({_esc(reason)})",
            f'<div class="corridor-popup"><h3>Closed airspace</h3>'
            f"<p>{_esc(names.country(str(code)))}: {_esc(reason)}. Territorial airspace: "
            f"land plus 12 nm of sea.</p></div>",
        )
        for code, reason in frame["reason"].items()
    }
    _geojson(_frame_features(shown, style, text), pane="corridor-airspace").add_to(group)
    return group


def _intl_layer(caspian: _borders.CaspianRule) -> folium.FeatureGroup:
    zones = _borders.load_airspace(caspian)
    intl = display_geometry(zones.loc[[_borders.INTL]])
    style = {"stroke": False, "fillColor": _INTL, "fillOpacity": 0.22}
    text = {_borders.INTL: (f"International airspace (Caspian rule: {_esc(caspian)})", "")}
    group = folium.FeatureGroup(name="International airspace")
    _geojson(_frame_features(intl, style, text), pane="corridor-countries").add_to(group)
    return group


# --------------------------------------------------------------------------- routes


def _route_html(route: Route, names: _Names, *, title: str) -> str:
    cond = ""
    if route.conditional:
        cond = (
            '<tr><th>Conditional</th><td class="corridor-warn">'
            f"{', '.join(_esc(names.country(c)) for c in route.conditional)}</td></tr>"
        )
    via = ", ".join(_esc(names.place(v)) for v in dict.fromkeys(route.via)) or "–"
    return (
        f"<h3>{title}</h3><table>"
        f"<tr><th>Route</th><td>{_km(route.km)} · {_hours(route.hours)}</td></tr>"
        f"<tr><th>Modes</th><td>{_esc(', '.join(route.modes))}</td></tr>"
        f"<tr><th>Countries</th><td>{names.countries(route.countries)}</td></tr>"
        f"<tr><th>Via</th><td>{via}</td></tr>{cond}</table>"
    )


def _leg_html(index: int, leg: Leg, names: _Names) -> str:
    cond = ""
    if leg.conditional:
        cond = (
            '<tr><th>Conditional</th><td class="corridor-warn">'
            f"{', '.join(_esc(names.country(c)) for c in leg.conditional)}</td></tr>"
        )
    return (
        f"<h4>Leg {index + 1}: {_esc(leg.mode)}</h4><table>"
        f"<tr><th>From</th><td>{_esc(names.place(leg.orig))}</td></tr>"
        f"<tr><th>To</th><td>{_esc(names.place(leg.dest))}</td></tr>"
        f"<tr><th>Leg</th><td>{_km(leg.km)} · {_hours(leg.hours)}</td></tr>"
        f"<tr><th>Countries</th><td>{names.countries(leg.countries)}</td></tr>{cond}</table>"
    )


def _pair_label(origin: str, destination: str, names: _Names) -> str:
    return f"{_esc(names.name(origin))} → {_esc(names.name(destination))}"


def _leg_styles(mode: str, colour: str, *, faded: bool) -> list[dict[str, Any]]:
    """Under-line (white casing, or route-coloured halo on water) and line of one leg."""
    line: dict[str, Any] = {"color": colour, "opacity": 0.95, "lineCap": "round"}
    line.update(MODE_STYLES.get(mode, MODE_STYLES["road"]))
    weight = float(line["weight"])
    under: dict[str, Any]
    if mode in _WATER_MODES:
        under = {"color": colour, "weight": weight + 6, "opacity": 0.35, "lineCap": "round"}
    elif mode == "transfer":
        return [{**line, "opacity": 0.45 if faded else 0.8}]
    else:
        under = {"color": "#ffffff", "weight": weight + 3, "opacity": 0.75, "lineCap": "round"}
    if faded:
        line.update(opacity=0.5, weight=max(weight - 1.0, 1.5))
        under.update(opacity=under["opacity"] * 0.5, weight=under["weight"] - 1)
    return [under, line]


def _route_features(
    route: Route, names: _Names, *, colour: str, faded: bool, title: str
) -> list[dict[str, Any]]:
    summary = _route_html(route, names, title=title)
    out: list[dict[str, Any]] = []
    for i, leg in enumerate(route.legs):
        geometry = _display_line(leg.geometry)
        if geometry is None:
            continue
        popup = f'<div class="corridor-popup">{summary}{_leg_html(i, leg, names)}</div>'
        tooltip = (
            f"{title}: leg {i + 1} {_esc(leg.mode)}, {_esc(names.name(leg.orig))} → "
            f"{_esc(names.name(leg.dest))}, {_km(leg.km)}, {_hours(leg.hours)}"
        )
        out.extend(
            _feature(geometry, style, tooltip=tooltip, popup=popup)
            for style in _leg_styles(leg.mode, colour, faded=faded)
        )
    return out


def _swatch_name(colour: str, text: str) -> str:
    return f'<span style="color:{colour};font-weight:700">&#9473;&#9473;</span> {text}'


def _pair_layers(
    pairs: Sequence[PairPlan], names: _Names, colours: Mapping[tuple[str, str], str]
) -> list[folium.FeatureGroup]:
    """One layer per feasible pair (its best route), then one of all alternatives."""
    layers = []
    alternatives: list[dict[str, Any]] = []
    for pair in pairs:
        if not pair.routes:
            continue
        label = _pair_label(pair.origin, pair.destination, names)
        colour = colours[(pair.origin, pair.destination)]
        best, *rest = pair.routes
        group = folium.FeatureGroup(name=_swatch_name(colour, f"Route {label}"))
        feats = _route_features(best, names, colour=colour, faded=False, title=f"{label} (best)")
        _geojson(feats, pane="corridor-routes").add_to(group)
        layers.append(group)
        for route in rest:
            title = f"{label} (alternative {route.rank})"
            alternatives += _route_features(route, names, colour=colour, faded=True, title=title)
    if alternatives:
        group = folium.FeatureGroup(name="Alternative routes (rank 2+, faded)")
        _geojson(alternatives, pane="corridor-alternatives").add_to(group)
        layers.append(group)
    return layers


def _restored_layer(pairs: Sequence[PairPlan], names: _Names) -> folium.FeatureGroup | None:
    """Hypothetical routes that would exist if a blocking state or crossing reopened."""
    feats: list[dict[str, Any]] = []
    for pair in pairs:
        why = pair.why_not
        if why is None:
            continue
        label = _pair_label(pair.origin, pair.destination, names)
        for opened, route in zip(why.restore, why.restored_routes, strict=False):
            what = " + ".join(_esc(names.place(x)) for x in opened)
            title = f"{label} if {what} reopened (hypothetical)"
            feats += _route_features(route, names, colour="#5f6368", faded=True, title=title)
    if not feats:
        return None
    group = folium.FeatureGroup(name="Routes if a closure were lifted (hypothetical)")
    _geojson(feats, pane="corridor-alternatives").add_to(group)
    return group


# --------------------------------------------------------------------------- places


def _used_places(pairs: Sequence[PairPlan]) -> dict[str, list[str]]:
    """Node ids the pairs' routes use, with the route titles using each."""
    used: dict[str, list[str]] = {}
    for pair in pairs:
        for route in pair.routes:
            title = f"{route.origin} → {route.destination} #{route.rank}"
            ids = [x for leg in route.legs for x in (leg.orig, *leg.via, leg.dest)]
            for node in dict.fromkeys(ids):
                used.setdefault(node, []).append(title)
    return used


def _fmt_number(value: Any, unit: str) -> str | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number:  # NaN: unknown
        return None
    return f"{number:,.0f} {unit}".strip()


def _source_html(text: str) -> str:
    parts = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if re.fullmatch(r"https?://\S+", part):
            parts.append(f'<a href="{_esc(part)}" target="_blank" rel="noopener">{_esc(part)}</a>')
        else:
            parts.append(_esc(part))
    return "; ".join(parts)


def _place_popup(node: str, row: Mapping[str, Any], names: _Names, used_by: Sequence[str]) -> str:
    rows = [
        ("Kind", _esc(row.get("kind", ""))),
        ("Country", _esc(names.country(str(row.get("country", ""))))),
    ]
    if row.get("country_b"):
        rows.append(("Other side", _esc(names.country(str(row["country_b"])))))
    status = _esc(row.get("status", "") or "unknown")
    if row.get("status_date"):
        status += f" (as of {_esc(row['status_date'])})"
    rows.append(("Status", status))
    runway = _fmt_number(row.get("runway_m"), "m")
    if runway:
        rows.append(("Runway", runway))
    capacity = _fmt_number(row.get("capacity_per_day"), f"{row.get('capacity_unit') or ''}/day")
    if capacity:
        rows.append(("Capacity", _esc(capacity)))
    if row.get("source"):
        rows.append(("Source", _source_html(str(row["source"]))))
    if used_by:
        shown = ", ".join(_esc(u) for u in used_by[:6])
        more = f" and {len(used_by) - 6} more" if len(used_by) > 6 else ""
        rows.append(("Used by", f"{len(used_by)} route(s): {shown}{more}"))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f'<div class="corridor-popup"><h3>{_esc(names.name(node))}</h3>'
        f'<p class="corridor-muted">{_esc(node)}</p><table>{table}</table></div>'
    )


def _places_layer(
    pairs: Sequence[PairPlan], names: _Names, *, name: str = "Crossings, ports and airports used"
) -> folium.FeatureGroup:
    used = _used_places(pairs)
    endpoints = {p for pair in pairs for p in (pair.origin, pair.destination)}
    nodes = names.nodes
    feats = []
    for node in dict.fromkeys([*used, *endpoints]):
        if node not in nodes.index:
            continue
        row = nodes.loc[node]
        point = row.geometry
        geometry = {"type": "Point", "coordinates": [round(point.x, 4), round(point.y, 4)]}
        style: dict[str, Any] = {"fillOpacity": 1.0, "opacity": 1.0}
        kind = str(row["kind"])
        style.update(_ENDPOINT_STYLE if node in endpoints else _KIND_STYLE.get(kind, {}))
        popup = _place_popup(node, row.to_dict(), names, used.get(node, []))
        label = _esc(names.name(node)) if node in endpoints else None
        tooltip = f"{_esc(names.name(node))} ({_esc(kind)})"
        feats.append(_feature(geometry, style, tooltip=tooltip, popup=popup, label=label))
    group = folium.FeatureGroup(name=name)
    _geojson(feats, pane="corridor-points", points=True).add_to(group)
    return group


def _chokepoint_layer(ids: Sequence[str], names: _Names) -> folium.FeatureGroup:
    countries = display_geometry(_borders.load_borders())
    nodes = names.nodes
    feats = []
    for key in ids:
        text = f"Chokepoint: {_esc(names.place(key))}"
        if key in nodes.index:
            point = nodes.at[key, "geometry"]
            geometry = {"type": "Point", "coordinates": [round(point.x, 4), round(point.y, 4)]}
            feats.append(_feature(geometry, _CHOKE_STYLE, tooltip=text))
        else:
            style = {"color": "#d50000", "weight": 3.5, "fillOpacity": 0.0, "dashArray": "8 4"}
            mapped = shapely.geometry.mapping(countries.geometry[key])
            feats.append(_feature(mapped, style, tooltip=text))
    group = folium.FeatureGroup(name="Chokepoints")
    _geojson(feats, pane="corridor-chokepoints", points=True).add_to(group)
    return group


def _check_chokepoints(chokepoints: Iterable[str] | None, names: _Names) -> list[str]:
    if chokepoints is None:
        return []
    if isinstance(chokepoints, str):
        chokepoints = [chokepoints]
    ids = list(dict.fromkeys(str(c) for c in chokepoints))
    countries = set(_borders.load_borders().index)
    unknown = [c for c in ids if c not in names.nodes.index and c not in countries]
    if unknown:
        msg = (
            f"unknown chokepoint(s) {', '.join(map(repr, unknown))}; expected network node ids "
            "(such as 'x-upper-lars') or ISO3 country codes (such as 'GEO')"
        )
        raise UnknownPlaceError(msg)
    return ids


# --------------------------------------------------------------------------- boxes


def _line_sample(style: Mapping[str, Any], colour: str) -> str:
    dash = f' stroke-dasharray="{style["dashArray"]}"' if style.get("dashArray") else ""
    cap = ' stroke-linecap="round"' if style.get("dashArray", "").startswith("1 ") else ""
    return (
        f'<svg width="40" height="12" aria-hidden="true"><line x1="3" y1="6" x2="37" y2="6" '
        f'stroke="{style.get("color", colour)}" stroke-width="{style["weight"]}"{dash}{cap}/></svg>'
    )


def _legend_html(extra_rows: str = "") -> str:
    stance_rows = "".join(
        f'<div class="corridor-row"><span class="corridor-sw" '
        f'style="background:{STANCE_COLOURS[s]}"></span>{s.value}</div>'
        for s in Stance
    )
    mode_rows = "".join(
        f'<div class="corridor-row">{_line_sample(MODE_STYLES[m], "#1b3a8c")}{label}</div>'
        for m, label in (
            ("air", "air (great-circle arc)"),
            ("road", "road"),
            ("rail", "rail"),
            ("sea", "sea, ferry, waterway"),
            ("transfer", "transfer"),
        )
    )
    hatch = (
        '<svg width="20" height="14" aria-hidden="true"><rect x="1" y="1" width="18" height="12" '
        f'fill="url(#corridor-hatch)" stroke="{_CLOSED}" stroke-dasharray="3 2"/></svg>'
    )
    return (
        "<details open><summary>Legend</summary>"
        "<h2>Countries</h2>"
        '<p class="corridor-muted">Colour: the worst of the scenario\'s stances for '
        "overflight, landing, road, rail and sea.</p>"
        f"{stance_rows}"
        f'<div class="corridor-row">{hatch}closed airspace (land + 12 nm)</div>'
        f'<div class="corridor-row"><span class="corridor-sw" style="background:{_INTL};'
        'opacity:0.5"></span>international airspace</div>'
        f"<h2>Routes</h2>{mode_rows}{extra_rows}"
        '<p class="corridor-muted">Switch layers with the button at the top right.</p>'
        "</details>"
    )


def _legend_row(icon: str, text: str) -> str:
    return f'<div class="corridor-row">{icon}{text}</div>'


def _dot(style: Mapping[str, Any]) -> str:
    fill = style.get("fillColor", "none") if style.get("fillOpacity", 1.0) else "none"
    return (
        f'<svg width="16" height="16" aria-hidden="true"><circle cx="8" cy="8" r="5" '
        f'fill="{fill}" stroke="{style["color"]}" '
        f'stroke-width="{min(float(style["weight"]), 2.5)}"/></svg>'
    )


def _places_legend() -> str:
    rows = [
        (_dot(_ENDPOINT_STYLE), "origin / destination"),
        (_dot(_KIND_STYLE["crossing"]), "border crossing"),
        (_dot(_KIND_STYLE["port"]), "port"),
        (_dot(_KIND_STYLE["airport"]), "airport / airbase"),
    ]
    return "<h2>Places</h2>" + "".join(_legend_row(icon, text) for icon, text in rows)


def _restore_html(why: WhyNot, names: _Names) -> str:
    if not why.restore:
        return "<p>No single change of up to three closures restores a route.</p>"
    items = []
    for i, opened in enumerate(why.restore):
        what = " + ".join(_esc(names.place(x)) for x in opened)
        if i < len(why.restored_routes):
            route = why.restored_routes[i]
            what += f' <span class="corridor-muted">({_km(route.km)}, {_hours(route.hours)})</span>'
        items.append(f"<li>{what}</li>")
    return f"<p>A route returns if any one of these opens:</p><ul>{''.join(items)}</ul>"


def _why_not_html(pairs: Sequence[PairPlan], names: _Names) -> str:
    blocks = []
    for pair in pairs:
        if pair.routes:
            continue
        why = pair.why_not
        reason = _esc(why.reason) if why else "no route"
        restore = _restore_html(why, names) if why else ""
        blocks.append(
            f'<div class="corridor-whynot"><b>No route: '
            f"{_pair_label(pair.origin, pair.destination, names)}</b>"
            f"<p>{reason}</p>{restore}</div>"
        )
    return "".join(blocks)


def _panel_html(plan: Plan, names: _Names) -> str:
    scen = plan.scenario
    n_ok = sum(p.feasible for p in plan.pairs)
    date = f' <span class="corridor-muted">({_esc(scen.date)})</span>' if scen.date else ""
    sources = "".join(f"<li>{_esc(s)}</li>" for s in scen.sources)
    details = ""
    if scen.description or sources:
        details = (
            "<details><summary>About this scenario</summary>"
            f"<p>{_esc(scen.description)}</p>"
            f"{f'<h2>Sources</h2><ul>{sources}</ul>' if sources else ''}</details>"
        )
    return (
        f"<h1>{_esc(scen.name)}{date}</h1>"
        f"<p>{n_ok} of {len(plan.pairs)} origin–destination pairs have a route. "
        "Click a line or a place for details.</p>"
        f"{_why_not_html(plan.pairs, names)}{details}"
    )


def _figure(fmap: folium.Map) -> Figure:
    figure = fmap.get_root()
    if not isinstance(figure, Figure):
        msg = "the map is not attached to a folium Figure"
        raise ValueError(msg)
    return figure


def _add_boxes(fmap: folium.Map, *, title: str, panel: str, legend: str) -> None:
    figure = _figure(fmap)
    figure.header.add_child(_Raw(f"<title>{title}</title>"), name="corridor_title")
    figure.header.add_child(_Raw(f"<style>{_CSS}</style>"), name="corridor_css")
    body = (
        f"{_HATCH_SVG}"
        '<div class="corridor-column">'
        f'<div class="corridor-box corridor-panel">{panel}</div>'
        f'<div class="corridor-box corridor-legend">{legend}</div></div>'
    )
    figure.html.add_child(_Raw(body), name="corridor_boxes")


# --------------------------------------------------------------------------- map shell


def _new_map(*, tiles: bool | str) -> folium.Map:
    fmap = folium.Map(
        location=[42.0, 50.0],
        zoom_start=5,
        tiles=None,
        control_scale=True,
        font_size="13px",
        zoom_snap=0.25,
    )
    if tiles:
        name = "OpenStreetMap" if tiles is True else str(tiles)
        folium.TileLayer(name, name=f"Basemap: {_esc(name)}").add_to(fmap)
    for pane, z_index in _PANES:
        folium.map.CustomPane(pane, z_index=z_index, pointer_events=True).add_to(fmap)
    return fmap


def _bounds(routes: Iterable[Route], places: Iterable[str], names: _Names) -> list[list[float]]:
    geoms: list[shapely.Geometry] = [leg.geometry for r in routes for leg in r.legs]
    geoms += [names.nodes.at[p, "geometry"] for p in places if p in names.nodes.index]
    if not geoms:
        return [[36.0, 36.0], [50.0, 62.0]]
    west, south, east, north = shapely.GeometryCollection(geoms).bounds
    pad = 0.6
    return [
        [round(south - pad, 4), round(west - pad, 4)],
        [round(north + pad, 4), round(east + pad, 4)],
    ]


def _finish(fmap: folium.Map, bounds: list[list[float]], *, inline: bool) -> folium.Map:
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    # keep the data clear of the boxes on the left
    fmap.fit_bounds(bounds, padding_top_left=(390, 20), padding_bottom_right=(60, 20))
    if inline:
        inline_assets(fmap)
    return fmap


def _check_plan(plan: Any, what: str = "plan") -> None:
    from corridor.routing import Plan

    if not isinstance(plan, Plan):
        msg = f"{what}: expected a corridor Plan (from corridor.plan), got {type(plan).__name__}"
        raise TypeError(msg)


def _pair_colours(pairs: Sequence[PairPlan]) -> dict[tuple[str, str], str]:
    feasible = [(p.origin, p.destination) for p in pairs if p.routes]
    return {key: ROUTE_COLOURS[i % len(ROUTE_COLOURS)] for i, key in enumerate(feasible)}


def _pairs_legend(
    pairs: Sequence[PairPlan], names: _Names, colours: Mapping[tuple[str, str], str]
) -> str:
    rows = []
    for pair in pairs:
        key = (pair.origin, pair.destination)
        if key not in colours:
            continue
        best = pair.routes[0]
        rows.append(
            f'<div class="corridor-row"><span class="corridor-sw" '
            f'style="background:{colours[key]}"></span>'
            f"<span>{_pair_label(*key, names)}<br>"
            f'<span class="corridor-muted">{_km(best.km)}, {_hours(best.hours)}</span></span></div>'
        )
    if not rows:
        return ""
    faded = _line_sample({"weight": 3, "color": "#1b3a8c"}, "#1b3a8c").replace(
        "<line", '<line opacity="0.45"'
    )
    return (
        "<h2>Best route per pair</h2>"
        + "".join(rows)
        + f'<div class="corridor-row">{faded}alternatives (faded)</div>'
    )


# --------------------------------------------------------------------------- public


def render(
    plan: Plan,
    *,
    network: TransitNetwork | None = None,
    chokepoints: Iterable[str] | None = None,
    inline_assets: bool = False,
    tiles: bool | str = True,
) -> folium.Map:
    """Map of a plan: stances, closed airspace, routes per pair, places and why-not.

    Parameters
    ----------
    plan
        Output of :func:`corridor.routing.plan`.
    network
        Network the plan was made on, for place names and facility details
        (default: :func:`corridor.load_network`).
    chokepoints
        Node ids (crossings, ports, airports) and ISO3 codes to highlight.
    inline_assets
        Make the HTML self-contained: Leaflet inlined from ``corridor/_static``,
        no CDN references (see :func:`inline_assets`).
    tiles
        ``True`` for an OpenStreetMap basemap, a folium/xyzservices tile name, or
        ``False`` for none (the GeoJSON layers never depend on tiles).

    Returns
    -------
    folium.Map
        Write it with :func:`save`.

    Raises
    ------
    TypeError
        If ``plan`` is not a :class:`~corridor.routing.Plan`.
    UnknownPlaceError
        If a chokepoint is neither a node id nor a country code.

    Examples
    --------
    >>> from corridor.scenario import load_scenario
    >>> from corridor.routing import plan
    >>> fmap = render(plan(load_scenario("armenia-2020")), tiles=False)  # doctest: +SKIP
    >>> save(fmap, "maps/armenia-2020.html")  # doctest: +SKIP
    """
    _check_plan(plan)
    names = _names(network)
    highlight = _check_chokepoints(chokepoints, names)
    scen = plan.scenario
    colours = _pair_colours(plan.pairs)
    fmap = _new_map(tiles=tiles)
    restored_layer = _restored_layer(plan.pairs, names)
    layers: list[folium.FeatureGroup | None] = [
        _country_layer(scen, names, fill_opacity=0.55 if tiles else 0.7),
        _intl_layer(scen.caspian),
        _closed_airspace_layer(scen, names),
        *_pair_layers(plan.pairs, names, colours),
        restored_layer,
        _places_layer(plan.pairs, names),
        _chokepoint_layer(highlight, names) if highlight else None,
    ]
    for layer in layers:
        if layer is not None:
            layer.add_to(fmap)
    extra = _pairs_legend(plan.pairs, names, colours)
    if restored_layer is not None:
        extra += _legend_row(_line_sample({"weight": 3}, "#5f6368"), "if a closure were lifted")
    if highlight:
        extra += _legend_row(_dot(_CHOKE_STYLE), "chokepoint")
    legend = _legend_html(extra + _places_legend())
    _add_boxes(fmap, title=_esc(scen.name), panel=_panel_html(plan, names), legend=legend)
    restored = [r for p in plan.pairs if p.why_not for r in p.why_not.restored_routes]
    endpoints = [x for p in plan.pairs for x in (p.origin, p.destination)]
    bounds = _bounds([*plan.routes, *restored], endpoints, names)
    return _finish(fmap, bounds, inline=inline_assets)


def render_scenario(
    scenario: Scenario | str,
    *,
    network: TransitNetwork | None = None,
    chokepoints: Iterable[str] | None = None,
    inline_assets: bool = False,
    tiles: bool | str = True,
) -> folium.Map:
    """Plan a scenario and :func:`render` the result.

    Parameters
    ----------
    scenario
        A :class:`~corridor.scenario.Scenario`, a reference scenario name or a TOML path.
    network, chokepoints, inline_assets, tiles
        As for :func:`render`.

    Returns
    -------
    folium.Map
    """
    from corridor.network import load_network
    from corridor.routing import plan
    from corridor.scenario import load_scenario

    scen = load_scenario(scenario) if isinstance(scenario, str) else scenario
    net = network if network is not None else load_network()
    return render(
        plan(scen, network=net),
        network=net,
        chokepoints=chokepoints,
        inline_assets=inline_assets,
        tiles=tiles,
    )


def geography_map(
    *, caspian: _borders.CaspianRule = "open", tiles: bool | str = True
) -> folium.Map:
    """Map of the region's countries, territorial seas and international airspace.

    Parameters
    ----------
    caspian
        Caspian rule used for the airspace layers.
    tiles
        As for :func:`render`.

    Returns
    -------
    folium.Map
    """
    countries = display_geometry(_borders.load_borders())
    seas = display_geometry(_borders.load_territorial_seas(caspian))
    fmap = _new_map(tiles=tiles)
    land = {"color": "#555555", "weight": 1, "fillColor": "#e8e2d0", "fillOpacity": 0.6}
    sea = {"color": "#3b6ea5", "weight": 0.5, "fillColor": "#3b6ea5", "fillOpacity": 0.35}
    for name, frame, style, text in (
        (
            "Countries",
            countries,
            land,
            {str(c): f"{_esc(n)} ({_esc(c)})" for c, n in countries["name"].items()},
        ),
        (
            "Territorial seas (12 nm)",
            seas,
            sea,
            {str(c): f"territorial sea of {_esc(c)}" for c in seas.index},
        ),
    ):
        group = folium.FeatureGroup(name=name)
        feats = _frame_features(frame, style, {k: (v, "") for k, v in text.items()})
        _geojson(feats, pane="corridor-countries").add_to(group)
        group.add_to(fmap)
    _intl_layer(caspian).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    figure = _figure(fmap)
    figure.header.add_child(_Raw(f"<style>{_CSS}</style>"), name="corridor_css")
    fmap.fit_bounds([[30.0, 20.0], [63.0, 90.0]])
    return fmap


# --------------------------------------------------------------------------- comparison


def _change_layer(
    routes: Sequence[Route], names: _Names, *, name: str, colour: str, faded: bool, pane: str
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=_swatch_name(colour, name))
    feats: list[dict[str, Any]] = []
    for route in routes:
        label = _pair_label(route.origin, route.destination, names)
        title = f"{label} #{route.rank} ({name.lower()})"
        for f in _route_features(route, names, colour=colour, faded=faded, title=title):
            style = f["properties"]["style"]
            if style.get("color") == _SEA_BLUE:  # keep the category colour on water too
                style["color"] = colour
            feats.append(f)
    _geojson(feats, pane=pane).add_to(group)
    return group


def _summary_html(result: Comparison, names: _Names) -> str:
    rows = []
    for change in result.pairs:
        label = _pair_label(change.origin, change.destination, names)
        base_name = _esc(result.base.scenario.name)
        other_name = _esc(result.other.scenario.name)
        if not change.in_base:
            before = f'<span class="corridor-muted">not in {base_name}</span>'
        elif change.before:
            before = f"{_km(change.before.km)}, {_hours(change.before.hours)}"
        else:
            before = "no route"
        if not change.in_other:
            after = f'<span class="corridor-muted">not in {other_name}</span>'
        elif change.after:
            after = f"{_km(change.after.km)}, {_hours(change.after.hours)}"
        else:
            reason = _esc(change.why_not.reason) if change.why_not else ""
            after = f'<b>no route</b> <span class="corridor-muted">{reason}</span>'
        counts = f"{len(change.lost)} lost, {len(change.gained)} new, {len(change.kept)} kept"
        rows.append(
            f"<tr><td><b>{label}</b><br>{before} → {after}"
            f'<br><span class="corridor-muted">{counts}</span></td></tr>'
        )
    return f"<table>{''.join(rows)}</table>"


def compare(
    base_plan: Plan,
    other_plan: Plan,
    *,
    network: TransitNetwork | None = None,
    inline_assets: bool = False,
    tiles: bool | str = True,
) -> folium.Map:
    """Overlay map of two plans: lost, new and unchanged corridors.

    Countries and closed airspace are drawn for ``other_plan``'s scenario.

    Parameters
    ----------
    base_plan
        The reference plan.
    other_plan
        The plan compared with it.
    network, inline_assets, tiles
        As for :func:`render`.

    Returns
    -------
    folium.Map
        With layers "Lost corridors", "New corridors" and "Unchanged corridors" and
        a summary box per origin-destination pair (see
        :func:`corridor.analysis.compare_plans`).
    """
    result = compare_plans(base_plan, other_plan)
    names = _names(network)
    scen = other_plan.scenario
    fmap = _new_map(tiles=tiles)
    for layer in (
        _country_layer(scen, names, fill_opacity=0.45 if tiles else 0.6),
        _intl_layer(scen.caspian),
        _closed_airspace_layer(scen, names),
        _change_layer(result.kept, names, name="Unchanged corridors", colour=_KEPT, faded=True,
                      pane="corridor-alternatives"),
        _change_layer(result.lost, names, name="Lost corridors", colour=_LOST, faded=False,
                      pane="corridor-routes"),
        _change_layer(result.gained, names, name="New corridors", colour=_NEW, faded=False,
                      pane="corridor-routes"),
        _places_layer(other_plan.pairs, names),
    ):  # fmt: skip
        layer.add_to(fmap)
    title = f"{_esc(base_plan.scenario.name)} → {_esc(scen.name)}"
    panel = (
        f"<h1>{title}</h1><p>Corridors of <b>{_esc(base_plan.scenario.name)}</b> compared with "
        f"<b>{_esc(scen.name)}</b> (countries and airspace as in the latter).</p>"
        f"{_summary_html(result, names)}"
    )
    change_rows = "".join(
        f'<div class="corridor-row">{_line_sample({"weight": 4}, c)}{t}</div>'
        for c, t in ((_LOST, "lost corridor"), (_NEW, "new corridor"), (_KEPT, "unchanged"))
    )
    legend = _legend_html(f"<h2>Change</h2>{change_rows}" + _places_legend())
    _add_boxes(fmap, title=title, panel=panel, legend=legend)
    routes = [*result.lost, *result.gained, *result.kept]
    endpoints = [x for p in result.pairs for x in (p.origin, p.destination)]
    return _finish(fmap, _bounds(routes, endpoints, names), inline=inline_assets)


# --------------------------------------------------------------------------- assets and saving

_STATIC = static_folder() / "leaflet"
#: Folium assets replaced by vendored files when inlining.
_VENDORED = {"leaflet": "leaflet.js", "leaflet_css": "leaflet.css"}
#: Folium assets these maps never use (jQuery popups, Bootstrap, icon fonts and markers).
_UNUSED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _static_text(name: str) -> str:
    path = _STATIC / name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"vendored asset {path} is missing; run scripts/vendor_leaflet.sh to restore it"
        raise FileNotFoundError(msg) from None


def _leaflet_css() -> str:
    css = _static_text("leaflet.css")

    def data_uri(match: re.Match[str]) -> str:
        png = (_STATIC / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)


def inline_assets(fmap: folium.Map) -> folium.Map:
    """Make a map's HTML self-contained: inline Leaflet, drop unused CDN assets.

    Folium links Leaflet, jQuery, Bootstrap and icon fonts from CDNs. This replaces
    Leaflet's JS and CSS by the copies vendored in ``corridor/_static/leaflet``
    (images as data URIs) and removes the rest, which the maps of this module do
    not use. Call it after adding every element; elements added later bring their
    own links back.

    Parameters
    ----------
    fmap
        A map, typically from :func:`render`.

    Returns
    -------
    folium.Map
        The same map, changed in place.

    Raises
    ------
    ValueError
        If an element needs a CDN asset that cannot be inlined (a folium plugin).
    """
    figure = _figure(fmap)
    needed: set[str] = set()
    unknown: list[str] = []
    for element in _walk(fmap):
        if not isinstance(element, JSCSSMixin):
            continue
        assets = [*element.default_js, *element.default_css]
        for name, url in assets:
            if name in _VENDORED:
                needed.add(name)
            elif name not in _UNUSED:
                unknown.append(f"{name} ({url})")
        if assets:
            element.default_js = []
            element.default_css = []
    if unknown:
        msg = (
            f"cannot inline {', '.join(unknown)}; only Leaflet is vendored "
            f"(corridor/_static/leaflet). Render with inline_assets=False to keep CDN links."
        )
        raise ValueError(msg)
    if "leaflet_css" in needed:
        figure.header.add_child(_Raw(f"<style>{_leaflet_css()}</style>"), name="leaflet_css")
    if "leaflet" in needed:
        js = _static_text("leaflet.js").replace("</script", "<\\/script")
        figure.header.add_child(_Raw(f"<script>{js}</script>"), name="leaflet")
    return fmap


def save(fmap: folium.Map, path: str | Path) -> Path:
    """Write a map's full HTML page atomically.

    Parameters
    ----------
    fmap
        A map from :func:`render`, :func:`compare` or :func:`geography_map`.
    path
        Destination ``.html``; its folder is created when missing.

    Returns
    -------
    pathlib.Path
    """
    if not isinstance(fmap, folium.Map):
        msg = f"expected a folium.Map, got {type(fmap).__name__}"
        raise TypeError(msg)
    return atomic_write_text(path, fmap.get_root().render())
