"""Clip: a name, an optional video, an optional subtitle (given or read from a sidecar file)."""
from __future__ import annotations

import os
import re
import time
import warnings
from pathlib import Path

import pytest

from judges.clip import Clip, built_clips
from judges.errors import InputError
from judges.subtitles import ass_to_text, srt_to_text, subtitle_tags, untagged_stem, vtt_to_text
from tests.media_fixtures import make_clip, make_folder_with_latin1_subtitles

SRT = "1\n00:00:00,000 --> 00:00:02,000\n  I did it!  \n\n2\n00:00:02,000 --> 00:00:03,500\nReally.\n"
#: A WebVTT file as browsers and YouTube give it: a header, a note, a styled cue with settings, a named cue, a speaker's voice tag.
VTT = ("WEBVTT - made by hand\n\nNOTE checked 2024\n\nSTYLE\n::cue { color: yellow }\n\n"
       "00:00.000 --> 00:02.000 align:start position:10%\n<i>I did it!</i>\n\n"
       "intro\n00:00:02.000 --> 00:00:03.500\n<v Joy>Really &amp; truly.</v>\n")
#: An ASS file as Aegisub saves it: script info, a style named Default, a comment, dialogue with override tags and a line break.
ASS = ("[Script Info]\nTitle: Default Aegisub file\nScriptType: v4.00+\n\n[V4+ Styles]\n"
       "Format: Name, Fontname, Fontsize, PrimaryColour, Bold\nStyle: Default,Arial,48,&H00FFFFFF,0\n\n[Events]\n"
       "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
       "Comment: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,translator: check this, it sounds sad\n"
       "Dialogue: 0,0:00:00.00,0:00:02.00,Default,Joy,0,0,0,,{\\i1}I did it!{\\i0}\\NReally, truly.\n")


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"not decoded here")
    return path


def test_srt_to_text_keeps_only_the_spoken_lines_joined_by_spaces():
    assert srt_to_text(SRT) == "I did it! Really."


def test_srt_to_text_keeps_a_spoken_line_that_is_only_a_number():
    srt = "1\n00:00:00,000 --> 00:00:01,000\nHow old are you?\n\n2\n00:00:01,000 --> 00:00:02,000\n42\n"
    assert srt_to_text(srt) == "How old are you? 42"


def test_a_sidecar_srt_is_read_without_its_formatting_tags_override_tags_or_entities(video):
    # SRT from subtitle sites and ffmpeg conversions: '<i>', '<font color="#ffff00">', '{\\an8}' and '&amp;' reached the judges' prompt as speech
    video.with_suffix(".srt").write_bytes(
        b'1\r\n00:00:01,000 --> 00:00:02,000\r\n{\\an8}<i>I did it!</i>\r\n<font color="#ffff00">Really</font> &amp; <B>truly</B>.\r\n\r\n'
        b"2\r\n00:00:02,000 --> 00:00:03,000\r\n{\\i1}So won<u>der</u>ful{\\i0}<br/>it&#39;s true\\Nnow\r\n")
    assert Clip.from_path(video).subtitle == "I did it! Really & truly. So wonderful it's true now"


@pytest.mark.parametrize("speech", ["I <3 you", "a < b and c > d", "<<Bonjour>>", "AT&T and R&D", "&lt;i&gt; is a tag"])
def test_srt_to_text_keeps_a_less_than_sign_or_ampersand_that_is_speech_not_markup(speech):
    expected = "<i> is a tag" if speech.startswith("&lt;") else speech
    assert srt_to_text(f"1\n00:00:00,000 --> 00:00:01,000\n{speech}\n") == expected


def test_srt_to_text_keeps_a_word_after_an_ampersand_that_only_starts_with_an_entitys_name():
    # '&notice;' and '&copyright;' were read as '&not;' then 'ice;' ('¬ice;') and '&copy;' then 'right;' ('©right;')
    assert srt_to_text("1\n00:00:00,000 --> 00:00:01,000\n&notice; &copyright; &amp; &eacute;\n") == "&notice; &copyright; & é"


def test_srt_to_text_drops_a_cue_line_that_is_only_markup():
    assert srt_to_text("1\n00:00:00,000 --> 00:00:01,000\n{\\an8}\n<i></i>\nHello\n") == "Hello"


def test_srt_to_text_keeps_a_line_without_markup_as_written_so_its_clip_is_not_judged_again():
    # its spaces were squeezed ('I am  so happy' -> 'I am so happy'), which changed the verdict cache key (it holds the
    # subtitle text) of every clip whose .srt has a double space or a tab, though it holds no markup: all were judged again
    assert srt_to_text("1\n00:00:00,000 --> 00:00:01,000\nI am  so happy.\tReally\n") == "I am  so happy.\tReally"


def test_vtt_to_text_keeps_only_the_cues_text_not_header_notes_settings_or_voice_tags():
    # --subtitle talk.vtt was read as plain text: 'WEBVTT', the timings and 'align:start' (NRC: start, anticipation) went to the judges
    assert vtt_to_text(VTT) == "I did it! Really & truly."


def test_vtt_to_text_keeps_the_words_after_a_line_of_spaces_in_a_cue():
    # YouTube's captions start a cue with a line of one space: it was taken for the blank line ending the cue, and the
    # cue's words, left without a timing, were dropped as if a note
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000 align:start position:0%\n \nhi<00:00:00.500><c> everyone</c>\n"
    assert vtt_to_text(vtt) == "hi everyone"


def test_vtt_to_text_reads_cues_separated_by_a_line_of_spaces_without_their_timings_or_identifiers():
    vtt = "WEBVTT\n\n1\n00:00.000 --> 00:02.000\nI did it!\n  \n2\n00:02.000 --> 00:03.000\nReally.\n"
    assert vtt_to_text(vtt) == "I did it! Really."


def test_vtt_to_text_reads_a_file_whose_lines_end_in_cr_cr_lf():
    # a CRLF file written again in text mode on Windows ends each line in CR CR LF: every block ended at its timing line,
    # no cue had text, and the clip was judged as without a subtitle
    assert vtt_to_text(VTT.replace("\n", "\r\r\n")) == vtt_to_text(VTT) == "I did it! Really & truly."


def test_vtt_to_text_reads_each_line_of_youtube_rolling_captions_once():
    # YouTube's automatic captions show each line again, still on screen, above the next (and in a 10 ms cue between):
    # the judges were given every line two or three times
    vtt = ("WEBVTT\nKind: captions\nLanguage: en\n\n"
           "00:00:00.030 --> 00:00:02.330 align:start position:0%\n \nhi<00:00:00.539><c> everyone</c>\n\n"
           "00:00:02.330 --> 00:00:02.340 align:start position:0%\nhi everyone\n \n\n"
           "00:00:02.340 --> 00:00:05.300 align:start position:0%\nhi everyone\nso<00:00:02.490><c> happy</c>\n\n"
           "00:00:05.300 --> 00:00:05.310 align:start position:0%\nso happy\n \n\n"
           "00:00:05.310 --> 00:00:07.000 align:start position:0%\nso happy\nso<00:00:05.500><c> happy</c>\n")
    assert vtt_to_text(vtt) == "hi everyone so happy so happy"


def test_vtt_to_text_keeps_a_line_said_again_in_the_next_cue_of_ordinary_captions():
    assert vtt_to_text("WEBVTT\n\n00:00.000 --> 00:01.000\nNo!\n\n00:01.000 --> 00:02.000\nNo!\n") == "No! No!"


def test_ass_to_text_keeps_only_the_dialogue_text_not_script_info_styles_comments_or_tags():
    # --subtitle talk.ass was read as plain text: its style 'Default' read as disgusted, fearful, sad
    assert ass_to_text(ASS) == "I did it! Really, truly."


def test_ass_to_text_drops_a_drawn_sign_but_keeps_the_words_after_it():
    # fansubs draw signs as shapes ({\\p1} ... {\\p0}): their drawing commands were given to the judges as if spoken
    ass = ("[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
           "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
           "Dialogue: 0,0:00:00.00,0:00:02.00,Sign,,0,0,0,,{\\an7\\pos(10,10)\\p1}m 0 0 l 100 0 100 100 0 100{\\p0}So happy!\n")
    assert ass_to_text(ass) == "So happy!"


def test_ass_to_text_leaves_out_a_songs_lyrics_timed_for_karaoke():
    # an anime's opening, timed syllable by syllable, was read as speech: 'my heart is breaking' judged as the clip's sadness
    ass = ("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
           "Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,{\\k20}my {\\kf30}heart {\\ko25}is {\\K40}breaking\n"
           "Dialogue: 0,0:00:02.00,0:00:04.00,Default,,0,0,0,,{\\i1}I did it!{\\i0}\n")
    assert ass_to_text(ass) == "I did it!"


@pytest.mark.parametrize("style", ["OP", "ED_Romaji", "OP1 - English", "Song", "Karaoke", "Lyrics"])
def test_ass_to_text_leaves_out_the_lines_of_a_style_named_for_a_song(style):
    ass = ("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
           f"Dialogue: 0,0:00:00.00,0:00:02.00,{style},,0,0,0,,My heart is breaking\n"
           "Dialogue: 0,0:00:02.00,0:00:04.00,Top,,0,0,0,,I did it!\n")
    assert ass_to_text(ass) == "I did it!"


def test_ass_to_text_keeps_the_lines_of_a_characters_style_named_ed():
    # OP and ED name an anime's themes in capitals; a style for Edward's lines is named Ed
    ass = ("[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
           "Dialogue: 0,0:00:00.00,0:00:02.00,Ed,,0,0,0,,I did it!\n")
    assert ass_to_text(ass) == "I did it!"


@pytest.mark.parametrize("suffix", [".ass", ".SSA", ".txt"])
def test_a_sidecar_ass_is_read_as_the_subtitle(video, suffix):
    video.with_suffix(suffix).write_text(ASS, encoding="utf-8-sig")
    assert Clip.from_path(video).subtitle == "I did it! Really, truly."


def test_a_sidecar_vtt_is_read_as_the_subtitle(video):
    # clip.vtt beside clip.mp4 was not read: the speech judge transcribed the audio instead
    video.with_suffix(".vtt").write_text(VTT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really & truly."


@pytest.mark.parametrize("suffix, content", [(".txt", SRT), (".txt", VTT), (".srt", VTT)])
def test_a_subtitle_saved_under_another_suffix_is_read_by_its_content(video, suffix, content):
    # an .srt saved as clip.txt gave the judges "1 00:00:00,000 --> 00:00:02,000 I did it! ..." as if spoken
    video.with_suffix(suffix).write_text(content, encoding="utf-8")
    assert Clip.from_path(video).subtitle == ("I did it! Really." if content == SRT else "I did it! Really & truly.")


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["windows", "classic-mac"])
def test_an_srt_saved_as_txt_with_windows_line_ends_is_read_by_its_content(video, newline):
    # only one with Unix line ends was told by its timing lines: saved on Windows, clip.txt gave the judges
    # "1\r\n00:00:00,000 --> 00:00:02,000\r\nI did it! ..." as if spoken
    video.with_suffix(".txt").write_bytes(SRT.replace("\n", newline).encode("utf-8"))
    assert Clip.from_path(video).subtitle == "I did it! Really."


def test_a_plain_text_subtitle_mentioning_an_arrow_or_a_time_is_kept_whole(video):
    video.with_suffix(".txt").write_text("Meet me at 10:30 --> the usual place.\nWEBVTT is a format.", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "Meet me at 10:30 --> the usual place.\nWEBVTT is a format."


def test_a_plain_text_transcript_with_timings_before_its_words_keeps_its_words(video):
    # read as an SRT since e420693, every line holding a timing was dropped whole: the words went with it
    video.with_suffix(".txt").write_text("00:00:01.000 --> 00:00:02.000 I am so happy\n00:00:02.000 --> 00:00:03.000 truly",
                                         encoding="utf-8")
    assert "I am so happy" in Clip.from_path(video).subtitle and "truly" in Clip.from_path(video).subtitle


def test_a_sidecar_srt_is_read_as_the_subtitle(video):
    video.with_suffix(".srt").write_text(SRT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really."


@pytest.mark.parametrize("suffix", [".srt", ".txt"])
def test_a_sidecar_saved_with_a_byte_order_mark_reads_as_without_one(video, suffix):
    video.with_suffix(suffix).write_text(SRT if suffix == ".srt" else "I did it! Really.", encoding="utf-8-sig")
    assert Clip.from_path(video).subtitle == "I did it! Really."


def test_a_sidecar_srt_is_preferred_to_a_sidecar_txt(video):
    video.with_suffix(".srt").write_text(SRT, encoding="utf-8")
    video.with_suffix(".txt").write_text("from the txt", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really."


@pytest.mark.parametrize("video_name, subtitle_name", [("CLIP.MP4", "CLIP.SRT"), ("clip.mp4", "clip.TXT")])
def test_a_sidecar_with_an_upper_case_suffix_is_read_as_the_subtitle(tmp_path, video_name, subtitle_name):
    # CLIP.SRT beside CLIP.MP4 (a camera's names) was not read: the speech judge transcribed the audio instead
    (tmp_path / video_name).write_bytes(b"not decoded here")
    (tmp_path / subtitle_name).write_text(SRT if subtitle_name.endswith("SRT") else "I did it! Really.", encoding="utf-8")
    assert Clip.from_path(tmp_path / video_name).subtitle == "I did it! Really."


@pytest.mark.parametrize("subtitle_name", ["clip.Srt", "clip.Vtt", "clip.sRT"])
def test_a_sidecar_with_a_mixed_case_suffix_is_read_as_the_subtitle(video, subtitle_name):
    # clip.Srt beside clip.mp4 was not read (only .srt and .SRT were looked for): the speech judge transcribed the audio instead
    (video.parent / subtitle_name).write_text(SRT if subtitle_name != "clip.Vtt" else VTT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == ("I did it! Really & truly." if subtitle_name == "clip.Vtt" else "I did it! Really.")


def test_a_folder_is_listed_once_for_all_its_videos_not_once_for_each(tmp_path, monkeypatch):
    # a folder of 10,000 clips without subtitles would be read 10,000 times to look for clip.Srt
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.mp4").write_bytes(b"not decoded here")
    (tmp_path / "c.Srt").write_text(SRT, encoding="utf-8")
    os.utime(tmp_path, ns=(1_000_000_000, 1_000_000_000))  # a folder that has not changed for a while
    real, listed = os.scandir, []
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real(path))
    assert [Clip.from_path(tmp_path / f"{name}.mp4").subtitle for name in ("a", "b", "c")] == [None, None, "I did it! Really."]
    assert len(listed) == 1


def test_a_folder_whose_time_is_ahead_of_this_clock_is_listed_once_not_once_for_each_video(tmp_path, monkeypatch):
    # a network share's clock ahead of this one: its folder counted as just changed, so it was read again for every video
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.mp4").write_bytes(b"not decoded here")
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(tmp_path, ns=(ahead, ahead))
    real, listed = os.scandir, []
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(path) or real(path))
    assert [Clip.from_path(tmp_path / f"{name}.mp4").subtitle for name in ("a", "b", "c")] == [None, None, None]
    assert len(listed) == 1


def test_a_subtitle_added_after_its_folder_was_listed_is_found(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"not decoded here")
    os.utime(tmp_path, ns=(1_000_000_000, 1_000_000_000))
    assert Clip.from_path(tmp_path / "a.mp4").subtitle is None
    (tmp_path / "a.Srt").write_text(SRT, encoding="utf-8")
    os.utime(tmp_path, ns=(2_000_000_000, 2_000_000_000))  # its time changed: the listing made before is not used again
    assert Clip.from_path(tmp_path / "a.mp4").subtitle == "I did it! Really."


def test_a_subtitle_added_after_its_folder_was_listed_is_found_though_the_folders_time_was_set_back(tmp_path):
    # extracting subs.tar (or rsync -a) puts the folder's time back as it was: the listing made before was used, and clip.Srt missed
    (tmp_path / "a.mp4").write_bytes(b"not decoded here")
    os.utime(tmp_path, ns=(1_000_000_000, 1_000_000_000))
    assert Clip.from_path(tmp_path / "a.mp4").subtitle is None
    (tmp_path / "a.Srt").write_text(SRT, encoding="utf-8")
    os.utime(tmp_path, ns=(1_000_000_000, 1_000_000_000))
    assert Clip.from_path(tmp_path / "a.mp4").subtitle == "I did it! Really."


@pytest.mark.parametrize("subtitle_name", ["clip.en.srt", "clip.zh-Hans.vtt", "clip.en.ass", "clip.pt-BR.srt", "clip.eng.srt"])
def test_the_one_language_tagged_subtitle_beside_a_video_is_read_as_its_subtitle(video, subtitle_name):
    # clip.en.srt beside clip.mp4 (as yt-dlp and players name subtitles) was never read: the speech judge transcribed the audio instead
    (video.parent / subtitle_name).write_text(VTT if subtitle_name.endswith(".vtt") else ASS if subtitle_name.endswith(".ass") else SRT,
                                              encoding="utf-8")
    assert Clip.from_path(video).subtitle == {".vtt": "I did it! Really & truly.", ".ass": "I did it! Really, truly."}.get(
        Path(subtitle_name).suffix, "I did it! Really.")


@pytest.mark.parametrize("subtitle_name", ["clip.en-orig.vtt", "clip.zh-cn.srt", "clip.pt-br.srt", "clip.en.sdh.srt", "clip.en.cc.srt",
                                           "clip.eng.hi.srt", "clip.default.srt", "clip.default.en.srt", "clip.sdh.srt"])
def test_a_subtitle_named_as_yt_dlp_plex_or_jellyfin_name_them_is_read_as_the_videos_subtitle(video, subtitle_name):
    # yt-dlp's original-language captions (en-orig), a region in lower case, Plex's and Jellyfin's flags (sdh, cc, hi, default):
    # none was read, and the speech judge transcribed the audio instead
    (video.parent / subtitle_name).write_text(VTT if subtitle_name.endswith(".vtt") else SRT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == ("I did it! Really & truly." if subtitle_name.endswith(".vtt") else "I did it! Really.")


@pytest.mark.parametrize("subtitle_name", ["clip.EN.srt", "clip.Eng.srt", "clip.en.SDH.srt", "clip.DEFAULT.srt", "clip.zh-hans.srt",
                                           "clip.PT-BR.srt", "clip.en-ORIG.vtt"])
def test_a_language_tag_or_flag_in_upper_or_mixed_case_is_read_as_in_lower_case(video, subtitle_name):
    # BCP 47 tags are read in any case, and Jellyfin matches languages and flags so: clip.EN.srt was no language's, never read
    (video.parent / subtitle_name).write_text(VTT if subtitle_name.endswith(".vtt") else SRT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == ("I did it! Really & truly." if subtitle_name.endswith(".vtt") else "I did it! Really.")


def test_of_one_language_in_two_cases_the_lower_case_tag_is_read_first(video):
    for name in ("clip.EN.srt", "clip.en.srt"):
        (video.parent / name).write_text(f"1\n00:00:00,000 --> 00:00:01,000\nfrom {name}\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "from clip.en.srt"


def test_a_forced_subtitle_is_not_read_as_the_speech_the_plain_one_of_its_language_is(video):
    # a forced subtitle holds only what is said in another language or written on screen: with clip.en.srt it made two 'languages'
    (video.parent / "clip.en.srt").write_text(SRT, encoding="utf-8")
    (video.parent / "clip.en.forced.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\n[sign] Exit\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really."


@pytest.mark.parametrize("subtitle_name", ["clip.en.forced.srt", "clip.foreign.srt", "clip.en.FORCED.srt"])
def test_a_forced_subtitle_alone_beside_a_video_is_warned_about_and_the_clip_has_none(video, subtitle_name):
    # read as the clip's speech, it would stop the speech judge from transcribing the audio, for a line or two of signs
    (video.parent / subtitle_name).write_text("1\n00:00:00,000 --> 00:00:01,000\n[sign] Exit\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=rf"clip\.mp4: its only subtitle beside it, {re.escape(subtitle_name)}, is forced .*, not its "
                                         r"speech, so it is judged without a subtitle; to read it anyway, give it as the subtitle"):
        assert Clip.from_path(video).subtitle is None


def test_forced_subtitles_alone_beside_a_video_are_warned_about_as_several(video):
    # the warning said 'its only subtitle beside it, clip.en.forced.srt, clip.fr.forced.srt, is forced', as of one
    for name in ("clip.en.forced.srt", "clip.fr.forced.srt"):
        (video.parent / name).write_text("1\n00:00:00,000 --> 00:00:01,000\n[sign] Exit\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"clip\.mp4: its only subtitles beside it, clip\.en\.forced\.srt, clip\.fr\.forced\.srt, are forced .*; "
                                         r"to read one anyway, give it as the subtitle"):
        assert Clip.from_path(video).subtitle is None


@pytest.mark.parametrize("names", [("clip.en.sdh.srt", "clip.en.srt"), ("clip.en-orig.vtt", "clip.en.vtt"), ("clip.en.hi.srt", "clip.en.srt")])
def test_of_one_language_the_plain_subtitle_is_read_before_its_sdh_or_original_captions_one(video, names):
    # yt-dlp's --sub-langs 'en.*' gives clip.en.vtt and clip.en-orig.vtt: taken for two languages, neither was read
    for name in names:
        (video.parent / name).write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nfrom " + name + "\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "from " + names[1]


@pytest.mark.parametrize("names, read", [(("clip.eng.srt", "clip.en.srt"), "clip.en.srt"), (("clip.en-US.srt", "clip.en.srt"), "clip.en.srt"),
                                         (("clip.fr-CA.srt", "clip.fre.srt"), "clip.fre.srt"), (("clip.ger.srt", "clip.deu.srt"), "clip.deu.srt"),
                                         (("clip.zh-Hant.srt", "clip.zh-Hans.srt"), "clip.zh-Hans.srt")])
def test_one_language_written_two_ways_is_one_language_the_tag_without_a_script_or_region_read_first(video, names, read):
    # clip.en.srt beside clip.eng.srt (or clip.en-US.srt) was warned about as 'subtitles in several languages', and neither was read
    assert subtitle_read_among(video, names) == "from " + read



@pytest.mark.parametrize("names, read", [(("clip.no.srt", "clip.nb.srt"), "clip.nb.srt"), (("clip.nn.srt", "clip.nor.srt"), "clip.nn.srt"),
                                         (("clip.sr.srt", "clip.hr.srt"), "clip.hr.srt"), (("clip.sh.srt", "clip.srp.srt"), "clip.sh.srt"),
                                         (("clip.bs.srt", "clip.hbs.srt"), "clip.bs.srt")])
def test_one_speech_tagged_as_a_macrolanguage_or_its_members_is_one_language_read_by_name(video, names, read):
    # clip.nb.srt beside clip.no.srt (both Norwegian) was warned about as 'subtitles in several languages', and neither was read
    assert subtitle_read_among(video, names) == "from " + read

@pytest.mark.parametrize("names, read", [(("clip.sdh.srt", "clip.en.srt"), "clip.en.srt"), (("clip.cc.srt", "clip.en.sdh.srt"), "clip.cc.srt"),
                                         (("clip.sdh.srt", "clip.fr-CA.srt"), "clip.fr-CA.srt")])
def test_a_subtitle_that_names_no_language_beside_those_of_one_language_is_of_that_language(video, names, read):
    # clip.sdh.srt beside clip.en.srt was warned about as 'subtitles in several languages', though it names none, and neither was read
    assert subtitle_read_among(video, names) == "from " + read


def subtitle_read_among(video, names) -> str | None:
    """The subtitle ``video`` is judged with when the SRT files ``names`` (each saying "from NAME") are beside it; a warning fails."""
    for name in names:
        (video.parent / name).write_text(f"1\n00:00:00,000 --> 00:00:01,000\nfrom {name}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return Clip.from_path(video).subtitle


def test_a_subtitle_that_names_no_language_beside_those_of_several_is_warned_about_with_them(video):
    for name in ("clip.sdh.srt", "clip.en.srt", "clip.fr.srt"):
        (video.parent / name).write_text(SRT, encoding="utf-8")
    with pytest.warns(UserWarning, match=r"clip\.mp4: has subtitles in several languages beside it \(clip\.en\.srt, clip\.fr\.srt, clip\.sdh\.srt\)"):
        assert Clip.from_path(video).subtitle is None


def test_of_subtitles_in_several_languages_the_one_flagged_default_is_read(video):
    for name in ("clip.en.srt", "clip.fr.default.srt", "clip.de.srt"):
        (video.parent / name).write_text(f"1\n00:00:00,000 --> 00:00:01,000\nfrom {name}\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "from clip.fr.default.srt"


def test_a_flagged_subtitle_of_a_video_whose_name_ends_in_a_language_is_that_videos_not_warned_about_for_another(tmp_path):
    # clip.en.forced.srt beside clip.en.mp4 is that video's forced subtitle, not clip.mp4's English one
    for name in ("clip.mp4", "clip.en.mp4"):
        (tmp_path / name).write_bytes(b"not decoded here")
    (tmp_path / "clip.en.forced.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "clip.en.sdh.srt").write_text(SRT, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Clip.from_path(tmp_path / "clip.mp4").subtitle is None
    assert Clip.from_path(tmp_path / "clip.en.mp4").subtitle == "I did it! Really."


def test_an_untagged_sidecar_is_read_before_a_language_tagged_one(video):
    video.with_suffix(".srt").write_text(SRT, encoding="utf-8")
    (video.parent / "clip.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nfrom the tagged one\n", encoding="utf-8")
    (video.parent / "clip.zh.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nfrom another\n", encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really."


def test_one_language_in_two_formats_is_read_as_untagged_ones_are_the_srt_before_the_txt(video):
    (video.parent / "clip.en.txt").write_text("from the txt", encoding="utf-8")
    (video.parent / "clip.en.srt").write_text(SRT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really."


def test_one_language_in_both_cases_is_read_as_untagged_ones_are_the_lower_case_suffix_first(video):
    # clip.en.SRT was read before clip.en.srt (the listing sorted by name: upper case first), where clip.srt is read before clip.SRT
    (video.parent / "clip.en.SRT").write_text("1\n00:00:00,000 --> 00:00:01,000\nfrom the upper case\n", encoding="utf-8")
    (video.parent / "clip.en.srt").write_text(SRT, encoding="utf-8")
    assert Clip.from_path(video).subtitle == "I did it! Really."


def test_subtitles_in_several_languages_beside_a_video_are_warned_about_naming_the_files_and_the_clip_has_none(video):
    # they stopped the run (an InputError), though such a clip was judged without a subtitle before tagged ones were read;
    # which one is meant is not guessed
    (video.parent / "clip.en.srt").write_text(SRT, encoding="utf-8")
    (video.parent / "clip.zh-Hans.vtt").write_text(VTT, encoding="utf-8")
    with pytest.warns(UserWarning, match=r"clip\.mp4: has subtitles in several languages beside it \(clip\.en\.srt, clip\.zh-Hans\.vtt\) "
                                         r"and no clip\.srt, so it is judged without a subtitle; to read one, rename it to clip\.srt"):
        assert Clip.from_path(video).subtitle is None


def test_a_video_whose_name_has_dots_reads_its_own_subtitle_and_leaves_its_namesakes_alone(tmp_path):
    # interview.part1.srt is interview.part1.mp4's ('part1' is no language tag), not interview.mp4's
    for name in ("interview.mp4", "interview.part1.mp4"):
        (tmp_path / name).write_bytes(b"not decoded here")
    (tmp_path / "interview.part1.srt").write_text(SRT, encoding="utf-8")
    assert Clip.from_path(tmp_path / "interview.part1.mp4").subtitle == "I did it! Really."
    assert Clip.from_path(tmp_path / "interview.mp4").subtitle is None


def test_a_language_tagged_subtitle_of_another_video_is_not_read_as_this_ones(tmp_path):
    # movie.en.srt beside movie.en.mp4 (a dubbed copy) is that video's own subtitle, not one of movie.mp4's languages
    for name in ("movie.mp4", "movie.en.mp4"):
        (tmp_path / name).write_bytes(b"not decoded here")
    (tmp_path / "movie.en.srt").write_text(SRT, encoding="utf-8")
    assert Clip.from_path(tmp_path / "movie.mp4").subtitle is None
    assert Clip.from_path(tmp_path / "movie.en.mp4").subtitle == "I did it! Really."


@pytest.mark.parametrize("subtitle_name", ["clip.old.srt", "clip.log.txt", "clip.cut.srt", "clip.raw.txt", "clip.mov.srt", "clip.OLD.srt",
                                           "clip.Final.srt"])
def test_a_dotted_word_that_is_no_language_code_is_no_language_tag(video, subtitle_name):
    # any two or three lower-case letters were a language: a backup (clip.old.srt) or a log (clip.log.txt) was read as the clip's speech
    (video.parent / subtitle_name).write_text(SRT, encoding="utf-8")
    assert Clip.from_path(video).subtitle is None


@pytest.mark.parametrize("stem, video_stem", [("clip.en", "clip"), ("clip.zh-Hans", "clip"), ("clip.pt-BR", "clip"), ("clip.es-419", "clip"),
                                              ("clip.zh_CN", "clip"), ("a.b.eng", "a.b"), ("interview.part1", None), ("clip.final", None),
                                              ("clip.2024", None), ("clip.EN", "clip"), ("clip.OLD", None), ("clip", None), (".en", None), ("clip.en-orig", "clip"),
                                              ("clip.zh-cn", "clip"), ("clip.en.forced", "clip"), ("clip.default.en.sdh", "clip"),
                                              ("clip.default", "clip"), ("clip.old.forced", "clip.old"), ("clip.en.fr", "clip.en"),
                                              (".forced", None)])
def test_a_language_tag_is_iso_639_with_a_script_or_region_and_or_flags_not_any_dotted_word(stem, video_stem):
    assert untagged_stem(stem) == video_stem


@pytest.mark.parametrize("stem, language, flags", [("clip.hi", "hi", set()), ("clip.en.hi", "en", {"hi"}), ("clip.hi.en", "en", {"hi"}),
                                                    ("clip.hi.sdh", "hi", {"sdh"})])
def test_hi_alone_is_hindi_and_beside_another_language_the_hearing_impaired_flag(stem, language, flags):
    # as Jellyfin reads it: clip.eng.hi.srt was Hindi, the subtitle of a video named clip.eng
    [*_, tag] = subtitle_tags(stem)
    assert (tag.video_stem, tag.language, tag.flags) == ("clip", language, flags)


def test_a_given_empty_subtitle_is_kept_not_replaced_by_the_sidecar(video):
    video.with_suffix(".txt").write_text("from the txt", encoding="utf-8")
    assert Clip.from_path(video, subtitle="").subtitle == ""


def test_a_given_name_replaces_the_file_stem(video):
    assert Clip.from_path(video, name="sample_7").name == "sample_7"


def test_a_missing_video_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such video file"):
        Clip.from_path(tmp_path / "missing.mp4")


def test_a_missing_video_whose_path_holds_a_line_end_is_named_in_one_line(tmp_path):
    with pytest.raises(InputError, match=r"new\\nline\.mp4: no such video file; check the path$") as caught:
        Clip.from_path(tmp_path / "new\nline.mp4")  # a name a NUL-separated list (find -print0) may hold
    assert "\n" not in str(caught.value)


def test_a_folder_named_like_a_video_is_named_a_folder_not_missing(tmp_path):
    # CoJudge.predict("x.mp4") on a folder said 'x.mp4: no such video file; check the path'
    (tmp_path / "x.mp4").mkdir()
    for call in (Clip.from_path, Clip.coerce):
        with pytest.raises(InputError, match=r"x\.mp4: is a folder, not a video; give the videos in it"):
            call(tmp_path / "x.mp4")


def test_a_broken_symbolic_link_is_named_a_link_to_a_missing_file(tmp_path):
    # it was 'no such video file', though the link is listed in its folder
    (tmp_path / "clip.mp4").symlink_to(tmp_path / "gone.mp4")
    for call in (Clip.from_path, Clip.coerce):
        with pytest.raises(InputError, match=f"clip\\.mp4: is a symbolic link to {tmp_path / 'gone.mp4'}, which does not exist; "):
            call(tmp_path / "clip.mp4")


def test_a_pipe_given_as_the_video_is_named_a_pipe_not_missing(tmp_path):
    # a FIFO was 'no such video file', a shell's <(...) 'is a symbolic link to pipe:[...], which does not exist'
    os.mkfifo(tmp_path / "clip.mp4")
    for call in (Clip.from_path, Clip.coerce):
        with pytest.raises(InputError, match=r"clip\.mp4: is a pipe, not a video file; .* save it to a file and give that file's path$"):
            call(tmp_path / "clip.mp4")


def test_a_language_tagged_subtitle_given_as_the_video_names_the_video_that_reads_it(tmp_path):
    # it said 'give the video beside it (clip.en.mp4...)': clip.mp4 reads it
    (tmp_path / "clip.en.srt").write_text(SRT, encoding="utf-8")
    with pytest.raises(InputError, match=r"clip\.en\.srt: is a subtitle, not a video; give the video beside it \(clip\.mp4\.\.\.\)"):
        Clip.from_path(tmp_path / "clip.en.srt")


def test_a_subtitle_file_given_as_the_video_is_named_a_subtitle(tmp_path):
    # it was judged as a clip: every media judge failed with 'has no video or audio stream'
    for name in ("clip.srt", "clip.Srt", "clip.TXT", "clip.vtt", "clip.ass"):
        (tmp_path / name).write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
        for call in (Clip.from_path, Clip.coerce):
            with pytest.raises(InputError, match=f"{re.escape(name)}: is a subtitle, not a video; give the video beside it"):
                call(tmp_path / name)


@pytest.mark.parametrize("name", ["labels.csv", "README.md", "Thumbs.db", "outputs.NPZ", "clip.sub", "clip.sbv", "clip.description", "clip.nfo"])
def test_a_file_of_a_kind_that_is_never_media_given_as_the_video_is_named_so(tmp_path, name):
    # a dataset folder's labels.csv was judged as a clip: every media judge failed on it with 'cannot decode (Invalid data
    # found when processing input); check the file is a complete video'
    (tmp_path / name).write_text("name,openset\nclip,happy\n", encoding="utf-8")
    for call in (Clip.from_path, Clip.coerce):
        with pytest.raises(InputError, match=f"^{re.escape(str(tmp_path / name))}: is a {re.escape(Path(name).suffix)} file, not a video; "
                                             f"give only the videos, e.g. {re.escape(str(tmp_path / '*.mp4'))}$"):
            call(tmp_path / name)


@pytest.mark.parametrize("address", ["https://example.org/clips/clip.mp4", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"])
def test_a_web_address_given_as_the_video_is_named_so_not_a_missing_file_or_a_sample_name(address):
    # a file's address was 'no such video file; check the path' (its '//' folded to '/'); a video page's, without a suffix,
    # was a sample name, on which every live judge failed with 'no video file and no subtitle for this clip'
    for call in (Clip.from_path, Clip.coerce):
        with pytest.raises(InputError, match=f"^{re.escape(address)}: is a web address, not a video file; download the video first "):
            call(address)


#: The start of the ``._clip.mp4`` a Mac writes beside ``clip.mp4`` on a USB stick or share: AppleDouble's magic number and
#: version, its filler, two entries (Finder info, resource fork), then zeros to the 4 KiB a Mac writes.
APPLE_DOUBLE = (bytes.fromhex("00051607 00020000").ljust(8, b"\0") + b"Mac OS X        " + bytes.fromhex("0002 00000009 00000032 00000EB0")
                + bytes.fromhex("00000002 00000EE2 00000000")).ljust(4096, b"\0")


def test_a_macs_metadata_file_beside_a_video_is_named_so_not_judged_as_a_damaged_video(tmp_path):
    # a folder copied from a Mac holds ._clip.mp4 beside clip.mp4, which Path.glob("*.mp4") and find list: it was judged as
    # a clip '._clip', every media judge failing on it with 'cannot decode (...); check the file is a complete video'
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "._clip.mp4").write_bytes(APPLE_DOUBLE)
    with pytest.raises(InputError, match=f"^{re.escape(str(tmp_path / '._clip.mp4'))}: is a Mac's metadata file \\(AppleDouble\\) for clip\\.mp4, "
                                         r"not a video; leave out the files whose name starts with \._ \(dot_clean FOLDER on a Mac deletes them\)$"):
        built_clips(sorted(tmp_path.glob("*.mp4")), Clip.from_path)


def test_a_video_whose_name_starts_with_dot_underscore_is_still_a_clip(tmp_path):
    make_clip(tmp_path / "._take.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    assert Clip.from_path(tmp_path / "._take.mp4").name == "._take"


def test_a_video_whose_file_name_is_not_utf8_is_named_with_those_bytes_escaped(tmp_path):
    # its name held lone surrogates, which the runner refused: every clip of its batch failed, the good ones too
    video = tmp_path / os.fsdecode(b"\xe9motion.mp4")  # a Latin-1 name, as a zip made on Windows gives it
    video.write_bytes(b"not decoded here")
    clip = Clip.from_path(video)
    assert clip.name == "\\xe9motion" and clip.video == video


def test_coerce_turns_a_bare_name_into_a_name_only_clip_even_if_a_folder_has_that_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sample_1").mkdir()
    assert Clip.coerce("sample_1") == Clip("sample_1")


@pytest.mark.parametrize("file", ["sample_1", "clip.mp4"])
def test_coerce_reads_a_dir_entry_as_the_path_of_its_file(tmp_path, monkeypatch, file):
    # os.scandir's entry of a file without a suffix was named by its repr: Clip(name="<DirEntry 'sample_1'>")
    monkeypatch.chdir(tmp_path)
    (tmp_path / file).write_bytes(b"not decoded here")
    for folder in (".", str(tmp_path)):
        [entry] = os.scandir(folder)
        assert Clip.coerce(entry) == Clip.coerce(Path(entry.path))
    [entry] = os.scandir(".")
    assert Clip.coerce(entry).name == Path(file).stem  # sample_1, clip


def test_coerce_keeps_a_str_sample_name_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x").write_bytes(b"")
    assert [Clip.coerce(name).name for name in ("./x", "x", "sample_00000001")] == ["./x", "x", "sample_00000001"]


@pytest.mark.parametrize("item", [5, None, b"sample_1", "bytes entry"])
def test_coerce_refuses_what_is_neither_a_clip_a_path_nor_a_name_as_a_one_line_error(tmp_path, item):
    # run_judges(judges, [5]) ended in a TypeError traceback ('expected str, bytes or os.PathLike object, not int'),
    # as did bytes and os.scandir(b"folder")'s entries ('argument should be a str object or an os.PathLike object ...')
    if item == "bytes entry":
        (tmp_path / "sample_1").write_bytes(b"")
        [item] = os.scandir(os.fsencode(tmp_path))
    with pytest.raises(InputError, match=r"^clip .*: give a Clip, a video path or a sample name \(text\)$"):
        Clip.coerce(item)


def test_coerce_refuses_a_video_path_that_does_not_exist(tmp_path):
    with pytest.raises(InputError, match="no such video file"):
        Clip.coerce(tmp_path / "missing.mp4")


@pytest.mark.parametrize("encoding, text", [("utf-16-le", "我今天很开心"), ("utf-16-be", "I am happy"), ("utf-32", "I am happy"),
                                           ("cp1252", "Je suis très ému, été comme hiver"),
                                           ("cp1252", "ÉTÉ ÉMU"), ("cp1252", "élan, élégant, Ãtre"), ("latin-1", "Überglücklich")])
def test_a_sidecar_subtitle_not_in_utf8_is_a_one_line_error_not_garbled_text(video, encoding, text):
    video.with_suffix(".srt").write_bytes(f"1\n00:00:00,000 --> 00:00:02,000\n{text}\n".encode(encoding))
    with pytest.raises(InputError, match=r"clip\.srt: subtitle of clip\.mp4 is not UTF-8 text") as info:
        Clip.from_path(video)
    assert "\n" not in str(info.value)


def test_a_sidecar_subtitle_in_utf16_cut_short_is_refused_naming_the_encodings_read(video):
    # a UTF-16 file cut off mid-character ('clip.srt: subtitle of clip.mp4 is not UTF-8 text (nor Chinese in GBK or Big5)') was
    # refused without saying UTF-16 is read, so its owner could not tell the file, not its encoding, was at fault
    video.with_suffix(".srt").write_bytes("1\n00:00:00,000 --> 00:00:02,000\nI am so happy\n".encode("utf-16")[:-1])
    with pytest.raises(InputError, match=r"clip\.srt: subtitle of clip\.mp4 is not UTF-8 text \(nor UTF-16 with its byte-order mark, nor "
                                         r"Chinese in GBK or Big5\); save it as UTF-8$"):
        Clip.from_path(video)


@pytest.mark.parametrize("encoding, mark", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
@pytest.mark.parametrize("suffix", [".srt", ".txt"])
def test_a_sidecar_subtitle_in_utf16_with_its_byte_order_mark_is_read(video, encoding, mark, suffix):
    # Notepad's "Unicode" and Windows subtitle editors save UTF-16 with a byte-order mark: it was refused ('not UTF-8 text')
    text = "1\r\n00:00:00,000 --> 00:00:02,000\r\n我今天很开心! I did it.\r\n" if suffix == ".srt" else "我今天很开心! I did it."
    video.with_suffix(suffix).write_bytes(mark + text.encode(encoding))
    assert Clip.from_path(video).subtitle == "我今天很开心! I did it."


@pytest.mark.parametrize("text", ["我们终于到家了\nWe finally made it home\n太好了！\nThat's wonderful!", "我用iPhone拍的视频，太好看了"])
def test_a_gbk_subtitle_mixing_chinese_with_english_is_read(video, text):
    video.with_suffix(".txt").write_bytes(text.encode("gbk"))
    assert Clip.from_path(video).subtitle == text


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_chinese_sidecar_subtitle_in_gbk_is_read(video, encoding):
    video.with_suffix(".srt").write_bytes("1\n00:00:00,000 --> 00:00:02,000\n我今天很开心！Hello。\n".encode(encoding))
    assert Clip.from_path(video).subtitle == "我今天很开心！Hello。"


@pytest.mark.parametrize("text", ["我今天很開心，真的太高興了", "謝謝你", "我們終於到家了\nWe finally made it home\n太好了！"])
def test_a_traditional_chinese_subtitle_in_big5_is_read_not_garbled(video, text):
    """Big5 bytes also decode as GB18030, into a jumble of kana and private-use characters ("и秨み")."""
    video.with_suffix(".txt").write_bytes(text.encode("big5"))
    assert Clip.from_path(video).subtitle == text


@pytest.mark.parametrize("text", ["α粒子让我很紧张", "这首歌叫さくら，很好听"])
def test_a_gbk_subtitle_with_a_greek_or_kana_letter_is_still_read_as_gbk(video, text):
    video.with_suffix(".txt").write_bytes(text.encode("gbk"))
    assert Clip.from_path(video).subtitle == text


@pytest.mark.parametrize("text", ["第①步 打开电脑\n第②步 登录账号", "这套房子有120㎡ 价格不贵", "β测试 已经开始了",
                                  "莫斯科 Москва 冬天很冷", "他说 さようなら 就走了"])
def test_a_gbk_subtitle_with_a_circled_digit_unit_greek_cyrillic_or_kana_and_no_full_width_comma_is_read_as_gbk(video, text):
    """These signs are among those a Big5 file read as GB18030 is full of, and GBK bytes decode as Big5 too, into
    rare ideographs ("第①步" -> "菴Ｋ祭"): such a GB18030 reading gives way only to a Big5 reading that looks more like Big5 text."""
    video.with_suffix(".txt").write_bytes(text.encode("gbk"))
    assert Clip.from_path(video).subtitle == text


@pytest.mark.parametrize("text", ["這首歌叫さくら，很好聽", "α粒子讓我很緊張", "第①步：打開電腦", "這間房子有120㎡，價格不貴"])
def test_a_big5_subtitle_with_kana_greek_or_signs_is_read_as_big5(video, text):
    """Its Big5 reading holds the same kana or signs a wrong reading is full of: the one more like its encoding's text wins."""
    video.with_suffix(".txt").write_bytes(text.encode("big5hkscs"))
    assert Clip.from_path(video).subtitle == text


def test_a_sidecar_subtitle_the_user_may_not_read_is_a_one_line_error(video, monkeypatch):
    # a .srt owned by another user (mode 600): PermissionError's traceback ended 'cojudge predict'
    from pathlib import Path

    side = video.with_suffix(".srt")
    side.write_text("I did it!", encoding="utf-8")
    real = Path.read_bytes

    def refuse(self):
        if self == side:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError, match=r"clip\.srt: cannot read the subtitle of clip\.mp4 \(Permission denied\)") as info:
        Clip.from_path(video)
    assert "\n" not in str(info.value)


# -- the clips of a folder: every one that cannot be used, named in one error -------------------------------------------
NOT_UTF8 = "is not UTF-8 text (nor UTF-16 with its byte-order mark, nor Chinese in GBK or Big5); save it as UTF-8"


def test_a_folder_with_two_subtitles_not_in_utf8_names_both_in_one_error(tmp_path):
    # it named a.srt only: once it was mended the next run stopped at c.srt, one run per bad clip of a folder of 500
    videos = make_folder_with_latin1_subtitles(tmp_path, names=("a", "b", "c"), latin1=("a", "c"))
    with pytest.raises(InputError) as info:
        built_clips(videos, Clip.coerce)
    assert str(info.value) == ("2 of 3 clips cannot be used (nothing was judged); fix them all, then run again: "
                               f"{tmp_path / 'a.srt'}: subtitle of a.mp4 {NOT_UTF8} | {tmp_path / 'c.srt'}: subtitle of c.mp4 {NOT_UTF8}")


def test_clips_refused_for_different_reasons_are_each_named_by_their_own_error(tmp_path, monkeypatch):
    latin1, unreadable, good = make_folder_with_latin1_subtitles(tmp_path, names=("a", "b", "c"), latin1=("a",))
    unreadable.with_suffix(".srt").write_text("I did it!", encoding="utf-8")
    real = Path.read_bytes

    def refuse(self):  # b.srt is another user's (mode 600)
        if self == unreadable.with_suffix(".srt"):
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    bad = [latin1, unreadable, tmp_path / "gone.mp4"]
    with pytest.raises(InputError) as info:
        built_clips([*bad, good], Clip.coerce)
    alone = []
    for item in bad:
        with pytest.raises(InputError) as own:
            Clip.coerce(item)
        alone.append(str(own.value))
    assert str(info.value) == f"3 of 4 clips cannot be used (nothing was judged); fix them all, then run again: {' | '.join(alone)}"


def test_more_clips_refused_than_an_error_lists_are_counted_after_the_first_five(tmp_path):
    missing = [tmp_path / f"gone{i}.mp4" for i in range(8)]
    with pytest.raises(InputError) as info:
        built_clips(missing, Clip.coerce)
    error = str(info.value)
    assert error.startswith(f"8 of 8 clips cannot be used (nothing was judged); fix them all, then run again: {missing[0]}: no such video file")
    assert error.endswith(f"{missing[4]}: no such video file; check the path | and 3 more")
    assert "\n" not in error


def test_one_clip_refused_among_good_ones_is_its_own_error(tmp_path):
    videos = make_folder_with_latin1_subtitles(tmp_path, names=("a", "b", "c"), latin1=("b",))
    own = f"{tmp_path / 'b.srt'}: subtitle of b.mp4 {NOT_UTF8}"
    with pytest.raises(InputError, match=f"^{re.escape(own)}$"):
        built_clips(videos, Clip.coerce)


def test_a_missing_video_given_twice_is_named_once(tmp_path):
    missing = tmp_path / "gone.mp4"
    with pytest.raises(InputError, match=f"^{re.escape(str(missing))}: no such video file; check the path$"):
        built_clips([missing, missing], Clip.coerce)


def test_a_missing_video_given_twice_beside_another_counts_each_item_refused_and_names_it_once(tmp_path):
    # it said '2 of 3 clips cannot be used' of three items none of which could be
    twice, other = tmp_path / "gone.mp4", tmp_path / "lost.mp4"
    with pytest.raises(InputError) as info:
        built_clips([twice, other, twice], Clip.coerce)
    assert str(info.value) == ("3 of 3 clips cannot be used (nothing was judged); fix them all, then run again: "
                               f"{twice}: no such video file; check the path | {other}: no such video file; check the path")


def refused_by_fit(item: str) -> Clip:
    raise InputError(f"CoJudge.fit: {item}: no such video file")


def test_the_method_every_refused_clip_names_leads_the_error_once():
    # 'CoJudge.fit: ' was repeated before each clip's message
    with pytest.raises(InputError) as info:
        built_clips(["a.mp4", "b.mp4"], refused_by_fit)
    assert str(info.value) == ("CoJudge.fit: 2 of 2 clips cannot be used (nothing was judged); fix them all, then run again: "
                               "a.mp4: no such video file | b.mp4: no such video file")


def test_a_folder_its_clips_share_is_no_lead_of_the_error(tmp_path):
    with pytest.raises(InputError, match=f"^2 of 2 clips cannot be used .*: {re.escape(str(tmp_path / 'a.mp4'))}: no such"):
        built_clips([tmp_path / "a.mp4", tmp_path / "b.mp4"], Clip.coerce)


def test_a_git_lfs_pointer_in_place_of_a_video_is_refused_when_its_clip_is_built(tmp_path):
    # a dataset cloned without git-lfs: every judge failed on each clip ('cojudge predict' exit 1), though docs/predict.md
    # said it is refused before any judge runs
    (tmp_path / "clip.mp4").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 51441\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"clip\.mp4: a Git LFS pointer, not the file itself \(cloned without git-lfs\?\); "
                                         r"fetch the file \(git lfs pull\) and run again$"):
        Clip.from_path(tmp_path / "clip.mp4")


def test_git_lfs_pointers_in_place_of_videos_are_named_together_before_any_clip_is_judged(tmp_path):
    for name in ("a.mp4", "b.mp4"):
        (tmp_path / name).write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^2 of 2 clips cannot be used \(nothing was judged\).*a\.mp4: a Git LFS pointer.*"
                                         r"b\.mp4: a Git LFS pointer"):
        built_clips(sorted(tmp_path.glob("*.mp4")), Clip.from_path)


def test_a_git_lfs_pointer_in_place_of_a_videos_subtitle_is_refused_when_its_clip_is_built(tmp_path):
    # the videos fetched, not their subtitles (git lfs pull --include='*.mp4'): the pointer's text was the clip's subtitle,
    # 'version https://git-lfs.github.com/spec/v1 oid sha256:0 size 51441', given to every judge as what is said
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(2048))
    (tmp_path / "clip.srt").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 51441\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"clip\.srt: a Git LFS pointer, not the file itself \(cloned without git-lfs\?\); "
                                         r"fetch the file \(git lfs pull\) and run again$"):
        Clip.from_path(tmp_path / "clip.mp4")
