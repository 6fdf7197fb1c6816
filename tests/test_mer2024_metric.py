"""The MER2024 set-level metric under a user-given grouping."""
from __future__ import annotations

import pytest

from calibration.mer2024_metric import mer2024_scores


def test_grouped_synonyms_count_as_one_hit():
    scores = mer2024_scores({"s": ["happy", "sad"]}, {"s": ["joyful"]}, {"joyful": "happy"})
    assert scores == {"precision": 100.0, "recall": 50.0, "avg": 75.0, "n": 1}


def test_grouping_function_and_empty_prediction():
    scores = mer2024_scores({"a": ["angry"], "b": ["sad"]}, {"a": ["Mad"], "b": []}, lambda w: {"mad": "angry"}.get(w))
    assert scores["precision"] == pytest.approx(50.0)
    assert scores["recall"] == pytest.approx(50.0)


def test_precision_and_recall_are_means_over_samples():
    # one hit in three samples: 100, 0, 0 average to 33.3 (their median would be 0)
    scores = mer2024_scores({"a": ["happy"], "b": ["sad"], "c": ["angry"]}, {"a": ["happy"], "b": ["x"], "c": ["y"]}, {})
    assert scores["precision"] == pytest.approx(100 / 3) and scores["recall"] == pytest.approx(100 / 3)


def test_samples_with_empty_ground_truth_are_skipped():
    assert mer2024_scores({"a": [], "b": ["sad"]}, {"a": ["x"], "b": ["sad"]}, {})["n"] == 1


def test_labels_given_as_the_official_text_are_read_as_their_words():
    # MER2024's CSV holds "['happy', 'sad']"; it is two words, not the letters of a string
    scores = mer2024_scores({"s": "['happy', 'sad']"}, {"s": "[joyful]"}, {"joyful": "happy"})
    assert scores == {"precision": 100.0, "recall": 50.0, "avg": 75.0, "n": 1}


def test_names_without_a_label_are_a_one_line_error_as_in_the_ew_metric():
    from judges.errors import InputError

    with pytest.raises(InputError, match=r"1 name\(s\) have no label, e\.g\. 't'"):
        mer2024_scores({"s": ["happy"]}, {"s": ["happy"], "t": ["sad"]}, {}, names=["s", "t"])


def test_a_grouping_dict_in_another_case_groups_the_lower_cased_words():
    assert mer2024_scores({"s": ["happy"]}, {"s": ["Joyful", "sad"]}, {" Joyful": "HAPPY"})["precision"] == 50.0
