"""Run judges on a Ray cluster: the same verdicts, cache and resume as :func:`run_judges`, scaled out.

Each judge becomes a Ray Data actor pool: the clips it still owes (those not
in the verdict cache) form a ``ray.data.from_items`` dataset, and
``map_batches`` feeds them, ``batch_size`` at a time, to actors that each
build the judge once (a GPU model loads once per actor, not per batch). The
driver alone touches the sqlite cache: it stores every batch of verdicts as it
streams back, so a killed run resumes where it stopped, exactly as the local
runner does. Judges run side by side, one dataset each.

A judge is given as a registry config entry, ``{"type": ..., **params}`` (what
a ``[[judge]]`` table holds), plus optional scheduling keys that are removed
before :func:`judges.registry.build_judge` sees them:

``ray_concurrency``
    actors in the judge's pool (default 1);
``num_gpus`` / ``num_cpus``
    per actor (default 0 GPUs, 1 CPU; fractions allowed, e.g. ``num_cpus = 0.25``
    for an HTTP client).

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

import json
import math
import os
import queue
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.registry import _resolve_paths, build_judge, load_config
from judges.runner import CONCURRENCY_KINDS, _checked_clips, _judge_batch
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache

__all__ = ["run_judges_ray", "RAY_KEYS"]

#: Config keys that schedule a judge on Ray; they never reach the judge's constructor.
RAY_KEYS = ("ray_concurrency", "num_gpus", "num_cpus")
PARQUET_FILE = "verdicts.parquet"


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
    clips = _checked_clips(clips)
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(f"batch_size={batch_size!r}: give a whole number of clips per batch, 1 or more")
    if cache is not None and not isinstance(cache, (VerdictCache, str, Path)):
        raise InputError(f"cache={cache!r}: give a VerdictCache, a path to a cache file, or None")
    _connect(address, num_cpus)
    judges = _identify(plans)
    if cache is None or isinstance(cache, VerdictCache):
        found = _run(plans, judges, clips, cache, progress, batch_size, retry_failed)
    else:
        with VerdictCache(cache) as opened:
            found = _run(plans, judges, clips, opened, progress, batch_size, retry_failed)
    if out_dir is not None:
        for name, verdicts in found.items():
            _write_parquet(Path(out_dir) / _folder_name(name) / PARQUET_FILE, list(verdicts.values()))
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
    def options(self) -> dict[str, float]:
        return {"num_cpus": self.num_cpus, "num_gpus": self.num_gpus}


def _plans(judge_configs: Sequence[Mapping[str, Any] | Judge] | str | Path) -> list[_Plan]:
    if isinstance(judge_configs, (str, Path)):
        base = Path(judge_configs).resolve().parent
        judge_configs = [{"type": e["type"], **_resolve_paths({k: v for k, v in e.items() if k != "type"}, base)}
                         for e in load_config(judge_configs)]
    items = list(judge_configs) if isinstance(judge_configs, Iterable) and not isinstance(judge_configs, Mapping) else None
    if not items:
        raise InputError(f"judge_configs={judge_configs!r}: give a list of judge config entries "
                         "({'type': ..., ...}) or Judge objects, or a judges config file")
    return [_plan(item, i + 1) for i, item in enumerate(items)]


def _plan(item: Mapping[str, Any] | Judge, number: int) -> _Plan:
    if isinstance(item, Judge):
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
    config = {k: v for k, v in item.items() if k not in RAY_KEYS}
    actors = item.get("ray_concurrency", 1)
    if not isinstance(actors, int) or isinstance(actors, bool) or actors < 1:
        raise InputError(f"judge #{number}: ray_concurrency={actors!r}; give the number of actors, a whole number >= 1")
    resources = {}
    for key, default in (("num_cpus", 1.0), ("num_gpus", 0.0)):
        value = item.get(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise InputError(f"judge #{number}: {key}={value!r}; give a number >= 0 per actor (fractions allowed)")
        resources[key] = float(value)
    return _Plan(config, actors, **resources)


class _Known(Judge):
    """The driver's stand-in for a judge built on a worker: its name and cache identity, nothing to run."""

    def __init__(self, name: str, concurrency: str, identity: dict[str, Any]):
        self.name = name
        self.concurrency = concurrency
        self._identity = identity

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        raise RuntimeError(f"judge {self.name!r} runs on Ray workers, not in the driver")

    def cache_identity(self) -> dict[str, Any]:
        return self._identity


def _describe(config: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """Build a judge from its config (on a worker) and report its name, concurrency and cache identity."""
    judge = _materialise(config)
    try:
        return judge.name, judge.concurrency, judge.cache_identity()
    finally:
        judge.close()


def _identify(plans: list[_Plan]) -> list[Judge]:
    """A Judge per plan, for the driver's cache work: the object itself, or a stand-in probed on Ray."""
    import ray
    from ray.exceptions import RayTaskError

    probe = ray.remote(_describe)
    pending = {
        i: probe.options(**plan.options, **({"max_calls": 1} if plan.num_gpus else {})).remote(plan.source)
        for i, plan in enumerate(plans) if not isinstance(plan.source, Judge)
    }
    try:
        described = dict(zip(pending, ray.get(list(pending.values()))))
    except RayTaskError as exc:
        if isinstance(exc.cause, InputError):
            raise InputError(str(exc.cause)) from None
        raise
    judges = [plan.source if i not in described else _Known(*described[i]) for i, plan in enumerate(plans)]
    for judge in judges:
        if judge.concurrency not in CONCURRENCY_KINDS:
            raise InputError(f"judge {judge.name!r}: concurrency {judge.concurrency!r}; use 'thread' or 'process'")
    names = [judge.name for judge in judges]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(f"judge names must be unique; repeated: {', '.join(repeated)}; give each judge its own name")
    return judges


def _materialise(source: dict[str, Any] | Judge) -> Judge:
    if isinstance(source, Judge):
        return source
    return build_judge(source["type"], **{k: v for k, v in source.items() if k != "type"})


# -- the work -----------------------------------------------------------------------
class _JudgeActor:
    """A Ray Data callable class: builds its judge once per actor, then judges batch after batch."""

    def __init__(self, source: dict[str, Any] | Judge):
        self.judge = _materialise(source)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        clips = [_clip_from_row(text) for text in batch["clip"]]
        verdicts = _judge_batch(self.judge, clips)  # a raising or contract-breaking judge -> error verdicts
        return {"clip": [clip.name for clip in clips],
                "verdict": [json.dumps(v.to_dict(), ensure_ascii=False) for v in verdicts]}

    def __del__(self) -> None:
        try:
            self.judge.close()
        except Exception:
            pass


def _clip_row(clip: Clip) -> str:
    return json.dumps({"name": clip.name, "video": None if clip.video is None else str(clip.video), "subtitle": clip.subtitle})


def _clip_from_row(text: str) -> Clip:
    row = json.loads(text)
    return Clip(row["name"], None if row["video"] is None else Path(row["video"]), row["subtitle"])


def _run(
    plans: list[_Plan],
    judges: list[Judge],
    clips: list[Clip],
    cache: VerdictCache | None,
    progress: bool,
    batch_size: int,
    retry_failed: bool,
) -> dict[str, dict[str, Verdict]]:
    found = {judge.name: cache.get_many(judge, clips, retry_failed) if cache is not None else {} for judge in judges}
    by_name = {clip.name: clip for clip in clips}
    outbox: queue.Queue = queue.Queue()
    stop = threading.Event()
    pending = 0
    failed = sum(not v.ok for verdicts in found.values() for v in verdicts.values())
    with tqdm(total=len(judges) * len(clips), disable=not progress, desc="judging (ray)", unit="verdict") as bar:
        bar.update(sum(map(len, found.values())))
        for index, (plan, judge) in enumerate(zip(plans, judges)):
            todo = [clip for clip in clips if clip.name not in found[judge.name]]
            if todo:
                args = (index, plan, todo, batch_size, outbox, stop)
                threading.Thread(target=_stream, args=args, name=f"ray-{judge.name}", daemon=True).start()
                pending += 1
        try:
            while pending:
                index, names, outcome = outbox.get()
                if names is None:
                    if isinstance(outcome, BaseException):
                        raise outcome
                    pending -= 1
                    continue
                judge = judges[index]
                if cache is not None:
                    cache.put_many(judge, [by_name[name] for name in names], outcome)
                found[judge.name].update(zip(names, outcome))
                failed += sum(not verdict.ok for verdict in outcome)
                bar.update(len(names))
                if failed:
                    bar.set_postfix(failed=failed, refresh=False)
        finally:
            stop.set()  # the streams stop taking results; batches still in flight are not stored
    return {judge.name: {clip.name: found[judge.name][clip.name] for clip in clips} for judge in judges}


def _stream(index: int, plan: _Plan, todo: list[Clip], batch_size: int, outbox: queue.Queue, stop: threading.Event) -> None:
    """One judge's dataset through its actor pool; each finished batch is posted to the driver's main thread."""
    try:
        import ray.data

        dataset = ray.data.from_items([{"clip": _clip_row(clip)} for clip in todo],
                                      override_num_blocks=math.ceil(len(todo) / batch_size))
        judged = dataset.map_batches(
            _JudgeActor,
            fn_constructor_args=(plan.source,),
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=plan.actors),
            **plan.options,
        )
        for block in judged.iter_batches(batch_size=None, batch_format="numpy"):
            if stop.is_set():
                return
            verdicts = [Verdict.from_dict(json.loads(text)) for text in block["verdict"]]
            outbox.put((index, [str(name) for name in block["clip"]], verdicts))
        outbox.put((index, None, None))
    except BaseException as exc:
        outbox.put((index, None, exc))


# -- Parquet -------------------------------------------------------------------------
def _folder_name(judge_name: str) -> str:
    """A judge name as one safe folder name (path separators and oddities become ``_``)."""
    return re.sub(r"[^\w.+-]", "_", judge_name).lstrip(".") or "_"


def _write_parquet(path: Path, verdicts: list[Verdict]) -> None:
    """One row per verdict, written to a temporary file and renamed, so a reader never sees half a file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([
        ("judge", pa.string()), ("clip", pa.string()), ("words", pa.list_(pa.string())), ("raw", pa.string()),
        ("scores", pa.map_(pa.string(), pa.float64())), ("description", pa.string()), ("seconds", pa.float64()),
        ("error", pa.string()),
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist([v.to_dict() for v in verdicts], schema=schema)
    partial = path.with_name(f".{path.name}.partial")
    pq.write_table(table, partial)
    os.replace(partial, path)


def _connect(address: str | None, num_cpus: int | None) -> None:
    """Join Ray at ``address``, keep the session already open here, or start a local cluster."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise InputError("run_judges_ray needs Ray Data; install it with: pip install 'merov-cojudge[ray]'") from None
    if num_cpus is not None and (not isinstance(num_cpus, int) or num_cpus < 1):
        raise InputError(f"num_cpus={num_cpus!r}: give the local cluster's CPU count, a whole number >= 1, or None for all")
    if ray.is_initialized():
        return
    if address is not None:
        if num_cpus is not None:
            raise InputError("num_cpus sizes a local cluster; drop it when joining one at address=...")
        ray.init(address=address)
    else:
        ray.init(num_cpus=num_cpus, include_dashboard=False)
