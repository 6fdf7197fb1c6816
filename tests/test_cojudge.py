"""CoJudge over replayed real judges: fit on dev clips, predict, save and reload."""
from __future__ import annotations

import json
import re
import warnings

import pytest

from calibration.tuning import default_grid
from ensemble.cojudge import CoJudge
from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.replay import ReplayJudge
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache
from tests.core_fixtures import toy_outputs
from tests.media_fixtures import make_folder_with_latin1_subtitles

pytestmark = pytest.mark.usefixtures("data_root")  # real judges' outputs and the emotion wheel

FILES = ["AffectGPT/checkpoint_000030_loss_0.602-openset.npz", "Chat-UniVi/output-reason-7b-nosubtitle-addsub-eng-openset.npz",
         "VideoChat2/output-reason-7b-nosubtitle-addsub-eng-openset.npz"]


@pytest.fixture(scope="module")
def judges(outputs_dir):
    return [ReplayJudge(f.split("/")[0], outputs_dir / f) for f in FILES]


@pytest.fixture(scope="module")
def fitted(judges, dev_names, dev_labels, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache") / "verdicts.sqlite"
    return CoJudge(judges, cache=cache, progress=False).fit(dev_names[:120], dev_labels, grid={"C": [0.1], "lam": [0.5, 0.6]})


def test_fit_tunes_by_cross_validation(fitted):
    assert fitted.tuning_.best_params["lam"] in (0.5, 0.6)
    assert fitted.tuning_.pr_curve and 0 < fitted.tuning_.best_score < 1


def test_predict_one_sample_gives_a_handful_of_words(fitted, dev_names):
    pred = fitted.predict(dev_names[150])
    assert pred.ok and 1 <= len(pred.words) <= 6
    assert all(pred.support[w] for w in pred.words)


def test_unknown_sample_is_reported(fitted):
    from ensemble.cojudge import JudgeFailureWarning

    with pytest.warns(JudgeFailureWarning, match=r"failed on 1 of 1 clip\(s\): .*; of those, 1 no judge answered \(an error and no words, not guessed\)"):
        pred = fitted.predict("sample_does_not_exist")
    assert not pred.ok


def test_calibration_file_reproduces_predictions(fitted, judges, dev_names, tmp_path):
    path = fitted.save(tmp_path / "calibration.json")
    reloaded = CoJudge.load(path, judges, progress=False)
    names = dev_names[120:160]
    assert [p.to_dict() for p in reloaded.predict_many(names)] == [p.to_dict() for p in fitted.predict_many(names)]


def test_a_replay_judge_given_a_relative_path_keeps_the_absolute_path_a_saved_calibration_records(outputs_dir, monkeypatch, tmp_path):
    # before, CoJudge.save recorded "AffectGPT/x.npz" as given: read from another folder, it named no file
    monkeypatch.chdir(outputs_dir)
    judge = ReplayJudge("AffectGPT", FILES[0])
    monkeypatch.chdir(tmp_path)
    assert judge.path == str(outputs_dir / FILES[0])


def test_loading_without_a_calibrated_judge_is_an_error(fitted, judges, tmp_path):
    path = fitted.save(tmp_path / "calibration.json")
    with pytest.raises(InputError, match="AffectGPT"):
        CoJudge.load(path, judges[1:])


def test_loading_without_calibrated_judges_says_the_files_judges_lists_them_all(tmp_path):
    # it said 'give all 3 it was calibrated with', the judges past the fifth named nowhere in the message
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    with pytest.raises(InputError, match=r'give all 3 it was calibrated with \(its "judges" lists them all\)$'):
        CoJudge.load(path, cojudge.judges[:1])


def test_loading_with_a_calibrated_judge_under_a_misspelt_name_says_which_name_it_may_be(tmp_path):
    # it named the judge missing, and nothing of the judge given in its place (a config's 'name = "fun"' for "fn")
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    first, *rest = cojudge.judges
    with pytest.raises(InputError, match=rf"calibrated with judge\(s\) {first.name} that were not given; .*; given under other names: "
                                         rf"{first.name}x \(did you mean {first.name}\?\)$"):
        CoJudge.load(path, [CountingReplay(first.name + "x", {}), *rest])


def test_loading_with_a_calibrated_judge_under_another_case_says_which_name_it_may_be(tmp_path):
    # 'GOOD' for 'good' was no close match: difflib compares case and all
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    first, *rest = cojudge.judges
    with pytest.raises(InputError, match=rf"; given under other names: {first.name.upper()} \(did you mean {first.name}\?\)$"):
        CoJudge.load(path, [CountingReplay(first.name.upper(), {}), *rest])


def test_loading_with_many_judges_under_other_names_names_those_close_to_a_missing_one_first(tmp_path):
    # listed in the order given, the one close to the missing judge's name was cut off as 'and 1 more'
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    first, *rest = cojudge.judges
    extras = [CountingReplay(f"extra{i}", {}) for i in range(5)]
    with pytest.raises(InputError, match=rf"; given under other names: {first.name}x \(did you mean {first.name}\?\), extra0, "
                                         rf"extra1, extra2, extra3 and 1 more$"):
        CoJudge.load(path, [*extras, CountingReplay(first.name + "x", {}), *rest])


def test_loading_with_a_replayed_judge_serving_other_answers_warns(fitted, judges, outputs_dir, tmp_path):
    import warnings

    path = fitted.save(tmp_path / "calibration.json")
    other = ReplayJudge("AffectGPT", outputs_dir / "Otter/output-reason-7b-nosubtitle-addsub-eng-openset.npz")
    with pytest.warns(UserWarning, match="judge AffectGPT serves other answers than the ones .* was calibrated on"):
        CoJudge.load(path, [other, *judges[1:]], progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CoJudge.load(path, judges, progress=False)  # the same files: no warning


def test_fit_refuses_unlabelled_clips(judges, dev_labels):
    with pytest.raises(InputError, match="no label"):
        CoJudge(judges, progress=False).fit(["sample_unlabelled"], dev_labels)


# -- small hand-built panels: replayed toy outputs (tests/core_fixtures.py), majority voting ---------------
class CountingReplay(ReplayJudge):
    """A replay judge that records the size of every batch it is given."""

    def __init__(self, name, labels):
        super().__init__(name, labels=labels)
        self.batches = []

    def judge_batch(self, clips):
        self.batches.append(len(clips))
        return super().judge_batch(clips)


def toy_cojudge(**kwargs) -> tuple[CoJudge, dict[str, list[str]]]:
    outputs, labels = toy_outputs()
    judges = [CountingReplay(name, {n: w for n, w in out.items() if w is not None}) for name, out in outputs.items()]
    return CoJudge(judges, strategy="majority", progress=False, **kwargs), labels


class WrongIdentityReplay(CountingReplay):
    """A judge of one's own whose cache_identity has a bug (a misspelt attribute)."""

    def cache_identity(self):
        return {**super().cache_identity(), "word": self.wrod}


def test_loading_with_a_judge_whose_cache_identity_raises_is_a_one_line_error_naming_it(tmp_path):
    # cojudge predict --calibration ended in the AttributeError's traceback: CoJudge.load read it before any cache did
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    first, *rest = cojudge.judges
    with pytest.raises(InputError, match=rf"^judge '{first.name}' \(WrongIdentityReplay\): its cache_identity\(\) raised AttributeError: "
                                         r"'WrongIdentityReplay' object has no attribute 'wrod'; fix it") as raised:
        CoJudge.load(path, [WrongIdentityReplay(first.name, {}), *rest])
    assert isinstance(raised.value.__cause__, AttributeError)


def test_a_cojudge_without_judges_is_an_input_error():
    with pytest.raises(InputError, match="at least one judge"):
        CoJudge([], strategy="majority")


@pytest.mark.parametrize("items", ["c0", 5])
def test_predict_many_of_a_bare_name_or_a_number_says_to_give_a_list(items):
    cojudge, _ = toy_cojudge()
    with pytest.raises(InputError, match="CoJudge.predict_many: give a list of clips"):
        cojudge.predict_many(items)


def test_fit_on_video_file_names_given_to_replay_judges_says_they_take_sample_names(tmp_path):
    # it said 'c0.mp4: no such video file; check the path', sending the user to look for a video replay judges never read
    cojudge, labels = toy_cojudge()
    with pytest.raises(InputError, match=r"^CoJudge\.fit: 8 of 8 clips cannot be used .*: \S*c0\.mp4: no such video file, and replay "
                                         r"judges take sample names, not videos: give 'c0' \(the name without its folder and file "
                                         r"suffix\) \| \S*c1\.mp4: "):  # each clip's, in one error, the method named once
        cojudge.fit([str(tmp_path / f"{n}.mp4") for n in labels], labels)


def test_predict_of_a_video_file_name_given_to_replay_judges_says_they_take_sample_names(tmp_path):
    cojudge, labels = toy_cojudge()
    cojudge.fit(list(labels), labels, tune=False)
    with pytest.raises(InputError, match=r"CoJudge\.predict: .*c0\.mp4: no such video file, and replay judges take sample names"):
        cojudge.predict(tmp_path / "c0.mp4")


def test_a_missing_video_file_given_to_a_panel_with_a_live_judge_is_still_no_such_video_file(tmp_path):
    outputs, labels = toy_outputs()
    replayed = [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()]
    cojudge = CoJudge([*replayed, _Keyword(keywords={c: "happy" for c in labels})], strategy="majority", progress=False)
    with pytest.raises(InputError, match=r"c0\.mp4: no such video file; check the path$"):
        cojudge.fit([str(tmp_path / "c0.mp4")], labels)


def test_fit_on_a_folder_with_several_subtitles_not_in_utf8_is_one_error_naming_each(tmp_path):
    # it named a.srt only, and the next fit c.srt: one fit per bad clip
    cojudge = CoJudge([_Keyword(keywords={"a": "happy", "b": "sad", "c": "happy"})], strategy="majority", progress=False)
    with pytest.raises(InputError, match=r"^2 of 3 clips cannot be used \(nothing was judged\); fix them all, then run again: "
                                         r".*a\.srt: subtitle of a\.mp4 is not UTF-8 .* \| .*c\.srt: subtitle of c\.mp4 is not UTF-8 "):
        cojudge.fit(make_folder_with_latin1_subtitles(tmp_path), {"a": ["happy"], "b": ["sad"], "c": ["happy"]}, tune=False)


def test_a_sample_name_with_a_dot_given_as_its_video_file_is_told_to_be_given_as_a_clip_which_then_works(tmp_path):
    # it said "give 'c0.en'", and predict('c0.en') is read as a video file again: "... give 'c0'", another clip's name
    replay = ReplayJudge("one", labels={"c0.en": ["happy"], "c1": ["sad"]})
    cojudge = CoJudge([replay], strategy="majority", progress=False).fit(["c1", Clip("c0.en")], {"c1": ["sad"], "c0.en": ["happy"]}, tune=False)
    with pytest.raises(InputError, match=r"c0\.en\.mp4: no such video file, and replay judges take sample names, not videos: give 'c0\.en' "
                                         r"\(the name without its folder and file suffix\) as Clip\('c0\.en'\): as text, a name with a dot "
                                         r"is read as a video file's$"):
        cojudge.predict(str(tmp_path / "c0.en.mp4"))
    assert cojudge.predict(Clip("c0.en")).words == ["happy"]


def test_the_judges_run_in_batches_of_the_cojudges_batch_size():
    cojudge, labels = toy_cojudge(batch_size=3)
    cojudge.run(list(labels))
    assert cojudge.judges[0].batches == [3, 3, 2]


def test_the_judges_verdicts_are_kept_in_the_cojudges_cache(tmp_path):
    cojudge, labels = toy_cojudge(cache=tmp_path / "verdicts.sqlite")
    cojudge.run(list(labels))
    with VerdictCache(tmp_path / "verdicts.sqlite") as cache:
        assert cache.stats()["verdicts"] == 3 * len(labels)


def test_a_cojudge_given_an_open_verdict_cache_saves_its_calibration_and_refuses_to_save_over_the_cache(tmp_path):
    # save() ended in "TypeError: expected str, bytes or os.PathLike object, not VerdictCache"
    with VerdictCache(tmp_path / "verdicts.sqlite") as cache:
        cojudge, labels = toy_cojudge(cache=cache)
        cojudge.fit(list(labels), labels, tune=False)
        assert cojudge.save(tmp_path / "calibration.json").is_file()
        with pytest.raises(InputError, match="is the same file as the verdict cache"):
            cojudge.save(tmp_path / "verdicts.sqlite")


@pytest.mark.filterwarnings("ignore::ensemble.cojudge.JudgeFailureWarning")  # the toy panel's lazy judge fails on c4-c7 by design
def test_a_fitted_cojudge_given_an_open_verdict_cache_pickles_and_predicts_as_before(tmp_path):
    # pickle.dumps(cojudge) was a TypeError: cannot pickle '_thread.RLock' object
    import pickle

    outputs, labels = toy_outputs()
    judges = [ReplayJudge(name, labels={n: w for n, w in out.items() if w is not None}) for name, out in outputs.items()]
    with VerdictCache(tmp_path / "verdicts.sqlite") as cache:
        cojudge = CoJudge(judges, strategy="majority", cache=cache, progress=False).fit(list(labels), labels, tune=False)
        again = pickle.loads(pickle.dumps(cojudge))
        assert [p.words for p in again.predict_many(list(labels))] == [p.words for p in cojudge.predict_many(list(labels))]
        again.cache.close()


def test_a_tuned_cojudge_saved_by_joblib_predicts_as_before_and_keeps_its_tuning_report(tmp_path):
    import joblib

    cojudge, labels = toy_cojudge()
    cojudge.fit(list(labels), labels, grid={"threshold": [0.3, 0.6]}, folds=2)
    again = joblib.load(joblib.dump(cojudge, tmp_path / "cojudge.joblib")[0])
    answered = list(labels)[:4]  # the clips every judge answered (lazy's failures on the others are warned about)
    assert [p.words for p in again.predict_many(answered)] == [p.words for p in cojudge.predict_many(answered)]
    assert again.tuning_ == cojudge.tuning_ and again.tuning_ is not None


def test_fit_without_a_grid_tunes_over_the_strategys_default_grid():
    cojudge, labels = toy_cojudge()
    cojudge.fit(list(labels), labels, folds=2)
    assert set(cojudge.tuning_.best_params) == set(default_grid("majority"))


def test_fit_learns_with_the_best_tuned_parameters():
    cojudge, labels = toy_cojudge()
    cojudge.fit(list(labels), labels, grid={"threshold": [0.9]}, folds=2)
    assert cojudge.fuser.voter_.get_params()["threshold"] == 0.9


def test_bad_folds_are_refused_before_the_judges_run():
    cojudge, labels = toy_cojudge()
    with pytest.raises(InputError, match="folds=1"):
        cojudge.fit(list(labels), labels, folds=1)
    assert [judge.batches for judge in cojudge.judges] == [[], [], []]


def test_the_calibration_file_keeps_the_tuning_report(tmp_path):
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.5]}, folds=2).save(tmp_path / "calibration.json")
    assert json.loads(path.read_text(encoding="utf-8"))["tuning"] == json.loads(json.dumps(cojudge.tuning_.summary()))


def test_a_loaded_cojudge_keeps_the_strategy_and_only_the_calibrated_judges_in_order(tmp_path):
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    extra = ReplayJudge("extra", labels={"c0": ["sad"]})
    reloaded = CoJudge.load(path, [extra, *reversed(cojudge.judges)], progress=False)
    assert reloaded.strategy == "majority"
    assert [judge.name for judge in reloaded.judges] == ["good", "noisy", "lazy"]


@pytest.mark.filterwarnings("ignore::ensemble.cojudge.JudgeFailureWarning")  # the toy panel's lazy judge fails on c4-c7 by design
def test_a_calibration_of_replay_judges_given_their_answers_in_python_loads(tmp_path):
    # ReplayJudge(name, labels=...) has no file: its calibration entry's path is null, which loading refused as "not text"
    outputs, labels = toy_outputs()
    judges = [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()]
    cojudge = CoJudge(judges, strategy="majority", progress=False).fit(list(labels), labels, tune=False)
    path = cojudge.save(tmp_path / "calibration.json")
    reloaded = CoJudge.load(path, judges, progress=False)
    assert [p.to_dict() for p in reloaded.predict_many(list(labels))] == [p.to_dict() for p in cojudge.predict_many(list(labels))]


class _Keyword(Judge):
    """A judge of one's own with a setting that changes its answers (as README's keyword judge)."""

    def __init__(self, name: str = "kw", keywords: dict[str, str] | None = None) -> None:
        self.name, self.keywords = name, dict(keywords or {"c0": "happy"})

    def judge_batch(self, clips):
        return [Verdict(self.name, c.name, words=[self.keywords[c.name]] if c.name in self.keywords else []) for c in clips]

    def cache_identity(self):
        return {**super().cache_identity(), "keywords": self.keywords}


def test_loading_with_a_judge_of_ones_own_built_with_other_settings_than_calibrated_warns_naming_them(tmp_path):
    # its calibrated weights were used for a judge built otherwise (another keyword list, model or prompt), silently
    outputs, labels = toy_outputs()
    replayed = [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()]
    cojudge = CoJudge([*replayed, _Keyword(keywords={c: "happy" for c in labels})], strategy="majority", progress=False)
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CoJudge.load(path, [*replayed, _Keyword(keywords={c: "happy" for c in labels})], progress=False)  # as calibrated: no warning
    with pytest.warns(UserWarning, match=r"judge kw is not built as when .*calibration\.json was calibrated \(its keywords differ\); "
                                         r"its weights are the calibrated judge's: build it as then, or calibrate again"):
        CoJudge.load(path, [*replayed, _Keyword(keywords={"c0": "sad"})], progress=False)


class _Versioned(_Keyword):
    """A keyword judge whose identity names a version only once one is set (a setting added after calibrating)."""

    def __init__(self, name: str = "kw", keywords: dict[str, str] | None = None, version: str | None = None) -> None:
        super().__init__(name, keywords)
        self.version = version

    def cache_identity(self):
        return {**super().cache_identity(), **({"version": self.version} if self.version else {})}


def test_loading_with_a_judge_whose_identity_names_a_setting_the_calibration_does_not_warns_naming_it(tmp_path):
    outputs, labels = toy_outputs()
    replayed = [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()]
    path = CoJudge([*replayed, _Versioned()], strategy="majority", progress=False).fit(list(labels), labels, tune=False).save(
        tmp_path / "calibration.json")
    with pytest.warns(UserWarning, match=r"judge kw is not built as when .*calibration\.json was calibrated \(its version differ\)"):
        CoJudge.load(path, [*replayed, _Versioned(version="2")], progress=False)


def test_loading_with_a_calibrated_judges_stored_answers_replayed_in_its_place_does_not_warn_that_it_is_built_otherwise(tmp_path):
    # judged live at calibration, its answers kept and replayed later: replayed judges are told by their answers
    outputs, labels = toy_outputs()
    replayed = [ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()]
    path = CoJudge([*replayed, _Keyword()], strategy="majority", progress=False).fit(list(labels), labels, tune=False).save(
        tmp_path / "calibration.json")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CoJudge.load(path, [*replayed, ReplayJudge("kw", labels={"c0": ["happy"]})], progress=False)
    assert not [w for w in caught if "not built as when" in str(w.message)]


def test_predicting_before_fitting_says_how_to_fit_before_any_judge_runs():
    cojudge, labels = toy_cojudge()
    with pytest.raises(InputError, match=r"CoJudge is not fitted; call fit\(samples, labels\)"):
        cojudge.predict("c0")
    assert [judge.batches for judge in cojudge.judges] == [[], [], []]


def test_predicting_before_fitting_names_the_untrained_rule_for_clips_without_labels_and_that_rule_runs():
    # a researcher with videos and no labels was told only to fit, or to load a calibration file they do not have
    from ensemble.score_union_fuser import ScoreUnionFuser

    cojudge, labels = toy_cojudge()
    with pytest.raises(InputError, match=r"; without labelled clips, fuse its run by the untrained rule cojudge predict uses: "
                                         r"ensemble\.score_union_fuser\.ScoreUnionFuser\(\)\.fit\(\)\.predict\(cojudge\.run\(clips\)\)$"):
        cojudge.predict("c0")
    [pred] = ScoreUnionFuser(wheel=None).fit().predict(cojudge.run(["c0"]))
    assert pred.name == "c0" and pred.words and pred.error is None


def test_an_unfitted_cojudge_raises_sklearns_not_fitted_error_as_its_voter_does():
    # it raised only InputError, which code written for scikit-learn (except NotFittedError) does not catch
    from sklearn.exceptions import NotFittedError

    cojudge, _ = toy_cojudge()
    with pytest.raises(NotFittedError, match=r"^CoJudge is not fitted; call fit\(samples, labels\)"):
        cojudge.predict("c0")


@pytest.mark.filterwarnings(r"ignore:judge\(s\) lazy were not in the fit")  # the CoJudge given all three is given lazy too
def test_a_fusion_fitted_on_some_of_the_judges_saves_a_file_that_loads_with_all_of_them(tmp_path):
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop").fit({n: outputs[n] for n in ("good", "noisy")}, labels)
    cojudge, _ = toy_cojudge(fuser=fuser)
    path = cojudge.save(tmp_path / "calibration.json")
    reloaded = CoJudge.load(path, cojudge.judges, progress=False)
    assert [p.to_dict() for p in reloaded.predict_many(list(labels))] == [p.to_dict() for p in cojudge.predict_many(list(labels))]


def test_a_cojudge_given_a_judge_it_was_not_fitted_with_warns_once_for_a_loop_of_predictions():
    # every predict_many call warned again: a loop of predict calls flooded the log with the same line
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    outputs, labels = toy_outputs()
    cojudge, _ = toy_cojudge(fuser=Fuser(MajorityVoter(), oov="drop").fit({n: outputs[n] for n in ("good", "noisy")}, labels))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in labels:
            cojudge.predict(name)
        cojudge.predict_many(list(labels))
    assert [str(w.message) for w in caught] == ["judge(s) lazy were not in the fit, so they are not run: their votes would not be "
                                                "fused; fit again with them to count their votes (fitted with: good, noisy)"]


@pytest.mark.filterwarnings(r"ignore:judge\(s\) lazy were not in the fit")
def test_a_cojudge_given_a_judge_it_was_not_fitted_with_does_not_run_it_to_predict():
    # it ran every judge given (a GPU model's time on every clip) for votes the fusion then set aside
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    outputs, labels = toy_outputs()
    cojudge, _ = toy_cojudge(fuser=Fuser(MajorityVoter(), oov="drop").fit({n: outputs[n] for n in ("good", "noisy")}, labels))
    cojudge.predict_many(list(labels))
    assert [(judge.name, sum(judge.batches)) for judge in cojudge.judges] == [("good", 8), ("noisy", 8), ("lazy", 0)]
    assert list(cojudge.last_verdicts_) == ["good", "noisy"]


@pytest.mark.filterwarnings("ignore::ensemble.cojudge.JudgeFailureWarning")  # the toy panel's lazy judge fails on c4-c7 by design
def test_a_calibration_saved_and_loaded_under_a_tilde_is_the_file_in_the_home_folder(tmp_path, monkeypatch):
    # CoJudge.save("~/calibration.json") wrote ./~/calibration.json, in a folder named '~' it made in the working folder,
    # and CoJudge.load("~/calibration.json") said "no such calibration file"
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir(), work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    outputs, labels = toy_outputs()
    cojudge, _ = toy_cojudge(fuser=Fuser(MajorityVoter(), oov="drop").fit(outputs, labels))
    assert cojudge.save("~/calibration.json") == home / "calibration.json"
    assert not (work / "~").exists()
    reloaded = CoJudge.load("~/calibration.json", cojudge.judges, progress=False)
    assert [p.words for p in reloaded.predict_many(list(labels))] == [p.words for p in cojudge.predict_many(list(labels))]


def test_fitting_again_does_not_depend_on_an_earlier_fit_nor_change_the_voter_given():
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    voter = MajorityVoter(threshold=0.5)
    cojudge, labels = toy_cojudge(fuser=Fuser(voter, oov="drop"))
    cojudge.fit(list(labels), labels, grid={"threshold": [0.9]}, folds=2)
    assert cojudge.fuser.voter_.get_params()["threshold"] == 0.9 and voter.get_params()["threshold"] == 0.5
    cojudge.fit(list(labels), labels, tune=False)  # as a new CoJudge would: the voter's own threshold, no tuning report
    assert cojudge.fuser.voter_.get_params()["threshold"] == 0.5 and cojudge.tuning_ is None


def test_a_fuser_given_without_a_voter_gets_the_strategys_voter():
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    cojudge, labels = toy_cojudge(fuser=Fuser(oov="drop"))  # Fuser's voter defaults to None
    cojudge.fit(list(labels), labels, folds=2)
    assert isinstance(cojudge.fuser.voter_, MajorityVoter) and set(cojudge.tuning_.best_params) == set(default_grid("majority"))


def test_predict_many_warns_once_naming_the_judges_that_failed_on_some_clips_and_how_to_list_them(tmp_path):
    # it fused the judges that answered without a word: only cojudge predict said a judge had failed
    from ensemble.cojudge import JudgeFailureWarning

    cojudge, labels = toy_cojudge(cache=tmp_path / "verdicts.sqlite")
    cojudge.fit(list(labels), labels, tune=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cojudge.predict_many(list(labels))
    assert [(w.category, str(w.message)) for w in caught] == [(JudgeFailureWarning, (
        "judge(s) failed on 4 of 8 clip(s): lazy on 4 (4 verdict(s) cached: retry_failed=True asks again); of those, 4 fused without "
        "them; e.g. c4: no stored output for 'c4'; list each failure with {j: {c: v.error for c, v in per.items() if not v.ok} "
        "for j, per in cojudge.last_verdicts_.items()}"))]


def test_predict_warns_of_a_failed_judge_on_each_call_and_not_when_every_judge_answered():
    from ensemble.cojudge import JudgeFailureWarning

    cojudge, labels = toy_cojudge()
    cojudge.fit(list(labels), labels, tune=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in labels:
            cojudge.predict(name)
    assert [str(w.message).split(";")[0] for w in caught if w.category is JudgeFailureWarning] == [
        "judge(s) failed on 1 of 1 clip(s): lazy on 1"] * 4  # c4 to c7, which lazy has no answer for


def test_fit_warns_about_a_judge_that_answered_none_of_the_clips_with_its_first_error():
    cojudge, labels = toy_cojudge()
    cojudge.judges.append(ReplayJudge("down", labels={"elsewhere": ["happy"]}))
    with pytest.warns(UserWarning, match=r"judge down answered none of the 8 clips \(c0: no stored output for 'c0'\)"):
        cojudge.fit(list(labels), labels, tune=False)


def test_fit_warns_about_labelled_clips_no_judge_answered():
    cojudge, labels = toy_cojudge()
    with pytest.warns(UserWarning, match=r"no judge answered 1 of the 9 clips \(e.g. 'unjudged'\); they are left out of the fit"):
        cojudge.fit([*labels, "unjudged"], {**labels, "unjudged": ["happy"]}, tune=False)


def test_a_fuser_given_with_a_voter_sets_the_strategy_saved_in_the_calibration_file(tmp_path):
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    outputs, labels = toy_outputs()
    cojudge = CoJudge([ReplayJudge(n, labels={c: w for c, w in out.items() if w is not None}) for n, out in outputs.items()],
                      fuser=Fuser(MajorityVoter(), oov="drop"), progress=False)
    path = cojudge.fit(list(labels), labels, folds=2).save(tmp_path / "calibration.json")
    assert cojudge.strategy == "majority" and set(cojudge.tuning_.best_params) == set(default_grid("majority"))
    assert json.loads(path.read_text(encoding="utf-8"))["strategy"] == "majority"


def test_a_strategy_that_contradicts_the_fusers_voter_is_refused():
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    with pytest.raises(InputError, match=r"strategy='stacked' but the fuser's voter is a MajorityVoter \('majority'\)"):
        CoJudge([ReplayJudge("a", labels={"c0": ["happy"]})], fuser=Fuser(MajorityVoter()), strategy="stacked")


@pytest.mark.parametrize("strategy, fix", [("voter", r"; a voter object goes in fuser=Fuser\(voter\)$"), (5, r"path/to/file\.py:Class$"),
                                            ("voter class", r"; a voter class goes in as a voter, fuser=Fuser\(MajorityVoter\(\)\)$")])
def test_a_strategy_that_is_not_a_name_is_a_one_line_error_saying_what_to_give(strategy, fix):
    from ensemble.majority_voter import MajorityVoter

    strategy = {"voter": MajorityVoter(), "voter class": MajorityVoter}.get(strategy, strategy)
    with pytest.raises(InputError, match=rf"strategy={re.escape(repr(strategy))}: give a strategy's name \(majority, .*\) or one of your own.*{fix}"):
        CoJudge([ReplayJudge("a", labels={"c0": ["happy"]})], strategy=strategy)


def test_tuning_a_voter_no_strategy_names_asks_for_a_grid():
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    class MyVoter(MajorityVoter):
        pass

    cojudge, labels = toy_cojudge()
    cojudge = CoJudge(cojudge.judges, fuser=Fuser(MyVoter(), oov="drop"), progress=False)
    with pytest.raises(InputError, match=r"the voter MyVoter has no default grid; give grid="):
        cojudge.fit(list(labels), labels, folds=2)
    assert [judge.batches for judge in cojudge.judges] == [[], [], []]


def test_the_cojudges_batch_timeout_gives_up_a_judge_that_hangs():
    import threading

    class Hanging(ReplayJudge):
        def judge_batch(self, clips):
            threading.Event().wait(10)
            return super().judge_batch(clips)

    cojudge = CoJudge([Hanging("slow", labels={"c0": ["happy"]}), ReplayJudge("fast", labels={"c0": ["sad"]})],
                      strategy="majority", progress=False, batch_timeout=0.5)
    verdicts = cojudge.run(["c0"])
    assert "within batch_timeout=0.5 s" in verdicts["slow"]["c0"].error and verdicts["fast"]["c0"].words == ["sad"]


def test_saving_a_voter_a_calibration_file_cannot_restore_is_refused_before_any_file_is_written(tmp_path):
    from ensemble.fuser import Fuser
    from ensemble.majority_voter import MajorityVoter

    class MyVoter(MajorityVoter):
        pass

    cojudge, labels = toy_cojudge()
    cojudge = CoJudge(cojudge.judges, fuser=Fuser(MyVoter(), oov="drop"), progress=False).fit(list(labels), labels, tune=False)
    with pytest.raises(InputError, match=r"MyVoter .* cannot be saved in a calibration file"):
        cojudge.save(tmp_path / "calibration.json")
    assert not (tmp_path / "calibration.json").exists()


def test_a_voter_that_is_not_a_class_voter_is_refused_before_any_judge_runs():
    from sklearn.base import BaseEstimator

    from ensemble.fuser import Fuser

    class Duck(BaseEstimator):
        def fit(self, table, Y=None):
            return self

    cojudge, labels = toy_cojudge()
    with pytest.raises(InputError, match=r"the voter Duck is not a ClassVoter"):
        CoJudge(cojudge.judges, fuser=Fuser(Duck(), oov="drop"), progress=False)
    assert [judge.batches for judge in cojudge.judges] == [[], [], []]


@pytest.mark.parametrize("voter", ["instance", "class"])
def test_a_voter_given_as_the_fuser_says_to_give_it_inside_a_fuser_before_any_judge_runs(voter):
    # CoJudge(judges, fuser=MajorityVoter()) was an AttributeError: 'MajorityVoter' object has no attribute 'voter'
    from ensemble.majority_voter import MajorityVoter

    cojudge, _ = toy_cojudge()
    given, inside = ("MajorityVoter", "MajorityVoter()") if voter == "class" else ("MajorityVoter(threshold=0.3)",) * 2
    with pytest.raises(InputError, match=rf"^CoJudge: fuser={re.escape(given)} is a voter, not a Fuser; give "
                                         rf"fuser=Fuser\({re.escape(inside)}\) \(ensemble\.Fuser\)$"):
        CoJudge(cojudge.judges, fuser=MajorityVoter if voter == "class" else MajorityVoter(threshold=0.3), progress=False)
    assert [judge.batches for judge in cojudge.judges] == [[], [], []]


def test_the_fuser_class_given_as_the_fuser_says_to_give_an_instance_of_it_before_any_judge_runs():
    # CoJudge(judges, fuser=Fuser) said "fuser=<class 'ensemble.fuser.Fuser'> (type) is not a Fuser", though it is the class
    # (then "is the Fuser class, not a Fuser", still saying the class is no Fuser)
    from ensemble.fuser import Fuser

    cojudge, _ = toy_cojudge()
    with pytest.raises(InputError, match=r"^CoJudge: fuser=Fuser is the Fuser class itself; give an instance of it, "
                                         r"fuser=Fuser\(voter\) \(e\.g\. Fuser\(MajorityVoter\(\)\)\), or leave it out$"):
        CoJudge(cojudge.judges, fuser=Fuser, progress=False)
    assert [judge.batches for judge in cojudge.judges] == [[], [], []]


def test_a_fuser_that_is_not_a_fuser_nor_a_voter_is_a_one_line_error():
    with pytest.raises(InputError, match=r"^CoJudge: fuser='stacked' \(str\) is not a Fuser; give fuser=Fuser\(voter\)"):
        CoJudge([ReplayJudge("a", labels={"c0": ["happy"]})], fuser="stacked")


@pytest.mark.parametrize("setting, message", [
    ({"batch_size": 0}, "batch_size=0: give a whole number"),
    ({"max_workers": 0}, "max_workers=0: give a whole number"),
    ({"batch_timeout": 0}, "batch_timeout=0: give the seconds"),
    ({"cache": 5}, "cache=5: give a VerdictCache"),
])
def test_a_bad_run_setting_is_refused_when_the_cojudge_is_built(setting, message):
    # CoJudge(judges, batch_size=0) was built, and refused only when fit, run or predict_many first ran the judges
    cojudge, _ = toy_cojudge()
    with pytest.raises(InputError, match=f"^{message}"):
        CoJudge(cojudge.judges, strategy="majority", progress=False, **setting)


@pytest.mark.parametrize("judges", [ReplayJudge("a", labels={"c0": ["happy"]}), "judges.toml"])
def test_one_judge_or_a_config_path_instead_of_a_list_of_judges_is_a_one_line_error(judges, tmp_path):
    with pytest.raises(InputError, match=r"CoJudge: give a list of judges"):
        CoJudge(judges, strategy="majority")
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    with pytest.raises(InputError, match=r"CoJudge.load: give a list of judges"):
        CoJudge.load(path, judges)


def test_fit_on_clips_no_judge_answered_is_a_one_line_error_as_in_fuser_fit(tmp_path):
    cojudge, labels = toy_cojudge()
    elsewhere = {f"x{i}": ["happy"] for i in range(4)}  # labels of other clips than the judges' outputs
    with pytest.raises(InputError, match=r"CoJudge.fit: no judge answered any of the 4 labelled clips \(e.g. 'x0': no stored output for 'x0'\)"):
        cojudge.fit(list(elsewhere), elsewhere, folds=2)
    assert not hasattr(cojudge.fuser, "voter_")


@pytest.mark.parametrize("twice", ["the same judge", "two judges of one name"])
def test_a_judge_list_with_a_name_given_twice_is_a_one_line_error_when_built_or_loaded(twice, tmp_path):
    # CoJudge([a, a]) was built and failed only when fit ran the judges; CoJudge.load(path, [a, other_a]) kept the last
    # one of the name silently, dropping the judge the file was calibrated with
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, tune=False).save(tmp_path / "calibration.json")
    good = cojudge.judges[0]
    again = good if twice == "the same judge" else ReplayJudge("good", labels={"c0": ["sad"]})
    with pytest.raises(InputError, match=r"^CoJudge: judge name\(s\) 'good' given more than once"):
        CoJudge([good, again], strategy="majority")
    with pytest.raises(InputError, match=r"^CoJudge.load: judge name\(s\) 'good' given more than once"):
        CoJudge.load(path, [*cojudge.judges, again])


def test_a_cojudge_shows_its_judges_strategy_and_whether_and_how_it_was_fitted():
    # it was shown as <ensemble.cojudge.CoJudge object at 0x...>
    cojudge, labels = toy_cojudge()
    assert repr(cojudge) == "CoJudge(judges=['good', 'noisy', 'lazy'], strategy='majority'; not fitted)"
    cojudge.fit(list(labels), labels, grid={"threshold": [0.6]}, folds=2)
    assert re.fullmatch(r"CoJudge\(judges=\['good', 'noisy', 'lazy'\], strategy='majority'; "
                        r"fitted: MajorityVoter\(threshold=0\.6\), cross-validated l1_f \d\.\d{4}\)", repr(cojudge))
    assert repr(cojudge.fit(list(labels), labels, tune=False)).endswith("; fitted: MajorityVoter())")


def test_a_loaded_cojudge_holds_the_files_tuning_report_and_saves_it_again_as_it_was(tmp_path):
    # CoJudge.load left tuning_ None, though the file holds the report, and saving the loaded CoJudge dropped it
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.4, 0.6]}, folds=2).save(tmp_path / "calibration.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tuning"]["folds"] = 2  # as 'cojudge tune' records its settings beside the report
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = CoJudge.load(path, cojudge.judges, progress=False)
    tuned = cojudge.tuning_
    assert (loaded.tuning_.best_params, loaded.tuning_.best_score, loaded.tuning_.pr_curve) == (tuned.best_params, tuned.best_score, tuned.pr_curve)
    assert (loaded.tuning_.knob, loaded.tuning_.smoothed, loaded.tuning_.results) == ("threshold", tuned.smoothed, [])
    again = loaded.save(tmp_path / "again.json")
    assert json.loads(again.read_text(encoding="utf-8"))["tuning"] == data["tuning"]


def test_a_calibration_file_written_before_tuning_recorded_knob_by_neighbourhood_loads_and_saves_again_as_it_was(tmp_path):
    # files written before the knob's choice was recorded (format_version 1 too, and 'cojudge fuse' reads them) were refused
    # by CoJudge.load, and so by 'cojudge predict --calibration': "damaged calibration file (missing tuning 'knob_by_neighbourhood')"
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.4, 0.6]}, folds=2).save(tmp_path / "calibration.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["tuning"]["knob_by_neighbourhood"]
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = CoJudge.load(path, cojudge.judges, progress=False)
    assert (loaded.tuning_.best_params, loaded.tuning_.smoothed) == (cojudge.tuning_.best_params, False)
    again = loaded.save(tmp_path / "again.json")
    assert json.loads(again.read_text(encoding="utf-8"))["tuning"] == data["tuning"]


def test_a_loaded_cojudge_fitted_again_saves_its_new_tuning_report(tmp_path):
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.4]}, folds=2).save(tmp_path / "calibration.json")
    loaded = CoJudge.load(path, cojudge.judges, progress=False).fit(list(labels), labels, grid={"threshold": [0.6]}, folds=2)
    again = json.loads(loaded.save(tmp_path / "again.json").read_text(encoding="utf-8"))
    assert again["tuning"]["best_params"] == {"threshold": 0.6}


def test_a_loaded_cojudge_whose_new_fit_is_interrupted_while_tuning_keeps_the_files_tuning_report(tmp_path, monkeypatch):
    # fit set tuning_ to None before tuning: a refit stopped there (Ctrl-C on a long tuning, a strategy of one's own
    # failing) left the loaded fusion as it was but without its tuning report, and saving it dropped the file's
    import calibration.tuning

    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.4, 0.6]}, folds=2).save(tmp_path / "calibration.json")
    loaded = CoJudge.load(path, cojudge.judges, progress=False)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibration.tuning, "tune_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        loaded.fit(list(labels), labels, grid={"threshold": [0.6]}, folds=2)
    again = loaded.save(tmp_path / "again.json")
    assert json.loads(again.read_text(encoding="utf-8"))["tuning"] == json.loads(path.read_text(encoding="utf-8"))["tuning"]


@pytest.mark.parametrize(("key", "value", "what"), [("cv_score", "high", "tuning cv_score 'high' is not what tuning records"),
                                                     ("cv_score", 10**400, f"tuning cv_score {10**400} is not what tuning records"),
                                                     ("best_params", None, "missing tuning 'best_params'"),  # None: key removed
                                                     ("pr_curve", [1, 2], "tuning pr_curve [1, 2] is not what tuning records")],
                         ids=["a score in words", "a score too large for a float", "a key missing", "a curve of numbers"])
@pytest.mark.filterwarnings("ignore::ensemble.cojudge.JudgeFailureWarning")  # the toy panel's lazy judge fails on c4-c7 by design
def test_a_calibration_file_with_a_damaged_tuning_report_loads_its_fusion_and_warns_once_that_the_report_is_left_out(tmp_path, key, value, what):
    # a damaged report (the tuning part only) stopped CoJudge.load entirely, though 'cojudge fuse' loads the same file
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.4]}, folds=2).save(tmp_path / "calibration.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["tuning"][key] = value
    if value is None:
        del data["tuning"][key]
    path.write_text(json.dumps(data), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = CoJudge.load(path, cojudge.judges, progress=False)
    assert [str(w.message) for w in caught] == [
        f"{path}: its tuning report is damaged ({what}); its fusion is intact and used, but tuning_ is None "
        "and saving this CoJudge writes no tuning report: re-run 'cojudge tune' for a new one"]
    assert loaded.tuning_ is None
    assert [p.to_dict() for p in loaded.predict_many(list(labels))] == [p.to_dict() for p in cojudge.predict_many(list(labels))]
    assert "tuning" not in json.loads(loaded.save(tmp_path / "again.json").read_text(encoding="utf-8"))


def test_a_calibration_file_with_a_damaged_fusion_is_still_a_one_line_error_when_loaded(tmp_path):
    cojudge, labels = toy_cojudge()
    path = cojudge.fit(list(labels), labels, grid={"threshold": [0.4]}, folds=2).save(tmp_path / "calibration.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["fusion"]["min_similarity"] = "high"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"damaged calibration file \(ValueError: fusion min_similarity 'high' is not a number\); re-run"):
        CoJudge.load(path, cojudge.judges)
