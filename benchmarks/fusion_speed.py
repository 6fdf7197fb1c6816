"""Speed of the co-judgment core (issue: co-judgment core): prints the figures.

1. fusing the 332 OV-MERD clips x 37 judges with a fusion fitted on dev, embedding cache warm: a fusion
   just loaded from its calibration file (as `cojudge fuse` runs), then one whose word lookups are memoised;
2. `cojudge tune` on panel C (37 judges, dev split, default grid, 5-fold CV), end to end: the command
   as a user types it, in a fresh process (start-up, imports, reading the files and the wheel included);
3. (see benchmarks/graph_build.py for the 10,000-word embedding graph).

With ``--clips N``, only the lab-scale figures instead: N clips (each given the 37 judges' words on one of the 332
OV-MERD clips, drawn at random), read from the judges' npz files, then fused by the fusion fitted on dev, just loaded:
wall seconds and the process's peak memory (RSS) after each step.

    PYTHONPATH=. python benchmarks/fusion_speed.py [--clips 50000]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmark_arguments import positive_int, run_script
from calibration.calibration_file import load_calibration, save_calibration
from calibration.data_paths import ENV_VAR, data_root, ovmerd_dir
from calibration.labels import read_labels, read_split
from calibration.tuning import make_voter
from ensemble.fuser import Fuser
from ensemble.judge_args import judge_name_for
from judges.label_text import format_labels
from judges.outputs import read_judge_output

REPO = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"


def time_tune(args: list[str]) -> tuple[float, dict]:
    """Wall seconds of one ``cojudge tune`` process, start to exit, and its JSON summary.

    A fresh process, as a user runs the command: timed in this one, it would find the wheel loaded and
    scikit-learn imported, and leave out seconds that every real run pays.
    """
    env = {**os.environ, ENV_VAR: str(data_root().resolve())}  # the same data, whatever the working folder
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ensemble.cli", "tune", *args], capture_output=True, text=True, cwd=REPO, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"cojudge tune failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed, json.loads(done.stdout)


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_lab_scale(fuser: Fuser, files: list[Path], clips: list[str], n: int) -> None:
    """Print the seconds and peak memory of reading and fusing ``n`` synthetic clips x the judges of ``files``."""
    rng = random.Random(0)
    drawn = [rng.choice(clips) for _ in range(n)]  # the real clip whose answers each synthetic one repeats
    names = [f"lab_{i:07d}" for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        written = []
        for f in files:
            answers = read_judge_output(f)
            rows = [(name, answers[real]) for name, real in zip(names, drawn) if answers.get(real) is not None]
            written.append(Path(tmp) / f.parent.name / f.name)
            written[-1].parent.mkdir(exist_ok=True)
            np.savez(written[-1], filenames=np.array([r[0] for r in rows]), fileitems=np.array([format_labels(r[1]) for r in rows]))
        started = time.perf_counter()
        outputs = {judge_name_for(f): read_judge_output(f) for f in written}
        print(f"read {len(written)} npz files of {n} clips: {time.perf_counter() - started:.1f} s, peak RSS {peak_rss_mb():.0f} MB")
    started = time.perf_counter()
    preds = fuser.predict(outputs, names)
    elapsed = time.perf_counter() - started
    print(f"fuse {n} clips x {len(outputs)} judges, a freshly loaded fusion, embedding cache warm: {elapsed:.1f} s, "
          f"{1000 * elapsed / n:.2f} ms/clip, peak RSS {peak_rss_mb():.0f} MB; {sum(len(p.words) for p in preds) / n:.2f} words/clip")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=positive_int, help="time reading and fusing this many synthetic clips instead (lab scale, e.g. 50000)")
    args = parser.parse_args()
    root = ovmerd_dir().resolve()
    labels = read_labels(root / "labels" / "dev.csv")
    names = read_split(root / "splits" / "dev.txt")
    files = sorted((root / "outputs").glob("*/*-openset.npz"))
    outputs = {judge_name_for(f): read_judge_output(f) for f in files}
    print(f"machine: {machine()}")
    fuser = Fuser(make_voter("stacked")).fit(outputs, labels, names)
    # the 332 OV-MERD clips (dev + test names; no test label is read)
    clips = names + read_split(root / "splits" / "test.txt")
    fuser.predict(outputs, clips)  # every judge word's embedding is now in the on-disk cache
    if args.clips:
        with tempfile.TemporaryDirectory() as tmp:  # as 'cojudge fuse' meets it: just loaded
            saved = save_calibration(Path(tmp) / "calibration.json", fuser, [{"name": n, "type": "replay", "path": str(f)} for n, f in zip(outputs, files)], "stacked")
            loaded, _ = load_calibration(saved)
        del outputs
        time_lab_scale(loaded, files, clips, args.clips)
        return
    with tempfile.TemporaryDirectory() as tmp:
        # as 'cojudge fuse' or CoJudge meets it: a fitted fusion just loaded, its word lookups not yet memoised
        saved = save_calibration(Path(tmp) / "calibration.json", fuser, [{"name": n, "type": "replay", "path": str(f)} for n, f in zip(outputs, files)], "stacked")
        fresh = []
        for _ in range(3):
            loaded, _ = load_calibration(saved)
            started = time.perf_counter()
            loaded.predict(outputs, clips)
            fresh.append(time.perf_counter() - started)
    print(f"fuse {len(clips)} clips x {len(outputs)} judges, embedding cache warm, a freshly loaded fusion: best {min(fresh):.3f} s, "
          f"median {sorted(fresh)[1]:.3f} s, {1000 * min(fresh) / len(clips):.2f} ms/clip")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        preds = fuser.predict(outputs, clips)
        times.append(time.perf_counter() - started)
    print(f"fuse again with the same fusion (word lookups memoised too): best {min(times):.3f} s, median {sorted(times)[2]:.3f} s, "
          f"{1000 * min(times) / len(clips):.2f} ms/clip; {sum(len(p.words) for p in preds) / len(preds):.2f} words/clip")
    with tempfile.TemporaryDirectory() as tmp:
        args = ["--labels", str(root / "labels" / "dev.csv"), "--names", str(root / "splits" / "dev.txt"),
                "--judge-glob", str(root / "outputs" / "*" / "*-openset.npz"), "--out", f"{tmp}/calibration.json", "--format", "json"]
        elapsed, summary = time_tune(args)
    print(f"cojudge tune, panel C ({len(outputs)} judges, {len(names)} clips, default grid, 5-fold CV): {elapsed:.1f} s end to end, "
          f"a fresh process (tune's own timer, without start-up: {summary['seconds']:.1f} s; cross-validated l1_f {100 * summary['cv_score']:.2f})")


if __name__ == "__main__":
    run_script(main, __file__)
