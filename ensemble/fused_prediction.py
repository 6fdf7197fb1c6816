"""One clip's fused answer: words, a confidence per word, and who voted for each."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["FusedPrediction"]


@dataclass
class FusedPrediction:
    """The co-judgment for one clip.

    ``name`` is the clip's; ``words`` are emotion words, best first; ``confidence[word]`` is the estimated
    probability that the word's emotion classes are in the clip; ``support[word]``
    lists the judges that said a word of the same meaning; ``judges_answered`` the judges
    that gave the clip a verdict (words or none). ``error`` is set when no
    judge answered: such a clip is reported, never guessed.
    """

    name: str
    words: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)
    support: dict[str, list[str]] = field(default_factory=dict)
    judges_answered: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether some judge answered the clip (``error`` is None); the answer may still hold no words."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """Every field, copied (what ``--format json`` prints, with the verdicts)."""
        return asdict(self)
