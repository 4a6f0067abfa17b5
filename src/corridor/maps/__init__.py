"""Folium maps. Rendering is the last step: these functions only draw what they are given.

:func:`render` draws a :class:`~corridor.routing.Plan`; :func:`compare` overlays two
plans; :func:`geography_map` shows the region without a scenario; :func:`explore`
writes the interactive what-if page; :func:`save` writes any map atomically. Every
map is assembled from small layer builders (``_layers``), each a
:class:`folium.FeatureGroup` listed in a :class:`folium.LayerControl`:

* an offline basemap of Natural Earth land (an online OpenStreetMap layer is optional);
* countries coloured by the worst of the scenario's per-mode stances;
* closed airspace (territorial airspace of states hostile for overflight, plus the
  scenario's ``closed_airspace``), hatched; international airspace, tinted;
* one layer per origin-destination pair with its best route, in its own colour-blind
  safe colour, and a layer of faded alternatives; mode is shown by the line: air dashed
  (a densified great circle), road solid, rail dash-dot, sea/ferry/waterway blue dots;
* crossings, ports and airports the routes use, with popups; optional chokepoints;
* the page (``_page`` and ``templates/``): a title bar, a panel with why-not boxes and
  a legend that start collapsed on narrow screens, a scale bar, a fit to the data
  beside the boxes actually shown, and labels that hide or flip when they collide.

Text safety
-----------
HTML is rendered from Jinja2 templates with autoescape on; the environment also turns
backticks, ``$``, backslashes and braces into character references (``_text.esc``),
because folium renders its output twice through Jinja and puts some strings in
JavaScript template literals.

Offline use
-----------
Pages are self-contained by default (``inline_assets=True``): Leaflet is inlined from
``corridor/_static``, folium's jQuery, Bootstrap and font links are dropped, and the
basemap is drawn from the shipped borders. ``inline_assets=False`` keeps CDN links.
"""

from __future__ import annotations

from corridor.maps._assets import inline_assets, save
from corridor.maps._layers import display_geometry, worst_stance
from corridor.maps._render import compare, geography_map, render, render_scenario
from corridor.maps._style import DISPLAY_TOLERANCE_DEG, MODE_STYLES, ROUTE_COLOURS, STANCE_COLOURS
from corridor.maps.explore import explore

__all__ = [
    "DISPLAY_TOLERANCE_DEG",
    "MODE_STYLES",
    "ROUTE_COLOURS",
    "STANCE_COLOURS",
    "compare",
    "display_geometry",
    "explore",
    "geography_map",
    "inline_assets",
    "render",
    "render_scenario",
    "save",
    "worst_stance",
]
