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


def test_negation_ends_at_the_clause(judge):
    assert judge.judge_text("I'm not sad, but I am really scared.").words == ["fearful"]


def test_contracted_negation_counts(judge):
    assert "happy" not in judge.judge_text("She isn't happy at all, she is upset.").words


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


def test_a_chinese_word_counts_for_its_most_specific_category():
    assert chinese_category("开心") == "乐"  # DUTIR also files it under 恶
    assert chinese_category("紧张") == "惧"


def test_language_is_told_by_cjk_characters():
    assert is_chinese("我很生气")
    assert is_chinese("这个 app 让我很生气")
    assert not is_chinese("I said 你好 to her and she was happy about it")


def test_a_clip_without_a_subtitle_gives_an_empty_verdict_saying_so(judge):
    verdict = judge.judge(Clip(name="silent"))
    assert verdict.ok and verdict.words == []
    assert "no subtitle" in verdict.raw


def test_a_clip_subtitle_is_judged(judge):
    assert judge.judge(Clip(name="c", subtitle="What a wonderful, happy day!")).words == ["happy"]


def test_text_lexicon_is_a_registered_judge_type():
    assert isinstance(build_judge("text-lexicon", name="t"), TextLexiconJudge)


def test_a_bad_relative_threshold_is_refused():
    with pytest.raises(InputError, match="relative_threshold"):
        TextLexiconJudge(relative_threshold=0)
