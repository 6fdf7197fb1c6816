"""What tuning maximises: ``l1_f`` (default), ``m_avg``, or ``f<beta>`` on level-1 P and R."""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from calibration.emotion_wheel import LEVEL1_METRICS, METRIC_NAMES, EmotionWheel
from calibration.ew_metric import EWScores, evaluate
from judges.errors import InputError

__all__ = ["Objective"]


class Objective:
    """A score to maximise, computed with the official EW metric.

    ``"l1_f"``: level-1 F averaged over the wheels (the headline); ``"m_avg"``: mean of
    all 12 EW F scores; ``"f0.5"``, ``"f2"``...: F-beta from level-1 precision and recall
    (beta < 1 favours precision).

    >>> Objective("f0.5").name
    'f0.5'
    """

    def __init__(self, name: str = "l1_f") -> None:
        self.name = name
        match = re.fullmatch(r"f(\d+(?:\.\d+)?)", name)
        if name not in ("l1_f", "m_avg") and not match:
            raise InputError(f"unknown objective {name!r}; use l1_f, m_avg, or f<beta> such as f0.5 or f2")
        self.beta: float | None = float(match.group(1)) if match else None
        if self.beta is not None and self.beta == 0:  # F-beta at beta 0 is precision alone: one sure word a clip
            raise InputError(f"objective {name!r}: F-beta needs beta > 0 (f0 is precision alone); use e.g. f0.5 to favour precision")
        if self.beta is not None and self.beta * self.beta == 0:  # f0.(200 zeros)1: beta squared is 0, precision alone as f0
            raise InputError(f"objective {name!r}: beta is too small to weigh by (its square is 0, precision alone, as f0); "
                             "use e.g. f0.5 to favour precision")
        if self.beta is not None and not math.isfinite(self.beta * self.beta):  # f1e400 digits: inf, or beta**2 overflows
            raise InputError(f"objective {name!r}: beta is too large to weigh by (its square is not a finite number); "
                             "use e.g. f2 to favour recall")
        self.metrics = METRIC_NAMES if name == "m_avg" else LEVEL1_METRICS

    def scores(self, labels: Mapping[str, Sequence[str]], preds: Mapping[str, Sequence[str] | None], names: Sequence[str], wheel: EmotionWheel) -> EWScores:
        """The EW scores this objective is computed from (level-1 ones only, unless ``m_avg``)."""
        return evaluate(labels, preds, names, wheel=wheel, metrics=self.metrics)

    def value(self, scores: EWScores) -> float:
        """The objective, as a fraction."""
        if self.name == "l1_f":
            return scores.l1_f
        if self.name == "m_avg" or self.beta is None:  # no beta: the name is one of the two above
            return scores.m_avg
        p, r, b2 = scores.l1_p, scores.l1_r, self.beta**2
        return 0.0 if p + r == 0 else (1 + b2) * p * r / (b2 * p + r)

    def __call__(self, labels: Mapping[str, Sequence[str]], preds: Mapping[str, Sequence[str] | None], names: Sequence[str],
                 wheel: EmotionWheel) -> float:
        return self.value(self.scores(labels, preds, names, wheel))
