"""Tune the co-judgment on labelled clips (cross-validated) and write a calibration file."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from calibration.calibration_file import save_calibration
from calibration.emotion_wheel import load_wheel, wheel_input_files
from calibration.labels import check_names, read_labels, read_split
from calibration.objectives import Objective
from calibration.tuning import MAX_REPEATS, STRATEGIES, check_folds, check_grid, check_labels, default_grid, make_voter, strategy_of, tune_table
from ensemble.cli import options_named, report, report_judges
from ensemble.fuser import OOV_POLICIES, Fuser
from ensemble.judge_args import add_judge_arguments, judge_file_inputs, judge_files
from ensemble.output_files import check_output_path
from ensemble.voter_classes import spec_file
from judges.clip import shown_name_like
from judges.errors import InputError, listed
from judges.outputs import read_judge_output
from judges.replay import answers_digest

__all__ = ["add_arguments", "run", "parse_grid"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``cojudge tune``."""
    p.add_argument("--labels", required=True, help="ground truth CSV (name,openset) of the tuning clips")
    add_judge_arguments(p)
    p.add_argument("--names", help="split file (- reads standard input): tune on these names only (default: every labelled name)")
    p.add_argument("--strategy", default="stacked", help=f"voting strategy: {', '.join(STRATEGIES)} (default: stacked), or one of your "
                   "own as module:Class or path/to/file.py:Class, which needs --grid (README, 'Adding a voting strategy')")
    p.add_argument("--objective", default="l1_f", help="what to maximise: l1_f (default), m_avg, or f<beta> e.g. f0.5")
    p.add_argument("--grid", action="append", default=[], metavar="PARAM=V1,V2",
                   help="search these values of a voter parameter; the --grid options replace the whole default grid "
                        "(a parameter they leave out keeps its default, untuned); repeatable")
    p.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--repeats", type=int, default=1, help=f"cross-validation repeats, 1 to {MAX_REPEATS} (default 1; each repeat costs "
                   "as much as the first, and at 1000 the fold-split noise repeats average out is down to 3%% of one repeat's)")
    p.add_argument("--no-smooth", action="store_true",
                   help="take the single best grid point, not the decision knob whose grid neighbourhood scores best")
    p.add_argument("--oov", choices=OOV_POLICIES, default="attach", help="out-of-vocabulary judge words: attach to the nearest wheel word (default) or drop")
    p.add_argument("--wheel-dir", help="emotion-wheel folder (default: emotion_wheel/ in $MEROV_DATA, else in the first of ../shared beside the working folder, ../shared beside the checkout and ./shared that holds it)")
    p.add_argument("--out", required=True, help="calibration JSON to write")
    p.add_argument("--format", choices=("table", "json"), default="table", help="table (readable, default: the choice and the precision-recall curve) or json (the tuning summary as the calibration file stores it: scores as fractions, 0-1, where the table shows percent)")


def _value(text: str) -> int | float | bool | str | None:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"none": None, "true": True, "false": False}.get(text.lower(), text)


def parse_grid(specs: list[str]) -> dict[str, list]:
    """``PARAM=V1,V2`` specs -> parameter -> values (numbers, None, booleans, else text); a parameter once."""
    grid: dict[str, list] = {}
    given: dict[str, str] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        if not sep or not values or not key.strip():  # '=0.1' was 'MajorityVoter has no parameter(s) ; it has ...'
            raise InputError(f"--grid {spec!r}: write PARAM=V1,V2,... e.g. --grid threshold=0.3,0.4,0.5")
        key = key.strip()
        if key in given:
            raise InputError(f"--grid {key} is given twice; give all its values in one: --grid {key}={given[key]},{values}")
        given[key] = values
        grid[key] = [_value(v.strip()) for v in values.split(",") if v.strip()]
    return grid


def _note_labels_of_no_class(path: str, labels: dict[str, list[str]], names: list[str], fuser: Fuser) -> None:
    """Say how many tuning clips' labels name no emotion-wheel word (an empty cell of a clip not yet labelled, words outside
    the wheel): the fit learns each as a clip of no emotion, where the score, as ``evaluate``, skips it, so many of them move
    the tuning toward saying less."""
    none = [n for n, row in zip(names, fuser.space().targets(labels, names)) if not row.any()]
    if none:
        first = none[0]
        have, them, as_clips = ("has a label that names", "it", "it as a clip") if len(none) == 1 else \
            ("have labels that name", "them", "them as clips")
        report("tune", "note", f"{path}: {len(none)} of the {len(names)} tuning clips {have} no emotion-wheel word (e.g. {first!r}: "
               f"{', '.join(labels[first]) or 'no words'}); the fit learns {as_clips} of no emotion and the score skips {them}, as "
               f"evaluate does; label {them}, or tune on --names without {them}")


def run(args: argparse.Namespace) -> int:
    """``cojudge tune``: tune the fusion on the labelled clips and write the calibration file; the exit code."""
    started = time.perf_counter()
    labels = read_labels(args.labels)
    names = check_names(read_split(args.names), labels, args.labels, args.names) if args.names else list(labels)
    files = judge_files(args)
    check_output_path(args.out, "--out", {**judge_file_inputs(files), "--labels": args.labels, "--names": args.names,
                                          "--strategy": spec_file(args.strategy), **wheel_input_files(args.wheel_dir)})
    # bad options and labels fail here, before the judges' words are read and embedded
    voter = make_voter(args.strategy)
    strategy = strategy_of(voter) or args.strategy  # a built-in voter named module:Class is its strategy: a file that loads again
    grid = check_grid(voter, parse_grid(args.grid) if args.grid else default_grid(strategy))
    untuned = sorted(set(default_grid(strategy)) - set(grid)) if strategy in STRATEGIES else []
    if args.grid and untuned:  # --grid replaces the default grid: what it leaves out is not searched
        one = len(untuned) == 1
        report("tune", "note", f"--grid replaces the default grid, so {', '.join(untuned)} {'keeps its default' if one else 'keep their defaults'} "
              f"({', '.join(f'{k}={voter.get_params()[k]!r}' for k in untuned)}) and {'is' if one else 'are'} not tuned; "
              f"add --grid {untuned[0]}=... to search {'it' if one else 'them'} too")
    objective = Objective(args.objective)
    with options_named({"folds": "--folds", "repeats": "--repeats"}):
        check_folds(args.folds, args.repeats, len(names))
    fuser = Fuser(voter, oov=args.oov, wheel=load_wheel(args.wheel_dir))
    check_labels(labels, names, fuser.space())
    outputs = {name: read_judge_output(path) for name, path in files.items()}
    few: dict[str, int] = {}  # judges that answered under half the clips: one warning line for all of them, not one each
    mute: list[str] = []  # and those that named no emotion word
    for name, out in outputs.items():
        answered = [n for n in names if out.get(n) is not None]
        if not answered:
            shown = shown_name_like(out.keys(), names[0], "; its file names clips like {!r}")  # 'sample_1.mp4' for 'sample_1'
            raise InputError(f"judge {name} ({files[name]}) answered none of the {len(names)} tuning clips (e.g. {names[0]!r}{shown}); "
                             "is it the right file?")
        if len(answered) < len(names) / 2:
            few[name] = len(answered)
        if not any(out[n] for n in answered):
            mute.append(name)
    report_judges("tune", [f"judge {name} answered only {count} of the {len(names)} tuning clips" for name, count in few.items()],
                  f"{len(few)} judges answered under half of the {len(names)} tuning clips: {listed(f'{n} ({c})' for n, c in few.items())}",
                  "its weights rest on those", "their weights rest on those they answered")
    report_judges("tune", [f"judge {name} named no emotion word on any tuning clip" for name in mute],
                  f"{len(mute)} judges named no emotion word on any tuning clip: {listed(mute)}",
                  "it adds nothing to the fusion", "they add nothing to the fusion")
    unanswered = [n for n in names if all(out.get(n) is None for out in outputs.values())]
    if unanswered:  # kept in the score (as evaluate counts a clip without a prediction), but never silently
        report("tune", "warning", f"no judge answered {len(unanswered)} of the {len(names)} tuning clips (e.g. {unanswered[0]!r}); they are "
              "left out of the fit and score 0 in the cross-validation: check the judges' files cover them, or tune on --names without them")
    same: dict[str, str] = {}
    for name, out in outputs.items():  # one file (or one model's answers) given under two names votes twice
        answers = {n: out[n] for n in names if out.get(n) is not None}
        if not any(answers.values()):  # no word at all: warned about above
            continue
        digest = answers_digest(answers)
        if digest in same:
            report("tune", "warning", f"judges {same[digest]} and {name} give the same answers on every tuning clip (the same file twice?); "
                  "their votes count twice")
        same.setdefault(digest, name)
    _note_labels_of_no_class(args.labels, labels, names, fuser)  # once the run is sure to tune: a refused one prints its error alone
    table = fuser.table(outputs, names, judges=list(files))
    result = tune_table(fuser, table, labels, grid, objective, folds=args.folds, repeats=args.repeats, smooth=not args.no_smooth)
    voter.set_params(**result.best_params)  # the fuser's voter
    fuser.fit_table(table, labels)
    # absolute: a path relative to the judge's own folder would lose the model's name, which fuse checks
    # and what it answered: fuse warns when a file of the same folder/name holds other answers (another model's)
    judges = [{"name": n, "type": "replay", "path": os.path.abspath(p), "labels": answers_digest(outputs[n])} for n, p in files.items()]
    tuning = {**result.summary(), "folds": args.folds, "repeats": args.repeats, "n_clips": len(names), "grid": grid}
    save_calibration(args.out, fuser, judges, strategy, {"tuning": tuning})
    elapsed = time.perf_counter() - started
    if args.format == "json":
        print(json.dumps({**tuning, "out": args.out, "seconds": round(elapsed, 2)}))
        return 0
    cv = f"{args.folds}-fold CV" + (f" x {args.repeats} repeats" if args.repeats > 1 else "")
    print(f"tuned {strategy} on {len(names)} clips x {len(files)} judges ({cv}, {elapsed:.1f}s)")
    how = f" (the {result.knob} whose grid neighbourhood scores best)" if result.smoothed else ""
    print(f"chose {result.best_params}: cross-validated {result.objective} {100 * result.best_score:.2f}{how}")
    if result.pr_curve:
        print(f"\nprecision-recall curve (cross-validated, level 1) as {result.knob} moves:")
        print(f"{result.knob:>10}{'l1_p':>8}{'l1_r':>8}{result.objective:>8}{'words':>7}")
        for pt in result.pr_curve:
            print(f"{pt[result.knob]:>10g}{100 * pt['l1_p']:>8.2f}{100 * pt['l1_r']:>8.2f}{100 * pt['score']:>8.2f}{pt['words_per_clip']:>7.2f}")
    print(f"\nwrote {args.out}", file=sys.stderr)
    return 0
