"""Emotion words in a free-text description, found by dictionary look-up: no LLM, deterministic, fast.

Stage two of a two-stage judge turns a clue description into emotion words;
OV-MER does it with an LLM. This does it with the emotion wheel's own
vocabulary (every word form the EW metric understands, multi-word ones like
"at a loss" included), matching the longest form first and dropping negated
mentions ("not angry", "no sign of fear", "without anxiety").
"""
from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from judges.base import Judge
from judges.clip import Clip
from judges.clip_hash import identity_hash
from judges.errors import InputError
from judges.negation import BOUNDARY_PUNCTUATION, NEGATION_RULES, NEGATORS, NegationScope
from judges.option_values import is_whole_number
from judges.outputs import read_reasons
from judges.registry import register_judge
from judges.verdict import Verdict

__all__ = ["LexicalExtractor", "tokenize", "DEFAULT_STOPLIST"]

_TOKEN = re.compile(r"[a-z]+(?:['\-][a-z]+)*|[.,;:!?()\[\]\"]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u2010": "-", "\u2011": "-", "\u2013": "-"})

#: Word forms in the wheel vocabulary (whose word-form table is generous) that in
#: descriptions nearly always have a non-emotion sense: "emotional state",
#: "subtitle content", "facial expression", "it is important", "lost in thought".
#: Chosen by reading the forms most often matched in dev-split descriptions;
#: on the dev split it lifts mean l1_f over 37 runs from 45.8 (no stoplist) to
#: 47.8 (see benchmarks/lexical_vs_llm.py).
DEFAULT_STOPLIST = frozenset(
    """
    emotion emotions emotional emotionally content
    facial face faces information observation observations observe observed observing noticed see seen
    person personal personality member members
    determine determining discern analyze analyzing analyzed evaluation expert expertise knowledge
    knowledgeable insight insights recognize perceived impression reveal reveals revealing aware
    speaking speech related relevant including includes include involve involves involving involved
    involvement associated regarding depending available current currently
    might sense thought thoughts question questions focus focuses focused focusing facing distance slight bit
    going go goes living live lives use used uses using help helps please believe believes believed
    believing leave left leaving receiving received thank affect affecting influence influenced
    influencing break attending covering responding respond means meaning mean complete rely active
    actively values avoid achieve open opens opening cast move moves moving throws refused overcome
    fulfill support supports supporting supported important importance significant significance
    essential crucial valuable worth certain certainly certainty illness injury injured warm warmth
    sharp dynamic lowered shaking shakes resting
    """.split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case words (hyphens and apostrophes kept inside) and clause punctuation, in order.

    >>> tokenize("She isn't angry, but light-hearted.")
    ['she', "isn't", 'angry', ',', 'but', 'light-hearted', '.']
    """
    return _TOKEN.findall(text.lower().translate(_APOSTROPHES))


@register_judge("lexical")
class LexicalExtractor(Judge):
    """Finds emotion words in descriptions with the emotion-wheel vocabulary, negation-aware.

    As stage two, :meth:`extract` turns one description into a verdict. As a
    judge, it reads each clip's description by name from a stored
    ``*-reason.jsonl`` (``path``) and extracts from it. Words come out as the
    vocabulary spells them, once each, in order of first mention;
    ``Verdict.scores`` holds each word's share of the mentions.

    >>> ex = LexicalExtractor(vocabulary=["angry", "sad", "at a loss"])
    >>> ex.extract_words("Not angry at all; sad and at a loss. Sad again.")
    ['sad', 'at a loss']
    """

    modalities = frozenset({"text"})

    def __init__(
        self,
        name: str = "lexical",
        path: str | Path | None = None,
        descriptions: Mapping[str, str] | None = None,
        vocabulary: Iterable[str] | None = None,
        wheel_dir: str | Path | None = None,
        stoplist: Iterable[str] = DEFAULT_STOPLIST,
        negation_window: int = 3,
    ):
        if path is not None and descriptions is not None:
            raise InputError("lexical extractor: give path= (a *-reason.jsonl) or descriptions=, not both")
        if not is_whole_number(negation_window) or negation_window < 0:
            raise InputError(f"negation_window={negation_window!r}: give a whole number of words >= 0, e.g. 3")
        self.name = name
        self.path = None if path is None else str(path)
        self.wheel_dir = None if wheel_dir is None else str(wheel_dir)
        self.stoplist = frozenset(w.lower() for w in stoplist)
        self.negation = NegationScope(window=int(negation_window))
        self._descriptions = dict(descriptions) if descriptions is not None else read_reasons(path) if path is not None else None
        # what it serves, not just where from: a description file rewritten at the same path is another run's
        self._descriptions_sha256 = None if self._descriptions is None else identity_hash(
            {str(name): None if text is None else str(text) for name, text in self._descriptions.items()})
        self._table, self._longest = self._build_table(vocabulary if vocabulary is not None else self._wheel_forms())
        # the forms themselves, not their count: another vocabulary of the same size must not replay cached verdicts
        self._vocabulary_sha256 = hashlib.sha256("\n".join(sorted(set(self._table.values()))).encode("utf-8")).hexdigest()

    # -- the vocabulary --------------------------------------------------------
    def _wheel_forms(self) -> list[str]:
        from calibration.emotion_wheel import load_wheel

        return load_wheel(self.wheel_dir).vocabulary

    def _build_table(self, forms: Iterable[str]) -> tuple[dict[tuple[str, ...], str], int]:
        """Token tuple -> the form as the vocabulary spells it; stoplisted forms left out."""
        table: dict[tuple[str, ...], str] = {}
        for form in forms:
            form = str(form).strip().lower()
            key = tuple(t for t in tokenize(form) if t not in BOUNDARY_PUNCTUATION)
            if key and form not in self.stoplist:
                table.setdefault(key, form)
        if not table:
            raise InputError("lexical extractor: the vocabulary is empty; check the emotion-wheel folder (format.csv)")
        return table, max(len(k) for k in table)

    # -- extraction --------------------------------------------------------------
    def count_words(self, text: str | None) -> Counter[str]:
        """Each vocabulary word mentioned (not negated) in ``text``, with its number of mentions, in order."""
        counts: Counter[str] = Counter()
        if not text:
            return counts
        tokens = tokenize(text)
        negated = self.negation.negated(tokens)
        i = 0
        while i < len(tokens):
            form, length = self._match_at(tokens, i)
            if form is None:
                i += 1
                continue
            # A lone negator that is also a form ("lacking", "free") negates; "no words" is a form.
            if not negated[i] and (length > 1 or tokens[i] not in NEGATORS):
                counts[form] += 1
            i += length
        return counts

    def _match_at(self, tokens: Sequence[str], i: int) -> tuple[str | None, int]:
        """The longest vocabulary form starting at token ``i``, and its length in tokens."""
        for n in range(min(self._longest, len(tokens) - i), 0, -1):
            form = self._table.get(tuple(tokens[i : i + n]))
            if form is not None:
                return form, n
        joined = tokens[i].replace("-", "")  # "light-hearted" for a vocabulary with "lighthearted"
        if joined != tokens[i] and (joined,) in self._table:
            return self._table[(joined,)], 1
        return None, 1

    def extract_words(self, text: str | None) -> list[str]:
        """The emotion words of ``text``: vocabulary spelling, deduplicated, in order of first mention."""
        return list(self.count_words(text))

    def extract(self, description: str | None, subtitle: str | None = None, clip: str = "") -> Verdict:
        """Stage two: a verdict holding the words of ``description`` (the subtitle is not read)."""
        start = time.perf_counter()
        counts = self.count_words(description)
        total = sum(counts.values())
        scores = {w: c / total for w, c in counts.items()} if total else {}
        return Verdict(
            judge=self.name,
            clip=clip,
            words=list(counts),
            raw=", ".join(counts),
            scores=scores,
            description=description,
            seconds=time.perf_counter() - start,
        )

    # -- as a judge ----------------------------------------------------------------
    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        if self._descriptions is None:
            reason = f"lexical judge {self.name!r} has no descriptions to read; give path= (a *-reason.jsonl file)"
            return [Verdict.failed(self.name, clip.name, reason) for clip in clips]
        out = []
        for clip in clips:
            description = self._descriptions.get(clip.name)
            if description is None:
                out.append(Verdict.failed(self.name, clip.name, f"no stored description for {clip.name!r}"))
            else:
                out.append(self.extract(description, clip.subtitle, clip=clip.name))
        return out

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "path": self.path,
            "wheel_dir": self.wheel_dir,
            "stoplist": sorted(self.stoplist),
            "negation_window": self.negation.window,
            "negation_rules": NEGATION_RULES,
            "vocabulary_sha256": self._vocabulary_sha256,
            "descriptions_sha256": self._descriptions_sha256,
        }

