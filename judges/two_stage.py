"""Describe, then extract: the OV-MER two-stage recipe as one judge.

Stage one is any judge that fills ``Verdict.description`` (an OpenAI-compatible
or transformers judge in ``mode="describe"``); stage two is anything with a
text-only ``extract(description, subtitle, clip=...) -> Verdict`` method: an
LLM (:class:`~judges.openai_judge.OpenAIJudge`, prompt
:data:`judges.prompts.EXTRACT_LABELS`) or the
:class:`~judges.lexical_extractor.LexicalExtractor`.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from judges.answers_read_again import reads_again
from judges.base import Judge
from judges.clip import Clip
from judges.daemon_threads import map_on_daemon_threads
from judges.errors import InputError
from judges.registry import build_judge, register_judge
from judges.user_warnings import with_call_site
from judges.verdict import Verdict

__all__ = ["TwoStageJudge", "build_extractor", "extracted"]


@register_judge("two-stage")
class TwoStageJudge(Judge):
    """A describer judge's clue description, turned into emotion words by an extractor.

    Either stage may be given built, or as a table with a ``type`` (as in a
    judges config file, where they are nested tables). The verdict has stage
    two's words and stage one's description; its time is both stages'. A
    stage-one failure (or an empty description) is the clip's error, and stage
    two is not run for it. An extractor that says it would not ask its server
    now (an OpenAI judge's ``unreachable_error()``: its server unreachable for
    several requests in a row) fails the batch at once, transiently, with that
    error: stage one is not run, its descriptions would be lost. When such an
    extractor's one request that tries its server again is due
    (``server_given_up()``), one clip is described for it; the rest of the
    batch is judged if the server answered, else failed as above.

    So with an extractor that says its server refused it (an OpenAI judge's
    ``refused_error()``: a 4xx naming one of its settings, a 404 to its
    model, a 401 to its key): every later clip fails at once, transiently, with that error,
    undescribed. To find that out before a batch is described, such an
    extractor's first batches are judged one clip first, then the rest,
    until one of its extracts has been answered (with words or without: not a
    transient failure). Either method is optional:
    an extractor of one's own without them is asked for every clip. One whose
    ``extract`` raises fails that clip alone (:func:`extracted`), the batch's
    other descriptions standing.

    >>> judge = TwoStageJudge(
    ...     describer={"type": "openai", "model": "internvl2_5-8b", "mode": "describe"},
    ...     extractor={"type": "lexical"},
    ... )  # doctest: +SKIP
    >>> judge.judge(Clip.from_path("clip.mp4")).words  # doctest: +SKIP
    ['angry', 'frustrated']
    """

    def __init__(self, describer: Judge | Mapping[str, Any], extractor: Any, name: str | None = None):
        self.extractor = build_extractor(extractor)  # first: a mistake in its table fails before the describer's model loads
        self.describer = build_stage(describer, "describer")
        mode = getattr(self.describer, "mode", "describe")
        if not isinstance(self.describer, Judge) or mode != "describe":
            if isinstance(describer, Mapping) and callable(getattr(self.describer, "close", None)):
                self.describer.close()  # built here, for nothing: release its model
            if not isinstance(self.describer, Judge):
                raise InputError(f"two-stage describer {type(self.describer).__name__}: not a judge; give a judge in mode 'describe'")
            # it would set no description: every clip would fail after its request
            raise InputError(f"two-stage describer {self.describer.name!r} is in mode {mode!r}: set mode = \"describe\" in its table")
        self.name = name or f"{self.describer.name}+{getattr(self.extractor, 'name', 'extractor')}"
        self.modalities = frozenset(self.describer.modalities) | frozenset(getattr(self.extractor, "modalities", ()))
        self.concurrency = self.describer.concurrency
        # an extract answered (not transient: with words, or none): from then on the extractor has no refusal to find, so a
        # batch is described at once, not one clip first (:meth:`judge_batch`)
        self._extractor_answered = False

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        verdicts: list[Verdict] = []
        clips = list(clips)
        # an extractor that can say its server refused it (refused_error) and has not answered yet: one clip first, to find
        # out before the batch is described; once per batch, so a describer failing every clip does not make it one by one
        refusable = callable(getattr(self.extractor, "refused_error", None))
        probe = refusable and not self._extractor_answered
        while clips:
            error = self._not_asked_error()
            if error is not None:  # stage two would not be asked: describing the clips would be work thrown away
                return verdicts + [Verdict.failed(self.name, clip.name, f"{self._stage_two()}: {error}", transient=True)
                                   for clip in clips]
            given_up = getattr(self.extractor, "server_given_up", None)
            if len(clips) > 1 and (probe or callable(given_up) and given_up()):
                # only the request that tries its server again would be asked, or the first may be refused: one clip for
                # it, the rest once it answers
                probe = False
                verdicts += self._both_stages(clips[:1])
                clips = clips[1:]
                continue
            return verdicts + self._both_stages(clips)
        return verdicts

    def _not_asked_error(self) -> str | None:
        """The error the extractor says its request would fail with now, unsent: ``unreachable_error()`` (its server given
        up), else ``refused_error()`` (its server refused its settings or key); None if it would ask, or says neither."""
        for method in ("unreachable_error", "refused_error"):
            says = getattr(self.extractor, method, None)
            error = says() if callable(says) else None
            if error is not None:
                return error
        return None

    def _both_stages(self, clips: Sequence[Clip]) -> list[Verdict]:
        described = self.describer.judge_batch(clips)
        second_stage = functools.partial(self._second_stage, read_again=reads_again(self.extractor))
        workers = max(1, min(int(getattr(self.extractor, "max_concurrency", 1)), len(clips)))
        if workers == 1:
            return [second_stage(clip, first) for clip, first in zip(clips, described)]
        # daemon threads, as the describer's: a batch given up on (batch_timeout) does not hold the program's exit
        return map_on_daemon_threads(with_call_site(second_stage), clips, described, workers=workers,
                                     name=f"extract-{self.name}")  # its warnings: the run's line

    def _second_stage(self, clip: Clip, first: Verdict, read_again: bool = True) -> Verdict:
        """Stage two of ``clip`` on stage one's verdict; its words' reading is kept (to be read again after a parser
        change) only if ``read_again``: the extractor reads answers as the parser alone does (:func:`reads_again`)."""
        stage_one = f"stage 1 ({self.describer.name})"
        if not first.ok:
            failed = Verdict.failed(self.name, clip.name, f"{stage_one}: {first.error}", first.seconds, first.raw,
                                    transient=first.transient)
            if first.reading is not None:  # its answer unreadable: a new parser may read a description, then stage two is due
                failed.reading = {**first.reading, "stage": stage_one, "stage_one_of_two": True}
            return failed
        if not (first.description or "").strip():
            return Verdict.failed(self.name, clip.name, f"{stage_one} gave no description", first.seconds, first.raw)
        second = extracted(self.extractor, first.description, clip)
        if not second.transient:  # the server's answer (words or none): it took the settings and key, or refused_error says so
            self._extractor_answered = True
        stage = self._stage_two()
        reading = None if second.reading is None or not read_again else {**second.reading, "stage": stage}
        if first.reading is not None:  # the description read from the describer's answer: a new parser may read another
            described = {"raw": first.raw, "token_limit": first.reading.get("token_limit"), "cut": first.reading.get("cut")}
            reading = {"parser": first.reading.get("parser"), **(reading or {}), "described": described}
        return Verdict(
            judge=self.name,
            clip=clip.name,
            words=list(second.words),
            raw=second.raw,
            scores=second.scores,
            description=first.description,
            seconds=first.seconds + second.seconds,
            error=None if second.ok else f"{stage}: {second.error}",
            transient=not second.ok and second.transient,
            reading=reading,
        )

    def _stage_two(self) -> str:
        """How an error of stage two names it: ``stage 2 (<extractor's name>)``."""
        return f"stage 2 ({getattr(self.extractor, 'name', 'extractor')})"

    def cache_identity(self) -> dict[str, Any]:
        extractor = self.extractor.cache_identity() if hasattr(self.extractor, "cache_identity") else type(self.extractor).__name__
        return {**super().cache_identity(), "describer": self.describer.cache_identity(), "extractor": extractor}

    def close(self) -> None:
        self.describer.close()
        if hasattr(self.extractor, "close"):
            self.extractor.close()


def build_stage(stage: Any, role: str) -> Any:
    """A stage given built, or built from its config table (``{"type": ..., **params}``)."""
    if not isinstance(stage, Mapping):
        return stage
    params = dict(stage)
    type_name = params.pop("type", None)
    if not type_name:
        raise InputError(f"the {role} table needs a 'type' (e.g. type = \"openai\" or \"lexical\")")
    return build_judge(type_name, **params)


def extracted(extractor: Any, description: str | None, clip: Clip) -> Verdict:
    """``extractor.extract(description, clip.subtitle, clip=clip.name)``, or, if it raises (an extractor of one's own with
    a bug on one description), that clip's failure (as :meth:`Verdict.from_exception`: out of memory is transient): raised,
    it failed the whole batch, which the runner then judged again clip by clip, describing each clip again (an 8-clip
    two-stage batch: 16 descriptions; an AffectGPT judge: one AffectGPT run per clip)."""
    try:
        return extractor.extract(description, clip.subtitle, clip=clip.name)
    except Exception as exc:
        return Verdict.from_exception(getattr(extractor, "name", "extractor"), clip.name, exc)


def build_extractor(extractor: Any) -> Any:
    """A stage-two extractor, built or from its table; refused unless it has ``extract(description, subtitle)``."""
    extractor = build_stage(extractor, "extractor")
    if not callable(getattr(extractor, "extract", None)):
        raise InputError(
            f"extractor {type(extractor).__name__}: has no extract(description, subtitle) method; use type 'lexical' or 'openai'"
        )
    return extractor
