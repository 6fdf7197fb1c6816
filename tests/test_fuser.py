"""The Fuser: judge outputs in, one answer per clip out, nothing silently dropped."""
from __future__ import annotations

import pytest

from ensemble.fuser import Fuser
from ensemble.majority_voter import MajorityVoter
from ensemble.stacked_voter import StackedVoter
from judges.errors import InputError
from tests.core_fixtures import toy_outputs


@pytest.fixture()
def fitted(wheel):
    outputs, labels = toy_outputs()
    return Fuser(StackedVoter(C=1.0), oov="drop", wheel=wheel).fit(outputs, labels), outputs, labels


def test_a_clip_no_judge_answered_is_reported_not_guessed(fitted):
    fuser, outputs, _ = fitted
    preds = fuser.predict(outputs, ["c0", "unseen"])
    assert preds[0].ok and preds[0].words
    assert not preds[1].ok and preds[1].words == [] and "no judge" in preds[1].error


def test_words_come_with_confidence_and_supporting_judges(fitted):
    fuser, outputs, _ = fitted
    pred = fuser.predict(outputs, ["c0"])[0]
    assert pred.words == ["happy"]
    assert 0 < pred.confidence["happy"] <= 1
    assert set(pred.support["happy"]) == {"good", "noisy", "lazy"}


def test_output_words_are_ones_a_judge_said(wheel):
    outputs = {"a": {"s": ["Joyful"]}, "b": {"s": ["joyful", "happy"]}}
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="drop", wheel=wheel).fit(outputs, {"s": ["happy"]})
    words = fuser.predict(outputs, ["s"])[0].words
    assert set(words) <= {"joyful", "happy"} and len(words) == 1


def test_missing_judge_at_predict_time_is_named(fitted):
    fuser, outputs, _ = fitted
    with pytest.raises(InputError, match="lazy"):
        fuser.predict({k: v for k, v in outputs.items() if k != "lazy"}, ["c0"])


def test_out_of_vocabulary_words_vote_after_attachment(wheel):
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="attach", wheel=wheel)
    table = fuser.table({"a": {"s": ["gratitude"]}}, ["s"])
    assert table.votes.sum() > 0
    dropped = Fuser(MajorityVoter(threshold=0.5), oov="drop", wheel=wheel).table({"a": {"s": ["gratitude"]}}, ["s"])
    assert dropped.votes.sum() == 0


def test_unknown_oov_policy_is_an_error(wheel):
    with pytest.raises(InputError, match="oov"):
        Fuser(oov="keep", wheel=wheel).table({"a": {"s": ["happy"]}}, ["s"])


def test_a_judge_subset_shows_the_remaining_judges_spelling(wheel):
    outputs = {"a": {"s": ["joyful"]}, "b": {"s": ["joyful"]}, "c": {"s": ["happy"]}}
    table = Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, ["s"])
    assert [c.word for c in table.candidates[0]] == ["joyful"]
    only_c = table.judge_subset(["c"])
    assert [(c.word, c.judges, c.words) for c in only_c.candidates[0]] == [("happy", ["c"], {"happy": 1})]
