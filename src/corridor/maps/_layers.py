"""Layer builders: each returns a :class:`folium.FeatureGroup` of GeoJSON features.

Features carry their own style, tooltip, popup and (for endpoints) permanent label;
one ``on_each_feature`` function (:data:`corridor.maps._style.BIND`) binds them.
Popup HTML comes from the macros of ``templates/fragments.html.j2``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium
import shapely
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from corridor import borders as _borders
from corridor._errors import UnknownPlaceError
from corridor.export import closed_airspace
from corridor.maps import _style as S  # noqa: N812
from corridor.maps._text import Names, esc, hours, km, macro
from corridor.scenario import STANCE_MODES, Scenario, Stance

if TYPE_CHECKING:
    import geopandas as gpd

    from corridor.routing import Leg, PairPlan, Route


# --------------------------------------------------------------------------- geometry


def display_geometry(
    gdf: gpd.GeoDataFrame, tolerance: float = S.DISPLAY_TOLERANCE_DEG
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
    out.geometry = shapely.set_precision(geoms, S.COORD_GRID)
    return out[~out.geometry.is_empty]


def display_line(line: BaseGeometry) -> dict[str, Any] | None:
    """GeoJSON of a simplified, rounded route line; None when nothing is left to draw."""
    if line.is_empty or line.length == 0.0:
        return None
    out = shapely.set_precision(shapely.simplify(line, S.LINE_TOLERANCE_DEG), S.COORD_GRID)
    if out.is_empty or out.length == 0.0:
        return None
    mapped: dict[str, Any] = shapely.geometry.mapping(out)
    return mapped


def feature(
    geometry: Mapping[str, Any],
    style: Mapping[str, Any],
    *,
    tooltip: str | None = None,
    popup: str | None = None,
    label: str | None = None,
    rank: int = 0,
    code: str | None = None,
) -> dict[str, Any]:
    """Build a GeoJSON feature with its style and its (escaped or Markup) texts."""
    props: dict[str, Any] = {"style": dict(style)}
    if code is not None:
        props["code"] = code
    for key, value in (("tooltip", tooltip), ("popup", popup), ("label", label)):
        if value:
            props[key] = str(value)
    if label:
        props["rank"] = rank
    return {"type": "Feature", "properties": props, "geometry": dict(geometry)}


def geojson(features: list[dict[str, Any]], *, pane: str, points: bool = False) -> folium.GeoJson:
    """One GeoJSON layer whose features carry their own style, tooltip and popup."""
    marker = None
    if points:
        marker = folium.CircleMarker(radius=5, fill=True)
        marker.options["pane"] = pane  # folium drops it; without it points sit under the fills
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        on_each_feature=S.BIND,
        marker=marker,
        control=False,
        pane=pane,
    )


def frame_features(
    frame: gpd.GeoDataFrame, style: Mapping[str, Any], text: Mapping[str, tuple[str, str]]
) -> list[dict[str, Any]]:
    """Features of a display frame; ``text`` maps its index to (tooltip, popup) HTML."""
    out = []
    for key, geom in zip(frame.index, frame.geometry, strict=True):
        tooltip, popup = text.get(str(key), ("", ""))
        mapped = shapely.geometry.mapping(geom)
        out.append(feature(mapped, style, tooltip=tooltip, popup=popup, code=str(key)))
    return out


#: Dissolved land per borders table; the table is kept so that its id is not reused.
_LAND: dict[int, tuple[gpd.GeoDataFrame, dict[str, Any]]] = {}


def _land() -> dict[str, Any]:
    """GeoJSON of the dissolved, simplified land (cached per loaded borders table)."""
    countries = _borders.load_borders()
    cached = _LAND.get(id(countries))
    if cached is not None and cached[0] is countries:
        return cached[1]
    land = shapely.union_all(countries.geometry.values)
    land = shapely.set_precision(
        shapely.simplify(land, S.BASE_TOLERANCE_DEG, preserve_topology=True), S.COORD_GRID
    )
    mapped: dict[str, Any] = shapely.geometry.mapping(land)
    if len(_LAND) >= 4:
        _LAND.clear()
    _LAND[id(countries)] = (countries, mapped)
    return mapped


def base_layer() -> folium.FeatureGroup:
    """Offline basemap from the shipped Natural Earth borders: land on a sea background."""
    style = {"color": "#8c8c80", "weight": 0.8, "fillColor": S.LAND, "fillOpacity": 1.0}
    group = folium.FeatureGroup(name="Basemap: Natural Earth land (offline)", overlay=False)
    feats = [feature(_land(), style)]
    geojson(feats, pane="corridor-base").add_to(group)
    return group


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
    return max((scenario.stance(code, m) for m in STANCE_MODES), key=S.SEVERITY.__getitem__)


def country_layer(scenario: Scenario, names: Names, *, fill_opacity: float) -> folium.FeatureGroup:
    """Countries filled by their worst stance, with a popup of every per-mode stance."""
    countries = display_geometry(_borders.load_borders())
    group = folium.FeatureGroup(name="Countries: worst stance", overlay=True)
    features = []
    for code, geom in zip(countries.index, countries.geometry, strict=True):
        stance = worst_stance(scenario, str(code))
        style = {
            "color": "#5f6368",
            "weight": 0.8,
            "opacity": 0.9,
            "fillColor": S.STANCE_COLOURS[stance],
            "fillOpacity": fill_opacity,
        }
        country = names.country(str(code))
        tooltip = esc(f"{country}: {stance.value}")
        stances = [(m, scenario.stance(str(code), m).value) for m in STANCE_MODES]
        popup = macro("stance_popup", country, stances)
        features.append(
            feature(
                shapely.geometry.mapping(geom), style, tooltip=tooltip, popup=popup, code=str(code)
            )
        )
    geojson(features, pane="corridor-countries").add_to(group)
    return group


def closed_airspace_layer(
    scenario: Scenario, names: Names, *, name: str | None = None
) -> folium.FeatureGroup:
    """Territorial airspace closed by the scenario, hatched."""
    frame = closed_airspace(scenario)
    shown = display_geometry(frame)
    group = folium.FeatureGroup(name=name or f"Closed airspace ({len(frame)} states)")
    style = {
        "color": S.CLOSED,
        "weight": 1.2,
        "opacity": 0.8,
        "dashArray": "4 3",
        "fillColor": "url(#corridor-hatch)",
        "fillOpacity": 1.0,
    }
    text = {
        str(code): (
            esc(f"Closed airspace: {names.country(str(code))} ({reason})"),
            macro("closed_popup", names.country(str(code)), reason),
        )
        for code, reason in frame["reason"].items()
    }
    geojson(frame_features(shown, style, text), pane="corridor-airspace").add_to(group)
    return group


def intl_layer(caspian: _borders.CaspianRule) -> folium.FeatureGroup:
    """International airspace under a Caspian rule, tinted."""
    zones = _borders.load_airspace(caspian)
    intl = display_geometry(zones.loc[[_borders.INTL]])
    style = {"stroke": False, "fillColor": S.INTL_COLOUR, "fillOpacity": 0.22}
    text = {_borders.INTL: (esc(f"International airspace (Caspian rule: {caspian})"), "")}
    group = folium.FeatureGroup(name="International airspace")
    geojson(frame_features(intl, style, text), pane="corridor-countries").add_to(group)
    return group


# --------------------------------------------------------------------------- routes


def route_html(route: Route, names: Names, *, title: str) -> str:
    """Summary table of one route (popup header)."""
    return macro(
        "route_summary",
        title,
        route.km,
        route.hours,
        ", ".join(route.modes),
        names.countries(route.countries),
        ", ".join(names.place(v) for v in dict.fromkeys(route.via)),
        ", ".join(names.country(c) for c in route.conditional),
        route.transit_hours,
    )


def leg_html(index: int, leg: Leg, names: Names) -> str:
    """Table of one leg (popup body)."""
    return macro(
        "leg_table",
        index + 1,
        leg.mode,
        names.place(leg.orig),
        names.place(leg.dest),
        leg.km,
        leg.hours,
        names.countries(leg.countries),
        ", ".join(names.country(c) for c in leg.conditional),
        [(names.place(w.node), w.hours, f"{w.basis} {w.detail}".strip()) for w in leg.waits],
        leg.rest_hours,
    )


def leg_styles(mode: str, colour: str, *, faded: bool) -> list[dict[str, Any]]:
    """Under-line (white casing, or route-coloured halo on water) and line of one leg."""
    line: dict[str, Any] = {"color": colour, "opacity": 0.95, "lineCap": "round"}
    line.update(S.MODE_STYLES.get(mode, S.MODE_STYLES["road"]))
    weight = float(line["weight"])
    under: dict[str, Any]
    if mode in S.WATER_MODES:
        under = {"color": colour, "weight": weight + 6, "opacity": 0.35, "lineCap": "round"}
    elif mode == "transfer":
        return [{**line, "opacity": 0.45 if faded else 0.8}]
    else:
        under = {"color": "#ffffff", "weight": weight + 3, "opacity": 0.75, "lineCap": "round"}
    if faded:
        line.update(opacity=0.5, weight=max(weight - 1.0, 1.5))
        under.update(opacity=under["opacity"] * 0.5, weight=under["weight"] - 1)
    return [under, line]


def route_features(
    route: Route, names: Names, *, colour: str, faded: bool, title: str
) -> list[dict[str, Any]]:
    """Features of every leg of a route, each with the route and leg popup."""
    summary = route_html(route, names, title=title)
    out: list[dict[str, Any]] = []
    for i, leg in enumerate(route.legs):
        geometry = display_line(leg.geometry)
        if geometry is None:
            continue
        popup = Markup('<div class="corridor-popup">{}{}</div>').format(
            Markup(summary), Markup(leg_html(i, leg, names))
        )
        tooltip = esc(
            f"{title}: leg {i + 1} {leg.mode}, {names.name(leg.orig)} → "
            f"{names.name(leg.dest)}, {km(leg.km)}, {hours(leg.hours)}"
        )
        out.extend(
            feature(geometry, style, tooltip=tooltip, popup=popup)
            for style in leg_styles(leg.mode, colour, faded=faded)
        )
    return out


def swatch_name(colour: str, text: str) -> str:
    """Layer-control name with a coloured line swatch (``text`` is plain text)."""
    return macro("swatch_name", colour, text)


def pair_layers(
    pairs: Sequence[PairPlan], names: Names, colours: Mapping[tuple[str, str], str]
) -> list[folium.FeatureGroup]:
    """One layer per feasible pair (its best route), then one of all alternatives."""
    layers = []
    alternatives: list[dict[str, Any]] = []
    for pair in pairs:
        if not pair.routes:
            continue
        label = names.pair(pair.origin, pair.destination)
        colour = colours[(pair.origin, pair.destination)]
        best, *rest = pair.routes
        group = folium.FeatureGroup(name=swatch_name(colour, f"Route {label}"))
        feats = route_features(best, names, colour=colour, faded=False, title=f"{label} (best)")
        geojson(feats, pane="corridor-routes").add_to(group)
        layers.append(group)
        for route in rest:
            title = f"{label} (alternative {route.rank})"
            alternatives += route_features(route, names, colour=colour, faded=True, title=title)
    if alternatives:
        group = folium.FeatureGroup(name="Alternative routes (rank 2+, faded)")
        geojson(alternatives, pane="corridor-alternatives").add_to(group)
        layers.append(group)
    return layers


def restored_layer(pairs: Sequence[PairPlan], names: Names) -> folium.FeatureGroup | None:
    """Hypothetical routes that would exist if a blocking state or crossing reopened."""
    feats: list[dict[str, Any]] = []
    for pair in pairs:
        why = pair.why_not
        if why is None:
            continue
        label = names.pair(pair.origin, pair.destination)
        for opened, route in zip(why.restore, why.restored_routes, strict=False):
            what = " + ".join(names.place(x) for x in opened)
            title = f"{label} if {what} reopened (hypothetical)"
            feats += route_features(route, names, colour="#5f6368", faded=True, title=title)
    if not feats:
        return None
    group = folium.FeatureGroup(name="Routes if a closure were lifted (hypothetical)")
    geojson(feats, pane="corridor-alternatives").add_to(group)
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


def _source_parts(text: str) -> list[tuple[str, str]]:
    parts = []
    for part in (p.strip() for p in text.split(";")):
        if part:
            parts.append(("url" if re.fullmatch(r"https?://\S+", part) else "text", part))
    return parts


def place_popup(node: str, row: Mapping[str, Any], names: Names, used_by: Sequence[str]) -> str:
    """Popup of a crossing, port or airport: kind, status, capacity, source, users."""
    rows: list[tuple[str, Any]] = [
        ("Kind", row.get("kind", "")),
        ("Country", names.country(str(row.get("country", "")))),
    ]
    if row.get("country_b"):
        rows.append(("Other side", names.country(str(row["country_b"]))))
    status = str(row.get("status", "") or "unknown")
    if row.get("status_date"):
        status += f" (as of {row['status_date']})"
    rows.append(("Status", status))
    runway = _fmt_number(row.get("runway_m"), "m")
    if runway:
        rows.append(("Runway", runway))
    capacity = _fmt_number(row.get("capacity_per_day"), f"{row.get('capacity_unit') or ''}/day")
    if capacity:
        rows.append(("Capacity", capacity))
    if row.get("source"):
        rows.append(("Source", Markup(macro("sources", _source_parts(str(row["source"]))))))
    if used_by:
        shown = ", ".join(used_by[:6])
        more = f" and {len(used_by) - 6} more" if len(used_by) > 6 else ""
        rows.append(("Used by", f"{len(used_by)} route(s): {shown}{more}"))
    return macro("place_popup", names.name(node), node, rows)


def places_layer(
    pairs: Sequence[PairPlan], names: Names, *, name: str = "Crossings, ports and airports used"
) -> folium.FeatureGroup:
    """Places the routes use; origins and destinations labelled (de-collided in the page)."""
    used = _used_places(pairs)
    endpoints = list(dict.fromkeys(p for pair in pairs for p in (pair.origin, pair.destination)))
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
        style.update(S.ENDPOINT_STYLE if node in endpoints else S.KIND_STYLE.get(kind, {}))
        popup = place_popup(node, row.to_dict(), names, used.get(node, []))
        label = esc(names.name(node)) if node in endpoints else None
        # destinations and much-used places keep their label when labels collide
        rank = len(used.get(node, [])) + (100 if node in endpoints[1::2] else 0)
        tooltip = esc(f"{names.name(node)} ({kind})")
        feats.append(feature(geometry, style, tooltip=tooltip, popup=popup, label=label, rank=rank))
    group = folium.FeatureGroup(name=name)
    geojson(feats, pane="corridor-points", points=True).add_to(group)
    return group


def chokepoint_layer(ids: Sequence[str], names: Names) -> folium.FeatureGroup:
    """Chokepoint places (circles) and countries (dashed outlines)."""
    countries = display_geometry(_borders.load_borders())
    nodes = names.nodes
    feats = []
    for key in ids:
        text = esc(f"Chokepoint: {names.place(key)}")
        if key in nodes.index:
            point = nodes.at[key, "geometry"]
            geometry = {"type": "Point", "coordinates": [round(point.x, 4), round(point.y, 4)]}
            feats.append(feature(geometry, S.CHOKE_STYLE, tooltip=text))
        else:
            style = {"color": "#d50000", "weight": 3.5, "fillOpacity": 0.0, "dashArray": "8 4"}
            mapped = shapely.geometry.mapping(countries.geometry[key])
            feats.append(feature(mapped, style, tooltip=text))
    group = folium.FeatureGroup(name="Chokepoints")
    geojson(feats, pane="corridor-chokepoints", points=True).add_to(group)
    return group


def check_chokepoints(chokepoints: Iterable[str] | None, names: Names) -> list[str]:
    """Validate chokepoint ids: network node ids or ISO3 codes of the region."""
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
