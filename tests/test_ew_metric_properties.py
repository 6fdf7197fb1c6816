"""Properties of the EW metric that hold for any prediction (hypothesis)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibration.ew_metric import SCORE_KEYS, evaluate

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def vocab(wheel):
    """Words every one of the 12 EW metrics can map (so every sample is scored everywhere)."""
    from calibration.emotion_wheel import METRIC_NAMES

    tables = [wheel.lookup(m) for m in METRIC_NAMES]
    return sorted(w for w in wheel.vocabulary if w.isalpha() and all(w in t for t in tables))[:400]


def _labels(vocab, draw_idx):
    return [vocab[i % len(vocab)] for i in draw_idx]


@SETTINGS
@given(st.lists(st.lists(st.integers(0, 10_000), min_size=1, max_size=5), min_size=1, max_size=8))
def test_perfect_prediction_scores_100(wheel, vocab, rows):
    labels = {f"s{i}": _labels(vocab, r) for i, r in enumerate(rows)}
    scores = evaluate(labels, labels, wheel=wheel).as_dict()
    assert scores["n"] == len(rows)
    for key in SCORE_KEYS:
        if key != "n":
            assert scores[key] == pytest.approx(100.0), key


@SETTINGS
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.randoms())
def test_order_duplicates_case_and_spaces_do_not_change_scores(wheel, vocab, gt_idx, pred_idx, rnd):
    labels = {"s": _labels(vocab, gt_idx)}
    pred = _labels(vocab, pred_idx)
    shuffled = pred + pred[: len(pred) // 2]
    rnd.shuffle(shuffled)
    shouted = [f" {w.upper()} " if rnd.random() < 0.5 else w.title() for w in shuffled]
    a = evaluate(labels, {"s": pred}, wheel=wheel).as_dict()
    b = evaluate(labels, {"s": shouted}, wheel=wheel).as_dict()
    assert a == b


@SETTINGS
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6))
def test_empty_prediction_scores_zero_for_that_sample(wheel, vocab, gt_idx):
    # beside a perfectly predicted sample, so that skipping the empty one would show as 100
    labels = {"s": _labels(vocab, gt_idx), "t": _labels(vocab, gt_idx[::-1])}
    scores = evaluate(labels, {"s": [], "t": labels["t"]}, wheel=wheel)
    for metric, f in scores.f.items():
        assert scores.p[metric] == pytest.approx(0.5) and scores.r[metric] == pytest.approx(0.5) and f == pytest.approx(0.5)
    assert scores.missing == 0  # an empty answer is an answer, not a missing one


@SETTINGS
@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.lists(st.integers(0, 10_000), min_size=1, max_size=6), st.randoms())
def test_case_and_spaces_in_the_ground_truth_do_not_change_scores(wheel, vocab, gt_idx, pred_idx, rnd):
    gt, pred = _labels(vocab, gt_idx), {"s": _labels(vocab, pred_idx)}
    untidy = [f" {w.upper()} " if rnd.random() < 0.5 else w.title() for w in gt]
    assert evaluate({"s": untidy}, pred, wheel=wheel).as_dict() == evaluate({"s": gt}, pred, wheel=wheel).as_dict()


def test_missing_prediction_counts_as_empty_and_is_reported(wheel):
    scores = evaluate({"a": ["happy"], "b": ["sad"]}, {"a": ["happy"]}, wheel=wheel)
    assert scores.missing == 1
    assert scores.as_dict()["wheel1_level1"] == pytest.approx(2 * 0.5 * 0.5 / 1.0 * 100)


def test_a_missing_prediction_for_a_clip_the_metric_skips_is_not_reported_as_scored_empty(wheel):
    # 'b' has no ground truth on the wheel, so it is skipped either way; the warning said it was scored as empty
    scores = evaluate({"a": ["happy"], "b": ["zzzblorp"]}, {"a": ["happy"]}, wheel=wheel)
    assert scores.missing == 0 and scores.n == 1 and scores.as_dict()["l1_f"] == pytest.approx(100.0)


def test_a_clip_whose_ground_truth_maps_to_no_wheel_word_is_listed_as_skipped(wheel):
    assert evaluate({"a": ["happy"], "b": ["zzzblorp"]}, {"a": ["happy"], "b": ["sad"]}, wheel=wheel).skipped == ("b",)


def test_out_of_vocabulary_words_are_dropped(wheel):
    with_oov = evaluate({"s": ["happy"]}, {"s": ["happy", "zzzblorp"]}, wheel=wheel).as_dict()
    assert with_oov["l1_f"] == pytest.approx(100.0)


def test_mer2026_word_forms_table_is_selectable(data_root):
    from calibration.emotion_wheel import load_wheel

    fixed = load_wheel(data_root / "emotion_wheel", "mer2026")
    assert fixed.format_file == "format-mer2026.csv"
    assert "aims" not in fixed.form_to_labels


def test_wheel_tables_load_once(data_root):
    from calibration.emotion_wheel import load_wheel

    assert load_wheel(data_root / "emotion_wheel") is load_wheel(data_root / "emotion_wheel")


# -- the wheel's word lookups --------------------------------------------------------------------
def test_a_wheel_shows_where_it_was_read_from_not_its_tables(wheel):
    # its repr was 305,443 characters (every table), and so was any Fuser(wheel=wheel)'s, clipped by scikit-learn
    assert repr(wheel) == f"EmotionWheel(directory={wheel.directory!r}, format_file='format.csv')"


def test_map_words_ignores_case_and_surrounding_spaces(wheel):
    assert wheel.map_words([" Happy ", "FURIOUS"], "wheel1_level1") == {"happy", "mad"}


def test_map_words_reads_a_label_string_as_its_words(wheel):
    assert wheel.map_words("Happy, furious", "wheel1_level1") == wheel.map_words(["happy", "furious"], "wheel1_level1")


def test_in_vocabulary_ignores_case_and_surrounding_spaces(wheel):
    assert wheel.in_vocabulary(" Happy ")


def test_a_wheels_classes_are_listed_alphabetically(wheel):
    assert wheel.classes("wheel1") == ["disgusted", "happy", "mad", "sad", "scared", "surprised"]


def test_a_label_given_as_the_official_text_is_read_as_its_words(wheel):
    # the official CSV form "['happy', 'sad']" is two words, not the letters of a string
    scores = evaluate({"s": "['happy', 'sad']"}, {"s": "[Happy, sad]"}, wheel=wheel)
    assert scores.n == 1 and scores.l1_f == pytest.approx(1.0)


def test_a_missing_value_read_from_a_table_is_no_words():
    # pandas reads an empty cell as NaN; it is no words, not the word 'nan'
    from calibration.ew_metric import official_words

    assert official_words(float("nan")) == []


def test_a_score_asked_of_metrics_not_computed_is_a_one_line_error_saying_so(wheel):
    from calibration.emotion_wheel import LEVEL1_METRICS
    from judges.errors import InputError

    scores = evaluate({"s1": ["happy"]}, {"s1": ["happy"]}, wheel=wheel, metrics=LEVEL1_METRICS)
    assert scores.l1_f == 1.0
    for ask in (lambda: scores.l2_f, lambda: scores.m_avg, scores.as_dict):
        with pytest.raises(InputError, match=r"was not computed \(only .*\); call evaluate\(\) without metrics="):
            ask()


def test_scoring_a_name_without_a_label_is_a_one_line_error(wheel):
    from judges.errors import InputError

    with pytest.raises(InputError, match=r"evaluate: 1 name\(s\) have no label, e.g. 'b'"):
        evaluate({"a": ["happy"]}, {"a": ["happy"], "b": ["sad"]}, ["a", "b"], wheel=wheel)


@pytest.mark.parametrize("labels, names, what", [({"a": ["happy"]}, [], "names"), ({}, None, "labels")])
def test_scoring_no_clip_at_all_is_a_one_line_error_not_a_score_of_zero(wheel, labels, names, what):
    # it returned every score 0.0 with n=0, as if the predictions had all been wrong
    from judges.errors import InputError

    with pytest.raises(InputError, match=rf"^evaluate: {what} is empty, so no clip would be scored; give the names of labelled clips"):
        evaluate(labels, {"a": ["happy"]}, names, wheel=wheel)


def test_scoring_a_clip_named_twice_is_a_one_line_error_naming_it(wheel):
    # it was scored twice, n=2 for one clip, weighing twice in every mean
    from judges.errors import InputError

    with pytest.raises(InputError, match=r"^evaluate: clip\(s\) 'a' given more than once in names; give each clip once$"):
        evaluate({"a": ["happy"], "b": ["sad"]}, {"a": ["happy"]}, ["a", "b", "a"], wheel=wheel)


def test_scoring_one_name_given_as_a_string_says_to_give_a_list(wheel):
    # evaluate(labels, preds, "a") read the name letter by letter: "1 name(s) have no label, e.g. 'a'", of a labelled clip
    from judges.errors import InputError

    with pytest.raises(InputError, match=r"^evaluate: names is one string, 'a'; give a list of clip names, e\.g\. \['a'\]"):
        evaluate({"a": ["happy"]}, {"a": ["happy"]}, "a", wheel=wheel)


def test_a_labels_or_predictions_files_path_is_refused_naming_the_reader(wheel):
    # a path as predictions was "AttributeError: 'PosixPath' object has no attribute 'get'"; as labels a TypeError
    from pathlib import Path

    from judges.errors import InputError

    with pytest.raises(InputError, match=r"^evaluate: predictions is a path, 'out-openset\.npz', not clip name -> words; read it first: "
                                         r"judges\.outputs\.read_judge_output\(path\)$"):
        evaluate({"a": ["happy"]}, Path("out-openset.npz"), wheel=wheel)
    with pytest.raises(InputError, match=r"^evaluate: labels is a path, 'dev\.csv', not clip name -> words; read it first: "
                                         r"calibration\.labels\.read_labels\(path\)$"):
        evaluate("dev.csv", {"a": ["happy"]}, ["a"], wheel=wheel)


def test_several_judges_outputs_given_as_predictions_are_refused_not_scored_zero(wheel):
    # {judge: {clip: words}} looked up no clip: every clip counted missing, and the judge scored 0
    from judges.errors import InputError

    with pytest.raises(InputError, match=r"^evaluate: predictions\['judge'\] is a mapping, not a clip's words: .* "
                                         r"e\.g\. evaluate\(labels, outputs\['judge'\], names\)$"):
        evaluate({"a": ["happy"]}, {"judge": {"a": ["happy"]}}, wheel=wheel)
