"""Shared fixtures: a per-session cache folder so tests never touch the user's cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor import settings


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    original = settings.cache_folder
    settings.cache_folder = tmp_path_factory.mktemp("corridor-cache")
    yield settings.cache_folder
    settings.cache_folder = original
