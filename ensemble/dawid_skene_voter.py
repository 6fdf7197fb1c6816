"""Dawid-Skene-style reliability: each judge's hit and false-alarm rate per emotion class."""
from __future__ import annotations

import numpy as np

from ensemble.vote_table import VoteTable
from ensemble.voter_base import ClassVoter, Rule

__all__ = ["DawidSkeneVoter"]

#: How far from 0 and 1 :meth:`DawidSkeneVoter.predict_proba` keeps a rate or prior before taking its log: a
#: ``smoothing`` too small to move a judge's perfect hit rate off 1 in floating point (1e-17 on a few clips) gave
#: log(0) and NaN probabilities; at the default settings every rate is at least 1 / (clips + 12), far inside
_RATE_MARGIN = 1e-15

#: Clips whose log-odds :meth:`DawidSkeneVoter.predict_proba` sums at once: its clips x judges x classes float64
#: temporaries took 370 MB at 10,000 clips x 37 judges, and grew with the clips; a block keeps them a few megabytes
BLOCK_CLIPS = 512


class DawidSkeneVoter(ClassVoter):
    """Per judge and class: P(vote | class present) and P(vote | class absent); Bayes combines them.

    Each class is a binary "present?" question answered by every judge (Dawid and Skene's
    confusion model with two states). Rates are estimated from labels when ``fit`` gets
    ``Y``, or by expectation-maximisation from the votes alone when it does not (the
    classic, unsupervised algorithm, started from the vote share, ``em_iterations`` (20) rounds). Per-class rates are
    shrunk towards the judge's rates over all classes with weight ``pooling`` (few clips
    per class), and ``smoothing`` pseudo-counts keep them off 0 and 1.
    Fitted: ``sensitivity_``, ``false_alarm_`` (judges x classes), ``prior_`` (classes).

    >>> from ensemble import DawidSkeneVoter
    >>> from ensemble.class_space import ClassSpace
    >>> from ensemble.vote_table import VoteTable
    >>> space, names = ClassSpace(), ["s1", "s2", "s3"]
    >>> outputs = {"a": {"s1": ["happy"], "s2": ["sad", "angry"], "s3": ["happy"]},
    ...            "b": {"s1": ["happy", "worried"], "s2": ["sad"], "s3": ["sad"]}}
    >>> table = VoteTable.build(outputs, names, space)
    >>> Y = space.targets({"s1": ["happy"], "s2": ["sad"], "s3": ["happy"]}, names)
    >>> voter = DawidSkeneVoter().fit(table, Y)
    >>> voter.predict_proba(table).shape                         # samples x (wheel, class) pairs
    (3, 31)
    >>> voter.predict(table)
    [['happy'], ['sad'], ['happy']]
    """

    _state_attrs = ("sensitivity_", "false_alarm_", "prior_")
    param_rules = {**ClassVoter.param_rules, "smoothing": Rule("number", 0, above=True), "pooling": Rule("number", 0), "em_iterations": Rule("whole", 1)}

    def __init__(
        self,
        threshold: float = 0.5,
        smoothing: float = 1.0,
        pooling: float = 10.0,
        em_iterations: int = 20,
        decision: str = "threshold",
        lam: float = 0.5,
        max_words: int | None = None,
    ) -> None:
        self.threshold = threshold
        self.smoothing = smoothing
        self.pooling = pooling
        self.em_iterations = em_iterations
        self.decision = decision
        self.lam = lam
        self.max_words = max_words

    def _fit(self, table: VoteTable, Y: np.ndarray | None) -> None:
        if Y is not None:
            self._m_step(table, Y)
            return
        T = table.vote_share()
        for _ in range(max(1, self.em_iterations)):
            self._m_step(table, T)
            T = self.predict_proba(table)

    def _m_step(self, table: VoteTable, T: np.ndarray) -> None:
        V = table.votes
        A = table.answered[:, :, None].astype(np.float64)
        s, a = self.smoothing, self.pooling
        pos = np.einsum("nk,njk->jk", T, A)
        neg = np.einsum("nk,njk->jk", 1 - T, A)
        hit = np.einsum("nk,njk->jk", T, V * A)
        fa = np.einsum("nk,njk->jk", 1 - T, V * A)
        sens_pool = (hit.sum(1, keepdims=True) + s) / (pos.sum(1, keepdims=True) + 2 * s)
        fa_pool = (fa.sum(1, keepdims=True) + s) / (neg.sum(1, keepdims=True) + 2 * s)
        self.sensitivity_ = (hit + a * sens_pool + s) / (pos + a + 2 * s)
        self.false_alarm_ = (fa + a * fa_pool + s) / (neg + a + 2 * s)
        self.prior_ = (T.sum(0) + s) / (len(T) + 2 * s)

    def predict_proba(self, table: VoteTable) -> np.ndarray:
        """Per clip and class, the posterior that the class is present; :data:`BLOCK_CLIPS` clips at a time (each clip's
        arithmetic its own, so the same numbers as all at once, in memory that does not grow with the clips)."""
        self._check_table(table)
        sens, fa, prior = (np.clip(x, _RATE_MARGIN, 1 - _RATE_MARGIN) for x in (self.sensitivity_, self.false_alarm_, self.prior_))
        logit = np.empty((len(table.names), len(prior)))
        for start in range(0, len(logit), BLOCK_CLIPS):
            stop = start + BLOCK_CLIPS
            logit[start:stop] = _logit(table.votes[start:stop], table.answered[start:stop], sens, fa, prior)
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))


def _logit(V: np.ndarray, answered: np.ndarray, sens: np.ndarray, fa: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """The log-odds of clips with votes ``V`` (clips x judges x classes) and ``answered`` flags (clips x judges), given
    the judges' hit rates ``sens`` and false-alarm rates ``fa`` (judges x classes) and the classes' ``prior``."""
    A = answered[:, :, None]
    yes = np.log(sens)[None] * V + np.log1p(-sens)[None] * (1 - V)
    no = np.log(fa)[None] * V + np.log1p(-fa)[None] * (1 - V)
    return np.log(prior) - np.log1p(-prior) + ((yes - no) * A).sum(axis=1)
