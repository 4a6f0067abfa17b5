"""Reusable click parameter types of the ``corridor`` command line.

:class:`FiniteFloat`
    a float option that refuses NaN, infinity and values outside its range;
:class:`OutputFile`, :class:`OutputFolder`
    an output destination checked while the command line is parsed, before
    any work starts (:func:`corridor._io.check_writable`); a destination that
    cannot be written raises :class:`~corridor.OutputError` (exit code 4);
:class:`NegativeNumberCommand`
    a command whose positional values may start with ``-`` followed by a digit
    (``corridor where -33.9,18.4``), which click would otherwise read as options.

Other engineers' commands (``osm``, ``airlift``, ``explore``, ...) use these too,
so every command checks numbers and destinations the same way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from corridor._checks import describe_range, finite_number
from corridor._io import check_writable

__all__ = ["FiniteFloat", "NegativeNumberCommand", "OutputFile", "OutputFolder"]


class FiniteFloat(click.ParamType):  # type: ignore[type-arg]
    """A finite float within an optional range (NaN and infinity are refused).

    Parameters
    ----------
    min, max
        Bounds (None: unbounded).
    min_open, max_open
        Exclude the bound itself.
    """

    name = "float"

    def __init__(
        self,
        min: float | None = None,
        max: float | None = None,
        *,
        min_open: bool = False,
        max_open: bool = False,
    ) -> None:
        self.min, self.max = min, max
        self.min_open, self.max_open = min_open, max_open

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse and check one value (a click hook)."""
        valid = describe_range(self.min, self.max, min_open=self.min_open, max_open=self.max_open)
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number; expected {valid}", param, ctx)
        try:
            return finite_number(
                number,
                "value",
                minimum=self.min,
                maximum=self.max,
                min_open=self.min_open,
                max_open=self.max_open,
            )
        except ValueError:
            self.fail(f"{value!r} is not {valid}", param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Show the accepted range in ``--help``."""
        return "FLOAT"


class OutputFile(click.ParamType):  # type: ignore[type-arg]
    """A file to write, checked before the command runs (exit 4 if it cannot be)."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Check the destination (a click hook); raises OutputError."""
        return check_writable(value if isinstance(value, Path) else str(value))


class OutputFolder(click.ParamType):  # type: ignore[type-arg]
    """A folder to write files into, checked before the command runs."""

    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Check the destination (a click hook); raises OutputError."""
        return check_writable(value if isinstance(value, Path) else str(value), folder=True)


_NEGATIVE = re.compile(r"^-\.?\d")


class NegativeNumberCommand(click.Command):
    """A command whose positional values may be negative numbers (``-33.9,18.4``).

    Arguments that look like a negative number are moved after a ``--``, so
    click reads them as positional values; ``where -- -33.9,18.4`` keeps working.
    Only for commands with no option that takes a negative number.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Move negative-number positionals behind ``--`` (a click hook)."""
        if "--" not in args:
            negative = [a for a in args if _NEGATIVE.match(a)]
            if negative:
                args = [a for a in args if not _NEGATIVE.match(a)] + ["--", *negative]
        return super().parse_args(ctx, args)
