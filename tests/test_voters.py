"""Voting strategies: scikit-learn estimators that turn votes into emotion words."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from calibration.emotion_wheel import WHEELS, load_wheel
from calibration.ew_metric import level1_f_of_classes
from ensemble.class_space import ClassSpace
from ensemble.dawid_skene_voter import DawidSkeneVoter
from ensemble.majority_voter import MajorityVoter
from ensemble.stacked_voter import StackedVoter
from ensemble.weighted_voter import WeightedVoter
from judges.errors import InputError
from ensemble.vote_table import VoteTable
from tests.core_fixtures import toy_outputs, toy_table

ALL = [MajorityVoter, WeightedVoter, DawidSkeneVoter, StackedVoter]


@pytest.fixture(scope="module")
def space(wheel):
    return ClassSpace(wheel)


@pytest.fixture(scope="module")
def toy(space):
    table, labels = toy_table(space)
    return table, labels, space.targets(labels, table.names)


@pytest.mark.parametrize("cls", ALL)
def test_voters_follow_sklearn_conventions(cls):
    voter = cls()
    params = voter.get_params()
    assert params and clone(voter).get_params() == params
    assert not any(k.endswith("_") for k in vars(voter))


@pytest.mark.parametrize("cls", ALL)
def test_every_parameter_round_trips_through_clone_and_set_params_and_shows_in_repr(cls):
    unusual = {"threshold": 0.37, "lam": 0.33, "max_words": 4, "power": 3.0, "smoothing": 0.5, "pooling": 2.0, "em_iterations": 7,
               "C": 0.7, "share_features": False, "reliability_feature": False, "reliability_scale": 0.2}
    defaults = cls().get_params()
    params = {k: unusual.get(k, "threshold" if defaults[k] == "expected_f" else "expected_f") for k in defaults}
    voter = cls(**params)
    assert clone(voter).get_params() == params and cls().set_params(**params).get_params() == params
    assert all(f"{k}={v!r}" in " ".join(repr(voter).split()) for k, v in params.items())


#: scikit-learn's estimator checks that read only the parameters, not a fit on its arrays: the others fit on numeric X,
#: which a voter refuses (it takes a VoteTable); their VoteTable counterparts are the clone, pickle and refit tests here
PARAMETER_CHECKS = ["check_estimator_cloneable", "check_estimator_repr", "check_estimator_tags_renamed", "check_valid_tag_types",
                    "check_no_attributes_set_in_init", "check_get_params_invariance", "check_set_params",
                    "check_parameters_default_constructible", "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order"]


@pytest.mark.parametrize("check", PARAMETER_CHECKS)
@pytest.mark.parametrize("cls", ALL)
def test_voters_pass_sklearns_estimator_checks_of_their_parameters(cls, check):
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)(cls.__name__, cls())  # each raises an AssertionError naming what fails


@pytest.mark.parametrize("cls", ALL)
def test_set_params_with_a_misspelt_name_is_a_one_line_error_saying_the_name_meant(cls):
    # it was scikit-learn's "Invalid parameter 'lamb' for estimator ...", which named every parameter but not the one meant
    with pytest.raises(InputError, match=rf"^{cls.__name__}\.set_params has no parameter\(s\) lamb \(did you mean lam\?\); it has .*threshold"):
        cls().set_params(lamb=0.6)


def test_set_params_of_a_nested_name_under_a_plain_value_is_a_one_line_error_not_an_attribute_error():
    from ensemble.fuser import Fuser
    from ensemble.stacked_voter import StackedVoter

    # Fuser(...).set_params(voter__C__x=1) raised scikit-learn's AttributeError: 'float' object has no attribute 'set_params'
    with pytest.raises(InputError, match=r"^StackedVoter\.set_params: C__x names a parameter of C, but C is 0\.1, which has none; "
                                         r"set C=\.\.\. itself$"):
        Fuser(StackedVoter()).set_params(voter__C__x=1)


@pytest.mark.parametrize("cls", ALL)
def test_a_voter_fitted_again_on_other_judges_predicts_as_one_fitted_on_them_alone(cls, toy):
    table, _, Y = toy
    two = table.judge_subset(["good", "noisy"])
    again = cls(threshold=0.3).fit(table, Y).fit(two, Y)
    np.testing.assert_array_equal(again.predict_proba(two), cls(threshold=0.3).fit(two, Y).predict_proba(two))
    assert again.judges_ == ["good", "noisy"]


@pytest.mark.parametrize("cls", ALL)
def test_a_pickled_fitted_voter_predicts_what_it_did(cls, toy):
    import pickle

    table, _, Y = toy
    voter = cls(threshold=0.3).fit(table, Y)
    restored = pickle.loads(pickle.dumps(voter))
    assert restored.predict(table) == voter.predict(table)
    np.testing.assert_array_equal(restored.predict_proba(table), voter.predict_proba(table))


@pytest.mark.parametrize("cls", ALL)
def test_each_voters_docstring_example_runs_on_its_own_as_pasted_into_a_session(cls, wheel):
    # doctests run in the module's namespace: StackedVoter's example used VoteTable without importing it
    import doctest

    (example,) = doctest.DocTestFinder(recurse=False).find(cls, cls.__name__, globs={})
    assert example.examples
    result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(example, out=lambda _: None)
    assert result.failed == 0


@pytest.mark.parametrize("cls", ALL)
def test_probabilities_are_per_sample_and_class(cls, toy):
    table, labels, Y = toy
    proba = cls().fit(table, Y).predict_proba(table)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()


def test_majority_keeps_what_most_judges_said(toy):
    table, labels, Y = toy
    words = MajorityVoter(threshold=0.6).fit(table).predict(table)
    assert words[0] == ["happy"] and words[1] == ["angry"]


def test_majority_threshold_trades_recall_for_precision(toy):
    table, _, _ = toy
    loose = MajorityVoter(threshold=0.3).fit(table).predict(table)
    strict = MajorityVoter(threshold=0.9).fit(table).predict(table)
    assert sum(map(len, loose)) > sum(map(len, strict))


def test_k_of_n_keeps_a_word_exactly_k_judges_said_though_its_classes_mean_rounds_below_k_over_n(space):
    # 7 of 10 judges: each of the word's three classes has share 0.7, whose float mean is 0.6999999999999998
    assert len(space.signature("absurd")) == 3
    outputs = {f"j{i}": {"s1": ["absurd"] if i < 7 else []} for i in range(10)}
    table = VoteTable.build(outputs, ["s1"], space)
    assert MajorityVoter(threshold=0.7).fit(table).predict(table) == [["absurd"]]
    assert MajorityVoter(threshold=0.8).fit(table).predict(table) == [[]]


def test_majority_by_default_keeps_a_word_half_the_judges_said(space):
    table = VoteTable.build({"a": {"s": ["happy"]}, "b": {"s": ["sad"]}}, ["s"], space)
    assert sorted(MajorityVoter().fit(table).predict(table)[0]) == ["happy", "sad"]


def test_majority_shares_count_only_the_judges_that_answered_the_clip(space):
    # b gave no verdict on s, so a's word is said by every answering judge
    table = VoteTable.build({"a": {"s": ["happy"]}, "b": {"s": None}}, ["s"], space)
    assert MajorityVoter(threshold=1.0).fit(table).predict(table) == [["happy"]]


def test_weighted_voter_trusts_the_precise_judge_more(toy):
    table, _, Y = toy
    voter = WeightedVoter().fit(table, Y)
    good, noisy = table.judges.index("good"), table.judges.index("noisy")
    assert voter.weights_[good] > voter.weights_[noisy]


def test_fitting_a_weighted_voter_without_labels_is_a_one_line_error_not_equal_weights(toy):
    # it gave every judge weight 1 without a word: majority voting at the weighted voter's threshold
    table, _, _ = toy
    with pytest.raises(InputError, match=r"WeightedVoter.fit: it learns from labels, and got none; call fit\(table, Y\)"):
        WeightedVoter().fit(table)


def test_a_judge_that_answered_no_clip_gets_no_weight_even_without_smoothing(space):
    outputs, labels = toy_outputs()
    names = list(labels)
    Y = space.targets(labels, names)
    with_absent = VoteTable.build({**outputs, "absent": {}}, names, space)
    voter = WeightedVoter(smoothing=0).fit(with_absent, Y)
    assert np.isfinite(voter.predict_proba(with_absent)).all()
    alone = VoteTable.build(outputs, names, space)
    assert voter.predict(with_absent) == WeightedVoter(smoothing=0).fit(alone, Y).predict(alone)


def test_a_judge_is_not_counted_wrong_on_clips_it_gave_no_verdict_on(space):
    # b answered s1 only, rightly: as reliable as a, right on both
    labels = {"s1": ["happy"], "s2": ["sad"]}
    table = VoteTable.build({"a": dict(labels), "b": {"s1": ["happy"], "s2": None}}, list(labels), space)
    voter = WeightedVoter(smoothing=0).fit(table, space.targets(labels, list(labels)))
    assert voter.weights_.tolist() == [1.0, 1.0]


def test_a_class_every_answering_judge_voted_for_has_weighted_share_one_however_small_their_weights(space):
    # both judges miss 'sad', so their weights are (2 * 2 + 1) / (2 + 4 + 2) squared, 0.39 each: their sum is below 1
    labels = {"s1": ["happy", "sad"], "s2": ["happy", "sad"]}
    table = VoteTable.build({j: {n: ["happy"] for n in labels} for j in "ab"}, list(labels), space)
    proba = WeightedVoter().fit(table, space.targets(labels, list(labels))).predict_proba(table)
    np.testing.assert_allclose(proba[:, list(space.signature("happy"))], 1.0)


def test_dawid_skene_learns_false_alarm_rates(toy, space):
    table, _, Y = toy
    voter = DawidSkeneVoter().fit(table, Y)
    sad = [k for k, (w, c) in enumerate(space.classes) if w == "wheel1" and c == "sad"][0]
    assert voter.false_alarm_[table.judges.index("noisy"), sad] > voter.false_alarm_[table.judges.index("good"), sad]


def test_dawid_skene_runs_without_labels(toy):
    table, _, _ = toy
    words = DawidSkeneVoter(em_iterations=5).fit(table).predict(table)
    assert words[0] == ["happy"]


class _Classes:
    """A class space of ``n`` classes, as the voters' fitting reads one (its size): synthetic votes need no wheel."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n


def _synthetic_panel(
    seed: int = 0, clips: int = 300, classes: int = 20, missing: float = 0.0
) -> tuple[VoteTable, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Votes drawn from known rates: 8 judges with hit rates 0.3-0.9 and false-alarm rates 0.2-0.01 (each judge better
    than the last), class priors 0.05-0.4, a share ``missing`` of (clip, judge) verdicts absent. Returns the table, the
    true class indicators and the true hit rates, false-alarm rates and priors."""
    rng = np.random.default_rng(seed)
    hit, false_alarm = np.linspace(0.3, 0.9, 8), np.linspace(0.2, 0.01, 8)
    prior = rng.uniform(0.05, 0.4, classes)
    Y = (rng.random((clips, classes)) < prior).astype(np.float64)
    rate = np.where(Y[:, None, :] == 1, hit[None, :, None], false_alarm[None, :, None])
    answered = rng.random((clips, 8)) >= missing
    votes = ((rng.random(rate.shape) < rate) & answered[:, :, None]).astype(np.float32)
    table = VoteTable([f"c{i}" for i in range(clips)], [f"j{j}" for j in range(8)], votes, answered, [[] for _ in range(clips)],
                      _Classes(classes))
    return table, Y, hit, false_alarm, prior


def _log_likelihood(voter: DawidSkeneVoter, table: VoteTable) -> float:
    """The log-probability of the votes under a fitted Dawid-Skene model, each class of each clip present or not."""
    V, A = table.votes.astype(np.float64), table.answered[:, :, None]
    s, f, p = voter.sensitivity_, voter.false_alarm_, voter.prior_
    present = np.log(p) + (A * (V * np.log(s) + (1 - V) * np.log1p(-s))).sum(axis=1)
    absent = np.log1p(-p) + (A * (V * np.log(f) + (1 - V) * np.log1p(-f))).sum(axis=1)
    return float(np.logaddexp(present, absent).sum())


@pytest.mark.parametrize("labelled", [True, False], ids=["from labels", "by EM from the votes alone"])
def test_dawid_skene_recovers_each_judges_known_hit_and_false_alarm_rates_and_the_class_priors(labelled):
    # 2,000 clips, so the tolerances hold with room to spare whatever the draw (at 300, seed 0 passed and seeds 2-5 failed)
    table, Y, hit, false_alarm, prior = _synthetic_panel(clips=2000, missing=0.1)
    voter = DawidSkeneVoter(pooling=0, smoothing=1e-6, em_iterations=50).fit(table, Y if labelled else None)
    np.testing.assert_allclose(voter.sensitivity_.mean(axis=1), hit, atol=0.04)
    np.testing.assert_allclose(voter.false_alarm_.mean(axis=1), false_alarm, atol=0.01)
    np.testing.assert_allclose(voter.prior_, prior, atol=0.08)
    assert ((voter.predict_proba(table) > 0.5) == Y).mean() > 0.97


def test_dawid_skene_em_never_lowers_the_likelihood_of_the_votes():
    table, _, _, _, _ = _synthetic_panel(seed=1, missing=0.2)
    fits = [_log_likelihood(DawidSkeneVoter(pooling=0, smoothing=1e-9, em_iterations=n).fit(table), table) for n in range(1, 16)]
    assert np.all(np.diff(fits) >= -1e-6) and fits[-1] > fits[0]


@pytest.mark.parametrize("labelled", [True, False], ids=["from labels", "by EM from the votes alone"])
def test_an_adversarial_judges_vote_for_a_class_counts_against_it(labelled):
    table, Y, _, _, _ = _synthetic_panel(seed=2)
    table.votes[:, 7] = 1 - table.votes[:, 7]  # the best judge, j7, now says what is absent: hit rate 0.1, false alarms 0.99
    voter = DawidSkeneVoter().fit(table, Y if labelled else None)
    assert (voter.sensitivity_[7] < voter.false_alarm_[7]).all()
    said, silent = table[[0]], table[[0]]
    said.votes[:, 7], silent.votes[:, 7] = 1, 0
    assert (voter.predict_proba(said) < voter.predict_proba(silent)).all()


def test_dawid_skene_gives_finite_probabilities_for_a_class_no_judge_names_and_judges_that_name_all_or_nothing():
    table, Y, _, _, _ = _synthetic_panel(seed=3)
    table.votes[:, :, 0], table.votes[:, 1], table.votes[:, 2] = 0, 1, 0
    for targets in (Y, None, np.zeros_like(Y)):
        voter = DawidSkeneVoter().fit(table, targets)
        assert np.isfinite(voter.predict_proba(table)).all()
        yes_no = np.log(voter.sensitivity_ / voter.false_alarm_)  # what a judge's vote moves the log-odds by
        if targets is not None and targets.any():  # a judge that names everything, or nothing, tells nothing
            assert np.abs(yes_no[1]).max() < 0.1 and np.abs(np.log((1 - voter.sensitivity_[2]) / (1 - voter.false_alarm_[2]))).max() < 0.1


@pytest.mark.parametrize("labelled", [True, False], ids=["from labels", "by EM from the votes alone"])
def test_dawid_skene_gives_finite_probabilities_when_a_smoothing_too_small_to_matter_leaves_a_rate_at_exactly_one(labelled):
    # 1e-17 pseudo-counts cannot move a perfect judge's hit rate off 1.0 in floating point: log(1 - 1) gave NaN
    table, Y, _, _, _ = _synthetic_panel(seed=6)
    table.votes[:, 7] = Y  # j7 names every class present, and nothing else
    voter = DawidSkeneVoter(smoothing=1e-17, pooling=0).fit(table, Y if labelled else None)
    assert np.isfinite(voter.predict_proba(table)).all()


def test_dawid_skene_fits_on_a_single_clip():
    table, Y, _, _, _ = _synthetic_panel(seed=4)
    for targets in (Y[[0]], None):
        assert np.isfinite(DawidSkeneVoter().fit(table[[0]], targets).predict_proba(table[[0]])).all()


def test_dawid_skene_gives_a_clip_among_many_the_probabilities_it_gives_that_clip_alone():
    from ensemble.dawid_skene_voter import BLOCK_CLIPS

    table, Y, _, _, _ = _synthetic_panel(seed=6, clips=BLOCK_CLIPS + 3, missing=0.1)
    voter = DawidSkeneVoter().fit(table, Y)
    together = voter.predict_proba(table)
    for i in (0, BLOCK_CLIPS - 1, BLOCK_CLIPS, BLOCK_CLIPS + 2):
        assert np.array_equal(together[i], voter.predict_proba(table[[i]])[0])


def test_dawid_skene_probabilities_of_many_clips_hold_no_clips_x_judges_x_classes_arrays():
    import tracemalloc

    def peak(clips: int) -> int:
        table, Y, _, _, _ = _synthetic_panel(seed=7, clips=clips)
        voter = DawidSkeneVoter().fit(table[:300], Y[:300])
        tracemalloc.start()
        try:
            voter.predict_proba(table)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(4000) < 3 * peak(500)  # float64 clips x judges x classes temporaries for all 4,000 clips: 8 times


def _rates_by_hand(table: VoteTable, T: np.ndarray, smoothing: float, pooling: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The docstring's rates, counted clip by clip against class indicators (or posteriors) ``T``: each judge's hits and
    false alarms on the clips it answered, plus ``smoothing`` pseudo-counts, shrunk with weight ``pooling`` towards its
    rate pooled over all classes; the priors are the smoothed class frequencies."""
    n_judges, n_classes = table.votes.shape[1:]
    sens, fa = np.zeros((n_judges, n_classes)), np.zeros((n_judges, n_classes))
    for j in range(n_judges):
        said = table.votes[:, j, :].astype(np.float64)[table.answered[:, j]]
        present = T[table.answered[:, j]]
        hits, present_n = (present * said).sum(axis=0), present.sum(axis=0)
        alarms, absent_n = ((1 - present) * said).sum(axis=0), (1 - present).sum(axis=0)
        hit_pool = (hits.sum() + smoothing) / (present_n.sum() + 2 * smoothing)
        fa_pool = (alarms.sum() + smoothing) / (absent_n.sum() + 2 * smoothing)
        sens[j] = (hits + pooling * hit_pool + smoothing) / (present_n + pooling + 2 * smoothing)
        fa[j] = (alarms + pooling * fa_pool + smoothing) / (absent_n + pooling + 2 * smoothing)
    prior = (T.sum(axis=0) + smoothing) / (len(T) + 2 * smoothing)
    return sens, fa, prior


def test_dawid_skene_rates_from_labels_are_smoothed_counts_shrunk_towards_the_judges_rate_over_all_classes():
    table, Y, _, _, _ = _synthetic_panel(seed=8, clips=60, classes=5, missing=0.2)
    voter = DawidSkeneVoter(smoothing=0.7, pooling=3.0).fit(table, Y)
    for fitted, by_hand in zip((voter.sensitivity_, voter.false_alarm_, voter.prior_), _rates_by_hand(table, Y, 0.7, 3.0)):
        np.testing.assert_allclose(fitted, by_hand, rtol=1e-12)


@pytest.mark.parametrize("rounds", [1, 2, 3])
def test_each_em_round_refits_the_rates_to_the_last_rounds_posteriors_starting_from_the_vote_share(rounds):
    table, _, _, _, _ = _synthetic_panel(seed=9, clips=60, classes=5, missing=0.2)
    T, model = table.vote_share(), DawidSkeneVoter().fit(table)  # model: fitted, its rates set by hand below
    for _ in range(rounds - 1):
        model.sensitivity_, model.false_alarm_, model.prior_ = _rates_by_hand(table, T, 1.0, 10.0)
        T = model.predict_proba(table)
    voter = DawidSkeneVoter(em_iterations=rounds).fit(table)
    for fitted, by_hand in zip((voter.sensitivity_, voter.false_alarm_, voter.prior_), _rates_by_hand(table, T, 1.0, 10.0)):
        np.testing.assert_allclose(fitted, by_hand, rtol=1e-9)


def test_dawid_skene_runs_twenty_em_rounds_by_default():
    table, _, _, _, _ = _synthetic_panel(seed=10, clips=60, classes=5)
    assert DawidSkeneVoter().fit(table).state() == DawidSkeneVoter(em_iterations=20).fit(table).state()
    assert DawidSkeneVoter().fit(table).state() != DawidSkeneVoter(em_iterations=19).fit(table).state()


def test_dawid_skene_posterior_is_bayes_rule_on_the_fitted_rates_however_close_to_0_or_1_they_are():
    # rates 1e-9 from 0 and 1 are used as fitted: only those a rounding error from 0 or 1 are kept off them
    table, Y, _, _, _ = _synthetic_panel(seed=11, clips=40, classes=4, missing=0.2)
    voter = DawidSkeneVoter(smoothing=1e-6, pooling=0).fit(table, Y)
    sens, fa, prior = voter.sensitivity_, voter.false_alarm_, voter.prior_
    assert min(sens.min(), fa.min(), 1 - sens.max(), 1 - fa.max()) < 1e-6
    V, A = table.votes.astype(np.float64), table.answered[:, :, None]
    present = prior * np.prod(np.where(A, np.where(V == 1, sens, 1 - sens), 1.0), axis=1)
    absent = (1 - prior) * np.prod(np.where(A, np.where(V == 1, fa, 1 - fa), 1.0), axis=1)
    np.testing.assert_allclose(voter.predict_proba(table), present / (present + absent), rtol=1e-6, atol=1e-12)


def test_weighted_voter_weighs_judges_in_the_order_of_their_accuracy():
    table, Y, _, _, _ = _synthetic_panel(seed=5)
    weights = WeightedVoter().fit(table, Y).weights_
    assert (np.diff(weights) > 0).all()


def test_fitting_a_stacked_voter_without_labels_is_a_one_line_error_that_keeps_its_fit(toy):
    # it raised a bare ValueError after taking the new table's judges: the old fit then refused its own judges
    table, _, Y = toy
    voter = StackedVoter().fit(table, Y)
    before = voter.predict_proba(table)
    with pytest.raises(InputError, match=r"StackedVoter.fit: it learns from labels, and got none; call fit\(table, Y\)"):
        voter.fit(table.judge_subset(["good", "noisy"]))
    np.testing.assert_array_equal(voter.predict_proba(table), before)


def test_stacked_voter_drops_the_noisy_judges_extra_words(toy):
    table, _, Y = toy
    words = StackedVoter(C=1.0, lam=0.6).fit(table, Y).predict(table)
    assert all(w in (["happy"], ["angry"]) for w in words)


def test_state_round_trips(toy):
    table, _, Y = toy
    voter = StackedVoter().fit(table, Y)
    restored = StackedVoter().load_state(voter.state())
    np.testing.assert_allclose(restored.predict_proba(table), voter.predict_proba(table))


def test_a_refitted_or_reloaded_stacked_voter_predicts_from_its_new_reliability_model(toy):
    table, _, Y = toy
    first, other = table.subset(range(4)), StackedVoter().fit(table.subset(range(4, 8)), Y[4:]).state()
    voter = StackedVoter().fit(first, Y[:4])
    voter.predict_proba(table)  # builds the Dawid-Skene model of the first fit
    np.testing.assert_allclose(voter.fit(table, Y).predict_proba(table), StackedVoter().fit(table, Y).predict_proba(table))
    np.testing.assert_allclose(voter.load_state(other).predict_proba(table), StackedVoter().load_state(other).predict_proba(table))


@pytest.mark.parametrize("cls", ALL)
def test_predicted_words_are_a_list_that_numpy_reads_as_one_word_list_per_clip(cls, toy):
    # every toy clip gets one word: numpy read the plain list of lists as an (8, 1) array of words
    table, _, Y = toy
    words = cls(threshold=0.6).fit(table, Y).predict(table)
    assert isinstance(words, list) and all(len(w) == 1 for w in words)
    as_array = np.asarray(words)
    assert as_array.shape == (len(table),) and as_array.dtype == object and as_array.tolist() == words


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("method", ["fit", "predict", "predict_proba", "score"])
def test_a_voter_given_something_other_than_a_vote_table_says_how_to_build_one(cls, method, toy):
    # the table's votes array (numeric X, as scikit-learn estimators take) raised AttributeError: no attribute 'names'
    table, _, Y = toy
    voter = cls() if method == "fit" else cls().fit(table, Y)
    args = (table.votes, Y) if method in ("fit", "score") else (table.votes,)
    with pytest.raises(InputError, match=rf"^{cls.__name__}(\.{method})?: takes a VoteTable, got ndarray; build one with Fuser\(\)\.table"):
        getattr(voter, method)(*args)


@pytest.mark.parametrize("how", ["a slice", "joined", "joined after a list", "copied", "repeated"])
def test_predicted_words_sliced_joined_or_copied_are_still_read_by_numpy_as_one_word_list_per_clip(toy, how):
    # a slice, a join or a copy was a plain list: numpy read it as a 2-D array of words again
    table, _, Y = toy
    words = MajorityVoter(threshold=0.6).fit(table, Y).predict(table)
    part = {"a slice": lambda: words[2:5], "joined": lambda: words + [["calm"]], "joined after a list": lambda: [["calm"]] + words,
            "copied": words.copy, "repeated": lambda: words * 2}[how]()
    as_array = np.asarray(part)
    assert part == list(part) and as_array.shape == (len(part),) and as_array.tolist() == list(part)


def test_predicting_with_other_judges_is_an_error(toy):
    table, _, Y = toy
    voter = MajorityVoter().fit(table)
    with pytest.raises(InputError, match="same judges"):
        voter.predict(table.judge_subset(["good", "noisy"]))


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("empty", ["clips", "judges"])
def test_fitting_on_a_table_with_no_clips_or_no_judges_is_a_one_line_error(cls, empty, toy, space):
    table, labels, Y = toy
    if empty == "clips":
        table, Y = table.subset([]), Y[:0]
    else:
        table = VoteTable.build({}, table.names, space)
    with pytest.raises(InputError, match=f"{cls.__name__}.fit: the vote table has no {empty}"):
        cls().fit(table, Y)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("bad", [np.nan, 2.0, -1.0])
def test_targets_that_are_not_class_indicators_are_refused_not_learnt(cls, bad, toy):
    table, labels, Y = toy
    wrong = Y.copy()
    wrong[0, 0] = bad  # e.g. word counts summed per class, or a missing label read as NaN
    with pytest.raises(InputError, match=rf"{cls.__name__}.fit: targets must be class indicators in \[0, 1\]"):
        cls().fit(table, wrong)


@pytest.mark.parametrize("given", ["labels", "word lists", "label texts"])
def test_labels_given_instead_of_class_indicators_say_how_to_make_them(given, toy):
    # fit(table, labels) was a TypeError: float() argument must be a string or a real number, not 'dict'
    table, labels, _ = toy
    Y = {"labels": labels, "word lists": [labels[n] for n in table.names],
         "label texts": [", ".join(labels[n]) for n in table.names]}[given]
    with pytest.raises(InputError, match=r"^StackedVoter\.fit: Y is a (dict|list) .*not class indicators \(clips x classes\); "
                                         r"make them with Y = table\.space\.targets\(labels, table\.names\)$"):
        StackedVoter().fit(table, Y)


@pytest.mark.parametrize("method", ["fit", "score"])
def test_sparse_class_indicators_are_told_to_be_made_dense_not_called_not_numbers(method, toy):
    # a csr_matrix Y (MultiLabelBinarizer(sparse_output=True)) was 'Y is a csr_matrix that is not numbers ... make them with
    # Y = table.space.targets(labels, table.names)', though it holds the indicators
    from scipy.sparse import csr_matrix

    table, _, Y = toy
    voter = StackedVoter().fit(table, Y) if method == "score" else StackedVoter()
    with pytest.raises(InputError, match=rf"^StackedVoter\.{method}: Y is a sparse csr_matrix; give the class indicators as a dense "
                                         r"array, Y\.toarray\(\)$"):
        getattr(voter, method)(table, csr_matrix(Y))


@pytest.mark.parametrize(("param", "value"), [("decision", "expected-f"), ("threshold", 5), ("lam", "0.5"), ("max_words", 0)])
def test_a_decision_parameter_set_after_fitting_is_checked_when_deciding(param, value, toy):
    # the decision parameters are meant to be changed on a fitted voter (no refit): a typo must not silently
    # decide by threshold, nor a threshold of 5 answer no word for every clip
    table, _, Y = toy
    voter = StackedVoter().fit(table, Y).set_params(**{param: value})
    with pytest.raises(InputError, match=f"StackedVoter: {param} must be"):
        voter.predict(table)


@pytest.mark.parametrize("cls", ALL)
def test_a_fitted_voter_numbers_its_probability_columns_in_classes_and_an_unfitted_one_has_none(cls, toy):
    table, _, Y = toy
    assert not hasattr(cls(), "classes_")
    assert cls().fit(table, Y).classes_.tolist() == list(range(len(table.space)))


def test_unfitted_voter_says_so(toy):
    with pytest.raises(InputError, match="not fitted"):
        StackedVoter().predict(toy[0])


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "score", "state"])
def test_an_unfitted_voter_raises_sklearns_not_fitted_error(cls, method, toy):
    # it raised only InputError, which code written for scikit-learn (except NotFittedError) does not catch
    from sklearn.exceptions import NotFittedError

    table, _, Y = toy
    args = {"predict": (table,), "predict_proba": (table,), "score": (table, Y), "state": ()}[method]
    with pytest.raises(NotFittedError, match=rf"^{cls.__name__} is not fitted; call fit\(table, Y\)"):
        getattr(cls(), method)(*args)


def test_stacked_features_are_the_classs_own_votes_then_panel_shares_then_reliability(toy):
    table, _, Y = toy
    n_judges, n_classes = len(table.judges), Y.shape[1]
    assert StackedVoter().fit(table, Y).coef_.shape == (n_classes, n_judges + n_classes + 1)
    assert StackedVoter(reliability_feature=False).fit(table, Y).coef_.shape == (n_classes, n_judges + n_classes)
    assert StackedVoter(share_features=False).fit(table, Y).coef_.shape == (n_classes, n_judges + 1)


def test_a_smaller_C_shrinks_the_stacked_weights(toy):
    table, _, Y = toy
    small, large = (np.abs(StackedVoter(C=C).fit(table, Y).coef_).sum() for C in (0.01, 1.0))
    assert small < large


def test_a_judge_that_is_always_right_outweighs_one_that_often_says_nothing(toy, space):
    table, _, Y = toy
    voter = StackedVoter(C=1.0, share_features=False, reliability_feature=False).fit(table, Y)
    k = space.signature("happy")[0]
    good, lazy = table.judges.index("good"), table.judges.index("lazy")
    assert voter.coef_[k, good] > voter.coef_[k, lazy] and voter.coef_[k, good] > 0


def test_a_class_never_seen_in_training_gets_its_smoothed_rate_not_a_coin_flip(toy):
    table, _, Y = toy
    voter = StackedVoter().fit(table, Y)
    unseen = [k for k in range(Y.shape[1]) if not Y[:, k].any()]
    assert unseen
    np.testing.assert_allclose(voter.predict_proba(table)[:, unseen], 0.5 / (len(Y) + 1.0))


def test_a_class_every_training_clip_has_gets_its_smoothed_rate_not_certainty(toy):
    table, _, Y = toy
    k = int(np.flatnonzero(Y.any(axis=0) & ~Y.all(axis=0))[0])
    always = Y.copy()
    always[:, k] = 1.0
    voter = StackedVoter().fit(table, always)
    np.testing.assert_allclose(voter.predict_proba(table)[:, k], (len(Y) + 0.5) / (len(Y) + 1.0))


def test_the_stacked_voters_defaults_are_the_ones_an_untuned_fusion_uses():
    # Fuser's default voter is StackedVoter() (C 0.1 as its docstring says); tuning searches C and lam around these, and
    # keeps reliability_scale at its default (docs/results.md: chosen on the dev clips)
    assert StackedVoter().get_params() == {"C": 0.1, "lam": 0.5, "share_features": True, "reliability_feature": True,
                                           "reliability_scale": 0.1, "decision": "expected_f", "threshold": 0.5, "max_words": None}


def test_stacked_probability_is_the_logistic_of_votes_shares_and_scaled_label_fitted_dawid_skene_log_odds(toy):
    table, _, Y = toy
    voter = StackedVoter(C=1.0, reliability_scale=0.3).fit(table, Y)
    reliability = DawidSkeneVoter().fit(table, Y)
    assert voter.reliability_ == reliability.state()
    p = np.clip(reliability.predict_proba(table), 1e-6, 1 - 1e-6)
    log_odds = 0.3 * np.log(p / (1 - p))
    proba = voter.predict_proba(table)
    for k in np.flatnonzero(np.isnan(voter.constant_)):
        X = np.hstack([table.votes[:, :, k], table.vote_share(), log_odds[:, k : k + 1]])
        np.testing.assert_allclose(proba[:, k], 1 / (1 + np.exp(-(X @ voter.coef_[k] + voter.intercept_[k]))), rtol=1e-6)


@pytest.mark.parametrize("change", [{"reliability_scale": 5.0}, {"share_features": False}, {"reliability_feature": False}])
def test_model_parameters_set_after_fitting_take_effect_at_the_next_fit_not_at_predict(change, toy):
    # scikit-learn's contract: predictions come from the fitted model; the scale changed them silently,
    # the feature flags raised numpy's matmul ValueError
    table, _, Y = toy
    voter = StackedVoter(C=1.0).fit(table, Y)
    before = voter.predict_proba(table)
    np.testing.assert_array_equal(voter.set_params(**change).predict_proba(table), before)
    assert not np.allclose(voter.fit(table, Y).predict_proba(table), before)


def test_the_reliability_scale_changes_the_stacked_fit(toy):
    table, _, Y = toy
    weak, strong = (StackedVoter(C=1.0, reliability_scale=s).fit(table, Y) for s in (0.1, 1.0))
    assert not np.allclose(weak.predict_proba(table), strong.predict_proba(table))


@pytest.mark.parametrize("C", [0.1, 10.0])
def test_the_batched_logistic_fit_finds_each_classs_scikit_learn_l2_logistic_regression(C):
    from sklearn.linear_model import LogisticRegression

    from ensemble.batched_logistic import fit_logistic_batch

    # three classes on their own features, one nearly separable (|z| well past 3) and one rare (intercept far from 0)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, 80, 4))
    Y = np.stack([X[0] @ [3.0, -2.0, 0.0, 1.0] > 0, X[1, :, 0] + rng.normal(size=80) > 0.5, X[2, :, 1] > 1.2], axis=1).astype(float)
    coef, intercept = fit_logistic_batch(X, Y, C)
    for k in range(3):
        reference = LogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X[k], Y[:, k])
        np.testing.assert_allclose(coef[k], reference.coef_[0], atol=1e-5)
        np.testing.assert_allclose(intercept[k], reference.intercept_[0], atol=1e-5)


# -- the class space votes are counted in -------------------------------------------------------
def test_a_word_spelt_otherwise_than_the_wheel_has_no_classes_not_an_error(space):
    # the wheel's words are lower-case: a caller lower-cases first, as indicator does
    assert space.signature("Happy") == () and space.signature("happy")


def test_an_indicator_marks_a_class_once_however_many_words_reach_it(space):
    # happy and joyful reach the same class on each of the five wheels
    row = space.indicator(["happy", "joyful", "happy"])
    assert sorted(set(row.tolist())) == [0.0, 1.0] and row.sum() == 5


def test_ground_truth_words_count_whatever_their_case_and_surrounding_spaces_as_the_metric_reads_them(space):
    # the EW metric lower-cases and strips ground-truth words: "Happy" scores as "happy", so it must be learnt as happy
    np.testing.assert_array_equal(space.targets({"s": ["Happy", " ANGRY "]}, ["s"]), space.targets({"s": ["happy", "angry"]}, ["s"]))


def test_the_targets_of_no_names_are_an_empty_table_with_a_column_per_class(space):
    assert space.targets({}, []).shape == (0, len(space))


@pytest.mark.parametrize("labels, names, message", [
    ({"s": ["happy"]}, ["s", "t"], r"1 clip\(s\) have no label, e\.g\. 't'; label them or use labelled clips only$"),
    ({"s": "happy"}, ["s"], r"the label of 's' is 'happy': give a list of emotion words, e\.g\. \['happy'\]$"),
    ({"s": float("nan")}, ["s"], r"the label of 's' is nan: give a list of emotion words, e\.g\. \['happy'\]$"),
    ({"s": None}, ["s"], r"the label of 's' is None: give a list of emotion words, e\.g\. \['happy'\]$"),
    ({"s": b"happy"}, ["s"], r"the label of 's' is b'happy': give a list of emotion words, e\.g\. \['happy'\]$"),
    ({"s": ["happy"]}, "s", r"names is one string, 's'; give a list of clip names"),
])
def test_targets_of_clips_without_a_label_or_of_a_label_that_is_not_a_list_is_a_one_line_error(space, labels, names, message):
    # a clip left out of the labels was a bare KeyError, a label "happy" was read letter by letter: no class, silently,
    # and a label None or NaN (pandas' empty cell) was "TypeError: 'float' object is not iterable"
    with pytest.raises(InputError, match=r"^ClassSpace.targets: " + message):
        space.targets(labels, names)


def test_targets_of_names_given_as_an_array_are_those_of_the_list(space):
    # np.array(names) or a pandas Index was "ValueError: The truth value of an array ... is ambiguous"
    labels = {"s": ["happy"], "t": ["sad"]}
    np.testing.assert_array_equal(space.targets(labels, np.array(["s", "t"])), space.targets(labels, ["s", "t"]))


def test_each_class_knows_its_wheel(space, wheel):
    assert np.bincount(space.wheel_of).tolist() == [len(wheel.classes(w)) for w in WHEELS]  # 6, 7, 6, 6, 6


def test_classes_are_numbered_wheel_by_wheel_in_the_wheels_order_as_stored_fits_number_their_rows(space, wheel):
    # a calibration file keeps a voter's per-class arrays by these numbers: renumbering would give each class another's fit
    assert space.classes == [(w, c) for w in WHEELS for c in wheel.classes(w, "level1")]
    assert (np.diff(space.wheel_of) >= 0).all()


def test_a_level2_class_space_counts_votes_in_the_level2_classes(wheel):
    space2 = ClassSpace(wheel, level="level2")
    assert len(space2) == sum(len(wheel.classes(w, "level2")) for w in WHEELS)
    assert [space2.classes[k] for k in space2.signature("joyful")] == [(w, wheel.lookup(f"{w}_level2")["joyful"]) for w in WHEELS]


def test_a_class_space_uses_the_wheel_it_is_given(data_root):
    fixed = load_wheel(data_root / "emotion_wheel", "mer2026")
    assert ClassSpace(fixed).wheel is fixed


# -- scikit-learn's model selection: a vote table is cut like an array, a voter scores itself ------------------
@pytest.fixture(scope="module")
def panel_a(wheel, dev_labels, dev_names, outputs_dir):
    """Panel A (the ten nosubtitle-addsub baselines) on the dev clips, words normalised, out-of-vocabulary words dropped."""
    from ensemble.vote_table import WordMapper
    from ensemble.word_normalizer import WordNormalizer
    from judges.outputs import read_judge_output

    files = sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))
    outputs = {f"{f.parent.name}:{f.name}": read_judge_output(f) for f in files}
    space = ClassSpace(wheel)
    table = VoteTable.build(outputs, dev_names, space, mapper=WordMapper(space, WordNormalizer(wheel)))
    return table, space.targets(dev_labels, dev_names)


def test_a_voters_score_is_the_official_level1_f_of_the_words_it_predicts(panel_a, wheel, dev_labels, dev_names):
    from calibration.emotion_wheel import LEVEL1_METRICS
    from calibration.ew_metric import evaluate

    table, Y = panel_a
    voter = StackedVoter().fit(table.subset(range(150)), Y[:150])
    rest = table.subset(range(150, len(dev_names)))
    official = evaluate(dev_labels, dict(zip(rest.names, voter.predict(rest))), rest.names, wheel=wheel, metrics=LEVEL1_METRICS)
    assert voter.score(rest, Y[150:]) == pytest.approx(official.l1_f, abs=1e-12)


def test_cross_val_score_fits_and_scores_each_fold_of_a_vote_table(panel_a):
    from sklearn.model_selection import KFold, cross_val_score

    table, Y = panel_a
    folds = KFold(4, shuffle=True, random_state=0)
    by_hand = [StackedVoter().fit(table.subset(train), Y[train]).score(table.subset(test), Y[test]) for train, test in folds.split(Y)]
    assert cross_val_score(StackedVoter(), table, Y, cv=folds) == pytest.approx(by_hand, abs=1e-12)


def test_cross_val_predict_gives_each_clip_the_words_of_the_fold_that_held_it_out(panel_a):
    # numpy could not join the folds' lists of word lists ("inhomogeneous shape"): cross_val_predict raised ValueError
    from sklearn.model_selection import KFold, cross_val_predict

    table, Y = panel_a
    by_hand: list[list[str] | None] = [None] * len(table)
    for train, test in KFold(5).split(Y):  # what cv=5 means for an estimator that is not a classifier
        for i, words in zip(test, StackedVoter().fit(table[train], Y[train]).predict(table[test])):
            by_hand[i] = words
    predicted = cross_val_predict(StackedVoter(), table, Y, cv=5)
    assert predicted.shape == (len(table),) and predicted.tolist() == by_hand


def test_cross_val_predict_gives_each_clip_its_class_probabilities_from_the_fold_that_held_it_out(panel_a):
    # it raised AttributeError: 'StackedVoter' object has no attribute 'classes_'
    from sklearn.model_selection import KFold, cross_val_predict

    table, Y = panel_a
    by_hand = np.empty_like(Y)
    for train, test in KFold(5).split(Y):
        by_hand[test] = StackedVoter().fit(table[train], Y[train]).predict_proba(table[test])
    np.testing.assert_allclose(cross_val_predict(StackedVoter(), table, Y, cv=5, method="predict_proba"), by_hand, rtol=1e-12)


def test_grid_search_cv_tunes_a_voter_on_a_vote_table(panel_a):
    from sklearn.model_selection import GridSearchCV, KFold

    table, Y = panel_a
    search = GridSearchCV(StackedVoter(), {"lam": [0.3, 0.5, 0.7]}, cv=KFold(3, shuffle=True, random_state=0)).fit(table, Y)
    assert search.best_params_["lam"] in (0.3, 0.5, 0.7) and 0.5 < search.best_score_ < 1
    assert search.best_estimator_.judges_ == table.judges and len(search.predict(table)) == len(table)


def test_grid_search_cv_scored_by_an_objective_scores_each_point_as_tune_table_does_on_the_same_folds(panel_a, wheel, dev_labels):
    # docs/cojudge.md: scoring= with calibration.objectives.Objective, the search cojudge tune runs without refitting per lam
    from sklearn.model_selection import GridSearchCV, KFold

    from calibration.objectives import Objective
    from calibration.tuning import tune_table
    from ensemble.fuser import Fuser

    def f05(voter, table, Y):
        return Objective("f0.5")(dev_labels, dict(zip(table.names, voter.predict(table))), table.names, table.space.wheel)

    table, Y = panel_a
    grid = {"lam": [0.4, 0.6]}
    search = GridSearchCV(StackedVoter(), grid, scoring=f05, cv=KFold(3, shuffle=True, random_state=0)).fit(table, Y)
    tuned = tune_table(Fuser(StackedVoter(), wheel=wheel), table, dev_labels, grid, objective="f0.5", folds=3, seed=0, smooth=False)
    by_lam = {r["params"]["lam"]: r["score"] for r in tuned.results}
    assert list(search.cv_results_["mean_test_score"]) == pytest.approx([by_lam[0.4], by_lam[0.6]], abs=1e-12)


def test_a_grid_search_nests_in_an_outer_cross_validation(panel_a):
    from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

    table, Y = panel_a
    search = GridSearchCV(StackedVoter(), {"lam": [0.4, 0.6]}, cv=KFold(3, shuffle=True, random_state=0))
    scores = cross_val_score(search, table, Y, cv=KFold(3, shuffle=True, random_state=1))
    assert len(scores) == 3 and all(0.5 < s < 1 for s in scores)


@pytest.mark.parametrize("rows", [[3, 1], np.array([3, 1]), slice(1, 4, 2)])
def test_a_vote_table_is_indexed_by_sample_like_an_array(toy, rows):
    table, _, _ = toy
    picked = np.arange(len(table))[rows]
    for got in (table[rows], table[rows, ...]):  # the second: how scikit-learn indexes arrays
        assert got.names == [table.names[i] for i in picked] and np.array_equal(got.votes, table.votes[picked])
    assert len(table) == len(table.names) and table.shape == table.votes.shape


def test_a_vote_table_is_cut_by_a_boolean_mask(toy):
    table, _, _ = toy
    mask = np.arange(len(table)) % 2 == 0
    assert table[mask].names == table.names[::2]


def test_a_single_index_into_a_vote_table_is_a_one_line_error(toy):
    table, _, _ = toy
    with pytest.raises(InputError, match=r"a table of one sample is table\[\[i\]\]"):
        table[0]


def test_score_refuses_targets_of_another_shape(toy):
    table, _, Y = toy
    with pytest.raises(InputError, match="targets have shape"):
        StackedVoter().fit(table, Y).score(table, Y[:3])


@pytest.mark.parametrize("bad", [np.nan, 2.0, -1.0])
def test_score_refuses_targets_that_are_not_class_indicators_as_fit_does(toy, bad):
    """NaN targets scored 0.0 and counts scored as indicators, silently."""
    table, _, Y = toy
    voter = StackedVoter().fit(table, Y)
    Y = Y.copy()
    Y[0, 0] = bad
    with pytest.raises(InputError, match=r"StackedVoter.score: targets must be class indicators in \[0, 1\]"):
        voter.score(table, Y)


@pytest.mark.parametrize("rows, message", [([1.7], "are not sample indices"), (["a"], "are not sample indices"),
                                           ([0, 10], "row 10 is out of range"),
                                           ([-10], "row -10 is out of range")])
def test_a_vote_table_refuses_rows_that_are_not_sample_indices(toy, rows, message):
    """table[[1.7]] was sample 1, silently; an index past the end an IndexError, a name a ValueError."""
    table, _, _ = toy
    with pytest.raises(InputError, match=message):
        table[rows]
    with pytest.raises(InputError, match=message):
        table.subset(rows)


def test_a_vote_table_takes_negative_indices_and_no_rows(toy):
    table, _, _ = toy
    assert table[[-1]].names == table.names[-1:] and table[[]].names == [] and len(table[[]]) == 0


def test_level1_f_of_classes_refuses_indicators_of_another_shape():
    with pytest.raises(InputError, match="do not match"):
        level1_f_of_classes(np.zeros((3, 5)), np.zeros((3, 6)), np.zeros(6, dtype=int))


def test_a_voters_score_on_a_level2_table_is_the_official_level2_f(wheel, dev_labels, dev_names, outputs_dir):
    """score gives the F at the level of the table's classes: l2_f for a level-2 class space, not l1_f."""
    from calibration.ew_metric import evaluate
    from ensemble.vote_table import WordMapper
    from ensemble.word_normalizer import WordNormalizer
    from judges.outputs import read_judge_output

    files = sorted(outputs_dir.glob("*/*-nosubtitle-addsub-eng-openset.npz"))
    outputs = {f"{f.parent.name}:{f.name}": read_judge_output(f) for f in files}
    space = ClassSpace(wheel, level="level2")
    table = VoteTable.build(outputs, dev_names, space, mapper=WordMapper(space, WordNormalizer(wheel)))
    Y = space.targets(dev_labels, dev_names)
    voter = DawidSkeneVoter().fit(table[:150], Y[:150])
    rest = table[150:]
    official = evaluate(dev_labels, dict(zip(rest.names, voter.predict(rest))), rest.names, wheel=wheel)
    assert voter.score(rest, Y[150:]) == pytest.approx(official.l2_f, abs=1e-12) != pytest.approx(official.l1_f, abs=1e-3)
