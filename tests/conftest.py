"""Shared fixtures: a per-session cache folder so tests never touch the user's cache, and the
network-cache fixtures of ``test_cache.py`` and ``test_warm_imports.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corridor import _netbuild, network, settings


@pytest.fixture(autouse=True, scope="session")
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    original = settings.cache_folder
    settings.cache_folder = tmp_path_factory.mktemp("corridor-cache")
    yield settings.cache_folder
    settings.cache_folder = original


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(settings, "cache_folder", folder)
    return folder


@pytest.fixture(scope="module")
def built() -> network.TransitNetwork:
    return network.load_network()


@pytest.fixture
def counted_build(
    built: network.TransitNetwork, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Path]]:
    """Replace the expensive network build by a counter returning the prebuilt network."""
    calls: list[Path] = []

    def fake_build(path: Path) -> network.TransitNetwork:
        calls.append(path)
        return built

    monkeypatch.setattr(_netbuild, "_build", fake_build)
    monkeypatch.setattr(settings, "use_cache", True)
    network._load_cached.cache_clear()
    yield calls
    network._load_cached.cache_clear()
