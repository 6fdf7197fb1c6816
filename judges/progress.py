"""Progress inside one clip: a passing bar over a judge's long sub-steps, shown only when the run shows progress.

:func:`judges.runner.run_judges` marks each judge's worker thread with :func:`steps_shown` (its ``progress`` flag);
a judge whose work on one clip is long and made of steps (the speech judge's windows of an hour of audio) goes through
them with :func:`steps`, a ``leave=False`` tqdm bar on stderr below the run's, so a user waiting on one long clip sees
that work goes on. A context variable, not a judge attribute or a ``judge_batch`` parameter: a judge that never calls
:func:`steps` (every judge a user writes, unless it wants a bar) knows nothing of it. Outside a run (a judge called
directly, ``progress=False``, a Ray worker, whose process no runner marked) no bar is drawn.

    >>> list(steps([1, 2, 3], desc="counting", unit="step"))   # outside a run: no bar
    [1, 2, 3]
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from tqdm.auto import tqdm

__all__ = ["steps", "steps_shown"]

T = TypeVar("T")

_shown: ContextVar[bool] = ContextVar("judges.progress.shown", default=False)


@contextmanager
def steps_shown(on: bool) -> Iterator[None]:
    """Inside, in this thread (a thread starts with the default, off), :func:`steps` draws its bar when ``on``: the
    runner sets it around a judge's work to the run's ``progress``."""
    token = _shown.set(bool(on))
    try:
        yield
    finally:
        _shown.reset(token)


def steps(items: Sequence[T], desc: str, unit: str) -> Iterable[T]:
    """``items``, under a bar ``desc: 12/30 [00:41<01:02, 3.4s/unit]`` on stderr that is cleared once they are through,
    when the run judging in this thread shows progress and there are several items; else ``items`` alone."""
    if not _shown.get() or len(items) < 2:
        return items
    return tqdm(items, desc=desc, unit=unit, leave=False)
