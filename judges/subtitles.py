"""A clip's subtitle: the sidecar file beside its video (``clip.srt``, a language-tagged ``clip.en.srt``), else the text subtitle
stream inside it (an MKV's SubRip or ASS, an MP4's mov_text), and its spoken text (SRT, WebVTT, ASS/SSA or plain text; UTF-8,
UTF-16 with its byte-order mark, or Chinese in GBK or Big5)."""
from __future__ import annotations

import codecs
import functools
import html
import importlib.util
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from html.entities import html5 as html5_entities
from pathlib import Path
from typing import Any

from judges.errors import InputError, listed
from judges.text_files import check_not_lfs_pointer
from judges.user_warnings import warn_user

__all__ = ["SUBTITLE_SUFFIXES", "SubtitleNotRead", "SubtitleTag", "read_embedded_subtitle", "read_sidecar_subtitle", "read_subtitle_file",
           "read_video_subtitle", "sidecar_subtitle_path", "sidecar_subtitle_paths", "subtitle_tags", "untagged_stem", "ass_to_text",
           "srt_to_text", "vtt_to_text"]

#: A sidecar subtitle's suffixes, in the order they are looked for; upper case too, as cameras and Windows tools name files
#: (a suffix in mixed case, ``clip.Srt``, is found in the folder's listing: :func:`sidecar_subtitle_path`).
SUBTITLE_SUFFIXES = (".srt", ".SRT", ".vtt", ".VTT", ".ass", ".ASS", ".ssa", ".SSA", ".txt", ".TXT")


class SubtitleNotRead(UserWarning):
    """A video judged without the subtitle it has (:func:`read_video_subtitle`), each kind a subclass: :meth:`warn` says it of
    one video, :meth:`of_videos` of several in one line (``cojudge predict`` gathers a folder's 500 so), from its ``many``
    and ``fix``."""

    many = "have subtitles that are not read"
    fix = "put the subtitle to read beside each video as clip.srt"

    @classmethod
    def warn(cls, video: Path, what: str, fix: str) -> None:
        """Warn that ``video`` (``what``: the subtitles it has) is judged without a subtitle, and what to do (``fix``)."""
        warn_user(f"{video}: {what}, so it is judged without a subtitle; {fix}", cls)

    @classmethod
    def of_videos(cls, videos: Iterable[object]) -> str:
        """The one line that ``videos`` (several) are judged without a subtitle, and the fix."""
        videos = list(videos)
        return f"{len(videos)} videos {cls.many}, so they are judged without a subtitle: {listed(videos)}; {cls.fix}"


#: What a forced subtitle holds (flagged so, or named ``clip.en.forced.srt``): not the speech.
_FORCED_HOLDS = "what is said in another language or written on screen"
#: How to read one of the subtitles inside a video anyway, said of several videos.
_EXTRACT = "extract it beside the video, e.g. ffmpeg -i clip.mkv -map 0:s:0 clip.srt"


class _SeveralBeside(SubtitleNotRead):
    many = "have subtitles in several languages beside them and none untagged"
    fix = "to read one, rename it to the video's name with its suffix (clip.srt for clip.mp4)"


class _ForcedBeside(SubtitleNotRead):
    many = f"have only forced subtitles beside them ({_FORCED_HOLDS}, not their speech)"
    fix = "to read one anyway, give it as the subtitle (--subtitle, for a single video)"


class _BitmapInside(SubtitleNotRead):
    many = "hold only bitmap subtitles inside (pictures of text, which cannot be read)"
    fix = "to read one, put it beside the video as clip.srt (an OCR tool, Subtitle Edit, reads pictures of text)"


class _CommentaryInside(SubtitleNotRead):
    many = "hold only commentary subtitles inside, not their speech"
    fix = f"to read one anyway, {_EXTRACT}"


class _SeveralInside(SubtitleNotRead):
    many = "hold subtitles in several languages inside, none flagged default, and none beside them"
    fix = f"to read one, {_EXTRACT}"


class _ForcedInside(SubtitleNotRead):
    many = f"hold only forced subtitles inside ({_FORCED_HOLDS}, not their speech)"
    fix = f"to read one anyway, {_EXTRACT}"


def read_video_subtitle(video: Path) -> str | None:
    """The subtitle of ``clip.mp4`` as :meth:`~judges.clip.Clip.from_path` reads it: the file beside it (:func:`read_sidecar_subtitle`);
    else, when no subtitle file of its speech is there (none, or only forced ones: ``clip.en.forced.srt``), the text subtitle
    stream inside it (:func:`read_embedded_subtitle`). A file beside the video is the user's own choice, so it wins over the
    streams inside, and several languages beside it are warned about; a forced file alone is warned about only when
    nothing inside is read either."""
    sides, forced = _sidecar_subtitle_choice(video)
    if not sides:
        inside = read_embedded_subtitle(video)
        if inside is not None or not forced:
            return inside
    return _read_sidecar(video, _chosen_sidecar(video, sides, forced))


def read_sidecar_subtitle(video: Path) -> str | None:
    """Text of ``clip.srt``, ``clip.vtt``, ``clip.ass``, ``clip.ssa`` or ``clip.txt`` (the suffix in any case) beside ``clip.mp4``, else of
    the one language-tagged subtitle (``clip.en.srt``), if one exists (:func:`sidecar_subtitle_path`).

    UTF-8 (a byte-order mark is dropped), UTF-16 with its byte-order mark, or Chinese in GBK or Big5; another encoding
    (Latin-1, UTF-16 without the mark) is a one-line error, as for ``--subtitle``. Korean and Japanese legacy encodings
    (EUC-KR, Shift-JIS) also decode as Chinese and are not told apart: such subtitles must be UTF-8.
    """
    return _read_sidecar(video, sidecar_subtitle_path(video))


def _read_sidecar(video: Path, side: Path | None) -> str | None:
    """The text of ``side``, the subtitle file of ``video`` (None: none), as :func:`read_sidecar_subtitle` reads it."""
    if side is None:
        return None
    text = read_subtitle_file(side, what=f"subtitle of {video.name}")
    if text is None:
        raise InputError(f"{side}: subtitle of {video.name} is not UTF-8 text (nor UTF-16 with its byte-order mark, nor Chinese in GBK or Big5); save it as UTF-8")
    return text


def sidecar_subtitle_path(video: Path) -> Path | None:
    """The subtitle file of ``clip.mp4`` (:func:`sidecar_subtitle_paths`), else None. Subtitles in several languages beside it
    (``clip.en.srt``, ``clip.fr.srt``) and none untagged are warned about, and None: which one to read is not guessed, and the
    clip is judged without a subtitle, as before tagged ones were read (one clip of a run's 500 does not stop the others).
    A forced subtitle that is the only one (``clip.en.forced.srt``) is warned about too, and None: it is not the speech."""
    return _chosen_sidecar(video, *_sidecar_subtitle_choice(video))


def _chosen_sidecar(video: Path, sides: list[Path], forced: list[Path]) -> Path | None:
    """:func:`sidecar_subtitle_path` of ``video``, given ``sides`` and ``forced`` (:func:`_sidecar_subtitle_choice`)."""
    if len(sides) > 1:
        _SeveralBeside.warn(video, f"has subtitles in several languages beside it ({', '.join(side.name for side in sides)}) and no "
                            f"{video.stem}.srt", f"to read one, rename it to {video.stem}.srt (.vtt, .ass...: keeping its suffix), or "
                            "give it as the subtitle (--subtitle, for a single video)")
        return None
    if not sides and forced:
        one = len(forced) == 1
        _ForcedBeside.warn(video, f"its only {'subtitle' if one else 'subtitles'} beside it, {', '.join(side.name for side in forced)}, "
                           f"{'is' if one else 'are'} forced (only {_FORCED_HOLDS}), not its speech",
                           f"to read {'it' if one else 'one'} anyway, give it as the subtitle (--subtitle, for a single video)")
    return sides[0] if sides else None


def sidecar_subtitle_paths(video: Path) -> list[Path]:
    """The files that may be the subtitle of ``clip.mp4`` (its stem as written): ``clip.srt``, ``clip.vtt``, ``clip.ass``, ``clip.ssa``
    or ``clip.txt`` (or the suffix in upper case), the first that exists in that order; else one whose suffix is in mixed case
    (``clip.Srt``); else those named with a language tag and/or flags after the stem, as yt-dlp, Plex and Jellyfin name them
    (``clip.en.srt``, ``clip.zh-Hans.vtt``, ``clip.en-orig.vtt``, ``clip.en.sdh.srt``, ``clip.default.srt``, in any case, ``clip.EN.srt``:
    :func:`subtitle_tags`),
    but for one that is another file's own (``clip.en.srt`` of ``clip.en.mp4``): of those, not a forced one (``clip.en.forced.srt``:
    only what is said in another language or written on screen, not the speech); the ones flagged ``default``, if any (the one
    a player shows); of one language, however its tag writes it (``en``, ``EN``, ``eng``, ``en-US``; ``nb`` or ``no``: the same speech,
    :data:`_SAME_SPEECH`), with those that name no language beside only it (``clip.sdh.srt`` beside ``clip.en.srt``: not another language), the plain one
    before yt-dlp's ``-orig`` (the same automatic captions, or the uploader's own beside them) and before one for the hearing
    impaired (``sdh``, ``cc``, ``hi``: the same speech, and its sounds), then the language alone before it with a script or region,
    then by name, lower case first (``clip.en.srt`` before ``clip.en-US.srt``, ``clip.eng.srt``, ``clip.EN.srt``)."""
    return _sidecar_subtitle_choice(video)[0]


def _sidecar_subtitle_choice(video: Path) -> tuple[list[Path], list[Path]]:
    """(:func:`sidecar_subtitle_paths`, the forced subtitles of ``video`` left out of them)."""
    side = next((side for side in (video.with_suffix(s) for s in SUBTITLE_SUFFIXES) if side.is_file()), None)
    if side is not None:
        return [side], []
    listing = _folder_listing(video.parent)
    if video.stem in listing.subtitles:
        return [video.parent / listing.subtitles[video.stem]], []
    tags: dict[str, SubtitleTag] = {}
    for name in listing.tagged.get(video.stem, []):
        readings = subtitle_tags(name.rpartition(".")[0])
        longer = [name.rpartition(".")[0], *(tag.video_stem for tag in readings if len(tag.video_stem) > len(video.stem))]
        if any(stem in listing.others for stem in longer):
            continue  # clip.en.srt beside clip.en.mp4, clip.en.forced.srt too: that video's own
        tags[name] = next(tag for tag in readings if tag.video_stem == video.stem)
    sides, forced = _preferred_subtitles(tags)
    return [video.parent / name for name in sides], [video.parent / name for name in forced]


def _preferred_subtitles(tags: dict[str, SubtitleTag]) -> tuple[list[str], list[str]]:
    """(the names of ``tags`` to read, one a language, by name; the forced ones, left out), as :func:`sidecar_subtitle_paths`
    chooses among a video's tagged subtitle files, and :func:`read_embedded_subtitle` among the subtitle streams inside it."""
    forced = sorted(name for name, tag in tags.items() if tag.flags & _FORCED_FLAGS)
    speech = {name: tag for name, tag in tags.items() if name not in forced}
    if any(_DEFAULT_FLAG in tag.flags for tag in speech.values()):
        speech = {name: tag for name, tag in speech.items() if _DEFAULT_FLAG in tag.flags}
    best: dict[str | None, tuple[bool, bool, bool, str, str, str]] = {}  # a language's (is -orig, is for the hearing impaired,
    for name, tag in speech.items():                                    # has a script or region, name order, name), the least
        match = _LANGUAGE_TAG.fullmatch(tag.language) if tag.language else None
        code = _LANGUAGES[match["language"].lower()] if match else None  # en, EN, eng, en-US, en-orig: one language
        language = _SAME_SPEECH.get(code, code) if code else None  # nb, nn, no: Norwegian, one speech
        rank = (bool(match and match["orig"]), bool(tag.flags & _HEARING_FLAGS), bool(match and (match["script"] or match["region"])),
                *_name_order(name), name)
        best[language] = min(best.get(language, rank), rank)
    if None in best and len(best) == 2:  # clip.sdh.srt beside clip.en.srt: it names no language, so not a second one
        unknown = best.pop(None)
        [language] = best
        best[language] = min(best[language], unknown)
    return sorted(rank[-1] for rank in best.values()), forced


def _name_order(name: str) -> tuple[str, str]:
    """Names in any case, then lower case before upper: of one language, ``clip.en.srt`` before ``clip.EN.srt``, as ``clip.srt``
    is read before ``clip.SRT``."""
    return name.lower(), name.swapcase()


#: A language tag as yt-dlp and players put it between a subtitle's stem and suffix (``clip.en.srt``): a language's ISO 639-1 code
#: (``en``, ``zh``) or its ISO 639-2 one (``eng``, ``fre``/``fra``: :data:`_LANGUAGES`), then a script and/or a region as BCP 47
#: writes them (``zh-Hans``, ``pt-BR``, ``es-419``, ``zh_CN``), then yt-dlp's ``-orig`` (``en-orig``: YouTube's automatic captions
#: in the language spoken). In any case, as BCP 47 tags are and as Jellyfin reads them (``EN``, ``zh-hans``, ``pt-br``). Not any
#: dotted word: ``interview.part1.srt`` is the subtitle of ``interview.part1.mp4``, and ``clip.old.srt``, ``clip.OLD.srt``,
#: ``clip.log.txt`` are no language's.
_LANGUAGE_TAG = re.compile(r"(?P<language>[a-z]{2,3})(?:[-_](?P<script>(?!orig$)[a-z]{4}))?(?:[-_](?P<region>[a-z]{2}|\d{3}))?"
                           r"(?P<orig>-orig)?", re.IGNORECASE)

#: The flags Jellyfin (10.9+) reads after a subtitle's stem, before or after its language or alone (``clip.en.sdh.srt``,
#: ``clip.default.srt``, ``clip.default.en.forced.ass``; in any case, ``clip.en.FORCED.srt``, as Jellyfin matches them; Plex libraries
#: name ``forced`` and ``sdh`` ones so): the stream a player shows by
#: default; a forced one (only what is said in another language, or written on screen); one for the hearing impaired (the
#: speech, and its sounds: ``[sobbing]``). ``hi`` is also Hindi's code: alone it is the language, with another one the flag.
_DEFAULT_FLAG = "default"
_FORCED_FLAGS = frozenset({"forced", "foreign"})
_HEARING_FLAGS = frozenset({"sdh", "cc", "hi"})
_FLAGS = _FORCED_FLAGS | _HEARING_FLAGS | {_DEFAULT_FLAG}

#: Each language's codes: its ISO 639-1 one, then its ISO 639-2 ones (terminology, bibliographic): the codes subtitles are tagged
#: with, by the language they name (``eng`` is ``en``). Not ISO 639-3's 7,900, which make languages of English words (old, log,
#: raw, cut, sad, mov, avi).
_LANGUAGES = {code: codes.split()[0] for codes in """
    aa aar, ab abk, ae ave, af afr, ak aka, am amh, an arg, ar ara, as asm, av ava, ay aym, az aze, ba bak, be bel, bg bul,
    bi bis, bm bam, bn ben, bo bod tib, br bre, bs bos, ca cat, ce che, ch cha, co cos, cr cre, cs ces cze, cu chu, cv chv,
    cy cym wel, da dan, de deu ger, dv div, dz dzo, ee ewe, el ell gre, en eng, eo epo, es spa, et est, eu eus baq, fa fas
    per, ff ful, fi fin, fj fij, fo fao, fr fra fre, fy fry, ga gle, gd gla, gl glg, gn grn, gu guj, gv glv, ha hau, he heb,
    hi hin, ho hmo, hr hrv, ht hat, hu hun, hy hye arm, hz her, ia ina, id ind, ie ile, ig ibo, ii iii, ik ipk, io ido, is
    isl ice, it ita, iu iku, ja jpn, jv jav, ka kat geo, kg kon, ki kik, kj kua, kk kaz, kl kal, km khm, kn kan, ko kor, kr
    kau, ks kas, ku kur, kv kom, kw cor, ky kir, la lat, lb ltz, lg lug, li lim, ln lin, lo lao, lt lit, lu lub, lv lav, mg
    mlg, mh mah, mi mri mao, mk mkd mac, ml mal, mn mon, mr mar, ms msa may, mt mlt, my mya bur, na nau, nb nob, nd nde, ne
    nep, ng ndo, nl nld dut, nn nno, no nor, nr nbl, nv nav, ny nya, oc oci, oj oji, om orm, or ori, os oss, pa pan, pi pli,
    pl pol, ps pus, pt por, qu que, rm roh, rn run, ro ron rum, ru rus, rw kin, sa san, sc srd, sd snd, se sme, sg sag, sh
    hbs, si sin, sk slk slo, sl slv, sm smo, sn sna, so som, sq sqi alb, sr srp, ss ssw, st sot, su sun, sv swe, sw swa, ta
    tam, te tel, tg tgk, th tha, ti tir, tk tuk, tl tgl, tn tsn, to ton, tr tur, ts tso, tt tat, tw twi, ty tah, ug uig, uk
    ukr, ur urd, uz uzb, ve ven, vi vie, vo vol, wa wln, wo wol, xh xho, yi yid, yo yor, za zha, zh zho chi, zu zul
""".split(",") for code in codes.split()}
_LANGUAGE_CODES = frozenset(_LANGUAGES)

#: The languages one speech is tagged with under several ISO 639-1 codes, a macrolanguage and its members, by the
#: macrolanguage's code: Norwegian (``no``) written as Bokmål (``nb``) or Nynorsk (``nn``), Serbo-Croatian (``sh``) as Serbian,
#: Croatian or Bosnian (``sr``, ``hr``, ``bs``); two of them beside a video are one language, as ``zh-Hans`` and ``zh-Hant`` are.
_SAME_SPEECH = {"nb": "no", "nn": "no", "sr": "sh", "hr": "sh", "bs": "sh"}


@dataclass(frozen=True)
class SubtitleTag:
    """One reading of a subtitle's stem: the stem of the video it is named after, then its language (None: not named) and flags."""

    video_stem: str
    language: str | None
    flags: frozenset[str]


def subtitle_tags(stem: str) -> list[SubtitleTag]:
    """Each reading of a subtitle's ``stem`` as a video's stem then a language tag (:data:`_LANGUAGE_TAG`) and/or flags
    (:data:`_FLAGS`), in any case, the longest video stem first: ``clip.en.forced`` is clip.en's forced subtitle, or clip's forced English
    one; none for ``interview.part1``, ``clip.old`` or ``clip``."""
    parts = stem.split(".")
    readings = []
    for cut in range(len(parts) - 1, 0, -1):
        tag = _read_tag(parts[cut:])
        if tag is None:
            break
        if any(parts[:cut]):  # '.en' names no video
            readings.append(SubtitleTag(".".join(parts[:cut]), *tag))
    return readings


def _read_tag(words: list[str]) -> tuple[str | None, frozenset[str]] | None:
    """(language as written, flags in lower case) that ``words`` name, in any case, flags in any order and at most one language,
    else None."""
    language = None
    flags = set()
    for word in words:
        match = _LANGUAGE_TAG.fullmatch(word)
        if word.lower() in _FLAGS:
            flags.add(word.lower())
        elif language is None and match and match["language"].lower() in _LANGUAGE_CODES:
            language = word
        else:
            return None
    if language is None and "hi" in flags:  # clip.hi.srt: Hindi, as Jellyfin reads it
        language, flags = "hi", flags - {"hi"}
    return language, frozenset(flags)


def untagged_stem(stem: str) -> str | None:
    """The stem of the video a subtitle's stem is named after, its language tag and flags left out (``clip`` for ``clip.en``,
    ``clip.zh-Hans``, ``clip.en.forced``: :func:`subtitle_tags`), else None (``interview.part1``, ``clip``)."""
    readings = subtitle_tags(stem)
    return readings[-1].video_stem if readings else None


#: A folder changed less than this long ago (ns) is listed again for each video: a file added within the same tick of a
#: coarse clock (FAT's 2 s) would leave its time as it was, and a cached listing would miss it.
_SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class _FolderListing:
    """A folder's subtitle file (a suffix of :data:`SUBTITLE_SUFFIXES` in any case) by the stem it is named after, the first of
    each stem's in the order of those suffixes; those of the tagged stems by each video stem they may be named after
    (:func:`subtitle_tags`); the stems of its other files (videos)."""

    subtitles: dict[str, str]
    tagged: dict[str, list[str]]
    others: frozenset[str]


def _folder_listing(folder: Path) -> _FolderListing:
    """:class:`_FolderListing` of ``folder``, listed once for all the videos of a folder, until it changes: looking for each of
    10,000 clips in its folder's listing would read the folder 10,000 times. A change is told by its modification time and by
    its status change time, which no one can set: ``tar x``, ``rsync -a`` and ``touch -r`` set the first back, and ``chmod``
    leaves it."""
    try:
        status = folder.stat()
    except OSError:
        return _FolderListing({}, {}, frozenset())
    changed = status.st_mtime_ns
    if 0 <= time.time_ns() - changed < _SETTLED_NS:  # a time ahead of this clock (a server's, skewed) is settled: a new file changes it
        return _listed_folder(folder)
    return _cached_folder(folder.absolute(), changed, status.st_ctime_ns)


@functools.lru_cache(maxsize=8)
def _cached_folder(folder: Path, changed_ns: int, status_changed_ns: int) -> _FolderListing:
    """:func:`_listed_folder` of ``folder`` as it was when it last changed (``changed_ns`` and ``status_changed_ns``, its times: a new
    file changes both)."""
    return _listed_folder(folder)


#: A subtitle suffix's rank in :data:`SUBTITLE_SUFFIXES`' order, any case; and as written, .srt before .SRT before .Srt.
_SUFFIX_RANK = {suffix: i for i, suffix in enumerate(dict.fromkeys(s.lower() for s in SUBTITLE_SUFFIXES))}
_EXACT_SUFFIX_RANK = {suffix: i for i, suffix in enumerate(SUBTITLE_SUFFIXES)}


def _listed_folder(folder: Path) -> _FolderListing:
    """:func:`_folder_listing`, read from the folder now (nothing if it cannot be read)."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    others: set[str] = set()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                stem, dot, suffix = entry.name.rpartition(".")
                rank = _SUFFIX_RANK.get("." + suffix.lower())
                if dot and stem and rank is not None and entry.is_file():
                    found.setdefault(stem, []).append((rank, _EXACT_SUFFIX_RANK.get("." + suffix, len(_EXACT_SUFFIX_RANK)), entry.name))
                elif dot and stem:
                    others.add(stem)
    except OSError:
        return _FolderListing({}, {}, frozenset())
    subtitles = {stem: min(names)[-1] for stem, names in found.items()}
    tagged: dict[str, list[str]] = {}
    for stem, name in subtitles.items():  # one file a tag: clip.en.srt before clip.en.txt, as clip.srt before clip.txt
        for reading in subtitle_tags(stem):  # clip.en.forced.srt: clip.en's, else clip's
            tagged.setdefault(reading.video_stem, []).append(name)
    return _FolderListing(subtitles, {base: sorted(names) for base, names in tagged.items()}, frozenset(others))


# -- subtitles inside the video --------------------------------------------------------------------------------
#: The codecs whose Matroska/WebM blocks each hold a cue as a sidecar file writes it (an SRT cue's lines, a WebVTT cue's text,
#: an ASS event's fields from its ReadOrder on, without its times), by the reader of that file: the cues are read as the file
#: they make (:func:`_cues_text`), so a subtitle reads the same inside the video or extracted beside it (``ffmpeg -i clip.mkv
#: -c copy clip.srt``). ffmpeg names a codec by its decoder, ``srt`` and ``ssa`` too. Any other text subtitle (MP4's mov_text, closed
#: captions) is read as libavcodec decodes it: ASS events, in the same fields.
_MATROSKA_CUES = {"subrip": "srt", "srt": "srt", "ass": "ass", "ssa": "ass", "webvtt": "vtt"}


def read_embedded_subtitle(video: Path) -> str | None:
    """The spoken text of the text subtitle stream inside ``video`` (SubRip, ASS/SSA or WebVTT in Matroska and WebM, mov_text
    in MP4 and MOV...): every cue, in the order they are shown, read as the same cues in a sidecar file are (:func:`srt_to_text`,
    :func:`vtt_to_text`, :func:`ass_to_text`). None when it holds none, when PyAV (the ``[media]`` extra) is not installed,
    or when it cannot be opened (a damaged video: its judges say so); a file that stops early gives the cues before its end.

    Of several streams, the one to read is chosen by their language tags, flags (default, forced, hearing impaired) and
    titles as among the language-tagged files beside a video (:func:`sidecar_subtitle_paths`): a forced one is never the speech,
    those flagged default come first, one language is read, the plain one before its SDH. Several languages and no default,
    only forced streams, or only bitmap subtitles (PGS, VobSub, DVB: pictures of text, which cannot be read) are a one-line
    warning, and None: the clip is judged without a subtitle, and the line says how to put one beside it."""
    if importlib.util.find_spec("av") is None:
        return None
    import av

    try:
        with av.open(str(video)) as container:
            streams = list(container.streams.subtitles)
            media = container.streams.video or container.streams.audio  # an .srt named clip.mp4 holds a subtitle stream, and no video
            stream = _embedded_choice(video, streams) if streams and media else None
            return None if stream is None else _embedded_text(container, stream)
    except av.FFmpegError:
        return None


def _embedded_choice(video: Path, streams: list[Any]) -> Any:
    """Of the subtitle ``streams`` inside ``video``, the one to read (:func:`read_embedded_subtitle`), else None, warned about."""
    text = {i: stream for i, stream in enumerate(streams) if stream.codec_context is not None and stream.codec_context.codec.text_sub}
    if not text:  # PGS, VobSub, DVB: bitmaps; or a format this ffmpeg has no decoder for
        kinds = ", ".join(dict.fromkeys(s.codec_context.codec.long_name if s.codec_context is not None else "a format PyAV's ffmpeg "
                                        "does not decode" for s in streams))
        one = len(streams) == 1
        _BitmapInside.warn(video, f"its {'subtitle' if one else 'subtitles'} inside ({kinds}) cannot be read as text (a bitmap subtitle "
                           "is pictures of text)", f"to read {'it' if one else 'one'}, put it beside the video as {video.stem}.srt (an "
                           "OCR tool, Subtitle Edit, reads pictures of text)")
        return None
    spoken = {i: stream for i, stream in text.items() if not _is_commentary(stream)}
    if not spoken:  # a director's commentary is what is said about the film, not in it
        one = len(text) == 1
        _CommentaryInside.warn(video, f"its only {'subtitle' if one else 'subtitles'} inside, {_streams_shown(text)}, "
                               f"{'is a commentary' if one else 'are commentaries'}, not its speech",
                               f"to read {'it' if one else 'one'} anyway, {_extract(video, list(text))}")
        return None
    text = spoken
    chosen, forced = _preferred_subtitles({f"{i:05d}": _stream_tag(video, stream) for i, stream in text.items()})
    if len(chosen) == 1:
        return text[int(chosen[0])]
    said = {int(i): text[int(i)] for i in chosen or forced}
    if chosen:
        _SeveralInside.warn(video, f"holds subtitles in several languages ({_streams_shown(said)}), none flagged default, and none "
                            "beside it", f"to read one, {_extract(video, list(said))}")
    else:
        one = len(said) == 1
        _ForcedInside.warn(video, f"its only {'subtitle' if one else 'subtitles'} inside, {_streams_shown(said)}, {'is' if one else 'are'} "
                           f"forced (only {_FORCED_HOLDS}), not its speech", f"to read {'it' if one else 'one'} anyway, "
                           f"{_extract(video, list(said))}")
    return None


def _streams_shown(streams: dict[int, Any]) -> str:
    """The subtitle streams inside a video, by index, as a warning names them: ``0:s:0 (eng), 0:s:1 (fre, Français)``."""
    return ", ".join(f"0:s:{i} ({_stream_label(stream)})" for i, stream in streams.items())


def _extract(video: Path, indices: list[int]) -> str:
    """How to put the first of the subtitle streams ``indices`` inside ``video`` beside it, to be read."""
    return (f"extract it beside the video{':' if len(indices) == 1 else ', e.g.'} ffmpeg -i {video.name} -map 0:s:{indices[0]} "
            f"{video.stem}.srt")


def _stream_tag(video: Path, stream: Any) -> SubtitleTag:
    """A subtitle stream's language (its tag, ``eng``, ``en-US``, when it names one: not ``und``) and flags (default, forced,
    hearing impaired, as its disposition or its title says: ``English (Forced)``, ``SDH``), as a file's name gives them."""
    from av.stream import Disposition

    language = stream.metadata.get("language")
    match = _LANGUAGE_TAG.fullmatch(language) if language else None
    known = language if match and match["language"].lower() in _LANGUAGE_CODES else None  # und, mul, zxx: no language
    words = _title_words(stream)
    flags = words & (_FORCED_FLAGS | _HEARING_FLAGS)
    if words & _SIGNS_WORDS and not words & _FULL_WORDS:  # 'Signs & Songs' beside 'Full Subtitles': the forced one, though not flagged
        flags.add("forced")
    for disposition, flag in ((Disposition.default, _DEFAULT_FLAG), (Disposition.forced, "forced"), (Disposition.hearing_impaired, "sdh"),
                              (Disposition.captions, "cc")):
        if stream.disposition & disposition:
            flags.add(flag)
    return SubtitleTag(video.stem, known, frozenset(flags))


#: A subtitle stream's title words naming a forced one as anime releases title it (``Signs & Songs``, ``Signs/Songs``: what is written on
#: screen and sung, not the speech), unless they also name the full one (``Full Subtitles (Dialogue + Signs & Songs)``).
_SIGNS_WORDS = frozenset({"sign", "signs", "song", "songs"})
_FULL_WORDS = frozenset({"full", "dialogue", "dialog", "dialogues"})


def _is_commentary(stream: Any) -> bool:
    """Whether a subtitle stream is a commentary's (flagged so, or titled ``Commentary``, ``Director's Commentary``): not the speech."""
    from av.stream import Disposition

    return bool(stream.disposition & Disposition.comment) or "commentary" in _title_words(stream)


def _title_words(stream: Any) -> set[str]:
    """The words, in lower case, of a subtitle stream's title (Matroska's ``title``, ``name``; MP4's ``handler_name``)."""
    titles = " ".join(stream.metadata.get(key, "") for key in ("title", "name", "handler_name")).lower()
    return set(re.findall(r"[a-z]+", titles))


def _stream_label(stream: Any) -> str:
    """A subtitle stream as a warning names it: its language tag and title (``eng, English (Forced)``), or ``no language``."""
    metadata = stream.metadata
    return ", ".join(dict.fromkeys(v for v in (metadata.get("language", "no language"), metadata.get("title") or metadata.get("name")) if v))


def _embedded_text(container: Any, stream: Any) -> str:
    """The spoken text of the cues of ``stream`` in ``container`` (:func:`read_embedded_subtitle`)."""
    import av

    kind = _MATROSKA_CUES.get(stream.codec_context.name) if container.format.name.startswith("matroska") else None
    cues: list[tuple[float, float, str]] = []
    try:
        for packet in container.demux(stream):
            if not packet.size:
                continue
            start = float((packet.pts or 0) * packet.time_base)
            end = start + float((packet.duration or 0) * packet.time_base)
            if kind is not None:
                cues.append((start, end, bytes(packet).decode("utf-8", "replace")))
                continue
            utf16 = _utf16_mov_text(stream, bytes(packet))
            if utf16 is not None:
                cues.append((start, end, utf16))
                continue
            try:
                cues.extend((start, end, rect.ass.decode("utf-8", "replace")) for rect in stream.decode(packet))
            except av.FFmpegError:
                continue  # a damaged cue: the others still read
    except av.FFmpegError:
        pass  # a file cut off or damaged: the cues before it, as its frames decode as far as they go
    return _cues_text(kind or "ass", cues)


def _utf16_mov_text(stream: Any, data: bytes) -> str | None:
    """A mov_text cue whose text is UTF-16 with its byte-order mark, as 3GPP timed text (TS 26.245) allows, as the ASS event
    libavcodec makes of a UTF-8 one (``0,0,Default,,0,0,0,,Text``); else None. libavcodec refuses such a cue as invalid data
    (a Chinese MP4 so written would be judged with an empty subtitle)."""
    if stream.codec_context.name != "mov_text" or data[2:4] not in (codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE):
        return None
    text = data[2 : 2 + int.from_bytes(data[:2], "big")].decode("utf-16", "replace")
    return "0,0,Default,,0,0,0,," + "\\N".join(text.splitlines())


def _cues_text(kind: str, cues: list[tuple[float, float, str]]) -> str:
    """The spoken text of ``cues`` (start and end in seconds, the payload), read as the ``kind`` file they make (``srt``, ``vtt``,
    ``ass``: an ASS event from its ReadOrder on, ``0,0,Default,,0,0,0,,Hello``)."""
    if kind == "srt":
        return srt_to_text("\n\n".join(f"{i}\n{_clock(a, ',')} --> {_clock(b, ',')}\n{text}" for i, (a, b, text) in enumerate(cues, 1)))
    if kind == "vtt":
        return vtt_to_text("WEBVTT\n\n" + "\n\n".join(f"{_clock(a)} --> {_clock(b)}\n{text}" for a, b, text in cues))
    events = [(a, b, text.split(",", 2)) for a, b, text in cues]  # ReadOrder, Layer, the rest: Style, Name, ..., Text
    return ass_to_text("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" + "\n".join(
        f"Dialogue: {fields[1]},{_clock(a)[1:-1]},{_clock(b)[1:-1]},{fields[2]}"  # H:MM:SS.cc, as ASS writes times
        for a, b, fields in events if len(fields) == 3))


def _clock(seconds: float, comma: str = ".") -> str:
    """``seconds`` as a subtitle file's time, ``HH:MM:SS.mmm`` (SRT's ``comma``: ``,``)."""
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{comma}{ms % 1000:03d}"


def read_subtitle_file(path: Path, what: str = "subtitle") -> str | None:
    """The spoken text of a subtitle file (an ``.srt``'s, a WebVTT ``.vtt``'s or an ASS/SSA ``.ass``'s cues, told by its suffix
    or its content: a ``WEBVTT`` or ``[Script Info]`` header, SRT timing lines in a ``.txt``; else the plain text), or None if it is not
    UTF-8 text (a byte-order mark is dropped), nor UTF-16 starting with its byte-order mark (little- or big-endian: Notepad's
    "Unicode", Windows subtitle editors'), nor Chinese in GBK/GB18030, the encoding of many Chinese subtitles (MER's clips
    are Chinese), or Big5. UTF-16 without the mark is not read (its zero bytes are not text; its byte order is not guessed), nor
    UTF-32, which ffmpeg's subtitle reader does not take either (its mark reads as UTF-16's, then a zero character). A file that
    cannot be read (its permissions) is a one-line :class:`InputError` naming it as ``what``, and so is a Git LFS pointer (the
    videos fetched, not their subtitles): its text is no speech."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc.strerror or exc}); check you may read it (its permissions)") from None
    check_not_lfs_pointer(path, data)
    try:
        # UTF-16 by its byte-order mark, as ffmpeg's subtitle reader takes it: the mark tells the byte order, and is dropped
        text = data.decode("utf-16") if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else data.decode("utf-8-sig")
    except UnicodeDecodeError:
        chinese = _chinese_text(data)
        if chinese is None:
            return None
        text = chinese
    if "\x00" in text:
        return None
    suffix = path.suffix.lower()
    if suffix in (".ass", ".ssa") or text.lstrip().startswith("[Script Info]"):  # the section an ASS/SSA file starts with
        return ass_to_text(text)
    if suffix == ".vtt" or text.lstrip().startswith("WEBVTT"):  # the header WebVTT requires: a .vtt saved as .srt or .txt
        return vtt_to_text(text)
    # an .srt saved as .txt: its numbers and timings are no speech either (its lines ended as Windows ends them, too)
    if suffix == ".srt" or _CUE_TIMING.search("\n".join(text.splitlines())):
        return srt_to_text(text)
    return text.strip()


#: A cue's timing line, as SRT (``00:00:01,000 --> 00:00:02,500``) and WebVTT (``00:01.000 --> 00:02.500``) write it: the
#: whole line. A plain-text transcript with the words on the timing's line is no SRT, and keeps its words.
_CUE_TIMING = re.compile(r"^[ \t]*(\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}[ \t]*-->[ \t]*(\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}[ \t]*$", re.MULTILINE)


def _chinese_text(data: bytes) -> str | None:
    """``data`` read as Chinese: GB18030 (GBK's superset, mainland subtitles), else Big5 (Taiwan's and Hong Kong's).

    Big5 bytes also decode as GB18030, but into a jumble (我很開心 -> "и秨み") of kana, Cyrillic and private-use
    characters; GBK bytes also decode as Big5, into rare ideographs ("第①步" -> "菴Ｋ祭"). A GB18030 reading free
    of such characters is taken; one holding them (as a GBK text with "α", "①", "㎡" or kana does too) gives way
    only to a Big5 reading made of more of the characters Big5 text is made of (:func:`_plausibility`). Text in
    another encoding (Latin-1 'élan') also decodes now and then, but as stray ideographs glued inside Latin words,
    one for each accented letter; Chinese comes in runs of its own, beside English lines or words at most now and
    then ("我用iPhone拍的"). So a reading is taken when at most half of its ideographs touch a Latin letter."""
    mainland = _decoded_chinese(data, "gb18030")
    if mainland is not None and not _JUMBLE.search(mainland):
        return mainland
    traditional = _decoded_chinese(data, "big5hkscs")
    if traditional is None or (mainland is not None and _plausibility(traditional, "big5hkscs") <= _plausibility(mainland, "gb18030")):
        return mainland
    return traditional


#: Characters a wrong Chinese decoding is full of: private use, CJK Extension A and compatibility ideographs,
#: kana, bopomofo, Cyrillic, Greek, box drawing, enclosed and squared CJK signs.
_JUMBLE = re.compile("[\ue000-\uf8ff\u3400-\u4dbf\uf900-\ufaff\u3040-\u30ff\u3100-\u312f\u0370-\u04ff"
                     "\u2500-\u257f\u2460-\u24ff\u3200-\u33ff]")


def _plausibility(text: str, encoding: str) -> int:
    """How much ``text`` looks like a text written in ``encoding``: +1 for each character of the part of the
    code most text uses (its symbols, and GB2312's 3,755 level-1 ideographs or Big5's 5,401 frequent ones), 0 for
    ASCII and the second-level ideographs, -1 for any other character (private use, extensions, HKSCS)."""
    usual, rare = _usual_characters(encoding)
    return sum(1 if ch in usual else -1 for ch in text if not ch.isascii() and ch not in rare)


@functools.cache
def _usual_characters(encoding: str) -> tuple[frozenset[str], frozenset[str]]:
    """(characters texts in ``encoding`` are mostly made of, its second-level ideographs), as ``encoding`` decodes them."""
    if encoding == "gb18030":  # GB2312's symbol rows and level-1 ideographs, GBK's added symbols; level-2 ideographs
        usual = _decoded_pairs(encoding, [*range(0xA1, 0xAA), *range(0xB0, 0xD8)], range(0xA1, 0xFF))
        usual |= _decoded_pairs(encoding, [0xA8, 0xA9], range(0x40, 0xA1))
        rare = _decoded_pairs(encoding, range(0xD8, 0xF8), range(0xA1, 0xFF))
    else:  # Big5: symbols and frequent ideographs (A140-C67E); less frequent ideographs (C940-F9D5)
        trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
        usual = _decoded_pairs(encoding, range(0xA1, 0xC7), trails) - _decoded_pairs(encoding, [0xC6], range(0xA1, 0xFF))
        rare = _decoded_pairs(encoding, range(0xC9, 0xFA), trails)
    return frozenset(usual), frozenset(rare - usual)


def _decoded_pairs(encoding: str, leads: Iterable[int], trails: Iterable[int]) -> set[str]:
    """The characters the two-byte codes ``lead trail`` decode to in ``encoding`` (those that decode)."""
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                out.add(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                pass
    return out


def _decoded_chinese(data: bytes, encoding: str) -> str | None:
    """``data`` decoded as ``encoding`` if it decodes and its ideographs are not glued inside Latin words."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    hanzi = [i for i, ch in enumerate(text) if _is_chinese(ch)]
    glued = sum(1 for i in hanzi if any(0 <= j < len(text) and text[j].isascii() and text[j].isalpha() for j in (i - 1, i + 1)))
    return text if hanzi and glued * 2 <= len(hanzi) else None


def _is_chinese(ch: str) -> bool:
    """A CJK ideograph, or CJK or full-width punctuation.

    Narrower on purpose than :mod:`judges.han_characters` (which the answer parser and the text-lexicon judge share):
    only the unified ideographs U+4E00-9FFF, which Chinese text is almost all made of. Extension A and the
    compatibility ideographs are what a wrong decoding turns bytes into (:data:`_JUMBLE` counts them against a
    reading), so they must not make a reading look Chinese here."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def srt_to_text(srt: str) -> str:
    """The spoken lines of an SRT file, without indices, timings and markup.

    A cue's index is the number just before its timing line; a spoken line that is
    only a number ("42") is speech and stays. Markup is what SRT readers (ffmpeg, VLC) render
    and do not show: the formatting tags ``<i>``, ``<b>``, ``<u>``, ``<s>``, ``<font ...>`` and ``<br>``
    (any case), ASS override tags (``{\\an8}``, ``{\\i1}``, from subtitle sites and ASS conversions) and
    ASS line breaks (``\\N``); a ``<`` that opens no such tag is speech ("I <3 you", "a < b").
    Entities ending in ``;`` (``&amp;``, ``&#39;``; files converted from TTML carry them) are the
    characters they stand for. A line without markup is kept as written (its spaces too), as before markup was read:
    the verdict cache key holds the subtitle text, and such a clip is not judged again.
    """
    rows = [line.strip() for line in srt.splitlines()]
    rows = [line for line in rows if line]
    lines = []
    for i, line in enumerate(rows):
        if "-->" in line or (line.isdigit() and i + 1 < len(rows) and "-->" in rows[i + 1]):
            continue
        text = _srt_words(line)
        if text != line:  # where markup was, one space; a line without it is kept as written, and so its clip's cache key
            text = " ".join(text.split())
        if text:
            lines.append(text)
    return " ".join(lines)


#: The markup of an SRT cue line: a formatting tag SRT readers render or an ASS override block, removed (``wonder<i>ful</i>``
#: is one word); a line break (``<br>``, ASS's ``\\N`` and ``\\n``) or ASS hard space (``\\h``), read as a space.
_SRT_MARKUP = re.compile(r"</?[bius]>|<font(\s[^<>]*)?>|</font\s*>|\{\\[^{}]*\}", re.IGNORECASE)
_SRT_BREAK = re.compile(r"<br\s*/?>|\\[Nnh]", re.IGNORECASE)

#: An entity as HTML and TTML write it, its ``;`` included: ``&amp;``, ``&#39;``, ``&#x2019;``.
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)


def _srt_words(line: str) -> str:
    """An SRT cue line without its markup (:data:`_SRT_MARKUP`; a space for a line break), its entities decoded."""
    return _ENTITY.sub(_entity_character, _SRT_BREAK.sub(" ", _SRT_MARKUP.sub("", line)))


def _entity_character(entity: re.Match[str]) -> str:
    """The character(s) an :data:`_ENTITY` stands for, or it as written when it names none: ``&notice;`` is not ``&not;`` then
    ``ice;`` (as :func:`html.unescape` reads a name starting with one of HTML's entities that may lack their ``;``)."""
    if entity[1].startswith("#") or f"{entity[1]};" in html5_entities:
        return html.unescape(entity[0])
    return entity[0]


def vtt_to_text(vtt: str) -> str:
    """The spoken lines of a WebVTT file (a browser's and YouTube's subtitles), joined by spaces.

    Only a cue's text is speech: the ``WEBVTT`` header, ``NOTE``/``STYLE``/``REGION`` blocks, cue identifiers and
    timing lines with their settings (``align:start``) are not, nor the markup inside a cue (``<v Bob>``, ``<i>``,
    ``<c.yellow>``, ``<00:00:01.500>``); entities (``&amp;``) are the characters they stand for. In rolling captions
    (a file with timestamps inside its cues, as YouTube's automatic captions), a cue's first lines that repeat the
    previous cue's last ones are read once: there each line is shown again, still on screen, above the next one.
    """
    cues: list[list[str]] = []
    # a CR CR LF is one line end (a CRLF file written again in text mode on Windows), not a line and an empty line after it,
    # which would end every block at its timing line and leave no cue any text
    vtt = vtt.replace("\r\r\n", "\n")
    # blocks end at an empty line only: a line of spaces is a cue's (YouTube's captions start each cue with one)
    for block in re.split(r"\n{2,}", "\n".join(vtt.splitlines())):
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:  # the header, a NOTE, STYLE or REGION block: never spoken
            continue
        for i in range(timing, len(lines)):
            if "-->" in lines[i]:  # a cue starts (the next one, after a 'blank' line of spaces, too)
                cues.append([])
                continue
            if i + 1 < len(lines) and "-->" in lines[i + 1]:
                continue  # the next cue's identifier
            text = " ".join(html.unescape(re.sub(r"<[^>]*>", "", lines[i])).split())
            if text:
                cues[-1].append(text)
    rolling = re.search(r"<(\d+:)?\d{2}:\d{2}\.\d{3}>", vtt) is not None
    spoken: list[str] = []
    previous: list[str] = []
    for cue in cues:
        shown = 0  # how many of its first lines are the previous cue's last ones, still on screen
        if rolling:
            shown = max(k for k in range(min(len(cue), len(previous)) + 1) if cue[:k] == previous[len(previous) - k:])
        spoken.extend(cue[shown:])
        previous = cue
    return " ".join(spoken)


def ass_to_text(ass: str) -> str:
    """The spoken lines of an ASS/SSA file (Aegisub's, and many Chinese subtitles'): the Text of each ``Dialogue:`` of its
    ``[Events]``, joined by spaces.

    Nothing else is speech: the script's info and styles (a style named ``Default`` read as disgust, fear and sadness),
    ``Comment:`` lines, the fields before the Text (times, style, speaker), override tags (``{\\i1}``), line breaks
    (``\\N``, ``\\n``, ``\\h``) and drawings (a sign's shape after ``{\\p1}``: ``m 0 0 l 100 0 100 100``), nor a song's
    lyrics (:func:`_is_song`: an anime's opening in karaoke, emotional words no one in the clip says). The Text is the last
    of the fields the section's ``Format:`` line names (10 by default), the Style the one it names so (the fourth by default).
    """
    spoken = []
    fields = 10  # Layer (Marked in SSA), Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
    style = 3
    events = False
    for line in ass.splitlines():
        line = line.strip()
        if line.startswith("["):
            events = line.lower() == "[events]"
            continue
        key, _, value = line.partition(":")
        if not events:
            continue
        if key.strip().lower() == "format":
            names = [name.strip().lower() for name in value.split(",")]
            fields = max(1, len(names))
            style = names.index("style") if "style" in names[:-1] else -1
        elif key.strip().lower() == "dialogue":
            parts = value.split(",", fields - 1)
            if len(parts) == fields and not _is_song(parts[style] if style >= 0 else "", parts[-1]):
                text = re.sub(r"\\[Nnh]", " ", _ass_words(parts[-1]))
                if text.split():
                    spoken.append(" ".join(text.split()))
    return " ".join(spoken)


def _is_song(style: str, text: str) -> bool:
    """Whether an ASS event is a song's lyrics, not speech: its Text is timed for karaoke (``{\\k20}Ka{\\k30}ra``: only songs are), or its
    Style names a song as fansubs name theirs (``OP``, ``ED_Romaji``, ``Song``, ``Karaoke``, ``Lyrics``: their words, any case; but
    ``OP`` and ``ED`` in capitals only, as a style for a character's lines may be named ``Ed``)."""
    words = re.findall(r"[A-Za-z]+", style)
    return bool(_KARAOKE.search(text) or any(word.lower() in _SONG_STYLE_WORDS or word in ("OP", "ED") for word in words))


#: An ASS karaoke tag (``\\k``, ``\\K``, ``\\kf``, ``\\ko`` and a duration) inside an override block.
_KARAOKE = re.compile(r"\{[^}]*\\(?:k|K|kf|ko)\d")
#: The words of a song's style name, any case: songs, karaoke, lyrics (and, in capitals, an anime's opening and ending themes).
_SONG_STYLE_WORDS = frozenset({"song", "songs", "karaoke", "kara", "lyric", "lyrics"})


def _ass_words(text: str) -> str:
    """An ASS event's Text without its override tags and drawings: ``{\\p1}`` (any scale but 0) makes what follows,
    up to ``{\\p0}``, the drawing commands of a shape (fansubs draw signs so), not words."""
    kept: list[str] = []
    drawing = False
    for piece in re.split(r"(\{[^}]*\})", text):
        if piece.startswith("{") and piece.endswith("}"):
            scales = re.findall(r"\\p(\d+)", piece)  # not \pos( or \pbo
            drawing = int(scales[-1]) > 0 if scales else drawing
        elif not drawing:
            kept.append(piece)
    return "".join(kept)
