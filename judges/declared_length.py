"""The length a WAV, MP3 or FLV file's own header declares, read from the file: ffmpeg gives none for these, or mixes it
with its estimate from the bit rate and the file's size, which a file cut short cuts too.

:func:`judges.media.decode_clip` compares it with how far the streams go, to tell a truncated file (a download cut off).
Each reader takes a path and gives seconds, or None where the file declares no length (or, for MP3 and FLV, where the
file is complete, whatever its header says).
"""
from __future__ import annotations

import math
import os
import struct

__all__ = ["FILE_DECLARED", "flv_metadata_seconds", "mp3_header_seconds", "wav_data_seconds"]


def wav_data_seconds(path: str) -> float | None:
    """Seconds of sound a RIFF WAV file's header declares (its data chunk's size over its byte rate), or None where it
    declares none: a size left at 0 or 0xFFFFFFFF by a writer that streamed it, RF64, or a header that does not parse."""
    try:
        with open(path, "rb") as handle:
            if handle.read(12)[8:] != b"WAVE":
                return None
            byte_rate = None
            for _ in range(64):  # chunks before the data: fmt, LIST, fact, bext...
                header = handle.read(8)
                if len(header) < 8:
                    return None
                kind, size = header[:4], int.from_bytes(header[4:], "little")
                if kind == b"fmt ":
                    fmt = handle.read(size)
                    byte_rate = int.from_bytes(fmt[8:12], "little") if len(fmt) >= 12 else None
                    handle.seek(size % 2, os.SEEK_CUR)
                elif kind == b"data":
                    return size / byte_rate if byte_rate and 0 < size < 0xFFFFFFFF else None
                else:
                    handle.seek(size + size % 2, os.SEEK_CUR)  # chunks are padded to an even size
    except OSError:
        return None
    return None


#: MPEG audio sample rates by the header's version bits (0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1) and rate index.
_MPEG_RATES = {0: (11025, 12000, 8000), 2: (22050, 24000, 16000), 3: (44100, 48000, 32000)}


def mp3_header_seconds(path: str) -> float | None:
    """Seconds an MP3's first frame declares in a Xing/Info or VBRI header (its frame count by the samples in a frame),
    when the file holds fewer bytes than that header says its frames take (a cut file), else None: no such header
    (ffmpeg then estimates the length from the bit rate and the file's size: a cut file's estimate is cut too), no
    byte count in it, or as many bytes as it declares (a complete file, whatever its frame count says)."""
    try:
        with open(path, "rb") as handle:
            start, head = 0, handle.read(10)
            while len(head) == 10 and head[:3] == b"ID3":  # ID3v2 tags before the audio, each its syncsafe size
                start += 10 + (head[6] & 0x7F) * 2**21 + (head[7] & 0x7F) * 2**14 + (head[8] & 0x7F) * 2**7 + (head[9] & 0x7F)
                start += 10 if head[5] & 0x10 else 0  # a footer
                handle.seek(start)
                head = handle.read(10)
            handle.seek(start)
            frame = handle.read(64)
            audio_bytes = os.fstat(handle.fileno()).st_size - start
    except OSError:
        return None
    if len(frame) < 64 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        return None
    version, layer, rate_index, mono = frame[1] >> 3 & 3, frame[1] >> 1 & 3, frame[2] >> 2 & 3, frame[3] >> 6 == 3
    if layer != 1 or version == 1 or rate_index == 3:  # Layer III only; reserved values
        return None
    at = 4 + ((17 if mono else 32) if version == 3 else (9 if mono else 17))  # past the frame header and side information
    frames = size = 0
    if frame[at:at + 4] in (b"Xing", b"Info"):
        flags, at = int.from_bytes(frame[at + 4:at + 8], "big"), at + 8
        if flags & 1:
            frames, at = int.from_bytes(frame[at:at + 4], "big"), at + 4
        if flags & 2:
            size = int.from_bytes(frame[at:at + 4], "big")
    elif frame[36:40] == b"VBRI" and frame[40:42] == b"\x00\x01":  # version 1, delay, quality, bytes, frames
        size, frames = int.from_bytes(frame[46:50], "big"), int.from_bytes(frame[50:54], "big")
    if not frames or not size or audio_bytes >= size:
        return None
    return frames * (1152 if version == 3 else 576) / _MPEG_RATES[version][rate_index]


def flv_metadata_seconds(path: str) -> float | None:
    """Seconds an FLV's onMetaData declares (its ``duration``), when the file does not end with a whole tag (each tag
    is followed by its size: a complete file ends with its last one's), else None: a complete file (its streams need
    not last as long as the longest: the duration is the file's, not each stream's), or one declaring none (0, as a
    live recording or a writer to a pipe leaves it)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(9)
            if len(head) < 9 or head[:3] != b"FLV":
                return None
            handle.seek(int.from_bytes(head[5:9], "big") + 4)  # past the header and the first (0) tag size
            tag = handle.read(11)
            if len(tag) < 11 or tag[0] & 0x1F != 18:  # the script tag, first as every writer puts it
                return None
            script = handle.read(int.from_bytes(tag[1:4], "big"))
            total = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, total - 4))
            last = int.from_bytes(handle.read(4), "big")
            if 11 < last <= total - 4:
                handle.seek(total - 4 - last)
                tail = handle.read(11)
                if tail[0] & 0x1F in (8, 9, 18) and int.from_bytes(tail[1:4], "big") == last - 11 and tail[8:11] == bytes(3):
                    return None
    except OSError:
        return None
    at = script.find(b"\x00\x08duration\x00")  # the key, then an AMF0 number: a big-endian double
    if at < 0 or len(script) < at + 19:
        return None
    (seconds,) = struct.unpack(">d", script[at + 11:at + 19])
    return seconds if math.isfinite(seconds) and seconds > 0 else None


#: Container format (as ffmpeg names it) -> the reader of the length its file declares.
FILE_DECLARED = {"wav": wav_data_seconds, "mp3": mp3_header_seconds, "flv": flv_metadata_seconds}
