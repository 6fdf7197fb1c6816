"""A clip to be judged: a name, and whatever media and text we have for it; and how clip names are checked and shown.

Its subtitle, beside it or inside it, is found and read by :mod:`judges.subtitles`.
"""
from __future__ import annotations

import os
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from judges.errors import LISTED, InputError, one_line
from judges.subtitles import SUBTITLE_SUFFIXES, SubtitleNotRead, read_video_subtitle, untagged_stem
from judges.text_files import LFS_POINTER_MAX_BYTES, check_not_lfs_pointer, file_head, path_text, user_path
from judges.user_warnings import warn_user

__all__ = ["Clip", "NOT_MEDIA_SUFFIXES", "built_clips", "name_like", "shown_name_like", "refuse_a_single_name", "refuse_a_web_address",
           "repeated_names"]

#: Suffixes, in lower case, of the files a dataset's folder holds beside its videos that are never audio or video: its labels,
#: notes, code, archives, stored outputs, Windows' Thumbs.db and desktop.ini, yt-dlp's clip.description and media servers'
#: clip.nfo (a second 'clip' beside clip.mp4), a photo's or video's metadata sidecar (Adobe's .xmp, an iPhone's .aae: the
#: photo beside it is the clip), subtitles in formats that are not read (VobSub's .sub/.idx, YouTube's .sbv, TTML, SAMI,
#: lyrics). Given as a clip (``cojudge predict clips/*`` with a labels.csv there), every media judge would fail on it as on
#: a damaged video. A photo (.jpg, .png) is not among them: it decodes as a clip of one frame.
NOT_MEDIA_SUFFIXES = frozenset({
    ".csv", ".tsv", ".json", ".jsonl", ".md", ".rst", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ods", ".odt",
    ".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".py", ".ipynb", ".sh", ".npz", ".npy", ".pkl", ".sqlite", ".db",
    ".ini", ".log", ".yaml", ".yml", ".toml", ".html", ".htm", ".xml", ".nfo", ".description", ".ytdl", ".xmp", ".aae",
    ".sub", ".idx", ".sbv", ".ttml", ".dfxp", ".smi", ".sami", ".lrc",
})

#: A web address, as a browser's address bar and yt-dlp take it: the judges each read a video file, and a shell gives a
#: YouTube address's ``?`` as a pattern that matched no file.
_WEB_ADDRESS = re.compile(r"^(https?|ftps?|rtmps?|rtsps?|s3|gs)://", re.IGNORECASE)

#: How an AppleDouble file starts: the ``._clip.mp4`` a Mac writes beside ``clip.mp4`` on a disk that is not its own
#: (a USB stick, a network share, a zip), holding the file's metadata, not its video.
_APPLE_DOUBLE = b"\x00\x05\x16\x07"


@dataclass(frozen=True)
class Clip:
    """A clip: ``name`` (the sample id), optional ``video`` file, optional ``subtitle`` text.

    A replayed judge needs only the name; live judges read the video.
    """

    name: str
    video: Path | None = None
    subtitle: str | None = None

    @classmethod
    def from_path(cls, video: str | Path, subtitle: str | None = None, name: str | None = None) -> "Clip":
        """A clip for a video file; the subtitle is given, or read from a sidecar ``.srt``/``.vtt``/``.ass``/``.ssa``/``.txt`` (any case; a
        language-tagged one, ``clip.en.srt``, when it is the only one, never a forced one: :func:`~judges.subtitles.sidecar_subtitle_path`),
        else, with no subtitle file beside it, from the text subtitle stream inside it (an MKV's SubRip or ASS, an MP4's mov_text:
        :func:`~judges.subtitles.read_embedded_subtitle`). A missing file, a
        folder, a pipe or device, a broken symbolic link, a subtitle file, a file of a kind that is never media (:data:`NOT_MEDIA_SUFFIXES`:
        a folder's labels.csv), a Mac's ``._clip.mp4`` metadata file or a Git LFS pointer (a dataset cloned without git-lfs;
        only a file under 1 KiB, no video, is opened to tell) is a one-line :class:`InputError` saying which. The name is the
        file's stem, bytes that are not UTF-8 written as ``\\xNN`` (:func:`~judges.text_files.path_text`): a name is stored as text.
        A web address is a one-line error too (:func:`refuse_a_web_address`)."""
        refuse_a_web_address(video)
        path = user_path(video)
        if not path.is_file():
            raise InputError(not_a_video_file(path))
        if path.suffix.lower() in SUBTITLE_SUFFIXES:  # no media stream: every media judge would fail on it (clip.Srt too)
            raise InputError(f"{path}: is a subtitle, not a video; give the video beside it ({untagged_stem(path.stem) or path.stem}.mp4...), "
                             "which reads it as its subtitle")
        if path.suffix.lower() in NOT_MEDIA_SUFFIXES:  # a folder's labels.csv or README.md: no media stream either
            raise InputError(f"{path}: is a {path.suffix} file, not a video; give only the videos, e.g. {path.parent / '*.mp4'}")
        # a Mac's ._clip.mp4: Path.glob("*.mp4") and find list them; a shell's * does not
        if path.name.startswith("._") and file_head(path, len(_APPLE_DOUBLE)) == _APPLE_DOUBLE:
            raise InputError(f"{path}: is a Mac's metadata file (AppleDouble) for {path.name[2:]}, not a video; leave out the "
                             "files whose name starts with ._ (dot_clean FOLDER on a Mac deletes them)")
        if path.stat().st_size < LFS_POINTER_MAX_BYTES:  # refused with the other unusable clips, not by every judge on each
            check_not_lfs_pointer(path)
        if subtitle is None:
            subtitle = read_video_subtitle(path)
        return cls(name=name or path_text(path.stem), video=path, subtitle=subtitle)

    @classmethod
    def coerce(cls, item: "Clip | str | os.PathLike[str]") -> "Clip":
        """Accept a Clip, a video path, or a bare sample name (for replayed judges).

        A name without a suffix is the name as given when it is a ``str`` ('./x' stays './x'), else its path's
        (an ``os.DirEntry`` is read as the ``Path`` of its file, not named by its repr). Anything else (a number,
        None, bytes or a bytes path) is a one-line :class:`InputError`.
        """
        if isinstance(item, Clip):
            return item
        if not isinstance(item, (str, os.PathLike)) or not isinstance(os.fspath(item), str):  # 5, None, bytes
            raise InputError(f"clip {item!r}: give a Clip, a video path or a sample name (text)")
        refuse_a_web_address(item)  # https://www.youtube.com/watch?v=x has no suffix: it would be a sample name
        path = user_path(item) if Path(item).suffix else Path(item)  # a name ('~x') is no path to expand
        if path.suffix:
            return cls.from_path(path)
        return cls(name=item if isinstance(item, str) else str(path))


_Item = TypeVar("_Item")


def built_clips(items: Iterable[_Item], build: Callable[[_Item], Clip]) -> list[Clip]:
    """``build`` of each of ``items`` (a folder's videos, a list of paths), or, after trying them all, one :class:`InputError`
    for the items it refused (a missing video, a sidecar subtitle that is not UTF-8 or cannot be read...): how many, and each
    one's own message (once for a file given twice), the first :data:`~judges.errors.LISTED` then "and N more", on one line,
    so a folder of 500 clips with 3 bad ones is mended in one round, not in three runs each stopping at the next. One refused
    item's error is its own. The warnings that a video's subtitle is not read (:class:`~judges.subtitles.SubtitleNotRead`:
    several languages, forced only...) are said one line a kind, however many videos (:func:`_warn_unread`).
    ``cojudge predict``, :class:`~ensemble.cojudge.CoJudge` and :func:`~judges.runner.run_judges` all build their clips
    with it, before any judge runs."""
    clips: list[Clip] = []
    refused: dict[str, InputError] = {}  # by message: a file given twice is one problem
    unread: dict[type[SubtitleNotRead], list[tuple[str, str]]] = {}  # each kind's videos, and each one's own line
    given = 0
    for item in items:
        given += 1
        try:
            clips.append(_built_gathering(build, item, unread))
        except InputError as exc:
            refused.setdefault(str(exc), exc)
    _warn_unread(unread)
    if len(refused) == 1:
        raise next(iter(refused.values()))
    if refused:
        said = list(refused)
        caller = _shared_lead(said)  # "CoJudge.fit: " before each message: said once, first
        shown = " | ".join(message[len(caller):] for message in said[:LISTED])
        more = f" | and {len(refused) - LISTED} more" if len(refused) > LISTED else ""
        raise InputError(f"{caller}{given - len(clips)} of {given} clips cannot be used (nothing was judged); fix them all, then run "
                         f"again: {shown}{more}")
    return clips


def _built_gathering(build: Callable[[_Item], Clip], item: _Item, unread: dict[type[SubtitleNotRead], list[tuple[str, str]]]) -> Clip:
    """``build(item)``, its warnings that a subtitle is not read kept in ``unread`` by kind (:func:`built_clips` says them
    together); any other warning is given as it came."""
    clip = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            clip = build(item)
        return clip
    finally:
        for said in caught:
            if clip is not None and issubclass(said.category, SubtitleNotRead):
                unread.setdefault(said.category, []).append((path_text(clip.video) if clip.video else clip.name, str(said.message)))
            else:
                warnings.warn_explicit(said.message, said.category, said.filename, said.lineno, source=said.source)


def _warn_unread(unread: dict[type[SubtitleNotRead], list[tuple[str, str]]]) -> None:
    """Warn of the videos whose subtitle is not read (:func:`_built_gathering`): a single one's own line, else one line a
    kind, however many (a folder of 500 MKVs each holding several languages)."""
    for kind, said in unread.items():
        if len(said) == 1:
            warn_user(said[0][1], kind)
        else:
            warn_user(kind.of_videos(video for video, _ in said), kind)


def _shared_lead(messages: list[str]) -> str:
    """The lead all ``messages`` open with up to a colon and a space (the method that refused them: "CoJudge.fit: "), or ""."""
    shared = os.path.commonprefix(messages)
    return shared[: shared.rfind(": ") + 2] if ": " in shared else ""


def refuse_a_web_address(item: object) -> None:
    """A one-line :class:`InputError` for a web address given as a clip's video (``https://...``, a video page's or a file's),
    which would otherwise be a missing file, a pattern that matched none (its ``?``) or a sample name (no suffix)."""
    if isinstance(item, str) and _WEB_ADDRESS.match(item.strip()):
        raise InputError(f"{item}: is a web address, not a video file; download the video first (yt-dlp ADDRESS for a video page, "
                         "curl -O ADDRESS for a file) and give the file's path")


def not_a_video_file(path: Path) -> str:
    """Why ``path``, which is no file, cannot be a clip's video, and the fix: a folder, a pipe or device, a broken link, or nothing.
    A path's line ends (a NUL-separated list's name, or a list that mixes NULs and line ends) are shown as ``\\n``, so that
    the error stays one line."""
    return one_line(_why_not_a_video(path))


def _why_not_a_video(path: Path) -> str:
    if path.is_dir():
        return f"{path}: is a folder, not a video; give the videos in it, e.g. {path / '*.mp4'}"
    if path.exists():  # a pipe (a shell's <(...), a FIFO) or a device: there, but read once, where each judge reads the video
        kind = "pipe" if path.is_fifo() else "device" if path.is_char_device() or path.is_block_device() else "special file"
        return (f"{path}: is a {kind}, not a video file; the judges each read the video (and its hash is read first): "
                "save it to a file and give that file's path")
    if path.is_symlink():
        return f"{path}: is a symbolic link to {os.readlink(path)}, which does not exist; fix the link or give the video's own path"
    return f"{path}: no such video file; check the path"


def repeated_names(names: Iterable[str]) -> list[str]:
    """The names given more than once, each once, in the order they first appear (in one pass: a run's clip list is long)."""
    return [name for name, count in Counter(names).items() if count > 1]


def name_like(names: Iterable[object], name: str, or_first: bool = True) -> str | None:
    """One of ``names`` to show beside ``name``, which none of them is: the one that is ``name`` but for its case, a folder
    or a file suffix on one side (``SAMPLE_1``, ``videos/sample_1.mp4`` for ``sample_1``) when there is one, else (``or_first``:
    when the two sides share no clip at all) the first; else None. An error that shows both names shows why they did not
    match. Two clips whose names differ after a dot (``interview.part1``, ``interview.part2``) are not alike."""
    def forms(n: object) -> tuple[str, str]:  # the name without its folder and case; that without its suffix
        base = os.path.basename(str(n).strip()).lower()
        return base, os.path.splitext(base)[0]

    base, stem = forms(name)
    first = None
    for other in names:
        other_base, other_stem = forms(other)
        if base == other_base or stem == other_base or base == other_stem:
            return str(other)
        first = str(other) if first is None else first
    return first if or_first else None


def shown_name_like(names: Iterable[object], name: str, said: str, or_first: bool = True) -> str:
    """``said`` with the name :func:`name_like` finds put in (``"; its file names clips like {!r}"``), or "" when it finds none:
    the part of an error or warning that shows the other side's name for ``name``."""
    like = name_like(names, name, or_first)
    return said.format(like) if like is not None else ""


def refuse_a_single_name(names: object, owner: str) -> None:
    """Refuse one clip name given where a list of them is due (it would be read letter by letter), and a split file's
    path (a ``Path`` is not iterable; a text path would be read letter by letter), telling to read it first."""
    if isinstance(names, os.PathLike) or isinstance(names, str) and os.path.isfile(names):
        raise InputError(f"{owner}: names is a file's path, {str(names)!r}, not its clip names; read it first: "
                         "calibration.labels.read_split(path) reads a split file")
    if isinstance(names, (str, bytes)):
        raise InputError(f"{owner}: names is one string, {names!r}; give a list of clip names, e.g. {[names]!r}")
