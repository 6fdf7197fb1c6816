"""Peak memory and time of the speech-text judge's decoding and transcription on long audio (interviews, episodes).

A passage of ten sentences (about 40 s, espeak-ng's voice, short pauses
between sentences as in conversation) is looped to each length and written as
an audio-only MP4 (AAC, 44.1 kHz stereo: what a video's sound track holds, so
the decoder's resampler and down-mixing run as in real use). Each length is
measured in a fresh process: its peak resident memory (``ru_maxrss``), the
memory after the model has loaded on a one-second warm-up, and the seconds
of decoding (``MediaSpec.decode``, as the judge does) and of transcription
(``SpeechToText.transcribe``, with its CPU seconds: less swayed by other
work on the machine than the wall time). The transcript's words are compared with the
passage's, loop for loop: a word lost or repeated at a window's seam shows
as a count off the expected one.

    python benchmarks/speech_memory.py                          # 1, 5, 17.5 and 60 minutes
    python benchmarks/speech_memory.py --minutes 1,5 --keep /tmp/speech_audio
    python benchmarks/speech_memory.py --seams 10     # where 10 minutes are cut, and the words either side

``--seams`` transcribes each window on its own, as ``SpeechToText.transcribe``
does, and prints for each cut its time, the loudest sample within 50 ms of it
(against the loudest of the audio: a pause is near 0) and the last and first
words of the windows it parts.
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

from benchmark_arguments import positive_float, run_script
from judges.errors import InputError

#: Ten sentences, each with a word found nowhere else in the passage (its marker, counted in the transcript).
SENTENCES = [
    "The orange bicycle leaned against the old stone wall.",
    "My grandmother baked bread every Sunday morning.",
    "We walked along the river until the sun went down.",
    "The train to Glasgow was late again this evening.",
    "Nobody expected the concert to sell out so quickly.",
    "I painted the kitchen a bright shade of yellow.",
    "The children built a castle out of wet sand.",
    "Her violin lessons started when she was seven.",
    "The committee will vote on the proposal next Thursday.",
    "A small dog barked at the postman through the window.",
]
MARKERS = ["bicycle", "grandmother", "river", "glasgow", "concert", "kitchen", "castle", "violin", "committee", "postman"]
RATE = 44100


def minutes_list(text: str) -> list[float]:
    """Comma-separated minutes, each above 0 (``1,5,17.5``)."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or not all(0 < value < 1e4 for value in values):
        raise argparse.ArgumentTypeError(f"{text!r}: give minutes above 0, comma-separated, e.g. 1,5,17.5")
    return values


def passage() -> np.ndarray:
    """The ten sentences spoken by espeak-ng at :data:`RATE` Hz, mono float32, 0.35 s of silence after each."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise InputError("espeak-ng is not installed; install it (apt-get install -y espeak-ng) to make the speech")
    import av

    pieces = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, sentence in enumerate(SENTENCES):
            wav = Path(tmp) / f"{number}.wav"
            subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(wav), "--", sentence], check=True, capture_output=True)
            with av.open(str(wav)) as container:
                resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
                for frame in container.decode(audio=0):
                    pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
                pieces.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
            pieces.append(np.zeros(int(0.35 * RATE), np.float32))
    return np.concatenate(pieces)


def write_long_audio(path: Path, speech: np.ndarray, minutes: float) -> int:
    """``speech`` looped to ``minutes`` as AAC (stereo, :data:`RATE` Hz) in an MP4; the number of whole loops."""
    import av

    total = int(minutes * 60 * RATE)
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=RATE, layout="stereo")
        chunk = 1024
        for start in range(0, total, chunk):
            idx = np.arange(start, min(start + chunk, total)) % len(speech)
            samples = np.ascontiguousarray(np.repeat(speech[idx][None, :], 2, axis=0))
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="stereo")
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return total // len(speech)


def measure(path: str) -> dict:
    """In this process: decode ``path`` and transcribe it as the speech-text judge does; times, memory, transcript."""
    from judges.media import MediaSpec
    from judges.speech_to_text import SpeechToText

    stt = SpeechToText()
    stt.transcribe(np.zeros(16000, np.float32) + 1e-3)  # loads the model and VAD (silence: no decoding)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    media = MediaSpec(num_frames=0, sample_rate=SpeechToText.sample_rate).decode(path)
    decoded = time.perf_counter() - start
    after_decode = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert media.audio is not None
    start, cpu = time.perf_counter(), time.process_time()
    text = stt.transcribe(media.audio)
    transcribed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"loaded_mb": loaded, "decode_peak_mb": after_decode, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "decode_s": decoded, "transcribe_s": transcribed, "cpu_s": cpu, "audio_mb": media.audio.nbytes / 2**20, "text": text}


def show_seams(folder: Path, speech: np.ndarray, minutes: float, noise: float) -> None:
    """Each cut of ``minutes`` of the looped passage, ``noise`` RMS of white noise added: where, how quiet, the words either side."""
    from judges.media import MediaSpec
    from judges.speech_to_text import SpeechToText, silence_cuts

    path = folder / f"speech-{minutes:g}min.mp4"
    if not path.is_file():
        write_long_audio(path, speech, minutes)
    audio = MediaSpec(num_frames=0, sample_rate=SpeechToText.sample_rate).decode(path).audio
    assert audio is not None
    if noise:
        audio = audio + np.random.default_rng(0).normal(0.0, noise, audio.size).astype(np.float32)
    rate, stt = SpeechToText.sample_rate, SpeechToText()
    bounds = [0, *silence_cuts(audio, rate), audio.size]
    texts = [stt.transcribe(audio[start:end]).split() for start, end in zip(bounds, bounds[1:])]
    loudest = float(np.abs(audio).max())
    speaking = float(np.sqrt(np.mean(np.square(audio[: rate * 30], dtype=np.float64))))
    print(f"{len(bounds) - 2} cuts in {minutes:g} min; loudest sample {loudest:.3f}, RMS {speaking:.3f}, noise RMS {noise:g}")
    for cut, before, after in zip(bounds[1:-1], texts, texts[1:]):
        near = float(np.abs(audio[max(0, cut - rate // 20) : cut + rate // 20]).max())
        print(f"{cut / rate:8.2f} s  peak within 50 ms {near / loudest:6.1%}  ...{' '.join(before[-6:])} | {' '.join(after[:6])}...")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=minutes_list, default=[1, 5, 17.5, 60], help="lengths to measure (default 1,5,17.5,60)")
    parser.add_argument("--keep", type=Path, help="folder for the generated audio, reused by a later run (default: a temporary one)")
    parser.add_argument("--transcripts", type=Path, help="folder to save each length's transcript in (minutes.txt)")
    parser.add_argument("--seams", type=positive_float, help="print the window seams of this many minutes (no measuring)")
    parser.add_argument("--noise", type=positive_float, default=0.0, help="with --seams: white noise of this RMS added to the audio "
                        "(a room's hiss: the pauses are no longer digital silence), e.g. 0.03 (default: none)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # the child process: measure this file, print JSON
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        speech = passage()
        if args.seams:
            show_seams(folder, speech, args.seams, args.noise)
            return
        print(f"machine: {platform.processor() or platform.machine()}; passage {len(speech) / RATE:.1f} s, {len(SENTENCES)} sentences")
        print(f"{'minutes':>8}{'audio MB':>10}{'loaded MB':>11}{'decode MB':>11}{'peak MB':>9}{'decode s':>10}{'transcr. s':>11}{'cpu s':>8}"
              f"{'loops':>7}  marker counts (expected: loops, or loops+1 where the last loop is cut)")
        for minutes in args.minutes:
            path = folder / f"speech-{minutes:g}min.mp4"
            loops = int(minutes * 60 * RATE) // len(speech)
            if not path.is_file():
                loops = write_long_audio(path, speech, minutes)
            done = subprocess.run([sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(f"measuring {path.name} failed:\n{done.stderr[-2000:]}")
            row = json.loads(done.stdout.strip().splitlines()[-1])
            words = re.findall(r"[a-z]+", row["text"].lower())
            counts = [words.count(marker) for marker in MARKERS]
            print(f"{minutes:>8g}{row['audio_mb']:>10.0f}{row['loaded_mb']:>11.0f}{row['decode_peak_mb']:>11.0f}{row['peak_mb']:>9.0f}"
                  f"{row['decode_s']:>10.1f}{row['transcribe_s']:>11.1f}{row['cpu_s']:>8.1f}{loops:>7}  {counts}")
            if args.transcripts:
                args.transcripts.mkdir(parents=True, exist_ok=True)
                (args.transcripts / f"{minutes:g}.txt").write_text(row["text"] + "\n", encoding="utf-8")


if __name__ == "__main__":
    run_script(main, __file__)
