"""A judge's requests side by side on daemon threads: what a thread pool's ``map`` did, without holding the exit."""
from __future__ import annotations

import signal
import threading

import pytest

from judges.daemon_threads import map_on_daemon_threads


def test_ctrl_c_while_it_waits_stops_at_once_and_starts_no_further_call():
    """Ctrl-C during a run of ten calls on two threads: the calls under way (the first, and the second if its thread
    had taken it) finish, the others are never made (they went on in the background, each a request to a server,
    after the interrupted run had stopped)."""
    started: list[int] = []
    release = threading.Event()

    def call(i: int) -> int:
        started.append(i)
        if i == 0:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        release.wait(10)
        return i

    # Python's own Ctrl-C handler, with SIGINT not blocked, whatever a library loaded by an earlier test left behind
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        with pytest.raises(KeyboardInterrupt):
            map_on_daemon_threads(call, range(10), workers=2, name="ctrl-c")
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        signal.signal(signal.SIGINT, handler)
        release.set()
    for thread in [t for t in threading.enumerate() if t.name.startswith("ctrl-c_")]:
        thread.join(10)
    assert set(started) <= {0, 1}, started


def test_its_threads_are_named_as_the_thread_pool_it_replaced_named_them():
    """``openai-<judge>_0``, as before: a log's thread names or a stack dump read the same."""
    release = threading.Barrier(2, timeout=10)  # both threads run a call

    def name(_: int) -> str:
        release.wait()
        return threading.current_thread().name

    assert sorted(map_on_daemon_threads(name, range(2), workers=2, name="openai-srv")) == ["openai-srv_0", "openai-srv_1"]
