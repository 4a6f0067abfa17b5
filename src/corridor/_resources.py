"""Where the package's own files live: shipped data, reference scenarios, static assets.

Everything corridor ships is inside the package and found through
:mod:`importlib.resources`, so an installed wheel works from any folder (as
geopandas' ``datasets`` and momepy's ``get_path()`` do). ``CORRIDOR_DATA``
(:data:`corridor.settings.data_folder`) overrides the data folder only; the
reference scenarios and static assets always come from the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["package_data_folder", "scenario_folder", "schema_path", "static_folder"]


def _package_path(*parts: str) -> Path:
    # Wheels install unzipped, so the traversable is a real folder on disk.
    return Path(str(files("corridor").joinpath(*parts)))


def package_data_folder() -> Path:
    """Folder of the data shipped in the package (``borders/``, ``network/``)."""
    return _package_path("data")


def scenario_folder() -> Path:
    """Folder of the shipped reference scenarios (``*.toml``)."""
    return _package_path("scenarios")


def schema_path() -> Path:
    """Return the path of the scenario JSON Schema shipped with the package."""
    return _package_path("data", "scenario.schema.json")


def static_folder() -> Path:
    """Folder of the static web assets (vendored Leaflet)."""
    return _package_path("_static")
