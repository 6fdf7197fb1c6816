"""Tuning: the decision knob is chosen where the cross-validated score holds up, not at a lone spike."""
from __future__ import annotations

import pytest

from calibration.emotion_wheel import LEVEL1_METRICS
from calibration.ew_metric import EWScores
from calibration.objectives import Objective
from calibration.tuning import _smoothed_best, tune_table
from ensemble.fuser import Fuser
from ensemble.majority_voter import MajorityVoter
from judges.errors import InputError
from tests.core_fixtures import toy_outputs


def _results(curve: dict[float, float]) -> list[dict]:
    rows = [{"params": {"C": 0.1, "lam": lam}, "score": score} for lam, score in curve.items()]
    return sorted(rows, key=lambda r: -r["score"])


def test_a_lone_spike_loses_to_a_plateau():
    curve = {0.3: 0.60, 0.4: 0.74, 0.5: 0.61, 0.6: 0.72, 0.7: 0.73, 0.8: 0.70}
    best = _smoothed_best(_results(curve), "lam", list(curve))
    assert best["params"]["lam"] == 0.7
    assert best["smoothed_score"] == pytest.approx((0.72 + 0.73 + 0.70) / 3)


def test_grid_ends_average_over_the_neighbours_they_have():
    curve = {0.3: 0.80, 0.4: 0.70, 0.5: 0.50}
    best = _smoothed_best(_results(curve), "lam", list(curve))
    assert best["params"]["lam"] == 0.3 and best["smoothed_score"] == pytest.approx((0.80 + 0.70) / 2)


def test_equal_neighbourhoods_go_to_the_better_point_whatever_the_row_order():
    # binary-exact scores: 0.4, 0.5 and 0.6 all average 0.625 with their neighbours
    curve = {0.4: 0.5, 0.5: 0.75, 0.6: 0.625, 0.7: 0.5}
    rows = [{"params": {"C": 0.1, "lam": lam}, "score": score} for lam, score in curve.items()]
    for ordered in (rows, rows[::-1]):
        best = _smoothed_best(list(ordered), "lam", list(curve))
        assert best["smoothed_score"] == 0.625 and best["params"]["lam"] == 0.5


def test_neighbours_share_the_other_parameters():
    rows = _results({0.4: 0.70, 0.5: 0.70, 0.6: 0.70}) + [{"params": {"C": 1.0, "lam": 0.5}, "score": 0.75}]
    best = _smoothed_best(rows, "lam", [0.4, 0.5, 0.6])
    # C=1.0 has no neighbours on the grid: its neighbourhood is itself
    assert best["params"] == {"C": 1.0, "lam": 0.5} and best["smoothed_score"] == 0.75


def test_without_smoothing_the_best_single_point_is_taken(wheel):
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    table = fuser.table(outputs, list(labels))
    result = tune_table(fuser, table, labels, {"threshold": [0.2, 0.4, 0.6, 0.8]}, folds=2, smooth=False)
    assert result.best_score == max(r["score"] for r in result.results)


def test_a_tuning_result_shows_its_choice_in_one_line_not_every_grid_point(wheel):
    # it showed every grid point's scores and the PR curve: 8 kB for the stacked voter's default grid of 30 points
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    result = tune_table(fuser, fuser.table(outputs, list(labels)), labels, {"threshold": [0.3, 0.5, 0.7]}, folds=2)
    assert len(result.results) == 3 and len(result.pr_curve) == 3
    assert repr(result) == (f"TuningResult(best_params={result.best_params!r}, best_score={result.best_score!r}, objective='l1_f', "
                            "knob='threshold', smoothed=True)")


def test_with_smoothing_the_chosen_point_has_the_best_neighbourhood(wheel):
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    table = fuser.table(outputs, list(labels))
    result = tune_table(fuser, table, labels, {"threshold": [0.2, 0.4, 0.6, 0.8]}, folds=2)
    chosen = next(r for r in result.results if r["params"] == result.best_params)
    assert chosen["smoothed_score"] == max(r["smoothed_score"] for r in result.results)
    assert result.best_score == chosen["score"]


def test_the_best_score_is_the_chosen_points_own_cross_validated_score_not_its_neighbourhoods_mean(wheel):
    # 0.6 is chosen (its one neighbour 0.4 adds a wrong word where 'lazy' said nothing), and scored on its own
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    result = tune_table(fuser, fuser.table(outputs, list(labels)), labels, {"threshold": [0.2, 0.4, 0.6]}, folds=2)
    chosen = next(r for r in result.results if r["params"] == result.best_params)
    assert result.best_params == {"threshold": 0.6} and chosen["smoothed_score"] < chosen["score"]
    assert result.best_score == chosen["score"] == 1.0


@pytest.mark.parametrize("repeats, objective", [(1, "l1_f"), (2, "l1_f"), (1, "m_avg")])
def test_every_grid_points_score_is_its_mean_over_the_seeded_folds_with_its_own_parameters(wheel, dev_labels, dev_names, outputs_dir, repeats, objective):
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import KFold, RepeatedKFold

    from calibration.ew_metric import evaluate
    from ensemble.stacked_voter import StackedVoter
    from judges.outputs import read_judge_output

    outputs = {f.parent.name: read_judge_output(f) for f in sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))[:3]}
    fuser = Fuser(StackedVoter(reliability_feature=False), oov="drop", wheel=wheel)
    table = fuser.table(outputs, dev_names)
    grid = {"C": [0.01, 1.0], "lam": [0.3, 0.7]}
    result = tune_table(fuser, table, dev_labels, grid, objective, folds=3, repeats=repeats, seed=7, smooth=False)
    splitter = KFold(3, shuffle=True, random_state=7) if repeats == 1 else RepeatedKFold(n_splits=3, n_repeats=repeats, random_state=7)
    for row in result.results:
        scores = []
        for train, test in splitter.split(np.arange(len(dev_names))):
            fitted = Fuser(clone(fuser.voter).set_params(**row["params"]), oov="drop", wheel=wheel).fit_table(table.subset(train), dev_labels)
            preds = {p.name: p.words for p in fitted.predict_table(table.subset(test))}
            scores.append(getattr(evaluate(dev_labels, preds, [dev_names[i] for i in test], wheel=wheel), objective))
        assert row["score"] == pytest.approx(np.mean(scores), abs=1e-12), row["params"]
    assert len({round(r["score"], 9) for r in result.results}) == 4  # C and lam both change the outcome
    curve_points = [{"C": result.best_params["C"], "lam": p["lam"]} for p in result.pr_curve]
    assert curve_points == [{"C": result.best_params["C"], "lam": lam} for lam in grid["lam"]]
    assert [p["score"] for p in result.pr_curve] == [next(r["score"] for r in result.results if r["params"] == cp) for cp in curve_points]


# -- the objective tuning maximises --------------------------------------------------------------
def _level1_scores(p: float, r: float):
    return EWScores(f={m: 0.0 for m in LEVEL1_METRICS}, p={m: p for m in LEVEL1_METRICS}, r={m: r for m in LEVEL1_METRICS}, n=1)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # F-beta = (1 + b^2) P R / (b^2 P + R) with P = 0.5, R = 1
        pytest.param("f2", 5 * 0.5 / (4 * 0.5 + 1), id="f2 = 2.5 / 3, recall weighs more"),
        pytest.param("f0.5", 1.25 * 0.5 / (0.25 * 0.5 + 1), id="f0.5 = 0.625 / 1.125, precision weighs more"),
    ],
)
def test_an_f_beta_objective_weighs_level1_precision_and_recall_by_beta_squared(name, expected):
    assert Objective(name).value(_level1_scores(p=0.5, r=1.0)) == pytest.approx(expected)


def test_an_f_beta_objective_is_zero_when_precision_and_recall_are():
    assert Objective("f2").value(_level1_scores(p=0.0, r=0.0)) == 0.0


@pytest.mark.parametrize("name", ["f0", "f0.0", "f00"])
def test_an_f_beta_objective_with_beta_zero_is_refused_as_precision_alone(name):
    with pytest.raises(InputError, match=r"F-beta needs beta > 0 \(f0 is precision alone\)"):
        Objective(name)


@pytest.mark.parametrize("name", ["f" + "9" * 400, "f1" + "0" * 200])
def test_an_f_beta_objective_whose_beta_squared_is_not_finite_is_refused(name):
    # --objective f999...9 (400 digits) read beta as inf, and its value at P = 0.5, R = 1 was nan; f1 and 200 zeros
    # was taken, and its value raised OverflowError (a traceback where tuning scores a fold)
    with pytest.raises(InputError, match=r"beta is too large to weigh by \(its square is not a finite number\); use e\.g\. f2"):
        Objective(name)


def test_an_f_beta_objective_whose_beta_squared_is_zero_is_refused_as_precision_alone():
    # f0 was refused, but f0.(199 zeros)1 was taken: beta squared underflows to 0, and its value is precision alone
    with pytest.raises(InputError, match=r"beta is too small to weigh by \(its square is 0, precision alone, as f0\); use e\.g\. f0\.5"):
        Objective("f0." + "0" * 199 + "1")


def test_an_unknown_objective_is_refused():
    with pytest.raises(InputError, match="unknown objective 'recall'"):
        Objective("recall")


def test_an_f_beta_objective_with_text_after_its_beta_is_refused_not_read_as_that_beta():
    with pytest.raises(InputError, match="unknown objective 'f2x'"):
        Objective("f2x")


def test_the_default_objective_is_the_headline_level1_f():
    assert Objective().name == "l1_f"


def test_a_knob_value_given_twice_in_the_grid_does_not_change_its_neighbours():
    # --grid threshold=0.3,0.5,0.5,0.7 must choose as threshold=0.3,0.5,0.7 (0.5's neighbours are 0.3 and 0.7)
    curve = {0.3: 0.70, 0.5: 0.74, 0.7: 0.60}
    rows = [{"params": {"threshold": t}, "score": s} for t, s in curve.items()]
    once = _smoothed_best([dict(r) for r in rows], "threshold", [0.3, 0.5, 0.7])
    twice = _smoothed_best([dict(r) for r in rows], "threshold", [0.3, 0.5, 0.5, 0.7])
    assert twice["params"] == once["params"] == {"threshold": 0.3}
    assert twice["smoothed_score"] == once["smoothed_score"] == pytest.approx(0.72)


def test_a_knobs_neighbours_are_the_next_values_up_and_down_whatever_order_the_grid_lists_them_in():
    # --grid threshold=0.7,0.3,0.5 must choose as threshold=0.3,0.5,0.7: 0.5's neighbours are 0.3 and 0.7, not 0.3 alone
    curve = {0.3: 0.60, 0.5: 0.70, 0.7: 0.72}
    rows = [{"params": {"threshold": t}, "score": s} for t, s in curve.items()]
    best = _smoothed_best([dict(r) for r in rows], "threshold", [0.7, 0.3, 0.5])
    assert best["params"] == {"threshold": 0.7} and best["smoothed_score"] == pytest.approx(0.71)


def test_a_fuser_left_to_its_default_voter_is_tuned_as_the_stacked_voter_it_fits(wheel):
    from ensemble.stacked_voter import StackedVoter

    outputs, labels = toy_outputs()
    grid = {"C": [0.1, 1.0], "lam": [0.4, 0.6]}
    default = Fuser(oov="drop", wheel=wheel)  # voter=None: Fuser fits a StackedVoter()
    table = default.table(outputs, list(labels))
    expected = tune_table(Fuser(StackedVoter(), oov="drop", wheel=wheel), table, labels, grid, folds=2)
    assert tune_table(default, table, labels, grid, folds=2).results == expected.results


def test_every_grid_points_precision_recall_words_and_spread_are_its_folds_own(wheel):
    # what the PR curve of the calibration file shows: level-1 precision and recall, words per clip, per grid point
    import numpy as np
    from sklearn.model_selection import KFold

    from calibration.ew_metric import evaluate

    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    names = list(labels)
    table = fuser.table(outputs, names)
    result = tune_table(fuser, table, labels, {"threshold": [0.2, 0.5, 0.8]}, folds=2, seed=3)
    assert len(result.results) == 3
    for row in result.results:
        p, r, f, words = [], [], [], []
        for train, test in KFold(2, shuffle=True, random_state=3).split(np.arange(len(names))):
            fitted = Fuser(MajorityVoter(**row["params"]), oov="drop", wheel=wheel).fit_table(table.subset(train), labels)
            preds = {q.name: q.words for q in fitted.predict_table(table.subset(test))}
            scores = evaluate(labels, preds, [names[i] for i in test], wheel=wheel)
            p.append(scores.l1_p), r.append(scores.l1_r), f.append(scores.l1_f), words.append(np.mean([len(w) for w in preds.values()]))
        assert (row["l1_p"], row["l1_r"]) == pytest.approx((np.mean(p), np.mean(r))), row["params"]
        assert row["words_per_clip"] == pytest.approx(np.mean(words)) and row["std"] == pytest.approx(np.std(f)), row["params"]
    assert any(row["l1_p"] != pytest.approx(row["l1_r"]) for row in result.results)  # precision and recall tell apart here
    assert [(c["threshold"], c["l1_p"], c["l1_r"], c["words_per_clip"]) for c in result.pr_curve] == [
        (row["params"]["threshold"], row["l1_p"], row["l1_r"], row["words_per_clip"]) for row in sorted(result.results, key=lambda x: x["params"]["threshold"])]


def test_a_grid_without_a_decision_knob_is_not_recorded_as_chosen_by_neighbourhood(wheel):
    from ensemble.stacked_voter import StackedVoter

    outputs, labels = toy_outputs()
    fuser = Fuser(StackedVoter(), oov="drop", wheel=wheel)
    result = tune_table(fuser, fuser.table(outputs, list(labels)), labels, {"C": [0.1, 1.0]}, folds=2)
    assert result.knob == "" and result.pr_curve == []
    assert result.smoothed is False and result.summary()["knob_by_neighbourhood"] is False


def test_with_a_threshold_decision_the_threshold_is_the_knob_of_a_stacked_voter(wheel):
    from ensemble.stacked_voter import StackedVoter

    outputs, labels = toy_outputs()
    fuser = Fuser(StackedVoter(decision="threshold"), oov="drop", wheel=wheel)
    result = tune_table(fuser, fuser.table(outputs, list(labels)), labels, {"C": [0.1], "threshold": [0.3, 0.5, 0.7]}, folds=2)
    assert result.knob == "threshold"
    assert [c["threshold"] for c in result.pr_curve] == [0.3, 0.5, 0.7]


def test_the_default_threshold_grid_runs_from_0_05_to_0_95_in_steps_of_0_05_and_the_stacked_grid_has_30_points():
    # an end of the grid is averaged with its one neighbour only, so the default reaches past the thresholds tuning picks;
    # docs/results.md times the stacked voter's default grid of 30 points (3 C x 10 lam)
    from calibration.tuning import default_grid

    thresholds = [round(0.05 * k, 3) for k in range(1, 20)]
    for strategy in ("majority", "weighted", "dawid-skene"):
        assert default_grid(strategy)["threshold"] == thresholds, strategy
    stacked = default_grid("stacked")
    assert stacked["lam"] == [round(0.3 + 0.05 * k, 3) for k in range(10)]
    assert len(stacked["C"]) * len(stacked["lam"]) == 30


def test_changing_a_default_grid_one_was_given_leaves_the_next_one_as_it_was():
    from calibration.tuning import default_grid

    grid = default_grid("weighted")
    grid["threshold"].append(0.99)
    grid["power"].clear()
    assert default_grid("weighted")["threshold"][-1] == 0.95 and default_grid("weighted")["power"] == [1.0, 2.0, 4.0]
