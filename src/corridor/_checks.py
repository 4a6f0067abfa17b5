"""One validator for every number corridor accepts: finite, and within its range.

Used by the scenario loader (:mod:`corridor.scenario`), by library functions
that take numeric options, and by the CLI's :class:`corridor._cliopts.FiniteFloat`
option type, so NaN, infinity and out-of-range values are refused the same
way everywhere.
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["describe_range", "finite_number"]


def describe_range(
    minimum: float | None, maximum: float | None, *, min_open: bool, max_open: bool
) -> str:
    """Say in words which values a range admits (``"a finite number > 0"``)."""
    parts = []
    if minimum is not None:
        parts.append(f"{'>' if min_open else '>='} {minimum:g}")
    if maximum is not None:
        parts.append(f"{'<' if max_open else '<='} {maximum:g}")
    return "a finite number" + (f" {' and '.join(parts)}" if parts else "")


def finite_number(
    value: Any,
    what: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    min_open: bool = False,
    max_open: bool = False,
    error: type[ValueError] = ValueError,
) -> float:
    """Return ``value`` as a float if it is a finite number within the range.

    Parameters
    ----------
    value
        An int or float (bools and strings are refused).
    what
        Name of the quantity, used in the message (``"range_km"``).
    minimum, maximum
        Bounds (None: unbounded on that side).
    min_open, max_open
        Exclude the bound itself (``minimum=0, min_open=True``: positive).
    error
        Exception class raised (a :class:`ValueError` subclass such as
        :class:`~corridor.ScenarioError`).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Of class ``error``, naming the quantity, the value and the valid range.

    Examples
    --------
    >>> finite_number(3, "k", minimum=1)
    3.0
    >>> finite_number(float("nan"), "range_km", minimum=0, min_open=True)
    Traceback (most recent call last):
    ...
    ValueError: range_km must be a finite number > 0, got nan
    """
    valid = describe_range(minimum, maximum, min_open=min_open, max_open=max_open)
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{what} must be {valid}, got {value!r}"
        raise error(msg)
    x = float(value)
    low_bad = minimum is not None and (x <= minimum if min_open else x < minimum)
    high_bad = maximum is not None and (x >= maximum if max_open else x > maximum)
    if not math.isfinite(x) or low_bad or high_bad:
        msg = f"{what} must be {valid}, got {value!r}"
        raise error(msg)
    return x
