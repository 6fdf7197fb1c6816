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
A clip whose prompt (frames or audio, instruction, subtitle) leaves less than
``max_new_tokens`` of the model's context (``max_position_embeddings`` of
``config.json``, stretched by its rope scaling: :func:`context_limit`) fails
before generating: past it the model answers garbage, with no error.
"""
from __future__ import annotations

import inspect
import itertools
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
from judges.option_values import is_number, is_whole_number
from judges.registry import register_judge

__all__ = ["TransformersJudge", "context_limit"]

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
    video, no audio for an audio model, a prompt that leaves no room for
    ``max_new_tokens`` in the model's context, an empty or unparseable answer)
    gets a verdict with ``error``; the other clips are still judged.

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
        config = _checkpoint_config(self.path)
        self.model_type = _model_type(self.path, config)
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
        self.context = context_limit(config)

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
        too_long = self._too_long(items, inputs)
        if too_long:  # those clips fail; the others of the batch are prompted again without them
            fit = [i for i in range(len(items)) if i not in too_long]
            answers = too_long | (dict(zip(fit, self.generate([items[i] for i in fit]))) if fit else {})
            return [answers[i] for i in range(len(items))]
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

    def _too_long(self, items: list[tuple[Clip, Media]], inputs: Any) -> dict[int, Answer]:
        """The failures, by position in ``items``, of the prompts that leave less than ``max_new_tokens`` of the context.

        A prompt's length is what :meth:`_prompt_lengths` counts once the processor has put each frame's (or the
        audio's) tokens in. Not cached (transient), as LMDeploy's ``session_len`` failure: the limit is read from
        ``config.json``, which the cache identity's revision leaves out when it is a hub snapshot's commit or given as
        ``revision``, so raising it there (Qwen's advice for long inputs) must ask again; checking costs no generation.
        """
        if self.context is None:  # the checkpoint states no limit
            return {}
        limit, source = self.context
        size = ("takes {} positions (M-RoPE: a frame takes as many as its longest side's patches)"
                if self.model_type in _MROPE else "is {} tokens")
        failures = {}
        for i, ((clip, _), length) in enumerate(zip(items, self._prompt_lengths(items, inputs))):
            if length + self.max_new_tokens > limit:
                failures[i] = Answer("", failure=(
                    f"the prompt {size.format(length)}, and with max_new_tokens={self.max_new_tokens} it runs past the "
                    f"model's context of {limit} ({source}); {self._shorter(clip, length, limit)} "
                    "(not cached, the next run asks again)"), transient=True)
        return failures

    def _prompt_lengths(self, items: list[tuple[Clip, Media]], inputs: Any) -> list[int]:
        """How much of the context each prompt of the batch takes: its tokens, padding left out; for Qwen2-VL and
        Qwen2.5-VL its positions, which M-RoPE gives a frame fewer of.

        M-RoPE numbers a frame's t x h x w merged patches by (time, row, column), so the frame spans max(t, h, w)
        positions, not t * h * w, and the text after it goes on from there (as the model's ``get_rope_index``; a 1080p
        frame at Qwen2-VL's own pixel limits is 2,691 tokens at 69 positions). Positions, not tokens, are what
        ``max_position_embeddings`` bounds.
        """
        mask = inputs.get("attention_mask")
        lengths = mask.sum(dim=1).tolist() if mask is not None else [inputs["input_ids"].shape[1]] * len(items)
        if self.model_type in _MROPE:
            merge = self.processor.image_processor.merge_size
            grids = iter(inputs["image_grid_thw"].tolist())  # every frame of the batch, in order
            for row, (_, media) in enumerate(items):
                for t, h, w in itertools.islice(grids, len(media.frames)):
                    lengths[row] -= t * (h // merge) * (w // merge) - max(t, h // merge, w // merge)
        return lengths

    def _shorter(self, clip: Clip, length: int, limit: int) -> str:
        """How to make ``clip``'s prompt of ``length`` fit ``limit``: the settings that shorten it here, and
        ``max_new_tokens`` only when the prompt alone leaves room for an answer."""
        fixes = []
        if self.hears == "video":
            fixes.append(f"num_frames={self.media_spec.num_frames}")
            if self.model_type != "internvl":  # InternVL resizes every frame to one size: max_side changes no count
                max_side = self.media_spec.max_side
                fixes.append(f"max_side={max_side}" if max_side is not None else "max_side (unset: frames keep their size)")
        if length < limit:
            fixes.append(f"max_new_tokens={self.max_new_tokens} (to {limit - length} at most)")
        hints = [f"lower {', '.join(fixes[:-1])} or {fixes[-1]}" if len(fixes) > 1 else f"lower {fixes[0]}"] if fixes else []
        if self.mode == "labels" and self.use_subtitle and clip.subtitle:
            hints.append("shorten the subtitle (use_subtitle=false leaves it out)")
        return ", or ".join(hints) or "nothing of this judge's settings shortens it: use a checkpoint with a longer context"

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


#: Families whose M-RoPE numbers a frame's tokens by (time, row, column): the frame takes fewer positions than tokens.
_MROPE = frozenset({"qwen2_vl", "qwen2_5_vl"})

#: Rope types whose config states the stretched context as max_position_embeddings (factor: how far it was stretched).
_STRETCHED_ALREADY = frozenset({"llama3", "longrope", "su"})


def context_limit(config: dict[str, Any]) -> tuple[int, str] | None:
    """The most positions (prompt and answer) the checkpoint's text model takes, and where it was read; None if unstated.

    The text model's settings are ``text_config`` (Qwen2-Audio, InternVL-hf, Qwen2-VL saved by transformers 5) when
    the config has one, else its top level (Qwen2-VL, Qwen2.5-VL as published), as transformers reads them. Rope
    scaling stretches the context by its ``factor`` as transformers applies it: linear and dynamic scale
    ``max_position_embeddings``, YaRN ``original_max_position_embeddings`` (``max_position_embeddings`` when absent);
    llama3 and longrope configs state the stretched length already. The larger of the stretched length and
    ``max_position_embeddings`` counts, so no prompt the config allows is refused.

    >>> context_limit({"max_position_embeddings": 32768, "rope_scaling": {"type": "yarn", "factor": 4}})
    (131072, 'config.json: max_position_embeddings 32768 x4, yarn rope scaling')
    """
    where = "text_config" if isinstance(config.get("text_config"), dict) else None
    section = config[where] if where else config
    positions = section.get("max_position_embeddings")
    if not is_whole_number(positions) or positions < 1:
        return None
    prefix = f"config.json: {where}." if where else "config.json: "
    stated = (int(positions), f"{prefix}max_position_embeddings {positions}")
    rope = section.get("rope_parameters") or section.get("rope_scaling")  # transformers 5 saves the first, 4 the second
    rope = rope if isinstance(rope, dict) else {}
    kind, factor = rope.get("rope_type") or rope.get("type"), rope.get("factor")
    if kind in _STRETCHED_ALREADY or not is_number(factor) or factor <= 1:
        return stated
    base, base_name = int(positions), "max_position_embeddings"
    if kind == "yarn":  # transformers takes the text config's own original (where Phi-3 keeps it) over the rope's
        original = section.get("original_max_position_embeddings", rope.get("original_max_position_embeddings"))
        if is_whole_number(original) and original > 0:
            base, base_name = int(original), "original_max_position_embeddings"
    stretched = int(base * factor)
    if stretched <= positions:
        return stated
    return stretched, f"{prefix}{base_name} {base} x{factor:g}, {kind} rope scaling"


# -- loading helpers -------------------------------------------------------------


def _checkpoint_config(path: Path) -> dict[str, Any]:
    """The checkpoint folder's ``config.json`` (its family, its context), or a one-line error when there is none."""
    config = path / "config.json"
    if not config.is_file():
        raise InputError(f"{path}: not a Hugging Face checkpoint folder (no config.json); give model= a local folder")
    return _read_json(config)


def _model_type(path: Path, config: dict[str, Any]) -> str:
    """The checkpoint's ``model_type``, one the judge supports, or a one-line error listing them."""
    model_type = config.get("model_type")
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
