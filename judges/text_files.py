"""Reading the small text files users write by hand: split lists and judge configs."""
from __future__ import annotations

from pathlib import Path

from judges.errors import InputError

__all__ = ["read_text_file", "check_input_file"]


def read_text_file(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path``, else a one-line error naming the file, what it should be, and the fix.

    >>> read_text_file("no-such-split.txt", "split file")
    Traceback (most recent call last):
    ...
    judges.errors.InputError: no-such-split.txt: no such split file
    """
    path = check_input_file(path, what)
    try:
        return path.read_text(encoding="utf-8-sig")  # a byte order mark (Notepad) is no part of the text
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the {what} as UTF-8") from None


def check_input_file(path: str | Path, what: str, fix: str = "") -> Path:
    """``path``, once it is sure it names something to read: a file, or a pipe (``<(...)`` in a shell).

    A missing path is ``no such <what>`` (then ``fix``); a folder is named a folder, not said to be missing.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a {what}; give the file's path")
    if not path.exists():
        raise InputError(f"{path}: no such {what}{fix}")
    return path
