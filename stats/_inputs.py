"""Input checks shared by the pooling, heterogeneity and small-study-bias functions.

Every public function in :mod:`stats` validates what it is given and raises ``ValueError`` with a
message naming the offending argument, so a form or an import can show it to the person who typed
the number.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from decimal import Decimal


def _choice(name: str, value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(option) for option in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def _flag(name: str, value: object) -> bool:
    """A real ``True``/``False`` (not 1, "yes" or None), so a typo cannot switch a method on."""
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return value


def _finite(name: str, value: object) -> float:
    """A finite real number (int, float or Decimal; not bool or text), as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal):
        raise ValueError(f"{name} must be a number; got {value!r}")
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise ValueError(f"{name} must be a finite number; got {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return number


def _rows(name: str, rows: Iterable[Sequence[object]], width: int) -> list[tuple]:
    try:
        materialised = [tuple(row) for row in rows]
    except TypeError:
        raise ValueError(f"{name} must be a sequence of {width}-tuples") from None
    if not materialised:
        raise ValueError(f"{name} is empty: at least one study is needed to pool")
    for index, row in enumerate(materialised):
        if len(row) != width:
            raise ValueError(f"{name}[{index}] has {len(row)} values; expected {width}")
    return materialised


def _studies(estimates: Sequence[object], variances: Sequence[object]) -> tuple[list[float], list[float]]:
    """Validated estimates and (positive, finite) sampling variances, as two lists of floats."""
    try:
        ys = [_finite(f"estimates[{i}]", y) for i, y in enumerate(estimates)]
        vs = [_finite(f"variances[{i}]", v) for i, v in enumerate(variances)]
    except TypeError:
        raise ValueError("estimates and variances must be sequences of numbers") from None
    if not ys:
        raise ValueError("estimates is empty: at least one study is needed to pool")
    if len(ys) != len(vs):
        raise ValueError(f"estimates has {len(ys)} values but variances has {len(vs)}; they must match")
    for index, v in enumerate(vs):
        if v <= 0.0:
            raise ValueError(f"variances[{index}] must be positive; got {v!r}")
    return ys, vs
