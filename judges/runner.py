"""Run several judges over many clips at once, through the verdict cache.

Every judge gets a worker thread of its own that feeds its clips, in batches
of ``batch_size``, to ``judge_batch``; the main thread alone writes the cache
(one committed transaction per batch) and moves the progress bar, so a kill
or Ctrl-C loses at most the batches still in flight. A batch the judge raised
on is judged again clip by clip, and then each clip is such a unit of its own
(stored, and counted on the bar, as it is judged): a slow judge's pass is not
a frozen bar for minutes, nor lost whole by a kill. Judges with
``concurrency == "thread"`` (HTTP clients, I/O-bound) share at most
``max_workers`` running batches; a ``concurrency == "process"`` judge (a
GPU/CPU model) runs on its own dedicated thread outside that limit. A thread,
not a subprocess: the judge is already built (its model loaded) in this
process, torch releases the GIL while it computes, and its verdicts come back
without pickling.

    >>> from judges.replay import ReplayJudge
    >>> out = run_judges([ReplayJudge("a", labels={"c1": ["happy"]})], ["c1"], progress=False)
    >>> out["a"]["c1"].words
    ['happy']
"""
from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from tqdm.auto import tqdm

from judges.base import Judge
from judges.clip import Clip, built_clips, repeated_names
from judges.errors import InputError, listed
from judges.option_values import check_flags, is_number, is_whole_number
from judges.progress import steps_shown
from judges.registry import judge_name, refuse_repeated_names
from judges.user_warnings import warn_user, with_call_site
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache

__all__ = ["run_judges", "check_run_settings", "checked_clips", "guarded_judge_batch", "MAX_VERDICT_WORDS"]

CONCURRENCY_KINDS = ("thread", "process")
#: Words one verdict may hold: the longest answer of the 37 stored OV-MERD outputs holds 24; a longer list is a bug.
MAX_VERDICT_WORDS = 1000


def run_judges(
    judges: Sequence[Judge],
    clips: Iterable[Clip | str | Path],
    cache: VerdictCache | str | Path | None = None,
    progress: bool = True,
    max_workers: int | None = None,
    batch_size: int = 8,
    retry_failed: bool = False,
    batch_timeout: float | None = None,
) -> dict[str, dict[str, Verdict]]:
    """Verdicts of every judge on every clip: ``{judge name: {clip name: Verdict}}``, in the order given.

    Cached verdicts (``cache`` is a :class:`VerdictCache` or a path to one) are
    reused, failed ones too unless ``retry_failed``; new ones are stored as they
    come, so an interrupted run resumes where it stopped. A judge that raises
    on a batch of several clips has them judged one by one: only a clip that
    raises alone fails. One that returns the wrong number or order of verdicts
    gives error verdicts for that batch, a verdict that is garbled (words not a
    list of str, more than ``MAX_VERDICT_WORDS`` of them, not JSON) one for its
    clip; the other judges' work stands. A judge
    that takes longer than ``batch_timeout`` seconds on one batch is given up
    for the rest of the run: its remaining clips get error verdicts, not
    cached, so a re-run tries them again. ``max_workers`` bounds the
    thread judges running at once (default: all of them).
    """
    judges = _checked_judges(judges)
    clips = checked_clips(clips)
    batch_size, max_workers, batch_timeout = check_run_settings(batch_size, max_workers, batch_timeout, progress, retry_failed, cache)
    if cache is None or isinstance(cache, VerdictCache):
        return _run(judges, clips, cache, progress, max_workers, batch_size, retry_failed, batch_timeout)
    with VerdictCache(cache) as opened:
        return _run(judges, clips, opened, progress, max_workers, batch_size, retry_failed, batch_timeout)


def check_run_settings(batch_size: object, max_workers: object, batch_timeout: object, progress: object, retry_failed: object,
                       cache: object) -> tuple[int, int | None, float | None]:
    """``(batch_size, max_workers, batch_timeout)`` as a run uses them (``np.int64(8)`` as 8), or a one-line
    :class:`InputError` naming the first bad setting: :func:`run_judges` asks it before any judge runs, ``CoJudge`` when
    it is built."""
    if batch_timeout is not None and (not is_number(batch_timeout) or not batch_timeout > 0):
        raise InputError(f"batch_timeout={batch_timeout!r}: give the seconds a judge may take on one batch, > 0, or None for no limit")
    if not is_whole_number(batch_size) or batch_size < 1:
        raise InputError(f"batch_size={batch_size!r}: give a whole number of clips per batch, 1 or more")
    if max_workers is not None and (not is_whole_number(max_workers) or max_workers < 1):
        raise InputError(f"max_workers={max_workers!r}: give a whole number, 1 or more, or None for one per judge")
    check_flags(progress=progress, retry_failed=retry_failed)
    if cache is not None and not isinstance(cache, (VerdictCache, str, Path)):
        raise InputError(f"cache={cache!r}: give a VerdictCache, a path to a cache file, or None")
    return int(batch_size), None if max_workers is None else int(max_workers), None if batch_timeout is None else float(batch_timeout)


def _checked_judges(judges: Sequence[Judge]) -> list[Judge]:
    judges = list(judges)
    if not judges:
        raise InputError("no judges given; pass at least one Judge to run_judges")
    for judge in judges:
        if not isinstance(judge, Judge):
            raise InputError(f"{judge!r} is not a Judge; build judges with judges.registry.build_judge")
        name = judge_name(judge)  # the first read of it: a name property that raises is a one-line error
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{type(judge).__name__} judge has no name ({name!r}); give it a non-empty name: its verdicts are stored and fused under it")
        if judge.concurrency not in CONCURRENCY_KINDS:
            raise InputError(f"judge {judge.name!r}: concurrency {judge.concurrency!r}; use 'thread' or 'process'")
    refuse_repeated_names([judge.name for judge in judges])
    return judges


def _warn_default_identity(judge: Judge) -> None:
    """Warn when a judge with settings keeps a base class's cache identity (``Judge``'s: name and class;
    ``GenerativeJudge``'s: its shared options, not the model's): a cache would replay verdicts made with other settings.
    Built-in judges all name their settings."""
    owner = next(cls for cls in type(judge).__mro__ if "cache_identity" in vars(cls))
    named = vars(owner).get("_identity_names")  # set by a base whose identity names only its own options
    if named is None:
        return
    settings = sorted(k for k in vars(judge) if not k.startswith("_") and k not in named)
    if settings:
        whose = "the default cache_identity() (its name and class)" if owner is Judge else \
            f"{owner.__name__}'s cache_identity() (the options every such judge shares)"
        warn_user(
            f"judge {judge.name!r} ({type(judge).__name__}) keeps {whose}, so "
            f"cached verdicts are replayed even after its settings ({', '.join(settings)}) change; override cache_identity() "
            "to include them (README, 'Adding a judge')"
        )


def checked_clips(clips: Iterable[Clip | str | Path]) -> list[Clip]:
    """The clips as :class:`Clip` objects, or an ``InputError`` before any judge runs (one path given for a list; the clips that
    cannot be used, all named in one error: :func:`~judges.clip.built_clips`; clip names repeated): the local and the Ray
    runner both check their clips with it, so both refuse the same input."""
    if isinstance(clips, (str, os.PathLike, Clip)):  # a Path, or os.scandir's DirEntry
        raise InputError(f"clips={clips!r}: give a list of clips, video paths or sample names")
    checked = built_clips(clips, Clip.coerce)  # every bad one named in one error
    names = [clip.name for clip in checked]
    if len(set(names)) != len(names):
        repeated = sorted(repeated_names(names))
        raise InputError(f"clip names must be unique; repeated: {listed(_named(name, checked) for name in repeated)}; "
                         "rename or drop the duplicates")
    return checked


def _named(name: str, clips: Sequence[Clip]) -> str:
    """``name``, and the videos of the clips so named (``clip (a/clip.mp4, b/clip.mp4)``): which files to rename."""
    videos = [str(clip.video) for clip in clips if clip.name == name and clip.video is not None]
    return f"{name} ({', '.join(videos)})" if videos else name


def _run(
    judges: list[Judge],
    clips: list[Clip],
    cache: VerdictCache | None,
    progress: bool,
    max_workers: int | None,
    batch_size: int,
    retry_failed: bool,
    batch_timeout: float | None = None,
) -> dict[str, dict[str, Verdict]]:
    if cache is not None:
        for judge in judges:
            _warn_default_identity(judge)
        cache.digest_videos(clips, progress)
    found: dict[str, dict[str, Verdict]] = {
        judge.name: cache.get_many(judge, clips, retry_failed) if cache is not None else {} for judge in judges
    }
    todo = {judge.name: [clip for clip in clips if clip.name not in found[judge.name]] for judge in judges}
    busy = [judge for judge in judges if todo[judge.name]]
    if cache is not None and busy:
        cache.check_writable()  # before any judging, not when its first batch is stored
    n_threaded = sum(judge.concurrency == "thread" for judge in busy)
    slots = threading.BoundedSemaphore(max_workers or max(1, n_threaded))
    outbox: queue.Queue = queue.Queue()
    stop = threading.Event()
    failed = sum(not v.ok for verdicts in found.values() for v in verdicts.values())
    flights = _Flights(batch_timeout, slots)
    with tqdm(total=len(judges) * len(clips), disable=not progress, desc="judging", unit="verdict") as bar:
        bar.update(sum(map(len, found.values())))
        for judge in busy:
            args = (judge, todo[judge.name], batch_size, outbox, stop, flights, progress)
            # with the user's line that started the run: a judge's warnings in its thread point there
            threading.Thread(target=with_call_site(_work), args=args, name=f"judge-{judge.name}", daemon=True).start()
        pending = len(busy)
        try:
            while pending:
                try:
                    item = outbox.get(timeout=flights.poll)
                except queue.Empty:
                    item = None
                for late in flights.give_up_late(busy):
                    # its thread cannot be stopped: the run goes on without it; nothing of it is cached, so a re-run retries
                    pending -= 1
                    problem = (f"judge {late.name!r} did not answer a batch within batch_timeout={batch_timeout:g} s; "
                               "not judged in this run (nothing cached: run again to retry, or raise batch_timeout)")
                    left = [clip for clip in todo[late.name] if clip.name not in found[late.name]]
                    found[late.name].update((clip.name, Verdict.failed(late.name, clip.name, problem, transient=True)) for clip in left)
                    failed += len(left)
                    bar.update(len(left))
                    bar.set_postfix(failed=failed, refresh=False)
                if item is None:
                    continue
                judge, batch, outcome = item
                if judge.name in flights.given_up:  # a late answer, after the run gave up on the judge
                    continue
                if batch is None:
                    if isinstance(outcome, BaseException):
                        raise outcome
                    pending -= 1
                    continue
                if cache is not None:
                    cache.put_many(judge, batch, outcome.verdicts, outcome.texts)
                found[judge.name].update((clip.name, verdict) for clip, verdict in zip(batch, outcome.verdicts))
                failed += sum(not verdict.ok for verdict in outcome.verdicts)
                bar.update(len(batch))
                if failed:
                    bar.set_postfix(failed=failed, refresh=False)
        finally:
            stop.set()  # workers finish their batch in flight and stop; its verdicts are not stored
            if cache is not None:
                _store_finished(cache, outbox)
    return {judge.name: {clip.name: found[judge.name][clip.name] for clip in clips} for judge in judges}


def _store_finished(cache: VerdictCache, outbox: queue.Queue) -> None:
    """Store the batches that finished but were not yet taken when the run stopped (Ctrl-C): judged is kept."""
    while True:
        try:
            judge, batch, outcome = outbox.get_nowait()
        except queue.Empty:
            return
        if batch is not None:
            cache.put_many(judge, batch, outcome.verdicts, outcome.texts)


def _work(
    judge: Judge,
    clips: list[Clip],
    batch_size: int,
    outbox: queue.Queue,
    stop: threading.Event,
    flights: "_Flights",
    progress: bool,
) -> None:
    """One judge's worker: its batches, one after another, results posted to the main thread (in a batch judged again
    one by one, each clip's as it is judged: the main thread stores it and moves the bar then); a judge's long steps
    within one clip show a passing bar of their own when the run shows progress (:mod:`judges.progress`)."""
    alone: list[Clip] = []  # the clips of the batch in flight judged one by one, each posted already

    def post_alone(clip: Clip, judged: _Judged) -> None:
        outbox.put((judge, [clip], judged))
        alone.append(clip)

    try:
        for start in range(0, len(clips), batch_size):
            batch = clips[start : start + batch_size]
            if judge.name in flights.given_up:
                return
            flights.take_slot(judge)
            alone.clear()
            try:
                if stop.is_set():
                    return
                flights.start(judge.name)
                with steps_shown(progress):  # in this thread: what the judge's own steps() reads
                    judged = guarded_judge_batch(judge, batch, lambda: _next_alone(judge, stop, flights), post_alone)
            finally:
                flights.end(judge)
            done = len(alone)
            if done < len(batch):  # the batch judged whole, or the clips a pass that ended early left
                outbox.put((judge, batch[done:], _Judged(judged.verdicts[done:], judged.texts[done:])))
        outbox.put((judge, None, None))
    except BaseException as exc:  # KeyboardInterrupt or SystemExit inside a judge stops the whole run
        outbox.put((judge, None, exc))


def _next_alone(judge: Judge, stop: threading.Event, flights: "_Flights") -> bool:
    """Before each clip of a batch judged again one by one: whether the run still wants it (not stopped, the judge not
    given up), its call then timed as a batch of its own; else the pass ends, not asking a judge the run left."""
    if stop.is_set() or judge.name in flights.given_up:
        return False
    flights.start(judge.name)  # each clip's call gets batch_timeout: a judge answering clip by clip is no hung judge
    return True


class _Flights:
    """The batches in flight: the ``max_workers`` slots thread judges share, when each batch started (for
    ``batch_timeout``), and the judges the run gave up on.

    A judge given up keeps its thread (a thread cannot be stopped) but loses its slot to the others;
    the lock makes sure that slot is released once, by the run or by the worker.
    """

    def __init__(self, timeout: float | None, slots: threading.BoundedSemaphore) -> None:
        self.timeout = timeout
        self.poll = None if timeout is None else min(1.0, timeout / 4)
        self.slots = slots
        self.lock = threading.Lock()
        self.started: dict[str, float] = {}
        self.given_up: set[str] = set()

    @staticmethod
    def _shares_slots(judge: Judge) -> bool:
        """Thread judges share the slots; a process judge runs on its own thread outside them."""
        return judge.concurrency == "thread"

    def take_slot(self, judge: Judge) -> None:
        if self._shares_slots(judge):
            self.slots.acquire()

    def start(self, judge: str) -> None:
        with self.lock:
            self.started[judge] = time.monotonic()

    def end(self, judge: Judge) -> None:
        """The batch is over (or never started): its slot back, unless the run gave the judge up and took it."""
        with self.lock:
            self.started.pop(judge.name, None)
            if self._shares_slots(judge) and judge.name not in self.given_up:
                self.slots.release()

    def give_up_late(self, judges: list[Judge]) -> list[Judge]:
        """The judges whose batch in flight is past the timeout, now given up."""
        late = []
        now = time.monotonic()
        with self.lock:
            for judge in judges:
                started = self.started.get(judge.name)
                if self.timeout is None or started is None or judge.name in self.given_up or now - started <= self.timeout:
                    continue
                self.given_up.add(judge.name)
                if self._shares_slots(judge):
                    self.slots.release()  # its slot, for the other judges
                late.append(judge)
        return late


class _Judged(NamedTuple):
    """A batch's verdicts and each one's :meth:`Verdict.to_json`, made once: to check it can be stored, then to store it."""

    verdicts: list[Verdict]
    texts: list[str]


def guarded_judge_batch(judge: Judge, batch: list[Clip], next_alone: Callable[[], bool] | None = None,
                        judged_alone: Callable[[Clip, _Judged], None] | None = None) -> _Judged:
    """The judge's verdicts for a batch; a verdict that breaks the contract becomes an error verdict for its clip (not
    cached: the judge's code must change), and every clip's is one when the batch itself breaks it (not one verdict per
    clip, in order); a batch of several clips it raised on is judged clip by clip, so only a clip that raises alone
    fails (cached, as the judge's own failure would be, but for out of memory: the device's state). Both runners judge
    through it, so a failing judge costs its own clips, never the run. ``next_alone()``, asked before each clip judged
    alone, ends that pass when it says False (the run stopped, or gave the judge up): the clips left get transient error
    verdicts, which the run does not use. ``judged_alone(clip, judged)`` is given each clip's verdict of that pass as it is
    made: the runner stores it and moves its bar then, not once the whole batch is through."""
    start = time.perf_counter()
    try:
        verdicts = judge.judge_batch(batch)
    except Exception as exc:
        if len(batch) > 1:
            # which clip made it raise is unknown: each is judged alone, so only a clip that raises alone fails (and is
            # cached so) and the others' verdicts stand; failing them all cached every clip of the batch as a failure
            return _one_by_one(judge, batch, next_alone, judged_alone)
        # cached as the judge's own failure, but for out of memory: the device's state, not the clip's
        raised = Verdict.from_exception(judge.name, batch[0].name, exc, seconds=time.perf_counter() - start,
                                        message=f"judge {judge.name!r} raised {type(exc).__name__}: {exc}")
        return _Judged([raised], [raised.to_json()])
    # a broken contract is a bug in the judge's code, not the clips' answer: not cached (transient), so the mended judge
    # judges them again
    whole = _batch_problem(judge, batch, verdicts)
    if whole is not None:
        seconds = (time.perf_counter() - start) / len(batch)
        failed = [Verdict.failed(judge.name, clip.name, whole, seconds=seconds, transient=True) for clip in batch]
        return _Judged(failed, [verdict.to_json() for verdict in failed])
    checked = [_verdict_problem(judge, clip, verdict) for clip, verdict in zip(batch, verdicts)]
    if all(problem is None for problem, _ in checked):
        return _Judged(list(verdicts), [text for _, text in checked])
    # one garbled verdict costs its own clip: the batch's well-formed verdicts stand (and are cached)
    seconds = (time.perf_counter() - start) / len(batch)
    judged: list[Verdict] = []
    texts: list[str] = []
    for clip, verdict, (problem, text) in zip(batch, verdicts, checked):
        if problem is not None:
            verdict = Verdict.failed(judge.name, clip.name, problem, seconds=seconds, transient=True)
            text = verdict.to_json()
        judged.append(verdict)
        texts.append(text)
    return _Judged(judged, texts)


def _one_by_one(judge: Judge, batch: list[Clip], next_alone: Callable[[], bool] | None = None,
                judged_alone: Callable[[Clip, _Judged], None] | None = None) -> _Judged:
    """The batch's clips judged one at a time (after ``judge_batch`` raised on them together), their verdicts in order;
    ``next_alone()`` is asked before each, and once it says False the clips left get transient error verdicts;
    ``judged_alone`` is given each clip's verdict as it is made."""
    verdicts: list[Verdict] = []
    texts: list[str] = []
    for at, clip in enumerate(batch):
        if next_alone is not None and not next_alone():
            left = [Verdict.failed(judge.name, other.name, f"judge {judge.name!r}: not judged alone, the run having stopped or "
                                   "given the judge up", transient=True) for other in batch[at:]]
            return _Judged(verdicts + left, texts + [verdict.to_json() for verdict in left])
        judged = guarded_judge_batch(judge, [clip])
        if judged_alone is not None:
            judged_alone(clip, judged)
        verdicts += judged.verdicts
        texts += judged.texts
    return _Judged(verdicts, texts)


def _batch_problem(judge: Judge, batch: list[Clip], verdicts: object) -> str | None:
    """Why ``verdicts`` is not one verdict per clip of ``batch`` in order, or None if it is (as far as its Verdicts say:
    any other item is its own clip's problem)."""
    if not isinstance(verdicts, (list, tuple)):
        return f"judge {judge.name!r}: judge_batch returned {type(verdicts).__name__}, not a list of Verdict"
    if len(verdicts) != len(batch):
        return (f"judge {judge.name!r} returned {len(verdicts)} verdicts for {len(batch)} clips; "
                "judge_batch must return one Verdict per clip, in order")
    for clip, verdict in zip(batch, verdicts):
        if isinstance(verdict, Verdict) and verdict.clip != clip.name:
            return (f"judge {judge.name!r} returned clip {verdict.clip!r}'s verdict where clip {clip.name!r}'s "
                    "was due; judge_batch must keep the clips' order")
    return None


def _verdict_problem(judge: Judge, clip: Clip, verdict: object) -> tuple[str | None, str]:
    """Why ``verdict`` is no verdict the cache can store for ``clip`` (and ``""``), or None and its JSON, made to check it."""
    if not isinstance(verdict, Verdict):
        return f"judge {judge.name!r} returned a {type(verdict).__name__} for clip {clip.name!r}, not a Verdict", ""
    if not isinstance(verdict.words, (list, tuple)) or not all(isinstance(word, str) for word in verdict.words):
        return (f"judge {judge.name!r} returned words={verdict.words!r:.60} for clip {clip.name!r}; "
                "a verdict's words must be a list of str"), ""
    if len(verdict.words) > MAX_VERDICT_WORDS:
        return (f"judge {judge.name!r} returned {len(verdict.words)} words for clip {clip.name!r} "
                f"({', '.join(map(repr, verdict.words[:3]))}, ...); a verdict holds at most {MAX_VERDICT_WORDS}: a list "
                "that long is a bug (a loop, a whole vocabulary, a text split into words), so return the emotion words "
                "the judge names"), ""
    bad = _bad_score(verdict.scores)
    if bad is not None:
        return (f"judge {judge.name!r} returned score {bad!r:.40} for clip {clip.name!r}; "
                "scores must map words to numbers (confidences, e.g. 0-1), None meaning no score"), ""
    try:  # what the cache stores; checked here so that it fails this clip, not the whole run
        text = verdict.to_json()
    except (TypeError, ValueError) as exc:
        return (f"judge {judge.name!r} returned a verdict for clip {clip.name!r} that is not JSON ({exc}); "
                "words must be str and scores float"), ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate ("\ud83d", half an emoji): SQLite refuses it
        return (f"judge {judge.name!r} returned a verdict for clip {clip.name!r} whose text is not valid Unicode "
                f"({exc.object[exc.start:exc.end]!r}, half an emoji?); drop lone surrogates from its text"), ""
    return None, text


def _bad_score(scores: object) -> object | None:
    """The first value of ``scores`` that is not a finite number (or None), else None; ``scores`` itself if not a mapping."""
    if scores is None:
        return None
    if not isinstance(scores, dict):
        return scores
    for value in scores.values():
        if value is None:
            continue
        if not is_number(value):  # finite, not a bool
            return value
    return None
