"""Map layer of a lift answer (folium only; the page itself is corridor.maps')."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corridor.lift._airlift import Airlift

if TYPE_CHECKING:
    import folium

    from corridor.lift._deploy import Deployment

# --------------------------------------------------------------------------- map layer


def corridor_layer(
    result: Airlift | Deployment, *, name: str = "reinforcement"
) -> folium.FeatureGroup:
    """Folium layer of a lift answer: corridors with width by tonnes per day, and a panel.

    Parameters
    ----------
    result
        An :class:`Airlift` or a :class:`Deployment`.
    name
        Layer name in the layer control.

    Returns
    -------
    folium.FeatureGroup
        Lines (air routes, ground routes) whose weight grows with tonnes per day, and
        a panel at the destination with the closure days and the bottleneck.
    """
    import html

    import folium
    import shapely

    layer = folium.FeatureGroup(name=name)
    lines: list[tuple[str, str, float, Any]] = []
    if isinstance(result, Airlift):
        for p in result.plans:
            if p.route is not None and p.sorties:
                rate = p.sorties_per_day * p.payload_t
                lines.append(
                    (f"{p.aircraft} {p.origin} -> {p.destination}", "air", rate, p.route.line())
                )
        closure, bottleneck = result.closure_days, result.bottleneck
    else:
        for cor in result.corridors:
            if cor.mode == "air" and cor.route is not None:
                for p in cor.route.plans:
                    if p.route is not None and p.sorties:
                        rate = p.sorties_per_day * p.payload_t
                        lines.append((f"{cor.name}: {p.aircraft}", "air", rate, p.route.line()))
            elif cor.route is not None:
                geom = shapely.line_merge(
                    shapely.union_all([leg.geometry for leg in cor.route.legs])
                )
                lines.append((cor.name, cor.mode, cor.tonnes_per_day if cor.tonnes else 0.0, geom))
        closure, bottleneck = result.closure_days, result.bottleneck
    top = max((r for _, _, r, _ in lines), default=1.0) or 1.0
    colours = {"air": "#1f77b4", "road": "#d62728", "rail": "#2ca02c"}
    last = None
    for label, mode, rate, geom in lines:
        for part in shapely.get_parts(geom):
            coords = [(y, x) for x, y in shapely.get_coordinates(part)]
            last = coords[-1]
            folium.PolyLine(  # type: ignore[no-untyped-call]
                coords,
                weight=2 + 10 * rate / top,
                color=colours.get(mode, "#555"),
                opacity=0.8,
                tooltip=f"{html.escape(label)}: {rate:.0f} t/day",
            ).add_to(layer)
    if last is not None:
        panel = (
            f"<div style='background:white;border:1px solid #444;padding:4px;width:260px'>"
            f"<b>closure {closure:.1f} days</b><br>{html.escape(bottleneck)}</div>"
        )
        folium.Marker(last, icon=folium.DivIcon(html=panel, icon_size=(260, 80))).add_to(layer)
    return layer
