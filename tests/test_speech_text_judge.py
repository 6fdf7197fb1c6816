"""Speech-text judge: espeak-ng speech -> Whisper tiny.en transcript -> lexicon emotion; clear empty verdicts."""
from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

from ensemble.cli import main
from judges.clip import Clip
from judges.demo_clip import make_demo_clip
from judges.errors import InputError
from judges.media import TruncatedMediaWarning, decode_clip
from judges.registry import build_judge
from judges.runner import guarded_judge_batch, run_judges
from judges.speech_text_judge import SpeechTextJudge
from judges.speech_to_text import silence_cuts
from tests.media_fixtures import make_clip, make_corrupt_clip, make_truncated_copy

ANGRY = "I am furious. This is outrageous and I hate it!"


@pytest.fixture(scope="module")
def judge():
    return SpeechTextJudge()


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """Clips whose voice (espeak-ng) says something plainly emotional."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; install it (apt-get install -y espeak-ng) to test speech")
    folder = tmp_path_factory.mktemp("speech")
    return {"angry": make_demo_clip(folder / "angry.mp4", text=ANGRY)}


@pytest.mark.slow
def test_angry_speech_is_transcribed_and_reads_angry(judge, spoken):
    verdict = judge.judge(Clip.from_path(spoken["angry"]))
    assert verdict.ok
    assert "furious" in verdict.description.lower()
    assert verdict.words[0] == "angry"
    assert verdict.raw.startswith("from speech")


def test_a_video_without_audio_gives_an_empty_verdict_saying_so(judge, tmp_path):
    verdict = judge.judge(Clip.from_path(make_clip(tmp_path / "mute.mp4", with_audio=False)))
    assert verdict.ok and verdict.words == []
    assert verdict.raw == "no audio track to listen to"


def test_a_silent_audio_track_gives_an_empty_verdict_saying_so(judge, tmp_path):
    verdict = judge.judge(Clip.from_path(make_demo_clip(tmp_path / "silent.mp4", text="", seconds=2.0)))
    assert verdict.ok and verdict.words == []
    assert verdict.raw.startswith("no speech heard")


@pytest.mark.slow
def test_a_tone_without_speech_gives_an_empty_verdict_saying_so(judge, tmp_path):
    verdict = judge.judge(Clip.from_path(make_clip(tmp_path / "tone.mp4", seconds=2.0)))
    assert verdict.ok and verdict.words == []
    assert verdict.raw.startswith("no speech heard")


def test_truncated_audio_is_heard_as_far_as_it_goes_and_the_verdict_says_so(judge, tmp_path):
    whole = make_clip(tmp_path / "tone.mp4", seconds=6.0, width=64, height=48)
    with pytest.warns(TruncatedMediaWarning):
        verdict = judge.judge(Clip.from_path(make_truncated_copy(whole, tmp_path / "cut.mp4", 0.5)))
    assert verdict.ok and verdict.words == []
    assert verdict.raw.startswith("decoded ") and "of the 6.0 s declared (a truncated file?); no speech heard in " in verdict.raw


def test_a_subtitle_is_read_instead_of_transcribing(judge):
    verdict = judge.judge(Clip(name="zh", subtitle="我一点也不开心，我很生气"))
    assert verdict.words == ["angry"]
    assert verdict.raw.startswith("from the subtitle")


def test_a_clip_with_neither_video_nor_subtitle_gives_an_error_verdict(judge):
    verdict = judge.judge(Clip(name="nothing"))
    assert not verdict.ok and "no video file and no subtitle" in verdict.error


def test_an_undecodable_video_gives_an_error_verdict(judge, tmp_path):
    verdict = judge.judge(Clip(name="broken", video=make_corrupt_clip(tmp_path / "broken.mp4")))
    assert not verdict.ok and "broken.mp4" in verdict.error


def test_a_use_subtitle_given_as_text_is_refused_not_read_as_true():
    # use_subtitle = "false" in a TOML config was bool("false"), True: the subtitle was read instead of the speech
    with pytest.raises(InputError, match="use_subtitle='false': give true or false"):
        build_judge("speech-text", name="s", use_subtitle="false")


def test_speech_text_is_a_registered_audio_and_text_judge():
    judge = build_judge("speech-text", name="s")
    assert isinstance(judge, SpeechTextJudge)
    assert judge.modalities == {"audio", "text"}


def test_the_cache_identity_names_the_speech_model_and_lexicons(judge):
    identity = judge.cache_identity()
    assert identity["speech"]["model"] == "whisper-tiny.en"
    assert "nrclex/nrc_en.json" in identity["lexicons"]


def test_a_missing_faster_whisper_is_a_one_line_error_when_the_judge_is_built(monkeypatch):
    """Not an error verdict per clip, cached as failures, at the first transcription."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "faster_whisper" else real(name, *a))
    with pytest.raises(InputError, match=r"needs faster-whisper; install it with: pip install -e '\.\[cpu\]'"):
        SpeechTextJudge()


@pytest.mark.parametrize("threads", [-1, "two", 2.5, True])
def test_cpu_threads_that_are_not_a_whole_number_are_refused_when_the_judge_is_built(threads):
    """Not an error verdict per clip (cached) with CTranslate2's multi-line TypeError, nor silently truncated."""
    with pytest.raises(InputError, match="cpu_threads="):
        SpeechTextJudge(cpu_threads=threads)


@pytest.mark.parametrize("value", ["false", 0])
def test_a_vad_that_is_not_true_or_false_is_refused_not_read_as_true(value):
    from judges.speech_to_text import SpeechToText

    with pytest.raises(InputError, match=f"vad={value!r}: give True or False"):
        SpeechToText(vad=value)


# -- long audio: transcribed window by window, cut in pauses ---------------------------------------------------------
SENTENCES = ("The orange bicycle leaned against the old stone wall.", "My grandmother baked bread every Sunday morning.",
             "We walked along the river until the sun went down.")


@pytest.fixture(scope="module")
def three_sentences(tmp_path_factory):
    """A demo clip in which espeak-ng says the three sentences (its short pauses between them), 11 s."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; install it (apt-get install -y espeak-ng) to test speech")
    return make_demo_clip(tmp_path_factory.mktemp("long") / "three.mp4", text=" ".join(SENTENCES), size=(64, 48))


@pytest.fixture(scope="module")
def speech_16k(three_sentences):
    """The three sentences' audio, as the judge decodes it."""
    return decode_clip(three_sentences, num_frames=0).audio


@pytest.fixture
def small_windows(monkeypatch):
    """Windows of 4 s: the three sentences are long audio, transcribed in a window each."""
    from judges import speech_to_text

    monkeypatch.setattr(speech_to_text, "WINDOW_SECONDS", 4.0)
    monkeypatch.setattr(speech_to_text, "SEARCH_SECONDS", 2.0)


def test_audio_no_longer_than_a_window_is_not_cut():
    assert silence_cuts(np.ones(16000 * 120, np.float32), 16000, window=120) == []


def test_long_audio_is_cut_into_windows_in_the_pauses_between_words(speech_16k):
    cuts = silence_cuts(speech_16k, 16000, window=4.0, search=2.0)
    bounds = [0, *cuts, speech_16k.size]
    assert len(cuts) >= 2
    assert all(0 < end - start <= 4 * 16000 for start, end in zip(bounds, bounds[1:]))
    loudest = np.abs(speech_16k).max()
    for cut in cuts:  # the 100 ms around each cut hold no voice: a pause, not a word cut in two
        assert np.abs(speech_16k[cut - 800 : cut + 800]).max() < 0.02 * loudest


@pytest.mark.parametrize("option", [{"window": 0}, {"window": 1.0}, {"search": 0.1}, {"window": "120"}])
def test_a_window_or_search_too_short_to_hold_a_pause_is_refused(option):
    with pytest.raises(InputError, match=f"{next(iter(option))}="):
        silence_cuts(np.ones(16000 * 10, np.float32), 16000, **option)


def test_a_long_silence_is_cut_in_its_middle():
    audio = np.concatenate([np.ones(16000 * 3, np.float32), np.zeros(16000, np.float32), np.ones(16000 * 3, np.float32)])
    assert silence_cuts(audio, 16000, window=4.0, search=2.0) == [3 * 16000 + 8000]


@pytest.mark.slow
def test_long_speech_is_transcribed_window_by_window_with_no_word_lost_or_repeated_at_the_seams(speech_16k, monkeypatch):
    from judges import speech_to_text

    monkeypatch.setattr(speech_to_text, "WINDOW_SECONDS", 4.0)  # the three sentences, 11 s: a window each
    monkeypatch.setattr(speech_to_text, "SEARCH_SECONDS", 2.0)
    assert len(silence_cuts(speech_16k, 16000)) >= 2
    words = re.findall(r"[a-z]+", speech_to_text.SpeechToText().transcribe(speech_16k).lower())
    # the words either side of each seam (Whisper tiny mishears a word or two of a 4-s window: "grandma" for "grandmother")
    edges = ["bicycle", "wall", "sunday", "morning", "river", "down"]
    assert [word for word in words if word in edges] == edges


def test_a_clip_shorter_than_a_window_is_transcribed_in_one_piece(speech_16k, monkeypatch):
    from judges import speech_to_text

    stt = speech_to_text.SpeechToText()
    pieces = []
    monkeypatch.setattr(stt, "_spoken", lambda audio: pieces.append(audio.size) or [])
    stt.transcribe(speech_16k)
    assert pieces == [speech_16k.size]


def test_the_cache_identity_names_the_window_long_audio_is_cut_into(judge):
    assert judge.cache_identity()["speech"]["window"] == {"seconds": 120.0, "search": 20.0, "quiet": 0.3}


# -- progress inside one long clip: a passing bar over the windows, only in a run that shows progress -----------------
@pytest.fixture
def speech_only(tmp_path):
    """A judges config of the speech judge alone."""
    path = tmp_path / "speech.toml"
    path.write_text('[[judge]]\ntype = "speech-text"\n', encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_long_transcription_shows_a_bar_over_its_windows_on_stderr_in_cojudge_predict(three_sentences, speech_16k,
                                                                                       small_windows, speech_only, capsys):
    # `cojudge predict interview.mp4` showed nothing for the 2 minutes an hour of speech takes
    windows = len(silence_cuts(speech_16k, 16000)) + 1
    assert main(["predict", str(three_sentences), "--config", str(speech_only)]) == 0
    assert re.search(rf"transcribing three\.mp4: +0%\|.*?\| 0/{windows} \[", capsys.readouterr().err)


@pytest.mark.slow
def test_cojudge_predict_quiet_shows_no_transcription_bar(three_sentences, small_windows, speech_only, capsys):
    assert main(["predict", str(three_sentences), "--config", str(speech_only), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "bicycle" in out and "transcribing" not in err  # transcribed, silently


@pytest.mark.slow
def test_a_run_without_progress_shows_no_transcription_bar(judge, three_sentences, small_windows, capsys):
    verdict = run_judges([judge], [three_sentences], progress=False)[judge.name]["three"]
    assert "bicycle" in verdict.description.lower() and "transcribing" not in capsys.readouterr().err


@pytest.mark.slow
def test_a_clip_no_longer_than_a_window_shows_no_transcription_bar(judge, three_sentences, capsys):
    run_judges([judge], [three_sentences], progress=True)
    err = capsys.readouterr().err
    assert "judging" in err and "transcribing" not in err  # the run's bar only


@pytest.mark.slow
def test_a_long_transcription_outside_a_run_as_in_a_ray_worker_shows_no_bar(judge, three_sentences, small_windows, capsys):
    """A Ray actor judges through guarded_judge_batch in its own process, which no runner marks: no bar of its own to
    garble the driver's, which Ray would print a line at a time."""
    judged = guarded_judge_batch(judge, [Clip.from_path(three_sentences)])
    assert judged.verdicts[0].ok and "transcribing" not in capsys.readouterr().err
