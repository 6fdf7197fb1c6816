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

    >>> from ensemble import MajorityVoter
    >>> from ensemble.class_space import ClassSpace
    >>> from ensemble.vote_table import VoteTable
    >>> outputs = {"a": {"s1": ["happy"], "s2": ["sad", "angry"]},
    ...            "b": {"s1": ["happy", "worried"], "s2": ["sad"]}}
    >>> table = VoteTable.build(outputs, ["s1", "s2"], ClassSpace())
    >>> MajorityVoter(threshold=1.0).fit(table).predict(table)    # 2 of 2
    [['happy'], ['sad']]
    >>> MajorityVoter(threshold=0.5).fit(table).predict(table)    # 1 of 2
    [['happy', 'worried'], ['sad', 'angry']]
    """

    def __init__(self, threshold: float = 0.5, decision: str = "threshold", lam: float = 0.5, max_words: int | None = None) -> None:
        self.threshold = threshold
        self.decision = decision
        self.lam = lam
        self.max_words = max_words

    def predict_proba(self, table: VoteTable) -> np.ndarray:
        self._check_table(table)
        return table.vote_share()
