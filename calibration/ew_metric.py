"""The official OV-MER emotion-wheel (EW) metric: deterministic, offline, no GPT.

Per metric, each sample's ground truth and prediction are mapped to label
sets (see :mod:`calibration.emotion_wheel`); a sample whose ground truth maps
to nothing is skipped; an empty prediction scores 0. Precision and recall are
averaged over samples and F = 2PR/(P+R) is taken from the averages.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from calibration.emotion_wheel import METRIC_NAMES, WHEELS, EmotionWheel, load_wheel
from judges.clip import refuse_a_single_name, repeated_names
from judges.errors import InputError, listed

__all__ = ["EWScores", "evaluate", "level1_f_of_classes", "official_words", "sample_precision_recall", "f_from_pr", "SCORE_KEYS"]

#: The keys of :meth:`EWScores.as_dict`, in order.
SCORE_KEYS = METRIC_NAMES + ("l1_f", "l1_p", "l1_r", "l2_f", "m_avg", "n")


def official_words(value: object) -> list[str]:
    """One sample's words as the official code reads them: a list item by item; a text such as
    ``"[happy, sad]"`` split on commas and quotes only (``"happy/content"`` stays one word, out of
    vocabulary); then lower-cased and stripped. ``None``, NaN and ``""`` give ``[]``."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if isinstance(value, str):
        s = value
        if s[:1] == "[":
            s = s[1:]
        if s[-1:] == "]":
            s = s[:-1]
        items: list = re.split("['\",]", s)
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        items = [value]
    return [w for w in (str(item).lower().strip() for item in items) if w]


def f_from_pr(p: float, r: float) -> float:
    """F = 2PR/(P+R), 0 when both are 0."""
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


@dataclass(frozen=True)
class EWScores:
    """EW scores as fractions in [0, 1]; :meth:`as_dict` gives percent."""

    f: dict[str, float]
    p: dict[str, float]
    r: dict[str, float]
    n: int
    missing: int = 0
    #: the evaluated names the metric skips (their ground truth maps to no wheel word under any metric)
    skipped: tuple[str, ...] = ()

    def _mean(self, table: dict[str, float], level: str) -> float:
        return float(np.mean([self._get(table, f"{w}_{level}") for w in WHEELS]))

    def _get(self, table: dict[str, float], metric: str) -> float:
        """One metric's score; one not computed (``evaluate(metrics=...)``) is a one-line error saying so."""
        if metric not in table:
            raise InputError(f"metric {metric!r} was not computed (only {', '.join(sorted(table)) or 'none'}); "
                             "call evaluate() without metrics= to get every score")
        return table[metric]

    @property
    def l1_f(self) -> float:
        """Level-1 F, averaged over the wheels (the headline score)."""
        return self._mean(self.f, "level1")

    @property
    def l1_p(self) -> float:
        """Level-1 precision, averaged over the wheels."""
        return self._mean(self.p, "level1")

    @property
    def l1_r(self) -> float:
        """Level-1 recall, averaged over the wheels."""
        return self._mean(self.r, "level1")

    @property
    def l2_f(self) -> float:
        """Level-2 F, averaged over the wheels."""
        return self._mean(self.f, "level2")

    @property
    def m_avg(self) -> float:
        """F averaged over all 12 EW metrics (m1, m2, each wheel at each level)."""
        return float(np.mean([self._get(self.f, m) for m in METRIC_NAMES]))

    def as_dict(self) -> dict[str, float | int]:
        """Scores in percent under the documented keys (``n`` is a count)."""
        out: dict[str, float | int] = {m: 100 * self._get(self.f, m) for m in METRIC_NAMES}
        out.update(l1_f=100 * self.l1_f, l1_p=100 * self.l1_p, l1_r=100 * self.l1_r, l2_f=100 * self.l2_f, m_avg=100 * self.m_avg, n=self.n)
        return out


def sample_precision_recall(gt: set[str], pred: set[str]) -> tuple[float, float] | None:
    """Per-sample (precision, recall); ``None`` when the ground truth is empty (sample skipped)."""
    if not gt:
        return None
    if not pred:
        return 0.0, 0.0
    hit = len(gt & pred)
    return hit / len(pred), hit / len(gt)


def level1_f_of_classes(pred: np.ndarray, gt: np.ndarray, wheel_of: np.ndarray) -> float:
    """Level-1 F averaged over the wheels (a fraction), as :func:`evaluate` gives it, from class indicators instead
    of words: ``pred`` and ``gt`` are samples x (wheel, level-1 class) pairs, ``wheel_of`` each pair's wheel index
    (see :class:`ensemble.class_space.ClassSpace`). Per wheel, a sample whose ground truth has no class there is
    skipped and an empty prediction scores 0, as in :func:`evaluate`.

    >>> wheel_of = np.array([0, 0, 1, 2, 3, 4])         # two classes in the first wheel, one in each other
    >>> gt = np.array([[1, 0, 1, 1, 1, 1]])
    >>> pred = np.array([[1, 1, 1, 1, 0, 0]])            # first wheel P 0.5 R 1; two right; two wheels left empty
    >>> round(level1_f_of_classes(pred, gt, wheel_of), 4)   # (2/3 + 1 + 1 + 0 + 0) / 5
    0.5333
    """
    pred, gt, wheel_of = np.asarray(pred) > 0, np.asarray(gt) > 0, np.asarray(wheel_of)
    if pred.shape != gt.shape or gt.ndim != 2 or wheel_of.shape != gt.shape[1:]:
        raise InputError(f"level1_f_of_classes: pred {pred.shape}, gt {gt.shape} and wheel_of {wheel_of.shape} do not match; give samples x classes "
                         "indicators for both and one wheel index per class")
    fs = []
    for w in range(len(WHEELS)):
        cols = wheel_of == w
        g, p = gt[:, cols], pred[:, cols]
        scored = g.any(axis=1)
        hits = (g & p).sum(axis=1)[scored]
        said = p.sum(axis=1)[scored]
        mp = float(np.mean(np.where(said > 0, hits / np.maximum(said, 1), 0.0))) if scored.any() else 0.0
        mr = float(np.mean(hits / g.sum(axis=1)[scored])) if scored.any() else 0.0
        fs.append(f_from_pr(mp, mr))
    return float(np.mean(fs))


def _refuse_unread_words(labels: object, predictions: object) -> None:
    """Refuse a file's path given for labels or predictions, and several judges' outputs given as one prediction set
    (``{judge: {clip: words}}``): each would be a ``TypeError``, or every clip missing and a score of 0."""
    readers = {"labels": "calibration.labels.read_labels(path)", "predictions": "judges.outputs.read_judge_output(path)"}
    for what, value in (("labels", labels), ("predictions", predictions)):
        if isinstance(value, (str, os.PathLike)):
            raise InputError(f"evaluate: {what} is a path, {str(value)!r}, not clip name -> words; read it first: {readers[what]}")
    if isinstance(predictions, Mapping):
        nested = next((key for key, words in predictions.items() if isinstance(words, Mapping)), None)
        if nested is not None:
            raise InputError(f"evaluate: predictions[{nested!r}] is a mapping, not a clip's words: several judges' outputs "
                             f"({{judge: {{clip: words}}}}) are scored one judge at a time, e.g. evaluate(labels, outputs[{nested!r}], names)")


def evaluate(
    labels: Mapping[str, Iterable[str]],
    predictions: Mapping[str, Iterable[str] | None],
    names: Iterable[str] | None = None,
    wheel: EmotionWheel | None = None,
    metrics: Iterable[str] = METRIC_NAMES,
) -> EWScores:
    """EW scores of ``predictions`` against ``labels`` over ``names`` (default: every labelled name).

    A name with no prediction counts as an empty prediction (it scores 0) and is
    counted in ``missing`` (unless the metric skips it anyway); the caller decides whether to warn. A label or prediction
    may be a list of words or the official text form (see :func:`official_words`). No name to score (an empty ``names``
    or ``labels``) is an error, not a score of 0, as is a name given twice (it would count twice).
    """
    refuse_a_single_name(names, "evaluate")  # read letter by letter, its letters had no label
    _refuse_unread_words(labels, predictions)
    wheel = wheel or load_wheel()
    names = list(labels) if names is None else list(names)
    unlabelled = [n for n in names if n not in labels]
    if unlabelled:
        raise InputError(f"evaluate: {len(unlabelled)} name(s) have no label, e.g. {unlabelled[0]!r}; score only labelled clips")
    repeated = repeated_names(names)
    if repeated:  # it would weigh twice in every mean
        raise InputError(f"evaluate: clip(s) {listed(map(repr, repeated))} given more than once in names; give each clip once")
    if not names:  # else every score 0.0 with n=0, which reads as a prediction that got everything wrong
        what = "labels is empty" if not labels else "names is empty"
        raise InputError(f"evaluate: {what}, so no clip would be scored; give the names of labelled clips (names=None: every labelled one)")
    # as the official code: a text split on commas and quotes, lower-cased, stripped, duplicates collapsed
    gts = {n: set(official_words(labels[n])) for n in names}
    preds = {n: set(official_words(predictions.get(n))) for n in names}
    f, p, r = {}, {}, {}
    n_scored = 0
    scored: set[str] = set()  # names whose ground truth maps to something under some metric
    for metric in metrics:
        table = wheel.lookup(metric)
        ps, rs = [], []
        for name in names:
            gt = {table[w] for w in gts[name] if w in table}
            pred = {table[w] for w in preds[name] if w in table}
            pr = sample_precision_recall(gt, pred)
            if pr is not None:
                ps.append(pr[0])
                rs.append(pr[1])
                scored.add(name)
        mp = float(np.mean(ps)) if ps else 0.0
        mr = float(np.mean(rs)) if rs else 0.0
        p[metric], r[metric], f[metric] = mp, mr, f_from_pr(mp, mr)
        n_scored = max(n_scored, len(ps))
    missing = sum(1 for n in scored if predictions.get(n) is None)
    skipped = tuple(n for n in names if n not in scored)
    return EWScores(f=f, p=p, r=r, n=n_scored, missing=missing, skipped=skipped)
