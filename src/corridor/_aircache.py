"""On-disk cache of the air visibility graph: arrays in ``.npz``, never pickle.

One file per graph, ``<cache_folder>/airgraph-<key digest>.npz``, beside the zone
cache. It holds plain numeric arrays (vertices, edges, masks), the obstacles as
concatenated WKB bytes, and a JSON metadata record (stored as a ``uint8`` array)
with the full key: cache format, package version, SHA-256 of the borders file,
territorial-sea width, Caspian rule, candidate states, tolerance, clearance, the
fine obstacles' tolerance and the projection centre. It is read with
``allow_pickle=False`` and validated (key, dtypes, shapes, index ranges, finite
lengths, decodable polygons); a file that fails any check is rebuilt with a
:class:`corridor._cache.CacheWarning` (a ``UserWarning``, shared by every corridor
cache), never trusted. Writes are atomic (:mod:`corridor._io`).

This module knows nothing of how the graph is built: :mod:`corridor.airspace`
hands it a key and a dict of arrays. It can later move onto the shared
``corridor._cache`` helpers unchanged in behaviour.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from corridor import settings
from corridor._cache import CacheWarning
from corridor._io import atomic_write_bytes

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

__all__ = ["decode_geometries", "encode_geometries", "graph_key", "load_graph", "save_graph"]

logger = logging.getLogger("corridor")

#: Bump when the graph construction changes, so older files are rebuilt.
FORMAT = 3
_META = "__meta__"
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


@lru_cache(maxsize=4)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _borders_digest() -> str:
    from corridor import borders

    path = borders._borders_path()
    stat = path.stat()
    return _file_digest(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def graph_key(
    caspian: str,
    states: tuple[str, ...],
    clearance_km: float,
    tolerance_km: float,
    centre: tuple[float, float],
) -> dict[str, Any]:
    """Everything an air graph depends on, as a JSON-serialisable record.

    Parameters
    ----------
    caspian, states, clearance_km, tolerance_km
        The build parameters.
    centre
        Centre ``(lon, lat)`` of the gnomonic projection.

    Returns
    -------
    dict
    """
    import corridor
    from corridor._airexact import FINE_TOLERANCE_M

    return {
        "kind": "corridor-air-graph",
        "format": FORMAT,
        "version": corridor.__version__,
        "borders_sha256": _borders_digest(),
        "territorial_sea_m": float(settings.territorial_sea_m),
        "caspian": caspian,
        "states": list(states),
        "clearance_km": float(clearance_km),
        "tolerance_km": float(tolerance_km),
        "fine_tolerance_m": FINE_TOLERANCE_M,
        "centre": [float(centre[0]), float(centre[1])],
    }


def cache_file(key: dict[str, Any]) -> Path:
    """Path of the cache file for ``key`` (the digest of its JSON form)."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
    return settings.cache_folder / f"airgraph-{digest}.npz"


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
    meta = np.frombuffer(json.dumps(key, sort_keys=True).encode(), dtype=np.uint8)
    buf = io.BytesIO()
    payload: dict[str, Any] = {_META: meta}
    payload.update({k: np.ascontiguousarray(arrays[k]) for k in _SCHEMA})
    np.savez(buf, **payload)
    path = cache_file(key)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:  # a read-only cache folder only costs speed
        logger.warning("could not write air graph cache %s: %s", path, exc)


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
    if not path.exists():
        return None
    try:
        arrays = _read(path)
        _validate(arrays, key, n_states)
    except (
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        shapely.errors.ShapelyError,
    ) as exc:
        warnings.warn(
            f"ignoring invalid air graph cache {path} ({exc}); rebuilding it",
            CacheWarning,
            stacklevel=3,
        )
        return None
    return arrays


def _read(path: Path) -> dict[str, NDArray[Any]]:
    with path.open("rb") as fh:  # our handle: closed even when numpy fails to parse
        npz = np.load(fh, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            msg = "not an .npz archive"
            raise ValueError(msg)
        with npz:
            return {name: npz[name] for name in npz.files}


def _validate(arrays: dict[str, NDArray[Any]], key: dict[str, Any], n_states: int) -> None:
    """Raise ``ValueError`` unless the arrays are a well-formed graph for ``key``."""
    meta = arrays.pop(_META, None)
    if meta is None or meta.dtype != np.uint8 or meta.ndim != 1:
        msg = "no metadata record"
        raise ValueError(msg)
    stored = json.loads(meta.tobytes().decode("utf-8"))
    if stored != json.loads(json.dumps(key, sort_keys=True)):
        msg = "written for other data, parameters or package version"
        raise ValueError(msg)
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
