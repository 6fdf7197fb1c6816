"""A JSON answer's emotion words: what a chat model in JSON mode (or writing a Python dict) answers, read as a list.

Keys name fields, not emotions; an object's keys that name the answer (``emotion``, ``primary_emotion``, ``情绪``) say
which values are words, and an object of only scores or only flags has its keys for words.

    >>> json_answer_text('{"emotion": "happy", "confidence": "high", "reason": "she smiles"}')
    'happy'
    >>> json_answer_text('[{"label": "happy", "score": 0.9}, {"label": "sad", "score": 0.1}]')
    'happy, sad'
"""
from __future__ import annotations

import ast
import json
import numbers
import re
from collections.abc import Callable

__all__ = ["json_answer_text"]

_JSON_KEY = re.compile(r'"[^"\n]*"\s*:')
_QUOTE = re.compile(r'(?<!\\)"')
# JSON keys naming the answer ("emotion", "emotions", "primary_emotion", "detectedLabels", "emotional_state", "情绪"): a
# word naming the answer, with only ranks and qualifiers beside it, not a property of the answer ("emotion_intensity",
# "label_confidence"); and a key naming only a rank ("primary", "second", "other"): in an object holding either, the other
# keys ("confidence", "reason") hold no words.
_ANSWER_KEY_WORDS = frozenset({"emotion", "emotions", "emotional", "label", "labels", "word", "words", "answer", "answers",
                               "feeling", "feelings", "output", "outputs", "result", "results"})
_RANK_KEY_WORDS = frozenset({"primary", "secondary", "tertiary", "first", "second", "third", "main", "dominant", "other",
                             "additional"})
_QUALIFIER_KEY_WORDS = frozenset({"detected", "identified", "recognized", "recognised", "predicted", "observed", "expressed",
                                  "perceived", "present", "final", "overall", "top", "key", "core", "likely", "possible",
                                  "underlying", "list", "state", "states"})
# 情绪 / 情緒 / 情感 (emotion), 答案 (answer), 标签 / 標籤 (label), after 主要 / 次要 / 其他 (main, secondary, other), before 词 / 列表
# (words, list); not 情绪强度 (emotion intensity).
_ANSWER_KEY_ZH = re.compile("(?:\u4e3b\u8981|\u6b21\u8981|\u5176\u4ed6|\u5176\u5b83)?"
                            "(?:\u60c5\u7eea|\u60c5\u7dd2|\u60c5\u611f|\u7b54\u6848|\u6807\u7b7e|\u6a19\u7c64)"
                            "(?:\u8bcd|\u8a5e|\u5217\u8868)?")
# A key saying whether its object's emotion is there ({"emotion": "sad", "present": false}): set false, no word; also after
# a word naming the answer when set true or false ("emotion_present", "emotionDetected"; "emotions_detected": [...] is the answer).
_PRESENCE_KEY_WORDS = ("present", "detected", "shown", "visible", "expressed", "felt", "observed")
_PRESENCE_KEY = re.compile(rf"^(?:is[_ ]?)?(?:{'|'.join(_PRESENCE_KEY_WORDS)})$", re.IGNORECASE)
# In an object held by a key naming the answer ({"emotions": [{"name": "happy", "confidence": "high"}]}), the key naming the
# emotion, the first of these (in this order) holding words ({"type": "happy", "value": 0.8}: "type"); its other fields
# (confidence, intensity, reason) hold no words.
_ITEM_NAME_KEYS = ("name", "value", "type", "category")
# A string under such a key that names no emotion: blank or a dash, a score, a level or a rank ({"type": "happy", "value": "0.8"},
# "value": "high", "very high", "-"; {"name": "primary", "value": "happy"}, {"name": "Emotion 1", "value": "happy"}).
_NOT_A_NAME = re.compile(r"^\s*(?:[-+]?\d+(?:\.\d+)?\s*%?|[-\u2013\u2014]+|yes|no|true|false"
                         r"|(?:very |quite |fairly |rather )?(?:high|medium|moderate|low|mild|strong|weak)"
                         r"|primary|secondary|tertiary|first|second|third|main|dominant|other|additional"
                         r"|(?:emotion|label|word)\s*#?\d+)?\s*$", re.IGNORECASE)
# A key that reads as an emotion word in a checklist ("happy", "very happy", "开心"): its value may say whether it is felt.
_WORD_KEY = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+){0,2}")
# Keys beside a checklist's words that explain or qualify the answer ({"happy": "yes", "reason": "she smiles"}, "confidence":
# 0.9, "overall_intensity": "high"; by their last word): they hold no words, and leave the object a checklist.
_FIELD_KEY_WORDS = frozenset({"reason", "reasons", "reasoning", "explanation", "explanations", "rationale", "justification",
                              "evidence", "note", "notes", "comment", "comments", "analysis", "description", "summary", "context",
                              "observation", "observations", "clues", "confidence", "certainty", "intensity", "score", "level"})
# The same in Chinese, by how the key ends ({"开心": "是", "原因": "她在笑"} reason; 理由, 解释 explanation, 说明, 分析 analysis,
# 备注 note, 依据 evidence, 描述 description, 置信度 confidence, 强度 intensity, "情绪强度", 程度 degree, 得分 score).
_FIELD_KEY_ZH = re.compile("(?:\u539f\u56e0|\u7406\u7531|\u89e3\u91ca|\u89e3\u91cb|\u8bf4\u660e|\u8aaa\u660e|\u5206\u6790|\u5907\u6ce8"
                           "|\u5099\u8a3b|\u6ce8\u91ca|\u6ce8\u91cb|\u4f9d\u636e|\u4f9d\u64da|\u8bc1\u636e|\u8b49\u64da|\u63cf\u8ff0"
                           "|\u603b\u7ed3|\u7e3d\u7d50|\u7f6e\u4fe1\u5ea6|\u786e\u5b9a\u6027|\u78ba\u5b9a\u6027|\u5f3a\u5ea6|\u5f37\u5ea6"
                           "|\u7a0b\u5ea6|\u5206\u6570|\u5206\u6578|\u5f97\u5206|\u8bc4\u5206|\u8a55\u5206)$")


def json_answer_text(answer: str, checklist_value: Callable[[str], bool] | None = None) -> str:
    """A JSON answer (``{"emotions": ["happy"]}``, JSON mode; a Python dict or list, single-quoted, as models also write
    it) as its string values, comma-joined; else ``answer``.

    Keys name fields, not emotions: in an object with keys naming the answer (``emotion(s)``, ``label(s)``,
    ``word(s)``, ``answer``, ``feeling(s)``, ``output``, ``result``, ``情绪``..., ranked or qualified as in
    ``primary_emotion`` or ``emotions_detected``, not a property of it as ``emotion_intensity``; or only a rank, as
    ``primary`` or ``second``), only their values are words (``{"emotion": "happy", "confidence": "high"}``: "happy"), none when a key such as ``present``,
    ``is_present`` or ``emotion_present`` says false;
    otherwise every string value is, except in an object of only scores (``{"happy": 0.9}``), whose keys are the words,
    and in one of only flags (``{"happy": true, "sad": false}``), whose keys set true are (beside keys that explain or qualify
    them too: ``"reason"``, ``"confidence"``); an object whose keys are words and
    whose values are all ``checklist_value`` (``{"happy": "yes", "sad": "no"}``, ``{"happy": "high", "sad": "low"}``), beside
    keys that explain or qualify them at most (``"reason"``, ``"confidence"``, ``"原因"``), is a checklist, given as its text's items
    (``"happy: yes, sad: no"``) for the caller's checklist rules to read;
    nested objects (``[{"label": "happy", "score": 0.9}]``) are read the same way, and in one held by a key naming the
    answer (``{"emotions": [{"name": "happy", "confidence": "high"}]}``) only its ``name`` (else ``value``, ``type``,
    ``category``; not a blank, a score, a level or a rank such as ``"0.8"``, ``"high"`` or ``"primary"``) holds words. Text after the value is an
    explanation, not words.
    """
    if not answer.startswith(("{", "[")):
        return answer
    try:
        data, end = json.JSONDecoder().raw_decode(answer)
    except ValueError:
        data, end = _python_literal(answer), len(answer)
    except RecursionError:
        return answer
    if data is None:
        if answer.startswith("[") and not len(_QUOTE.findall(answer)) % 2:
            return answer  # "[happy, sad]": a list that parse_labels reads; '["happy", "exci' is cut short, as below
        # cut short by the token limit: drop the keys, and the last word if its string is unfinished
        if len(_QUOTE.findall(answer)) % 2:
            answer = answer[: max(answer.rfind('"'), answer.rfind(","))]
        return _JSON_KEY.sub(", ", answer)
    words = _strings_in(data, held=False, checklist_value=checklist_value)
    if not words and answer[end:].strip():
        return answer  # "[1] happy": numbering, not a JSON answer of no words
    return ", ".join(words) or "none"


def _python_literal(answer: str) -> object:
    """``answer`` read as a Python literal (``{'emotions': ['happy']}``), or None when it is none."""
    try:
        return ast.literal_eval(answer)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _strings_in(data: object, held: bool, checklist_value: Callable[[str], bool] | None = None) -> list[str]:
    """The words of a parsed JSON value: its strings (in an object with keys naming the answer, only theirs, and none
    when a presence key is false; in an object ``held`` by such a key, only its name's), the keys of an object holding
    only scores, the keys set true in an object holding only flags, and a checklist's items ("happy: yes") in an object
    of only ``checklist_value`` strings under words (the last three beside keys explaining or qualifying them too:
    "reason", "confidence")."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, (list, tuple, set, frozenset)):
        return [word for item in data for word in _strings_in(item, held, checklist_value)]
    if isinstance(data, dict):
        entries = {key: value for key, value in data.items() if not _is_field_key(key)}  # no key explaining or qualifying them
        # {"happy": 0.9}: the keys are the words; {"happy": true, "sad": false}: the keys set true; the same beside keys
        # explaining or qualifying them ({"happy": 0.9, "reason": "she smiles"}, {"happy": true, "sad": false, "confidence":
        # 0.9}), but not beside a presence key ({"present": true, "reason": "..."} names no emotion)
        beside = len(entries) < len(data) and not any(_is_presence_key(key) for key in entries)
        for scored in (data, entries if beside else {}):
            if scored and all(_is_score(value) for value in scored.values()):
                return [str(key) for key in scored]
            if scored and all(isinstance(value, bool) for value in scored.values()):
                return [str(key) for key, value in scored.items() if value]
        answer_keys = [key for key in data if _names_the_answer(key) or _ranks_the_answer(key)]
        # {"happy": "yes", "sad": "no"}: read as "happy: yes, sad: no"; a key explaining it ("reason") holds no word
        checklist = entries or data  # {"intensity": "high"}: as before
        if (checklist and checklist_value is not None and not answer_keys
                and all(isinstance(value, str) and checklist_value(value) and _WORD_KEY.fullmatch(str(key)) for key, value in checklist.items())):
            return [f"{key}: {value}" for key, value in checklist.items()]
        # {"emotion": "happy", "confidence": "high"}, {"primary": "happy", "intensity": "strong"}: only the emotion
        if answer_keys:
            if _said_absent(data):
                return []  # {"emotion": "sad", "present": false}: the model says it is not there
            return [word for key in answer_keys for word in _strings_in(data[key], True, checklist_value)]
        named = _item_name_words(data) if held else []
        if named:  # {"emotions": [{"name": "happy", "confidence": "high"}]}: only the name
            return [] if _said_absent(data) else named
        return [word for value in data.values() for word in _strings_in(value, False, checklist_value)]
    return []  # numbers, true/false, null: no word


def _item_name_words(data: dict) -> list[str]:
    """The words of an object's first key naming its emotion that holds any ("name", else "value", "type", "category"); a
    blank string, a score, a level or a rank ("", "0.8", "high", "primary", "Emotion 1") is none."""
    for wanted in _ITEM_NAME_KEYS:
        for key, value in data.items():
            if str(key).lower() == wanted and (words := [word for word in _strings_in(value, False) if not _NOT_A_NAME.match(word)]):
                return words
    return []


def _said_absent(data: dict) -> bool:
    """An object whose presence key is false ({"emotion": "sad", "present": false}, "emotion_present": false): its
    emotion is not there."""
    return any(value is False and _is_presence_key(key) for key, value in data.items())


def _is_presence_key(key: object) -> bool:
    """A key saying whether an emotion is there: "present", "is_present", "detected", "emotion_present", "emotionDetected",
    "emotion_is_present" (a presence word after only "is" and words naming the answer)."""
    words = _key_words(key)
    return bool(_PRESENCE_KEY.match(str(key))) or (
        len(words) > 1 and words[-1] in _PRESENCE_KEY_WORDS and set(words[:-1]) <= _ANSWER_KEY_WORDS | {"is"})


def _is_field_key(key: object) -> bool:
    """A JSON key explaining or qualifying a checklist's words ("reason", "explanation", "confidence", "overall_intensity"),
    by its last word ("原因" reason, "情绪强度" emotion intensity: by how it ends): no word of the checklist."""
    words = _key_words(key)
    return (bool(words) and words[-1] in _FIELD_KEY_WORDS) or bool(_FIELD_KEY_ZH.search(str(key).strip()))


def _names_the_answer(key: object) -> bool:
    """A JSON key naming the answer: "emotions", "primary_emotion", "detectedLabels", "情绪"; not one naming a property of
    it ("emotion_intensity", "label_confidence")."""
    words = set(_key_words(key))
    return ((not _ANSWER_KEY_WORDS.isdisjoint(words) and words <= _ANSWER_KEY_WORDS | _RANK_KEY_WORDS | _QUALIFIER_KEY_WORDS)
            or bool(_ANSWER_KEY_ZH.fullmatch(str(key).strip())))


def _ranks_the_answer(key: object) -> bool:
    """A JSON key naming only a rank ("primary", "second", "other"): an answer, as a key naming the answer is; its object's
    other keys ("confidence", "intensity") hold no words."""
    words = _key_words(key)
    return bool(words) and set(words) <= _RANK_KEY_WORDS


def _key_words(key: object) -> list[str]:
    """The words of a JSON key, lower-cased: "primaryEmotion", "primary_emotion", "primary-emotion" -> primary, emotion."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(key)).lower().replace("_", " ").replace("-", " ").split()


def _is_score(value: object) -> bool:
    """A number as a model writes a score, NaN, Infinity and one too large for a float too (not true/false): unlike an
    option's number (:func:`judges.option_values.is_number`), it is only read as saying its key is a word."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)
