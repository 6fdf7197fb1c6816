"""LMDeployJudge against a recording stand-in for the ``lmdeploy`` package (which needs CUDA).

The stand-in has LMDeploy's documented surface (``pipeline``, the engine,
vision and generation configs, ``lmdeploy.vl.constants.IMAGE_TOKEN``) and
records every call, so the tests check exactly what the judge asks LMDeploy
to do; the media decoding, prompting and answer parsing around it are real.
"""
from __future__ import annotations

import base64
import inspect
import io
import json
import os
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from judges.clip import Clip
from judges.errors import InputError
from judges.lmdeploy_judge import LMDeployJudge
from judges.media import DECODING_VERSION
from judges.prompts import PROMPT_VERSION
from judges.registry import build_judge
from tests.media_fixtures import make_clip, make_corrupt_clip


@dataclass
class Response:
    """lmdeploy.messages.Response's fields that the judge reads; ``finish_reason`` as GenOut sets it."""

    text: str
    generate_token_len: int = 4
    input_token_len: int = 2100
    finish_reason: str | None = "stop"


@dataclass
class FakePipeline:
    model: str
    options: dict[str, Any]
    calls: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False
    #: answer(messages) -> text or a Response; raising makes the whole batch fail, like an engine error.
    answer: Any = None

    def __call__(self, prompts, gen_config=None, adapter_name=None):
        self.calls.append({"prompts": prompts, "gen_config": gen_config, "adapter_name": adapter_name})
        answers = [self.answer(messages) for messages in prompts]
        return [a if isinstance(a, Response) else Response(a) for a in answers]

    def close(self):
        self.closed = True


#: Some of the documented fields of LMDeploy's config classes (lmdeploy.messages); any other is a TypeError.
CONFIG_FIELDS = {
    "TurbomindEngineConfig": {"dtype", "model_format", "tp", "session_len", "max_batch_size", "cache_max_entry_count", "download_dir", "revision"},
    "PytorchEngineConfig": {"dtype", "tp", "session_len", "max_batch_size", "cache_max_entry_count", "adapters", "download_dir", "revision",
                            "distributed_executor_backend"},
    "VisionConfig": {"max_batch_size", "thread_safe"},
    "GenerationConfig": {
        "n", "max_new_tokens", "do_sample", "top_p", "top_k", "min_p", "temperature",
        "repetition_penalty", "ignore_eos", "random_seed", "stop_words", "skip_special_tokens",
    },
    "ChatTemplateConfig": {"model_name", "system", "meta_instruction"},
}  # fmt: skip


def config_record(kind: str, fields: set[str]) -> type:
    """A stand-in config class that keeps its keyword arguments and rejects unknown ones; its signature names its fields,
    as a dataclass's does."""

    def __init__(self, **options):
        unknown = set(options) - fields
        if unknown:
            raise TypeError(f"{kind} got unexpected keyword arguments {sorted(unknown)}")
        self.__dict__.update(options)

    signature = inspect.Signature([inspect.Parameter(f, inspect.Parameter.KEYWORD_ONLY, default=None) for f in sorted(fields)])
    return type(kind, (), {"__init__": __init__, "__signature__": signature})


def fake_lmdeploy() -> types.ModuleType:
    """A module shaped like ``lmdeploy`` whose configs are plain records and whose pipeline records calls."""
    module = types.ModuleType("lmdeploy")
    for kind, fields in CONFIG_FIELDS.items():
        setattr(module, kind, config_record(kind, fields))
    module.pipelines = []

    def pipeline(model, **options):
        pipe = FakePipeline(model, options, answer=lambda messages: "Happy, relieved.")
        module.pipelines.append(pipe)
        return pipe

    module.pipeline = pipeline
    vl = types.ModuleType("lmdeploy.vl")
    constants = types.ModuleType("lmdeploy.vl.constants")
    constants.IMAGE_TOKEN = "<IMAGE_TOKEN>"
    vl.constants = constants
    module.vl = vl
    return module


@pytest.fixture
def lmdeploy(monkeypatch):
    module = fake_lmdeploy()
    monkeypatch.setitem(sys.modules, "lmdeploy", module)
    monkeypatch.setitem(sys.modules, "lmdeploy.vl", module.vl)
    monkeypatch.setitem(sys.modules, "lmdeploy.vl.constants", module.vl.constants)
    return module


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Clip]:
    root = tmp_path_factory.mktemp("lmdeploy-clips")
    return {
        "a": Clip.from_path(make_clip(root / "a.mp4", seconds=1, width=96, height=72), subtitle="Not again."),
        "b": Clip.from_path(make_clip(root / "b.mp4", seconds=1, width=96, height=72, with_audio=False)),
        "c": Clip.from_path(make_clip(root / "c.mp4", seconds=1, width=64, height=64)),
        "corrupt": Clip("corrupt", video=make_corrupt_clip(root / "corrupt.mp4")),
    }


def text_of(messages) -> str:
    return messages[0]["content"][0]["text"]


def test_turbomind_pipeline_gets_the_model_tp_and_vision_batch(lmdeploy, tmp_path):
    LMDeployJudge(tmp_path, tp=2, vision_batch_size=4, session_len=16384)
    pipe = lmdeploy.pipelines[0]
    assert pipe.model == str(tmp_path.resolve())
    assert type(pipe.options["backend_config"]).__name__ == "TurbomindEngineConfig"
    assert vars(pipe.options["backend_config"]) == {"tp": 2, "session_len": 16384}
    assert vars(pipe.options["vision_config"]) == {"max_batch_size": 4}
    assert "chat_template_config" not in pipe.options


def test_pytorch_engine_gets_the_lora_adapters_and_calls_name_the_adapter(lmdeploy, clips):
    judge = LMDeployJudge("OpenGVLab/InternVL2_5-8B", backend="pytorch", tp=1, adapters={"mer": "/lora/mer"})
    backend_config = lmdeploy.pipelines[0].options["backend_config"]
    assert type(backend_config).__name__ == "PytorchEngineConfig"
    assert vars(backend_config) == {"tp": 1, "adapters": {"mer": "/lora/mer"}}
    judge.judge(clips["a"])
    assert lmdeploy.pipelines[0].calls[0]["adapter_name"] == "mer"


def _pytorch_config(tp: int) -> dict[str, Any]:
    """The keywords of the PyTorch engine's config the judge builds for ``tp`` GPUs, against the stand-in lmdeploy."""
    return vars(LMDeployJudge("m", backend="pytorch", tp=tp).pipe.options["backend_config"])


def test_pytorch_engine_with_tp_above_1_outside_ray_leaves_lmdeploy_its_own_executor(lmdeploy):
    assert _pytorch_config(2) == {"tp": 2}


def _with_stand_in_lmdeploy(build: Callable[[types.ModuleType], Any]) -> Any:
    """``build(module)`` with the stand-in lmdeploy ``module`` imported in lmdeploy's place: the ``lmdeploy`` fixture's work
    where no fixture reaches, a Ray worker, as run_judges_ray builds the judge there."""
    module = fake_lmdeploy()
    names = ("lmdeploy", "lmdeploy.vl", "lmdeploy.vl.constants")
    sys.modules.update(zip(names, (module, module.vl, module.vl.constants)))
    try:
        return build(module)
    finally:
        for name in names:
            sys.modules.pop(name, None)


def _configs_of_each_case(module: types.ModuleType) -> dict[str, dict]:
    """The PyTorch engine's config for tp=2, for tp=1, for an LMDeploy without distributed_executor_backend, and with
    LMDEPLOY_EXECUTOR_BACKEND set (in a worker that dies after: max_calls=1)."""
    built = {"tp=2": _pytorch_config(2), "tp=1": _pytorch_config(1)}
    module.PytorchEngineConfig = config_record("PytorchEngineConfig", CONFIG_FIELDS["PytorchEngineConfig"] - {"distributed_executor_backend"})
    built["older lmdeploy"] = _pytorch_config(2)
    module.PytorchEngineConfig = config_record("PytorchEngineConfig", CONFIG_FIELDS["PytorchEngineConfig"])
    os.environ["LMDEPLOY_EXECUTOR_BACKEND"] = "ray"
    built["LMDEPLOY_EXECUTOR_BACKEND=ray"] = _pytorch_config(2)
    return built


@pytest.fixture(scope="module")
def ray_with_two_gpus() -> Iterator[Any]:
    """A local Ray cluster declaring 2 GPUs (a label: Ray schedules by declared resources), as a node a tp=2 judge runs on."""
    import ray

    if ray.is_initialized() and ray.cluster_resources().get("GPU", 0) != 2:
        ray.shutdown()  # a session another test module opened, without the 2 GPUs
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=1, num_gpus=2, include_dashboard=False, log_to_driver=False)
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    yield ray
    if started:
        ray.shutdown()


@pytest.mark.slow
def test_pytorch_engine_with_tp_above_1_in_a_ray_worker_runs_its_ranks_as_child_processes_on_the_workers_gpus(ray_with_two_gpus):
    """LMDeploy's PyTorch engine runs tp > 1 on Ray actors of its own (lmdeploy/pytorch/engine/executor/__init__.py): in
    run_judges_ray's actor, holding its num_gpus, they would ask the cluster for tp GPUs more and wait 30 minutes for them."""
    ray = ray_with_two_gpus
    worker = ray.remote(max_calls=1, num_gpus=2)(_with_stand_in_lmdeploy)  # max_calls: the stand-in dies with it
    assert ray.get(worker.remote(_configs_of_each_case)) == {"tp=2": {"tp": 2, "distributed_executor_backend": "mp"}, "tp=1": {"tp": 1},
                                                             "older lmdeploy": {"tp": 2}, "LMDEPLOY_EXECUTOR_BACKEND=ray": {"tp": 2}}


@pytest.mark.slow
@pytest.mark.parametrize("num_gpus", [0, 1])
def test_pytorch_engine_with_tp_above_1_in_a_ray_worker_holding_fewer_gpus_leaves_lmdeploy_its_own_executor(ray_with_two_gpus, num_gpus):
    """num_gpus left out: the worker sees every GPU of its node, which Ray may have given to others; LMDeploy's own executor
    asks the cluster for tp of them."""
    ray = ray_with_two_gpus
    worker = ray.remote(max_calls=1, num_gpus=num_gpus)(_with_stand_in_lmdeploy)
    assert ray.get(worker.remote(lambda module: _pytorch_config(2))) == {"tp": 2}


@pytest.mark.slow
def test_pytorch_engine_with_tp_above_1_in_a_ray_driver_leaves_lmdeploy_its_own_executor_and_warns_of_nothing(
        ray_with_two_gpus, lmdeploy, capfd):
    """A script or notebook that started Ray (a driver, not a worker) builds the judge as outside Ray: Ray's get_task_id(),
    asked in a driver, logs 'This method is only available when the process is a worker'."""
    capfd.readouterr()  # Ray's own start-up lines
    config = _pytorch_config(2)
    printed = capfd.readouterr()
    assert config == {"tp": 2} and printed.out + printed.err == ""


def test_generation_is_greedy_and_seeded(lmdeploy, clips):
    judge = LMDeployJudge("m", seed=7, max_new_tokens=32)
    judge.judge(clips["a"])
    gen = lmdeploy.pipelines[0].calls[0]["gen_config"]
    assert type(gen).__name__ == "GenerationConfig"
    assert vars(gen) == {"max_new_tokens": 32, "top_k": 1, "random_seed": 7}


def test_no_adapter_is_named_without_adapters(lmdeploy, clips):
    LMDeployJudge("m").judge(clips["a"])
    assert lmdeploy.pipelines[0].calls[0]["adapter_name"] is None


def test_each_prompt_labels_frames_and_carries_one_single_tile_image_per_frame(lmdeploy, clips):
    from PIL import Image

    LMDeployJudge("m", num_frames=3).judge(clips["a"])
    [messages] = lmdeploy.pipelines[0].calls[0]["prompts"]
    assert [m["role"] for m in messages] == ["user"]
    text = text_of(messages)
    assert text.startswith("Frame1: <IMAGE_TOKEN>\nFrame2: <IMAGE_TOKEN>\nFrame3: <IMAGE_TOKEN>\n")
    assert "Not again." in text and "comma-separated list of emotion words" in text
    images = messages[0]["content"][1:]
    assert len(images) == 3 and all(item["type"] == "image_url" for item in images)
    assert all(item["image_url"]["max_dynamic_patch"] == 1 for item in images)
    header, data = images[0]["image_url"]["url"].split(",", 1)
    assert header == "data:image/jpeg;base64"
    assert Image.open(io.BytesIO(base64.b64decode(data))).size == (96, 72)


def test_a_numpy_max_dynamic_patch_reaches_lmdeploy_as_a_python_int(lmdeploy, clips):
    """LMDeploy's InternVL preprocessing ignores a max_dynamic_patch that is not an int: np.int64(2) meant the checkpoint's default tiles."""
    judge = LMDeployJudge("m", num_frames=1, max_dynamic_patch=np.int64(2))
    judge.judge(clips["a"])
    [image] = judge.pipe.calls[0]["prompts"][0][0]["content"][1:]
    assert type(image["image_url"]["max_dynamic_patch"]) is int and image["image_url"]["max_dynamic_patch"] == 2


@pytest.mark.parametrize("value", ["1", 1.0, 0, True])
def test_a_max_dynamic_patch_that_is_not_a_whole_number_of_tiles_is_refused_when_built(lmdeploy, value):
    with pytest.raises(InputError, match=f"max_dynamic_patch={value!r}: give a whole number of 448-pixel tiles"):
        LMDeployJudge("m", max_dynamic_patch=value)
    assert not lmdeploy.pipelines


def test_clips_are_sent_in_batches_of_batch_size(lmdeploy, clips):
    verdicts = LMDeployJudge("m", batch_size=2).judge_batch([clips["a"], clips["b"], clips["c"]])
    calls = lmdeploy.pipelines[0].calls
    assert [len(call["prompts"]) for call in calls] == [2, 1]
    assert [v.clip for v in verdicts] == ["a", "b", "c"]


def test_answers_become_verdict_words(lmdeploy, clips):
    verdict = LMDeployJudge("m", name="ivl").judge(clips["a"])
    assert (verdict.judge, verdict.clip, verdict.words, verdict.raw, verdict.error) == (
        "ivl", "a", ["happy", "relieved"], "Happy, relieved.", None
    )


def test_a_garbled_answer_is_an_error_verdict(lmdeploy, clips):
    judge = LMDeployJudge("m")
    judge.pipe.answer = lambda messages: "}}}} 0x3f 1234"
    verdict = judge.judge(clips["a"])
    assert verdict.words == [] and verdict.error.startswith("unparseable answer")


def test_a_corrupt_clip_fails_alone_and_is_never_sent(lmdeploy, clips):
    verdicts = LMDeployJudge("m", batch_size=4).judge_batch([clips["a"], clips["corrupt"], clips["b"]])
    assert "cannot decode" in verdicts[1].error
    assert verdicts[0].ok and verdicts[2].ok
    assert [len(call["prompts"]) for call in lmdeploy.pipelines[0].calls] == [2]


def test_a_failing_batch_is_retried_clip_by_clip(lmdeploy, clips):
    judge = LMDeployJudge("m", batch_size=3)

    def answer(messages):
        if "Not again." in text_of(messages):
            raise RuntimeError("image tensor shape mismatch")
        return "calm"

    judge.pipe.answer = answer
    verdicts = judge.judge_batch([clips["a"], clips["b"], clips["c"]])
    assert verdicts[0].error == "generation failed: RuntimeError: image tensor shape mismatch"
    assert [v.words for v in verdicts[1:]] == [["calm"], ["calm"]]
    assert [len(call["prompts"]) for call in judge.pipe.calls] == [3, 1, 1, 1]


def test_an_answer_cut_off_at_max_new_tokens_is_read_without_its_unfinished_last_word(lmdeploy, clips):
    """finish_reason "length" was ignored: "Happy, relieved, anx" gave the half word 'anx' as an emotion."""
    judge = LMDeployJudge("m")
    judge.pipe.answer = lambda messages: Response("Happy, relieved, anx", generate_token_len=48, finish_reason="length")
    verdict = judge.judge(clips["a"])
    assert (verdict.words, verdict.raw, verdict.error) == (["happy", "relieved"], "Happy, relieved, anx", None)


def test_an_answer_cut_off_before_any_whole_word_is_an_error_naming_max_new_tokens(lmdeploy, clips):
    judge = LMDeployJudge("m", max_new_tokens=2)
    judge.pipe.answer = lambda messages: Response("Happ", generate_token_len=2, finish_reason="length")
    verdict = judge.judge(clips["a"])
    assert verdict.words == [] and verdict.error.startswith("the answer was cut off at max_new_tokens=2 before any emotion word")


def test_a_prompt_that_fills_session_len_fails_the_clip_saying_to_raise_session_len(lmdeploy, clips):
    """LMDeploy answers '' with finish_reason "length" when the prompt leaves no room: it was 'not a chat model'."""
    judge = LMDeployJudge("m")
    judge.pipe.answer = lambda messages: Response("", generate_token_len=0, input_token_len=16500, finish_reason="length")
    verdict = judge.judge(clips["a"])
    assert verdict.error == ("generation failed: the prompt (16500 tokens) left no room to answer within LMDeploy's "
                             "session_len: raise session_len, or lower num_frames or max_dynamic_patch")


def test_a_prompt_that_filled_session_len_is_not_cached_so_a_rerun_with_a_larger_session_len_asks_again(lmdeploy, clips):
    # it was cached: session_len is no part of the cache identity, so raising it, as the error says, replayed the error
    judge = LMDeployJudge("m")
    judge.pipe.answer = lambda messages: Response("", generate_token_len=0, input_token_len=16500, finish_reason="length")
    assert judge.judge(clips["a"]).transient
    assert "session_len" not in json.dumps(LMDeployJudge("m", session_len=32768).cache_identity())


def test_a_prompt_longer_than_session_len_fails_the_clip_uncached_saying_to_raise_session_len(lmdeploy, clips):
    """LMDeploy (its own test_backend_config_session_len) answers such a prompt with finish_reason "error" and the text
    'internal error happened, status code ResponseType.INPUT_LENGTH_ERROR': that was a cached failure quoting it."""
    judge = LMDeployJudge("m")
    said = "internal error happened, status code ResponseType.INPUT_LENGTH_ERROR"
    judge.pipe.answer = lambda messages: Response(said, generate_token_len=0, input_token_len=16500, finish_reason="error")
    verdict = judge.judge(clips["a"])
    assert verdict.transient and verdict.raw == said
    assert verdict.error == ("generation failed: the prompt (16500 tokens) left no room to answer within LMDeploy's "
                             "session_len: raise session_len, or lower num_frames or max_dynamic_patch")


def test_an_engine_error_fails_the_clip_instead_of_being_read_as_its_emotion_words(lmdeploy, clips):
    """LMDeploy's 'internal error happened, ...' (finish_reason "error") was the verdict ['internal error happened']."""
    judge = LMDeployJudge("m", batch_size=2)
    said = "internal error happened, status code ResponseType.INTERNAL_ENGINE_ERROR"
    judge.pipe.answer = lambda messages: (
        Response(said, generate_token_len=0, finish_reason="error") if "Not again." in text_of(messages) else "calm"
    )
    failed, ok = judge.judge_batch([clips["a"], clips["b"]])
    assert failed.words == []
    assert failed.error == f"generation failed: LMDeploy ended it with finish_reason='error': {said}"
    assert ok.words == ["calm"] and len(judge.pipe.calls) == 1  # the other clip's answer stands, not asked again


def test_an_engine_error_is_not_cached_so_the_next_run_asks_again(lmdeploy, clips):
    # it was cached, though an engine fault is the engine's state, not the clip's answer (the openai judge's is not cached)
    judge = LMDeployJudge("m")
    judge.pipe.answer = lambda messages: Response("internal error happened, status code ResponseType.INTERNAL_ENGINE_ERROR",
                                                  generate_token_len=0, finish_reason="error")
    assert judge.judge(clips["a"]).transient


def test_an_aborted_generation_fails_the_clip_as_transient_so_it_is_asked_again(lmdeploy, clips):
    judge = LMDeployJudge("m")
    judge.pipe.answer = lambda messages: Response("", generate_token_len=0, finish_reason="abort")
    verdict = judge.judge(clips["a"])
    assert verdict.transient and verdict.error == "generation failed: LMDeploy ended it with finish_reason='abort': no message"


def test_describe_mode_sets_the_description(lmdeploy, clips):
    judge = LMDeployJudge("m", mode="describe")
    judge.pipe.answer = lambda messages: "She frowns and looks away."
    verdict = judge.judge(clips["a"])
    assert (verdict.words, verdict.description, verdict.error) == ([], "She frowns and looks away.", None)
    assert "describe the facial expressions" in text_of(judge.pipe.calls[0]["prompts"][0])


def test_a_chat_template_name_goes_to_the_pipeline(lmdeploy):
    LMDeployJudge("m", chat_template="internvl2_5")
    assert vars(lmdeploy.pipelines[0].options["chat_template_config"]) == {"model_name": "internvl2_5"}


def test_adapters_with_turbomind_are_an_input_error(lmdeploy):
    with pytest.raises(InputError, match='backend = "pytorch"'):
        LMDeployJudge("m", adapters={"mer": "/lora/mer"})


def test_an_adapter_not_listed_is_an_input_error(lmdeploy):
    with pytest.raises(InputError, match="adapter='x' is not among adapters"):
        LMDeployJudge("m", backend="pytorch", adapters={"mer": "/lora"}, adapter="x")


def test_several_adapters_need_one_named(lmdeploy):
    with pytest.raises(InputError, match="name the one to use"):
        LMDeployJudge("m", backend="pytorch", adapters={"a": "/a", "b": "/b"})


@pytest.mark.parametrize("options", [{"session_len": "16k"}, {"session_len": 0}, {"vision_batch_size": "8"}, {"vision_batch_size": 0}])
def test_engine_sizes_that_are_not_whole_numbers_are_refused_before_lmdeploy_is_started(lmdeploy, options):
    """session_len='16k' went to LMDeploy as it was: a traceback from TurboMind's config, or the PyTorch engine failing later."""
    name, value = next(iter(options.items()))
    with pytest.raises(InputError, match=f"{name}={value!r}: give .* a whole number >= 1"):
        LMDeployJudge("m", backend="pytorch", **options)
    assert not lmdeploy.pipelines


def test_numpy_engine_sizes_reach_lmdeploy_as_python_ints(lmdeploy):
    LMDeployJudge("m", tp=np.int64(2), session_len=np.int64(16384), vision_batch_size=np.int64(4))
    options = lmdeploy.pipelines[0].options
    assert [type(v) for v in (options["backend_config"].tp, options["backend_config"].session_len,
                              options["vision_config"].max_batch_size)] == [int, int, int]


def test_an_unknown_backend_is_an_input_error(lmdeploy):
    with pytest.raises(InputError, match="backend='vllm'"):
        LMDeployJudge("m", backend="vllm")


def test_cache_identity_names_model_backend_adapter_prompt_and_media(lmdeploy, tmp_path):
    (tmp_path / "config.json").write_text('{"model_type": "internvl_chat"}')
    identity = LMDeployJudge(tmp_path, backend="pytorch", adapters={"mer": "/lora/mer"}, num_frames=4).cache_identity()
    assert identity["model"] == str(tmp_path.resolve()) and identity["revision"].startswith("sha256:")
    assert (identity["backend"], identity["adapter"], identity["adapter_path"]) == ("pytorch", "mer", "/lora/mer")
    assert identity["prompt_version"] == PROMPT_VERSION
    assert identity["media"] == {"num_frames": 4, "sample_rate": None, "max_side": 448, "decoding": DECODING_VERSION}


def test_verdicts_cached_before_finish_reason_was_read_are_not_replayed(lmdeploy):
    assert LMDeployJudge("m").cache_identity()["reads_finish_reason"] is True


def test_close_closes_the_pipeline(lmdeploy):
    judge = LMDeployJudge("m")
    judge.close()
    assert lmdeploy.pipelines[0].closed and judge.pipe is None


def test_the_registry_builds_it_by_type_name(lmdeploy):
    judge = build_judge("lmdeploy", model="m", name="ivl", tp=2)
    assert isinstance(judge, LMDeployJudge) and judge.name == "ivl" and judge.modalities == {"video", "text"}


def test_without_lmdeploy_construction_fails_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "lmdeploy", None)  # import lmdeploy -> ImportError
    with pytest.raises(InputError, match=r"pip install -e '\.\[lmdeploy\]' in the merov-cojudge checkout, on a CUDA machine") as info:
        LMDeployJudge("m")
    assert "\n" not in str(info.value)


def test_cache_identity_changes_when_the_lora_adapter_is_retrained_in_place(lmdeploy, tmp_path):
    """The adapter's path alone replayed the old adapter's cached verdicts after retraining into the same folder."""
    adapter = tmp_path / "lora"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"r": 8}')
    (adapter / "adapter_model.safetensors").write_bytes(b"\x00" * 4096)
    before = LMDeployJudge("m", backend="pytorch", adapters={"mer": str(adapter)}).cache_identity()
    (adapter / "adapter_model.safetensors").write_bytes(b"\x01" * 4096)
    assert LMDeployJudge("m", backend="pytorch", adapters={"mer": str(adapter)}).cache_identity() != before


@pytest.mark.parametrize("backend", ["turbomind", "pytorch"])
def test_a_hub_model_is_downloaded_at_the_revision_its_cache_identity_names(lmdeploy, backend):
    """revision= was only written into the cache identity: LMDeploy downloaded the hub's latest weights under it."""
    judge = LMDeployJudge("OpenGVLab/InternVL2_5-8B", backend=backend, revision="0123abc")
    assert lmdeploy.pipelines[0].options["backend_config"].revision == "0123abc"
    assert judge.cache_identity()["revision"] == "0123abc"


def test_a_local_folder_gets_no_hub_revision(lmdeploy, tmp_path):
    LMDeployJudge(tmp_path, revision="my-label")
    assert not hasattr(lmdeploy.pipelines[0].options["backend_config"], "revision")


@pytest.mark.parametrize("options", [{"max_new_tokens": 0}, {"max_new_tokens": -5}, {"max_new_tokens": "48"}, {"seed": "x"}])
def test_generation_limits_that_every_clip_would_fail_on_are_refused_when_built(lmdeploy, options):
    """max_new_tokens=-5 or seed='x' failed (and cached) every clip's generation; 0 silently meant the default."""
    with pytest.raises(InputError, match=next(iter(options))):
        LMDeployJudge("m", **options)
    assert not lmdeploy.pipelines
