"""Warnings raised on behalf of a user's call point at the user's line, however deep in merov-cojudge they are raised.

A fixed ``stacklevel`` points at the right line from one entry point only: the verdict cache's warning,
raised three calls below ``run_judges``, pointed at ``judges/runner.py`` when called from ``run_judges``
and from ``CoJudge.run`` alike. :func:`warn_user` skips merov-cojudge's own frames instead (Python 3.12's
``skip_file_prefixes``, on the 3.11 this package supports). A frame is told ours by its module's name, not its
file's path, which differs from this module's wherever the package is reached through a symlink.
"""
from __future__ import annotations

import sys
import types
import warnings

from judges.own_code import is_own_module

__all__ = ["warn_user"]


def _is_ours(frame: types.FrameType) -> bool:
    """Whether ``frame`` runs merov-cojudge's code (``python -m ensemble.cli`` runs as ``__main__``: its spec names it),
    not a docstring example, which doctest runs in its module's namespace: that is the user's line."""
    spec = frame.f_globals.get("__spec__")
    module = getattr(spec, "name", None) or frame.f_globals.get("__name__") or ""
    return is_own_module(module) and not frame.f_code.co_filename.startswith("<doctest ")


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` at the innermost caller outside merov-cojudge's packages: the user's line (the interpreter's
    own, for ``cojudge``, whose commands print warnings without it)."""
    level, frame = 2, sys._getframe(1)  # stacklevel 2: warn_user's caller
    while frame.f_back is not None and _is_ours(frame):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level)
