"""How well run_judges overlaps judges, and how fast it serves a fully cached run.

Three judges, each calling its own local HTTP server (127.0.0.1) that takes a
fixed time per request, judge the same clips. Overlap efficiency is the wall
time of run_judges over all three divided by the slowest judge's time alone
(ideal 1.0, target <= 1.15). Cache-hit speed is verdicts per second when every
verdict is already in the cache (clips are real files, so it includes the
(path, size, mtime) digest look-ups).

    python benchmarks/runner_overlap.py                 # 40 clips, 50/100/150 ms
    python benchmarks/runner_overlap.py --clips 20 --delays 20,40,60
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmark_arguments import positive_int, run_script, whole_numbers
from judges.base import Judge
from judges.clip import Clip
from judges.runner import run_judges
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache


def serve_with_delay(delay: float) -> ThreadingHTTPServer:
    """A local server answering every GET with {"words": ["calm"]} after ``delay`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = json.dumps({"words": ["calm"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class HttpJudge(Judge):
    """A minimal remote judge: one GET per clip, the answer's words as the verdict."""

    def __init__(self, name: str, url: str):
        self.name = name
        self.url = url

    def cache_identity(self) -> dict[str, Any]:
        return {**super().cache_identity(), "url": self.url}

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        out = []
        for clip in clips:
            with urllib.request.urlopen(f"{self.url}?clip={urllib.parse.quote(clip.name)}", timeout=30) as reply:
                words = json.loads(reply.read())["words"]
            out.append(Verdict(self.name, clip.name, words=words))
        return out


def timed(fn: Any, *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=positive_int, default=40, help="dummy clips each judge judges (default 40)")
    parser.add_argument("--delays", type=whole_numbers, default="50,100,150", help="milliseconds per request, one per judge (default 50,100,150)")
    parser.add_argument("--video-kib", type=positive_int, default=1024, help="size of each dummy clip file in KiB (default 1024)")
    args = parser.parse_args()
    delays = [d / 1000 for d in args.delays]

    print(f"machine: nproc={os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), CPU {cpu_model()}, "
          f"Python {platform.python_version()}")
    servers = [serve_with_delay(delay) for delay in delays]
    judges = [HttpJudge(f"http{int(d * 1000)}ms", f"http://127.0.0.1:{s.server_address[1]}/") for d, s in zip(delays, servers)]
    with tempfile.TemporaryDirectory() as tmp:
        clips = []
        for i in range(args.clips):
            path = Path(tmp) / f"clip{i:03d}.mp4"
            path.write_bytes(os.urandom(args.video_kib * 1024))
            clips.append(Clip.from_path(path))

        alone = {j.name: timed(run_judges, [j], clips, progress=False) for j in judges}
        for judge, delay in zip(judges, delays):
            ideal = delay * len(clips)
            print(f"{judge.name} alone: {alone[judge.name]:.2f} s (requests alone {ideal:.2f} s)")
        slowest = max(alone.values())
        together = timed(run_judges, judges, clips, progress=False)
        print(f"all {len(judges)} together, no cache: {together:.2f} s -> overlap efficiency "
              f"{together / slowest:.3f} (ideal 1.0, target <= 1.15)")

        cache_path = Path(tmp) / "verdicts.sqlite"
        with VerdictCache(cache_path) as cache:
            cold = timed(run_judges, judges, clips, cache=cache, progress=False)
        print(f"all together, cold cache (hashing {len(clips)} x {args.video_kib} KiB, storing): {cold:.2f} s "
              f"-> {cold / slowest:.3f} of the slowest alone")
        n = len(judges) * len(clips)
        warm = []
        for _ in range(5):
            with VerdictCache(cache_path) as cache:  # a fresh object: digests come from the file, not memory
                warm.append(timed(run_judges, judges, clips, cache=cache, progress=False))
        print(f"fully cached run ({n} verdicts, new process-like cache object): median {statistics.median(warm) * 1000:.1f} ms "
              f"-> {n / statistics.median(warm):,.0f} verdicts/s")

        names = [f"s{i:05d}" for i in range(5000)]
        with VerdictCache(cache_path) as cache:
            for judge in judges:
                cache.put_many(judge, [Clip(name) for name in names], [Verdict(judge.name, name, words=["calm"]) for name in names])
            big = timed(run_judges, judges, names, cache=cache, progress=False)
        print(f"fully cached run, {len(judges)} judges x {len(names)} name-only clips: {big:.2f} s "
              f"-> {len(judges) * len(names) / big:,.0f} verdicts/s")
    for server in servers:
        server.shutdown()


if __name__ == "__main__":
    run_script(main, __file__)
