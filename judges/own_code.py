"""Which code is merov-cojudge's own: a module of its three packages, told by the module's name (its file's path
differs wherever the package is reached through a symlink or installed elsewhere)."""
from __future__ import annotations

__all__ = ["OWN_PACKAGES", "is_own_module"]

OWN_PACKAGES = frozenset({"judges", "ensemble", "calibration"})


def is_own_module(module: str) -> bool:
    """Whether the module named ``module`` (``"ensemble.stacked_voter"``) is in one of merov-cojudge's packages."""
    return module.partition(".")[0] in OWN_PACKAGES
