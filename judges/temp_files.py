"""The temporary file an atomic write fills and renames into place, and the clean-up of those a killed write left.

Every file merov-cojudge replaces whole (command outputs, calibration files, the Ray runner's Parquet files, the
demo clip) is written to ``.<file name>.<host>.<pid>.tmp`` beside it, then renamed over it. A ``kill -9`` or a
power cut mid-write leaves that file behind; the next write of the same file removes the ones of processes of
this machine that are no longer running, so leftovers neither pile up nor get in the way. The temporary file of a
live process (another run writing the same file right now) or of another machine (a shared folder) is left
alone, and so is anything not named exactly so for that file (a folder or a link of that name too).

    >>> temporary_path(Path("out/pred.csv")).name.startswith(".pred.csv.")
    True
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
from pathlib import Path

__all__ = ["remove_stale_temporaries", "temporary_path"]

_NAME_MAX = 255  # bytes in a file name, on Linux and macOS file systems
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.tmp")


def _host() -> str:
    """This machine's name as one dot-free word, so that a temporary name says which machine's process wrote it."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32] or "host"


def _name(target: str, host: str, pid: int) -> str:
    """The temporary name for ``target``; the target's name is shortened in it when the two would pass the
    255-byte limit of a file name."""
    suffix = f".{host}.{pid}.tmp"
    kept = target.encode()[: _NAME_MAX - 1 - len(suffix.encode())].decode(errors="ignore")
    return f".{kept}{suffix}"


def temporary_path(target: Path) -> Path:
    """The temporary file beside ``target`` that this process writes, then renames into place (another run has its own)."""
    return target.with_name(_name(target.name, _host(), os.getpid()))


def _running(pid: int) -> bool:
    """Whether process ``pid`` of this machine may be running (when unsure, it is taken for running)."""
    if pid <= 0 or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)  # signal 0: asks whether the process exists, sends nothing
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def remove_stale_temporaries(target: Path) -> None:
    """Remove the temporary files of ``target`` left by writes of this machine whose process is gone (killed mid-write).

    Best effort: a folder that cannot be listed, or a file that cannot be removed, is left as it is.
    """
    host, own = _host(), os.getpid()
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or match["host"] != host:
            continue
        pid = int(match["pid"])
        if pid == own or entry.name != _name(target.name, host, pid) or _running(pid):
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                os.unlink(entry.path)
