"""The interactive what-if page: toggle states between permit and refuse, in the browser.

:func:`explore` runs :func:`corridor.analysis.sweep` over every combination of closing
the listed states (2^n, n <= 12) on top of a scenario, and writes one self-contained
page: the map of the base scenario plus, as JSON in the page, every distinct best route
once and, per combination, the index of each pair's best route. A toggle per state
redraws routes, the summary (``#summary``: "N of M origin–destination pairs have a
route"), the per-pair list and the why-not boxes without a server, and keeps the URL
fragment ``#closed=GEO,IRN`` in step, so a what-if can be shared as a link.

Why-not boxes come from the same table: a pair without a route in a combination
lists the closed states whose reopening alone brings a route back (with its length),
and a pair without a route in the base scenario shows the base plan's why-not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from corridor import borders as _borders
from corridor._errors import ScenarioError
from corridor.export import closed_airspace
from corridor.maps import _layers as L  # noqa: N812
from corridor.maps import _page as P  # noqa: N812
from corridor.maps import _style as S  # noqa: N812
from corridor.maps._text import Names, Raw, names_of, render_template
from corridor.scenario import STANCE_MODES, Stance

if TYPE_CHECKING:
    from corridor.network import TransitNetwork
    from corridor.routing import Route
    from corridor.scenario import Scenario

#: At most 2^12 = 4,096 combinations in one page.
MAX_STATES = 12


def _route_data(
    route: Route, names: Names, colour: str, styles: dict[str, int], title: str
) -> dict[str, Any]:
    """One distinct route: popup HTML, figures and legs (coordinates and style ids)."""
    legs = []
    for leg in route.legs:
        geometry = L.display_line(leg.geometry)
        if geometry is None:
            continue
        lines = [geometry["coordinates"]]
        if geometry["type"] == "MultiLineString":
            lines = list(geometry["coordinates"])
        ids = []
        for style in L.leg_styles(leg.mode, colour, faded=False):
            key = json.dumps(style, sort_keys=True)
            ids.append(styles.setdefault(key, len(styles)))
        for coords in lines:
            flat = [v for x, y in coords for v in (round(y, 4), round(x, 4))]
            legs.append({"c": flat, "s": ids})
    summary = L.route_html(route, names, title=title)
    return {
        "km": round(route.km, 1),
        "hours": round(route.hours, 2),
        "popup": f'<div class="corridor-popup">{summary}</div>',
        "legs": legs,
    }


def explore(
    scenario: Scenario | str,
    countries: Iterable[str],
    *,
    network: TransitNetwork | None = None,
    inline_assets: bool = True,
    tiles: bool | str = True,
) -> folium.Map:
    """Interactive what-if page: permit or refuse each of ``countries`` in the browser.

    Parameters
    ----------
    scenario
        Base scenario (a :class:`~corridor.scenario.Scenario`, a reference name or a
        TOML path); the toggles close states on top of it, as ``corridor whatif --close``.
    countries
        ISO3 codes to toggle (1 to 12; every combination is precomputed).
    network
        Network (default: the shipped one).
    inline_assets, tiles
        As for :func:`corridor.maps.render` (self-contained by default).

    Returns
    -------
    folium.Map
        Write it with :func:`corridor.maps.save`; it also displays inline in Jupyter.

    Raises
    ------
    ScenarioError
        If no country or more than 12 are given, or the scenario has no pairs.
    CorridorError
        If a code is not a known ISO3 code (from :func:`corridor.borders.validate_iso3`).

    Examples
    --------
    >>> from corridor import maps
    >>> page = maps.explore("armenia-2020", ["GEO", "IRN", "AZE"])  # doctest: +SKIP
    >>> maps.save(page, "maps/explore.html")  # doctest: +SKIP
    """
    from corridor import _sweep
    from corridor.network import load_network
    from corridor.routing import plan
    from corridor.scenario import Scenario, load_scenario

    base = load_scenario(scenario) if isinstance(scenario, str) else scenario
    if not isinstance(base, Scenario):
        msg = f"expected a corridor Scenario or a scenario name, got {type(base).__name__}"
        raise TypeError(msg)
    if isinstance(countries, str):
        countries = countries.split(",")
    states = sorted({_borders.validate_iso3(str(c).strip().upper()) for c in countries})
    if not 1 <= len(states) <= MAX_STATES:
        msg = (
            f"explore takes 1 to {MAX_STATES} countries ({1 << MAX_STATES:,} combinations), "
            f"got {len(states)}"
        )
        raise ScenarioError(msg)
    net = network if network is not None else load_network()
    names = names_of(net)
    base_plan = plan(base, network=net)
    # the sweep's engine (corridor.analysis.sweep): per pair, each distinct route once and
    # the index of the best one for every closure set (bit k: states[k] refuses passage)
    prepared = _sweep.setup(base, states, net, max_states=MAX_STATES)
    levels = _sweep.Levels.of(len(prepared.states))
    results = [_sweep.resolve_pair(engine, levels) for engine in prepared.engines()]
    pair_keys = [(o.label, d.label) for o, d in prepared.pairs]
    n_pairs = len(pair_keys)
    colours = {key: S.ROUTE_COLOURS[i % len(S.ROUTE_COLOURS)] for i, key in enumerate(pair_keys)}
    ids = np.column_stack([r.ids for r in results])  # (2^n, pairs)
    routes: list[dict[str, Any]] = []
    styles: dict[str, int] = {}
    drawn: list[Route] = []
    offset = []
    for key, result in zip(pair_keys, results, strict=True):
        offset.append(len(routes))
        for route in result.routes:
            routes.append(_route_data(route, names, colours[key], styles, names.pair(*key)))
            drawn.append(route)
    best = np.where(ids >= 0, ids + np.asarray(offset, dtype=np.int64), -1)
    best_list = [int(x) for x in best.ravel()]

    base_why = {}
    by_key = {(p.origin, p.destination): p for p in base_plan.pairs}
    for p_idx, key in enumerate(pair_keys):
        pair = by_key.get(key)
        if pair is not None and not pair.routes:
            base_why[str(p_idx)] = P.why_not_html(names.pair(*key), pair.why_not, names)
    base_closed = set(closed_airspace(base).index)
    data = {
        "states": states,
        "names": {c: names.country(c) for c in states},
        "base_hostile": {
            c: [m for m in STANCE_MODES if base.stance(c, m) is Stance.HOSTILE] for c in states
        },
        "n_modes": len(STANCE_MODES),
        "pairs": [{"label": names.pair(*k), "colour": colours[k]} for k in pair_keys],
        "routes": routes,
        "styles": [json.loads(k) for k in styles],
        "best": best_list,
        "base_why": base_why,
        "base_airspace": sorted(base_closed),
        "hostile_fill": S.STANCE_COLOURS[Stance.HOSTILE],
    }

    all_closed = base.with_closures(close=states)
    fmap = P.new_map(tiles=tiles)
    countries_layer = L.country_layer(base, names, fill_opacity=0.7)
    airspace_layer = L.closed_airspace_layer(all_closed, names, name="Closed airspace")
    route_group = folium.FeatureGroup(name="Best route per pair (what-if)")
    for layer in (
        countries_layer,
        L.intl_layer(base.caspian),
        airspace_layer,
        route_group,
        L.places_layer(base_plan.pairs, names),
    ):
        layer.add_to(fmap)
    title = f"{base.name}: what if states refuse passage?"
    panel = render_template("explore_panel.html.j2", n_pairs=n_pairs)
    legend = P.legend_html()
    P.add_boxes(fmap, title=title, panel=panel, legend=legend, panel_label="What if")
    endpoints = [x for k in pair_keys for x in k]
    bounds = P.bounds_of([*drawn, *base_plan.routes], endpoints, names)
    script = render_template(
        "explore_script.html.j2",
        data=Markup(htmlsafe_json_dumps(data, separators=(",", ":"))),
        map_name=fmap.get_name(),
        countries_layer=_geojson_name(countries_layer),
        airspace_layer=_geojson_name(airspace_layer),
        route_group=route_group.get_name(),
    )
    P.figure(fmap).html.add_child(Raw(script), name="corridor_explore")
    return P.finish(fmap, bounds, inline=inline_assets)


def _geojson_name(group: folium.FeatureGroup) -> str:
    for child in group._children.values():
        if isinstance(child, folium.GeoJson):
            return str(child.get_name())
    msg = "layer group has no GeoJSON child"
    raise ValueError(msg)
