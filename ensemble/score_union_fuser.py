"""Fuse verdicts with no training: the judges' words, grouped by meaning and weighted by their own scores.

Judges nobody has labelled clips for (the CPU judges) cannot have a fitted
fusion, so ``cojudge predict`` without ``--calibration`` uses this fixed rule:

1. Only judges that *spoke* (an answered verdict with at least one word) take
   part. Each of their words carries the judge's own score for it
   (``Verdict.scores``; 1.0 when the judge gives no scores).
2. Words are normalised into the emotion-wheel vocabulary
   (:class:`~ensemble.word_normalizer.WordNormalizer`) and grouped by their
   emotion classes (:class:`~ensemble.class_space.ClassSpace` signatures):
   "joyful" and "happy" are one candidate. A word outside the vocabulary
   groups only with the same spelling. Without the emotion-wheel files
   (research data, ``$MEROV_DATA``) every word groups by its cleaned spelling.
3. A candidate's *support* is the sum of its judges' scores divided by the
   number of judges that spoke: with one judge, that judge's own score; two
   agreeing judges add up; a word only one of two judges said counts half.
4. Candidates whose support reaches ``threshold`` are kept, most supported
   first. A word's confidence is the mean score of the judges that said it.

A clip no judge answered (every verdict an error) gets an ``error`` and no
words: it is reported, never guessed. Judges that answered but said nothing
(no face, no speech) leave the clip answered with no words.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sklearn.base import BaseEstimator

from ensemble.fused_prediction import FusedPrediction
from ensemble.word_normalizer import WordNormalizer
from judges.clip import refuse_a_single_name
from judges.errors import InputError
from judges.option_values import is_number, is_whole_number
from judges.verdict import Verdict

if TYPE_CHECKING:  # imported when a wheel is used: spelling-only matching needs neither
    from calibration.emotion_wheel import EmotionWheel
    from ensemble.class_space import ClassSpace

__all__ = ["ScoreUnionFuser"]

#: judge name -> clip name -> verdict (what ``run_judges`` returns)
Verdicts = Mapping[str, Mapping[str, Verdict]]
_UNSET = object()


@dataclass
class _Group:
    """Words of one meaning on one clip: each judge's best score, and how often each spelling was said."""

    scores: dict[str, float] = field(default_factory=dict)
    spellings: dict[str, list[float]] = field(default_factory=dict)

    def add(self, judge: str, spelling: str, score: float) -> None:
        self.scores[judge] = max(score, self.scores.get(judge, 0.0))
        self.spellings.setdefault(spelling, []).append(score)

    def word(self) -> str:
        """Most often said, then highest total score, then shortest, then a-z."""
        return min(self.spellings, key=lambda w: (-len(self.spellings[w]), -sum(self.spellings[w]), len(w), w))


class ScoreUnionFuser(BaseEstimator):
    """Untrained fusion: a score-weighted union of the judges' words (see the module docstring).

    ``threshold`` is the support a word needs; ``max_words`` caps the words per
    clip (``None``: no cap); ``wheel`` is an ``EmotionWheel``, ``"auto"`` (the
    data folder's, or spelling-only matching when there is none) or ``None``
    (spelling only). Nothing is learnt: ``fit`` returns the fuser as it is.

    >>> from judges.verdict import Verdict
    >>> verdicts = {"face": {"c1": Verdict("face", "c1", ["happy"], scores={"happy": 0.9})},
    ...             "speech": {"c1": Verdict("speech", "c1", ["happy", "sad"], scores={"happy": 0.6, "sad": 0.4})}}
    >>> pred = ScoreUnionFuser(threshold=0.25, wheel=None).predict(verdicts)[0]
    >>> pred.words, pred.confidence["happy"], pred.support["happy"]
    (['happy'], 0.75, ['face', 'speech'])
    """

    def __init__(self, threshold: float = 0.25, max_words: int | None = None, wheel: EmotionWheel | str | None = "auto") -> None:
        self.threshold = threshold
        self.max_words = max_words
        self.wheel = wheel

    def fit(self, verdicts: Verdicts | None = None, y: object = None) -> "ScoreUnionFuser":
        """Nothing to learn; checks the parameters and returns ``self``."""
        self._check_params()
        return self

    def __sklearn_is_fitted__(self) -> bool:
        """Always: nothing is learnt, and ``predict`` runs before ``fit`` too. scikit-learn's ``check_is_fitted`` asks this, as
        ``fit`` sets no fitted attribute (one ending in ``_``) for it to find."""
        return True

    # -- predicting ----------------------------------------------------------------------
    def predict(self, verdicts: Verdicts, names: Sequence[str] | None = None) -> list[FusedPrediction]:
        """One prediction per clip of ``names`` (default: every clip any judge has a verdict for), in order."""
        self._check_params()
        refuse_a_single_name(names, "ScoreUnionFuser")
        if names is None:
            names = list(dict.fromkeys(c for per in verdicts.values() for c in per))
        return [self.predict_clip({j: per[n] for j, per in verdicts.items() if n in per}, n) for n in names]

    def predict_clip(self, verdicts: Mapping[str, Verdict], name: str) -> FusedPrediction:
        """The prediction for one clip from each judge's verdict on it."""
        answered = [j for j, v in verdicts.items() if v.ok]
        if not answered:
            return FusedPrediction(name, error="no judge answered this clip")
        spoke = [j for j in answered if verdicts[j].words]
        groups: dict[tuple, _Group] = {}
        for judge in spoke:
            verdict = verdicts[judge]
            for raw in verdict.words:
                key, spelling = self._meaning(raw)
                if spelling:
                    groups.setdefault(key, _Group()).add(judge, spelling, _score(verdict, raw))
        ranked = []
        for group in groups.values():
            support = sum(group.scores.values()) / len(spoke)
            confidence = sum(group.scores.values()) / len(group.scores)
            ranked.append((support, confidence, group.word(), group))
        ranked.sort(key=lambda t: (-t[0], -t[1], t[2]))
        pred = FusedPrediction(name, judges_answered=answered)
        for support, confidence, word, group in ranked:
            if support < self.threshold or (self.max_words is not None and len(pred.words) >= self.max_words):
                break
            pred.words.append(word)
            pred.confidence[word] = round(confidence, 4)
            pred.support[word] = [j for j in spoke if j in group.scores]
        return pred

    # -- meaning of a word ---------------------------------------------------------------
    @property
    def uses_wheel(self) -> bool:
        """Whether words are matched by emotion class (True) or by spelling only (False)."""
        return self._vocabulary()[0] is not None

    def _meaning(self, raw: str) -> tuple[tuple, str]:
        """(grouping key, spelling shown) of a judge's word."""
        space, normalizer = self._vocabulary()
        cleaned = WordNormalizer.clean(raw)
        if space is None or normalizer is None:  # both or neither
            return ("spelling", cleaned), cleaned
        word = normalizer.normalize(cleaned)
        signature = space.signature(word)
        if not signature:
            return ("spelling", word), word
        shown = cleaned if space.signature(cleaned) == signature else word
        return ("classes", signature), shown

    def _vocabulary(self) -> tuple[ClassSpace | None, WordNormalizer | None]:
        """(ClassSpace, WordNormalizer), or (None, None) for spelling-only matching; built once."""
        if getattr(self, "_built_for", _UNSET) is not self.wheel:
            self._check_wheel()  # uses_wheel comes here without predict's check
            wheel = _auto_wheel() if isinstance(self.wheel, str) else self.wheel
            if wheel is None:
                self._vocab: tuple[ClassSpace | None, WordNormalizer | None] = (None, None)
            else:
                from ensemble.class_space import ClassSpace

                self._vocab = (ClassSpace(wheel), WordNormalizer(wheel))
            self._built_for = self.wheel
        return self._vocab

    def _check_params(self) -> None:
        if not is_number(self.threshold) or not 0.0 <= self.threshold <= 1.0:
            raise InputError(f"min_support/threshold={self.threshold!r}: the support a word needs must be in [0, 1], e.g. 0.25")
        if self.max_words is not None and (not is_whole_number(self.max_words) or self.max_words < 1):
            raise InputError(f"max_words={self.max_words!r}: give a whole number, 1 or more, or None for no cap")
        self._check_wheel()

    def _check_wheel(self) -> None:
        """An EmotionWheel, "auto" or None: another name, or another value (5), would be read as a wheel."""
        if self.wheel is None or (isinstance(self.wheel, str) and self.wheel == "auto"):
            return
        from calibration.emotion_wheel import EmotionWheel  # here: spelling-only matching does without it

        if not isinstance(self.wheel, EmotionWheel):
            raise InputError(f"wheel={self.wheel!r}: give an EmotionWheel, 'auto' or None")


def _score(verdict: Verdict, word: str) -> float:
    """The judge's own score for ``word``, in [0, 1]; 1.0 when it gives none."""
    value = (verdict.scores or {}).get(word)
    if value is None:
        return 1.0
    return min(1.0, max(0.0, float(value)))


def _auto_wheel() -> EmotionWheel | None:
    """The data folder's emotion wheel, or ``None`` when there is no data folder."""
    from calibration.data_paths import find_data_root
    from calibration.emotion_wheel import load_wheel

    root = find_data_root()
    if root is None or not (root / "emotion_wheel").is_dir():
        return None
    return load_wheel(root / "emotion_wheel")
