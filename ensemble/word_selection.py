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

__all__ = ["candidate_confidence", "select_by_threshold", "select_expected_f", "select_expected_f_batch", "expected_recall_share"]

#: Clips whose words :func:`select_expected_f_batch` chooses at once: big enough that numpy, not Python, does the
#: work, small enough that its arrays (clips x candidates x classes) stay a few megabytes whatever the number of clips.
BLOCK_CLIPS = 512

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


#: How far below the threshold a confidence may fall by rounding and still reach it: 7 of 10 judges' share 0.7 averaged
#: over a word's three classes is 0.6999999999999998, and k-of-n voting keeps that word (distinct vote shares of up to
#: a thousand judges differ by far more)
_ROUNDING = 1e-9


def candidate_confidence(proba: np.ndarray, cand: Candidate) -> float:
    """Mean probability of the classes a candidate word maps to."""
    return float(sum(proba[k] for k in cand.signature) / len(cand.signature))


def select_by_threshold(
    proba: np.ndarray, candidates: Sequence[Candidate], threshold: float, max_words: int | None = None
) -> list[tuple[Candidate, float]]:
    """Candidates whose confidence reaches ``threshold`` (a rounding error below it counts), best first, skipping ones
    that add no new class."""
    scored = sorted(((candidate_confidence(proba, c), c) for c in candidates), key=lambda t: (-t[0], t[1].word))
    chosen: list[tuple[Candidate, float]] = []
    covered: set[int] = set()
    for conf, cand in scored:
        if conf < threshold - _ROUNDING or (max_words is not None and len(chosen) >= max_words):
            break
        if set(cand.signature) <= covered:
            continue
        chosen.append((cand, conf))
        covered.update(cand.signature)
    return chosen


def select_expected_f(
    proba: np.ndarray, candidates: Sequence[Candidate], wheel_of: np.ndarray, lam: float, max_words: int | None = None
) -> list[tuple[Candidate, float]]:
    """Greedy expected-F word choice for one sample (see :func:`select_expected_f_batch`)."""
    return select_expected_f_batch(proba[None, :], [candidates], wheel_of, lam, max_words)[0]


def select_expected_f_batch(
    proba: np.ndarray, candidates: Sequence[Sequence[Candidate]], wheel_of: np.ndarray, lam: float, max_words: int | None = None
) -> list[list[tuple[Candidate, float]]]:
    """Greedy expected-F word choice for many samples at once (``proba`` is samples x classes).

    Per wheel w with chosen classes S: E[precision] = sum(p_c) / |S| and
    E[recall] = sum(E[1{c in G} / |G|]) (:func:`expected_recall_share`). Each step adds, in
    every sample still gaining, the candidate with the largest gain; equal gains go to the
    alphabetically first word, so the choice is deterministic. Vectorised over samples and
    candidates, a block of :data:`BLOCK_CLIPS` clips at a time: each clip's choice is its own, and one
    array for all clips, as wide as the clip with the most candidates and stepped as often as the
    clip that takes the most words, grew faster than the clips did.
    """
    out: list[list[tuple[Candidate, float]]] = []
    for start in range(0, len(proba), BLOCK_CLIPS):
        stop = start + BLOCK_CLIPS
        out.extend(_select_expected_f_block(proba[start:stop], candidates[start:stop], wheel_of, lam, max_words))
    return out


def _select_expected_f_block(
    proba: np.ndarray, candidates: Sequence[Sequence[Candidate]], wheel_of: np.ndarray, lam: float, max_words: int | None
) -> list[list[tuple[Candidate, float]]]:
    """:func:`select_expected_f_batch` on one block of clips, all at once."""
    n, n_classes = proba.shape
    out: list[list[tuple[Candidate, float]]] = [[] for _ in range(n)]
    width = max((len(c) for c in candidates), default=0)
    if n == 0 or width == 0:
        return out
    ordered = [sorted(c, key=lambda cand: cand.word) for c in candidates]
    n_wheels = int(wheel_of.max()) + 1
    onehot = np.zeros((n_classes, n_wheels))
    onehot[np.arange(n_classes), wheel_of] = 1.0
    member = np.zeros((n, width, n_classes))
    alive = np.zeros((n, width), dtype=bool)
    for i, cands in enumerate(ordered):
        for c, cand in enumerate(cands):
            member[i, c, list(cand.signature)] = 1.0
            alive[i, c] = True
    share = np.vstack([expected_recall_share(row, wheel_of) for row in proba])

    def term(s: np.ndarray, r: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, lam * s / np.maximum(z, 1.0) + (1 - lam) * r, 0.0)

    sums, rsums, sizes = np.zeros((n, n_wheels)), np.zeros((n, n_wheels)), np.zeros((n, n_wheels))
    uncovered = np.ones((n, n_classes))
    active = np.ones(n, dtype=bool)
    rows = np.arange(n)
    limit = width if max_words is None else min(width, max_words)
    for _ in range(limit):
        new = member * uncovered[:, None, :]
        ds = (new * proba[:, None, :]) @ onehot
        dr = (new * share[:, None, :]) @ onehot
        dz = new @ onehot
        gain = (term(sums[:, None] + ds, rsums[:, None] + dr, sizes[:, None] + dz) - term(sums, rsums, sizes)[:, None]).sum(axis=2)
        gain[~alive | (dz.sum(axis=2) == 0)] = -np.inf
        best = gain.argmax(axis=1)
        take = active & (gain[rows, best] > 1e-12)
        if not take.any():
            break
        idx = rows[take]
        b = best[take]
        sums[idx] += ds[idx, b]
        rsums[idx] += dr[idx, b]
        sizes[idx] += dz[idx, b]
        uncovered[idx] *= 1.0 - member[idx, b]
        alive[idx, b] = False
        active &= take
        for i, c in zip(idx.tolist(), b.tolist()):
            cand = ordered[i][c]
            out[i].append((cand, candidate_confidence(proba[i], cand)))
    return out
