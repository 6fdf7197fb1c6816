"""Speed of the co-judgment core (issue: co-judgment core): prints the figures.

1. fusing the 332 OV-MERD clips x 37 judges with a fusion fitted on dev, embedding cache warm: a fusion
   just loaded from its calibration file (as `cojudge fuse` runs), then one whose word lookups are memoised;
2. `cojudge tune` on panel C (37 judges, dev split, default grid, 5-fold CV), end to end: the command
   as a user types it, in a fresh process (start-up, imports, reading the files and the wheel included);
3. (see benchmarks/graph_build.py for the 10,000-word embedding graph).

    PYTHONPATH=. python benchmarks/fusion_speed.py
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmark_arguments import run_script
from calibration.calibration_file import load_calibration, save_calibration
from calibration.data_paths import ENV_VAR, data_root, ovmerd_dir
from calibration.labels import read_labels, read_split
from calibration.tuning import make_voter
from ensemble.fuser import Fuser
from ensemble.judge_args import judge_name_for
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


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # no options; --help says what it measures
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
