"""Folium maps. Rendering is the last step: these functions only draw what they are given."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import folium
import shapely

from corridor import borders as _borders

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["display_geometry", "geography_map"]

#: Simplification tolerance for display only (degrees, about 1 km); analysis keeps full detail.
DISPLAY_TOLERANCE_DEG = 0.01
_COORD_GRID = 1e-4


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


def geography_map(*, caspian: _borders.CaspianRule = "open") -> folium.Map:
    """Map of the region's countries, territorial seas and international airspace.

    Parameters
    ----------
    caspian
        Caspian rule used for the airspace layers.

    Returns
    -------
    folium.Map
    """
    countries = display_geometry(_borders.load_borders()).reset_index()
    countries["label"] = [
        html.escape(f"{n} ({c})") for c, n in zip(countries["iso3"], countries["name"], strict=True)
    ]
    seas = display_geometry(_borders.load_territorial_seas(caspian)).reset_index()
    seas["label"] = [html.escape(f"territorial sea of {c}") for c in seas["iso3"]]
    intl = display_geometry(_borders.load_airspace(caspian).loc[[_borders.INTL]]).reset_index()
    fmap = folium.Map(location=[45.0, 55.0], zoom_start=4, tiles="OpenStreetMap")
    folium.GeoJson(
        countries[["label", "geometry"]].to_json(),
        name="Countries",
        style_function=lambda _: {
            "color": "#555",
            "weight": 1,
            "fillColor": "#e8e2d0",
            "fillOpacity": 0.5,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)
    folium.GeoJson(
        seas[["label", "geometry"]].to_json(),
        name="Territorial seas (12 nm)",
        style_function=lambda _: {
            "color": "#3b6ea5",
            "weight": 0.5,
            "fillColor": "#3b6ea5",
            "fillOpacity": 0.35,
        },
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)
    folium.GeoJson(
        intl[["geometry"]].to_json(),
        name="International airspace",
        style_function=lambda _: {
            "color": "#2a9d8f",
            "weight": 0,
            "fillColor": "#2a9d8f",
            "fillOpacity": 0.15,
        },
    ).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap
