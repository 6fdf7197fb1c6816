"""Cached answers read again: a parser upgrade re-reads the answers a cache holds instead of asking the models again.

A verdict read from a model's answer records how (``Verdict.reading``: the parser's version, the judge's mode and token
limit, whether the answer was cut off); :class:`~judges.verdict_cache.VerdictCache` serves one read by an older parser
as :func:`read_again` reads it now. The judges whose verdicts may be read so name :data:`READ_AGAIN` in their cache
identity instead of the parser's version (:func:`parser_identity`), so a parser change keeps their cached verdicts.
(The parser's version is looked up on :mod:`judges.answer_parsing` at each call, as it is set there.)
"""
from __future__ import annotations

import dataclasses
from typing import Any

from judges import answer_parsing
from judges.verdict import Verdict

__all__ = ["READ_AGAIN", "parser_identity", "read_again", "reads_again"]

#: What a judge names as its parser version in ``cache_identity()`` when its cached verdicts are read again by
#: :func:`read_again` (the judges that read answers with :func:`~judges.answer_parsing.verdict_from_answer` alone): a
#: parser change then asks its model nothing again. A judge that reads answers its own way names
#: :data:`~judges.answer_parsing.PARSER_VERSION` instead (:func:`parser_identity`).
READ_AGAIN = "read again from the answer"


def read_again(verdict: Verdict) -> Verdict | None:
    """``verdict`` as this parser reads its answer, so that a parser change costs no model a second run.

    The verdict itself when this parser read it, or when it was not read from an answer (``reading`` None: a request that
    failed, a judge that reads no text); else a new verdict read from ``raw`` as its ``reading`` says (mode, token limit,
    cut off or not), with the old one's judge, clip, time and, but in describe mode, description; a ``"stage"`` in the
    reading (a two-stage judge's ``"stage 2 (extractor)"``) leads its error. A two-stage verdict's reading also holds the
    describer's answer (``"described"``: its raw text, token limit and cut), whose description stage two was given;
    with no ``"mode"``, stage two read no answer (a lexical extractor): its words stand as they are. None, to ask the
    model again, when the reading (or the answer it read, ``raw``) is damaged, when the describer's answer now reads as
    another description or none (stage two would be given that), or when the reading was of stage one of two
    (``"stage_one_of_two"``) and now gives a description: stage two never saw it.
    """
    reading = verdict.reading
    if reading is None or (isinstance(reading, dict) and reading.get("parser") == answer_parsing.PARSER_VERSION):
        return verdict
    if not _valid_reading(reading) or not isinstance(verdict.raw, str):
        return None
    described = reading.get("described")
    if described is not None:
        first = answer_parsing.verdict_from_answer(verdict.judge, verdict.clip, described["raw"], "describe", 0.0,
                                                   described["token_limit"], described["cut"])
        if first.description != verdict.description:
            return None
    if "mode" not in reading:
        return dataclasses.replace(verdict, reading={**reading, "parser": answer_parsing.PARSER_VERSION})
    mode, stage = reading["mode"], reading.get("stage")
    fresh = answer_parsing.verdict_from_answer(verdict.judge, verdict.clip, verdict.raw, mode, verdict.seconds, reading["token_limit"],
                                               reading["cut"])
    if fresh.ok and reading.get("stage_one_of_two"):
        return None
    if stage and fresh.error is not None:
        fresh.error = f"{stage}: {fresh.error}"
    if mode != "describe":
        fresh.description = verdict.description
    fresh.reading = {**reading, "parser": answer_parsing.PARSER_VERSION}
    return fresh


def parser_identity(judge: object, base: type, methods: tuple[str, ...]) -> str:
    """What ``judge`` names as its parser version in ``cache_identity()``: :data:`READ_AGAIN` when its class takes every
    one of ``methods`` (those between a model's answer and its verdict) from ``base``, whose verdicts
    :func:`read_again` reads as they were made; else :data:`~judges.answer_parsing.PARSER_VERSION`: a subclass reading
    answers its own way (dropping a word after :func:`verdict_from_answer`) would lose that in a reading again, so its verdicts are asked
    again after a parser change instead."""
    return READ_AGAIN if all(getattr(type(judge), name) is getattr(base, name) for name in methods) else answer_parsing.PARSER_VERSION


def reads_again(judge: object) -> bool:
    """Whether what ``judge`` reads from answers (a two-stage or AffectGPT judge's extractor) may be read again by
    :func:`read_again` alone: its cache identity names :data:`READ_AGAIN` (:func:`parser_identity`). An extractor of
    one's own (any object with ``extract()``) may read answers its own way: its words stand as it gave them."""
    identity = getattr(judge, "cache_identity", None)
    said = identity() if callable(identity) else None
    return isinstance(said, dict) and said.get("parser_version") == READ_AGAIN


def _valid_reading(reading: object) -> bool:
    """Whether ``reading`` is one :func:`verdict_from_answer` records, or a two-stage judge makes of it (a cache row's
    may be damaged or hand-edited)."""
    if not isinstance(reading, dict) or not isinstance(reading.get("parser"), str) or not isinstance(reading.get("stage", ""), str):
        return False
    described = reading.get("described")
    if described is not None and not (isinstance(described, dict) and isinstance(described.get("raw"), str) and _valid_limit(described)):
        return False
    if "mode" not in reading:
        return described is not None  # a two-stage verdict whose extractor read no answer: only its description was read
    return reading["mode"] in ("labels", "describe") and _valid_limit(reading)


def _valid_limit(reading: dict[str, Any]) -> bool:
    """Whether ``reading`` holds a ``token_limit`` and ``cut`` as :func:`verdict_from_answer` takes them."""
    return ({"token_limit", "cut"} <= reading.keys() and (reading["token_limit"] is None or isinstance(reading["token_limit"], str))
            and (reading["cut"] is None or isinstance(reading["cut"], bool)))
