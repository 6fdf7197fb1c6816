"""A stacked classifier over vote features: a calibrated probability per emotion class."""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from ensemble.batched_logistic import fit_logistic_batch
from ensemble.vote_table import VoteTable
from ensemble.voter_base import ClassVoter

__all__ = ["StackedVoter"]


class StackedVoter(ClassVoter):
    """One L2-regularised logistic regression per emotion class (scikit-learn's objective), on the judges' votes.

    Features for class k: each judge's vote for k, plus the panel's vote share on every
    class (so confusions between classes are learned, e.g. a panel saying "worried" often
    means "anxious"). Words are then chosen to maximise the expected EW score
    (``decision="expected_f"``, precision weight ``lam``). This is what beats the best single
    judge in cross-validation where plain voting does not (see README, "Co-judgment").
    Fitted: ``coef_`` (classes x features), ``intercept_``, ``constant_`` (classes seen with
    one outcome only get that outcome's rate).

    >>> voter = StackedVoter(C=0.1, lam=0.5).fit(table, Y)          # doctest: +SKIP
    >>> voter.predict(table)[0]                                      # doctest: +SKIP
    ['worried', 'sad']
    """

    _state_attrs = ("coef_", "intercept_", "constant_")

    def __init__(
        self,
        C: float = 0.1,
        lam: float = 0.5,
        share_features: bool = True,
        decision: str = "expected_f",
        threshold: float = 0.5,
        max_words: int | None = None,
    ) -> None:
        self.C = C
        self.lam = lam
        self.share_features = share_features
        self.decision = decision
        self.threshold = threshold
        self.max_words = max_words

    def _features(self, table: VoteTable, k: int, share: np.ndarray) -> np.ndarray:
        own = table.votes[:, :, k]
        return np.hstack([own, share]) if self.share_features else own

    def _fit(self, table: VoteTable, Y: np.ndarray | None) -> None:
        if Y is None:
            raise ValueError("StackedVoter learns from labels: call fit(table, Y)")
        share = table.vote_share()
        n_features = len(table.judges) + (share.shape[1] if self.share_features else 0)
        self.coef_ = np.zeros((self.n_classes_, n_features))
        self.intercept_ = np.zeros(self.n_classes_)
        self.constant_ = np.full(self.n_classes_, np.nan)
        varied = [k for k in range(self.n_classes_) if Y[:, k].min() != Y[:, k].max()]
        for k in set(range(self.n_classes_)) - set(varied):
            self.constant_[k] = (Y[:, k].sum() + 0.5) / (len(Y) + 1.0)
        if varied:
            X = np.stack([self._features(table, k, share) for k in varied])
            # tiny problems: BLAS threads only add contention
            with threadpool_limits(1):
                coef, intercept = fit_logistic_batch(X, Y[:, varied], self.C)
            self.coef_[varied] = coef
            self.intercept_[varied] = intercept

    def predict_proba(self, table: VoteTable) -> np.ndarray:
        self._check_table(table)
        share = table.vote_share()
        out = np.empty((len(table.names), self.n_classes_))
        for k in range(self.n_classes_):
            if not np.isnan(self.constant_[k]):
                out[:, k] = self.constant_[k]
                continue
            z = self._features(table, k, share) @ self.coef_[k] + self.intercept_[k]
            out[:, k] = 1.0 / (1.0 + np.exp(-z))
        return out
