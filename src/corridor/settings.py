"""Environment settings: where data lives, where outputs and caches go, constants.

These are module globals read at call time, as in osmnx's ``settings``: change
them before calling the library (``corridor.settings.cache_folder = ...``).
Scenario state never lives here; it lives in frozen ``Scenario`` objects.

Environment variables read once at import:

``CORRIDOR_DATA``
    Folder holding ``borders/`` and ``network/`` (default: the data shipped
    inside the package, ``corridor/data``, found through importlib.resources).
``CORRIDOR_CACHE``
    Folder for derived caches (default: ``~/.cache/corridor``).
``CORRIDOR_LOG``
    Set to ``1`` to send corridor's log records to stderr (for the CLI).
"""

from __future__ import annotations

import os
from pathlib import Path

from corridor._resources import package_data_folder

#: Folder holding the data (``borders/``, ``network/``); the package's own by default.
data_folder: Path = Path(os.environ.get("CORRIDOR_DATA", "") or package_data_folder())

#: Folder for derived caches (airspace zones, array forms, OSM graphs).
cache_folder: Path = Path(
    os.environ.get("CORRIDOR_CACHE", "") or Path.home() / ".cache" / "corridor"
)

#: Folder the CLI writes maps and exports into by default.
output_folder: Path = Path("maps")

#: Width of the territorial sea, metres (12 nautical miles, UNCLOS art. 3).
territorial_sea_m: float = 12 * 1852.0

#: Whether corridor's logger writes to stderr (the CLI switches it on with -v).
log_console: bool = os.environ.get("CORRIDOR_LOG", "") == "1"

#: Use the on-disk cache of derived geometry (airspace zones).
use_cache: bool = True
