"""Judge videos and fuse the judges' words: each clip's emotions, with confidences and the judges behind them.

    cojudge predict --demo                                  # the bundled demo clip, CPU judges
    cojudge predict a.mp4 b.mp4 --format csv --out pred.csv
    find video -name '*.mp4' | cojudge predict --videos-from - --cache verdicts.sqlite --format csv --out pred.csv
    cojudge predict talk.mp4 --subtitle talk.srt --config judges.toml --calibration calibration.json
    cojudge predict --config replay.toml --calibration cal.json --names test.txt   # replayed judges

Judges come from ``--config`` (default: the CPU judges of ``judges/default_judges.toml``).
Without ``--calibration`` the words are fused by the untrained rule of
:class:`ensemble.score_union_fuser.ScoreUnionFuser`; with it, by the fitted fusion
``cojudge tune`` wrote (:meth:`ensemble.cojudge.CoJudge.load`). A clip that cannot be
judged is reported with each judge's reason, never guessed, and never stops the run.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ensemble.cli import options_named, report
from ensemble.fuse_command import write_prediction_rows, write_predictions_csv
from ensemble.fused_prediction import FusedPrediction
from ensemble.judge_failures import judge_failures
from ensemble.output_files import check_output_path
from ensemble.score_union_fuser import ScoreUnionFuser
from judges.clip import NOT_MEDIA_SUFFIXES, Clip, built_clips, refuse_a_web_address
from judges.errors import InputError, listed, one_line
from judges.install_hints import install_hint
from judges.subtitles import SUBTITLE_SUFFIXES, read_subtitle_file, sidecar_subtitle_paths, subtitle_tags, untagged_stem
from judges.text_files import STANDARD_INPUT, check_input_file, decoded_text, listed_lines, standard_input_bytes, user_path
from judges.user_warnings import warn_user
from judges.verdict import Verdict

if TYPE_CHECKING:  # imported where used: only a --calibration needs the fitted fusion
    from ensemble.fuser import Fuser

__all__ = ["add_arguments", "run"]

NO_INPUT_HINT = ("give one or more videos (or --videos-from FILE, or --names for replayed judges), or try the bundled demo clip: "
                 "cojudge predict --demo")
RAY_INSTALL_HINT = install_hint("ray")
RAW_WIDTH = 130  # a judge's raw text is cut to this many characters in the table


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``cojudge predict``."""
    p.add_argument("videos", nargs="*", metavar="VIDEO",
                   help="video files (a .srt/.vtt/.ass/.ssa/.txt, in any case, beside a video is its subtitle, read with it when given too, as clips/* gives it; "
                        "else its one language-tagged subtitle, clip.en.srt, clip.en-orig.vtt, clip.en.sdh.srt (tags in any case), the one flagged default "
                        "if several, never a forced one, clip.en.forced.srt; else a text subtitle stream inside the video); "
                        "a bare name without a file is a sample name for replayed judges")
    p.add_argument("--videos-from", metavar="FILE",
                   help="file of video paths, one per line, relative to the current folder as VIDEO arguments are (blank lines and "
                        "# comments skipped; - reads standard input: find video -name '*.mp4' | cojudge predict --videos-from -; "
                        "a NUL-separated list, find -print0's, too), "
                        "for more videos than a command line holds; judged with the VIDEO arguments, if any, by the same rules")
    p.add_argument("--demo", action="store_true", help="make the bundled demo clip (a smiling face saying something happy) in the cache folder and judge it")
    p.add_argument("--names", metavar="SPLIT", help="file of sample names, one per line (- reads standard input), for judges that answer by sample name (type = \"replay\", or "
                   "\"lexical\" with stored descriptions)")
    p.add_argument("--config", help="judges config (TOML/YAML [[judge]] tables; default: the CPU judges, judges/default_judges.toml)")
    p.add_argument("--calibration", help="calibration JSON from 'cojudge tune' (default: untrained score-weighted union of the judges' words); "
                   "one tuned with a strategy of your own imports its module or file, running its code: use files you trust")
    p.add_argument("--min-support", type=float, default=None,
                   help=f"untrained fusion only: support a word needs, 0-1 (default {ScoreUnionFuser().threshold:g})")
    p.add_argument("--subtitle", metavar="FILE", help="subtitle (.srt, WebVTT .vtt, ASS/SSA .ass or plain text) of the one video given, "
                   "read instead of the files beside it")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="table (readable, the default), json (one object per clip, with every judge's verdict) or csv (name,openset for 'cojudge evaluate')")
    p.add_argument("--out", help="also write the name,openset CSV here")
    p.add_argument("--cache", metavar="FILE", help="verdict cache (sqlite): judged clips are not judged again")
    p.add_argument("--retry-failed", action="store_true", help="judge again the clips whose cached verdict is a failure")
    p.add_argument("--batch-timeout", metavar="SECONDS",
                   help="give up a judge that takes longer than this on one batch of clips (8): its clips left get errors, not "
                        "cached, and the other judges go on (default: no limit; local backend only)")
    p.add_argument("--backend", choices=("local", "ray"), default="local", help="run the judges here (default) or on Ray (" + RAY_INSTALL_HINT + ")")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(predict_usage=p.format_usage())


# -- what to judge ---------------------------------------------------------------------
def collect_clips(args: argparse.Namespace) -> list[Clip]:
    """The clips named on the command line: videos (given, and listed in ``--videos-from``'s file), the demo clip, sample names."""
    if args.names == STANDARD_INPUT and getattr(args, "videos_from", None) == STANDARD_INPUT:
        raise InputError("--names - and --videos-from -: standard input is one list, read once; give one of them as a file")
    listed = _listed_videos(args.videos_from) if getattr(args, "videos_from", None) else []
    paths_only = set(listed).difference(args.videos)  # a listed entry is a video's path, never a sample name
    videos = [*args.videos, *listed]  # one collection: subtitles beside, strays, errors and repeated names as for arguments
    stems = {item: _resolved_stem(item) for item in dict.fromkeys(videos) if Path(item).suffix}  # a realpath each, once
    beside = _subtitles_beside_given_videos(videos, stems)
    given = "" if args.subtitle else None  # --subtitle's text replaces it below: the files beside the video are not read
    strays = _strays(videos, beside, stems)
    config = user_path(args.config) if getattr(args, "config", None) else None  # the default judges take videos
    items = built_clips([item for item in videos if item not in beside and item not in strays],
                        lambda item: _clip(item, given, config, item in paths_only))  # every bad one named in one error
    if args.demo:
        from judges.demo_clip import make_demo_clip

        with warnings.catch_warnings(record=True) as caught:  # a note for the user, not a source line
            warnings.simplefilter("always")
            demo = make_demo_clip()
        for w in caught:
            report("predict", "note", str(w.message))
        items.append(Clip.from_path(demo))
    if args.names:
        from calibration.labels import read_split

        items.extend(Clip(name) for name in read_split(args.names))
    if args.subtitle:
        videos = [c for c in items if c.video is not None]
        if len(videos) != 1 or len(items) != 1:
            raise InputError(f"--subtitle {args.subtitle} is for a single video, but {len(items)} clip(s) were given ({len(videos)} video(s)); "
                             "give one video, or put each video's subtitle beside it (clip.mp4 -> clip.srt, clip.vtt, clip.ass or clip.txt)")
        items = [Clip(videos[0].name, videos[0].video, _read_subtitle(user_path(args.subtitle)))]
    return items


def _listed_videos(source: str) -> list[str]:
    """The video paths ``--videos-from`` lists, one per line (:func:`~judges.text_files.listed_lines`), read from the file
    ``source`` or, for ``-``, standard input; a one-line error for a list with none, a CSV (a labels or predictions file:
    its first line a header starting ``name``) or a split of sample names (no entry a path or a file: ``--names`` takes those).
    A name that is not UTF-8, as ``find`` writes its bytes, is kept as an argument's is (:func:`~judges.text_files.decoded_text`)."""
    where = f"--videos-from {source}"
    if source == STANDARD_INPUT:
        data = standard_input_bytes(where, "list", "find video -name '*.mp4' | cojudge predict --videos-from -")
    else:
        try:
            path = check_input_file(source, "list of videos")
        except InputError as exc:  # missing, a folder: named by its option, as the list's other errors are
            raise InputError(f"--videos-from {exc}") from None
        data, where = path.read_bytes(), f"--videos-from {path}"  # read once: it may be a pipe
    text = decoded_text(data, where, "list of videos", file_names=True)
    entries = listed_lines(text)
    lines = text.splitlines() if "\x00" not in text else []  # a NUL-separated list's entries are as written already
    _warn_commented_files(where, lines)
    if not entries:
        raise InputError(f"{where}: lists no videos (it is empty, or blank lines and # comments only); list the videos' paths, "
                         "one per line (find video -name '*.mp4' > videos.txt)")
    from calibration.labels import csv_first_lines

    shown = csv_first_lines([entry for _, entry in entries[:2]], columns=1)  # 'name' alone too: no video is named so
    if shown is not None:
        raise InputError(f"{where}:{entries[0][0]}: a CSV ({shown}), not a list of videos; list the videos' paths, one per line "
                         "(find video -name '*.mp4' > videos.txt)")
    paths = [_as_written(entry, lines[n - 1]) if lines else entry for n, entry in entries]
    if not any(Path(entry).suffix or "/" in entry or "\\" in entry or os.path.lexists(entry) for entry in paths):
        raise InputError(f"{where}: lists sample names ({listed(paths, 2)}), not video files; give sample names in --names {source}, "
                         "for judges that answer by name (type = \"replay\")")
    return paths


def _warn_commented_files(where: str, lines: Sequence[str]) -> None:
    """Warn of the ``lines`` of the list ``where`` that start with # and name a file (``ls *.mp4 > videos.txt`` lists
    ``#take2.mp4``): read as comments, those files are not judged, which is said, not done silently."""
    commented = [(n, line.strip()) for n, line in enumerate(lines, start=1)
                 if line.strip().startswith("#") and os.path.isfile(line.strip())]
    if len(commented) == 1:
        (n, line), = commented
        warn_user(f"{where}:{n}: {line!r} starts with #, so it is read as a comment, though it names a file, which is not "
                  f"judged; list it as ./{line}")
    elif commented:
        warn_user(f"{where}: lines {listed([str(n) for n, _ in commented])} start with #, so they are read as comments, though "
                  "they name files, which are not judged; list each as ./#...")


def _as_written(entry: str, line: str) -> str:
    """A list's ``entry``, the ``line`` it was read from stripped; or the line as written, spaces around it, when only that
    names a file (`` take1.mp4``, as ``ls`` lists a name starting with a space)."""
    return line if line != entry and os.path.lexists(line) and not os.path.lexists(entry) else entry


#: A still picture's suffixes: one named as a video given beside it (clip.jpg by clip.mp4: yt-dlp's --write-thumbnail, a media
#: server's poster, a camera's .thm) is that video's thumbnail, not a clip of the same name (given without its video, a photo is a
#: clip of one frame). A camera's raw photo is one too: beside its JPEG (IMG_0001.CR2 by IMG_0001.JPG) it is no video of that name.
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".thm",
                     ".dng", ".cr2", ".cr3", ".nef", ".arw", ".raf", ".orf", ".rw2")


def _strays(items: Sequence[str], beside: set[str], stems: Mapping[str, Path]) -> set[str]:
    """The items that are a subtitle file of no video given (``notes.txt``, ``clip.old.srt`` in ``clips/*``), a file of a kind
    that is never media (``labels.csv``, ``README.md``: :data:`~judges.clip.NOT_MEDIA_SUFFIXES`) or a video's thumbnail (``clip.jpg``
    beside ``clip.mp4``), each warned about, to be left out, so one stray file neither stops a folder's run (a second clip of
    its video's name) nor is judged as a damaged video. None when nothing else was given (one subtitle, the same one
    twice, a folder of subtitles only): then judging would be no run at all, and the first one is the error
    :meth:`Clip.from_path` gives (a subtitle, not a video); ``stems``: :func:`_resolved_stem` of each item with a suffix."""
    not_videos = {*SUBTITLE_SUFFIXES, *NOT_MEDIA_SUFFIXES, *_PICTURE_SUFFIXES}
    videos = {stems[item] for item in items if _suffix(item) and _suffix(item) not in not_videos}
    strays = [item for item in dict.fromkeys(items) if item not in beside
              and (_suffix(item) in SUBTITLE_SUFFIXES or _suffix(item) in NOT_MEDIA_SUFFIXES
                   or _suffix(item) in _PICTURE_SUFFIXES and stems[item] in videos)
              and user_path(item).is_file()]  # stat only the candidates, not every video of a long list
    if len(strays) == len(set(items)):
        return set()
    # one line for each kind, however many (a clip.json beside each of 500 videos), naming the first few
    other = [item for item in strays if _suffix(item) in NOT_MEDIA_SUFFIXES]
    _warn_left_out(other, lambda item: f"{item}: not a video (a {Path(item).suffix} file)",
                   f"files that are not videos ({', '.join(sorted({_suffix(item) for item in other}))})")
    _warn_left_out([item for item in strays if _suffix(item) in _PICTURE_SUFFIXES],
                   lambda item: f"{item}: a picture named as a video given beside it (its thumbnail)",
                   "pictures named as videos given beside them (their thumbnails)")
    _warn_left_out([item for item in strays if _suffix(item) in SUBTITLE_SUFFIXES],
                   lambda item: f"{item}: a subtitle file, and no video of its name was given "
                                f"({untagged_stem(Path(item).stem) or Path(item).stem}.mp4...)",
                   "subtitle files of no video given")
    return set(strays)


def _suffix(item: str) -> str:
    """``item``'s suffix in lower case (``clip.Srt``, ``IMG_0001.JPG``), as the suffix lists hold them; "" for none."""
    return Path(item).suffix.lower()


def _warn_left_out(items: list[str], one: Callable[[str], str], many: str) -> None:
    """Warn that ``items`` are left out, not judged: ``one(item)`` for a single one, else one line for all, ``many`` naming them."""
    if len(items) == 1:
        warn_user(f"{one(items[0])}, so it is left out, not judged")
    elif items:
        warn_user(f"{len(items)} {many} are left out, not judged: {listed(items)}")


def _subtitles_beside_given_videos(items: Sequence[str], stems: Mapping[str, Path]) -> set[str]:
    """The items that are a subtitle (``clip.srt``, ``clip.vtt``, ``clip.ass``, ``clip.txt``..., the suffix in any case, or tagged with a
    language and/or flags: ``clip.en.srt``, ``clip.en.forced.srt``) beside another item's video (``clip.mp4``), as ``cojudge predict clips/*``
    gives them: each is read with its video (:func:`judges.subtitles.sidecar_subtitle_path`; a forced one is not, and its video says so),
    not judged as a clip of the same name; ``stems``: :func:`_resolved_stem` of each item with a suffix."""
    def named_after(item: str) -> list[Path]:  # clip.en.srt: clip.en.mp4's, else clip.mp4's; clip.en.forced.srt: clip.en.forced.mp4's...
        own = stems[item]
        return [own, *(own.with_name(tag.video_stem) for tag in subtitle_tags(own.name))]

    subtitles = {item for item in items if _suffix(item) in SUBTITLE_SUFFIXES}  # clip.Srt too
    videos = {stems[item] for item in items if item not in subtitles and Path(item).suffix}
    return {item for item in subtitles if any(video in videos for video in named_after(item))}


def _resolved_stem(item: str) -> Path:
    """``item``'s path without its suffix, its folder as the file system reaches it: clips/../clips/a.srt and lnk/a.srt are
    clips/a.mp4's."""
    path = user_path(item).absolute()
    return (Path(os.path.realpath(path.parent)) / path.name).with_suffix("")


def _clip(item: str, subtitle: str | None = None, config: Path | None = None, path_only: bool = False) -> Clip:
    """A video file (with ``subtitle``, else the one beside it); a folder, a pipe or a pattern no file matched is an error; else, if it
    cannot be a path (no suffix, no folder) and is not ``path_only`` (listed in ``--videos-from``), a sample name for replayed
    judges. A path that is no file, given to the replay judges of ``config`` only, is an error saying they take sample names, and
    which (:func:`judges.replay.sample_name_instead`)."""
    refuse_a_web_address(item)
    path = user_path(item) if Path(item).suffix or "/" in item else Path(item)  # a name ('~x') is no path to expand
    if path.exists() or path.is_symlink():  # a folder, a pipe (<(...)) or a broken link: Clip.from_path says which
        return Clip.from_path(path, subtitle)
    if "*" in item or "?" in item:  # a shell gives a pattern that matches no file as it is
        raise InputError(f"{item}: no file matches this pattern; check the folder, and the case of the names (*.mp4 does not match CLIP.MP4)")
    if path.suffix or "/" in item or "\\" in item or path_only:
        if config is not None and _replays_only(config):
            from judges.replay import sample_name_instead

            raise InputError(sample_name_instead(item, path, "in a --names file: on the command line, a name with a dot is read as a video file's"))
        raise InputError(f"{one_line(item)}: no such video file; check the path")  # a NUL list's name may hold a line end
    return Clip(name=item)


def _replays_only(config: Path) -> bool:
    """Whether every judge of ``config`` is a replay judge (its plugins not imported); False when it cannot tell: a pipe
    (``<(...)``) gives its text once, to the run, and a config it cannot read is the run's own error."""
    from judges.registry import config_judge_types

    if not config.is_file():
        return False
    try:
        types = config_judge_types(config)
    except InputError:
        return False
    return bool(types) and all(t == "replay" for t in types)


def _read_subtitle(path: Path) -> str:
    """The text of ``--subtitle``, or a one-line error (a folder, missing, not text); a warning when it has none."""
    if path.is_dir():
        raise InputError(f"--subtitle {path}: is a folder, not a subtitle file; give the subtitle's path (.srt, .vtt, .ass or plain text)")
    if not path.is_file():
        raise InputError(f"--subtitle {path}: no such file; give the subtitle's path (.srt, .vtt, .ass or plain text)")
    text = read_subtitle_file(path)
    if text is None:
        raise InputError(f"--subtitle {path}: not UTF-8 text (nor UTF-16 with its byte-order mark, nor Chinese in GBK or Big5); give the subtitle as a UTF-8 .srt, .vtt, .ass or plain-text file")
    if not text:  # given on purpose: say it counts for nothing (the speech judge listens instead), not silently
        warn_user(f"--subtitle {path}: has no text to read (an empty file, or cues without words); the video is judged as without a subtitle")
    return text


# -- judging and fusing ------------------------------------------------------------------
def run(args: argparse.Namespace) -> int:
    """``cojudge predict``: judge the clips, fuse the verdicts, print (and write) each clip's words; the exit code."""
    clips = collect_clips(args)
    inputs = _inputs(args, clips) if args.cache or args.out else {}
    if args.cache:  # the cache is written too: never one of the inputs
        check_output_path(args.cache, "--cache", inputs)
    if args.out:
        check_output_path(args.out, "--out", {**inputs, "--cache": args.cache})
    if not clips:
        print(args.predict_usage.rstrip(), file=sys.stderr)
        report("predict", "error", NO_INPUT_HINT)
        return 2
    progress = not args.quiet  # one clip too: an hour of speech is minutes of waiting, its bar says work goes on
    batch_timeout = _batch_timeout(args)
    if args.calibration and args.min_support is not None:
        raise InputError(f"--min-support is for the untrained fusion; with --calibration {args.calibration} the fitted fusion "
                         "chooses the words: drop one of the two")
    _refuse_names_for_the_default_judges(args, clips)
    with options_named({"min_support/threshold": "--min-support"}):
        untrained = ScoreUnionFuser(**({} if args.min_support is None else {"threshold": args.min_support})).fit()
    if args.backend == "ray":
        calibration = None
        if args.calibration:
            from calibration.calibration_file import load_calibration

            calibration = load_calibration(args.calibration)  # a bad file fails before the judges run
        verdicts = _run_ray(args, clips, progress)
        preds, fusion = _fuse(args, verdicts, clips, untrained, calibration)
    else:
        verdicts, preds, fusion = _run_local(args, clips, progress, untrained, batch_timeout)
    if args.out:  # before stdout: a reader that stops early (`| head`) ends the printing, never the judged clips' file
        try:
            write_predictions_csv(args.out, preds)
        except InputError:  # a full disk, a share gone while judging: the judged clips are printed all the same
            _print(args.format, preds, verdicts, fusion)
            raise
    _print(args.format, preds, verdicts, fusion)
    _summary(args, preds, verdicts, fusion)
    if preds and not any(p.ok for p in preds):  # a server down all along, a wrong split: a script must not go on as if judged
        report("predict", "error", f"no judge answered any of the {len(preds)} clip(s) (each judge's error above); exit code 1")
        return 1
    return 0


def _refuse_names_for_the_default_judges(args: argparse.Namespace, clips: Sequence[Clip]) -> None:
    """A one-line :class:`InputError` for sample names (``--names``, or a bare name that is no file) given to the default
    judges, which judge a video (or its subtitle): each clip was judged, every judge failed on it ("no video file for this
    clip"), and the run wrote it with no words (exit code 0 when a video beside it was judged; 1 when none was)."""
    if args.config:
        return
    named = [c.name for c in clips if c.video is None and c.subtitle is None]
    if named and args.names:
        raise InputError(f"--names {args.names}: sample names are for judges that answer by name (type = \"replay\", or \"lexical\" "
                         "with stored descriptions), and the default judges judge videos; give such judges with --config, or the videos")
    if named:
        raise InputError(f"{listed(named)}: no such video file, and the default judges judge videos, not sample names; check the "
                         "path, or give judges that answer by name (type = \"replay\") with --config")


def _batch_timeout(args: argparse.Namespace) -> float | None:
    """``--batch-timeout`` in seconds (None: not given), or a one-line :class:`InputError`: not a number > 0, or given
    with ``--backend ray``, which has no batch timeout."""
    if args.batch_timeout is None:
        return None
    if args.backend == "ray":
        raise InputError(f"--batch-timeout {args.batch_timeout} is for --backend local: the Ray backend has no batch timeout; "
                         "drop one of the two")
    try:
        seconds = float(args.batch_timeout)
    except ValueError:
        seconds = float("nan")
    if not (0 < seconds < float("inf")):
        raise InputError(f"--batch-timeout {args.batch_timeout}: give the seconds a judge may take on one batch, a number > 0 "
                         "(leave it out for no limit)")
    return seconds


def _inputs(args: argparse.Namespace, clips: Sequence[Clip]) -> dict[str, Path | str | None]:
    """Every file the run reads, by what it is: the clips' videos and subtitles, the options' files, the
    files the judges config names (a replayed judge's outputs, a plugin), the emotion wheel's (the data
    folder's, and the one the calibration's fusion reads) and the calibration's voting strategy file."""
    from calibration.calibration_file import calibration_input_files
    from calibration.emotion_wheel import wheel_input_files
    from judges.registry import config_input_files

    inputs: dict[str, Path | str | None] = {}
    for c in clips:
        if c.video is not None:
            inputs[f"video {c.name}"] = c.video
            sides = sidecar_subtitle_paths(c.video)  # several languages when --subtitle chose one
            inputs.update({f"the subtitle of {c.name}" + (f" ({side.name})" if len(sides) > 1 else ""): side for side in sides})
    config = _config_path(args)
    listed = args.videos_from if getattr(args, "videos_from", None) != STANDARD_INPUT else None
    names = args.names if args.names != STANDARD_INPUT else None
    inputs.update({"--config": config, "--calibration": args.calibration, "--names": names, "--subtitle": args.subtitle,
                   "--videos-from": listed})
    judged = config_input_files(config) if config.is_file() else {}  # a pipe (<(...)) gives its text once: to the run
    calibrated = calibration_input_files(args.calibration) if args.calibration else {}
    return {**inputs, **judged, **wheel_input_files(), **calibrated}


def _config_path(args: argparse.Namespace) -> Path:
    if args.config:
        return user_path(args.config)
    from judges.default_judges import DEFAULT_CPU_CONFIG

    return DEFAULT_CPU_CONFIG


def _run_local(
    args: argparse.Namespace, clips: Sequence[Clip], progress: bool, untrained: ScoreUnionFuser, batch_timeout: float | None
) -> tuple[dict[str, dict[str, Verdict]], list[FusedPrediction], str]:
    from judges.registry import judges_from_config

    judges = judges_from_config(_config_path(args))
    try:
        if args.calibration:
            from ensemble.cojudge import CoJudge, JudgeFailureWarning

            cojudge = CoJudge.load(args.calibration, judges, cache=args.cache, progress=progress, retry_failed=args.retry_failed,
                                   batch_timeout=batch_timeout)
            _warn_unused([j.name for j in judges], cojudge.fuser.judges_)
            with warnings.catch_warnings():  # the command's own warnings say it, a line per judge (_summary)
                warnings.simplefilter("ignore", JudgeFailureWarning)
                preds = cojudge.predict_many(clips)
            return cojudge.last_verdicts_, preds, f"calibrated {cojudge.strategy} fusion ({args.calibration})"
        from judges.runner import run_judges

        verdicts = run_judges(judges, clips, cache=args.cache, progress=progress, retry_failed=args.retry_failed,
                              batch_timeout=batch_timeout)
        return verdicts, untrained.predict(verdicts, [c.name for c in clips]), _untrained_name(untrained)
    finally:
        for judge in judges:
            judge.close()


def _run_ray(args: argparse.Namespace, clips: Sequence[Clip], progress: bool) -> dict[str, dict[str, Verdict]]:
    if importlib.util.find_spec("ray") is None:
        raise InputError(f"--backend ray needs Ray, which is not installed; install it with: {RAY_INSTALL_HINT}")
    try:
        from judges.ray_runner import run_judges_ray
    except ModuleNotFoundError as exc:
        raise InputError(f"--backend ray is not available here ({exc}); use --backend local, or install: {RAY_INSTALL_HINT}") from None
    config = _config_path(args)
    if not config.is_file():
        raise InputError(f"{config}: no such judges config file")
    return run_judges_ray(str(config), clips, cache=args.cache, progress=progress, retry_failed=args.retry_failed)


def _fuse(
    args: argparse.Namespace,
    verdicts: Mapping[str, Mapping[str, Verdict]],
    clips: Sequence[Clip],
    untrained: ScoreUnionFuser,
    calibration: tuple[Fuser, dict[str, Any]] | None,
) -> tuple[list[FusedPrediction], str]:
    """Fusion of verdicts computed elsewhere (the Ray backend), as CoJudge.predict_many does it."""
    names = [c.name for c in clips]
    if calibration is None:
        return untrained.predict(verdicts, names), _untrained_name(untrained)
    from ensemble.cojudge import verdicts_to_outputs

    fuser, data = calibration
    missing = [n for n in fuser.judges_ if n not in verdicts]
    if missing:
        raise InputError(f"{args.calibration}: calibrated with judge(s) {listed(missing)} that {_config_path(args)} does not configure; "
                         f"configure all {len(fuser.judges_)} it was calibrated with (its \"judges\" lists them all)")
    _warn_unused(list(verdicts), fuser.judges_)
    outputs = verdicts_to_outputs({n: verdicts[n] for n in fuser.judges_})
    return fuser.predict(outputs, names), f"calibrated {data.get('strategy', 'stacked')} fusion ({args.calibration})"


def _untrained_name(fuser: ScoreUnionFuser) -> str:
    matching = "by emotion class" if fuser.uses_wheel else f"by spelling ({_no_wheel_reason()})"
    return f"untrained score-weighted union, support >= {fuser.threshold:g}, words matched {matching}"


def _no_wheel_reason() -> str:
    """Why no emotion-wheel files were found, with the fix: MEROV_DATA unset, or set to a folder without them."""
    from calibration.data_paths import ENV_VAR

    where = os.environ.get(ENV_VAR)
    if where:
        return f"no emotion-wheel files found: {ENV_VAR}={where} has no emotion_wheel/ folder"
    return f"no emotion-wheel files found: set {ENV_VAR}"


def _warn_unused(configured: Sequence[str], calibrated: Sequence[str]) -> None:
    unused = [n for n in configured if n not in calibrated]
    if unused:
        report("predict", "warning", f"judge(s) {listed(unused)} are not in the calibration and were not used")


# -- output ----------------------------------------------------------------------------
def _print(fmt: str, preds: list[FusedPrediction], verdicts: Mapping[str, Mapping[str, Verdict]], fusion: str) -> None:
    if fmt == "csv":
        write_prediction_rows(sys.stdout, preds, lineterminator="\n")
    elif fmt == "json":
        for p in preds:
            per_judge = {j: _verdict_dict(per[p.name]) for j, per in verdicts.items() if p.name in per}
            print(json.dumps({**p.to_dict(), "fusion": fusion, "verdicts": per_judge}, ensure_ascii=False))
    else:
        print("\n\n".join(_table(p, verdicts) for p in preds))


def _verdict_dict(v: Verdict) -> dict:
    return {"words": v.words, "scores": v.scores, "raw": v.raw, "description": v.description, "seconds": round(v.seconds, 3), "error": v.error}


def _table(pred: FusedPrediction, verdicts: Mapping[str, Mapping[str, Verdict]]) -> str:
    """One clip: the fused words (confidence, judges for each), then what every judge said and why."""
    if not pred.ok:
        lines = [f"{pred.name}: NO ANSWER ({pred.error})"]
    else:
        lines = [f"{pred.name}: {', '.join(pred.words) if pred.words else '(no emotion words)'}"]
    if pred.words:
        lines += _columns([("word", "confidence", "judges")] + [(w, f"{pred.confidence[w]:.2f}", ", ".join(pred.support[w])) for w in pred.words])
    judged = [(j, per[pred.name]) for j, per in verdicts.items() if pred.name in per]
    header, *rows = _columns([("judge", "said", "seconds", "why")] + [(j, _said(v), f"{v.seconds:.1f}", _why(v)) for j, v in judged])
    lines.append(header)
    indent = " " * (len(header) - len("why"))
    for row, (_, v) in zip(rows, judged):
        lines.append(row)
        if v.ok and v.description:
            # a transcript (speech judge) or a describer's clues (two-stage, replayed descriptions)
            lines.append(indent + _cut(f'description: "{v.description}"'))
    return "\n".join(lines)


def _why(v: Verdict) -> str:
    """A failed judge's error in full; otherwise what it saw, cut to the table's width."""
    return v.error or "" if not v.ok else _cut(v.raw)


def _said(v: Verdict) -> str:
    if not v.ok:
        return "ERROR"
    if not v.words:
        return "-"
    return ", ".join(f"{w} {v.scores[w]:.2f}" if v.scores and v.scores.get(w) is not None else w for w in v.words)


def _cut(text: str | None) -> str:
    """On one line (a description's paragraphs would leave the table's columns), cut to the table's width."""
    text = " ".join((text or "").split())
    return text if len(text) <= RAW_WIDTH else text[: RAW_WIDTH - 3] + "..."


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in rows]


def _summary(args: argparse.Namespace, preds: list[FusedPrediction], verdicts: Mapping[str, Mapping[str, Verdict]], fusion: str) -> None:
    failed = [p.name for p in preds if not p.ok]
    print(f"judged {len(preds)} clip(s) with {len(verdicts)} judge(s); fusion: {fusion}" + (f"; wrote {args.out}" if args.out else ""), file=sys.stderr)
    for line in _failure_warnings(verdicts, [p.name for p in preds], bool(args.cache)):
        report("predict", "warning", line)
    if failed:
        report("predict", "warning", f"{len(failed)} clip(s) no judge answered (reported with no words, not guessed): "
              f"{listed(failed)}")


def _failure_warnings(verdicts: Mapping[str, Mapping[str, Verdict]], names: Sequence[str], cached: bool) -> list[str]:
    """One warning (its text) per judge that failed on some clips: how many, with a cache which of them the next run asks again,
    and one clip's error (one the next run asks again, if any: a server down says so). Without it a judge whose server
    went down mid-run was silent but for the table's rows, and wholly so with --format csv."""
    lines = []
    for failed in judge_failures(verdicts, names):
        what = failed.asked_again(cached, "--retry-failed")
        lines.append(f"judge {failed.judge} failed on {len(failed.failures)} of {len(names)} clip(s)"
                     f"{what}; {failed.example}")
    return lines
