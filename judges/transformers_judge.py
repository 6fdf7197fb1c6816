"""A live judge running a Hugging Face checkpoint from a local folder (no hub downloads).

Families, detected from ``config.json``'s ``model_type``:

* Qwen2-Audio (``qwen2_audio``): hears the clip's audio track.
* Qwen2-VL, Qwen2.5-VL, InternVL-hf (``qwen2_vl``, ``qwen2_5_vl``, ``internvl``):
  see ``num_frames`` uniformly sampled frames, passed as images labelled
  ``Frame1: <image> Frame2: <image> ...`` (the InternVL video recipe).

Mode ``"labels"`` asks for emotion words directly (:data:`judges.prompts.DIRECT_LABELS`,
with the subtitle when the clip has one); mode ``"describe"`` asks for a clue
description (``DESCRIBE_VIDEO`` / ``DESCRIBE_AUDIO``) and leaves ``words`` empty, so
the judge can be stage one of a two-stage judge. Generation is greedy and seeded.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judges import prompts
from judges.answer_parsing import words_from_answer
from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.media import Media, MediaSpec
from judges.registry import register_judge
from judges.verdict import Verdict

__all__ = ["TransformersJudge"]

MODES = ("labels", "describe")
INSTALL_HINT = "pip install merov-cojudge[hf]"


@dataclass(frozen=True)
class _Family:
    """How one model family is loaded and fed."""

    modality: str  # "audio" or "video"
    model_class: str  # a transformers class name
    processor_class: str


_FAMILIES: dict[str, _Family] = {
    "qwen2_audio": _Family("audio", "Qwen2AudioForConditionalGeneration", "Qwen2AudioProcessor"),
    "qwen2_vl": _Family("video", "AutoModelForImageTextToText", "Qwen2VLProcessor"),
    "qwen2_5_vl": _Family("video", "AutoModelForImageTextToText", "Qwen2_5_VLProcessor"),
    "internvl": _Family("video", "AutoModelForImageTextToText", "InternVLProcessor"),
}


@register_judge("transformers")
class TransformersJudge(Judge):
    """Judges clips with a local Hugging Face checkpoint (Qwen2-Audio, Qwen2-VL/2.5-VL, InternVL-hf).

    The model loads once, at construction, on CUDA in bfloat16 when a GPU is
    there, else on CPU in float32. A clip that cannot be judged (unreadable
    video, no audio for an audio model, an empty or unparseable answer) gets a
    verdict with ``error``; the other clips are still judged.

    >>> judge = TransformersJudge("/models/Qwen2-Audio-7B-Instruct", name="qwen-audio")  # doctest: +SKIP
    >>> judge.judge(Clip.from_path("clip.mp4")).words  # doctest: +SKIP
    ['frustrated', 'angry']
    """

    concurrency = "process"

    def __init__(
        self,
        model: str | Path,
        name: str | None = None,
        mode: str = "labels",
        num_frames: int = 8,
        max_side: int | None = 448,
        max_new_tokens: int | None = None,
        device: str = "auto",
        dtype: str = "auto",
        seed: int = 0,
        batch_size: int = 1,
        use_subtitle: bool = True,
        revision: str | None = None,
    ):
        if mode not in MODES:
            raise InputError(f"mode={mode!r}: use one of {', '.join(MODES)}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise InputError(f"batch_size={batch_size!r}: give a whole number >= 1")
        self.path = Path(model).expanduser().resolve()
        self.model_type = _model_type(self.path)
        self.family = _FAMILIES[self.model_type]
        if self.family.modality == "video" and (not isinstance(num_frames, int) or num_frames < 1):
            raise InputError(f"num_frames={num_frames!r}: a vision model needs at least 1 frame")
        self.name = name or self.path.name
        self.mode = mode
        self.max_new_tokens = max_new_tokens or (48 if mode == "labels" else 256)
        self.seed = seed
        self.batch_size = batch_size
        self.use_subtitle = use_subtitle
        self.revision = revision or _revision(self.path)
        self.modalities = frozenset({self.family.modality} | ({"text"} if mode == "labels" and use_subtitle else set()))

        torch, transformers = _import_backend()
        self._torch = torch
        self.device = _pick_device(torch, device)
        self.dtype = _pick_dtype(torch, dtype, self.device)
        self.processor = _load_processor(transformers, self.path, self.family)
        tokenizer = self.processor.tokenizer
        tokenizer.padding_side = "left"  # batched generation continues every row at its end
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token
        model_cls = getattr(transformers, self.family.model_class)
        self.model = model_cls.from_pretrained(str(self.path), dtype=self.dtype).to(self.device).eval()
        if self.family.modality == "audio":
            rate = int(getattr(self.processor.feature_extractor, "sampling_rate", 16000))
            self.media_spec = MediaSpec(num_frames=0, sample_rate=rate, max_side=None)
        else:
            self.media_spec = MediaSpec(num_frames=num_frames, sample_rate=None, max_side=max_side)

    # -- prompts ---------------------------------------------------------------

    def instruction(self, clip: Clip) -> str:
        """The task text for ``clip`` (mode and subtitle decide it)."""
        if self.mode == "describe":
            return prompts.DESCRIBE_AUDIO if self.family.modality == "audio" else prompts.DESCRIBE_VIDEO
        subtitle = clip.subtitle if self.use_subtitle else None
        return prompts.render(prompts.DIRECT_LABELS, subtitle=subtitle)

    def prompt_for(self, clip: Clip, num_frames: int | None = None) -> str:
        """The full chat-formatted prompt, with one media placeholder per frame (or the audio)."""
        if self.family.modality == "audio":
            content: list[dict[str, Any]] = [{"type": "audio", "audio_url": str(clip.video)}]
        else:
            content = []
            for i in range(num_frames or self.media_spec.num_frames):
                content += [{"type": "text", "text": f"Frame{i + 1}: "}, {"type": "image"}]
        content.append({"type": "text", "text": self.instruction(clip)})
        messages = [{"role": "user", "content": content}]
        return self.processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    # -- judging ---------------------------------------------------------------

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        verdicts: list[Verdict | None] = [None] * len(clips)
        ready: list[tuple[int, Clip, Media]] = []
        for i, clip in enumerate(clips):
            start = time.perf_counter()
            try:
                ready.append((i, clip, self._decode(clip)))
            except InputError as exc:
                verdicts[i] = Verdict.failed(self.name, clip.name, str(exc), seconds=time.perf_counter() - start)
        for at in range(0, len(ready), self.batch_size):
            chunk = ready[at:at + self.batch_size]
            for (i, _, _), verdict in zip(chunk, self._judge_chunk(chunk)):
                verdicts[i] = verdict
        return [v for v in verdicts if v is not None]

    def _decode(self, clip: Clip) -> Media:
        if clip.video is None:
            raise InputError(f"{clip.name}: no video file; this judge needs the clip's media")
        media = self.media_spec.decode(clip.video)
        if self.family.modality == "audio" and (media.audio is None or media.audio.size == 0):
            raise InputError(f"{clip.video}: no audio stream; an audio model needs a clip with sound")
        if self.family.modality == "video" and not media.frames:
            raise InputError(f"{clip.video}: no video stream; a vision model needs a clip with frames")
        return media

    def _judge_chunk(self, chunk: list[tuple[int, Clip, Media]]) -> list[Verdict]:
        start = time.perf_counter()
        try:
            texts = self._generate([(clip, media) for _, clip, media in chunk])
        except Exception as exc:  # a model failure on one batch must not sink the run
            if len(chunk) > 1:  # find the clip at fault: judge them one by one
                return [v for item in chunk for v in self._judge_chunk([item])]
            _, clip, _ = chunk[0]
            message = f"generation failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            return [Verdict.failed(self.name, clip.name, message, seconds=time.perf_counter() - start)]
        seconds = (time.perf_counter() - start) / len(chunk)
        return [self._verdict(clip.name, text, seconds) for (_, clip, _), text in zip(chunk, texts)]

    def _generate(self, items: list[tuple[Clip, Media]]) -> list[str]:
        torch = self._torch
        texts = [self.prompt_for(clip, len(media.frames)) for clip, media in items]
        if self.family.modality == "audio":
            inputs = self.processor(
                text=texts,
                audio=[media.audio for _, media in items],
                sampling_rate=self.media_spec.sample_rate,
                padding=True,
                return_tensors="pt",
            )
        else:
            extra = {"crop_to_patches": False} if self.model_type == "internvl" else {}  # one tile per frame
            inputs = self.processor(
                text=texts, images=[media.images() for _, media in items], padding=True, return_tensors="pt", **extra
            )
        inputs = inputs.to(self.device)
        for key, value in inputs.items():
            if torch.is_floating_point(value):
                inputs[key] = value.to(self.dtype)
        torch.manual_seed(self.seed)
        with torch.inference_mode():
            out = self.model.generate(
                **inputs,
                do_sample=False,
                max_new_tokens=self.max_new_tokens,
                pad_token_id=self.processor.tokenizer.pad_token_id,
            )
        new_tokens = out[:, inputs["input_ids"].shape[1]:]
        return [t.strip() for t in self.processor.batch_decode(new_tokens, skip_special_tokens=True)]

    def _verdict(self, clip: str, text: str, seconds: float) -> Verdict:
        if self.mode == "describe":
            if not text:
                return Verdict.failed(self.name, clip, "empty description", seconds=seconds)
            return Verdict(judge=self.name, clip=clip, raw=text, description=text, seconds=seconds)
        words, error = words_from_answer(text)
        return Verdict(judge=self.name, clip=clip, words=words, raw=text, seconds=seconds, error=error)

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "model": str(self.path),
            "revision": self.revision,
            "mode": self.mode,
            "prompt_version": prompts.PROMPT_VERSION,
            "media": self.media_spec.as_dict(),
            "max_new_tokens": self.max_new_tokens,
            "dtype": str(self.dtype).removeprefix("torch."),
            "seed": self.seed,
            "use_subtitle": self.use_subtitle,
        }

    def close(self) -> None:
        self.model = None
        if self.device.startswith("cuda"):
            self._torch.cuda.empty_cache()


# -- loading helpers -------------------------------------------------------------


def _model_type(path: Path) -> str:
    config = path / "config.json"
    if not config.is_file():
        raise InputError(f"{path}: not a Hugging Face checkpoint folder (no config.json); give model= a local folder")
    try:
        model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{config}: not valid JSON ({exc}); re-download the checkpoint") from None
    if model_type not in _FAMILIES:
        raise InputError(
            f"{path}: model_type {model_type!r} is not supported by the transformers judge; "
            f"supported: {', '.join(sorted(_FAMILIES))}"
        )
    return model_type


def _revision(path: Path) -> str:
    """The hub commit for a cached snapshot, else a hash of config.json and the weight files' names and sizes."""
    snapshot = re.search(r"snapshots/([0-9a-f]{40})(/|$)", path.as_posix())
    if snapshot:
        return snapshot.group(1)
    digest = hashlib.sha256((path / "config.json").read_bytes())
    for weights in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        digest.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return "sha256:" + digest.hexdigest()[:16]


def _import_backend() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise InputError(f"the transformers judge needs torch and transformers ({exc.name} is missing): {INSTALL_HINT}") from None
    return torch, transformers


def _pick_device(torch: Any, device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise InputError(f"device={device!r}: no CUDA GPU is visible; use device='cpu' or 'auto'")
    return device


def _pick_dtype(torch: Any, dtype: str, device: str) -> Any:
    if dtype == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    value = getattr(torch, dtype, None)
    if not isinstance(value, torch.dtype):
        raise InputError(f"dtype={dtype!r}: use 'auto', 'float32', 'bfloat16' or 'float16'")
    return value


def _load_processor(transformers: Any, path: Path, family: _Family) -> Any:
    """``AutoProcessor``; for vision models without torchvision, the same processor minus its video part.

    Recent transformers versions need torchvision for a VLM processor's video
    sub-processor even when only images are passed; frames go in as images
    here, so the processor is rebuilt from the tokenizer and the (PIL-backed)
    image processor with no video processor.
    """
    from transformers.utils import is_torchvision_available

    if family.modality != "video" or is_torchvision_available():
        return transformers.AutoProcessor.from_pretrained(str(path))
    base = getattr(transformers, family.processor_class)

    class _ImagesOnlyProcessor(base):  # type: ignore[misc, valid-type]
        def check_argument_for_proper_class(self, argument_name: str, argument: Any) -> Any:
            if argument is None:  # the absent video processor
                return None
            return super().check_argument_for_proper_class(argument_name, argument)

    tokenizer = transformers.AutoTokenizer.from_pretrained(str(path))
    image_processor = transformers.AutoImageProcessor.from_pretrained(str(path))
    options = {}
    config = path / "processor_config.json"
    if config.is_file():
        accepted = inspect.signature(base.__init__).parameters
        saved = json.loads(config.read_text(encoding="utf-8"))
        options = {k: v for k, v in saved.items() if k in accepted and k not in ("image_processor", "tokenizer", "video_processor")}
    options.setdefault("chat_template", tokenizer.chat_template)
    return _ImagesOnlyProcessor(image_processor=image_processor, tokenizer=tokenizer, video_processor=None, **options)
