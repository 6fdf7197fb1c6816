"""Reading the small text files users write by hand: split lists and judge configs."""
from __future__ import annotations

from pathlib import Path

from judges.errors import InputError

__all__ = ["read_text_file"]


def read_text_file(path: str | Path, what: str) -> str:
    """The UTF-8 text of ``path``, else a one-line error naming the file, what it should be, and the fix.

    >>> read_text_file("no-such-split.txt", "split file")
    Traceback (most recent call last):
    ...
    judges.errors.InputError: no-such-split.txt: no such split file
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such {what}")
    try:
        return path.read_text(encoding="utf-8-sig")  # a byte order mark (Notepad) is no part of the text
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the {what} as UTF-8") from None
