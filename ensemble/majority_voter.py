"""k-of-n majority voting over emotion classes."""
from __future__ import annotations

import numpy as np

from ensemble.vote_table import VoteTable
from ensemble.voter_base import ClassVoter

__all__ = ["MajorityVoter"]


class MajorityVoter(ClassVoter):
    """A word is kept when at least ``threshold`` of the answering judges voted for its classes.

    With n judges, ``threshold = k / n`` is k-of-n voting. The class "probability" is the
    vote share; nothing is learned.

    >>> voter = MajorityVoter(threshold=0.5).fit(table)        # doctest: +SKIP
    >>> voter.predict(table)[0]                                 # doctest: +SKIP
    ['happy']
    """

    def __init__(self, threshold: float = 0.5, decision: str = "threshold", lam: float = 0.5, max_words: int | None = None) -> None:
        self.threshold = threshold
        self.decision = decision
        self.lam = lam
        self.max_words = max_words

    def predict_proba(self, table: VoteTable) -> np.ndarray:
        self._check_table(table)
        return table.vote_share()
