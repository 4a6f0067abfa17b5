"""Self-contained pages: inline the vendored Leaflet, drop folium's unused CDN assets; save.

``inline_assets`` replaces folium's CDN links by the Leaflet JS/CSS vendored in
``corridor/_static`` (``scripts/vendor_leaflet.sh``) and drops jQuery, Bootstrap and
the icon fonts, which these maps do not use.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import folium
from branca.element import Element
from folium.elements import JSCSSMixin

from corridor._io import atomic_write_text
from corridor._resources import static_folder
from corridor.maps._page import figure as _figure
from corridor.maps._text import Raw as _Raw

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
