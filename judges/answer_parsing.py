"""Turn a model's free-text answer into emotion words, or say why it cannot.

Models asked for "a comma-separated list of emotion words" answer
``"happy, relieved"``, but also ``"Emotions: happy and relieved."``,
``"none"``, a ``<think>`` block first, or (small or broken models) noise.
:func:`words_from_answer` keeps what reads as emotion words and reports an
answer with none as an error, so a garbled reply is never taken for "no emotion". Its Chinese-only patterns
are in :mod:`judges.chinese_answer_patterns`.

    >>> words_from_answer("Emotions: Happy, relieved and a bit nervous.")
    (['happy', 'relieved', 'a bit nervous'], None)
    >>> words_from_answer("none")
    ([], None)
    >>> words_from_answer("")
    ([], 'empty answer')
"""
from __future__ import annotations

import re
import unicodedata

from judges.chinese_answer_patterns import (ASPECT_ZH, CLAUSE_ZH, DENIED_ZH, EMOTION_UNSHOWN_ZH, FIELD_ZH, FILLER_ZH, HEDGE_ZH, JOINER_ZH,
                                           MAX_HAN_BY_STOP, MAX_HAN_PER_LABEL, NUMBERING_ZH, NUMERAL_ZH, OPENER_ZH, OR_ZH,
                                           SENTENCE_LEAD_IN_ZH, STOP_BETWEEN_WORDS_ZH, UNSHOWN_ZH, UNSURE_ZH, numeral_value)
from judges.errors import snippet
from judges.han_characters import HAN_CHARACTER
from judges.json_answers import json_answer_text
from judges.label_text import parse_labels
from judges.verdict import Verdict

__all__ = ["words_from_answer", "strip_thinking", "without_unfinished_word", "readable_answer", "cut_off_error", "verdict_from_answer",
           "answer_error_hint", "MAX_WORDS_PER_LABEL", "PARSER_VERSION"]

#: Bump whenever a change here (or in judges.json_answers, judges.chinese_answer_patterns or judges.han_characters) reads
#: some answer differently: a verdict records the version that read it (``Verdict.reading``), and a cached one read by
#: another is read again from its answer (:func:`judges.answers_read_again.read_again`), so words read by an older
#: parser are never replayed.
PARSER_VERSION = "2026-11-24.80"


#: A label longer than this many words is a sentence, not an emotion word.
MAX_WORDS_PER_LABEL = 3

_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[a-zA-Z]*")
# A lead-in ("Sure, here are the emotions:", "Emotion words:") up to its colon, on the first line.
# Chinese too: "情绪：", "情緒：", "答案：", "这个人的情绪是：" (emotion / feeling, answer, "is").
_PREFIX = re.compile(
    r"^\s*[\w ,!'\u2019]{0,40}?(?:\b(?:emotions?|words?|labels?|answer|output|feel(?:s|ings?)?)|\u60c5\u7eea|\u60c5\u7dd2|\u60c5\u611f|\u7b54\u6848)"
    r"(?:\s+[\w'\u2019]+){0,5}?\s*(?:are|is|\u662f)?\s*[:\uff1a]", re.IGNORECASE)  # "The emotions expressed are:"
# The same with an arrow, an equals sign or a dash for the colon, right after the word: "Emotions -> happy", "Emotions - happy".
_ARROW_PREFIX = re.compile(r"^\s*(?:the\s+)?(?:\w+\s+){0,2}?(?:emotions?|emotion words|feelings?|labels?|answer|output)"
                           r"\s*(?:->|=>|[=\u2192\u21d2\u2013\u2014-])\s+", re.IGNORECASE)
# A head before a numbered list's first item, on its line or the next ("Top 3: 1. happy, 2. sad", "Ranking: 1. happy", "Top
# emotions:\n1. happy"), with a count among its words ("Top 3"), or a "top N" head before any list ("Top 3: happy, sad,
# angry"): it names the list, no word, as a lead-in does; only the answer's first. Before a numbered list only a head with a
# count or naming the answer (_heads_the_answer: "Ranking") is one (_without_list_head): a word's ("Calm: 1. relaxed posture 2.
# slow speech") heads the reasons for it.
_LIST_HEAD = re.compile(r"^\s*(?:([^\W\d_]+(?:[ '-](?:[^\W\d_]+|\d{1,2})){0,3})[ \t]*:\s*(?=1[.)][ \t]*[^\W\d_])"
                        r"|top[ \t]+\d{1,2}(?:[ \t]+[^\W\d_]+){0,2}[ \t]*:[ \t]*)", re.IGNORECASE)
# An item's own label at the start of its line ("Emotion 1: happy", "Label 2 - sad").
_ITEM_LABEL = re.compile(r"^[ \t]*(?:emotion|label|word)\s*\d+\s*[:\uff1a.)-]\s*", re.IGNORECASE | re.MULTILINE)
# Not a number but a numbered list's first item after a colon ("Emotions: 1. happy, 2. sad", "Answer: 1) happy 2) sad").
_FIRST_ITEM = r"(?!1[.)][ \t]*[^\W\d_])"
# A numbered list's number opening an item's value ("Result: 1. happy").
_LIST_NUMBER = re.compile(r"^\d{1,2}[.)][ \t]*(?=[^\W\d_])")
# A score after a word ("happy: 0.9", "sad=30%", "happy: 90 percent"): the word is the answer.
# A word's score: a number, as a percentage too ("0.9", "30%", "90 percent").
_SCORE_VALUE = r"\d+(?:\.\d+)?(?:%|[ \t]*per[ \t]?cent\b)?"
_SCORE = re.compile(r"(?<=[^\W\d_])[ \t]*[:=\uff1a][ \t]*" + _FIRST_ITEM + _SCORE_VALUE,
                    re.IGNORECASE)
# A field or heading whose value is a number, as an item of its own ("Confidence: 0.9", "Intensity: 7/10", "Score: 80%",
# "Confidence: 90 percent", "Intensity: 8/10 - strong", "Valence: -0.5", "强度：8" intensity): a property of the answer, no word
# and no noise; read before _SCORE, which would leave the field's name.
# A field name that names a feeling too (the emotion wheel's "confident"): a word among scored words.
_FIELD_FEELINGS = frozenset({"confidence"})
_FIELD_SCORE = re.compile(r"(?:^|(?<=[,;\n\t\uff0c\u3001\uff1b|\u2022\u00b7])|(?<=[.!][ \t]))[ \t]*(?:[-*\u2022][ \t]*)?"
                          r"([^\W\d_]+(?:[ '-][^\W\d_]+){0,2})[ \t]*[:=][ \t]*" + _FIRST_ITEM + r"[-+]?\d[^,;\n\t\uff0c\u3001\uff1b|\u2022\u00b7]*", re.MULTILINE)
# A lead-in sentence without a colon ("The emotions are", "The main emotions expressed in the clip include",
# "The person's emotion is"): dropped only when every item after it reads as a word.
_SENTENCE_LEAD_IN = re.compile(
    r"^(?:the\s+)?(?:[\w'\u2019]+\s+){0,3}?(?:emotions?|emotional states?|feelings?)(?:\s+[\w'\u2019]+){0,5}?"
    r"\s+(?:are|is|include|includes|would be|seem to be|seems to be|appear to be|appears to be)(?:\s+(?:one|those|that|a mix|a mixture|a combination|a blend) of)?\s+", re.IGNORECASE)
# A person said to feel, seem, look or appear, as such a lead-in ("She feels", "The person seems", "The young man appears to
# be", "They look", the model as the person "I feel"): dropped only when every item after it reads as a word, no phrase ("He looks angry.", "The person seems
# happy and a bit nervous."; not "They seem to be having a conversation", "He seems calm and looks at the ground"), else the
# answer reads as it would without it (_subject_lead_in); not before a preposition, article or verb ("He looks at her", "She
# feels like crying", "He appears to be a doctor", "She seems to smile"), whose items would read as words; nor the model
# speaking of itself (_MODEL_ITSELF): "I" before how sure or able it is ("I feel unsure, maybe happy", "I feel confident"), or
# looking, seeming or appearing ("I looked again, sad", "I seem unable"), where the person feels.
_MODEL_ITSELF = (r"i\s+(?:(?:look|seem|appear)(?:s|ed)?\b|[^\W\d_]+\s+(?:(?:to\s+be|very|quite|fairly|pretty|rather|somewhat|not|more"
                 r"|less|so|too|a\s+(?:little|bit))\s+)*(?:sure|unsure|certain|uncertain|confident|unconfident|doubtful|hesitant"
                 r"|unable|able|capable|incapable|qualified|unqualified)\b)")
_SUBJECT_LEAD_IN = re.compile(
    r"^(?!" + _MODEL_ITSELF + r")(?:i|he|she|they|(?:the|this|that)\s+(?:[^\W\d_]+\s+){0,2}?(?:person|man|woman|speaker|individual|character|boy|girl|child|guy"
    r"|lady|people|men|women))\s+(?:feels?|felt|seem(?:s|ed)?|look(?:s|ed)?|appear(?:s|ed)?)(?:\s+to\s+be)?\s+"
    r"(?!(?:at|like|to|as|into|around|away|down|up|over|back|towards?|through|out|in|on|for|from|off|after|forward|ahead|about"
    r"|the|his|her|their|its|this|that|an|a(?!\s+(?:little|bit|tad)\b))\b)", re.IGNORECASE)
# What makes an item after it a phrase, not a word: an -ing ("having a conversation", "enjoying the moment"; not "longing"), an
# article, pronoun or verb ("looks at the ground", "has short hair", "as he laughs"; "a little nervous" is graded, _GRADE), a
# preposition opening it ("with weary eyes", "due to work"; not inside: "ill at ease", "in distress"), or "both" ("both happy").
_PHRASE_AFTER_SUBJECT = re.compile(r"\b(?:(?!(?:long|yearn|crav)ing\b)[^\W\d_]{2,}ing|the|an?|his|her|their|its|him|them|it|he"
                                   r"|she|they|we|you|i|is|are|was|were|has|have|had|both)\b"
                                   r"|^(?:with|as|at|by|due|from|for|about|like|to|through|because|after|before)\b")
# Words that describe the emotions rather than name one ("The emotions are complex.", "The feeling of joy is
# evident."): a lead-in sentence, or a lead-in up to its colon ("Emotions: mixed"), followed by only these is no list, nor
# is a sentence beside them ("Her smile, evident", "Her anger, absent", as "Her anger is absent").
_DESCRIBING = frozenset({"evident", "mixed", "difficult", "complex", "subjective", "subtle", "ambiguous", "absent", "strong",
                         "intense", "clear", "obvious", "apparent", "visible", "present", "noticeable", "palpable", "varied",
                         "various", "hidden", "genuine", "real", "unclear", "hard to see", "different", "diverse", "multifaceted"})
# Of those, the ones that describe the emotions wherever they stand ("mixed", "happy, mixed", "complex", "The emotional state is
# likely complex and diverse."): no word in any list, where the others may be words of the emotion wheel ("strong", "intense",
# "present", "absent"). "Mixed feelings" and "mixed emotions" name a state (ambivalence), so they stay words.
_DESCRIBING_ONLY = frozenset({"mixed", "complex", "diverse", "multifaceted"})
# A remark in brackets after such a word names the emotions it describes ("Emotions: mixed (happy and sad)", "complex (anger
# and guilt)"): its words are the answer's, not a remark to drop (_REMARK).
_DESCRIBED_REMARK = re.compile(r"\b(" + "|".join(sorted(_DESCRIBING, key=len, reverse=True)) + r")[ \t]*[(\uff08]"
                               r"(?=[^()\uff08\uff09\n]*[^\W\d_])([^()\uff08\uff09\n]*)[)\uff09]", re.IGNORECASE)
# Hedging adverbs, no word left alone after a word either ("happy, maybe", "happy, sad, possibly"; "开心，可能": HEDGE_ZH): a
# list skips them, and an answer of one alone ("maybe") is an error.
_HEDGE_ALONE = frozenset({"most likely", "likely", "probably", "possibly", "perhaps", "maybe", "clearly", "obviously", "apparently",
                          "definitely", "mainly", "mostly", "primarily", "predominantly"})
# A hedge before a word ("probably sadness", "most likely anger", "either happy or sad", "a sense of relief", "of shock",
# "maybe a hint of sadness", "a mix of joy", "seems tired", "not happy, rather annoyed", "not sad, just tired", "calm, though
# not relieved"): the word is the answer; the adverbs of _HEDGE_ALONE among them.
_HEDGE = re.compile(r"^(?:" + "|".join(sorted(_HEDGE_ALONE, key=lambda word: (-len(word), word)))
                    + r"|overall|rather|instead|just|only|(?:al)?though|either|something like"
                    r"|(?:seems|appears|looks)(?: to be)?"
                    r"|(?:an? )?(?:sense|feelings?|hint|touch|tinge|trace|note|mix|mixture|combination|blend) of|of)\s+")
# A time ending a lead-in's list ("I feel happy now", "She seems calm for now", "sad even now", "The emotions are tense and sad
# at the moment"): when the words are felt, no part of the last; only there, since in a sentence ("... is feeling angry,
# frustrated, or surprised at the moment") it would make the last of its phrases a word. A word before "now" that makes
# the time with it goes with it ("calm by now": calm, not "calm by").
_BEFORE_NOW = ("right", "for", "just", "even", "still", "by", "until", "till")
_NOW = re.compile(r"(?<=[^\W\d_])[ \t]+(?:(?:" + "|".join(_BEFORE_NOW) + r")[ \t]+now|at[ \t]+(?:the|this)[ \t]+moment|currently)$"
                  r"|(?<=[^\W\d_])" + "".join(rf"(?<!\b{word})" for word in _BEFORE_NOW) + r"[ \t]+now$", re.IGNORECASE)
# An intensity before a word ("a little bit nervous"): part of the word, but not counted against MAX_WORDS_PER_LABEL.
_GRADE = re.compile(r"^(?:a (?:little )?bit|a little|a tad|slightly|somewhat|very|quite|really|extremely|deeply|mildly|fairly"
                    r"|pretty|so|too)\s+")
# A possessive opening the answer ("Her happiness is obvious.", "His anger and frustration", "The woman's sadness", "The
# speaker's joy and relief"): the words it owns are the answer when each is one word naming no aspect (_owned_words); not a
# pronoun's contraction ("It's", "She's", "That's"; "Nobody's happy" denies the word).
_POSSESSIVE = re.compile(r"^(?:his|her|their|(?:the\s+)?(?:[^\W\d_]+\s+){0,2}?"
                         r"(?!(?:it|that|there|here|he|she|what|who|where|how|let|this|one|nobody|nothing|none|neither)['\u2019]s\b)"
                         r"[^\W\d_]+(?:['\u2019]s|(?<=s)['\u2019]))\s+", re.IGNORECASE)
# What such a possessive owns that is no feeling, as _ASPECT names no word: a reaction, attitude or relationship, what a face,
# voice or body does, or the field the answer fills ("His reaction: surprise", "Her attitude: dismissive", "Her smile", "Her
# tears", "Their argument", "Her crying", "Their dancing", "Her mood"); a longing, yearning or craving is a feeling.
_NOT_A_FEELING = re.compile(r"\b(?:reactions?|attitudes?|behaviou?rs?|demeanou?r|manner|relationships?|interactions?|conversations?"
                            r"|arguments?|fights?|bond|friendship|chemistry|words|smiles?|grins?|frowns?|scowls?|tears|laugh(?:s|ter)?"
                            r"|sighs?|gasps?|shouts?|screams?|cheers|silence|glares?|stares?|gaze|looks?|glances?|blush(?:es)?|smirks?"
                            r"|sneers?|pouts?|winces?|energy|performance|actions?|body|hands?|lips|mouth|cheeks|brows?|eyebrows?|jaw"
                            r"|shoulders|heart|moods?|sentiments?|(?!(?:long|yearn|crav)ing\b)[^\W\d_]{2,}ing)\b", re.IGNORECASE)
# A verb (or a comma standing for it) and a word saying the emotion shows, ending such an answer ("... is obvious", "... are
# evident", "... seems very clear", "..., evident", "..., strong and clear"); not one doubting it ("... is absent", "... is unclear":
# a sentence, as before).
_SHOWN_WORD = (r"(?:(?:very|quite|so|clearly|fairly|rather|really|particularly)\s+)?(?:evident|obvious|clear|apparent|visible|present"
               r"|noticeable|palpable|strong|intense|genuine|real|subtle)")
_SHOWN = re.compile(r"(?:[ \t]*,[ \t]*|\s+(?:is|are|was|were|seems?|appears?|looks?)(?:\s+to\s+be)?\s+)" + _SHOWN_WORD
                    + r"(?:\s+and\s+" + _SHOWN_WORD + r")?$", re.IGNORECASE)
# A verb in an item after such a lead-in: the lead-in ended too soon ("The emotions which are | shown are happy").
_VERB_IN_ITEM = re.compile(r"\b(?:is|are)\b")
# A heading line over the list ("Emotions\n", "### Detected emotions\n").
_HEADING = re.compile(r"^\s*#*\s*(?:the\s+)?(?:\w+\s+)?(?:emotions?|emotion words|labels?|answer|output)[ \t]*(?=[\r\n])", re.IGNORECASE)
# A spaced hyphen, double hyphen or dash ("OK - happy", "Mood -- happy", "Mood – happy"), the space after it not taken.
_SPACED_DASH = r"[ \t]+(?:--?|[\u2013\u2014])(?=[ \t])"
# A pleasantry before the answer ("Sure, ...", "Certainly! ...", "Okay. ...", "OK, here they are: ...", "Sure - ..."); "ok", "okay"
# and "alright" only before a full stop, a lead-in or a list of two words or more ("OK, happy, relieved", "Okay, happy and
# relieved", "OK, happy - relieved", "OK, happy | relieved", "OK - happy, relieved"), since they name a state too ("Ok, fine",
# "OK - fine": two words). None of them is a word of the emotion wheel. A spaced dash after one is its comma.
_PLEASANTRY_COMMA = r"(?:,|" + _SPACED_DASH + r")"
_PLEASANTRY = re.compile(r"^\s*(?:(?:sure|certainly|of course|absolutely)(?:\s*[,.!:]|" + _SPACED_DASH + r")"
                         r"|(?:okay|ok|alright)\s*(?:[.!:]|" + _PLEASANTRY_COMMA
                         + r"(?=\s*(?:here|so|let|the|i|based|well|sure|now|then|these|this)\b)"
                         r"|" + _PLEASANTRY_COMMA
                         + r"(?=\s*[^\W\d_][^\n,;]*?(?:[,;|/\u2022\u00b7]|\s(?:and|&|[+\u2013\u2014-]|--|->|=>|[\u2192\u21d2])\s)"
                         r"\s*[^\W\d_])))\s*",
                         re.IGNORECASE)
# A face, voice or body part, or how one is held: what a phrase explaining or describing a word names.
_BODY_PART = (r"eyes?|eyebrows?|brows?|chin|chest|head|hands?|arms?|fists?|shoulders?|lips|mouth|jaw|face|voice|tone|gaze|forehead"
              r"|cheeks|teeth|feet|foot|legs?|posture")
# A word explained on its own line ("1. Happy: the person smiles.", "- Relieved - she sighs and sits back", "Fear - eyes
# wide", "Joy - laughing openly"): the word is the answer, the explanation (a phrase with a pronoun, article, verb "to be" or
# preposition, one naming a face, voice or body part, or an -ing word and its adverb) is not; a field name
# ("Emotion: the person is happy") or a heading (_ASPECT) is no word, and a word after a word ("Anxious: nervous, worried") no explanation.
_EXPLAINED = re.compile(r"^([ \t]*(?:\d{1,2}[.)]|[-*\u2022])?[ \t]*([^\W\d_]+(?:[ '-][^\W\d_]+){0,2}))[ \t]*(?::|[ \t]-)[ \t]*"
                        r"(?=[^\n]*\b(?:the|a|an|is|are|was|were|he|she|they|his|her|their|its|it|this|that|with|of|in|to|as|from|by"
                        r"|on|at|" + _BODY_PART + r"|[^\W\d_]+ing[ \t]+[^\W\d_]+ly)\b)\S+(?:[ \t]+\S+)+[ \t]*$",
                        re.MULTILINE | re.IGNORECASE)
# A numbered list's next item after a comma or semicolon on the same line ("1. Happy - she smiles, 2. Relieved - she sighs"):
# read from its own line, so that the explanation _EXPLAINED reads after a word ends where the next item begins.
_NEXT_NUMBERED_ITEM = re.compile(r"[,;][ \t]*(?=\d{1,2}[.)][ \t]*[^\W\d_])")
# A checklist's value and the next word's item on the same line, after an explained word's colon ("a little, Sad: very much"
# after "Happy:"): the line is a checklist, each item a word and its value, not one word and its explanation. The value
# runs to the first comma (its trailing " .!" stripped in _explained_word: a lazy value before "[ .!]*" was quadratic in a
# run of dots).
_CHECKLIST_LINE = re.compile(r"^([^,;]*)([,;][ \t]*)(?=[^\W\d_]+(?:[ '-][^\W\d_]+){0,2}[ \t]*:)(.*)$")
# A heading naming what a line describes, not how anyone feels ("Facial expressions: she smiles", "Video description: a man
# sits", "Note: the light is dim", "In the video: ..."): such a line is a sentence, not an explained word. "Content" alone is
# an emotion ("Content: she relaxes"), after a word a heading ("Subtitle content: ...").
_ASPECT = re.compile(r"\b(?:video|visuals?|audio|acoustic|vocal|text|textual|modality|clip|subtitles?|captions?|(?<=\w )content|descriptions?|summary|overview|analysis|conclusions?"
                     r"|explanations?|reasons?|reasoning|rationale|notes?|context|environment(?:al)?|setting|scene|background"
                     r"|predict(?:ion|ions|ed)|observations?|expressions?|language|movements?|gestures?|posture|tone|voice|speech"
                     r"|face|faces|eyes|state|factors|clues?|keywords?|vocabulary|verdict|results?|response|output|step|man|woman"
                     r"|person|people|individual|character|speaker|clothing|appearance|evidence|accuracy)\b", re.IGNORECASE)
# A discourse opener before the answer ("In summary: ...", "Overall, ...", "In conclusion, the emotions are ...", "I'd say
# ...", "Here you go: ...", "Based on the video, ...", "根据视频，..."): no word. "Based on ..." only before its comma or colon,
# since it goes on in a sentence ("Based on the information provided, I cannot ...").
_OPENER = re.compile(r"^\s*(?:(?:in (?:summary|conclusion|short|brief|this case)|overall|to (?:summarize|summarise|sum up|conclude)"
                     r"|all in all|first(?:ly)?|second(?:ly)?|third(?:ly)?|finally|lastly|additionally|moreover|furthermore|however"
                     r"|therefore|thus|hence|here you go|here it is"
                     r"|i (?:think|believe|would say|guess)|i'd say|my (?:answer|guess)(?: is)?)\s*(?:[,:\uff1a]\s*|\s(?=\w))"
                     r"|based on (?:the|this) (?:video|clip|audio|subtitles?|description|information)\s*[,:\uff1a]\s*"
                     "|(?:\u6839\u636e|\u6839\u64da)(?:\u89c6\u9891|\u8996\u983b|\u753b\u9762|\u756b\u9762|\u5b57\u5e55|\u63cf\u8ff0|\u4ee5\u4e0a)"
                     "(?:\u5185\u5bb9|\u5167\u5bb9|\u4fe1\u606f)?\\s*[,:\uff1a\uff0c]\\s*)",
                     re.IGNORECASE)
# A field name opening an item ("Primary emotion: anger; secondary emotion: sadness", "Main: happy\nOther emotions: sad"; in
# Chinese "次要情绪：紧张" secondary emotion, "情绪标签：" emotion labels, "情绪状态" emotional state, "情绪判断" / "情绪识别结果"
# emotion judgement / recognition result): the word is after it.
_FIELD = re.compile(r"^(?:(?:primary|secondary|tertiary|main|dominant|other|additional|underlying|overall|possible|likely"
                    r"|detected|final)(?:\s+(?:emotions?|feelings?))?|emotions?|feelings?"
                    "|(?:\u4e3b\u8981|\u6b21\u8981|\u5176\u4ed6|\u5176\u5b83|\u53ef\u80fd\u7684?)?(?:\u60c5\u7eea|\u60c5\u7dd2|\u60c5\u611f)"
                    "(?:\u6807\u7b7e|\u6a19\u7c64|\u8bcd|\u8a5e|\u72b6\u6001|\u72c0\u614b|\u5224\u65ad|\u5224\u65b7|(?:\u8bc6\u522b|\u8b58\u5225)?(?:\u7ed3\u679c|\u7d50\u679c)|\u8bc6\u522b|\u8b58\u5225)?)\\s*[:\uff1a]\\s*")
# An apology before a refusal ("Sorry, I can't help with that.", "Unfortunately, as an AI, I cannot watch videos."): the
# refusal is the answer, not the emotion word "sorry".
_APOLOGY = re.compile(r"^\s*(?:sorry|i'm sorry|i am sorry|apologies|unfortunately)\s*[,.!:]\s*(?=(?:i|i'm|as an?)\b)", re.IGNORECASE)
# An explanation after the answer, from its own line on ("Reasoning: the person smiles, then sighs", "Evidence: ..."; in Chinese "原因：她在笑"
# reason, "注：仅供参考" note, "说明", "解释", "分析"...).
_EXPLANATION = re.compile(r"[\r\n]\s*#*\s*(?:explanations?|reasons?|reasoning|rationale|justification|evidence|notes?|analysis"
                          "|\u539f\u56e0|\u7406\u7531|\u89e3\u91ca|\u89e3\u91cb|\u8bf4\u660e|\u8aaa\u660e|\u6ce8|\u5907\u6ce8|\u5099\u8a3b"
                          "|\u6ce8\u610f|\u4f9d\u636e|\u4f9d\u64da|\u5206\u6790)\\s*[:\uff1a].*",
                          re.IGNORECASE | re.DOTALL)
# A remark in brackets after a word ("happy (mostly)", "sad (0.8)", "happy（开心）"), not a whole bracketed answer
# ("Emotions: (happy, sad)") nor a bracketed word in the list ("(happy), (sad)").
_REMARK = re.compile(r"(?<=[^\W_])[ \t]*[(\uff08][^()\uff08\uff09\n]*[)\uff09]")
_NONE_ANSWERS = {"none", "no emotion", "no emotions", "null", "n/a", "[]", "nothing"}
# A word contrasted away ("calm rather than angry", "calm instead of angry"): read as "calm but not angry".
_CONTRAST = re.compile(r"(?:^|\s+)(?:rather than|instead of)\s+")
_CONJUNCTION = re.compile(r"\s+(?:and|or|nor|&|but(?: also)?)\s+|(?<!\bnot)\s+yet\s+|^(?:and|or|but(?: also)?)\s+")
# The same, keeping each joiner: "or" after a denial carries it on ("not angry or sad", "no fear or anxiety"), as in
# judges.negation.
_JOINED = re.compile(f"({_CONJUNCTION.pattern})")
# "and so on" is "so on" once its "and" is split off
_FILLER = {"etc", "so on", "so forth", "many more", "more", "others", "respectively", "and", "or", "but"}  # "happy, sad, and"
# What a list item standing alone names no emotion as: a filler, a conjunction or a hedge, English or Chinese.
_NO_WORD_ALONE = frozenset(_FILLER | FILLER_ZH | _HEDGE_ALONE | HEDGE_ZH)
# Punctuation and markup around a list item, not part of its word.
_PIECE_EDGES = " .!?*`-\u2026\u3002\uff01\uff1f"
_WORD_CHARS = re.compile(r"^[^\W\d_]+(?:[' -][^\W\d_]+)*$")
# Not emotion words: a clause with a pronoun subject or a possessive ("I don't know", "I'm sorry", "she smiles", "the person
# smiles", "everyone looks tense", "their expressions show joy"), a non-answer, "emotions" itself (what is left of "a mix of
# emotions").
_NOT_A_LABEL = re.compile(
    r"^(?:i|i'm|i've|i'd|we|you|he|she|it|it's|they|this|that|there|the|as an(?: ai)?|his|her|their|its|my|our|your|these|those"
    r"|every(?:one|body))\b"
    r"|^(?:unknown|undetermined|indeterminate|unclear|emotions?|feelings?|(?:hard|difficult|impossible) to (?:say|tell|read|determine|judge)|(?:cannot|can't) (?:determine|tell|say)"
    r"|not (?:(?:very|clearly|easily|really|entirely|quite) )?(?:sure|clear|certain|applicable|determinable|visible|discernible|apparent"
    r"|evident|obvious|detectable|readable|identifiable|shown))$"
)
# A denied emotion ("not angry", "no fear", "neither happy nor sad", "no clear emotion", "nobody's happy"): no emotion felt.
_DENIED = re.compile(r"^(?:not|no|none|never|neither|nor|without|nobody|nothing)\b")
# No denial: "not only happy but also proud", "not just happy", "no doubt happy", "without a doubt happy" say the word.
_AFFIRMED = re.compile(r"^(?:not (?:only|just|merely|simply)|no doubt|without (?:(?:a|any) )?doubt)\s+")
_LAST_ITEM = re.compile(r"[^,;/\n\uff0c\u3001\uff1b]*$")
# Separators models use beside commas and lines: "happy | sad", "happy + sad", inline numbering "1. happy 2. sad" ("1.happy 2.sad";
# with the "and" or "or" before it: "1) happy and 2) sad", no word "happy and"), a
# spaced dash ("surprise – shock", "surprise - shock", "surprise -- shock"; not "light-hearted"). "frustrated -> angry", "frustrated → angry":
# two words; "happy and/or sad": "happy or sad".
_OTHER_SEPARATORS = re.compile(r"\s*[|\u2022\u00b7]\s*|\s+(?:[+\u2013\u2014-]|--)\s+|(?<=[^\W\d_])(?:\s+(?i:and|or))?\s+\d{1,2}[.)](?:\s+|(?=[^\W\d_]))"
                               r"|\s*(?:->|=>|[\u2192\u21d2])\s*")
_AND_OR = re.compile(r"\s+and/or\s+", re.IGNORECASE)
# A spaced hyphen or dash opening an item's value ("Happy - yes", "Mood - happy", "Sad – no", "The boy's mood - happy"), which reads as a
# colon when the head (after a possessive) names a field or heading or the value is a checklist's (_hyphen_as_colon).
_HYPHENED = re.compile(r"(?:^|(?<=[,;]))([ \t]*(?:(?:\d{1,2}[.)]|[-*\u2022])[ \t]+)?"
                       r"(?i:(?:his|her|their|the[ \t]+[^\W\d_]+(?:[ \t]+[^\W\d_]+)?['\u2019]s)[ \t]+)?)([^\W\d_]+(?:[ '-][^\W\d_]+){0,2})"
                       + _SPACED_DASH + r"[ \t]+([^,;\n]*)", re.MULTILINE)
# A word before a colon with more words after it ("Anxious: nervous, worried", "Anxious: nervous and worried"): each is a
# word, unless the head names a field ("Mood: happy", "Intensity: high", by its last word "Confidence level: high") or what a
# line describes (_ASPECT).
_HEADED = re.compile(r"^([^\W\d_]+(?:[ '-][^\W\d_]+){0,2})[ \t]*:[ \t]*(?=\S)")
_FIELD_HEAD = re.compile(r"^(?:answers?|outputs?|results?|rankings?|labels?|words?|moods?|sentiments?|intensity|confidence|certainty"
                         r"|valence|arousal|energy|polarity|categor(?:y|ies)|types?|levels?|degree|scores?|rating|class)$")
# Of those, the heads that name the answer itself ("Mood: happy", "Result: sad, tired", "Ranking: happy, sad"; in Chinese "答：" answer, "总结：" summary,
# "结论：" conclusion, "我认为：" I think, "可能是：" maybe, "好的：" OK) or its language ("English: happy", "中文：开心"): the words
# after them are the answer.
_ANSWER_HEAD = re.compile(r"^(?:answers?|outputs?|results?|rankings?|labels?|words?|moods?|sentiments?|categor(?:y|ies)|class|english|chinese"
                          "|\u7b54|\u56de\u7b54|\u603b\u7ed3|\u7e3d\u7d50|\u7efc\u4e0a|\u7d9c\u4e0a|\u603b\u4e4b|\u7e3d\u4e4b"
                          "|\u7ed3\u8bba|\u7d50\u8ad6|\u7ed3\u679c|\u7d50\u679c|\u5224\u65ad|\u5224\u65b7|\u6807\u7b7e|\u6a19\u7c64"
                          "|\u6211\u8ba4\u4e3a|\u6211\u8a8d\u70ba|\u6211\u89c9\u5f97|\u6211\u89ba\u5f97|\u53ef\u80fd\u662f?|\u597d\u7684|\u4e2d\u6587|\u82f1\u6587)$")
# A head alone on the answer's first line ("Result:\nhappy, sad", "Primary mood:\nhappy", "答：\n开心"): a heading over the
# answer when it names the answer (_ANSWER_HEAD) and its other words only rank or name it (_HEAD_LINE_RANK: "Primary", "Final"),
# no word; else as it is ("Happy:\nshe smiles", "Happy mood:\nshe smiles": a word, and the reasons for it after).
_HEAD_LINE = re.compile(r"^\s*([^\W\d_]+(?:[ '-][^\W\d_]+){0,2})[ \t]*:[ \t]*(?=\n)")
# A field's head alone on its line with its value on the next ("Intensity:\nhigh", "Confidence:\n0.9", "强度：\n高" intensity:
# high): read on one line (_field_on_one_line), where the field rules make a level or number no word and no noise.
_FIELD_LINE = re.compile(r"^([ \t]*(?:[-*\u2022][ \t]*)?([^\W\d_]+(?:[ '-][^\W\d_]+){0,2})[ \t]*:)[ \t]*\n([^\n]*)", re.MULTILINE)
# A list's number or a word's score and dash before the next line's word ("1. happy", "1) happy", "1、开心", "8 - anger"): what
# follows it is the value.
_FIELD_LINE_NUMBER = re.compile(r"^(?:\d{1,2}[.)\u3001\uff0e\uff09]|\d+(?:\.\d+)?%?" + _SPACED_DASH + r")[ \t]*(?=[^\W\d_])")
_HEAD_LINE_RANK = frozenset({"primary", "secondary", "tertiary", "main", "dominant", "other", "additional", "underlying", "overall",
                             "possible", "likely", "detected", "final", "predicted", "my", "the", "your", "top", "emotion", "emotions",
                             "emotional"})
# A word's value in a checklist ("Happy: yes", "Happy: obvious", "Sad: no", "Angry: absent", "Calm: high", "Proud: slightly", "Angry:
# very much"): says whether (and how strongly) the word is felt, and is no word itself; a value saying absent denies the word ("Sad: no": not sad).
# Chinese too: "开心：是" (yes), "开心：高" (high), "紧张：有点" (a little); "难过：否" (no), "紧张：没有" (none).
_SAID_PRESENT = re.compile(r"^(?:yes|true|present|detected|shown|visible|observed|evident|obvious|clear|apparent|noticeable"
                           r"|definitely|certainly|likely|maybe|possibly|probably"
                           r"|(?:very |quite |fairly |rather )?(?:high|medium|moderate|low|mild|slight|strong|weak)"
                           r"|slightly|somewhat|mildly|moderately|strongly|highly|extremely|intensely|a (?:little )?bit|a little"
                           r"|(?:very )?much|a lot"
                           "|\u662f|\u6709|\u5b58\u5728|\u5f88?\u660e[\u663e\u986f]|\u9ad8|\u4e2d|\u4e2d\u7b49|\u4f4e|[\u8f83\u8f03][\u9ad8\u4f4e]"
                           "|[\u5f3a\u5f37]\u70c8?|\u5f31|[\u8f7b\u8f15]\u5fae|\u6709[\u70b9\u9ede]|\u4e00[\u70b9\u9ede][\u70b9\u9ede]|\u4e00\u4e9b"
                           "|\u975e\u5e38|\u53ef\u80fd)$", re.IGNORECASE)
_SAID_ABSENT = re.compile(r"^(?:no|false|absent|none|unlikely|not(?: [^\W\d_]+){1,2}"  # "not at all"
                          "|\u5426|\u65e0|\u7121|[\u6ca1\u6c92]\u6709|\u4e0d\u5b58\u5728|\u4e0d\u660e[\u663e\u986f]|\u4e0d\u662f)$", re.IGNORECASE)
# The same on a line explaining a word ("Sad: not at all, she smiles", "Angry: not present in the video").
_EXPLAINED_ABSENT = re.compile(r"^(?:(?:no|none|absent)(?=[ \t]*[,.;]|[ \t]*$)|not (?:at all|really|in the slightest|present"
                               r"|detected|shown|visible|observed|expressed|felt|evident|apparent)\b)", re.IGNORECASE)
# A full stop after a word's checklist value before the next item on its line ("Happy: a little. Sad: a lot.", "Happy: yes. Sad:
# no.", with a spaced dash for the colon "Happy - a little. Sad - a lot.", an exclamation mark "Sad: no! Happy: yes!", a Chinese
# full stop or exclamation mark, no space after it, "开心：高。悲伤：低。"): a line break, as in a checklist on lines, so that
# an explanation after it ("... Sad: no. Reason: she smiles, laughs") is dropped as on its own line, not read as the list's
# items (a comma made "laughs" a word); so does one after a field's or heading's value of three words at most ("Mood: low.
# Energy: high.", "Emotion: happy. Confidence: high."), its separator kept for the field rules; after any other value ("Happy:
# she smiles. Sad: no.", "Emotion: the man is happy. Reason: ...") a full stop ends a sentence, as before. Read before _HYPHENED, which reads the last dash
# item on its line as "Sad: a lot". The value runs from its colon or dash to the next punctuation or spaced dash at most, so
# the pattern is linear in the answer's length.
_CHECKLIST_SEPARATOR = r"(?:[ \t]*:|" + _SPACED_DASH + r")"
_CHECKLIST_STOP = re.compile(r"(?:^|(?<=[,;.:!\u3002\uff01]))([ \t]*(?:\d{1,2}[.)][ \t]*)?([^\W\d_]+(?:[ '-][^\W\d_]+){0,2})"
                             + _CHECKLIST_SEPARATOR + r"[ \t]*([^\W\d_](?:[^\n.!:,;\u3002\uff01\u2013\u2014-]|(?<![ \t])-)*))"
                             r"(?:[.!](?=[ \t])|[\u3002\uff01])(?=[ \t]*(?:\d{1,2}[.)][ \t]*)?[^\W\d_]+(?:[ '-][^\W\d_]+){0,2}"
                             + _CHECKLIST_SEPARATOR + ")", re.MULTILINE)
# The same after a score ("Happy: 0.8. Sad: 0.2.", "Happy: 80%. Sad: 20%!", "Confidence: 0.9. Intensity: 7."): a line break,
# so that _SCORE reads each word's score (and _FIELD_SCORE each field's line) as on lines, not the rest as "Happy. Sad", and an
# explanation after it ("... Sad: 0.2. Reason: she smiles, laughs") is dropped as on its own line.
_SCORE_STOP = re.compile(r"(?<=[^\W\d_])([ \t]*[:=][ \t]*" + _FIRST_ITEM + _SCORE_VALUE + r")[.!]"
                         r"(?=[ \t]+[^\W\d_]+(?:[ '-][^\W\d_]+){0,2}[ \t]*[:=])", re.IGNORECASE)
# A run of white space: read as one space, or one line break or tab if it holds one (a broken model's thousands of spaces or
# blank lines; a tab separates words as a line break does: "happy\t\tsad" is two words), the rules read the same, and their patterns around white space ("\s+and\s+", a line's "\s*#*\s*") stay linear in
# the answer's length rather than quadratic or cubic in the run's.
_WHITE_RUN = re.compile(r"\s{2,}")
_SNIPPET = 60  # characters of an answer an 'unparseable answer' error quotes


def words_from_answer(text: object) -> tuple[list[str], str | None]:
    """``(words, error)`` for a model's answer: words lower-cased, in order, without repeats.

    ``error`` is ``None`` for a usable answer (including an explicit "none",
    which gives no words) and a short reason otherwise (empty, or nothing in it
    reads as an emotion word). A denied emotion ("not angry", "no clear
    emotion") is no word; an answer of only denials is "none".
    """
    answer = "" if text is None else str(text)
    shown = _FENCE.sub(" ", _THINK.sub(" ", answer)).replace("**", "").strip()  # what an error quotes
    answer = json_answer_text(shown, _is_checklist_value)  # {"happy": "yes", "sad": "no"}: read as "happy: yes, sad: no"
    if not answer:
        return [], "empty answer"
    answer = _WHITE_RUN.sub(_one_white, answer)
    answer = answer.replace("\uff1a", ":")  # a full-width colon ("情绪：开心", "Anxious：紧张") reads as a colon
    answer = _BULLET_BEFORE_NUMBER.sub(r"\1", answer)  # "- 1. happy": "1. happy"
    answer = _bracketed_numbers(answer)  # "(1) happy (2) sad", "（1）开心（2）难过", "（一）开心", "①开心", "1）happy": "1) happy"
    answer = _FIELD_LINE.sub(_field_on_one_line, answer)  # "Intensity:\nhigh": "Intensity: high"
    # "1、开心 2、难过", "一、开心 二、难过", "1.开心 2.难过": an item on its own line; after a colon on the colon's ("情绪：1、开心 2、难过")
    answer = _numbers_as_lines(answer)
    answer = EMOTION_UNSHOWN_ZH.sub(r"\1", answer)  # "情绪：不明显": read as "情绪不明显" (no clear emotion)
    answer = _REMARK.sub("", _DESCRIBED_REMARK.sub(r"\1, \2", answer))  # "happy (mostly)"; "mixed (happy and sad)": its words
    answer = _CHECKLIST_STOP.sub(_checklist_stop, answer)  # "Happy: a little. Sad: a lot.", "Happy - yes. Sad - no.": a line break
    answer = _SCORE_STOP.sub("\\1\n", answer)  # "Happy: 0.8. Sad: 0.2.": a line break
    answer = _HYPHENED.sub(_hyphen_as_colon, answer)  # "Happy - yes", "Mood - happy": a colon
    answer = _APOLOGY.sub("", _PLEASANTRY.sub("", _EXPLANATION.sub("", answer), count=1), count=1)
    opener = _OPENER.match(answer)
    answer = answer[opener.end():] if opener else answer
    answer = _SCORE.sub("", "\n".join(map(_without_field_scores, _ITEM_LABEL.sub("", answer).split("\n"))))
    answer = _WHITE_RUN.sub(_one_white, answer)  # the lines of fields dropped leave a run ("Confidence: 0.9\n" repeated)
    answer = _AND_OR.sub(" or ", "".join(", " if _is_symbol(ch) else ch for ch in answer))  # "happy 😊 sad": two words
    unheaded = _ARROW_PREFIX.sub("", _PREFIX.sub("", _without_list_head(_HEADING.sub("", answer, count=1)), count=1), count=1)
    unheaded = _without_answer_heading(unheaded)  # "Result:\nhappy"
    headed, answer = unheaded != answer, unheaded  # "Emotions: ...", "Emotions -> ...", "Emotions\n...", "Top 3: 1. ..."
    answer = _EXPLAINED.sub(_explained_word, _NEXT_NUMBERED_ITEM.sub("\n", answer))  # "1. Happy - she smiles, 2. Sad - ..."
    body = _OTHER_SEPARATORS.sub(", ", answer).strip().rstrip(".!\u2026\u3002\uff01").strip()
    # "The emotions are happy and relieved.": the list after the lead-in, if every item of it reads; else a sentence
    lead_in = _SENTENCE_LEAD_IN.match(body) or SENTENCE_LEAD_IN_ZH.match(body) or _subject_lead_in(body)
    listed = _NOW.sub("", body[lead_in.end():]) if lead_in else body  # "I feel happy now": happy
    possessive = _POSSESSIVE.match(listed)  # after a lead-in too: "The emotion is Anna's sadness."
    if possessive and (owned := _owned_words(listed[possessive.end():])):  # "Her happiness is obvious."
        return owned, None
    if _says_none(listed) or "".join(body.split()) == "[]":  # "none", "The emotion is none."
        return [], None
    words, rejected, denied = _read_list(listed)
    if opener and rejected:  # "Based on the video, the person smiles, ...": the opener begins a sentence, no list
        rejected += 1
    if lead_in and (rejected or any(_VERB_IN_ITEM.search(word) for word in words) or (words and set(words) <= _DESCRIBING)):
        return [], f"unparseable answer: {snippet(shown, _SNIPPET)!r}"
    if (headed or rejected) and words and set(words) <= _DESCRIBING:  # "Emotions: mixed", "Her smile, evident"
        return [], f"unparseable answer: {snippet(shown, _SNIPPET)!r}"
    if not words and denied and not rejected:  # "no clear emotion", "neither happy nor sad"
        return [], None
    if not words or rejected > len(words):
        return [], f"unparseable answer: {snippet(shown, _SNIPPET)!r}"
    return words, None


def _subject_lead_in(body: str) -> re.Match[str] | None:
    """A person said to feel, seem, look or appear opening ``body`` ("She looks", "The person seems to be") when every
    item after it reads as a word, no phrase (_PHRASE_AFTER_SUBJECT: "angry", "happy and a bit nervous"), else None: the
    answer is read as it would be without the lead-in, not made an error by it."""
    lead_in = _SUBJECT_LEAD_IN.match(body)
    if not lead_in:
        return None
    words, rejected, _ = _read_list(body[lead_in.end():])
    return lead_in if words and not rejected and not any(_PHRASE_AFTER_SUBJECT.search(_GRADE.sub("", word)) for word in words) else None


def _without_list_head(answer: str) -> str:
    """``answer`` without a head naming its list (_LIST_HEAD: "Top 3: 1. happy" -> "1. happy", "Ranking: 1. happy"); a head
    before a numbered list with no count and naming no answer ("Calm: 1. relaxed posture", "Sad:\n1) tears") stays, a word."""
    head = _LIST_HEAD.match(answer)
    if head is None or (head[1] is not None and not re.search(r"\d", head[1]) and not _heads_the_answer(head[1])):
        return answer
    return answer[head.end():]


def _without_answer_heading(answer: str) -> str:
    """``answer`` without a head naming the answer alone on its first line ("Result:\nhappy" -> "\nhappy"), which is no word."""
    head = _HEAD_LINE.match(answer)
    return answer[head.end():] if head and _heads_the_answer(head[1]) else answer


def _heads_the_answer(head: str) -> bool:
    """Whether a head over the answer's lines names the answer ("Result", "Primary mood", "答"): its last word does
    (_ANSWER_HEAD) and any other only ranks it (_HEAD_LINE_RANK); "Happy mood", "Bad mood" name a word, over its reasons."""
    words = re.split(r"[ '-]", head.lower())
    return bool(_ANSWER_HEAD.match(words[-1])) and all(word in _HEAD_LINE_RANK for word in words[:-1])


_BRACKET = re.compile(r"[()\uff08\uff09]")
# An item's number of one character and its value: circled (①-⑳), in brackets (⑴-⒇), with a full stop (⒈-⒛), double circled
# (⓵-⓾), negative circled (⓫-⓴, ❶-❿), circled sans-serif (➀-➉, ➊-➓), a Chinese numeral in brackets (㈠-㈩) or circled (㊀-㊉).
_NUMBER_CHARACTERS = {chr(first + offset): value + offset for first, value, count in (
    (0x2460, 1, 20), (0x2474, 1, 20), (0x2488, 1, 20), (0x24EB, 11, 10), (0x24F5, 1, 10), (0x2776, 1, 10), (0x2780, 1, 10),
    (0x278A, 1, 10), (0x3220, 1, 10), (0x3280, 1, 10)) for offset in range(count)}
_NUMBER_CHARACTER = "[" + "".join(_NUMBER_CHARACTERS) + "]"
# An item's number in brackets ("(1) happy (2) sad", "（1）开心（2）难过"; a Chinese numeral too, "（一）开心（二）难过", NUMERAL_ZH),
# of one character (_NUMBER_CHARACTERS: "①开心 ②难过", "① happy ② sad", "❶开心 ❷难过", "㈠开心 ㈡难过"), or before a full-width
# closing bracket ("1）happy 2）sad"; a Chinese numeral before either where an item begins, "一）开心 二）难过", "一)开心 二)难过"),
# before a word: read as the "1)" the list rules read ("1) happy 2) sad", "1)开心 2)难过"), with a space before it after a word
# (_bracketed_numbers). Not one after a digit or bracket ("3(1)"), nor one before no word: a score's remark ("happy (8), sad
# (2)", "开心（2）") stays a remark; but one character ending a line in a list begun is dropped ("①开心②难过③": 开心, 难过), as a
# bracketed one there is as a remark ("（1）开心（2）难过（3）"), unless a colon's value ("强度：③": its field no word).
_WORD_NEXT = re.compile(r"[ \t]*[^\W\d_]")
_BRACKETED_NUMBER = re.compile(r"(?<![\d(\uff08])(?:[(\uff08](\d{1,2}|" + NUMERAL_ZH + r")[)\uff09](?=[ \t]*[^\W\d_])"
                               r"|(" + _NUMBER_CHARACTER + r")(?=[ \t]*(?:[^\W\d_]|[.!\u3002\uff01]?[ \t]*$)))"
                               r"|(?:^|(?<=[\s,;:\uff0c\u3001\uff1b]))(\d{1,2}(?=\uff09)|(?:" + NUMERAL_ZH + r")(?=[)\uff09]))[)\uff09]"
                               r"(?=[ \t]*[^\W\d_])", re.MULTILINE)
# A bullet before an item's number ("- 1. happy\n- 2. sad", "* 1) happy", "- (1) happy", "- ① happy"): the number numbers
# the item, and the bullet is dropped; read as well, it made a list of all but its last item ("- 1. happy\n- 2. sad": sad).
# The word may open with emphasis, a quote or a bracket ("* 1. *Happy*", "* 1) [happy]"): its bullet kept among dropped ones
# lost it ("* 1. *Happy*\n* 2. Sad": sad).
_BULLET_BEFORE_NUMBER = re.compile(r"^([ \t]*)[-*\u2022][ \t]+(?=(?:\d{1,2}[.)\uff09]|[(\uff08](?:\d{1,2}|" + NUMERAL_ZH + r")[)\uff09]|"
                                   + _NUMBER_CHARACTER + r")[ \t]*[*_`\"'\u201c\u2018\u300c\u300e\[(\uff08\u3010]*[^\W\d_])",
                                   re.MULTILINE)
# An arrow or a spaced dash ending the text before a bracketed number ("Emotions -> (1) happy", "Answer => (1)", "Emotions - (1)
# happy"): it begins the list as a colon does (_ARROW_PREFIX reads it as a lead-in's colon; _OTHER_SEPARATORS as a separator).
# A dash only spaced after a word (_SPACED_DASH): a bullet's ("- (1) happy") and "well-(1)" are none.
_LIST_LEAD = re.compile(r"(?:->|=>|[\u2192\u21d2])[ \t]*$|" + _SPACED_DASH + r"[ \t]+$")


def _bracketed_numbers(answer: str) -> str:
    """``answer`` with its items' bracketed or circled numbers as "1)" (_BRACKETED_NUMBER), once a list has begun with a "(1)"
    or "①" where an item begins (the line's start, after a colon or separator, an arrow or spaced dash: _LIST_LEAD): then the
    later ones after a word number items too ("（1）开心（2）难过" -> "1)开心 2)难过", "①开心②难过" the same); without it a bracketed
    or circled number after a word stays as it is, a remark's ("happy (8) sad", "the default (1) value", "第①步", step ①)."""
    pieces, at, listed = [], 0, False
    for number in _BRACKETED_NUMBER.finditer(answer):
        before = number.start()
        while before and answer[before - 1] in " \t":  # white space runs are one character here: no quadratic walk
            before -= 1
        starts_item = (before == 0 or answer[before - 1] in "\n\r:,;\uff0c\u3001\uff1b"
                       or _LIST_LEAD.search(answer[max(0, before - 3):number.start()]) is not None)  # "Emotions -> (1) happy"
        value = _item_number(number)
        last = number[2] is not None and _WORD_NEXT.match(answer, number.end()) is None  # "①开心②难过③": its "③"
        listed = listed or (starts_item and value == 1 and not last)
        if last and listed and answer[before - 1:before] not in (":", "="):  # after a colon a value: "强度：③"
            pieces.append(answer[at:number.start()])
            at = number.end()
        elif not last and (number[3] or listed):  # "1）", "一）", "一)": as "1)", wherever an item begins
            space = "" if starts_item or before < number.start() else " "
            pieces += [answer[at:number.start()], f"{space}{value})"]
            at = number.end()
    return "".join(pieces) + answer[at:]


def _item_number(number: re.Match[str]) -> int:
    """The value of a _BRACKETED_NUMBER: its digits, its Chinese numeral's ("（二）" 2) or its character's ("②", "⑵", "❷", "㈡":
    2; _NUMBER_CHARACTERS)."""
    if number[2]:
        return _NUMBER_CHARACTERS[number[2]]
    digits = number[1] or number[3]
    return int(digits) if digits.isdigit() else numeral_value(digits)


def _numbers_as_lines(answer: str) -> str:
    """Each item's number (NUMBERING_ZH) as a line break, or dropped after a colon, but for a number inside brackets, which
    is a remark's ("开心（强度 3）紧张", happy (intensity 3) nervous: its "3）" closes the remark, no list's item)."""
    pieces, at, depth = [], 0, 0  # depth: the brackets open on the line so far
    for number in NUMBERING_ZH.finditer(answer):
        before = answer[at:number.start()]
        depth = _depth_after(before, depth)
        pieces += [before, number[0] if depth else number[1] or "\n"]
        depth, at = _depth_after(number[0], depth), number.end()
    return "".join(pieces) + answer[at:]


def _depth_after(text: str, depth: int) -> int:
    """The brackets left open after ``text``, ``depth`` of them open before it; a line break closes them all."""
    if "\n" in text:
        depth, text = 0, text[text.rindex("\n") + 1:]
    for bracket in _BRACKET.findall(text):
        depth = depth + 1 if bracket in "(\uff08" else max(0, depth - 1)
    return depth


def _one_white(run: re.Match[str]) -> str:
    """A run of white space as the one character that says as much: a line break if it holds one, else a tab if it holds one
    (both separate words), else a space."""
    return "\n" if "\n" in run[0] or "\r" in run[0] else "\t" if "\t" in run[0] else " "


def _owned_words(text: str) -> list[str]:
    """The words of what follows a possessive ("happiness is obvious" -> happiness, "joy and relief" -> joy, relief, "anger,
    strong and sad" -> anger, sad), or
    none when any item is no single word or names an aspect or no feeling ("face lights up", "tone", "expressions and body
    movements indicate ...", "reaction: surprise", "smile"): then the answer is a sentence, read as any other."""
    words, rejected, _ = _read_list(_SHOWN.sub("", text, count=1))
    # a word saying the owned word shows, before another word ("anger, strong and sad"): no word of its own
    words = words[:1] + [word for word in words[1:] if not re.fullmatch(_SHOWN_WORD, word, re.IGNORECASE)]
    if rejected or any(len(_GRADE.sub("", word).split()) > 1 or _ASPECT.search(word) or _NOT_A_FEELING.search(word)
                       or word in _DESCRIBING for word in words):
        return []
    return words


def _without_field_scores(line: str) -> str:
    """A line without its fields' and headings' numbers ("Confidence: 0.9", "Intensity: 8/10 - strong"), keeping words'
    scores for _SCORE to read ("happy: 0.9" -> "happy"); a field name that names a feeling too is a word's in a line scoring
    other words ("Pride: 0.9, Confidence: 0.8": pride, confidence, as {"pride": 0.9, "confidence": 0.8} reads)."""
    scores_words = any(not _names_field(item[1]) for item in _FIELD_SCORE.finditer(line))
    return _FIELD_SCORE.sub(lambda item: item[0] if not _names_field(item[1]) or (scores_words and item[1].lower() in _FIELD_FEELINGS)
                            else "", line)


def _names_field(head: str) -> bool:
    """Whether an item's head names a field or heading ("Confidence", "Confidence level", "Video", "强度" intensity), no word."""
    return bool(_FIELD_HEAD.match(_head_noun(head)) or _ASPECT.search(head) or ASPECT_ZH.search(head))


def _field_on_one_line(line: re.Match[str]) -> str:
    """A field's head alone on its line and its value on the next, as one line ("Intensity:\nhigh" -> "Intensity: high") when
    the head names a property of the answer (_FIELD_HEAD, FIELD_ZH; not the answer itself: "Mood:\nhappy") and the value
    is a level or a number, also as a list's first item ("1. high", "7 - moderate"; not "Ranked by intensity:\n1. happy" or
    "Intensity:\n8 - anger\n3 - sadness", whose numbers number or score the list's words); else as it is."""
    head, value = line[2], _FIELD_LINE_NUMBER.sub("", line[3].strip(" .!\u3002\uff01"))
    field = (_FIELD_HEAD.match(_head_noun(head)) and not _ANSWER_HEAD.match(_head_noun(head))) or FIELD_ZH.search(head)
    if field and (_SAID_PRESENT.match(value) or re.match(r"[-+]?\d", value)):
        return f"{line[1]} {line[3].lstrip()}"
    return line[0]


def _hyphen_as_colon(item: re.Match[str]) -> str:
    """An item's spaced hyphen or dash as a colon when it follows a field or heading ("Mood - happy", "Intensity - high",
    "Primary emotion - happy", "Note - based on ...") or precedes a checklist value ("Happy - yes", "Angry - absent", "Sad –
    no", "Sad - not at all") or a Chinese clause ("开心 - 她在笑"), so the rules for those read it as they read "Mood: happy"
    or "Happy: yes"; else as it is, a separator ("Surprise - shock", "Calm - not angry": two words)."""
    head, value = item[2], item[3].strip(" .!")
    if (_FIELD.match(head.lower() + ":") or _FIELD_HEAD.match(_head_noun(head)) or _ASPECT.search(head) or _SAID_PRESENT.match(value)
            or _EXPLAINED_ABSENT.match(value) or (_SAID_ABSENT.match(value) and not value.lower().startswith("not "))
            or CLAUSE_ZH.search(value)):
        return f"{item[1]}{head}: {item[3]}"
    return item[0]


def _checklist_stop(item: re.Match[str]) -> str:
    """A word's checklist item's full stop as a line break ("Happy: a little. Sad: a lot." as "Happy: a little" and
    "Sad: a lot." on two lines), its dash as a colon ("Happy - a little." as "Happy: a little", wherever the item stands); a
    field's or heading's with a short value ("Mood: low.", "Emotion: happy.") as a line break too, its separator as it is;
    one with a longer value ("Emotion: the man is happy.") or any other value ("Happy: she smiles.") as it is."""
    value = item[3].strip()
    if _FIELD.match(item[2].lower() + ":") or _names_field(item[2]) or _ANSWER_HEAD.match(_head_noun(item[2])):
        # "Emotion: happy. Confidence: high.": a field's short value ends its item too, its separator as it is
        return f"{item[1]}\n" if len(value.split()) <= MAX_WORDS_PER_LABEL else item[0]
    if not _is_checklist_value(value):
        return item[0]
    return f"{item[1][: item.start(2) - item.start(1)]}{item[2]}: {item[3]}\n"


def _explained_word(line: re.Match[str]) -> str:
    """A line explaining a word as the word ("Happy: the person smiles" -> "Happy"), denied when the line says it is not
    there ("Sad: not at all, she smiles" -> "not Sad"); a field name or heading's line as it is; a checklist on one line as
    its first word and the rest, which the list rules read ("Happy: a little, Sad: not at all" -> "Happy, Sad: not at all")."""
    if _FIELD.match(line[2] + ":") or _FIELD_HEAD.match(_head_noun(line[2])) or _ASPECT.search(line[2]):
        return line[0]
    explanation = line[0][line.end(1) - line.start(0):].lstrip(" \t:-")
    checklist = _CHECKLIST_LINE.match(explanation)
    value = checklist[1].rstrip(" \t.!") if checklist else ""
    if checklist and (_SAID_PRESENT.match(value) or _SAID_ABSENT.match(value)):  # "Happy: a little, Sad: a lot"
        word = ("not " if _SAID_ABSENT.match(value) else "") + line[2]
        return line[1][: line.start(2) - line.start(0)] + word + checklist[2] + checklist[3]  # the rest read as a list
    if _EXPLAINED_ABSENT.match(explanation):  # "1. Sad: not at all" -> "1. not Sad"
        return line[1][: line.start(2) - line.start(0)] + "not " + line[2]
    return line[1]


def _is_checklist_value(value: str) -> bool:
    """Whether ``value`` says whether (or how strongly) a checklist's word is felt ("yes", "no", "high", "none", "是"), as
    _around_colon reads it after "Happy:"; a JSON object of only such values under words is read as that checklist."""
    value = value.strip(" .!\u3002\uff01")
    return bool(_SAID_PRESENT.match(value) or _SAID_ABSENT.match(value))


def _says_none(text: str) -> bool:
    """An explicit "no emotion" answer ("none", "N/A", "[none]")."""
    return text.lower().strip("[]() ") in _NONE_ANSWERS


def _read_list(body: str) -> tuple[list[str], int, int]:
    """The words of a list, and how many of its items were not words (clauses, noise) or were denied."""
    words: list[str] = []
    seen: set[str] = set()
    rejected = denied = 0
    # "开心。难过": a list; "她看起来很开心。她在笑。" (she looks happy. she laughs.), "开心。原因是笑容。": sentences
    if not CLAUSE_ZH.search(body) and _stops_part_words(body):
        body = STOP_BETWEEN_WORDS_ZH.sub("\uff0c", body)
    for part in [part for item in parse_labels(body) for part in _around_colon(_FIELD.sub("", item))]:
        if _NOT_A_LABEL.match(part.replace("\u2019", "'")):  # a clause: "the person is happy and relieved" is no list
            rejected += 1
            continue
        shown = False  # a "with" phrase read: the pieces joined to it say how the word shows too ("with wide eyes and an open mouth")
        pieces = _pieces(part)
        for index, piece in enumerate(pieces):
            piece = piece.strip(_PIECE_EDGES)
            piece = UNSHOWN_ZH.sub("", piece).rstrip(_PIECE_EDGES)  # "开心但不明显", "开心。但不明显": 开心
            if not piece or piece in _NO_WORD_ALONE:  # "happy, sad, and", "happy, maybe", "开心，但是"
                continue
            piece = OPENER_ZH.sub("", _AFFIRMED.sub("", piece))
            while (unhedged := _HEDGE.sub("", piece, count=1)) != piece:  # "maybe a hint of sadness"
                piece = unhedged
            if index + 1 < len(pieces) and piece.startswith("both ") and len(_GRADE.sub("", piece[5:]).split()) == 1:
                piece = piece[5:]  # "both happy and sad"; not "both individuals seem happy and calm", whose "both" is a subject
            if _GRADE.sub("", piece) in _DESCRIBING_ONLY:  # "happy, mixed", "very mixed", "complex": it names no emotion
                continue
            label = piece.replace("\u2019", "'")
            if not _WORD_CHARS.match(piece) or _NOT_A_LABEL.match(label) or UNSURE_ZH.match(piece):
                rejected += 1
            elif piece in _NONE_ANSWERS or _DENIED.match(label) or DENIED_ZH.match(piece):
                denied += 1
            elif len(_GRADE.sub("", piece).split()) > MAX_WORDS_PER_LABEL or len(HAN_CHARACTER.findall(piece)) > MAX_HAN_PER_LABEL:
                rejected += 1
            elif _shows_how(piece) or (shown and _shows_how("with " + piece)):  # "tired, with weary eyes": how the word shows
                shown = True
            elif piece not in seen:
                seen.add(piece)
                words.append(piece)
    return words, rejected, denied


def _shows_how(piece: str) -> bool:
    """Whether a list item is a "with" phrase naming a face, voice, body part or what it does ("with weary eyes", "with
    furrowed brows", "with a frown"): it describes how the word before it shows, no word (and, short enough to pass for
    one, no noise either; a longer one is noise as before). One naming neither ("with regret", "with some anxiety") reads
    as before."""
    words = piece.split()
    return words[0] == "with" and any(re.fullmatch(_BODY_PART, word) or _ASPECT.fullmatch(word)
                                      or (_NOT_A_FEELING.fullmatch(word) and not word.endswith("ing")) for word in words[1:])


def _around_colon(item: str) -> list[str]:
    """An item as the words on each side of its colon ("anxious: nervous" -> "anxious", "nervous"), or whole when what is
    before the colon is no word ("mood: happy", "facial expression: smiling" stay one item, no word), or as nothing when a
    field's value is a level ("intensity: high": no word, and no noise beside the answer's words); a checklist's value
    after a word is no word ("happy: yes" -> "happy", "sad: no" -> "not sad"), nor is a Chinese clause explaining it ("开心：她在笑"
    -> "开心")."""
    head = _HEADED.match(item)
    if head and _ANSWER_HEAD.match(_head_noun(head[1])):  # "mood: happy", "primary mood: happy", "result: 1. happy"
        return [_LIST_NUMBER.sub("", item[head.end():])]
    if (head and (_FIELD_HEAD.match(_head_noun(head[1])) or FIELD_ZH.search(head[1]))
            and _SAID_PRESENT.match(item[head.end():].strip(" .!\u3002\uff01"))):
        return []  # "intensity: high", "confidence: very high", "强度：高": a property of the answer, no word and no noise
    if not head or _names_field(head[1]) or _NOT_A_LABEL.match(head[1].replace("\u2019", "'")):
        return [item]
    value = item[head.end():].strip(" .!\u3002\uff01")
    if _SAID_PRESENT.match(value) or CLAUSE_ZH.search(value):  # "happy: yes", "开心：她在笑" (she laughs)
        return [head[1]]
    if _SAID_ABSENT.match(value):  # "sad: no"
        return ["not " + head[1]]
    return [head[1], item[head.end():]]


def _head_noun(head: str) -> str:
    """The last word of a line's head, lower-cased, which says what the head names: "Confidence level" -> "level",
    "Primary mood" -> "mood"."""
    return re.split(r"[ '-]", head.lower())[-1]


_ITEM_SEPARATOR = re.compile("[,;:\n\uff0c\u3001\uff1b]")


def _stops_part_words(body: str) -> bool:
    """Whether each full stop between Chinese words (STOP_BETWEEN_WORDS_ZH) parts items of a word's length (MAX_HAN_BY_STOP),
    a denial or a non-answer ("开心。难过。", "平静。没有特别的情绪波动。"), not a sentence ("开心。原因是笑容。" happy. the reason is
    the smile.), which such a full stop ends."""
    pieces = STOP_BETWEEN_WORDS_ZH.split(body)
    items = [_LIST_NUMBER.sub("", item.strip()) for before, after in zip(pieces, pieces[1:])
             for item in (_ITEM_SEPARATOR.split(before)[-1], _ITEM_SEPARATOR.split(after, maxsplit=1)[0])]  # "1. 开心。2. 难过"
    return all(len(OPENER_ZH.sub("", item)) <= MAX_HAN_BY_STOP or DENIED_ZH.match(item) or UNSURE_ZH.match(item) for item in items)


def _pieces(part: str) -> list[str]:
    """The words one item joins ("happy and relieved"), a contrasted word denied ("calm rather than angry": "not angry")
    and a denial carried on by "or" ("not angry or sad": "not sad" too); Chinese too ("开心和兴奋", "没有愤怒或悲伤")."""
    part = JOINER_ZH.sub(lambda joiner: " or " if joiner[0] in OR_ZH else " and ", part)
    split = _JOINED.split(_CONTRAST.sub(" but not ", part).strip())
    pieces = [split[0]]
    for joiner, piece in zip(split[1::2], split[2::2]):
        before = pieces[-1]
        if joiner.strip() in ("or", "nor") and (_DENIED.match(before) or DENIED_ZH.match(before)) and not _AFFIRMED.match(before):
            piece = "not " + piece
        pieces.append(piece)
    return pieces


def _is_symbol(ch: str) -> bool:
    """An emoji or pictograph beside a word ("happy 😊"), or the joiner and variation marks that build one."""
    return unicodedata.category(ch) == "So" or ch in "\u200d\ufe0f\ufe0e" or 0x1F3FB <= ord(ch) <= 0x1F3FF


def strip_thinking(text: str) -> str:
    """``text`` without a reasoning model's ``<think>`` block (an unfinished one runs to the end), stripped."""
    return _THINK.sub(" ", text).strip()


def without_unfinished_word(text: str) -> str:
    """An answer cut off by the token limit without its thinking and its last item, which may be a word cut in two
    (``"happy, relieved, exci"`` -> ``"happy, relieved,"``); an item closed by a quote or bracket is kept."""
    text = strip_thinking(text)
    return text if text.endswith(('"', "'", "]", "}", ")")) else _LAST_ITEM.sub("", text)


def readable_answer(text: str, cut: bool | None, labels: bool) -> str | None:
    """The part of an answer to read: all of it; or, ``cut`` off at the token limit, without its thinking and (asked for
    ``labels``) its unfinished last word ("happy, exci"); None when nothing is left ("happ", "<think>...")."""
    if not cut:
        return text
    kept = without_unfinished_word(text) if labels else strip_thinking(text)
    return kept if kept.strip() else None


def cut_off_error(token_limit: str | None, labels: bool) -> str:
    """The error of an answer cut off at ``token_limit`` (``"max_tokens=64"``) with nothing readable left
    (:func:`readable_answer` None): no emotion word (``labels``), or no description."""
    name = token_limit.partition("=")[0] if token_limit else "the judge's token limit"
    return (f"the answer was cut off at {token_limit or 'the token limit'} before any {'emotion word' if labels else 'description'} "
            f"(a reasoning model's thinking counts too); raise {name}")


def verdict_from_answer(judge: str, clip: str, text: str, mode: str, seconds: float = 0.0, token_limit: str | None = None,
                        cut: bool | None = None) -> Verdict:
    """One model answer read as the judge's ``mode`` asks: emotion words (or a parse error), or, in
    ``"describe"`` mode, a description without the model's thinking (none left: an error).

    An answer ``cut`` off at ``token_limit`` is read as :func:`readable_answer` leaves it (nothing left:
    :func:`cut_off_error`); ``raw`` keeps it as given. An error says what to do (:func:`answer_error_hint`, which takes
    ``token_limit`` and ``cut``)."""
    readable = readable_answer(text, cut, labels=mode != "describe")
    if readable is None:
        verdict = Verdict.failed(judge, clip, cut_off_error(token_limit, labels=mode != "describe"), seconds=seconds, raw=text)
    else:
        verdict = _read_answer(judge, clip, readable, mode, seconds, token_limit, cut)
        verdict.raw = text  # as the model gave it, cut or not
    verdict.reading = {"parser": PARSER_VERSION, "mode": mode, "token_limit": token_limit, "cut": cut}
    return verdict


def _read_answer(judge: str, clip: str, text: str, mode: str, seconds: float, token_limit: str | None, cut: bool | None) -> Verdict:
    """:func:`verdict_from_answer` of the part of the answer to read."""
    if mode == "describe":
        description = strip_thinking(text)
        if not description:
            return Verdict.failed(judge, clip, answer_error_hint("empty description", text, token_limit, cut), seconds=seconds, raw=text)
        return Verdict(judge=judge, clip=clip, raw=text, description=description, seconds=seconds)
    words, error = words_from_answer(text)
    error = None if error is None else answer_error_hint(error, text, token_limit, cut)
    return Verdict(judge=judge, clip=clip, words=words, raw=text, seconds=seconds, error=error)


def answer_error_hint(error: str, text: str, token_limit: str | None = None, cut: bool | None = None) -> str:
    """:func:`words_from_answer`'s ``error`` on ``text`` (or "empty description") with what to do about it, naming the
    option that does it: a model stopped while thinking needs more tokens; one that thought and then said nothing ran
    out of tokens or does not answer after thinking; one that gave no text, or no emotion words, does not follow the
    prompt (not a chat/instruct model), or was cut short.

    ``token_limit`` is the judge's option that bounds the answer, as the user sets it (``"max_new_tokens=48"``; None: it
    has none); ``cut`` whether the answer was cut off there: True or False as the engine told (an OpenAI
    ``finish_reason``, LMDeploy's; a transformers answer that ran to the limit without an end-of-sequence token), None
    when not known (a generate() that returns plain text; a checkpoint whose generation config names no end-of-sequence
    token)."""
    name = token_limit.partition("=")[0] if token_limit else "the judge's token limit"
    at = f" at {token_limit}" if token_limit and cut is not False else ""
    if any(not block[1] for block in _THINK.finditer(text)):  # a <think> never closed: the tokens ran out while thinking
        now = f" (now {token_limit.partition('=')[2]})" if token_limit and cut is False else ""
        return f"{error}; the model was still thinking when it stopped{at} (its <think> block never closed): raise {name}{now}"
    if error.startswith("empty") and _THINK.search(text):  # a closed <think> block, then nothing after </think>
        said = f"{error}; the model's answer after its </think> was empty"
        if cut:
            return f"{said}: its thinking used up {token_limit or name}: raise {name}"
        if cut is False:
            return f"{said}, not cut off{' at ' + token_limit if token_limit else ''}: check that the model answers the prompt after its thinking"
        return f"{said}: raise {name} if its thinking used it up{at}, or check that the model answers the prompt after its thinking"
    if error.startswith("empty"):
        return f"{error}; the model gave no text: check that the judge's model is a chat (instruct) model that takes its input"
    hint = f", or raise {name} if the answer was cut off{at}" if token_limit and cut is not False else ""
    return (f"{error}; it names no emotion words: check that the model follows the prompt (a comma-separated list of emotion "
            f"words; a chat/instruct model does){hint}")
