"""What a judge says about one clip."""
from __future__ import annotations

import errno
import json
from dataclasses import dataclass, field, fields
from typing import Any

from judges.errors import InputError

__all__ = ["Verdict", "out_of_memory"]

#: What ends the error of a verdict failed for want of memory (:func:`out_of_memory`): why it is not cached.
_OUT_OF_MEMORY_NOTE = " (out of memory: free memory and rerun; not cached, the next run asks again)"


@dataclass
class Verdict:
    """One judge's opinion on one clip.

    ``words`` are open-vocabulary emotion words ("relieved", "teasing");
    ``raw`` is the model's text as it came; ``scores`` optionally gives a
    confidence per word; ``description`` holds a free-text clue description
    (stage one of a two-stage judge). ``error`` is set, and ``words`` empty,
    when the clip failed: a failure is a verdict, never an exception, so the
    other judges' work stands. ``transient`` marks a failure that may not
    happen again (a server down or overloaded, a timeout): it is not cached,
    so the next run asks again. ``reading`` says how ``raw`` was read (the
    answer parser's version and what it was told: mode, token limit, whether
    the answer was cut off), for a verdict read from a model's answer
    (:func:`judges.answer_parsing.verdict_from_answer`; a two-stage verdict's
    also holds its describer's answer, ``"described"``), else None: a cached
    verdict read by an older parser is read again from ``raw``
    (:func:`judges.answers_read_again.read_again`), not asked again.
    """

    judge: str
    clip: str
    words: list[str] = field(default_factory=list)
    raw: str = ""
    scores: dict[str, float] | None = None
    description: str | None = None
    seconds: float = 0.0
    error: str | None = None
    transient: bool = False
    reading: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """Whether the judge answered (``error`` is None); an answer may still hold no words."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """Every field, the words and scores copied (what the cache stores as JSON); ``asdict``'s recursive copy
        was most of the runner's own time per verdict."""
        out = {name: getattr(self, name) for name in _FIELDS}
        out["words"] = list(self.words) if isinstance(self.words, (list, tuple)) else self.words
        out["scores"] = dict(self.scores) if isinstance(self.scores, dict) else self.scores
        out["reading"] = dict(self.reading) if isinstance(self.reading, dict) else self.reading
        return out

    def to_json(self) -> str:
        """Every field as JSON, text as it is (not \\u-escaped): what the verdict cache stores, byte for byte."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Verdict":
        """The verdict :meth:`to_dict` gave (as the cache stores it); keys that are no field are ignored."""
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    @classmethod
    def failed(cls, judge: str, clip: str, error: str, seconds: float = 0.0, raw: str = "", transient: bool = False) -> "Verdict":
        """A failure record; half an emoji (a lone surrogate, as an exception or a server's message may quote one) is
        kept as its escape, ``\\ud83d``, so that the record can be stored and the run goes on."""
        return cls(judge=judge, clip=clip, words=[], raw=_storable(raw), seconds=seconds, error=_storable(error), transient=transient)

    @classmethod
    def from_exception(cls, judge: str, clip: str, exc: BaseException, seconds: float = 0.0, message: str | None = None) -> "Verdict":
        """A failed verdict for an exception: a user mistake keeps its one-line message, anything else names its type
        (``message`` words it otherwise: the runner names the judge that raised); out of memory is not cached."""
        if message is None:
            message = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
        if out_of_memory(exc):  # the machine's state, not the clip's: asked again, it may fit
            return cls.failed(judge, clip, message + _OUT_OF_MEMORY_NOTE, seconds=seconds, transient=True)
        return cls.failed(judge, clip, message, seconds=seconds)


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is a want of memory: ``torch.OutOfMemoryError`` (CUDA's), a ``MemoryError``, an ``OSError`` with
    errno ENOMEM, or an error saying "out of memory" (older torch's CUDA error, Apple's "MPS backend out of memory") or
    "can't allocate memory" (torch's CPU allocator: a ``RuntimeError`` ending "Error code 12 (Cannot allocate memory)").
    The device's other work or the batch made it fail, not the clip: such a failure is not cached."""
    if type(exc).__name__ == "OutOfMemoryError" or isinstance(exc, MemoryError):
        return True
    if isinstance(exc, OSError) and exc.errno == errno.ENOMEM:
        return True
    said = str(exc).lower()
    return "out of memory" in said or "can't allocate memory" in said


_FIELDS = tuple(f.name for f in fields(Verdict))


def _storable(text: str) -> str:
    """``text`` with any lone surrogate written as its backslash escape: UTF-8 (and so SQLite) refuses it as it is."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if isinstance(text, str) else text
