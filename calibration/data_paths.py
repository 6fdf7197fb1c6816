"""Where the research data lives: ``$MEROV_DATA``, else a ``shared`` folder beside the working folder or the checkout.

The OV-MERD labels, judge outputs and emotion-wheel files are research-only
(MER dataset licence, non-commercial) and are never shipped with this package.
"""
from __future__ import annotations

import os
from pathlib import Path

from judges.errors import InputError

__all__ = ["ENV_VAR", "data_root", "wheel_dir", "ovmerd_dir", "find_data_root"]

ENV_VAR = "MEROV_DATA"
_REPO = Path(__file__).resolve().parent.parent


def find_data_root() -> Path | None:
    """The data folder if one is found, else ``None``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    for candidate in _candidates():
        if (candidate / "emotion_wheel").is_dir() or (candidate / "ovmerd").is_dir():
            return candidate.resolve()
    return None


def _candidates() -> list[Path]:
    """Where the data folder is looked for without ``$MEROV_DATA``, in order.

    ``../shared`` beside the checkout only when the code runs from one (its setup.cfg beside the package
    folders): installed from a wheel, that folder would be one inside the environment (``lib/python3.X/shared``).
    """
    beside_checkout = [_REPO.parent / "shared"] if (_REPO / "setup.cfg").is_file() else []
    return [Path.cwd() / ".." / "shared", *beside_checkout, Path.cwd() / "shared"]


def data_root() -> Path:
    """The data folder; a clear error when there is none."""
    root = find_data_root()
    if root is None or not root.is_dir():
        where = (f"${ENV_VAR}={os.environ[ENV_VAR]}" if os.environ.get(ENV_VAR)
                 else " nor ".join(dict.fromkeys(str(c.resolve()) for c in _candidates())))  # the same folder once
        raise InputError(
            f"no data folder at {where}; set {ENV_VAR} to the folder holding emotion_wheel/ and ovmerd/ (see README, 'Data')"
        )
    return root


def wheel_dir() -> Path:
    """The emotion-wheel folder (``wheel1..5.xlsx``, ``synonym.xlsx``, ``format.csv``)."""
    return data_root() / "emotion_wheel"


def ovmerd_dir() -> Path:
    """The OV-MERD folder (``labels/``, ``splits/``, ``outputs/``)."""
    return data_root() / "ovmerd"
