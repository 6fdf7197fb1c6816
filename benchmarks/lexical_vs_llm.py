"""Two-stage extraction, lexical vs LLM: dev EW l1_f of stored LLM-extracted labels and of the lexical extractor.

For every ``outputs/<Model>/<run>-openset.npz`` with a matching ``<run>-reason.jsonl``,
scores (a) the stored labels an LLM extracted from the description and (b) the
:class:`~judges.lexical_extractor.LexicalExtractor` run on the same description,
on the dev split only. Prints a Markdown table and the extractor's run time.

    python benchmarks/lexical_vs_llm.py [--data $MEROV_DATA] [--window 3] [--stoplist emotion,content]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark_arguments import non_negative_int, run_script  # noqa: E402
from calibration.data_paths import data_root  # noqa: E402
from calibration.emotion_wheel import load_wheel  # noqa: E402
from calibration.ew_metric import evaluate, official_words  # noqa: E402
from calibration.labels import read_labels, read_split  # noqa: E402
from judges.lexical_extractor import DEFAULT_STOPLIST, LexicalExtractor  # noqa: E402
from judges.outputs import read_judge_output, read_reasons  # noqa: E402


def runs(outputs: Path) -> list[tuple[str, Path, Path]]:
    """(label, openset npz, reason jsonl) for every run that has both files."""
    found = []
    for npz in sorted(outputs.glob("*/*-openset.npz")):
        reason = npz.with_name(npz.name[: -len("-openset.npz")] + "-reason.jsonl")
        if reason.is_file():
            run = npz.name[: -len("-openset.npz")].replace("output-reason-7b-", "").replace("-eng", "")
            found.append((f"{npz.parent.name} / {run}", npz, reason))
    return found


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, help="data folder (default: $MEROV_DATA, else a shared/ folder as README 'Data' says)")
    p.add_argument("--window", type=non_negative_int, default=3, help="negation window in words (default 3, the extractor's; 0 turns negation off)")
    p.add_argument("--stoplist", default=",".join(sorted(DEFAULT_STOPLIST)), help="comma-separated forms to skip ('' for none; default: the extractor's stoplist)")
    args = p.parse_args(argv)
    root = args.data or data_root()
    ovmerd = root / "ovmerd"
    labels = read_labels(ovmerd / "labels" / "dev.csv")
    names = read_split(ovmerd / "splits" / "dev.txt")
    wheel = load_wheel(root / "emotion_wheel")
    stoplist = [w.strip() for w in args.stoplist.split(",") if w.strip()]
    extractor = LexicalExtractor(wheel_dir=root / "emotion_wheel", stoplist=stoplist, negation_window=args.window)

    print("| model / run | LLM l1_f | lexical l1_f | lexical - LLM |")
    print("|---|---:|---:|---:|")
    llm_all, lex_all, seconds, described = [], [], 0.0, 0
    for label, npz, reason in runs(ovmerd / "outputs"):
        llm = read_judge_output(npz, parse=official_words)  # as OV-MER scores its published outputs
        reasons = read_reasons(reason)
        start = time.perf_counter()
        lexical = {n: extractor.extract_words(reasons[n]) for n in names if n in reasons}
        seconds += time.perf_counter() - start
        described += len(lexical)
        a = 100 * evaluate(labels, llm, names, wheel=wheel).l1_f
        b = 100 * evaluate(labels, lexical, names, wheel=wheel).l1_f
        llm_all.append(a)
        lex_all.append(b)
        print(f"| {label} | {a:.2f} | {b:.2f} | {b - a:+.2f} |")
    if llm_all:
        ma, mb = sum(llm_all) / len(llm_all), sum(lex_all) / len(lex_all)
        print(f"| **mean of {len(llm_all)} runs** | {ma:.2f} | {mb:.2f} | {mb - ma:+.2f} |")
        wins = sum(b > a for a, b in zip(llm_all, lex_all))
        print(f"\nlexical beats LLM on {wins} of {len(llm_all)} runs; dev split, {len(names)} clips, "
              f"window={args.window}, stoplist: {len(stoplist)} forms")
    print(f"lexical extraction: {described} descriptions in {seconds:.2f} s "
          f"({1000 * seconds / max(described, 1):.2f} ms each)")


if __name__ == "__main__":
    run_script(main, __file__)
