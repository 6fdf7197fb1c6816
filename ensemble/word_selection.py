"""Choose the words to output from per-class probabilities: a threshold, or the expected-F rule.

The expected-F rule adds, greedily, the candidate word with the largest gain in
``lam * E[precision] + (1 - lam) * E[recall]`` summed over the five wheels, and
stops when nothing gains: ``lam`` trades recall for precision the way the EW
metric scores them.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ensemble.vote_table import Candidate

__all__ = ["candidate_confidence", "select_by_threshold", "select_expected_f", "expected_recall_share"]

# Gauss-Legendre nodes on [0, 1]: exact for the polynomials below (degree < 16 classes a wheel)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)
_NODES, _WEIGHTS = (_NODES + 1) / 2, _WEIGHTS / 2


def expected_recall_share(proba: np.ndarray, wheel_of: np.ndarray) -> np.ndarray:
    """``E[1{c in G} / |G|]`` for every class c, with classes independent with probabilities ``proba``.

    ``E[1 / (1 + X)] = integral_0^1 E[t^X] dt`` and ``E[t^X]`` is the product of ``1 - p + p t``
    over the other classes of c's wheel: a polynomial, integrated exactly by quadrature.
    """
    factors = 1.0 - proba[:, None] * (1.0 - _NODES[None, :])  # (classes, nodes)
    log_f = np.log(factors)
    n_wheels = int(wheel_of.max()) + 1
    per_wheel = np.zeros((n_wheels, len(_NODES)))
    np.add.at(per_wheel, wheel_of, log_f)
    others = np.exp(per_wheel[wheel_of] - log_f)  # product over the wheel's other classes
    return proba * (others @ _WEIGHTS)


def candidate_confidence(proba: np.ndarray, cand: Candidate) -> float:
    """Mean probability of the classes a candidate word maps to."""
    return float(sum(proba[k] for k in cand.signature) / len(cand.signature))


def select_by_threshold(
    proba: np.ndarray, candidates: Sequence[Candidate], threshold: float, max_words: int | None = None
) -> list[tuple[Candidate, float]]:
    """Candidates whose confidence reaches ``threshold``, best first, skipping ones that add no new class."""
    scored = sorted(((candidate_confidence(proba, c), c) for c in candidates), key=lambda t: (-t[0], t[1].word))
    chosen: list[tuple[Candidate, float]] = []
    covered: set[int] = set()
    for conf, cand in scored:
        if conf < threshold or (max_words is not None and len(chosen) >= max_words):
            break
        if set(cand.signature) <= covered:
            continue
        chosen.append((cand, conf))
        covered.update(cand.signature)
    return chosen


def select_expected_f(
    proba: np.ndarray, candidates: Sequence[Candidate], wheel_of: np.ndarray, lam: float, max_words: int | None = None
) -> list[tuple[Candidate, float]]:
    """Greedy expected-F word choice for one sample (see module docstring).

    Per wheel w with chosen classes S: E[precision] = sum(p_c) / |S| and
    E[recall] = sum(E[1{c in G} / |G|]) (:func:`expected_recall_share`). All candidates'
    gains are computed at once per step; equal gains go to the alphabetically first word,
    so the choice is deterministic.
    """
    if not candidates:
        return []
    cands = sorted(candidates, key=lambda c: c.word)
    n_classes = len(proba)
    n_wheels = int(wheel_of.max()) + 1
    onehot = np.zeros((n_classes, n_wheels))
    onehot[np.arange(n_classes), wheel_of] = 1.0
    recall_share = expected_recall_share(proba, wheel_of)
    member = np.zeros((len(cands), n_classes))
    for i, cand in enumerate(cands):
        member[i, list(cand.signature)] = 1.0

    def term(s: np.ndarray, r: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, lam * s / np.maximum(z, 1.0) + (1 - lam) * r, 0.0)

    sums, rsums, sizes = np.zeros(n_wheels), np.zeros(n_wheels), np.zeros(n_wheels)
    uncovered = np.ones(n_classes)
    alive = np.ones(len(cands), dtype=bool)
    base = term(sums, rsums, sizes)
    chosen: list[tuple[Candidate, float]] = []
    while alive.any() and (max_words is None or len(chosen) < max_words):
        new = member * uncovered
        ds, dr, dz = (new * proba) @ onehot, (new * recall_share) @ onehot, new @ onehot
        gain = (term(sums + ds, rsums + dr, sizes + dz) - base).sum(axis=1)
        gain[~alive | (dz.sum(axis=1) == 0)] = -np.inf
        best = int(np.argmax(gain))
        if not gain[best] > 1e-12:
            break
        sums, rsums, sizes = sums + ds[best], rsums + dr[best], sizes + dz[best]
        base = term(sums, rsums, sizes)
        uncovered = uncovered * (1.0 - member[best])
        alive[best] = False
        chosen.append((cands[best], candidate_confidence(proba, cands[best])))
    return chosen
