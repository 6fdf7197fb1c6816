"""The judge interface: anything that turns clips into emotion-word verdicts."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from judges.clip import Clip
from judges.verdict import Verdict

__all__ = ["Judge", "MODALITIES"]

MODALITIES = frozenset({"video", "audio", "text"})


class Judge(ABC):
    """A judge says which emotions it sees in each clip.

    Subclasses set ``name`` and ``modalities`` and implement :meth:`judge_batch`.
    ``cache_identity`` names everything that changes a judge's answer (model
    revision, prompt version, media sampling), so cached verdicts are reused
    only when they would be the same. A new judge type is one file: such a
    subclass, registered by name with :func:`judges.registry.register_judge`.

    >>> from judges.base import Judge
    >>> from judges.clip import Clip
    >>> from judges.verdict import Verdict
    >>> class AlwaysHappy(Judge):
    ...     name = "always-happy"
    ...     def judge_batch(self, clips):
    ...         return [Verdict(self.name, clip.name, words=["happy"]) for clip in clips]
    >>> AlwaysHappy().judge(Clip("clip1")).words
    ['happy']
    """

    name: str = "judge"
    modalities: frozenset[str] = frozenset()  # set on the class; a judge built of others (two-stage) sets its own
    #: Prefer threads (I/O-bound, e.g. HTTP) or its own process (a GPU model).
    concurrency: str = "thread"
    #: The settings :meth:`cache_identity` names (the runner warns of a subclass keeping it that has others).
    _identity_names: frozenset[str] = frozenset({"name"})

    @abstractmethod
    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        """One verdict per clip, in order; a failed clip gives a verdict with ``error`` set."""

    def judge(self, clip: Clip) -> Verdict:
        """The verdict on one clip: :meth:`judge_batch` of a batch of one."""
        return self.judge_batch([clip])[0]

    def cache_identity(self) -> dict[str, Any]:
        """What, besides the clip, determines this judge's verdict."""
        return {"name": self.name, "class": type(self).__name__}

    def close(self) -> None:
        """Release models, servers or files; the default holds nothing."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
