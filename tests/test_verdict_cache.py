"""VerdictCache: verdicts keyed by judge identity and clip content, kept across runs."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

import judges.verdict_cache as verdict_cache_module
from judges.base import Judge
from judges.clip import Clip
from judges.clip_hash import clip_key, identity_hash, sha256_file
from judges.errors import InputError
from judges.runner import run_judges
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache


class PromptedJudge(Judge):
    """A judge whose identity carries a prompt version; never asked to judge here."""

    def __init__(self, name: str = "j", prompt_version: str = "v1"):
        self.name = name
        self.prompt_version = prompt_version

    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words=["calm"]) for clip in clips]

    def cache_identity(self):
        return {**super().cache_identity(), "prompt_version": self.prompt_version}


@pytest.fixture
def cache(tmp_path):
    with VerdictCache(tmp_path / "verdicts.sqlite") as opened:
        yield opened


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"first video bytes")
    return path


def test_a_stored_verdict_comes_back(cache):
    judge, clip = PromptedJudge(), Clip("s1")
    cache.put(judge, clip, Verdict("j", "s1", words=["happy", "relieved"], raw="happy, relieved"))
    assert cache.get_many(judge, [clip, Clip("s2")]) == {"s1": Verdict("j", "s1", words=["happy", "relieved"], raw="happy, relieved")}


def test_verdicts_survive_reopening_the_file(tmp_path):
    judge, clip = PromptedJudge(), Clip("s1")
    with VerdictCache(tmp_path / "c.sqlite") as first:
        first.put(judge, clip, Verdict("j", "s1", words=["sad"]))
    with VerdictCache(tmp_path / "c.sqlite") as second:
        assert second.get_many(judge, [clip])["s1"].words == ["sad"]


def test_a_pickled_cache_opens_the_same_file_again_with_its_verdicts(tmp_path):
    # pickle.dumps(cache) was a TypeError: cannot pickle '_thread.RLock' object (so was a CoJudge holding one)
    import pickle

    judge, clip = PromptedJudge(), Clip("s1")
    with VerdictCache(tmp_path / "c.sqlite") as first:
        first.put(judge, clip, Verdict("j", "s1", words=["sad"]))
        with pickle.loads(pickle.dumps(first)) as again:
            assert again.path == first.path and again.get_many(judge, [clip])["s1"].words == ["sad"]


def test_a_cache_pickled_with_a_relative_path_opens_the_same_file_from_another_working_folder(tmp_path, monkeypatch):
    # unpickled in another folder (a worker process's), 'c.sqlite' was a new empty cache there: every verdict judged again
    import pickle

    judge, clip = PromptedJudge(), Clip("s1")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    with VerdictCache("c.sqlite") as first:
        first.put(judge, clip, Verdict("j", "s1", words=["sad"]))
        pickled = pickle.dumps(first)
    monkeypatch.chdir(tmp_path / "elsewhere")
    with pickle.loads(pickled) as again:
        assert again.get_many(judge, [clip])["s1"].words == ["sad"]
    assert os.listdir(tmp_path / "elsewhere") == []


def test_unpickling_a_cache_opens_no_file_until_the_cache_is_used(tmp_path):
    # unpickling created the cache file again, or, its folder gone (another machine), refused to unpickle a fitted CoJudge
    import pickle
    import shutil

    folder = tmp_path / "run"
    folder.mkdir()
    with VerdictCache(folder / "c.sqlite") as first:
        pickled = pickle.dumps(first)
    shutil.rmtree(folder)
    again = pickle.loads(pickled)
    assert not folder.exists()
    with pytest.raises(InputError, match=r"c\.sqlite: folder .*run does not exist; create it or pick another cache path$"):
        again.stats()


def test_threads_first_using_an_unpickled_cache_at_once_lose_nothing(tmp_path):
    import pickle

    with VerdictCache(tmp_path / "c.sqlite") as first:
        again = pickle.loads(pickle.dumps(first))

    write_from_four_threads(again, 10)
    assert again.stats()["verdicts"] == 40
    again.close()


def test_a_closed_cache_used_again_says_to_open_it_again(tmp_path):
    # was sqlite3.ProgrammingError: Cannot operate on a closed database.
    cache = VerdictCache(tmp_path / "c.sqlite")
    cache.close()
    with pytest.raises(InputError, match=r"c\.sqlite: this verdict cache was closed; open it again with VerdictCache\('.*c\.sqlite'\)$"):
        cache.get_many(PromptedJudge(), [Clip("s1")])


def test_a_new_prompt_version_misses(cache):
    clip = Clip("s1")
    cache.put(PromptedJudge(prompt_version="v1"), clip, Verdict("j", "s1", words=["sad"]))
    assert cache.get_many(PromptedJudge(prompt_version="v2"), [clip]) == {}


def test_every_stored_verdict_comes_back_however_many_clips_are_asked(cache):
    judge, clips = PromptedJudge(), [Clip(f"s{i}") for i in range(1201)]
    cache.put_many(judge, clips, [Verdict("j", clip.name, words=["calm"]) for clip in clips])
    found = cache.get_many(judge, clips)
    assert sorted(found) == sorted(clip.name for clip in clips)


def test_put_many_with_fewer_verdicts_than_clips_is_refused(cache):
    with pytest.raises(ValueError, match="2 clips but 1 verdicts"):
        cache.put_many(PromptedJudge(), [Clip("s1"), Clip("s2")], [Verdict("j", "s1", words=["sad"])])
    assert cache.stats()["verdicts"] == 0


def test_put_many_with_fewer_texts_than_verdicts_is_refused(cache):
    verdicts = [Verdict("j", "s1", words=["sad"]), Verdict("j", "s2", words=["calm"])]
    with pytest.raises(ValueError, match="2 clips but 2 verdicts and 1 texts"):
        cache.put_many(PromptedJudge(), [Clip("s1"), Clip("s2")], verdicts, [verdicts[0].to_json()])
    assert cache.stats()["verdicts"] == 0


def test_a_put_the_database_refuses_leaves_the_cache_usable(cache):
    with pytest.raises(sqlite3.IntegrityError):
        cache.put(PromptedJudge(name=None), Clip("s1"), Verdict("j", "s1", words=["sad"]))
    cache.put(PromptedJudge(), Clip("s1"), Verdict("j", "s1", words=["calm"]))
    assert cache.get_many(PromptedJudge(), [Clip("s1")])["s1"].words == ["calm"]


def test_the_file_records_each_judge_identity_readably(cache, tmp_path):
    cache.put(PromptedJudge(prompt_version="v7"), Clip("s1"), Verdict("j", "s1", words=["sad"]))
    with sqlite3.connect(tmp_path / "verdicts.sqlite") as conn:
        ((name, identity),) = conn.execute("SELECT name, identity FROM judge_identities").fetchall()
    conn.close()
    assert (name, json.loads(identity)) == ("j", {"name": "j", "class": "PromptedJudge", "prompt_version": "v7"})


def test_a_judge_identity_holding_a_path_is_stored_and_recorded_as_its_text(cache, tmp_path):
    judge = PromptedJudge(prompt_version=tmp_path / "prompt.txt")  # a Path, as a judge's identity may name its model folder
    cache.put(judge, Clip("s1"), Verdict("j", "s1", words=["sad"]))
    assert cache.get_many(judge, [Clip("s1")])["s1"].words == ["sad"]
    with sqlite3.connect(tmp_path / "verdicts.sqlite") as conn:
        ((identity,),) = conn.execute("SELECT identity FROM judge_identities").fetchall()
    conn.close()
    assert json.loads(identity)["prompt_version"] == str(tmp_path / "prompt.txt")


def test_the_file_is_in_wal_mode(cache, tmp_path):
    with sqlite3.connect(tmp_path / "verdicts.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()


def test_identity_hash_ignores_key_order():
    assert identity_hash({"a": 1, "b": [1, 2]}) == identity_hash({"b": [1, 2], "a": 1})


def test_identity_hash_takes_a_set_as_its_members_sorted_by_repr():
    assert identity_hash({"ids": {9, 10}}) == identity_hash({"ids": [10, 9]})


def test_identity_hash_takes_a_path_as_its_full_text():
    assert identity_hash({"lexicon": Path("/data/nrc.txt")}) == identity_hash({"lexicon": "/data/nrc.txt"})


def test_sha256_file_hashes_every_byte_of_the_file(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"header bytes, then the frames that follow")
    assert sha256_file(path) == hashlib.sha256(b"header bytes, then the frames that follow").hexdigest()


def test_the_clip_key_of_a_subtitle_only_clip_depends_on_the_subtitle():
    assert clip_key("s1", None, "I did it!") != clip_key("s1", None, "I failed.")


def test_a_clip_key_with_content_starts_with_the_clip_name():
    assert clip_key("s1", "ab12", None).startswith("s1#")


def test_an_edited_video_misses(cache, video):
    judge = PromptedJudge()
    cache.put(judge, Clip("s1", video=video), Verdict("j", "s1", words=["sad"]))
    video.write_bytes(b"second, longer video bytes")
    assert cache.get_many(judge, [Clip("s1", video=video)]) == {}


def test_an_edited_video_of_the_same_size_misses(cache, video):
    judge = PromptedJudge()
    cache.put(judge, Clip("s1", video=video), Verdict("j", "s1", words=["sad"]))
    stat = video.stat()
    video.write_bytes(b"other video bytes")  # as long as the first ones
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert cache.get_many(judge, [Clip("s1", video=video)]) == {}


def test_a_touched_but_unchanged_video_still_hits(cache, video):
    judge = PromptedJudge()
    cache.put(judge, Clip("s1", video=video), Verdict("j", "s1", words=["sad"]))
    stat = video.stat()
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert "s1" in cache.get_many(judge, [Clip("s1", video=video)])


def test_an_edited_subtitle_misses(cache, video):
    judge = PromptedJudge()
    cache.put(judge, Clip("s1", video=video, subtitle="I passed!"), Verdict("j", "s1", words=["happy"]))
    assert cache.get_many(judge, [Clip("s1", video=video, subtitle="I failed.")]) == {}


def test_a_video_is_hashed_once_across_reopenings(tmp_path, video, monkeypatch):
    hashed = []
    real = verdict_cache_module.sha256_file
    monkeypatch.setattr(verdict_cache_module, "sha256_file", lambda path: hashed.append(path) or real(path))
    with VerdictCache(tmp_path / "c.sqlite") as first:
        key = first.clip_key(Clip("s1", video=video))
    with VerdictCache(tmp_path / "c.sqlite") as second:
        assert second.clip_key(Clip("s1", video=video)) == key
    assert len(hashed) == 1


def test_a_video_named_by_a_relative_and_by_its_absolute_path_is_hashed_once(tmp_path, video, monkeypatch):
    hashed = []
    real = verdict_cache_module.sha256_file
    monkeypatch.setattr(verdict_cache_module, "sha256_file", lambda path: hashed.append(path) or real(path))
    monkeypatch.chdir(video.parent)
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        cache.file_digest(video.name)
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        cache.file_digest(video)
    assert len(hashed) == 1


def test_a_video_whose_file_name_is_not_utf8_is_hashed_and_its_verdict_stored(tmp_path):
    # SQLite refused its path: UnicodeEncodeError: 'utf-8' codec can't encode character '\udce9' ... surrogates not allowed
    video = tmp_path / os.fsdecode(b"\xe9motion.mp4")
    video.write_bytes(b"first video bytes")
    with VerdictCache(tmp_path / "c.sqlite") as cache:
        run_judges([PromptedJudge()], [video], cache=cache, progress=False)
        assert cache.stats()["verdicts"] == 1 and cache.stats()["hashed_files"] == 1


class RelievedJudge(PromptedJudge):
    """Says, in French with an emoji and scores, that the person is relieved."""

    def judge_batch(self, clips):
        return [Verdict(self.name, clip.name, words=["soulagé", "calm"], raw="Soulagé 😌", scores={"soulagé": 0.75, "calm": 0.5},
                        seconds=1.5) for clip in clips]


STORED_TEXT = ('{"judge": "j", "clip": "s1", "words": ["soulagé", "calm"], "raw": "Soulagé 😌", "scores": {"soulagé": 0.75, '
               '"calm": 0.5}, "description": null, "seconds": 1.5, "error": null, "transient": false, "reading": null}')


@pytest.mark.parametrize("store", ["put", "run_judges"])
def test_a_verdict_is_stored_as_the_json_of_its_fields_with_its_text_as_it_is_byte_for_byte(tmp_path, store):
    # the format every cache written so far holds: a run must keep writing exactly this, whichever way it stores
    judge, path = RelievedJudge(), tmp_path / "verdicts.sqlite"
    if store == "put":
        with VerdictCache(path) as cache:
            cache.put(judge, Clip("s1"), judge.judge(Clip("s1")))
    else:
        run_judges([judge], ["s1"], cache=path, progress=False)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT verdict FROM verdicts").fetchall() == [(STORED_TEXT,)]


def test_failed_verdicts_are_stored_and_left_out_with_retry_failed(cache):
    judge, clip = PromptedJudge(), Clip("s1")
    cache.put(judge, clip, Verdict.failed("j", "s1", "timeout"))
    assert cache.get_many(judge, [clip])["s1"].error == "timeout"
    assert cache.get_many(judge, [clip], retry_failed=True) == {}


def test_a_transient_failure_is_not_stored_so_the_next_run_asks_again(cache):
    judge = PromptedJudge(prompt_version="transient")
    clips = [Clip("t1"), Clip("t2")]
    cache.put_many(judge, clips, [Verdict.failed("j", "t1", "server down", transient=True), Verdict.failed("j", "t2", "corrupt video")])
    assert list(cache.get_many(judge, clips)) == ["t2"]


def test_retry_failed_still_gives_the_successful_verdicts(cache):
    judge = PromptedJudge()
    cache.put_many(judge, [Clip("s1"), Clip("s2")], [Verdict("j", "s1", words=["sad"]), Verdict.failed("j", "s2", "timeout")])
    assert list(cache.get_many(judge, [Clip("s1"), Clip("s2")], retry_failed=True)) == ["s1"]


def test_stats_count_verdicts_failures_and_identities(cache):
    cache.put(PromptedJudge(prompt_version="v1"), Clip("s1"), Verdict("j", "s1", words=["sad"]))
    cache.put(PromptedJudge(prompt_version="v2"), Clip("s1"), Verdict.failed("j", "s1", "boom"))
    cache.put(PromptedJudge(name="k"), Clip("s1"), Verdict("k", "s1", words=["calm"]))
    stats = cache.stats()
    assert (stats["verdicts"], stats["failed"]) == (3, 1)
    assert stats["judges"]["j"] == {"verdicts": 2, "failed": 1, "identities": 2}


def test_stats_count_one_identity_for_many_clips_and_the_hashed_videos(cache, video):
    judge = PromptedJudge()
    cache.put_many(judge, [Clip("s1", video=video), Clip("s2")], [Verdict("j", "s1"), Verdict("j", "s2")])
    stats = cache.stats()
    assert stats["judges"]["j"]["identities"] == 1 and stats["hashed_files"] == 1


def test_threads_writing_at_once_lose_nothing(cache):
    write_from_four_threads(cache, 25)
    assert cache.stats()["verdicts"] == 100


def write_from_four_threads(cache: VerdictCache, per_thread: int) -> None:
    """Four threads each storing ``per_thread`` verdicts of one judge in ``cache`` at once."""
    judge = PromptedJudge()

    def write(thread: int) -> None:
        for i in range(per_thread):
            cache.put(judge, Clip(f"t{thread}-{i}"), Verdict("j", f"t{thread}-{i}", words=["calm"]))

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_a_file_that_is_not_a_cache_is_an_input_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database, just some text " * 100)
    with pytest.raises(InputError, match="not a verdict cache"):
        VerdictCache(path)


@pytest.mark.parametrize("text", ["x", "name,openset\n"])
def test_a_short_file_that_is_not_a_cache_is_refused_and_left_as_it_was(tmp_path, text):
    path = tmp_path / "pred.csv"  # a wrong path given as the cache: SQLite took a file shorter than its header as a new database
    path.write_text(text)
    with pytest.raises(InputError, match=r"pred\.csv: not a verdict cache \(not a SQLite file\)"):
        VerdictCache(path)
    assert path.read_text() == text


def test_an_empty_file_becomes_a_verdict_cache(tmp_path):
    path = tmp_path / "verdicts.sqlite"
    path.touch()  # e.g. made by mktemp
    assert VerdictCache(path).stats()["verdicts"] == 0


def test_a_cache_damaged_inside_is_a_one_line_error_naming_the_file(tmp_path):
    path, judge, clips = tmp_path / "c.sqlite", PromptedJudge(), [Clip(f"s{i}") for i in range(3000)]
    with VerdictCache(path) as cache:
        cache.put_many(judge, clips, [Verdict("j", clip.name, words=["calm"]) for clip in clips])
    damaged = bytearray(path.read_bytes())
    for page in range(2 * 4096, len(damaged), 4096):  # the tables' pages; the schema page stays readable
        damaged[page : page + 100] = b"\xff" * 100
    path.write_bytes(bytes(damaged))
    with VerdictCache(path) as cache, pytest.raises(InputError, match=f"{path.name}: verdict cache is damaged .*delete it"):
        cache.get_many(judge, clips)


@pytest.mark.parametrize("damaged", ['{"judge": "j", "clip": "s', '{"words": ["sad"]}', '[1, 2]', '{"judge": "j", "clip": "s1", "words": 5}',
                                     '{"judge": "j", "clip": "s1", "words": ["sad", 5]}', '{"judge": "j", "clip": "s2", "words": ["sad"]}'])
def test_a_damaged_stored_verdict_is_judged_again_and_the_others_are_kept(tmp_path, damaged):
    path, judge, clips = tmp_path / "c.sqlite", PromptedJudge(), [Clip("s1"), Clip("s2")]
    with VerdictCache(path) as cache:
        cache.put_many(judge, clips, [Verdict("j", "s1", words=["sad"]), Verdict("j", "s2", words=["calm"])])
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE verdicts SET verdict = ? WHERE clip = 's1'", (damaged,))
    conn.close()
    with VerdictCache(path) as cache:
        assert cache.get_many(judge, clips) == {"s2": Verdict("j", "s2", words=["calm"])}
        cache.put(judge, clips[0], Verdict("j", "s1", words=["sad"]))
        assert cache.get_many(judge, clips)["s1"].words == ["sad"]


def test_a_stored_verdict_held_as_a_blob_of_its_json_is_served(tmp_path):
    # SQLite gives bytes for a BLOB: a row whose text another tool wrote as one is read, not judged again
    path, judge = tmp_path / "c.sqlite", PromptedJudge()
    with VerdictCache(path) as cache:
        cache.put(judge, Clip("s1"), Verdict("j", "s1", words=["sad"]))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE verdicts SET verdict = CAST(verdict AS BLOB)")
    conn.close()
    with VerdictCache(path) as cache:
        assert cache.get_many(judge, [Clip("s1")]) == {"s1": Verdict("j", "s1", words=["sad"])}


def test_a_cache_of_another_format_version_is_an_input_error(tmp_path):
    path = tmp_path / "c.sqlite"
    VerdictCache(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with pytest.raises(InputError, match="verdict cache format 2, expected 1"):
        VerdictCache(path)


def test_a_cache_in_a_missing_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        VerdictCache(tmp_path / "nowhere" / "c.sqlite")


def test_a_missing_video_is_an_input_error(cache, tmp_path):
    with pytest.raises(InputError, match="missing"):
        cache.clip_key(Clip("s1", video=tmp_path / "gone.mp4"))


def test_a_video_the_user_may_not_read_is_a_one_line_error_not_a_traceback(cache, video, monkeypatch):
    # mode 600, another owner: stat() works, open() does not; PermissionError's traceback ended 'cojudge predict --cache'
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(verdict_cache_module, "sha256_file", refuse)
    with pytest.raises(InputError) as info:
        cache.clip_key(Clip("s1", video=video))
    assert str(info.value) == f"{video}: cannot read the video (Permission denied); check you may read it (its permissions)"


def test_an_identity_that_is_not_json_is_an_input_error(cache):
    judge = PromptedJudge(prompt_version=object())
    with pytest.raises(InputError, match="cache_identity"):
        cache.get_many(judge, [Clip("s1")])


def test_a_cache_that_cannot_be_created_is_a_one_line_error_not_called_damaged(tmp_path, monkeypatch):
    connect = sqlite3.connect  # as in a read-only folder (root ignores chmod): sqlite cannot create the file
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: connect(f"file:{path}?mode=ro", uri=True, **kw))
    with pytest.raises(InputError, match=r"new\.sqlite: cannot use the verdict cache \(unable to open database file\); "
                                         r"make the file and its folder writable") as caught:
        VerdictCache(tmp_path / "new.sqlite")
    assert "delete" not in str(caught.value)


def test_a_video_unreadable_in_one_run_is_looked_up_and_stored_in_the_next_run_of_the_same_cache(cache, video, monkeypatch):
    # what digest_videos found unreadable holds for its own run only: the file may be readable again by the next
    refused = {"now": True}

    def refuse_once(path, _read=verdict_cache_module.sha256_file):
        if refused["now"]:
            raise PermissionError(13, "Permission denied", str(path))
        return _read(path)

    monkeypatch.setattr(verdict_cache_module, "sha256_file", refuse_once)
    clip, judge = Clip.coerce(video), PromptedJudge()
    with pytest.warns(UserWarning, match="cannot read the video"):
        cache.digest_videos([clip])
    refused["now"] = False
    cache.digest_videos([clip])
    cache.put(judge, clip, Verdict("j", clip.name, words=["sad"]))
    assert cache.get_many(judge, [clip])[clip.name].words == ["sad"]


def test_a_built_in_judge_whose_cache_identity_raises_is_not_sent_to_the_readme_for_judges_of_ones_own(monkeypatch):
    # "fix it (README, 'Adding a judge')" is for a judge of one's own; a built-in judge's error says what is wrong
    from judges.replay import ReplayJudge

    def gone(self):
        raise FileNotFoundError("checkpoint.pth was removed")

    monkeypatch.setattr(ReplayJudge, "cache_identity", gone)
    with pytest.raises(InputError, match=r"^judge 'r' \(ReplayJudge\): its cache_identity\(\) raised FileNotFoundError: "
                                         r"checkpoint\.pth was removed$"):
        verdict_cache_module.judge_identity(ReplayJudge("r", labels={"c1": ["happy"]}))


def test_a_judge_of_ones_own_inheriting_a_built_in_judges_raising_cache_identity_is_not_sent_to_the_readme(monkeypatch):
    # class MyReplay(ReplayJudge) in a plugin file was told "fix it (README, 'Adding a judge')" for the built-in code's error
    from judges.replay import ReplayJudge

    def gone(self):
        raise FileNotFoundError("checkpoint.pth was removed")

    class MyReplay(ReplayJudge):
        pass

    monkeypatch.setattr(ReplayJudge, "cache_identity", gone)
    with pytest.raises(InputError, match=r"^judge 'r' \(MyReplay\): its cache_identity\(\) raised FileNotFoundError: "
                                         r"checkpoint\.pth was removed$"):
        verdict_cache_module.judge_identity(MyReplay("r", labels={"c1": ["happy"]}))
