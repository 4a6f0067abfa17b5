"""Atomic file output: write to a temporary file in the same folder, then rename.

:func:`check_writable` checks a destination before any work starts (the CLI
calls it while parsing ``--out``/``--map``), so a run never computes for minutes
and then fails to save; the writers raise :class:`~corridor.OutputError` when
the operating system refuses a write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from corridor._errors import OutputError

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_writable"]


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(".")


def _probe(folder: Path, dest: Path) -> None:
    """Create and remove a temporary file in ``folder`` (the only reliable test, even as root)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".corridor-probe-", suffix=".tmp")
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        msg = f"cannot write {dest}: folder {folder} does not accept new files ({why})"
        raise OutputError(msg) from None
    os.close(fd)
    Path(tmp).unlink(missing_ok=True)


def check_writable(path: str | Path, *, folder: bool = False) -> Path:
    """Check that an output file (or folder) can be written, without writing it.

    Parameters
    ----------
    path
        The destination.
    folder
        The destination is a folder that will hold several files (``demo --out``);
        default: a single file.

    Returns
    -------
    pathlib.Path
        The destination as a path.

    Raises
    ------
    OutputError
        If the path is empty, is a folder where a file is wanted (or a file where
        a folder is wanted), is not a regular file, lies under a regular file, or
        its folder does not accept new files (read-only, ``/proc``, permissions).
    """
    text = os.fspath(path)
    kind = "folder" if folder else "file"
    if not str(text).strip():
        msg = (
            f"output {kind} name is empty; give a path such as maps/{'' if folder else 'map.html'}"
        )
        raise OutputError(msg)
    dest = Path(text)
    if dest.exists():
        if folder and not dest.is_dir():
            msg = f"cannot write into {dest}: it is a file, not a folder"
            raise OutputError(msg)
        if not folder and dest.is_dir():
            msg = f"cannot write {dest}: it is a folder; give a file name inside it"
            raise OutputError(msg)
        if not folder and not dest.is_file():
            msg = f"cannot write {dest}: it exists and is not a regular file"
            raise OutputError(msg)
    existing = _nearest_existing(dest if folder else dest.parent)
    if not existing.is_dir():
        msg = f"cannot write {dest}: {existing} is a file, not a folder"
        raise OutputError(msg)
    _probe(existing, dest)
    return dest


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers never see a half-written file.

    Parameters
    ----------
    path
        Destination; its folder is created when missing.
    data
        The whole content.

    Returns
    -------
    pathlib.Path
        The destination path.

    Raises
    ------
    OutputError
        If the folder cannot be created or the file cannot be written.
    """
    dest = Path(path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as exc:
        msg = f"cannot write {dest}: {exc.strerror or exc}"
        raise OutputError(msg) from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).replace(dest)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        msg = f"cannot write {dest}: {exc.strerror or exc}"
        raise OutputError(msg) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`).

    Parameters
    ----------
    path
        Destination.
    text
        The whole content.

    Returns
    -------
    pathlib.Path
    """
    return atomic_write_bytes(path, text.encode("utf-8"))
