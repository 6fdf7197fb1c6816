"""Option types and the error exit the benchmark scripts share: an odd option or a missing data folder is one
line naming it and the fix, never a traceback (a script is imported as a sibling module: ``from
benchmark_arguments import ...``).

    >>> positive_int("3")
    3
    >>> whole_numbers("50,100")
    [50, 100]
    >>> positive_int("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '0': give a whole number, 1 or more
"""
from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

from judges.errors import InputError

__all__ = ["positive_int", "non_negative_int", "positive_float", "whole_numbers", "run_script"]


def positive_int(text: str) -> int:
    """A whole number, 1 or more (clips, repeats, threads)."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more")
    return value


def non_negative_int(text: str) -> int:
    """A whole number, 0 or more (a window, a delay)."""
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 0 or more")
    return value


def positive_float(text: str) -> float:
    """A finite number above 0 (seconds)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r}: give a number above 0, e.g. 10 or 2.5")
    return value


def whole_numbers(text: str) -> list[int]:
    """Comma-separated whole numbers, each 0 or more, at least one (e.g. milliseconds per judge)."""
    parts = [part.strip() for part in text.split(",")]
    if not all(part.isdigit() for part in parts):
        raise argparse.ArgumentTypeError(f"{text!r}: give whole numbers, 0 or more, comma-separated, e.g. 50,100,150")
    return [int(part) for part in parts]


def run_script(main: Callable[[], object], script: str) -> None:
    """Run a benchmark's ``main``; an :class:`InputError` (no data folder, a file it cannot read) exits 2 with one line."""
    try:
        main()
    except InputError as exc:
        print(f"{Path(script).name}: error: {exc}", file=sys.stderr)
        sys.exit(2)


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number") from None
