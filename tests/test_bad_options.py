"""Bad options and labels are one-line ``InputError``s, raised before any fitting."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from calibration.cross_validation import cross_validate
from calibration.tuning import tune_table
from ensemble.cli import main
from ensemble.cojudge import CoJudge
from ensemble.fuser import Fuser
from ensemble.majority_voter import MajorityVoter
from ensemble.score_union_fuser import ScoreUnionFuser
from ensemble.stacked_voter import StackedVoter
from ensemble.voter_base import DECISIONS, Rule
from ensemble.word_selection import select_by_threshold
from judges.errors import InputError
from judges.replay import ReplayJudge
from tests.core_fixtures import toy_outputs


def _tune(wheel, voter=None, labels=None, **kwargs):
    outputs, toy_labels = toy_outputs()
    fuser = Fuser(voter or MajorityVoter(), oov="drop", wheel=wheel)
    table = fuser.table(outputs, list(toy_labels))
    kwargs.setdefault("grid", {"threshold": [0.5]})
    return tune_table(fuser, table, toy_labels if labels is None else labels, folds=kwargs.pop("folds", 2), **kwargs)


def _csv(path, rows: dict[str, str]):
    path.write_text("name,openset\n" + "".join(f'{n},"{w}"\n' for n, w in rows.items()), encoding="utf-8")
    return str(path)


@pytest.fixture()
def files(tmp_path):
    """A labels CSV and two judges' outputs (name,openset CSVs) on eight clips."""
    outputs, labels = toy_outputs()
    return {"labels": _csv(tmp_path / "labels.csv", {n: str(w) for n, w in labels.items()}),
            "a": _csv(tmp_path / "a.csv", {n: str(w) for n, w in outputs["good"].items()}),
            "b": _csv(tmp_path / "b.csv", {n: str(w) for n, w in outputs["noisy"].items()})}


@pytest.mark.parametrize("folds", [0, 1])
def test_fewer_than_two_folds_is_refused(wheel, folds):
    with pytest.raises(InputError, match=f"folds={folds}: .*2 or more"):
        _tune(wheel, folds=folds)


@pytest.mark.parametrize("repeats", [0, -1])
def test_repeats_below_one_is_refused(wheel, repeats):
    with pytest.raises(InputError, match=f"repeats={repeats}: .*1 or more"):
        _tune(wheel, repeats=repeats)


def test_more_repeats_than_any_honest_use_needs_is_refused_not_run_for_days(wheel):
    # cojudge tune --repeats 1000000000 ran on, printing nothing, until Ctrl-C
    with pytest.raises(InputError, match="repeats=1001: .*at most 1000"):
        _tune(wheel, repeats=1001)


def test_more_folds_than_clips_is_refused(wheel):
    with pytest.raises(InputError, match="folds=9 but there are only 8 labelled clip"):
        _tune(wheel, folds=9)


@pytest.mark.parametrize("grid, message", [
    ({"lam": ["x"]}, r"grid lam='x': StackedVoter's lam must be a number in \[0, 1\]"),
    ({"C": [0]}, "grid C=0: StackedVoter's C must be a number > 0"),
    ({"C": [0.1, -1]}, "grid C=-1: StackedVoter's C must be a number > 0"),
    ({"max_words": [0]}, "grid max_words=0: StackedVoter's max_words must be a whole number >= 1"),
    ({"lam": 0.5}, "grid lam=0.5: give a list of values"),
    ({"lam": []}, "grid lam: no values to try; give at least one"),
    ({"lam": {0.4: 0.6}}, r"grid lam=\{0.4: 0.6\}: give a list of values"),  # a mapping's keys are not the values meant
])
def test_bad_grid_values_are_refused_before_fitting(wheel, grid, message):
    with pytest.raises(InputError, match=message):
        _tune(wheel, StackedVoter(), grid=grid)


def test_a_misspelt_grid_parameter_is_refused_naming_the_one_it_is_close_to(wheel):
    # '--grid lamb=0.5' listed every parameter StackedVoter has, leaving the user to spot lam among eight
    with pytest.raises(InputError, match=r"StackedVoter has no parameter\(s\) lamb \(did you mean lam\?\), zzz; it has C, decision, lam, "):
        _tune(wheel, StackedVoter(), grid={"lamb": [0.5], "zzz": [1]})


@pytest.mark.parametrize("voter, grid, message", [
    (StackedVoter(), {"threshold": [0.2, 0.4]}, "grid threshold: StackedVoter decides by expected_f, where threshold changes nothing; "
                                                "tune lam instead, or also grid decision=threshold"),
    (MajorityVoter(), {"lam": [0.3, 0.5]}, "grid lam: MajorityVoter decides by threshold, where lam changes nothing; "
                                           "tune threshold instead, or also grid decision=expected_f"),
])
def test_a_grid_over_a_knob_the_decision_does_not_use_is_refused_not_reported_as_tuned(wheel, voter, grid, message):
    # cojudge tune --strategy stacked --grid threshold=0.2,0.4 printed a flat curve and "chose threshold 0.2"
    with pytest.raises(InputError, match=message):
        _tune(wheel, voter, grid=grid)
    _tune(wheel, voter, grid={**grid, "decision": ["threshold", "expected_f"]})  # a grid over both decisions uses it


class _RelativeShareVoter(MajorityVoter):
    """A strategy of one's own with a decision of its own: the threshold applies to each clip's shares over its top share."""

    param_rules = {**MajorityVoter.param_rules, "decision": Rule("choice", choices=(*DECISIONS, "relative"))}

    def select(self, table, proba=None):
        if self.decision != "relative":
            return super().select(table, proba)
        proba = self._proba(table) if proba is None else proba
        relative = proba / np.maximum(proba.max(axis=1, keepdims=True), 1e-12)
        return [select_by_threshold(relative[i], cands, self.threshold, self.max_words) for i, cands in enumerate(table.candidates)]


def test_a_grid_over_the_threshold_of_a_voter_deciding_by_a_decision_of_its_own_is_tuned_not_refused(wheel):
    # only merov-cojudge's decisions are known to leave a knob unread; a strategy's own may read it
    result = _tune(wheel, _RelativeShareVoter(decision="relative"), grid={"threshold": [0.3, 0.6]})
    assert result.knob == "threshold" and len(result.pr_curve) == 2


def test_voter_fit_checks_its_parameters(wheel):
    with pytest.raises(InputError, match="StackedVoter: C must be a number > 0, got -1"):
        _tune(wheel, StackedVoter(C=-1), grid={"lam": [0.5]})


def test_a_voters_own_value_of_a_model_parameter_the_grid_searches_is_not_checked_as_the_grid_replaces_it(wheel):
    # StackedVoter(C=-1) is refused when fitted with it (above), but tuned over C=[0.1] it is never used
    result = _tune(wheel, StackedVoter(C=-1), grid={"C": [0.1]})
    assert result.best_params == {"C": 0.1}


def test_a_voter_number_too_large_for_a_float_is_refused_in_one_line(wheel):
    # StackedVoter(C=10**400) raised OverflowError from math.isfinite
    with pytest.raises(InputError, match="StackedVoter: C must be a number > 0, got 1000"):
        _tune(wheel, StackedVoter(C=10**400), grid={"lam": [0.5]})


def test_a_voter_whole_number_too_large_for_a_float_is_still_a_count(wheel):
    # StackedVoter(max_words=10**400) raised OverflowError; as a word limit it is no limit
    _tune(wheel, StackedVoter(max_words=10**400), grid={"lam": [0.5]})


def test_cross_validate_refuses_bad_inner_folds(wheel):
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    with pytest.raises(InputError, match="inner_folds=1"):
        cross_validate(fuser, outputs, labels, list(labels), grid={"threshold": [0.5]}, folds=2, repeats=1, inner_folds=1)


def test_cross_validate_refuses_inner_folds_the_smallest_outer_training_set_cannot_split(wheel):
    # 8 clips in 3 outer folds: the smallest training set holds 8 - 3 = 5 clips, too few for 6 inner folds
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    with pytest.raises(InputError, match=r"^inner_folds=6 but there are only 5 labelled clip\(s\) to split"):
        cross_validate(fuser, outputs, labels, list(labels), grid={"threshold": [0.5]}, folds=3, repeats=1, inner_folds=6)


def test_cross_validate_refuses_more_folds_than_clips(wheel):
    outputs, labels = toy_outputs()
    with pytest.raises(InputError, match="folds=9 but there are only 8 labelled clip"):
        cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, labels, list(labels), folds=9, repeats=1)


def test_cross_validate_refuses_a_clip_without_a_label(wheel):
    outputs, labels = toy_outputs()
    unlabelled = {n: w for n, w in labels.items() if n != "c3"}
    with pytest.raises(InputError, match="1 clip\\(s\\) have no label, e.g. 'c3'"):
        cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, unlabelled, list(labels), folds=2, repeats=1)


@pytest.mark.parametrize("change, message", [
    (lambda labels: {n: ["xyzzy"] for n in labels}, "no clip's ground truth maps to the emotion wheel"),  # every fold would score 0
    (lambda labels: {**labels, "c3": ["happy", 5]}, r"the label of 'c3' is \['happy', 5\]: give a list of emotion words"),
    (lambda labels: list(labels), "labels must map each sample name to its list of words"),  # not a TypeError from a fold
], ids=["no wheel word", "a word that is not text", "a list"])
def test_cross_validate_without_a_grid_refuses_the_labels_tuning_refuses_before_any_fold(wheel, change, message):
    outputs, labels = toy_outputs()
    with pytest.raises(InputError, match="^" + message):
        cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, change(labels), list(labels), folds=2, repeats=1)

@pytest.mark.parametrize("word", ["xyzzy", None])
def test_tuning_on_labels_with_no_wheel_word_is_refused(wheel, word):
    _, labels = toy_outputs()
    with pytest.raises(InputError, match="no clip's ground truth maps to the emotion wheel"):
        _tune(wheel, labels={n: ([word] if word else []) for n in labels})


def test_tuning_on_string_labels_is_refused(wheel):
    _, labels = toy_outputs()
    with pytest.raises(InputError, match=r"the label of 'c0' is 'happy': give a list of emotion words"):
        _tune(wheel, labels={n: w[0] for n, w in labels.items()})


@pytest.mark.parametrize("label", [["happy", 5], [b"happy"]], ids=["a number among its words", "bytes"])
def test_tuning_on_a_label_holding_a_word_that_is_not_text_is_refused(wheel, label):
    # else tuning ran, ClassSpace.targets skipping such a word: the clip learnt from its other words, or as having none
    _, labels = toy_outputs()
    with pytest.raises(InputError, match=rf"^the label of 'c0' is {re.escape(repr(label))}: give a list of emotion words"):
        _tune(wheel, labels={**labels, "c0": label})

@pytest.mark.parametrize("given", ["DataFrame", "path"])
def test_labels_given_as_a_dataframe_or_a_path_say_how_to_read_the_labels_file(wheel, given, tmp_path):
    # 'got a DataFrame' said what to give, not how a researcher holding pandas' read_csv of the labels gets it
    import pandas as pd

    _, labels = toy_outputs()
    rows = pd.DataFrame({"name": list(labels), "openset": [str(w) for w in labels.values()]})
    given_labels = rows if given == "DataFrame" else tmp_path / "labels.csv"
    with pytest.raises(InputError, match=r"^labels must map each sample name to its list of words, .*; got a \w+: "
                                         r"calibration\.labels\.read_labels\(path\) reads a name,openset CSV so$"):
        _tune(wheel, labels=given_labels)


def test_labels_given_as_the_csvs_texts_say_to_read_the_file_with_read_labels(wheel):
    # a dict of the CSV's cells ("['happy', 'sad']") was told only to give lists of words
    _, labels = toy_outputs()
    with pytest.raises(InputError, match=r"^the label of 'c0' is \"\['happy'\]\": give a list of emotion words, e\.g\. \['happy'\] "
                                         r"\(calibration\.labels\.read_labels\(path\) reads a name,openset CSV so, its label texts parsed\)$"):
        _tune(wheel, labels={n: str(w) for n, w in labels.items()})


@pytest.mark.parametrize("named", ["C{}", "c{}.mp4"])
def test_labels_named_otherwise_than_the_clips_show_the_labels_name_for_the_same_clip(wheel, named):
    # '8 clip(s) have no label, e.g. 'c0'' did not show that the labels call it 'C0' (or 'c0.mp4')
    _, labels = toy_outputs()
    renamed = {named.format(n[1:]): words for n, words in labels.items()}
    with pytest.raises(InputError, match=rf"^8 clip\(s\) have no label, e\.g\. 'c0' \(the labels name clips like "
                                         rf"{re.escape(repr(named.format(0)))}\); label them or use labelled clips only$"):
        _tune(wheel, labels=renamed)


def test_some_clips_without_a_label_are_named_without_a_labelled_clip_beside_them(wheel):
    _, labels = toy_outputs()
    with pytest.raises(InputError, match=r"^1 clip\(s\) have no label, e\.g\. 'c7'; label them or use labelled clips only$"):
        _tune(wheel, labels={n: w for n, w in labels.items() if n != "c7"})


def test_a_clip_without_a_label_is_not_shown_beside_a_labelled_clip_whose_name_differs_after_a_dot(wheel):
    # 'interview.part1' (the stem of interview.part1.mp4) was shown with "(the labels name clips like 'interview.part2')",
    # as if the labels named the same clip otherwise
    from calibration.tuning import check_labels
    from ensemble.class_space import ClassSpace

    with pytest.raises(InputError, match=r"^1 clip\(s\) have no label, e\.g\. 'interview\.part1'; label them or use labelled clips only$"):
        check_labels({"interview.part2": ["happy"]}, ["interview.part1", "interview.part2"], ClassSpace(wheel))


@pytest.mark.parametrize("option, named", [(["--folds", "0"], "--folds 0: "), (["--repeats", "0"], "--repeats 0: "),
                                           (["--grid", "lam=abc"], "lam='abc'"), (["--grid", "C=-1"], "C=-1")])
def test_cli_tune_bad_option_is_one_line_error(files, tmp_path, capsys, option, named):
    code = main(["tune", "--labels", files["labels"], "--judge", f"a={files['a']}", "--judge", f"b={files['b']}",
                 "--oov", "drop", "--out", str(tmp_path / "cal.json"), *option])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and named in err and "Traceback" not in err
    assert not (tmp_path / "cal.json").exists()


@pytest.mark.parametrize("option, named", [(["--folds", "9"], "--folds 9 but"), (["--repeats", "0"], "--repeats 0: "),
                                           (["--grid", "lam=2"], "lam=2"), (["--objective", "l2_f"], "l2_f")])
def test_cli_tune_refuses_a_bad_option_before_building_the_vote_table(files, tmp_path, capsys, monkeypatch, option, named):
    def slow_work(*args, **kwargs):
        raise AssertionError("the vote table (judge words embedded) was built before the options were checked")

    monkeypatch.setattr(Fuser, "table", slow_work)
    code = main(["tune", "--labels", files["labels"], "--judge", f"a={files['a']}", "--out", str(tmp_path / "cal.json"), *option])
    assert code == 2 and named in capsys.readouterr().err


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_evaluate_with_no_label_on_the_wheel_is_an_error(files, tmp_path, capsys):
    labels = _csv(tmp_path / "oov.csv", {f"c{i}": "['xyzzy']" for i in range(8)})
    code = main(["evaluate", "--labels", labels, "--pred", files["a"]])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "no clip's ground truth maps to the emotion wheel" in err and "oov.csv" in err


def test_evaluate_prediction_covering_no_clip_is_an_error(files, tmp_path, capsys):
    pred = _csv(tmp_path / "other.csv", {"zzz": "['happy']"})
    code = main(["evaluate", "--labels", files["labels"], "--pred", pred])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "other.csv" in err and "none of the 8" in err


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_evaluate_prediction_covering_some_clips_only_warns(files, tmp_path, capsys):
    pred = _csv(tmp_path / "some.csv", {"c0": "['happy']"})
    assert main(["evaluate", "--labels", files["labels"], "--pred", pred]) == 0
    assert "7 of the 8 scored samples have no prediction" in capsys.readouterr().err


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_evaluate_notes_the_predicted_clips_it_does_not_score_for_want_of_a_label(files, tmp_path, capsys):
    # a prediction for a misspelt clip name (or another split's clip) was dropped without a word
    pred = _csv(tmp_path / "pred.csv", {"c0": "['happy']", "c1": "['sad']", "c_typo": "['angry']", "zzz": "['sad']"})
    assert main(["evaluate", "--labels", files["labels"], "--pred", pred]) == 0
    assert f"note: {pred}: 2 of its 4 clips have no label in {files['labels']} (e.g. 'c_typo') and are not scored" in capsys.readouterr().err


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_evaluate_counts_missing_predictions_out_of_the_scored_clips_not_every_clip(files, tmp_path, capsys):
    # a clip whose ground truth maps to nothing is skipped, not scored as empty: on the dev split (232 clips, 231
    # scored) a prediction for one clip warned '230 of 232 samples have no prediction', though 231 of the 232 had none
    labels = _csv(tmp_path / "labels.csv", {"c0": "['happy']", "c1": "['sad']", "c2": "['angry']", "c3": "['xyzzy']"})
    pred = _csv(tmp_path / "some.csv", {"c0": "['happy']"})
    assert main(["evaluate", "--labels", labels, "--pred", pred]) == 0
    assert "2 of the 3 scored samples have no prediction; scored as empty" in capsys.readouterr().err


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_evaluate_says_which_labelled_clips_it_does_not_score_because_their_truth_names_no_wheel_word(tmp_path, capsys):
    # a user's own labels: an empty cell, Chinese words; n fell from 4 to 2 without a word
    labels = _csv(tmp_path / "labels.csv", {"c0": "['happy']", "c1": "['sad']", "c2": "", "c3": "['开心', '伤心']"})
    pred = _csv(tmp_path / "pred.csv", {"c0": "['happy']", "c1": "['sad']", "c2": "['sad']", "c3": "['happy']"})
    assert main(["evaluate", "--labels", labels, "--pred", pred]) == 0
    assert (f"note: {labels}: 2 of the 4 labelled clips are not scored: their ground truth names no emotion-wheel word "
            "(e.g. 'c2': no words); the official metric skips such clips") in capsys.readouterr().err


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_evaluate_scores_a_clip_given_twice_by_its_last_answer_as_the_official_code_does(files, tmp_path, capsys):
    # the official MER2024 code keeps a file's last entry for a clip; evaluate refused such a file
    once = _csv(tmp_path / "once.csv", {"c0": "['sad']"})
    twice = tmp_path / "twice.csv"
    twice.write_text("name,openset\nc0,['happy']\nc0,['sad']\n", encoding="utf-8")
    assert main(["evaluate", "--labels", files["labels"], "--pred", once, "--format", "json"]) == 0
    expected = capsys.readouterr().out
    assert main(["evaluate", "--labels", files["labels"], "--pred", str(twice), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert out == expected
    assert "cojudge evaluate: warning: " in err and "twice.csv: a clip is given again with another answer ('c0': lines 2 and 3)" in err


@pytest.fixture()
def cojudge(files):
    return CoJudge([ReplayJudge("a", files["a"]), ReplayJudge("b", files["b"])], strategy="majority", progress=False)


@pytest.mark.parametrize("item", [None, 5])
def test_cojudge_predict_of_a_non_clip_says_what_it_accepts(cojudge, item):
    with pytest.raises(InputError, match="CoJudge.predict: a clip is a Clip, a video path or a sample name"):
        cojudge.predict(item)


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_cojudge_fit_refuses_labels_that_are_not_a_mapping(cojudge):
    _, labels = toy_outputs()
    with pytest.raises(InputError, match="labels must map each sample name to its list of words"):
        cojudge.fit(list(labels), list(labels))


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_cojudge_fit_refuses_string_labels(cojudge):
    _, labels = toy_outputs()
    with pytest.raises(InputError, match="give a list of emotion words"):
        cojudge.fit(list(labels), {n: w[0] for n, w in labels.items()}, folds=2)


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_cojudge_fit_refuses_an_unknown_objective_before_the_judges_run(cojudge, monkeypatch):
    def judging(*args, **kwargs):
        raise AssertionError("the judges ran before the objective was checked")

    monkeypatch.setattr(cojudge, "run", judging)
    _, labels = toy_outputs()
    with pytest.raises(InputError, match="unknown objective 'l2_f'"):
        cojudge.fit(list(labels), labels, objective="l2_f", folds=2)


def test_cojudge_save_to_a_folder_is_an_error(cojudge, tmp_path):
    with pytest.raises(InputError, match="is a folder; give the calibration file's name"):
        cojudge.save(tmp_path)


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_cojudge_save_over_a_replayed_judges_output_is_refused_and_leaves_it_intact(cojudge, files):
    # CoJudge.save(path) wrote the calibration JSON over the .npz/.csv the judge replays, as 'cojudge tune --out' never does
    _, labels = toy_outputs()
    cojudge.fit(list(labels), labels, folds=2)
    before = open(files["a"], "rb").read()
    with pytest.raises(InputError, match=r"CoJudge\.save: .*a\.csv is the same file as judge a's path; writing it would destroy that"):
        cojudge.save(files["a"])
    assert open(files["a"], "rb").read() == before


def test_cojudge_save_refuses_the_files_of_the_wheel_it_was_fitted_with_not_only_the_data_folders(files, data_root, tmp_path):
    # a fusion fitted with a wheel of its own: save() guarded the data folder's wheel files and wrote over the ones it used
    import shutil

    from calibration.emotion_wheel import load_wheel

    wheel_dir = tmp_path / "my_wheel"
    shutil.copytree(data_root / "emotion_wheel", wheel_dir)
    for f in wheel_dir.iterdir():
        f.chmod(0o644)  # a wheel of one's own is writable: only the check can keep it
    fuser = Fuser(MajorityVoter(), wheel=load_wheel(wheel_dir))
    cojudge = CoJudge([ReplayJudge("a", files["a"]), ReplayJudge("b", files["b"])], fuser=fuser, progress=False)
    _, labels = toy_outputs()
    cojudge.fit(list(labels), labels, folds=2)
    before = (wheel_dir / "format.csv").read_bytes()
    with pytest.raises(InputError, match=r"CoJudge\.save: .*format\.csv is the same file as the emotion wheel's format\.csv"):
        cojudge.save(wheel_dir / "format.csv")
    assert (wheel_dir / "format.csv").read_bytes() == before


def test_min_support_error_names_the_option():
    with pytest.raises(InputError, match=r"min_support/threshold=5.0: .*\[0, 1\]"):
        ScoreUnionFuser(threshold=5.0).fit()


def test_a_true_or_false_min_support_is_refused_not_read_as_a_number():
    with pytest.raises(InputError, match="min_support/threshold=True"):
        ScoreUnionFuser(threshold=True).fit()


def _build(where: str, **options):
    """``where`` ("module:Class" or "module:function") called with ``options``."""
    import importlib

    module, name = where.split(":")
    return getattr(importlib.import_module(module), name)(**options)


@pytest.mark.parametrize("where, options", [
    ("judges.face_judge:FaceJudge", {"max_words": True}),
    ("judges.face_judge:FaceJudge", {"num_frames": True}),
    ("judges.text_lexicon_judge:TextLexiconJudge", {"max_words": True}),
    ("judges.lexical_extractor:LexicalExtractor", {"name": "x", "descriptions": {}, "negation_window": True}),
    ("judges.media:MediaSpec", {"num_frames": True}),
    ("judges.media:MediaSpec", {"sample_rate": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_concurrency": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_retries": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_unreachable": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_tokens": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "timeout": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "backoff": True}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "temperature": "0.2"}),
    ("judges.lmdeploy_judge:LMDeployJudge", {"model": "m", "tp": True}),
    ("judges.speech_to_text:SpeechToText", {"beam_size": True}),
    ("judges.runner:run_judges", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "clips": ["c"], "batch_size": True}),
    ("judges.runner:run_judges", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "clips": ["c"], "max_workers": True}),
    ("judges.ray_runner:run_judges_ray", {"judge_configs": [{"type": "replay", "name": "a", "labels": {"c": ["happy"]}}], "clips": ["c"],
                                          "batch_size": True}),
])
def test_a_true_or_false_or_text_is_refused_where_a_judge_option_wants_a_number(where, options):
    # bool is an int in Python: `max_words = true` in a TOML config was taken as 1 (and batch_size=True as 1 clip a batch)
    option, value = list(options.items())[-1]
    with pytest.raises(InputError, match=f"^{option}={value!r}: give "):
        _build(where, **options)


_REPLAY_RUN = {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "clips": ["c"], "progress": False}
_WHOLE_NUMBER_OPTIONS = [
    ("judges.face_judge:FaceJudge", {"max_words": 3}),
    ("judges.face_judge:FaceJudge", {"num_frames": 8}),
    ("judges.face_judge:FaceJudge", {"max_side": 640}),
    ("judges.text_lexicon_judge:TextLexiconJudge", {"max_words": 3}),
    ("judges.lexical_extractor:LexicalExtractor", {"name": "x", "descriptions": {}, "negation_window": 3}),
    ("judges.media:MediaSpec", {"num_frames": 8}),
    ("judges.media:MediaSpec", {"sample_rate": 16000}),
    ("judges.media:MediaSpec", {"max_side": 448}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_concurrency": 4}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_retries": 3}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_unreachable": 3}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "max_tokens": 64}),
    ("judges.speech_to_text:SpeechToText", {"beam_size": 1}),
    ("judges.speech_to_text:SpeechToText", {"cpu_threads": 2}),
    ("judges.runner:run_judges", {**_REPLAY_RUN, "batch_size": 8}),
    ("judges.runner:run_judges", {**_REPLAY_RUN, "max_workers": 2}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "batch_size": 8}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "max_workers": 2}),
]


@pytest.mark.parametrize("where, options", _WHOLE_NUMBER_OPTIONS)
def test_a_numpy_integer_is_taken_where_a_judge_option_wants_a_whole_number(where, options):
    # np.int64(8), a value from a grid or an array, was refused ("give a whole number"), as the voters' parameters take it
    option, value = list(options.items())[-1]
    built = _build(where, **{**options, option: np.int64(value)})
    if where == "judges.media:MediaSpec":  # kept as 8: the spec is part of a judge's JSON cache identity
        assert json.dumps(built.as_dict()) == json.dumps(_build(where, **options).as_dict())


@pytest.mark.parametrize("where, options", _WHOLE_NUMBER_OPTIONS)
@pytest.mark.parametrize("number", [8.5, 8.0, np.float32(8)])
def test_a_float_is_refused_where_a_judge_option_wants_a_whole_number(where, options, number):
    # 8.0 too, as the voters' whole-number parameters refuse it: a float where a count is due is a mistake to name
    option = list(options)[-1]
    with pytest.raises(InputError, match=f"^{re.escape(f'{option}={number!r}')}: give "):
        _build(where, **{**options, option: number})


@pytest.mark.parametrize("where, options", [
    ("judges.face_judge:FaceJudge", {"threshold": 0.3}),
    ("judges.text_lexicon_judge:TextLexiconJudge", {"relative_threshold": 0.5}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "timeout": 30.0}),
    ("judges.runner:run_judges", {**_REPLAY_RUN, "batch_timeout": 30.0}),
])
def test_a_numpy_float_is_taken_where_a_judge_option_wants_a_number(where, options):
    # run_judges(batch_timeout=np.float32(30)) was refused while the face judge's threshold took it
    option, value = list(options.items())[-1]
    _build(where, **{**options, option: np.float32(value)})


_FLOAT_OPTIONS = [  # every float option of a judge or a run (AffectGPT's timeout, the demo clip's seconds: their own tests)
    ("judges.face_judge:FaceJudge", {"threshold": 0.3}),
    ("judges.face_judge:FaceJudge", {"min_face": 0.08}),
    ("judges.face_judge:FaceJudge", {"margin": 0.1}),
    ("judges.face_judge:FaceJudge", {"min_face_share": 0.25}),
    ("judges.text_lexicon_judge:TextLexiconJudge", {"relative_threshold": 0.6}),
    ("judges.speech_text_judge:SpeechTextJudge", {"relative_threshold": 0.6}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "timeout": 120.0}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "backoff": 1.0}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "temperature": 0.0}),
    ("judges.runner:run_judges", {**_REPLAY_RUN, "batch_timeout": 30.0}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "batch_timeout": 30.0}),
]


@pytest.mark.parametrize("where, options", _FLOAT_OPTIONS)
@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf"), np.float32("nan")])
def test_nan_or_an_infinity_is_refused_where_a_judge_or_run_option_wants_a_number(where, options, number):
    # OpenAIJudge(temperature=nan) was taken, and sent to the server as NaN (not JSON); timeout=inf, backoff=inf,
    # FaceJudge(margin=inf) and run_judges(batch_timeout=inf) were taken too
    option = list(options)[-1]
    with pytest.raises(InputError, match=f"^{re.escape(f'{option}={number!r}')}: "):
        _build(where, **{**options, option: number})


@pytest.mark.parametrize("where, options", _FLOAT_OPTIONS)
def test_a_number_too_large_for_a_float_is_refused_where_a_judge_or_run_option_wants_a_number(where, options):
    # 10**400 raised OverflowError (int too large to convert to float) where checking for nan and inf, a traceback
    option = list(options)[-1]
    with pytest.raises(InputError, match=f"^{option}=10{{400}}: "):
        _build(where, **{**options, option: 10**400})


@pytest.mark.parametrize("where, options", [
    ("judges.face_judge:FaceJudge", {"threshold": 0.3}),
    ("judges.face_judge:FaceJudge", {"margin": 0.1}),
    ("judges.text_lexicon_judge:TextLexiconJudge", {"relative_threshold": 0.5}),
    ("judges.openai_judge:OpenAIJudge", {"model": "m", "temperature": 0.2}),
])
def test_a_numpy_float_judge_option_is_kept_as_a_float_in_the_judges_cache_identity(where, options):
    # OpenAIJudge(temperature=np.float32(0.2)) was taken, then every cached run refused it: "cache_identity() must hold
    # only JSON values ...: float32 value np.float32(0.2) is not JSON" (and the request's JSON could not hold it either)
    from judges.clip_hash import identity_hash

    option, value = list(options.items())[-1]
    built = _build(where, **{**options, option: np.float32(value)})
    assert identity_hash(built.cache_identity())
    assert type(built.cache_identity()[option]) is float


def test_a_score_union_fuser_takes_numpy_numbers_as_the_voters_do():
    # max_words=np.int64(3) was refused ("give a whole number") and threshold=np.float32(0.25) ("must be in [0, 1]")
    ScoreUnionFuser(threshold=np.float32(0.25), max_words=np.int64(3)).fit()


def test_a_true_or_false_max_words_is_refused_by_the_score_union_fuser():
    # max_words=True was taken as 1, as the judges' max_words once was
    with pytest.raises(InputError, match="^max_words=True: give a whole number"):
        ScoreUnionFuser(max_words=True).fit()


@pytest.mark.parametrize("where, options", [
    ("judges.runner:run_judges", {**_REPLAY_RUN, "progress": True}),
    ("judges.runner:run_judges", {**_REPLAY_RUN, "retry_failed": False}),
    ("judges.ray_runner:run_judges_ray", {"judge_configs": [{"type": "replay", "name": "a", "labels": {"c": ["happy"]}}], "clips": ["c"],
                                          "progress": True}),
    ("judges.ray_runner:run_judges_ray", {"judge_configs": [{"type": "replay", "name": "a", "labels": {"c": ["happy"]}}], "clips": ["c"],
                                          "retry_failed": False}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "progress": True}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "retry_failed": False}),
])
@pytest.mark.parametrize("value", ["false", 0, 1])
def test_a_quoted_false_or_a_number_is_refused_where_a_run_wants_true_or_false(where, options, value):
    # retry_failed="false" (a non-empty string) was read as true and judged every cached failure again
    option = list(options)[-1]
    with pytest.raises(InputError, match=f"^{option}={value!r}: give True or False$"):
        _build(where, **{**options, option: value})


@pytest.mark.parametrize("where, options", [
    ("judges.runner:run_judges", {**_REPLAY_RUN, "progress": True}),
    ("judges.runner:run_judges", {**_REPLAY_RUN, "retry_failed": False}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "progress": True}),
    ("ensemble.cojudge:CoJudge", {"judges": [ReplayJudge("a", labels={"c": ["happy"]})], "retry_failed": False}),
    ("judges.speech_to_text:SpeechToText", {"vad": True}),
    ("judges.speech_text_judge:SpeechTextJudge", {"use_subtitle": True}),
])
@pytest.mark.parametrize("value", [np.True_, np.False_])
def test_a_numpy_bool_is_taken_where_a_run_or_a_judge_wants_true_or_false(where, options, value):
    # run_judges(progress=np.True_) was refused ("give True or False") while a voter's flag took it
    option = list(options)[-1]
    _build(where, **{**options, option: value})


@pytest.mark.parametrize("where, options, identity", [
    ("judges.speech_text_judge:SpeechTextJudge", {"use_subtitle": False}, lambda judge: judge.cache_identity()["use_subtitle"]),
    ("judges.speech_to_text:SpeechToText", {"vad": False}, lambda speech: speech.identity()["vad"]),
])
def test_a_numpy_bool_judge_flag_is_kept_as_a_bool_in_the_judges_cache_identity(where, options, identity):
    # as a NumPy float option is kept as a float: np.False_ is not JSON, and the cache identity is
    from judges.clip_hash import identity_hash

    option = list(options)[-1]
    built = _build(where, **{option: np.False_})
    assert type(identity(built)) is bool
    if where.endswith("SpeechTextJudge"):
        assert identity_hash(built.cache_identity()) == identity_hash(_build(where, **options).cache_identity())


def test_tuning_takes_a_numpy_bool_smooth(wheel):
    assert _tune(wheel, smooth=np.False_, grid={"threshold": [0.4, 0.5]}).smoothed is False


@pytest.mark.usefixtures("data_root")  # the emotion wheel
def test_cojudge_fit_refuses_a_tune_that_is_not_true_or_false_before_the_judges_run(cojudge, monkeypatch):
    # tune="false" was read as true: the fusion was tuned
    monkeypatch.setattr(CoJudge, "run", lambda self, clips: pytest.fail("the judges ran"))
    _, labels = toy_outputs()
    with pytest.raises(InputError, match="^tune='false': give True or False$"):
        cojudge.fit(list(labels), labels, tune="false", folds=2)


def test_tuning_refuses_a_smooth_that_is_not_true_or_false(wheel):
    with pytest.raises(InputError, match="^smooth='false': give True or False$"):
        _tune(wheel, smooth="false")


@pytest.mark.parametrize("flag", ["smooth", "progress"])
def test_cross_validate_refuses_a_flag_that_is_not_true_or_false(wheel, flag):
    outputs, labels = toy_outputs()
    with pytest.raises(InputError, match=f"^{flag}=0: give True or False$"):
        cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, labels, list(labels), folds=2, repeats=1, **{flag: 0})


def test_a_max_words_of_zero_is_refused():
    with pytest.raises(InputError, match="max_words=0"):
        ScoreUnionFuser(max_words=0).fit()


def test_a_true_or_false_max_words_of_the_untrained_fusion_is_refused_not_read_as_one():
    # bool is an int in Python: ScoreUnionFuser(max_words=True) kept one word a clip
    with pytest.raises(InputError, match=r"^max_words=True: give a whole number"):
        ScoreUnionFuser(max_words=True).fit()


def test_an_unknown_wheel_name_is_refused():
    with pytest.raises(InputError, match="wheel='mywheel'"):
        ScoreUnionFuser(wheel="mywheel").fit()


@pytest.mark.parametrize("wheel", [5, ["wheel1"], np.zeros(2)])
def test_a_wheel_that_is_neither_a_wheel_nor_a_name_is_refused_naming_the_choices(wheel):
    # wheel=5 passed the check and failed in ClassSpace: AttributeError: 'int' object has no attribute 'classes'
    with pytest.raises(InputError, match=f"^{re.escape(f'wheel={wheel!r}')}: give an EmotionWheel, 'auto' or None$"):
        ScoreUnionFuser(wheel=wheel).fit()


def test_an_option_a_command_does_not_take_is_refused_by_that_command_with_the_option_meant(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["predict", "--min_support", "0.3", "clip.mp4"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith("usage: cojudge predict ")
    assert err.strip().endswith("cojudge predict: error: unrecognized arguments: --min_support (did you mean --min-support?)")


def test_a_video_whose_name_starts_with_a_dash_is_refused_saying_how_to_give_it(capsys, tmp_path, monkeypatch):
    # 'cojudge predict *' in a folder holding -clip.mp4 said: unrecognized arguments: -clip.mp4; see cojudge predict --help
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-clip.mp4").write_bytes(b"")
    assert refused(capsys, ["predict", "-clip.mp4", "other.mp4"]).endswith(
        "cojudge predict: error: unrecognized arguments: -clip.mp4; -clip.mp4 is a file, read as an option for its leading '-': "
        "give it as ./-clip.mp4, or give the files after --")


def test_an_unquoted_judge_glob_the_shell_expanded_is_refused_naming_five_files_and_saying_to_quote_it(capsys, tmp_path, monkeypatch):
    # 'cojudge fuse --judge-glob outputs/*.npz' unquoted listed every file the shell gave after the first, then told to give
    # each as ./FILE 'for its leading -', which none had
    monkeypatch.chdir(tmp_path)
    files = [f"j{i}.npz" for i in range(8)]
    for name in files:
        (tmp_path / name).write_bytes(b"")
    assert refused(capsys, ["fuse", "--calibration", "c.json", "--out", "p.csv", "--judge-glob", *files]).endswith(
        "cojudge fuse: error: unrecognized arguments: j1.npz, j2.npz, j3.npz, j4.npz, j5.npz and 2 more; 7 of them are files, as a "
        "pattern the shell expanded gives them: quote the pattern (--judge-glob 'folder/*.npz') so that the option gets it whole")


def test_an_unquoted_pattern_given_to_an_option_of_one_file_is_refused_saying_it_takes_one_file(capsys, tmp_path, monkeypatch):
    # 'cojudge evaluate --labels a*.csv' (a1.csv, a2.csv) was told to quote the pattern, as --judge-glob's: --labels 'a*.csv'
    # is then no file at all
    monkeypatch.chdir(tmp_path)
    for name in ("a1.csv", "a2.csv"):
        (tmp_path / name).write_bytes(b"")
    assert refused(capsys, ["evaluate", "--labels", "a1.csv", "a2.csv", "--pred", "p.csv"]).endswith(
        "cojudge evaluate: error: unrecognized arguments: a2.csv; 1 of them is a file, as a pattern the shell expanded gives "
        "them: --labels takes one file; give one")


def test_a_file_after_an_option_that_takes_no_file_is_refused_saying_to_give_it_after_its_option(capsys, tmp_path, monkeypatch):
    # 'cojudge evaluate ... --format json a2.csv' was told to quote a pattern ('folder/*.npz'), as if --format took files
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a2.csv").write_bytes(b"")
    assert refused(capsys, ["evaluate", "--labels", "l.csv", "--pred", "p.csv", "--format", "json", "a2.csv"]).endswith(
        "cojudge evaluate: error: unrecognized arguments: a2.csv; 1 of them is a file, which no option takes: give each file "
        "after its option (see cojudge evaluate --help)")


def test_a_commands_option_given_before_the_command_is_refused_by_cojudge_saying_where_it_goes(capsys):
    # 'cojudge --quiet predict clip.mp4' said: cojudge predict: error: unrecognized arguments: --quiet (did you mean --quiet?)
    with pytest.raises(SystemExit) as exited:
        main(["--quiet", "predict", "clip.mp4"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith("usage: cojudge [-h] COMMAND ...")
    assert err.strip().endswith("unrecognized arguments: --quiet; give a command's options after it: cojudge predict --quiet ...")


def test_an_option_given_before_the_command_is_an_error_line_naming_the_command_as_its_other_errors_do(capsys):
    # 'cojudge --quiet predict clip.mp4' said 'cojudge: error: ...', 'cojudge predict clip.mp4 --bogus' 'cojudge predict: error: ...'
    assert refused(capsys, ["--quiet", "predict", "clip.mp4"]).splitlines()[-1].startswith(
        "cojudge predict: error: unrecognized arguments: --quiet;")


def test_an_option_and_its_value_given_before_the_command_are_refused_saying_where_they_go(capsys):
    # 'cojudge --quiet --format csv tune ...' said "cojudge: error: argument COMMAND: invalid choice: 'csv'": the option's value
    # was taken for the command
    assert refused(capsys, ["--quiet", "--format", "csv", "tune", "--labels", "l.csv"]).splitlines()[-1] == (
        "cojudge tune: error: unrecognized arguments: --quiet --format csv; tune takes no option --quiet (see cojudge tune --help)")
    assert refused(capsys, ["--format", "csv", "tune", "--labels", "l.csv"]).splitlines()[-1] == (
        "cojudge tune: error: unrecognized arguments: --format csv; give a command's options after it: cojudge tune --format csv ...")


def refused(capsys, argv: list[str]) -> str:
    """The stripped stderr of ``cojudge ARGV``, which must exit with status 2 (a usage error)."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    return capsys.readouterr().err.strip()


def test_an_option_and_its_value_given_without_a_command_are_refused_naming_the_commands_that_take_the_option(capsys):
    # 'cojudge --format csv' said "argument COMMAND: invalid choice: 'csv'": the option's value was taken for the command
    assert refused(capsys, ["--format", "csv"]).splitlines()[-1] == (
        "cojudge: error: unrecognized arguments: --format csv; give a command, then its options: cojudge COMMAND --format csv ... "
        "(--format is an option of evaluate, tune and predict)")


def test_an_options_value_that_is_a_command_name_is_not_taken_for_the_command(capsys):
    # 'cojudge --out fuse predict clip.mp4' was run as 'cojudge fuse', which said --calibration and --out were required
    assert refused(capsys, ["--out", "fuse", "predict", "clip.mp4"]).splitlines()[-1] == (
        "cojudge predict: error: unrecognized arguments: --out fuse; give a command's options after it: cojudge predict --out fuse ...")


def test_options_no_command_takes_given_without_a_command_are_refused_pointing_at_the_help(capsys):
    assert refused(capsys, ["--bogus", "csv"]).splitlines()[-1] == "cojudge: error: unrecognized arguments: --bogus csv; see cojudge --help"


def test_a_misspelt_command_is_refused_with_the_command_meant(capsys):
    assert refused(capsys, ["evalute", "--labels", "l.csv"]).splitlines()[-1] == (
        "cojudge: error: argument COMMAND: invalid choice: 'evalute' (did you mean 'evaluate'? "
        "choose from 'evaluate', 'tune', 'fuse', 'predict')")


@pytest.mark.parametrize("option", ["--config", "--calibration", "--out", "--subtitle"])
def test_an_optional_path_given_as_empty_text_is_refused_not_read_as_left_out(option, tmp_path, capsys):
    # 'cojudge predict clip.mp4 --config "$CONFIG"', the variable unset, ran the default judges without a word (--calibration:
    # the untrained fusion; --out: no file written)
    (tmp_path / "clip.mp4").write_bytes(b"")
    assert main(["predict", str(tmp_path / "clip.mp4"), option, ""]) == 2
    assert capsys.readouterr().err == (f"cojudge predict: error: {option} is given as '' (empty: an unset shell variable?); "
                                       "give its value, or leave it out\n")


def test_a_required_option_given_as_empty_text_is_refused_without_saying_to_leave_it_out(files, capsys):
    assert main(["evaluate", "--labels", "", "--pred", files["a"]]) == 2
    assert capsys.readouterr().err == "cojudge evaluate: error: --labels is given as '' (empty: an unset shell variable?); give its value\n"


def test_an_empty_names_file_path_is_refused_not_read_as_every_labelled_clip(files, capsys):
    assert main(["evaluate", "--labels", files["labels"], "--pred", files["a"], "--names", ""]) == 2
    assert "error: --names is given as '' (empty: an unset shell variable?)" in capsys.readouterr().err


def test_a_repeated_option_given_once_as_empty_text_is_refused(files, tmp_path, capsys):
    assert main(["tune", "--labels", files["labels"], "--judge", f"a={files['a']}", "--judge", "", "--out", str(tmp_path / "c.json")]) == 2
    assert "cojudge tune: error: --judge is given as ''" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()


def test_an_option_the_command_does_not_take_given_before_it_is_refused_naming_the_commands_help(capsys):
    # 'cojudge -x predict clip.mp4' was told to write 'cojudge predict -x ...', which predict then refused
    assert refused(capsys, ["--quiet", "-x", "predict", "clip.mp4"]).splitlines()[-1] == (
        "cojudge predict: error: unrecognized arguments: --quiet -x; predict takes no option -x (see cojudge predict --help)")
