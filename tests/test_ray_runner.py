"""run_judges_ray: the local runner's verdicts and cache semantics, computed by Ray Data actor pools."""
from __future__ import annotations

import dataclasses
import gc
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

import ray  # [dev] includes [ray]: a missing Ray is a failed install, not a skip
from ray.util.annotations import RayDeprecationWarning

from judges.answer_parsing import verdict_from_answer  # noqa: E402
from judges.base import Judge  # noqa: E402
from judges.clip import Clip  # noqa: E402
from judges.errors import InputError  # noqa: E402
from judges.outputs import read_judge_output  # noqa: E402
from judges.ray_runner import RAY_KEYS, run_judges_ray  # noqa: E402
from judges.registry import build_judge  # noqa: E402
from judges.runner import run_judges  # noqa: E402
from judges.verdict import Verdict  # noqa: E402
from judges.verdict_cache import VerdictCache  # noqa: E402

# The test judges below travel to Ray workers by value: the workers cannot import this test module.
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])

N_CLIPS = 30
STORED = ("Chat-UniVi/output-reason-7b-subtitle-eng-openset.npz", "LLaMA-VID/output-reason-7b-subtitle-eng-openset.npz")


class MarkingJudge(Judge):
    """Says "calm" (clips in ``fail_on``: fails), appending "<clip> <pid>" per call to ``marker``, seen across processes."""

    def __init__(self, name: str, marker: str, fail_on: frozenset[str] = frozenset()):
        self.name = name
        self.marker = marker
        self.fail_on = fail_on

    def judge_batch(self, clips):
        with open(self.marker, "a", encoding="utf-8") as handle:
            handle.writelines(f"{clip.name} {os.getpid()}\n" for clip in clips)
        return [Verdict.failed(self.name, clip.name, "model said nothing") if clip.name in self.fail_on
                else Verdict(self.name, clip.name, words=["calm"]) for clip in clips]

    def cache_identity(self):
        return {**super().cache_identity(), "fail_on": sorted(self.fail_on)}


class FlakyServerJudge(Judge):
    """Raises for any batch holding a clip in ``breaks_on``, like a server that drops some requests."""

    def __init__(self, name: str, breaks_on: frozenset[str]):
        self.name = name
        self.breaks_on = breaks_on

    def judge_batch(self, clips):
        if any(clip.name in self.breaks_on for clip in clips):
            raise ConnectionError("server went away")
        return [Verdict(self.name, clip.name, words=["tense"]) for clip in clips]


@pytest.fixture(scope="module")
def ray_cluster():
    """One local 2-CPU Ray cluster for the whole module (starting one takes seconds), declaring one GPU.

    Ray schedules by declared resources: the GPU is a label here, enough to check the
    placement of a ``num_gpus`` judge without a GPU.
    """
    if ray.is_initialized() and ray.cluster_resources().get("GPU", 0) != 1:
        ray.shutdown()  # a session another test module opened, without the GPU label
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, num_gpus=1, include_dashboard=False)
    yield
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def clips(dev_names):
    return list(dev_names[:N_CLIPS])


@pytest.fixture(scope="module")
def configs(outputs_dir, clips):
    """Two stored judges replayed from their files, and one that has no output for every third clip."""
    stored = read_judge_output(outputs_dir / STORED[0])
    partial = {name: stored[name] for name in clips[::3] + clips[1::3]}
    return [
        {"type": "replay", "name": "chat-univi", "path": str(outputs_dir / STORED[0])},
        {"type": "replay", "name": "llama-vid", "path": str(outputs_dir / STORED[1]), "num_cpus": 0.5},
        {"type": "replay", "name": "partial", "labels": partial, "ray_concurrency": 2, "num_cpus": 0.5},
    ]


def comparable(result: dict[str, dict[str, Verdict]]) -> dict[str, dict[str, Verdict]]:
    """The verdicts with timings zeroed: everything a judge said, nothing about how long it took."""
    return {j: {c: dataclasses.replace(v, seconds=0.0) for c, v in by_clip.items()} for j, by_clip in result.items()}


def calls(marker) -> list[str]:
    return [line.split()[0] for line in marker.read_text(encoding="utf-8").splitlines()] if marker.exists() else []


@pytest.mark.slow
def test_ray_run_gives_exactly_the_local_runners_verdicts(ray_cluster, configs, clips):
    flaky = FlakyServerJudge("flaky", frozenset(clips[5:7]))
    built = [build_judge(c["type"], **{k: v for k, v in c.items() if k not in ("type", *RAY_KEYS)}) for c in configs]
    local = run_judges(built + [flaky], clips, progress=False)
    distributed = run_judges_ray(configs + [flaky], clips, progress=False)
    assert comparable(distributed) == comparable(local)
    assert list(distributed) == ["chat-univi", "llama-vid", "partial", "flaky"]
    assert list(distributed["partial"]) == clips
    assert sum(not v.ok for v in distributed["partial"].values()) == N_CLIPS // 3
    assert {v.error for v in distributed["flaky"].values() if not v.ok} == {"judge 'flaky' raised ConnectionError: server went away"}


@pytest.mark.slow
def test_ray_run_judges_only_what_the_cache_lacks_and_a_rerun_nothing(ray_cluster, configs, clips, tmp_path):
    marker = tmp_path / "calls.txt"
    cache = tmp_path / "verdicts.sqlite"
    run_judges([MarkingJudge("marking", str(marker))], clips[:10], cache=cache, progress=False)
    first = run_judges_ray([configs[0], MarkingJudge("marking", str(marker))], clips, cache=cache, progress=False)
    assert sorted(calls(marker)) == sorted(clips)  # 10 by the local runner, the other 20 on Ray
    again = run_judges_ray([configs[0], MarkingJudge("marking", str(marker))], clips, cache=cache, progress=False)
    assert len(calls(marker)) == N_CLIPS
    assert comparable(again) == comparable(first)


@pytest.mark.slow
def test_failed_verdicts_are_kept_unless_retry_failed(ray_cluster, clips, tmp_path):
    cache, marker = tmp_path / "verdicts.sqlite", tmp_path / "calls.txt"
    judge = MarkingJudge("marking", str(marker), fail_on=frozenset(clips[:2]))
    run_judges_ray([judge], clips[:6], cache=cache, progress=False)
    kept = run_judges_ray([judge], clips[:6], cache=cache, progress=False)
    assert [v.ok for v in kept["marking"].values()] == [False, False, True, True, True, True]
    assert len(calls(marker)) == 6
    run_judges_ray([judge], clips[:6], cache=cache, retry_failed=True, progress=False)
    assert calls(marker)[6:] == clips[:2]


class AnsweringJudge(Judge):
    """Reads one model answer per clip with the answer parser (cut off at its token limit), noting each clip asked in
    ``marker``; its identity does not name the parser's version, as a live judge's does not."""

    def __init__(self, marker: str):
        self.name, self.marker = "answering", marker

    def judge_batch(self, clips):
        with open(self.marker, "a", encoding="utf-8") as handle:
            handle.writelines(f"{clip.name} {os.getpid()}\n" for clip in clips)
        return [verdict_from_answer(self.name, clip.name, "Happy, reliev", "labels", 0.0, "max_tokens=8", True) for clip in clips]


@pytest.mark.slow
def test_verdicts_judged_on_the_cluster_are_read_again_after_a_parser_change_not_asked_again(ray_cluster, tmp_path, request):
    cache, marker = tmp_path / "verdicts.sqlite", tmp_path / "calls.txt"
    run_judges_ray([AnsweringJudge(str(marker))], ["c1", "c2"], cache=cache, progress=False)
    request.getfixturevalue("new_parser")  # in this process, where the cache is read
    again = run_judges_ray([AnsweringJudge(str(marker))], ["c1", "c2"], cache=cache, progress=False)["answering"]
    assert sorted(calls(marker)) == ["c1", "c2"]
    assert [again[c].words for c in ("c1", "c2")] == [["HAPPY"], ["HAPPY"]]  # "reliev", cut off, still left out


@pytest.mark.slow
def test_out_dir_holds_one_parquet_file_per_judge_with_every_verdict(ray_cluster, configs, clips, tmp_path):
    import pandas as pd

    result = run_judges_ray(configs[2:], clips, out_dir=tmp_path / "out", progress=False)
    table = pd.read_parquet(tmp_path / "out" / "partial" / "verdicts.parquet")
    assert list(table["clip"]) == clips
    assert [list(words) for words in table["words"]] == [v.words for v in result["partial"].values()]
    assert [None if pd.isna(e) else e for e in table["error"]] == [v.error for v in result["partial"].values()]


def test_out_dir_leaves_alone_the_partial_file_of_another_run_writing_the_same_folder(ray_cluster, tmp_path):
    import pandas as pd

    from judges.temp_files import temporary_path

    ours = temporary_path(tmp_path / "out" / "m" / "verdicts.parquet")
    other = ours.with_name(ours.name.replace(f".{os.getpid()}.", f".{os.getppid()}."))  # another run, alive, half-way through writing m's verdicts
    other.parent.mkdir(parents=True)
    other.write_bytes(b"PAR1 half")
    run_judges_ray([{"type": "replay", "name": "m", "labels": {"c1": ["happy"]}}], ["c1"], out_dir=tmp_path / "out", progress=False)
    assert list(pd.read_parquet(tmp_path / "out" / "m" / "verdicts.parquet")["clip"]) == ["c1"]
    assert other.read_bytes() == b"PAR1 half"


def test_judge_names_that_would_share_an_out_dir_folder_are_refused_before_the_run(ray_cluster, tmp_path):
    twins = [{"type": "replay", "name": name, "labels": {"c1": ["happy"]}} for name in ("qwen/7b", "qwen_7b")]
    with pytest.raises(InputError, match=r"judges 'qwen/7b' and 'qwen_7b' would both write out_dir/qwen_7b/"):
        run_judges_ray(twins, ["c1"], out_dir=tmp_path / "out", progress=False)
    assert not list((tmp_path / "out").rglob("*.parquet"))


@pytest.mark.slow
def test_a_bad_judge_config_is_a_one_line_input_error(ray_cluster, clips):
    with pytest.raises(InputError, match=r"^unknown judge type 'replai'; did you mean 'replay'") as caught:
        run_judges_ray([{"type": "replai", "name": "x"}], clips, progress=False)
    assert "\n" not in str(caught.value)


@pytest.mark.slow
def test_judges_that_cannot_be_built_give_one_line_and_no_ray_traceback(ray_cluster, clips, monkeypatch):
    unread = []  # failures nobody read: Ray prints each as an 'Unhandled error' traceback after the one-line error
    monkeypatch.setattr(ray._private.worker, "_unhandled_error_handler", unread.append)
    bad = [{"type": "replay", "name": name, "path": f"/nonexistent/{name}.npz"} for name in ("first", "second", "third")]
    for _ in range(3):  # which probe fails first is up to Ray
        with pytest.raises(InputError, match=r"^/nonexistent/(first|second|third)\.npz: no such judge-output file$"):
            run_judges_ray(bad, clips, progress=False)
    gc.collect()  # the probes' references go: an unread failure among them is reported now
    deadline = time.monotonic() + 5
    while not unread and time.monotonic() < deadline:
        time.sleep(0.1)
    assert unread == []


@pytest.mark.slow
def test_ray_datas_deprecation_warning_about_the_runners_own_call_is_not_shown(ray_cluster, configs, clips):
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()  # a user's filters, not pytest's ignore::DeprecationWarning
        # what `import ray` adds, in front, when it comes after judges.ray_runner (cojudge predict --backend ray does so)
        warnings.filterwarnings("module", category=RayDeprecationWarning)
        run_judges_ray(configs[:1], clips[:2], progress=False)
    assert [str(w.message) for w in caught if "ray_remote_args" in str(w.message)] == []


@pytest.mark.slow
def test_a_gpu_judge_runs_on_an_actor_holding_the_gpu(ray_cluster, configs, clips):
    gpu = {**configs[0], "name": "on-gpu", "num_gpus": 1, "num_cpus": 0.5}
    local = run_judges([build_judge("replay", name="on-gpu", path=configs[0]["path"])], clips, progress=False)
    assert comparable(run_judges_ray([gpu], clips, progress=False)) == comparable(local)


def test_more_gpus_than_the_cluster_has_is_a_one_line_error(ray_cluster, configs, clips):
    greedy = {**configs[0], "num_gpus": 1, "ray_concurrency": 2}
    with pytest.raises(InputError, match=r"'chat-univi': 2 actor\(s\) x num_gpus=1 need 2 GPU\(s\), the Ray cluster has 1"):
        run_judges_ray([greedy], clips, progress=False)


def test_an_unnamed_judge_that_cannot_be_placed_is_named_by_its_position_and_type(ray_cluster, configs, clips):
    unnamed = {k: v for k, v in configs[0].items() if k != "name"}
    with pytest.raises(InputError, match=r"judge #2 \(type 'replay'\): 1 actor\(s\) x num_gpus=3 need 3 GPU"):
        run_judges_ray([configs[1], {**unnamed, "num_gpus": 3}], clips, progress=False)


def test_joining_a_cluster_that_is_not_there_is_a_one_line_error(clips, monkeypatch):
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    ray_says = "Could not find any running Ray instance. Please specify the one to connect to by setting `--address` flag or `RAY_ADDRESS`."
    monkeypatch.setattr(ray, "init", lambda **kw: (_ for _ in ()).throw(ConnectionError(ray_says)))
    with pytest.raises(InputError, match=r"address='auto': no Ray cluster found there \(Could not find any running Ray instance\); start one"):
        run_judges_ray([{"type": "replay", "name": "r", "labels": {}}], clips, address="auto", progress=False)


def test_an_address_where_nothing_listens_is_refused_at_once_without_ray_retrying_it(clips, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nothing listens on: bound, then freed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: pytest.fail("ray.init retries an address with nothing there for minutes"))
    with pytest.raises(InputError, match=rf"^address='127\.0\.0\.1:{port}': nothing answers there \(Connection refused\); start the cluster"):
        run_judges_ray([{"type": "replay", "name": "r", "labels": {}}], clips, address=f"127.0.0.1:{port}", progress=False)


def test_an_address_with_a_port_out_of_range_says_so(clips, monkeypatch):
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: pytest.fail("not an address to try"))
    with pytest.raises(InputError, match=r"^address='localhost:99999': 99999 is not a port \(1-65535\)"):
        run_judges_ray([{"type": "replay", "name": "r", "labels": {}}], clips, address="localhost:99999", progress=False)


def test_an_address_ray_cannot_read_is_a_one_line_error(clips, monkeypatch):
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kw: (_ for _ in ()).throw(ValueError("Invalid address format: head-node")))
    with pytest.raises(InputError, match=r"^address='head-node': Ray cannot use it \(Invalid address format: head-node\); give"):
        run_judges_ray([{"type": "replay", "name": "r", "labels": {}}], clips, address="head-node", progress=False)


def test_an_out_dir_that_is_a_file_is_refused_before_any_judging(tmp_path):
    marker, taken = tmp_path / "calls.txt", tmp_path / "out"
    taken.write_text("a file, not a folder", encoding="utf-8")
    for out_dir in (taken, taken / "sub"):
        with pytest.raises(InputError, match=r"out_dir='.*': cannot be made a folder \(.*\); give a folder"):
            run_judges_ray([MarkingJudge("m", str(marker))], ["c1"], out_dir=out_dir, progress=False)
    assert not marker.exists()


def test_a_file_where_a_judges_out_dir_folder_goes_is_refused_before_any_judging(ray_cluster, tmp_path):
    marker, out_dir = tmp_path / "calls.txt", tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "m").write_text("a file, not the judge's folder", encoding="utf-8")
    with pytest.raises(InputError, match=r"out_dir='.*': cannot make .*/out/m a folder for judge 'm'.s verdicts\.parquet \(File exists\)"):
        run_judges_ray([MarkingJudge("m", str(marker))], ["c1"], out_dir=out_dir, progress=False)
    assert not marker.exists()


def test_bad_actor_count_is_refused_before_ray_starts():
    with pytest.raises(InputError, match="ray_concurrency=0"):
        run_judges_ray([{"type": "replay", "name": "x", "labels": {}, "ray_concurrency": 0}], ["c1"], progress=False)


def test_a_fractional_gpu_count_above_one_is_refused_before_ray_starts():
    with pytest.raises(InputError, match=r"^judge #1: num_gpus=1\.5; Ray shares a GPU only below 1 .*give a whole number"):
        run_judges_ray([{"type": "replay", "name": "x", "labels": {}, "num_gpus": 1.5}], ["c1"], progress=False)


@pytest.mark.parametrize("key, value", [("num_gpus", float("inf")), ("num_gpus", float("nan")), ("num_cpus", float("nan"))])
def test_an_infinite_or_nan_resource_count_is_refused_before_ray_starts(key, value):
    # num_gpus = inf (a TOML float) ended in OverflowError: cannot convert float infinity to integer; nan went on to Ray
    with pytest.raises(InputError, match=rf"^judge #1: {key}={value!r}; give a number >= 0 per actor"):
        run_judges_ray([{"type": "replay", "name": "x", "labels": {}, key: value}], ["c1"], progress=False)


def test_a_judge_that_cannot_be_pickled_must_be_given_as_a_config():
    judge = MarkingJudge("locked", "unused")
    judge.lock = threading.Lock()
    with pytest.raises(InputError, match="judge 'locked' cannot be shipped to Ray workers.*config entry"):
        run_judges_ray([judge], ["c1"], progress=False)


def test_a_built_openai_judge_ships_to_ray_workers_and_asks_its_server(ray_cluster):
    # it was refused: "judge 'm' cannot be shipped to Ray workers (TypeError: cannot pickle '_thread.lock' object)"
    from judges.openai_judge import OpenAIJudge
    from tests.test_openai_judge import FakeChatServer, completion

    with FakeChatServer([(200, completion("calm"), 0.0)]) as server:
        judge = OpenAIJudge(model="m", base_url=server.url, modalities=("text",), api_key_env=None, timeout=20.0)
        verdicts = run_judges_ray([judge], [Clip("c1", subtitle="fine"), Clip("c2", subtitle="ok")], progress=False)["m"]
    assert {name: v.words for name, v in verdicts.items()} == {"c1": ["calm"], "c2": ["calm"]} and len(server.requests) == 2


def test_a_judge_object_without_ray_installed_gets_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(InputError, match=r"run_judges_ray needs Ray Data; install it with: pip install -e '\.\[ray\]'"):
        run_judges_ray([MarkingJudge("m", "unused")], ["c1"], progress=False)


def test_repeated_judge_names_are_refused(ray_cluster):
    twins = [MarkingJudge("twin", "unused"), MarkingJudge("twin", "unused")]
    with pytest.raises(InputError, match="repeated: twin"):
        run_judges_ray(twins, ["c1"], progress=False)


def test_judges_of_a_config_left_to_one_default_name_are_refused_as_judges_from_config_refuses_them(ray_cluster, tmp_path):
    # the Ray runner said 'judge names must be unique; repeated: text-lexicon', neither the file nor that no name was given
    from judges.registry import judges_from_config

    config = tmp_path / "judges.toml"
    config.write_text('[[judge]]\ntype = "text-lexicon"\n[[judge]]\ntype = "text-lexicon"\nmax_words = 2\n', encoding="utf-8")
    with pytest.raises(InputError) as local:
        judges_from_config(config)
    with pytest.raises(InputError) as on_ray:
        run_judges_ray(config, ["c1"], progress=False)
    assert str(on_ray.value) == str(local.value) == (f"{config}: judge names must be unique; repeated: text-lexicon (given as no name, "
                                                     "no name: a judge given no name takes its type's default name); give each judge its own name")


def _cannot_unpickle():
    raise RuntimeError("no model on this node")


class UnshippableJudge(MarkingJudge):
    """Pickles in the driver, fails to unpickle in the actor: an actor that cannot start."""

    def __reduce__(self):
        return (_cannot_unpickle, ())


@pytest.mark.slow
def test_an_actor_pool_that_cannot_start_gives_error_verdicts_and_the_others_stand(ray_cluster, configs, clips):
    result = run_judges_ray([UnshippableJudge("doomed", "unused"), configs[0]], clips[:4], progress=False)
    errors = {v.error for v in result["doomed"].values()}
    assert len(errors) == 1 and errors.pop().startswith("judge 'doomed' raised RayPoolError: ActorDiedError: ")
    assert all(v.ok for v in result["chat-univi"].values())


class CrashingJudge(Judge):
    """Its process dies (os._exit, as a segfault or the OOM killer would) on any batch holding ``crash_on``,
    the first ``crashes`` times; after that it answers. Each call appends "<first clip>" to ``marker``."""

    def __init__(self, name: str, marker: str, crash_on: str, crashes: int):
        self.name = name
        self.marker = marker
        self.crash_on = crash_on
        self.crashes = crashes

    def judge_batch(self, clips):
        with open(self.marker, "a", encoding="utf-8") as handle:
            handle.write(f"{clips[0].name}\n")
        with open(self.marker, encoding="utf-8") as handle:
            tries = sum(line.strip() == self.crash_on for line in handle)
        if any(clip.name == self.crash_on for clip in clips) and tries <= self.crashes:
            os._exit(1)
        return [Verdict(self.name, clip.name, words=["calm"]) for clip in clips]


@pytest.mark.slow
def test_a_clip_that_kills_its_judge_every_time_costs_only_its_batch_after_a_few_retries(ray_cluster, clips, tmp_path):
    marker = tmp_path / "calls.txt"
    judge = CrashingJudge("crashing", str(marker), crash_on=clips[2], crashes=5)
    result = run_judges_ray([judge], clips[:8], progress=False, batch_size=2)["crashing"]
    assert calls(marker).count(clips[2]) <= 3  # Ray Data's default restarts the actor and retries the batch forever
    assert [v.ok for v in result.values()] == [True, True, False, False, True, True, True, True]  # the batches after it too
    assert result[clips[2]].error == "its batch failed 3 times on Ray and was dropped (usually the judge's process dying on it: " \
                                     "a crash or out of memory; Ray's log says why); judge it alone, or leave it out"


class DiesWhileStarting(Judge):
    """Its process dies (os._exit, as out of memory loading weights would) whenever an actor unpickles it."""

    def __init__(self, name: str, driver_pid: int):
        self.name = name
        self.driver_pid = driver_pid

    def __setstate__(self, state):
        if os.getpid() != state["driver_pid"]:
            os._exit(1)
        self.__dict__.update(state)

    def judge_batch(self, clips):  # pragma: no cover - never starts
        return [Verdict(self.name, clip.name, words=["calm"]) for clip in clips]


@pytest.mark.slow
def test_a_judge_whose_process_dies_while_starting_fails_its_pool_after_a_few_restarts_not_forever(ray_cluster, configs, clips):
    result = run_judges_ray([DiesWhileStarting("doomed", os.getpid()), configs[0]], clips[:4], progress=False, batch_size=2)
    errors = {v.error for v in result["doomed"].values()}
    assert errors == {"judge 'doomed' raised RayPoolError: ActorDiedError: the judge's process died 3 times while starting "
                      "(a crash, or memory exhausted loading it)"}
    assert all(v.ok for v in result["chat-univi"].values())


def live_ledgers() -> int:
    return sum(a["State"] != "DEAD" and "_StartLedger" in str(a.get("ActorClassName") or a.get("ClassName"))
               for a in ray._private.state.actors().values())


def test_a_run_leaves_no_ledger_actor_behind(ray_cluster, configs, clips):
    import gc
    import time

    gc.disable()  # the ledger went with the pool's reference cycles only: it lived, a worker process, until a collection
    try:
        before = live_ledgers()
        run_judges_ray(configs[:2], clips[:4], progress=False)
        deadline = time.monotonic() + 10
        while live_ledgers() > before and time.monotonic() < deadline:
            time.sleep(0.2)
        assert live_ledgers() == before
    finally:
        gc.enable()


class CannotRestart(Judge):
    """Its process dies on ``crash_on`` (writing ``marker``); once ``marker`` exists, an actor building it
    raises (``mode='raise'``: the model cannot be loaded now) or dies (``mode='exit'``: out of memory loading it)."""

    def __init__(self, name: str, marker: str, crash_on: str, driver_pid: int, mode: str):
        self.name, self.marker, self.crash_on, self.driver_pid, self.mode = name, marker, crash_on, driver_pid, mode

    def __setstate__(self, state):
        self.__dict__.update(state)
        if os.getpid() != state["driver_pid"] and os.path.exists(state["marker"]):
            if state["mode"] == "raise":
                raise RuntimeError("cannot load the model now")
            os._exit(1)

    def judge_batch(self, clips):
        if any(clip.name == self.crash_on for clip in clips):
            open(self.marker, "a", encoding="utf-8").close()
            os._exit(1)
        return [Verdict(self.name, clip.name, words=["calm"]) for clip in clips]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["raise", "exit"])
def test_an_actor_that_cannot_rebuild_its_judge_after_a_crash_gives_error_verdicts_instead_of_a_run_that_never_ends(
        ray_cluster, clips, tmp_path, mode):
    judge = CannotRestart("fragile", str(tmp_path / "crashed"), clips[2], os.getpid(), mode)
    done: dict[str, dict] = {}
    run = threading.Thread(target=lambda: done.update(run_judges_ray([judge], clips[:6], progress=False, batch_size=2)),
                           daemon=True)
    run.start()
    run.join(timeout=150)  # Ray Data waited for the actor, dead for good, to come back: the run never ended
    assert "fragile" in done, "the run did not end"
    failed = {clip: v.error for clip, v in done["fragile"].items() if not v.ok}
    reason = "cannot load the model now" if mode == "raise" else "the judge's process died 3 times while starting"
    assert clips[2] in failed and all("its judge could not start again after its process died" in e and reason in e
                                      for e in failed.values())


@pytest.mark.slow
def test_a_ledger_whose_process_dies_mid_run_does_not_cost_the_clips_judged_after_it(ray_cluster, clips, tmp_path, monkeypatch):
    from judges.ray_runner import _ActorPool

    marker = tmp_path / "calls.txt"
    judge = CrashingJudge("crashing", str(marker), crash_on=clips[4], crashes=1)  # dies once, then answers
    start = _ActorPool._start

    def start_then_lose_the_ledger(self):
        stream = start(self)

        def lose():  # as its node going or the OOM killer would, when the judge's actor dies
            while clips[4] not in calls(marker):
                time.sleep(0.01)
            ray.kill(self._ledger, no_restart=False)

        threading.Thread(target=lose, daemon=True).start()
        return stream

    monkeypatch.setattr(_ActorPool, "_start", start_then_lose_the_ledger)
    result = run_judges_ray([judge], clips[:8], progress=False, batch_size=2)["crashing"]
    assert {clip: v.error for clip, v in result.items() if not v.ok} == {}  # was: clips[4:] 'dropped, died 3 times'


def test_verdicts_back_from_the_cluster_before_its_pool_failed_are_kept():
    import json

    from judges.ray_runner import _ActorPool, _Plan

    def stream():  # the second batch comes back first (Ray Data does not keep order), then the pool fails
        yield {"clip": ["c3", "c4"], "verdict": [json.dumps(Verdict("m", c, words=["calm"]).to_dict()) for c in ("c3", "c4")]}
        raise RuntimeError("node lost")

    pool = _ActorPool("m", {"name": "m"}, _Plan(MarkingJudge("m", "unused")), batch_size=2)
    pool.todo, pool._stream = [], stream()
    result = run_judges([pool], ["c1", "c2", "c3", "c4"], progress=False, batch_size=2)["m"]
    assert [v.ok for v in result.values()] == [False, False, True, True]
    assert result["c1"].error == "judge 'm' raised RayPoolError: RuntimeError: node lost"


def test_verdicts_back_from_the_cluster_ahead_of_their_turn_are_cached_when_the_run_is_interrupted(ray_cluster, tmp_path, monkeypatch):
    import json

    from judges.ray_runner import _ActorPool

    def block(*names):
        return {"clip": list(names), "verdict": [json.dumps(Verdict("m", c, words=["calm"]).to_dict()) for c in names]}

    def interrupted(self):  # the second batch comes back first, then Ctrl-C
        yield block("c3", "c4")
        raise KeyboardInterrupt

    cache, judge, names = tmp_path / "verdicts.sqlite", MarkingJudge("m", "unused"), ["c1", "c2", "c3", "c4"]
    monkeypatch.setattr(_ActorPool, "_start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_judges_ray([judge], names, cache=cache, progress=False, batch_size=2)
    asked: list[str] = []

    def resumed(self):
        asked.extend(clip.name for clip in self.todo)
        return iter([block(*asked)])

    monkeypatch.setattr(_ActorPool, "_start", resumed)
    result = run_judges_ray([judge], names, cache=cache, progress=False, batch_size=2)["m"]
    assert asked == ["c1", "c2"] and all(v.ok for v in result.values())  # c3 and c4 came from the cache


class PacedJudge(MarkingJudge):
    """MarkingJudge that takes ``seconds`` over each batch, as a model would, and marks its clips once judged."""

    def __init__(self, name: str, marker: str, seconds: float):
        super().__init__(name, marker)
        self.seconds = seconds

    def judge_batch(self, clips):
        time.sleep(self.seconds)
        return super().judge_batch(clips)


RAY_CHILD = """
import sys
sys.path.insert(0, {repo!r})
from judges.ray_runner import run_judges_ray
from tests.test_ray_runner import PacedJudge
run_judges_ray([PacedJudge("paced", {marker!r}, 0.3)], {clips!r}, cache={cache!r}, num_cpus=1, progress=False, batch_size=2)
"""


@pytest.mark.slow
def test_ctrl_c_ends_a_ray_run_with_its_verdicts_stored_and_the_next_run_judges_only_the_rest(ray_cluster, tmp_path):
    # Ctrl-C never ended the program: Ray Data's executor, left running, deadlocked the interpreter's exit
    clips, marker, cache = [f"c{i:02d}" for i in range(40)], tmp_path / "calls.txt", tmp_path / "verdicts.sqlite"
    script = RAY_CHILD.format(repo=str(Path(__file__).resolve().parents[1]), marker=str(marker), clips=clips, cache=str(cache))
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}  # its own local cluster, not this test's
    with (tmp_path / "stderr.txt").open("w") as log:
        child = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=log)
        try:
            deadline = time.monotonic() + 180
            while len(calls(marker)) < 6:  # three batches judged
                assert child.poll() is None and time.monotonic() < deadline, "the Ray run ended or stalled before 3 batches"
                time.sleep(0.05)
            child.send_signal(signal.SIGINT)
            child.wait(timeout=90)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
                pytest.fail("Ctrl-C did not end the Ray run within 90 s")
    judged = calls(marker)
    with VerdictCache(cache) as opened:
        stored = opened.get_many(PacedJudge("paced", "", 0.0), [Clip(name) for name in clips])
    assert len(stored) >= 2 and set(stored) <= set(judged) and len(judged) < len(clips)

    result = run_judges_ray([PacedJudge("paced", str(marker), 0.0)], clips, cache=cache, progress=False, batch_size=2)["paced"]
    assert sorted(calls(marker)[len(judged):]) == sorted(set(clips) - set(stored))  # those lost in flight, and the rest
    assert all(verdict.ok for verdict in result.values())


def test_a_stopped_run_that_cannot_stop_its_ray_data_dataset_says_to_press_ctrl_c_again():
    # Ray Data's private Dataset._current_executor, which stops it, missing (a Ray that renamed it): the program
    # hung at its exit after Ctrl-C, saying nothing
    from judges.ray_runner import _ActorPool

    pool = _ActorPool("paced", {}, None, 2)
    pool._dataset, pool._stream = object(), iter([])  # a dataset without the attribute, its stream still waited on
    with pool._pulling, pytest.warns(RuntimeWarning, match=r"^judge .paced.: could not stop its Ray Data dataset .*press Ctrl-C again"):
        pool.close()


def test_a_run_stopped_before_its_first_batch_came_back_does_not_blame_the_ray_version():
    # Ray 2.60 has Dataset._current_executor, None until the first batch is back: Ctrl-C during a model's load said
    # "Ray 2.60.0 has no Dataset._current_executor"
    from types import SimpleNamespace

    from judges.ray_runner import _ActorPool

    pool = _ActorPool("paced", {}, None, 2)
    pool._dataset, pool._stream = SimpleNamespace(_current_executor=None), iter([])  # its stream still waited on
    with pool._pulling, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pool.close()
    assert [str(w.message) for w in caught] == [
        "judge 'paced': could not stop its Ray Data dataset (no batch of it was back yet, and Ray Data gives no handle to "
        "stop it before that), so the program may not end once Ray shuts down: press Ctrl-C again (what the cache holds stays)"]


class SizingJudge(Judge):
    """Says how many bytes the clip's video has: it opens the file at the path it is given."""

    name = "sizing"

    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words=[str(os.path.getsize(clip.video))]) for clip in clips]


def test_a_relative_video_path_is_read_from_the_callers_folder_not_the_workers(ray_cluster, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Ray's workers run in the folder Ray was started from, not this one
    (tmp_path / "clip.mp4").write_bytes(b"0123456789")
    result = run_judges_ray([SizingJudge()], ["clip.mp4"], progress=False)["sizing"]["clip"]
    assert (result.words, result.error) == (["10"], None)


def test_a_plugin_judge_type_is_refused_before_ray_starts_pointing_to_the_local_runner(tmp_path):
    """Ray's workers do not import a config's plugins: say so, not 'unknown judge type ... list its file in plugins'."""
    (tmp_path / "my_plugin_judge.py").write_text(
        "from judges.base import Judge\nfrom judges.registry import register_judge\n\n"
        "@register_judge('walk-plugin-type')\nclass PluginJudge(Judge):\n"
        "    def __init__(self, name='p'):\n        self.name = name\n"
        "    def judge_batch(self, clips):\n        return []\n", encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./my_plugin_judge.py"]\n\n[[judge]]\ntype = "walk-plugin-type"\nname = "p"\n', encoding="utf-8")
    with pytest.raises(InputError, match="local runner") as caught:
        run_judges_ray(config, ["c1"], address="ray://nowhere.invalid:1")  # refused before any connection
    assert "\n" not in str(caught.value) and "walk-plugin-type" in str(caught.value)


def test_a_parquet_file_left_half_written_by_a_killed_run_is_removed_when_the_file_is_next_written(tmp_path):
    from judges.ray_runner import _write_parquet
    from judges.temp_files import temporary_path

    path = tmp_path / "verdicts.parquet"
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    left = temporary_path(path).with_name(temporary_path(path).name.replace(f".{os.getpid()}.", f".{ended.pid}."))
    left.write_bytes(b"PAR1 half")  # what a run killed while writing the file leaves
    _write_parquet(path, [Verdict("m", "c1", words=["calm"])])
    assert [p.name for p in tmp_path.iterdir()] == ["verdicts.parquet"]


def test_a_parquet_file_being_written_keeps_its_temporary_file_though_another_process_takes_its_pid_for_a_dead_one(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from judges.ray_runner import _write_parquet
    from tests.test_output_safety import sweep_from_another_container

    path, write_table = tmp_path / "verdicts.parquet", pq.write_table

    def write_then_sweep(table, where):
        write_table(table, where)
        sweep_from_another_container(path)  # a container with the same host name writing the same out_dir: it removed it

    monkeypatch.setattr(pq, "write_table", write_then_sweep)
    _write_parquet(path, [Verdict("m", "c1", words=["calm"])])
    assert pq.read_table(path).column("clip").to_pylist() == ["c1"]


def test_a_parquet_file_is_synced_to_disk_before_it_is_renamed_into_place(tmp_path, monkeypatch):
    from judges.ray_runner import _write_parquet

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    _write_parquet(tmp_path / "verdicts.parquet", [Verdict("m", "c1", words=["calm"])])
    assert events == ["fsync", "replace"] and (tmp_path / "verdicts.parquet").stat().st_size > 0


@pytest.mark.parametrize("setting", [{"batch_size": 0}, {"batch_size": 8.5}, {"cache": 5}, {"retry_failed": "false"},
                                     {"progress": 1}])
def test_a_bad_run_setting_is_refused_with_run_judges_own_line_before_ray_starts(setting, tmp_path):
    # the Ray runner kept its own copy of run_judges' checks, free to drift from judges.runner.check_run_settings
    marker = tmp_path / "calls.txt"
    with pytest.raises(InputError) as local:
        run_judges([MarkingJudge("m", str(marker))], ["c1"], **{"progress": False, **setting})
    with pytest.raises(InputError) as on_ray:
        run_judges_ray([MarkingJudge("m", str(marker))], ["c1"], **{"progress": False, **setting})
    assert str(on_ray.value) == str(local.value) and "\n" not in str(on_ray.value)
    assert not marker.exists()
