"""The honest estimate: fused vs the best single judge chosen on the training folds only."""
from __future__ import annotations

from collections.abc import Mapping

import pytest

from calibration.cross_validation import best_single_judge, cross_validate
from ensemble.fuser import Fuser
from ensemble.stacked_voter import StackedVoter
from judges.outputs import read_judge_output


@pytest.mark.slow
def test_stacked_fusion_of_the_ten_baselines_beats_the_best_single_judge(outputs_dir, dev_labels, dev_names, wheel):
    # measured with the full protocol (benchmarks/panel_cross_validation.py): +13.8 points, every fold won
    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))}
    cv = cross_validate(Fuser(StackedVoter(), oov="drop", wheel=wheel), outputs, dev_labels, dev_names,
                        grid={"C": [0.1], "lam": [0.5, 0.6]}, repeats=1, inner_folds=3)
    s = cv.summary()
    assert s["folds"] == 5 and s["folds_won"] == 5
    assert s["delta"] > 5.0
    assert 1.5 <= s["words_per_clip"] <= 5


def test_best_single_judge_is_chosen_on_the_given_names_only(outputs_dir, dev_labels, dev_names, wheel):
    outputs = {"affectgpt": read_judge_output(outputs_dir / "AffectGPT/checkpoint_000030_loss_0.602-openset.npz"),
               "qwen": read_judge_output(outputs_dir / "Qwen-Audio/output-reason-7b-subtitle-eng-openset.npz")}
    judge, score = best_single_judge(outputs, dev_labels, dev_names, wheel)
    assert judge == "affectgpt" and score == pytest.approx(0.6469, abs=1e-4)
    from calibration.ew_metric import evaluate

    def on(name: str, clip: str) -> float:
        return evaluate(dev_labels, outputs[name], [clip], wheel=wheel).l1_f

    qwen_better = [n for n in dev_names if on("qwen", n) > on("affectgpt", n)]
    assert qwen_better and best_single_judge(outputs, dev_labels, qwen_better, wheel)[0] == "qwen"


def test_the_mapped_baseline_scores_a_judges_words_after_the_fusions_word_mapping(wheel):
    # "gratitude" is no wheel word, so the metric drops it; the fusion attaches it to its nearest one
    from calibration.cross_validation import mapped_outputs

    table = Fuser(StackedVoter(), oov="attach", wheel=wheel).table({"j": {"c1": ["gratitude"], "c2": ["happy", "sad"]}}, ["c1", "c2"])
    mapped = mapped_outputs(table)["j"]
    assert not wheel.in_vocabulary("gratitude") and mapped["c1"] == ["thankful"]
    assert sorted(mapped["c2"]) == ["happy", "sad"]


def test_cross_validation_reports_the_delta_against_the_mapped_best_judge_too(dev_labels, dev_names, outputs_dir, wheel):
    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))[:3]}
    cv = cross_validate(Fuser(StackedVoter(), oov="drop", wheel=wheel), outputs, dev_labels, dev_names, repeats=1)
    s = cv.summary()
    assert len(cv.single_mapped) == 5
    assert s["delta_mapped"] == pytest.approx(s["fused_l1_f"] - s["mapped_single_l1_f"])


def test_a_clip_named_twice_is_refused_before_it_can_sit_in_a_training_and_its_held_out_fold(dev_labels, dev_names, outputs_dir, wheel):
    # names + names used to run and report 71.6 instead of 68.8 (delta +19.2 instead of +12.3) on panel A
    from calibration.tuning import tune_table
    from judges.errors import InputError

    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))[:2]}
    twice = list(dev_names) + list(dev_names[:3])
    fuser = Fuser(StackedVoter(), oov="drop", wheel=wheel)
    with pytest.raises(InputError, match=f"3 clip\\(s\\) given more than once, e.g. '{dev_names[0]}'"):
        cross_validate(fuser, outputs, dev_labels, twice, grid={"lam": [0.5]}, repeats=1)
    with pytest.raises(InputError, match="given more than once"):
        tune_table(fuser, fuser.table(outputs, twice), dev_labels, {"lam": [0.5]})


def test_cross_validate_without_a_grid_refuses_a_clip_named_twice_too(wheel):
    # with no inner tuning, nothing but cross_validate's own check stands between a clip and both sides of a fold
    from ensemble.majority_voter import MajorityVoter
    from judges.errors import InputError
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    with pytest.raises(InputError, match="1 clip\\(s\\) given more than once, e.g. 'c0'"):
        cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, labels, list(labels) + ["c0"], folds=2, repeats=1)


class _ReadLog(Mapping):
    """Labels that remember which clips were read, and in which phase of the protocol."""

    def __init__(self, labels) -> None:
        self.labels, self.phase, self.reads = labels, "other", []

    def __getitem__(self, name):
        self.reads.append((self.phase, name))
        return self.labels[name]

    def __iter__(self):
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)


def test_no_held_out_label_is_read_to_tune_fit_or_choose_the_best_judge(monkeypatch, dev_labels, dev_names, outputs_dir, wheel):
    import calibration.cross_validation as cv_module

    log = _ReadLog(dev_labels)
    calls: list[tuple[str, set[str], set[str]]] = []  # (phase, clips it was given, clips it read)

    def watched(phase, fn, names_of):
        def wrapper(*args, **kwargs):
            if log.phase != "other":  # called from inside another watched step: part of that step
                return fn(*args, **kwargs)
            start, log.phase = len(log.reads), phase
            try:
                return fn(*args, **kwargs)
            finally:
                calls.append((phase, set(names_of(*args)), {n for _, n in log.reads[start:]}))
                log.phase = "other"
        return wrapper

    monkeypatch.setattr(cv_module, "tune_table", watched("tune", cv_module.tune_table, lambda fuser, table, *a: table.names))
    monkeypatch.setattr(Fuser, "fit_table", watched("fit", Fuser.fit_table, lambda self, table, *a: table.names))
    monkeypatch.setattr(cv_module, "best_single_judge", watched("best", cv_module.best_single_judge, lambda outputs, labels, names, *a: names))
    monkeypatch.setattr(cv_module, "evaluate", watched("score", cv_module.evaluate, lambda labels, preds, names, *a: names))
    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))[:3]}
    cross_validate(Fuser(StackedVoter(), oov="drop", wheel=wheel), outputs, log, dev_names,
                   grid={"lam": [0.5, 0.6]}, repeats=1, inner_folds=3)
    folds, current = [], []
    for phase, given, read in calls:
        current.append((phase, given, read))
        if phase == "score" and sum(p == "score" for p, _, _ in current) == 3:  # fused, single, mapped single
            folds.append(current)
            current = []
    assert len(folds) == 5 and not current
    for fold in folds:
        held_out = set.union(*(given for phase, given, _ in fold if phase == "score"))
        assert all(given == held_out for phase, given, _ in fold if phase == "score")
        learned = [(phase, given, read) for phase, given, read in fold if phase != "score"]
        assert {phase for phase, _, _ in learned} == {"tune", "fit", "best"}
        for phase, given, read in learned:
            assert read <= given, f"{phase} read labels of clips it was not given"
            assert not given & held_out, f"{phase} was given held-out clips"


def test_each_outer_fold_fits_the_fusion_with_its_inner_choice(monkeypatch, dev_labels, dev_names, outputs_dir, wheel):
    import calibration.cross_validation as cv_module

    tuning, fitted_lams = [False], []
    real_tune, real_fit = cv_module.tune_table, Fuser.fit_table

    def tune(*args, **kwargs):
        tuning[0] = True
        try:
            return real_tune(*args, **kwargs)
        finally:
            tuning[0] = False

    def fit(self, *args, **kwargs):
        if not tuning[0]:
            fitted_lams.append(self.voter.lam)
        return real_fit(self, *args, **kwargs)

    monkeypatch.setattr(cv_module, "tune_table", tune)
    monkeypatch.setattr(Fuser, "fit_table", fit)
    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))[:2]}
    cv = cross_validate(Fuser(StackedVoter(lam=0.5), oov="drop", wheel=wheel), outputs, dev_labels, dev_names,
                        grid={"lam": [0.8]}, folds=2, repeats=2, inner_folds=2)
    assert len(cv.fused) == 4 and fitted_lams == [0.8] * 4 and [p["lam"] for p in cv.chosen_params] == [0.8] * 4


def test_a_grid_whose_values_are_a_generator_is_searched_in_every_outer_fold(wheel):
    # read once, up front: the second fold's inner tuning found no values to try
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    cv = cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, labels, list(labels),
                        grid={"threshold": (t for t in (0.4, 0.6))}, folds=2, repeats=1, inner_folds=2)
    assert len(cv.chosen_params) == 2 and all(p["threshold"] in (0.4, 0.6) for p in cv.chosen_params)


def test_each_outer_folds_inner_tuning_is_seeded_by_the_seed_plus_1000_plus_the_folds_number(monkeypatch, wheel):
    # the nested estimate of docs/results.md is reproduced from --seed alone: every fold's inner split is seeded apart
    import calibration.cross_validation as cv_module
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    seeds, real_tune = [], cv_module.tune_table

    def tune(*args, **kwargs):
        seeds.append(kwargs["seed"])
        return real_tune(*args, **kwargs)

    monkeypatch.setattr(cv_module, "tune_table", tune)
    outputs, labels = toy_outputs()
    cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), outputs, labels, list(labels), grid={"threshold": [0.5]},
                   folds=2, repeats=2, inner_folds=2, seed=5)
    assert seeds == [1005, 1006, 1007, 1008]


def test_words_per_clip_counts_a_held_out_clip_the_fusion_says_nothing_on_as_none(wheel):
    # 'lazy' answers c0-c3 with one word each and says nothing on c4-c7: half a word per clip, whatever the split
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    cv = cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), {"lazy": outputs["lazy"]}, labels, list(labels),
                        folds=2, repeats=3)
    assert cv.words_per_clip.mean() == pytest.approx(0.5) and cv.summary()["words_per_clip"] == pytest.approx(0.5)


def test_folds_won_counts_strict_wins_and_delta_min_is_the_worst_fold():
    import numpy as np

    from calibration.cross_validation import CrossValidation

    cv = CrossValidation(np.array([0.5, 0.6, 0.7]), np.array([0.5, 0.5, 0.8]), ["a", "a", "b"], np.array([2.0, 3.0, 4.0]))
    s = cv.summary()
    assert s["folds_won"] == 1 and s["delta_min"] == pytest.approx(-10.0) and s["words_per_clip"] == pytest.approx(3.0)
    assert "delta_mapped" not in s  # not measured


def test_the_mapped_baseline_is_scored_on_the_mapped_words_of_the_judge_it_names(dev_labels, dev_names, outputs_dir, wheel):
    import numpy as np
    from sklearn.model_selection import RepeatedKFold

    from calibration.cross_validation import mapped_outputs
    from calibration.ew_metric import evaluate
    from calibration.emotion_wheel import LEVEL1_METRICS

    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("AffectGPT/*-openset.npz"))[:2]}
    fuser = Fuser(StackedVoter(), oov="attach", wheel=wheel)
    cv = cross_validate(fuser, outputs, dev_labels, dev_names, folds=2, repeats=1, seed=3)
    mapped = mapped_outputs(fuser.table(outputs, dev_names))
    splits = RepeatedKFold(n_splits=2, n_repeats=1, random_state=3).split(np.arange(len(dev_names)))
    for (_, test), judge, score in zip(splits, cv.mapped_names, cv.single_mapped):
        held_out = [dev_names[i] for i in test]
        assert score == evaluate(dev_labels, mapped[judge], held_out, wheel=wheel, metrics=LEVEL1_METRICS).l1_f
        assert score != evaluate(dev_labels, outputs[judge], held_out, wheel=wheel, metrics=LEVEL1_METRICS).l1_f


def test_a_fuser_left_to_its_default_voter_is_cross_validated_with_the_stacked_voter_it_fits(dev_labels, dev_names, outputs_dir, wheel):
    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))[:3]}
    cv = cross_validate(Fuser(oov="drop", wheel=wheel), outputs, dev_labels, dev_names, grid={"C": [0.1, 0.3]}, repeats=1, inner_folds=3)
    assert len(cv.fused) == 5 and all(set(p) == {"C"} for p in cv.chosen_params)


def test_the_best_single_judge_is_chosen_and_scored_on_its_words_as_the_metric_reads_them(dev_labels, dev_names, outputs_dir, wheel):
    # the fusion may read a judge's text more leniently ('worried/uneasy' as two words) than the metric does
    outputs = {"affectgpt": read_judge_output(outputs_dir / "AffectGPT/checkpoint_000030_loss_0.602-openset.npz"),
               "qwen": read_judge_output(outputs_dir / "Qwen-Audio/output-reason-7b-subtitle-eng-openset.npz")}
    as_scored = {"affectgpt": {name: [] for name in outputs["affectgpt"]}, "qwen": outputs["qwen"], "extra": outputs["qwen"]}
    cv = cross_validate(Fuser(StackedVoter(lam=0.5), oov="drop", wheel=wheel), outputs, dev_labels, dev_names,
                        folds=2, repeats=1, single_outputs=as_scored)
    assert cv.single_names == ["qwen", "qwen"]


def test_single_outputs_without_one_of_the_panels_judges_is_refused(dev_labels, dev_names, outputs_dir, wheel):
    from judges.errors import InputError

    outputs = {"affectgpt": read_judge_output(outputs_dir / "AffectGPT/checkpoint_000030_loss_0.602-openset.npz")}
    with pytest.raises(InputError, match="single_outputs lacks judge"):
        cross_validate(Fuser(StackedVoter(lam=0.5), oov="drop", wheel=wheel), outputs, dev_labels, dev_names, folds=2, repeats=1, single_outputs={})


def test_a_judge_only_single_outputs_holds_is_never_the_best_single_judge(wheel):
    # the baseline is the panel's best judge: a better one outside the panel, in single_outputs only, is left out
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    panel = {"noisy": outputs["noisy"], "lazy": outputs["lazy"]}
    cv = cross_validate(Fuser(MajorityVoter(), oov="drop", wheel=wheel), panel, labels, list(labels), folds=2, repeats=1,
                        single_outputs={**panel, "oracle": labels})
    assert len(cv.single_names) == 2 and set(cv.single_names) <= set(panel)
    assert cv.single.max() < 1.0  # the oracle's perfect score is not the baseline


def test_the_summary_spreads_are_those_of_the_fused_single_and_delta_scores_per_fold():
    import numpy as np

    from calibration.cross_validation import CrossValidation

    fused, single = np.array([0.5, 0.7, 0.9]), np.array([0.6, 0.5, 0.7])
    s = CrossValidation(fused, single, ["a"] * 3, np.array([2.0, 2.0, 2.0])).summary()
    assert s["fused_std"] == pytest.approx(100 * fused.std()) and s["single_std"] == pytest.approx(100 * single.std())
    assert s["delta_std"] == pytest.approx(100 * np.std([-0.1, 0.2, 0.2])) and s["delta"] == pytest.approx(10.0)


def test_equally_good_judges_give_the_same_best_judge_whatever_their_order(wheel):
    labels = {"c1": ["happy"], "c2": ["sad"]}
    same = {"c1": ["happy"], "c2": ["angry"]}
    for outputs in ({"a": same, "b": same}, {"b": same, "a": same}):
        assert best_single_judge(outputs, labels, list(labels), wheel) == ("b", pytest.approx(0.5))


def test_a_judge_that_answered_none_of_the_clips_is_warned_about_and_none_answering_is_refused(dev_labels, dev_names, outputs_dir, wheel):
    # a file of other clips' names (a CSV of video stems) was cross-validated as a silent judge, and a panel of only such
    # files scored 0 in every fold, without a word
    from judges.errors import InputError

    affectgpt = read_judge_output(outputs_dir / "AffectGPT/checkpoint_000030_loss_0.602-openset.npz")
    fuser = Fuser(StackedVoter(lam=0.5), oov="drop", wheel=wheel)
    with pytest.warns(UserWarning, match=rf"^judge mine answered none of the {len(dev_names)} clips \(e\.g\. '{dev_names[0]}'; its file names "
                                         r"clips like 'clip1'\); it adds nothing"):
        cross_validate(fuser, {"affectgpt": affectgpt, "mine": {"clip1": ["happy"]}}, dev_labels, dev_names, folds=2, repeats=1)
    with pytest.raises(InputError, match=r"^cross_validate: no judge answered any of the \d+ clips \(e\.g\. '\w+'; the judges' outputs name "
                                         r"clips like 'clip1'\)"):
        cross_validate(fuser, {"mine": {"clip1": ["happy"]}}, dev_labels, dev_names, folds=2, repeats=1)


def test_the_best_single_judge_of_no_judges_is_a_one_line_error(wheel):
    # it was max()'s "ValueError: max() arg is an empty sequence"
    from judges.errors import InputError

    with pytest.raises(InputError, match=r"^best_single_judge: no judges' outputs to choose from"):
        best_single_judge({}, {"c1": ["happy"]}, ["c1"], wheel)


def test_two_panels_cross_validated_with_one_seed_hold_out_the_same_clips_so_their_folds_are_paired(wheel):
    # a leave-one-judge-out ablation subtracts per fold: its runs must score the same held-out clips
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    full = cross_validate(fuser, outputs, labels, list(labels), folds=2, repeats=2, seed=4)
    fewer = cross_validate(fuser, {"lazy": outputs["lazy"]}, labels, list(labels), folds=2, repeats=2, seed=4)
    other_seed = cross_validate(fuser, outputs, labels, list(labels), folds=2, repeats=2, seed=5)
    assert len(full.held_out) == 4 and full.held_out == fewer.held_out != other_seed.held_out
    assert all(sorted(full.held_out[r] + full.held_out[r + 1]) == sorted(labels) for r in (0, 2))  # each repeat: every clip once


def test_a_split_files_path_or_a_judges_path_in_single_outputs_is_refused_saying_to_read_it(wheel, tmp_path):
    # cross_validate(..., names=Path("dev.txt")) was "TypeError: 'PosixPath' object is not iterable", and a path in
    # single_outputs "AttributeError: 'PosixPath' object has no attribute 'get'" after the table was built
    from pathlib import Path

    from ensemble.majority_voter import MajorityVoter
    from judges.errors import InputError
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    split = tmp_path / "dev.txt"
    split.write_text("\n".join(labels) + "\n")
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    for names in (split, str(split)):
        with pytest.raises(InputError, match=r"^cross_validate: names is a file's path, '.*dev\.txt', not its clip names; read it first: "
                                             r"calibration\.labels\.read_split\(path\)"):
            cross_validate(fuser, outputs, labels, names, folds=2, repeats=1)
    with pytest.raises(InputError, match=r"^judge 'lazy': its outputs are a path \('lazy\.npz'\), not its words by clip; read the file first"):
        cross_validate(fuser, outputs, labels, list(labels), folds=2, repeats=1, single_outputs={**outputs, "lazy": Path("lazy.npz")})
