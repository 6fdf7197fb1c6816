"""Run judges on a Ray cluster: the same verdicts, cache and resume as :func:`run_judges`, scaled out.

Each judge becomes a Ray Data actor pool: the clips it still owes (those not
in the verdict cache) form a ``ray.data.from_items`` dataset, and
``map_batches`` feeds them, ``batch_size`` at a time, to actors that each
build the judge once (a GPU model loads once per actor, not per batch). The
driver alone touches the sqlite cache: it stores every batch of verdicts as it
streams back, so a killed run resumes where it stopped: the driver *is* the
local runner, driving one stand-in judge per actor pool. Judges run side by
side, one dataset each.

A judge is given as a registry config entry, ``{"type": ..., **params}`` (what
a ``[[judge]]`` table holds), plus optional scheduling keys that are removed
before :func:`judges.registry.build_judge` sees them:

``ray_concurrency``
    actors in the judge's pool (default 1);
``num_gpus`` / ``num_cpus``
    per actor (default 0 GPUs, 1 CPU; fractions allowed, e.g. ``num_cpus = 0.25``
    for an HTTP client; for GPUs only below 1).

A built :class:`Judge` object is accepted too when it pickles: each actor gets a
copy (one actor, 1 CPU). Fine for replayed or HTTP judges; give a model judge
as a config, so each actor loads its own model instead of receiving a pickled
one. A config judge is also built once in a short Ray task before the run, to
learn its name and cache identity (for a model judge that is one extra model
load per run, also when every verdict is already cached).

    >>> configs = [{"type": "replay", "name": "a", "labels": {"c1": ["happy"]}}]
    >>> run_judges_ray(configs, ["c1"], progress=False)["a"]["c1"].words   # doctest: +SKIP
    ['happy']
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import re
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.option_values import is_number, is_whole_number
from judges.ray_cluster import connect, import_ray
from judges.registry import (BUILTIN_MODULES, RAY_KEYS, build_judge, judge_name, judge_types, load_config, refuse_repeated_names,
                             resolve_paths)
from judges.runner import check_run_settings, checked_clips, guarded_judge_batch, run_judges
from judges.temp_files import held_temporary
from judges.user_warnings import warn_user
from judges.verdict import Verdict
from judges.text_files import user_path
from judges.verdict_cache import VerdictCache, judge_identity

__all__ = ["run_judges_ray", "RAY_KEYS"]

PARQUET_FILE = "verdicts.parquet"
STOP_SECONDS = 10.0  # how long a stopped run waits for its pools' threads to leave Ray Data's stream once it is stopped
ACTOR_RESTARTS = 2  # an actor whose process dies is restarted, its batch retried, this often; then the batch is dropped
DROPPED_BATCH = (
    f"its batch failed {ACTOR_RESTARTS + 1} times on Ray and was dropped (usually the judge's process dying on it: "
    "a crash or out of memory; Ray's log says why); judge it alone, or leave it out"
)


def run_judges_ray(
    judge_configs: Sequence[Mapping[str, Any] | Judge] | str | Path,
    clips: Iterable[Clip | str | Path],
    cache: VerdictCache | str | Path | None = None,
    out_dir: str | Path | None = None,
    num_cpus: int | None = None,
    progress: bool = True,
    batch_size: int = 8,
    retry_failed: bool = False,
    address: str | None = None,
) -> dict[str, dict[str, Verdict]]:
    """Verdicts of every judge on every clip, ``{judge name: {clip name: Verdict}}``, computed on Ray.

    ``judge_configs`` is a list of config entries and/or picklable Judge
    objects, or the path of a judges config file. Cache, resume and failure
    semantics are those of :func:`judges.runner.run_judges`. With ``out_dir``,
    each judge's verdicts on these clips (cached and new) are also written to
    ``out_dir/<judge>/verdicts.parquet``. Ray is joined at ``address``, or used
    as already initialised in this process, or else started here as a local
    cluster of ``num_cpus`` CPUs (default: all) and left running for later calls.
    Video paths must be readable at the same path on every Ray node.
    """
    plans = _plans(judge_configs)
    clips = checked_clips(clips)
    batch_size = check_run_settings(batch_size, None, None, progress, retry_failed, cache)[0]  # as run_judges checks them
    out_dir = None if out_dir is None else user_path(out_dir)
    if out_dir is not None:  # made now: a file in the way is found before the run, not after it
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"out_dir={str(out_dir)!r}: cannot be made a folder ({exc.strerror}); "
                             f"give a folder for the {PARQUET_FILE} files") from None
    connect(address, num_cpus)
    _check_resources(plans)
    identities = _identify(plans)
    # worded as the local backend's (judges_from_config; run_judges for Judge objects): the names as the config gave them
    # (none: the type's; a name a judge tidied)
    refuse_repeated_names([name for name, _ in identities],
                          [plan.source.name if isinstance(plan.source, Judge) else plan.source.get("name") for plan in plans],
                          f"{judge_configs}: " if isinstance(judge_configs, (str, Path)) else "")
    if out_dir is not None:
        _check_folders(out_dir, [name for name, _ in identities])
    if cache is None or isinstance(cache, VerdictCache):
        found = _run(plans, identities, clips, cache, progress, batch_size, retry_failed)
    else:
        with VerdictCache(cache) as opened:
            found = _run(plans, identities, clips, opened, progress, batch_size, retry_failed)
    if out_dir is not None:
        for name, verdicts in found.items():
            _write_parquet(out_dir / _folder_name(name) / PARQUET_FILE, list(verdicts.values()))
    return found


# -- judges: what ships to the workers, and who they are --------------------------------
@dataclass(frozen=True)
class _Plan:
    """One judge's shipment: a registry config or a Judge, and the resources of its actor pool."""

    source: dict[str, Any] | Judge
    actors: int = 1
    num_cpus: float = 1.0
    num_gpus: float = 0.0

    @property
    def options(self) -> dict[str, Any]:
        """Ray's resource options, as keyword arguments of ``.options()`` and ``map_batches``."""
        return {"num_cpus": self.num_cpus, "num_gpus": self.num_gpus}


def _plans(judge_configs: Sequence[Mapping[str, Any] | Judge] | str | Path) -> list[_Plan]:
    if isinstance(judge_configs, (str, Path)):
        base = user_path(judge_configs).resolve().parent
        judge_configs = [{"type": e["type"], **resolve_paths({k: v for k, v in e.items() if k != "type"}, base)}
                         for e in load_config(judge_configs)]
    items = list(judge_configs) if isinstance(judge_configs, Iterable) and not isinstance(judge_configs, Mapping) else None
    if not items:
        raise InputError(f"judge_configs={judge_configs!r}: give a list of judge config entries "
                         "({'type': ..., ...}) or Judge objects, or a judges config file")
    return [_plan(item, i + 1) for i, item in enumerate(items)]


def _plan(item: Mapping[str, Any] | Judge, number: int) -> _Plan:
    if isinstance(item, Judge):
        judge_name(item, f"judge #{number}: ")  # the first read of it: a name that raises is a one-line error
        import_ray()
        import ray.cloudpickle

        try:
            ray.cloudpickle.dumps(item)
        except Exception as exc:
            raise InputError(f"judge {item.name!r} cannot be shipped to Ray workers ({type(exc).__name__}: {exc}); "
                             "give it as a config entry {'type': ..., ...} instead") from None
        return _Plan(item)
    if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
        raise InputError(f"judge #{number} ({item!r}) is neither a Judge nor a config entry with a 'type'; "
                         "write {'type': 'replay', 'name': ..., ...}")
    if item["type"] not in BUILTIN_MODULES and item["type"] in judge_types():  # registered here only, by a plugin
        raise InputError(f"judge #{number}: type {item['type']!r} comes from a plugin, which Ray's workers do not import; "
                         "run this judge with the local runner (run_judges, or cojudge predict without --backend ray)")
    config = {k: v for k, v in item.items() if k not in RAY_KEYS}
    actors = item.get("ray_concurrency", 1)
    if not is_whole_number(actors) or actors < 1:
        raise InputError(f"judge #{number}: ray_concurrency={actors!r}; give the number of actors, a whole number >= 1")
    resources = {}
    for key, default in (("num_cpus", 1.0), ("num_gpus", 0.0)):
        value = item.get(key, default)
        if not is_number(value) or value < 0:  # is_number refuses nan and inf too: Ray cannot place them
            raise InputError(f"judge #{number}: {key}={value!r}; give a number >= 0 per actor (fractions allowed)")
        if key == "num_gpus" and value > 1 and value != int(value):
            raise InputError(f"judge #{number}: num_gpus={value!r}; Ray shares a GPU only below 1 (e.g. 0.5): "
                             "give a whole number of GPUs per actor above that")
        resources[key] = float(value)
    return _Plan(config, int(actors), **resources)


def _check_resources(plans: list[_Plan]) -> None:
    """Refuse an actor pool the cluster can never place: Ray would wait for it forever."""
    import ray

    total = ray.cluster_resources()
    for number, plan in enumerate(plans, 1):
        if isinstance(plan.source, Judge):
            name = repr(plan.source.name)
        elif "name" in plan.source:
            name = repr(plan.source["name"])
        else:  # the judge's default name is only known once it is built, on a worker
            name = f"#{number} (type {plan.source.get('type')!r})"
        for key, resource in (("num_gpus", "GPU"), ("num_cpus", "CPU")):
            need, have = plan.actors * getattr(plan, key), float(total.get(resource, 0.0))
            if need > have + 1e-9:
                raise InputError(f"judge {name}: {plan.actors} actor(s) x {key}={getattr(plan, key):g} need {need:g} {resource}(s), "
                                 f"the Ray cluster has {have:g}; lower ray_concurrency or {key}, or add {resource}s to the cluster")


def _describe(config: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Build a judge from its config (on a worker) and report its name and cache identity."""
    judge = _materialise(config)
    try:
        return judge.name, judge_identity(judge)
    finally:
        judge.close()


def _identify(plans: list[_Plan]) -> list[tuple[str, dict[str, Any]]]:
    """Each judge's (name, cache identity): read off a Judge object, or probed in a Ray task for a config."""
    import ray
    from ray.exceptions import RayTaskError

    probe = ray.remote(_describe)
    gpu_probe = ray.remote(max_calls=1)(_describe)  # its worker exits after the call: the GPU memory is freed
    pending = {
        i: (gpu_probe if plan.num_gpus else probe).options(**plan.options).remote(plan.source)
        for i, plan in enumerate(plans) if not isinstance(plan.source, Judge)
    }
    try:
        described = dict(zip(pending, ray.get(list(pending.values()))))
    except RayTaskError as exc:
        exc = _first_failure(list(pending.values())) or exc
        if isinstance(exc.cause, InputError):
            raise InputError(str(exc.cause)) from None
        raise exc from None
    return [(plan.source.name, judge_identity(plan.source)) if isinstance(plan.source, Judge) else described[i]
            for i, plan in enumerate(plans)]


def _first_failure(probes: list[Any]) -> Any:
    """After a probe failed: stop those still running, read every outcome, and give the first failure in config order.

    Each failure is read: one left unread is printed by Ray as an "Unhandled error" traceback after the
    one-line error. A probe still running is not awaited (it may be loading a model for minutes), so
    which judge is named when several fail depends on which failures are back by then.
    """
    import ray
    from ray.exceptions import RayError, RayTaskError

    _, running = ray.wait(probes, num_returns=len(probes), timeout=0)
    for probe in running:  # a model still loading for a run that will not happen
        ray.cancel(probe, force=True)
    first = None
    for probe in probes:
        try:
            ray.get(probe)
        except RayTaskError as exc:
            first = first or exc
        except RayError:  # cancelled above
            pass
    return first


def _materialise(source: dict[str, Any] | Judge) -> Judge:
    if isinstance(source, Judge):
        return source
    return build_judge(source["type"], **{k: v for k, v in source.items() if k != "type"})


# -- the work -----------------------------------------------------------------------
class _StartLedger:
    """A pool's record of actors that began building their judge and have not finished: a Ray actor of 0 CPUs.

    The pool's actors are restarted whenever their process dies, so that one clip
    that kills its judge costs only its batch; an actor that dies while *building*
    its judge (out of memory loading the weights) would then restart for ever.
    Its restarts are counted here, and past ``ACTOR_RESTARTS`` the build is refused,
    which fails the pool. The ledger also knows which actors built their judge
    once: one that cannot build it again after a restart must not fail its
    creation, which Ray Data waits on for ever (see :class:`_JudgeActor`).
    The ledger is itself restarted if its process dies (a dead ledger would fail
    every later restart), its record lost: it counts from naught again, and takes
    every restarted actor for one that built its judge.
    """

    def __init__(self) -> None:
        import ray

        self.building: set[str] = set()
        self.deaths: dict[str, int] = {}
        self.built: set[str] = set()
        self.reborn = _was_restarted(ray.get_runtime_context())

    def start(self, actor: str, restarted: bool) -> tuple[int, bool]:
        """Deaths of ``actor`` while building (counting a build it begun and never finished), and whether it built once."""
        if actor in self.building:
            self.deaths[actor] = self.deaths.get(actor, 0) + 1
        self.building.add(actor)
        return self.deaths.get(actor, 0), actor in self.built or (self.reborn and restarted)

    def done(self, actor: str) -> None:
        self.building.discard(actor)
        self.built.add(actor)


def _was_restarted(context: Any) -> bool:
    """Whether this Ray actor was restarted; Ray 2.60's own property uses a deprecated API, warning in every actor's log."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return bool(context.was_current_actor_reconstructed)


class _JudgeActor:
    """A Ray Data callable class: builds its judge once per actor, then judges batch after batch."""

    def __init__(self, source: bytes, ledger: Any, name: str):
        import ray

        context = ray.get_runtime_context()
        actor = context.get_actor_id()
        deaths, restarted = ray.get(ledger.start.remote(actor, _was_restarted(context)))
        self.judge: Judge | None = None
        self.name, self.problem = name, ""
        try:
            if deaths > ACTOR_RESTARTS:
                # worded without "out of memory", which judges.verdict.out_of_memory reads as the device's state (not cached):
                # the pool's failure is cached as its clips' (docs/scale-out.md)
                raise RuntimeError(f"the judge's process died {deaths} times while starting (a crash, or memory exhausted loading it)")
            self.judge = _materialise(ray.cloudpickle.loads(source))  # unpickled here, where a death is counted
        except Exception as exc:
            if not restarted:
                raise  # the pool fails to start: Ray Data reports it
            # A restarted actor whose creation fails is dead for good, yet Ray Data waits for it to come back
            # and the dataset never ends: it lives on instead, giving its batches error verdicts.
            self.problem = f"its judge could not start again after its process died: {type(exc).__name__}: {exc}"
        ray.get(ledger.done.remote(actor))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        clips = [_clip_from_row(text) for text in batch["clip"]]
        if self.judge is None:
            texts = [Verdict.failed(self.name, clip.name, self.problem).to_json() for clip in clips]
        else:
            texts = guarded_judge_batch(self.judge, clips).texts  # a raising or contract-breaking judge -> error verdicts
        return {"clip": [clip.name for clip in clips], "verdict": texts}

    def __del__(self) -> None:
        try:
            if self.judge is not None:
                self.judge.close()
        except Exception:
            pass


def _clip_row(clip: Clip) -> str:
    """A clip as a dataset row; a relative video path is made absolute here: workers run in another folder."""
    video = None if clip.video is None else str(Path(clip.video).absolute())
    return json.dumps({"name": clip.name, "video": video, "subtitle": clip.subtitle})


def _clip_from_row(text: str) -> Clip:
    row = json.loads(text)
    return Clip(row["name"], None if row["video"] is None else Path(row["video"]), row["subtitle"])


class RayPoolError(RuntimeError):
    """A judge's actor pool failed on Ray (an actor could not start, a node was lost)."""


class _ActorPool(Judge):
    """The driver's face of one judge's actor pool, so that :func:`run_judges` drives it like any judge.

    On the first batch asked for, it starts a Ray Data dataset over every clip
    the judge still owes (``todo``: the runner's own to-do list, same order);
    each batch asked for is then served from the verdicts streaming back,
    whatever order they arrive in. A Ray failure (an actor that cannot start)
    is raised for this batch and every later one, which the runner records as
    error verdicts naming it.
    """

    concurrency = "process"  # its own runner thread: the work is on the cluster

    def __init__(self, name: str, identity: dict[str, Any], plan: _Plan, batch_size: int):
        self.name = name
        self._identity = identity
        self._plan = plan
        self.todo: list[Clip] = []  # set by the driver before the run: the clips not in the cache
        self._batch_size = batch_size
        self._stream: Iterator[dict[str, Any]] | None = None
        self._arrived: dict[str, Verdict] = {}
        self._failure: Exception | None = None
        self._ended = False  # the dataset has streamed everything it will
        self._ledger: Any = None
        self._dataset: Any = None  # the running ray.data.Dataset, whose executor close() stops
        self._pulling = threading.Lock()  # held by the pool's thread while it waits on the stream

    def cache_identity(self) -> dict[str, Any]:
        return self._identity

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        if self._failure is not None and not all(clip.name in self._arrived for clip in clips):
            raise self._failure  # verdicts that came back before the pool failed still stand
        try:
            if self._stream is None:
                self._stream = self._start()
            for clip in clips:
                while clip.name not in self._arrived and not self._ended:
                    with self._pulling:
                        block = next(self._stream, None)
                    if block is None:
                        self._ended = True
                        break
                    for name, text in zip(block["clip"], block["verdict"]):
                        self._arrived[str(name)] = Verdict.from_dict(json.loads(text))
        except Exception as exc:  # Ray's messages run to tracebacks in colour: keep the first line
            text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
            starting = re.search(r"the judge's process died \d+ times while starting[^\n]*", text)  # the ledger's refusal, deep in Ray's text
            first = [starting[0]] if starting else text.strip().splitlines()[:1]
            self._failure = RayPoolError(f"{type(exc).__name__}: {first[0] if first else ''}".rstrip(": "))
            raise self._failure from exc
        return [arrived if (arrived := self._arrived.pop(clip.name, None)) is not None else Verdict.failed(self.name, clip.name, DROPPED_BATCH)
                for clip in clips]

    def close(self) -> None:
        """Stop the dataset if it still runs (a run ended by Ctrl-C or an error), while Ray is up: left running, its
        executor thread deadlocked the interpreter's exit once Ray had shut down, so Ctrl-C never ended the program
        (a dataset it cannot stop, through Ray Data's private ``_current_executor``, is a RuntimeWarning saying so).
        Then end the ledger actor now: Ray Data's reference cycles would keep it, a worker process, until a garbage collection."""
        with contextlib.suppress(Exception):  # clean-up, often on the way out of a Ctrl-C: it must not replace that
            # Ray Data's handle, set once the first batch is back (before that, nothing can stop it), None once it ended
            executor = getattr(self._dataset, "_current_executor", None)
            if executor is not None:
                executor.shutdown(force=True)  # the stream then ends, and the pool's thread stops waiting on it
            if self._stream is not None and self._pulling.acquire(timeout=STOP_SECONDS if executor is not None else 0):
                try:
                    getattr(self._stream, "close", lambda: None)()  # its own clean-up now, not at the interpreter's exit
                finally:
                    self._pulling.release()
            elif self._stream is not None:  # still waited on: no executor to stop, or one that did not stop
                if executor is not None:
                    why = f"it did not stop within {STOP_SECONDS:g} s"
                elif hasattr(self._dataset, "_current_executor"):  # Ray Data sets it once the first batch is back
                    why = "no batch of it was back yet, and Ray Data gives no handle to stop it before that"
                else:
                    why = f"Ray {import_ray().__version__} has no Dataset._current_executor"
                warn_user(f"judge {self.name!r}: could not stop its Ray Data dataset ({why}), so the program may not end once Ray "
                          "shuts down: press Ctrl-C again (what the cache holds stays)", RuntimeWarning)
        if self._ledger is not None:
            import ray

            ray.kill(self._ledger)
            self._ledger = None

    def store_arrived(self, cache: VerdictCache) -> None:
        """Store the verdicts back from the cluster that the runner has not asked for yet (a run stopped early)."""
        arrived = dict(self._arrived)  # a copy: the pool's own thread may still be adding to it
        ready = [clip for clip in self.todo if clip.name in arrived]
        if ready:
            cache.put_many(self, ready, [arrived[clip.name] for clip in ready])

    def _start(self) -> Iterator[dict[str, Any]]:
        import ray
        import ray.data

        rows = [{"clip": _clip_row(clip)} for clip in self.todo]
        self._ledger = ray.remote(num_cpus=0, max_restarts=-1, max_task_retries=-1)(_StartLedger).remote()  # ended by close()
        # Ray 2.60 deprecates map_batches(max_restarts=...) without a named replacement: the warning is for this call
        # only. Set after importing Ray, whose own filter for its deprecations goes in front of any set before it.
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated", module=r"judges\.ray_runner")
        judged = ray.data.from_items(rows, override_num_blocks=math.ceil(len(rows) / self._batch_size)).map_batches(
            _JudgeActor,
            fn_constructor_args=(ray.cloudpickle.dumps(self._plan.source), self._ledger, self.name),
            batch_size=self._batch_size,
            batch_format="numpy",
            # One batch at a time per actor: a batch queued behind one that kills the process would fail with it,
            # and each such death would cost that innocent batch one of its retries (and, after three, its clips).
            compute=ray.data.ActorPoolStrategy(size=self._plan.actors, max_tasks_in_flight_per_actor=1),
            # An actor whose process dies is always restarted (deaths while building its judge are counted by
            # the ledger); the batch it died on is retried ACTOR_RESTARTS times, then dropped, and the dataset
            # goes on: its clips get DROPPED_BATCH verdicts, the judge's other clips are still judged.
            max_restarts=-1,
            max_task_retries=ACTOR_RESTARTS,
            **self._plan.options,
        )
        judged.context.max_errored_blocks = -1
        self._dataset = judged
        return iter(judged.iter_batches(batch_size=None, batch_format="numpy"))


def _run(
    plans: list[_Plan],
    identities: list[tuple[str, dict[str, Any]]],
    clips: list[Clip],
    cache: VerdictCache | None,
    progress: bool,
    batch_size: int,
    retry_failed: bool,
) -> dict[str, dict[str, Verdict]]:
    """The local runner over one :class:`_ActorPool` per judge: its cache, resume and failure handling, unchanged."""
    if cache is not None:
        cache.digest_videos(clips, progress)
    pools = []
    for plan, (name, identity) in zip(plans, identities):
        pool = _ActorPool(name, identity, plan, batch_size)
        cached = cache.get_many(pool, clips, retry_failed) if cache is not None else {}
        pool.todo = [clip for clip in clips if clip.name not in cached]
        pools.append(pool)
    try:
        return run_judges(pools, clips, cache=cache, progress=progress, batch_size=batch_size, retry_failed=retry_failed)
    except BaseException:  # Ctrl-C: what came back from the cluster ahead of its turn is kept too
        if cache is not None:
            for pool in pools:
                pool.store_arrived(cache)
        raise
    finally:
        for pool in pools:
            pool.close()


# -- Parquet -------------------------------------------------------------------------
def _folder_name(judge_name: str) -> str:
    """A judge name as one safe folder name (path separators and oddities become ``_``)."""
    return re.sub(r"[^\w.+-]", "_", judge_name).lstrip(".") or "_"


def _check_folders(out_dir: Path, names: list[str]) -> None:
    """Make each judge's out_dir folder now, so that a file in the way or a read-only folder fails before the run,
    not when its verdicts are written; refuse two judges whose folders would be one (the second would overwrite the first's file)."""
    owner: dict[str, str] = {}
    for name in names:
        folder = _folder_name(name)
        if folder in owner:
            raise InputError(f"judges {owner[folder]!r} and {name!r} would both write out_dir/{folder}/{PARQUET_FILE}; "
                             "rename one of them")
        owner[folder] = name
    for folder, name in owner.items():
        where = out_dir / folder
        try:
            where.mkdir(exist_ok=True)
        except OSError as exc:
            raise InputError(f"out_dir={str(out_dir)!r}: cannot make {where} a folder for judge {name!r}'s {PARQUET_FILE} "
                             f"({exc.strerror}); move what is there, or give another out_dir") from None
        if not os.access(where, os.W_OK):
            raise InputError(f"out_dir={str(out_dir)!r}: folder {where} is not writable; give a writable out_dir")


def _write_parquet(path: Path, verdicts: list[Verdict]) -> None:
    """One row per verdict, written to a temporary file and renamed, so a reader never sees half a file (the
    temporary files of runs killed while writing it are removed, see :mod:`judges.temp_files`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        ("judge", pa.string()), ("clip", pa.string()), ("words", pa.list_(pa.string())), ("raw", pa.string()),
        ("scores", pa.map_(pa.string(), pa.float64())), ("description", pa.string()), ("seconds", pa.float64()),
        ("error", pa.string()),
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([v.to_dict() for v in verdicts], schema=schema)
    with held_temporary(path) as partial:  # another run writing the same out_dir has its own; removed if this fails
        pq.write_table(table, partial)
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)  # on disk before the rename: a power cut leaves the old file or the new one
        finally:
            os.close(fd)
        os.replace(partial, path)
