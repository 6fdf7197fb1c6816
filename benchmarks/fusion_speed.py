"""Speed of the co-judgment core (issue: co-judgment core): prints the figures.

1. fusing the 332 OV-MERD clips x 37 judges with a fusion fitted on dev, embedding cache warm;
2. `cojudge tune` on panel C (37 judges, dev split, default grid, 5-fold CV), end to end;
3. (see benchmarks/graph_build.py for the 10,000-word embedding graph).

    PYTHONPATH=. python benchmarks/fusion_speed.py
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import tempfile
import time

from calibration.data_paths import ovmerd_dir
from calibration.labels import read_labels, read_split
from calibration.tuning import make_voter
from ensemble.cli import main as cli_main
from ensemble.fuser import Fuser
from ensemble.judge_args import judge_name_for
from judges.outputs import read_judge_output


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # no options; --help says what it measures
    root = ovmerd_dir()
    labels = read_labels(root / "labels" / "dev.csv")
    names = read_split(root / "splits" / "dev.txt")
    files = sorted((root / "outputs").glob("*/*-openset.npz"))
    outputs = {judge_name_for(f): read_judge_output(f) for f in files}
    print(f"machine: {machine()}")
    fuser = Fuser(make_voter("stacked")).fit(outputs, labels, names)
    # the 332 OV-MERD clips (dev + test names; no test label is read)
    clips = names + read_split(root / "splits" / "test.txt")
    fuser.predict(outputs, clips)  # warm: embeddings of every judge word cached, lookups memoised
    times = []
    for _ in range(5):
        started = time.perf_counter()
        preds = fuser.predict(outputs, clips)
        times.append(time.perf_counter() - started)
    print(f"fuse {len(clips)} clips x {len(outputs)} judges (warm): best {min(times):.3f} s, median {sorted(times)[2]:.3f} s, "
          f"{1000 * min(times) / len(clips):.2f} ms/clip; {sum(len(p.words) for p in preds) / len(preds):.2f} words/clip")
    with tempfile.TemporaryDirectory() as tmp:
        args = ["tune", "--labels", str(root / "labels" / "dev.csv"), "--names", str(root / "splits" / "dev.txt"),
                "--judge-glob", str(root / "outputs" / "*" / "*-openset.npz"), "--out", f"{tmp}/calibration.json", "--format", "json"]
        summary = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(summary):  # the figures, not tune's own report
            cli_main(args)
        elapsed = time.perf_counter() - started
        score = json.loads(summary.getvalue())["cv_score"]
        print(f"cojudge tune, panel C ({len(outputs)} judges, {len(names)} clips, default grid, 5-fold CV): {elapsed:.1f} s end to end "
              f"(cross-validated l1_f {100 * score:.2f})")


if __name__ == "__main__":
    main()
