"""Text safety, number formats, place names and the Jinja2 environment of the templates.

Every string that comes from data or scenario files is escaped on output: the Jinja
environment has autoescape on, and its ``finalize`` hook adds character references for
backticks, ``$``, backslashes and braces (:func:`esc`), because folium renders its
output twice through Jinja (a place named ``{{ 7*7 }}`` would print ``49``) and puts
some strings in JavaScript template literals. Python code that builds text outside a
template uses :func:`esc` directly.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jinja2
from branca.element import Element
from markupsafe import Markup

from corridor import borders as _borders

if TYPE_CHECKING:
    import geopandas as gpd

    from corridor.network import TransitNetwork


def esc(value: object) -> str:
    """HTML-escape text from data, and neutralise Jinja and JS-template characters."""
    if isinstance(value, Markup):
        return str(value)
    text = html.escape(str(value), quote=True)
    for char, ref in (("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;"), ("{", "&#123;")):
        text = text.replace(char, ref)
    return text.replace("}", "&#125;")


def km(value: float) -> str:
    """Format a distance in kilometres."""
    return f"{value:,.0f} km"


def hours(value: float) -> str:
    """Format a duration in hours, with days from 48 h."""
    days = f" ({value / 24:.1f} days)" if value >= 48 else ""
    return f"{value:.1f} h{days}"


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return Markup(esc(value))


@functools.cache
def environment() -> jinja2.Environment:
    """Return the Jinja2 environment of ``corridor/maps/templates`` (autoescape on)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("corridor.maps", "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["km"] = km
    env.filters["hours"] = hours
    return env


def render_template(name: str, **context: Any) -> str:
    """Render one template of ``corridor/maps/templates`` to a string."""
    return str(environment().get_template(name).render(**context))


def fragments() -> Any:
    """Return the macros of ``fragments.html.j2`` (popups, legend rows, boxes)."""
    return environment().get_template("fragments.html.j2").module


def macro(name: str, *args: Any, **kwargs: Any) -> str:
    """Call one macro of ``fragments.html.j2`` and return its HTML."""
    return str(getattr(fragments(), name)(*args, **kwargs)).strip()


class Raw(Element):
    """Literal HTML added to a page section, never parsed as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


@dataclass(frozen=True)
class Names:
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
        return " → ".join(self.country(c) for c in codes)

    def place(self, key: str) -> str:
        """Show a node id or ISO3 code as ``Name (id)`` when it has a name."""
        name = self.names.get(key)
        return f"{name} ({key})" if name and name != key else key

    def pair(self, origin: str, destination: str) -> str:
        return f"{self.name(origin)} → {self.name(destination)}"


def names_of(network: TransitNetwork | None) -> Names:
    """Names of a network's nodes and of the region's countries."""
    from corridor.network import load_network

    net = network if network is not None else load_network()
    names: dict[str, str] = {
        str(k): str(v) for k, v in _borders.load_borders()["name"].items() if v
    }
    names.update({str(k): str(v) for k, v in net.nodes["name"].items() if v})
    return Names(names, net.nodes)
