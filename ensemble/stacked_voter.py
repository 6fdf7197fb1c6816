"""A stacked classifier over vote features: a calibrated probability per emotion class."""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from ensemble.batched_logistic import fit_logistic_batch
from ensemble.dawid_skene_voter import DawidSkeneVoter
from ensemble.vote_table import VoteTable
from ensemble.voter_base import ClassVoter, Rule
from judges.errors import InputError

__all__ = ["StackedVoter"]


class StackedVoter(ClassVoter):
    """One L2-regularised logistic regression per emotion class (scikit-learn's objective), on the judges' votes.

    ``C`` (0.1) is scikit-learn's inverse regularisation strength (smaller: weights shrunk harder).
    Features for class k: each judge's vote for k, plus (``share_features``, on by default) the panel's vote share on every
    class (so confusions between classes are learned, e.g. a panel saying "worried" often
    means "anxious"), plus (``reliability_feature``) the log-odds of a Dawid-Skene model of
    the same votes, scaled by ``reliability_scale``: per judge and class hit and false-alarm
    rates pooled over classes, a prior the per-class regressions alone estimate poorly. Words are then chosen to maximise the expected EW score
    (``decision="expected_f"``, precision weight ``lam``). This is what beats the best single
    judge in cross-validation where plain voting does not (see docs/results.md).
    Fitted: ``coef_`` (classes x features), ``intercept_``, ``constant_`` (classes seen with
    one outcome only get that outcome's rate), ``reliability_`` (the Dawid-Skene state).

    >>> from ensemble import StackedVoter
    >>> from ensemble.class_space import ClassSpace
    >>> from ensemble.vote_table import VoteTable
    >>> space, names = ClassSpace(), ["s1", "s2", "s3"]
    >>> outputs = {"a": {"s1": ["happy"], "s2": ["sad", "angry"], "s3": ["happy"]},
    ...            "b": {"s1": ["happy", "worried"], "s2": ["sad"], "s3": ["sad"]}}
    >>> table = VoteTable.build(outputs, names, space)
    >>> Y = space.targets({"s1": ["happy"], "s2": ["sad"], "s3": ["happy"]}, names)
    >>> voter = StackedVoter(C=0.1, lam=0.5).fit(table, Y)
    >>> voter.predict_proba(table).shape                   # samples x (wheel, class) pairs
    (3, 31)
    >>> voter.predict(table)
    [['happy'], ['sad'], ['happy']]
    """

    _state_attrs = ("coef_", "intercept_", "constant_", "reliability_")
    needs_labels = True
    param_rules = {**ClassVoter.param_rules, "C": Rule("number", 0, above=True), "share_features": Rule("flag"), "reliability_feature": Rule("flag"),
                   "reliability_scale": Rule("number", 0)}

    def __init__(
        self,
        C: float = 0.1,
        lam: float = 0.5,
        share_features: bool = True,
        reliability_feature: bool = True,
        reliability_scale: float = 0.1,
        decision: str = "expected_f",
        threshold: float = 0.5,
        max_words: int | None = None,
    ) -> None:
        self.C = C
        self.lam = lam
        self.share_features = share_features
        self.reliability_feature = reliability_feature
        self.reliability_scale = reliability_scale
        self.decision = decision
        self.threshold = threshold
        self.max_words = max_words

    def _shared_features(self, table: VoteTable) -> tuple[np.ndarray, np.ndarray | None]:
        """What every class's features draw on: the vote shares, and the Dawid-Skene log-odds."""
        share = table.vote_share()
        scale = self._fitted_features[1]
        if scale is None:
            return share, None
        p = np.clip(self._reliability_model().predict_proba(table), 1e-6, 1 - 1e-6)
        return share, scale * np.log(p / (1 - p))

    def _reliability_model(self) -> DawidSkeneVoter:
        """The Dawid-Skene model behind the reliability feature, rebuilt only when ``reliability_`` changes."""
        cached = getattr(self, "_reliability_cache", None)
        if cached is None or cached[0] is not self.reliability_:
            if self.reliability_ is None:  # fitted whenever the feature is on; a state loaded from elsewhere may lack it
                raise InputError(f"{type(self).__name__}: its state has no reliability_ for the reliability feature it was fitted with; "
                                 "fit it again or load a whole state")
            cached = self._reliability_cache = (self.reliability_, DawidSkeneVoter().load_state(self.reliability_))
        return cached[1]

    def _features(self, table: VoteTable, k: int, shared: tuple[np.ndarray, np.ndarray | None]) -> np.ndarray:
        share, reliability = shared
        parts = [table.votes[:, :, k]]
        if self._fitted_features[0]:
            parts.append(share)
        if reliability is not None:
            parts.append(reliability[:, k : k + 1])
        return np.hstack(parts)

    def _fit(self, table: VoteTable, Y: np.ndarray | None) -> None:
        assert Y is not None  # fit refuses a call without labels (needs_labels)
        self._note_features()
        self.reliability_ = DawidSkeneVoter().fit(table, Y).state() if self.reliability_feature else None
        share = self._shared_features(table)
        n_features = self._features(table, 0, share).shape[1]
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

    def _note_features(self) -> None:
        """Keep the feature settings the coefficients are fitted with: a later set_params takes effect at the next fit."""
        self._fitted_features = (self.share_features, self.reliability_scale if self.reliability_feature else None)

    def load_state(self, state: dict) -> "StackedVoter":
        super().load_state(state)
        self._note_features()  # a calibration file's parameters are the ones its state was fitted with
        return self

    def predict_proba(self, table: VoteTable) -> np.ndarray:
        self._check_table(table)
        share = self._shared_features(table)
        out = np.empty((len(table.names), self.n_classes_))
        for k in range(self.n_classes_):
            if not np.isnan(self.constant_[k]):
                out[:, k] = self.constant_[k]
                continue
            z = self._features(table, k, share) @ self.coef_[k] + self.intercept_[k]
            out[:, k] = 1.0 / (1.0 + np.exp(-z))
        return out
