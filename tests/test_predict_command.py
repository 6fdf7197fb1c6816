"""`cojudge predict`: judge clips, fuse the words (untrained rule or a calibration), report failures, never crash."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from sklearn.base import clone

from ensemble.cli import main
from ensemble.score_union_fuser import ScoreUnionFuser
from judges.clip import Clip
from judges.errors import InputError
from judges.outputs import read_judge_output
from judges.verdict import Verdict
from tests.media_fixtures import make_clip, make_corrupt_clip, make_folder_with_latin1_subtitles, make_truncated_copy

AFFECTGPT = "AffectGPT/checkpoint_000060_loss_0.480-openset.npz"
SALMONN = "SALMONN/output-reason-7b-subtitle-eng-openset.npz"


def cojudge(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    code = main(["predict", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(text: str) -> dict[str, dict]:
    return {obj["name"]: obj for obj in map(json.loads, text.splitlines())}


@pytest.fixture
def replay_config(tmp_path):
    """Two replayed judges that answer from inline labels (no models): they agree on 'happy' for c1."""
    path = tmp_path / "judges.toml"
    path.write_text(
        '[[judge]]\ntype = "replay"\nname = "one"\nlabels = { c1 = ["happy", "tense"], c2 = ["sad"] }\n\n'
        '[[judge]]\ntype = "replay"\nname = "two"\nlabels = { c1 = ["Happy!"], c2 = ["sad", "angry"] }\n',
        encoding="utf-8",
    )
    return path


# -- the untrained fusion rule -------------------------------------------------------------
def verdict(judge: str, words: list[str], scores: dict[str, float] | None = None, error: str | None = None) -> Verdict:
    return Verdict(judge, "c", words, scores=scores, error=error)


def test_a_lone_judge_word_has_the_judges_own_score_as_support_and_confidence():
    fuser = ScoreUnionFuser(threshold=0.5, wheel=None)
    pred = fuser.predict_clip({"face": verdict("face", ["happy", "sad"], {"happy": 0.9, "sad": 0.4})}, "c")
    assert pred.words == ["happy"]
    assert pred.confidence == {"happy": 0.9}
    assert pred.support == {"happy": ["face"]}


def test_words_of_the_same_emotion_classes_are_one_candidate_backed_by_both_judges(wheel):
    fuser = ScoreUnionFuser(wheel=wheel)
    pred = fuser.predict_clip({"a": verdict("a", ["joyful"], {"joyful": 0.8}), "b": verdict("b", ["happy"], {"happy": 0.4})}, "c")
    assert len(pred.words) == 1 and pred.words[0] in ("joyful", "happy")
    assert pred.support[pred.words[0]] == ["a", "b"]
    assert pred.confidence[pred.words[0]] == pytest.approx(0.6)


def test_a_word_only_one_of_two_speaking_judges_said_counts_half_its_score():
    fuser = ScoreUnionFuser(threshold=0.3, wheel=None)
    pred = fuser.predict_clip({"a": verdict("a", ["happy", "calm"], {"happy": 0.8, "calm": 0.5}), "b": verdict("b", ["happy"])}, "c")
    assert pred.words == ["happy"]  # calm: 0.5 / 2 judges < 0.3


def test_without_the_emotion_wheel_words_are_matched_by_cleaned_spelling():
    pred = ScoreUnionFuser(wheel=None).predict_clip({"a": verdict("a", ["Happy!"]), "b": verdict("b", ["happy"])}, "c")
    assert pred.words == ["happy"] and pred.support["happy"] == ["a", "b"]


def test_a_clip_no_judge_answered_is_an_error_not_a_guess():
    pred = ScoreUnionFuser(wheel=None).predict_clip({"a": verdict("a", [], error="cannot decode")}, "c")
    assert not pred.ok and pred.words == []


def test_judges_that_answered_with_nothing_leave_the_clip_answered_without_words():
    pred = ScoreUnionFuser(wheel=None).predict_clip({"a": verdict("a", []), "b": verdict("b", [], error="boom")}, "c")
    assert pred.ok and pred.words == [] and pred.judges_answered == ["a"]


def test_the_untrained_fuser_follows_sklearn_conventions():
    fuser = ScoreUnionFuser(threshold=0.4, max_words=2, wheel=None)
    assert fuser.fit() is fuser
    assert clone(fuser).get_params() == {"threshold": 0.4, "max_words": 2, "wheel": None}


def test_the_untrained_fuser_is_fitted_for_sklearns_check_is_fitted_as_its_predict_needs_no_fit():
    # check_is_fitted raised NotFittedError even after fit(): fit sets no attribute ending in _
    from sklearn.utils.validation import check_is_fitted

    fuser = ScoreUnionFuser(wheel=None)
    check_is_fitted(fuser)  # raises NotFittedError when scikit-learn takes it for unfitted
    check_is_fitted(fuser.fit())


def test_a_judge_saying_one_meaning_twice_backs_it_with_its_best_score(wheel):
    fuser = ScoreUnionFuser(threshold=0.5, wheel=wheel)
    pred = fuser.predict_clip({"a": verdict("a", ["joyful", "happy"], {"joyful": 0.9, "happy": 0.3})}, "c")
    assert len(pred.words) == 1 and pred.confidence[pred.words[0]] == 0.9  # support max(0.9, 0.3) >= 0.5


def test_equally_often_said_spellings_show_the_one_with_the_higher_score(wheel):
    fuser = ScoreUnionFuser(wheel=wheel)
    pred = fuser.predict_clip({"a": verdict("a", ["joyful"], {"joyful": 0.8}), "b": verdict("b", ["happy"], {"happy": 0.4})}, "c")
    assert pred.words == ["joyful"]


def test_the_most_often_said_spelling_is_shown_over_a_higher_scored_one(wheel):
    fuser = ScoreUnionFuser(wheel=wheel)
    said = {"a": verdict("a", ["happy"], {"happy": 0.3}), "b": verdict("b", ["happy"], {"happy": 0.3}),
            "c": verdict("c", ["joyful"], {"joyful": 0.9})}
    assert fuser.predict_clip(said, "c").words == ["happy"]  # said twice (total 0.6) beats once (0.9)


def test_spellings_said_as_often_with_the_same_score_show_the_shortest(wheel):
    fuser = ScoreUnionFuser(wheel=wheel)
    assert fuser.predict_clip({"a": verdict("a", ["angry"]), "b": verdict("b", ["mad"])}, "c").words == ["mad"]


def test_clips_are_predicted_in_the_order_the_judges_first_name_them():
    said = {"a": {"c2": Verdict("a", "c2", ["sad"]), "c1": Verdict("a", "c1", ["happy"])}, "b": {"c3": Verdict("b", "c3", ["calm"])}}
    assert [p.name for p in ScoreUnionFuser(wheel=None).predict(said)] == ["c2", "c1", "c3"]


def test_one_clip_name_given_as_names_is_a_one_line_error_not_a_clip_per_letter():
    verdicts = {"face": {"c1": Verdict("face", "c1", ["happy"])}}
    with pytest.raises(InputError, match=r"give a list of clip names, e.g. \['c1'\]"):
        ScoreUnionFuser(wheel=None).predict(verdicts, "c1")


def test_a_word_that_is_only_punctuation_is_no_word():
    pred = ScoreUnionFuser(wheel=None).predict_clip({"a": verdict("a", ["!!!", "happy"])}, "c")
    assert pred.words == ["happy"]


def test_equally_supported_words_put_the_more_confident_first():
    # sad: support 0.6 / 2 = 0.3, confidence 0.6; calm: support (0.3 + 0.3) / 2 = 0.3, confidence 0.3
    said = {"a": verdict("a", ["sad", "calm"], {"sad": 0.6, "calm": 0.3}), "b": verdict("b", ["calm"], {"calm": 0.3})}
    assert ScoreUnionFuser(threshold=0.25, wheel=None).predict_clip(said, "c").words == ["sad", "calm"]


def test_words_tied_on_support_and_confidence_come_alphabetically():
    pred = ScoreUnionFuser(wheel=None).predict_clip({"a": verdict("a", ["sad", "calm"])}, "c")
    assert pred.words == ["calm", "sad"]


def test_a_word_whose_support_is_exactly_the_threshold_is_kept():
    pred = ScoreUnionFuser(threshold=0.5, wheel=None).predict_clip({"a": verdict("a", ["sad"], {"sad": 0.5})}, "c")
    assert pred.words == ["sad"]


def test_max_words_caps_the_words_per_clip():
    pred = ScoreUnionFuser(max_words=1, wheel=None).predict_clip({"a": verdict("a", ["sad", "calm"])}, "c")
    assert pred.words == ["calm"]


def test_confidence_is_given_to_four_decimals():
    said = {j: verdict(j, ["sad"], {"sad": score}) for j, score in (("a", 0.1), ("b", 0.2), ("c", 0.4))}
    pred = ScoreUnionFuser(threshold=0.2, wheel=None).predict_clip(said, "c")
    assert pred.confidence == {"sad": 0.2333}  # (0.1 + 0.2 + 0.4) / 3 = 0.23333...


def test_a_judge_score_outside_0_to_1_counts_as_the_nearest_bound():
    said = {"a": verdict("a", ["sad", "calm"], {"sad": 1.7, "calm": -0.2})}
    pred = ScoreUnionFuser(threshold=0.0, wheel=None).predict_clip(said, "c")
    assert pred.confidence == {"sad": 1.0, "calm": 0.0}


def test_a_data_folder_without_an_emotion_wheel_means_matching_by_spelling(tmp_path, monkeypatch):
    monkeypatch.setenv("MEROV_DATA", str(tmp_path))
    assert not ScoreUnionFuser(wheel="auto").uses_wheel


def test_a_words_support_lists_its_judges_in_the_order_they_are_given():
    pred = ScoreUnionFuser(wheel=None).predict_clip({"b": verdict("b", ["sad"]), "a": verdict("a", ["sad"])}, "c")
    assert pred.support == {"sad": ["b", "a"]}


def test_asking_whether_a_fuser_with_an_unknown_wheel_name_uses_the_wheel_names_the_choices():
    # it went on to build the emotion classes from the name: AttributeError: 'str' object has no attribute 'classes'
    with pytest.raises(InputError, match=r"wheel='Auto': give an EmotionWheel, 'auto' or None"):
        ScoreUnionFuser(wheel="Auto").uses_wheel


def test_setting_another_wheel_takes_effect(wheel):
    fuser = ScoreUnionFuser(wheel=wheel)
    assert fuser.uses_wheel
    assert not fuser.set_params(wheel=None).uses_wheel

# -- output formats (replayed judges: no models) ----------------------------------------------
def test_the_table_lists_each_fused_word_with_its_judges_and_each_judges_reason(capsys, replay_config):
    code, out, _ = cojudge(capsys, "c1", "--config", replay_config)
    assert code == 0
    assert out.splitlines()[0] == "c1: happy, tense"
    assert any(line.split()[:3] == ["happy", "1.00", "one,"] for line in out.splitlines())
    assert any(line.split()[:2] == ["two", "Happy!"] for line in out.splitlines())


def test_the_table_shows_a_judges_description_under_its_row_as_a_description():
    from ensemble.fused_prediction import FusedPrediction
    from ensemble.predict_command import _table

    pred = FusedPrediction("c", words=["happy"], confidence={"happy": 0.9}, support={"happy": ["speech"]}, judges_answered=["speech"])
    said = Verdict("speech", "c", ["happy"], raw="from speech", description="I am so happy")
    lines = _table(pred, {"speech": {"c": said}}).splitlines()
    assert lines[-1].strip() == 'description: "I am so happy"'


def test_json_gives_one_object_per_clip_with_every_judges_verdict(capsys, replay_config):
    code, out, _ = cojudge(capsys, "c1", "c2", "--config", replay_config, "--format", "json")
    clips = json_lines(out)
    assert code == 0 and list(clips) == ["c1", "c2"]
    assert clips["c2"]["words"] == ["sad", "angry"]
    assert clips["c2"]["support"]["sad"] == ["one", "two"]
    assert clips["c2"]["verdicts"]["two"] == {**clips["c2"]["verdicts"]["two"], "words": ["sad", "angry"], "error": None}


def test_csv_on_stdout_and_out_file_are_name_openset_that_the_output_reader_reads(capsys, replay_config, tmp_path):
    code, out, _ = cojudge(capsys, "c1", "c2", "--config", replay_config, "--format", "csv", "--out", tmp_path / "pred.csv")
    (tmp_path / "stdout.csv").write_text(out, encoding="utf-8")
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[0] == ["name", "openset"]
    assert read_judge_output(tmp_path / "stdout.csv") == read_judge_output(tmp_path / "pred.csv") == {
        "c1": ["happy", "tense"], "c2": ["sad", "angry"]}


def test_the_out_file_is_written_when_the_reader_of_stdout_stops_early(replay_config, tmp_path):
    # `cojudge predict ... --out pred.csv | head -3`: the judged clips were lost with the pipe (exit 141, no pred.csv)
    repo = Path(__file__).resolve().parents[1]
    argv = [sys.executable, "-m", "ensemble.cli", "predict", "c1", "c2", "--config", str(replay_config), "--out", str(tmp_path / "pred.csv")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=repo, env={**os.environ, "PYTHONPATH": str(repo)})
    proc.stdout.close()  # `| head -0`: the reader is gone before the table is printed
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and "Traceback" not in err, err
    assert read_judge_output(tmp_path / "pred.csv") == {"c1": ["happy", "tense"], "c2": ["sad", "angry"]}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a file every write to fails as a full disk")
def test_the_judged_clips_are_printed_when_the_out_file_cannot_be_written(capsys, replay_config):
    # with --out written before printing, a full disk lost the judged clips: only the error was printed
    code, out, err = cojudge(capsys, "c1", "c2", "--config", replay_config, "--format", "csv", "--quiet", "--out", "/dev/full")
    assert code == 2 and "/dev/full: cannot write it (No space left on device)" in err and len(err.strip().splitlines()) == 1, err
    assert out == 'name,openset\nc1,"[\'happy\', \'tense\']"\nc2,"[\'sad\', \'angry\']"\n'


def test_csv_on_stdout_ends_lines_with_a_plain_newline(capsys, replay_config):
    _, out, _ = cojudge(capsys, "c1", "--config", replay_config, "--format", "csv")
    assert out == 'name,openset\nc1,"[\'happy\', \'tense\']"\n'


def test_sample_names_can_come_from_a_split_file(capsys, replay_config, tmp_path):
    (tmp_path / "split.txt").write_text("c2\nc1\n", encoding="utf-8")
    code, out, _ = cojudge(capsys, "--names", tmp_path / "split.txt", "--config", replay_config, "--format", "json")
    assert code == 0 and list(json_lines(out)) == ["c2", "c1"]


def test_a_names_file_given_to_the_default_judges_is_refused_before_any_judge_runs(capsys, tmp_path):
    # each name was judged by the face and speech judges, which failed on all ('no video file for this clip'): exit code 0,
    # a CSV of empty answers written
    (tmp_path / "split.txt").write_text("c1\nc2\n", encoding="utf-8")
    code, out, err = cojudge(capsys, "--names", tmp_path / "split.txt", "--format", "csv", "--out", tmp_path / "p.csv")
    assert code == 2 and out == "" and not (tmp_path / "p.csv").exists()
    assert err == (f"cojudge predict: error: --names {tmp_path / 'split.txt'}: sample names are for judges that answer by name "
                   "(type = \"replay\", or \"lexical\" with stored descriptions), and the default judges judge videos; give such judges "
                   "with --config, or the videos\n")


def test_a_bare_name_given_to_the_default_judges_is_refused_as_no_video_file_naming_the_judges_that_take_names(capsys):
    code, out, err = cojudge(capsys, "clip1", "clip2", "--format", "csv")
    assert code == 2 and out == ""
    assert err == ("cojudge predict: error: clip1, clip2: no such video file, and the default judges judge videos, not sample names; "
                   "check the path, or give judges that answer by name (type = \"replay\") with --config\n")


def test_a_clip_no_judge_knows_is_reported_with_the_reasons_and_exit_code_0(capsys, replay_config):
    code, out, err = cojudge(capsys, "c1", "nobody", "--config", replay_config, "--format", "json")
    gone = json_lines(out)["nobody"]
    assert code == 0
    assert gone["error"] == "no judge answered this clip" and gone["words"] == []
    assert "no stored output for 'nobody'" in gone["verdicts"]["one"]["error"]
    assert "1 clip(s) no judge answered" in err


def test_the_warning_names_just_the_clips_no_judge_answered(capsys, replay_config):
    _, _, err = cojudge(capsys, "c1", "c2", "nobody", "--config", replay_config, "--format", "csv")
    assert "warning: 1 clip(s) no judge answered (reported with no words, not guessed): nobody\n" in err


def test_its_own_warnings_start_with_cojudge_predict_as_its_errors_and_python_warnings_do(capsys, replay_config):
    _, _, err = cojudge(capsys, "c1", "nobody", "--config", replay_config, "--format", "csv")
    assert "\ncojudge predict: warning: 1 clip(s) no judge answered" in err


def test_a_run_in_which_no_judge_answered_any_clip_exits_1_and_still_writes_every_clip(capsys, replay_config, tmp_path):
    # names no judge knows (a wrong split file) exited 0, as if judged, and a script went on to score empty answers
    out_file = tmp_path / "pred.csv"
    code, out, err = cojudge(capsys, "nobody0", "nobody1", "--config", replay_config, "--format", "csv", "--out", out_file)
    assert code == 1 and err.endswith("cojudge predict: error: no judge answered any of the 2 clip(s) (each judge's error above); "
                                      "exit code 1\n")
    assert out == out_file.read_text(encoding="utf-8") == "name,openset\nnobody0,[]\nnobody1,[]\n"


def test_the_warning_names_the_first_five_clips_no_judge_answered_then_how_many_more(capsys, replay_config):
    _, _, err = cojudge(capsys, "c1", *(f"nobody{i}" for i in range(12)), "--config", replay_config, "--format", "csv")
    assert ("warning: 12 clip(s) no judge answered (reported with no words, not guessed): nobody0, nobody1, nobody2, nobody3, "
            "nobody4 and 7 more\n") in err


def test_a_judge_whose_server_is_down_is_named_in_a_warning_even_when_another_judge_answered(capsys, tmp_path):
    """With --format csv the table's rows are not printed: the warning is where a server gone down shows."""
    config = tmp_path / "judges.toml"
    config.write_text(
        '[[judge]]\ntype = "replay"\nname = "one"\nlabels = { c1 = ["happy"] }\n\n'
        '[[judge]]\ntype = "openai"\nname = "srv"\nmodel = "m"\nbase_url = "http://127.0.0.1:9/v1"\n'
        'modalities = ["text"]\nmax_retries = 0\ntimeout = 2\n',
        encoding="utf-8",
    )
    code, out, err = cojudge(capsys, "c1", "--config", config, "--format", "csv", "--cache", tmp_path / "v.sqlite")
    assert code == 0 and out == "name,openset\nc1,['happy']\n"
    warned = [line for line in err.splitlines() if line.startswith("cojudge predict: warning: judge srv failed on 1 of 1 clip(s)")]
    assert len(warned) == 1 and "(1 not cached: the next run asks again); c1: cannot reach" in warned[0], err
    assert "is the server running?" in warned[0] and "no judge answered" not in err


def test_batch_timeout_gives_up_a_judge_whose_server_hangs_and_fuses_the_other_judges_words(capsys, tmp_path):
    # cojudge predict had no --batch-timeout: a server that never answers held the run for its judge's timeout per clip
    from tests.test_openai_judge import FakeChatServer, completion

    with FakeChatServer([(200, completion("sad"), 8.0)]) as server:
        config = tmp_path / "judges.toml"
        config.write_text('[[judge]]\ntype = "replay"\nname = "one"\nlabels = { c1 = ["happy"] }\n\n'
                          f'[[judge]]\ntype = "openai"\nname = "srv"\nmodel = "m"\nbase_url = "{server.url}"\n'
                          'api_key_env = ""\nmodalities = ["text"]\nmax_retries = 0\ntimeout = 60\n', encoding="utf-8")
        started = time.monotonic()
        code, out, err = cojudge(capsys, "c1", "--config", config, "--format", "csv", "--cache", tmp_path / "v.sqlite",
                                 "--batch-timeout", "0.5")
        assert time.monotonic() - started < 7  # not the 8 s the server takes
    assert code == 0 and out == "name,openset\nc1,['happy']\n"
    assert ("warning: judge srv failed on 1 of 1 clip(s) (1 not cached: the next run asks again); c1: judge 'srv' did not "
            "answer a batch within batch_timeout=0.5 s") in err


# -- bad input: one line, exit code 2 ---------------------------------------------------------
def one_line_error(capsys, *argv: str) -> str:
    code, out, err = cojudge(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    return err


def test_a_min_support_out_of_range_is_named_as_the_option_typed_not_the_fusers_parameter(capsys, replay_config):
    # it was 'min_support/threshold=1.5: ...', a name no option of cojudge predict has
    assert one_line_error(capsys, "c1", "--config", replay_config, "--min-support", "1.5") == (
        "cojudge predict: error: --min-support 1.5: the support a word needs must be in [0, 1], e.g. 0.25\n")


@pytest.mark.parametrize("seconds", ["0", "-1", "abc", "nan", "inf"])
def test_a_batch_timeout_that_is_not_a_positive_number_is_a_one_line_error(capsys, replay_config, seconds):
    err = one_line_error(capsys, "c1", "--config", replay_config, f"--batch-timeout={seconds}")
    assert err.startswith(f"cojudge predict: error: --batch-timeout {seconds}: give the seconds a judge may take on one batch, "
                          "a number > 0")


def test_a_batch_timeout_with_the_ray_backend_is_a_one_line_error(capsys, replay_config):
    err = one_line_error(capsys, "c1", "--config", replay_config, "--batch-timeout", "30", "--backend", "ray")
    assert "--batch-timeout 30 is for --backend local: the Ray backend has no batch timeout" in err


def test_a_cache_that_is_one_of_the_inputs_is_refused_and_left_alone(capsys, replay_config, tmp_path):
    split = tmp_path / "split.txt"
    split.write_text("c1\n", encoding="utf-8")
    for given, option in ((replay_config, "--config"), (split, "--names")):
        before = given.read_bytes()
        err = one_line_error(capsys, "--names", split, "--config", replay_config, "--cache", given)
        assert f"--cache {given} is the same file as {option}" in err and "delete" not in err
        assert given.read_bytes() == before


def test_no_input_prints_the_usage_and_points_to_the_demo(capsys):
    code, _, err = cojudge(capsys)
    assert code == 2
    assert err.startswith("usage: cojudge predict") and "cojudge predict --demo" in err


def test_no_input_is_an_error_line_as_argparse_words_its_own(capsys):
    # 'cojudge predict: give one or more videos ...': exit code 2 and no 'error:', unlike every other refused run
    _, _, err = cojudge(capsys)
    assert err.splitlines()[-1].startswith("cojudge predict: error: give one or more videos")


def test_a_missing_video_is_a_one_line_error(capsys, tmp_path):
    assert "no such video file" in one_line_error(capsys, tmp_path / "missing.mp4")


def test_a_pattern_that_matched_no_file_is_named_a_pattern_with_the_case_to_check(capsys, tmp_path):
    # 'cojudge predict clips/*.mp4' of a camera's CLIP0001.MP4 files said 'clips/*.mp4: no such video file; check the path'
    (tmp_path / "CLIP0001.MP4").write_bytes(b"not decoded here")
    error = one_line_error(capsys, f"{tmp_path}/*.mp4")
    assert f"{tmp_path}/*.mp4: no file matches this pattern; check the folder, and the case of the names" in error


def test_an_unreadable_config_is_a_one_line_error(capsys, tmp_path):
    (tmp_path / "bad.toml").write_text("[[judge]\ntype = ", encoding="utf-8")
    assert "not valid TOML" in one_line_error(capsys, "c1", "--config", tmp_path / "bad.toml")


def test_an_unknown_judge_type_suggests_the_right_one(capsys, tmp_path):
    (tmp_path / "typo.toml").write_text('[[judge]]\ntype = "replya"\nname = "x"\nlabels = {}\n', encoding="utf-8")
    assert "did you mean 'replay'" in one_line_error(capsys, "c1", "--config", tmp_path / "typo.toml")


def test_a_subtitle_with_several_clips_is_a_one_line_error(capsys, replay_config, tmp_path):
    (tmp_path / "sub.txt").write_text("hello", encoding="utf-8")
    assert "single video" in one_line_error(capsys, "c1", "c2", "--config", replay_config, "--subtitle", tmp_path / "sub.txt")


def test_a_binary_subtitle_is_a_one_line_error_not_judged(capsys, replay_config, tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "sub.srt").write_bytes(bytes(range(256)))
    assert "not UTF-8 text" in one_line_error(capsys, tmp_path / "clip.mp4", "--config", replay_config, "--subtitle", tmp_path / "sub.srt")


def test_predict_refuses_to_write_over_the_video(capsys, replay_config, tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    assert "video clip" in one_line_error(capsys, video, "--config", replay_config, "--out", video)
    assert video.read_bytes() == b"\x00\x00\x00\x18ftypmp42"


def test_the_ray_backend_without_ray_says_how_to_install_it(capsys, replay_config, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    assert "pip install -e '.[ray]' in the merov-cojudge checkout" in one_line_error(capsys, "c1", "--config", replay_config, "--backend", "ray")


def test_a_subtitle_with_a_video_and_a_sample_name_is_a_one_line_error(capsys, replay_config, tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "sub.txt").write_text("hello", encoding="utf-8")
    assert "single video" in one_line_error(capsys, tmp_path / "clip.mp4", "c1", "--config", replay_config, "--subtitle", tmp_path / "sub.txt")


def test_a_missing_path_without_a_suffix_is_a_one_line_error_not_a_sample_name(capsys, replay_config):
    assert "no such video file" in one_line_error(capsys, "clips/c1", "--config", replay_config)


def test_a_video_file_name_given_to_replay_judges_is_told_to_give_its_sample_name_which_then_works(capsys, replay_config):
    # it said 'c1.mp4: no such video file; check the path', sending the user to look for a video replay judges never read
    assert one_line_error(capsys, "c1.mp4", "--config", replay_config).endswith(
        "cojudge predict: error: c1.mp4: no such video file, and replay judges take sample names, not videos: give 'c1' "
        "(the name without its folder and file suffix)\n")
    code, out, _ = cojudge(capsys, "c1", "--config", replay_config, "--format", "csv")
    assert code == 0 and out.splitlines()[1].startswith("c1,")


def test_a_sample_name_with_a_dot_given_as_its_video_file_to_replay_judges_is_told_to_be_given_in_a_names_file(capsys, tmp_path):
    config = tmp_path / "judges.toml"
    config.write_text('[[judge]]\ntype = "replay"\nname = "one"\nlabels = { "c1.en" = ["happy"] }\n', encoding="utf-8")
    assert "give 'c1.en' (the name without its folder and file suffix) in a --names file: on the command line, a name with a dot is read " \
           "as a video file's" in one_line_error(capsys, "c1.en.mp4", "--config", config)
    (tmp_path / "names.txt").write_text("c1.en\n", encoding="utf-8")
    code, out, _ = cojudge(capsys, "--names", tmp_path / "names.txt", "--config", config, "--format", "csv")
    assert code == 0 and out.splitlines()[1] == "c1.en,['happy']"


def test_a_missing_video_given_to_a_config_with_a_judge_that_reads_videos_is_still_no_such_video_file(capsys, replay_config, tmp_path):
    config = tmp_path / "mixed.toml"
    config.write_text(replay_config.read_text(encoding="utf-8") + '\n[[judge]]\ntype = "face"\nname = "face"\n', encoding="utf-8")
    assert one_line_error(capsys, "c1.mp4", "--config", config).endswith("c1.mp4: no such video file; check the path\n")


def test_a_description_or_raw_text_of_several_lines_stays_on_its_row_of_the_table(capsys, tmp_path, wheel):
    """Stored descriptions often hold paragraphs; every table line after the clip's first stays indented."""
    reasons = tmp_path / "m-reason.jsonl"
    reasons.write_text(json.dumps({"name": "c1", "reason": "First paragraph.\n\nThe person looks happy."}) + "\n", encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text(f'[[judge]]\ntype = "lexical"\nname = "lex"\npath = "{reasons.as_posix()}"\n', encoding="utf-8")
    code, out, _ = cojudge(capsys, "c1", "--config", config)
    assert code == 0
    first, *rest = out.rstrip("\n").splitlines()
    assert first == "c1: happy"
    assert all(line.startswith("  ") for line in rest), out
    assert 'description: "First paragraph. The person looks happy."' in out


def test_a_demo_cache_folder_that_cannot_be_made_is_a_one_line_error(capsys, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("MEROV_CACHE", str(tmp_path / "file" / "cache"))
    assert "MEROV_CACHE" in one_line_error(capsys, "--demo")


def test_a_folder_given_as_a_video_is_a_one_line_error_naming_the_folder(capsys, tmp_path, monkeypatch):
    (tmp_path / "clips").mkdir()
    monkeypatch.chdir(tmp_path)
    for item in ("clips", "clips/", tmp_path / "clips"):
        assert "is a folder" in one_line_error(capsys, item)


def collected(videos: list[str], subtitle: str | None = None, videos_from: str | None = None, names: str | None = None) -> list[Clip]:
    """The clips `cojudge predict VIDEOS [--subtitle SUBTITLE] [--videos-from FILE] [--names SPLIT]` collects, before any judge runs."""
    import argparse

    from ensemble.predict_command import collect_clips

    return collect_clips(argparse.Namespace(videos=videos, demo=False, names=names, subtitle=subtitle, videos_from=videos_from))


def test_a_subtitle_given_beside_its_video_as_a_folders_listing_gives_it_is_read_with_the_video_not_judged(tmp_path, monkeypatch):
    # `cojudge predict clips/*` gave clip.srt as a clip of its own: 'clip names must be unique; repeated: clip'
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    make_clip(tmp_path / "other.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("I am sad", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    listing = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.iterdir())  # clip.mp4 clip.srt other.mp4 other.txt
    clips = collected(listing)
    assert [(c.name, c.subtitle) for c in clips] == [("clip", "I am so happy"), ("other", "I am sad")]


@pytest.mark.parametrize("subtitle, text", [
    # 'clip names must be unique; repeated: clip (clip.mp4, clip.vtt)'
    ("clip.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\nI am so happy\n"),
    # 'clip.Srt: is a subtitle, not a video; give the video beside it (clip.mp4...)'
    ("clip.Srt", "1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n"),
])
def test_a_vtt_or_mixed_case_subtitle_given_beside_its_video_is_read_with_the_video_not_judged(tmp_path, monkeypatch, subtitle, text):
    # `cojudge predict clips/*` with each beside clip.mp4 stopped, with the error above
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / subtitle).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert [(c.name, c.subtitle) for c in collected([subtitle, "clip.mp4"])] == [("clip", "I am so happy")]


def test_a_stray_subtitle_among_a_folders_files_is_warned_about_and_left_out_not_stopping_the_run(tmp_path, monkeypatch):
    # `cojudge predict clips/*` with a notes.txt or clip.old.srt in the folder stopped: 'notes.txt: is a subtitle, not a video'
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("shot on a Tuesday", encoding="utf-8")
    (tmp_path / "clip.old.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so sad\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.warns(UserWarning) as caught:
        clips = collected(listing)
    assert [(c.name, c.subtitle) for c in clips] == [("clip", "I am so happy")]
    assert [str(w.message) for w in caught] == ["2 subtitle files of no video given are left out, not judged: clip.old.srt, notes.txt"]


def test_one_stray_subtitle_is_warned_about_in_its_own_line_naming_the_video_it_lacks(tmp_path, monkeypatch):
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.old.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so sad\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning) as caught:
        collected(["clip.mp4", "clip.old.srt"])
    assert [str(w.message) for w in caught] == [
        "clip.old.srt: a subtitle file, and no video of its name was given (clip.old.mp4...), so it is left out, not judged"]


def test_videos_whose_subtitles_are_not_read_are_one_warning_a_kind_not_one_each(tmp_path, monkeypatch):
    # a folder of MKVs each holding English and French subtitles, none flagged default, warned once per video: 500 lines
    from tests.media_fixtures import SubtitleTrack, make_clip_with_subtitles

    for i in range(6):
        make_clip_with_subtitles(tmp_path / f"c{i}.mkv", [SubtitleTrack("subrip", ((0.2, 0.8, "Hi"),), language="eng"),
                                                          SubtitleTrack("subrip", ((0.2, 0.8, "Salut"),), language="fre")], seconds=0.2)
    make_clip_with_subtitles(tmp_path / "sign.mkv", [SubtitleTrack("subrip", ((0.2, 0.8, "Exit"),), language="eng", disposition=("forced",))],
                             seconds=0.2)
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning) as caught:
        clips = collected(sorted(p.name for p in tmp_path.iterdir()))
    assert [c.subtitle for c in clips] == [None] * 7
    assert [str(w.message) for w in caught] == [
        "6 videos hold subtitles in several languages inside, none flagged default, and none beside them, so they are judged without a "
        "subtitle: c0.mkv, c1.mkv, c2.mkv, c3.mkv, c4.mkv and 1 more; to read one, extract it beside the video, e.g. ffmpeg -i clip.mkv "
        "-map 0:s:0 clip.srt",
        "sign.mkv: its only subtitle inside, 0:s:0 (eng), is forced (only what is said in another language or written on screen), not its "
        "speech, so it is judged without a subtitle; to read it anyway, extract it beside the video: ffmpeg -i sign.mkv -map 0:s:0 sign.srt"]


def test_a_file_that_is_never_media_among_a_folders_videos_is_warned_about_and_left_out_not_judged(tmp_path, monkeypatch):
    # `cojudge predict clips/*` with the folder's labels.csv and README.md judged them as clips 'labels' and 'README': every
    # judge failed ('cannot decode ...; check the file is a complete video') and the CSV written had a row for each
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "labels.csv").write_text("name,openset\nclip,happy\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Clips of the lab\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning) as caught:
        clips = collected(sorted(p.name for p in tmp_path.iterdir()))
    assert [c.name for c in clips] == ["clip"]
    assert [str(w.message) for w in caught] == ["2 files that are not videos (.csv, .md) are left out, not judged: README.md, labels.csv"]


def test_a_file_that_is_never_media_given_alone_among_videos_is_named_in_a_line_of_its_own(tmp_path, monkeypatch):
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "labels.csv").write_text("name,openset\nclip,happy\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning) as caught:
        collected(["clip.mp4", "labels.csv"])
    assert [str(w.message) for w in caught] == ["labels.csv: not a video (a .csv file), so it is left out, not judged"]


def test_the_metadata_files_of_many_videos_are_one_warning_not_one_each(tmp_path, monkeypatch):
    # a dataset with clip.json beside each of its videos warned once per video: 500 lines before the first verdict
    for i in range(8):
        make_clip(tmp_path / f"c{i}.mp4", seconds=0.2, width=32, height=32, with_audio=False)
        (tmp_path / f"c{i}.json").write_text('{"speaker": 1}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning) as caught:
        clips = collected(sorted(p.name for p in tmp_path.iterdir()))
    assert len(clips) == 8
    assert [str(w.message) for w in caught] == ["8 files that are not videos (.json) are left out, not judged: "
                                                "c0.json, c1.json, c2.json, c3.json, c4.json and 3 more"]


def test_a_clips_own_metadata_file_beside_it_is_left_out_not_a_second_clip_of_its_name(tmp_path, monkeypatch):
    # `cojudge predict clips/*` with clip.json beside clip.mp4 (a dataset's per-clip annotations) stopped the whole run:
    # 'clip names must be unique; repeated: clip (clip.mp4, clip.json); rename or drop the duplicates'
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.json").write_text('{"speaker": 1}', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match=r"^clip\.json: not a video \(a \.json file\), so it is left out, not judged$"):
        clips = collected(["clip.json", "clip.mp4"])
    assert [(c.name, c.video.name) for c in clips] == [("clip", "clip.mp4")]


def test_a_videos_thumbnail_beside_it_is_left_out_not_a_second_clip_of_its_name(tmp_path, monkeypatch):
    # `cojudge predict clips/*` of a folder yt-dlp filled with --write-thumbnail (clip.webp, clip.jpg by clip.mp4) stopped the
    # whole run: 'clip names must be unique; repeated: clip (clip.mp4, clip.jpg); rename or drop the duplicates'
    from PIL import Image

    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    Image.new("RGB", (32, 32)).save(tmp_path / "clip.jpg")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match=r"^clip\.jpg: a picture named as a video given beside it \(its thumbnail\), so it is left out"):
        clips = collected(["clip.jpg", "clip.mp4"])
    assert [(c.name, c.video.name) for c in clips] == [("clip", "clip.mp4")]


def test_a_photo_named_as_no_video_given_is_still_a_clip(tmp_path, monkeypatch):
    from PIL import Image

    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    Image.new("RGB", (32, 32)).save(tmp_path / "portrait.jpg")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sorted(c.name for c in collected(["clip.mp4", "portrait.jpg"])) == ["clip", "portrait"]


def test_a_photos_metadata_sidecar_is_left_out_and_the_photo_is_a_clip(tmp_path, monkeypatch):
    # an iPhone's IMG_0001.AAE (its edits, a property list) beside IMG_0001.JPG made the photo a thumbnail left out, not
    # judged, and the sidecar the clip IMG_0001, on which every judge failed
    from PIL import Image

    Image.new("RGB", (32, 32)).save(tmp_path / "IMG_0001.JPG")
    (tmp_path / "IMG_0001.AAE").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict/></plist>\n')
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning, match=r"^IMG_0001\.AAE: not a video \(a \.AAE file\), so it is left out, not judged$"):
        clips = collected(["IMG_0001.AAE", "IMG_0001.JPG"])
    assert [(c.name, c.video.name) for c in clips] == [("IMG_0001", "IMG_0001.JPG")]


def test_a_raw_photo_beside_its_jpeg_leaves_neither_out_as_a_thumbnail(tmp_path, monkeypatch):
    # a camera's raw + JPEG pair: the JPEG was left out as the thumbnail of a video IMG_0001.CR2; both are photos, given both
    # (the run then says the name is repeated, as it did before thumbnails were left out)
    from PIL import Image

    Image.new("RGB", (32, 32)).save(tmp_path / "IMG_0001.JPG")
    (tmp_path / "IMG_0001.CR2").write_bytes(b"II*\x00\x10\x00\x00\x00CR\x02\x00" + bytes(4096))
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clips = collected(["IMG_0001.CR2", "IMG_0001.JPG"])
    assert sorted(c.video.name for c in clips) == ["IMG_0001.CR2", "IMG_0001.JPG"]


def test_a_file_that_is_never_media_given_alone_is_the_error(tmp_path, monkeypatch):
    (tmp_path / "labels.csv").write_text("name,openset\nclip,happy\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"^labels\.csv: is a \.csv file, not a video; give only the videos, e.g. \*\.mp4$"):
        collected(["labels.csv"])


def test_a_video_pages_web_address_is_named_a_web_address_not_a_pattern_that_matched_no_file():
    # its '?' made it 'no file matches this pattern; check the folder, and the case of the names (*.mp4 does not match CLIP.MP4)'
    with pytest.raises(InputError, match=r"^https://www\.youtube\.com/watch\?v=dQw4w9WgXcQ: is a web address, not a video file; "
                                         r"download the video first \(yt-dlp ADDRESS for a video page, curl -O ADDRESS for a file\) "
                                         r"and give the file's path$"):
        collected(["https://www.youtube.com/watch?v=dQw4w9WgXcQ"])


def test_a_subtitle_given_alone_as_the_video_is_still_an_error(tmp_path):
    (tmp_path / "clip.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"clip\.srt: is a subtitle, not a video"):
        collected([str(tmp_path / "clip.srt")])


@pytest.mark.parametrize("subtitle", ["../clips/clip.srt", "../link/clip.srt"], ids=["through-dot-dot", "through-a-linked-folder"])
def test_a_subtitle_given_through_another_path_to_its_videos_folder_is_read_with_it_not_warned_about(tmp_path, monkeypatch, subtitle):
    # it was warned about as 'no video of its name was given ..., so it is left out', though clips/clip.mp4 read it
    (tmp_path / "clips").mkdir()
    make_clip(tmp_path / "clips" / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clips" / "clip.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "clips")
    monkeypatch.chdir(tmp_path / "clips")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clips = collected([subtitle, "clip.mp4"])
    assert [(c.name, c.subtitle) for c in clips] == [("clip", "I am so happy")]


def test_a_folder_with_several_bad_clips_is_one_line_error_naming_each(capsys, tmp_path):
    # `cojudge predict clips/*` named a.srt only, and the next run gone.mp4, then c.srt: one run per bad clip of the folder
    make_folder_with_latin1_subtitles(tmp_path / "clips", names=("a", "b", "c"), latin1=("a", "c"))
    given = sorted(str(path) for path in (tmp_path / "clips").iterdir())
    err = one_line_error(capsys, *given, str(tmp_path / "gone.mp4"))
    clips = tmp_path / "clips"
    assert err == ("cojudge predict: error: 3 of 4 clips cannot be used (nothing was judged); fix them all, then run again: "
                   f"{clips / 'a.srt'}: subtitle of a.mp4 is not UTF-8 text (nor UTF-16 with its byte-order mark, nor Chinese in GBK or Big5); "
                   f"save it as UTF-8 | {clips / 'c.srt'}: subtitle of c.mp4 is not UTF-8 text (nor UTF-16 with its byte-order mark, nor "
                   f"Chinese in GBK or Big5); save it as UTF-8 | {tmp_path / 'gone.mp4'}: no such video file; check the path\n")


@pytest.mark.parametrize("given", [["clip.srt", "clip.srt"], ["clip.srt", "notes.TXT", "take2.en.vtt"]],
                         ids=["the-same-subtitle-twice", "a-folder-of-subtitles-only"])
def test_subtitles_given_with_no_video_are_the_error_not_an_empty_run(tmp_path, monkeypatch, given):
    # each was warned about and left out, then the run stopped on the usage: 'give one or more videos ... try --demo'
    for name in set(given):
        (tmp_path / name).write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 'left out' warning before the error
        with pytest.raises(InputError, match=r"clip\.srt: is a subtitle, not a video; give the video beside it \(clip\.mp4\.\.\.\)"):
            collected(given)  # each subtitle's error, in one


def test_language_tagged_subtitles_given_beside_their_videos_are_read_with_them_not_judged(tmp_path, monkeypatch):
    # `cojudge predict clips/*` stopped: 'clip.en.srt: is a subtitle, not a video; give the video beside it (clip.en.mp4...)'
    for name in ("clip", "other", "interview.part1"):
        make_clip(tmp_path / f"{name}.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.en.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    (tmp_path / "other.zh-Hans.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\n我很难过\n", encoding="utf-8")
    (tmp_path / "interview.part1.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am calm\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    listing = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.iterdir())
    clips = collected(listing)
    assert sorted((c.name, c.subtitle) for c in clips) == [("clip", "I am so happy"), ("interview.part1", "I am calm"), ("other", "我很难过")]


@pytest.mark.parametrize("sdh, forced", [("clip.en.sdh.srt", "other.en.forced.srt"), ("clip.EN.srt", "other.en.FORCED.srt")])
def test_flagged_subtitles_given_beside_their_video_are_read_or_left_with_it_not_warned_about_as_strays(tmp_path, monkeypatch, sdh, forced):
    # `cojudge predict clips/*` warned 'clip.en.sdh.srt: a subtitle file, and no video of its name was given (clip.en.sdh.mp4...)'
    # and judged clip.mp4 without it; a forced one was warned about the same way, as if no video's; so were tags and flags in
    # upper case ('clip.en.FORCED.srt: ... (clip.en.FORCED.mp4...)')
    for name in ("clip", "other"):
        (tmp_path / f"{name}.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / sdh).write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy [laughs]\n", encoding="utf-8")
    (tmp_path / forced).write_text("1\n00:00:00,000 --> 00:00:01,000\n[sign] Exit\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.warns(UserWarning) as caught:
        clips = collected(sorted(p.name for p in tmp_path.iterdir()))
    assert [(c.name, c.subtitle) for c in clips] == [("clip", "I am so happy [laughs]"), ("other", None)]
    assert [str(w.message).split(":")[0] for w in caught] == ["other.mp4"] and "is forced" in str(caught[0].message)


def test_subtitles_in_several_languages_beside_one_of_the_given_videos_do_not_stop_the_others(capsys, replay_config, tmp_path):
    # `cojudge predict clips/*` stopped before judging any clip: 'c1.mp4: has subtitles in several languages beside it (...)',
    # though yt-dlp's --sub-langs en,zh gives such folders, and that clip was judged without a subtitle before
    for name in ("c1", "c2"):
        make_clip(tmp_path / f"{name}.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    for name in ("c1.en.srt", "c1.zh.srt"):
        (tmp_path / name).write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
    code, out, err = cojudge(capsys, *sorted(tmp_path.glob("c[12]*")), "--config", replay_config, "--format", "csv")
    assert code == 0 and [row.split(",")[0] for row in out.splitlines()[1:]] == ["c1", "c2"]
    assert "c1.mp4: has subtitles in several languages beside it (c1.en.srt, c1.zh.srt) and no c1.srt, so it is judged without a subtitle" in err


def test_a_broken_symbolic_link_given_as_a_video_is_a_one_line_error_naming_the_link(capsys, tmp_path):
    (tmp_path / "clip.mp4").symlink_to(tmp_path / "moved" / "clip.mp4")
    error = one_line_error(capsys, tmp_path / "clip.mp4")
    assert f"is a symbolic link to {tmp_path / 'moved' / 'clip.mp4'}, which does not exist; fix the link" in error


@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_pipe_or_device_given_as_a_video_is_a_one_line_error_naming_it(capsys, tmp_path, kind):
    # 'cojudge predict fifo.mp4' and 'cojudge predict /dev/null' said 'no such video file; check the path'
    if kind == "pipe":
        os.mkfifo(tmp_path / "clip.mp4")
    item = tmp_path / "clip.mp4" if kind == "pipe" else "/dev/null"
    assert f"{item}: is a {kind}, not a video file; " in one_line_error(capsys, item)


def test_a_git_lfs_pointer_given_as_a_video_is_a_one_line_error_before_any_judge_runs(capsys, tmp_path):
    # each judge failed on it ('clip.mp4: a Git LFS pointer ...' per judge, exit 1), though docs/predict.md said exit 2 up front
    (tmp_path / "clip.mp4").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 51441\n", encoding="utf-8")
    assert one_line_error(capsys, tmp_path / "clip.mp4").startswith(
        f"cojudge predict: error: {tmp_path / 'clip.mp4'}: a Git LFS pointer, not the file itself (cloned without git-lfs?)")


# -- more videos than a command line holds: --videos-from ------------------------------------
def seen(clips: list[Clip]) -> list[tuple[str, str | None, str | None]]:
    return [(c.name, str(c.video) if c.video else None, c.subtitle) for c in clips]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The current folder, holding clips/a.mp4 (with clips/a.srt beside it) and clips/b.mp4."""
    (tmp_path / "clips").mkdir()
    for name in ("a", "b"):
        make_clip(tmp_path / "clips" / f"{name}.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clips" / "a.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_videos_listed_in_a_file_are_the_clips_the_same_paths_given_as_arguments_are(folder):
    listing = ["clips/a.mp4", "clips/a.srt", "clips/b.mp4"]  # paths relative to the current folder, a subtitle beside its video
    (folder / "videos.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    assert seen(collected([], videos_from="videos.txt")) == seen(collected(listing)) == [
        ("a", "clips/a.mp4", "I am so happy"), ("b", "clips/b.mp4", None)]


def test_a_video_list_skips_blank_lines_and_comments_and_reads_windows_line_ends(folder):
    (folder / "videos.txt").write_bytes(b"\xef\xbb\xbf# the dev clips\r\n\r\nclips/a.mp4\r\n  clips/b.mp4  \r\n")
    assert [c.name for c in collected([], videos_from="videos.txt")] == ["a", "b"]


def test_a_dash_reads_the_video_list_from_standard_input(folder, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"clips/b.mp4\nclips/a.mp4\n")))  # find video -name '*.mp4' |
    assert [c.name for c in collected([], videos_from="-")] == ["b", "a"]


def test_a_dash_with_standard_input_on_a_terminal_is_a_one_line_error_not_a_wait(capsys, folder, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())
    assert one_line_error(capsys, "--videos-from", "-") == (
        "cojudge predict: error: --videos-from -: standard input is a terminal, not a list; pipe the list in "
        "(find video -name '*.mp4' | cojudge predict --videos-from -) or give the file's path\n")


def test_a_dash_reads_the_sample_names_from_standard_input(folder, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"sample_2\nsample_1\n")))  # head dev.txt | cojudge predict --names -
    assert [c.name for c in collected([], names="-")] == ["sample_2", "sample_1"]


def test_names_and_video_list_both_from_standard_input_is_a_one_line_error(capsys, folder, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"clips/a.mp4\n")))
    assert one_line_error(capsys, "--videos-from", "-", "--names", "-") == (
        "cojudge predict: error: --names - and --videos-from -: standard input is one list, read once; give one of them as a file\n")


def test_a_nul_separated_video_list_reads_paths_holding_a_space_and_a_newline(folder, monkeypatch):
    shutil.move(folder / "clips" / "a.mp4", folder / "clips" / "a b.mp4")
    shutil.move(folder / "clips" / "b.mp4", folder / "clips" / "new\nline.mp4")
    found = subprocess.run(["find", "clips", "-name", "*.mp4", "-print0"], capture_output=True, check=True).stdout
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(found)))  # find clips -name '*.mp4' -print0 | cojudge predict --videos-from -
    assert sorted((c.name, str(c.video)) for c in collected([], videos_from="-")) == [
        ("a b", "clips/a b.mp4"), ("new\nline", "clips/new\nline.mp4")]


def test_a_nul_separated_video_list_without_a_zero_byte_after_its_last_path_is_read_as_xargs_0_reads_it(folder, monkeypatch):
    # printf 'clips/a.mp4\0clips/b.mp4' | ...: was 'not UTF-8 text (it holds zero bytes: UTF-16 ...?); save it as UTF-8'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"clips/a.mp4\x00clips/b.mp4")))
    assert [c.name for c in collected([], videos_from="-")] == ["a", "b"]


def test_a_video_list_of_lines_with_a_stray_zero_byte_is_named_by_its_line_not_read_as_nul_separated(capsys, folder):
    (folder / "videos.txt").write_bytes(b"clips/a.mp4\nclips/b\x00.mp4\n")  # a damaged file: it ends with a line end
    assert one_line_error(capsys, "--videos-from", "videos.txt") == (
        "cojudge predict: error: --videos-from videos.txt:2: not UTF-8 text (it holds zero bytes: UTF-16 without its byte-order mark, "
        "or a damaged file?); save the list of videos as UTF-8\n")


def test_a_listed_video_whose_name_starts_with_a_hash_is_warned_about_not_skipped_without_a_word(folder):
    shutil.move(folder / "clips" / "b.mp4", folder / "#b.mp4")
    listing = subprocess.run("ls clips/a.mp4 '#b.mp4'", shell=True, capture_output=True, check=True).stdout  # ls ... > videos.txt
    (folder / "videos.txt").write_bytes(listing + b"# my clips\n")
    with pytest.warns(UserWarning, match=r"^--videos-from videos\.txt:1: '#b\.mp4' starts with #, so it is read as a comment, though "
                                         r"it names a file, which is not judged; list it as \./#b\.mp4$"):
        assert [c.name for c in collected([], videos_from="videos.txt")] == ["a"]


def test_a_listed_video_whose_name_starts_with_a_space_is_kept_as_written_when_only_it_names_a_file(folder, monkeypatch):
    shutil.move(folder / "clips" / "b.mp4", folder / "clips" / " b.mp4")  # `ls > ../videos.txt` in clips/
    (folder / "videos.txt").write_text(" b.mp4\n  a.mp4  \n", encoding="utf-8")  # ' b.mp4' was stripped: 'b.mp4: no such video file'
    monkeypatch.chdir(folder / "clips")
    assert [(c.name, str(c.video)) for c in collected([], videos_from="../videos.txt")] == [(" b", " b.mp4"), ("a", "a.mp4")]


def test_a_list_mixing_line_ends_and_nuls_names_its_missing_path_in_one_line_error(capsys, folder, monkeypatch):
    # read as NUL-separated, 'clips/a.mp4\nclips/b.mp4' is one path, which was named over two lines
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"clips/a.mp4\nclips/b.mp4\x00clips/b.mp4\x00")))
    assert one_line_error(capsys, "--videos-from", "-") == (
        "cojudge predict: error: clips/a.mp4\\nclips/b.mp4: no such video file; check the path\n")


def test_a_video_list_in_utf16_without_its_byte_order_mark_is_not_read_as_nul_separated(capsys, folder):
    (folder / "videos.txt").write_bytes("clips/a.mp4\nclips/b.mp4\n".encode("utf-16-le"))  # a zero byte after each character
    assert "UTF-16 without its byte-order mark" in one_line_error(capsys, "--videos-from", "videos.txt")


def test_videos_given_as_arguments_and_listed_are_judged_together_arguments_first(folder):
    (folder / "videos.txt").write_text("clips/a.mp4\n", encoding="utf-8")
    assert [c.name for c in collected(["clips/b.mp4"], videos_from="videos.txt")] == ["b", "a"]


def test_a_video_both_given_and_listed_is_refused_as_a_repeated_name_before_any_judge_runs(capsys, folder, replay_config):
    (folder / "videos.txt").write_text("clips/a.mp4\nclips/b.mp4\n", encoding="utf-8")
    assert one_line_error(capsys, "clips/a.mp4", "--videos-from", "videos.txt", "--config", replay_config) == (
        "cojudge predict: error: clip names must be unique; repeated: a (clips/a.mp4, clips/a.mp4); rename or drop the duplicates\n")


def test_a_stray_file_in_a_video_list_is_warned_about_and_left_out(folder):
    (folder / "clips" / "labels.csv").write_text("name,openset\na,happy\n", encoding="utf-8")
    (folder / "videos.txt").write_text("clips/a.mp4\nclips/labels.csv\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"^clips/labels\.csv: not a video \(a \.csv file\), so it is left out, not judged$"):
        assert [c.name for c in collected([], videos_from="videos.txt")] == ["a"]


def test_every_listed_path_that_is_no_file_is_named_in_one_error_a_bare_name_too_not_read_as_a_sample_name(folder):
    (folder / "videos.txt").write_text("clips/a.mp4\nclips/gone.mp4\nsample_3\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        collected([], videos_from="videos.txt")
    assert str(refused.value) == ("2 of 3 clips cannot be used (nothing was judged); fix them all, then run again: "
                                  "clips/gone.mp4: no such video file; check the path | sample_3: no such video file; check the path")


def test_a_subtitle_option_is_read_for_the_one_listed_video(folder):
    (folder / "chosen.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so sad\n", encoding="utf-8")
    (folder / "videos.txt").write_text("clips/a.mp4\n", encoding="utf-8")
    assert seen(collected([], subtitle="chosen.srt", videos_from="videos.txt")) == [("a", "clips/a.mp4", "I am so sad")]


def test_a_subtitle_option_with_two_listed_videos_is_refused_as_for_two_given(folder):
    (folder / "chosen.srt").write_text("hello", encoding="utf-8")
    (folder / "videos.txt").write_text("clips/a.mp4\nclips/b.mp4\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^--subtitle chosen\.srt is for a single video, but 2 clip\(s\) were given"):
        collected([], subtitle="chosen.srt", videos_from="videos.txt")


def test_a_labels_csv_headed_by_excels_separator_line_given_as_the_video_list_is_a_one_line_error(capsys, folder):
    (folder / "labels.csv").write_text("sep=;\nname;openset\nclips/a.mp4;happy\n", encoding="utf-8")  # was read as 3 paths
    assert one_line_error(capsys, "--videos-from", "labels.csv") == (
        "cojudge predict: error: --videos-from labels.csv:1: a CSV (first lines 'sep=;' and 'name;openset'), not a list of videos; list the "
        "videos' paths, one per line (find video -name '*.mp4' > videos.txt)\n")


def test_a_labels_csv_given_as_the_video_list_is_a_one_line_error(capsys, folder):
    (folder / "labels.csv").write_text("name,openset\nsample_1,happy\n", encoding="utf-8")
    assert one_line_error(capsys, "--videos-from", "labels.csv") == (
        "cojudge predict: error: --videos-from labels.csv:1: a CSV (first line 'name,openset'), not a list of videos; list the "
        "videos' paths, one per line (find video -name '*.mp4' > videos.txt)\n")


def test_a_split_of_sample_names_given_as_the_video_list_is_sent_to_names(capsys, folder):
    (folder / "dev.txt").write_text("sample_1\nsample_2\nsample_3\n", encoding="utf-8")
    assert one_line_error(capsys, "--videos-from", "dev.txt") == (
        "cojudge predict: error: --videos-from dev.txt: lists sample names (sample_1, sample_2 and 1 more), not video files; "
        "give sample names in --names dev.txt, for judges that answer by name (type = \"replay\")\n")


@pytest.mark.parametrize("content", [b"", b"# nothing yet\n\n"], ids=["empty", "comments-only"])
def test_a_video_list_with_no_video_is_a_one_line_error(capsys, folder, content):
    (folder / "videos.txt").write_bytes(content)
    assert one_line_error(capsys, "--videos-from", "videos.txt").startswith(
        "cojudge predict: error: --videos-from videos.txt: lists no videos (it is empty, or blank lines and # comments only)")


def test_a_video_list_in_utf16_is_a_one_line_error_saying_so(capsys, folder):
    (folder / "videos.txt").write_text("clips/a.mp4\n", encoding="utf-16")  # PowerShell's >
    assert one_line_error(capsys, "--videos-from", "videos.txt") == (
        "cojudge predict: error: --videos-from videos.txt: not UTF-8 text but UTF-16 (its byte-order mark says so: Windows PowerShell's > "
        "writes it); save the list of videos as UTF-8\n")


def test_a_video_given_as_the_video_list_is_a_one_line_error_saying_so(capsys, folder):
    # it was 'not UTF-8 text (it holds zero bytes: UTF-16 without its byte-order mark, or a damaged file?); save the list of
    # videos as UTF-8', a fix for a text file
    assert one_line_error(capsys, "--videos-from", "clips/a.mp4") == (
        "cojudge predict: error: --videos-from clips/a.mp4: binary data (a video?) or UTF-16 without its byte-order mark, not a list "
        "of videos: it holds zero bytes, which no file name does; give a UTF-8 text file of paths, one per line "
        "(find video -name '*.mp4' > videos.txt)\n")


def test_a_missing_video_list_is_a_one_line_error_naming_its_option(capsys, folder):
    assert one_line_error(capsys, "--videos-from", "videos.txt") == "cojudge predict: error: --videos-from videos.txt: no such list of videos\n"


def test_a_listed_file_name_that_is_not_utf8_is_read_as_the_shell_gives_it_as_an_argument(folder):
    # `find` writes a name's bytes: a list holding one (a zip made on Windows) was refused as 'not UTF-8 text; save it as UTF-8'
    name = os.fsdecode(b"\xe9motion.mp4")
    shutil.copy(folder / "clips" / "b.mp4", folder / "clips" / name)
    (folder / "videos.txt").write_bytes(b"clips/a.mp4\nclips/\xe9motion.mp4\n")
    assert seen(collected([], videos_from="videos.txt")) == seen(collected(["clips/a.mp4", f"clips/{name}"]))


def test_predict_refuses_to_write_over_the_video_list(capsys, folder, replay_config):
    (folder / "videos.txt").write_text("clips/a.mp4\n", encoding="utf-8")
    assert "is the same file as --videos-from" in one_line_error(capsys, "--videos-from", "videos.txt", "--config", replay_config,
                                                                  "--out", "videos.txt")
    assert (folder / "videos.txt").read_text(encoding="utf-8") == "clips/a.mp4\n"


def test_listed_videos_are_judged_by_the_default_judges_into_the_out_file(capsys, folder):
    (folder / "videos.txt").write_text("clips/a.mp4\nclips/b.mp4\n", encoding="utf-8")
    code, _, _ = cojudge(capsys, "--videos-from", "videos.txt", "--format", "csv", "--out", "pred.csv", "--quiet")
    assert code == 0 and [row["name"] for row in csv.DictReader((folder / "pred.csv").open(encoding="utf-8"))] == ["a", "b"]


def test_a_given_subtitle_is_read_instead_of_those_beside_the_video_which_are_not_read(tmp_path):
    # a clip.srt in Latin-1 beside clip.mp4 stopped the run ('not UTF-8 text'), though --subtitle gave the one to read
    make_clip(tmp_path / "clip.mp4", seconds=0.2, width=32, height=32, with_audio=False)
    (tmp_path / "clip.srt").write_bytes("1\n00:00:00,000 --> 00:00:01,000\nJe suis très ému\n".encode("latin-1"))
    (tmp_path / "chosen.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nI am so happy\n", encoding="utf-8")
    assert [(c.name, c.subtitle) for c in collected([str(tmp_path / "clip.mp4")], subtitle=str(tmp_path / "chosen.srt"))] == [
        ("clip", "I am so happy")]


def test_a_given_subtitle_chooses_among_subtitles_in_several_languages_beside_the_video(capsys, replay_config, tmp_path):
    make_clip(tmp_path / "c1.mp4", seconds=0.2, width=32, height=32, with_audio=False)  # c1: a clip the replayed judges know
    for name in ("c1.en.srt", "c1.zh.srt"):
        (tmp_path / name).write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
    code, _, err = cojudge(capsys, tmp_path / "c1.mp4", "--subtitle", tmp_path / "c1.en.srt", "--config", replay_config,
                           "--out", tmp_path / "pred.csv")
    assert code == 0 and "several languages" not in err and (tmp_path / "pred.csv").is_file()


def test_a_folder_given_as_the_subtitle_is_named_a_folder_not_missing(capsys, replay_config, tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "subs").mkdir()
    error = one_line_error(capsys, tmp_path / "clip.mp4", "--config", replay_config, "--subtitle", tmp_path / "subs")
    assert "is a folder, not a subtitle file" in error and "no such" not in error


def test_a_subtitle_with_nul_characters_is_a_one_line_error(capsys, replay_config, tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "sub.txt").write_bytes(b"hello\x00world")
    assert "not UTF-8 text" in one_line_error(capsys, tmp_path / "clip.mp4", "--config", replay_config, "--subtitle", tmp_path / "sub.txt")


def test_a_subtitle_loses_its_byte_order_mark(tmp_path):
    from ensemble.predict_command import _read_subtitle

    (tmp_path / "sub.txt").write_bytes("\ufeffI am so happy".encode("utf-8"))
    assert _read_subtitle(tmp_path / "sub.txt") == "I am so happy"


def test_a_given_subtitle_in_utf16_with_its_byte_order_mark_is_read(tmp_path):
    # --subtitle talk.srt saved by Notepad as "Unicode" said '--subtitle talk.srt: not UTF-8 text'
    from ensemble.predict_command import _read_subtitle

    (tmp_path / "talk.srt").write_bytes("1\r\n00:00:00,000 --> 00:00:02,000\r\nI am so happy\r\n".encode("utf-16"))
    assert _read_subtitle(tmp_path / "talk.srt") == "I am so happy"


def test_a_given_subtitle_that_cannot_be_read_is_refused_naming_the_encodings_read(capsys, replay_config, tmp_path):
    # UTF-32 (which ffmpeg does not read either) was refused as 'not UTF-8 text (nor Chinese in GBK or Big5)', as if UTF-16 were not read
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (tmp_path / "talk.srt").write_bytes("1\n00:00:00,000 --> 00:00:02,000\nI am so happy\n".encode("utf-32"))
    error = one_line_error(capsys, tmp_path / "clip.mp4", "--config", replay_config, "--subtitle", tmp_path / "talk.srt")
    assert "talk.srt: not UTF-8 text (nor UTF-16 with its byte-order mark, nor Chinese in GBK or Big5); give the subtitle as a UTF-8" in error


def test_a_vtt_subtitle_gives_the_judges_its_cues_text_only(tmp_path):
    # it was read as plain text: "WEBVTT 00:00.000 --> 00:02.000 align:start I am so happy"
    from ensemble.predict_command import _read_subtitle

    (tmp_path / "talk.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000 align:start\n<v Joy>I am so happy</v>\n", encoding="utf-8")
    assert _read_subtitle(tmp_path / "talk.vtt") == "I am so happy"


def test_an_ass_subtitle_gives_the_judges_its_dialogue_only(capsys, broken_media, tmp_path):
    # its script info and styles were judged as speech: a neutral line read 'disgusted, fearful, sad' (style 'Default')
    (tmp_path / "talk.ass").write_text("[Script Info]\nTitle: Default Aegisub file\n\n[V4+ Styles]\nStyle: Default,Arial,48\n\n"
                                       "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                                       "Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,We went home.\n", encoding="utf-8")
    code, out, _ = cojudge(capsys, broken_media[1], "--subtitle", tmp_path / "talk.ass", "--format", "json")
    mute = json_lines(out)["mute"]
    assert code == 0 and mute["words"] == []
    assert mute["verdicts"]["speech-text"]["raw"] == "from the subtitle; NRC: no emotion words"


@pytest.mark.parametrize("content", ["", "1\n00:00:00,000 --> 00:00:02,000\n\n"])
def test_a_subtitle_without_text_is_warned_about_not_dropped_silently(tmp_path, content):
    # --subtitle empty.srt was taken without a word: the speech judge transcribed the audio, the user none the wiser
    from ensemble.predict_command import _read_subtitle

    (tmp_path / "talk.srt").write_text(content, encoding="utf-8")
    with pytest.warns(UserWarning, match=r"talk\.srt: has no text to read .*; the video is judged as without a subtitle"):
        assert _read_subtitle(tmp_path / "talk.srt") == ""


def test_a_subtitle_with_an_upper_case_srt_suffix_is_read_as_srt(tmp_path):
    from ensemble.predict_command import _read_subtitle

    (tmp_path / "TALK.SRT").write_text("1\n00:00:00,000 --> 00:00:02,000\nI am so happy\n", encoding="utf-8")
    assert _read_subtitle(tmp_path / "TALK.SRT") == "I am so happy"


def test_the_table_gives_a_failed_judges_error_in_full():
    from ensemble.fused_prediction import FusedPrediction
    from ensemble.predict_command import RAW_WIDTH, _table

    error = "cannot decode: " + "x" * RAW_WIDTH
    pred = FusedPrediction("c", error="no judge answered this clip")
    assert error in _table(pred, {"face": {"c": Verdict("face", "c", [], error=error)}})


def test_a_judges_raw_text_exactly_as_wide_as_the_table_allows_is_not_cut():
    from ensemble.predict_command import RAW_WIDTH, _why

    raw = "r" * RAW_WIDTH
    assert _why(Verdict("face", "c", ["happy"], raw=raw)) == raw


def test_the_table_shows_no_description_under_a_failed_judge():
    from ensemble.fused_prediction import FusedPrediction
    from ensemble.predict_command import _table

    pred = FusedPrediction("c", error="no judge answered this clip")
    failed = Verdict("two-stage", "c", [], error="timed out", description="a smiling face")
    assert "description:" not in _table(pred, {"two-stage": {"c": failed}})


def test_a_word_the_judge_gave_no_score_for_is_said_without_one():
    from ensemble.predict_command import _said

    assert _said(Verdict("a", "c", ["happy", "sad"], scores={"happy": 0.9})) == "happy 0.90, sad"


def test_a_word_whose_score_is_none_is_said_without_one_as_the_fusion_reads_it():
    # the untrained fusion counts a None score as no score (1.0); the table printed after judging crashed on it
    from ensemble.predict_command import _said

    assert _said(Verdict("a", "c", ["happy", "sad"], scores={"happy": 0.9, "sad": None})) == "happy 0.90, sad"


def test_a_warning_in_mid_run_starts_a_line_of_its_own_not_the_progress_bars():
    """A judge's warning (a truncated clip) printed while the bar was drawn was glued to its end."""
    from tqdm.auto import tqdm

    from ensemble.cli import _one_line_warning

    stderr = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stderr", stderr)
        with tqdm(total=2, desc="judging", file=sys.stderr) as bar:
            bar.update(1)
            _one_line_warning("predict")("cut.mp4: decoded 4.9 s", UserWarning, "media.py", 1)
    warned = [line for line in stderr.getvalue().split("\n") if "warning:" in line]
    assert [line.split("\r")[-1] for line in warned] == ["cojudge predict: warning: cut.mp4: decoded 4.9 s"], warned


# -- the CPU judges on real media --------------------------------------------------------------
@pytest.fixture(scope="module")
def broken_media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broken")
    return make_corrupt_clip(folder / "corrupt.mp4"), make_clip(folder / "mute.mp4", with_audio=False)


def test_a_corrupt_video_and_a_silent_faceless_one_are_reported_with_reasons_not_crashes(capsys, broken_media):
    code, out, _ = cojudge(capsys, *broken_media, "--format", "json")
    clips = json_lines(out)
    assert code == 0
    assert clips["corrupt"]["error"] == "no judge answered this clip"
    assert all("cannot decode" in v["error"] for v in clips["corrupt"]["verdicts"].values())
    assert clips["mute"]["error"] is None and clips["mute"]["words"] == []
    assert {j: v["raw"] for j, v in clips["mute"]["verdicts"].items()} == {
        "face": "no face found in 8 frames", "speech-text": "no audio track to listen to"}


def test_a_truncated_video_is_judged_with_one_warning_line_naming_it(capsys, tmp_path):
    # the face and the speech judge decode the same cut-off download: one line, and each verdict says so
    whole = make_clip(tmp_path / "whole.mp4", seconds=6, width=64, height=48)
    cut = make_truncated_copy(whole, tmp_path / "cut.mp4", 0.5)
    code, out, err = cojudge(capsys, cut, "--format", "json")
    warned = [line for line in err.splitlines() if "truncated" in line]
    assert code == 0 and len(warned) == 1
    assert warned[0].startswith(f"cojudge predict: warning: {cut}: decoded ")
    assert warned[0].endswith("of the 6.0 s its container declares (a truncated or damaged file?); judged on what decodes")
    verdicts = json_lines(out)["cut"]["verdicts"]
    assert all(v["error"] is None and "s declared (a truncated file?); " in v["raw"] for v in verdicts.values())


def test_a_subtitle_file_is_read_for_the_one_video_given(capsys, broken_media, tmp_path):
    (tmp_path / "talk.srt").write_text("1\n00:00:00,000 --> 00:00:02,000\nI hate this, I am furious!\n", encoding="utf-8")
    code, out, _ = cojudge(capsys, broken_media[1], "--subtitle", tmp_path / "talk.srt", "--format", "json")
    mute = json_lines(out)["mute"]
    assert code == 0 and "angry" in mute["words"]
    assert mute["support"]["angry"] == ["speech-text"]


@pytest.mark.slow
def test_the_demo_clip_is_happy_by_the_face_and_the_speech_judges(capsys, monkeypatch, tmp_path):
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed; install it (apt-get install -y espeak-ng) for the spoken demo")
    monkeypatch.setenv("MEROV_CACHE", str(tmp_path / "cache"))
    code, out, _ = cojudge(capsys, "--demo", "--format", "json")
    (demo,) = json_lines(out).values()
    assert code == 0 and (tmp_path / "cache" / f"{demo['name']}.mp4").is_file()
    assert "happy" in demo["words"]
    assert demo["support"]["happy"] == ["face", "speech-text"]


def test_without_espeak_the_demo_says_so_in_one_note_line(capsys, monkeypatch, tmp_path, replay_config):
    monkeypatch.setenv("MEROV_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("judges.demo_clip.shutil.which", lambda name: None)
    monkeypatch.setattr("judges.demo_clip._write_mp4", lambda path, *a: path.write_bytes(b"mp4"))
    _, _, err = cojudge(capsys, "--demo", "--config", replay_config, "--format", "csv")
    notes = [line for line in err.splitlines() if "espeak-ng" in line]
    assert len(notes) == 1 and notes[0].startswith("cojudge predict: note: espeak-ng is not installed")


# -- a calibration from 'cojudge tune', replayed judges -----------------------------------------
@pytest.fixture(scope="module")
def calibrated(tmp_path_factory, outputs_dir, data_root, dev_names):
    """A calibration tuned on 60 dev clips over two stored outputs, and a config replaying them."""
    folder = tmp_path_factory.mktemp("calibrated")
    (folder / "dev60.txt").write_text("\n".join(dev_names[:60]) + "\n", encoding="utf-8")
    (folder / "rest.txt").write_text("\n".join(dev_names[60:70]) + "\n", encoding="utf-8")
    judges = {"affectgpt": outputs_dir / AFFECTGPT, "salmonn": outputs_dir / SALMONN}
    code = main(["tune", "--labels", str(data_root / "ovmerd" / "labels" / "dev.csv"), "--names", str(folder / "dev60.txt"),
                 *[a for n, p in judges.items() for a in ("--judge", f"{n}={p}")],
                 "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2", "--oov", "drop", "--out", str(folder / "cal.json")])
    assert code == 0
    config = "".join(f'[[judge]]\ntype = "replay"\nname = "{n}"\npath = "{p}"\n\n' for n, p in judges.items())
    (folder / "judges.toml").write_text(config, encoding="utf-8")
    (folder / "one.toml").write_text(config.split("\n\n")[0] + "\n", encoding="utf-8")
    return folder, judges


def test_with_a_calibration_predict_gives_what_cojudge_fuse_gives_on_the_stored_outputs(capsys, calibrated):
    folder, judges = calibrated
    code, _, _ = cojudge(capsys, "--names", folder / "rest.txt", "--config", folder / "judges.toml",
                         "--calibration", folder / "cal.json", "--format", "csv", "--out", folder / "predicted.csv")
    assert code == 0
    assert main(["fuse", "--calibration", str(folder / "cal.json"), *[a for n, p in judges.items() for a in ("--judge", f"{n}={p}")],
                 "--names", str(folder / "rest.txt"), "--out", str(folder / "fused.csv")]) == 0
    predicted = read_judge_output(folder / "predicted.csv")
    assert len(predicted) == 10 and any(predicted.values())
    assert predicted == read_judge_output(folder / "fused.csv")


def _failure_cached_by_an_earlier_run(calibrated, tmp_path: Path) -> tuple[Path, str]:
    """The calibrated folder and a clip of its rest.txt whose affectgpt verdict tmp_path/v.sqlite holds as a failure,
    'server was down', as an earlier run stored it."""
    from judges.replay import ReplayJudge
    from judges.verdict_cache import VerdictCache

    folder, judges = calibrated
    clip = (folder / "rest.txt").read_text(encoding="utf-8").split()[0]
    with VerdictCache(tmp_path / "v.sqlite") as cache:
        cache.put(ReplayJudge("affectgpt", judges["affectgpt"]), Clip(clip), Verdict.failed("affectgpt", clip, "server was down"))
    return folder, clip


def test_retry_failed_with_a_calibration_judges_a_cached_failure_again(capsys, calibrated, tmp_path):
    folder, clip = _failure_cached_by_an_earlier_run(calibrated, tmp_path)
    runs = [cojudge(capsys, clip, "--config", folder / "judges.toml", "--calibration", folder / "cal.json", "--cache",
                    tmp_path / "v.sqlite", "--format", "json", *extra) for extra in ([], ["--retry-failed"])]
    said = [json_lines(out)[clip]["verdicts"]["affectgpt"] for _, out, _ in runs]
    assert said[0]["error"] == "server was down"
    assert said[1]["error"] is None and said[1]["words"]


def test_with_a_calibration_a_judges_failure_is_warned_about_once_in_the_commands_words(capsys, calibrated, tmp_path):
    # CoJudge.predict_many warns of it too: its warning, printed as the command's, said it a second time
    folder, clip = _failure_cached_by_an_earlier_run(calibrated, tmp_path)
    code, _, err = cojudge(capsys, clip, "--config", folder / "judges.toml", "--calibration", folder / "cal.json", "--cache",
                           tmp_path / "v.sqlite", "--format", "csv")
    assert code == 0 and [line for line in err.splitlines() if "failed on" in line] == [
        f"cojudge predict: warning: judge affectgpt failed on 1 of 1 clip(s) (1 cached: --retry-failed asks again); {clip}: server was down"]


def test_a_calibration_whose_judges_are_not_configured_is_a_one_line_error(capsys, calibrated):
    folder, _ = calibrated
    err = one_line_error(capsys, "--names", folder / "rest.txt", "--config", folder / "one.toml", "--calibration", folder / "cal.json")
    assert "salmonn" in err


# -- the Ray backend ---------------------------------------------------------------------------
@pytest.mark.slow
def test_the_ray_backend_fuses_the_same_words_as_the_local_one(capsys, replay_config):
    local = cojudge(capsys, "c1", "c2", "nobody", "--config", replay_config, "--format", "csv")
    on_ray = cojudge(capsys, "c1", "c2", "nobody", "--config", replay_config, "--format", "csv", "--backend", "ray", "--quiet")
    assert on_ray[0] == local[0] == 0
    assert on_ray[1] == local[1]


def test_a_configured_judge_the_calibration_does_not_use_is_warned_about(capsys, calibrated, tmp_path):
    folder, _ = calibrated
    config = tmp_path / "judges.toml"
    config.write_text((folder / "judges.toml").read_text(encoding="utf-8")
                      + '[[judge]]\ntype = "replay"\nname = "extra"\nlabels = { c1 = ["happy"] }\n', encoding="utf-8")
    code, _, err = cojudge(capsys, "--names", folder / "rest.txt", "--config", config, "--calibration", folder / "cal.json", "--format", "csv")
    assert code == 0 and "warning: judge(s) extra are not in the calibration" in err


def test_min_support_with_a_calibration_is_refused_before_any_judge_runs(tmp_path, capsys):
    split = tmp_path / "split.txt"
    split.write_text("s1\n", encoding="utf-8")
    code = main(["predict", "--names", str(split), "--calibration", str(tmp_path / "calibration.json"), "--min-support", "0.5"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("cojudge predict: error: --min-support is for the untrained fusion") and "\n" not in err


def test_predict_refuses_to_write_over_a_file_a_judge_of_the_config_reads(capsys, tmp_path):
    """A replayed judge's output file (or a plugin) named in --config is an input: --out or --cache there is refused."""
    stored = tmp_path / "m-openset.csv"
    stored.write_text('name,openset\nc1,"[\'happy\']"\n', encoding="utf-8")
    plugin = tmp_path / "my_judge.py"
    plugin.write_text("", encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./my_judge.py"]\n\n[[judge]]\ntype = "replay"\nname = "m"\npath = "./m-openset.csv"\n', encoding="utf-8")
    for target in (stored, plugin):
        before = target.read_bytes()
        for option in ("--out", "--cache"):
            err = one_line_error(capsys, "c1", "--config", config, option, target)
            assert f"{option} {target} is the same file as" in err
            assert target.read_bytes() == before


def test_predict_refuses_to_write_over_a_file_a_plugins_judge_is_given_under_a_name_of_its_own(capsys, tmp_path, monkeypatch):
    # a plugin's 'reasons = "..."' is no path key merov-cojudge knows: --out wrote the fused CSV over the judge's input
    reasons = tmp_path / "reasons.jsonl"
    reasons.write_text('{"name": "c1", "reason": "happy"}\n', encoding="utf-8")
    (tmp_path / "reasons_judge.py").write_text(
        "from judges.base import Judge\nfrom judges.registry import register_judge\nfrom judges.verdict import Verdict\n\n\n"
        "@register_judge('reasons-file-judge')\nclass Reasons(Judge):\n"
        "    def __init__(self, name='r', reasons=None, settings=None):\n        self.name, self.reasons = name, reasons\n\n"
        "    def judge_batch(self, clips):\n        return [Verdict(self.name, c.name, words=['happy']) for c in clips]\n",
        encoding="utf-8")
    config = tmp_path / "judges.toml"
    config.write_text('plugins = ["./reasons_judge.py"]\n\n[[judge]]\ntype = "reasons-file-judge"\nname = "r"\n'
                      f'reasons = "{reasons}"\n\n[[judge]]\ntype = "reasons-file-judge"\nname = "s"\nsettings = {{ reasons = "./reasons.jsonl" }}\n',
                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for option in ("--out", "--cache"):
        for target in (reasons, "reasons.jsonl"):
            err = one_line_error(capsys, "c1", "--config", config, option, target)
            assert f"{option} {target} is the same file as" in err and "reasons" in err, err
    assert reasons.read_text(encoding="utf-8") == '{"name": "c1", "reason": "happy"}\n'


def test_predict_refuses_to_write_over_the_default_judges_config(capsys, replay_config, monkeypatch):
    import judges.default_judges

    monkeypatch.setattr(judges.default_judges, "DEFAULT_CPU_CONFIG", replay_config)  # a copy stands in: never the package's file
    before = replay_config.read_bytes()
    assert "the same file as --config" in one_line_error(capsys, "c1", "--out", replay_config)
    assert replay_config.read_bytes() == before


def test_predict_refuses_to_write_over_the_subtitle_beside_a_video(capsys, replay_config, tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    subtitle = tmp_path / "clip.srt"
    subtitle.write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
    before = subtitle.read_bytes()
    assert "the same file as the subtitle of clip" in one_line_error(capsys, video, "--config", replay_config, "--out", subtitle)
    assert subtitle.read_bytes() == before


def test_predict_refuses_to_write_over_any_of_the_subtitles_in_several_languages_beside_a_video(capsys, replay_config, tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    for name in ("clip.en.srt", "clip.zh.srt"):
        (tmp_path / name).write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n", encoding="utf-8")
    error = one_line_error(capsys, video, "--subtitle", tmp_path / "clip.en.srt", "--config", replay_config, "--out", tmp_path / "clip.zh.srt")
    assert "the same file as the subtitle of clip (clip.zh.srt)" in error
    assert (tmp_path / "clip.zh.srt").read_text(encoding="utf-8") == "1\n00:00:00,000 --> 00:00:01,000\nhello\n"


def test_an_untrained_fusion_without_wheel_files_says_merov_data_points_nowhere_when_it_is_set(tmp_path, monkeypatch):
    from ensemble.predict_command import _no_wheel_reason

    monkeypatch.setenv("MEROV_DATA", str(tmp_path / "missing"))
    assert _no_wheel_reason() == f"no emotion-wheel files found: MEROV_DATA={tmp_path / 'missing'} has no emotion_wheel/ folder"
    monkeypatch.delenv("MEROV_DATA")
    assert _no_wheel_reason() == "no emotion-wheel files found: set MEROV_DATA"


def test_a_judges_config_read_from_a_pipe_is_read_once_with_out_and_cache(capsys, replay_config, tmp_path):
    """`--config <(...)`: the pipe gives its text once; the check of what --out may not overwrite read it up front,
    and the run then found an empty config ('no judges')."""
    import os

    read_end, write_end = os.pipe()  # what a shell's <(...) hands over: /dev/fd/N
    os.write(write_end, replay_config.read_bytes())
    os.close(write_end)
    try:
        code, out, err = cojudge(capsys, "c1", "--config", f"/dev/fd/{read_end}", "--format", "csv",
                                 "--out", tmp_path / "pred.csv", "--cache", tmp_path / "verdicts.sqlite", "--quiet")
    finally:
        os.close(read_end)
    assert code == 0 and err.startswith("judged 1 clip(s) with 2 judge(s)")
    assert (tmp_path / "pred.csv").read_text(encoding="utf-8").startswith("name,openset")


def test_retry_failed_judges_again_a_clip_whose_cached_verdict_is_a_failure(capsys, tmp_path):
    from tests.test_openai_judge import FakeChatServer, completion

    video = make_clip(tmp_path / "clip.mp4", seconds=0.5, width=32, height=32, fps=4)
    with FakeChatServer([(400, {"error": "model not loaded"}, 0.0), (200, completion("happy"), 0.0)]) as server:
        config = tmp_path / "judges.toml"
        config.write_text(f'[[judge]]\ntype = "openai"\nname = "llm"\nmodel = "m"\nbase_url = "{server.url}"\n'
                          'api_key_env = ""\nnum_frames = 1\nmax_retries = 0\n', encoding="utf-8")
        runs = [cojudge(capsys, "--config", config, "--cache", tmp_path / "v.sqlite", "--format", "json", video, *extra)
                for extra in ([], [], ["--retry-failed"])]
    said = [json_lines(out)["clip"]["verdicts"]["llm"] for _, out, _ in runs]
    assert "HTTP 400" in said[0]["error"] and said[1] == said[0]  # the second run replays the cached failure
    assert (said[2]["words"], said[2]["error"], len(server.requests)) == (["happy"], None, 2)
