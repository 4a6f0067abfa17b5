"""Geodesy on the WGS84 ellipsoid through :class:`pyproj.Geod`, and local projections.

Coordinates are always given as ``(lon, lat)`` in degrees, the order shapely
and GeoJSON use. Lengths are kilometres unless a name says otherwise.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:  # pyproj is imported on first use (a warm ground route never needs it)
    from numpy.typing import ArrayLike, NDArray
    from pyproj import CRS, Geod, Transformer

    #: The WGS84 ellipsoid every distance in corridor is measured on.
    GEOD: Geod

__all__ = [
    "GEOD",
    "aeqd_crs",
    "distance_km",
    "geodesic_line",
    "gnomonic_crs",
    "line_length_km",
    "parse_lat_lon",
    "to_crs",
]


@lru_cache(maxsize=1)
def _geod() -> Geod:
    from pyproj import Geod

    return Geod(ellps="WGS84")


def __getattr__(name: str) -> object:
    """``GEOD``, the WGS84 :class:`pyproj.Geod`, built on first access (PEP 562)."""
    if name == "GEOD":
        return _geod()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def distance_km(
    lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike
) -> NDArray[np.float64]:
    """Geodesic distance between points, in kilometres.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Degrees; scalars or equal-length arrays.

    Returns
    -------
    numpy.ndarray
        Distances in km (a 0-d array for scalar input).

    Examples
    --------
    >>> round(float(distance_km(44.40, 40.15, 37.62, 55.75)), 0)  # Yerevan-Moscow
    1805.0
    """
    x1, y1, x2, y2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (lon1, lat1, lon2, lat2))
    )
    shape = x1.shape
    _, _, dist_m = _geod().inv(x1.ravel(), y1.ravel(), x2.ravel(), y2.ravel())
    return np.asarray(dist_m, dtype=np.float64).reshape(shape) / 1000.0


def geodesic_line(
    lon1: float, lat1: float, lon2: float, lat2: float, *, step_km: float = 10.0
) -> shapely.LineString:
    """Densified geodesic (great-circle) line between two points.

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        End points in degrees.
    step_km
        Largest spacing between consecutive vertices.

    Returns
    -------
    shapely.LineString
        The geodesic with vertices at most ``step_km`` apart, end points included.
    """
    if step_km <= 0:
        msg = f"step_km must be positive, got {step_km!r}"
        raise ValueError(msg)
    total_km = float(distance_km(lon1, lat1, lon2, lat2))
    n_inner = max(int(np.ceil(total_km / step_km)) - 1, 0)
    inner = _geod().npts(lon1, lat1, lon2, lat2, n_inner) if n_inner else []
    coords = [(lon1, lat1), *inner, (lon2, lat2)]
    return shapely.LineString(coords)


def line_length_km(geom: BaseGeometry) -> float:
    """Geodesic length of a (multi)line in lon/lat degrees, in kilometres.

    Parameters
    ----------
    geom
        LineString or MultiLineString in EPSG:4326.

    Returns
    -------
    float
        Length along the ellipsoid, each segment measured as a geodesic.
    """
    return float(_geod().geometry_length(geom)) / 1000.0


@lru_cache(maxsize=256)
def aeqd_crs(lon: float, lat: float) -> CRS:
    """Azimuthal equidistant projection centred on a point (metres).

    Distances from the centre are exact; elsewhere the scale error is about
    ``(d / R)^2 / 6`` (0.4% at 1,000 km), so it suits buffering a region's
    coasts by a few tens of kilometres.

    Parameters
    ----------
    lon, lat
        Centre in degrees.

    Returns
    -------
    pyproj.CRS
    """
    from pyproj import CRS

    return CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")


@lru_cache(maxsize=256)
def gnomonic_crs(lon: float, lat: float) -> CRS:
    """Gnomonic projection centred on a point: every great circle is a straight line.

    Parameters
    ----------
    lon, lat
        Centre in degrees. Only the hemisphere around the centre is mapped;
        keep geometry well within 60-70 degrees of it.

    Returns
    -------
    pyproj.CRS
    """
    from pyproj import CRS

    return CRS.from_proj4(f"+proj=gnom +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m +no_defs")


@lru_cache(maxsize=256)
def _transformer(src: CRS, dst: CRS) -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


def to_crs(geom: BaseGeometry, src: CRS | str, dst: CRS | str) -> BaseGeometry:
    """Transform a shapely geometry between coordinate reference systems.

    Parameters
    ----------
    geom
        Any shapely geometry.
    src, dst
        Source and target CRS (pyproj CRS or any string pyproj accepts).

    Returns
    -------
    BaseGeometry
        The geometry with transformed vertices (edges are not densified).
    """
    from pyproj import CRS

    src_crs = src if isinstance(src, CRS) else CRS.from_user_input(src)
    dst_crs = dst if isinstance(dst, CRS) else CRS.from_user_input(dst)
    tr = _transformer(src_crs, dst_crs)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def parse_lat_lon(text: str) -> tuple[float, float] | None:
    """Parse ``"LAT,LON"`` in degrees.

    Parameters
    ----------
    text
        What the user typed, e.g. ``"40.15,44.40"``.

    Returns
    -------
    tuple of float or None
        ``(lat, lon)``, or None when the text is not two comma-separated numbers.

    Raises
    ------
    ValueError
        When the numbers are not a coordinate (latitude beyond 90, longitude beyond 180).
    """
    parts = str(text).split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        msg = f"{text.strip()!r}: LAT must be within -90..90 and LON within -180..180"
        raise ValueError(msg)
    return lat, lon
