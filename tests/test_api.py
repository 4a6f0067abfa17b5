"""The public API is exactly ``__all__``."""

from __future__ import annotations

import types

import corridor


def test_all_names_exist() -> None:
    missing = [name for name in corridor.__all__ if not hasattr(corridor, name)]
    assert missing == []


def test_public_names_are_exported() -> None:
    public = {
        name
        for name, value in vars(corridor).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - set(corridor.__all__) == set()
    assert sorted(corridor.__all__) == sorted(set(corridor.__all__))


def test_error_hierarchy() -> None:
    assert issubclass(corridor.DataError, ValueError)
    assert issubclass(corridor.ScenarioError, ValueError)
    assert issubclass(corridor.UnknownPlaceError, KeyError)
    for cls in (corridor.DataError, corridor.ScenarioError, corridor.UnknownPlaceError):
        assert issubclass(cls, corridor.CorridorError)
    assert str(corridor.UnknownPlaceError("plain message")) == "plain message"


def test_version_is_a_string() -> None:
    assert isinstance(corridor.__version__, str)
    assert corridor.__version__[0].isdigit()
