"""Public map builders: render, render_scenario, geography_map and compare."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import folium
from markupsafe import Markup

from corridor import borders as _borders
from corridor.analysis import Comparison, compare_plans
from corridor.maps import _layers as L  # noqa: N812
from corridor.maps import _page as P  # noqa: N812
from corridor.maps import _style as S  # noqa: N812
from corridor.maps._text import Names, esc, hours, km, macro, names_of

if TYPE_CHECKING:
    from corridor.network import TransitNetwork
    from corridor.routing import Plan, Route
    from corridor.scenario import Scenario


def check_plan(plan: Any, what: str = "plan") -> None:
    """Raise TypeError unless ``plan`` is a :class:`~corridor.routing.Plan`."""
    from corridor.routing import Plan

    if not isinstance(plan, Plan):
        msg = f"{what}: expected a corridor Plan (from corridor.plan), got {type(plan).__name__}"
        raise TypeError(msg)


def render(
    plan: Plan,
    *,
    network: TransitNetwork | None = None,
    chokepoints: Iterable[str] | None = None,
    inline_assets: bool = True,
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
        Make the HTML self-contained (default): Leaflet inlined from
        ``corridor/_static``, no CDN references (see :func:`inline_assets`).
        ``False`` keeps folium's CDN links (smaller, needs the internet).
    tiles
        The default basemap is always the offline Natural Earth land layer.
        ``True`` also offers OpenStreetMap as an optional online basemap in the
        layer control, a folium/xyzservices tile name offers that one instead, and
        ``False`` offers none.

    Returns
    -------
    folium.Map
        Write it with :func:`save`; it displays inline in Jupyter.

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
    check_plan(plan)
    names = names_of(network)
    highlight = L.check_chokepoints(chokepoints, names)
    scen = plan.scenario
    colours = P.pair_colours(plan.pairs)
    fmap = P.new_map(tiles=tiles)
    restored_layer = L.restored_layer(plan.pairs, names)
    layers: list[folium.FeatureGroup | None] = [
        L.country_layer(scen, names, fill_opacity=0.7),
        L.intl_layer(scen.caspian),
        L.closed_airspace_layer(scen, names),
        *L.pair_layers(plan.pairs, names, colours),
        restored_layer,
        L.places_layer(plan.pairs, names),
        L.chokepoint_layer(highlight, names) if highlight else None,
    ]
    for layer in layers:
        if layer is not None:
            layer.add_to(fmap)
    pairs = P.pairs_legend(plan.pairs, names, colours)  # in the panel: the legend stays short
    extra = ""
    if restored_layer is not None:
        extra += P.legend_row(P.line_sample({"weight": 3}, "#5f6368"), "if a closure were lifted")
    if highlight:
        extra += P.legend_row(P.dot(S.CHOKE_STYLE), "chokepoint")
    title = P.title_text(scen.name, scen.date)
    panel = P.panel_html(plan, names, pairs=pairs)
    n_ok = sum(p.feasible for p in plan.pairs)
    label = f"Summary: {n_ok} of {len(plan.pairs)} pairs have a route"  # seen while collapsed
    P.add_boxes(fmap, title=title, panel=panel, legend=P.legend_html(extra), panel_label=label)
    restored = [r for p in plan.pairs if p.why_not for r in p.why_not.restored_routes]
    endpoints = [x for p in plan.pairs for x in (p.origin, p.destination)]
    bounds = P.bounds_of([*plan.routes, *restored], endpoints, names)
    return P.finish(fmap, bounds, inline=inline_assets)


def render_scenario(
    scenario: Scenario | str,
    *,
    network: TransitNetwork | None = None,
    chokepoints: Iterable[str] | None = None,
    inline_assets: bool = True,
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
    *,
    caspian: _borders.CaspianRule = "open",
    tiles: bool | str = True,
    inline_assets: bool = True,
) -> folium.Map:
    """Map of the region's countries, territorial seas and international airspace.

    Parameters
    ----------
    caspian
        Caspian rule used for the airspace layers.
    tiles, inline_assets
        As for :func:`render` (self-contained by default).

    Returns
    -------
    folium.Map
    """
    countries = L.display_geometry(_borders.load_borders())
    seas = L.display_geometry(_borders.load_territorial_seas(caspian))
    fmap = P.new_map(tiles=tiles)
    land = {"color": "#555555", "weight": 1, "fillColor": "#e8e2d0", "fillOpacity": 0.6}
    sea = {"color": "#3b6ea5", "weight": 0.5, "fillColor": "#3b6ea5", "fillOpacity": 0.35}
    for name, frame, style, text in (
        (
            "Countries",
            countries,
            land,
            {str(c): esc(f"{n} ({c})") for c, n in countries["name"].items()},
        ),
        (
            "Territorial seas (12 nm)",
            seas,
            sea,
            {str(c): esc(f"territorial sea of {c}") for c in seas.index},
        ),
    ):
        group = folium.FeatureGroup(name=name)
        feats = L.frame_features(frame, style, {k: (v, "") for k, v in text.items()})
        L.geojson(feats, pane="corridor-countries").add_to(group)
        group.add_to(fmap)
    L.intl_layer(caspian).add_to(fmap)
    legend_rows = "".join(
        P.legend_row(f'<span class="corridor-sw" style="background:{c};opacity:0.6"></span>', t)
        for c, t in (
            ("#e8e2d0", "country (Natural Earth)"),
            ("#3b6ea5", "territorial sea (12 nm)"),
            (S.INTL_COLOUR, f"international airspace (Caspian rule: {caspian})"),
        )
    )
    panel = (
        f"<p>{len(countries)} countries of the modelled region, their 12 nm territorial "
        "seas and the international airspace between them. Hover a shape for its name.</p>"
    )
    P.add_boxes(fmap, title="corridor: geography", panel=panel, legend=legend_rows)
    return P.finish(fmap, [[30.0, 20.0], [63.0, 90.0]], inline=inline_assets)


# --------------------------------------------------------------------------- comparison


def _change_layer(
    routes: Sequence[Route], names: Names, *, name: str, colour: str, faded: bool, pane: str
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=L.swatch_name(colour, name))
    feats: list[dict[str, Any]] = []
    for route in routes:
        label = names.pair(route.origin, route.destination)
        title = f"{label} #{route.rank} ({name.lower()})"
        for f in L.route_features(route, names, colour=colour, faded=faded, title=title):
            style = f["properties"]["style"]
            if style.get("color") == S.SEA_BLUE:  # keep the category colour on water too
                style["color"] = colour
            feats.append(f)
    L.geojson(feats, pane=pane).add_to(group)
    return group


def _summary_html(result: Comparison, names: Names) -> str:
    rows = []
    base_name, other_name = result.base.scenario.name, result.other.scenario.name
    muted = Markup('<span class="corridor-muted">not in {}</span>')
    for change in result.pairs:
        label = names.pair(change.origin, change.destination)
        before: str | Markup
        after: str | Markup
        if not change.in_base:
            before = muted.format(base_name)
        elif change.before:
            before = f"{km(change.before.km)}, {hours(change.before.hours)}"
        else:
            before = "no route"
        if not change.in_other:
            after = muted.format(other_name)
        elif change.after:
            after = f"{km(change.after.km)}, {hours(change.after.hours)}"
        else:
            reason = change.why_not.reason if change.why_not else ""
            after = Markup('<b>no route</b> <span class="corridor-muted">{}</span>').format(reason)
        counts = f"{len(change.lost)} lost, {len(change.gained)} new, {len(change.kept)} kept"
        rows.append((label, before, after, counts))
    return macro("compare_summary", base_name, other_name, rows)


def compare(
    base_plan: Plan,
    other_plan: Plan,
    *,
    network: TransitNetwork | None = None,
    inline_assets: bool = True,
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
    names = names_of(network)
    scen = other_plan.scenario
    fmap = P.new_map(tiles=tiles)
    for layer in (
        L.country_layer(scen, names, fill_opacity=0.6),
        L.intl_layer(scen.caspian),
        L.closed_airspace_layer(scen, names),
        _change_layer(result.kept, names, name="Unchanged corridors", colour=S.KEPT, faded=True,
                      pane="corridor-alternatives"),
        _change_layer(result.lost, names, name="Lost corridors", colour=S.LOST, faded=False,
                      pane="corridor-routes"),
        _change_layer(result.gained, names, name="New corridors", colour=S.NEW, faded=False,
                      pane="corridor-routes"),
        L.places_layer(other_plan.pairs, names),
    ):  # fmt: skip
        layer.add_to(fmap)
    title = f"{base_plan.scenario.name} → {scen.name}"
    change_rows = "".join(
        P.legend_row(P.line_sample({"weight": 4}, c), t)
        for c, t in ((S.LOST, "lost corridor"), (S.NEW, "new corridor"), (S.KEPT, "unchanged"))
    )
    legend = P.legend_html(f"<h2>Change</h2>{change_rows}")
    P.add_boxes(fmap, title=title, panel=_summary_html(result, names), legend=legend)
    routes = [*result.lost, *result.gained, *result.kept]
    endpoints = [x for p in result.pairs for x in (p.origin, p.destination)]
    return P.finish(fmap, P.bounds_of(routes, endpoints, names), inline=inline_assets)
