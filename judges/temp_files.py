"""The temporary file an atomic write fills and renames into place, and the clean-up of those a killed write left.

Every file merov-cojudge replaces whole (command outputs, calibration files, the Ray runner's Parquet files, the
demo clip) is written to ``.<file name>.<host>.<pid>.tmp`` beside it, then renamed over it. A ``kill -9`` or a
power cut mid-write leaves that file behind; the next write of the same file removes the ones of processes of
this machine that are no longer running, so leftovers neither pile up nor get in the way. The temporary file of a
live process (another run writing the same file right now) or of another machine (a shared folder) is left
alone, and so is anything not named exactly so for that file (a folder or a link of that name too).

A pid alone does not tell a live writer: a container numbers its processes apart, and containers sharing a folder
often share a host name too, so another container's writer can carry the pid of no process here. A writer
therefore holds a lock (``flock``) on its temporary file while it writes (:func:`held_temporary`), and a file is
removed only if its lock can be taken, which the kernel frees when its process dies, however it died.

    >>> temporary_path(Path("out/pred.csv")).name.startswith(".pred.csv.")
    True
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

__all__ = ["held_temporary", "remove_stale_temporaries", "temporary_path"]

_NAME_MAX = 255  # bytes in a file name, on Linux and macOS file systems
_NO_LINK = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)  # open no link's file; no child inherits the lock
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.tmp")


def _host() -> str:
    """This machine's name as one dot-free word of up to 32 characters, so that a temporary name says which machine's
    process wrote it. A name changed to fit (a dot, more than 32 characters) ends in a hash of the whole name, so that
    two machines never come out as one ('node-1.lab' and 'node-1-lab'; pods named alike up to their last characters)."""
    name = socket.gethostname()
    word = re.sub(r"[^A-Za-z0-9-]", "-", name)
    if word == name and 0 < len(word) <= 32:
        return word
    return f"{word[:23]}-{hashlib.sha256(name.encode(errors='surrogateescape')).hexdigest()[:8]}"


def _name(target: str, host: str, pid: int) -> str:
    """The temporary name for ``target``; the target's name is shortened in it when the two would pass the
    255-byte limit of a file name."""
    suffix = f".{host}.{pid}.tmp"
    kept = target.encode()[: _NAME_MAX - 1 - len(suffix.encode())].decode(errors="ignore")
    return f".{kept}{suffix}"


def temporary_path(target: Path) -> Path:
    """The temporary file beside ``target`` that this process writes, then renames into place (another run has its own)."""
    return target.with_name(_name(target.name, _host(), os.getpid()))


@contextlib.contextmanager
def held_temporary(target: Path) -> Iterator[Path]:
    """This process's temporary file for ``target`` (:func:`temporary_path`), created and locked until the block ends:
    no other process's sweep removes it while it is written. Write it by its path (it stays the same file) and rename
    it within the block; if the block fails (Ctrl-C too), it is removed. The temporary files of writes of ``target``
    killed before their rename are removed first (:func:`remove_stale_temporaries`). A file system without locks is
    written all the same, unlocked."""
    remove_stale_temporaries(target)
    tmp = temporary_path(target)
    fd = _open_locked(tmp)
    try:
        yield tmp
    except BaseException:
        with contextlib.suppress(OSError):  # still locked: no sweep races the removal
            tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def _open_locked(tmp: Path) -> int:
    """A descriptor of ``tmp``, created if need be and locked; a link there is refused (ELOOP), not followed."""
    while True:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | _NO_LINK, 0o666)
        try:
            if not _lock(fd, wait=True):
                return fd  # no locks here: written as before
            if _same_file(fd, tmp):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # removed by a sweep between its creation and its lock: make it again


def _lock(fd: int, wait: bool) -> bool:
    """Lock ``fd`` exclusively (``wait``: until it is free); False where there are no locks. Raises BlockingIOError
    when not waiting and the lock is held."""
    if sys.platform == "win32":
        return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        raise
    except OSError:  # a file system without locks (ENOLCK, EOPNOTSUPP)
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file ``fd`` is open on."""
    try:
        there = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    here = os.fstat(fd)
    return (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino)


def _remove_if_unlocked(path: str) -> None:
    """Remove the regular file ``path`` if no process holds its lock (its writer is gone); else, or if unsure, keep it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NO_LINK)
    except OSError:
        return
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or not _lock(fd, wait=False) or not _same_file(fd, Path(path)):
            return  # not a file; no locks to tell a live writer by; or already replaced
        os.unlink(path)  # while locked: a writer opening it now waits, then finds it gone and makes its own
    except OSError:  # BlockingIOError: its writer still runs
        return
    finally:
        os.close(fd)


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

    Best effort: a folder that cannot be listed, a file that cannot be removed or whose lock cannot be told (a file
    system without locks), is left as it is.
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
        _remove_if_unlocked(entry.path)
