"""Weighted voting: each judge's vote counts by its reliability learned on dev."""
from __future__ import annotations

import numpy as np

from ensemble.vote_table import VoteTable
from ensemble.voter_base import ClassVoter, Rule

__all__ = ["WeightedVoter"]


class WeightedVoter(ClassVoter):
    """Weighted majority: judge j's vote weighs ``w_j = F1_j ** power``.

    ``F1_j`` is how well judge j's class votes match the ground truth on the fitting
    clips (micro F1 over samples and classes, ``smoothing`` pseudo-counts), learned by
    ``fit``; ``power`` sharpens the gap between good and poor judges. The class score is
    the weighted vote share among answering judges (``weights_`` fitted). It learns from labels:
    ``fit`` without ``Y`` is a one-line error (equal weights are :class:`MajorityVoter`).

    >>> from ensemble import WeightedVoter
    >>> from ensemble.class_space import ClassSpace
    >>> from ensemble.vote_table import VoteTable
    >>> space, names = ClassSpace(), ["s1", "s2", "s3"]
    >>> outputs = {"a": {"s1": ["happy"], "s2": ["sad", "angry"], "s3": ["happy"]},
    ...            "b": {"s1": ["happy", "worried"], "s2": ["sad"], "s3": ["sad"]}}
    >>> table = VoteTable.build(outputs, names, space)
    >>> Y = space.targets({"s1": ["happy"], "s2": ["sad"], "s3": ["happy"]}, names)
    >>> voter = WeightedVoter(threshold=0.5).fit(table, Y)
    >>> [round(float(w), 2) for w in voter.weights_]           # judge a was right more often
    [0.7, 0.32]
    >>> voter.predict(table)
    [['happy'], ['sad', 'angry'], ['happy']]
    """

    _state_attrs = ("weights_",)
    needs_labels = True
    param_rules = {**ClassVoter.param_rules, "power": Rule("number", 0), "smoothing": Rule("number", 0)}

    def __init__(self, threshold: float = 0.4, power: float = 2.0, smoothing: float = 1.0, decision: str = "threshold", lam: float = 0.5, max_words: int | None = None) -> None:
        self.threshold = threshold
        self.power = power
        self.smoothing = smoothing
        self.decision = decision
        self.lam = lam
        self.max_words = max_words

    def _fit(self, table: VoteTable, Y: np.ndarray | None) -> None:
        assert Y is not None  # fit refuses a call without labels (needs_labels)
        answered = table.answered[:, :, None]
        hits = np.einsum("njk,nk->j", table.votes, Y)
        said = table.votes.sum(axis=(0, 2))
        true = np.einsum("njk,nk->j", np.broadcast_to(answered, table.votes.shape).astype(np.float64), Y)
        total = said + true + 2 * self.smoothing
        # without smoothing, a judge that never answered (or never said nor missed a class) has no F1: weight 0, not NaN
        f1 = np.divide(2 * hits + self.smoothing, total, out=np.zeros(len(total)), where=total > 0)
        self.weights_ = f1**self.power

    def predict_proba(self, table: VoteTable) -> np.ndarray:
        self._check_table(table)
        w = self.weights_[None, :] * table.answered
        return np.einsum("njk,nj->nk", table.votes, w) / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
