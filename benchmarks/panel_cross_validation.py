"""Honest estimate of the co-judgment on the three OV-MERD panels, or on a panel of one's own (issue: co-judgment core).

For each panel and strategy: repeated 5-fold x 4 cross-validation inside the dev split (or the labelled clips of one's own panel); in each
outer fold the strategy's hyper-parameters are tuned by inner 5-fold CV on the training folds, and
the best single judge is chosen on the training folds too. Prints mean level-1 F (l1_f), its fold
spread, and the paired delta against the best single judge: on its own words ("single", the
baseline), and after the fusion's word mapping ("mapped", so the gain of fusing judges is not
confused with the gain of mapping one judge's words). Only dev labels are read (one's own with ``--labels``).

    PYTHONPATH=. python benchmarks/panel_cross_validation.py [--strategies stacked,majority] [--panels A,B,C] [--oov attach,drop] [--seed 0,1,2,3,4]
    PYTHONPATH=. python benchmarks/panel_cross_validation.py --labels my_labels.csv --judge a=a.npz --judge b=b.csv [--names my_split.txt]

``--labels CSV --judge NAME=PATH ... [--names SPLIT]`` (or ``--judge-glob``) runs the same protocol on a panel of one's own
(panel "own": one's own labels and judges' outputs, in any format ``cojudge tune`` reads) instead of the OV-MERD panels.

``--no-reliability`` runs the stacked voter without its reliability feature (the README table's rows so
named). ``--shuffle-labels K`` is the null check: the labels are permuted across clips (seed K), so no
judge's words say anything about a clip's labels; the fusion should fall to what class frequencies
alone give, while the single judges fall to chance.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from calibration.cross_validation import cross_validate
from calibration.data_paths import ovmerd_dir
from calibration.ew_metric import official_words
from calibration.labels import check_names, read_labels, read_split
from calibration.tuning import check_folds, default_grid, make_voter
from ensemble.fuser import OOV_POLICIES, Fuser
from ensemble.judge_args import add_judge_arguments, judge_file_inputs, judge_files, judge_name_for
from ensemble.output_files import check_output_path
from judges.errors import InputError
from judges.outputs import read_judge_output


def panels(outputs_dir: Path) -> dict[str, list[Path]]:
    files = sorted(outputs_dir.glob("*/*-openset.npz"))
    a = [f for f in files if f.name.endswith("-nosubtitle-addsub-eng-openset.npz")]
    b = a + [outputs_dir / "AffectGPT" / "checkpoint_000030_loss_0.602-openset.npz"]
    return {"A": a, "B": b, "C": files}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strategies", default="stacked,majority,weighted,dawid-skene",
                    help="voting strategies, comma-separated, as cojudge tune --strategy names them (default: the four built-in)")
    ap.add_argument("--panels", help="any of A, B, C (OV-MERD's), comma-separated (default: all three)")
    ap.add_argument("--labels", help="a panel of one's own: its ground truth CSV (name,openset), with --judge/--judge-glob")
    ap.add_argument("--names", help="with --labels: cross-validate on these names only (split file; default: every labelled name)")
    add_judge_arguments(ap)
    ap.add_argument("--oov", default="attach", help="out-of-vocabulary judge words: attach, drop, or both comma-separated (default attach)")
    ap.add_argument("--repeats", type=int, default=4, help="repeats of the outer 5-fold cross-validation (default 4: 20 folds)")
    ap.add_argument("--inner-repeats", type=int, default=2, help="repeats of the inner 5-fold tuning in each outer fold (default 2)")
    ap.add_argument("--no-smooth", action="store_true", help="choose the decision knob by its own inner score, not its neighbourhood's")
    ap.add_argument("--seed", default="0", help="fold assignment(s), e.g. 0 or 0,1,2,3,4 (then also their means; default 0); report every seed you run")
    ap.add_argument("--jsonl", help="append results to this file")
    ap.add_argument("--shuffle-labels", type=int, metavar="K", help="null check: permute the labels across clips (seed K) first")
    ap.add_argument("--no-reliability", action="store_true",
                    help="the stacked voter without its Dawid-Skene reliability feature (README's 'no reliability feature' rows)")
    args = ap.parse_args()
    own = bool(args.labels or args.names or args.judge or args.judge_glob)
    if own and not (args.labels and (args.judge or args.judge_glob)):
        ap.error("a panel of one's own needs --labels CSV and its judges (--judge NAME=PATH, repeatable, or --judge-glob PATTERN)")
    if own and args.panels:
        ap.error("--panels names OV-MERD's panels; with --labels and --judge a panel of one's own is run instead: give one or the other")
    args.panels = "own" if own else args.panels or "A,B,C"
    unknown = [p for p in args.panels.split(",") if p not in ("A", "B", "C", "own")]
    if unknown:
        ap.error(f"--panels {args.panels}: unknown panel(s) {', '.join(unknown)}; give any of A, B, C, comma-separated")
    # every option is checked before the first run: a typo in the last strategy must not cost the runs before it
    try:
        for strategy in args.strategies.split(","):
            make_voter(strategy)
        bad_oov = [o for o in args.oov.split(",") if o not in OOV_POLICIES]
        if bad_oov:
            raise InputError(f"--oov {args.oov}: unknown {', '.join(bad_oov)}; give any of {', '.join(OOV_POLICIES)}, comma-separated")
        if not all(x.strip().isdigit() for x in str(args.seed).split(",")):
            raise InputError(f"--seed {args.seed}: give whole numbers, comma-separated, e.g. 0 or 0,1,2,3,4")
        check_folds(5, args.repeats, 5, ("folds", "--repeats"))
        check_folds(5, args.inner_repeats, 5, ("inner folds", "--inner-repeats"))
        own_files = judge_files(args) if own else {}
        if args.jsonl:
            check_output_path(args.jsonl, "--jsonl", {**judge_file_inputs(own_files), "--labels": args.labels, "--names": args.names})
        if own:  # read up front: a bad file of one's own is a one-line error, not a traceback after the runs before it
            labels = read_labels(args.labels)
            names = check_names(read_split(args.names), labels, args.labels) if args.names else list(labels)
            own_outputs = {name: (read_judge_output(f), read_judge_output(f, parse=official_words)) for name, f in own_files.items()}
        else:
            root = ovmerd_dir()
    except InputError as exc:
        ap.error(str(exc))
    if not own:
        labels = read_labels(root / "labels" / "dev.csv")
        names = read_split(root / "splits" / "dev.txt")
    if args.shuffle_labels is not None:
        shuffled = np.random.default_rng(args.shuffle_labels).permutation(names)
        labels = {name: labels[other] for name, other in zip(names, shuffled)}
        print(f"null check: labels permuted across the {len(names)} clips (seed {args.shuffle_labels})")
    seeds = [int(x) for x in str(args.seed).split(",")]
    print(f"{'panel':<6}{'judges':>7}{'strategy':>13}{'oov':>8}{'seed':>5}{'fused':>8}{'±':>6}{'single':>8}{'delta':>8}{'±':>6}{'min':>7}{'won':>7}{'mapped':>8}{'delta':>8}{'won':>7}{'words':>7}{'secs':>7}")
    means = []
    for panel in args.panels.split(","):
        if panel == "own":
            outputs = {name: words for name, (words, _) in own_outputs.items()}
            as_scored = {name: words for name, (_, words) in own_outputs.items()}  # the single judges' own score
        else:
            files = panels(root / "outputs")[panel]
            outputs = {judge_name_for(f): read_judge_output(f) for f in files}
            as_scored = {judge_name_for(f): read_judge_output(f, parse=official_words) for f in files}  # the single judges' own score
        for strategy in args.strategies.split(","):
            for oov in args.oov.split(","):
                runs = []
                for seed in seeds:
                    started = time.perf_counter()
                    voter = make_voter(strategy)
                    if args.no_reliability and "reliability_feature" in voter.get_params():
                        voter.set_params(reliability_feature=False)
                    cv = cross_validate(Fuser(voter, oov=oov), outputs, labels, names, grid=default_grid(strategy), repeats=args.repeats, inner_repeats=args.inner_repeats, seed=seed, smooth=not args.no_smooth, single_outputs=as_scored)
                    s = cv.summary()
                    runs.append(s)
                    secs = time.perf_counter() - started
                    print(f"{panel:<6}{len(outputs):>7}{strategy:>13}{oov:>8}{seed:>5}{s['fused_l1_f']:>8.2f}{s['fused_std']:>6.2f}{s['single_l1_f']:>8.2f}"
                          f"{s['delta']:>+8.2f}{s['delta_std']:>6.2f}{s['delta_min']:>+7.2f}{s['folds_won']:>4}/{s['folds']:<2}"
                          f"{s['mapped_single_l1_f']:>8.2f}{s['delta_mapped']:>+8.2f}{s['folds_won_mapped']:>4}/{s['folds']:<2}{s['words_per_clip']:>7.2f}{secs:>7.0f}", flush=True)
                    if args.jsonl:
                        with open(args.jsonl, "a") as fh:
                            fh.write(json.dumps({"panel": panel, "strategy": strategy, "oov": oov, "seed": seed, "smooth": not args.no_smooth,
                                                 "shuffle_labels": args.shuffle_labels, **s, "seconds": secs}) + "\n")
                means.append((panel, strategy, oov, runs))
    if len(seeds) > 1:
        print(f"\nmeans over fold seeds {args.seed}:")
        for panel, strategy, oov, runs in means:
            mean = {k: sum(r[k] for r in runs) / len(runs) for k in ("fused_l1_f", "single_l1_f", "delta", "mapped_single_l1_f", "delta_mapped", "words_per_clip")}
            won, won_mapped, folds = (sum(r[k] for r in runs) for k in ("folds_won", "folds_won_mapped", "folds"))
            print(f"{panel:<6}{strategy:>13}{oov:>8}  fused {mean['fused_l1_f']:.2f}  single {mean['single_l1_f']:.2f}  "
                  f"delta {mean['delta']:+.2f}  folds won {won}/{folds}  mapped single {mean['mapped_single_l1_f']:.2f}  "
                  f"delta {mean['delta_mapped']:+.2f}  folds won {won_mapped}/{folds}  words {mean['words_per_clip']:.2f}")


if __name__ == "__main__":
    main()
