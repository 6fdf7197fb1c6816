"""Subtitles inside the video (an MKV's SubRip or ASS, a WebM's WebVTT, an MP4's mov_text), read when none is beside it."""
from __future__ import annotations

import re
import warnings

import pytest

from judges.clip import Clip
from judges.clip_hash import clip_key, sha256_file
from judges.text_lexicon_judge import TextLexiconJudge
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache
from tests.media_fixtures import SubtitleTrack, make_clip, make_clip_with_subtitles, make_truncated_copy

#: Two cues as an ASS event's Text, which each codec's encoder writes in its own markup (SubRip: <i>did</i>, a line break).
CUES = ((0.2, 0.8, "I {\\i1}did{\\i0} it!"), (1.0, 1.8, "So happy\\Nnow"))
SPOKEN = "I did it! So happy now"


def english(cues=CUES, **flags) -> SubtitleTrack:
    return SubtitleTrack("subrip", cues, language="eng", **flags)


@pytest.mark.parametrize("name, codec", [("clip.mkv", "subrip"), ("clip.mkv", "ass"), ("clip.webm", "webvtt"), ("clip.mp4", "mov_text"),
                                         ("clip.mov", "mov_text")])
def test_a_text_subtitle_inside_the_video_is_read_as_the_clips_subtitle_without_its_markup(tmp_path, name, codec):
    # such a clip was judged with no subtitle, silently: the speech judge transcribed English only, a Chinese clip's speech was lost
    video = make_clip_with_subtitles(tmp_path / name, [SubtitleTrack(codec, CUES, language="eng")])
    assert Clip.from_path(video).subtitle == SPOKEN


def test_a_subrip_subtitle_inside_reads_as_the_same_cues_in_an_srt_beside_the_video(tmp_path):
    # extracting it (ffmpeg -i clip.mkv clip.srt) gives the judges the same text, so cached verdicts still hold
    cues = ((0.2, 0.8, "Tom &amp; Jerry {\\an8}<3"), (1.0, 1.8, "{\\b1}fine{\\b0}, 42\\Nreally"))
    inside = make_clip_with_subtitles(tmp_path / "inside" / "clip.mkv", [english(cues)])
    (tmp_path / "beside").mkdir()
    beside = make_clip(tmp_path / "beside" / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (beside.parent / "clip.srt").write_text("1\n00:00:00,200 --> 00:00:00,800\nTom &amp; Jerry {\\an8}<3\n\n"
                                            "2\n00:00:01,000 --> 00:00:01,800\n<b>fine</b>, 42\nreally\n", encoding="utf-8")
    assert Clip.from_path(inside).subtitle == Clip.from_path(beside).subtitle == "Tom & Jerry <3 fine, 42 really"


def test_an_ass_subtitle_inside_is_read_without_its_override_tags_or_drawn_signs(tmp_path):
    cues = ((0.2, 0.8, "{\\pos(10,10)\\p1}m 0 0 l 100 0 100 100{\\p0}Exit"), (1.0, 1.8, "{\\i1}I am{\\i0}\\hscared"))
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [SubtitleTrack("ass", cues, language="eng")])
    assert Clip.from_path(video).subtitle == "Exit I am scared"


def test_an_ass_subtitle_inside_leaves_out_a_songs_karaoke_lyrics(tmp_path):
    cues = ((0.2, 0.8, "{\\k20}my {\\k30}heart {\\k25}is {\\k40}breaking"), (1.0, 1.8, "I did it!"))
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [SubtitleTrack("ass", cues, language="eng")])
    assert Clip.from_path(video).subtitle == "I did it!"


def test_a_subtitle_beside_the_video_is_read_not_the_one_inside(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english()])
    (tmp_path / "clip.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so sad\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I am so sad"


def test_a_forced_subtitle_alone_beside_the_video_leaves_the_full_one_inside_to_be_read(tmp_path):
    # a forced file is not the speech: it gave no subtitle, and the full one inside was not read either
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english()])
    (tmp_path / "clip.en.forced.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n[sign] Exit\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Clip.from_path(video).subtitle == SPOKEN


def test_a_forced_subtitle_alone_beside_a_video_with_none_inside_is_warned_about(tmp_path):
    video = make_clip(tmp_path / "clip.mkv", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.en.forced.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n[sign] Exit\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"clip\.mkv: its only subtitle beside it, clip\.en\.forced\.srt, is forced"):
        assert Clip.from_path(video).subtitle is None


def test_subtitles_in_several_languages_beside_the_video_are_warned_about_and_the_one_inside_is_not_read(tmp_path):
    # which file beside it is the speech is not guessed, nor is the stream inside taken in its place
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english()])
    for tag in ("en", "fr"):
        (tmp_path / f"clip.{tag}.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nWords\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"clip\.mkv: has subtitles in several languages beside it"):
        assert Clip.from_path(video).subtitle is None


def test_a_given_subtitle_is_read_not_the_one_inside(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english()])
    assert Clip.from_path(video, subtitle="I am so sad").subtitle == "I am so sad"


def test_of_subtitles_in_several_languages_inside_the_one_flagged_default_is_read(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [
        english(), SubtitleTrack("subrip", ((0.2, 0.8, "Je suis triste"),), language="fre", disposition=("default",))])
    assert Clip.from_path(video).subtitle == "Je suis triste"


def test_subtitles_in_several_languages_inside_none_flagged_default_are_warned_about_and_none_read(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [
        english(), SubtitleTrack("subrip", ((0.2, 0.8, "Je suis triste"),), language="fre", title="Français")])
    with pytest.warns(UserWarning, match=re.escape("clip.mkv: holds subtitles in several languages (0:s:0 (eng), 0:s:1 (fre, Français)), "
                                                   "none flagged default, and none beside it, so it is judged without a subtitle; to read "
                                                   "one, extract it beside the video, e.g. ffmpeg -i clip.mkv -map 0:s:0 clip.srt")):
        assert Clip.from_path(video).subtitle is None


@pytest.mark.parametrize("forced", [{"disposition": ("forced",)}, {"title": "English (Forced)"}])
def test_a_forced_subtitle_inside_is_not_read_as_the_speech_the_plain_one_of_its_language_is(tmp_path, forced):
    # a forced subtitle holds only what is said in another language or written on screen; flagged so, or titled so
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 0.8, "[sign] Exit"),), **forced), english()])
    assert Clip.from_path(video).subtitle == SPOKEN


def test_a_forced_subtitle_alone_inside_is_warned_about_and_not_read(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 0.8, "[sign] Exit"),), disposition=("forced",))])
    with pytest.warns(UserWarning, match=re.escape("clip.mkv: its only subtitle inside, 0:s:0 (eng), is forced (only what is said in "
                                                   "another language or written on screen), not its speech, so it is judged without a "
                                                   "subtitle; to read it anyway, extract it beside the video: ffmpeg -i clip.mkv -map "
                                                   "0:s:0 clip.srt")):
        assert Clip.from_path(video).subtitle is None


@pytest.mark.parametrize("signs", ["Signs & Songs", "English Signs/Songs", "Songs"])
def test_a_signs_and_songs_subtitle_inside_is_taken_as_forced_and_the_full_one_is_read(tmp_path, signs):
    # anime releases title the on-screen text and lyrics so, often unflagged and first: it was read, the dialogue left out
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 0.8, "Tokyo Station"),), title=signs),
                                                             english(title="Full Subtitles (Dialogue + Signs & Songs)")])
    assert Clip.from_path(video).subtitle == SPOKEN


@pytest.mark.parametrize("commentary", [{"title": "Director's Commentary"}, {"disposition": ("comment",)}])
def test_a_commentary_subtitle_inside_is_not_read_as_the_speech(tmp_path, commentary):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 0.8, "We shot this in one take"),), **commentary), english()])
    assert Clip.from_path(video).subtitle == SPOKEN


def test_a_commentary_subtitle_alone_inside_is_warned_about_and_not_read(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 0.8, "We shot this in one take"),), title="Commentary")])
    with pytest.warns(UserWarning, match=re.escape("clip.mkv: its only subtitle inside, 0:s:0 (eng, Commentary), is a commentary, not its "
                                                   "speech, so it is judged without a subtitle; to read it anyway, extract it beside the "
                                                   "video: ffmpeg -i clip.mkv -map 0:s:0 clip.srt")):
        assert Clip.from_path(video).subtitle is None


@pytest.mark.parametrize("sdh", [{"disposition": ("hearing_impaired",)}, {"title": "SDH"}])
def test_of_one_language_inside_the_plain_subtitle_is_read_before_its_sdh_one(tmp_path, sdh):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 0.8, "[sobbing] I did it!"),), **sdh), english()])
    assert Clip.from_path(video).subtitle == SPOKEN


def test_a_subtitle_inside_that_names_no_language_beside_one_of_a_language_is_of_that_language(tmp_path):
    # 'und' (undetermined), as ffmpeg and MP4 tag a stream no one tagged, is no second language
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [
        SubtitleTrack("subrip", ((0.2, 0.8, "[sobbing] I did it!"),), language="und", disposition=("hearing_impaired",)), english()])
    assert Clip.from_path(video).subtitle == SPOKEN


def test_a_bitmap_subtitle_inside_is_warned_about_in_one_line_and_the_clip_has_none(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [SubtitleTrack("hdmv_pgs_subtitle", language="eng")])
    with pytest.warns(UserWarning) as caught:
        assert Clip.from_path(video).subtitle is None
    [warning] = caught
    assert str(warning.message) == (f"{video}: its subtitle inside (HDMV Presentation Graphic Stream subtitles) cannot be read as text "
                                    "(a bitmap subtitle is pictures of text), so it is judged without a subtitle; to read it, put it "
                                    "beside the video as clip.srt (an OCR tool, Subtitle Edit, reads pictures of text)")


def test_a_bitmap_subtitle_beside_a_text_one_inside_is_left_alone_and_the_text_one_read(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [SubtitleTrack("hdmv_pgs_subtitle", language="fre"), english()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Clip.from_path(video).subtitle == SPOKEN


def test_a_video_without_subtitles_has_none_and_says_nothing(tmp_path):
    video = make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Clip.from_path(video).subtitle is None


def test_a_subtitle_file_named_as_a_video_is_no_video_with_a_subtitle(tmp_path):
    # ffmpeg opens an .srt named clip.mp4 as a subtitle stream alone: its judges say it has no video, and it has no subtitle
    video = tmp_path / "clip.mp4"
    video.write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle is None


def test_a_video_cut_off_part_way_gives_the_cues_before_its_end(tmp_path):
    cues = ((0.1, 0.5, "I did it!"), (3.5, 3.9, "Never mind."))
    whole = make_clip_with_subtitles(tmp_path / "whole.mp4", [SubtitleTrack("mov_text", cues, language="eng")], seconds=4.0)
    assert Clip.from_path(whole).subtitle == "I did it! Never mind."
    cut = make_truncated_copy(whole, tmp_path / "cut.mp4", share=0.5)
    assert Clip.from_path(cut).subtitle == "I did it!"


def test_the_verdict_cache_keys_a_clip_on_the_subtitle_inside_its_video(tmp_path):
    # as on one beside it: a judge that read the subtitle is not replayed for the same video read without it
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english()])
    with VerdictCache(tmp_path / "verdicts.sqlite") as cache:
        assert cache.clip_key(Clip.from_path(video)) == clip_key("clip", sha256_file(video), SPOKEN)


def test_a_verdict_cached_with_the_subtitle_inside_is_replayed_once_it_is_extracted_beside_the_video(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english()])
    judge = TextLexiconJudge()
    with VerdictCache(tmp_path / "verdicts.sqlite") as cache:
        cache.put(judge, Clip.from_path(video), Verdict(judge.name, "clip", words=["happy"]))
        (tmp_path / "clip.srt").write_text("1\n00:00:00,200 --> 00:00:00,800\nI <i>did</i> it!\n\n"
                                           "2\n00:00:01,000 --> 00:00:01,800\nSo happy\nnow\n", encoding="utf-8")
        assert cache.get_many(judge, [Clip.from_path(video)]) == {"clip": Verdict(judge.name, "clip", words=["happy"])}


def test_the_text_lexicon_judge_reads_the_subtitle_inside_the_video(tmp_path):
    video = make_clip_with_subtitles(tmp_path / "clip.mkv", [english(((0.2, 1.8, "I am so happy today, this is wonderful news!"),))])
    assert TextLexiconJudge().judge(Clip.from_path(video)).words == ["happy"]


def _mov_text_mp4(path, payloads):
    """An MP4 whose mov_text stream holds each of ``payloads`` (a cue's text as bytes) as written, half a second apart."""
    from fractions import Fraction

    import av
    import numpy as np

    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        subtitle = out.add_mux_stream("mov_text")
        subtitle.metadata["language"] = "chi"
        out.start_encoding()
        for _ in range(10):
            out.mux(video.encode(av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="rgb24")))
        out.mux(video.encode(None))
        for i, text in enumerate(payloads):
            packet = av.Packet(len(text).to_bytes(2, "big") + text)
            packet.stream, packet.time_base, packet.pts, packet.dts, packet.duration = subtitle, Fraction(1, 1000), i * 500, i * 500, 400
            out.mux(packet)
    return path


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le"])
def test_a_mov_text_subtitle_in_utf16_with_its_byte_order_mark_is_read(tmp_path, encoding):
    # 3GPP timed text may be UTF-16; libavcodec refuses such cues as invalid data, and the clip was judged with an empty subtitle
    bom = "\ufeff".encode(encoding)
    video = _mov_text_mp4(tmp_path / "clip.mp4", [bom + "我很开心\n真的".encode(encoding), "你呢".encode()])
    assert Clip.from_path(video).subtitle == "我很开心 真的 你呢"


def test_built_clips_says_each_kind_of_unread_subtitle_in_one_line_for_the_python_api_too(tmp_path):
    # CoJudge.predict_many and run_judges over a folder of MKVs each holding two languages warned once per video
    from judges.clip import built_clips

    videos = []
    for i in range(3):
        videos.append(tmp_path / f"c{i}.mkv")
        make_clip_with_subtitles(videos[-1], [SubtitleTrack("subrip", ((0.2, 0.8, "Hi"),), language="eng"),
                                              SubtitleTrack("subrip", ((0.2, 0.8, "Salut"),), language="fre")], seconds=0.2)
    with pytest.warns(UserWarning) as caught:
        clips = built_clips(videos, Clip.from_path)
    assert [c.subtitle for c in clips] == [None] * 3
    assert [str(w.message) for w in caught] == [
        f"3 videos hold subtitles in several languages inside, none flagged default, and none beside them, so they are judged "
        f"without a subtitle: {videos[0]}, {videos[1]}, {videos[2]}; to read one, extract it beside the video, e.g. ffmpeg -i "
        "clip.mkv -map 0:s:0 clip.srt"]
    assert caught[0].filename == __file__  # at the user's line, as each video's own warning was
