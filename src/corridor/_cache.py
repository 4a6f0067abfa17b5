"""Safe on-disk caches: data, never code.

Every derived result corridor keeps on disk (the annotated network, the
airspace zones, road-graph arrays) goes through this module:

* **keys** come from :func:`data_key`: a SHA-256 of the package version, this
  module's layout version and the caller's parts (data file contents, build
  parameters), so a cache written by another version or from other data is
  never picked up;
* **formats** cannot execute code on load: frames are (Geo)Parquet, arrays are
  ``.npz`` read with ``allow_pickle=False`` (object arrays are refused), and the
  metadata is JSON stored *inside* the file (the Parquet schema metadata, a
  ``__corridor_meta__`` entry of the npz);
* **validation** on load: the layout version, the package version, the
  caller's expected metadata (its key), and the recorded names, dtypes, shapes,
  columns and row counts must all match;
* an invalid or foreign file is reported with a :class:`CacheWarning`, ignored
  and rebuilt by the caller; a stale one (other key) is rebuilt silently;
* writes are atomic (:mod:`corridor._io`); a cache that cannot be written only
  costs speed (logged, never raised).

Examples
--------
>>> key = data_key(b"nodes", 12.5)
>>> path = cache_path("demo", key, ".npz")  # doctest: +SKIP
>>> save_arrays(path, {"x": np.arange(3)}, {"key": key})  # doctest: +SKIP
>>> load_arrays(path, {"key": key})["x"]  # doctest: +SKIP
array([0, 1, 2])
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import warnings
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corridor import settings
from corridor._io import atomic_write_bytes

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd
    from numpy.typing import NDArray

__all__ = [
    "CACHE_FORMAT",
    "CacheWarning",
    "cache_path",
    "data_key",
    "load_arrays",
    "load_frame",
    "package_version",
    "save_arrays",
    "save_frame",
]

logger = logging.getLogger("corridor")

#: Layout version of the files this module writes; bump it when the layout changes.
CACHE_FORMAT = 1
_META_ENTRY = "__corridor_meta__"
_META_KEY = b"corridor_cache"


class CacheWarning(UserWarning):
    """An on-disk cache file was invalid or foreign and is being rebuilt."""


def package_version() -> str:
    """Return the installed corridor version (``0.0.0+unknown`` in a bare source tree).

    Returns
    -------
    str
    """
    try:
        return version("corridor")
    except PackageNotFoundError:
        return "0.0.0+unknown"


def data_key(*parts: bytes | str | float | Path | None) -> str:
    """Return a hex key for the given parts, the package version and the cache layout.

    Parameters
    ----------
    *parts
        What the cached result depends on. A :class:`~pathlib.Path` contributes
        its file's *contents*; bytes and strings themselves; numbers their
        ``repr``; ``None`` a marker.

    Returns
    -------
    str
        20 hexadecimal characters.

    Raises
    ------
    ValueError
        For a NaN or infinite number (it has no stable key).
    """
    h = hashlib.sha256(f"corridor {package_version()} cache {CACHE_FORMAT}".encode())
    for part in parts:
        if isinstance(part, Path):
            blob = b"file:" + part.read_bytes()
        elif isinstance(part, bytes):
            blob = b"bytes:" + part
        elif isinstance(part, str):
            blob = b"str:" + part.encode("utf-8")
        elif part is None:
            blob = b"none"
        elif isinstance(part, bool | int | float):
            if not math.isfinite(part):
                msg = f"cache key part must be a finite number, got {part!r}"
                raise ValueError(msg)
            blob = b"num:" + repr(part).encode()
        else:  # a typed caller cannot get here; an untyped one learns what is valid
            msg = f"cache key part must be bytes, str, a number, a Path or None; got {type(part)}"
            raise TypeError(msg)
        h.update(len(blob).to_bytes(8, "little"))
        h.update(blob)
    return h.hexdigest()[:20]


def cache_path(kind: str, key: str, suffix: str) -> Path:
    """Return the cache file for ``kind`` and ``key`` under ``settings.cache_folder``.

    Parameters
    ----------
    kind
        Short name of what is cached (``"network-nodes"``, ``"zones"``).
    key
        From :func:`data_key`.
    suffix
        File suffix with its dot: ``".npz"``, ``".parquet"``.

    Returns
    -------
    pathlib.Path
    """
    for text, what in ((kind, "kind"), (key, "key")):
        if not text or not all(c.isalnum() or c in "-_." for c in text):
            msg = f"cache {what} must be non-empty letters, digits, '-', '_' or '.'; got {text!r}"
            raise ValueError(msg)
    return Path(settings.cache_folder) / f"{kind}-{key}{suffix}"


def _envelope(meta: Mapping[str, Any]) -> dict[str, Any]:
    return {"format": CACHE_FORMAT, "version": package_version(), "meta": dict(meta)}


def _invalid(path: Path, problem: str) -> None:
    warnings.warn(
        f"ignoring invalid cache file {path} ({problem}); rebuilding it",
        CacheWarning,
        stacklevel=3,
    )


def _check_envelope(path: Path, stored: Any, expect_meta: Mapping[str, Any]) -> bool | None:
    """Return True if valid and current, False if stale, None if invalid (warned)."""
    if not isinstance(stored, dict) or not isinstance(stored.get("meta"), dict):
        _invalid(path, "no corridor cache metadata")
        return None
    if stored.get("format") != CACHE_FORMAT or stored.get("version") != package_version():
        _invalid(
            path,
            f"written by corridor {stored.get('version')!r} format {stored.get('format')!r}, "
            f"this is {package_version()!r} format {CACHE_FORMAT}",
        )
        return None
    meta = stored["meta"]
    for name, want in expect_meta.items():
        if meta.get(name) != json.loads(json.dumps(want)):
            logger.info("cache %s is stale (%s differs); rebuilding", path, name)
            return False
    return True


# --------------------------------------------------------------------------- arrays


def save_arrays(path: Path, arrays: Mapping[str, NDArray[Any]], meta: Mapping[str, Any]) -> bool:
    """Write arrays and JSON metadata to one ``.npz`` file, atomically.

    Parameters
    ----------
    path
        Destination (from :func:`cache_path`, or a file beside a source).
    arrays
        Numeric, boolean or fixed-width string arrays; object arrays are refused.
    meta
        JSON-serialisable metadata; :func:`load_arrays` compares its entries.

    Returns
    -------
    bool
        False when the file could not be written (logged; the cache is optional).

    Raises
    ------
    TypeError
        For an object array or a name that clashes with the metadata entry.
    """
    shapes: dict[str, list[Any]] = {}
    for name, value in arrays.items():
        arr = np.asarray(value)
        if arr.dtype.hasobject or name == _META_ENTRY:
            msg = f"cannot cache array {name!r} of dtype {arr.dtype}: only plain dtypes are safe"
            raise TypeError(msg)
        shapes[name] = [arr.dtype.str, list(arr.shape)]
    envelope = {**_envelope(meta), "arrays": shapes}
    payload: dict[str, Any] = {name: np.asarray(v) for name, v in arrays.items()}
    payload[_META_ENTRY] = np.asarray(json.dumps(envelope, sort_keys=True))
    buf = io.BytesIO()
    np.savez(buf, **payload)
    try:
        atomic_write_bytes(path, buf.getvalue())
    except OSError as exc:
        logger.warning("could not write cache %s: %s", path, exc)
        return False
    return True


def load_arrays(path: Path, expect_meta: Mapping[str, Any]) -> dict[str, NDArray[Any]] | None:
    """Read arrays written by :func:`save_arrays`, or None to rebuild.

    Parameters
    ----------
    path
        The cache file.
    expect_meta
        Entries the stored metadata must equal (its key, build parameters).

    Returns
    -------
    dict or None
        None when the file is missing, stale, or invalid (the last with a
        :class:`CacheWarning`). Nothing in the file is ever unpickled.
    """
    if not path.is_file():
        return None
    try:
        with np.load(io.BytesIO(path.read_bytes()), allow_pickle=False) as data:
            if not isinstance(data, np.lib.npyio.NpzFile) or _META_ENTRY not in data.files:
                _invalid(path, "not a corridor npz cache")
                return None
            stored = json.loads(str(data[_META_ENTRY]))
            state = _check_envelope(path, stored, expect_meta)
            if state is not True:
                return None
            shapes = stored.get("arrays")
            names = set(data.files) - {_META_ENTRY}
            if not isinstance(shapes, dict) or set(shapes) != names:
                _invalid(path, "array names differ from its metadata")
                return None
            out: dict[str, NDArray[Any]] = {}
            for name in sorted(names):
                arr = data[name]
                if [arr.dtype.str, list(arr.shape)] != shapes[name]:
                    _invalid(path, f"array {name!r} has the wrong dtype or shape")
                    return None
                out[name] = arr
            return out
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        _invalid(path, f"{type(exc).__name__}: {exc}")
        return None


# --------------------------------------------------------------------------- frames


def save_frame(path: Path, frame: pd.DataFrame, meta: Mapping[str, Any]) -> bool:
    """Write a (Geo)DataFrame as (Geo)Parquet with JSON metadata inside, atomically.

    Parameters
    ----------
    path
        Destination ``.parquet`` file.
    frame
        A DataFrame or GeoDataFrame whose columns Arrow can store (no mixed
        Python objects: join tuples into strings first). A frame Arrow cannot
        store is not cached, with a :class:`CacheWarning`.
    meta
        JSON-serialisable metadata; :func:`load_frame` compares its entries.

    Returns
    -------
    bool
        False when the file could not be written (logged; the cache is optional).
    """
    import geopandas as gpd
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    buf = io.BytesIO()
    try:
        if isinstance(frame, gpd.GeoDataFrame):
            frame.to_parquet(buf)
            table = pq.read_table(pa.BufferReader(buf.getvalue()))
        else:
            table = pa.Table.from_pandas(frame)
    except (pa.ArrowException, TypeError, ValueError) as exc:  # a column Arrow cannot store
        warnings.warn(
            f"cannot cache {path.name}: {exc}; it is rebuilt on every run",
            CacheWarning,
            stacklevel=2,
        )
        return False
    envelope = {
        **_envelope(meta),
        "geo": isinstance(frame, gpd.GeoDataFrame),
        "columns": [str(c) for c in frame.columns],
        "rows": len(frame),
    }
    schema_meta = dict(table.schema.metadata or {})
    schema_meta[_META_KEY] = json.dumps(envelope, sort_keys=True).encode()
    out = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(schema_meta), out)
    try:
        atomic_write_bytes(path, out.getvalue())
    except OSError as exc:
        logger.warning("could not write cache %s: %s", path, exc)
        return False
    return True


def load_frame(path: Path, expect_meta: Mapping[str, Any]) -> pd.DataFrame | None:
    """Read a frame written by :func:`save_frame`, or None to rebuild.

    Parameters
    ----------
    path
        The cache file.
    expect_meta
        Entries the stored metadata must equal.

    Returns
    -------
    pandas.DataFrame, geopandas.GeoDataFrame or None
        None when the file is missing, stale, or invalid (the last with a
        :class:`CacheWarning`).
    """
    if not path.is_file():
        return None
    import geopandas as gpd
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        blob = path.read_bytes()
        table = pq.read_table(pa.BufferReader(blob))
        raw = (table.schema.metadata or {}).get(_META_KEY)
        if raw is None:
            _invalid(path, "not a corridor parquet cache")
            return None
        stored = json.loads(raw)
        if _check_envelope(path, stored, expect_meta) is not True:
            return None
        geo = bool(stored.get("geo"))
        frame: pd.DataFrame = gpd.read_parquet(io.BytesIO(blob)) if geo else table.to_pandas()
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
        _invalid(path, f"{type(exc).__name__}: {exc}")
        return None
    if [str(c) for c in frame.columns] != stored.get("columns") or len(frame) != stored.get("rows"):
        _invalid(path, "columns or row count differ from its metadata")
        return None
    return frame
