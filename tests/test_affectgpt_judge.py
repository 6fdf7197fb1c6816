"""AffectGPTJudge through a real subprocess, on a fake "AffectGPT repo" made in the test."""
from __future__ import annotations

import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from judges.affectgpt_judge import AffectGPTJudge
from judges.clip import Clip
from judges.errors import InputError
from judges.verdict import Verdict

# Parses the arguments AffectGPT's inference_hybird.py takes, reads the clip table
# the judge writes, and saves what AffectGPT saves: <checkpoint>.npz holding a
# pickled name2reason dict, and (its label step) <checkpoint>-openset.npz.
FAKE_INFERENCE = textwrap.dedent(
    '''
    import argparse, csv, os, sys
    import numpy as np

    p = argparse.ArgumentParser()
    p.add_argument("--cfg-path")
    p.add_argument("--options", nargs="+")
    p.add_argument("--dataset")
    p.add_argument("--zeroshot", action="store_true")
    args = p.parse_args()
    opts = dict(o.split("=", 1) for o in args.options)
    assert os.path.isfile(args.cfg_path), args.cfg_path
    with open(os.environ["MEROV_CLIPS_CSV"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if any(r["name"] == "explode" for r in rows):
        print("CUDA out of memory while loading the LLM", file=sys.stderr)
        sys.exit(3)
    ckpt = [f for f in os.listdir(opts["inference.ckpt_root"]) if "%06d" % int(opts["inference.test_epoch"]) in f][0]
    root = os.path.join(opts["inference.base_root"] + "-" + args.dataset.lower(), os.path.basename(opts["inference.ckpt_root"]))
    os.makedirs(root)
    stem = os.path.join(root, ckpt[:-4])
    name2reason = {r["name"]: "The character's emotional state is %s." % r["subtitle"] for r in rows}
    np.savez_compressed(stem + ".npz", name2reason=name2reason)
    if os.environ.get("FAKE_LABELS", "1") == "1":
        np.savez_compressed(stem + "-openset.npz", filenames=np.array([r["name"] for r in rows]),
                            fileitems=np.array(["[%s]" % r["subtitle"] for r in rows]))
    print("saved", stem)
    '''
)


@pytest.fixture
def fake_repo(tmp_path):
    repo = tmp_path / "AffectGPT"
    (repo / "train_configs").mkdir(parents=True)
    (repo / "train_configs" / "mercaptionplus_face.yaml").write_text("model: {}\n", encoding="utf-8")
    ckpt_dir = repo / "output" / "mercaptionplus_face" / "mercaptionplus_face_20250101"
    ckpt_dir.mkdir(parents=True)
    (ckpt_dir / "checkpoint_000030_loss_0.602.pth").write_bytes(b"weights")
    (repo / "inference_hybird.py").write_text(FAKE_INFERENCE, encoding="utf-8")
    return repo


@pytest.fixture
def videos(tmp_path):
    paths = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.mp4"
        path.write_bytes(b"not decoded by the judge itself")
        paths.append(path)
    return paths


CHECKPOINT = "output/mercaptionplus_face/mercaptionplus_face_20250101/checkpoint_000030_loss_0.602.pth"


def affectgpt(repo, **params) -> AffectGPTJudge:
    params.setdefault("cfg_path", "train_configs/mercaptionplus_face.yaml")
    params.setdefault("timeout", 60)
    params.setdefault("work_root", repo.parent / "runs")  # a failed run keeps its folder (and log): in the test's tmp_path, not /tmp
    return AffectGPTJudge(repo=repo, checkpoint=CHECKPOINT, python=sys.executable, **params)


def test_reads_native_openset_and_descriptions_written_by_the_subprocess(fake_repo, videos):
    clips = [Clip("a", videos[0], subtitle="anxious, tense"), Clip("b", videos[1], subtitle="happy")]
    a, b = affectgpt(fake_repo).judge_batch(clips)
    assert (a.words, a.error) == (["anxious", "tense"], None)
    assert (b.words, b.description) == (["happy"], "The character's emotional state is happy.")


def test_descriptions_without_labels_go_through_the_extractor(fake_repo, videos):
    judge = affectgpt(fake_repo, env={"FAKE_LABELS": "0"}, extractor={"type": "lexical", "vocabulary": ["worried"]})
    (verdict,) = judge.judge_batch([Clip("a", videos[0], subtitle="worried")])
    assert (verdict.words, verdict.description) == (["worried"], "The character's emotional state is worried.")


class _ServerDownExtractor:
    """An extractor whose server is down: a transient failure, which the next run asks again."""

    def extract(self, description, subtitle=None, clip=""):
        return Verdict.failed("llm", clip, "cannot reach the server; not cached, the next run asks again", transient=True)


def test_an_extractor_failure_not_to_be_cached_is_not_cached(fake_repo, videos):
    judge = affectgpt(fake_repo, env={"FAKE_LABELS": "0"}, extractor=_ServerDownExtractor())
    (verdict,) = judge.judge_batch([Clip("a", videos[0], subtitle="sad")])
    assert "cannot reach the server" in verdict.error and verdict.transient
    assert verdict.description == "The character's emotional state is sad."


class _BuggyExtractor:
    """An extractor of one's own whose extract raises on clip "a"."""

    def extract(self, description, subtitle=None, clip=""):
        if clip == "a":
            raise ValueError("no words in it")
        return Verdict("mine", clip, ["sad"])


def test_an_extractor_raising_on_one_clip_fails_that_clip_alone_not_the_affectgpt_run(fake_repo, videos):
    # raised, it failed the batch, which the runner then judged again clip by clip: one AffectGPT run per clip
    judge = affectgpt(fake_repo, env={"FAKE_LABELS": "0"}, extractor=_BuggyExtractor())
    a, b = judge.judge_batch([Clip("a", videos[0], subtitle="sad"), Clip("b", videos[1], subtitle="sad")])
    assert (a.error, a.description) == ("ValueError: no words in it", "The character's emotional state is sad.")
    assert (b.words, b.error) == (["sad"], None)


def test_descriptions_without_labels_or_extractor_are_an_error(fake_repo, videos):
    (verdict,) = affectgpt(fake_repo, env={"FAKE_LABELS": "0"}).judge_batch([Clip("a", videos[0], subtitle="sad")])
    assert "no *-openset.npz" in verdict.error and "extractor" in verdict.error


def test_a_failed_run_gives_error_verdicts_naming_the_log(fake_repo, videos, tmp_path):
    clips = [Clip("explode", videos[0]), Clip("b", videos[1])]
    verdicts = affectgpt(fake_repo, work_root=tmp_path).judge_batch(clips)
    assert all("status 3" in v.error and "CUDA out of memory" in v.error for v in verdicts)
    log = verdicts[0].error.rsplit("full log: ", 1)[1]
    assert "inference_hybird.py" in open(log, encoding="utf-8").read()


def test_a_run_past_its_timeout_is_an_error(fake_repo, videos):
    judge = affectgpt(fake_repo, command="{python} -c 'import time; time.sleep(30)'", timeout=0.5)
    (verdict,) = judge.judge_batch([Clip("a", videos[0])])
    assert "did not finish within 0.5 s" in verdict.error


@pytest.mark.parametrize("clip, params", [
    ("explode", {}),  # AffectGPT crashed (its GPU out of memory)
    ("a", {"command": "{python} -c 'import time; time.sleep(30)'", "timeout": 0.5}),  # timed out
    ("a", {"command": "/no/such/env/bin/python -u inference_hybird.py"}),  # cannot start
], ids=["crashed", "timed-out", "cannot-start"])
def test_a_failed_run_is_the_run_s_failure_not_the_clips_so_it_is_not_cached(fake_repo, videos, clip, params):
    (verdict,) = affectgpt(fake_repo, **params).judge_batch([Clip(clip, videos[0])])
    assert verdict.transient and "not cached, the next run asks again" in verdict.error


def test_a_clip_without_video_fails_alone(fake_repo, videos):
    no_video, ok = affectgpt(fake_repo).judge_batch([Clip("x"), Clip("a", videos[0], subtitle="calm")])
    assert "no video file" in no_video.error and ok.words == ["calm"]


def test_a_missing_checkpoint_is_refused_with_the_fix(fake_repo):
    with pytest.raises(InputError, match="checkpoint_0000NN"):
        AffectGPTJudge(repo=fake_repo, checkpoint="nope.pth", cfg_path="x.yaml")


def test_the_default_command_needs_cfg_path(fake_repo):
    with pytest.raises(InputError, match="cfg_path"):
        AffectGPTJudge(repo=fake_repo, checkpoint=CHECKPOINT)


def test_a_checkpoint_name_without_the_epoch_the_default_command_passes_is_refused(fake_repo):
    """inference.test_epoch= was passed empty: AffectGPT failed every batch on int('') and the errors were cached."""
    renamed = fake_repo / "best.pth"
    renamed.write_bytes(b"weights")
    with pytest.raises(InputError, match="checkpoint_0000NN_loss_X.pth name"):
        AffectGPTJudge(repo=fake_repo, checkpoint=renamed, cfg_path="x.yaml")
    AffectGPTJudge(repo=fake_repo, checkpoint=renamed, command="{python} run.py {checkpoint}")  # a command that names the file


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), "2h"])
def test_a_timeout_that_is_not_a_positive_finite_number_of_seconds_is_refused(fake_repo, timeout):
    """timeout=0 or -1 ended every batch at once as 'did not finish within 0 s', each failure cached; '2h' was a ValueError;
    inf was taken, as no other judge's option takes it."""
    with pytest.raises(InputError, match="timeout="):
        affectgpt(fake_repo, timeout=timeout)


def test_a_numpy_bool_keep_workdir_is_taken_as_true_or_false(fake_repo):
    # np.False_ was refused ("give true or false") while the voters' flags took it
    assert affectgpt(fake_repo, keep_workdir=np.False_).keep_workdir is False


@pytest.mark.parametrize("value", ["false", "no", 0])
def test_a_keep_workdir_that_is_not_true_or_false_is_refused_not_read_as_true(fake_repo, value):
    # keep_workdir = "false" (quoted in a TOML config) was a non-empty string: every batch's frames were kept on disk
    with pytest.raises(InputError, match=f"keep_workdir={value!r}: give true or false"):
        affectgpt(fake_repo, keep_workdir=value)


def test_cache_identity_names_checkpoint_and_command(fake_repo):
    ident = affectgpt(fake_repo).cache_identity()
    assert ident["checkpoint"].endswith("checkpoint_000030_loss_0.602.pth") and "inference_hybird.py" in ident["commands"][0]


def test_close_stops_a_run_in_flight(fake_repo, videos, tmp_path):
    """cojudge predict closes its judges on Ctrl-C; AffectGPT, in a session of its own, kept running (and holding the GPU)."""
    started = tmp_path / "started"
    judge = affectgpt(fake_repo, work_root=tmp_path, command=f"{{python}} -c 'open(\"{started}\", \"w\"); import time; time.sleep(60)'")
    worker = threading.Thread(target=judge.judge_batch, args=([Clip("a", videos[0])],), daemon=True)
    worker.start()
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists()
    judge.close()
    worker.join(timeout=10)
    assert not worker.is_alive()


def test_cache_identity_changes_when_the_checkpoint_is_retrained_in_place(fake_repo):
    """Path and size alone replayed the old checkpoint's cached verdicts: retrained weights keep the file's size."""
    before = affectgpt(fake_repo).cache_identity()
    (fake_repo / CHECKPOINT).write_bytes(b"WEIGHTS")
    assert affectgpt(fake_repo).cache_identity() != before


def test_a_python_under_a_tilde_is_the_interpreter_in_the_home_folder(fake_repo, videos, tmp_path, monkeypatch):
    # python="~/miniconda3/envs/affectgpt/bin/python", as the class's own example writes it, failed every batch:
    # "AffectGPT command '~/bin/python' cannot run (No such file or directory)"
    home = tmp_path / "home"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    (home / "bin" / "python").chmod(0o755)
    monkeypatch.setenv("HOME", str(home))
    judge = AffectGPTJudge(repo=fake_repo, checkpoint=CHECKPOINT, python="~/bin/python", cfg_path="train_configs/mercaptionplus_face.yaml",
                           timeout=60, work_root=tmp_path / "runs")
    (a,) = judge.judge_batch([Clip("a", videos[0], subtitle="happy")])
    assert a.error is None and a.words == ["happy"]


def test_a_python_given_as_a_path_object_is_the_interpreter(fake_repo, videos, tmp_path):
    # python=Path(sys.executable) ran before a leading ~ was expanded, then raised AttributeError: 'PosixPath' object
    # has no attribute 'startswith'
    judge = AffectGPTJudge(repo=fake_repo, checkpoint=CHECKPOINT, python=Path(sys.executable), cfg_path="train_configs/mercaptionplus_face.yaml",
                           timeout=60, work_root=tmp_path / "runs")
    (a,) = judge.judge_batch([Clip("a", videos[0], subtitle="happy")])
    assert a.error is None and a.words == ["happy"]


def test_a_python_that_is_neither_text_nor_a_path_is_a_one_line_error(fake_repo):
    with pytest.raises(InputError, match=r"^python=5: give the interpreter of AffectGPT's environment, a command or a path"):
        AffectGPTJudge(repo=fake_repo, checkpoint=CHECKPOINT, python=5, cfg_path="train_configs/mercaptionplus_face.yaml")


def test_a_work_root_that_cannot_hold_a_run_folder_fails_the_run_not_cached(fake_repo, videos, tmp_path):
    # judge_batch raised FileExistsError: the runner cached it as every clip's failure, served again after the fix
    (tmp_path / "runs").write_text("a file where the folder goes", encoding="utf-8")
    (a,) = affectgpt(fake_repo, work_root=tmp_path / "runs").judge_batch([Clip("a", videos[0], subtitle="happy")])
    assert a.transient and a.error == (f"cannot make AffectGPT's run folder in {tmp_path / 'runs'} (File exists); give work_root= "
                                       "a writable folder (not cached, the next run asks again)")


def test_a_work_root_that_does_not_exist_yet_is_made_for_the_runs(fake_repo, videos, tmp_path):
    root = tmp_path / "not" / "yet"
    (a,) = affectgpt(fake_repo, work_root=root, keep_workdir=True).judge_batch([Clip("a", videos[0], subtitle="happy")])
    assert a.words == ["happy"] and len(list(root.glob("affectgpt-*"))) == 1
