"""What every voting strategy shares: estimate per-class probabilities, then choose words."""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from ensemble.vote_table import Candidate, VoteTable
from ensemble.word_selection import select_by_threshold, select_expected_f_batch
from judges.errors import InputError

__all__ = ["ClassVoter", "DECISIONS"]

DECISIONS = ("threshold", "expected_f")


class ClassVoter(BaseEstimator):
    """Base of the voting strategies (scikit-learn conventions).

    Subclasses implement ``_fit(table, Y)`` and ``predict_proba(table)``
    (samples x classes). The decision turns probabilities into words:
    ``decision="threshold"`` keeps candidate words whose confidence reaches
    ``threshold``; ``decision="expected_f"`` maximises the expected EW score with
    the precision weight ``lam``. Those three parameters only change the
    decision, never the fitted model (:attr:`decision_params`), so tuning them
    needs no refit.
    """

    decision_params = ("decision", "threshold", "lam", "max_words")
    #: Fitted attributes saved to, and restored from, a calibration file.
    _state_attrs: tuple[str, ...] = ()

    # -- fitting ---------------------------------------------------------------------
    def fit(self, table: VoteTable, Y: np.ndarray | None = None) -> "ClassVoter":
        """Learn from ``table`` (the judges' votes) and ``Y`` (true class indicators, samples x classes)."""
        self._check_decision()
        if Y is not None:
            Y = np.asarray(Y, dtype=np.float64)
            if Y.shape != (len(table.names), len(table.space)):
                raise InputError(f"{type(self).__name__}.fit: targets have shape {Y.shape}, expected {(len(table.names), len(table.space))}")
        self.judges_ = list(table.judges)
        self.n_classes_ = len(table.space)
        self._fit(table, Y)
        return self

    def _fit(self, table: VoteTable, Y: np.ndarray | None) -> None:
        """Learn the probability model; the default learns nothing."""

    def predict_proba(self, table: VoteTable) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- deciding --------------------------------------------------------------------
    def select(self, table: VoteTable, proba: np.ndarray | None = None) -> list[list[tuple[Candidate, float]]]:
        """Per sample, the chosen candidate words with their confidences, best first."""
        self._check_table(table)
        proba = self.predict_proba(table) if proba is None else proba
        if self.decision == "expected_f":
            return select_expected_f_batch(proba, table.candidates, table.space.wheel_of, self.lam, self.max_words)
        return [select_by_threshold(proba[i], cands, self.threshold, self.max_words) for i, cands in enumerate(table.candidates)]

    def predict(self, table: VoteTable) -> list[list[str]]:
        """Per sample, the chosen emotion words."""
        return [[c.word for c, _ in row] for row in self.select(table)]

    # -- persistence -----------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Everything fitted, as JSON-ready data."""
        self._check_fitted()
        out: dict[str, Any] = {"judges_": self.judges_, "n_classes_": self.n_classes_}
        for attr in self._state_attrs:
            value = getattr(self, attr)
            out[attr] = value.tolist() if isinstance(value, np.ndarray) else value
        return out

    def load_state(self, state: dict[str, Any]) -> "ClassVoter":
        """Restore what :meth:`state` saved (arrays come back as numpy arrays)."""
        self.judges_ = list(state["judges_"])
        self.n_classes_ = int(state["n_classes_"])
        for attr in self._state_attrs:
            value = state[attr]
            setattr(self, attr, np.asarray(value, dtype=np.float64) if isinstance(value, list) else value)
        return self

    # -- checks ----------------------------------------------------------------------
    def _check_decision(self) -> None:
        if self.decision not in DECISIONS:
            raise InputError(f"{type(self).__name__}: decision must be one of {', '.join(DECISIONS)}, got {self.decision!r}")
        if self.decision == "expected_f" and not 0.0 <= float(self.lam) <= 1.0:
            raise InputError(f"{type(self).__name__}: lam weighs precision against recall and lies in [0, 1], got {self.lam}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "judges_"):
            raise InputError(f"{type(self).__name__} is not fitted; call fit(table, Y) or load a calibration file")

    def _check_table(self, table: VoteTable) -> None:
        self._check_fitted()
        if list(table.judges) != self.judges_:
            raise InputError(f"{type(self).__name__}: fitted on judges {self.judges_}, got {list(table.judges)}; use the same judges in the same order")
