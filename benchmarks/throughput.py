"""Throughput: fusion cost per clip, cache-hit speed, and the Ray runner against the local runner.

The judges are replays (three stored OV-MER outputs), so the figures are the
runners' own overhead, not model time. The clip names cycle the 332 stored
names with suffixes (``sample_x~r3``) up to ``--clips``, and each judge
replays a mapping built from its stored file. The Ray runner runs on a local
cluster of ``--ray-cpus`` CPUs, started (and timed) before its first call.

    python benchmarks/throughput.py                    # from the repo root, [ray] extra installed
    python benchmarks/throughput.py --clips 5000 --batch-size 64
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
from pathlib import Path
from typing import Any

import ray

from benchmark_arguments import positive_int, run_script
from calibration.data_paths import find_data_root
from judges.outputs import read_judge_output
from judges.ray_runner import run_judges_ray
from judges.registry import build_judge
from judges.runner import run_judges
from judges.verdict_cache import VerdictCache
from runner_overlap import cpu_model, timed

STORED = (
    "Chat-UniVi/output-reason-7b-subtitle-eng-openset.npz",
    "LLaMA-VID/output-reason-7b-subtitle-eng-openset.npz",
    "VideoChat2/output-reason-7b-subtitle-eng-openset.npz",
)


def ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def replay_configs(outputs: Path, n_clips: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Replay configs over ``n_clips`` names made by cycling each stored output's names with suffixes."""
    stored = [read_judge_output(outputs / path) for path in STORED]
    base = sorted(set.intersection(*(set(s) for s in stored)))
    names = [f"{base[i % len(base)]}~r{i // len(base)}" for i in range(n_clips)]
    configs = [
        {"type": "replay", "name": Path(path).parent.name, "labels": {n: words[n.split("~")[0]] for n in names}}
        for path, words in zip(STORED, stored)
    ]
    return configs, names


def fusion_cost(data: Path) -> None:
    """Seconds per clip to fuse the stored judges' words (fitted on the dev labels), if the fusion engine exists."""
    try:
        from ensemble.fuser import Fuser
    except ImportError:
        print("fusion: skipped (ensemble.fuser is not in this checkout yet)")
        return
    from calibration.labels import read_labels

    outputs = data / "ovmerd" / "outputs"
    stored = {Path(path).parent.name: read_judge_output(outputs / path) for path in STORED}
    names = sorted(set.intersection(*(set(s) for s in stored.values())))
    labels = read_labels(data / "ovmerd" / "labels" / "dev.csv")
    fuser = Fuser()
    fit = timed(fuser.fit, stored, labels)
    cold = timed(fuser.predict, stored, names)
    warm = statistics.median(timed(fuser.predict, stored, names) for _ in range(3))
    print(f"fusion ({len(STORED)} judges, default Fuser fitted on {len(labels)} dev labels in {fit:.2f} s): "
          f"predict {len(names)} clips first {cold:.2f} s, then {warm / len(names) * 1000:.2f} ms per clip "
          f"-> {len(names) / warm:,.0f} clips/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=positive_int, default=1000, help="clip names, the stored ones cycled with suffixes (default 1000)")
    parser.add_argument("--batch-size", type=positive_int, default=8, help="clips per judge_batch call, both runners (default 8)")
    parser.add_argument("--ray-cpus", type=positive_int, default=2, help="CPUs of the local Ray cluster it starts (default 2)")
    args = parser.parse_args()
    data = find_data_root()
    if data is None:
        raise SystemExit("research data not found: set MEROV_DATA to the folder holding ovmerd/")
    outputs = data / "ovmerd" / "outputs"

    print(f"machine: nproc={os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), CPU {cpu_model()}, "
          f"RAM {ram_gib():.1f} GiB, Python {platform.python_version()}, Ray {ray.__version__}")
    fusion_cost(data)

    configs, names = replay_configs(outputs, args.clips)
    n = len(configs) * len(names)
    judges = [build_judge("replay", **{k: v for k, v in c.items() if k != "type"}) for c in configs]
    local = timed(run_judges, judges, names, progress=False, batch_size=args.batch_size)
    print(f"local runner, {len(configs)} replay judges x {len(names)} clips, no cache: {local:.2f} s "
          f"-> {len(names) / local:,.0f} clips/s ({n / local:,.0f} verdicts/s)")

    started = timed(ray.init, num_cpus=args.ray_cpus, include_dashboard=False, log_to_driver=False)
    print(f"Ray local cluster start ({args.ray_cpus} CPUs): {started:.2f} s (once per process)")
    ray_runs = []
    for label in ("first call (fresh workers)", "second call"):
        ray_runs.append(timed(run_judges_ray, configs, names, progress=False, batch_size=args.batch_size))
        print(f"Ray runner ({args.ray_cpus}-CPU local cluster, 1 actor per judge, batch {args.batch_size}), {label}: "
              f"{ray_runs[-1]:.2f} s -> {len(names) / ray_runs[-1]:,.0f} clips/s ({n / ray_runs[-1]:,.0f} verdicts/s)")
    big = timed(run_judges_ray, configs, names, progress=False, batch_size=args.batch_size * 8)
    print(f"Ray runner, batch {args.batch_size * 8} (one Ray Data block per batch): {big:.2f} s "
          f"-> {len(names) / big:,.0f} clips/s")
    wide = [{**c, "ray_concurrency": 2, "num_cpus": 0.5} for c in configs]
    t = timed(run_judges_ray, wide, names, progress=False, batch_size=args.batch_size)
    print(f"Ray runner, 2 actors of 0.5 CPU per judge: {t:.2f} s -> {len(names) / t:,.0f} clips/s")

    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "verdicts.sqlite"
        cold = timed(run_judges_ray, configs, names, cache=cache, out_dir=Path(tmp) / "out", progress=False,
                     batch_size=args.batch_size)
        print(f"Ray runner, cold cache + Parquet out_dir: {cold:.2f} s -> {len(names) / cold:,.0f} clips/s")
        warm_local, warm_ray = [], []
        for _ in range(3):
            with VerdictCache(cache) as opened:  # a fresh object each time, as a new process would have
                warm_local.append(timed(run_judges, judges, names, cache=opened, progress=False))
            warm_ray.append(timed(run_judges_ray, configs, names, cache=cache, progress=False))
        local_hit, ray_hit = statistics.median(warm_local), statistics.median(warm_ray)
        print(f"cache hits ({n} verdicts, all cached): local runner {local_hit * 1000:.0f} ms -> {n / local_hit:,.0f} "
              f"verdicts/s; Ray runner {ray_hit:.2f} s -> {n / ray_hit:,.0f} verdicts/s (it still builds each "
              "judge once in a Ray task to learn its cache identity)")
    ray.shutdown()


if __name__ == "__main__":
    run_script(main, __file__)
