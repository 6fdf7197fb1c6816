"""Per-judge time of the CPU judges on a 10-second 720p clip (the target machine: 2 cores, no GPU).

The clip is generated (the demo clip's astronaut face at 1280x720, espeak-ng
speaking about ten seconds of text). Each judge is built, judges the clip
once cold (its models load on first use) and then ``--repeats`` times warm;
decoding time is inside each judge's figure, as in real use.

    python benchmarks/cpu_judges.py                  # from the repo root, [cpu] extra installed
    python benchmarks/cpu_judges.py --repeats 5
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from benchmark_arguments import positive_float, positive_int, run_script
from judges.clip import Clip
from judges.demo_clip import make_demo_clip
from judges.face_judge import FaceJudge
from judges.media import decode_clip
from judges.speech_text_judge import SpeechTextJudge
from judges.text_lexicon_judge import TextLexiconJudge

TEXT = (
    "I am so happy today, this is wonderful news! I never thought we would win. "
    "Honestly, I was scared we would lose everything, but now I feel great."
)


def time_judge(judge, clip: Clip, repeats: int) -> tuple[float, float, list[str]]:
    """Seconds for the first (cold) verdict, median seconds of ``repeats`` warm ones, and the words."""
    start = time.perf_counter()
    verdict = judge.judge(clip)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(repeats):
        start = time.perf_counter()
        judge.judge(clip)
        warm.append(time.perf_counter() - start)
    if verdict.error:
        raise SystemExit(f"{judge.name} failed: {verdict.error}")
    return cold, statistics.median(warm), verdict.words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=positive_float, default=10.0, help="length of the generated clip in seconds (default 10)")
    parser.add_argument("--repeats", type=positive_int, default=3, help="warm runs per judge after the cold one; their median is printed (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        video = make_demo_clip(Path(tmp) / "bench.mp4", text=TEXT, seconds=args.seconds, size=(1280, 720))
        made = time.perf_counter() - start
        media = decode_clip(video, num_frames=1)
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        print(f"clip: {media.frames[0].shape[1]}x{media.frames[0].shape[0]}, {media.duration:.1f} s (made in {made:.1f} s)")
        plain = Clip.from_path(video)
        rows = [
            ("face (8 frames)", FaceJudge(), plain),
            ("speech-text (transcribe)", SpeechTextJudge(), plain),
            ("text-lexicon (subtitle)", TextLexiconJudge(), Clip(name="sub", video=video, subtitle=TEXT)),
        ]
        print(f"{'judge':<28}{'cold s':>9}{'warm s':>9}  words")
        for label, judge, clip in rows:
            cold, warm, words = time_judge(judge, clip, args.repeats)
            print(f"{label:<28}{cold:>9.2f}{warm:>9.2f}  {words}")


if __name__ == "__main__":
    run_script(main, __file__)
