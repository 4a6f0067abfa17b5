"""Exceptions raised by corridor.

Every error corridor raises on purpose derives from :class:`CorridorError`,
and each subclass also derives from the built-in exception a Python user
would expect, so ``except ValueError`` keeps working::

    CorridorError
    ├── DataError(ValueError)          shipped or user data is missing, corrupt or inconsistent
    ├── ScenarioError(ValueError)      a scenario file or keyword set is malformed
    ├── RegionError(ValueError)        a coordinate lies outside the modelled region
    ├── UnknownPlaceError(KeyError)    a country code, node, airport or place name is not known
    ├── NoRouteError                   no feasible route exists (carries the explanation)
    └── OutputError(OSError)           an output file or folder cannot be written there

Messages say what was wrong and what is valid, e.g.
``unknown country 'ARN'; did you mean: ARM, AFG``.
"""

from __future__ import annotations

__all__ = [
    "CorridorError",
    "DataError",
    "NoRouteError",
    "OutputError",
    "RegionError",
    "ScenarioError",
    "UnknownPlaceError",
]


class CorridorError(Exception):
    """Base class of every error corridor raises on purpose."""


class DataError(CorridorError, ValueError):
    """Shipped or user-supplied data is missing, corrupt or inconsistent."""


class ScenarioError(CorridorError, ValueError):
    """A scenario (TOML file or keyword arguments) is malformed."""


class RegionError(CorridorError, ValueError):
    """A coordinate lies outside the region corridor models."""


class UnknownPlaceError(CorridorError, KeyError):
    """A country code, node id, airport code or place name is not known."""

    def __str__(self) -> str:
        # KeyError.__str__ wraps the message in quotes; show it plainly.
        return str(self.args[0]) if self.args else ""


class NoRouteError(CorridorError):
    """No feasible route exists; ``reason`` says which closures cut access."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OutputError(CorridorError, OSError):
    """An output destination (file or folder) cannot be written.

    Raised before any work starts when a destination is checked
    (:func:`corridor._io.check_writable`), and by the atomic writers when the
    operating system refuses the write; the message names the path and why.
    """

    def __str__(self) -> str:
        # OSError.__str__ shows errno/filename fields; show the message as given.
        return str(self.args[0]) if self.args else ""
