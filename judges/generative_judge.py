"""What every judge that prompts a generative model with a clip's media does the same way.

Decode each clip (:class:`~judges.media.MediaSpec`), turn a clip that cannot
be fed into an error verdict, generate answers a batch at a time (judging a
failed batch's clips one by one, so one bad clip cannot sink its neighbours; a clip that fails alone for want of
memory is not cached: the device's state, not the clip's),
and read each answer as emotion words (mode ``"labels"``) or as a clue
description (mode ``"describe"``, stage one of a two-stage judge); an answer
cut off at ``max_new_tokens`` is read without its unfinished last word.
"""
from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from judges import prompts
from judges.answer_parsing import verdict_from_answer
from judges.answers_read_again import parser_identity
from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.media import Media, MediaSpec, require_media
from judges.option_values import is_flag, is_whole_number
from judges.verdict import Verdict, out_of_memory

__all__ = ["Answer", "GenerativeJudge", "MODES"]

MODES = ("labels", "describe")


@dataclass(frozen=True)
class Answer:
    """One clip's answer with what the engine said of how its generation ended (a plain ``str`` says nothing).

    ``cut``: True when generation stopped at ``max_new_tokens`` (the last word may be cut in two), False when the
    model ended it, None when not known. ``failure``: the engine's own error for this clip (its text is no answer):
    the clip fails with it; ``transient`` when trying again may not fail (the engine was stopped), so it is not cached
    (without a ``failure`` it changes nothing: an answer is cached).
    """

    text: str
    cut: bool | None = None
    failure: str | None = None
    transient: bool = False


class GenerativeJudge(Judge):
    """Base for model-backed judges: subclasses load a model and implement :meth:`generate`.

    A subclass sets ``name`` and ``hears`` (``"audio"`` or ``"video"``: what the
    model takes), calls :meth:`setup` (``mode``, ``media_spec``, ``batch_size``,
    ``use_subtitle``) and :meth:`generation_limits`, and returns one answer per
    clip from :meth:`generate`: its text, or an :class:`Answer` when the engine
    says how generation ended: ``cut`` at ``max_new_tokens`` (the last word is
    dropped), or a ``failure`` (the clip fails; ``transient``: not cached, the
    next run asks again). It extends :meth:`cache_identity` with its model,
    ``max_new_tokens``, ``seed`` and any other setting that changes the answer:
    the base names only the mode, prompt, parser, media and ``use_subtitle``.

    >>> class Echo(GenerativeJudge):
    ...     def __init__(self):
    ...         self.name, self.hears = "echo", "video"
    ...         self.setup(mode="labels", media_spec=MediaSpec(num_frames=1), batch_size=4)
    ...     def generate(self, items):
    ...         return ["happy, relieved" for _ in items]
    >>> Echo().verdict("clip1", "Happy, relieved.").words
    ['happy', 'relieved']
    >>> Echo().judge(Clip("clip2")).error  # no video file to decode
    "clip2: no video file; this judge needs the clip's media"
    """

    concurrency = "process"
    hears: str = "video"
    #: The settings :meth:`cache_identity` names (batch_size changes no answer; modalities follow from mode and hears).
    _identity_names = frozenset({"name", "mode", "media_spec", "use_subtitle", "batch_size", "modalities"})

    def setup(self, mode: str, media_spec: MediaSpec, batch_size: int = 1, use_subtitle: bool = True) -> None:
        """Check and store the options every generative judge shares."""
        if mode not in MODES:
            raise InputError(f"mode={mode!r}: use one of {', '.join(MODES)}")
        if not is_whole_number(batch_size) or batch_size < 1:
            raise InputError(f"batch_size={batch_size!r}: give a whole number >= 1")
        if not is_flag(use_subtitle):  # "false" (quoted in a config) would read as true
            raise InputError(f"use_subtitle={use_subtitle!r}: give true or false (unquoted)")
        if self.hears == "video" and media_spec.num_frames < 1:
            raise InputError(f"num_frames={media_spec.num_frames!r}: a vision model needs at least 1 frame")
        require_media(self.name)
        self.mode = mode
        self.media_spec = media_spec
        self.batch_size = int(batch_size)
        self.use_subtitle = bool(use_subtitle)  # np.True_ as True: the cache identity is JSON
        self.modalities = frozenset({self.hears} | ({"text"} if mode == "labels" and use_subtitle else set()))

    def generation_limits(self, max_new_tokens: int | None, seed: int) -> None:
        """Check and store ``max_new_tokens`` (None: 48 for words, 256 for a description) and ``seed``.

        Checked when the judge is built: a bad value would fail every clip's generation, and the failures be cached.
        """
        if max_new_tokens is not None and (not is_whole_number(max_new_tokens) or max_new_tokens < 1):
            raise InputError(f"max_new_tokens={max_new_tokens!r}: give a whole number >= 1, or leave it out (48 for words, 256 for a description)")
        if not is_whole_number(seed):
            raise InputError(f"seed={seed!r}: give a whole number, e.g. 0")
        self.max_new_tokens = int(max_new_tokens or (48 if self.mode == "labels" else 256))
        self.seed = int(seed)

    @abstractmethod
    def generate(self, items: list[tuple[Clip, Media]]) -> list[str] | list[Answer]:
        """One answer per (clip, decoded media), in order: its text, or an :class:`Answer` when the engine says how
        generation ended; may raise for the whole batch."""

    def instruction(self, clip: Clip) -> str:
        """The task text for ``clip``: a clue description, or emotion words (with the subtitle if any)."""
        if self.mode == "describe":
            return prompts.DESCRIBE_AUDIO if self.hears == "audio" else prompts.DESCRIBE_VIDEO
        return prompts.render(prompts.DIRECT_LABELS, subtitle=clip.subtitle if self.use_subtitle else None)

    @staticmethod
    def frame_label(index: int) -> str:
        """How frame ``index`` (from 0) is introduced in a prompt: ``Frame1: ``, as in the InternVL video recipe."""
        return f"Frame{index + 1}: "

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        verdicts: list[Verdict | None] = [None] * len(clips)
        ready: list[tuple[int, Clip, Media]] = []
        for i, clip in enumerate(clips):
            start = time.perf_counter()
            try:
                ready.append((i, clip, self.decode(clip)))
            except InputError as exc:
                verdicts[i] = Verdict.failed(self.name, clip.name, str(exc), seconds=time.perf_counter() - start)
        for at in range(0, len(ready), self.batch_size):
            chunk = ready[at:at + self.batch_size]
            for (i, _, _), verdict in zip(chunk, self._judge_chunk(chunk)):
                verdicts[i] = verdict
        return [v for v in verdicts if v is not None]

    def decode(self, clip: Clip) -> Media:
        """The clip's media as this judge samples it; :class:`InputError` when it has nothing to feed."""
        if clip.video is None:
            raise InputError(f"{clip.name}: no video file; this judge needs the clip's media")
        media = self.media_spec.decode(clip.video)
        if self.hears == "audio" and (media.audio is None or media.audio.size == 0):
            raise InputError(f"{clip.video}: no audio stream; an audio model needs a clip with sound")
        if self.hears == "video" and not media.frames:
            raise InputError(f"{clip.video}: no video stream; a vision model needs a clip with frames")
        return media

    def _judge_chunk(self, chunk: list[tuple[int, Clip, Media]]) -> list[Verdict]:
        start = time.perf_counter()
        try:
            texts: Sequence[str | Answer] = self.generate([(clip, media) for _, clip, media in chunk])
            if len(texts) != len(chunk):
                raise RuntimeError(f"{len(texts)} answers for {len(chunk)} clips")
        except Exception as exc:  # a model failure on one batch must not sink the run
            if len(chunk) > 1:  # find the clip at fault: judge them one by one
                return [v for item in chunk for v in self._judge_chunk([item])]
            message = f"generation failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
            if out_of_memory(exc):  # the device's state, not the clip's: batch_size is no part of the cache identity
                less = "batch_size" if self.hears == "audio" else "batch_size, num_frames or max_side"
                return [Verdict.failed(self.name, chunk[0][1].name, f"{message} (out of memory: free the device's memory "
                                       f"or lower {less}; not cached, the next run asks again)",
                                       seconds=time.perf_counter() - start, transient=True)]
            return [Verdict.failed(self.name, chunk[0][1].name, message, seconds=time.perf_counter() - start)]
        seconds = (time.perf_counter() - start) / len(chunk)
        verdicts = []
        for (_, clip, _), answer in zip(chunk, texts):
            if not isinstance(answer, Answer):
                answer = Answer(answer)
            if answer.failure is not None:
                verdicts.append(Verdict.failed(self.name, clip.name, f"generation failed: {answer.failure}", seconds,
                                               raw=answer.text or "", transient=answer.transient))
            elif answer.cut is None:  # as before Answer: a subclass's verdict(clip, text, seconds) override still reads it
                verdicts.append(self.verdict(clip.name, answer.text, seconds))
            else:
                verdicts.append(self.verdict(clip.name, answer.text, seconds, cut=answer.cut))
        return verdicts

    def verdict(self, clip: str, text: str, seconds: float = 0.0, cut: bool | None = None) -> Verdict:
        """Read one answer: emotion words (or a parse error), or a description in describe mode.

        ``cut`` (the engine said generation stopped at ``max_new_tokens``): the answer is read without its thinking and,
        for words, without its last item, which may be a word cut in two ("happy, exci"); ``raw`` keeps it all. A plain
        text from :meth:`generate` is read with no ``cut`` passed, so a subclass's override without it still works.
        """
        # the answer may have been cut at max_new_tokens (None: generate() does not say): its errors name the limit, when one is set
        limit = getattr(self, "max_new_tokens", None)
        token_limit = None if limit is None else f"max_new_tokens={limit}"
        return verdict_from_answer(self.name, clip, (text or "").strip(), self.mode, seconds, token_limit, cut)

    def cache_identity(self) -> dict[str, Any]:
        return {
            **super().cache_identity(),
            "mode": self.mode,
            "prompt_version": prompts.PROMPT_VERSION,
            # read again when the parser changes, but for a subclass reading its answers its own way
            "parser_version": parser_identity(self, GenerativeJudge, ("judge_batch", "_judge_chunk", "verdict")),
            "media": self.media_spec.as_dict(),
            "use_subtitle": self.use_subtitle,
        }
