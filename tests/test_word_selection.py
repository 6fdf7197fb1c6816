"""Choosing words: never a dump of synonyms, lam trades recall for precision."""
from __future__ import annotations

import numpy as np

from ensemble.class_space import ClassSpace
from ensemble.vote_table import Candidate
from ensemble.word_selection import select_by_threshold, select_expected_f


def _cands(space: ClassSpace, words):
    return [Candidate(w, space.signature(w), ["j"]) for w in words]


def _proba(space: ClassSpace, strong: dict[str, float]) -> np.ndarray:
    p = np.full(len(space), 0.02)
    for word, value in strong.items():
        p[list(space.signature(word))] = value
    return p


def test_expected_f_picks_the_probable_word_only(wheel):
    space = ClassSpace(wheel)
    chosen = select_expected_f(_proba(space, {"happy": 0.9}), _cands(space, ["happy", "sad", "angry"]), space.wheel_of, 0.5)
    assert [c.word for c, _ in chosen] == ["happy"]


def test_no_candidates_means_no_words(wheel):
    space = ClassSpace(wheel)
    assert select_expected_f(np.zeros(len(space)), [], space.wheel_of, 0.5) == []


def test_lower_lam_adds_less_likely_words(wheel):
    space = ClassSpace(wheel)
    p = _proba(space, {"happy": 0.8, "sad": 0.35, "angry": 0.2})
    cands = _cands(space, ["happy", "sad", "angry"])
    precise = select_expected_f(p, cands, space.wheel_of, 0.8)
    broad = select_expected_f(p, cands, space.wheel_of, 0.2)
    assert len(broad) > len(precise) >= 1


def test_threshold_skips_words_meaning_nothing_new(wheel):
    space = ClassSpace(wheel)
    cands = _cands(space, ["happy", "happiness", "joyful"])
    chosen = select_by_threshold(_proba(space, {"happy": 0.9}), cands, 0.5)
    assert len(chosen) == 1


def test_expected_recall_share_is_exact(wheel):
    from itertools import product

    from ensemble.word_selection import expected_recall_share

    proba = np.array([0.9, 0.3, 0.5, 0.2, 0.7])
    wheel_of = np.array([0, 0, 0, 1, 1])
    exact = np.zeros(5)
    for outcome in product([0, 1], repeat=5):
        prob = np.prod([p if o else 1 - p for p, o in zip(proba, outcome)])
        for c in range(5):
            if outcome[c]:
                size = sum(outcome[k] for k in range(5) if wheel_of[k] == wheel_of[c])
                exact[c] += prob / size
    np.testing.assert_allclose(expected_recall_share(proba, wheel_of), exact, rtol=1e-9)
