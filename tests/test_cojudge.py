"""CoJudge over replayed real judges: fit on dev clips, predict, save and reload."""
from __future__ import annotations

import pytest

from ensemble.cojudge import CoJudge
from judges.errors import InputError
from judges.replay import ReplayJudge

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
    pred = fitted.predict("sample_does_not_exist")
    assert not pred.ok


def test_calibration_file_reproduces_predictions(fitted, judges, dev_names, tmp_path):
    path = fitted.save(tmp_path / "calibration.json")
    reloaded = CoJudge.load(path, judges, progress=False)
    names = dev_names[120:160]
    assert [p.to_dict() for p in reloaded.predict_many(names)] == [p.to_dict() for p in fitted.predict_many(names)]


def test_loading_without_a_calibrated_judge_is_an_error(fitted, judges, tmp_path):
    path = fitted.save(tmp_path / "calibration.json")
    with pytest.raises(InputError, match="AffectGPT"):
        CoJudge.load(path, judges[1:])


def test_fit_refuses_unlabelled_clips(judges, dev_labels):
    with pytest.raises(InputError, match="no label"):
        CoJudge(judges, progress=False).fit(["sample_unlabelled"], dev_labels)
