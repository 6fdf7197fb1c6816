"""A judge's requests side by side on daemon threads, so that work a run gave up on never holds the program's exit.

``concurrent.futures``' pool threads are joined when the interpreter exits: a
batch the runner gave up on (``batch_timeout``) kept the program alive after
``run_judges`` returned, until each of its requests had run out of its own
timeout and retries (minutes with the defaults).

    >>> map_on_daemon_threads(lambda a, b: a + b, [1, 2, 3], [10, 20, 30], workers=2, name="add")
    [11, 22, 33]
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["map_on_daemon_threads"]

R = TypeVar("R")


def map_on_daemon_threads(fn: Callable[..., R], *columns: Sequence[Any], workers: int, name: str) -> list[R]:
    """``list(map(fn, *columns))`` on at most ``workers`` daemon threads, results in order; the threads are named
    ``name_0``, ``name_1``..., as the thread pool this replaced named them.

    The first exception a call raises is raised here once the calls under way have ended; no new call starts after it.
    Interrupted while it waits (Ctrl-C), it raises at once and no new call starts either, as a thread pool's ``map``
    cancels the calls not started: the calls under way end on their own threads, which do not hold the program's exit.
    """
    calls = list(zip(*columns))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []
    lock = threading.Lock()
    order = iter(range(len(calls)))
    stop = threading.Event()  # the caller was interrupted: no new call

    def work() -> None:
        while True:
            with lock:
                index = None if errors or stop.is_set() else next(order, None)
            if index is None:
                return
            try:
                results[index] = fn(*calls[index])
            except BaseException as exc:  # raised in the caller's thread, as ThreadPoolExecutor.map does
                with lock:
                    errors.append(exc)
                return

    threads = [threading.Thread(target=work, name=f"{name}_{i}", daemon=True) for i in range(max(1, min(workers, len(calls))))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except BaseException:  # Ctrl-C: the run stops now, and the rest of the calls are not made behind its back
        stop.set()
        raise
    if errors:
        raise errors[0]
    return results
