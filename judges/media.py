"""Decode a clip into what multimodal models eat: a few RGB frames and 16 kHz mono audio.

PyAV only (no OpenCV, no torchvision). Frames are sampled uniformly, one from
the middle of each of ``num_frames`` equal segments of the frames shown (the
InternVL / Qwen-VL video recipe; the frames an MP4 edit list hides, as in a
clip cut by stream copy, do not count); audio is resampled to mono float32. A
missing or corrupt file raises :class:`~judges.errors.InputError`; a file without an audio stream
gives ``audio=None`` so an audio judge can report that clip as failed. A cover
picture attached to an audio file (a song's, a podcast's) is not video: no frames.
A truncated file (a download cut off) is decoded as far as it goes, with a
:class:`TruncatedMediaWarning` naming it, once per file and process.

    >>> media = decode_clip("clip.mp4", num_frames=8)          # doctest: +SKIP
    >>> len(media.frames), media.frames[0].shape, media.audio.dtype  # doctest: +SKIP
    (8, (240, 320, 3), dtype('float32'))
"""
from __future__ import annotations

import errno
import importlib.util
import io
import os
import threading
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from judges.declared_length import FILE_DECLARED
from judges.errors import InputError
from judges.install_hints import install_hint
from judges.option_values import is_whole_number
from judges.text_files import check_not_lfs_pointer, file_head, user_path
from judges.user_warnings import warn_user

__all__ = ["DECODING_VERSION", "Media", "MediaSpec", "TruncatedMediaWarning", "decode_clip", "encode_image", "encode_wav", "require_media",
           "segment_middles", "pick_in_order"]


class TruncatedMediaWarning(UserWarning):
    """A clip whose video or audio stops well before the length its container declares; it is judged on what decodes."""


def require_media(judge: str) -> None:
    """A one-line error, when the judge is built, if PyAV or Pillow (the ``[media]`` extra) is missing.

    Without it every clip would fail one by one, and the failures be cached.
    """
    for module, package in (("av", "av"), ("PIL", "pillow")):
        if importlib.util.find_spec(module) is None:
            raise InputError(f"judge {judge!r} decodes video and audio with {package}, which is not installed: {install_hint('media')}")


def _media_module(module: str, package: str, use: str) -> Any:
    """``module`` imported, or a one-line error naming the ``[media]`` extra (a direct call without it)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{use} needs {package}, which is not installed: {install_hint('media')}") from None


#: Bump whenever a change here gives some clip other frames or audio (which frames are picked, what decodes): the
#: judges put it in their cache identity with the spec, so verdicts on frames sampled the old way are not replayed.
#: 2026-11-22.1: a clip cut by stream copy is sampled over the frames shown; a truncated H.264 clip decodes.
#: 2026-11-23.1: a variable-frame-rate AVI (empty chunks between its frames) decodes, sampled over the frames it holds.
#: 2026-11-23.2: a truncated clip is sampled over the frames it holds, not over the length its header declares.
#: 2026-11-23.3: a JPEG photo decodes (its frame was lost when the table of its packets had been read).
#: 2026-11-24.1: a video with a damaged packet (a bit error, a bad sector) decodes, that packet's frame skipped; one of
#: which fewer frames decode than its header counts (its first packets damaged) is sampled over the frames that decode.
DECODING_VERSION = "2026-11-24.1"


@dataclass(frozen=True)
class MediaSpec:
    """How a judge samples a clip; hashable, and part of the judge's ``cache_identity()``.

    ``num_frames`` frames (0: no video decoding), audio at ``sample_rate`` Hz
    (``None``: no audio decoding), frames shrunk so their longer side is at most
    ``max_side`` pixels (``None``: as decoded).

    >>> spec = MediaSpec(num_frames=4, max_side=448)
    >>> spec.as_dict()
    {'num_frames': 4, 'sample_rate': 16000, 'max_side': 448, 'decoding': '2026-11-24.1'}
    """

    num_frames: int = 8
    sample_rate: int | None = 16000
    max_side: int | None = None

    def __post_init__(self) -> None:
        if not is_whole_number(self.num_frames) or self.num_frames < 0:
            raise InputError(f"num_frames={self.num_frames!r}: give a whole number >= 0")
        if self.sample_rate is not None and (not is_whole_number(self.sample_rate) or self.sample_rate <= 0):
            raise InputError(f"sample_rate={self.sample_rate!r}: give a positive whole number of Hz, e.g. 16000")
        if self.max_side is not None and (not is_whole_number(self.max_side) or self.max_side < 16):
            raise InputError(f"max_side={self.max_side!r}: give a pixel size >= 16, or None to keep frames as decoded")
        for name in ("num_frames", "sample_rate", "max_side"):  # np.int64(8) as 8: the cache identity is JSON
            if getattr(self, name) is not None:
                object.__setattr__(self, name, int(getattr(self, name)))

    def as_dict(self) -> dict[str, Any]:
        """The spec and :data:`DECODING_VERSION`: what a judge's cache identity holds of how it sees a clip."""
        return {**asdict(self), "decoding": DECODING_VERSION}

    def decode(self, path: str | Path) -> "Media":
        """Decode ``path`` as this spec says."""
        return decode_clip(
            path,
            num_frames=self.num_frames,
            sample_rate=self.sample_rate or 16000,
            max_side=self.max_side,
            with_audio=self.sample_rate is not None,
        )


@dataclass
class Media:
    """A decoded clip: ``frames`` (HxWx3 uint8 RGB), ``audio`` (float32 mono, or None).

    ``duration`` is in seconds, ``fps`` is the video's average frame rate (0.0
    without video). ``truncated`` is ``(seconds decoded, seconds declared)``
    when what was decoded stops well before the container's declared length
    (a download cut off), else None.
    """

    frames: list[np.ndarray] = field(default_factory=list)
    audio: np.ndarray | None = None
    sample_rate: int = 16000
    duration: float = 0.0
    fps: float = 0.0
    truncated: tuple[float, float] | None = None

    def truncation_note(self) -> str:
        """For a judge's ``raw`` text: ``"decoded 4.9 s of the 10.0 s declared (a truncated file?)"``, or ``""``."""
        if self.truncated is None:
            return ""
        return f"decoded {self.truncated[0]:.1f} s of the {self.truncated[1]:.1f} s declared (a truncated file?)"

    def noted(self, raw: str) -> str:
        """A judge's ``raw`` text on this clip, the truncation note in front if it was cut short: kept with the verdict
        for a cached re-run, which neither decodes nor warns again."""
        return f"{self.truncation_note()}; {raw}" if self.truncated else raw

    def images(self) -> list[Any]:
        """The frames as PIL images (what image-text processors and LMDeploy take)."""
        Image = _media_module("PIL.Image", "pillow", "Media.images()")

        return [Image.fromarray(frame) for frame in self.frames]


def decode_clip(
    path: str | Path,
    num_frames: int = 8,
    sample_rate: int = 16000,
    max_side: int | None = None,
    with_audio: bool = True,
) -> Media:
    """Decode ``num_frames`` uniformly sampled frames and mono audio at ``sample_rate``.

    Raises :class:`InputError` (one line) when the file is missing, unreadable
    or has neither a video nor an audio stream. A stream that stops well short
    of the length the container declares (MP4/MOV, Matroska/WebM, AVI, FLAC,
    WAV, an MP3 with a Xing/Info or VBRI header, an FLV with a duration in its
    onMetaData: those whose header says it; not ADTS AAC, MPEG-TS, an MP3
    without such a header) is decoded as far as it goes, with a one-line
    :class:`TruncatedMediaWarning` naming the file (once per file and process),
    and ``Media.truncated`` set.
    """
    av = _media_module("av", "av", "decoding a clip")

    path = user_path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such media file; check the path")
    try:
        with av.open(str(path)) as container:
            video = _video_stream(container)
            has_video = video is not None
            has_audio = bool(container.streams.audio)
            if not has_video and not has_audio:
                raise InputError(f"{path}: has no video or audio stream; give a video or audio file")
            duration = _duration(container)
            fps = float(video.average_rate or 0.0) if video is not None else 0.0
            reached: list[_Reach] = []
            frames: list[np.ndarray] = []
            if video is not None and num_frames > 0:
                frames, reach = _sample_frames(container, num_frames, max_side, video)
                reached.append(reach)
        audio = None
        if has_audio and with_audio:
            with av.open(str(path)) as container:
                audio, end = _decode_audio(container, sample_rate)
                reached.append(_reach(container, container.streams.audio[0], end))
    except av.FFmpegError as exc:
        if exc.errno == errno.EACCES:  # the file is fine, the reader may not open it (a decoder's EPERM is damaged data)
            raise InputError(f"{path}: cannot read it ({_short(exc)}); check you may read it (its permissions)") from None
        if isinstance(exc, av.DecoderNotFoundError):  # a sound file in a codec this ffmpeg lacks: no copy of it decodes either
            raise InputError(f"{path}: its video or audio codec is not one this ffmpeg (PyAV's) decodes ({_short(exc)}): the file need "
                             f"not be damaged; convert it, e.g. ffmpeg -i {path.name} -c:v libx264 -c:a aac {path.stem}.h264.mp4") from None
        if _is_empty(path):  # an interrupted copy or download: say so, not "invalid data"
            raise InputError(f"{path}: is empty (0 bytes); copy or download the video again") from None
        check_not_lfs_pointer(path)  # a dataset cloned without git-lfs: say so, not "invalid data"
        if _is_web_page(path):  # a download that got an error, sign-in or virus-scan page: say so, not "invalid data"
            raise InputError(f"{path}: is a web page (HTML), not a video: its download got a page (an error, a sign-in or a "
                             "virus-scan warning) in place of the file; download the video again") from None
        if _mp4_without_index(path):  # a recording or download stopped before its end: say so, not "invalid data"
            raise InputError(f"{path}: is an MP4/MOV file without its index (no whole moov box: the recording or download stopped before its end, "
                             "where the index is written); copy or download the video again") from None
        raise InputError(f"{path}: cannot decode ({_short(exc)}); check the file is a complete video") from None
    if has_video and num_frames > 0 and not frames:
        raise InputError(f"{path}: the video stream has no decodable frames; check the file is a complete video")
    truncated = _truncation(reached)
    if truncated is not None:
        _warn_truncated(path, truncated)
    return Media(frames=frames, audio=audio, sample_rate=sample_rate, duration=duration, fps=fps, truncated=truncated)


# -- a truncated file: the streams stop before the length the header declares -------------------------
#: Containers whose header declares the length (ffmpeg only estimates it for others: ADTS AAC and MPEG-TS,
#: which declare none, from the bit rate or the file's size). An AVI declares each stream's length in its
#: stream header (``dwLength``, which ffmpeg gives as ``frames``), not in its duration, which ffmpeg reads off
#: the index at the file's end, or estimates when that index was cut off. WAV, MP3 and FLV declare a length
#: ffmpeg does not tell from its own estimate: it is read from the file itself (:data:`judges.declared_length.FILE_DECLARED`).
_DECLARING_FORMATS = frozenset({"mov", "mp4", "matroska", "webm", "flac"})
_AVI, _FLV = "avi", "flv"
#: A stream ending this much before its declared end was cut: normal files end within a few milliseconds
#: of it (audio priming and padding, rounding); a frame interval more for a video without packet durations.
_CUT_SECONDS, _CUT_SHARE = 0.15, 0.02

_warned: set[tuple[str, int, int]] = set()
_warned_lock = threading.Lock()


@dataclass(frozen=True)
class _Reach:
    """How far a stream's packets go (``end``) and where the header says it ends (``declared``), in seconds."""

    end: float | None
    declared: tuple[float, float] | None  # (start, end)
    slack: float  # seconds that may be missing from its end in a complete file (a frame interval)
    of_file: bool = False  # ``declared`` is the file's length (an FLV's), which its streams need not each reach


def _reach(container: Any, stream: Any, end: float | None) -> _Reach:
    """``stream``'s reach, its packets ending at ``end``. The slack is a frame interval and a half for a video (whose
    packets may carry no duration); for an AVI, at least two and a half of the stream's chunks: a variable-rate audio
    stream (FLAC, say) counts its length in packets, its last chunk may be the encoder's empty flush and its packets
    carry no duration, so a complete one reaches two packets short of it."""
    rate = float(stream.average_rate or 0.0) if stream.type == "video" else 0.0
    slack = 1.5 / rate if rate else 0.0
    if _AVI in _format_names(container) and stream.time_base:
        slack = max(slack, 2.5 * float(stream.time_base))
    return _Reach(end, _declared_end(container, stream), slack, of_file=_FLV in _format_names(container))


def _is_empty(path: Path) -> bool:
    """Whether ``path`` holds no bytes at all (unreadable counts as not known to be empty)."""
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


def _is_web_page(path: Path) -> bool:
    """Whether ``path`` starts as an HTML page does (``<!DOCTYPE html``, ``<html``), a byte-order mark and spaces aside: what
    curl or wget saves under the video's name when the server answers with a page (Google Drive's virus-scan warning)."""
    start = file_head(path, 512).removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in start)


#: An MP4/MOV box's type: four letters, digits or spaces (QuickTime's ``©nam`` is inside ``moov``, not at the top).
_BOX_TYPE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")


def _mp4_without_index(path: Path) -> bool:
    """Whether ``path`` is an MP4/MOV (it starts with an ``ftyp`` box) whose top-level boxes, as far as the file goes, hold
    no whole ``moov`` (nor a fragment's ``moof``): a recording or a download stopped before its end, which is where an MP4
    is written its index (unless made with faststart). Boxes that do not parse are damage, not a missing index: False."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            at = 0
            while at + 8 <= size:
                handle.seek(at)
                header = handle.read(16)
                length, kind = int.from_bytes(header[:4], "big"), header[4:8]
                if (at == 0 and kind != b"ftyp") or not set(kind) <= _BOX_TYPE:
                    return False
                if length == 1:  # a 64-bit size follows the type
                    length = int.from_bytes(header[8:16], "big")
                elif length == 0:  # the last box, to the end of the file
                    length = size - at
                if length < 8:
                    return False
                if kind in (b"moov", b"moof"):
                    return kind == b"moov" and at + length > size  # the index cut short is no index either
                at += length
    except OSError:
        return False
    return at > 0


def _format_names(container: Any) -> list[str]:
    """The container's format names: ffmpeg gives one demuxer several (``"mov,mp4,m4a,3gp,3g2,mj2"``)."""
    return (container.format.name or "").split(",")


def _declared_end(container: Any, stream: Any) -> tuple[float, float] | None:
    """``(start, end)`` of ``stream`` in seconds as the container's header declares them; None where it only estimates."""
    formats = _format_names(container)
    if _AVI in formats:
        if not stream.frames or not stream.time_base:
            return None
        start = float((stream.start_time or 0) * stream.time_base)
        return start, start + float(stream.frames * stream.time_base)
    reader = next((FILE_DECLARED[name] for name in formats if name in FILE_DECLARED), None)
    if reader is not None:
        seconds = reader(container.name)
        return (0.0, seconds) if seconds else None
    if not _DECLARING_FORMATS.intersection(formats):
        return None
    origin = (container.start_time or 0) / 1_000_000
    if stream.duration and stream.time_base:
        start = float((stream.start_time or 0) * stream.time_base)
        return start, start + float(stream.duration * stream.time_base)
    tag = (stream.metadata or {}).get("DURATION")  # Matroska: each track's own length, as its tags say
    if tag:
        try:
            hours, minutes, seconds = tag.split(":")
            return origin, origin + int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        except ValueError:
            pass
    if container.duration:
        return origin, origin + container.duration / 1_000_000
    return None


def _truncation(reached: list[_Reach]) -> tuple[float, float] | None:
    """``(seconds decoded, seconds declared)`` of the stream cut shortest, if any stops well before its declared end.
    Streams sharing the file's declared length are one: the one reaching furthest tells how far the file goes."""
    shared = [r for r in reached if r.of_file and r.end is not None]
    if shared:
        reached = [r for r in reached if not r.of_file] + [max(shared, key=lambda r: r.end or 0.0)]
    cut = []
    for r in reached:
        if r.end is None or r.declared is None:
            continue
        start, declared = r.declared
        length = declared - start
        if length > 0 and declared - r.end > max(_CUT_SECONDS, _CUT_SHARE * length, r.slack):
            cut.append((max(0.0, r.end - start), length))
    return min(cut, key=lambda c: c[0] / c[1]) if cut else None


def _warn_truncated(path: Path, truncated: tuple[float, float]) -> None:
    """One :class:`TruncatedMediaWarning` per file (its path, size and time) and process: judges decoding the same
    clip (frames for one, audio for another) do not repeat it."""
    try:
        stat = path.stat()
        key = (os.path.abspath(path), stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = (os.path.abspath(path), -1, -1)
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    got, declared = truncated
    warn_user(f"{path}: decoded {got:.1f} s of the {declared:.1f} s its container declares (a truncated or damaged file?); "
              "judged on what decodes", TruncatedMediaWarning)


#: ffmpeg's AV_DISPOSITION_ATTACHED_PIC: a cover picture (a song's, a podcast's), not video of the clip.
_ATTACHED_PIC = 0x0400


def _video_stream(container: Any) -> Any:
    """The first video stream that is not an attached cover picture, or None."""
    return next((s for s in container.streams.video if not int(getattr(s, "disposition", 0) or 0) & _ATTACHED_PIC), None)


def _duration(container: Any) -> float:
    if container.duration:
        return float(container.duration) / 1_000_000  # AV_TIME_BASE
    for stream in container.streams:
        if stream.duration and stream.time_base:
            return float(stream.duration * stream.time_base)
    return 0.0


def _short(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split())[:200]


def segment_middles(total: int, count: int) -> list[int]:
    """One index from the middle of each of ``count`` equal segments of ``range(total)``: the frames a clip is sampled at
    (the tests and the frame-sampling benchmark check other samplers against these picks)."""
    return [min(total - 1, int((i + 0.5) * total / count)) for i in range(count)]


#: Flushing the decoder and restarting it at a keyframe costs about as much as decoding this many frames.
_SEEK_COST = 4


def _sample_frames(container: Any, num_frames: int, max_side: int | None, stream: Any = None) -> tuple[list[np.ndarray], _Reach]:
    """Frames ``segment_middles(total, num_frames)`` of the stream, counted in display order from its first frame, and
    how far the stream's packets reach (:func:`_reach`): where a truncated file stops.

    Each one is reached by seeking to the keyframe before it and decoding from
    there, so the time grows with the number of frames picked, not the length
    of the clip; picks close together are decoded in one run. A stream whose
    packets lack timestamps, a seek that lands elsewhere or a decoder that
    skips a frame falls back to decoding every frame from the start. A file cut
    short (:class:`TruncatedMediaWarning`) is sampled over the frames it holds.
    """
    stream = container.streams.video[0] if stream is None else stream
    table = _FrameTable.read(container, stream)
    end = table.end_seconds(stream)
    total = stream.frames or table.packets
    if stream.frames and table.skips_ticks() and _AVI in _format_names(container):
        # an AVI counts its length in ticks of its time base, a frame each at a constant rate; at a variable one (ffmpeg
        # writes a 1 ms time base) the ticks between frames are empty chunks the demuxer skips: frames are what it holds
        total = table.packets
    reach = _reach(container, stream, end)
    if _truncation([reach]) is not None:  # no packet: no end, no truncation
        # a cut file (a download cut off): its header counts the frames it had; the picks are the middles of those it holds
        total = min(total, table.packets)
    if table.discard:
        # an edit list (a clip cut by stream copy): the header counts the frames decoded before (after) the cut but not
        # shown, whose packets the demuxer marks; the picks are the middles of what a player shows
        total = table.shown if table.error is None else max(1, total - (table.packets - table.shown))
    if table.error is not None and not stream.frames:
        raise table.error
    # a damaged tail: no table, decode from the start as far as the picks go
    frames = _pick_frames(container, num_frames, max_side, stream, None if table.error is not None else table, total)
    return frames, reach


def _pick_frames(container: Any, num_frames: int, max_side: int | None, stream: Any, table: "_FrameTable | None", total: int) -> list[np.ndarray]:
    """Frames ``segment_middles(total, num_frames)`` of those the decoder gives (the shown ones), counted from the start."""
    import av

    if total == 0:
        return []
    wanted = segment_middles(total, num_frames)
    picked = None
    if table is not None and table.seekable(total):
        try:
            picked = _pick_by_seeking(container, stream, table, sorted(set(wanted)), max_side)
        except av.FFmpegError:
            picked = None  # decoding in order from the start raises it again if the damage is on its way
    if picked is None:
        picked, decoded = _in_order(container, stream, set(wanted), max_side)
        if picked and len(picked) < len(set(wanted)) and decoded < total:
            # fewer frames decode than the header counts (damaged packets, a stream cut before its keyframe): the picks
            # are the middles of those that decode, not the first ones' with the last frame reached in place of the rest
            wanted = segment_middles(decoded, num_frames)
            picked = pick_in_order(container, stream, set(wanted), max_side)
    if not picked:
        return []
    # Fewer frames decoded than the header promised (rare): reuse the nearest earlier frame.
    found = sorted(picked)
    return [picked[max((k for k in found if k <= i), default=found[0])] for i in wanted]


def pick_in_order(container: Any, stream: Any, targets: set[int], max_side: int | None) -> dict[int, np.ndarray]:
    """Decode every frame from the start up to the last of ``targets`` (frame indices), keeping those: the fallback when
    seeking cannot be trusted, and the baseline the frame-sampling benchmark times seeking against."""
    return _in_order(container, stream, targets, max_side)[0]


def _in_order(container: Any, stream: Any, targets: set[int], max_side: int | None) -> tuple[dict[int, np.ndarray], int]:
    """:func:`pick_in_order`'s frames, and how many frames decoded (all of the stream's when a target was not reached)."""
    import av

    try:
        container.seek(0, stream=stream)
    except av.FFmpegError:
        picked: dict[int, np.ndarray] = {}
        decoded = 0  # a raw stream (.h264, .hevc) cannot seek, not even back to its start once its packets were counted
    else:
        picked, decoded = _decode_from_here(container, stream, targets, max_side)
    if not picked:
        # read the file again: a raw stream's, and a JPEG photo's (ffmpeg's image2 demuxer seeks back, then gives no packet)
        with av.open(container.name) as again:
            return _decode_from_here(again, again.streams[stream.index], targets, max_side)
    return picked, decoded


def _decode_from_here(container: Any, stream: Any, targets: set[int], max_side: int | None) -> tuple[dict[int, np.ndarray], int]:
    """Decode from where the container stands, keeping the frames whose index (counted from there) is in ``targets``;
    and how many frames decoded (up to the last target, or to the end when one is not reached).

    A packet that does not decode is skipped, as a player skips it: the incomplete last one of a truncated file
    (H.264's decoder refuses it; MPEG-4's conceals it), one damaged by a bit error or a bad sector (its frame is
    lost, not the clip's frames). Only when no frame decodes at all is its error raised.
    """
    import av

    picked: dict[int, np.ndarray] = {}
    index = 0
    damage = None
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.FFmpegError as exc:
            damage = damage or exc
            continue
        for frame in frames:
            if index in targets:
                picked[index] = _to_rgb(frame, max_side)
                if len(picked) == len(targets):
                    return picked, index + 1
            index += 1
    if not picked and damage is not None:
        raise damage  # nothing decodes: not a video we can use
    return picked, index


@dataclass
class _FrameTable:
    """The video packets in file (decoding) order: their timestamps and which are keyframes; read without decoding."""

    pts: list[int | None]
    keyframe: list[bool]
    discard: bool  # some packets are decoded but not shown (an edit list: a clip cut by stream copy)
    shown: int = 0  # the packets not marked so: the frames the decoder gives
    end: int | None = None  # the largest pts + duration: how far the packets reach
    error: Exception | None = None  # what stopped the reading before the end of the file (a damaged tail)

    @classmethod
    def read(cls, container: Any, stream: Any) -> "_FrameTable":
        import av

        table = cls([], [], False)
        try:
            for packet in container.demux(stream):
                if packet.size:
                    table.pts.append(packet.pts)
                    table.keyframe.append(bool(packet.is_keyframe))
                    table.discard = table.discard or bool(packet.is_discard)
                    table.shown += not packet.is_discard
                    if packet.pts is not None:
                        reach = packet.pts + (packet.duration or 0)
                        table.end = reach if table.end is None else max(table.end, reach)
        except av.FFmpegError as exc:
            table.error = exc
        return table

    def end_seconds(self, stream: Any) -> float | None:
        return float(self.end * stream.time_base) if self.end is not None and stream.time_base else None

    @property
    def packets(self) -> int:
        return len(self.pts)

    def skips_ticks(self) -> bool:
        """Whether the packets' timestamps leave ticks of the time base between them: an AVI's empty chunks."""
        if not self.pts or None in self.pts:
            return False
        return max(self.pts) - min(self.pts) + 1 > self.packets  # type: ignore[type-var,operator]

    def seekable(self, total: int) -> bool:
        """Whether frame ``i`` of a decode from the start is surely the packet with the ``i``-th smallest timestamp.

        Every packet has its own timestamp, none is to be dropped (edit lists),
        the header agrees on the count, and the first packet is a keyframe
        shown first (a clip cut before its first keyframe decodes fewer frames).
        """
        if self.packets != total or self.discard or None in self.pts or not self.keyframe[0]:
            return False
        return len(set(self.pts)) == self.packets and self.pts[0] == min(self.pts)  # type: ignore[type-var]  # no None, checked above


def _pick_by_seeking(container: Any, stream: Any, table: _FrameTable, targets: list[int], max_side: int | None) -> dict[int, np.ndarray] | None:
    """The frames at display ranks ``targets`` (ascending), each decoded from the keyframe before it.

    ``None`` when the decoder does not give frames as the table predicts (a seek
    landing past its keyframe, a frame skipped or out of the table): the caller
    then decodes every frame from the start.
    """
    import bisect

    order = sorted(table.pts)  # type: ignore[type-var]  # display rank -> pts; no pts is None in a seekable() table
    rank = {pts: r for r, pts in enumerate(order)}
    where = {pts: i for i, pts in enumerate(table.pts)}  # pts -> position in decoding order
    keys = [i for i, key in enumerate(table.keyframe) if key]
    picked: dict[int, np.ndarray] = {}
    frames = None  # the decoder's frames since the last seek
    last = -1  # display rank of the last frame decoded
    may_seek = True
    for target in targets:
        # the last keyframe fed to the decoder before the target and shown no later than it (the first packet is one)
        k = bisect.bisect_right(keys, where[order[target]]) - 1
        while table.pts[keys[k]] > order[target]:  # type: ignore[operator]  # no pts is None in a seekable() table
            k -= 1
        start = rank[table.pts[keys[k]]]
        if frames is None or (may_seek and start - last > _SEEK_COST):
            container.seek(table.pts[keys[k]], stream=stream)  # backward, to that keyframe
            frames = container.decode(stream)
            last = -1
        frame = None
        for frame in frames:
            r = rank.get(frame.pts)
            if r is None or (last >= 0 and r != last + 1):
                return None
            if last < 0 and r != start:
                if r > start:
                    return None
                may_seek = False  # landed before the keyframe: this container seeks coarsely, so go on in order
            last = r
            if r >= target:
                break
        if frame is None or last != target:
            return None
        picked[target] = _to_rgb(frame, max_side)
    return picked


def _to_rgb(frame: Any, max_side: int | None) -> np.ndarray:
    """The frame as RGB, shrunk to ``max_side``, and turned as its display matrix says (phone videos shot upright)."""
    width, height = frame.width, frame.height
    if max_side is not None and max(width, height) > max_side:
        scale = max_side / max(width, height)
        width, height = max(2, round(width * scale)), max(2, round(height * scale))
        rgb = frame.to_ndarray(format="rgb24", width=width, height=height)
    else:
        rgb = frame.to_ndarray(format="rgb24")
    # ``rotation``: degrees counterclockwise to turn the picture for display (what ffmpeg's autorotate does)
    turns = round(float(getattr(frame, "rotation", 0) or 0) / 90) % 4
    return np.ascontiguousarray(np.rot90(rgb, k=turns)) if turns else rgb


def _decode_audio(container: Any, sample_rate: int) -> tuple[np.ndarray | None, float | None]:
    """The first audio stream as mono float32 at ``sample_rate``, and the time (seconds) its decoded packets reach."""
    import av

    stream = container.streams.audio[0]
    resampler, setup = None, None
    samples = _Samples(round(_duration(container) * sample_rate * 1.02) + sample_rate)
    damage = None
    end = None
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.FFmpegError as exc:  # a damaged packet costs its few milliseconds, as in any player; not the clip
            damage = damage or exc
            continue
        if packet.size and packet.pts is not None and packet.time_base:
            reach = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            end = reach if end is None else max(end, reach)
        for frame in frames:
            # joined recordings change rate or channels midway; a resampler takes one input format only
            if resampler is None or (frame.format.name, frame.layout.name, frame.sample_rate) != setup:  # None: the first frame
                _drain(resampler, samples)
                resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
                setup = (frame.format.name, frame.layout.name, frame.sample_rate)
            for out in resampler.resample(frame):
                samples.append(out.to_ndarray())
    _drain(resampler, samples)
    if not samples.pieces:
        if damage is not None:
            raise damage  # nothing decodes: not audio we can use
        return None, end
    audio = samples.array()
    # a float track's NaN/inf samples (and what resampling smears them over) are damage: silence, not a signal; a block at
    # a time, as masks of the whole track would take 1.25 times its size
    for start in range(0, audio.size, 1 << 20):
        block = audio[start : start + (1 << 20)]
        block[~np.isfinite(block)] = 0.0
    return audio, end


def _drain(resampler: Any, samples: "_Samples") -> None:
    """Append what ``resampler`` still holds (none: nothing) to ``samples``."""
    if resampler is not None:
        for out in resampler.resample(None):
            samples.append(out.to_ndarray())


class _Samples:
    """Mono float32 samples appended a resampled frame at a time into one array, made for the length the container
    declares (pages never written take no memory) and grown by half when a file holds more: a list of the frames' small
    arrays joined at the end would hold the audio 3.3 times over at its peak (an hour at 16 kHz is 230 MB)."""

    #: The most samples made room for at first (2.3 hours at 16 kHz): a header's absurd length is not believed.
    MOST_AT_FIRST = 2**27

    def __init__(self, expected: int) -> None:
        self.data = np.empty(min(max(expected, 1 << 16), self.MOST_AT_FIRST), dtype=np.float32)
        self.size = 0
        self.pieces = 0  # appended, some maybe empty: a track of no samples is an empty array, not a missing track

    def append(self, piece: np.ndarray) -> None:
        piece = piece.reshape(-1)
        if self.size + piece.size > self.data.size:
            grown = np.empty(max(self.size + piece.size, self.data.size * 3 // 2), dtype=np.float32)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : self.size + piece.size] = piece
        self.size += piece.size
        self.pieces += 1

    def array(self) -> np.ndarray:
        """The samples as an array of their own (the room left unused is given back)."""
        self.data.resize(self.size, refcheck=False)  # no other reference to it: it is ours alone
        return self.data


def encode_image(frame: np.ndarray, format: str = "jpeg", quality: int = 90) -> bytes:
    """A frame (HxWx3 uint8) as JPEG or PNG bytes, e.g. for a base64 data URL."""
    Image = _media_module("PIL.Image", "pillow", "encode_image()")

    fmt = format.lower()
    if fmt in ("jpg", "jpeg"):
        kwargs: dict[str, Any] = {"format": "JPEG", "quality": quality}
    elif fmt == "png":
        kwargs = {"format": "PNG"}
    else:
        raise InputError(f"image format {format!r}: use 'jpeg' or 'png'")
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(frame, dtype=np.uint8)).save(buffer, **kwargs)
    return buffer.getvalue()


def encode_wav(audio: np.ndarray, sample_rate: int = 16000) -> bytes:
    """Mono float audio in [-1, 1] as 16-bit PCM WAV bytes."""
    pcm = (np.clip(np.asarray(audio, dtype=np.float32).reshape(-1), -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(sample_rate))
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()
