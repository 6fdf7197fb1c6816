"""Speed of the EW metric: wheel tables load once, then one judge on 332 clips.

    PYTHONPATH=. python benchmarks/metric_speed.py
"""
from __future__ import annotations

import argparse
import time

from benchmark_arguments import run_script
from calibration.data_paths import ovmerd_dir, wheel_dir
from calibration.emotion_wheel import load_wheel
from calibration.ew_metric import evaluate
from judges.outputs import read_judge_output


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()  # no options; --help says what it measures
    started = time.perf_counter()
    wheel = load_wheel(wheel_dir())
    print(f"wheel tables: {len(wheel.form_to_labels)} word forms, {len(wheel.label_to_wheelwords)} labels, "
          f"{len(wheel.wheel_words)} wheel words, loaded in {time.perf_counter() - started:.2f} s (once per process)")
    started = time.perf_counter()
    assert load_wheel(wheel_dir()) is wheel
    print(f"second load_wheel(): {1000 * (time.perf_counter() - started):.3f} ms (cached)")
    pred = read_judge_output(ovmerd_dir() / "outputs" / "Chat-UniVi" / "output-reason-7b-nosubtitle-addsub-eng-openset.npz")
    names = sorted(pred)
    labels = {n: pred[n] for n in names}  # self-agreement: the timing is what matters here
    times = []
    for _ in range(20):
        started = time.perf_counter()
        evaluate(labels, pred, names, wheel=wheel)
        times.append(time.perf_counter() - started)
    print(f"evaluate one judge on {len(names)} clips, all 12 EW metrics: best {1000 * min(times):.1f} ms, median {1000 * sorted(times)[10]:.1f} ms")


if __name__ == "__main__":
    run_script(main, __file__)
