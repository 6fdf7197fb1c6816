"""The emotion classes votes are counted in: each wheel's level-1 classes (31 pairs in all).

Two words "mean the same" for voting when they map to the same classes; the
official metric scores exactly these classes, so votes count per meaning, not
per string.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from calibration.emotion_wheel import WHEELS, EmotionWheel, load_wheel
from judges.clip import refuse_a_single_name
from judges.errors import InputError

__all__ = ["ClassSpace"]


class ClassSpace:
    """Indexes the (wheel, level-1 class) pairs and maps words to their class signatures.

    >>> space = ClassSpace()
    >>> [space.classes[k] for k in space.signature("joyful")][:3]
    [('wheel1', 'happy'), ('wheel2', 'happy'), ('wheel3', 'joyful')]
    """

    def __init__(self, wheel: EmotionWheel | None = None, level: str = "level1") -> None:
        if wheel is not None and not isinstance(wheel, EmotionWheel):  # Fuser(wheel=5), or 'auto' (the score-union fuser's word)
            raise InputError(f"wheel={wheel!r}: give an EmotionWheel (calibration.emotion_wheel.load_wheel()) or None for the data folder's")
        self.wheel = wheel if wheel is not None else load_wheel()
        self.level = level
        self.classes: list[tuple[str, str]] = [(w, c) for w in WHEELS for c in self.wheel.classes(w, level)]
        self.index = {pair: k for k, pair in enumerate(self.classes)}
        #: wheel index of every class
        self.wheel_of = np.array([WHEELS.index(w) for w, _ in self.classes], dtype=np.int64)
        self._tables = [self.wheel.lookup(f"{w}_{level}") for w in WHEELS]
        self._memo: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self.classes)

    def signature(self, word: str) -> tuple[int, ...]:
        """Class indices ``word`` maps to (one per wheel at most); ``()`` if out of vocabulary."""
        sig = self._memo.get(word)
        if sig is None:
            sig = tuple(self.index[(w, t[word])] for w, t in zip(WHEELS, self._tables) if word in t)
            self._memo[word] = sig
        return sig

    def indicator(self, words: Iterable[str]) -> np.ndarray:
        """0/1 vector over classes: which classes any of ``words`` maps to, read as the EW metric reads
        ground truth (lower-cased, surrounding spaces stripped)."""
        out = np.zeros(len(self.classes), dtype=np.float64)
        for word in words:
            out[list(self.signature(str(word).lower().strip()))] = 1.0
        return out

    def targets(self, labels: Mapping[str, Sequence[str]], names: Sequence[str]) -> np.ndarray:
        """Ground-truth class indicators, one row per name ("Happy" counts as the metric counts it: as happy); every
        name needs a label, a list of words."""
        refuse_a_single_name(names, "ClassSpace.targets")
        names = list(names)  # a NumPy array or pandas Index of names too, whose truth value is ambiguous
        missing = [n for n in names if n not in labels]
        if missing:
            raise InputError(f"ClassSpace.targets: {len(missing)} clip(s) have no label, e.g. {missing[0]!r}; label them or use labelled clips only")
        # a string would be read letter by letter, into no class; None or pandas' NaN (an empty cell) is no list at all
        odd = next((n for n in names if isinstance(labels[n], (str, bytes)) or not isinstance(labels[n], Iterable)), None)
        if odd is not None:
            label = labels[odd]
            example = [label] if isinstance(label, str) else ["happy"]
            raise InputError(f"ClassSpace.targets: the label of {odd!r} is {label!r}: give a list of emotion words, e.g. {example!r}")
        return np.vstack([self.indicator(labels[n]) for n in names]) if names else np.zeros((0, len(self)))
