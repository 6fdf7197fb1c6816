"""The one exception type for user mistakes: bad files, bad names, bad options; and :func:`snippet`, how an error quotes text."""
from __future__ import annotations

__all__ = ["InputError", "snippet"]


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
