"""Specification: a cached verdict read from a model's answer by an older answer parser is read again from that answer,
so a parser change asks no model again (``judges.answers_read_again.read_again`` and the verdict cache)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from judges import answer_parsing
from judges.answer_parsing import PARSER_VERSION, verdict_from_answer
from judges.answers_read_again import READ_AGAIN, read_again
from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.lexical_extractor import LexicalExtractor
from judges.openai_judge import OpenAIJudge
from judges.runner import run_judges
from judges.two_stage import TwoStageJudge
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache
from tests.test_generative_judge import Scripted

OLD = "2000-01-01.1"


def read_by_old_parser(verdict: Verdict) -> Verdict:
    """``verdict`` as an older parser would have stored it: its reading names that parser, its words another reading."""
    assert verdict.reading is not None
    verdict.reading = {**verdict.reading, "parser": OLD}
    verdict.words = ["misread"]
    return verdict


def test_a_verdict_read_from_an_answer_records_the_parser_and_what_it_was_told():
    verdict = verdict_from_answer("j", "c1", "Happy, reliev", "labels", 1.5, "max_tokens=8", True)
    assert verdict.reading == {"parser": PARSER_VERSION, "mode": "labels", "token_limit": "max_tokens=8", "cut": True}


def test_an_answer_cut_off_before_any_word_records_its_reading_too():
    verdict = verdict_from_answer("j", "c1", "<think>hmm", "labels", 0.0, "max_tokens=8", True)
    assert not verdict.ok and verdict.reading is not None and verdict.reading["cut"] is True


def test_a_verdict_read_by_this_parser_is_served_as_it_is():
    verdict = verdict_from_answer("j", "c1", "Happy.", "labels")
    assert read_again(verdict) is verdict


def test_a_verdict_not_read_from_an_answer_is_served_as_it_is():
    verdict = Verdict.failed("j", "c1", "HTTP 500: server exploded")
    assert read_again(verdict) is verdict


def test_a_verdict_read_by_an_older_parser_is_read_again_from_its_answer():
    old = read_by_old_parser(verdict_from_answer("j", "c1", "Happy, relieved.", "labels", 1.5, "max_tokens=64", False))
    fresh = read_again(old)
    assert fresh is not None
    assert (fresh.judge, fresh.clip, fresh.words, fresh.raw, fresh.seconds) == ("j", "c1", ["happy", "relieved"], "Happy, relieved.", 1.5)
    assert fresh.reading == {"parser": PARSER_VERSION, "mode": "labels", "token_limit": "max_tokens=64", "cut": False}


def test_an_answer_cut_off_is_read_again_without_its_unfinished_last_word():
    old = read_by_old_parser(verdict_from_answer("j", "c1", "happy, reliev", "labels", 0.0, "max_tokens=8", True))
    assert read_again(old).words == ["happy"]


def test_a_description_is_read_again_in_describe_mode():
    old = verdict_from_answer("j", "c1", "<think>frowns?</think>She frowns.", "describe")
    old.reading, old.description = {**old.reading, "parser": OLD}, "<think>frowns?</think>She frowns."
    assert read_again(old).description == "She frowns."


def test_an_extracts_description_is_kept_when_its_words_are_read_again():
    old = read_by_old_parser(verdict_from_answer("llm", "c1", "sad", "labels"))
    old.description = "He sighs."
    assert read_again(old).description == "He sighs."


@pytest.mark.parametrize("reading", ["labels", {"parser": OLD, "mode": "sing", "token_limit": None, "cut": None},
                                     {"parser": OLD, "mode": "labels", "cut": None},
                                     {"parser": OLD, "mode": "labels", "token_limit": 8, "cut": None},
                                     {"parser": OLD, "mode": "labels", "token_limit": None, "cut": "yes"}, {"parser": OLD},
                                     {"parser": OLD, "described": "She frowns."},
                                     {"parser": OLD, "described": {"raw": None, "token_limit": None, "cut": None}}])
def test_a_damaged_reading_asks_the_model_again(reading):
    verdict = Verdict("j", "c1", ["happy"], raw="happy", reading=reading)
    assert read_again(verdict) is None


class TableDescriber(Judge):
    """Stage one describing each clip from a table, as a describer whose answers are not read by the parser.
    (Not tests.test_two_stage's: importing that module a second time registers its judges again.)"""

    name = "describer"

    def __init__(self, descriptions: dict[str, str]):
        self.descriptions = descriptions

    def judge_batch(self, clips):
        return [Verdict(self.name, c.name, description=self.descriptions[c.name], raw=self.descriptions[c.name], seconds=1.5)
                for c in clips]


class AnswerExtractor:
    """Stage two answering every description with one text, read as an LLM extractor's answer is."""

    name = "llm"

    def __init__(self, answer: str):
        self.answer = answer

    def extract(self, description: str | None, subtitle: str | None = None, clip: str = "") -> Verdict:
        return verdict_from_answer(self.name, clip, self.answer, "labels", 0.5, "max_tokens=8", False)

    def cache_identity(self) -> dict:
        return {"answer": self.answer, "parser_version": READ_AGAIN}  # read as an OpenAI-compatible extractor reads


class FirstWordExtractor(AnswerExtractor):
    """An extractor of one's own reading its answers its own way: the first word only; its identity says nothing of it."""

    def extract(self, description: str | None, subtitle: str | None = None, clip: str = "") -> Verdict:
        verdict = super().extract(description, subtitle, clip)
        verdict.words = verdict.words[:1]
        return verdict

    def cache_identity(self) -> dict:
        return {"answer": self.answer}


@pytest.mark.parametrize(("extractor", "words"), [(AnswerExtractor("happy, sad"), ["HAPPY", "SAD"]),
                                                   (FirstWordExtractor("happy, sad"), ["happy"])], ids=["read-again", "own-reading"])
def test_stage_two_words_are_read_again_only_from_an_extractor_reading_as_the_parser_alone_does(extractor, words, request):
    verdict = TwoStageJudge(TableDescriber({"c1": "She smiles."}), extractor).judge(Clip("c1"))
    request.getfixturevalue("new_parser")
    assert read_again(verdict).words == words


def test_a_two_stage_verdict_read_again_keeps_its_stage_in_its_error_and_its_description():
    judge = TwoStageJudge(TableDescriber({"c1": "He shrugs."}), AnswerExtractor(""))
    old = judge.judge(Clip("c1"))
    assert old.error is not None and old.error.startswith("stage 2 (llm): ")
    old.reading = {**old.reading, "parser": OLD}
    fresh = read_again(old)
    assert fresh is not None and fresh.error == old.error and fresh.description == "He shrugs."
    assert fresh.judge == "describer+llm" and fresh.seconds == old.seconds


class AnswerDescriber(Scripted):
    """A describer model giving one answer for every clip."""

    def __init__(self, answer: str):
        super().__init__(mode="describe", answers=lambda items: [answer for _ in items])


def unreadable_description_verdict(tmp_path: Path) -> Verdict:
    """A two-stage verdict whose describer's answer had no description (only its thinking), read by an older parser."""
    video = tmp_path / "c1.mp4"
    video.write_bytes(b"not decoded: the describer's media is canned")
    verdict = TwoStageJudge(AnswerDescriber("<think>She frowns.</think>"), AnswerExtractor("sad")).judge(Clip("c1", video))
    assert verdict.error is not None and verdict.error.startswith("stage 1 (scripted): ")
    verdict.reading = {**verdict.reading, "parser": OLD}
    return verdict


def test_a_stage_one_answer_that_still_holds_no_description_stays_a_stage_one_error(tmp_path):
    old = unreadable_description_verdict(tmp_path)
    assert read_again(old).error == old.error


def test_a_stage_one_answer_now_read_as_a_description_is_asked_again_for_stage_two(tmp_path, monkeypatch):
    old = unreadable_description_verdict(tmp_path)
    monkeypatch.setattr(answer_parsing, "strip_thinking", lambda text: text)  # a parser that keeps the thinking
    assert read_again(old) is None


def test_a_parser_change_keeps_the_cache_identity_of_judges_whose_answers_are_read_again(monkeypatch):
    judges = [OpenAIJudge(model="m", base_url="http://127.0.0.1:1/v1", api_key_env=None), Scripted()]
    before = [judge.cache_identity() for judge in judges]
    monkeypatch.setattr(answer_parsing, "PARSER_VERSION", "2099-01-01.1")
    assert [judge.cache_identity() for judge in judges] == before
    assert {identity["parser_version"] for identity in before} == {READ_AGAIN}


class OwnReading(Scripted):
    """A generative judge reading its answers its own way: its verdicts cannot be read again by the parser alone."""

    def verdict(self, clip, text, seconds=0.0, cut=None):
        verdict = super().verdict(clip, text, seconds, cut)
        verdict.words = verdict.words[:1]
        return verdict


class FirstWordOnly(Scripted):
    """The same, its words cut after the base judged the batch."""

    def judge_batch(self, clips):
        verdicts = super().judge_batch(clips)
        for verdict in verdicts:
            verdict.words = verdict.words[:1]
        return verdicts


class ExtractsFirstWordOnly(OpenAIJudge):
    """An OpenAI-compatible extractor keeping the first word of each answer."""

    def extract(self, description, subtitle=None, clip=""):
        verdict = super().extract(description, subtitle, clip)
        verdict.words = verdict.words[:1]
        return verdict


@pytest.mark.parametrize("judge", [OwnReading(), FirstWordOnly(),
                                   ExtractsFirstWordOnly(model="m", base_url="http://127.0.0.1:1/v1", api_key_env=None)],
                         ids=["verdict", "judge_batch", "extract"])
def test_a_judge_reading_answers_its_own_way_names_the_parser_version_so_a_parser_change_asks_it_again(judge):
    assert judge.cache_identity()["parser_version"] == PARSER_VERSION


class HappyModel(Scripted):
    """A model answering 'Happy, relieved.' to every clip, counting the clips it is asked about."""

    def __init__(self):
        self.asked = 0
        super().__init__(answers=self.answer)

    def answer(self, items):
        self.asked += len(items)
        return ["Happy, relieved." for _ in items]

    def cache_identity(self):
        return {**super().cache_identity(), "answers": "Happy, relieved."}


@pytest.fixture
def clips(tmp_path: Path) -> list[Clip]:
    """Two clips, their video files (never decoded: the model's media is canned) each of other bytes."""
    for name in ("c1", "c2"):
        (tmp_path / f"{name}.mp4").write_bytes(name.encode())
    return [Clip(name, tmp_path / f"{name}.mp4") for name in ("c1", "c2")]


def test_a_run_after_a_parser_change_asks_the_model_nothing_and_gives_the_new_reading(tmp_path, clips, request):
    judge = HappyModel()
    run_judges([judge], clips, cache=tmp_path / "verdicts.sqlite", progress=False)
    request.getfixturevalue("new_parser")
    verdicts = run_judges([judge], clips, cache=tmp_path / "verdicts.sqlite", progress=False)[judge.name]
    assert judge.asked == 2
    assert [verdicts[c.name].words for c in clips] == [["HAPPY", "RELIEVED"]] * 2


def test_verdicts_read_again_are_stored_so(tmp_path, clips, new_parser):
    judge = HappyModel()
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    cache.put(judge, clips[0], read_by_old_parser(verdict_from_answer(judge.name, "c1", "Happy, relieved.", "labels")))
    assert cache.get_many(judge, clips[:1])["c1"].words == ["HAPPY", "RELIEVED"]
    with sqlite3.connect(cache.path) as conn:
        (text,) = conn.execute("SELECT verdict FROM verdicts").fetchone()
    assert (json.loads(text)["words"], json.loads(text)["reading"]["parser"]) == (["HAPPY", "RELIEVED"], "2099-01-01.1")


def test_a_cache_that_cannot_store_verdicts_read_again_still_serves_them(tmp_path, clips, new_parser, monkeypatch):
    judge = HappyModel()
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    cache.put(judge, clips[0], read_by_old_parser(verdict_from_answer(judge.name, "c1", "Happy.", "labels")))

    def read_only(*args, **kwargs):
        raise InputError("verdicts.sqlite: cannot use the verdict cache (attempt to write a readonly database)")

    monkeypatch.setattr(cache, "put_many", read_only)
    assert cache.get_many(judge, clips[:1])["c1"].words == ["HAPPY"]


def test_a_verdict_read_again_into_a_failure_is_left_out_when_failures_are_retried(tmp_path, clips, monkeypatch):
    judge = HappyModel()
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    cache.put(judge, clips[0], read_by_old_parser(verdict_from_answer(judge.name, "c1", "Happy.", "labels")))
    monkeypatch.setattr(answer_parsing, "PARSER_VERSION", "2099-01-01.1")
    monkeypatch.setattr(answer_parsing, "words_from_answer", lambda text: ([], "no emotion words"))
    assert cache.get_many(judge, clips[:1], retry_failed=True) == {}
    assert cache.get_many(judge, clips[:1])["c1"].error.startswith("no emotion words")


@pytest.mark.parametrize("raw", [None, 5, ["happy"]])
def test_a_cached_verdict_whose_answer_is_no_text_is_asked_again_not_a_crash(tmp_path, clips, raw):
    judge = HappyModel()
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    damaged = read_by_old_parser(verdict_from_answer(judge.name, "c1", "happy, reliev", "labels", 0.0, "max_new_tokens=8", True))
    damaged.raw = raw  # a hand-edited row
    cache.put(judge, clips[0], damaged)
    assert cache.get_many(judge, clips[:1]) == {}


@pytest.fixture
def parser_dropping_thinking_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser of another version that drops ``<thinking>`` blocks too, so that it reads some descriptions otherwise."""
    strip = answer_parsing.strip_thinking
    monkeypatch.setattr(answer_parsing, "PARSER_VERSION", "2099-01-01.1")
    monkeypatch.setattr(answer_parsing, "strip_thinking", lambda text: strip(text.replace("<thinking>", "<think>").replace("</thinking>", "</think>")))


def described_and_extracted(tmp_path: Path, description: str, extractor: object) -> Verdict:
    """A two-stage verdict on one clip whose describer answered ``description``, read by an older parser."""
    video = tmp_path / "c1.mp4"
    video.write_bytes(b"not decoded: the describer's media is canned")
    verdict = TwoStageJudge(AnswerDescriber(description), extractor).judge(Clip("c1", video))
    assert verdict.ok and verdict.reading is not None
    verdict.reading = {**verdict.reading, "parser": OLD}
    return verdict


@pytest.mark.parametrize("extractor", [AnswerExtractor("sad"), LexicalExtractor(vocabulary=["angry", "sad"], stoplist=())],
                         ids=["llm", "lexical"])
def test_a_two_stage_verdict_whose_description_a_new_parser_reads_otherwise_is_asked_again(tmp_path, extractor, request):
    old = described_and_extracted(tmp_path, "<thinking>angry?</thinking> She looks sad.", extractor)
    request.getfixturevalue("parser_dropping_thinking_tags")
    assert read_again(old) is None  # stage two would be given "She looks sad." now, not the thinking with it


def test_a_two_stage_verdict_whose_description_a_new_parser_reads_alike_keeps_its_lexical_words(tmp_path, parser_dropping_thinking_tags):
    old = described_and_extracted(tmp_path, "<think>angry?</think> She looks sad.", LexicalExtractor(vocabulary=["angry", "sad"], stoplist=()))
    fresh = read_again(old)
    assert fresh is not None and (fresh.words, fresh.description) == (["sad"], "She looks sad.")
    assert fresh.reading["parser"] == "2099-01-01.1"


class ThinkingDescriber(AnswerDescriber):
    """A describer model that thinks in ``<thinking>`` tags, counting the clips it is asked about."""

    def __init__(self):
        self.asked = 0
        super().__init__("<thinking>angry?</thinking> She looks sad.")
        self.answers = self.answer

    def answer(self, items):
        self.asked += len(items)
        return ["<thinking>angry?</thinking> She looks sad." for _ in items]


def test_a_two_stage_run_after_a_parser_that_reads_descriptions_otherwise_gives_what_a_fresh_run_gives(tmp_path, clips, request):
    describers: list[ThinkingDescriber] = []

    def judge() -> TwoStageJudge:
        describers.append(ThinkingDescriber())
        return TwoStageJudge(describers[-1], LexicalExtractor(vocabulary=["angry", "sad"], stoplist=()))

    run_judges([judge()], clips, cache=tmp_path / "verdicts.sqlite", progress=False)
    request.getfixturevalue("parser_dropping_thinking_tags")
    cached = run_judges([judge()], clips, cache=tmp_path / "verdicts.sqlite", progress=False)["scripted+lexical"]
    fresh = run_judges([judge()], clips, progress=False)["scripted+lexical"]
    assert [cached[c.name].words for c in clips] == [fresh[c.name].words for c in clips] == [["sad"]] * 2
    assert describers[1].asked == 2  # described again: stage two is given the description the new parser reads


def test_a_failure_read_again_into_words_is_served_when_failures_are_retried(tmp_path, clips, monkeypatch):
    judge = HappyModel()
    cache = VerdictCache(tmp_path / "verdicts.sqlite")
    old = verdict_from_answer(judge.name, "c1", "I cannot tell.", "labels")
    assert not old.ok
    cache.put(judge, clips[0], read_by_old_parser(old))
    monkeypatch.setattr(answer_parsing, "PARSER_VERSION", "2099-01-01.1")
    monkeypatch.setattr(answer_parsing, "words_from_answer", lambda text: (["unsure"], None))
    assert cache.get_many(judge, clips[:1], retry_failed=True)["c1"].words == ["unsure"]
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("SELECT ok FROM verdicts").fetchall() == [(1,)]  # stored so: its ok column too
