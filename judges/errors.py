"""The one exception type for user mistakes: bad files, bad names, bad options; :func:`snippet`, how an error quotes text,
:func:`one_line`, how it names a path holding a line end,
:func:`listed`, how a message names the items of a collection (judges, clips, files) however many there are,
:func:`close_names`, the names a "did you mean" offers, and :func:`raised_text`, how an error quotes an exception."""
from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["InputError", "snippet", "one_line", "listed", "LISTED", "close_names", "raised_text"]

#: How many items a message names before "and N more".
LISTED = 5


class InputError(ValueError):
    """A problem with what the user gave us (a file, a name, an option).

    The message is one line that names the thing and the fix; the command-line
    interface prints it without a traceback.
    """


def snippet(text: str, limit: int) -> str:
    """``text`` on one line (its white space runs as one space), cut to at most ``limit`` characters with "...": how a
    one-line error quotes a model's answer or a server's reply, however long or many-lined."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def one_line(text: str) -> str:
    """``text`` with its line ends shown as ``\\n`` and ``\\r``: how an error names a path that holds one (a name read from
    a NUL-separated list), so that the error stays one line and still names the path exactly."""
    return text.replace("\n", "\\n").replace("\r", "\\r")


def listed(items: Iterable[object], limit: int = LISTED) -> str:
    """``items`` joined by ", ", the first ``limit`` of them then "and N more": how an error or a warning names judges, clips
    or files, so that 37 judges (or 2000 clips) keep it one readable line ("a, b, c, d, e and 32 more")."""
    texts = [str(item) for item in items]
    if len(texts) <= limit:
        return ", ".join(texts)
    return f"{', '.join(texts[:limit])} and {len(texts) - limit} more"


def close_names(names: Iterable[str], known: Iterable[str], cutoff: float) -> dict[str, str]:
    """Each of ``names`` that is close to one of ``known`` (difflib's ratio, at least ``cutoff``, case aside), with the
    closest, in the order given: a judge's name misspelt or written in another case ("ChatUniVi" for "chatunivi"), which
    an error's "did you mean" names."""
    folded = {name.casefold(): name for name in known}
    close = {name: difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=cutoff) for name in names}
    return {name: folded[match[0]] for name, match in close.items() if match}


def raised_text(exc: BaseException) -> str:
    """What code of one's own raised, on one line, as an error quotes it: its type and message (``AttributeError: ...``),
    the type alone when the message is empty (a bare ``MemoryError()`` says nothing)."""
    said = " ".join(str(exc).split())
    return f"{type(exc).__name__}{': ' + said if said else ''}"
