"""The one exception type for user mistakes: bad files, bad names, bad options."""
from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A problem with what the user gave us (a file, a name, an option).

    The message is one line that names the thing and the fix; the command-line
    interface prints it without a traceback.
    """
