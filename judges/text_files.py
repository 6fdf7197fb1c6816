"""The paths users give and the small text files they write by hand (split lists, judge configs).

A path a user gives, to the Python API or on the command line, is taken as a shell takes it: a leading ``~`` is
their home folder (:func:`user_path`), whether the shell expanded it (``--out ~/cal.json``) or not (a quoted
``"~/x.py:Cls"``, ``--out=~/cal.json``, ``CoJudge.load("~/cal.json")``).
"""
from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

from judges.errors import InputError

__all__ = ["read_text_file", "decoded_text", "listed_lines", "standard_input_bytes", "STANDARD_INPUT",
           "nul_separated", "check_input_file", "path_text", "user_path", "check_no_zero_bytes",
           "ZIP_START", "check_not_lfs_pointer", "LFS_POINTER_MAX_BYTES", "not_utf8", "file_head"]

#: How a zip archive (a .npz, an Excel .xlsx) starts: the readers of text files refuse it by these bytes.
ZIP_START = b"PK\x03\x04"


#: How a Git LFS pointer starts: a clone made without git-lfs holds these small texts in place of its data files
#: (outputs, wheels, videos), which were then read as a damaged npz, a CSV lacking its columns, undecodable video.
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
#: git-lfs's spec: a pointer file is under 1024 bytes; a smaller file can be one, a larger one cannot
LFS_POINTER_MAX_BYTES = 1024


def check_not_lfs_pointer(path: str | os.PathLike[str], head: bytes | None = None) -> None:
    """A one-line :class:`InputError` when the file at ``path`` is a Git LFS pointer; ``head``, its first bytes, is read here
    when not given, from a regular file only (a pipe's bytes are its reader's; a file that cannot be read, its reader's error)."""
    if head is None:
        head = file_head(path, len(_LFS_POINTER))
    if head.startswith(_LFS_POINTER):
        raise InputError(f"{path}: a Git LFS pointer, not the file itself (cloned without git-lfs?); "
                         "fetch the file (git lfs pull) and run again")


def file_head(path: str | os.PathLike[str], size: int) -> bytes:
    """The first ``size`` bytes of the regular file at ``path``, to tell what it is; ``b""`` for a pipe (its bytes are its
    reader's), a folder or a file that cannot be read (its reader gives that error)."""
    try:
        if not os.path.isfile(path):
            return b""
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def not_utf8(head: bytes) -> str:
    """How an error that a file is not UTF-8 text says so: ``not UTF-8 text``, and what it is when its first bytes,
    ``head``, are UTF-16's byte-order mark (Windows PowerShell's ``>`` writes it; the file looks right in an editor)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "not UTF-8 text but UTF-16 (its byte-order mark says so: Windows PowerShell's > writes it)"
    return "not UTF-8 text"


def user_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with a leading ``~`` (``~user``) expanded to the home folder, as :meth:`pathlib.Path.expanduser` does;
    an unknown ``~user`` is a one-line error, not written to or read from a folder named ``~user``."""
    try:
        return Path(path).expanduser()
    except RuntimeError:  # "Could not determine home directory"
        raise InputError(f"{path}: {Path(path).parts[0]} is no user's home folder here; write the path in full") from None


def path_text(path: str | os.PathLike[str]) -> str:
    """``path`` as text UTF-8 takes (and so SQLite, JSON, a CSV file): a file name whose bytes are not UTF-8 (a zip
    made on Windows, a GBK name), which Python holds as lone surrogates, has those bytes written as ``\\xNN`` escapes.

    >>> path_text(os.fsdecode(b"\\xe9motion.mp4"))
    '\\\\xe9motion.mp4'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_text_file(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path``, else a one-line error naming the file, what it should be, and the fix.

    >>> read_text_file("no-such-split.txt", "split file")
    Traceback (most recent call last):
    ...
    judges.errors.InputError: no-such-split.txt: no such split file
    """
    path = check_input_file(path, what)
    return decoded_text(path.read_bytes(), path, what)  # read once: it may be a pipe


def decoded_text(data: bytes, path: str | os.PathLike[str], what: str, file_names: bool = False) -> str:
    """``data``, the bytes of a ``what`` read from ``path`` (a file, a pipe, standard input: what names it), as UTF-8 text,
    else a one-line error naming it, what it is instead (a Git LFS pointer, a zip archive, UTF-16) and the fix.

    With ``file_names`` (a list of paths, as ``find`` writes it) bytes that are not UTF-8 are kept as Python keeps them in a
    file name given as an argument (:func:`os.fsdecode`): a file whose name is not UTF-8 (a zip made on Windows) is listed so;
    and a NUL-separated list (:func:`nul_separated`: ``find -print0``) keeps its NULs, for :func:`listed_lines` to split at."""
    check_not_lfs_pointer(path, data)
    separators = file_names and nul_separated(data)
    if data.startswith(ZIP_START):  # 'not UTF-8 text; save it as UTF-8' sent the user to re-save a judge's .npz given as --names
        raise InputError(f"{path}: a zip archive (a .npz, an Excel .xlsx?), not a {what}; give the {what}'s path")
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Notepad) is no part of the text
    except UnicodeDecodeError:
        if not file_names or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # UTF-16 is no list of file names
            raise InputError(f"{path}: {not_utf8(data)}; save the {what} as UTF-8") from None
        text = os.fsdecode(data.removeprefix(codecs.BOM_UTF8))
        if "\x00" in text and not separators:  # a video given as the list (or UTF-16 of names that are not ASCII)
            raise InputError(f"{path}: binary data (a video?) or UTF-16 without its byte-order mark, not a {what}: it holds zero "
                             "bytes, which no file name does; give a UTF-8 text file of paths, one per line (find video -name '*.mp4' > videos.txt)")
    if not separators:
        check_no_zero_bytes(path, text, what)
    return text


def nul_separated(data: bytes) -> bool:
    """Whether ``data``, a list of file names, is NUL-separated, as ``find -print0`` and ``git ls-files -z`` write one (its
    names may hold a newline): it ends with a zero byte (each name's end; or, UTF-8 text holding one, lacks only the last,
    as ``xargs -0`` reads ``printf 'a.mp4\\0b.mp4'`` or Python's ``"\\0".join(paths)``, though not a line end, as a damaged
    text file's stray zero byte would), holds none two in a row nor one first (no name is empty: a video's bytes, UTF-16 in
    big-endian order), and most entries are longer than one byte (UTF-16 without its byte-order mark has a zero byte after
    each ASCII character: ``.mp4`` and each line end are entries of one)."""
    if not data.endswith(b"\x00") and (b"\x00" not in data or data.endswith((b"\n", b"\r")) or not _utf8(data)):
        return False
    if data.startswith(b"\x00") or b"\x00\x00" in data:
        return False
    entries = data.removesuffix(b"\x00").split(b"\x00")
    return 2 * sum(len(entry) == 1 for entry in entries) < len(entries)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: The file name that reads standard input, as Unix tools take it (``find video -name '*.mp4' | cojudge predict --videos-from -``).
STANDARD_INPUT = "-"


def standard_input_bytes(where: str, what: str, example: str) -> bytes:
    """The bytes piped to standard input, for an option given ``-`` (``where`` names it: ``--videos-from -``), else a one-line
    error: on a terminal, reading would wait for typing; closed (``<&-``, a service started without one), Python has none;
    ``what``: what the input is, ``example``: a command that pipes it in."""
    state = "closed" if sys.stdin is None else "a terminal" if sys.stdin.isatty() else None
    if state is not None:
        raise InputError(f"{where}: standard input is {state}, not a {what}; pipe the {what} in ({example}) or give the "
                         "file's path")
    return sys.stdin.buffer.read()


def listed_lines(text: str) -> list[tuple[int, str]]:
    """The entries of a file of one entry a line (a split's names, a list of videos): each with its line number, spaces
    around it and a byte order mark inside (files joined by ``cat``, one saved by Notepad) stripped, blank lines and
    ``#`` comments skipped; Windows line ends are line ends. A text holding NULs (a NUL-separated list of paths that
    :func:`decoded_text` kept) has an entry between each two, numbered, as written: a name may hold spaces, newlines, ``#``.

    >>> listed_lines("# dev clips\\r\\nsample_1\\r\\n\\r\\n  sample_2 \\r\\n")
    [(2, 'sample_1'), (4, 'sample_2')]
    >>> listed_lines("clips/a b.mp4\\x00clips/new\\nline.mp4\\x00")
    [(1, 'clips/a b.mp4'), (2, 'clips/new\\nline.mp4')]
    """
    if "\x00" in text:
        return [(number, entry) for number, entry in enumerate(text.split("\x00"), start=1) if entry.strip()]
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            entries.append((number, line))
    return entries


def check_no_zero_bytes(path: str | os.PathLike[str], text: str, what: str, first_line: int = 1) -> None:
    """A one-line :class:`InputError` naming the line of ``text``'s first zero byte (``text`` read from ``path`` as UTF-8,
    starting at line ``first_line``), if it holds one: no text file holds them (UTF-16 without its byte-order mark, or a
    damaged file), and a name read with them ('n\\x00a\\x00m\\x00e') was shown as 'n a m e', or not at all, on a terminal."""
    at = text.find("\x00")
    if at >= 0:
        line = first_line + text.count("\n", 0, at)
        raise InputError(f"{path}:{line}: not UTF-8 text (it holds zero bytes: UTF-16 without its byte-order mark, or a damaged "
                         f"file?); save the {what} as UTF-8")


def check_input_file(path: str | Path, what: str, fix: str = "") -> Path:
    """``path``, once it is sure it names something to read: a file, or a pipe (``<(...)`` in a shell).

    A missing path is ``no such <what>`` (then ``fix``); a folder is named a folder, not said to be missing.
    ``~`` is the home folder (:func:`user_path`).
    """
    path = user_path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a {what}; give the file's path")
    if not path.exists() and str(path) == STANDARD_INPUT:  # 'evaluate --labels -', after --names - read standard input
        raise InputError(f"-: no such {what}; standard input is read by --names - and --videos-from - only: give the {what}'s path")
    if not path.exists():
        raise InputError(f"{path}: no such {what}{fix}")
    return path
