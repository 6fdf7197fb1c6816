"""Small real media files made with PyAV inside the tests (no data files in the repo).

    from tests.media_fixtures import make_clip
    make_clip(tmp_path / "a.mp4", seconds=2, with_audio=True)
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["SubtitleTrack", "make_audio_with_cover", "make_clip", "make_clip_with_subtitles", "make_corrupt_clip",
           "make_folder_with_latin1_subtitles", "make_numbered_clip", "make_stream_copy_cut", "make_tone_file", "make_truncated_copy",
           "TONE_HZ"]

#: Frequency of the sine tone in the audio track.
TONE_HZ = 440.0


def make_clip(
    path: str | Path,
    seconds: float = 2.0,
    width: int = 320,
    height: int = 240,
    with_audio: bool = True,
    fps: int = 10,
    audio_rate: int = 44100,
    stereo: bool = True,
) -> Path:
    """Write an MPEG-4 video whose frame ``i`` is a flat grey of level ``i * 255 // (n - 1)``.

    With ``with_audio`` the file also carries an AAC sine tone of :data:`TONE_HZ`
    at ``audio_rate`` Hz (stereo by default, to exercise down-mixing).
    """
    import av

    path = Path(path)
    n_frames = max(1, round(seconds * fps))
    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = None
        if with_audio:
            audio = out.add_stream("aac", rate=audio_rate, layout="stereo" if stereo else "mono")
        for i in range(n_frames):
            level = i * 255 // max(1, n_frames - 1)
            image = np.full((height, width, 3), level, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            _write_tone(out, audio, seconds, audio_rate, stereo)
    return path


def _write_tone(out, stream, seconds: float, rate: int, stereo: bool) -> None:
    import av

    t = np.arange(int(seconds * rate)) / rate
    tone = (0.5 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)
    channels = 2 if stereo else 1
    chunk = 1024  # the AAC encoder's frame size
    for start in range(0, len(tone), chunk):
        piece = np.tile(tone[start:start + chunk], (channels, 1))
        frame = av.AudioFrame.from_ndarray(piece, format="fltp", layout="stereo" if stereo else "mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def make_numbered_clip(
    path: str | Path,
    frames: int,
    gop: int = 12,
    codec: str = "mpeg4",
    fps: int = 25,
    width: int = 64,
    height: int = 48,
    format: str | None = None,
    pts: list[int] | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """A silent video whose frames all differ (a diagonal ramp moving with time, the frame number in bars along the top).

    ``gop``: a keyframe every ``gop`` frames; ``pts``: each frame's time in
    milliseconds (a variable frame rate), else ``fps``; ``format`` and
    ``options`` go to the muxer (e.g. ``"h264"`` for a raw stream without
    timestamps, ``{"movflags": "faststart"}``).
    """
    import av

    path = Path(path)
    x, y = np.arange(width)[None, :], np.arange(height)[:, None]
    with av.open(str(path), "w", format=format, options=options or {}) as out:
        video = out.add_stream(codec, rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.codec_context.gop_size = gop
        if pts is not None:
            video.time_base = Fraction(1, 1000)
        for i in range(frames):
            grey = ((2 * x + y + 3 * i) % 256).astype(np.uint8)
            for bit in range(16):
                grey[: height // 4, bit * width // 16:(bit + 1) * width // 16] = 255 * ((i >> bit) & 1)
            frame = av.VideoFrame.from_ndarray(np.repeat(grey[:, :, None], 3, axis=2), format="rgb24")
            if pts is not None:
                frame.pts, frame.time_base = pts[i], Fraction(1, 1000)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


def make_tone_file(
    path: str | Path,
    seconds: float,
    codec: str = "libmp3lame",
    rate: int = 44100,
    stereo: bool = False,
    video_seconds: float = 0.0,
    format: str | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """A :data:`TONE_HZ` tone of ``seconds`` in any audio ``codec`` (MP3 by default: ``.mp3``, ``.aac`` for ADTS,
    ``.flv``, ``.ts``), with ``video_seconds`` of FLV1 video at 25 fps if given.

    ``options`` go to the audio encoder (``{"b": "320k"}``; a variable bit rate: ``{"flags": "+qscale",
    "global_quality": "472"}``); ``format`` to the muxer (its name: ``"adts"``).
    """
    import av

    path = Path(path)
    layout = "stereo" if stereo else "mono"
    with av.open(str(path), "w", format=format) as out:
        audio = out.add_stream(codec, rate=rate, layout=layout, options=options or {})
        if video_seconds:
            video = out.add_stream("flv", rate=25)
            video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
            for i in range(round(video_seconds * 25)):
                out.mux(video.encode(av.VideoFrame.from_ndarray(np.full((48, 64, 3), 8 * i % 256, np.uint8), format="rgb24")))
            out.mux(video.encode(None))
        audio.codec_context.open(strict=False)  # its sample format and frame size
        context = audio.codec_context
        resampler = av.AudioResampler(format=context.format.name, layout=layout, rate=rate, frame_size=context.frame_size or 1024)
        tone = (0.5 * np.sin(2 * np.pi * TONE_HZ * np.arange(round(seconds * rate)) / rate)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(np.tile(tone, (2 if stereo else 1, 1)), format="fltp", layout=layout)
        frame.sample_rate, frame.pts, frame.time_base = rate, 0, Fraction(1, rate)
        for piece in [*resampler.resample(frame), *resampler.resample(None)]:
            out.mux(audio.encode(piece))
        out.mux(audio.encode(None))
    return path


def make_audio_with_cover(path: str | Path, picture: np.ndarray, seconds: float = 1.0, rate: int = 44100) -> Path:
    """An audio file (AAC tone in .mp4) carrying ``picture`` (HxWx3 uint8) as its cover art, as songs and podcasts do.

    The picture is a one-frame MJPEG stream marked as an attached picture.
    """
    import io

    import av
    from PIL import Image

    path = Path(path)
    jpeg = io.BytesIO()
    Image.fromarray(picture).save(jpeg, format="JPEG")
    jpeg.seek(0)
    with av.open(jpeg, format="image2pipe") as cover, av.open(str(path), "w", format="mp4") as out:
        audio = out.add_stream("aac", rate=rate, layout="mono")
        art = out.add_stream_from_template(cover.streams.video[0])
        art.disposition = av.stream.Disposition.attached_pic
        for packet in cover.demux(cover.streams.video[0]):
            if packet.size:
                packet.stream = art
                out.mux(packet)
        _write_tone(out, audio, seconds, rate, stereo=False)
    return path


def make_corrupt_clip(path: str | Path) -> Path:
    """A file named like a video that holds no decodable media."""
    path = Path(path)
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    return path


def make_folder_with_latin1_subtitles(folder: str | Path, names: tuple[str, ...] = ("a", "b", "c"),
                                      latin1: tuple[str, ...] = ("a", "c")) -> list[Path]:
    """A folder of tiny real videos, ``NAME.mp4`` for each of ``names``, those of ``latin1`` with a sidecar ``NAME.srt`` saved
    in Latin-1 with accented letters (not UTF-8: each such clip is refused); the videos, in ``names``' order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    videos = [make_clip(folder / f"{name}.mp4", seconds=0.2, width=32, height=32, with_audio=False) for name in names]
    for name in latin1:
        (folder / f"{name}.srt").write_bytes("1\n00:00:00,000 --> 00:00:01,000\nJe suis très ému\n".encode("latin-1"))
    return videos


def make_truncated_copy(source: str | Path, path: str | Path, share: float) -> Path:
    """``source`` (an MP4) as a download cut off after ``share`` of its bytes: its header (moov) first, as a
    streamed file has it, so the container still declares the whole length."""
    import av

    path = Path(path)
    whole = path.with_name(f"{path.stem}.whole.mp4")
    with av.open(str(source)) as given, av.open(str(whole), "w", options={"movflags": "faststart"}) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in given.streams}
        for packet in given.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: int(len(data) * share)])
    return path


def make_stream_copy_cut(source: str | Path, path: str | Path, seconds: float, keep: float | None = None) -> Path:
    """``source`` (an MP4) from ``seconds`` on, as ``ffmpeg -ss seconds -i source -c copy path`` writes it: each stream's
    packets from the keyframe before the cut, the cut at time 0, so an edit list hides the frames decoded before it.

    ``keep``: the edit list shows only this many seconds (a phone's trim, hiding the frames after it too).
    """
    import struct

    import av

    path = Path(path)
    with av.open(str(source)) as given, av.open(str(path), "w") as out:
        packets = [p for p in given.demux() if p.size]
        kept = []
        for stream in given.streams:
            copy = out.add_stream_from_template(stream)
            shift = round(seconds / stream.time_base)
            own = [p for p in packets if p.stream.index == stream.index]
            first = max(i for i, p in enumerate(own) if p.is_keyframe and p.pts <= shift)
            for packet in own[first:]:
                packet.pts, packet.dts, packet.stream = packet.pts - shift, packet.dts - shift, copy
                kept.append(packet)
        for packet in sorted(kept, key=lambda p: float(p.dts * p.time_base)):
            out.mux(packet)
    if keep is not None:
        data = bytearray(path.read_bytes())
        mvhd = data.find(b"mvhd")
        (timescale,) = struct.unpack(">I", data[mvhd + 16:mvhd + 20])  # version 0: version/flags, created, modified, timescale
        at = data.find(b"elst")
        while at >= 0:  # version 0, one entry: segment duration (movie timescale), media time, rate
            data[at + 12:at + 16] = struct.pack(">I", round(keep * timescale))
            at = data.find(b"elst", at + 4)
        path.write_bytes(bytes(data))
    return path


@dataclass(frozen=True)
class SubtitleTrack:
    """A subtitle stream for :func:`make_clip_with_subtitles`: its ``codec`` (``subrip``, ``ass``, ``webvtt``, ``mov_text``), its
    ``cues`` (start and end in seconds, an ASS event's Text, which the codec's encoder writes in its own markup: ``{\\i1}`` is
    SubRip's ``<i>``), language tag, title and dispositions (``"default"``, ``"forced"``, ``"hearing_impaired"``). A bitmap codec
    (``hdmv_pgs_subtitle``, ``dvd_subtitle``) gets one packet that is no picture: PyAV encodes no bitmap, and such a stream is only
    named by a reader, never decoded."""

    codec: str
    cues: tuple[tuple[float, float, str], ...] = ()
    language: str | None = None
    title: str | None = None
    disposition: tuple[str, ...] = ()


#: The header an ASS encoder needs to open (libavcodec's text subtitle encoders all take ASS events).
_ASS_HEADER = (b"[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, "
               b"OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, "
               b"Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\nStyle: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,"
               b"100,0,0,1,1,0,2,10,10,10,0\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n")


def make_clip_with_subtitles(path: str | Path, tracks: list[SubtitleTrack], seconds: float = 2.0) -> Path:
    """A silent video (MPEG-4 Part 2, VP8 in a ``.webm``) of ``seconds`` at 10 fps carrying ``tracks`` as subtitle streams, muxed
    as its suffix says (``.mkv``: Matroska, ``.webm``, ``.mp4``, ``.mov``), as mkvmerge or ``ffmpeg -i clip.mp4 -i clip.srt -c copy``
    write them: each cue one packet, at its time. An MP4 written so flags its first subtitle stream default when none is."""
    import av
    from av.subtitles.subtitle import SubtitleSet

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        video = out.add_stream("libvpx" if path.suffix == ".webm" else "mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        streams = []
        for track in tracks:
            bitmap = track.codec in ("hdmv_pgs_subtitle", "dvd_subtitle")
            stream = out.add_mux_stream(track.codec) if bitmap else out.add_stream(track.codec)
            if not bitmap:
                stream.codec_context.subtitle_header = _ASS_HEADER
            if track.language:
                stream.metadata["language"] = track.language
            if track.title:
                stream.metadata["title"] = track.title
            for name in track.disposition:
                stream.disposition |= getattr(av.stream.Disposition, name)
            streams.append((stream, track, bitmap))
        out.start_encoding()
        for i in range(max(1, round(seconds * 10))):
            image = np.full((48, 64, 3), i * 10 % 256, dtype=np.uint8)
            out.mux(video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(video.encode(None))
        for stream, track, bitmap in streams:
            base = stream.time_base
            if bitmap:
                packets = [av.Packet(b"\x16\x00\x00\x00\x00")]
                packets[0].pts = packets[0].dts = 0
            else:
                packets = [stream.codec_context.encode_subtitle(SubtitleSet.create(
                    f"0,0,Default,,0,0,0,,{text}".encode(), 0, round((end - start) / base), pts=round(start / base)))
                    for start, end, text in track.cues]
            for packet in packets:
                packet.stream, packet.time_base = stream, base
                out.mux(packet)
    return path
