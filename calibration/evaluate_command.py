"""Score judge or fused predictions with the official EW metric."""
from __future__ import annotations

import argparse
import json
import re

from calibration.emotion_wheel import load_wheel
from calibration.ew_metric import SCORE_KEYS, evaluate, official_words
from calibration.labels import check_names, read_labels, read_split
from ensemble.cli import report
from judges.errors import InputError
from judges.outputs import read_judge_output

__all__ = ["add_arguments", "run", "format_table", "note_unsplit_words"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``cojudge evaluate``."""
    p.add_argument("--labels", required=True, help="ground truth CSV (name,openset)")
    p.add_argument("--pred", required=True, help="predictions: OV-MER .npz, name,openset .csv, or .jsonl")
    p.add_argument("--names", help="split file (- reads standard input): score only these names (default: every labelled name)")
    p.add_argument("--wheel-dir", help="emotion-wheel folder (default: emotion_wheel/ in $MEROV_DATA, else in the first of ../shared beside the working folder, ../shared beside the checkout and ./shared that holds it)")
    p.add_argument("--word-forms", default="official", help="word-form table: 'official' (format.csv, the default), 'mer2026', or a file name in the wheel folder")
    p.add_argument("--format", choices=("table", "json"), default="table", help="table (readable, default) or json (every score, one object)")


def format_table(scores: dict[str, float | int]) -> str:
    """``EWScores.as_dict()`` as a two-column table, one metric a line (``--format table``)."""
    lines = [f"{'metric':<16}{'score':>8}"]
    for key in SCORE_KEYS:
        value = scores[key]
        lines.append(f"{key:<16}{value:>8d}" if key == "n" else f"{key:<16}{value:>8.2f}")
    return "\n".join(lines)


# separators the fusion's reading (judges.label_text) splits words at but the official one does not (commas and quotes only)
_UNSPLIT = re.compile(r"[;\uff1b\uff0c\u3001/\n\t]")
# quotes the fusion's reading takes off a word but the official one keeps on it (it strips ' and " only): an LLM's “happy”;
# not ’ between letters, an apostrophe both keep in the word (can’t), as judges.label_text reads it
_CURLY = re.compile(r"[\u2018\u201c\u201d]|(?<![^\W\d_])\u2019|\u2019(?![^\W\d_])")


def note_unsplit_words(path: str, answers: dict[str, list[str]], names: list[str]) -> None:
    """Say so when ``path`` joins words by a separator the official metric keeps inside one word ('mad; calm', '开心，伤心'),
    or quotes them with curly quotes it keeps on the word ('“happy”', as an LLM writes them): each such text is one
    out-of-vocabulary word to the metric (so scores 0), where ``tune`` and ``fuse`` read the words."""
    words = [(n, w) for n in names for w in answers.get(n) or ()]
    _note_words(path, [(n, w) for n, w in words if _UNSPLIT.search(w)], "join words by ';', '/', a Chinese comma or a line break",
                "which the official metric does not split at: each such text is one unknown word there, as the official code scores it "
                "(tune and fuse read the words apart); separate words by commas (['mad', 'calm'])")
    _note_words(path, [(n, w) for n, w in words if _CURLY.search(w) and not _UNSPLIT.search(w)], "quote words with curly quotes",
                "which the official metric keeps as part of the word: each such word is unknown there, as the official code scores it "
                "(tune and fuse read it without them); quote words with ' or \"")


def _note_words(path: str, found: list[tuple[str, str]], what: str, why: str) -> None:
    """One note line for the (clip, word) pairs ``found`` in ``path``, if any: how many clips ``what``, the first, and ``why``."""
    if found:
        (name, word), count = found[0], len({n for n, _ in found})
        report("evaluate", "note", f"{path}: {count} clip(s) {what} (e.g. {name!r}: {word[:60]!r}), {why}")


def run(args: argparse.Namespace) -> int:
    """``cojudge evaluate``: print the EW scores of the predictions against the labels; the exit code."""
    # the official reading of label texts: "[happy/content]" is one (unknown) word, as the reference scores it
    labels = read_labels(args.labels, parse=official_words)
    preds = read_judge_output(args.pred, parse=official_words)
    names = check_names(read_split(args.names), labels, args.labels, args.names) if args.names else list(labels)
    if not any(preds.get(n) is not None for n in names):
        raise InputError(f"{args.pred}: has a prediction for none of the {len(names)} evaluated clips (its names are like "
                         f"{next(iter(preds))!r}, the clips' like {names[0]!r}); is it the right file for {args.labels}?")
    wheel = load_wheel(args.wheel_dir, args.word_forms)
    note_unsplit_words(args.labels, labels, names)
    note_unsplit_words(args.pred, preds, names)
    scores = evaluate(labels, preds, names, wheel=wheel)
    if scores.n == 0:
        raise InputError(f"no clip's ground truth maps to the emotion wheel: check the labels file {args.labels} "
                         "(its openset words are all empty or out of the wheel's vocabulary)")
    # the official metric skips them; a user's own labels (Chinese words, an empty cell) should hear why n is smaller
    if scores.skipped:
        k, first = len(scores.skipped), scores.skipped[0]
        report("evaluate", "note", f"{args.labels}: {k} of the {len(names)} labelled clips {'is' if k == 1 else 'are'} not scored: "
              f"{'its' if k == 1 else 'their'} ground truth names "
              f"no emotion-wheel word (e.g. {first!r}: {', '.join(official_words(labels[first])) or 'no words'}); "
              "the official metric skips such clips")
    unlabelled = [n for n in preds if n not in labels]  # a typo'd name, another split's clips: never scored, so said
    if unlabelled:
        report("evaluate", "note", f"{args.pred}: {len(unlabelled)} of its {len(preds)} clips {'has' if len(unlabelled) == 1 else 'have'} no label "
              f"in {args.labels} (e.g. {unlabelled[0]!r}) and {'is' if len(unlabelled) == 1 else 'are'} not scored")
    if scores.missing:  # counted among the scored clips only: one the metric skips is not scored as empty
        report("evaluate", "warning", f"{args.pred}: {scores.missing} of the {scores.n} scored samples have no prediction; scored as empty")
    result = scores.as_dict()
    if args.format == "json":
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()}))
    else:
        print(format_table(result))
    return 0
