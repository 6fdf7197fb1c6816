"""Warnings raised on behalf of a user's call point at the user's line, however deep in merov-cojudge they are raised.

A fixed ``stacklevel`` points at the right line from one entry point only: the verdict cache's warning,
raised three calls below ``run_judges``, pointed at ``judges/runner.py`` when called from ``run_judges``
and from ``CoJudge.run`` alike. :func:`warn_user` skips merov-cojudge's own frames instead (Python 3.12's
``skip_file_prefixes``, on the 3.11 this package supports). A frame is told ours by its module's name, not its
file's path, which differs from this module's wherever the package is reached through a symlink.

A worker thread (the runner's, a judge's pool of HTTP requests) has no user frame: the walk would end in
``threading.py`` or ``concurrent/futures/thread.py``. Work handed to such a thread through :func:`with_call_site`
carries the line that started it (the user's ``run_judges(...)`` or ``judge.judge(...)``), and its warnings
point there.
"""
from __future__ import annotations

import functools
import sys
import threading
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from judges.own_code import is_own_module

__all__ = ["warn_user", "with_call_site"]

T = TypeVar("T")
_carried = threading.local()  # .site: the _CallSite of the work this thread runs, if it was handed one


@dataclass(frozen=True)
class _CallSite:
    """A line warnings point at: where it is and its module's globals (for the module name and the once-only registry)."""

    filename: str
    lineno: int
    module_globals: dict[str, Any]


def _module(frame: types.FrameType) -> str:
    spec = frame.f_globals.get("__spec__")
    return getattr(spec, "name", None) or frame.f_globals.get("__name__") or ""


def _is_ours(frame: types.FrameType) -> bool:
    """Whether ``frame`` runs merov-cojudge's code (``python -m ensemble.cli`` runs as ``__main__``: its spec names it),
    not a docstring example, which doctest runs in its module's namespace: that is the user's line."""
    return is_own_module(_module(frame)) and not frame.f_code.co_filename.startswith("<doctest ")


def _is_thread_start(frame: types.FrameType) -> bool:
    """Whether ``frame`` is the machinery that starts a thread's work (``threading``, ``concurrent.futures``): no user's line."""
    module = _module(frame)
    return module == "threading" or module.startswith("concurrent.futures")


def _user_frame(frame: types.FrameType) -> tuple[types.FrameType, int]:
    """The innermost frame from ``frame`` outwards that is not merov-cojudge's, and how many frames out it is."""
    level = 0
    while frame.f_back is not None and _is_ours(frame):
        level, frame = level + 1, frame.f_back
    return frame, level


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` at the innermost caller outside merov-cojudge's packages: the user's line (the interpreter's
    own, for ``cojudge``, whose commands print warnings without it). In a worker thread, where there is none, at the
    line that started the work (see :func:`with_call_site`), else at the call into merov-cojudge the thread made."""
    frame, level = _user_frame(sys._getframe(1))
    if _is_thread_start(frame):
        site = getattr(_carried, "site", None)
        if site is not None:
            registry = site.module_globals.setdefault("__warningregistry__", {})
            module = site.module_globals.get("__name__", "<string>")
            warnings.warn_explicit(message, category, site.filename, site.lineno, module, registry)  # as warnings.warn does
            return
        level -= 1  # not the thread machinery: the outermost frame of ours, where the thread entered merov-cojudge
    warnings.warn(message, category, stacklevel=level + 2)  # + warn_user's own frame and warnings.warn's count from 1


def _call_site(frame: types.FrameType) -> _CallSite | None:
    """The line that work started from ``frame`` is for: the innermost user's line on this thread's stack, as
    :func:`warn_user` picks (a run started by a user's judge inside another run: that judge's line), else, in a
    worker thread with none, the line its own work was handed."""
    user, _ = _user_frame(frame)
    if _is_thread_start(user):
        return getattr(_carried, "site", None)
    return _CallSite(user.f_code.co_filename, user.f_lineno, user.f_globals)


def with_call_site(work: Callable[..., T]) -> Callable[..., T]:
    """``work``, to be run in another thread, carrying the user's line that hands it over: :func:`warn_user`
    called in that work, where no user frame is on the thread's stack, points there instead of at ``threading.py``."""
    site = _call_site(sys._getframe(1))

    @functools.wraps(work)
    def run(*args: Any, **kwargs: Any) -> T:
        before = getattr(_carried, "site", None)
        _carried.site = site
        try:
            return work(*args, **kwargs)
        finally:
            _carried.site = before

    return run
