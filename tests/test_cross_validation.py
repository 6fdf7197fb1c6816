"""The honest estimate: fused vs the best single judge chosen on the training folds only."""
from __future__ import annotations

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
