"""What counts as a Chinese (Han) character, for every module that reads Chinese text.

The answer parser (:mod:`judges.chinese_answer_patterns`, :mod:`judges.answer_parsing`) and the text-lexicon judge
(:mod:`judges.text_lexicon_judge`) tell Chinese from other text with this one definition, so that a character one of
them reads as Chinese the other does too: the CJK Unified Ideographs (U+4E00-9FFF), Extension A (U+3400-4DBF) and the
CJK Compatibility Ideographs (U+F900-FAFF: a Korean or Japanese encoding's duplicates of unified ideographs, such as
U+F967 for 不, and twelve unified ideographs of their own, such as U+FA11 﨑). Not the Yijing hexagram symbols between
Extension A and the unified block (U+4DC0-4DFF), which are symbols, nor the rarely used supplementary-plane extensions.
The subtitle-encoding guesser (:func:`judges.subtitles.read_subtitle_file`'s Chinese decoding) counts only the unified
ideographs on purpose: there, Extension A and compatibility ideographs are signs of a wrong decoding.
A change here reads some answers and subtitles differently: bump :data:`judges.answer_parsing.PARSER_VERSION` and the
text-lexicon judge's ``rules``.
"""
from __future__ import annotations

import re

__all__ = ["HAN", "HAN_CHARACTER"]

#: The Han character ranges, as the inside of a regular expression's character class (``f"[{HAN}]"``).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One Han character.
HAN_CHARACTER = re.compile(f"[{HAN}]")
