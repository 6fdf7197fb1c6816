"""words_from_answer: a model's free text -> emotion words, or a reason why not."""
from __future__ import annotations

import time

import pytest

from judges.answer_parsing import verdict_from_answer, without_unfinished_word, words_from_answer
from judges.chinese_answer_patterns import MAX_HAN_PER_LABEL, numeral_value


def test_a_comma_list_gives_its_words_lower_cased():
    assert words_from_answer("Happy, Relieved") == (["happy", "relieved"], None)


def test_a_leading_label_and_a_final_full_stop_are_dropped():
    assert words_from_answer("Emotions: joy, surprise.") == (["joy", "surprise"], None)


def test_and_joins_are_split():
    assert words_from_answer("relieved and a bit nervous") == (["relieved", "a bit nervous"], None)


def test_repeated_words_are_kept_once_in_order():
    assert words_from_answer("sad, happy, sad") == (["sad", "happy"], None)


def test_numbered_and_bracketed_lists_are_read():
    assert words_from_answer("1. happy\n2. sad")[0] == ["happy", "sad"]
    assert words_from_answer("['happy', 'sad']")[0] == ["happy", "sad"]


def test_a_think_block_is_ignored():
    assert words_from_answer("<think>maybe fear?</think>angry, sad") == (["angry", "sad"], None)


def test_a_think_block_spanning_lines_is_ignored():
    assert words_from_answer("<think>maybe fear?\nno, anger</think>angry, sad") == (["angry", "sad"], None)


def test_an_unfinished_think_block_is_not_read_as_the_answer():
    assert words_from_answer("<think>The speaker is tense, angry, sad") == ([], "empty answer")


def test_a_code_fence_and_its_language_tag_are_dropped():
    assert words_from_answer("```text\nhappy, sad\n```") == (["happy", "sad"], None)


def test_a_bold_leading_label_is_dropped():
    assert words_from_answer("**Emotions:** happy, sad") == (["happy", "sad"], None)


def test_a_leading_label_with_are_is_dropped():
    assert words_from_answer("The emotions are: happy, sad") == (["happy", "sad"], None)


def test_an_item_starting_with_and_loses_the_and():
    assert words_from_answer("happy, and sad") == (["happy", "sad"], None)


def test_words_in_backticks_are_read():
    assert words_from_answer("`happy`, `sad`") == (["happy", "sad"], None)


def test_a_none_word_among_emotion_words_is_dropped():
    assert words_from_answer("happy, nothing") == (["happy"], None)


def test_punctuation_only_items_are_ignored_not_counted_as_noise():
    assert words_from_answer("happy, ?, ?") == (["happy"], None)


def test_as_much_noise_as_words_is_tolerated_more_is_an_error():
    assert words_from_answer("happy, 12345") == (["happy"], None)
    assert words_from_answer("happy, 12345, 67890")[1].startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["none", "None.", "None!", "[none]", "(none)", "no emotion", "No emotions."])
def test_an_explicit_none_is_no_words_and_no_error(answer):
    assert words_from_answer(answer) == ([], None)


@pytest.mark.parametrize("answer", ["", "   ", None])
def test_an_empty_answer_is_an_error(answer):
    assert words_from_answer(answer) == ([], "empty answer")


@pytest.mark.parametrize(
    "answer",
    ["ĠxyzĠ 12 ,, ##", "The person seems happy and relieved in this clip, smiling at the camera.", "qwe rty uio asd, 12345, happy"],
)
def test_garbled_or_sentence_answers_are_errors_naming_the_answer(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


def test_an_answer_of_only_punctuation_is_an_error_not_no_emotion():
    assert words_from_answer("...") == ([], "unparseable answer: '...'")


def test_the_error_quotes_at_most_a_short_snippet():
    _, error = words_from_answer("x1 " * 500)
    assert len(error) < 100


def test_an_error_quotes_text_on_one_line_cut_to_its_limit_with_an_ellipsis():
    # the answer parser and the OpenAI judge each had a copy of this, at 60 and 200 characters
    from judges.errors import snippet

    assert snippet("happy,\n\n  relieved", 60) == "happy, relieved"
    assert snippet("x" * 30, 10) == "xxxxxxx..." and snippet("x" * 10, 10) == "x" * 10


def test_non_english_emotion_words_are_kept():
    assert words_from_answer("开心, 愤怒")[0] == ["开心", "愤怒"]


def test_an_emotion_phrase_with_an_apostrophe_stays_one_word():
    assert words_from_answer("can't relax, sad") == (["can't relax", "sad"], None)


@pytest.mark.parametrize(
    "answer",
    ['{"emotions": ["happy", "relieved"]}', '```json\n{"emotions": "happy, relieved"}\n```', '{"emotion": "happy", "second": "relieved", "confidence": 0.9}'],
)
def test_a_json_object_answer_gives_its_values_not_its_keys(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize(
    "answer",
    ['{"emotion": "happy", "confidence": "high", "reason": "she smiles"}', '{"emotions": ["happy"], "intensity": "mild"}',
     '{"primaryEmotion": "happy", "explanation": "smiling"}', '{"result": {"label": "happy", "note": "bright"}}'],
)
def test_a_json_object_with_a_key_naming_the_answer_gives_only_that_keys_words(answer):
    # the other fields' strings were read as emotion words too: 'high', 'she smiles', 'mild', 'smiling', 'bright'
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize(
    "answer",
    ['{"emotion": "happy", "emotion_intensity": "high"}', '{"label": "happy", "label_confidence": "high"}',
     '{"emotional_state": "happy", "emotion_intensity": "high"}', '{"answer": "happy", "answer_reasoning": "smiles"}',
     '{"\u60c5\u7eea": "happy", "\u60c5\u7eea\u5f3a\u5ea6": "high"}'],
)
def test_a_json_key_naming_a_property_of_the_answer_holds_no_words(answer):
    # 'emotion_intensity', 'label_confidence' (and 情绪强度) were taken for keys naming the answer, so 'high' was a word,
    # and beside 'emotional_state' the only one: 'high' without 'happy'
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer", ['[{"emotion": "sad", "present": false}]',
                                    '{"emotions": [{"label": "sad", "detected": false}]}'])
def test_a_json_emotion_said_not_present_is_no_emotion_not_its_word(answer):
    # gave 'sad', the emotion the model said was not there
    assert words_from_answer(answer) == ([], None)


def test_a_json_emotion_said_present_is_kept_beside_one_said_not_present():
    answer = '{"emotions": [{"label": "happy", "present": true}, {"label": "sad", "present": false}]}'
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer, words", [('{"emotion": "sad", "emotion_present": false}', []),
                                           ('{"emotion": "sad", "emotionDetected": false}', []),
                                           ('{"emotion_is_present": false, "emotion": "sad"}', []),
                                           ('{"emotion": "sad", "emotion_present": true}', ["sad"]),
                                           ('{"emotions": [{"label": "sad", "emotion_present": false}, '
                                            '{"label": "happy", "emotion_present": true}]}', ["happy"]),
                                           ('{"emotions_detected": ["happy", "sad"]}', ["happy", "sad"])])
def test_a_json_presence_key_after_the_answer_word_says_whether_the_emotion_is_there(answer, words):
    # 'emotion_present': false (and 'emotionDetected', 'emotion_is_present') gave 'sad', the emotion said absent, as only
    # bare 'present' / 'is_present' / 'detected' were read so; a list under 'emotions_detected' is still the answer
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize(
    "answer",
    ['{"emotions": [{"name": "happy", "confidence": "high"}]}', '{"emotions": [{"type": "happy", "intensity": "mild", "value": 0.8}]}',
     '{"emotion": {"name": "happy", "note": "bright"}}', '{"emotions": [{"category": "positive", "name": "happy"}]}',
     '{"emotions": [{"name": "happy", "confidence": "high"}, {"name": "sad", "present": false}]}'],
)
def test_an_object_held_by_a_json_key_naming_the_answer_gives_only_its_name(answer):
    # its other fields were read as emotion words: 'high', 'mild', 'bright', 'positive' (and the absent 'sad')
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer", ['{"emotions": [{"name": "", "value": "happy"}]}', '{"emotions": [{"value": "0.9", "type": "happy"}]}',
                                    '{"emotions": [{"value": "high", "type": "happy"}]}', '{"emotions": [{"value": "yes", "type": "happy"}]}'])
def test_a_blank_score_or_level_under_a_json_items_name_key_is_not_its_name(answer):
    # taken for the item's name, '' gave no emotion, '0.9' made the answer an error, and 'high' and 'yes' were the word, where
    # each gave happy before
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer, words", [('{"emotions": [{"name": "primary", "value": "happy"}, {"name": "secondary", "value": "sad"}]}',
                                            ["happy", "sad"]),
                                           ('{"emotions": [{"name": "Emotion 1", "value": "happy"}]}', ["happy"]),
                                           ('{"emotions": [{"value": "very high", "type": "happy"}]}', ["happy"]),
                                           ('{"emotions": [{"value": "-", "type": "happy"}]}', ["happy"])])
def test_a_rank_an_item_label_a_graded_level_or_a_dash_under_a_json_items_name_key_is_not_its_name(answer, words):
    # taken for the item's name, 'primary' and 'secondary' were the words (happy and sad lost), 'very high' the word, and
    # 'Emotion 1' and '-' made the answer an error, where each gave its emotion before JSON items had names
    assert words_from_answer(answer) == (words, None)


def test_a_json_object_with_an_empty_list_is_no_emotion_not_its_key():
    assert words_from_answer('{"emotions": []}') == ([], None)


@pytest.mark.parametrize(
    "answer",
    ["Sure, here are the emotions: happy, sad", "Sure! Here are the emotions: happy, sad", "Emotion words: happy, sad",
     "The character's feelings are: happy, sad", "The main character feels: happy, sad",
     "From the video, the most evident emotions: happy, sad"],
)
def test_a_lead_in_ending_in_a_colon_is_dropped_not_read_as_a_word(answer):
    assert words_from_answer(answer) == (["happy", "sad"], None)


@pytest.mark.parametrize("answer", ["I don't know.", "I'm sorry, I can't help with that.", "Unknown", "Cannot determine.", "It is unclear."])
def test_a_refusal_or_a_non_answer_is_an_error_not_an_emotion_word(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["As an AI, I cannot watch videos.", "Sorry, I can't help with that.",
                                    "Unfortunately, I cannot determine the emotions.", "Sorry. I am unable to view the video."])
def test_a_refusal_opening_with_an_apology_or_as_an_ai_is_an_error_not_the_word_sorry(answer):
    # these gave the emotion words 'as an ai', 'sorry', 'unfortunately'
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


def test_sorry_in_a_list_of_words_is_still_an_emotion_word():
    assert words_from_answer("Sorry, ashamed") == (["sorry", "ashamed"], None)


def test_a_clause_with_a_pronoun_subject_is_not_an_emotion_word():
    assert words_from_answer("happy, she smiles") == (["happy"], None)


@pytest.mark.parametrize(
    "answer, words",
    [("happy and not angry", ["happy"]), ("relieved, no fear", ["relieved"]), ("happy, without anxiety", ["happy"])],
)
def test_a_negated_emotion_is_not_an_emotion_word(answer, words):
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["happy rather than angry", "happy instead of angry", "happy, rather than angry",
                                    "The emotion is happy rather than angry."])
def test_a_word_contrasted_away_with_rather_than_or_instead_of_is_denied(answer):
    # these were errors ('unparseable answer'), or 'than angry' a word
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer", ["happy, not angry or sad", "no fear or anxiety, happy", "happy instead of angry or sad"])
def test_a_denial_carries_on_over_or(answer):
    # 'sad', 'anxiety' were kept as emotions felt
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer", ["no clear emotion", "No emotion detected.", "None detected", "neither happy nor sad", "none, nothing"])
def test_an_answer_that_only_denies_emotions_is_no_words_and_no_error(answer):
    assert words_from_answer(answer) == ([], None)


@pytest.mark.parametrize("answer", ["not sure", "Not clear.", "Not applicable", "not clearly visible", "Not evident.",
                                    "Emotions: not really discernible", "不明显", "不太明显"])
def test_a_doubting_non_answer_is_an_error_not_an_emotion_word(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize(
    "answer",
    ['{"emotions": [{"label": "happy", "score": 0.9}, {"label": "relieved", "score": 0.4}]}',
     '[{"emotion": "happy"}, {"emotion": "relieved"}]', '{"emotions": {"happy": 0.9, "relieved": 0.4}}',
     "```python\n{'emotions': ['happy', 'relieved']}\n```", '{"emotions": ["happy", "relieved"]}\nThe person smiles, then sighs.'],
)
def test_a_nested_or_single_quoted_json_answer_gives_its_words_not_its_keys_nor_no_emotion(answer):
    # the first was read as no emotion, the others gave the key 'emotion(s)' as a word
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ['{"happy": 0.9, "relieved": NaN}', '{"happy": 1e999, "relieved": 0.1}',
                                    '{"happy": 0.9, "relieved": 1' + "0" * 400 + '}'])
def test_a_json_object_of_scores_gives_its_keys_whatever_numbers_the_scores_are(answer):
    # NaN and Infinity (json reads 1e999 so) gave no word, as if the model had seen no emotion; a score too large for a
    # float raised OverflowError: an object is one of scores whatever its numbers, as before options refused nan and inf
    assert words_from_answer(answer) == (["happy", "relieved"], None)


def test_a_json_answer_whose_emotions_are_null_is_no_emotion_not_its_key():
    assert words_from_answer('{"emotions": null}') == ([], None)


@pytest.mark.parametrize("answer", ['{"happy": true, "relieved": true, "sad": false}',
                                    '{"emotions": {"happy": true, "sad": false, "relieved": true}}',
                                    "{'happy': True, 'sad': False, 'relieved': True}"])
def test_a_json_object_of_flags_gives_the_keys_set_true(answer):
    # these were read as no emotion, with no error: every word silently lost
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer, words", [('{"happy": "yes", "sad": "no"}', ["happy"]), ('{"happy": "high", "sad": "low"}', ["happy", "sad"]),
                                           ('{"happy": "high", "sad": "none"}', ["happy"]), ('{"Happy": "present", "Sad": "absent"}', ["happy"]),
                                           ('{"emotions": {"happy": "a little", "sad": "no"}}', ["happy"]),
                                           ('{"\u5f00\u5fc3": "\u662f", "\u96be\u8fc7": "\u5426"}', ["\u5f00\u5fc3"])])
def test_a_json_object_of_checklist_values_gives_the_keys_said_felt(answer, words):
    # gave its values as the words ('yes'; 'high', 'low'), where the text checklist 'Happy: yes, Sad: no' gives happy
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [('{"happy": "yes", "reason": "she smiles"}', ["happy"]),
                                           ('{"happy": "yes", "sad": "no", "explanation": "she smiles, then laughs"}', ["happy"]),
                                           ('{"happy": "high", "confidence": 0.9}', ["happy"])])
def test_a_json_checklist_beside_a_key_explaining_or_qualifying_it_gives_the_keys_said_felt(answer, words):
    # gave the value 'yes' as the word (the reason is a clause), as an object with other keys is no checklist
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [('{"开心": "是", "难过": "否", "原因": "她在笑"}', ["开心"]),
                                           ('{"开心": "高", "置信度": 0.9}', ["开心"]), ('{"happy": "yes", "理由": "她在笑"}', ["happy"])])
def test_a_json_checklist_beside_a_chinese_key_explaining_or_qualifying_it_gives_the_keys_said_felt(answer, words):
    # 原因 (reason), 理由 and 置信度 (confidence) were no explaining keys, so the object was no checklist: '是', '否' and the
    # reason were the words, and '{"开心": "高", "置信度": 0.9}' gave the level 高 (high)
    assert words_from_answer(answer) == (words, None)


def test_a_json_object_of_levels_under_chinese_field_names_is_an_error_not_a_word():
    words, error = words_from_answer('{"强度": "高", "置信度": "低"}')
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [('{"happy": 0.9, "sad": 0.1, "reason": "she smiles"}', ["happy", "sad"]),
                                           ('{"happy": true, "sad": false, "confidence": 0.9}', ["happy"]),
                                           ('{"开心": true, "难过": false, "原因": "她在笑"}', ["开心"])])
def test_a_json_object_of_scores_or_flags_beside_a_key_explaining_them_gives_their_words(answer, words):
    # the explaining key made the object no longer one of only scores or flags, so only its strings were read: the reason
    # (a clause, an error), nothing at all for the second (read as no emotion), 她在笑 for the third
    assert words_from_answer(answer) == (words, None)


def test_a_json_object_scoring_a_word_that_names_a_field_too_still_gives_it():
    assert words_from_answer('{"pride": 0.9, "confidence": 0.8}') == (["pride", "confidence"], None)


def test_a_json_object_of_levels_under_field_names_is_an_error_not_a_word():
    # gave the levels 'high' and 'low' as emotion words
    words, error = words_from_answer('{"intensity": "high", "confidence": "low"}')
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["[]", "```json\n[]\n```", "[ ]"])
def test_an_empty_json_list_is_no_emotion_not_an_error(answer):
    assert words_from_answer(answer) == ([], None)


@pytest.mark.parametrize("answer", ['{"emotions": ["happy", "relieved", "exci', '{"emotions": "happy, relieved, exci',
                                    '["happy", "relieved", "exci'])
def test_a_json_answer_cut_short_loses_its_unfinished_last_word(answer):
    # a JSON list cut short kept its unfinished word ('exci') when the engine did not say it was cut
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize(
    "answer",
    ["happy (mostly), relieved", "happy (0.8), relieved (0.2)", "happy（开心）, relieved", "happy, relieved (the person smiles, then sighs)",
     "Emotion words (English, lower case): happy, relieved"],
)
def test_a_remark_in_brackets_after_a_word_is_dropped_not_the_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["开心、兴奋。", "开心，兴奋！", "情绪：开心，兴奋", "这个人的情绪是：开心、兴奋。"])
def test_a_chinese_answer_keeps_every_word(answer):
    assert words_from_answer(answer) == (["开心", "兴奋"], None)


@pytest.mark.parametrize("answer", ["1.happy 2.sad", "1)happy 2)sad", "Emotions: 1.happy 2.sad"])
def test_an_english_list_numbered_with_no_space_after_its_numbers_on_one_line_gives_its_words(answer):
    # it was an error ('happy 2.sad' no word), though '1. happy 2. sad' and '1.happy\n2.sad' read both
    assert words_from_answer(answer) == (["happy", "sad"], None)


def test_a_decimal_number_in_a_sentence_is_no_list_number():
    assert words_from_answer("happy 2.5 times")[0] == []


@pytest.mark.parametrize("answer", ["1、开心 2、难过", "一、开心 二、难过", "情绪：1.开心 2.难过"])
def test_a_chinese_list_numbered_with_a_dun_comma_on_one_line_gives_its_words_not_its_numbers(answer):
    # '1、开心 2、难过' was an error ('开心 2' no word) and '一、开心 二、难过' gave 一, '开心 二', 难过
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer", ["1.开心 2.难过", "1)开心 2)难过", "情绪：1.开心 2.难过", "1）开心 2）难过"])
def test_a_chinese_list_numbered_with_a_full_stop_and_no_space_on_one_line_gives_its_words(answer):
    # '1.开心 2.难过' was an error ('开心 2.难过' no word), though '1. 开心 2. 难过' and '1、开心 2、难过' read both
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer, words", [("（1）开心（2）难过", ["开心", "难过"]), ("(1)开心(2)难过", ["开心", "难过"]),
                                           ("（1）开心 （2）难过", ["开心", "难过"]), ("情绪：（1）开心（2）难过", ["开心", "难过"]),
                                           ("1）happy 2）sad", ["happy", "sad"]), ("(1) happy (2) sad", ["happy", "sad"]),
                                           ("（1）happy\n（2）sad", ["happy", "sad"]), ("Emotions: (1) happy (2) sad", ["happy", "sad"])])
def test_a_list_numbered_in_brackets_or_with_a_full_width_closing_bracket_gives_its_words(answer, words):
    # '（1）开心（2）难过' and '1）happy 2）sad' were errors, '(1) happy (2) sad' one word 'happy sad' ('(2)' a remark), where
    # '1) happy 2) sad' gives both
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["(1) happy and (2) sad", "Emotions: (1) happy and (2) sad", "1) happy and 2) sad",
                                    "1. happy and 2. sad", "1) happy or 2) sad"])
def test_an_and_or_or_before_an_inline_list_number_joins_the_items_and_is_no_part_of_a_word(answer):
    # 'happy and' was a word: at 67679cf of '1) happy and 2) sad' only, and since the bracketed numbers of parser round 6
    # read '(1) happy and (2) sad' (which gave happy, sad) as it, of that too
    assert words_from_answer(answer) == (["happy", "sad"], None)


@pytest.mark.parametrize("answer", ["Emotions - (1) happy (2) sad", "Answer => (1) happy (2) sad", "Answer -> (1) happy (2) sad",
                                    "Emotions \u2192 (1) happy (2) sad", "Emotions \u2013 (1) happy (2) sad", "Emotions - \u2460 happy \u2461 sad"])
def test_a_bracketed_list_after_an_arrow_or_spaced_dash_gives_its_words(answer):
    # one word 'happy sad' ('(2)' a remark; the circled form an error), where 'Emotions: (1) happy (2) sad' gives both
    assert words_from_answer(answer) == (["happy", "sad"], None)


def test_a_bracketed_number_after_a_word_before_any_bracketed_first_item_is_no_list_number():
    # a list's later numbers are read after a word only once '(1)' opened it where an item begins; this one is a remark
    assert words_from_answer("Only the default (1) value is supported.")[0] == []


@pytest.mark.parametrize("answer, words", [("①开心 ②难过", ["开心", "难过"]), ("①开心②难过", ["开心", "难过"]),
                                           ("① happy ② sad", ["happy", "sad"]), ("①开心\n②难过", ["开心", "难过"]),
                                           ("情绪：①开心，②难过", ["开心", "难过"]), ("⑴开心⑵难过", ["开心", "难过"]),
                                           ("⒈ happy ⒉ sad", ["happy", "sad"])])
def test_a_list_numbered_with_circled_numbers_gives_its_words(answer, words):
    # '①开心 ②难过' gave one word '①开心 ②难过', '① happy ② sad' was an error and '①开心\n②难过' gave '①开心', '②难过'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["❶开心 ❷难过", "⓵开心 ⓶难过", "㈠开心 ㈡难过", "➀开心 ➁难过", "➊开心➋难过", "㊀开心㊁难过"])
def test_a_list_numbered_with_other_one_character_numbers_gives_its_words(answer):
    # one word '❶开心 ❷难过', where '①开心 ②难过' gives both
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer, words", [("①开心②难过③", ["开心", "难过"]), ("①开心②难过③。", ["开心", "难过"]),
                                           ("① happy ② sad ③", ["happy", "sad"]), ("①开心，难过②", ["开心", "难过"])])
def test_a_one_character_number_ending_a_numbered_list_is_dropped(answer, words):
    # it was part of the last word ('难过③'), where '（1）开心（2）难过（3）' drops its '（3）' as a remark
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, mark", [("第❶步 打开电脑\n第❷步 登录账号", "❶"), ("开心❶，难过❷", "❶"), ("第㈠条 开心\n第㈡条 难过", "㈠")])
def test_a_one_character_number_inside_prose_is_no_list_number(answer, mark):
    # after a word, with no list begun, it stays in its text as a circled '①' does
    assert mark in "".join(words_from_answer(answer)[0])


@pytest.mark.parametrize("answer", ["第①步 打开电脑\n第②步 登录账号", "开心①，难过②"])
def test_a_circled_number_inside_prose_is_no_list_number(answer):
    # a step's number (第①步, step ①) or a note's mark after a word stays in its text, as a bracketed one after a word does
    assert "①" in "".join(words_from_answer(answer)[0])


@pytest.mark.parametrize("answer", ["（一）开心（二）难过", "(一)开心(二)难过", "情绪：（一）开心（二）难过", "（一） 开心 （二） 难过"])
def test_a_list_numbered_with_chinese_numerals_in_brackets_gives_its_words(answer):
    # '（一）开心（二）难过' was an error, where '（1）开心（2）难过' gives both
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer", ["一）开心 二）难过", "一)开心 二)难过", "情绪：一）开心 二）难过"])
def test_a_list_numbered_with_chinese_numerals_before_a_closing_bracket_gives_its_words(answer):
    # an error, where '1）开心 2）难过' and '1)开心 2)难过' give both
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer, words", [("（１）开心（２）难过", ["开心", "难过"]), ("(01) happy (02) sad", ["happy", "sad"])])
def test_a_list_numbered_in_brackets_with_full_width_or_zero_padded_digits_gives_its_words(answer, words):
    # its first number was not read as 1 (the text '１', '01'): an error, or one word 'happy sad'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("numeral, value", [("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99)])
def test_a_chinese_numeral_numbering_an_item_has_its_value(numeral, value):
    assert numeral_value(numeral) == value


@pytest.mark.parametrize("answer", ["开心（强度 3）紧张", "开心（得分 8）难过（得分 2）", "开心 (score 8)难过"])
def test_a_number_closing_a_bracketed_remark_after_a_space_is_no_list_number(answer):
    # '开心（强度 3）紧张' (happy (intensity 3) nervous) read '3）' as an item's number and lost 开心 (紧张 alone)
    assert words_from_answer(answer) == words_from_answer(answer.replace(" 3", "3").replace(" 8", "8").replace(" 2", "2"))


@pytest.mark.parametrize("answer", ["开心。难过。", "开心。难过", "开心. 难过.", "情绪：开心。难过。", "这个人的情绪是开心。难过。"])
def test_chinese_words_parted_by_full_stops_give_each_word(answer):
    # '开心。难过。' was an error (one item '开心。难过', no word), where '开心，难过。' gives both
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer", ["1、开心。2、难过。", "1.开心。2.难过。", "1. 开心。2. 难过。", "1) 开心。2) 难过。"])
def test_a_numbered_chinese_list_with_a_full_stop_after_each_word_gives_every_word(answer):
    # '1、开心。2、难过。' gave only 难过 ('2、' after a full stop no item's number), the others were errors
    assert words_from_answer(answer) == (["开心", "难过"], None)


@pytest.mark.parametrize("answer", ["她看起来很开心。她在笑。", "她很开心. 她在笑.", "开心。难过。她在笑。"])
def test_a_chinese_description_in_sentences_parted_by_full_stops_is_no_list_of_words(answer):
    # a clause among the sentences (她 she, 很 very, 在 -ing) keeps the full stops sentences' ends: the answer stays an error,
    # not the words 她看起来很开心 and 她在笑
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer")


@pytest.mark.parametrize("answer", ["开心。原因是笑容。", "情绪：开心。原因是笑容。", "开心。视频中有笑声。", "开心。根据视频判断。",
                                    "难过。请注意这只是推测。"])
def test_a_chinese_word_then_a_sentence_with_no_clause_marker_after_a_full_stop_is_no_list_of_words(answer):
    # since full stops between Chinese words read as commas, these gave a sentence as a word (原因是笑容 'the reason is the
    # smile', 视频中有笑声 'the video has laughter'); at 67679cf, as here, an error: a full stop ends a sentence, and what it
    # parts is read as words only when each is a word's length (or a denial: '平静。没有特别的情绪波动。' still gives 平静)
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer")


@pytest.mark.parametrize("answer, words", [("平静。没有特别的情绪波动。", ["平静"]), ("开心。无法确定其他情绪。", ["开心"]),
                                           ("开心。可能有点紧张。", ["开心", "有点紧张"]), ("心烦意乱。难过。", ["心烦意乱", "难过"])])
def test_chinese_words_of_a_word_s_length_or_a_denial_parted_by_full_stops_are_read(answer, words):
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["主持人 微笑着 介绍 嘉宾", "主持人微笑着介绍嘉宾"])
def test_a_chinese_description_parted_by_spaces_is_no_list_of_words(answer):
    # parting Chinese at its spaces ('开心 难过': 开心, 难过) read such a description (the host introduces the guests, smiling)
    # as four words, and '老师 生气' (the teacher is angry) as 老师, 生气: telling a list from a phrase needs a lexicon, so a
    # space inside Chinese text parts no words, and this reads as it does without its spaces
    assert words_from_answer(answer)[0] == []


@pytest.mark.parametrize("answer", ["非常 开心", "比较 紧张", "有点 难过", "情绪 开心", "表情 开心", "他 很开心", "较为 紧张", "略带 紧张",
                                    "有一丝 紧张", "微微 紧张", "并不 开心", "不太 开心", "开心 而非 难过", "从未 愤怒", "愤怒 都没有", "未见 愤怒",
                                    "愤怒 看不出", "缺乏 热情", "否认 愤怒"])
def test_a_space_inside_chinese_text_parts_no_words(answer):
    # parted at its spaces (488ae5f to 5d0d264), a grade, a head or a pronoun was a word of its own ('较为 紧张', rather nervous:
    # 较为, 紧张), and a negation or a word of absence too, the word it denies then read as felt ('并不 开心', not happy at all:
    # 并不, 开心; '愤怒 都没有', anger: none at all: 愤怒, 都没有); the phrase reads as one piece, as without its space
    assert words_from_answer(answer)[0] == [answer]


@pytest.mark.parametrize("answer, on_lines", [("情绪：开心\n表情：1、微笑 2、眼神明亮", "情绪：开心\n表情：微笑\n眼神明亮"),
                                              ("强度：1、高", "强度：高")])
def test_a_chinese_list_numbered_with_a_dun_comma_after_a_head_reads_as_the_head_and_its_items_on_lines(answer, on_lines):
    # its first number after the colon read as a line break left the head alone on its line, a word: 表情 (expression) and
    # 微笑 beside 开心, 眼神明亮; 强度 (intensity) and 高, where '强度：高' is an error
    (words, error), (words_on_lines, error_on_lines) = words_from_answer(answer), words_from_answer(on_lines)
    assert (words, error is None) == (words_on_lines, error_on_lines is None)


@pytest.mark.parametrize(
    "answer",
    ["happy, relieved.\nThe person smiles.", "happy, relieved\n\nReasoning: the person smiles, then sighs.",
     "happy, relieved\nExplanation: she smiles, and then sighs, and then laughs.", "Emotions\nhappy, relieved",
     "**Emotions**\n- happy\n- relieved", "Sure, happy, relieved", "Okay. happy, relieved", "Certainly! happy, relieved",
     "happy, relieved, etc.", "happy, but also relieved", "Output\nhappy, relieved"],
)
def test_lead_ins_headings_and_explanations_give_no_words(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["happy, relieved\nEvidence: she smiles and then sighs",
                                    "Primary emotion - happy\nSecondary emotion - relieved\nEvidence - she smiles and then sighs"])
def test_an_evidence_line_after_the_answer_gives_no_words(answer):
    # the evidence's last clause was a word: 'then sighs', 'sighs' (a spaced hyphen after 'Evidence' reads as a colon, as
    # after 'Reason')
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer, words", [("Sure - worried, lonely", ["worried", "lonely"]), ("OK - calm, hopeful", ["calm", "hopeful"]),
                                           ("Certainly – happy, sad", ["happy", "sad"]), ("OK — calm, hopeful", ["calm", "hopeful"]),
                                           ("OK - fine", ["ok", "fine"])])
def test_a_pleasantry_before_a_spaced_dash_is_no_word_as_before_a_comma(answer, words):
    # since the spaced hyphen separates words, 'Sure - worried, lonely' gave 'sure' and 'OK - calm, hopeful' 'ok' as the clip's
    # first word (a spaced en or em dash already did); 'OK - fine' keeps both words, as 'Ok, fine' does
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, expected", [("Ok, fine", ["ok", "fine"]), ("okay, calm", ["okay", "calm"]),
                                              ("OK, here are the emotions: happy, sad", ["happy", "sad"]),
                                              ("Okay, the emotions are happy and sad.", ["happy", "sad"])])
def test_ok_before_a_comma_and_one_word_is_a_word_unless_a_lead_in_follows(answer, expected):
    # 'Ok, fine' gave only 'fine'
    assert words_from_answer(answer) == (expected, None)


@pytest.mark.parametrize("answer", ["OK, happy, relieved", "Okay, happy and relieved", "okay, happy; relieved", "OK,\nhappy, relieved",
                                    "Alright, happy, relieved"])
def test_ok_before_a_list_of_two_words_or_more_is_an_acknowledgement_not_a_word(answer):
    # 'OK, happy, relieved' gave 'ok' as the clip's first emotion word; 'ok' and 'okay' are no words of the emotion wheel,
    # and the stored answers opening with them acknowledge the prompt ('OK. This is the transcript...', 'Okay then.')
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["OK, happy - relieved", "OK, happy -- relieved", "Okay, happy | relieved", "OK, happy / relieved",
                                    "OK, happy – relieved", "OK, happy → relieved"])
def test_ok_before_two_words_joined_by_another_separator_is_an_acknowledgement_too(answer):
    # 'OK, happy - relieved' gave 'ok', 'happy', 'relieved' (the spaced hyphen separates the words, but the acknowledgement
    # rule saw only commas, semicolons and 'and'); so did '|', '/', a dash and an arrow
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["1. Happy: the person smiles.\n2. Relieved: they sigh.",
                                    "**Happy** - the person is smiling\n**Relieved** - she exhales",
                                    "Sure! Here are the emotions:\n\n1. **Happy**: The speaker laughs at the joke.\n"
                                    "2. **Relieved**: Her shoulders drop as the news sinks in.\n\nThese suggest good news."])
def test_a_list_of_words_each_explained_on_its_line_gives_the_words(answer):
    # these were errors ('unparseable answer'): a chat model's usual list lost every word
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["Emotions: 1. Happy - she smiles, 2. Relieved - she sighs",
                                    "1. Happy: the person smiles, 2. Relieved: they sigh", "1) Happy - she smiles; 2) Relieved - she sighs"])
def test_a_numbered_list_of_words_each_explained_on_one_line_gives_every_word(answer):
    # gave only 'happy': its explanation ran to the end of the line, over the next numbered item
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["Anxious: nervous, worried", "Anxious: nervous and worried", "1. Anxious: nervous, worried"])
def test_a_word_before_a_colon_and_the_words_after_it_are_all_words(answer):
    # gave only 'worried' ('anxious: nervous' was noise), or 'anxious: nervous and worried' an error
    assert words_from_answer(answer) == (["anxious", "nervous", "worried"], None)


@pytest.mark.parametrize("answer, words", [("Happy: yes", ["happy"]), ("Happy: Yes\nSad: No\nAngry: No", ["happy"]),
                                           ("Happy: present, Sad: absent", ["happy"]), ("Angry: not present", []),
                                           ("Happy: true, Angry: false", ["happy"]), ("Sad: low", ["sad"]),
                                           ("Happy: very high\nSad: not at all", ["happy"]), ("Fear: unlikely", []),
                                           ("Angry: not present in the video", []), ("1. Sad: no, she smiles throughout", []),
                                           ("Calm: no sign of anger at all", ["calm"]), ("Happy: yes\nSad: not evident in the video", ["happy"])])
def test_a_checklist_value_after_a_word_says_whether_it_is_felt_and_is_no_word(answer, words):
    # 'Sad: no' gave 'sad', the emotion said absent, and 'Happy: yes' the word 'yes' beside 'happy'; 'Sad: not at all'
    # (an explained word) gave 'sad'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Proud - slightly", ["proud"]), ("Calm: a little\nAngry: very much", ["calm", "angry"]),
                                           ("Happy: somewhat", ["happy"]), ("Sad - extremely", ["sad"])])
def test_a_checklist_value_saying_how_much_a_word_is_felt_is_no_word(answer, words):
    # 'Proud - slightly' gave proud, slightly (it was an error before the spaced hyphen read as a colon), and 'Angry: very
    # much' gave 'very much' beside 'angry', as if a degree were an emotion
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Happy: a little, Sad: very much", ["happy", "sad"]), ("happy: a lot; sad: a lot", ["happy", "sad"]),
                                           ("Happy: yes, Sad: a little", ["happy", "sad"]),
                                           ("Happy: a bit; Sad: no; Angry: a lot", ["happy", "angry"])])
def test_a_checklist_on_one_line_gives_each_word_felt(answer, words):
    # a value with 'a' ('a little', 'a lot') anywhere on the line made it one word explained, so only its first word was read
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Happy: a little. Sad: a lot.", ["happy", "sad"]),
                                           ("Happy: yes. Sad: no. Angry: very much.", ["happy", "angry"]),
                                           ("1. Happy: slightly. 2. Sad: a lot.", ["happy", "sad"]),
                                           ("Emotions: Happy: a little. Sad: a lot.", ["happy", "sad"]),
                                           ("Happy - a little. Sad - a lot.", ["happy", "sad"]),
                                           ("Happy \u2013 yes. Sad \u2013 no. Angry \u2013 very much.", ["happy", "angry"]),
                                           ("Emotions: Happy - a little. Sad - a lot.", ["happy", "sad"]),
                                           ("Sad: no! Happy: yes!", ["happy"]), ("开心：高。悲伤：低。", ["开心", "悲伤"]),
                                           ("开心：是。悲伤：否。愤怒：有点。", ["开心", "愤怒"])])
def test_a_checklist_on_one_line_whose_items_end_in_full_stops_gives_each_word_felt(answer, words):
    # gave only the first word: the full stop did not end its item as a comma does, so the rest was one unreadable item (with
    # a dash for the colon too, 'Happy – yes. Sad – no. Angry – very much.' giving happy and 'very much'); after an exclamation
    # mark it gave the first word even when said absent ('Sad: no! Happy: yes!': sad), and a Chinese full stop 开心 alone
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Happy: yes. Sad: no. Reason: the person smiles, laughs and jokes.",
                                    "Happy: yes; Sad: no. Justification: she smiles, laughs."])
def test_an_explanation_after_a_checklist_on_one_line_with_full_stops_is_no_word(answer):
    # the full stop before 'Reason:' read as a comma made the explanation's 'laughs' and 'jokes' words of the list
    assert words_from_answer(answer) == (["happy"], None)


def test_a_word_said_absent_first_on_a_checklist_line_does_not_hide_the_next():
    # 'Sad: not at all' was read as the line's explanation, denying sad and dropping 'Happy: a lot' with it
    assert words_from_answer("Sad: not at all, Happy: a lot") == (["happy"], None)


@pytest.mark.parametrize("answer", ["Intensity: high", "Facial expression: smiling", "Visual: smiling, Audio: shaky voice",
                                    "Confidence level: high", "Intensity level: high", "Energy: high"])
def test_a_field_name_or_heading_before_a_colon_is_not_taken_for_a_word(answer):
    # 'Visual: smiling, Audio: shaky voice' gave 'visual' and 'smiling', 'Confidence level: high' 'confidence level', 'high'
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("happy, sad\nConfidence: 0.9", ["happy", "sad"]), ("Happy\nIntensity: 7", ["happy"]),
                                           ("happy, sad\nScore: 80%", ["happy", "sad"]), ("happy\nConfidence level: 9/10", ["happy"]),
                                           ("happy\nArousal: 0.7\nValence: -0.5", ["happy"]), ("Emotions: happy, sad. Confidence: 0.9", ["happy", "sad"]),
                                           ("开心\n强度：8", ["开心"])])
def test_a_field_line_with_a_number_after_the_words_gives_no_word(answer, words):
    # the score after 'Confidence:' was stripped as a word's, so 'confidence', 'intensity', 'score', 'confidence level' and
    # '强度' (intensity) were read as emotion words beside the answer's, and 'sad. Confidence' lost 'sad'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("happy\nConfidence: 90 percent", ["happy"]), ("happy\nIntensity: 8/10 - strong", ["happy"]),
                                           ("开心，强度：8", ["开心"])])
def test_a_field_item_whose_value_begins_with_a_number_gives_no_word_whatever_follows_the_number(answer, words):
    # 'confidence percent', 'intensity' and 'strong' were read as words; after a Chinese comma '强度' (intensity) was
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Happy: 90 percent", ["happy"]), ("Happy: 90 per cent", ["happy"]),
                                           ("sad: 30 Percent, calm: 70 percent", ["sad", "calm"])])
def test_a_words_score_written_as_percent_is_its_score_not_part_of_the_word(answer, words):
    # 'happy percent' was read, as '90%' was not
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Happy: 0.8. Sad: 0.2.", "Happy: 80%. Sad: 20%!", "Happy: 0.8. Sad: 0.2. Reason: she smiles, laughs."])
def test_scored_words_on_one_line_whose_scores_end_in_full_stops_give_each_word(answer):
    # the first two were errors ('Happy. Sad' one unreadable item) and the last gave only 'laughs', a word of the reason
    assert words_from_answer(answer) == (["happy", "sad"], None)


@pytest.mark.parametrize("answer, words", [("Pride: 0.9, Confidence: 0.8", ["pride", "confidence"]),
                                           ("joy: 0.8, confidence: 0.6", ["joy", "confidence"])])
def test_confidence_scored_in_a_line_of_scored_words_is_a_word(answer, words):
    # the field rule took it for the answer's confidence and dropped it, though {"pride": 0.9, "confidence": 0.8} gives both
    # and the wheel has confidence (confident)
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["happy\nConfidence: 0.8", "Emotion: happy, Confidence: 0.8", "Happy: 90%\nConfidence: 80%"])
def test_confidence_scored_beside_words_without_a_score_on_its_line_is_the_answers_confidence(answer):
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer, words", [("Emotions: 1. happy, 2. relieved", ["happy", "relieved"]),
                                           ("Answer: 1. happy 2. relieved", ["happy", "relieved"]),
                                           ("Labels: 1) joy; 2) relief", ["joy", "relief"]), ("Result: 1. happy\n2. relieved", ["happy", "relieved"]),
                                           ("情绪：1. 开心，2. 放松", ["开心", "放松"])])
def test_a_numbered_list_begun_after_a_colon_on_the_same_line_gives_its_first_word(answer, words):
    # its '1' was read as the head's score and stripped with the colon, so 'Emotions. happy' was noise and the first word lost
    # (or, after an answer field, 'Answer: 1. happy' dropped as a field's number and the answer an error)
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Top 3: 1. happy, 2. sad, 3. angry", "Ranking: 1. happy, 2. sad, 3. angry", "Top 3: happy, sad, angry",
                                    "Ranking:\n1. happy\n2. sad\n3. angry"])
def test_a_head_naming_a_ranked_list_is_no_word_and_keeps_the_first_item(answer):
    # 'Top 3: 1. happy, ...' lost happy (an unreadable 'top 3: 1. happy') and 'Ranking: 1. happy, ...' gave 'ranking' as a word
    assert words_from_answer(answer) == (["happy", "sad", "angry"], None)


@pytest.mark.parametrize("answer, words", [("Calm: 1. relaxed posture 2. slow speech", ["calm"]), ("Relief: 1) exhales", ["relief"]),
                                           ("Neutral: 1. no visible expression", ["neutral"]),
                                           ("Sad:\n1) tears in her eyes\n2) slumped posture", ["sad", "slumped posture"])])
def test_a_word_heading_a_numbered_list_of_its_reasons_stays_a_word(answer, words):
    # the ranked list's head rule dropped any first head before '1.' as a lead-in, so the word was lost and its reasons
    # read as the words ('exhales'; 'Neutral: 1. no visible expression' no emotion at all)
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Emotions: happy, sad | Confidence: 0.9", "happy, sad \u2022 Intensity: 7/10 | Confidence: 90%"])
def test_a_field_item_with_a_number_after_a_bar_or_bullet_gives_no_word(answer):
    # a bar or bullet separates items as a comma does, but the field rule looked for its item after a comma, so 'confidence'
    # and 'intensity' were read as emotion words
    assert words_from_answer(answer) == (["happy", "sad"], None)


def test_field_lines_with_numbers_are_no_noise_outweighing_the_word():
    # 'intensity' and 'confidence' were words; read as noise instead, two of them beside one word would make the answer an error
    assert words_from_answer("happy\nIntensity: 0.7\nConfidence: 0.9") == (["happy"], None)


@pytest.mark.parametrize("answer", ["happy\nConfidence: high\nIntensity: high", "happy, Confidence: very high, Intensity: medium"])
def test_field_lines_with_a_level_are_no_noise_outweighing_the_word(answer):
    # read as noise, two of them beside one word made the answer an error, while 'Intensity: 7' beside it gives no noise
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer, words", [("Emotion: happy. Confidence: high.", ["happy"]), ("Mood: low. Energy: high.", ["low"]),
                                           ("Mood - low. Energy - high.", ["low"]), ("Emotion: happy. Reason: she smiles, laughs.", ["happy"]),
                                           ("Primary emotion: happy. Secondary emotion: sad.", ["happy", "sad"]),
                                           ("Emotion: happy and relaxed. Intensity: high.", ["happy", "relaxed"])])
def test_fields_on_one_line_whose_values_end_in_full_stops_give_the_answers_words(answer, words):
    # the full stop did not end a field's item, so the rest was one unreadable item: the first two and the fifth were errors,
    # 'Mood - low. Energy - high.' gave the energy's level high, the reason's case only 'laughs', and the last lost relaxed
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Mood: low, Energy: high.", "Mood: low\nEnergy: high"])
def test_an_energy_field_with_a_level_beside_a_mood_is_no_word(answer):
    # gave 'energy' beside the mood's 'low', as 'Arousal: high' does not
    assert words_from_answer(answer) == (["low"], None)


@pytest.mark.parametrize("answer", ["情绪：开心，强度：高，置信度：高", "开心\n强度：高\n置信度：中等"])
def test_chinese_field_lines_with_a_level_are_no_noise_outweighing_the_word(answer):
    # 强度 (intensity) and 置信度 (confidence) with 高 (high) were read as noise, two of them beside one word an error, while
    # 'Intensity: high, Confidence: high' and '强度：8' beside it gave none
    assert words_from_answer(answer) == (["开心"], None)


def test_a_chinese_field_line_with_a_level_alone_is_an_error_not_a_word():
    words, error = words_from_answer("强度：高")
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("Emotions: mixed (happy and sad)", ["happy", "sad"]),
                                           ("The emotions are complex (anger and guilt).", ["anger", "guilt"])])
def test_the_words_in_brackets_after_a_word_describing_the_emotions_are_the_answers(answer, words):
    # dropped as a remark, they left only the describing word: an error since 'Emotions: mixed' is one (gave 'mixed' before)
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("happy, mixed", ["happy"]), ("happy and very mixed", ["happy"]),
                                           ("Emotions: mixed, happy, sad", ["happy", "sad"])])
def test_mixed_beside_emotion_words_describes_them_and_is_no_word(answer, words):
    # 'mixed' was read as an emotion word beside them, though 'Emotions: mixed' alone was an error
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["mixed", "Mixed.", "very mixed"])
def test_mixed_alone_names_no_emotion_and_is_an_error(answer):
    # gave the word 'mixed', though 'Emotions: mixed' was an error
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("sad, complex, tense", ["sad", "tense"]), ("happy and very complex", ["happy"]),
                                           ("Emotions: diverse, anxious", ["anxious"])])
def test_complex_diverse_or_multifaceted_beside_emotion_words_describes_them_and_is_no_word(answer, words):
    # 'complex' was read as an emotion word beside them, as 'mixed' was
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["complex", "Complex.", "Her emotional state is likely complex and diverse.",
                                    "The emotions are complex and multifaceted"])
def test_complex_alone_or_a_sentence_calling_the_emotions_complex_and_diverse_is_an_error(answer):
    # gave complex (and diverse, multifaceted) as the clip's emotion words, though 'The emotions are complex.' was an error
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("mixed feelings", ["mixed feelings"]), ("happy, mixed emotions", ["happy", "mixed emotions"])])
def test_mixed_feelings_or_mixed_emotions_name_a_state_and_stay_a_word(answer, words):
    # unlike 'mixed' alone: ambivalence is felt, so the judge's phrase is kept for the wheel and the fuser to weigh
    assert words_from_answer(answer) == (words, None)


def test_a_field_line_with_a_number_alone_is_an_error_not_a_word():
    # gave the word 'confidence'
    words, error = words_from_answer("Confidence: 0.9")
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("Mood: happy", ["happy"]), ("Result: sad, tired", ["sad", "tired"]),
                                           ("Sentiment: negative", ["negative"]), ("Primary mood: happy", ["happy"]),
                                           ("Dominant sentiment: negative", ["negative"]), ("Ranking: happy, sad", ["happy", "sad"]),
                                           ("Result:\nsad, tired", ["sad", "tired"]), ("Primary mood:\nhappy", ["happy"])])
def test_the_words_after_a_head_naming_the_answer_are_the_answer(answer, words):
    # 'Mood: happy' was an error; 'Primary mood: happy' gave 'primary mood' beside 'happy'; alone on its line, 'Result:' gave
    # 'result' beside the words
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Happy mood:\nShe smiles and laughs.", ["happy mood"]), ("Bad mood:\nirritated", ["bad mood", "irritated"]),
                                           ("Good mood:\n1. The person smiles.", ["good mood"])])
def test_a_head_over_the_answer_naming_a_mood_is_a_word(answer, words):
    # the rule dropping a head naming the answer alone on its first line ('Primary mood:\nhappy') read 'Happy mood' by its
    # last word, so 'Happy mood:\nShe smiles and laughs.' was an error and 'Bad mood:\nirritated' lost 'bad mood'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Emotion: the person smiles", "Mood: the man is happy", "Intensity: the man is very angry",
                                    "Confidence level: the man is sure"])
def test_a_field_name_explained_on_its_line_is_not_taken_for_a_word(answer):
    # 'Mood: ...', 'Intensity: ...' and 'Confidence level: ...' gave 'mood', 'intensity', 'confidence level' as the emotion words
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["Summary: the person is happy", "Note: The man's facial expressions are neutral.",
                                    "In the video: the man is smiling at the camera",
                                    "Video Description: The video shows a woman in a room.\nFacial expressions: she smiles at "
                                    "the camera.\nBody language: her arms are crossed.\nSubtitle content: she says she is tired."])
def test_a_heading_explained_on_its_line_is_not_taken_for_a_word(answer):
    # a description under headings gave 'summary', 'note', 'in the video', 'video description', 'facial expressions'... as words
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


def test_content_alone_explained_on_its_line_is_the_emotion_word():
    assert words_from_answer("Content: she leans back and smiles.") == (["content"], None)


@pytest.mark.parametrize("answer", ["Their expressions and body movements indicate positive emotions, possibly due to the pleasant "
                                    "atmosphere and shared activity.",
                                    "Secondly, the video clues mention that he feels cold and uncomfortable.",
                                    "In this case, I can predict that the individual is likely experiencing a mixture of emotions."])
def test_a_sentence_opening_with_a_possessive_or_a_discourse_word_gives_no_fragment_as_a_word(answer):
    # these gave 'their expressions', 'shared activity', 'secondly', 'in this case' as emotion words
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("Her happiness is obvious.", ["happiness"]), ("His anger and frustration", ["anger", "frustration"]),
                                           ("The woman's sadness", ["sadness"]), ("The speaker's joy and relief", ["joy", "relief"]),
                                           ("Their joy and relief are evident.", ["joy", "relief"]), ("Her sadness is subtle", ["sadness"])])
def test_a_possessive_opening_the_answer_owns_the_words_it_names(answer, words):
    # these were errors ('unparseable answer'): the possessive made the item a clause
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Her anger, evident", ["anger"]), ("His joy and relief, evident", ["joy", "relief"]),
                                           ("Her anger, very clear", ["anger"]), ("The woman's sadness, palpable.", ["sadness"])])
def test_a_possessive_owning_a_word_then_a_comma_and_a_word_saying_it_shows_gives_the_owned_word(answer, words):
    # 'evident' was read as the emotion word and the owned word lost; 'very clear' was read beside 'anger'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Her anger, strong and clear", ["anger"]), ("Her anger is strong and clear", ["anger"]),
                                           ("His joy and relief, very clear and strong", ["joy", "relief"])])
def test_a_possessive_owning_a_word_then_two_words_saying_it_shows_joined_by_and_gives_the_owned_word(answer, words):
    # an error (no emotion word), though 'Her anger, evident' gave 'anger'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Her anger, strong and sad", ["anger", "sad"]), ("Her anger, strong, sad", ["anger", "sad"]),
                                           ("His joy, clear, and relief", ["joy", "relief"])])
def test_a_possessive_owning_a_word_then_a_word_saying_it_shows_and_another_word_gives_both_words(answer, words):
    # gave the word saying it shows ('strong', 'clear') as an emotion word and lost the owned one ('anger', 'joy')
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Her anger, absent", "Her smile, evident", "The person smiles, evident"])
def test_a_word_describing_the_emotions_beside_a_sentence_is_an_error_not_a_word(answer):
    # 'absent' and 'evident' were taken for the emotion words, though 'Her anger is absent' was an error
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["Her face lights up as she hears the news.", "The person's facial expression and tone of voice",
                                    "Her happiness is evident from her smile.", "His fear is absent.", "It's happy",
                                    "She's happy and relieved"])
def test_a_possessive_before_a_sentence_an_aspect_or_a_doubt_and_a_pronoun_contraction_give_no_fragment_as_a_word(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["His reaction: surprise", "Her attitude: dismissive", "Her reaction", "Her smile", "Her tears",
                                    "Their argument"])
def test_a_possessive_owning_a_reaction_an_attitude_or_what_a_face_does_gives_no_fragment_as_a_word(answer):
    # read as owning words these gave 'reaction' (beside 'surprise'), 'attitude', 'smile', 'tears', 'argument': no feelings
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["Her mood", "His mood", "Her crying", "Their dancing", "Her heart"])
def test_a_possessive_owning_an_activity_or_the_field_the_answer_fills_gives_no_fragment_as_a_word(answer):
    # read as owning words these gave 'mood', 'crying', 'dancing', 'heart' as the clip's emotion words
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("Her longing", ["longing"]), ("His craving and yearning", ["craving", "yearning"]),
                                           ("Her mood: happy", ["happy"])])
def test_a_possessive_owning_a_feeling_that_ends_in_ing_or_a_mood_field_with_its_word_gives_the_word(answer, words):
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Nobody's happy", "Nothing's funny here"])
def test_a_denying_pronouns_contraction_is_no_possessive_and_does_not_say_the_word(answer):
    # "Nobody's happy" gave 'happy', read as a possessive owning the word
    words, _ = words_from_answer(answer)
    assert words == []


@pytest.mark.parametrize("answer, words", [("Happy - everyone smiles", ["happy"]), ("happy, everybody laughs", ["happy"])])
def test_a_clause_whose_subject_is_everyone_is_no_word(answer, words):
    # 'everybody laughs' was a word, as 'she laughs' is not; since the spaced hyphen separates words,
    # "Nobody's calm here - everyone looks embarrassed." gave the word 'everyone looks embarrassed' (an error before)
    assert words_from_answer(answer) == (words, None)


def test_a_clause_after_a_denial_with_everyone_as_its_subject_gives_no_word():
    words, error = words_from_answer("Nobody's calm here - everyone looks embarrassed.")
    assert words == [] and error.startswith("unparseable answer:")


def test_a_dangling_and_at_the_end_is_no_word():
    assert words_from_answer("happy, relieved, and") == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["开心，但是", "开心，而且。", "开心、不過", "开心\n但是"])
def test_a_dangling_chinese_conjunction_is_no_word(answer):
    # gave the conjunction (但是 but, 而且 and also, 不過 however) as a word beside 开心, as 'happy, relieved, and' does not
    assert words_from_answer(answer) == (["开心"], None)


@pytest.mark.parametrize("answer, words", [("happy, maybe", ["happy"]), ("Happy, sad, possibly.", ["happy", "sad"]),
                                           ("happy, perhaps, sad", ["happy", "sad"]), ("开心，可能", ["开心"]), ("开心、也许", ["开心"])])
def test_a_hedge_left_alone_beside_words_is_no_word(answer, words):
    # gave the hedge (maybe, possibly, perhaps, 可能, 也许) as an emotion word beside the answer's
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["maybe", "可能"])
def test_a_hedge_alone_is_an_error_not_a_word(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["The person is happy and relieved.", "She smiles and then feels relieved."])
def test_a_sentence_is_not_read_for_the_half_after_its_and(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["The emotions are happy and relieved.", "The emotions of the main character are happy and relieved.",
                                    "The main emotions expressed in the clip include happy, relieved", "Emotions are happy, relieved",
                                    "The person's feelings are happy and relieved", "The emotional state is one of happy and relieved.",
                                    "The emotion displayed is a mix of happy and relieved."])
def test_a_lead_in_sentence_without_a_colon_gives_the_list_after_it(answer):
    # small models answer so; it was an error ("unparseable answer"), or the word "emotions are happy"
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer, words", [("She feels happy.", ["happy"]), ("He looks angry.", ["angry"]),
                                           ("The person seems happy and a bit nervous.", ["happy", "a bit nervous"]),
                                           ("The person appears happy, maybe a bit nervous.", ["happy", "a bit nervous"]),
                                           ("The young man appears to be nervous and tense.", ["nervous", "tense"]),
                                           ("Emotion: the person seems happy", ["happy"])])
def test_a_person_said_to_feel_seem_look_or_appear_is_a_lead_in_before_words(answer, words):
    # the first ones were errors and 'The person appears happy, maybe a bit nervous.' gave only 'a bit nervous'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("I feel happy, maybe a bit nervous", ["happy", "a bit nervous"]),
                                           ("I feel happy and relieved.", ["happy", "relieved"]), ("I feel sorry, happy", ["sorry", "happy"])])
def test_the_model_saying_i_feel_is_a_lead_in_before_words_as_she_feels_is(answer, words):
    # the first gave only 'a bit nervous': 'I feel happy' was a clause, and the emotion word in it was lost
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("I feel happy now", ["happy"]), ("She feels happy now.", ["happy"]),
                                           ("The person seems calm for now", ["calm"]), ("He looks tense right now", ["tense"]),
                                           ("The emotions are tense and sad at the moment.", ["tense", "sad"])])
def test_a_time_ending_a_lead_ins_list_is_no_part_of_its_last_word(answer, words):
    # they gave 'happy now', 'calm for now', 'tense right now' as words, and the last was an error ('sad at the moment' four words)
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("The person seems sad even now", ["sad"]), ("The person seems calm by now", ["calm"]),
                                           ("The person seems relieved just now", ["relieved"]), ("She seems angry still now", ["angry"]),
                                           ("The person seems happy until now", ["happy"]), ("I feel happy till now", ["happy"]),
                                           ("The person seems happy and relieved just now", ["happy", "relieved"])])
def test_a_time_of_two_words_ending_in_now_is_dropped_whole_not_its_now_alone(answer, words):
    # since a 'now' ending a lead-in's list is dropped (bf3e68c), these gave 'sad even', 'calm by', 'relieved just', 'angry
    # still', 'happy until', 'happy till': a word the answer never wrote; at 67679cf 'sad even now' and so on
    assert words_from_answer(answer) == (words, None)


def test_a_time_ending_a_sentence_with_no_lead_in_keeps_the_sentence_an_error():
    # a time stripped from any list's last item made 'scared' a word and the sentence a list (worried, scared)
    words, error = words_from_answer("It seems that the man is feeling tense, worried, or scared at the moment")
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("I feel unsure, maybe happy", ["happy"]), ("I feel certain, happy", ["happy"]),
                                           ("I feel somewhat uncertain, sad and tired", ["sad", "tired"])])
def test_the_model_saying_how_sure_it_feels_gives_no_word_of_its_own(answer, words):
    # 'I feel' as a lead-in made the model's doubt or certainty an emotion word of the clip: unsure, happy
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("I looked again, sad", ["sad"]), ("I looked carefully, happy", ["happy"])])
def test_the_model_saying_it_looked_gives_no_word_of_its_own(answer, words):
    # 'I looked' as a lead-in made the adverb of the model's looking a word: again, sad
    assert words_from_answer(answer) == (words, None)


def test_a_person_said_to_feel_unsure_still_gives_the_word():
    assert words_from_answer("She feels unsure, maybe happy") == (["unsure", "happy"], None)


@pytest.mark.parametrize("answer", ["I feel like crying.", "I feel that she is happy.", "I feel sorry for him."])
def test_the_model_saying_i_feel_before_a_phrase_is_still_an_error(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("both happy and sad", ["happy", "sad"]), ("Emotions: both happy and sad", ["happy", "sad"]),
                                           ("She feels both happy and sad", ["happy", "sad"]),
                                           ("They seem to be both happy and angry.", ["happy", "angry"]),
                                           ("both very happy and a bit sad", ["very happy", "a bit sad"])])
def test_both_before_words_joined_by_and_is_no_part_of_the_first_word(answer, words):
    # the first ones gave 'both happy' and sad, the subject's sentences were errors ('both' marked a phrase after the lead-in)
    assert words_from_answer(answer) == (words, None)


def test_both_as_the_subject_of_a_sentence_is_not_dropped_as_before_a_word():
    # 'both' before more than one word is a subject ('Both men seem tired'), kept: dropped as before a word, it made the
    # sentence the words 'men seem tired' and bored
    words, error = words_from_answer("Both men seem tired and bored, with their heads down")
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("She looks tired, with weary eyes", ["tired"]), ("Tired, with a frown", ["tired"]),
                                           ("He looks serious, with furrowed eyebrows.", ["serious"]),
                                           ("Calm, with relaxed shoulders", ["calm"])])
def test_a_with_phrase_naming_a_face_or_body_part_after_a_word_describes_it_and_is_no_word(answer, words):
    # they gave the description as a word ('with weary eyes'), and the first lost 'tired'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Surprised, with wide eyes and an open mouth.", ["surprised"]),
                                           ("She appears to be angry or agitated, with furrowed brows and a tense posture",
                                            ["angry", "agitated"])])
def test_a_face_or_body_part_joined_to_a_with_phrase_describes_the_word_too_and_is_no_word(answer, words):
    # the part after 'and' was read as a word ('an open mouth'), and in the second it outweighed the words, so only 'a tense
    # posture' was read
    assert words_from_answer(answer) == (words, None)


def test_a_feeling_joined_to_a_with_phrase_is_still_a_word():
    assert words_from_answer("happy, with a smile and joy") == (["happy", "joy"], None)


def test_a_long_with_phrase_describing_a_face_is_still_noise_in_a_sentence():
    words, error = words_from_answer("In the video, a woman is sitting on a couch, with a neutral expression on her face")
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["He looks at her.", "She feels like crying.", "He appears to be a doctor.",
                                    "They seem to be having a conversation.", "He seems calm and looks at the ground."])
def test_a_person_said_to_feel_seem_look_or_appear_before_a_phrase_is_still_an_error(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["The emotion is hard to read.", "The emotion is anger, as shown by his frown and raised voice.",
                                    "The emotion is that of a person who has lost something"])
def test_a_lead_in_sentence_followed_by_no_plain_list_is_still_an_error(answer):
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["The emotion is difficult to determine.", "The emotions are difficult to read.",
                                    "The emotion is impossible to tell.", "The emotions which are shown are happy and sad.",
                                    "The emotion that is shown is happy."])
def test_a_lead_in_sentence_does_not_make_a_non_answer_or_a_clause_a_word(answer):
    # they gave the words 'difficult to determine', 'shown are happy', 'shown is happy': junk where the answer was an error
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["In summary: happy, relieved", "I think: happy, relieved", "I'd say happy, relieved",
                                    "Here you go: happy, relieved", "In conclusion, the emotions are happy and relieved.",
                                    "Overall, happy and relieved"])
def test_a_discourse_opener_before_the_answer_is_no_word_and_takes_none_with_it(answer):
    # the first word was silently lost with the opener ('in summary: happy'), or the opener was a word ('in conclusion')
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["Based on the video: happy, relieved", "Based on the clip, happy and relieved",
                                    "根据视频：happy, relieved", "根据视频，情绪：happy, relieved"])
def test_based_on_the_video_before_its_comma_or_colon_is_an_opener(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["Based on the information provided, I cannot confidently determine the exact emotion, but she "
                                    "appears to be happy, smiling, and content.",
                                    "Based on the video, the person in it is feeling upset. Their facial expression, body language, "
                                    "and the subtitle content suggest that they are sad and uncomfortable."])
def test_an_opener_before_a_sentence_leaves_it_a_sentence_not_a_list(answer):
    # these gave 'provided', 'smiling', 'content' and 'body language', 'uncomfortable': dropping the opener had left one
    # non-word fewer than the sentence's stray words
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["Primary emotion: happy; secondary emotion: relieved", "Main emotion: happy\nOther emotions: relieved",
                                    "Primary: happy\nSecondary: relieved", "Final: happy, relieved"])
def test_a_field_name_opening_each_item_is_dropped_not_its_word(answer):
    # 'relieved' was silently lost, or the answer an error
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["The emotions are complex.", "Emotions are subjective.", "The feeling of joy is evident.",
                                    "The emotions are strong and clear.", "The emotion is mixed."])
def test_a_lead_in_sentence_describing_the_emotions_without_naming_one_is_an_error_not_a_word(answer):
    # 'complex', 'evident', 'strong' were taken for the clip's emotion words
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["Emotions: mixed", "Emotions: complex", "Feelings: strong and clear", "Emotions - mixed",
                                    "Emotions\nmixed"])
def test_a_lead_in_with_a_colon_describing_the_emotions_without_naming_one_is_an_error_not_a_word(answer):
    # 'mixed', 'complex', 'strong', 'clear' were taken for the clip's emotion words, though 'The emotions are mixed.' was an error
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer", ["The emotion is probably happy or relieved.", "The emotions are most likely happy and relieved.",
                                    "The emotion is either happy or relieved.", "happy, but mostly relieved",
                                    "The emotions are of happy and relieved.", "a sense of happy, a feeling of relieved"])
def test_a_hedge_before_a_word_is_not_part_of_the_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["happy, maybe a hint of relieved", "a touch of happy, a tinge of relieved",
                                    "a mix of happy and relieved", "a mixture of happy and relieved", "seems happy, looks relieved",
                                    "not sad, rather happy; relieved"])
def test_a_hint_a_mix_or_a_seeming_before_a_word_is_not_part_of_the_word(answer):
    # 'a hint of ...', 'a mix of ...' were four words, so an error or a word silently lost; 'rather happy', 'seems happy' kept
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer, words", [("Not sad - just tired", ["tired"]), ("No anger, only relief", ["relief"]),
                                           ("Calm - though not relieved", ["calm"]), ("Calm, although a bit tense", ["calm", "a bit tense"])])
def test_just_only_and_though_before_a_word_are_not_part_of_it(answer, words):
    # 'just tired', 'only relief' and 'though not relieved' were the words (the last one the emotion said absent), and
    # 'although a bit tense' four words, silently dropped; with the spaced hyphen separating words these shapes became common
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["A mix of emotions.", "a mixture of feelings", "a combination of emotions"])
def test_a_mix_of_emotions_names_no_emotion_and_is_an_error(answer):
    # the hedge left 'emotions' (or 'feelings'), taken for the clip's emotion word
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


def test_an_intensity_before_a_word_does_not_make_it_too_long_to_be_a_word():
    # 'a little bit nervous' was four words, silently dropped from the list
    assert words_from_answer("happy, and a little bit nervous") == (["happy", "a little bit nervous"], None)


@pytest.mark.parametrize("answer", ["happy yet relieved", "The emotions are happy and relieved, respectively.",
                                    "happy, relieved, and many more", "happy, relieved and so forth", "happy, relieved, and others"])
def test_yet_joins_two_words_and_list_endings_are_no_words(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["The emotion is none.", "The emotion is N/A."])
def test_a_lead_in_sentence_before_none_is_no_emotion(answer):
    assert words_from_answer(answer) == ([], None)


def test_a_lead_in_sentence_denying_every_emotion_is_no_emotion():
    assert words_from_answer("The emotions are neither happy nor sad.") == ([], None)


@pytest.mark.parametrize("answer", ["1. happy 2. relieved", "happy | relieved", "happy|relieved", "happy + relieved",
                                    "happy 😊, relieved", "happy 😊 relieved 😌", "😊 happy, relieved 👍🏽",
                                    "happy 👍🏿 relieved"])
def test_other_separators_and_emoji_beside_the_words_lose_no_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)



@pytest.mark.parametrize("answer", ["happy, relieved…", "happy and/or relieved", "happy → relieved", "happy -> relieved",
                                    "Emotions -> happy, relieved", "Emotions — happy, relieved", "Emotions - happy, relieved",
                                    "Emotions = happy, relieved"])
def test_an_ellipsis_and_or_arrows_and_a_lead_in_ending_in_a_dash_lose_no_word_and_add_none(answer):
    # 'happy…' was an error, 'happy and' a word, arrows an error, and these lead-ins lost 'happy' or gave 'emotions'
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["Emotions: (happy, relieved)", "Answer: (happy, relieved)", "(happy), (relieved)", "happy, (relieved)"])
def test_a_bracketed_list_or_word_after_a_colon_or_comma_is_the_answer_not_a_remark(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["happy, relieved, and so on", "happy, relieved and so on", "happy, relieved, so on"])
def test_and_so_on_after_the_list_gives_no_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["not only happy but also relieved", "not just happy, but relieved", "no doubt happy, relieved",
                                    "not simply happy but relieved"])
def test_not_only_and_no_doubt_affirm_the_word_they_do_not_deny_it(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["without a doubt happy, relieved", "without any doubt happy, relieved", "without doubt happy, relieved"])
def test_without_a_doubt_affirms_the_word_as_no_doubt_does(answer):
    # 'happy' was read as denied: only 'relieved'
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer, expected", [("没有情绪", ([], None)), ("无明显情绪。", ([], None)), ("情绪：无", ([], None)),
                                              ("开心，没有愤怒", (["开心"], None)), ("无奈、无聊", (["无奈", "无聊"], None))])
def test_a_chinese_denial_is_no_word_but_chinese_words_beginning_with_wu_are_kept(answer, expected):
    assert words_from_answer(answer) == expected


@pytest.mark.parametrize("answer, words", [("平静：其他情绪不明显", ["平静"]), ("平静，其他情绪不明显", ["平静"]),
                                           ("開心：其他情緒不明顯", ["開心"]), ("开心：愤怒不明显", ["开心"])])
def test_a_chinese_item_saying_emotions_are_not_evident_denies_them_and_is_no_word(answer, words):
    # '其他情绪不明显' (other emotions not evident) was read as an emotion word beside the answer's
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["情绪不明显", "情绪：不明显", "情緒：不明顯。"])
def test_a_chinese_answer_saying_only_that_the_emotion_is_not_evident_is_no_emotion(answer):
    # gave the word 情绪不明显 (emotion not evident), which English reads as 'no clear emotion' does: none; with a colon
    # (emotion: not evident) the word 不明显
    assert words_from_answer(answer) == ([], None)


def test_a_chinese_emotion_field_not_evident_beside_the_answers_field_is_no_word():
    # gave 开心 and the word 不明显 (other emotions: not evident)
    assert words_from_answer("主要情绪：开心，其他情绪：不明显") == (["开心"], None)


@pytest.mark.parametrize("answer, words", [("开心但不明显", ["开心"]), ("有点紧张但不太明显", ["有点紧张"]),
                                           ("开心，但不明显", ["开心"]), ("惊讶，但並不明顯", ["惊讶"]), ("开心 但不明显", ["开心"]),
                                           ("开心。但不明显", ["开心"]), ("开心，不明显", ["开心"])])
def test_a_chinese_word_felt_but_not_evident_is_the_word_not_a_denial(answer, words):
    # '开心但不明显' (happy but not evident) was read as a denial, 'no emotion', once '...不明显' denied; with a comma the
    # '不明显' after 但 (or alone) was a word beside 开心, as English 'happy but not obvious' gives happy
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, expected", [("情緒：開心，興奮", ["開心", "興奮"]), ("開心與興奮", ["開心", "興奮"]),
                                              ("答案：开心、兴奋", ["开心", "兴奋"]), ("开心和兴奋", ["开心", "兴奋"]),
                                              ("开心，但兴奋", ["开心", "兴奋"]), ("可能是开心，也许兴奋", ["开心", "兴奋"]),
                                              ("情绪是开心和兴奋", ["开心", "兴奋"])])
def test_a_chinese_answer_traditional_or_joined_with_and_but_or_a_hedge_keeps_each_word_alone(answer, expected):
    # '情緒：開心' was dropped (a traditional lead-in), '答案：' made an error, '开心和兴奋', '但兴奋', '可能是开心' were one word each
    assert words_from_answer(answer) == (expected, None)


@pytest.mark.parametrize("answer, expected", [("沒有情緒", []), ("無明顯情緒", []), ("開心，沒有憤怒", ["開心"]),
                                              ("没有愤怒或悲伤，开心", ["开心"]), ("平和、心平气和", ["平和", "心平气和"])])
def test_a_traditional_chinese_denial_and_a_denial_over_or_are_no_words_and_words_holding_he_stay_whole(answer, expected):
    assert words_from_answer(answer) == (expected, None)


@pytest.mark.parametrize("answer", ["心态平和乐观", "比较温和友善", "很平和开心", "不可或缺的快乐", "一团和气的样子", "开心或许紧张", "宽和友善", "积极参与其中",
                                    "来不及反应"])
def test_a_chinese_joiner_that_is_part_of_a_word_does_not_split_the_answer(answer):
    # 平和, 温和, 一团和气, 不可或缺, 或许 were cut in two: '心态平', '比较温', '很平', '不可', '许紧张' became words
    # (宽和, 参与, 来不及: a mutant splitting them, '宽', '积极参', '来不', survived the tests)
    assert words_from_answer(answer) == ([answer], None)


@pytest.mark.parametrize("answer", ["无法判断情绪", "無法判斷", "难以判断", "这个人看起来很开心。"])
def test_a_chinese_cannot_judge_or_sentence_is_an_error_not_a_word(answer):
    # these were each taken for one emotion word
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer")


def test_a_chinese_sentence_with_a_compatibility_ideograph_is_an_error_as_with_the_unified_one():
    # U+F967 is 不 as a Korean encoding gives it, a Chinese character as the text-lexicon judge counts it: this nine-character
    # sentence was taken for one emotion word, while the same sentence with U+4E0D is an error
    words, error = words_from_answer("这个人看起来\uf967开心")
    assert words == [] and error.startswith("unparseable answer")


def test_a_chinese_cannot_judge_is_a_non_answer():
    words, error = words_from_answer("无法判断")
    assert words == [] and error.startswith("unparseable answer")


@pytest.mark.parametrize("answer", ["The emotions expressed are: happy, relieved", "The words that best describe it are: happy, relieved",
                                    "happy: 0.9, relieved: 0.1", "happy=70%, relieved=30%", "Emotion 1: happy\nEmotion 2: relieved",
                                    "happy — relieved", "happy • relieved", "happy · relieved",
                                    "Word 1: happy\nWord 2: relieved"])
def test_longer_lead_ins_scores_item_labels_dashes_and_bullets_lose_no_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer, words", [("Fear - eyes wide, stepping back", ["fear"]), ("Joy - laughing openly", ["joy"]),
                                           ("- Proud - Chin up, chest out.\n- Worried - Brows knitted together.", ["proud", "worried"]),
                                           ("Fear: eyes wide, stepping back", ["fear"])])
def test_a_word_explained_by_what_a_face_or_body_does_without_a_pronoun_gives_only_the_word(answer, words):
    # since the spaced hyphen separates words these gave 'eyes wide', 'stepping back', 'laughing openly', 'chin up', 'chest
    # out', 'brows knitted together' as emotion words (errors before), as the colon already did ('Fear: eyes wide, ...')
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Surprise - shock", ["surprise", "shock"]), ("surprise – shock", ["surprise", "shock"]),
                                           ("Surprise -- shock", ["surprise", "shock"]),
                                           ("happy - relieved - calm", ["happy", "relieved", "calm"]),
                                           ("light-hearted - self-conscious", ["light-hearted", "self-conscious"])])
def test_a_spaced_hyphen_between_words_separates_them_as_a_spaced_dash_does_and_a_hyphen_inside_a_word_does_not(answer, words):
    # 'Surprise - shock' was an error ('unparseable answer') while 'surprise – shock' (en dash) gave both words
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("Anxious：紧张", ["anxious", "紧张"]), ("Emotions: 开心：高兴", ["开心", "高兴"]),
                                           ("紧张：焦虑，不安", ["紧张", "焦虑", "不安"]), ("情绪：开心", ["开心"]),
                                           ("Happy：the person smiles", ["happy"]), ("Happy：yes，Sad：no", ["happy"])])
def test_a_full_width_colon_reads_as_an_ascii_colon(answer, words):
    # the full-width colon (U+FF1A) was not split as ':' is: 'Anxious：紧张' and 'Emotions: 开心：高兴' were errors, and
    # '紧张：焦虑，不安' gave only '不安'
    assert words_from_answer(answer) == (words, None)
    assert words_from_answer(answer.replace("：", ": ")) == (words, None)


@pytest.mark.parametrize("answer, words", [("情绪：开心\n原因：她在笑", ["开心"]), ("开心、兴奋\n注：仅供参考", ["开心", "兴奋"]),
                                           ("开心\n说明：人物面带微笑", ["开心"]), ("主要情绪：开心\n次要情绪：紧张", ["开心", "紧张"])])
def test_a_chinese_explanation_line_or_field_name_before_a_full_width_colon_gives_no_word(answer, words):
    # read as ':' the full-width colon made the head and its explanation words: '情绪：开心\n原因：她在笑' (reason: she laughs)
    # gave 开心, 原因, 她在笑 where it gave 开心, and '次要情绪' (secondary emotion) became a word
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("情绪判断：开心", ["开心"]), ("情绪状态：开心", ["开心"]), ("情绪识别结果：开心", ["开心"]),
                                           ("情感状态：平静，放松", ["平静", "放松"])])
def test_a_chinese_field_naming_the_emotion_state_or_judgement_before_a_full_width_colon_is_no_word(answer, words):
    # once the full-width colon read as ':', '情绪判断' (emotion judgement), '情绪状态' (emotional state) and '情绪识别结果'
    # (recognition result) became words beside the answer (they were errors before)
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("开心：她在笑", ["开心"]), ("开心：因为她在笑", ["开心"]), ("Happy：她在笑", ["happy"]),
                                           ("开心：是", ["开心"]), ("开心：高", ["开心"]), ("紧张：有点", ["紧张"]), ("难过：否", []),
                                           ("紧张：没有", []), ("难过：无", []), ("总结：开心", ["开心"]), ("我认为：开心和兴奋", ["开心", "兴奋"]),
                                           ("中文：开心；English：happy", ["开心", "happy"]), ("我觉得：开心", ["开心"]),
                                           ("难过：因为失败", ["难过"])])
def test_a_chinese_checklist_value_explanation_or_lead_in_around_a_full_width_colon_is_no_word(answer, words):
    # these gave the value, the clause or the lead-in as a word ('开心：是' gave 开心, 是 (yes); '难过：否' gave 难过, 否, the
    # emotion said absent; '开心：她在笑' gave 她在笑 (she laughs)), as 'Happy: yes', 'Sad: no', 'Happy: she laughs' do not
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("1. 兴奋：声音很高\n2. 悲伤：眼神低垂", ["兴奋", "悲伤"]), ("疑惑：皱着眉头", ["疑惑"]),
                                           ("失望：叹了口气", ["失望"]), ("紧张：手在发抖", ["紧张"]), ("开心 - 面带微笑", ["开心"]),
                                           ("平静：沉着冷静", ["平静", "沉着冷静"]), ("冷漠：不在乎", ["冷漠", "不在乎"]),
                                           ("说不出的难过：她哭了", ["说不出的难过"])])
def test_a_chinese_explanation_naming_a_face_voice_or_body_or_with_a_verbs_aspect_after_a_word_is_no_word(answer, words):
    # once the full-width colon read as ':', these gave the explanation as a word ('声音很高' her voice is high, '眼神低垂'
    # eyes cast down, '皱着眉头' frowning, '叹了口气' sighed, '手在发抖' hands shaking; they were errors before); words holding
    # 着, 在 (沉着 calm, 不在乎 indifferent) are still words
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["面部表情：微笑", "情绪强度：高", "视频描述：一个人在笑", "男：愤怒，女：难过", "她说：我很开心",
                                    "语气：平静"])
def test_a_chinese_field_or_heading_before_a_full_width_colon_is_not_taken_for_a_word(answer):
    # each gave its head as a word ('面部表情' facial expression, '情绪强度' emotion intensity, '男' man, '她说' she says), as
    # 'Facial expression: smiling' and 'Intensity: high' do not
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("霸道：蛮横", ["霸道", "蛮横"]), ("厚道：友善", ["厚道", "友善"]), ("人道：善良", ["人道", "善良"]),
                                           ("不公道：愤怒", ["不公道", "愤怒"])])
def test_a_chinese_word_ending_in_dao_before_a_full_width_colon_is_a_word_not_a_speakers_says(answer, words):
    # an error: a head ending in 道 was read as 'says' (她笑道 she says laughing), though 霸道 (domineering) and 厚道 (kind)
    # are words, read with the words after them as 'Anxious: nervous' is
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["她笑道：我很开心", "他道：我很开心", "字幕写道：我好开心", "她低声道：我很害怕", "他怒道：滚开",
                                    "她冷冷道：随便你", "男子道：太好了", "主持人道：欢迎", "女子笑着道：好的", "她冷冷地道：走开"])
def test_a_chinese_speaker_or_verb_of_speaking_before_dao_is_a_speakers_words_not_a_word(answer):
    # 字幕写道 (the subtitle writes), 低声道 (says softly), 怒道 (says angrily), 她冷冷道 (she says coldly), 男子道 (the man says),
    # 主持人道 (the host says) and 女子笑着道 (the woman says laughing) gave their head as a word once 道 read as 'says' only
    # after a pronoun or a verb of speaking
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("Happy - yes", ["happy"]), ("Happy - high\nSad - low", ["happy", "sad"]), ("Happy - obvious", ["happy"]),
                                           ("开心 - 她在笑", ["开心"]), ("Angry - absent", []),
                                           ("Sad - not at all", []), ("Sad - not present", []), ("Mood - happy", ["happy"]),
                                           ("Primary emotion - happy\nSecondary emotion - relieved", ["happy", "relieved"]),
                                           ("Emotion words - joy, relief; reason - she smiles", ["joy", "relief"]),
                                           ("happy, sad\n\nNote - based on facial cues only.", ["happy", "sad"])])
def test_a_spaced_hyphen_after_a_field_or_heading_or_before_a_checklist_value_reads_as_a_colon(answer, words):
    # read as a separator the hyphen made the value or head a word: 'Happy - yes' gave happy, yes; 'Angry - absent' gave
    # angry, absent (the emotion said absent); 'Mood - happy' gave mood; a reason or note after the list added 'reason', 'note'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("The boy's mood - happiness", ["happiness"]), ("The old man's mood - anger", ["anger"])])
def test_a_spaced_hyphen_after_a_possessive_and_a_field_reads_as_a_colon(answer, words):
    # 'The boy's mood - happiness' gave mood, happiness: with the possessive the head was too long to be read as 'mood'
    # ('The boy's mood: happiness' gives happiness)
    assert words_from_answer(answer) == (words, None)


def test_a_spaced_hyphen_after_a_possessive_and_a_heading_reads_as_a_colon():
    words, error = words_from_answer("The man's face - smiling")  # as "Facial expression - smiling": no word
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("Happy — yes", ["happy"]), ("Happy – yes\nSad – no", ["happy"]),
                                           ("Mood — happy", ["happy"]), ("Angry – absent", []), ("开心 — 她在笑", ["开心"]),
                                           ("Surprise — shock", ["surprise", "shock"])])
def test_a_spaced_en_or_em_dash_after_a_field_or_before_a_checklist_value_reads_as_a_colon_as_a_spaced_hyphen_does(answer, words):
    # 'Happy — yes' gave happy, yes; 'Sad – no' gave sad (the emotion said absent); 'Mood — happy' gave mood; 'Angry –
    # absent' gave angry, absent, where the same with a spaced hyphen gives happy; happy; happy; no word
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["Intensity - high", "Confidence - high", "Facial expression - smiling"])
def test_a_field_name_or_heading_before_a_spaced_hyphen_is_not_taken_for_a_word(answer):
    # each gave its head and value as words ('intensity', 'high'), as 'Intensity: high' does not
    words, error = words_from_answer(answer)
    assert words == [] and error.startswith("unparseable answer:")


@pytest.mark.parametrize("answer, words", [("happy" + "\n" * 1500 + "sad", ["happy", "sad"]), ("Her joy" + " " * 20_000 + "is obvious", ["joy"])])
def test_a_long_run_of_white_space_reads_as_one_and_is_read_at_once(answer, words):
    # 1,500 blank lines took 46 s (the explanation rule's line start is cubic in a run), 20,000 spaces 11 s (every
    # "\s+word" rule is quadratic in one); a broken model's 100 KB of them never finished
    start = time.perf_counter()
    assert words_from_answer(answer) == (words, None)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("separator", ["\n", "\t"])
def test_many_field_lines_with_numbers_are_read_at_once(separator):
    # each dropped field left its separator, a run the white-space rules are quadratic in, made after runs were collapsed:
    # 10,000 lines of 'Confidence: 0.9' (160 KB, a model repeating itself) took 2.5 s
    start = time.perf_counter()
    assert words_from_answer("happy" + separator + separator.join(["Confidence: 0.9"] * 10_000)) == (["happy"], None)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("answer", ["Happy: the " + ". " * 10_000 + "end", "Happy: the " + "!" * 20_000 + " end"])
def test_a_long_run_of_dots_or_bangs_explaining_a_word_is_read_at_once(answer):
    # the one-line checklist rule's lazy value before its "[ .!]*" was quadratic in such a run: 20,000 of them took 2 s,
    # 100,000 50 s (a broken model's repeated punctuation)
    start = time.perf_counter()
    assert words_from_answer(answer) == (["happy"], None)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("answer, words", [("happy\t\tsad", ["happy", "sad"]), ("happy \tsad", ["happy", "sad"]),
                                           ("开心\t\t兴奋", ["开心", "兴奋"]), ("happy" + "\t" * 20_000 + "sad", ["happy", "sad"])])
def test_a_run_of_white_space_holding_a_tab_separates_words_as_one_tab_does(answer, words):
    # read as one space, the run merged the words a tab separates: 'happy\t\tsad' gave the one word 'happy sad' where
    # 'happy\tsad' gives happy, sad (and did before runs of white space were collapsed)
    assert words_from_answer(answer) == (words, None)


def test_an_empty_list_after_a_lead_in_is_no_emotion_though_it_holds_a_space():
    assert words_from_answer("Emotions: [ ]") == ([], None)


def test_a_chinese_item_as_long_as_the_limit_is_still_a_word():
    answer = "又开心又有点紧张"
    assert len(answer) == MAX_HAN_PER_LABEL
    assert words_from_answer(answer) == ([answer], None)


@pytest.mark.parametrize("answer", ["not only happy or relieved", "no doubt happy or relieved"])
def test_an_or_after_not_only_or_no_doubt_carries_no_denial_on_to_the_next_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


def test_an_answer_cut_off_after_a_closing_bracket_keeps_its_last_item():
    assert without_unfinished_word("happy, relieved (mostly)") == "happy, relieved (mostly)"


def test_an_answer_cut_off_in_a_list_of_one_word_a_line_loses_only_its_last_line():
    assert without_unfinished_word("happy\nrelieved\nexci") == "happy\nrelieved\n"


def test_a_description_cut_off_at_the_token_limit_keeps_its_last_word():
    verdict = verdict_from_answer("j", "c", "She smiles, then", "describe", token_limit="max_tokens=8", cut=True)
    assert (verdict.description, verdict.error) == ("She smiles, then", None)


def test_an_explanation_under_a_markdown_heading_after_the_answer_gives_no_words():
    answer = "happy, relieved\n### Reasoning: the man smiles and then he cries"
    assert words_from_answer(answer) == (["happy", "relieved"], None)


def test_a_word_then_a_spaced_hyphen_and_a_denied_word_gives_the_word_not_its_denial():
    assert words_from_answer("Calm - not angry") == (["calm"], None)


def test_not_yet_before_a_word_denies_it_and_is_no_joiner():
    assert words_from_answer("calm, not yet angry") == (["calm"], None)


def test_a_json_object_without_a_key_naming_the_answer_gives_all_its_strings_a_type_key_included():
    assert words_from_answer('{"type": "joy", "mood": "relieved"}') == (["joy", "relieved"], None)


def test_a_json_items_name_key_comes_before_its_value_key_whichever_is_written_first():
    assert words_from_answer('{"emotions": [{"value": "happy", "name": "joy"}]}') == (["joy"], None)


def test_a_json_presence_key_set_to_null_does_not_say_the_emotion_is_absent():
    assert words_from_answer('{"emotion": "sad", "present": null}') == (["sad"], None)


def test_brackets_nested_too_deep_for_a_json_reader_are_an_unparseable_answer_not_a_crash():
    words, error = words_from_answer("[" * 100_000)
    assert words == [] and error.startswith("unparseable answer")


@pytest.mark.parametrize("answer, words", [("这个人的情绪是开心", ["开心"]), ("视频中人物的情绪是开心和兴奋", ["开心", "兴奋"]),
                                           ("情绪主要是开心", ["开心"])])
def test_a_chinese_lead_in_naming_whose_emotion_it_is_gives_the_list_after_it(answer, words):
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [('{"primary": "happy", "secondary": "relieved", "confidence": "high"}', ["happy", "relieved"]),
                                           ('{"main": "happy", "intensity": "strong"}', ["happy"])])
def test_a_json_object_whose_keys_rank_the_emotions_gives_only_their_words_not_its_levels(answer, words):
    # with no key naming the answer beside them, every string was a word: 'high', 'strong'
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer, words", [("The emotion is Anna's sadness.", ["sadness"]),
                                           ("The emotions are John's joy and relief", ["joy", "relief"]),
                                           ("The emotions are her happiness and relief", ["happiness", "relief"])])
def test_a_possessive_after_a_lead_in_sentence_owns_the_words_it_names_as_it_does_opening_the_answer(answer, words):
    # the possessive was kept in the word ("anna's sadness", "john's joy") or made the answer an error
    assert words_from_answer(answer) == (words, None)


@pytest.mark.parametrize("answer", ["happy, relieved\nAccuracy: high", "happy, relieved\nRating: high"])
def test_a_field_line_after_the_answer_with_a_level_for_its_value_gives_no_word(answer):
    assert words_from_answer(answer) == (["happy", "relieved"], None)


@pytest.mark.parametrize("answer", ["happy\nIntensity:\nhigh", "happy\nConfidence:\n0.9", "happy\nIntensity level:\n8/10"])
def test_a_field_head_alone_on_its_line_with_its_value_on_the_next_gives_no_word(answer):
    # they gave the head and the level as words ('intensity', 'high'), though 'Intensity: high' on one line gives none
    assert words_from_answer(answer) == (["happy"], None)


@pytest.mark.parametrize("answer", ["Ranked by intensity:\n1. happy\n2. sad", "By confidence:\n1) happy\n2) sad",
                                    "强度：\n1. 开心\n2. 难过"])
def test_a_field_head_over_a_numbered_list_keeps_the_lists_first_word(answer):
    # the head and '1. happy' were read as one field line with a number for its value, so the first (strongest) word was lost
    words = words_from_answer(answer)[0]
    assert words[-2:] in (["happy", "sad"], ["开心", "难过"])


@pytest.mark.parametrize("answer", ["Intensity:\n8 - anger\n3 - sadness", "Confidence:\n0.9 - anger\n0.1 - sadness"])
def test_a_field_head_over_words_scored_with_a_dash_keeps_the_first_word(answer):
    # the head and '8 - anger' were read as one field line with a number for its value, so anger was lost
    assert words_from_answer(answer)[0][-2:] == ["anger", "sadness"]


@pytest.mark.parametrize("answer", ["happy\nIntensity:\n7 - moderate", "happy\nIntensity:\n8/10 - strong"])
def test_a_field_head_alone_on_its_line_over_a_score_and_a_level_gives_no_word(answer):
    assert words_from_answer(answer) == (["happy"], None)


def test_a_field_head_alone_on_its_line_over_only_its_value_is_an_error_as_on_one_line():
    assert words_from_answer("Intensity:\nhigh")[1].startswith("unparseable answer:")


def test_too_before_a_feeling_of_three_words_is_its_intensity_not_a_fourth_word():
    assert words_from_answer("sad, too tired to care") == (["sad", "too tired to care"], None)


def test_inline_numbering_past_nine_separates_the_words_as_below_ten():
    answer = "1. happy 2. sad 3. tired 4. calm 5. bored 6. angry 7. proud 8. shy 9. glad 10. relieved"
    assert words_from_answer(answer)[0][-2:] == ["glad", "relieved"]


def test_a_lead_in_ending_in_a_spaced_en_dash_is_dropped_not_counted_as_noise():
    assert words_from_answer("The emotions – happy, she smiles") == (["happy"], None)


def test_a_json_key_of_only_a_qualifier_beside_the_key_naming_the_answer_holds_no_words():
    assert words_from_answer('{"emotion": "happy", "overall": "positive"}') == (["happy"], None)


@pytest.mark.parametrize("answer", ["- 1. happy\n- 2. sad", "* 1) happy\n* 2) sad", "  - 1. happy\n  - 2. sad", "- (1) happy\n- (2) sad",
                                    "- ① happy\n- ② sad", "Emotions:\n- 1. happy\n- 2. sad"])
def test_a_numbered_list_with_a_bullet_before_each_number_gives_every_item(answer):
    # it gave ['sad'] alone: the bullet and the number together lost every item but the last
    assert words_from_answer(answer) == (["happy", "sad"], None)


def test_a_bulleted_line_that_starts_with_a_number_but_names_no_item_stays_unread():
    # the bullet is dropped only before an item's number and a word: '- 1.5 points' is no list item
    assert words_from_answer("- 1.5 points")[0] == []


@pytest.mark.parametrize("answer", ["* 1. *Happy*\n* 2. Sad", "* 1. happy\n* 2. *sad*", "* 1) [happy]\n* 2) sad", "- 1. `happy`\n- 2. sad"])
def test_a_bulleted_numbered_list_with_an_item_in_emphasis_quotes_or_brackets_gives_every_item(answer):
    # that item kept its bullet, the others lost theirs, and it was lost: ['sad'], ['happy'] (an error before bullets were dropped)
    assert words_from_answer(answer) == (["happy", "sad"], None)


@pytest.mark.parametrize("answer, words", [("情绪：①开心②难过\n强度：③", ["开心", "难过"]), ("①开心\n②难过\n置信度：⑧", ["开心", "难过"]),
                                           ("① happy, intensity: ⑤\n② sad, intensity: ③", ["happy", "sad"])])
def test_a_one_character_number_after_a_colon_in_a_numbered_list_is_a_value_not_dropped(answer, words):
    # dropped as a last item's number, it left its field's name a word ('强度', 'intensity')
    assert words_from_answer(answer) == (words, None)
