"""Verdict: one judge's opinion on one clip, as a dict and back; failures as verdicts."""
from __future__ import annotations

import errno

import pytest

from judges.errors import InputError
from judges.verdict import Verdict


def test_to_dict_lists_every_field_with_unset_ones_as_none():
    assert Verdict("j", "s1", words=["sad"]).to_dict() == {
        "judge": "j", "clip": "s1", "words": ["sad"], "raw": "", "scores": None,
        "description": None, "seconds": 0.0, "error": None, "transient": False, "reading": None,
    }


def test_from_dict_gives_back_every_field_of_to_dict():
    verdict = Verdict("j", "s1", words=["happy"], raw="happy", scores={"happy": 0.9}, description="smiles", seconds=1.5, error=None,
                      reading={"parser": "2026-11-24.16", "mode": "labels", "token_limit": None, "cut": None})
    assert Verdict.from_dict(verdict.to_dict()) == verdict


def test_from_dict_ignores_keys_that_are_not_fields():
    assert Verdict.from_dict({"judge": "j", "clip": "s1", "words": ["sad"], "fusion": "vote"}) == Verdict("j", "s1", words=["sad"])


def test_a_failed_verdict_keeps_the_raw_text_it_is_given():
    verdict = Verdict.failed("j", "s1", "stage 1 gave no description", seconds=2.0, raw="???")
    assert (verdict.ok, verdict.words, verdict.raw, verdict.seconds) == (False, [], "???", 2.0)


def test_an_input_error_becomes_its_own_one_line_message():
    verdict = Verdict.from_exception("j", "s1", InputError("clip.mp4: no such video file"), seconds=0.5)
    assert (verdict.error, verdict.seconds) == ("clip.mp4: no such video file", 0.5)


def test_any_other_exception_is_named_by_its_type():
    assert Verdict.from_exception("j", "s1", ValueError("bad shape (3, 4)")).error == "ValueError: bad shape (3, 4)"


@pytest.mark.parametrize("exc", [RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), MemoryError(),
                                 RuntimeError("MPS backend out of memory"),
                                 # torch's CPU allocator, as torch 2.13 words it
                                 RuntimeError("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't "
                                              "allocate memory: you tried to allocate 35184372088832 bytes. Error code 12 "
                                              "(Cannot allocate memory)"),
                                 OSError(errno.ENOMEM, "Cannot allocate memory")],
                         ids=["cuda", "host", "mps", "torch-cpu", "enomem"])
def test_an_exception_for_want_of_memory_is_not_cached_and_says_so(exc):
    # it was cached as the clip's failure (the face and speech-text judges): the run after freeing memory replayed it
    verdict = Verdict.from_exception("j", "s1", exc)
    assert verdict.transient and verdict.error.endswith("(out of memory: free memory and rerun; not cached, the next run asks again)")


def test_a_failure_with_an_empty_message_is_still_a_failure():
    # ok means no error was set, not a non-empty one: an exception without a message is a failure too
    assert Verdict.from_exception("j", "s1", InputError("")).ok is False


def test_to_dict_copies_the_words_and_scores_so_changing_it_leaves_the_verdict_as_it_was():
    verdict = Verdict("j", "s1", words=["happy"], scores={"happy": 0.9})
    data = verdict.to_dict()
    data["words"].append("sad")
    data["scores"]["sad"] = 0.1
    assert (verdict.words, verdict.scores) == (["happy"], {"happy": 0.9})


def test_a_failed_verdicts_raw_text_quoting_half_an_emoji_is_kept_as_its_escape():
    verdict = Verdict.failed("j", "s1", "no words", raw="smiles \ud83d")
    assert verdict.raw == "smiles \\ud83d" and verdict.to_json().encode("utf-8")
