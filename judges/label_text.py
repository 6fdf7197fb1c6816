"""Parse a label list written as text: ``[happy, excited]``, ``['happy', 'excited']``, ``1. happy``..."""
from __future__ import annotations

import math
import re
from collections.abc import Iterable

__all__ = ["parse_labels", "format_labels"]

# Separators: ASCII/Chinese/Japanese commas, semicolons, slashes, newlines, quotes; an apostrophe
# between two letters ("can't relax") is part of the word, not a quote.
_SPLIT = re.compile(r"[,\uff0c\u3001;\uff1b/\n\r\t\"\u2018\u201c\u201d]|(?<![^\W\d_])['\u2019]|['\u2019](?![^\W\d_])")
_NUMBERING = re.compile(r"^\s*(?:\(?\d+[.)\]:]|[-*\u2022])\s*")
_NONE = {"", "none", "null", "nan", "n/a", "[]", "no emotion"}


def parse_labels(text: object) -> list[str]:
    """Emotion words in ``text``, lower-cased and stripped, in order, duplicates kept.

    Accepts Python-list-like strings with or without quotes, Chinese commas,
    numbered or bulleted lists, extra spaces; ``None``/NaN/empty give ``[]``.
    Lists and tuples are taken item by item.
    """
    if text is None:
        return []
    if isinstance(text, float) and math.isnan(text):
        return []
    if isinstance(text, (list, tuple)):
        return [w for item in text for w in parse_labels(item)]
    if hasattr(text, "tolist") and not isinstance(text, str):
        return parse_labels(text.tolist())
    s = str(text).strip()
    if s.lower() in _NONE:
        return []
    s = s.strip("[]()\uff3b\uff3d{}")
    words = []
    for part in _SPLIT.split(s):
        part = _NUMBERING.sub("", part)
        part = " ".join(part.strip().strip("[]().:!\u2026\u3002\uff01").split()).lower()
        if part and part not in _NONE:
            words.append(part)
    return words


def format_labels(words: Iterable[str]) -> str:
    """The official CSV form of a label list: ``['happy', 'excited']``."""
    return "[" + ", ".join(repr(str(w)) for w in words) + "]"
