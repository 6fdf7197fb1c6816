"""run_judges: judges in parallel, verdicts cached, failures recorded, interrupted runs resumed."""
from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from judges.base import Judge
from judges.clip import Clip
from judges.errors import InputError
from judges.replay import ReplayJudge
import judges.runner as runner_module
import judges.verdict_cache as verdict_cache_module
from judges.runner import run_judges
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache
from tests.media_fixtures import make_folder_with_latin1_subtitles

REPO = Path(__file__).resolve().parents[1]
CLIPS = ["s1", "s2", "s3"]


class CountingJudge(Judge):
    """Says "calm" for every clip after ``delay`` seconds; records calls; clips in ``fail_on`` fail."""

    def __init__(self, name: str, delay: float = 0.0, fail_on: tuple[str, ...] = (), prompt_version: str = "v1",
                 concurrency: str = "thread"):
        self.name = name
        self.delay = delay
        self.fail_on = fail_on
        self.prompt_version = prompt_version
        self.concurrency = concurrency
        self.calls: list[str] = []
        self.batches: list[int] = []

    def judge_batch(self, clips):
        self.batches.append(len(clips))
        out = []
        for clip in clips:
            self.calls.append(clip.name)
            time.sleep(self.delay)
            if clip.name in self.fail_on:
                out.append(Verdict.failed(self.name, clip.name, "model said nothing"))
            else:
                out.append(Verdict(self.name, clip.name, words=["calm"]))
        return out

    def cache_identity(self):
        return {**super().cache_identity(), "prompt_version": self.prompt_version}


class RaisesOnSeveral:
    """Mixed in before a judge class: raises on a batch of several clips (before the judge sees it), so the runner judges
    them again one by one."""

    def judge_batch(self, clips):
        if len(clips) > 1:
            raise RuntimeError("batch too large")
        return super().judge_batch(clips)


class MarkingJudge(CountingJudge):
    """A CountingJudge that also appends "<clip> <pid>" to a file per call, seen across processes."""

    def __init__(self, name: str, marker: str, delay: float = 0.0):
        super().__init__(name, delay=delay)
        self.marker = marker

    def judge_batch(self, clips):
        with open(self.marker, "a", encoding="utf-8") as handle:
            handle.writelines(f"{clip.name} {os.getpid()}\n" for clip in clips)
        return super().judge_batch(clips)


class MarkingAloneJudge(RaisesOnSeveral, MarkingJudge):
    """A MarkingJudge that raises on a batch of several clips (before marking them): it judges them only one by one."""


class RaisingJudge(CountingJudge):
    def judge_batch(self, clips):
        raise ConnectionError("server went away")


class CrashingJudge(CountingJudge):
    """Raises on any batch holding a clip of ``fail_on``, as a model that crashes on one input does."""

    def judge_batch(self, clips):
        crashed = [clip.name for clip in clips if clip.name in self.fail_on]
        if crashed:
            raise RuntimeError(f"model crashed on {', '.join(crashed)}")
        return super().judge_batch(clips)


class ShortJudge(CountingJudge):
    def judge_batch(self, clips):
        return super().judge_batch(clips)[:-1]


class ReversingJudge(CountingJudge):
    def judge_batch(self, clips):
        return super().judge_batch(clips)[::-1]


class TupleJudge(CountingJudge):
    def judge_batch(self, clips):
        return tuple(super().judge_batch(clips))


class WordsNotVerdictsJudge(CountingJudge):
    def judge_batch(self, clips):
        return ["calm" for _ in clips]


class NumpyScoresJudge(CountingJudge):
    def judge_batch(self, clips):
        import numpy as np

        return [Verdict(self.name, clip.name, words=["calm"], scores={"calm": np.float32(0.9)}) for clip in clips]


class WordsAsTextJudge(CountingJudge):
    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words="happy") for clip in clips]


class HeldJudge(CountingJudge):
    """Holds every batch until ``release`` is set (at most 10 s)."""

    def __init__(self, name: str, release: threading.Event):
        super().__init__(name)
        self.release = release

    def judge_batch(self, clips):
        self.release.wait(10)
        return super().judge_batch(clips)


class HeldAloneJudge(RaisesOnSeveral, HeldJudge):
    """Raises on a batch of several clips; holds each clip judged alone until ``release`` is set (at most 10 s)."""


class InterruptibleJudge(CountingJudge):
    """Behaves like Ctrl-C arriving once it has judged ``interrupt_after`` clips (never if None)."""

    def __init__(self, name: str, interrupt_after: int | None):
        super().__init__(name)
        self.interrupt_after = interrupt_after

    def judge_batch(self, clips):
        if len(self.calls) == self.interrupt_after:
            raise KeyboardInterrupt
        return super().judge_batch(clips)


class InterruptedAloneJudge(RaisesOnSeveral, InterruptibleJudge):
    """Raises on a batch of several clips; judging them alone, behaves like Ctrl-C once it has judged ``interrupt_after``."""


class PeakJudge(CountingJudge):
    """Records the largest number of PeakJudge batches running at the same moment."""

    running = 0
    peak = 0
    lock = threading.Lock()

    def judge_batch(self, clips):
        with PeakJudge.lock:
            PeakJudge.running += 1
            PeakJudge.peak = max(PeakJudge.peak, PeakJudge.running)
        try:
            return super().judge_batch(clips)
        finally:
            with PeakJudge.lock:
                PeakJudge.running -= 1


@pytest.fixture
def cache_path(tmp_path) -> Path:
    return tmp_path / "verdicts.sqlite"


def test_results_are_by_judge_then_clip_in_the_order_given():
    out = run_judges([CountingJudge("b"), ReplayJudge("a", labels={"s2": ["happy"]})], CLIPS, progress=False)
    assert list(out) == ["b", "a"]
    assert list(out["a"]) == CLIPS
    assert out["a"]["s2"].words == ["happy"]


def test_cached_verdicts_are_not_recomputed(cache_path):
    run_judges([CountingJudge("j")], CLIPS, cache=cache_path, progress=False)
    again = CountingJudge("j")
    out = run_judges([again], CLIPS + ["s4"], cache=cache_path, progress=False)
    assert again.calls == ["s4"]
    assert all(verdict.ok for verdict in out["j"].values())


def test_a_failed_clip_is_recorded_and_the_others_continue(cache_path):
    judge = CountingJudge("j", fail_on=("s2",))
    out = run_judges([judge], CLIPS, cache=cache_path, progress=False, batch_size=1)
    assert judge.calls == CLIPS
    assert [out["j"][c].ok for c in CLIPS] == [True, False, True]
    with VerdictCache(cache_path) as cache:
        assert cache.get_many(judge, [Clip("s2")])["s2"].error == "model said nothing"


def test_a_failed_clip_is_recomputed_only_with_retry_failed(cache_path):
    run_judges([CountingJudge("j", fail_on=("s2",))], CLIPS, cache=cache_path, progress=False)
    kept, retried = CountingJudge("j"), CountingJudge("j")
    run_judges([kept], CLIPS, cache=cache_path, progress=False)
    out = run_judges([retried], CLIPS, cache=cache_path, progress=False, retry_failed=True)
    assert (kept.calls, retried.calls) == ([], ["s2"])
    assert out["j"]["s2"].ok


def test_a_judge_that_raises_does_not_sink_the_others():
    out = run_judges([RaisingJudge("broken"), CountingJudge("fine")], CLIPS, progress=False)
    assert all(verdict.ok for verdict in out["fine"].values())
    error = out["broken"]["s1"].error
    assert "'broken'" in error and "ConnectionError" in error and "server went away" in error


def test_a_wrong_number_of_verdicts_becomes_error_verdicts():
    out = run_judges([ShortJudge("short")], CLIPS, progress=False)
    assert all("returned 2 verdicts for 3 clips" in verdict.error for verdict in out["short"].values())


def test_verdicts_returned_as_a_tuple_are_accepted():
    out = run_judges([TupleJudge("tup")], CLIPS, progress=False)
    assert [out["tup"][c].words for c in CLIPS] == [["calm"]] * 3


def test_a_judge_returning_non_verdicts_gets_error_verdicts():
    out = run_judges([WordsNotVerdictsJudge("words")], CLIPS, progress=False)
    assert all("returned a str for clip" in verdict.error for verdict in out["words"].values())


def test_a_failed_batch_shares_its_time_equally_among_its_clips(monkeypatch):
    monkeypatch.setattr(runner_module, "time", SimpleNamespace(perf_counter=iter([10.0, 16.0]).__next__, monotonic=lambda: 0.0))
    out = run_judges([ShortJudge("short")], CLIPS, progress=False, batch_size=3)
    assert [out["short"][c].seconds for c in CLIPS] == [2.0, 2.0, 2.0]


def test_a_judge_that_raises_on_one_clip_of_a_batch_fails_that_clip_alone_and_the_others_verdicts_are_cached(cache_path):
    # the whole batch failed, and was cached so: the clips the judge could judge were served its failure on the next run
    judge = CrashingJudge("j", fail_on=("s2",))
    out = run_judges([judge], CLIPS, cache=cache_path, progress=False, batch_size=3)
    assert [out["j"][c].words for c in CLIPS] == [["calm"], [], ["calm"]]
    assert out["j"]["s2"].error == "judge 'j' raised RuntimeError: model crashed on s2"
    with VerdictCache(cache_path) as cache:
        stored = cache.get_many(judge, [Clip(name) for name in CLIPS])
    assert [stored[c].ok for c in CLIPS] == [True, False, True]


def test_each_clip_of_a_batch_judged_again_one_by_one_has_batch_timeout_for_its_own_call():
    # the batch's clock ran on through the pass: six calls of 0.1 s were given up at 0.4 s, and with them every clip
    judge = CrashingJudge("j", delay=0.1, fail_on=("s3",))
    out = run_judges([judge], [f"s{i}" for i in range(1, 7)], progress=False, batch_size=6, batch_timeout=0.4)
    assert [verdict.ok for verdict in out["j"].values()] == [True, True, False, True, True, True]
    assert out["j"]["s3"].error == "judge 'j' raised RuntimeError: model crashed on s3"


class RecordingBar(runner_module.tqdm):
    """The runner's progress bar, recording how many verdicts it counts after each move."""

    counts: list[int] = []

    def update(self, n=1):
        moved = super().update(n)
        RecordingBar.counts.append(self.n)
        return moved


def test_the_progress_bar_moves_clip_by_clip_while_a_batch_is_judged_again_one_by_one(monkeypatch):
    # it moved once the whole batch was through: a slow judge (a minute a clip, batches of 8) showed a frozen bar for minutes
    monkeypatch.setattr(runner_module, "tqdm", RecordingBar)
    monkeypatch.setattr(RecordingBar, "counts", [])
    run_judges([CrashingJudge("j", fail_on=("s2",))], CLIPS, progress=True, batch_size=3)
    assert RecordingBar.counts == [0, 1, 2, 3]  # none cached, then each clip as it is judged


def _release_held(release: threading.Event) -> None:
    """Let the judge 'held' go on and wait for its threads, so that none outlives its test."""
    workers = [thread for thread in threading.enumerate() if thread.name == "judge-held"]
    release.set()
    for worker in workers:
        worker.join(10)


def test_a_judge_given_up_while_judging_a_batch_one_by_one_is_asked_no_other_clip_of_it():
    release = threading.Event()
    held = HeldAloneJudge("held", release)
    out = run_judges([held], CLIPS, progress=False, batch_size=3, batch_timeout=0.3)
    _release_held(release)
    assert held.calls == ["s1"] and not any(verdict.ok for verdict in out["held"].values())


def test_after_an_interrupt_a_judge_judging_a_batch_one_by_one_is_asked_no_other_clip_of_it():
    release = threading.Event()
    held = HeldAloneJudge("held", release)
    with pytest.raises(KeyboardInterrupt):
        run_judges([InterruptibleJudge("j", interrupt_after=0), held], CLIPS, progress=False, batch_size=3)
    _release_held(release)
    assert len(held.calls) <= 1  # at most the clip in flight when the interrupt came


def test_a_verdict_that_is_not_json_becomes_an_error_verdict_and_the_other_judges_work_is_stored(cache_path):
    out = run_judges([NumpyScoresJudge("np"), CountingJudge("fine")], CLIPS, cache=cache_path, progress=False)
    assert all("not JSON" in verdict.error and "float32" in verdict.error for verdict in out["np"].values())
    with VerdictCache(cache_path) as cache:
        assert len(cache.get_many(CountingJudge("fine"), [Clip(name) for name in CLIPS])) == 3


def test_each_new_verdict_is_turned_into_json_once_to_be_checked_and_stored(cache_path, monkeypatch):
    # it was turned into JSON twice: once to check it could be stored, once to store it
    calls = []
    to_dict = Verdict.to_dict
    monkeypatch.setattr(Verdict, "to_dict", lambda self: (calls.append(self.clip), to_dict(self))[1])
    run_judges([CountingJudge("a"), CountingJudge("b")], CLIPS, cache=cache_path, progress=False)
    assert sorted(calls) == sorted(CLIPS * 2)


class HalfEmojiJudge(CountingJudge):
    """Answers a word holding a lone surrogate, half an emoji, which no UTF-8 file can store."""

    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words=["happy \ud83d"]) for clip in clips]


def test_a_verdict_with_half_an_emoji_becomes_an_error_verdict_and_the_run_goes_on(cache_path):
    out = run_judges([HalfEmojiJudge("half"), CountingJudge("fine")], CLIPS, cache=cache_path, progress=False)
    assert all("not valid Unicode" in verdict.error for verdict in out["half"].values())
    with VerdictCache(cache_path) as cache:
        assert len(cache.get_many(CountingJudge("fine"), [Clip(name) for name in CLIPS])) == 3


class HalfEmojiErrorJudge(CountingJudge):
    """Raises an error whose message quotes half an emoji, as a model's garbled reply may."""

    def judge_batch(self, clips):
        raise RuntimeError("model said \ud83d")


def test_an_error_quoting_half_an_emoji_is_stored_escaped_and_the_run_goes_on(cache_path):
    # the run stopped with UnicodeEncodeError when the failure record was stored, losing the other judge's verdicts
    out = run_judges([HalfEmojiErrorJudge("half"), CountingJudge("fine")], CLIPS, cache=cache_path, progress=False)
    assert all(verdict.error == "judge 'half' raised RuntimeError: model said \\ud83d" for verdict in out["half"].values())
    with VerdictCache(cache_path) as cache:
        assert len(cache.get_many(CountingJudge("fine"), [Clip(name) for name in CLIPS])) == 3


class OddScoresJudge(CountingJudge):
    """Scores its words with text, NaN or a list instead of numbers, one kind per clip."""

    def judge_batch(self, clips):
        odd = {"s1": {"calm": "high"}, "s2": {"calm": float("nan")}, "s3": ["calm"]}
        return [Verdict(self.name, clip.name, words=["calm"], scores=odd[clip.name]) for clip in clips]


def test_scores_that_are_not_finite_numbers_become_error_verdicts(cache_path):
    out = run_judges([OddScoresJudge("odd")], CLIPS, cache=cache_path, progress=False, batch_size=1)
    assert [verdict.error.split(" for clip")[0] for verdict in out["odd"].values()] == [
        "judge 'odd' returned score 'high'", "judge 'odd' returned score nan", "judge 'odd' returned score ['calm']"]
    assert all("scores must map words to numbers" in verdict.error for verdict in out["odd"].values())


def test_a_word_scored_none_is_a_word_without_a_score_not_an_error():
    class NoneScoreJudge(CountingJudge):
        def judge_batch(self, clips):
            return [Verdict(self.name, clip.name, words=["calm"], scores={"calm": None}) for clip in clips]

    assert all(verdict.ok for verdict in run_judges([NoneScoreJudge("none")], CLIPS, progress=False)["none"].values())


def test_words_given_as_one_string_become_error_verdicts_not_letters():
    out = run_judges([WordsAsTextJudge("text")], CLIPS, progress=False)
    assert all("words" in verdict.error and "list of str" in verdict.error for verdict in out["text"].values())


def test_verdicts_that_break_the_judges_contract_are_not_cached_so_the_judge_once_fixed_judges_those_clips(cache_path):
    # a bug in judge_batch's code (words as one string) was cached as each clip's verdict: the fixed judge replayed it
    broken = CountingJudge("j")
    broken.judge_batch = lambda clips: [Verdict("j", clip.name, words="calm") for clip in clips]
    assert not any(v.ok for v in run_judges([broken], CLIPS, cache=cache_path, progress=False)["j"].values())
    fixed = CountingJudge("j")  # the same judge (its cache identity), its code mended
    assert all(v.words == ["calm"] for v in run_judges([fixed], CLIPS, cache=cache_path, progress=False)["j"].values())
    assert fixed.calls == CLIPS


class GarbledOnOneJudge(CountingJudge):
    """Answers every clip but those of ``fail_on``, whose verdict's words are numbers."""

    def judge_batch(self, clips):
        verdicts = super().judge_batch(clips)
        return [Verdict(self.name, v.clip, words=[1, 2]) if v.clip in self.fail_on else v for v in verdicts]


def test_a_garbled_verdict_fails_its_own_clip_uncached_and_the_batchs_other_verdicts_are_cached(cache_path):
    # the whole batch failed: the verdicts the judge got right were lost, judged again on every run
    judge = GarbledOnOneJudge("j", fail_on=("s2",))
    out = run_judges([judge], CLIPS, cache=cache_path, progress=False, batch_size=3)
    assert [out["j"][c].words for c in CLIPS] == [["calm"], [], ["calm"]]
    assert out["j"]["s2"].error == "judge 'j' returned words=[1, 2] for clip 's2'; a verdict's words must be a list of str"
    with VerdictCache(cache_path) as cache:
        assert sorted(cache.get_many(judge, [Clip(name) for name in CLIPS])) == ["s1", "s3"]


def test_a_verdict_of_more_words_than_any_answer_holds_is_an_error_naming_the_limit():
    class EveryWordJudge(CountingJudge):
        def judge_batch(self, clips):
            return [Verdict(self.name, clip.name, words=[f"w{i}" for i in range(runner_module.MAX_VERDICT_WORDS + 1)])
                    for clip in clips]

    error = run_judges([EveryWordJudge("all")], ["s1"], progress=False)["all"]["s1"].error
    assert error.startswith(f"judge 'all' returned {runner_module.MAX_VERDICT_WORDS + 1} words for clip 's1' ('w0', 'w1', 'w2', ...); "
                            f"a verdict holds at most {runner_module.MAX_VERDICT_WORDS}")


def test_verdicts_out_of_order_become_error_verdicts():
    out = run_judges([ReversingJudge("rev")], CLIPS, progress=False)
    assert all("order" in verdict.error for verdict in out["rev"].values())


def test_a_judge_whose_cache_identity_raises_is_a_one_line_error_naming_it_before_any_clip_is_judged(cache_path):
    # cojudge predict --cache ended in the AttributeError's traceback
    class MisspeltIdentityJudge(CountingJudge):
        def cache_identity(self):
            return {**super().cache_identity(), "delay": self.dealy}

    judge = MisspeltIdentityJudge("j")
    with pytest.raises(InputError, match=r"^judge 'j' \(MisspeltIdentityJudge\): its cache_identity\(\) raised AttributeError: "
                                         r".*'dealy'; fix it \(README, 'Adding a judge'\)$"):
        run_judges([judge, CountingJudge("other")], CLIPS, cache=cache_path, progress=False)
    assert judge.calls == []


def test_a_new_prompt_version_recomputes(cache_path):
    run_judges([CountingJudge("j", prompt_version="v1")], CLIPS, cache=cache_path, progress=False)
    revised = CountingJudge("j", prompt_version="v2")
    run_judges([revised], CLIPS, cache=cache_path, progress=False)
    assert revised.calls == CLIPS


def test_an_edited_video_recomputes_only_that_clip(tmp_path, cache_path):
    videos = [tmp_path / f"{name}.mp4" for name in CLIPS]
    for path in videos:
        path.write_bytes(path.name.encode())
    run_judges([CountingJudge("j")], videos, cache=cache_path, progress=False)
    videos[1].write_bytes(b"re-encoded, longer")
    again = CountingJudge("j")
    run_judges([again], videos, cache=cache_path, progress=False)
    assert again.calls == ["s2"]


def test_a_video_that_cannot_be_read_is_judged_without_the_cache_and_the_run_goes_on(tmp_path, cache_path, monkeypatch):
    # root reads any file, so refusing s2 as a mode-600 video of another owner does; before, the run stopped here (exit 2)
    videos = [tmp_path / f"{name}.mp4" for name in CLIPS]
    for path in videos:
        path.write_bytes(path.name.encode())

    def refuse_s2(path, _read=verdict_cache_module.sha256_file):
        if Path(path).name == "s2.mp4":
            raise PermissionError(13, "Permission denied", str(path))
        return _read(path)

    monkeypatch.setattr(verdict_cache_module, "sha256_file", refuse_s2)
    judge = CountingJudge("j")
    with pytest.warns(UserWarning, match=r"1 clip\(s\) judged without the verdict cache, nothing of them stored: .*s2\.mp4: "
                                         r"cannot read the video \(Permission denied\)"):
        out = run_judges([judge], videos, cache=cache_path, progress=False)
    assert (judge.calls, list(out["j"])) == (CLIPS, CLIPS)
    again = CountingJudge("j")
    with pytest.warns(UserWarning, match="s2.mp4"):
        run_judges([again], videos, cache=cache_path, progress=False)
    assert again.calls == ["s2"]  # the others came from the cache; s2 was never stored


def test_a_video_that_cannot_be_read_is_warned_about_once_per_cache(tmp_path, cache_path, monkeypatch):
    video = tmp_path / "s1.mp4"
    video.write_bytes(b"s1")

    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(verdict_cache_module, "sha256_file", refuse)
    with VerdictCache(cache_path) as cache, pytest.warns(UserWarning) as caught:
        cache.digest_videos([Clip.coerce(video)])
        cache.digest_videos([Clip.coerce(video)])  # as the Ray runner does, before and through the local runner
    assert len(caught) == 1


def test_the_unreadable_video_warning_points_at_the_users_call_whichever_entry_point_it_came_through(tmp_path, monkeypatch):
    # it pointed at judges/runner.py (a fixed stacklevel), from run_judges and from CoJudge.run alike
    import warnings

    from ensemble.cojudge import CoJudge

    video = tmp_path / "s1.mp4"
    video.write_bytes(b"s1")

    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(verdict_cache_module, "sha256_file", refuse)
    for n, run in enumerate([lambda cache: run_judges([CountingJudge("j")], [video], cache=cache, progress=False),
                             lambda cache: CoJudge([CountingJudge("j")], cache=cache, progress=False).run([video])]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run(tmp_path / f"v{n}.sqlite")
        assert [(w.filename, "verdict cache" in str(w.message)) for w in caught] == [(__file__, True)]


def test_a_video_unreadable_when_hashed_stores_nothing_even_if_it_is_back_when_its_verdict_comes(tmp_path, cache_path):
    # the warning says "nothing of them stored": the failure was stored under the file's new digest, replayed next run
    video = tmp_path / "s1.mp4"

    class ComesBack(CountingJudge):
        def judge_batch(self, clips):
            video.write_bytes(b"s1")  # the share came back while the clip was judged
            return [Verdict.failed(self.name, c.name, "cannot read the video") for c in clips]

    with pytest.warns(UserWarning, match="nothing of them stored"):
        run_judges([judge := ComesBack("j")], [Clip(name="s1", video=str(video))], cache=cache_path, progress=False)
    with VerdictCache(cache_path) as cache:
        assert cache.get_many(judge, [Clip(name="s1", video=str(video))]) == {}


def test_a_replayed_output_rewritten_at_the_same_path_is_served_afresh(tmp_path, cache_path):
    output = tmp_path / "judge-openset.csv"
    output.write_text("name,openset\ns1,happy\n", encoding="utf-8")
    run_judges([ReplayJudge("r", path=output)], ["s1"], cache=cache_path, progress=False)
    output.write_text("name,openset\ns1,angry\n", encoding="utf-8")
    assert run_judges([ReplayJudge("r", path=output)], ["s1"], cache=cache_path, progress=False)["r"]["s1"].words == ["angry"]


def test_replayed_labels_given_in_memory_are_part_of_the_judges_identity(cache_path):
    run_judges([ReplayJudge("r", labels={"s1": ["happy"]})], ["s1"], cache=cache_path, progress=False)
    assert run_judges([ReplayJudge("r", labels={"s1": ["sad"]})], ["s1"], cache=cache_path, progress=False)["r"]["s1"].words == ["sad"]


class SpanJudge(Judge):
    """Says "calm" after ``delay`` seconds; its verdict's ``raw`` is when it judged (wall clock, start and end), which a
    judge in another process reports too."""

    def __init__(self, name: str, delay: float, concurrency: str):
        self.name = name
        self.delay = delay
        self.concurrency = concurrency

    def judge_batch(self, clips):
        out = []
        for clip in clips:
            start = time.time()
            time.sleep(self.delay)
            out.append(Verdict(self.name, clip.name, words=["calm"], raw=f"{start} {time.time()}"))
        return out


@pytest.mark.parametrize("kinds", [("thread", "thread"), ("thread", "process")])
def test_judges_overlap_in_time(kinds):
    # what is checked is that the two judges were at work at once, not how fast the run was: a loaded machine
    # slows both alike
    judges = [SpanJudge(f"j{i}", delay=0.3, concurrency=kind) for i, kind in enumerate(kinds)]
    out = run_judges(judges, ["s1", "s2"], progress=False, batch_size=1)
    spans = {name: [tuple(map(float, v.raw.split())) for v in verdicts.values()] for name, verdicts in out.items()}
    assert any(a_start < b_end and b_start < a_end for a_start, a_end in spans["j0"] for b_start, b_end in spans["j1"])


def test_max_workers_bounds_the_thread_judges_running_at_once():
    PeakJudge.peak = 0
    run_judges([PeakJudge(f"j{i}", delay=0.02) for i in range(3)], CLIPS, progress=False, max_workers=1, batch_size=1)
    assert PeakJudge.peak == 1


def test_batches_hold_at_most_batch_size_clips():
    judge = CountingJudge("j")
    run_judges([judge], [f"s{i}" for i in range(7)], progress=False, batch_size=3)
    assert judge.batches == [3, 3, 1]


def test_the_progress_bar_counts_every_judge_and_clip(capsys, cache_path):
    run_judges([CountingJudge("a")], CLIPS, cache=cache_path, progress=False)
    run_judges([CountingJudge("a"), CountingJudge("b")], CLIPS, cache=cache_path, progress=True)
    assert "6/6" in capsys.readouterr().err


def test_no_progress_bar_prints_nothing(capsys):
    run_judges([CountingJudge("a")], CLIPS, progress=False)
    assert capsys.readouterr().err == ""


def test_duplicate_judge_names_are_an_input_error():
    with pytest.raises(InputError, match="repeated: j"):
        run_judges([CountingJudge("j"), CountingJudge("j")], CLIPS, progress=False)


def test_duplicate_clip_names_are_an_input_error():
    with pytest.raises(InputError, match="repeated: s1"):
        run_judges([CountingJudge("j")], ["s1", "s1"], progress=False)


def test_videos_of_the_same_name_are_an_input_error_naming_their_files(tmp_path):
    # 'repeated: clip' left the user to find which of a folder's files were named alike
    for video in (tmp_path / "clip.mp4", tmp_path / "clip.mkv"):
        video.write_bytes(b"")
    with pytest.raises(InputError, match=re.escape(f"repeated: clip ({tmp_path / 'clip.mp4'}, {tmp_path / 'clip.mkv'});")):
        run_judges([CountingJudge("j")], [tmp_path / "clip.mp4", tmp_path / "clip.mkv"], progress=False)


def test_a_folder_with_several_subtitles_not_in_utf8_is_one_error_naming_each_before_any_judge_runs(tmp_path):
    # it named a.srt only, and the next run c.srt: one run per bad clip
    judge = CountingJudge("j")
    with pytest.raises(InputError, match=r"^2 of 3 clips cannot be used \(nothing was judged\); fix them all, then run again: "
                                         r".*a\.srt: subtitle of a\.mp4 is not UTF-8 .* \| .*c\.srt: subtitle of c\.mp4 is not UTF-8 "):
        run_judges([judge], make_folder_with_latin1_subtitles(tmp_path), progress=False)
    assert judge.calls == []


def test_a_batch_size_below_one_is_an_input_error():
    with pytest.raises(InputError, match="batch_size"):
        run_judges([CountingJudge("j")], CLIPS, progress=False, batch_size=0)


def test_a_batch_size_that_is_not_a_whole_number_is_an_input_error():
    with pytest.raises(InputError, match="batch_size=1.5"):
        run_judges([CountingJudge("j")], CLIPS, progress=False, batch_size=1.5)


@pytest.mark.parametrize("max_workers", [0, 1.5, "2"])
def test_max_workers_that_is_not_a_whole_number_from_one_is_an_input_error(max_workers):
    with pytest.raises(InputError, match="max_workers="):
        run_judges([CountingJudge("j")], CLIPS, progress=False, max_workers=max_workers)


def test_one_clip_name_instead_of_a_list_is_an_input_error():
    with pytest.raises(InputError, match="give a list of clips"):
        run_judges([CountingJudge("j")], "s1", progress=False)


def test_one_dir_entry_instead_of_a_list_is_an_input_error(tmp_path):
    # a DirEntry (from os.scandir) is a path, as a Path is: it was a TypeError ('posix.DirEntry' object is not iterable)
    (tmp_path / "s1").write_bytes(b"")
    [entry] = os.scandir(tmp_path)
    with pytest.raises(InputError, match=r"^clips=<DirEntry 's1'>: give a list of clips"):
        run_judges([CountingJudge("j")], entry, progress=False)


def test_no_judges_is_an_input_error():
    with pytest.raises(InputError, match="no judges given"):
        run_judges([], CLIPS, progress=False)


def test_something_that_is_not_a_judge_is_an_input_error():
    with pytest.raises(InputError, match="is not a Judge"):
        run_judges([CountingJudge("j"), "j2"], CLIPS, progress=False)


@pytest.mark.parametrize("name", [None, "", "  "])
def test_a_judge_without_a_name_is_refused_before_any_judge_runs(name):
    named = CountingJudge("j")
    with pytest.raises(InputError, match=r"CountingJudge judge has no name .*; give it a non-empty name"):
        run_judges([named, CountingJudge(name)], CLIPS, progress=False)
    assert named.calls == []


class MisspeltNameJudge(CountingJudge):
    """Its name, a property of its own, reads an attribute it misspells."""

    @property
    def name(self):
        return self.nmae

    @name.setter
    def name(self, value):
        self._name = value


def test_a_judge_whose_name_raises_is_a_one_line_error_naming_its_class_and_file_before_any_judge_runs():
    # its AttributeError's traceback came out of the runner's own check of the names
    other = CountingJudge("other")
    with pytest.raises(InputError, match=rf"^MisspeltNameJudge \({re.escape(__file__)}\): reading its name raised AttributeError: "
                                         r".*'nmae'; fix it: a judge's name is text it holds, e\.g\. self\.name = name in __init__ "
                                         r"\(README, 'Adding a judge'\)$"):
        run_judges([other, MisspeltNameJudge("j")], CLIPS, progress=False)
    assert other.calls == []


def test_an_unknown_concurrency_kind_is_an_input_error():
    with pytest.raises(InputError, match="concurrency 'gpu'"):
        run_judges([CountingJudge("j", concurrency="gpu")], CLIPS, progress=False)


def test_a_cache_that_is_neither_a_cache_nor_a_path_is_an_input_error():
    with pytest.raises(InputError, match="cache=5"):
        run_judges([CountingJudge("j")], CLIPS, cache=5, progress=False)


@pytest.mark.parametrize("judge, batch_size", [(InterruptibleJudge, 1), (InterruptedAloneJudge, 3)], ids=["by-batch", "clip-by-clip-pass"])
def test_an_interrupt_leaves_the_cache_consistent_and_resumable(cache_path, judge, batch_size):
    # clip-by-clip-pass: the clips of a batch judged again one by one before the interrupt are stored, not judged again
    # (they were stored with the whole batch: an interrupt, or a kill, lost every clip the pass had judged)
    with pytest.raises(KeyboardInterrupt):
        run_judges([judge("j", interrupt_after=2)], CLIPS, cache=cache_path, progress=False, batch_size=batch_size)
    resumed = judge("j", interrupt_after=None)
    out = run_judges([resumed], CLIPS, cache=cache_path, progress=False, batch_size=batch_size)
    assert resumed.calls == ["s3"]
    assert all(verdict.ok for verdict in out["j"].values())


class SlowFirstStoreCache(VerdictCache):
    """Takes a second over its first store, so that other batches finish while the run is busy."""

    def put_many(self, judge, clips, verdicts, texts=None):
        if not getattr(self, "stored_once", False):
            self.stored_once = True
            time.sleep(1.0)
        super().put_many(judge, clips, verdicts, texts)


class AfterSignalJudge(CountingJudge):
    """Judges its first clip at once, the others only after ``go`` is set (and 0.1 s more)."""

    def __init__(self, name: str, go: threading.Event):
        super().__init__(name)
        self.go = go

    def judge_batch(self, clips):
        if self.calls:
            self.go.wait(10)
            time.sleep(0.1)
        return super().judge_batch(clips)


class SignalThenInterruptJudge(CountingJudge):
    """Behaves like Ctrl-C 0.1 s after ``other`` has judged a clip (time to post it), and sets ``go`` as it does."""

    def __init__(self, name: str, other: CountingJudge, go: threading.Event):
        super().__init__(name)
        self.other, self.go = other, go

    def judge_batch(self, clips):
        while not self.other.calls:
            time.sleep(0.01)
        time.sleep(0.1)
        self.go.set()
        raise KeyboardInterrupt


def test_batches_finished_while_the_run_was_busy_are_stored_when_it_is_interrupted(cache_path):
    go = threading.Event()
    fast = AfterSignalJudge("fast", go)
    with SlowFirstStoreCache(cache_path) as cache, pytest.raises(KeyboardInterrupt):
        # the interrupt is queued behind fast's first batch and ahead of its last two, while that first batch is stored
        run_judges([fast, SignalThenInterruptJudge("stopper", fast, go)], CLIPS, cache=cache, progress=False, batch_size=1)
    again = AfterSignalJudge("fast", go)  # the same judge (its class is part of its cache identity)
    run_judges([again], CLIPS, cache=cache_path, progress=False)
    assert fast.calls == CLIPS and again.calls == []


def test_after_an_interrupt_the_other_judges_start_no_new_batch():
    release = threading.Event()
    held = HeldJudge("held", release)
    with pytest.raises(KeyboardInterrupt):
        run_judges([InterruptibleJudge("j", interrupt_after=0), held], CLIPS, progress=False, batch_size=1)
    _release_held(release)
    assert len(held.batches) <= 1  # at most the batch in flight when the interrupt came


CHILD = """
import importlib.util, sys
sys.path.insert(0, {repo!r})
spec = importlib.util.spec_from_file_location("runner_test_judges", {test_file!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
from judges.runner import run_judges
judge = module.{judge}("slow", marker={marker!r}, delay=0.15)
run_judges([judge], {clips!r}, cache={cache!r}, progress=False, batch_size={batch_size})
"""


def _stored(cache_path: Path, clips: list[str], judge: type[MarkingJudge] = MarkingJudge) -> dict[str, Verdict]:
    with VerdictCache(cache_path) as cache:
        return cache.get_many(judge("slow", marker=""), [Clip(name) for name in clips])


def _calls(marker: Path, pid: int) -> list[str]:
    lines = marker.read_text(encoding="utf-8").split("\n") if marker.exists() else []
    return [line.split()[0] for line in lines if line.endswith(f" {pid}")]


@pytest.mark.slow
@pytest.mark.parametrize("judge, batch_size", [(MarkingJudge, 1), (MarkingAloneJudge, 20)], ids=["by-batch", "clip-by-clip-pass"])
def test_a_killed_run_resumes_without_recomputing_or_losing_verdicts(tmp_path, cache_path, judge, batch_size):
    # clip-by-clip-pass: the clips of a batch judged again one by one are each stored as judged, not all at the batch's end
    clips = [f"clip{i:02d}" for i in range(20)]
    marker = tmp_path / "calls.txt"
    script = CHILD.format(repo=str(REPO), test_file=__file__, judge=judge.__name__, marker=str(marker), clips=clips,
                          cache=str(cache_path), batch_size=batch_size)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)])
    try:
        deadline = time.monotonic() + 60
        while not (cache_path.exists() and len(_stored(cache_path, clips, judge)) >= 3):
            assert child.poll() is None and time.monotonic() < deadline, "child run ended or stalled before 3 verdicts"
            time.sleep(0.05)
        seen = len(_stored(cache_path, clips, judge))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    stored = _stored(cache_path, clips, judge)
    assert seen <= len(stored) < len(clips)
    assert set(stored) <= set(_calls(marker, child.pid))

    out = run_judges([judge("slow", marker=str(marker))], clips, cache=cache_path, progress=False, batch_size=batch_size)
    rerun = _calls(marker, os.getpid())
    assert sorted(rerun) == sorted(set(clips) - set(stored))
    assert all(out["slow"][name].ok for name in clips)
    assert all(out["slow"][name] == verdict for name, verdict in stored.items())


def test_videos_are_hashed_for_the_cache_under_a_progress_bar_of_their_own(tmp_path, cache_path, capsys):
    videos = []
    for name in ("v1", "v2"):
        videos.append(tmp_path / f"{name}.mp4")
        videos[-1].write_bytes(name.encode() * 1000)  # only hashed: the judge does not decode it
    out = run_judges([CountingJudge("j")], videos, cache=cache_path, progress=True)
    assert "hashing videos" in capsys.readouterr().err and list(out["j"]) == ["v1", "v2"]


def test_one_video_is_hashed_without_a_progress_bar_of_its_own(tmp_path, cache_path, capsys):
    video = tmp_path / "v1.mp4"
    video.write_bytes(b"v1" * 1000)
    run_judges([CountingJudge("j")], [video], cache=cache_path, progress=True)
    err = capsys.readouterr().err
    assert "judging" in err and "hashing videos" not in err


def test_a_cache_that_cannot_be_written_is_a_one_line_error_before_any_judging(cache_path, monkeypatch):
    with VerdictCache(cache_path) as keeper:  # open, as another run would hold it: the file stays in WAL mode
        run_judges([CountingJudge("j")], ["s1"], cache=keeper, progress=False)
        connect = sqlite3.connect  # as a read-only file opens (root ignores chmod)
        monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: connect(f"file:{path}?mode=ro", uri=True, **kw))
        judge = CountingJudge("j")
        with pytest.raises(InputError, match=r"verdicts\.sqlite: cannot use the verdict cache \(attempt to write a readonly database\)"):
            run_judges([judge], CLIPS, cache=cache_path, progress=False)
    assert judge.calls == []


def test_a_judge_past_batch_timeout_is_given_up_and_the_run_goes_on_without_caching_it(cache_path):
    release = threading.Event()
    hung, quick = HeldJudge("hung", release), CountingJudge("quick")
    started = time.monotonic()
    try:
        out = run_judges([hung, quick], CLIPS, cache=cache_path, progress=False, batch_size=1, batch_timeout=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 8  # not the 10 s the judge holds its batch
    assert all(not v.ok and "did not answer a batch within batch_timeout=0.5 s" in v.error for v in out["hung"].values())
    assert [v.words for v in out["quick"].values()] == [["calm"]] * 3
    with VerdictCache(cache_path) as cache:  # a re-run tries the hung judge again; the quick one's work is kept
        assert cache.get_many(hung, [Clip(n) for n in CLIPS]) == {}
        assert len(cache.get_many(quick, [Clip(n) for n in CLIPS])) == 3


def test_the_clips_of_a_judge_given_up_at_batch_timeout_are_marked_transient_as_they_are_not_cached():
    # they said 'nothing cached' but were not transient: cojudge predict --cache counted them '1 cached: --retry-failed'
    release = threading.Event()
    try:
        out = run_judges([HeldJudge("hung", release)], CLIPS, progress=False, batch_size=1, batch_timeout=0.5)
    finally:
        release.set()
    assert all(v.transient and "nothing cached" in v.error for v in out["hung"].values())


def test_a_judge_given_up_frees_its_max_workers_slot_for_the_others():
    release = threading.Event()
    started = time.monotonic()
    try:
        out = run_judges([HeldJudge("hung", release), CountingJudge("quick")], CLIPS, progress=False, max_workers=1, batch_timeout=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 8  # the quick judge did not wait out the 10 s the hung one holds its slot
    assert all(v.ok for v in out["quick"].values()) and not any(v.ok for v in out["hung"].values())


def test_a_judge_within_batch_timeout_is_not_affected():
    out = run_judges([CountingJudge("a", delay=0.05)], CLIPS, progress=False, batch_size=1, batch_timeout=5)
    assert [v.words for v in out["a"].values()] == [["calm"]] * 3


@pytest.mark.parametrize("timeout", [0, -1, "10", True])
def test_a_batch_timeout_that_is_not_a_positive_number_is_an_input_error(timeout):
    with pytest.raises(InputError, match="batch_timeout="):
        run_judges([CountingJudge("a")], CLIPS, progress=False, batch_timeout=timeout)


class SettingsJudge(Judge):
    """A user's judge with a setting that changes its words, and the default cache identity."""

    def __init__(self, name: str, word: str):
        self.name = name
        self.word = word

    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words=[self.word]) for clip in clips]


def test_a_judge_with_settings_and_the_default_cache_identity_is_warned_about_when_a_cache_is_used(tmp_path):
    with pytest.warns(UserWarning, match=r"judge 'mine' \(SettingsJudge\) keeps the default cache_identity\(\) .*settings \(word\)"):
        run_judges([SettingsJudge("mine", "calm")], ["c1"], cache=tmp_path / "v.sqlite", progress=False)


def test_a_generative_judge_keeping_its_bases_cache_identity_is_warned_about_naming_its_own_settings(tmp_path):
    # GenerativeJudge's identity names mode, prompt, media and use_subtitle, not the model: no warning was given
    from judges.generative_judge import GenerativeJudge
    from judges.media import MediaSpec

    class ModelJudge(GenerativeJudge):
        def __init__(self, model: str):
            self.name, self.model = "gen", model
            self.setup(mode="labels", media_spec=MediaSpec(num_frames=1))
            self.generation_limits(None, 0)

        def generate(self, items):
            return ["happy" for _ in items]

    with pytest.warns(UserWarning, match=r"judge 'gen' \(ModelJudge\) keeps GenerativeJudge's cache_identity\(\) .*"
                                         r"settings \(max_new_tokens, model, seed\) change"):
        run_judges([ModelJudge("m1")], ["c1"], cache=tmp_path / "v.sqlite", progress=False)


def test_the_cache_identity_warning_points_at_the_users_call_of_cojudge_run(tmp_path):
    # it pointed at ensemble/cojudge.py, whose run() calls run_judges (stacklevel=4 was right from run_judges only)
    import warnings

    from ensemble.cojudge import CoJudge

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CoJudge([SettingsJudge("mine", "calm")], cache=tmp_path / "v.sqlite", progress=False).run(["c1"])
    assert [(w.filename, "cache_identity" in str(w.message)) for w in caught] == [(__file__, True)]


def test_no_cache_identity_warning_without_a_cache_or_for_a_judge_naming_its_settings(tmp_path, recwarn):
    run_judges([SettingsJudge("mine", "calm")], ["c1"], progress=False)
    run_judges([CountingJudge("counted")], ["c1"], cache=tmp_path / "v.sqlite", progress=False)
    assert not [w for w in recwarn if "cache_identity" in str(w.message)]


def test_the_progress_bar_counts_the_failed_verdicts_found_in_the_cache(capsys, cache_path):
    run_judges([CountingJudge("a", fail_on=("s1",))], CLIPS, cache=cache_path, progress=False)
    run_judges([CountingJudge("a", fail_on=("s1",)), CountingJudge("b")], CLIPS, cache=cache_path, progress=True)
    assert "failed=1" in capsys.readouterr().err


def test_one_clip_instead_of_a_list_is_an_input_error():
    with pytest.raises(InputError, match=r"^clips=.*: give a list of clips"):
        run_judges([CountingJudge("j")], Clip("s1"), progress=False)


def test_clip_names_repeated_without_videos_are_named_alone():
    with pytest.raises(InputError, match=r"repeated: s1; rename"):
        run_judges([CountingJudge("j")], [Clip("s1"), Clip("s1")], progress=False)


class PrivateStateJudge(Judge):
    """A user's judge holding only private state (a client, a memo) beside its name: no settings to name."""

    def __init__(self, name: str):
        self.name = name
        self._memo: dict[str, list[str]] = {}

    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words=["calm"]) for clip in clips]


def test_a_judges_private_attributes_are_not_taken_for_settings_its_cache_identity_misses(tmp_path, recwarn):
    run_judges([PrivateStateJudge("mine")], ["c1"], cache=tmp_path / "v.sqlite", progress=False)
    assert not [w for w in recwarn if "cache_identity" in str(w.message)]


def test_an_answer_coming_after_its_judge_was_given_up_at_batch_timeout_is_neither_used_nor_stored(cache_path):
    # the run goes on (the quick judge works for ~1.2 s) while the slow judge's first answer comes, late, at ~0.5 s
    clips = [f"s{i}" for i in range(12)]
    slow, quick = CountingJudge("slow", delay=0.5), CountingJudge("quick", delay=0.1)
    out = run_judges([slow, quick], clips, cache=cache_path, progress=False, batch_size=1, batch_timeout=0.3)
    assert slow.calls == ["s0"] and len(quick.calls) == 12  # the late answer was made during the run
    assert not any(v.ok for v in out["slow"].values())
    with VerdictCache(cache_path) as cache:
        assert cache.get_many(slow, [Clip(n) for n in clips]) == {}


def test_a_judge_given_up_at_batch_timeout_gives_its_max_workers_slot_back_once():
    # its slot goes to the others when it is given up; its late batch ending must not free a second one
    PeakJudge.peak = 0
    slow = CountingJudge("slow", delay=1.0)
    peaks = [PeakJudge(f"j{i}", delay=0.1) for i in range(2)]
    run_judges([slow, *peaks], [f"s{i}" for i in range(8)], progress=False, max_workers=1, batch_size=1, batch_timeout=0.4)
    assert slow.calls[:1] == ["s0"] and PeakJudge.peak == 1


def test_the_failures_of_a_judge_that_raises_are_cached_as_its_own_failures_would_be(cache_path):
    # not transient: like a failure the judge reports itself, it is judged again only with retry_failed
    judge = RaisingJudge("down")
    out = run_judges([judge], CLIPS, cache=cache_path, progress=False)
    assert not any(v.transient for v in out["down"].values())
    with VerdictCache(cache_path) as cache:
        stored = cache.get_many(judge, [Clip(n) for n in CLIPS])
    assert sorted(stored) == CLIPS and all("raised ConnectionError: server went away" in v.error for v in stored.values())


class OutOfMemoryJudge(CountingJudge):
    """Raises MemoryError on any batch holding ``clip`` while ``full``, as a model whose device is full."""

    def __init__(self, name: str, clip: str, full: bool):
        super().__init__(name)
        self.clip = clip
        self.full = full

    def judge_batch(self, clips):
        if self.full and any(clip.name == self.clip for clip in clips):
            raise MemoryError("cannot allocate 2.0 GiB")
        return super().judge_batch(clips)


def test_a_clip_a_judge_raises_out_of_memory_on_is_not_cached_and_the_next_run_asks_again(cache_path):
    # it was cached as the clip's failure, though a judge's own out-of-memory verdict (Verdict.from_exception) is not
    out = run_judges([OutOfMemoryJudge("oom", "s2", full=True)], CLIPS, cache=cache_path, progress=False)
    assert out["oom"]["s2"].transient and out["oom"]["s2"].error.startswith("judge 'oom' raised MemoryError: cannot allocate 2.0 GiB (out of memory")
    again = OutOfMemoryJudge("oom", "s2", full=False)
    assert run_judges([again], CLIPS, cache=cache_path, progress=False)["oom"]["s2"].ok and again.calls == ["s2"]


def test_a_judge_past_a_short_batch_timeout_is_given_up_within_a_fraction_of_a_second():
    # the run looks for late judges every quarter of batch_timeout (at most every second), not only every second
    release = threading.Event()
    started = time.monotonic()
    try:
        out = run_judges([HeldJudge("hung", release)], ["s1"], progress=False, batch_timeout=0.2)
    finally:
        release.set()
    assert time.monotonic() - started < 0.8 and not out["hung"]["s1"].ok


def test_replayed_words_stored_again_in_another_order_are_served_in_that_order_not_from_the_cache(cache_path):
    run_judges([ReplayJudge("r", labels={"s1": ["happy", "sad"]})], ["s1"], cache=cache_path, progress=False)
    out = run_judges([ReplayJudge("r", labels={"s1": ["sad", "happy"]})], ["s1"], cache=cache_path, progress=False)
    assert out["r"]["s1"].words == ["sad", "happy"]
