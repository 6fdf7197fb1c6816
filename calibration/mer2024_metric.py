"""The MER2024 open-vocabulary set-level metric, given a grouping of synonymous words.

MER2024 grouped labels with GPT; a user with those groupings passes them as a
function (or a dict) and reproduces the challenge's scores offline: per sample,
precision = |G(gt) & G(pred)| / |G(pred)| and recall = |G(gt) & G(pred)| / |G(gt)|
over the groups G(.) of the words, both averaged over samples; ``avg = (P + R) / 2``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np

from calibration.ew_metric import official_words
from judges.errors import InputError

__all__ = ["mer2024_scores"]


def mer2024_scores(
    labels: Mapping[str, Iterable[str]],
    predictions: Mapping[str, Iterable[str] | None],
    group: Callable[[str], str | None] | Mapping[str, str],
    names: Iterable[str] | None = None,
) -> dict[str, float]:
    """Set-level precision, recall and their mean (percent) under ``group``.

    ``group(word)`` gives a word's group id; ``None`` (or absent from a dict) keeps the word as
    its own group. Words reach ``group`` lower-cased, as the metric reads them; a dict's words and
    group ids are lower-cased too, so ``{"Joyful": "Happy"}`` groups ``joyful`` with ``happy``. Samples whose ground truth is empty are skipped; an empty prediction scores 0.
    A label or prediction may be a list of words or the official text form (``"['happy', 'sad']"``).

    >>> mer2024_scores({"s": ["happy"]}, {"s": ["joyful", "sad"]}, {"joyful": "happy"})
    {'precision': 50.0, 'recall': 100.0, 'avg': 75.0, 'n': 1}
    """
    lookup: Callable[[str], str | None]
    if isinstance(group, Mapping):
        lowered = {_lower(k): None if v is None else _lower(v) for k, v in group.items()}
        lookup = lowered.get
    else:
        lookup = group

    def groups(words: Iterable[str] | str | None) -> set[str]:
        out = set()
        for w in official_words(words):  # a list item by item, or the official text form
            g = lookup(w)
            out.add(w if g is None else g)
        return out

    names = list(labels) if names is None else list(names)
    unlabelled = [n for n in names if n not in labels]
    if unlabelled:
        raise InputError(f"mer2024_scores: {len(unlabelled)} name(s) have no label, e.g. {unlabelled[0]!r}; score only labelled clips")
    ps, rs = [], []
    for name in names:
        gt = groups(labels[name])
        if not gt:
            continue
        pred = groups(predictions.get(name))
        hit = len(gt & pred)
        ps.append(hit / len(pred) if pred else 0.0)
        rs.append(hit / len(gt))
    p = 100 * float(np.mean(ps)) if ps else 0.0
    r = 100 * float(np.mean(rs)) if rs else 0.0
    return {"precision": p, "recall": r, "avg": (p + r) / 2, "n": len(ps)}


def _lower(word: object) -> str:
    """A grouping's word or id as the metric reads words: stripped, lower-cased."""
    return str(word).strip().lower()
