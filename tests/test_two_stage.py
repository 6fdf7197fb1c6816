"""TwoStageJudge: stage one's description, stage two's words."""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence

import pytest

from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.lexical_extractor import LexicalExtractor
from judges.openai_judge import OpenAIJudge
from judges.registry import judges_from_config, register_judge
from judges.runner import run_judges
from judges.two_stage import TwoStageJudge
from judges.verdict import Verdict
from tests.media_fixtures import make_clip
from tests.test_openai_judge import (OPENAI_REFUSES_TEMPERATURE, VLLM_TOO_MANY_IMAGES, FakeChatServer, completion,
                                       key_checking_server, nothing_listening)


class ScriptedDescriber(Judge):
    """Describes each clip from a fixed table; a clip not in it fails."""

    name = "describer"
    modalities = frozenset({"video"})

    def __init__(self, descriptions: dict[str, str]):
        self.descriptions = descriptions
        self.closed = False

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        return [
            Verdict(self.name, c.name, description=self.descriptions[c.name], raw=self.descriptions[c.name], seconds=1.5)
            if c.name in self.descriptions
            else Verdict.failed(self.name, c.name, "decoder exploded", seconds=0.5)
            for c in clips
        ]

    def close(self) -> None:
        self.closed = True


def lexical() -> LexicalExtractor:
    return LexicalExtractor(vocabulary=["angry", "sad", "tense"], stoplist=())


def test_words_come_from_stage_two_and_description_from_stage_one():
    judge = TwoStageJudge(ScriptedDescriber({"c1": "He is tense and angry."}), lexical())
    verdict = judge.judge(Clip("c1"))
    assert (verdict.judge, verdict.words, verdict.description, verdict.error) == ("describer+lexical", ["tense", "angry"], "He is tense and angry.", None)


class SlowExtractor:
    """A stage two that reports 0.25 s for every extraction."""

    name = "slow"

    def extract(self, description: str, subtitle: str | None = None, clip: str = "") -> Verdict:
        return Verdict(self.name, clip, ["sad"], seconds=0.25)


def test_timings_are_summed():
    verdict = TwoStageJudge(ScriptedDescriber({"c1": "sad"}), SlowExtractor()).judge(Clip("c1"))
    assert verdict.seconds == pytest.approx(1.5 + 0.25)


def test_stage_one_errors_propagate_without_running_stage_two():
    verdict = TwoStageJudge(ScriptedDescriber({}), lexical(), name="two").judge(Clip("c9"))
    assert (verdict.judge, verdict.words) == ("two", [])
    assert verdict.error == "stage 1 (describer): decoder exploded"


def test_an_empty_description_is_an_error():
    verdict = TwoStageJudge(ScriptedDescriber({"c1": "  "}), lexical()).judge(Clip("c1"))
    assert "no description" in verdict.error


def test_an_llm_extractor_gets_description_and_subtitle():
    from judges.openai_judge import OpenAIJudge

    with FakeChatServer([(200, completion("furious"), 0.0)]) as server:
        extractor = OpenAIJudge(model="m", base_url=server.url, api_key_env=None, modalities=("text",), backoff=0.01)
        verdict = TwoStageJudge(ScriptedDescriber({"c1": "He slams the door."}), extractor).judge(Clip("c1", subtitle="Leave me alone!"))
    prompt = server.requests[0]["messages"][0]["content"][0]["text"]
    assert "He slams the door." in prompt and "Leave me alone!" in prompt
    assert (verdict.words, verdict.description) == (["furious"], "He slams the door.")


def test_an_llm_extractor_failure_is_a_stage_two_error():
    from judges.openai_judge import OpenAIJudge

    with FakeChatServer([(400, "no", 0.0)]) as server:
        extractor = OpenAIJudge(model="m", base_url=server.url, api_key_env=None, name="llm")
        verdict = TwoStageJudge(ScriptedDescriber({"c1": "sad"}), extractor).judge(Clip("c1"))
    assert verdict.error.startswith("stage 2 (llm): HTTP 400")


class DownDescriber(ScriptedDescriber):
    """A stage one whose server is down: every clip fails, transiently."""

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        return [Verdict.failed(self.name, c.name, "cannot reach the server", transient=True) for c in clips]


def test_a_transient_stage_one_failure_is_a_transient_verdict():
    verdict = TwoStageJudge(DownDescriber({}), lexical()).judge(Clip("c1"))
    assert verdict.transient and verdict.error == "stage 1 (describer): cannot reach the server"


def test_a_transient_stage_two_failure_is_a_transient_verdict():
    from judges.openai_judge import OpenAIJudge

    with FakeChatServer([(503, "busy", 0.0)]) as server:
        extractor = OpenAIJudge(model="m", base_url=server.url, api_key_env=None, name="llm", max_retries=0)
        verdict = TwoStageJudge(ScriptedDescriber({"c1": "sad"}), extractor).judge(Clip("c1"))
    assert verdict.transient and verdict.error.startswith("stage 2 (llm): HTTP 503")


class CountingDescriber(ScriptedDescriber):
    """Describes from a table, and records the clips it was asked to describe."""

    def __init__(self, descriptions: dict[str, str]):
        super().__init__(descriptions)
        self.asked: list[str] = []

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        self.asked += [clip.name for clip in clips]
        return super().judge_batch(clips)


class BuggyExtractor:
    """An extractor of one's own whose extract raises on the clip ``bug_on``."""

    name = "buggy"

    def __init__(self, bug_on: str):
        self.bug_on = bug_on

    def extract(self, description: str, subtitle: str | None = None, clip: str = "") -> Verdict:
        if clip == self.bug_on:
            raise ValueError("no words in it")
        return Verdict(self.name, clip, ["sad"])


def test_an_extractor_raising_on_one_clip_fails_that_clip_and_the_batch_is_described_once():
    # raised, it failed the batch, which the runner judged again clip by clip: every clip was described twice
    describer = CountingDescriber({"c1": "sad", "c2": "sad", "c3": "sad"})
    out = run_judges([TwoStageJudge(describer, BuggyExtractor("c2"), name="two")], ["c1", "c2", "c3"], progress=False)
    assert describer.asked == ["c1", "c2", "c3"]
    assert [verdict.words for verdict in out["two"].values()] == [["sad"], [], ["sad"]]
    assert out["two"]["c2"].error == "stage 2 (buggy): ValueError: no words in it"


def test_stage_one_is_not_run_while_the_extractors_server_is_unreachable():
    """Its descriptions would be lost: the extractor would not ask its server (down for max_unreachable requests in a row)."""
    from judges.openai_judge import OpenAIJudge
    from tests.test_openai_judge import nothing_listening

    describer = CountingDescriber({"c1": "sad", "c2": "sad", "c3": "sad"})
    extractor = OpenAIJudge(model="m", base_url=nothing_listening(), api_key_env=None, name="llm", max_retries=0, max_unreachable=1,
                            startup_wait=0)
    judge = TwoStageJudge(describer, extractor)
    judge.judge(Clip("c1"))  # the request that finds the server down
    verdicts = judge.judge_batch([Clip("c2"), Clip("c3")])
    assert describer.asked == ["c1"]
    assert all(v.transient and v.error.startswith("stage 2 (llm): not asked: the server at") for v in verdicts)


def given_up_extractor(monkeypatch: pytest.MonkeyPatch) -> OpenAIJudge:
    """An OpenAI extractor that has given its server (nothing listening) up, and tries it again 0.3 s after a miss."""
    monkeypatch.setattr("judges.openai_judge._ASK_AGAIN_AFTER", 0.3)
    extractor = OpenAIJudge(model="m", base_url=nothing_listening(), api_key_env=None, name="llm", max_retries=0, max_unreachable=1,
                            startup_wait=0)
    extractor.extract("sad", clip="c0")  # the request that finds the server down
    return extractor


def test_when_the_extractors_server_is_tried_again_one_clip_is_described_for_that_try(monkeypatch):
    # the whole batch was described, one extract let through and the other descriptions lost, every 30 s
    describer = CountingDescriber({f"c{i}": "sad" for i in range(5)})
    judge = TwoStageJudge(describer, given_up_extractor(monkeypatch))
    time.sleep(0.35)
    verdicts = judge.judge_batch([Clip(f"c{i}") for i in range(5)])
    assert describer.asked == ["c0"] and "cannot reach" in verdicts[0].error
    assert all(v.transient and v.description is None and "not asked" in v.error for v in verdicts[1:])


def test_when_the_extractors_server_answers_that_try_the_rest_of_the_batch_is_judged(monkeypatch):
    describer = CountingDescriber({f"c{i}": "sad" for i in range(5)})
    extractor = given_up_extractor(monkeypatch)
    judge = TwoStageJudge(describer, extractor)
    time.sleep(0.35)
    with FakeChatServer([(200, completion("sad"), 0.0)]) as server:
        extractor.base_url = server.url  # the server back up
        verdicts = judge.judge_batch([Clip(f"c{i}") for i in range(5)])
    assert [v.words for v in verdicts] == [["sad"]] * 5 and describer.asked == [f"c{i}" for i in range(5)]


# -- an extractor whose server refused its settings or key: the describer is not asked for descriptions to lose --


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=0.5, width=32, height=32, with_audio=False)


def clips_of(video, n: int) -> list[Clip]:
    return [Clip(f"c{i}", video, subtitle=f"line {i}") for i in range(n)]


def describer_at(url: str) -> OpenAIJudge:
    return OpenAIJudge(model="vlm", base_url=url, api_key_env=None, name="vlm", mode="describe", modalities=("video",),
                       num_frames=1, backoff=0.01)


def refused_extractor(kind: str, url: str) -> OpenAIJudge:
    """An extractor its server refuses: for its temperature (an o-series model), or for its key (a 401)."""
    key = {"api_key": "sk-wrong"} if kind == "key" else {}
    return OpenAIJudge(model="m", base_url=url, api_key_env=None, name="llm", modalities=("text",), backoff=0.01, **key)


@contextlib.contextmanager
def refusing_server(kind: str) -> Iterator[tuple[str, Callable[[], int]]]:
    """A server refusing every request, for its temperature or its key; yields the URL, then a count of its requests."""
    if kind == "key":
        with key_checking_server() as (url, keys):
            yield url, lambda: len(keys)
    else:
        with FakeChatServer([(400, OPENAI_REFUSES_TEMPERATURE, 0.0)]) as server:
            yield server.url, lambda: len(server.requests)


@pytest.mark.parametrize("kind", ["settings", "key"])
def test_stage_one_is_not_run_for_a_later_batch_once_the_extractor_was_refused(kind, video):
    with FakeChatServer([(200, completion("He frowns."), 0.0)]) as describing, refusing_server(kind) as (url, extracts):
        judge = TwoStageJudge(describer_at(describing.url), refused_extractor(kind, url))
        judge.judge(clips_of(video, 1)[0])
        verdicts = judge.judge_batch(clips_of(video, 5))
        asked = (len(describing.requests), extracts())
    assert asked == (1, 1)
    refused = "settings" if kind == "settings" else "API key"
    assert all(v.transient and v.error.startswith(f"stage 2 (llm): not asked, the server having refused the same {refused}")
               for v in verdicts)


@pytest.mark.parametrize("kind", ["settings", "key"])
def test_a_refused_extractor_costs_one_description_of_a_batch_not_the_batch(kind, video):
    """One batch of 6 clips (the runner's default batch holds 8): 6 descriptions were made, 5 of them thrown away."""
    with FakeChatServer([(200, completion("He frowns."), 0.0)]) as describing, refusing_server(kind) as (url, extracts):
        judge = TwoStageJudge(describer_at(describing.url), refused_extractor(kind, url))
        verdicts = run_judges([judge], clips_of(video, 6), progress=False)[judge.name]
        asked = (len(describing.requests), extracts())
    assert asked == (1, 1) and all(v.error.startswith("stage 2 (llm): not asked") for v in list(verdicts.values())[1:])


def test_a_cap_on_images_refusing_the_describers_frames_is_stage_ones_error_when_one_judge_is_both_stages(video):
    """Its extract sends no images: the cap is no refusal of stage two, whose error would send the user to the wrong stage."""
    with FakeChatServer([(400, VLLM_TOO_MANY_IMAGES, 0.0)]) as server:
        judge = OpenAIJudge(model="vlm", base_url=server.url, api_key_env=None, name="vlm", mode="describe", modalities=("video",),
                            num_frames=2, backoff=0.01)
        verdicts = TwoStageJudge(judge, judge).judge_batch(clips_of(video, 3))
    assert len(server.requests) == 1 and all(v.transient and v.error.startswith("stage 1 (vlm): ") for v in verdicts)
    assert all("not asked, the server having refused the same settings" in v.error for v in verdicts[1:])


class BatchRecordingDescriber(ScriptedDescriber):
    """Describes every clip as "sad", and records the size of each batch it was given."""

    def __init__(self) -> None:
        super().__init__({})
        self.batches: list[int] = []

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        self.batches.append(len(clips))
        return [Verdict(self.name, c.name, description="sad", raw="sad") for c in clips]


def test_once_the_extractor_has_answered_a_batch_is_described_at_once():
    """The one clip described first is the price of finding a refusal; an extractor that answered has none to find."""
    describer = BatchRecordingDescriber()
    with FakeChatServer([(200, completion("sad"), 0.0)]) as server:
        extractor = OpenAIJudge(model="m", base_url=server.url, api_key_env=None, modalities=("text",), backoff=0.01)
        judge = TwoStageJudge(describer, extractor)
        verdicts = judge.judge_batch([Clip(f"c{i}") for i in range(4)]) + judge.judge_batch([Clip(f"d{i}") for i in range(4)])
    assert describer.batches == [1, 3, 4] and [v.words for v in verdicts] == [["sad"]] * 8


def test_once_the_extractor_has_answered_without_words_a_batch_is_described_at_once():
    """An answer with no emotion word is the server's answer all the same: it accepted the extractor's settings and key,
    so the later batches have no refusal to find (they were judged one clip first each, 2 x 0.3 s a batch measured)."""
    describer = BatchRecordingDescriber()
    with FakeChatServer([(200, completion(""), 0.0)]) as server:
        extractor = OpenAIJudge(model="m", base_url=server.url, api_key_env=None, modalities=("text",), backoff=0.01)
        judge = TwoStageJudge(describer, extractor)
        verdicts = judge.judge_batch([Clip(f"c{i}") for i in range(4)]) + judge.judge_batch([Clip(f"d{i}") for i in range(4)])
    assert describer.batches == [1, 3, 4] and not any(v.ok or v.transient for v in verdicts)


def test_an_extractor_without_refused_error_has_its_batch_described_at_once():
    """A judge of one's own as extractor (the lexical one too) cannot say it was refused: nothing to find out first."""
    describer = BatchRecordingDescriber()
    TwoStageJudge(describer, SlowExtractor()).judge_batch([Clip(f"c{i}") for i in range(4)])
    assert describer.batches == [4]


def test_an_extractor_without_extract_is_refused():
    with pytest.raises(InputError, match="no extract"):
        TwoStageJudge(ScriptedDescriber({}), ScriptedDescriber({}))


def test_built_from_a_config_file_with_nested_tables(tmp_path):
    with FakeChatServer([(200, completion("She looks sad, not angry."), 0.0)]) as server:
        config = tmp_path / "judges.toml"
        config.write_text(
            f"""
[[judge]]
type = "two-stage"
name = "describe-then-match"

[judge.describer]
type = "openai"
model = "m"
base_url = "{server.url}"
mode = "describe"
modalities = ["video"]
num_frames = 1
api_key_env = ""

[judge.extractor]
type = "lexical"
vocabulary = ["sad", "angry"]
""",
            encoding="utf-8",
        )
        (judge,) = judges_from_config(config)
        video = make_clip(tmp_path / "c1.mp4", seconds=0.5, width=32, height=32, with_audio=False)
        verdict = judge.judge(Clip("c1", video, subtitle="..."))
    assert (judge.name, verdict.words, verdict.description) == ("describe-then-match", ["sad"], "She looks sad, not angry.")


def test_cache_identity_holds_both_stages():
    ident = TwoStageJudge(ScriptedDescriber({}), lexical()).cache_identity()
    assert ident["describer"]["class"] == "ScriptedDescriber" and ident["extractor"]["class"] == "LexicalExtractor"


def test_close_closes_both_stages():
    describer = ScriptedDescriber({})
    TwoStageJudge(describer, lexical()).close()
    assert describer.closed


def test_stage_two_raw_text_and_scores_are_kept():
    verdict = TwoStageJudge(ScriptedDescriber({"c1": "sad, sad and angry"}), lexical()).judge(Clip("c1"))
    assert (verdict.raw, verdict.scores) == ("sad, angry", pytest.approx({"sad": 2 / 3, "angry": 1 / 3}))


def test_a_describer_that_is_not_a_judge_is_refused():
    with pytest.raises(InputError, match="not a judge"):
        TwoStageJudge(SlowExtractor(), lexical())


def test_an_extractor_whose_extract_is_not_callable_is_refused():
    class NotCallable:
        extract = "describe it"

    with pytest.raises(InputError, match="no extract"):
        TwoStageJudge(ScriptedDescriber({}), NotCallable())


def test_modalities_are_both_stages():
    assert TwoStageJudge(ScriptedDescriber({}), lexical()).modalities == {"video", "text"}


def test_concurrency_is_the_describer_s():
    class ProcessDescriber(ScriptedDescriber):
        concurrency = "process"

    assert TwoStageJudge(ProcessDescriber({}), lexical()).concurrency == "process"


class ThreadRecordingExtractor:
    """A stage two that notes the thread each extraction runs on; ``max_concurrency`` if given."""

    name = "recorder"

    def __init__(self, max_concurrency: int | None = None, barrier: threading.Barrier | None = None):
        if max_concurrency is not None:
            self.max_concurrency = max_concurrency
        self.barrier = barrier
        self.threads: list[str] = []

    def extract(self, description: str, subtitle: str | None = None, clip: str = "") -> Verdict:
        self.threads.append(threading.current_thread().name)
        if self.barrier is not None:
            self.barrier.wait()  # every clip's extraction must be under way at once to pass
        return Verdict(self.name, clip, ["sad"])


def test_an_extractor_without_max_concurrency_runs_in_the_calling_thread():
    extractor = ThreadRecordingExtractor()
    TwoStageJudge(ScriptedDescriber({"c1": "sad", "c2": "sad"}), extractor).judge_batch([Clip("c1"), Clip("c2")])
    assert extractor.threads == [threading.current_thread().name] * 2


def test_an_extractor_with_max_concurrency_extracts_clips_at_the_same_time():
    extractor = ThreadRecordingExtractor(max_concurrency=2, barrier=threading.Barrier(2, timeout=10))
    verdicts = TwoStageJudge(ScriptedDescriber({"c1": "sad", "c2": "sad"}), extractor).judge_batch([Clip("c1"), Clip("c2")])
    assert [(v.clip, v.words, v.error) for v in verdicts] == [("c1", ["sad"], None), ("c2", ["sad"], None)]


def test_close_closes_the_extractor_too():
    class ClosableExtractor(SlowExtractor):
        closed = False

        def close(self) -> None:
            self.closed = True

    extractor = ClosableExtractor()
    TwoStageJudge(ScriptedDescriber({}), extractor).close()
    assert extractor.closed


def test_a_describer_not_in_describe_mode_is_refused_before_any_request():
    """In labels mode it sets no description: every clip was sent, paid for, and failed 'gave no description'."""
    with pytest.raises(InputError, match=r"describer 'srv' is in mode 'labels'.*mode = \"describe\""):
        TwoStageJudge({"type": "openai", "name": "srv", "model": "m", "modalities": ["text"]}, lexical())


@register_judge("test-model-describer")
class ModelDescriber(ScriptedDescriber):
    """A describer that takes long to build (a model) and must be closed to free it; records both."""

    built: list["ModelDescriber"] = []

    def __init__(self, mode: str = "describe"):
        super().__init__({})
        self.mode = mode
        ModelDescriber.built.append(self)


def test_a_mistake_in_the_extractor_table_fails_before_the_describer_loads_its_model():
    """The describer was built first: its model loaded (minutes, GPU memory) and was left loaded by a typo in the extractor."""
    ModelDescriber.built.clear()
    with pytest.raises(InputError, match="lexcial"):
        TwoStageJudge({"type": "test-model-describer"}, {"type": "lexcial"})
    assert ModelDescriber.built == []


def test_a_describer_built_from_its_table_and_refused_is_closed():
    ModelDescriber.built.clear()
    with pytest.raises(InputError, match="mode 'labels'"):
        TwoStageJudge({"type": "test-model-describer", "mode": "labels"}, lexical())
    assert [d.closed for d in ModelDescriber.built] == [True]
