"""TransformersJudge on tiny random-weight Qwen2-Audio, Qwen2-VL and InternVL checkpoints built here.

Each checkpoint is built from a config, saved as a real checkpoint folder
(weights, tokenizer, image/audio preprocessor, chat template) and loaded back
through the judge: the real loading, prompting, generation and parsing code
runs. Random weights answer gibberish, so the tests check well-formed
verdicts, never particular emotions.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from judges.clip import Clip
from judges.errors import InputError
from judges.media import DECODING_VERSION
from judges.answers_read_again import READ_AGAIN
from judges.prompts import PROMPT_VERSION
from judges.registry import build_judge
from tests.media_fixtures import make_clip, make_corrupt_clip

import torch
import transformers  # noqa: F401  [dev] includes [hf]: a missing one is a failed install, not a skip

from judges.transformers_judge import TransformersJudge  # noqa: E402

SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>",
    "<|AUDIO|>", "<|audio_bos|>", "<|audio_eos|>",
    "<|vision_start|>", "<|vision_end|>", "<|image_pad|>", "<|video_pad|>",
    "<img>", "</img>", "<IMG_CONTEXT>", "<video>",
]  # fmt: skip

# Shortened forms of the chat templates the real checkpoints ship.
QWEN_VL_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' %}"
    "<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'text' %}{{ content['text'] }}"
    "{% endif %}{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
INTERNVL_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' }}"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for content in message['content'] %}{% if content['type'] == 'image' %}{{ '<IMG_CONTEXT>\n' }}"
    "{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}{% endif %}"
    "{{ '<|im_end|>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def tiny_tokenizer(**extra):
    """A byte-level tokenizer (256 byte tokens, no merges) plus the chat and media special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, Qwen2TokenizerFast

    # transformers 4's Qwen2-VL processor takes a Qwen2 tokenizer only
    tokenizer_class = Qwen2TokenizerFast if int(transformers.__version__.split(".")[0]) < 5 else PreTrainedTokenizerFast

    vocab = {ch: i for i, ch in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.add_special_tokens(SPECIAL_TOKENS)
    return tokenizer_class(tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                   model_input_names=["input_ids", "attention_mask"], **extra)  # as Qwen2's and InternLM's


def tiny_text_config(tokenizer, model_type: str = "qwen2", **extra) -> dict:
    """The text model's settings; ``extra`` adds to them or replaces them (``max_position_embeddings``, 2048 here)."""
    ids = tokenizer.convert_tokens_to_ids
    return dict(
        model_type=model_type, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=1, vocab_size=len(tokenizer), max_position_embeddings=2048,
        bos_token_id=ids("<|endoftext|>"), eos_token_id=ids("<|im_end|>"), pad_token_id=ids("<|endoftext|>"),
    ) | extra  # fmt: skip


def wire_answer(model, tokenizer, answer: str) -> None:
    """Make greedy decoding answer ``answer`` after the chat prompt, whatever the media.

    The language model becomes a bigram model: attention and MLP outputs are
    zeroed, so each position sees only its own token's embedding, and the
    output head maps each token of the chain "\\n" -> answer -> <|im_end|> to
    the next. The answer's characters must all differ.
    """
    chain = tokenizer.convert_ids_to_tokens(tokenizer("\n" + answer).input_ids) + ["<|im_end|>"]
    assert len(set(chain)) == len(chain), "a bigram chain needs distinct tokens"
    ids = tokenizer.convert_tokens_to_ids(chain)
    with torch.no_grad():
        for name, module in model.named_modules():
            if "language_model" in name and name.endswith(("o_proj", "down_proj")):
                module.weight.zero_()
        embed, head = model.get_input_embeddings().weight, model.get_output_embeddings().weight
        embed.zero_()
        head.zero_()
        for k, (token, following) in enumerate(zip(ids, ids[1:])):
            embed[token, k] = 1.0
            head[following, k] = 10.0


def save_checkpoint(folder: Path, model, tokenizer, preprocessor, chat_template: str | None = None) -> Path:
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.bos_token_id = tokenizer.pad_token_id
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    preprocessor.save_pretrained(folder)
    if chat_template is not None:
        (folder / "chat_template.jinja").write_text(chat_template, encoding="utf-8")
    return folder


def build_qwen2_audio(folder: Path, answer: str | None = None, **text) -> Path:
    """A tiny Qwen2-Audio checkpoint; ``text``: text model settings."""
    from transformers import Qwen2AudioConfig, Qwen2AudioForConditionalGeneration, Qwen2AudioProcessor, WhisperFeatureExtractor

    tokenizer = tiny_tokenizer()
    config = Qwen2AudioConfig(
        audio_config=dict(d_model=16, encoder_layers=1, encoder_attention_heads=2, encoder_ffn_dim=32, num_mel_bins=128),
        text_config=tiny_text_config(tokenizer, **text),
        audio_token_index=tokenizer.convert_tokens_to_ids("<|AUDIO|>"),
    )
    torch.manual_seed(0)
    model = Qwen2AudioForConditionalGeneration(config)
    if answer is not None:
        wire_answer(model, tokenizer, answer)
    processor = Qwen2AudioProcessor(feature_extractor=WhisperFeatureExtractor(feature_size=128), tokenizer=tokenizer)
    save_checkpoint(folder, model, tokenizer, processor)  # the processor saves tokenizer, features and template
    return folder


def build_qwen2_vl(folder: Path, **text) -> Path:
    """A tiny Qwen2-VL checkpoint; ``text``: text model settings."""
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration

    try:  # transformers 5: the PIL processor (its default one needs torchvision)
        from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
    except ImportError:  # transformers 4: the default one is PIL-based
        from transformers import Qwen2VLImageProcessor as Qwen2VLImageProcessorPil

    tokenizer = tiny_tokenizer()
    ids = tokenizer.convert_tokens_to_ids
    config = Qwen2VLConfig(
        text_config=tiny_text_config(tokenizer, "qwen2_vl_text", rope_scaling={"type": "mrope", "mrope_section": [2, 3, 3]}, **text),
        vision_config=dict(depth=1, embed_dim=16, hidden_size=32, num_heads=2, mlp_ratio=2, patch_size=14),
        image_token_id=ids("<|image_pad|>"), video_token_id=ids("<|video_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"), vision_end_token_id=ids("<|vision_end|>"),
    )  # fmt: skip
    torch.manual_seed(0)
    model = Qwen2VLForConditionalGeneration(config)
    images = Qwen2VLImageProcessorPil(min_pixels=56 * 56, max_pixels=112 * 112)
    return save_checkpoint(folder, model, tokenizer, images, QWEN_VL_TEMPLATE)


def build_internvl(folder: Path, answer: str | None = None, **text) -> Path:
    """A tiny InternVL-hf checkpoint (each frame: <img>, 4 <IMG_CONTEXT>, </img>); ``text``: text model settings."""
    from transformers import InternVLConfig, InternVLForConditionalGeneration

    try:  # as in build_qwen2_vl
        from transformers.models.got_ocr2.image_processing_pil_got_ocr2 import GotOcr2ImageProcessorPil
    except ImportError:
        from transformers import GotOcr2ImageProcessor as GotOcr2ImageProcessorPil

    image_tokens = {"start_image_token": "<img>", "end_image_token": "</img>", "context_image_token": "<IMG_CONTEXT>", "video_token": "<video>"}
    tokenizer = tiny_tokenizer(extra_special_tokens=image_tokens)
    config = InternVLConfig(
        text_config=tiny_text_config(tokenizer, **text),
        vision_config=dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, image_size=56, patch_size=14),
        image_token_id=tokenizer.convert_tokens_to_ids("<IMG_CONTEXT>"),
        image_seq_length=4,  # (56 / 14) ** 2 patches * 0.5 ** 2 pixel shuffle
        tie_word_embeddings=False,
    )
    torch.manual_seed(0)
    model = InternVLForConditionalGeneration(config)
    if answer is not None:
        wire_answer(model, tokenizer, answer)
    save_checkpoint(folder, model, tokenizer, GotOcr2ImageProcessorPil(size={"height": 56, "width": 56}), INTERNVL_TEMPLATE)
    (folder / "processor_config.json").write_text(json.dumps({"image_seq_length": 4, "processor_class": "InternVLProcessor"}))
    return folder


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("checkpoints")
    return {
        "qwen2_audio": build_qwen2_audio(root / "tiny-qwen2-audio"),
        "qwen2_vl": build_qwen2_vl(root / "tiny-qwen2-vl"),
        "internvl": build_internvl(root / "tiny-internvl"),
        "qwen2_audio-sad": build_qwen2_audio(root / "tiny-qwen2-audio-sad", answer="sad"),
        "internvl-sad": build_internvl(root / "tiny-internvl-sad", answer="sad"),
    }


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Clip]:
    root = tmp_path_factory.mktemp("clips")
    return {
        "sound": Clip.from_path(make_clip(root / "sound.mp4", seconds=1, width=96, height=72), subtitle="I can't believe it!"),
        "silent": Clip.from_path(make_clip(root / "silent.mp4", seconds=1, width=96, height=72, with_audio=False)),
        "corrupt": Clip("corrupt", video=make_corrupt_clip(root / "corrupt.mp4")),
    }


@pytest.fixture(scope="module")
def audio_judge(checkpoints):
    return TransformersJudge(checkpoints["qwen2_audio"], name="qa", max_new_tokens=8)


@pytest.fixture(scope="module")
def internvl_judge(checkpoints):
    return TransformersJudge(checkpoints["internvl"], name="ivl", num_frames=3, max_new_tokens=8)


#: What the judge says of gibberish; random weights answer gibberish or nothing, often up to max_new_tokens.
PARSE_ERRORS = ("unparseable answer", "empty answer", "the answer was cut off at max_new_tokens")


def assert_well_formed(verdict, judge: str, clip: str) -> None:
    assert (verdict.judge, verdict.clip) == (judge, clip)
    assert isinstance(verdict.raw, str) and verdict.seconds >= 0
    if verdict.error is None:
        assert verdict.words and all(isinstance(w, str) and w == w.strip().lower() for w in verdict.words)
    else:
        assert verdict.words == [] and verdict.error.strip() and "\n" not in verdict.error


@pytest.mark.slow
@pytest.mark.parametrize("family, clip", [("qwen2_audio", "sound"), ("qwen2_vl", "sound"), ("internvl", "silent")])
def test_each_family_judges_a_clip_end_to_end(checkpoints, clips, family, clip):
    judge = TransformersJudge(checkpoints[family], name=family, num_frames=2, max_new_tokens=8)
    verdict = judge.judge(clips[clip])
    assert_well_formed(verdict, family, clip)
    assert verdict.error is None or verdict.error.startswith(PARSE_ERRORS)


@pytest.mark.slow
@pytest.mark.parametrize("family", ["qwen2_audio", "internvl"])
def test_a_list_answer_becomes_the_verdicts_words(checkpoints, clips, family):
    judge = TransformersJudge(checkpoints[f"{family}-sad"], name="wired", num_frames=2, max_new_tokens=8)
    verdict = judge.judge(clips["sound"])
    assert (verdict.words, verdict.raw, verdict.error) == (["sad"], "sad", None)


@pytest.mark.slow
def test_an_answer_cut_off_at_max_new_tokens_is_read_without_its_unfinished_last_word(tmp_path, clips):
    """generate() stopping at the limit was not noticed: "sad, f" (cut from "sad, fit") gave the word 'f'."""
    judge = TransformersJudge(build_internvl(tmp_path / "wired", answer="sad, fit"), num_frames=1, max_new_tokens=6)
    verdict = judge.judge(clips["sound"])
    assert (verdict.words, verdict.raw, verdict.error) == (["sad"], "sad, f", None)


@pytest.mark.slow
def test_an_answer_that_ends_before_max_new_tokens_is_read_whole(tmp_path, clips):
    judge = TransformersJudge(build_internvl(tmp_path / "wired", answer="sad, fit"), num_frames=1, max_new_tokens=9)
    verdict = judge.judge(clips["sound"])
    assert (verdict.words, verdict.raw, verdict.error) == (["sad", "fit"], "sad, fit", None)


def internvl_prompt_tokens(judge: TransformersJudge, clip: Clip, frames: int) -> int:
    """The tokens of ``clip``'s prompt as the tiny InternVL reads it: a token a byte (or special token), and each
    frame's one <IMG_CONTEXT> placeholder put in as <img>, 4 <IMG_CONTEXT> and </img>."""
    return len(judge.processor.tokenizer(judge.prompt_for(clip, frames)).input_ids) + 5 * frames


def count_generate_calls(judge: TransformersJudge, monkeypatch) -> list[int]:
    """Record each call of the judge's model.generate (still run): the list grows by one a call."""
    calls: list[int] = []
    generate = judge.model.generate
    monkeypatch.setattr(judge.model, "generate", lambda *args, **kwargs: calls.append(1) or generate(*args, **kwargs))
    return calls


@pytest.mark.slow
def test_a_prompt_that_leaves_less_than_max_new_tokens_of_the_context_fails_before_generating(
    tmp_path, internvl_judge, clips, monkeypatch
):
    """A tiny InternVL with 32 positions fed 16 frames generated garbage, cached as a normal verdict."""
    prompt = internvl_prompt_tokens(internvl_judge, clips["sound"], 2)
    limit = prompt + 8 - 1
    judge = TransformersJudge(build_internvl(tmp_path / "short", answer="sad", max_position_embeddings=limit),
                              num_frames=2, max_new_tokens=8)
    calls = count_generate_calls(judge, monkeypatch)
    verdict = judge.judge(clips["sound"])
    assert calls == [] and verdict.words == [] and "\n" not in verdict.error
    assert f"the prompt is {prompt} tokens, and with max_new_tokens=8 it runs past the model's context of {limit} " \
           f"(config.json: text_config.max_position_embeddings {limit})" in verdict.error
    assert "lower num_frames=2 or max_new_tokens=8 (to 7 at most), or shorten the subtitle" in verdict.error


@pytest.mark.slow
def test_a_prompt_that_alone_fills_the_context_is_not_told_to_lower_max_new_tokens(tmp_path, internvl_judge, clips):
    """No max_new_tokens makes room for an answer when the prompt itself takes all of the context."""
    limit = internvl_prompt_tokens(internvl_judge, clips["sound"], 2)
    judge = TransformersJudge(build_internvl(tmp_path / "full", max_position_embeddings=limit), num_frames=2, max_new_tokens=8)
    assert "; lower num_frames=2, or shorten the subtitle (use_subtitle=false leaves it out) (not cached" in judge.judge(clips["sound"]).error


@pytest.mark.slow
def test_an_audio_prompt_that_only_a_longer_context_holds_fails_saying_so(tmp_path, clips):
    """Qwen2-Audio's prompt counts the tokens its processor puts in for the audio: with no subtitle, no setting of the
    judge shortens it (the audio is cut at 30 s already)."""
    unsubtitled = Clip("unsubtitled", video=clips["sound"].video)
    text_only = TransformersJudge(build_qwen2_audio(tmp_path / "probe"))
    limit = len(text_only.processor.tokenizer(text_only.prompt_for(unsubtitled)).input_ids) + 8  # the audio's one placeholder
    judge = TransformersJudge(build_qwen2_audio(tmp_path / "short", max_position_embeddings=limit), max_new_tokens=8)
    error = judge.judge(unsubtitled).error
    assert f"runs past the model's context of {limit} " in error
    assert "; nothing of this judge's settings shortens it: use a checkpoint with a longer context (not cached" in error


@pytest.mark.slow
def test_a_prompt_that_leaves_exactly_max_new_tokens_of_the_context_is_judged(tmp_path, internvl_judge, clips):
    limit = internvl_prompt_tokens(internvl_judge, clips["sound"], 2) + 8
    judge = TransformersJudge(build_internvl(tmp_path / "fits", answer="sad", max_position_embeddings=limit),
                              num_frames=2, max_new_tokens=8)
    verdict = judge.judge(clips["sound"])
    assert (verdict.words, verdict.error) == (["sad"], None)


@pytest.mark.slow
def test_yarn_rope_scaling_stretches_the_context_by_its_factor(tmp_path, internvl_judge, clips):
    """Qwen2.5-VL's recipe for long inputs: rope_scaling {"type": "yarn", "factor": 4, "original_max_position_embeddings": 32768}."""
    needed = internvl_prompt_tokens(internvl_judge, clips["sound"], 2) + 8
    half = (needed + 1) // 2  # the prompt does not fit in max_position_embeddings, it does in twice that
    yarn = {"type": "yarn", "factor": 2.0, "original_max_position_embeddings": half}
    judge = TransformersJudge(build_internvl(tmp_path / "yarn", answer="sad", max_position_embeddings=half, rope_scaling=yarn),
                              num_frames=2, max_new_tokens=8)
    assert judge.context[0] == 2 * half
    verdict = judge.judge(clips["sound"])
    assert (verdict.words, verdict.error) == (["sad"], None)


@pytest.mark.slow
def test_a_checkpoint_whose_config_states_no_context_length_is_judged_as_before(tmp_path, internvl_judge, clips):
    limit = internvl_prompt_tokens(internvl_judge, clips["sound"], 2)  # too short, were it stated
    folder = build_internvl(tmp_path / "unstated", answer="sad", max_position_embeddings=limit)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    del config["text_config"]["max_position_embeddings"]
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    judge = TransformersJudge(folder, num_frames=2, max_new_tokens=8)
    verdict = judge.judge(clips["sound"])
    assert judge.context is None and (verdict.words, verdict.error) == (["sad"], None)


@pytest.mark.slow
def test_a_prompt_too_long_fails_alone_and_the_rest_of_its_batch_is_judged(tmp_path, internvl_judge, clips):
    limit = internvl_prompt_tokens(internvl_judge, clips["sound"], 2) + 8
    long = Clip("long-subtitle", video=clips["sound"].video, subtitle=clips["sound"].subtitle + " Really, truly!")
    judge = TransformersJudge(build_internvl(tmp_path / "fits", answer="sad", max_position_embeddings=limit),
                              num_frames=2, max_new_tokens=8, batch_size=2)
    verdicts = judge.judge_batch([long, clips["sound"]])
    assert "runs past the model's context" in verdicts[0].error
    assert (verdicts[1].clip, verdicts[1].words, verdicts[1].error) == ("sound", ["sad"], None)


@pytest.mark.slow
@pytest.mark.parametrize(("max_side", "named"), [(448, "max_side=448"), (None, "max_side (unset: frames keep their size)")])
def test_for_qwen2_vl_a_prompt_too_long_names_max_side_too(tmp_path, clips, max_side, named):
    """Qwen2-VL's tokens a frame grow with its size; InternVL resizes every frame to one size (its message leaves
    max_side out, see above)."""
    folder = build_qwen2_vl(tmp_path / "short-vl", max_position_embeddings=64)
    judge = TransformersJudge(folder, num_frames=2, max_side=max_side, max_new_tokens=8)
    assert f"; lower num_frames=2 or {named}, or shorten the subtitle" in judge.judge(clips["sound"]).error


def qwen2_vl_prompt_size(judge: TransformersJudge, clip: Clip) -> tuple[int, int]:
    """(tokens, positions) of ``clip``'s prompt as the judge feeds it, its positions as the model's own
    get_rope_index numbers them (M-RoPE: the last position + 1)."""
    import inspect

    media = judge.decode(clip)
    inputs = judge.processor(text=[judge.prompt_for(clip, len(media.frames))], images=[media.images()], return_tensors="pt")
    accepted = inspect.signature(judge.model.model.get_rope_index).parameters  # transformers 5 takes mm_token_type_ids too
    positions, _ = judge.model.model.get_rope_index(**{k: v for k, v in inputs.items() if k in accepted})
    return int(inputs["attention_mask"].sum()), int(positions.max()) + 1


@pytest.mark.slow
def test_for_qwen2_vl_a_prompt_that_fits_in_m_rope_positions_is_judged_though_its_tokens_do_not(tmp_path, clips, monkeypatch):
    """M-RoPE numbers a frame's tokens by (time, row, column), so a frame of 3 x 3 merged patches is 9 tokens at 3
    positions; counting tokens refused prompts the model reads well within its positions."""
    tokens, positions = qwen2_vl_prompt_size(TransformersJudge(build_qwen2_vl(tmp_path / "probe"), num_frames=2), clips["sound"])
    assert positions < tokens  # with max_new_tokens, its tokens overflow the limit below, its positions fit exactly
    judge = TransformersJudge(build_qwen2_vl(tmp_path / "fits", max_position_embeddings=positions + 8), num_frames=2,
                              max_new_tokens=8)
    calls = count_generate_calls(judge, monkeypatch)
    verdict = judge.judge(clips["sound"])
    assert calls == [1] and "context" not in (verdict.error or "")


@pytest.mark.slow
def test_for_qwen2_vl_a_prompt_whose_m_rope_positions_leave_less_than_max_new_tokens_fails(tmp_path, clips, monkeypatch):
    _, positions = qwen2_vl_prompt_size(TransformersJudge(build_qwen2_vl(tmp_path / "probe"), num_frames=2), clips["sound"])
    limit = positions + 8 - 1
    judge = TransformersJudge(build_qwen2_vl(tmp_path / "short", max_position_embeddings=limit), num_frames=2,
                              max_new_tokens=8)
    calls = count_generate_calls(judge, monkeypatch)
    verdict = judge.judge(clips["sound"])
    assert calls == []
    assert f"the prompt takes {positions} positions (M-RoPE: a frame takes as many as its longest side's patches), " \
           f"and with max_new_tokens=8 it runs past the model's context of {limit}" in verdict.error


@pytest.mark.slow
def test_a_prompt_too_long_is_not_cached_so_raising_the_limit_in_a_hub_snapshots_config_judges_the_clip(tmp_path, internvl_judge, clips):
    """A hub snapshot's revision is its commit, which editing its config.json (Qwen's advice for long inputs) leaves
    as it was: a cached failure was replayed after the limit was raised."""
    from judges.verdict_cache import VerdictCache

    prompt = internvl_prompt_tokens(internvl_judge, clips["sound"], 2)
    folder = build_internvl(tmp_path / "models--org--tiny" / "snapshots" / ("a1" * 20), answer="sad", max_position_embeddings=prompt)
    short = TransformersJudge(folder, name="ivl", num_frames=2, max_new_tokens=8)
    verdict = short.judge(clips["sound"])
    assert verdict.transient and "not cached, the next run asks again" in verdict.error
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["text_config"]["max_position_embeddings"] = prompt + 8
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with VerdictCache(tmp_path / "verdicts.sqlite") as cache:
        cache.put(short, clips["sound"], verdict)
        raised = TransformersJudge(folder, name="ivl", num_frames=2, max_new_tokens=8)
        assert raised.revision == short.revision and cache.get_many(raised, [clips["sound"]]) == {}
    assert raised.judge(clips["sound"]).words == ["sad"]


@pytest.mark.parametrize(("config", "limit"), [
    ({"max_position_embeddings": 128000, "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}}, 128000),
    ({"max_position_embeddings": 128000, "rope_scaling": {"type": "yarn", "mrope_section": [16, 24, 24], "factor": 4,
                                                          "original_max_position_embeddings": 32768}}, 131072),
    ({"text_config": {"max_position_embeddings": 32768, "rope_parameters": {"rope_type": "yarn", "factor": 4.0}}}, 131072),
    ({"text_config": {"max_position_embeddings": 32768, "rope_scaling": {"type": "dynamic", "factor": 2.0}}}, 65536),
    ({"text_config": {"max_position_embeddings": 8192, "rope_scaling": {"rope_type": "linear", "factor": 2}}}, 16384),
    ({"text_config": {"max_position_embeddings": 131072, "rope_scaling": {"rope_type": "llama3", "factor": 8.0,
                                                                          "original_max_position_embeddings": 8192}}}, 131072),
    ({"text_config": {"max_position_embeddings": 8192}, "max_position_embeddings": 32}, 8192),
    ({"max_position_embeddings": 4096, "rope_scaling": {"type": "video_rope", "factor": None}}, 4096),
], ids=["qwen2.5-vl-mrope", "qwen2.5-vl-yarn", "text-config-yarn", "dynamic", "linear", "llama3",
        "text-config-first", "factor-null"])  # fmt: skip
def test_the_context_limit_is_max_position_embeddings_stretched_by_rope_scaling(config, limit):
    from judges.transformers_judge import context_limit

    assert context_limit(config)[0] == limit


@pytest.mark.parametrize("config", [{"model_type": "qwen2_vl"}, {"text_config": {}, "max_position_embeddings": 32768},
                                    {"model_type": "internvl", "llm_config": {"max_position_embeddings": 32}}])
def test_a_config_without_max_position_embeddings_for_its_text_model_states_no_context_limit(config):
    """transformers reads a text_config's settings, never the top level's, when there is one, and no llm_config (the
    original InternVL's, model_type internvl_chat, which this judge refuses) for these families."""
    from judges.transformers_judge import context_limit

    assert context_limit(config) is None


@pytest.mark.slow
def test_family_and_modalities_come_from_the_config(audio_judge, internvl_judge):
    assert (audio_judge.model_type, internvl_judge.model_type) == ("qwen2_audio", "internvl")
    assert audio_judge.modalities == {"audio", "text"} and internvl_judge.modalities == {"video", "text"}


@pytest.mark.slow
def test_cpu_runs_in_float32(audio_judge):
    assert audio_judge.device == "cpu" and audio_judge.dtype == torch.float32


@pytest.mark.slow
def test_vision_prompt_labels_each_frame_and_quotes_the_subtitle(internvl_judge, clips):
    prompt = internvl_judge.prompt_for(clips["sound"])
    assert "Frame1: <IMG_CONTEXT>\nFrame2: <IMG_CONTEXT>\nFrame3: <IMG_CONTEXT>" in prompt
    assert "I can't believe it!" in prompt and "comma-separated list of emotion words" in prompt


@pytest.mark.slow
def test_audio_prompt_holds_one_audio_placeholder(audio_judge, clips):
    assert audio_judge.prompt_for(clips["sound"]).count("<|AUDIO|>") == 1


@pytest.mark.slow
def test_an_audio_model_on_a_silent_video_gives_an_error_verdict(audio_judge, clips):
    verdict = audio_judge.judge(clips["silent"])
    assert verdict.words == [] and "no audio stream" in verdict.error


@pytest.mark.slow
def test_a_corrupt_clip_fails_alone_and_the_others_are_judged(internvl_judge, clips):
    verdicts = internvl_judge.judge_batch([clips["sound"], clips["corrupt"], clips["silent"]])
    assert [v.clip for v in verdicts] == ["sound", "corrupt", "silent"]
    assert "cannot decode" in verdicts[1].error
    for verdict in (verdicts[0], verdicts[2]):
        assert_well_formed(verdict, "ivl", verdict.clip)
        assert "cannot decode" not in (verdict.error or "")


@pytest.mark.slow
def test_a_clip_without_a_video_file_gives_an_error_verdict(audio_judge):
    assert "no video file" in audio_judge.judge(Clip("bare")).error


@pytest.mark.slow
def test_generation_is_deterministic(audio_judge, clips):
    first, second = audio_judge.judge(clips["sound"]), audio_judge.judge(clips["sound"])
    assert first.raw == second.raw


@pytest.mark.slow
def test_batched_generation_gives_one_verdict_per_clip_in_order(checkpoints, clips):
    judge = TransformersJudge(checkpoints["qwen2_audio"], name="qa2", max_new_tokens=4, batch_size=2)
    other = Clip("sound-again", video=clips["sound"].video)
    verdicts = judge.judge_batch([clips["sound"], clips["silent"], other])
    assert [v.clip for v in verdicts] == ["sound", "silent", "sound-again"]
    assert "no audio stream" in verdicts[1].error
    assert_well_formed(verdicts[2], "qa2", "sound-again")


@pytest.mark.slow
def test_describe_mode_sets_the_description_and_no_words(checkpoints, clips):
    judge = TransformersJudge(checkpoints["internvl-sad"], name="ivl-d", mode="describe", num_frames=2, max_new_tokens=8)
    verdict = judge.judge(clips["sound"])
    assert (verdict.words, verdict.description, verdict.error) == ([], "sad", None)


@pytest.mark.slow
def test_describe_mode_asks_for_clues_without_the_subtitle(checkpoints, clips):
    judge = TransformersJudge(checkpoints["internvl"], mode="describe", num_frames=2)
    prompt = judge.prompt_for(clips["sound"])
    assert "describe the facial expressions" in prompt and "I can't believe it!" not in prompt


@pytest.mark.slow
def test_cache_identity_names_model_revision_prompt_media_and_mode(checkpoints, audio_judge):
    identity = audio_judge.cache_identity()
    assert identity["model"] == str(checkpoints["qwen2_audio"].resolve())
    assert identity["revision"].startswith("sha256:")
    assert identity["prompt_version"] == PROMPT_VERSION
    assert identity["parser_version"] == READ_AGAIN  # its answers are read again when the parser changes
    assert identity["media"] == {"num_frames": 0, "sample_rate": 16000, "max_side": None, "decoding": DECODING_VERSION}
    assert identity["mode"] == "labels"


@pytest.mark.slow
def test_verdicts_cached_before_cut_answers_were_noticed_are_not_replayed(audio_judge):
    assert audio_judge.cache_identity()["reads_cut_answers"] is True


@pytest.mark.slow
def test_cache_identity_changes_with_frames_and_mode(checkpoints):
    a = TransformersJudge(checkpoints["internvl"], num_frames=2).cache_identity()
    b = TransformersJudge(checkpoints["internvl"], num_frames=4).cache_identity()
    c = TransformersJudge(checkpoints["internvl"], num_frames=2, mode="describe").cache_identity()
    assert a != b and a != c and a["revision"] == b["revision"]


@pytest.mark.slow
def test_the_registry_builds_it_by_type_name(checkpoints):
    judge = build_judge("transformers", model=str(checkpoints["qwen2_vl"]), name="via-registry")
    assert isinstance(judge, TransformersJudge) and judge.name == "via-registry"


def test_a_folder_without_config_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no config.json"):
        TransformersJudge(tmp_path)


def test_an_unsupported_model_type_is_an_input_error_listing_the_supported(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(InputError, match="supported: internvl, qwen2_5_vl, qwen2_audio, qwen2_vl"):
        TransformersJudge(tmp_path)


def test_an_unknown_mode_is_an_input_error(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2_vl"}))
    with pytest.raises(InputError, match="mode='guess'"):
        TransformersJudge(tmp_path, mode="guess")


@pytest.mark.parametrize("options", [{"max_new_tokens": 0}, {"max_new_tokens": -5}, {"max_new_tokens": "48"}, {"seed": "x"}])
def test_generation_limits_that_every_clip_would_fail_on_are_refused_before_the_model_loads(tmp_path, options):
    """max_new_tokens=-5 or seed='x' failed (and cached) every clip's generation; 0 silently meant the default."""
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2_vl"}))
    with pytest.raises(InputError, match=next(iter(options))):
        TransformersJudge(tmp_path, **options)


@pytest.mark.parametrize("device", ["gpu", "mps", "cuda:0", 0])
def test_a_device_this_machine_cannot_use_is_a_one_line_error(checkpoints, device):
    """device='gpu' (or 'mps' without an Apple GPU) ended in torch's RuntimeError traceback after the model had loaded."""
    with pytest.raises(InputError, match="device=") as info:
        build_judge("transformers", model=str(checkpoints["internvl"]), device=device)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("name", "text"), [("config.json", "[1]"), ("preprocessor_config.json", "{oops")])
def test_a_settings_file_that_is_not_a_json_object_is_an_error_naming_it(tmp_path, name, text):
    """A config.json holding a list was an AttributeError traceback; a broken preprocessor_config.json, a JSON error naming no file."""
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2_audio"}))
    (tmp_path / name).write_text(text)
    with pytest.raises(InputError, match=f"{name}: "):
        build_judge("transformers", model=str(tmp_path))


def test_the_revision_of_a_local_folder_changes_when_its_weights_are_retrained_in_place(tmp_path):
    """Weights of the same shapes have the same file sizes: names and sizes alone replayed the old model's verdicts."""
    from safetensors.torch import save_file

    from judges.checkpoint_revision import checkpoint_revision

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2_vl"}), encoding="utf-8")
    save_file({"w": torch.zeros(64, 64)}, str(tmp_path / "model.safetensors"))
    before = checkpoint_revision(tmp_path)
    save_file({"w": torch.ones(64, 64)}, str(tmp_path / "model.safetensors"))
    assert checkpoint_revision(tmp_path) != before


@pytest.mark.parametrize("settings", ["generation_config.json", "chat_template.jinja"])
def test_the_revision_of_a_local_folder_changes_when_its_chat_template_or_generation_settings_are_edited(tmp_path, settings):
    """The template and the generation settings shape every answer: verdicts made under the old ones are not replayed."""
    from judges.checkpoint_revision import checkpoint_revision

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen2_vl"}), encoding="utf-8")
    (tmp_path / settings).write_text('{"repetition_penalty": 1.0}', encoding="utf-8")
    before = checkpoint_revision(tmp_path)
    (tmp_path / settings).write_text('{"repetition_penalty": 1.2}', encoding="utf-8")
    assert checkpoint_revision(tmp_path) != before
