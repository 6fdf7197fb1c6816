"""Which words of a tokenised sentence are negated: "not angry", "no sign of fear", "isn't happy".

A word is negated when a negator ("not", "no", "never", "without", "n't"
contractions, "lack of"...) stands at most ``window`` words before it in the
same clause, not counting words such as "visible", "signs" and an "of" that leads on from the negator or a show of
feeling ("no visible signs of distress", "lack of joy", "no sounds of distress"; an "of" after another word counts:
"not ashamed of her joy" negates no emotion), or after an "or"/"nor" it covers ("no sign of fear or anxiety"). Punctuation and contrast
words ("but", "however", "although") end a negation's reach, so "not sad, but angry" negates only "sad".
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["NegationScope", "NEGATORS", "NEGATION_RULES", "BOUNDARY_WORDS", "BOUNDARY_PUNCTUATION"]

NEGATORS = frozenset(
    {
        "not", "no", "never", "without", "nor", "neither", "none", "nothing", "nobody",
        "cannot", "lack", "lacks", "lacking", "lacked", "absence", "absent", "devoid", "free",
        "hardly", "barely",
        # contractions typed without the apostrophe, as hand-made subtitles often are ("I dont feel happy")
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "couldnt", "wouldnt",
        "shouldnt", "wont", "havent", "hasnt", "hadnt", "aint", "neednt", "mustnt",
    }
)
#: Version of these rules, part of the cache identity of the judges that use them: a change recomputes.
NEGATION_RULES = 6
#: Idioms opening with a negator that do not negate what follows ("not only happy but also excited", "without a doubt
#: happy"); their words after the negator belong to the idiom and count as covered ("no doubt happy" mentions no doubt).
NON_NEGATING = frozenset({("not", "only"), ("not", "just"), ("no", "doubt"), ("not", "merely"), ("without", "doubt"),
                          ("without", "a", "doubt"), ("without", "any", "doubt")})
#: Words after which what follows is contrasted, not negated ("calm rather than angry" negates "angry").
CONTRAST_NEGATORS = frozenset({("rather", "than"), ("instead", "of")})
#: Words that carry a negation on to the next item of a list: "not angry or sad", "neither happy nor sad".
DISTRIBUTIVE = frozenset({"or", "nor"})
#: Words between a negator and what it negates that do not use up its reach: "no visible signs of distress",
#: "without any obvious sign of anger" negate as "no distress" does.
TRANSPARENT = frozenset({"any", "visible", "obvious", "apparent", "noticeable", "outward", "overt", "sign", "signs", "trace",
                         "traces", "hint", "hints", "evidence", "indication", "indications"})
#: Nouns naming a show of feeling: an "of" after one of them, as after a negator or a word of TRANSPARENT, does not use
#: up a negator's reach ("no sounds of distress", "lack of joy"). After any other word it does: there it leads on to
#: what is not negated ("not ashamed of her joy", "never tired of being happy", "not aware of his anger").
SHOWN_BY = frozenset({"feeling", "feelings", "sound", "sounds", "expression", "expressions", "display", "displays",
                      "indicator", "indicators", "presence"})
BOUNDARY_WORDS = frozenset({"but", "however", "although", "though", "yet", "while", "whereas", "which", "who", "because", "so"})
BOUNDARY_PUNCTUATION = frozenset(".,;:!?()[]\"")


@dataclass(frozen=True)
class NegationScope:
    """Marks the tokens that fall under a negator within ``window`` words, in one clause.

    Tokens are lower-case words and punctuation marks (see
    :func:`judges.lexical_extractor.tokenize`).

    >>> NegationScope(window=3).negated(["she", "is", "not", "angry", ",", "but", "sad"])
    [False, False, False, True, False, False, False]
    """

    window: int = 3

    def negated(self, tokens: Sequence[str]) -> list[bool]:
        """For each token, whether a negator within ``window`` words before it, in its clause, covers it."""
        out = [False] * len(tokens)
        reach = 0  # words still covered by the last negator
        for i, token in enumerate(tokens):
            if token in BOUNDARY_PUNCTUATION or token in BOUNDARY_WORDS:
                reach = 0
                continue
            if reach > 0:
                out[i] = True
                if not (token in TRANSPARENT or (token == "of" and i and self._leads_on(tokens[i - 1]))):
                    reach -= 1
            if token in DISTRIBUTIVE and i and out[i - 1]:  # "no sign of fear or anxiety": on to the next item too
                reach = self.window
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            idiom = self._idiom_at(tokens, i)
            if idiom:
                out[i + 1:i + idiom] = [True] * (idiom - 1)
            elif self._is_negator(token, nxt):
                reach = self.window
                out[i] = False
        return out

    @staticmethod
    def _idiom_at(tokens: Sequence[str], i: int) -> int:
        """How many words a NON_NEGATING idiom starting at ``tokens[i]`` spans ("without a doubt": 3), 0 if none does."""
        return max((len(idiom) for idiom in NON_NEGATING if tuple(tokens[i:i + len(idiom)]) == idiom), default=0)

    @classmethod
    def _leads_on(cls, before_of: str) -> bool:
        """Whether an "of" after ``before_of`` stands between a negator and what it negates ("lack of", "sign of")."""
        return before_of in TRANSPARENT or before_of in SHOWN_BY or cls._is_negator(before_of, "of")

    @staticmethod
    def _is_negator(token: str, nxt: str) -> bool:
        if (token, nxt) in CONTRAST_NEGATORS:
            return True
        return token in NEGATORS or token.endswith("n't")
