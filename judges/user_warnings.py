"""Warnings raised on behalf of a user's call point at the user's line, however deep in merov-cojudge they are raised.

A fixed ``stacklevel`` points at the right line from one entry point only: the verdict cache's warning,
raised three calls below ``run_judges``, pointed at ``judges/runner.py`` when called from ``run_judges``
and from ``CoJudge.run`` alike. :func:`warn_user` skips merov-cojudge's own frames instead (Python 3.12's
``skip_file_prefixes``, on the 3.11 this package supports).
"""
from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

__all__ = ["warn_user"]

#: merov-cojudge's packages: a frame in one of them is ours, not the user's
_OURS = tuple(str(Path(__file__).resolve().parents[1] / package) + os.sep for package in ("judges", "ensemble", "calibration"))


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` at the innermost caller outside merov-cojudge's packages: the user's line (the interpreter's
    own, for ``cojudge``, whose commands print warnings without it)."""
    level, frame = 2, sys._getframe(1)  # stacklevel 2: warn_user's caller
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(_OURS):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level)
