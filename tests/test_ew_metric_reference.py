"""The EW metric reproduces the published reference values on the 232-clip dev split.

The values are the ones issue 2 ("Foundation", its "Must show") gives for the official EW metric on these
stored outputs; they were not produced by this code. n is 231: ``sample_00001717``'s ground truth maps
to no wheel word, so the metric skips it.
"""
from __future__ import annotations

import pytest

from calibration.ew_metric import evaluate
from judges.outputs import read_judge_output

REFERENCE = {
    "Chat-UniVi/output-reason-7b-nosubtitle-addsub-eng-openset.npz": {
        "m1": 28.01, "m2": 33.26, "wheel1_level1": 56.77, "wheel3_level2": 46.09,
        "l1_f": 56.59, "l2_f": 43.53, "m_avg": 46.82,
    },
    "AffectGPT/checkpoint_000030_loss_0.602-openset.npz": {"l1_f": 64.69, "l1_p": 62.78, "l1_r": 66.84, "m_avg": 53.34},
    "Qwen-Audio/output-reason-7b-subtitle-eng-openset.npz": {"l1_f": 35.56, "m_avg": 29.17},
}


@pytest.mark.parametrize("relpath", sorted(REFERENCE))
def test_reference_scores_on_dev_split(relpath, outputs_dir, dev_labels, dev_names, wheel):
    scores = evaluate(dev_labels, read_judge_output(outputs_dir / relpath), dev_names, wheel=wheel).as_dict()
    assert scores["n"] == 231
    for key, expected in REFERENCE[relpath].items():
        assert scores[key] == pytest.approx(expected, abs=0.01), key


def test_sample_whose_ground_truth_maps_to_nothing_is_skipped(dev_labels, wheel):
    assert wheel.map_words(dev_labels["sample_00001717"], "wheel1_level1") == set()
