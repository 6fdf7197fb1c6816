"""Output files of the commands: checked before any work, written whole or not at all.

A command that tunes for a minute and then cannot write its result has lost the
minute; one that writes over its own input has lost the input. Both are refused
up front, with the option and the fix named.

    >>> check_output_path("pred.csv", "--out", {"--labels": "dev.csv"})
    PosixPath('pred.csv')
    >>> check_output_path("dev.csv", "--out", {"--labels": "dev.csv"})
    Traceback (most recent call last):
    ...
    judges.errors.InputError: ...
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from judges.errors import InputError
from judges.temp_files import held_temporary, temporary_path
from judges.text_files import STANDARD_INPUT, user_path

__all__ = ["check_output_path", "write_atomically", "new_folders_removed_on_failure"]

#: Folders :func:`check_output_path` created (or began to create) in this process, outermost first (:func:`new_folders_removed_on_failure`)
_new_folders: list[Path] = []

PathLike = str | os.PathLike


def _same_file(a: Path, b: Path) -> bool:
    """The same file on disk (a link or another spelling included), or the same path if one does not exist yet."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return a.resolve() == b.resolve()


def check_output_path(path: PathLike, option: str, inputs: Mapping[str, PathLike | None]) -> Path:
    """``path``, once it is sure it can be written and is none of ``inputs`` (what -> path).

    Creates the missing parent folders, as the writers would have (a command run in :func:`new_folders_removed_on_failure`
    removes them again if it fails). ``~`` is the home folder, in ``path`` and ``inputs`` (:func:`judges.text_files.user_path`).
    """
    if os.fspath(path) == STANDARD_INPUT:  # 'fuse --out -': '-' reads standard input elsewhere, so a file named '-' is not meant
        raise InputError(f"{option} -: {option.rstrip(':')} writes a file, not standard output ('-' would be a file of that name); give the file's path")
    if os.fspath(path).endswith(("/", os.sep)) and not user_path(path).is_dir():  # 'results/' wrote a file named results
        raise InputError(f"{option} {os.fspath(path)} names a folder (it ends with /); give a file name, e.g. {user_path(path) / 'out'}")
    path = user_path(path)
    if path.is_dir():
        raise InputError(f"{option} {path} is a folder; give a file name, e.g. {path / 'out'}{path.suffix or ''}")
    for what, other in inputs.items():
        if other is not None and _same_file(path, user_path(other)):
            raise InputError(f"{option} {path} is the same file as {what}; writing it would destroy that: choose another file")
    if _is_stream(path):
        if not os.access(path, os.W_OK):
            raise InputError(f"{option} {path} is not writable; choose a writable path")
        return path
    parent = _target(path).parent
    # noted before they are made: a mkdir that fails part way (a name too long, a full disk) has made the outer ones
    _new_folders.extend(folder for folder in reversed([parent, *parent.parents]) if not folder.exists())
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        link = next((p for p in [parent, *parent.parents] if p.is_symlink() and not p.exists()), None)
        if link is not None:  # 'results -> /mnt/share/results' with the share not mounted: no file is in the way
            raise InputError(f"{option} {path}: {link} is a link to {os.readlink(link)}, which does not exist (a share not mounted?); "
                             "mount or create it, or choose another path") from None
        raise InputError(f"{option} {path}: {_file_in_the_way(parent)} is a file, not a folder; choose another path") from None
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot create its folder ({exc.strerror}); choose a writable path") from None
    if not os.access(parent, os.W_OK):
        raise InputError(f"{option} {path}: folder {parent} is not writable; choose a writable path")
    _check_not_read_only(path, option)
    _check_can_create(path, option)
    return path


@contextmanager
def new_folders_removed_on_failure() -> Iterator[Callable[[int], int]]:
    """Around a command's run: the folders :func:`check_output_path` creates for its outputs (before any work) are removed
    again, those still empty, when it fails (an error, Ctrl-C, or a non-zero status given to the function it yields, which
    returns it), so a refused run leaves no empty folder behind; a folder holding anything (a written output) is kept."""
    start, failed = len(_new_folders), False

    def status(code: int) -> int:
        nonlocal failed
        failed = code != 0
        return code

    try:
        yield status
    except BaseException:
        failed = True
        raise
    finally:
        if failed:
            for folder in reversed(_new_folders[start:]):  # the innermost first
                try:
                    folder.rmdir()
                except OSError:  # not empty (an output written there), or gone
                    pass
        del _new_folders[start:]


def _check_can_create(path: Path, option: str) -> None:
    """Create and remove the temporary file :func:`write_atomically` will write: a folder that refuses new files though
    its mode allows them (a read-only mount, ``/proc``, root on a network share) fails now, not after the work."""
    tmp = temporary_path(_target(path))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # left by a run of the same pid that was killed: write_atomically replaces it
        return
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot create a file in {tmp.parent} ({exc.strerror}); choose a writable path") from None
    os.close(fd)
    tmp.unlink(missing_ok=True)


def _check_not_read_only(path: Path, option: str) -> None:
    """A file its owner made read-only is kept, though the folder would let it be replaced (and root may write anything)."""
    try:
        mode = os.stat(_target(path)).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) and not mode & stat.S_IWUSR:
        raise InputError(
            f"{option} {path} is read-only (mode {stat.S_IMODE(mode):04o}); make it writable (chmod u+w {path}) or choose another file"
        )


def _file_in_the_way(folder: Path) -> Path:
    for p in [folder, *folder.parents]:
        if p.exists() and not p.is_dir():
            return p
    return folder


_FD_PATH = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/(self|thread-self|\d+)/fd/(\d+)")


def _own_fd(path: Path) -> int | None:
    """The descriptor of this process that ``path`` names (``/dev/stdout``, ``/dev/fd/3``, ``/proc/self/fd/1``), else ``None``."""
    match = _FD_PATH.fullmatch(os.path.abspath(path))
    if match is None or match[4] not in (None, "self", "thread-self", str(os.getpid())):
        return None
    stdout, stderr, fd, _, proc_fd = match.groups()
    fd = 1 if stdout else 2 if stderr else int(fd or proc_fd)
    try:
        os.fstat(fd)
    except OSError:  # not open here: an ordinary path, refused or written as such
        return None
    return fd


def _is_stream(path: Path) -> bool:
    """A named pipe, terminal or device (``/dev/stdout``, ``>(gzip > x.gz)``, ``/dev/null``): written into, never replaced.

    ``/dev/stdout`` redirected to a file (``>> log.txt``) is one too: replacing or truncating that file would drop what is already in it.
    """
    if _own_fd(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _target(path: Path) -> Path:
    """The file a link points to (replaced, the link kept), else ``path``."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; file systems that cannot sync a folder are left as they are."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(path: PathLike, write: Callable[[IO[str]], object], newline: str | None = None) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then move it into place: no half-written file.

    The temporary files of writes of ``path`` killed before their rename are removed (see :mod:`judges.temp_files`).

    A file replaced keeps its permissions; a link's file is replaced and the link kept; a pipe or device is written into as it is.
    A write that fails (a full disk, a share gone, a closed pipe) is a one-line :class:`InputError`; the old file stays.
    """
    path = user_path(path)
    try:
        return _write(path, write, newline)
    except OSError as exc:
        raise InputError(f"{path}: cannot write it ({exc.strerror or exc}); check its disk has room and you may write there, "
                         "or choose another path") from None


def _write(path: Path, write: Callable[[IO[str]], object], newline: str | None) -> Path:
    fd = _own_fd(path)
    if fd is not None:  # written through the descriptor itself: after what the command printed, at its offset
        sys.stdout.flush()
        sys.stderr.flush()
        with os.fdopen(os.dup(fd), "w", newline=newline, encoding="utf-8") as fh:
            write(fh)
        return path
    if _is_stream(path):
        with path.open("w", newline=newline, encoding="utf-8") as fh:
            write(fh)
        return path
    target = _target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # locked while written, so another process's sweep leaves it; removed if the write fails (Ctrl-C too), the old file,
    # if any, untouched; those of writes killed before their rename removed first
    with held_temporary(target) as tmp:
        with tmp.open("w", newline=newline, encoding="utf-8") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename: a power cut leaves the old file or the new one, never an empty one
        if target.exists():
            shutil.copymode(target, tmp)  # a private (0600) file stays private, a shared one shared
        tmp.replace(target)
    _sync_folder(target.parent)
    return path
