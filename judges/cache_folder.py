"""Where the package keeps what it makes on first use (the demo clip, the embedding cache): one rule for both."""
from __future__ import annotations

import os
from pathlib import Path

from judges.errors import InputError

__all__ = ["CACHE_ENV_VAR", "cache_folder"]

CACHE_ENV_VAR = "MEROV_CACHE"


def cache_folder() -> Path:
    """``$MEROV_CACHE``, else ``$XDG_CACHE_HOME/merov-cojudge``, else ``~/.cache/merov-cojudge`` (not created).

    A relative ``$XDG_CACHE_HOME`` is ignored, as the XDG Base Directory spec says ("If an implementation encounters a
    relative path in any of these variables it should consider the path invalid and ignore it"): a cache under whatever
    folder a command was run from would be made again in each. With no ``$HOME`` and a user id the password file lacks (a container's ``--user``), a one-line :class:`InputError`
    saying to set ``$MEROV_CACHE``, not pathlib's "Could not determine home directory"; so is a ``~user`` of no user here.
    """
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    where = Path(os.environ.get(CACHE_ENV_VAR) or Path(xdg if os.path.isabs(xdg) else "~/.cache") / "merov-cojudge")
    try:
        return where.expanduser()
    except RuntimeError:
        if where.parts[0] != "~":  # '~nosuchuser/x': no such user, whatever $HOME says
            raise InputError(f"{where}: {where.parts[0]} is no user's home folder here; point ${CACHE_ENV_VAR} to a writable "
                             "folder, written in full") from None
        raise InputError(f"{where}: cannot tell where the cache goes: $HOME is unset and this user has no home folder; "
                         f"point ${CACHE_ENV_VAR} to a writable folder") from None
