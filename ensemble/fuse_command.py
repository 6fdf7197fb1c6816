"""Fuse stored judge outputs with a calibration file; write name,openset CSV for 'cojudge evaluate'."""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from calibration.calibration_file import calibration_input_files, judges_on_other_files, judges_with_other_answers, load_calibration
from calibration.emotion_wheel import wheel_input_files
from calibration.labels import check_one_name_a_line, read_split
from ensemble.cli import report, report_judges
from ensemble.fused_prediction import FusedPrediction
from ensemble.judge_args import add_judge_arguments, judge_file_inputs, judge_files
from ensemble.output_files import check_output_path, write_atomically
from ensemble.vote_table import clip_names
from judges.clip import shown_name_like
from judges.errors import InputError, close_names, listed
from judges.label_text import format_labels
from judges.outputs import read_judge_output
from judges.replay import answers_digest

__all__ = ["add_arguments", "run", "write_predictions_csv", "write_prediction_rows"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``cojudge fuse``."""
    p.add_argument("--calibration", required=True, help="calibration JSON from 'cojudge tune' (one tuned with a strategy of your own imports its "
                   "module or file, running its code: use files you trust)")
    add_judge_arguments(p)
    p.add_argument("--names", help="split file (- reads standard input): fuse these names (default: every name any judge answered)")
    p.add_argument("--out", required=True, help="CSV to write (name,openset)")
    p.add_argument("--details", help="also write JSONL with each clip's confidences and supporting judges")


def write_prediction_rows(fh: IO[str], predictions: Iterable[FusedPrediction], lineterminator: str = "\r\n") -> None:
    """``name,openset`` rows to an open text file; a clip no judge answered gets an empty list."""
    writer = csv.writer(fh, lineterminator=lineterminator)
    writer.writerow(["name", "openset"])
    writer.writerows([p.name, format_labels(p.words)] for p in predictions)


def write_predictions_csv(path: str | Path, predictions: Iterable[FusedPrediction]) -> Path:
    """The ``name,openset`` CSV, written whole or not at all (the caller reports unanswered clips)."""
    return write_atomically(path, lambda fh: write_prediction_rows(fh, predictions), newline="")


def _judges_not_given(missing: list[str], tuned: list[str]) -> str:
    """The tuned judges a run lacks, each named once ("37 judge(s), none of them given here (a, b ... and 32 more)")."""
    if len(missing) == len(tuned):
        return f"{len(tuned)} judge(s), none of them given here ({listed(tuned)})"
    return f"{len(tuned)} judge(s), {len(missing)} of them not given here ({listed(missing)})"


def _names_meant(given: list[str], missing: list[str]) -> str:
    """The judges given under a name close to a tuned judge's missing one, as ``; did you mean 'affectgpt' for the judge
    given as 'afectgpt'?`` (case aside), else "": a name misspelt in --judge NAME=PATH is named, not only the one it missed."""
    meant = close_names(given, missing, cutoff=0.75)
    pairs = listed(f"{tuned!r} for the judge given as {name!r}" for name, tuned in meant.items())
    return f"; did you mean {pairs}?" if meant else ""


def _named_otherwise(answers: dict[str, list[str]], clip: str) -> str:
    """Why a judge's file answered none of the clips fused when it names ``clip`` otherwise (``sample_1.mp4``, ``SAMPLE_1`` for
    ``sample_1``): ``its file names clips like 'sample_1.mp4', not 'sample_1'; ``, else ""."""
    return shown_name_like(answers, clip, "its file names clips like {!r}, not " + f"{clip!r}; ", or_first=False)


#: the advice of a judge given another file than at tuning, for one judge and for several
_TUNED_ELSEWHERE = ("fine for the same judge on other clips, wrong for another model (its weights are the tuned judge's)",
                    "fine for the same judges on other clips, wrong for other models (their weights are the tuned judges')")


def run(args: argparse.Namespace) -> int:
    """``cojudge fuse``: fuse the stored outputs with the calibration, write the name,openset CSV (``--out``); the exit code."""
    files = judge_files(args)
    inputs = {**judge_file_inputs(files), "--calibration": args.calibration, "--names": args.names, **wheel_input_files(),
              **calibration_input_files(args.calibration)}
    out = check_output_path(args.out, "--out", inputs)
    details = check_output_path(args.details, "--details", {**inputs, "--out": out}) if args.details else None
    fuser, data = load_calibration(args.calibration)
    missing = [n for n in fuser.judges_ if n not in files]
    extra = [n for n in files if n not in fuser.judges_]
    if missing:
        raise InputError(f"{args.calibration} was tuned with {_judges_not_given(missing, fuser.judges_)}; "
                         "give --judge NAME=PATH (or --judge-glob PATTERN) for each judge it was tuned with (its \"judges\" lists them all, "
                         f"with their files){_names_meant(extra, missing)}")
    if extra:
        report("fuse", "warning", f"ignoring judge(s) not in the calibration: {listed(extra)}")
    outputs = {n: read_judge_output(files[n]) for n in fuser.judges_}
    digests = {n: answers_digest(out) for n, out in outputs.items()}
    moved = judges_on_other_files(data, files, digests)
    warned = {name for name, _, _ in moved}
    other = [(name, tuned_file) for name, tuned_file in judges_with_other_answers(data, digests) if name not in warned]
    # fusing a new batch of clips gives every judge another file: one line for all of them, not one each
    report_judges("fuse", [f"judge {name} was tuned on {tuned}, now given {given}" for name, tuned, given in moved],
                 f"{len(moved)} judges were tuned on other files than given now: "
                 f"{listed(f'{name} ({tuned}, now {given})' for name, tuned, given in moved)}", *_TUNED_ELSEWHERE)
    report_judges("fuse", [f"judge {name}'s file {files[name]} holds other answers than the {tuned_file or 'file'} it was tuned on"
                  for name, tuned_file in other],
                 f"{len(other)} judges' files hold other answers than those they were tuned on: {listed(name for name, _ in other)}",
                 *_TUNED_ELSEWHERE)
    known = clip_names(outputs)  # every clip some judge's output names
    if args.names:
        names = read_split(args.names)
        named = set(known)
        check_one_name_a_line(names, named, "the judges' outputs", args.names)
        if not any(n in named for n in names):
            shown = shown_name_like(known, names[0], " (they name clips like {!r})")  # 'sample_1' for 'sample_1.mp4'
            raise InputError(f"--names {args.names}: none of its {len(names)} names (first: {names[0]!r}) is in any judge's output{shown}; "
                             "give the split file of these outputs' clips, one name per line")
    else:
        names = sorted(known)
    # as tune warns: a judge left out of most clips, silently, may be a wrong file; many such judges make one line, not one each
    answered = {name: sum(answers.get(n) is not None for n in names) for name, answers in outputs.items()}
    silent = [name for name, count in answered.items() if not count]
    few = [name for name, count in answered.items() if 0 < count < len(names) / 2]  # a judge may skip clips or cover part of the split
    report_judges("fuse", [f"judge {name} answered none of the {len(names)} clips fused ({_named_otherwise(outputs[name], names[0])}"
                           f"is {files[name]} the right file?)" for name in silent],
                 f"{len(silent)} judges answered none of the {len(names)} clips fused: {listed(silent)} (are their files the right ones?)",
                 "they are fused without it", "the clips are fused without them")
    report_judges("fuse", [f"judge {name} answered only {answered[name]} of the {len(names)} clips fused ({files[name]} has no answer for the others)"
                  for name in few],
                 f"{len(few)} judges answered under half of the {len(names)} clips fused: "
                 f"{listed(f'{n} ({answered[n]})' for n in few)} (their files have no answer for the others)",
                 "those are fused without it", "those are fused without them")
    preds = fuser.predict(outputs, names)
    write_predictions_csv(out, preds)
    if details is not None:
        write_atomically(details, lambda fh: fh.writelines(json.dumps(p.to_dict()) + "\n" for p in preds))
    failed = [p.name for p in preds if not p.ok]
    n_words = sum(len(p.words) for p in preds if p.ok) / max(1, len(preds) - len(failed))
    wrote = args.out if details is None else f"{args.out} and {args.details}"
    print(f"fused {len(preds)} clips with {len(fuser.judges_)} judges ({data['strategy']}); {n_words:.2f} words per clip; wrote {wrote}", file=sys.stderr)
    if failed:
        report("fuse", "warning", f"{len(failed)} clip(s) no judge answered, written with no words: {listed(failed)}")
    return 0
