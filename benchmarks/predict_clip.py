"""Wall time of ``cojudge predict`` on a 10-second 720p clip with the default CPU judges (target: a few seconds on 2 cores).

The clip is generated like the demo clip (the astronaut's face at 1280x720,
espeak-ng speaking about ten seconds of text). Each run is the command a user
types, ``cojudge predict clip.mp4 --format json``, in a fresh process, so the
figure includes Python start-up, imports and model loading; the judges' own
times come from ``Verdict.seconds`` in the JSON (the judges run side by side,
so the total is about the slowest judge plus start-up). A last run reuses a
filled ``--cache``: what is left is start-up (imports, building the judges,
reading the emotion wheel) and fusion. CPU seconds (user + system of the
process) are printed too: on a shared machine they vary less than wall time.

    python benchmarks/predict_clip.py                  # from the repo root, [cpu] extra installed
    python benchmarks/predict_clip.py --repeats 5
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmark_arguments import positive_float, positive_int, run_script
from judges.demo_clip import make_demo_clip

TEXT = (
    "I am so happy today, this is wonderful news! I never thought we would win. "
    "Honestly, I was scared we would lose everything, but now I feel great."
)
REPO = Path(__file__).resolve().parent.parent


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def predict(video: Path, *extra: str) -> tuple[float, float, dict]:
    """Wall and CPU seconds of one ``cojudge predict`` process, and its JSON object for the clip."""
    command = [sys.executable, "-m", "ensemble.cli", "predict", str(video), "--format", "json", *extra]
    cpu, start = _child_cpu(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    wall, cpu = time.perf_counter() - start, _child_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"cojudge predict failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return wall, cpu, json.loads(done.stdout.splitlines()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=positive_float, default=10.0, help="length of the generated clip in seconds (default 10)")
    parser.add_argument("--repeats", type=positive_int, default=3, help="fresh cojudge predict processes timed before the cached run (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        video = make_demo_clip(Path(tmp) / "bench.mp4", text=TEXT, seconds=args.seconds, size=(1280, 720))
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"clip: 1280x720, {args.seconds:.0f} s, speech + face")
        judges: list[str] = []
        print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (other work on the machine slows every figure)")
        print(f"{'run':<18}{'wall s':>8}{'CPU s':>8}  per-judge s (Verdict.seconds)  words")
        for i in range(args.repeats):
            wall, cpu, clip = predict(video)
            judges = judges or list(clip["verdicts"])
            per_judge = ", ".join(f"{j} {clip['verdicts'][j]['seconds']:.2f}" for j in judges)
            print(f"{f'fresh process {i + 1}':<18}{wall:>8.2f}{cpu:>8.2f}  {per_judge:<30}{clip['words']}")
        cache = Path(tmp) / "verdicts.sqlite"
        predict(video, "--cache", str(cache))
        wall, cpu, clip = predict(video, "--cache", str(cache))
        print(f"{'cached (--cache)':<18}{wall:>8.2f}{cpu:>8.2f}  {'(start-up + fusion only)':<30}{clip['words']}")


if __name__ == "__main__":
    run_script(main, __file__)
