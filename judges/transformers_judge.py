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
``generate()`` stops at an end-of-sequence token of the checkpoint's generation
config or at ``max_new_tokens``; an answer that ran to the limit without one was
cut off, and is read without its unfinished last word ("happy, exci").
"""
from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judges.checkpoint_revision import checkpoint_revision
from judges.clip import Clip
from judges.errors import InputError
from judges.install_hints import install_hint
from judges.generative_judge import Answer, GenerativeJudge
from judges.media import Media, MediaSpec
from judges.registry import register_judge

__all__ = ["TransformersJudge"]

INSTALL_HINT = install_hint("hf")


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
class TransformersJudge(GenerativeJudge):
    """Judges clips with a local Hugging Face checkpoint (Qwen2-Audio, Qwen2-VL/2.5-VL, InternVL-hf).

    The model loads once, at construction, on CUDA in bfloat16 when a GPU is
    there, else on CPU in float32. A clip that cannot be judged (unreadable
    video, no audio for an audio model, an empty or unparseable answer) gets a
    verdict with ``error``; the other clips are still judged.

    >>> judge = TransformersJudge("/models/Qwen2-Audio-7B-Instruct", name="qwen-audio")  # doctest: +SKIP
    >>> judge.judge(Clip.from_path("clip.mp4")).words  # doctest: +SKIP
    ['frustrated', 'angry']
    """

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
        self.path = Path(model).expanduser().resolve()
        self.model_type = _model_type(self.path)
        self.family = _FAMILIES[self.model_type]
        self.hears = self.family.modality
        self.name = name or self.path.name
        if self.hears == "audio":  # the rate is the feature extractor's; 16 kHz for Whisper-style encoders
            spec = MediaSpec(num_frames=0, sample_rate=_feature_rate(self.path), max_side=None)
        else:
            spec = MediaSpec(num_frames=num_frames, sample_rate=None, max_side=max_side)
        self.setup(mode=mode, media_spec=spec, batch_size=batch_size, use_subtitle=use_subtitle)
        self.generation_limits(max_new_tokens, seed)
        self.revision = revision or checkpoint_revision(self.path)

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

    def prompt_for(self, clip: Clip, num_frames: int | None = None) -> str:
        """The full chat-formatted prompt, with one media placeholder per frame (or the audio)."""
        if self.hears == "audio":
            content: list[dict[str, Any]] = [{"type": "audio", "audio_url": str(clip.video)}]
        else:
            content = []
            for i in range(num_frames or self.media_spec.num_frames):
                content += [{"type": "text", "text": self.frame_label(i)}, {"type": "image"}]
        content.append({"type": "text", "text": self.instruction(clip)})
        messages = [{"role": "user", "content": content}]
        return self.processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def generate(self, items: list[tuple[Clip, Media]]) -> list[Answer]:
        torch = self._torch
        texts = [self.prompt_for(clip, len(media.frames)) for clip, media in items]
        if self.hears == "audio":
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
        texts = self.processor.batch_decode(new_tokens, skip_special_tokens=True)
        stops = _stop_ids(self.model.generation_config)
        ran_to_limit = new_tokens.shape[1] >= self.max_new_tokens
        return [
            Answer(text.strip(), cut=None if not stops else ran_to_limit and not stops.intersection(row.tolist()))
            for text, row in zip(texts, new_tokens)
        ]

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "model": str(self.path),
            "revision": self.revision,
            "max_new_tokens": self.max_new_tokens,
            "dtype": str(self.dtype).removeprefix("torch."),
            "seed": self.seed,
            "reads_cut_answers": True,  # verdicts cached before a cut answer lost its half word ('f' of "sad, f") are not replayed
        }

    def close(self) -> None:
        self.model = None
        if self.device.startswith("cuda"):
            self._torch.cuda.empty_cache()


def _stop_ids(generation_config: Any) -> set[int]:
    """The end-of-sequence token ids ``generate()`` stops at (an int or a list in the config); empty when none is set."""
    eos = getattr(generation_config, "eos_token_id", None)
    return {int(i) for i in (eos if isinstance(eos, (list, tuple)) else [eos]) if i is not None}


# -- loading helpers -------------------------------------------------------------


def _model_type(path: Path) -> str:
    config = path / "config.json"
    if not config.is_file():
        raise InputError(f"{path}: not a Hugging Face checkpoint folder (no config.json); give model= a local folder")
    model_type = _read_json(config).get("model_type")
    if model_type not in _FAMILIES:
        raise InputError(
            f"{path}: model_type {model_type!r} is not supported by the transformers judge; "
            f"supported: {', '.join(sorted(_FAMILIES))}"
        )
    return model_type


def _read_json(config: Path) -> dict[str, Any]:
    """A checkpoint's JSON settings file as a mapping; a one-line error naming the file when it is not one."""
    try:
        saved = json.loads(config.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{config}: not valid JSON ({exc}); re-download the checkpoint") from None
    if not isinstance(saved, dict):
        raise InputError(f"{config}: holds a JSON {type(saved).__name__}, not the settings object it should; re-download the checkpoint")
    return saved


def _feature_rate(path: Path) -> int:
    """The audio sampling rate the checkpoint's feature extractor expects (16 kHz unless it says otherwise)."""
    for name, key in (("preprocessor_config.json", None), ("processor_config.json", "feature_extractor")):
        config = path / name
        if config.is_file():
            saved = _read_json(config)
            section = saved.get(key) or {} if key else saved
            rate = section.get("sampling_rate")
            if isinstance(rate, int) and rate > 0:
                return rate
    return 16000


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
    try:
        kind = torch.device(device).type if isinstance(device, str) else None
    except RuntimeError:
        kind = None
    if kind not in ("cpu", "cuda", "mps"):
        raise InputError(f"device={device!r}: use 'auto', 'cpu', 'cuda' (or 'cuda:N') or 'mps'")
    if kind == "cuda" and not torch.cuda.is_available():
        raise InputError(f"device={device!r}: no CUDA GPU is visible; use device='cpu' or 'auto'")
    if kind == "mps" and not torch.backends.mps.is_available():
        raise InputError(f"device={device!r}: no Apple GPU (MPS) is available here; use device='cpu' or 'auto'")
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
