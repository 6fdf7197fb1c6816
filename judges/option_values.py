"""Which values an option takes: a number is Python's or NumPy's, finite, never a bool; a flag is Python's or NumPy's
bool, never a number or text.

``isinstance(value, int)`` is wrong both ways for an option: a bool is an int in Python (``max_words = true`` in a
TOML config would be 1), and a NumPy integer (``np.int64(8)``, a value from a grid or an array) is not one. The
judges, the runners, the score-union fuser, the emotion graph and the demo clip check their numbers with these, as
the voters' ``Rule`` does. Nor is nan, inf or -inf any option's number, as for the voters: ``temperature=nan`` or
``timeout=inf`` is a mistake to name, not a value to send. A flag read for its truth takes a quoted ``"false"`` (a
non-empty string) as true, so flags are checked to be bools: ``True``, ``False`` or NumPy's ``np.True_`` and
``np.False_`` (a flag from an array or a comparison, a bool to a NumPy user, as the voters' flags take it), never
0 or 1.
"""
from __future__ import annotations

import math
import numbers
from typing import TypeGuard

import numpy as np

from judges.errors import InputError

__all__ = ["check_flags", "check_numbers", "is_flag", "is_number", "is_whole_number"]


def is_whole_number(value: object) -> TypeGuard[int]:
    """An int or a NumPy integer, not a bool; a float is not one, even 8.0 (as for the voters' whole numbers)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[float]:
    """A finite int, float or NumPy number, not a bool (nor a quoted "0.3" from a config, nor nan or inf, nor an int
    too large for a float: ``10**400``, which every option reads as a float)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond a float's range
        return False


def is_flag(value: object) -> TypeGuard[bool | np.bool_]:
    """True or False, Python's or NumPy's (``np.True_``); not 0 or 1, nor a quoted "false"."""
    return isinstance(value, (bool, np.bool_))


def check_flags(**flags: object) -> None:
    """Refuse, as a one-line :class:`InputError`, any of ``flags`` (name -> value) that is not True or False (:func:`is_flag`)."""
    for name, value in flags.items():
        if not is_flag(value):  # "false" would read as true, 0 and 1 are counts
            raise InputError(f"{name}={value!r}: give True or False")


def check_numbers(**options: object) -> None:
    """Refuse, as a one-line :class:`InputError`, any of ``options`` (name -> value) that is not a finite number
    (:func:`is_number`): a quoted "0.3" from a config is named, not a TypeError further on."""
    for name, value in options.items():
        if not is_number(value):
            raise InputError(f"{name}={value!r}: give a finite number (unquoted in a config)")
