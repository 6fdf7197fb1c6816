"""One spelling per emotion word, so that judges who say the same thing vote for the same word.

Three steps, each only as aggressive as the emotion wheel allows:

1. cleaning: invisible characters (zero-width space, soft hyphen, controls) dropped,
   Unicode NFKC, lower case, underscores to spaces, whitespace squeezed,
   surrounding quotes/punctuation and a leading article stripped;
2. word forms: a form of the wheel's ``format.csv`` (``happy``, ``angrily``) becomes its
   label lemma, the alphabetically first label as the official metric picks it, but only
   when every EW metric scores the lemma exactly as the form (otherwise the form stays:
   ``excited`` would become ``excitable``, which three wheels put in another class);
3. out-of-vocabulary words: leading intensity or hedge words (``slightly``, ``very``,
   ``a bit``, ``possibly``, ``feeling``...) are dropped and a light suffix lemmatiser
   (-ness, -ly, -ed, -ing, -ment, -ful, -ion, -ity, plural -s/-es) is tried, then, for a British
   spelling the vocabulary lacks (``honoured``, ``criticised``, ``paralyse``), the American one; a
   result is kept only if it is in the vocabulary, else the cleaned word stays as it is.
"""
from __future__ import annotations

import bisect
import os
import re
import unicodedata
from collections.abc import Iterator

from calibration.emotion_wheel import METRIC_NAMES, EmotionWheel, load_wheel

__all__ = ["WordNormalizer"]

_ARTICLES = ("a ", "an ", "the ")
#: Leading words that grade or hedge an emotion without changing which one it is.
#: Deliberately absent: negations and polarity words ("not", "low", "lack of", "no").
_MODIFIERS = tuple(
    sorted(
        (
            "a little bit ", "a little ", "a bit ", "a tad ", "a touch of ", "a sense of ",
            "kind of ", "sort of ", "slightly ", "slight ", "very ", "really ", "quite ",
            "rather ", "somewhat ", "extremely ", "highly ", "high ", "deeply ", "deep ",
            "mildly ", "mild ", "truly ", "so ", "too ", "totally ", "completely ", "fairly ",
            "pretty ", "incredibly ", "intensely ", "intense ", "overly ", "super ", "strongly ",
            "strong ", "mostly ", "possibly ", "probably ", "perhaps ", "maybe ", "seemingly ",
            "apparently ", "emotionally ", "emotional ", "inner ", "feeling ", "feelings of ", "feeling of ", "feels ",
            "being ", "looking ", "seems ", "sense of ", "signs of ",
        ),
        key=len,
        reverse=True,
    )
)
#: (suffix, replacement) rules of the lemmatiser, tried in this order; stems shorter than 3 are refused.
_SUFFIX_RULES = (
    ("iness", "y"), ("ness", ""), ("fulness", "ful"),
    ("ily", "y"), ("ably", "able"), ("ibly", "ible"), ("ly", ""),
    ("ied", "y"), ("ed", ""), ("ed", "e"),
    ("ing", ""), ("ing", "e"),
    ("ment", ""), ("ful", ""),
    ("sion", "se"), ("ation", "ate"), ("ation", "ative"), ("ion", ""), ("ion", "e"),
    ("ity", "e"), ("ity", ""),
    ("ies", "y"), ("es", ""), ("s", ""),
)
#: British spellings and their American ones, tried last, for words the vocabulary spells the American way only.
_BRITISH = (
    (re.compile(r"our(?=(?:ed|ing|s|able|ably|ful|less|ite|ly)?\b)"), "or"),  # honoured, humour
    (re.compile(r"(?<=\w\w)is(?=(?:e|ed|es|ing|ation|ations)\b)"), "iz"),  # criticised, demoralising
    (re.compile(r"ys(?=(?:e|ed|es|ing)\b)"), "yz"),  # paralysed
)
_NEGATIONS = ("not ", "no ", "non-", "non", "out of ", "lack of ", "without ", "un", "dis", "in", "im", "ir", "il", "mis")
_NEUTRAL_PREFIXES = ("in ", "with ", "full of ")
_DOUBLED = re.compile(r"([bdgklmnprt])\1$")
#: The most characters the lemmatiser takes off a word, two rules deep: a rule takes at most 4 (``-ness``, ``-ment``,
#: ``-iness`` -> ``y``, ``-fulness`` -> ``ful``) and a doubled final consonant undone 1 more.
_LEMMATISER_SHORTENS = 10
_APOSTROPHES = str.maketrans({"'": "\u2019", "\u2018": "\u2019", "`": "\u2019", "\u02bc": "\u2019"})
_SPACES = re.compile(r"\s+")
_HYPHEN_SPACES = re.compile(r"\s*-\s*")
_REPEATED_PUNCT = re.compile(r"([^\w\s])\1+")
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Characters that show nothing and are no letter: control codes (not spacing), the soft hyphen, zero-width
#: space, direction marks, word joiner, byte-order mark. Zero-width (non-)joiners are kept inside emoji.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _readings(word: str) -> list[tuple[bool, str]]:
    """(positive?, root) readings of ``word``: as it is, and without a leading/trailing negation if it has one."""
    found = [(True, word)]
    for prefix in _NEGATIONS:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            found.append((False, word[len(prefix):]))
    for prefix in _NEUTRAL_PREFIXES:
        if word.startswith(prefix):
            found.append((True, word[len(prefix):]))
    if word.endswith("less") and len(word) > 6:
        found.append((False, word[:-4]))
    return found


def _american(word: str) -> str:
    """``word`` in American spelling (``honoured`` -> ``honored``, ``criticised`` -> ``criticized``); else ``word``."""
    for british, american in _BRITISH:
        word = british.sub(american, word)
    return word


def _same_stem(a: str, b: str) -> bool:
    shared = len(os.path.commonprefix([a, b]))
    return shared >= 3 and shared >= 0.75 * min(len(a), len(b))


def _is_edge_junk(ch: str) -> bool:
    """Punctuation, quotes, separators and zero-width joiners that may surround a word (emoji and letters are kept)."""
    return ch.isspace() or ch in "\u200c\u200d" or unicodedata.category(ch)[0] in "PZ"


class WordNormalizer:
    """Map a judge's emotion word to one canonical spelling in (or near) the emotion-wheel vocabulary.

    >>> norm = WordNormalizer()
    >>> norm.normalize("  Angrily! "), norm.normalize("slightly anxious"), norm.normalize("tension")
    ('anger', 'anxiety', 'tense')
    >>> norm.normalize("gratitude"), norm.in_vocabulary("gratitude")
    ('gratitude', False)

    Never raises on odd input: ``None``, numbers, emoji or Chinese come back cleaned.
    """

    def __init__(self, wheel: EmotionWheel | None = None) -> None:
        self.wheel = wheel if wheel is not None else load_wheel()
        self._lemma: dict[str, str] = {}
        self._canonical: dict[str, str] = {}
        lookups = [self.wheel.lookup(m) for m in METRIC_NAMES]
        for form, labels in self.wheel.form_to_labels.items():
            lemma = sorted(labels)[0]
            self._lemma[form] = lemma
            same = all(table.get(form) == table.get(lemma) for table in lookups)
            self._canonical[form] = lemma if same else form
        self._longest = max(map(len, self._canonical), default=0)
        self._memo: dict[str, str] = {}

    # -- public ------------------------------------------------------------------
    def normalize(self, word: object) -> str:
        """The canonical spelling of ``word``: a vocabulary word when one is found, else ``word`` cleaned."""
        text = self.clean(word)
        found = self._memo.get(text)
        if found is None:
            found = self._resolve(text)
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[text] = found
        return found

    def in_vocabulary(self, word: object) -> bool:
        """Whether ``word`` normalises to a form the EW metric understands."""
        return self.normalize(word) in self._canonical

    def lemma(self, word: object) -> str | None:
        """The metric's label for ``word`` (alphabetically first of its ``format.csv`` labels), or ``None``."""
        return self._lemma.get(self.normalize(word))

    @staticmethod
    def contradicts(word: str, other: str) -> bool:
        """Whether one word negates the other (``rational``/``irrational``, ``help``/``helpless``,
        ``in control``/``out of control``); ``discomfort``/``uncomfortable`` agree. Used to refuse
        guessed matches, which embeddings and suffix rules both get wrong for antonyms."""
        return any(
            pos_a != pos_b and _same_stem(root_a, root_b)
            for pos_a, root_a in _readings(word)
            for pos_b, root_b in _readings(other)
        )

    @staticmethod
    def clean(word: object) -> str:
        """``word`` lower-cased with spacing, quotes, punctuation and a leading article tidied."""
        if word is None:
            return ""
        text = _SURROGATES.sub("", str(word))  # half an emoji (a cut "\\ud83d" escape): no text can be stored or embedded with it
        text = _INVISIBLE.sub("", text)  # "hap\\u200bpy" (pasted from a web page) reads as "happy"
        text = unicodedata.normalize("NFKC", text).lower().replace("_", " ")
        text = text.translate(_APOSTROPHES)
        start, end = 0, len(text)
        while start < end and _is_edge_junk(text[start]):
            start += 1
        while end > start and _is_edge_junk(text[end - 1]):
            end -= 1
        text = _SPACES.sub(" ", text[start:end])
        text = _HYPHEN_SPACES.sub("-", text)
        text = _REPEATED_PUNCT.sub(r"\1", text)
        for article in _ARTICLES:
            rest = text[len(article):]
            if text.startswith(article) and rest and not any(text.startswith(m) for m in _MODIFIERS):
                return rest
        return text

    # -- resolution ---------------------------------------------------------------
    def _resolve(self, text: str) -> str:
        for candidate in self._candidates(text):
            canonical = self._canonical.get(candidate)
            derived = candidate != text  # the word itself, found, is first: a later candidate equal to it was no find
            if canonical is not None and not (derived and self.contradicts(candidate, self._lemma[candidate])):
                return canonical
        return text

    def _candidates(self, text: str) -> Iterator[str]:
        """Spellings to look up, most faithful first: the word, its hyphen variants, without modifiers, lemmatised, and
        last in American spelling.

        The words left as each leading modifier is dropped are ends of ``text``, found by where they start; one is made,
        and looked up, only if some spelling made of it could be as short as the vocabulary's longest form (a hyphen or a
        British ``our`` takes a character off, the lemmatiser at most :data:`_LEMMATISER_SHORTENS`), so that a long word (40 KB
        of "very very ... happy") costs time linear in its length, where a copy of it for each modifier, each spelled the
        American way, would be quadratic."""
        starts = [0]
        while True:
            head = next((m for m in _MODIFIERS if text.startswith(m, starts[-1])), None)
            if head is None or len(text) - starts[-1] <= len(head):
                break
            starts.append(starts[-1] + len(head))
        hyphens = [m.start() for m in re.finditer("-", text)]
        ours = [m.start() for m in re.finditer("our", text)]

        def may_be_found(start: int) -> bool:
            shortened = max(len(hyphens) - bisect.bisect_left(hyphens, start), len(ours) - bisect.bisect_left(ours, start))
            return len(text) - start - shortened - _LEMMATISER_SHORTENS <= self._longest

        stripped = [text[start:] for start in starts if may_be_found(start)]
        for variant in stripped:
            yield variant
            if "-" in variant:
                yield variant.replace("-", " ")
                yield variant.replace("-", "")
            elif " " in variant:
                yield variant.replace(" ", "-")
        for variant in stripped:
            yield from self._lemmatise(variant)
        for variant in stripped:  # "honoured" -> "honored", only if nothing above is in the vocabulary
            american = _american(variant)
            if american != variant:
                yield american
                yield from self._lemmatise(american)

    @staticmethod
    def _lemmatise(word: str) -> Iterator[str]:
        """Stems of ``word`` by the suffix rules, one or two rules deep (``hopefulness`` -> ``hopeful`` -> ``hope``)."""
        frontier = [word]
        for _ in range(2):
            following = []
            for current in frontier:
                for suffix, replacement in _SUFFIX_RULES:
                    if not current.endswith(suffix) or current.endswith("ss") and suffix == "s":
                        continue
                    stem = current[: -len(suffix)]
                    if len(stem) < 3:
                        continue
                    candidates = [stem + replacement]
                    # a doubled final consonant is undone only with nothing added: stopped -> stop,
                    # never hopping -> hope or scarred -> scare
                    if not replacement:
                        candidates.append(_DOUBLED.sub(r"\1", stem))
                    for candidate in candidates:
                        if candidate not in following:
                            following.append(candidate)
            yield from following
            frontier = following
