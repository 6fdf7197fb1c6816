"""A live judge served by LMDeploy: InternVL and any other LMDeploy vision-language model, on CUDA.

Follows LMDeploy's documented VLM pipeline: ``lmdeploy.pipeline(model,
backend_config=TurbomindEngineConfig(tp=...) | PytorchEngineConfig(tp=...,
adapters={...}), vision_config=VisionConfig(...))``, called on a batch of
OpenAI-style messages with a greedy ``GenerationConfig(top_k=1, random_seed=...)``.
Each clip's frames go in as images, introduced in the text as
``Frame1: <IMAGE_TOKEN>`` ... one tile each (``max_dynamic_patch=1``): the
InternVL video recipe. Each ``Response`` is read by its ``finish_reason``:
``"length"`` is an answer cut off at ``max_new_tokens`` (its last, maybe
half, word is dropped), or, with no text and no token generated, a prompt that
filled ``session_len``, as is ``"error"`` with LMDeploy's ``INPUT_LENGTH_ERROR``
(a prompt longer than ``session_len``); any other reason but ``"stop"`` (``"error"``,
``"abort"``) fails the clip with LMDeploy's message instead of reading that
message as the answer, not cached (the engine's state, not the clip's answer). In a Ray worker holding ``tp`` GPUs (``run_judges_ray``'s
actor, ``num_gpus = tp``) the PyTorch engine runs ``tp`` > 1 as child processes (``distributed_executor_backend=
"mp"``), not as Ray actors of its own asking the cluster for more GPUs. lmdeploy is imported when the judge is built, so the
rest of the package works without it. Written against InternLM/lmdeploy's
main branch as read for this judge: ``lmdeploy/messages.py`` (``Response``,
the configs), ``lmdeploy/pipeline.py``, ``lmdeploy/serve/core/async_engine.py``
(``GenOut``: finish reasons ``"error"`` and ``"abort"`` besides the documented
two) and the video example of ``docs/en/multi_modal/internvl.md``.
"""
from __future__ import annotations

import base64
import inspect
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from judges.clip import Clip
from judges.errors import InputError
from judges.install_hints import install_hint
from judges.generative_judge import Answer, GenerativeJudge
from judges.media import Media, MediaSpec, encode_image
from judges.registry import register_judge
from judges.checkpoint_revision import checkpoint_revision
from judges.option_values import is_whole_number

__all__ = ["LMDeployJudge"]

BACKENDS = ("turbomind", "pytorch")
INSTALL_HINT = install_hint("lmdeploy") + ", on a CUDA machine"


@register_judge("lmdeploy")
class LMDeployJudge(GenerativeJudge):
    """Judges clips with a vision-language model served by LMDeploy (TurboMind or PyTorch engine).

    ``adapters`` (name -> LoRA folder) need the PyTorch engine; ``adapter``
    picks the one to answer with (the only one, if there is one). A clip that
    cannot be judged gets a verdict with ``error``; the others are still judged.

    >>> judge = LMDeployJudge("/models/InternVL2_5-8B", tp=2, num_frames=8)  # doctest: +SKIP
    >>> judge.judge(Clip.from_path("clip.mp4")).words  # doctest: +SKIP
    ['worried', 'anxious']
    """

    hears = "video"

    def __init__(
        self,
        model: str | Path,
        name: str | None = None,
        mode: str = "labels",
        backend: str = "turbomind",
        tp: int = 1,
        adapters: Mapping[str, str] | None = None,
        adapter: str | None = None,
        num_frames: int = 8,
        max_side: int | None = 448,
        max_dynamic_patch: int = 1,
        max_new_tokens: int | None = None,
        seed: int = 0,
        batch_size: int = 8,
        session_len: int | None = None,
        vision_batch_size: int = 8,
        chat_template: str | None = None,
        use_subtitle: bool = True,
        revision: str | None = None,
    ):
        local = Path(model).expanduser()
        self.model = str(local.resolve()) if local.exists() else str(model)  # a folder, or a hub id
        self.name = name or Path(self.model).name
        self.setup(
            mode=mode,
            media_spec=MediaSpec(num_frames=num_frames, sample_rate=None, max_side=max_side),
            batch_size=batch_size,
            use_subtitle=use_subtitle,
        )
        if backend not in BACKENDS:
            raise InputError(f"backend={backend!r}: use one of {', '.join(BACKENDS)}")
        if not is_whole_number(tp) or tp < 1:
            raise InputError(f"tp={tp!r}: give the number of GPUs for tensor parallelism (a whole number >= 1)")
        # checked here, as tp: a plain-dataclass config (PytorchEngineConfig, VisionConfig) takes any value, and the engine
        # fails on it deep inside; TurboMind's pydantic config fails with a traceback
        if session_len is not None and (not is_whole_number(session_len) or session_len < 1):
            raise InputError(f"session_len={session_len!r}: give the context length in tokens, a whole number >= 1 "
                             "(e.g. 16384), or leave it out for the model's own")
        if not is_whole_number(vision_batch_size) or vision_batch_size < 1:
            raise InputError(f"vision_batch_size={vision_batch_size!r}: give the number of images the vision model "
                             "encodes at once, a whole number >= 1, e.g. 8")
        self.backend = backend
        self.tp = int(tp)
        self.adapters = dict(adapters or {})
        self.adapter = _pick_adapter(self.adapters, adapter, backend)
        self.adapter_revision = _adapter_revision(self.adapters.get(self.adapter)) if self.adapter else None
        # LMDeploy's InternVL preprocessing takes an image's max_dynamic_patch only if it is a Python int: "1", 1.0 or a
        # NumPy 1 silently fell back to the checkpoint's config.max_dynamic_patch tiles a frame (lmdeploy/vl/model/internvl.py)
        if not is_whole_number(max_dynamic_patch) or max_dynamic_patch < 1:
            raise InputError(f"max_dynamic_patch={max_dynamic_patch!r}: give a whole number of 448-pixel tiles per frame >= 1, "
                             "e.g. 1 (the InternVL video recipe)")
        self.max_dynamic_patch = int(max_dynamic_patch)
        self.generation_limits(max_new_tokens, seed)
        config = local / "config.json"
        self.revision = revision or (checkpoint_revision(local.resolve()) if config.is_file() else "unpinned")

        lmdeploy, self.image_token = _import_lmdeploy()
        engine: dict[str, Any] = {"tp": self.tp}
        if session_len is not None:
            engine["session_len"] = int(session_len)
        if revision is not None and not local.exists():  # a hub id: LMDeploy downloads the revision the cache is keyed on
            engine["revision"] = revision
        if backend == "pytorch":
            if self.tp > 1 and _ray_worker_gpus() >= self.tp and _takes(lmdeploy.PytorchEngineConfig, "distributed_executor_backend") \
                    and not os.environ.get("LMDEPLOY_EXECUTOR_BACKEND"):
                # LMDeploy's PyTorch engine runs tp > 1 on Ray actors of its own by default (its executor's choice on
                # CUDA): in a Ray worker holding tp GPUs (run_judges_ray's actor, num_gpus = tp) they would ask the cluster
                # for tp GPUs more, and wait for them up to 30 minutes; as child processes ("mp", which older LMDeploy
                # picked itself for a process that sees tp GPUs) they use this worker's own. A worker holding fewer (num_gpus
                # left out) sees every GPU of its node, Ray's to give to others: its own executor asks the cluster for them
                engine["distributed_executor_backend"] = "mp"
            backend_config = lmdeploy.PytorchEngineConfig(**engine, **({"adapters": self.adapters} if self.adapters else {}))
        else:
            backend_config = lmdeploy.TurbomindEngineConfig(**engine)
        options: dict[str, Any] = {
            "backend_config": backend_config,
            "vision_config": lmdeploy.VisionConfig(max_batch_size=int(vision_batch_size)),
        }
        if chat_template is not None:
            options["chat_template_config"] = lmdeploy.ChatTemplateConfig(model_name=chat_template)
        self.pipe = lmdeploy.pipeline(self.model, **options)
        self.gen_config = lmdeploy.GenerationConfig(max_new_tokens=self.max_new_tokens, top_k=1, random_seed=seed)

    def messages_for(self, clip: Clip, media: Media) -> list[dict[str, Any]]:
        """One user turn: the frame-labelled text, then one image per frame as a JPEG data URL."""
        text = "".join(f"{self.frame_label(i)}{self.image_token}\n" for i in range(len(media.frames)))
        content: list[dict[str, Any]] = [{"type": "text", "text": text + self.instruction(clip)}]
        for frame in media.frames:
            url = "data:image/jpeg;base64," + base64.b64encode(encode_image(frame, "jpeg", quality=95)).decode("ascii")
            content.append({"type": "image_url", "image_url": {"max_dynamic_patch": self.max_dynamic_patch, "url": url}})
        return [{"role": "user", "content": content}]

    def generate(self, items: list[tuple[Clip, Media]]) -> list[Answer]:
        batch = [self.messages_for(clip, media) for clip, media in items]
        options: dict[str, Any] = {"gen_config": self.gen_config}
        if self.adapter is not None:
            options["adapter_name"] = self.adapter
        responses = self.pipe(batch, **options)
        return [self.answer_of(response) for response in responses]

    def answer_of(self, response: Any) -> Answer:
        """One LMDeploy ``Response`` read by its ``finish_reason`` (see the module's docstring)."""
        text = response.text or ""
        reason = getattr(response, "finish_reason", None)
        if _prompt_too_long(text, reason, getattr(response, "generate_token_len", 0)):
            tokens = getattr(response, "input_token_len", None)
            prompt = f"the prompt ({tokens} tokens)" if tokens else "the prompt"
            # not cached (transient): session_len is no part of the cache identity, so a rerun after raising it asks again
            return Answer(text, failure=f"{prompt} left no room to answer within LMDeploy's session_len: raise "
                                        "session_len, or lower num_frames or max_dynamic_patch", transient=True)
        if reason not in (None, "stop", "length"):
            said = " ".join(text.split())[:200] or "no message"
            # an engine fault or a cancelled request is the engine's state, not the clip's answer: not cached, as the
            # openai judge's "error" and "abort"
            return Answer(text, failure=f"LMDeploy ended it with finish_reason={reason!r}: {said}",
                          transient=reason in ("error", "abort"))
        return Answer(text, cut=None if reason is None else reason == "length")

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "model": self.model,
            "revision": self.revision,
            "backend": self.backend,
            "adapter": self.adapter,
            "adapter_path": self.adapters.get(self.adapter) if self.adapter else None,
            "adapter_revision": self.adapter_revision,
            "max_dynamic_patch": self.max_dynamic_patch,
            "max_new_tokens": self.max_new_tokens,
            "seed": self.seed,
            # verdicts cached before finish_reason was read (a cut word, an engine error's text as words) are not replayed
            "reads_finish_reason": True,
        }

    def close(self) -> None:
        pipe, self.pipe = getattr(self, "pipe", None), None
        if pipe is not None and hasattr(pipe, "close"):
            pipe.close()


def _prompt_too_long(text: str, reason: str | None, generated: int) -> bool:
    """Whether LMDeploy ended a generation because the prompt did not fit ``session_len``: an empty ``"length"`` with no
    token generated (the prompt and ``max_new_tokens`` past it), or ``"error"`` with its ``INPUT_LENGTH_ERROR`` status
    (the prompt alone past it: "internal error happened, status code ResponseType.INPUT_LENGTH_ERROR")."""
    if reason == "length":
        return not text.strip() and not generated
    return reason == "error" and "INPUT_LENGTH_ERROR" in text


def _pick_adapter(adapters: dict[str, str], adapter: str | None, backend: str) -> str | None:
    if adapters and backend != "pytorch":
        raise InputError("LoRA adapters need the PyTorch engine: set backend = \"pytorch\" (TurboMind has no adapters)")
    if adapter is None:
        if len(adapters) > 1:
            raise InputError(f"several adapters ({', '.join(sorted(adapters))}): name the one to use with adapter=")
        return next(iter(adapters), None)
    if adapter not in adapters:
        known = ", ".join(sorted(adapters)) or "none given"
        raise InputError(f"adapter={adapter!r} is not among adapters ({known}); add it as adapters.{adapter} = \"/path\"")
    return adapter


def _adapter_revision(path: str | None) -> str | None:
    """A local LoRA folder's revision (retrained in place, it must not replay old verdicts); None for a hub id."""
    folder = Path(path).expanduser() if path else None
    if folder is None or not (folder / "adapter_config.json").is_file():
        return None
    return checkpoint_revision(folder.resolve(), config="adapter_config.json")


def _ray_worker_gpus() -> int:
    """The GPUs Ray gave this process if it is a Ray task's or actor's worker (its ``num_gpus``); 0 in a driver, or in a
    process without Ray imported."""
    ray = sys.modules.get("ray")
    if ray is None or not ray.is_initialized():
        return 0
    context = ray.get_runtime_context()
    if getattr(context.worker, "mode", None) != ray.WORKER_MODE:  # a driver, whose get_task_id() would log a warning
        return 0
    return len(ray.get_gpu_ids()) if context.get_task_id() is not None else 0


def _takes(config: Any, field: str) -> bool:
    """Whether LMDeploy's config class takes the keyword ``field`` (a field newer releases added)."""
    try:
        return field in inspect.signature(config).parameters
    except (TypeError, ValueError):
        return False


def _import_lmdeploy() -> tuple[Any, str]:
    try:
        import lmdeploy
        from lmdeploy.vl.constants import IMAGE_TOKEN
    except ImportError:
        raise InputError(f"the lmdeploy judge needs LMDeploy, which is not installed: {INSTALL_HINT}") from None
    return lmdeploy, IMAGE_TOKEN
