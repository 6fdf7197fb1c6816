"""GenerativeJudge, the base of model-backed judges, with a scripted model and stand-in decoded media.

The model answers from a table and the media spec returns fixed decoded
media, so each test says exactly what the model heard and answered; the
checks, prompts, batching and answer reading are the real base class's.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from judges import generative_judge, prompts
from judges.clip import Clip
from judges.errors import InputError
from judges.generative_judge import Answer, GenerativeJudge
from judges.media import Media, MediaSpec

ONE_FRAME = Media(frames=[np.zeros((4, 4, 3), dtype=np.uint8)], audio=np.zeros(160, dtype=np.float32))


@dataclass(frozen=True)
class CannedSpec(MediaSpec):
    """A media spec that 'decodes' every clip to the same media."""

    media: Media = field(default_factory=lambda: ONE_FRAME)

    def decode(self, path):
        return self.media

    def as_dict(self):
        return {"num_frames": self.num_frames, "sample_rate": self.sample_rate, "max_side": self.max_side}


class Scripted(GenerativeJudge):
    """A model that answers each clip with ``answers(clip)`` (a list of texts for the whole batch)."""

    def __init__(self, hears="video", mode="labels", num_frames=1, batch_size=1, use_subtitle=True, media=ONE_FRAME, answers=None):
        self.name, self.hears = "scripted", hears
        self.answers = answers or (lambda items: ["happy" for _ in items])
        self.setup(mode=mode, media_spec=CannedSpec(num_frames=num_frames, media=media), batch_size=batch_size, use_subtitle=use_subtitle)

    def generate(self, items):
        return self.answers(items)


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(InputError, match="batch_size"):
        Scripted(batch_size=0)


def test_a_true_batch_size_is_refused_not_read_as_one_clip_a_batch():
    with pytest.raises(InputError, match="batch_size=True: give a whole number"):
        Scripted(batch_size=True)


@pytest.mark.parametrize("value", ["false", "no", 0])
def test_a_use_subtitle_that_is_not_true_or_false_is_refused_not_read_as_true(value):
    # use_subtitle = "false" (quoted, in a TOML config) was a non-empty string: the subtitle was used
    with pytest.raises(InputError, match=f"use_subtitle={value!r}: give true or false"):
        Scripted(use_subtitle=value)


def test_a_vision_model_needs_at_least_one_frame():
    with pytest.raises(InputError, match="num_frames"):
        Scripted(hears="video", num_frames=0)


@pytest.mark.parametrize(
    ("options", "modalities"),
    [
        ({}, {"video", "text"}),
        ({"use_subtitle": False}, {"video"}),
        ({"mode": "describe"}, {"video"}),
        ({"hears": "audio"}, {"audio", "text"}),
    ],
)
def test_a_labels_judge_that_uses_the_subtitle_also_reads_text(options, modalities):
    assert Scripted(**options).modalities == modalities


@pytest.mark.parametrize(("hears", "prompt"), [("audio", prompts.DESCRIBE_AUDIO), ("video", prompts.DESCRIBE_VIDEO)])
def test_a_describer_is_asked_about_what_its_model_takes(hears, prompt):
    assert Scripted(hears=hears, mode="describe").instruction(Clip("c")) == prompt


def test_the_labels_prompt_quotes_the_subtitle():
    assert '"Leave me alone."' in Scripted().instruction(Clip("c", subtitle="Leave me alone."))


def test_without_use_subtitle_the_subtitle_is_left_out_of_the_prompt():
    assert "Leave me alone" not in Scripted(use_subtitle=False).instruction(Clip("c", subtitle="Leave me alone."))


def test_an_audio_model_refuses_a_clip_whose_audio_is_empty():
    judge = Scripted(hears="audio", media=Media(frames=[], audio=np.zeros(0, dtype=np.float32)))
    assert "no audio stream" in judge.judge(Clip("c", video="c.mp4")).error


def test_a_vision_model_refuses_a_clip_without_frames():
    judge = Scripted(hears="video", media=Media(frames=[], audio=np.zeros(160, dtype=np.float32)))
    assert "no video stream" in judge.judge(Clip("c", video="c.mp4")).error


def test_more_answers_than_clips_is_a_generation_failure():
    judge = Scripted(answers=lambda items: ["happy", "sad"])
    assert judge.judge(Clip("c", video="c.mp4")).error == "generation failed: RuntimeError: 2 answers for 1 clips"


def test_a_failing_batch_of_two_is_retried_clip_by_clip():
    def answers(items):
        if any(clip.name == "bad" for clip, _ in items):
            raise RuntimeError("shape mismatch in the vision tower")
        return ["calm" for _ in items]

    verdicts = Scripted(batch_size=2, answers=answers).judge_batch([Clip("bad", video="b.mp4"), Clip("good", video="g.mp4")])
    assert [(v.clip, v.words) for v in verdicts] == [("bad", []), ("good", ["calm"])]
    assert verdicts[0].error == "generation failed: RuntimeError: shape mismatch in the vision tower"
    assert not verdicts[0].transient  # the clip's own failure: cached


@pytest.mark.parametrize("error", [torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
                                   RuntimeError("MPS backend out of memory (MPS allocated: 17.00 GB)"), MemoryError()],
                         ids=["cuda", "mps", "host"])
def test_a_clip_that_runs_out_of_memory_is_not_cached_and_told_how_to_fit(error):
    def answers(items):
        if len(items) > 1:  # the batch does not fit; one clip at a time does, but for "big"
            raise error
        if items[0][0].name == "big":
            raise error
        return ["calm"]

    big, small = Scripted(batch_size=2, answers=answers).judge_batch([Clip("big", video="b.mp4"), Clip("small", video="s.mp4")])
    assert small.words == ["calm"]
    assert big.transient and "out of memory" in big.error and "lower batch_size, num_frames or max_side" in big.error
    assert big.error.endswith("; not cached, the next run asks again)")


def test_torchs_own_cpu_allocation_failure_is_out_of_memory_not_the_clips_failure():
    # torch's CPU allocator raises a RuntimeError ("DefaultCPUAllocator: can't allocate memory ... Error code 12"), which
    # was cached as the clip's failure: a rerun with more free memory replayed it
    def answers(items):
        torch.empty(2 ** 62, dtype=torch.uint8)  # 4 EiB: more than any machine can give
        return ["calm" for _ in items]

    (verdict,) = Scripted(batch_size=1, answers=answers).judge_batch([Clip("c", video="c.mp4")])
    assert "can't allocate memory" in verdict.error and verdict.transient
    assert verdict.error.endswith("; not cached, the next run asks again)")


def test_a_generation_failure_is_told_on_one_line_of_at_most_200_characters_of_the_exception():
    def answers(items):
        raise RuntimeError("line one\nline two " + "x" * 300)

    error = Scripted(answers=answers).judge(Clip("c", video="c.mp4")).error
    assert error.startswith("generation failed: RuntimeError: line one line two xxx") and "\n" not in error
    assert len(error) == len("generation failed: RuntimeError: ") + 200


@pytest.mark.parametrize("answer", ["", "  \n"])
def test_an_empty_description_is_an_error(answer):
    verdict = Scripted(mode="describe", answers=lambda items: [answer]).judge(Clip("c", video="c.mp4"))
    assert verdict.description is None and verdict.error.startswith("empty description;")


def test_a_description_is_kept_trimmed():
    verdict = Scripted(mode="describe", answers=lambda items: ["  She frowns.\n"]).judge(Clip("c", video="c.mp4"))
    assert (verdict.description, verdict.raw, verdict.error) == ("She frowns.", "She frowns.", None)


@pytest.mark.parametrize("changed", [{"use_subtitle": False}, {"num_frames": 2}])
def test_cache_identity_changes_with_the_subtitle_use_and_the_media_sampling(changed):
    assert Scripted(**changed).cache_identity() != Scripted().cache_identity()


def test_a_batch_s_generation_time_is_shared_among_its_clips(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(generative_judge, "time", SimpleNamespace(perf_counter=lambda: clock[0]))

    def answers(items):
        clock[0] += 4.0  # the model takes 4 s for the batch
        return ["calm" for _ in items]

    verdicts = Scripted(batch_size=2, answers=answers).judge_batch([Clip("a", video="a.mp4"), Clip("b", video="b.mp4")])
    assert [v.seconds for v in verdicts] == [2.0, 2.0]


def test_a_describers_think_block_is_not_part_of_its_description():
    judge = Scripted(mode="describe", answers=lambda items: ["<think>Is she angry? Maybe sad.</think>She smiles: happy." for _ in items])
    assert judge.judge(Clip("c1", video="c1.mp4")).description == "She smiles: happy."


def test_a_describer_that_only_thought_gave_no_description():
    judge = Scripted(mode="describe", answers=lambda items: ["<think>Is she angry? Maybe sad" for _ in items])
    assert judge.judge(Clip("c1", video="c1.mp4")).error.startswith("empty description;")


@pytest.mark.parametrize("mode, error", [("labels", "empty answer"), ("describe", "empty description")])
def test_a_model_that_stopped_while_thinking_is_told_to_raise_max_new_tokens(mode, error):
    # it was only 'empty answer' / 'empty description', with no hint that the tokens ran out while the model thought
    judge = Scripted(mode=mode, answers=lambda items: ["<think>Is she angry? Maybe sad" for _ in items])
    judge.max_new_tokens = 48
    assert judge.judge(Clip("c1", video="c1.mp4")).error == (
        f"{error}; the model was still thinking when it stopped at max_new_tokens=48 (its <think> block never closed): raise max_new_tokens")


@pytest.mark.parametrize("mode, error", [("labels", "empty answer"), ("describe", "empty description")])
def test_a_model_that_thought_and_then_said_nothing_is_told_to_raise_max_new_tokens_or_check_it_answers_after_thinking(mode, error):
    # it was told to check that the model is a chat (instruct) model
    judge = Scripted(mode=mode, answers=lambda items: ["<think>Is she angry? Maybe sad.</think>" for _ in items])
    judge.max_new_tokens = 48
    assert judge.judge(Clip("c1", video="c1.mp4")).error == (
        f"{error}; the model's answer after its </think> was empty: raise max_new_tokens if its thinking used it up at "
        "max_new_tokens=48, or check that the model answers the prompt after its thinking")


@pytest.mark.parametrize("answer", ["", "```\n```", "**"])
def test_a_model_that_gave_no_text_is_told_to_check_that_it_is_a_chat_model(answer):
    # an empty code fence or bold markup, no <think> in it, was told "the model's answer after its </think> was empty"
    verdict = Scripted(answers=lambda items: [answer for _ in items]).judge(Clip("c1", video="c1.mp4"))
    assert verdict.error == ("empty answer; the model gave no text: check that the judge's model is a chat (instruct) model that "
                             "takes its input")


def test_an_unparseable_answer_is_told_to_check_the_model_follows_the_prompt_or_raise_max_new_tokens():
    judge = Scripted(answers=lambda items: ["The person in the video is sitting at a" for _ in items])
    judge.max_new_tokens = 48
    verdict = judge.judge(Clip("c1", video="c1.mp4"))
    assert verdict.words == [] and verdict.error == (
        "unparseable answer: 'The person in the video is sitting at a'; it names no emotion words: check that the model follows "
        "the prompt (a comma-separated list of emotion words; a chat/instruct model does), or raise max_new_tokens if the answer "
        "was cut off at max_new_tokens=48")


def test_a_missing_pyav_is_a_one_line_error_when_the_judge_is_built(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "av" else real(name, *a))
    with pytest.raises(InputError, match=r"judge 'scripted' decodes video and audio with av.*\[media\]"):
        Scripted()


def test_an_answer_its_engine_says_was_cut_off_is_read_without_its_unfinished_last_word():
    judge = Scripted(answers=lambda items: [Answer("happy, relieved, exci", cut=True)])
    verdict = judge.judge(Clip("c", video="c.mp4"))
    assert (verdict.words, verdict.raw, verdict.error) == (["happy", "relieved"], "happy, relieved, exci", None)


def test_a_subclass_overriding_verdict_as_before_answers_had_a_cut_still_reads_its_plain_answers():
    # verdict() was called with cut=None for a plain text: an override taking (clip, text, seconds) raised TypeError
    class Shouting(Scripted):
        def verdict(self, clip, text, seconds=0.0):
            verdict = super().verdict(clip, text, seconds)
            verdict.words = [word.upper() for word in verdict.words]
            return verdict

    verdict = Shouting(answers=lambda items: ["happy, sad" for _ in items]).judge(Clip("c", video="c.mp4"))
    assert (verdict.words, verdict.error) == (["HAPPY", "SAD"], None)


def test_an_answer_its_engine_says_ended_by_itself_is_read_whole():
    verdict = Scripted(answers=lambda items: [Answer("happy, relieved, exci", cut=False)]).judge(Clip("c", video="c.mp4"))
    assert verdict.words == ["happy", "relieved", "exci"]


def test_an_answer_its_engine_failed_fails_that_clip_alone_with_the_engine_s_message():
    answers = lambda items: [Answer("oops", failure="engine said no", transient=True), "calm"]  # noqa: E731
    failed, ok = Scripted(batch_size=2, answers=answers).judge_batch([Clip("a", video="a.mp4"), Clip("b", video="b.mp4")])
    assert (failed.error, failed.raw, failed.transient, failed.words) == ("generation failed: engine said no", "oops", True, [])
    assert ok.words == ["calm"]
