"""The demo clip a new user co-judges first: made once, a smiling face saying something happy."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from judges.clip import Clip
from judges.default_judges import DEFAULT_CPU_CONFIG, default_cpu_judges
from judges.demo_clip import DEMO_TEXT, make_demo_clip
from judges.errors import InputError
from judges.face_judge import FaceJudge
from judges.media import decode_clip
from judges.registry import load_config
from judges.speech_text_judge import SpeechTextJudge
from judges.temp_files import temporary_path


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; install it (apt-get install -y espeak-ng) for the spoken demo")
    return make_demo_clip(tmp_path_factory.mktemp("demo") / "demo.mp4")


def test_the_demo_clip_is_a_few_seconds_of_640x480_video_with_a_voice(demo):
    media = decode_clip(demo, num_frames=2)
    assert media.frames[0].shape == (480, 640, 3)
    assert 3.0 <= media.duration <= 6.0
    assert media.audio is not None and np.abs(media.audio).max() > 0.05


def test_the_demo_clip_is_made_once_and_then_reused(demo):
    before = demo.stat().st_mtime_ns
    assert make_demo_clip(demo) == demo
    assert demo.stat().st_mtime_ns == before


def test_the_default_location_is_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("MEROV_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("judges.demo_clip._write_mp4", lambda path, *a: path.write_bytes(b"mp4"))
    assert make_demo_clip(text="").parent == tmp_path / "cache"


def test_a_demo_clip_left_half_written_by_a_killed_run_is_removed_when_the_clip_is_made(monkeypatch, tmp_path):
    monkeypatch.setattr("judges.demo_clip._write_mp4", lambda path, *a: path.write_bytes(b"mp4"))
    path = tmp_path / "demo.mp4"
    ended = subprocess.Popen([sys.executable, "-c", ""])
    ended.wait()
    left = temporary_path(path).with_name(temporary_path(path).name.replace(f".{os.getpid()}.", f".{ended.pid}."))
    left.write_bytes(b"half an mp4")  # what a run killed while writing the clip leaves
    make_demo_clip(path, text="")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.mp4"]


def test_a_demo_clip_being_made_keeps_its_temporary_file_though_another_process_takes_its_pid_for_a_dead_one(monkeypatch, tmp_path):
    from tests.test_output_safety import sweep_from_another_container

    path = tmp_path / "demo.mp4"

    def write_mp4(tmp, *args):
        tmp.write_bytes(b"mp4")
        sweep_from_another_container(path)  # a container with the same host name making the clip: it removed the file

    monkeypatch.setattr("judges.demo_clip._write_mp4", write_mp4)
    assert make_demo_clip(path, text="").read_bytes() == b"mp4"


def test_without_espeak_the_words_go_to_a_subtitle_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setattr("judges.demo_clip.shutil.which", lambda name: None)
    with pytest.warns(UserWarning, match="espeak-ng is not installed"):
        video = make_demo_clip(tmp_path / "quiet.mp4", seconds=1.0)
    assert decode_clip(video, num_frames=1).audio is None
    assert Clip.from_path(video).subtitle == DEMO_TEXT


def test_a_picture_that_is_not_rgb_is_refused(tmp_path):
    with pytest.raises(InputError, match="HxWx3 uint8"):
        make_demo_clip(tmp_path / "bad.mp4", text="", image=np.zeros((4, 4)))


@pytest.mark.parametrize("force", ["false", 0])
def test_a_force_that_is_not_true_or_false_is_refused_and_the_clip_kept(tmp_path, force):
    # force="false" (a non-empty string) was read as true and the clip made again
    (tmp_path / "c.mp4").write_bytes(b"made before")
    with pytest.raises(InputError, match=f"^force={force!r}: give True or False$"):
        make_demo_clip(tmp_path / "c.mp4", force=force)
    assert (tmp_path / "c.mp4").read_bytes() == b"made before"


def test_numpy_numbers_are_taken_for_the_size_and_the_length(tmp_path):
    # size=(np.int64(64), np.int64(48)) and seconds=np.float32(1) were refused, as the judges' options once refused them
    video = make_demo_clip(tmp_path / "c.mp4", text="", size=(np.int64(64), np.int64(48)), seconds=np.float32(1))
    assert Clip.from_path(video).video == video


@pytest.mark.parametrize("size", [(True, 48), (64.0, 48), 640])
def test_a_size_that_is_not_two_even_whole_numbers_is_a_one_line_error(tmp_path, size):
    # (True, 48) was read as a width of 1 pixel and refused only for being small; 640 was a TypeError (len of an int)
    with pytest.raises(InputError, match=f"^{re.escape(f'size={size!r}')}: give \\(width, height\\)"):
        make_demo_clip(tmp_path / "c.mp4", size=size)


@pytest.mark.parametrize("seconds", [-1.0, 0.0, float("nan"), float("inf"), True])
def test_a_length_that_is_not_a_positive_number_of_seconds_is_a_one_line_error(tmp_path, seconds):
    with pytest.raises(InputError, match="seconds="):
        make_demo_clip(tmp_path / "c.mp4", seconds=seconds)
    assert not (tmp_path / "c.mp4").exists()


def test_words_that_begin_with_a_dash_are_spoken_not_read_as_espeak_options(demo, tmp_path):
    video = make_demo_clip(tmp_path / "dash.mp4", text="-v so happy", seconds=3)
    media = decode_clip(video, num_frames=1)
    assert media.audio is not None and np.abs(media.audio).max() > 0.05


def test_the_default_cpu_judges_are_face_and_speech_text_as_the_toml_says():
    judges = default_cpu_judges()
    assert [type(j) for j in judges] == [FaceJudge, SpeechTextJudge]
    assert [j.name for j in judges] == [entry["name"] for entry in load_config(DEFAULT_CPU_CONFIG)]


@pytest.mark.slow
def test_the_default_cpu_judges_both_read_the_demo_clip_as_happy(demo):
    clip = Clip.from_path(demo)
    verdicts = {judge.name: judge.judge(clip) for judge in default_cpu_judges()}
    assert verdicts["face"].words[0] == "happy"
    assert verdicts["speech-text"].words[0] == "happy"
    assert "happy" in verdicts["speech-text"].description.lower()
