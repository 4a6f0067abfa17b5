"""On-disk cache of the air visibility graph: arrays in ``.npz``, never pickle.

One file per graph, ``<cache_folder>/airgraph-<key>.npz``, beside the zone cache,
written and read through the shared safe cache layer (:mod:`corridor._cache`:
``.npz`` with JSON metadata inside, ``allow_pickle=False``, package version and
layout checked, atomic writes, :class:`~corridor._cache.CacheWarning` on an
invalid file). It holds plain numeric arrays (vertices, edges, masks) and the
obstacles as concatenated WKB bytes. The key covers everything the graph depends
on: this module's format, the borders file's contents, the territorial-sea width,
the Caspian rule, the candidate states, tolerance, clearance, the fine obstacles'
tolerance and the projection centre. On top of the shared checks, a loaded graph
is validated structurally (index ranges, finite lengths, state bits, decodable
polygons); a file that fails is rebuilt with a warning, never trusted.

This module knows nothing of how the graph is built: :mod:`corridor.airspace`
hands it a key and a dict of arrays.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from corridor import _cache, settings

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

__all__ = ["decode_geometries", "encode_geometries", "graph_key", "load_graph", "save_graph"]

#: Bump when the graph construction changes, so older files are rebuilt.
FORMAT = 3
#: Array name -> (dtype, number of dimensions, name of the length it must share).
_SCHEMA: dict[str, tuple[str, int, str]] = {
    "xy": ("float64", 2, "n"),
    "lonlat": ("float64", 2, "n"),
    "owner": ("int64", 1, "n"),
    "inside": ("uint64", 1, "n"),
    "edge_u": ("int64", 1, "m"),
    "edge_v": ("int64", 1, "m"),
    "edge_km": ("float64", 1, "m"),
    "edge_cross": ("uint64", 1, "m"),
    "obstacle_wkb": ("uint8", 1, "wkb"),
    "obstacle_offsets": ("int64", 1, "k"),
    "fine_wkb": ("uint8", 1, "fine_wkb"),
    "fine_offsets": ("int64", 1, "k"),
}


def graph_key(
    caspian: str,
    states: tuple[str, ...],
    clearance_km: float,
    tolerance_km: float,
    centre: tuple[float, float],
) -> dict[str, Any]:
    """Everything an air graph depends on, with its digest under ``"key"``.

    Parameters
    ----------
    caspian, states, clearance_km, tolerance_km
        The build parameters.
    centre
        Centre ``(lon, lat)`` of the gnomonic projection.

    Returns
    -------
    dict
        JSON-serialisable; stored in the file and compared on load.
    """
    from corridor import borders
    from corridor._airexact import FINE_TOLERANCE_M

    params: dict[str, Any] = {
        "kind": "corridor-air-graph",
        "format": FORMAT,
        "territorial_sea_m": float(settings.territorial_sea_m),
        "caspian": caspian,
        "states": list(states),
        "clearance_km": float(clearance_km),
        "tolerance_km": float(tolerance_km),
        "fine_tolerance_m": FINE_TOLERANCE_M,
        "centre": [float(centre[0]), float(centre[1])],
    }
    flat = [f"{k}={params[k]}" for k in sorted(params)]
    params["key"] = _cache.data_key(borders._borders_path(), *flat)
    return params


def cache_file(key: dict[str, Any]) -> Path:
    """Path of the cache file for ``key`` (from :func:`graph_key`)."""
    return _cache.cache_path("airgraph", str(key["key"]), ".npz")


def encode_geometries(
    geoms: tuple[BaseGeometry, ...] | list[BaseGeometry], *, prefix: str = "obstacle"
) -> dict[str, NDArray[Any]]:
    """Concatenated WKB bytes and offsets (``k + 1`` of them) of some geometries."""
    blobs = [shapely.to_wkb(g) for g in geoms]
    offsets = np.zeros(len(blobs) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(b) for b in blobs])
    wkb = np.frombuffer(b"".join(blobs), dtype=np.uint8) if blobs else np.zeros(0, np.uint8)
    return {f"{prefix}_wkb": wkb, f"{prefix}_offsets": offsets}


def decode_geometries(wkb: NDArray[np.uint8], offsets: NDArray[np.int64]) -> list[BaseGeometry]:
    """Inverse of :func:`encode_geometries`; raises ``ValueError`` on bad input."""
    raw = wkb.tobytes()
    if offsets[0] != 0 or offsets[-1] != len(raw) or np.any(np.diff(offsets) <= 0):
        msg = "obstacle offsets do not partition the WKB bytes"
        raise ValueError(msg)
    geoms = [shapely.from_wkb(raw[a:b]) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    for g in geoms:
        if g is None or g.geom_type not in ("Polygon", "MultiPolygon") or g.is_empty:
            msg = "an obstacle is not a non-empty polygon"
            raise ValueError(msg)
    return geoms


def save_graph(key: dict[str, Any], arrays: dict[str, NDArray[Any]]) -> None:
    """Write a graph's arrays with its key, atomically; a failure only costs speed.

    Parameters
    ----------
    key
        From :func:`graph_key`.
    arrays
        Every array named in the schema.
    """
    if not settings.use_cache:
        return
    missing = sorted(set(_SCHEMA) - set(arrays))
    if missing:
        msg = f"air graph cache: arrays missing: {', '.join(missing)}"
        raise ValueError(msg)
    payload = {k: np.ascontiguousarray(arrays[k]) for k in _SCHEMA}
    _cache.save_arrays(cache_file(key), payload, key)


def load_graph(key: dict[str, Any], n_states: int) -> dict[str, NDArray[Any]] | None:
    """Read the cached arrays for ``key``: None when absent or invalid (with a warning).

    Parameters
    ----------
    key
        From :func:`graph_key`.
    n_states
        Number of candidate states (obstacles) the graph must have.

    Returns
    -------
    dict or None
    """
    if not settings.use_cache:
        return None
    path = cache_file(key)
    arrays = _cache.load_arrays(path, key)  # format, version, key, dtypes, shapes
    if arrays is None:
        return None
    try:
        _validate(arrays, n_states)
        decode_geometries(arrays["obstacle_wkb"], arrays["obstacle_offsets"])
        decode_geometries(arrays["fine_wkb"], arrays["fine_offsets"])
    except (ValueError, KeyError, shapely.errors.ShapelyError) as exc:
        warnings.warn(
            f"ignoring invalid air graph cache {path} ({exc}); rebuilding it",
            _cache.CacheWarning,
            stacklevel=3,
        )
        return None
    return arrays


def _validate(arrays: dict[str, NDArray[Any]], n_states: int) -> None:
    """Raise ``ValueError`` unless the arrays are a well-formed graph."""
    unknown = sorted(set(arrays) - set(_SCHEMA))
    missing = sorted(set(_SCHEMA) - set(arrays))
    if unknown or missing:
        msg = f"unexpected arrays {unknown} / missing arrays {missing}"
        raise ValueError(msg)
    sizes: dict[str, int] = {}
    for name, (dtype, ndim, size) in _SCHEMA.items():
        arr = arrays[name]
        if arr.dtype != np.dtype(dtype) or arr.ndim != ndim or (ndim == 2 and arr.shape[1] != 2):
            msg = f"array {name} has dtype {arr.dtype} and shape {arr.shape}"
            raise ValueError(msg)
        if sizes.setdefault(size, len(arr)) != len(arr):
            msg = f"array {name} has {len(arr)} rows, expected {sizes[size]}"
            raise ValueError(msg)
    n = sizes["n"]
    if sizes["k"] != n_states + 1:
        msg = f"{sizes['k'] - 1} obstacles, expected {n_states}"
        raise ValueError(msg)
    for name in ("xy", "lonlat", "edge_km"):
        if not np.isfinite(arrays[name]).all():
            msg = f"array {name} holds non-finite numbers"
            raise ValueError(msg)
    if (arrays["edge_km"] < 0).any():
        msg = "negative edge length"
        raise ValueError(msg)
    for name in ("edge_u", "edge_v"):
        if len(arrays[name]) and (arrays[name].min() < 0 or arrays[name].max() >= n):
            msg = f"array {name} indexes outside the {n} vertices"
            raise ValueError(msg)
    if n and (arrays["owner"].min() < 0 or arrays["owner"].max() >= n_states):
        msg = "vertex owner outside the candidate states"
        raise ValueError(msg)
    limit = np.uint64((1 << n_states) - 1) if n_states < 64 else np.uint64(2**64 - 1)
    for name in ("inside", "edge_cross"):
        if (arrays[name] & ~limit).any():
            msg = f"array {name} has bits beyond the {n_states} states"
            raise ValueError(msg)
