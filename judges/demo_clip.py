"""The bundled demo clip: a smiling face saying something happy, made on first use, never shipped as a file.

The picture is scikit-image's ``astronaut`` photograph (Eileen Collins,
public domain, shipped inside the scikit-image wheel), slowly zoomed for
about four seconds at 640x480; the voice is ``espeak-ng`` (Debian package
``espeak-ng``) saying :data:`DEMO_TEXT`. Without espeak-ng the clip has no
audio track and the words go into a ``.txt`` subtitle beside it (which
:meth:`judges.clip.Clip.from_path` reads), with a warning.

    >>> path = make_demo_clip()                 # doctest: +SKIP
    >>> path.name                               # doctest: +SKIP
    'demo-v1.mp4'
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
import wave
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from judges.cache_folder import cache_folder
from judges.errors import InputError
from judges.install_hints import install_hint
from judges.option_values import check_flags, is_number, is_whole_number
from judges.temp_files import held_temporary
from judges.text_files import user_path

if TYPE_CHECKING:
    import av

__all__ = ["make_demo_clip", "DEMO_TEXT"]

DEMO_TEXT = "I am so happy today, this is wonderful news!"
DEMO_VERSION = 1
WIDTH, HEIGHT, FPS = 640, 480, 25
MIN_SECONDS = 3.0
LEAD_SECONDS = 0.4  # silence before and after the voice
ZOOM = 0.06  # the picture grows by this much over the clip


def demo_cache_dir() -> Path:
    """Where generated media live: the package's cache folder (:func:`~judges.cache_folder.cache_folder` says which)."""
    return cache_folder()


def make_demo_clip(
    path: str | Path | None = None,
    *,
    text: str = DEMO_TEXT,
    image: np.ndarray | None = None,
    seconds: float | None = None,
    size: tuple[int, int] = (WIDTH, HEIGHT),
    force: bool = False,
) -> Path:
    """Write (once) an mp4 of ``image`` (default: the astronaut's smiling face) with ``text`` spoken.

    ``path`` defaults to the demo clip in :func:`demo_cache_dir`; an existing
    file is reused unless ``force``. ``text=""`` gives a silent audio track.
    ``seconds`` is the length (default: the speech plus a pause, at least 3 s);
    ``size`` is (width, height) in pixels, even numbers.
    """
    if not isinstance(size, (tuple, list)) or len(size) != 2 or any(not is_whole_number(v) or v < 16 or v % 2 for v in size):
        raise InputError(f"size={size!r}: give (width, height) as even whole numbers of pixels, e.g. (640, 480)")
    check_flags(force=force)
    if seconds is not None and not (is_number(seconds) and seconds > 0):  # is_number: finite
        raise InputError(f"seconds={seconds!r}: give the clip's length as a positive number of seconds, e.g. 4, or None for the speech's length")
    size, seconds = (int(size[0]), int(size[1])), None if seconds is None else float(seconds)  # np.int64 as int, for PyAV
    path = user_path(path) if path is not None else demo_cache_dir() / f"demo-v{DEMO_VERSION}.mp4"
    sidecar = path.with_suffix(".txt")
    espeak = shutil.which("espeak-ng")
    stale_fallback = sidecar.is_file() and espeak is not None and bool(text)
    if path.is_file() and not force and not stale_fallback:
        return path
    picture = _default_face() if image is None else _checked_image(image)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot make the folder {path.parent} for the demo clip ({exc.strerror or exc}); "
                         "set MEROV_CACHE to a folder you can write to") from None
    speech, rate = (np.zeros(0, np.float32), 16000) if not text else (None, 0)
    if text and espeak is not None:
        speech, rate = _speak(espeak, text)
    elif text:
        warnings.warn(
            f"espeak-ng is not installed, so the demo clip {path.name} has no voice: its words are in "
            f"{sidecar.name} as a subtitle. Install it (Debian/Ubuntu: apt-get install -y espeak-ng) for the spoken demo.",
            stacklevel=2,
        )
    length = seconds or max(MIN_SECONDS, (len(speech) / rate if speech is not None else 0.0) + 2 * LEAD_SECONDS)
    try:
        with held_temporary(path) as tmp:  # locked while written; removed if the write fails
            _write_mp4(tmp, picture, length, speech, rate, size)
            os.replace(tmp, path)
    except OSError as exc:  # a read-only cache folder, a full disk (PyAV's errors are OSErrors too)
        raise InputError(f"cannot write the demo clip {path} ({exc.strerror or exc}); set MEROV_CACHE to a folder you can write to") from None
    if speech is None:
        sidecar.write_text(text + "\n", encoding="utf-8")
    else:
        sidecar.unlink(missing_ok=True)
    return path


def _speak(espeak: str, text: str) -> tuple[np.ndarray, int]:
    """``text`` spoken by espeak-ng: mono float32 samples and their rate."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        done = subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(wav), "--", text], capture_output=True, text=True)
        if done.returncode != 0 or not wav.is_file():
            raise InputError(f"espeak-ng failed ({done.stderr.strip()[:200]}); check it runs: espeak-ng 'hello'")
        with wave.open(str(wav), "rb") as handle:
            rate, width, channels = handle.getframerate(), handle.getsampwidth(), handle.getnchannels()
            pcm = handle.readframes(handle.getnframes())
    if width != 2:
        raise InputError(f"espeak-ng wrote {8 * width}-bit audio, expected 16-bit; check the espeak-ng version")
    samples = np.frombuffer(pcm, dtype="<i2").reshape(-1, channels).mean(axis=1) / 32768.0
    return samples.astype(np.float32), rate


def _default_face() -> np.ndarray:
    """The astronaut photograph cut to 4:3 around her face (the top of the 512x512 picture)."""
    try:
        from skimage import data
    except ImportError:
        raise InputError("the demo clip's face picture ships with scikit-image; install it with: " + install_hint("cpu")) from None
    return np.ascontiguousarray(data.astronaut()[:384])


def _checked_image(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise InputError(f"image of shape {image.shape} and type {image.dtype}: give an HxWx3 uint8 RGB array")
    return image


def _frames(picture: np.ndarray, count: int, size: tuple[int, int]) -> Iterator[np.ndarray]:
    """``count`` frames of ``picture`` at ``size``, zooming in slowly toward the centre."""
    from PIL import Image

    source = Image.fromarray(picture)
    w, h = source.size
    aspect = size[0] / size[1]
    full_w, full_h = (h * aspect, h) if w / h > aspect else (w, w / aspect)  # largest crop of the frame's shape
    for i in range(count):
        shrink = 1.0 - ZOOM * i / max(1, count - 1)
        cw, ch = full_w * shrink, full_h * shrink
        box = ((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
        yield np.asarray(source.resize(size, Image.Resampling.BILINEAR, box=box))


def _write_mp4(path: Path, picture: np.ndarray, seconds: float, speech: np.ndarray | None, rate: int, size: tuple[int, int]) -> None:
    """H.264 video (MPEG-4 part 2 if this PyAV lacks libx264), plus mono AAC when ``speech`` is given."""
    import av

    with av.open(str(path), "w", format="mp4") as out:
        codec: Literal["libx264", "mpeg4"] = "libx264" if "libx264" in av.codecs_available else "mpeg4"
        video = out.add_stream(codec, rate=FPS)
        (video.width, video.height), video.pix_fmt = size, "yuv420p"
        if codec == "libx264":
            video.options = {"preset": "veryfast"}  # 3x faster than the default, smaller file too
        audio = out.add_stream("aac", rate=rate, layout="mono") if speech is not None else None
        for frame in _frames(picture, max(1, round(seconds * FPS)), size):
            out.mux(video.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        out.mux(video.encode(None))
        if audio is not None and speech is not None:  # audio: only with speech
            _write_audio(out, audio, _audio_track(speech, rate, seconds), rate)


def _audio_track(speech: np.ndarray, rate: int, seconds: float) -> np.ndarray:
    """``seconds`` of silence with ``speech`` starting after a short lead."""
    track = np.zeros(int(seconds * rate), dtype=np.float32)
    lead = min(int(LEAD_SECONDS * rate), len(track))
    piece = speech[: len(track) - lead]
    track[lead : lead + len(piece)] = piece
    return track


def _write_audio(out: av.container.OutputContainer, stream: av.AudioStream, track: np.ndarray, rate: int) -> None:
    import av

    chunk = 1024  # the AAC encoder's frame size
    for start in range(0, len(track), chunk):
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(track[None, start : start + chunk]), format="fltp", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))
