"""The lexical extractor: emotion words in a description, by the wheel vocabulary, negation-aware."""
from __future__ import annotations

import json

import pytest

from judges.clip import Clip
from judges.lexical_extractor import LexicalExtractor, tokenize
from judges.negation import NegationScope
from judges.registry import build_judge


@pytest.fixture(scope="module")
def extractor(data_root):
    return LexicalExtractor(wheel_dir=data_root / "emotion_wheel")


@pytest.mark.parametrize(
    "text",
    [
        "He is not angry.",
        "There is no sign of anger in her voice.",
        "She speaks without fear.",
        "He isn't happy.",
        "She doesn't seem angry.",
        "Neither happy nor sad.",
        "She is barely happy.",
        "She is hardly happy.",
        "She doesnt seem angry.",
    ],
)
def test_negated_mentions_are_dropped(extractor, text):
    assert extractor.extract_words(text) == []


@pytest.mark.parametrize("text", ["There is no sign of fear or anxiety.", "She doesn't seem angry or sad.", "He shows no anger, nor sadness."])
def test_a_negation_reaches_every_item_of_an_or_list(extractor, text):
    assert extractor.extract_words(text) == []


def test_an_or_list_outside_a_negation_is_read(extractor):
    assert extractor.extract_words("She may be angry or sad.") == ["angry", "sad"]


def test_negation_stops_at_a_clause_boundary(extractor):
    assert extractor.extract_words("He is not sad, but angry.") == ["angry"]


@pytest.mark.parametrize("text", ["He is calm, with no visible signs of distress or agitation.",
                                  "He is calm, without any obvious sign of anger.", "He is calm, with no evidence of real anger."])
def test_words_like_visible_signs_of_do_not_use_up_a_negation_s_reach(extractor, text):
    # 'distress', 'agitation', 'anger' were kept as emotions shown
    assert extractor.extract_words(text) == ["calm"]


@pytest.mark.parametrize("text, words", [("She is not ashamed of her joy.", ["joy"]), ("He is never tired of being happy.", ["happy"]),
                                         ("She was not aware of his anger.", ["anger"])])
def test_an_of_after_a_word_that_is_no_sign_of_feeling_uses_up_a_negation_s_reach(extractor, text, words):
    # every 'of' was passed over, as in 'no signs of distress': the emotion these sentences show was read as denied
    assert extractor.extract_words(text) == words


@pytest.mark.parametrize("text", ["He is calm, with no audible sounds of distress.", "He is calm, with a lack of any indicators of distress."])
def test_an_of_after_a_show_of_feeling_or_a_negator_does_not_use_up_a_negation_s_reach(extractor, text):
    assert extractor.extract_words(text) == ["calm"]


def test_negation_reaches_only_a_few_words(extractor):
    assert extractor.extract_words("She did not say a single word about her plans and looks happy") == ["happy"]


@pytest.mark.parametrize("text", ["He was not tired but happy.", "He did not lose so he is happy."])
def test_negation_stops_at_a_contrast_or_cause_word_without_punctuation(text):
    wide = LexicalExtractor(vocabulary=["tired", "happy"], stoplist=(), negation_window=5)
    assert wide.extract_words(text) == ["happy"]


def test_the_negation_window_is_the_number_of_words_a_negator_reaches():
    two = LexicalExtractor(vocabulary=["happy"], stoplist=(), negation_window=2)
    assert two.extract_words("not very happy") == []
    assert two.extract_words("not at all happy") == ["happy"]


def test_a_negation_window_of_zero_negates_nothing():
    assert LexicalExtractor(vocabulary=["happy"], stoplist=(), negation_window=0).extract_words("not happy") == ["happy"]


def test_a_negator_inside_a_negation_is_not_itself_negated_and_opens_its_own_reach():
    assert NegationScope(window=1).negated(["not", "without", "fear"]) == [False, False, True]


def test_what_follows_rather_than_is_contrasted_away(extractor):
    assert extractor.extract_words("She seems calm rather than angry.") == ["calm"]


def test_what_follows_instead_of_is_contrasted_away(extractor):
    assert extractor.extract_words("She seems calm instead of angry.") == ["calm"]


def test_a_negation_scope_reaches_three_words_by_default():
    assert NegationScope().negated(["not", "at", "all", "happy"])[-1] is True
    assert NegationScope().negated(["not", "at", "all", "very", "happy"])[-1] is False


def test_an_or_carries_a_negation_on_with_its_whole_reach():
    assert NegationScope(window=3).negated(["not", "angry", "or", "very", "sad"]) == [False, True, True, True, True]


def test_an_of_right_after_a_negator_does_not_use_up_its_reach():
    assert NegationScope(window=1).negated(["lack", "of", "joy"]) == [False, True, True]


def test_a_semicolon_ends_a_negation_s_reach():
    wide = LexicalExtractor(vocabulary=["tired", "happy"], stoplist=(), negation_window=5)
    assert wide.extract_words("He is not tired; happy") == ["happy"]


def test_no_doubt_does_not_negate(extractor):
    assert "happy" in extractor.extract_words("She is no doubt happy.")


def test_the_doubt_of_no_doubt_is_the_idiom_not_an_emotion(extractor):
    assert extractor.extract_words("She is no doubt happy.") == ["happy"]
    assert NegationScope().negated(["no", "doubt", "happy"]) == [False, True, False]


@pytest.mark.parametrize("sentence", ["She is without a doubt happy.", "She is without any doubt happy.", "She is without doubt happy."])
def test_without_a_doubt_affirms_as_no_doubt_does(extractor, sentence):
    # 'happy' was negated by 'without', the idiom read as a denial
    assert extractor.extract_words(sentence) == ["happy"]


def test_not_only_does_not_negate(extractor):
    assert extractor.extract_words("She is not only happy but also excited") == ["happy", "excited"]


def test_multi_word_forms_match_whole(extractor):
    assert extractor.extract_words("He had no words, at a loss for words.") == ["no words", "at a loss for words"]


def test_longest_form_wins_over_its_parts(extractor):
    assert extractor.extract_words("She feels ill at ease.") == ["ill at ease"]


def test_words_are_deduplicated_in_order_of_first_mention(extractor):
    assert extractor.extract_words("Sad, then angry, then sad again. Angry!") == ["sad", "angry"]


def test_scores_are_shares_of_mentions(extractor):
    verdict = extractor.extract("sad, sad, angry")
    assert verdict.scores == pytest.approx({"sad": 2 / 3, "angry": 1 / 3})


def test_curly_apostrophes_and_case_are_normalised(extractor):
    assert extractor.extract_words("He ISN\u2019T Angry; he is Joyful.") == ["joyful"]


def test_non_emotion_senses_on_the_stoplist_are_skipped(extractor):
    assert extractor.extract_words("Her facial expression and the subtitle content reveal her emotional state: relaxed.") == ["relaxed"]


def test_the_stoplist_is_matched_without_regard_to_case():
    ex = LexicalExtractor(vocabulary=["sad", "angry"], stoplist=["SAD"])
    assert ex.extract_words("sad and angry") == ["angry"]


def test_a_lone_negator_in_the_vocabulary_is_read_as_a_negator_not_a_word():
    ex = LexicalExtractor(vocabulary=["free", "worry"], stoplist=())
    assert ex.extract_words("free of worry") == []


def test_a_hyphenated_word_matches_its_unhyphenated_vocabulary_form():
    assert LexicalExtractor(vocabulary=["lighthearted"], stoplist=()).extract_words("She is light-hearted.") == ["lighthearted"]


def test_raw_lists_the_words_comma_separated():
    assert LexicalExtractor(vocabulary=["sad", "angry"], stoplist=()).extract("sad and angry").raw == "sad, angry"


@pytest.mark.parametrize(
    "changed",
    [{"negation_window": 2}, {"stoplist": ("angry",)}, {"vocabulary": ["sad", "angry", "tense"]}, {"vocabulary": ["sad", "happy"]}],
)
def test_cache_identity_changes_with_the_options_that_change_the_words(changed):
    base = {"vocabulary": ["sad", "angry"], "stoplist": ("sad",), "negation_window": 3}
    assert LexicalExtractor(**{**base, **changed}).cache_identity() != LexicalExtractor(**base).cache_identity()


def test_cache_identity_changes_with_the_descriptions_it_serves_even_from_the_same_file(tmp_path):
    path = tmp_path / "x-reason.jsonl"
    path.write_text('{"name": "s1", "reason": "She looks happy."}\n', encoding="utf-8")
    before = LexicalExtractor(path=path, vocabulary=["happy", "angry"]).cache_identity()
    path.write_text('{"name": "s1", "reason": "He looks angry."}\n', encoding="utf-8")
    assert LexicalExtractor(path=path, vocabulary=["happy", "angry"]).cache_identity() != before


def test_an_empty_stoplist_keeps_every_vocabulary_form(data_root):
    plain = LexicalExtractor(wheel_dir=data_root / "emotion_wheel", stoplist=())
    assert "emotional" in plain.extract_words("her emotional state")


@pytest.mark.parametrize("text", ["", None, "The video shows a man walking down a street."])
def test_no_emotion_words_give_an_empty_verdict_without_error(extractor, text):
    verdict = extractor.extract(text)
    assert (verdict.words, verdict.error) == ([], None)


def test_tokenize_keeps_hyphenated_words_and_contractions():
    assert tokenize("Light-hearted, isn't it?") == ["light-hearted", ",", "isn't", "it", "?"]


def test_a_given_vocabulary_replaces_the_wheel():
    ex = LexicalExtractor(vocabulary=["Grumpy", "over the moon"], stoplist=())
    assert ex.extract_words("grumpy at first, then over the moon") == ["grumpy", "over the moon"]


def test_the_lexical_judge_reads_descriptions_by_clip_name(tmp_path, data_root):
    reasons = tmp_path / "run-reason.jsonl"
    reasons.write_text(json.dumps({"name": "c1", "reason": "He looks worried and tense."}) + "\n", encoding="utf-8")
    judge = build_judge("lexical", name="lex", path=str(reasons), wheel_dir=str(data_root / "emotion_wheel"))
    found, missing = judge.judge_batch([Clip("c1"), Clip("c2")])
    assert (found.clip, found.words, found.description, found.error) == ("c1", ["worried", "tense"], "He looks worried and tense.", None)
    assert missing.error and "c2" in missing.error


def test_dev_l1_f_on_stored_affectgpt_descriptions_stays_above_floor(extractor, outputs_dir, dev_labels, dev_names, wheel):
    from calibration.ew_metric import evaluate
    from judges.outputs import read_judge_output, read_reasons

    reasons = read_reasons(outputs_dir / "AffectGPT" / "checkpoint_000040_loss_0.569-reason.jsonl")
    preds = {n: extractor.extract_words(reasons[n]) for n in dev_names}
    lexical = 100 * evaluate(dev_labels, preds, dev_names, wheel=wheel).l1_f
    # Measured 66.15; floor = measured - 2 (a regression guard on this code's own figure).
    assert lexical > 64.15
    # The independent anchor: AffectGPT's own LLM extraction from the same descriptions (stored labels, 64.66).
    stored = read_judge_output(outputs_dir / "AffectGPT" / "checkpoint_000040_loss_0.569-openset.npz")
    assert lexical >= 100 * evaluate(dev_labels, stored, dev_names, wheel=wheel).l1_f


def test_the_judges_page_quotes_the_lexical_precision_and_recall_on_chat_univi_reasonings(extractor, outputs_dir, dev_labels, dev_names, wheel):
    """docs/judges.md, 'Two-stage extraction': the words per clip, recall and precision on Chat-UniVi nosubtitle-addsub."""
    import re
    from pathlib import Path

    from calibration.ew_metric import evaluate
    from judges.outputs import read_reasons

    reasons = read_reasons(outputs_dir / "Chat-UniVi" / "output-reason-7b-nosubtitle-addsub-eng-reason.jsonl")
    preds = {n: extractor.extract_words(reasons[n]) for n in dev_names}
    s = evaluate(dev_labels, preds, dev_names, wheel=wheel)
    words = sum(len(w) for w in preds.values()) / len(preds)
    page = (Path(__file__).resolve().parent.parent / "docs" / "judges.md").read_text(encoding="utf-8")
    quoted = re.search(r"\(about (\d+): recall (\d+), precision (\d+) on Chat-UniVi\)", page)
    assert quoted, "docs/judges.md no longer quotes the lexical extractor's recall and precision on Chat-UniVi"
    assert [int(g) for g in quoted.groups()] == [round(words), round(100 * s.l1_r), round(100 * s.l1_p)]


def test_the_lexical_judge_without_descriptions_fails_each_clip():
    (verdict,) = LexicalExtractor(vocabulary=["sad"]).judge_batch([Clip("c1")])
    assert "give path=" in verdict.error
