"""The Fuser: judge outputs in, one answer per clip out, nothing silently dropped."""
from __future__ import annotations

import json
import pickle
import re
import time

import numpy as np
import pytest

from ensemble.class_space import ClassSpace
from ensemble.fuser import Fuser
from ensemble.majority_voter import MajorityVoter
from ensemble.stacked_voter import StackedVoter
from ensemble.vote_table import Candidate
from ensemble.word_normalizer import WordNormalizer
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


def test_one_prediction_per_clip_asked_in_order_an_unanswered_one_included(fitted):
    fuser, outputs, _ = fitted
    assert [(p.name, p.ok) for p in fuser.predict(outputs, ["c0", "unseen", "c1"])] == [("c0", True), ("unseen", False), ("c1", True)]


def test_a_fitted_fuser_pickled_and_loaded_predicts_the_same(fitted):
    # docs/cojudge.md: pickling is how a Fuser fitted in Python is kept (a calibration file is CoJudge.save's)
    fuser, outputs, _ = fitted
    again = pickle.loads(pickle.dumps(fuser))
    assert [p.to_dict() for p in again.predict(outputs, list(outputs["good"]))] == [p.to_dict() for p in fuser.predict(outputs, list(outputs["good"]))]


def test_a_fitted_fuser_pickles_without_the_embedding_model_it_loaded_and_predicts_the_same(wheel, tmp_path, monkeypatch):
    # docs/cojudge.md: a fitted Fuser or CoJudge pickles the vocabulary's embeddings, not the model (reloaded where it is used)
    from judges.cache_folder import CACHE_ENV_VAR
    from tests.test_embedding_graph import tiny_sentence_model

    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    outputs, labels = {"a": {"s": ["zorblax quiff"], "t": ["sad"]}}, {"s": ["happy"], "t": ["sad"]}
    fuser = Fuser(MajorityVoter(), embedding_model=str(tiny_sentence_model(tmp_path / "model")), min_similarity=-1.0, wheel=wheel)
    words = [p.words for p in fuser.fit(outputs, labels).predict(outputs)]  # a word off the wheel, attached through the model
    embedder = fuser.mapper().graph._embedder()
    assert embedder._loaded is not None
    restored = pickle.loads(pickle.dumps(fuser))
    assert restored.mapper().graph._embedder()._loaded is None
    assert [p.words for p in restored.predict(outputs)] == words


def test_words_come_with_confidence_and_supporting_judges(fitted):
    fuser, outputs, _ = fitted
    pred = fuser.predict(outputs, ["c0"])[0]
    assert pred.words == ["happy"]
    assert 0 < pred.confidence["happy"] <= 1
    assert set(pred.support["happy"]) == {"good", "noisy", "lazy"}


def test_a_predictions_dict_is_a_copy_that_changing_leaves_the_prediction_as_it_was(fitted):
    fuser, outputs, _ = fitted
    pred = fuser.predict(outputs, ["c0"])[0]
    before = (list(pred.words), dict(pred.confidence), {w: list(j) for w, j in pred.support.items()}, list(pred.judges_answered))
    d = pred.to_dict()
    d["words"].append("sad")
    d["confidence"].clear()
    d["support"]["happy"].append("x")
    d["judges_answered"].pop()
    assert (pred.words, pred.confidence, pred.support, pred.judges_answered) == before


def test_a_predictions_words_come_best_first(wheel):
    outputs = {"a": {"s": ["sad", "angry"]}, "b": {"s": ["angry"]}}
    fuser = Fuser(MajorityVoter(threshold=0.3), oov="drop", wheel=wheel).fit(outputs, {"s": ["angry"]})
    pred = fuser.predict(outputs, ["s"])[0]
    assert pred.words == ["angry", "sad"] and pred.confidence == {"angry": 1.0, "sad": 0.5}


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


def test_by_default_out_of_vocabulary_words_are_attached_and_vote(wheel):
    assert Fuser(MajorityVoter(threshold=0.5), wheel=wheel).table({"a": {"s": ["gratitude"]}}, ["s"]).votes.sum() > 0


def test_a_word_ending_in_half_an_emoji_votes_for_its_word(wheel):
    # a model cut mid-emoji: JSON's "\\ud83d" escape reads as a lone surrogate, which the embedding cache cannot store
    broken = json.loads('"sad \\ud83d"')
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="attach", wheel=wheel)
    table = fuser.table({"a": {"s": [broken, "gratitude \ud83d"]}}, ["s"])
    assert [c.word for c in table.candidates[0]][0] == "sad" and len(table.candidates[0]) == 2


def test_unknown_oov_policy_is_an_error(wheel):
    with pytest.raises(InputError, match="oov"):
        Fuser(oov="keep", wheel=wheel).table({"a": {"s": ["happy"]}}, ["s"])


def test_a_judge_subset_shows_the_remaining_judges_spelling(wheel):
    outputs = {"a": {"s": ["joyful"]}, "b": {"s": ["joyful"]}, "c": {"s": ["happy"]}}
    table = Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, ["s"])
    assert [c.word for c in table.candidates[0]] == ["joyful"]
    only_c = table.judge_subset(["c"])
    assert [(c.word, c.judges, c.words) for c in only_c.candidates[0]] == [("happy", ["c"], {"happy": 1})]


# -- the vote table: who voted for what --------------------------------------------------------
def _table(wheel, outputs, names=("s",)):
    return Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, list(names))


def _shares(table, word):
    """The vote share of each class ``word`` maps to, on the first clip."""
    return table.vote_share()[0, list(table.space.signature(word))].tolist()


def test_a_judge_that_gave_no_verdict_is_left_out_of_vote_shares(wheel):
    table = _table(wheel, {"a": {"s": ["angry"]}, "b": {"s": None}})
    assert table.answered.tolist() == [[True, False]]
    assert set(_shares(table, "angry")) == {1.0}  # 1 of the 1 answering judges


@pytest.mark.parametrize("words", ["sad", 5])
def test_a_judges_words_that_are_not_a_list_are_a_one_line_error(wheel, words):
    # one string was read letter by letter: the judge silently voted for nothing
    outputs = {"a": {"s1": ["happy"], "s2": words}, "b": {"s1": ["happy"], "s2": ["sad"]}}
    with pytest.raises(InputError, match="judge 'a' on 's2'.*not a list of words"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, ["s1", "s2"])


@pytest.mark.parametrize("path", ["outputs/a-openset.npz", "pathlib"])
def test_a_judges_output_file_path_given_for_its_words_says_to_read_the_file_first(wheel, path):
    # Fuser().fit({"a": path}, labels) was an AttributeError: 'str' object has no attribute 'get'
    from pathlib import Path

    path = Path("outputs/a-openset.npz") if path == "pathlib" else path
    with pytest.raises(InputError, match=r"^judge 'a': its outputs are a path \('outputs/a-openset\.npz'\), not its words by clip; read the "
                                         r"file first: .*\{judge: read_judge_output\(path\)\}"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit({"a": path}, {"s1": ["happy"]})


def test_judges_outputs_that_are_not_a_mapping_by_judge_are_a_one_line_error(wheel):
    # a list of the judges' outputs was a TypeError: unhashable type: 'dict'
    with pytest.raises(InputError, match=r"^the judges' outputs are a list, not a mapping of judge name -> its words by clip"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).table([{"s1": ["happy"]}])


def test_a_fusers_vote_table_checks_the_judges_outputs_once(wheel, monkeypatch):
    # Fuser.table checked them, then VoteTable.build again: every check (and every clip name's look-up) ran twice
    import ensemble.fuser as fuser_module
    import ensemble.vote_table as vote_table

    checked = []
    real = vote_table.check_outputs
    for module in (vote_table, fuser_module):  # wherever it is called from
        monkeypatch.setattr(module, "check_outputs", lambda outputs: (checked.append(outputs), real(outputs)), raising=False)
    outputs, _ = toy_outputs()
    table = Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs)
    assert len(checked) == 1 and table.names == sorted({n for out in outputs.values() for n in out})


def test_a_vote_table_looks_up_each_judges_words_on_each_clip_once(wheel):
    # they were looked up three times: to check them, to map every word said, to count the votes
    from collections import Counter

    class Counted(dict):
        looked_up: Counter = Counter()

        def get(self, key, default=None):
            self.looked_up[key] += 1
            return super().get(key, default)

    outputs = {"a": Counted(s1=["happy"], s2=["sad"]), "b": Counted(s1=["cheerful"])}
    Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, ["s1", "s2"])
    assert Counted.looked_up == {"s1": 2, "s2": 2}  # by judges a and b


@pytest.mark.parametrize("given", ["numpy array", "pandas Series", "generator", "generator per look-up"])
def test_a_judges_words_given_otherwise_than_as_a_list_vote_as_the_list_does(wheel, given):
    # an array or a Series was a ValueError traceback (its truth value is ambiguous); a generator was read by the word
    # mapping and left none to vote with, silently, and so was one made afresh per look-up once words were looked up once
    import pandas as pd

    class Lazy(dict):
        def get(self, key, default=None):
            words = super().get(key, default)
            return None if words is None else (w for w in words)

    said = {"a": {"s1": ["happy", "sad"], "s2": ["angry"]}, "b": {"s1": ["cheerful"]}}
    make = {"numpy array": np.array, "pandas Series": pd.Series, "generator": lambda words: (w for w in words)}.get(given)
    outputs = ({judge: Lazy(out) for judge, out in said.items()} if make is None
               else {judge: {name: make(words) for name, words in out.items()} for judge, out in said.items()})
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    expected, table = fuser.table(said, ["s1", "s2"]), fuser.table(outputs, ["s1", "s2"])
    assert table.votes.sum() > 0 and np.array_equal(table.votes, expected.votes)
    assert [[c.word for c in clip] for clip in table.candidates] == [[c.word for c in clip] for clip in expected.candidates]


def test_building_a_vote_table_of_many_clips_peaks_under_one_and_a_half_times_what_it_holds(wheel):
    # the votes to set were three lists of int objects, one entry per class voted: 1.77 times the table at its peak
    import random
    import tracemalloc

    from ensemble.vote_table import VoteTable, WordMapper

    rng, space = random.Random(0), ClassSpace(wheel)
    vocab = ["happy", "sad", "angry", "worried", "surprised", "calm", "disgusted", "cheerful", "anxious", "frustrated"]
    outputs = {f"j{j}": {f"c{i}": rng.sample(vocab, 3) for i in range(3000)} for j in range(10)}
    mapper = WordMapper(space)
    mapper.prepare(vocab)
    tracemalloc.start()
    try:
        table = VoteTable.build(outputs, None, space, mapper)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table) == 3000 and peak < 1.5 * held


@pytest.mark.parametrize("given", ["Series by judge", "DataFrame"])
def test_judges_outputs_as_pandas_series_or_a_dataframe_are_fused_as_the_same_dicts_are(wheel, given):
    # pandas outputs by name (.get) were fused before check_outputs, then refused as 'not a mapping of clip name -> words'
    import pandas as pd

    outputs, labels = toy_outputs()
    series = {judge: pd.Series(out, dtype=object) for judge, out in outputs.items()}
    pandas_outputs = series if given == "Series by judge" else pd.DataFrame(series)
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    expected = [p.words for p in fuser.fit(outputs, labels).predict(outputs, list(labels))]
    assert [p.words for p in fuser.fit(pandas_outputs, labels).predict(pandas_outputs, list(labels))] == expected


@pytest.mark.parametrize("given", ["Series by judge", "DataFrame"])
def test_predicting_from_pandas_outputs_without_names_predicts_every_clip_they_name(wheel, given):
    # was a TypeError (unhashable type: 'list'): the clips were gathered by iterating each Series, its words
    import pandas as pd

    outputs, labels = toy_outputs()
    series = {judge: pd.Series(out, dtype=object) for judge, out in outputs.items()}
    pandas_outputs = series if given == "Series by judge" else pd.DataFrame(series)
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    assert [(p.name, p.words) for p in fuser.predict(pandas_outputs)] == [(p.name, p.words) for p in fuser.predict(outputs)]


@pytest.mark.parametrize("given", ["Series by judge", "DataFrame"])
def test_pandas_outputs_of_other_clips_name_their_clips_beside_the_labelled_ones(wheel, given):
    # the message read a Series' words as its clip names ('['happy']'), a DataFrame's .values as a method (a TypeError)
    import pandas as pd

    outputs, _ = toy_outputs()
    series = {judge: pd.Series(out, dtype=object) for judge, out in outputs.items()}
    pandas_outputs = series if given == "Series by judge" else pd.DataFrame(series)
    with pytest.raises(InputError, match=r"^Fuser\.fit: no judge answered any of the 1 labelled clips \(e\.g\. 't0'; the judges' outputs name "
                                         r"clips like 'c0'\)"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(pandas_outputs, {"t0": ["happy"]})


def test_a_judges_words_that_are_a_missing_value_say_to_give_none_for_no_verdict(wheel):
    outputs = {"a": {"s1": ["happy"], "s2": float("nan")}, "b": {"s1": ["happy"], "s2": ["sad"]}}
    with pytest.raises(InputError, match=r"judge 'a' on 's2': its words are NaN \(a missing value\); give None for no verdict"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, ["s1", "s2"])


@pytest.mark.parametrize("words", [[["sad"]], ["sad", 5]])
def test_a_judges_words_that_hold_something_else_than_words_are_a_one_line_error(wheel, words):
    # a nested list was a raw "unhashable type" TypeError; a number voted as its digits
    outputs = {"a": {"s1": ["happy"], "s2": words}, "b": {"s1": ["happy"], "s2": ["sad"]}}
    with pytest.raises(InputError, match=r"judge 'a' on 's2': its words hold .*, not a word"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).table(outputs, ["s1", "s2"])


def test_a_judge_that_answered_with_no_words_still_counts_in_vote_shares(wheel):
    table = _table(wheel, {"a": {"s": ["angry"]}, "b": {"s": []}})
    assert table.answered.tolist() == [[True, True]]
    assert set(_shares(table, "angry")) == {0.5}  # 1 of the 2 answering judges


def test_only_clips_no_judge_answered_are_listed_as_unanswered(wheel):
    table = _table(wheel, {"a": {"s": ["angry"], "t": None}, "b": {"s": None}}, names=("s", "t", "u"))
    assert table.unanswered == ["t", "u"]


def test_only_judges_that_answered_none_of_the_clips_are_listed_as_silent_in_table_order(wheel):
    # a judge with no words on a clip answered it; one absent from every clip (or with None) did not
    outputs = {"c": {"s": None}, "a": {"s": ["angry"], "t": None}, "b": {"t": []}, "d": {}}
    table = _table(wheel, outputs, names=("s", "t"))
    assert table.silent_judges == ["c", "d"]
    assert table.subset([]).silent_judges == []  # no clips: nothing left unanswered


def test_equally_said_spellings_of_one_meaning_show_the_shortest_before_the_alphabetically_first(wheel):
    assert ClassSpace(wheel).signature("angry") == ClassSpace(wheel).signature("mad")  # one meaning: one candidate
    table = _table(wheel, {"a": {"s": ["angry"]}, "b": {"s": ["mad"]}})
    assert [(c.word, c.judges) for c in table.candidates[0]] == [("mad", ["a", "b"])]


def test_a_judge_repeating_a_spelling_counts_it_once_for_the_word_shown(wheel):
    table = _table(wheel, {"a": {"s": ["angry", "Angry"]}, "b": {"s": ["mad"]}})
    [cand] = table.candidates[0]
    assert cand.words == {"angry": 1, "mad": 1} and cand.word == "mad"


def test_a_judge_saying_two_spellings_of_one_meaning_supports_it_once(wheel):
    table = _table(wheel, {"a": {"s": ["angry", "mad"]}})
    assert [c.judges for c in table.candidates[0]] == [["a"]]


def test_stray_case_and_spaces_still_show_the_judges_own_spelling(wheel):
    # the normaliser's spelling of 'angry' is 'anger'; the judge's own (tidied) 'angry' is shown
    assert WordNormalizer(wheel).normalize("angry") == "anger"
    table = _table(wheel, {"a": {"s": ["  Angry "]}})
    assert [c.word for c in table.candidates[0]] == ["angry"]


@pytest.mark.parametrize("last, found", [("happy", "happiness"), ("xyzzy", None)], ids=["a wheel word", "no wheel word"])
def test_a_40_kb_run_of_intensity_words_is_normalised_at_once(wheel, last, found):
    # each intensity word dropped made a copy of the rest, each spelled the American way: quadratic, 4.3 s with no wheel
    # word at the end (a broken model's repeated 'very')
    norm, word = WordNormalizer(wheel), "very " * 8000 + last
    start = time.perf_counter()
    assert norm.normalize(word) == (found or word)
    assert time.perf_counter() - start < 1.0


def test_a_judge_subset_drops_words_only_the_left_out_judges_said(wheel):
    table = _table(wheel, {"a": {"s": ["angry"]}, "b": {"s": ["sad"]}})
    assert [c.word for c in table.judge_subset(["b"]).candidates[0]] == ["sad"]


def test_a_judge_subset_keeps_the_remaining_judges_own_answered_flags(wheel):
    table = _table(wheel, {"a": {"s": ["angry"]}, "b": {"s": None}})
    only_b = table.judge_subset(["b"])
    assert only_b.answered.tolist() == [[False]] and only_b.unanswered == ["s"]


@pytest.mark.parametrize("judges, message", [
    (["c"], r"no judge 'c' in this table; its judges are a, b$"),
    ("a", r"give a list of judge names, e\.g\. \['a'\]; got 'a'$"),
    (["a", "a"], r"judge\(s\) 'a' given more than once; give each judge once$"),
])
def test_a_judge_subset_of_judges_not_in_the_table_or_given_twice_is_a_one_line_error(wheel, judges, message):
    # ['c'] was ValueError "'c' is not in list", 'a' was read letter by letter, and ['a', 'a'] gave a table where a votes twice
    table = _table(wheel, {"a": {"s": ["angry"]}, "b": {"s": ["sad"]}})
    with pytest.raises(InputError, match=r"^VoteTable.judge_subset: " + message):
        table.judge_subset(judges)


@pytest.mark.parametrize("judges, message", [
    (["good", "good"], r"^judge\(s\) 'good' given more than once in judges; give each judge once$"),
    ("good", r"^judges='good' is one string; give a list of judge names, e\.g\. \['good'\]$"),
])
def test_a_table_of_judges_given_twice_or_as_one_string_is_a_one_line_error(wheel, judges, message):
    # Fuser.table(outputs, names, judges=['good', 'good']) gave a table where good votes twice (as judge_subset did), and
    # judges='good' was read letter by letter: "no outputs for judge(s) g, o, o, d"
    with pytest.raises(InputError, match=message):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).table({"good": {"s": ["angry"]}, "bad": {"s": ["sad"]}}, ["s"], judges=judges)


def test_a_vote_table_shows_its_size_judges_and_samples_in_one_line(wheel):
    # its repr was the dataclass's, every vote and candidate: 160,141 characters for 11 judges on the 232 dev clips
    outputs = {j: {f"s{i}": (["happy"] if j != "j9" or i else None) for i in range(5)} for j in (f"j{n}" for n in range(10))}
    table = _table(wheel, outputs, [f"s{i}" for i in range(5)])
    assert repr(table) == ("VoteTable(5 samples x 10 judges x 31 classes; judges: j0, j1, j2, j3, j4, j5, j6, ..., j9; "
                           "samples: s0, s1, ..., s4; 0 no judge answered)")
    assert repr(table.judge_subset(["j9"])).endswith("judges: j9; samples: s0, s1, ..., s4; 1 no judge answered)")


def test_a_subset_by_a_boolean_mask_keeps_the_masked_samples(wheel):
    # the mask used to be read as the indices 0 and 1: [False, True, True] gave s1, s2, s2
    table = _table(wheel, {"a": {"s1": ["happy"], "s2": ["sad"], "s3": ["angry"]}}, ["s1", "s2", "s3"])
    sub = table.subset(np.array([False, True, True]))
    assert sub.names == ["s2", "s3"] and [[c.word for c in row] for row in sub.candidates] == [["sad"], ["angry"]]
    assert table.subset([2, 0]).names == ["s3", "s1"] and table.subset([]).names == []
    with pytest.raises(InputError, match="one True/False per sample"):
        table.subset(np.array([True, False]))


def test_a_hand_built_candidate_keeps_its_word_and_the_judges_kept(wheel):
    cand = Candidate("mad", ClassSpace(wheel).signature("mad"), ["a", "b"], {"mad": 2})
    sub = cand.for_judges({"b"})
    assert (sub.word, sub.judges) == ("mad", ["b"])
    assert cand.for_judges({"c"}) is None


def test_min_similarity_is_the_bar_an_out_of_vocabulary_word_must_reach_to_vote(wheel):
    # no other word embeds exactly like 'gratitude': at cosine 1.0 it attaches to nothing
    strict = Fuser(MajorityVoter(threshold=0.5), oov="attach", min_similarity=1.0, wheel=wheel)
    assert strict.table({"a": {"s": ["gratitude"]}}, ["s"]).votes.sum() == 0


def test_a_min_similarity_of_minus_one_a_cosine_too_attaches_every_out_of_vocabulary_word(wheel):
    lenient = Fuser(MajorityVoter(threshold=0.5), oov="attach", min_similarity=-1.0, wheel=wheel)
    assert lenient.table({"a": {"s": ["gratitude", "xqzv"]}}, ["s"]).votes.sum() > 0


@pytest.mark.parametrize("value", ["high", True, 5, float("nan")])
def test_a_min_similarity_that_is_not_a_cosine_is_a_one_line_error_before_any_embedding(wheel, value):
    # 'high' was a UFuncTypeError traceback after embedding; 5 and True were fitted and saved into a calibration file that
    # loading refuses as damaged ('min_similarity 5 is not a cosine similarity in [-1, 1]'), nan saved as null (the default)
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="attach", min_similarity=value, wheel=wheel)
    with pytest.raises(InputError, match=r"^Fuser: min_similarity must be a cosine similarity in \[-1, 1\] or None, got "):
        fuser.table({"a": {"s": ["gratitude"]}}, ["s"])


@pytest.mark.parametrize("wheel", [5, "auto", "wheel1"])
def test_a_wheel_that_is_not_an_emotion_wheel_is_a_one_line_error(wheel):
    # Fuser(wheel=5) or wheel='auto' (the score-union fuser's word) failed in ClassSpace: AttributeError: 'int' object has no attribute 'classes'
    outputs, labels = toy_outputs()
    with pytest.raises(InputError, match=r"^wheel=.*: give an EmotionWheel \(calibration\.emotion_wheel\.load_wheel\(\)\) or None for the data folder's$"):
        Fuser(wheel=wheel).fit(outputs, labels)


# -- the fuser as an estimator ---------------------------------------------------------------------
def test_by_default_every_answered_clip_is_predicted_in_name_order(fitted):
    fuser, outputs, _ = fitted
    shuffled = {judge: dict(reversed(list(out.items()))) for judge, out in outputs.items()}
    assert [p.name for p in fuser.predict(shuffled)] == sorted(outputs["good"])


def test_fit_learns_from_the_names_given_only(wheel):
    outputs, labels = toy_outputs()
    some = ["c0", "c1", "c2", "c3"]
    given = Fuser(StackedVoter(C=1.0), oov="drop", wheel=wheel).fit(outputs, labels, names=some)
    only_those_labelled = Fuser(StackedVoter(C=1.0), oov="drop", wheel=wheel).fit(outputs, {n: labels[n] for n in some})
    everything = Fuser(StackedVoter(C=1.0), oov="drop", wheel=wheel).fit(outputs, labels)
    assert json.dumps(given.voter_.state()) == json.dumps(only_those_labelled.voter_.state())
    assert json.dumps(given.voter_.state()) != json.dumps(everything.voter_.state())


@pytest.mark.parametrize(("labels", "names", "message"), [
    ({"c0": "happy", "c1": "angry"}, None, "list of emotion words"),  # read letter by letter, it taught 'no emotion'
    ({"c0": ["happy"]}, ["c0", "c1"], "no label"),
    ({}, None, "no labelled clips"),
    # labels of other clips than the judges' (another split): the voter learnt from clips with no vote at all
    ({"t0": ["happy"], "t1": ["angry"]}, None, r"no judge answered any of the 2 labelled clips \(e.g. 't0'; the judges' outputs name clips like 'c0'\)"),
])
def test_fit_refuses_labels_it_cannot_learn_from_in_one_line(wheel, labels, names, message):
    outputs, _ = toy_outputs()
    with pytest.raises(InputError, match=message):
        Fuser(StackedVoter(), oov="drop", wheel=wheel).fit(outputs, labels, names)


def test_fit_refuses_a_clip_named_twice_in_names_naming_it(wheel):
    # it was fitted as two clips: its votes and labels weighed twice
    outputs, labels = toy_outputs()
    with pytest.raises(InputError, match=r"^Fuser\.fit: clip\(s\) 'c1' given more than once in names; give each clip once$"):
        Fuser(StackedVoter(), oov="drop", wheel=wheel).fit(outputs, labels, ["c0", "c1", "c2", "c1"])


def test_fit_warns_about_a_judge_that_answered_none_of_the_labelled_clips(wheel):
    # outputs keyed by other names (video stems) were fitted as a judge that never votes, without a word
    outputs, labels = toy_outputs()
    with pytest.warns(UserWarning, match=r"^judge mine answered none of the 8 labelled clips \(e\.g\. 'c0'; its outputs name clips like "
                                         r"'clip1'\); it adds nothing"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit({**outputs, "mine": {"clip1": ["happy"]}}, labels)


@pytest.mark.parametrize("named", ["C{}.mp4", "videos/c{}.mp4", "C{}"])
def test_fit_on_labels_named_otherwise_than_the_outputs_shows_the_outputs_name_for_the_same_clip(wheel, named):
    # 'no judge answered any of the 8 labelled clips (e.g. 'C0.mp4')' did not show that the outputs call it 'c0'
    outputs, labels = toy_outputs()
    renamed = {named.format(n[1:]): words for n, words in reversed(list(labels.items()))}
    first = next(iter(renamed))
    with pytest.raises(InputError, match=rf"^Fuser\.fit: no judge answered any of the 8 labelled clips \(e\.g\. {re.escape(repr(first))}; "
                                         rf"the judges' outputs name clips like 'c7'\); are the labels"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, renamed)


def test_predicting_with_outputs_of_a_judge_not_in_the_fit_warns_that_they_are_not_fused(wheel):
    # fit on judges a and b, predict with a, b and c: c was left out without a word
    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    with pytest.warns(UserWarning, match=r"^judge\(s\) extra were not in the fit, so their outputs are not fused; fit again with them"):
        preds = fuser.predict({**outputs, "extra": {"c0": ["sad"]}}, ["c0"])
    assert "sad" not in preds[0].words


def test_a_fuser_given_no_voter_learns_a_default_stacked_voter(wheel):
    assert Fuser(wheel=wheel).unfitted_voter().get_params() == StackedVoter().get_params()


def test_fitting_leaves_the_voter_given_unfitted(wheel):
    outputs, labels = toy_outputs()
    voter = MajorityVoter(threshold=0.5)
    fuser = Fuser(voter, oov="drop", wheel=wheel).fit(outputs, labels)
    assert fuser.voter_ is not voter and not hasattr(voter, "judges_")


def test_a_clone_shares_the_read_only_wheel_instead_of_copying_it_per_fold(wheel, monkeypatch):
    # tuning clones the fuser for every fold and grid point: deep-copying the wheel's tables took 0.16 s each,
    # about half of `cojudge tune`'s time
    from sklearn.base import clone

    monkeypatch.setattr(type(wheel), "__deepcopy__", lambda self, memo: pytest.fail("the wheel was deep-copied"), raising=False)
    fuser = Fuser(MajorityVoter(threshold=0.3), oov="drop", min_similarity=0.7, wheel=wheel)
    copy = clone(fuser)
    assert copy.wheel is wheel and copy.voter is not fuser.voter
    assert copy.get_params(deep=True) == fuser.get_params(deep=True) | {"voter": copy.voter}


def test_set_params_sets_the_voters_parameters_by_their_nested_names(wheel):
    fuser = Fuser(StackedVoter(), oov="drop", wheel=wheel).set_params(voter__lam=0.7, voter__C=0.2)
    assert fuser.voter.get_params()["lam"] == 0.7 and fuser.get_params()["voter__C"] == 0.2


@pytest.mark.parametrize("name, meant", [("oovv", "oov"), ("votre__lam", "voter")])
def test_set_params_with_a_misspelt_name_is_a_one_line_error_saying_the_name_meant(wheel, name, meant):
    # it was scikit-learn's ValueError over three lines (the Fuser's repr, its wheel's), naming every parameter but not the one meant
    with pytest.raises(InputError, match=rf"^Fuser\.set_params has no parameter\(s\) {name.split('__')[0]} \(did you mean {meant}\?\); "
                                         r"it has embedding_model, min_similarity, oov, voter, wheel$"):
        Fuser(StackedVoter(), wheel=wheel).set_params(**{name: 0.5})


def test_set_params_of_the_voter_while_it_is_the_default_none_says_to_give_the_voter(wheel):
    # it raised AttributeError: 'NoneType' object has no attribute 'set_params'
    with pytest.raises(InputError, match=r"^Fuser\.set_params: voter__lam sets a parameter of the voter, and voter is None \(the default "
                                         r"StackedVoter, made at fit\); give the voter: set_params\(voter=StackedVoter\(lam=0\.6\)\)$"):
        Fuser(wheel=wheel).set_params(voter__lam=0.6)


def test_set_params_of_a_voter_given_in_the_same_call_sets_it_on_that_voter(wheel):
    fuser = Fuser(wheel=wheel).set_params(voter=StackedVoter(), voter__lam=0.6)
    assert fuser.voter.get_params()["lam"] == 0.6


@pytest.mark.parametrize("check", ["check_estimator_cloneable", "check_estimator_repr", "check_no_attributes_set_in_init",
                                   "check_get_params_invariance", "check_set_params", "check_parameters_default_constructible",
                                   "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order"])
def test_a_fuser_passes_sklearns_estimator_checks_of_its_parameters(check):
    # the others fit on numeric arrays, where a Fuser takes judges' outputs and labels
    from sklearn.utils import estimator_checks

    getattr(estimator_checks, check)("Fuser", Fuser(StackedVoter()))


def test_set_params_on_the_word_mapping_takes_effect_at_the_next_fit(wheel):
    outputs, labels = {"a": {"s": ["gratitude"]}}, {"s": ["thankful"]}
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="attach", wheel=wheel).fit(outputs, labels)
    assert fuser.predict(outputs)[0].words == ["thankful"]
    assert fuser.set_params(oov="drop").fit(outputs, labels).predict(outputs)[0].words == []
    fuser.set_params(oov="attach", min_similarity=1.0).fit(outputs, labels)
    assert fuser.predict(outputs)[0].words == []


def test_set_params_on_the_wheel_votes_with_the_new_wheels_words(wheel, data_root):
    from calibration.emotion_wheel import load_wheel

    fixed = load_wheel(data_root / "emotion_wheel", "mer2026")  # no longer reads 'aims' as 'aimless'
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="drop", wheel=wheel)
    assert fuser.table({"a": {"s": ["aims"]}}, ["s"]).votes.sum() == 1
    fuser.set_params(wheel=fixed)
    assert fuser.space().wheel is fixed and fuser.table({"a": {"s": ["aims"]}}, ["s"]).votes.sum() == 0


def test_one_clip_name_given_as_names_is_a_one_line_error_not_a_clip_per_letter(fitted):
    fuser, outputs, labels = fitted
    with pytest.raises(InputError, match=r"give a list of clip names, e.g. \['c0'\]"):
        fuser.predict(outputs, "c0")
    with pytest.raises(InputError, match=r"give a list of clip names, e.g. \['c0'\]"):
        fuser.fit(outputs, labels, "c0")


def test_judges_may_come_in_another_order_at_predict_time(fitted):
    fuser, outputs, _ = fitted
    reordered = dict(reversed(list(outputs.items())))
    assert [p.to_dict() for p in fuser.predict(reordered, ["c0", "c5"])] == [p.to_dict() for p in fuser.predict(outputs, ["c0", "c5"])]


def test_a_word_is_supported_by_the_judges_that_said_it_only(wheel):
    outputs = {"a": {"s": ["angry"]}, "b": {"s": ["angry"]}, "c": {"s": ["sad"]}}
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="drop", wheel=wheel).fit(outputs, {"s": ["angry"]})
    pred = fuser.predict(outputs, ["s"])[0]
    assert pred.words == ["angry"] and pred.support == {"angry": ["a", "b"]}  # angry 2/3 >= 0.5, sad 1/3 < 0.5


def test_confidences_are_given_to_four_decimals(fitted):
    fuser, outputs, _ = fitted
    confidences = [c for p in fuser.predict(outputs) for c in p.confidence.values()]
    assert confidences and all(c == round(c, 4) for c in confidences)


def test_a_confidence_is_the_probability_rounded_to_four_decimals_not_fewer(wheel):
    outputs = {"a": {"s": ["angry"]}}
    fuser = Fuser(MajorityVoter(threshold=0.1), oov="drop", wheel=wheel).fit(outputs, {"s": ["angry"]})
    table = fuser.table(outputs, ["s"])
    assert fuser.predict_table(table, np.full_like(table.vote_share(), 0.123456))[0].confidence == {"angry": 0.1235}


def test_predict_table_decides_on_the_probabilities_it_is_given(wheel):
    outputs = {"a": {"s": ["angry"]}}
    fuser = Fuser(MajorityVoter(threshold=0.5), oov="drop", wheel=wheel).fit(outputs, {"s": ["angry"]})
    table = fuser.table(outputs, ["s"])
    assert fuser.predict_table(table)[0].words == ["angry"]
    assert fuser.predict_table(table, np.zeros_like(table.vote_share()))[0].words == []


def test_predicting_before_fitting_says_so(wheel):
    with pytest.raises(InputError, match="not fitted"):
        Fuser(MajorityVoter(), oov="drop", wheel=wheel).predict({"a": {"s": ["angry"]}}, ["s"])


@pytest.mark.parametrize("method", ["predict", "predict_table"])
def test_an_unfitted_fuser_raises_sklearns_not_fitted_error_as_its_voters_do(wheel, method):
    # it raised only InputError, which code written for scikit-learn (except NotFittedError) does not catch
    from sklearn.exceptions import NotFittedError

    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel)
    args = {"predict": ({"a": {"s": ["angry"]}}, ["s"]), "predict_table": (fuser.table({"a": {"s": ["angry"]}}, ["s"]),)}[method]
    with pytest.raises(NotFittedError, match=r"^Fuser is not fitted; call fit\(outputs, labels\)"):
        getattr(fuser, method)(*args)


def test_the_description_rebuilds_the_same_fusion(wheel):
    fuser = Fuser(MajorityVoter(), oov="drop", min_similarity=0.8, embedding_model="some/model", wheel=wheel)
    rebuilt = Fuser(MajorityVoter(), wheel=wheel, **fuser.describe())
    assert rebuilt.get_params(deep=False) | {"voter": None} == fuser.get_params(deep=False) | {"voter": None}


def test_the_embedding_model_is_named_only_when_words_are_attached(wheel):
    assert Fuser(oov="attach", embedding_model="some/model", wheel=wheel).embedding_model_id() == "some/model"
    assert Fuser(oov="drop", embedding_model="some/model", wheel=wheel).embedding_model_id() is None


def test_a_voter_that_is_not_a_class_voter_is_a_one_line_error_before_fitting(wheel):
    from sklearn.base import BaseEstimator

    class Duck(BaseEstimator):  # fit and predict_proba, but not the ClassVoter that chooses the words
        def fit(self, table, Y=None):
            self.judges_ = list(table.judges)
            return self

        def predict_proba(self, table):
            return table.vote_share()

    outputs = {"a": {"s1": ["happy"], "s2": ["sad"]}}
    with pytest.raises(InputError, match=r"the voter Duck is not a ClassVoter; subclass ensemble.voter_base.ClassVoter"):
        Fuser(Duck(), oov="drop", wheel=wheel).fit(outputs, {"s1": ["happy"], "s2": ["sad"]})


def test_a_strategys_name_given_as_the_voter_says_how_to_give_the_voter_or_the_name(wheel):
    # Fuser("stacked") said "the voter str is not a ClassVoter; subclass ensemble.voter_base.ClassVoter ..."
    with pytest.raises(InputError, match=r"^Fuser: voter='stacked' is a strategy's name, not a voter; give the voter itself, "
                                         r"e\.g\. Fuser\(make_voter\('stacked'\)\) .*, or CoJudge\(judges, strategy='stacked'\)$"):
        Fuser("stacked", oov="drop", wheel=wheel).fit({"a": {"s1": ["happy"]}}, {"s1": ["happy"]})


def test_a_voter_class_given_as_the_voter_says_to_give_an_instance_of_it(wheel):
    # Fuser(StackedVoter) said "the voter type is not a ClassVoter; subclass ensemble.voter_base.ClassVoter ..."
    with pytest.raises(InputError, match=r"^Fuser: voter=StackedVoter is a voter class, not a voter; give an instance of it, "
                                         r"e\.g\. Fuser\(StackedVoter\(\)\)$"):
        Fuser(StackedVoter, oov="drop", wheel=wheel).fit({"a": {"s1": ["happy"]}}, {"s1": ["happy"]})


def test_predicting_after_changing_how_words_become_votes_asks_to_fit_again(wheel):
    outputs = {"a": {"s1": ["happy"], "s2": ["sad"]}, "b": {"s1": ["happy"], "s2": ["gratitude"]}}
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, {"s1": ["happy"], "s2": ["sad"]})
    fuser.set_params(oov="attach")
    with pytest.raises(InputError, match=r"Fuser: oov='attach' \(fitted with 'drop'\).*fit again, or set it back"):
        fuser.predict(outputs)
    assert [p.words for p in fuser.set_params(oov="drop").predict(outputs)] == [["happy"], ["sad"]]


def test_labelled_clips_no_judge_answered_do_not_shape_the_fit(wheel):
    # they are reported at predict time, never guessed: their empty votes would only bias the voter's intercepts
    import numpy as np

    from ensemble.stacked_voter import StackedVoter

    outputs = {"a": {"s1": ["happy"], "s2": ["sad"], "s3": ["happy"], "s4": ["angry"]},
               "b": {"s1": ["happy"], "s2": ["sad", "worried"], "s3": ["surprised"], "s4": ["angry"]}}
    labels = {"s1": ["happy"], "s2": ["sad"], "s3": ["happy"], "s4": ["angry"]}
    alone = Fuser(StackedVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    with_silent = Fuser(StackedVoter(), oov="drop", wheel=wheel).fit(outputs, {**labels, "s8": ["sad"], "s9": ["sad"]})
    assert np.allclose(with_silent.voter_.intercept_, alone.voter_.intercept_)
    assert np.allclose(with_silent.voter_.coef_, alone.voter_.coef_)
