"""Which values a numeric option takes: Python's or NumPy's numbers, never a bool.

``isinstance(value, int)`` is wrong both ways for an option: a bool is an int in Python (``max_words = true`` in a
TOML config would be 1), and a NumPy integer (``np.int64(8)``, a value from a grid or an array) is not one. The
judges, the runners and the score-union fuser check their options with these, as the voters' ``Rule`` does.
"""
from __future__ import annotations

import numbers
from typing import TypeGuard

__all__ = ["is_number", "is_whole_number"]


def is_whole_number(value: object) -> TypeGuard[int]:
    """An int or a NumPy integer, not a bool; a float is not one, even 8.0 (as for the voters' whole numbers)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_number(value: object) -> TypeGuard[float]:
    """An int, a float or a NumPy number, not a bool (nor a quoted "0.3" from a config)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
