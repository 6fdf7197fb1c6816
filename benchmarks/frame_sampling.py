"""Time to sample frames from a long clip: decoding every frame up to the last pick vs seeking to each pick.

A clip is generated in a temporary folder (H.264 in MP4 by default, a moving
ramp, a keyframe every ``--gop`` frames, no audio). "in order" is the sampler
before seeking: decode every frame from the start up to the last pick;
"seeking" is ``judges.media.decode_clip`` (seek to the keyframe before each
pick, decode from there). Both must give the same frames; the script says so.

    python benchmarks/frame_sampling.py                       # 5 minutes at 25 fps, 320x240, GOP 250, 8 frames
    python benchmarks/frame_sampling.py --seconds 600 --size 640x360
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmark_arguments import positive_float, positive_int, run_script
from judges.media import decode_clip, pick_in_order, segment_middles


def make_long_clip(path: Path, seconds: float, fps: int, width: int, height: int, gop: int, codec: str) -> Path:
    """A silent clip whose frames all differ: a diagonal ramp moving one step a frame."""
    import av

    x, y = np.arange(width)[None, :], np.arange(height)[:, None]
    with av.open(str(path), "w") as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.gop_size = gop
        for i in range(max(1, round(seconds * fps))):
            grey = ((2 * x + y + 3 * i) % 256).astype(np.uint8)
            out.mux(video.encode(av.VideoFrame.from_ndarray(np.repeat(grey[:, :, None], 3, axis=2), format="rgb24")))
        out.mux(video.encode(None))
    return path


def in_order(path: Path, num_frames: int) -> list[np.ndarray]:
    """The sampler before seeking: every frame decoded from the start up to the last pick."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        wanted = segment_middles(stream.frames, num_frames)
        picked = pick_in_order(container, stream, set(wanted), None)
    return [picked[i] for i in wanted]


def seeking(path: Path, num_frames: int) -> list[np.ndarray]:
    return decode_clip(path, num_frames=num_frames, with_audio=False).frames


def timed(sampler, path: Path, num_frames: int, repeats: int) -> tuple[float, list[np.ndarray]]:
    """Median seconds of ``repeats`` runs, and the frames."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        frames = sampler(path, num_frames)
        times.append(time.perf_counter() - start)
    return statistics.median(times), frames


def size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give WIDTHxHEIGHT, e.g. 320x240") from None
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise argparse.ArgumentTypeError(f"{text!r}: give even sides of at least 16 pixels")
    return width, height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=positive_float, default=300.0, help="clip length (default 300)")
    parser.add_argument("--fps", type=positive_int, default=25, help="frame rate of the generated clip (default 25)")
    parser.add_argument("--size", type=size, default=(320, 240), help="WIDTHxHEIGHT (default 320x240)")
    parser.add_argument("--gop", type=positive_int, default=250, help="a keyframe every this many frames (default 250)")
    parser.add_argument("--codec", default="libx264", help="PyAV encoder (default libx264; mpeg4 also works)")
    parser.add_argument("--frames", type=positive_int, default=8, help="frames to sample (default 8)")
    parser.add_argument("--repeats", type=positive_int, default=3, help="timed runs of each way; the median is printed (default 3)")
    args = parser.parse_args()
    width, height = args.size
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        clip = make_long_clip(Path(tmp) / "long.mp4", args.seconds, args.fps, width, height, args.gop, args.codec)
        made = time.perf_counter() - start
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        print(f"clip: {args.codec} {width}x{height}, {args.seconds:g} s at {args.fps} fps ({round(args.seconds * args.fps)} frames), "
              f"a keyframe every {args.gop} frames, {clip.stat().st_size / 2**20:.1f} MiB (made in {made:.1f} s)")
        old, old_frames = timed(in_order, clip, args.frames, args.repeats)
        new, new_frames = timed(seeking, clip, args.frames, args.repeats)
    same = len(old_frames) == len(new_frames) and all(np.array_equal(a, b) for a, b in zip(old_frames, new_frames))
    print(f"sample {args.frames} frames, median of {args.repeats}: in order {old:.3f} s, seeking {new:.3f} s "
          f"({old / new:.1f}x); same frames: {'yes' if same else 'NO'}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    run_script(main, __file__)
