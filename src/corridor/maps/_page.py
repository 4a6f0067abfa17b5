"""The page around a map: title, panel and legend boxes, map shell, bounds, behaviour.

HTML comes from ``templates/`` (``head.html.j2``: title and responsive CSS;
``boxes.html.j2``: title bar, panel and legend; ``script.html.j2``: collapse the
boxes on narrow screens, fit the data beside the boxes actually shown, and
de-collide permanent labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium
import shapely
from branca.element import Figure
from markupsafe import Markup

from corridor.maps import _style as S  # noqa: N812
from corridor.maps._layers import base_layer
from corridor.maps._text import Names, Raw, esc, macro, render_template
from corridor.scenario import Stance

if TYPE_CHECKING:
    from corridor.routing import PairPlan, Plan, Route, WhyNot

#: Layer order of the default view when nothing is routed.
DEFAULT_BOUNDS = [[36.0, 36.0], [50.0, 62.0]]


def line_sample(style: Mapping[str, Any], colour: str, *, opacity: float = 1.0) -> str:
    """SVG sample of a line style, for legends."""
    return macro(
        "line_sample",
        style.get("color", colour),
        style["weight"],
        style.get("dashArray", ""),
        opacity,
    )


def dot(style: Mapping[str, Any]) -> str:
    """SVG sample of a point style, for legends."""
    fill = style.get("fillColor", "none") if style.get("fillOpacity", 1.0) else "none"
    return macro("dot", fill, style["color"], min(float(style["weight"]), 2.5))


def legend_row(icon: str, text: str) -> str:
    """One legend row: an SVG icon (HTML) and plain text."""
    return macro("row", Markup(icon), text)


def places_rows() -> list[tuple[Markup, str]]:
    """Legend rows of the place symbols."""
    return [
        (Markup(dot(S.ENDPOINT_STYLE)), "origin / destination"),
        (Markup(dot(S.KIND_STYLE["crossing"])), "border crossing"),
        (Markup(dot(S.KIND_STYLE["port"])), "port"),
        (Markup(dot(S.KIND_STYLE["airport"])), "airport / airbase"),
    ]


def legend_html(extra_rows: str = "", *, places: bool = True) -> str:
    """Build the legend: stances, airspace, line styles per mode, ``extra_rows``, places."""
    stances = [(S.STANCE_COLOURS[s], s.value) for s in Stance]
    modes = [
        (Markup(line_sample(S.MODE_STYLES[m], S.ROUTE_COLOURS[0])), label)
        for m, label in (
            ("air", "air (great-circle legs around closed airspace)"),
            ("road", "road"),
            ("rail", "rail"),
            ("sea", "sea, ferry, waterway"),
            ("transfer", "transfer"),
        )
    ]
    return macro(
        "legend",
        stances,
        S.CLOSED,
        S.INTL_COLOUR,
        modes,
        Markup(extra_rows),
        places_rows() if places else [],
    )


def pair_colours(pairs: Sequence[PairPlan]) -> dict[tuple[str, str], str]:
    """Give a distinct colour to each feasible pair, in plan order."""
    feasible = [(p.origin, p.destination) for p in pairs if p.routes]
    return {key: S.ROUTE_COLOURS[i % len(S.ROUTE_COLOURS)] for i, key in enumerate(feasible)}


def pairs_legend(
    pairs: Sequence[PairPlan], names: Names, colours: Mapping[tuple[str, str], str]
) -> str:
    """Legend rows: one colour per pair with its best route's length and time."""
    rows = []
    for pair in pairs:
        key = (pair.origin, pair.destination)
        if key not in colours:
            continue
        best = pair.routes[0]
        rows.append((colours[key], names.pair(*key), best.km, best.hours, best.transit_hours))
    faded = Markup(line_sample({"weight": 3}, S.ROUTE_COLOURS[0], opacity=0.45))
    return macro("pairs_legend", rows, faded)


def why_not_html(label: str, why: WhyNot | None, names: Names) -> str:
    """Build the why-not box of one pair without a route."""
    if why is None:
        return macro("why_not", label, "no route", None)
    restore: list[tuple[str, float | None, float | None]] = []
    for i, opened in enumerate(why.restore):
        what = " + ".join(names.place(x) for x in opened)
        if i < len(why.restored_routes):
            route = why.restored_routes[i]
            restore.append((what, route.km, route.hours))
        else:
            restore.append((what, None, None))
    return macro("why_not", label, why.reason, restore)


def panel_html(plan: Plan, names: Names, *, pairs: str = "") -> str:
    """Panel of a plan: summary, ``pairs`` (HTML), why-not boxes, scenario description."""
    scen = plan.scenario
    blocks = [
        Markup(why_not_html(names.pair(p.origin, p.destination), p.why_not, names))
        for p in plan.pairs
        if not p.routes
    ]
    return macro(
        "panel",
        scen.name,
        scen.date,
        sum(p.feasible for p in plan.pairs),
        len(plan.pairs),
        Markup(pairs),
        blocks,
        scen.description,
        list(scen.sources),
    )


def title_text(name: str, date: str | None = None) -> str:
    """Page title: scenario name and date (plain text)."""
    return f"{name} ({date})" if date else name


def figure(fmap: folium.Map) -> Figure:
    """Return the branca Figure a map is attached to."""
    root = fmap.get_root()
    if not isinstance(root, Figure):
        msg = "the map is not attached to a folium Figure"
        raise ValueError(msg)
    return root


def add_head(fmap: folium.Map, *, title: str) -> None:
    """Title element and the responsive CSS."""
    head = render_template("head.html.j2", title=title, background=S.BACKGROUND)
    figure(fmap).header.add_child(Raw(head), name="corridor_head")


def add_boxes(
    fmap: folium.Map, *, title: str, panel: str, legend: str, panel_label: str = "Summary"
) -> None:
    """Title bar, panel and legend boxes (``panel`` and ``legend`` are HTML)."""
    add_head(fmap, title=title)
    body = render_template(
        "boxes.html.j2",
        closed=S.CLOSED,
        title=title,
        panel=Markup(panel),
        legend=Markup(legend),
        panel_label=panel_label,
    )
    figure(fmap).html.add_child(Raw(body), name="corridor_boxes")


def add_behaviour(fmap: folium.Map, bounds: list[list[float]] | None) -> None:
    """Collapse boxes on narrow screens, fit ``bounds`` beside them, de-collide labels."""
    script = render_template("script.html.j2", bounds=bounds, map_name=fmap.get_name())
    figure(fmap).html.add_child(Raw(script), name="corridor_script")


def new_map(*, tiles: bool | str) -> folium.Map:
    """Map with the offline Natural Earth base layer, panes and a scale bar.

    ``tiles`` adds an online tile layer as an optional base layer (not shown by default):
    ``True`` for OpenStreetMap, or a folium/xyzservices tile name; ``False`` for none.
    """
    fmap = folium.Map(
        location=[42.0, 50.0],
        zoom_start=5,
        tiles=None,
        control_scale=True,
        font_size="13px",
        zoom_snap=0.25,
    )
    for pane, z_index in S.PANES:
        folium.map.CustomPane(pane, z_index=z_index, pointer_events=True).add_to(fmap)
    base_layer().add_to(fmap)
    if tiles:
        name = "OpenStreetMap" if tiles is True else str(tiles)
        folium.TileLayer(
            name, name=f"Basemap: {esc(name)} (online)", overlay=False, show=False
        ).add_to(fmap)
    return fmap


def bounds_of(routes: Iterable[Route], places: Iterable[str], names: Names) -> list[list[float]]:
    """[[south, west], [north, east]] of routes and places, padded by 0.3 degree."""
    geoms: list[shapely.Geometry] = [leg.geometry for r in routes for leg in r.legs]
    geoms += [names.nodes.at[p, "geometry"] for p in places if p in names.nodes.index]
    if not geoms:
        return DEFAULT_BOUNDS
    west, south, east, north = shapely.GeometryCollection(geoms).bounds
    pad = 0.3
    return [
        [round(south - pad, 4), round(west - pad, 4)],
        [round(north + pad, 4), round(east + pad, 4)],
    ]


def finish(fmap: folium.Map, bounds: list[list[float]], *, inline: bool) -> folium.Map:
    """Layer control, page behaviour (fit to bounds beside the boxes), assets."""
    from corridor.maps._assets import inline_assets

    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    add_behaviour(fmap, bounds)
    if inline:
        inline_assets(fmap)
    return fmap
