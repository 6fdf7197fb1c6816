"""Choosing words: never a dump of synonyms, lam trades recall for precision."""
from __future__ import annotations

import numpy as np
import pytest

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


def _one_wheel(probs: list[float]) -> tuple[np.ndarray, list[Candidate], np.ndarray]:
    """Classes of one wheel, one candidate word per class: w0, w1, ..."""
    return np.array(probs), [Candidate(f"w{k}", (k,), ["j"]) for k in range(len(probs))], np.zeros(len(probs), dtype=np.int64)


def test_a_second_word_is_added_only_for_its_expected_share_of_recall_not_its_probability():
    # w1's recall gain is E[1{w1 in G} / |G|] = 0.3 * (0.1 + 0.9 / 2) = 0.165, not 0.3; its precision loss is
    # (0.3 - 0.9) / 2 = -0.3. At lam 0.4: 0.4 * -0.3 + 0.6 * 0.165 < 0 (kept out); with 0.3 it would be > 0.
    proba, cands, wheel_of = _one_wheel([0.9, 0.3])
    assert [c.word for c, _ in select_expected_f(proba, cands, wheel_of, 0.4)] == ["w0"]
    assert [c.word for c, _ in select_expected_f(proba, cands, wheel_of, 0.3)] == ["w0", "w1"]


def test_equal_gains_go_to_the_alphabetically_first_word_whatever_the_order_given():
    proba, cands, wheel_of = _one_wheel([0.6, 0.6])
    for order in (cands, cands[::-1]):
        assert [c.word for c, _ in select_expected_f(proba, order, wheel_of, 0.5, max_words=1)] == ["w0"]


def test_the_threshold_rule_stops_at_max_words(wheel):
    space = ClassSpace(wheel)
    p = _proba(space, {"happy": 0.9, "sad": 0.8, "angry": 0.7})
    chosen = select_by_threshold(p, _cands(space, ["happy", "sad", "angry"]), 0.5, max_words=2)
    assert [c.word for c, _ in chosen] == ["happy", "sad"]


def test_a_words_confidence_is_the_mean_probability_of_the_classes_it_maps_to():
    from ensemble.word_selection import candidate_confidence

    assert candidate_confidence(np.array([0.2, 0.8, 0.5]), Candidate("w", (0, 1), ["j"])) == pytest.approx(0.5)


def test_the_threshold_rule_keeps_a_word_exactly_at_the_threshold():
    proba, cands, _ = _one_wheel([0.5, 0.49])
    assert [c.word for c, _ in select_by_threshold(proba, cands, 0.5)] == ["w0"]


def test_equal_confidences_go_to_the_alphabetically_first_word_under_the_threshold_rule_whatever_the_order_given():
    proba, cands, _ = _one_wheel([0.6, 0.6])
    for order in (cands, cands[::-1]):
        assert [c.word for c, _ in select_by_threshold(proba, order, 0.5, max_words=1)] == ["w0"]


def test_expected_f_never_adds_a_word_whose_classes_are_all_chosen_already():
    # 'both' means w0's and w1's classes; once it is chosen, 'w0' would only repeat one of them
    proba, wheel_of = np.array([0.9, 0.5]), np.zeros(2, dtype=np.int64)
    cands = [Candidate("both", (0, 1), ["j"]), Candidate("w0", (0,), ["j"])]
    assert [c.word for c, _ in select_expected_f(proba, cands, wheel_of, 0.5)] == ["both"]


def test_expected_f_adds_no_word_that_gains_nothing_even_when_precision_does_not_count():
    # lam = 0: only expected recall counts, and a class that cannot be in the ground truth adds none
    proba, cands, wheel_of = _one_wheel([0.9, 0.0])
    assert [c.word for c, _ in select_expected_f(proba, cands, wheel_of, 0.0)] == ["w0"]


def test_the_threshold_rule_keeps_a_word_that_adds_a_new_class_beside_one_already_chosen():
    # 'both' repeats w0's class but adds class 1, so it says something new
    cands = [Candidate("w0", (0,), ["j"]), Candidate("both", (0, 1), ["j"])]
    assert [c.word for c, _ in select_by_threshold(np.array([0.9, 0.8]), cands, 0.5)] == ["w0", "both"]


def test_expected_f_gives_each_chosen_word_the_mean_probability_of_its_classes():
    proba, wheel_of = np.array([0.9, 0.5]), np.zeros(2, dtype=np.int64)
    chosen = select_expected_f(proba, [Candidate("both", (0, 1), ["j"])], wheel_of, 0.5)
    assert [(c.word, conf) for c, conf in chosen] == [("both", pytest.approx(0.7))]


def test_expected_f_counts_every_class_a_word_adds_in_its_wheels_expected_precision():
    # after 'both' (two classes, 0.9 each) E[precision] is 1.8 / 2; w2 brings it to 2.6 / 3, a loss of 0.033 that its
    # recall share (about 0.3) outweighs at lam 0.5. Counting 'both' as one class (1.8 / 1) would keep w2 out.
    proba, wheel_of = np.array([0.9, 0.9, 0.8]), np.zeros(3, dtype=np.int64)
    cands = [Candidate("both", (0, 1), ["j"]), Candidate("w2", (2,), ["j"])]
    assert [c.word for c, _ in select_expected_f(proba, cands, wheel_of, 0.5)] == ["both", "w2"]


def _many_clips(n: int) -> tuple[np.ndarray, list[list[Candidate]], np.ndarray]:
    """``n`` clips over 5 wheels of 2 classes, each clip with 10 candidate words, one per class."""
    wheel_of = np.repeat(np.arange(5), 2)
    proba = np.random.default_rng(0).random((n, len(wheel_of)))
    cands = [[Candidate(f"w{k}", (k,), ["j"]) for k in range(len(wheel_of))] for _ in range(n)]
    return proba, cands, wheel_of


def test_choosing_words_for_many_clips_holds_no_more_memory_than_for_a_few_hundred():
    import tracemalloc

    from ensemble.word_selection import select_expected_f_batch

    def peak(n: int) -> int:
        proba, cands, wheel_of = _many_clips(n)
        tracemalloc.start()
        try:
            select_expected_f_batch(proba, cands, wheel_of, 0.5, max_words=1)  # one step: the arrays, not the steps, are measured
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(4000) < 2 * peak(500)  # one clips x candidates x classes array for all 4,000 clips: 8 times


def test_choosing_words_for_many_clips_at_once_chooses_for_each_as_for_it_alone():
    from ensemble.word_selection import BLOCK_CLIPS, select_expected_f_batch

    proba, cands, wheel_of = _many_clips(BLOCK_CLIPS + 3)
    cands[-1] = cands[-1][:2]  # a clip of fewer candidates than the others, in a block of its own
    together = select_expected_f_batch(proba, cands, wheel_of, 0.5, max_words=4)
    for i in (0, BLOCK_CLIPS - 1, BLOCK_CLIPS, BLOCK_CLIPS + 2):
        alone = select_expected_f(proba[i], cands[i], wheel_of, 0.5, max_words=4)
        assert [(c.word, conf) for c, conf in together[i]] == [(c.word, conf) for c, conf in alone]
