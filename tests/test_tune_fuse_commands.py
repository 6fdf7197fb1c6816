"""`cojudge tune` writes a calibration file; `cojudge fuse` uses it; `cojudge evaluate` reads the result."""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
from pathlib import Path

import pytest

from calibration.tune_command import parse_grid
from ensemble.cli import main
from ensemble.judge_args import add_judge_arguments, judge_files, judge_name_for
from judges.errors import InputError
from judges.outputs import read_judge_output


@pytest.fixture(scope="module")
def panel(data_root):
    out = data_root / "ovmerd" / "outputs"
    return [f"affectgpt={out}/AffectGPT/checkpoint_000030_loss_0.602-openset.npz",
            f"chatunivi={out}/Chat-UniVi/output-reason-7b-nosubtitle-addsub-eng-openset.npz",
            f"videochat2={out}/VideoChat2/output-reason-7b-nosubtitle-addsub-eng-openset.npz"]


@pytest.fixture(scope="module")
def calibration(panel, data_root, tmp_path_factory):
    path = tmp_path_factory.mktemp("cal") / "calibration.json"
    args = ["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(data_root / "ovmerd/splits/dev.txt"),
            "--grid", "C=0.1", "--grid", "lam=0.5,0.6", "--oov", "drop", "--out", str(path), "--format", "json"]
    for spec in panel:
        args += ["--judge", spec]
    assert main(args) == 0
    return path


def test_calibration_file_holds_what_reproduces_the_fusion(calibration):
    data = json.loads(calibration.read_text())
    assert [j["name"] for j in data["judges"]] == ["affectgpt", "chatunivi", "videochat2"]
    assert data["strategy"] == "stacked" and data["voter"]["state"]["coef_"]
    assert data["tuning"]["pr_curve"] and "versions" in data and data["fusion"]["oov"] == "drop"


def test_calibration_file_is_strict_json_with_missing_values_as_null(calibration):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    text = calibration.read_text()
    assert "null" in json.dumps(json.loads(text)["voter"]["state"])  # the stacked voter has classes with no constant
    json.loads(text, parse_constant=refuse)


def test_calibration_file_names_no_embedding_model_when_unknown_words_are_dropped(calibration):
    assert json.loads(calibration.read_text())["embedding_model_id"] is None


def test_fuse_writes_csv_that_evaluate_reads(calibration, panel, data_root, tmp_path, capsys, dev_names):
    out = tmp_path / "pred.csv"
    args = ["fuse", "--calibration", str(calibration), "--out", str(out)]
    for spec in panel:
        args += ["--judge", spec]
    assert main(args) == 0
    preds = read_judge_output(out)
    assert set(dev_names) <= set(preds)  # every clip any judge answered (AffectGPT covers 532)
    capsys.readouterr()
    assert main(["evaluate", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--pred", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 231


def test_fuse_reads_the_names_from_standard_input_given_as_a_dash(calibration, panel, data_root, tmp_path, monkeypatch):
    split = data_root / "ovmerd/splits/dev.txt"
    judges = [arg for spec in panel for arg in ("--judge", spec)]
    assert main(["fuse", "--calibration", str(calibration), "--names", str(split), "--out", str(tmp_path / "file.csv"), *judges]) == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(split.read_bytes())))  # grep ... dev.txt | cojudge fuse --names -
    assert main(["fuse", "--calibration", str(calibration), "--names", "-", "--out", str(tmp_path / "piped.csv"), *judges]) == 0
    assert (tmp_path / "piped.csv").read_bytes() == (tmp_path / "file.csv").read_bytes()


def test_fuse_without_a_calibrated_judge_is_one_line_error(calibration, panel, tmp_path, capsys):
    code = main(["fuse", "--calibration", str(calibration), "--judge", panel[0], "--out", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "chatunivi" in err and err.count("\n") == 0


def test_fuse_names_the_first_five_missing_calibrated_judges_then_how_many_more(data_root, tmp_path, capsys):
    checkpoints = sorted((data_root / "ovmerd" / "outputs" / "AffectGPT").glob("*-openset.npz"))[:7]
    specs = [f"ckpt{i}={path}" for i, path in enumerate(checkpoints)]
    calibration = tmp_path / "calibration.json"
    tune = ["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--grid", "C=0.1", "--grid", "lam=0.5",
            "--oov", "drop", "--out", str(calibration)]
    assert main(tune + [arg for spec in specs for arg in ("--judge", spec)]) == 0
    capsys.readouterr()
    code = main(["fuse", "--calibration", str(calibration), "--judge", specs[0], "--out", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "tuned with 7 judge(s), 6 of them not given here (ckpt1, ckpt2, ckpt3, ckpt4, ckpt5 and 1 more)" in err
    assert '(its "judges" lists them all, with their files)' in err


def test_fuse_given_none_of_the_calibrated_judges_names_each_of_them_once(calibration, data_root, tmp_path, capsys):
    # 37 judges were listed twice on one line: once as the missing ones, once as the ones to give
    other = data_root / "ovmerd/outputs/Otter/output-reason-7b-subtitle-eng-openset.npz"
    code = main(["fuse", "--calibration", str(calibration), "--judge", f"otter={other}", "--out", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "tuned with 3 judge(s), none of them given here (affectgpt, chatunivi, videochat2)" in err
    assert err.count("chatunivi") == 1


def test_unknown_strategy_suggests_the_right_one(panel, data_root, tmp_path, capsys):
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", panel[0], "--strategy", "stacking", "--out", str(tmp_path / "c.json")])
    assert code == 2 and "did you mean 'stacked'" in capsys.readouterr().err


def test_tune_reports_how_the_knob_was_chosen(panel, data_root, tmp_path, capsys):
    base = ["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(data_root / "ovmerd/splits/dev.txt"),
            "--grid", "C=0.1", "--grid", "lam=0.4,0.5,0.6", "--oov", "drop"]
    for spec in panel:
        base += ["--judge", spec]
    assert main(base + ["--out", str(tmp_path / "smooth.json")]) == 0
    assert "grid neighbourhood" in capsys.readouterr().out
    assert json.loads((tmp_path / "smooth.json").read_text())["tuning"]["knob_by_neighbourhood"] is True
    assert main(base + ["--out", str(tmp_path / "raw.json"), "--no-smooth"]) == 0
    assert "grid neighbourhood" not in capsys.readouterr().out
    assert json.loads((tmp_path / "raw.json").read_text())["tuning"]["knob_by_neighbourhood"] is False


def test_the_precision_recall_curve_shows_each_knob_value_as_given_not_rounded_into_its_neighbours(panel, data_root, tmp_path, capsys, dev_names):
    (tmp_path / "split.txt").write_text("\n".join(dev_names[:20]) + "\n", encoding="utf-8")
    assert main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(tmp_path / "split.txt"), "--judge", panel[0],
                 "--grid", "C=0.1", "--grid", "lam=0.5,0.505,0.51", "--folds", "2", "--oov", "drop", "--out", str(tmp_path / "c.json")]) == 0
    table = capsys.readouterr().out.split("as lam moves:\n")[1].splitlines()[1:4]
    assert [row.split()[0] for row in table] == ["0.5", "0.505", "0.51"]


def test_a_grid_that_leaves_out_a_default_parameter_says_it_is_not_tuned(panel, data_root, tmp_path, capsys, dev_names):
    (tmp_path / "split.txt").write_text("\n".join(dev_names[:20]) + "\n", encoding="utf-8")
    assert main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(tmp_path / "split.txt"), "--judge", panel[0],
                 "--grid", "C=0.1", "--folds", "2", "--oov", "drop", "--out", str(tmp_path / "c.json")]) == 0
    assert "cojudge tune: note: --grid replaces the default grid, so lam keeps its default (lam=0.5) and is not tuned; add --grid lam=..." \
        in capsys.readouterr().err


def test_tune_warns_when_one_file_is_given_under_two_names(panel, data_root, tmp_path, capsys, dev_names):
    (tmp_path / "split.txt").write_text("\n".join(dev_names[:20]) + "\n", encoding="utf-8")
    path = panel[0].split("=", 1)[1]
    assert main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(tmp_path / "split.txt"),
                 "--judge", f"a={path}", "--judge", f"b={path}", "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2",
                 "--oov", "drop", "--out", str(tmp_path / "c.json")]) == 0
    assert "warning: judges a and b give the same answers on every tuning clip (the same file twice?)" in capsys.readouterr().err


def test_tune_warns_about_a_judge_that_answered_few_clips(panel, data_root, tmp_path, capsys, dev_names):
    sparse = tmp_path / "sparse.csv"
    sparse.write_text(f"name,openset\n{dev_names[0]},\"['happy']\"\n", encoding="utf-8")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", panel[0], "--judge", f"sparse={sparse}",
                 "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2", "--out", str(tmp_path / "c.json"), "--format", "json"])
    assert code == 0 and "judge sparse answered only 1 of the 232 tuning clips" in capsys.readouterr().err


def test_tune_names_the_judges_that_answered_few_clips_in_one_warning_line(panel, data_root, tmp_path, capsys, dev_names):
    # 37 judges covering part of the split printed 37 lines, one per judge
    for i, name in enumerate(("sparse", "thin")):
        (tmp_path / f"{name}.csv").write_text(f"name,openset\n{dev_names[i]},\"['happy']\"\n", encoding="utf-8")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", panel[0], "--judge", f"sparse={tmp_path / 'sparse.csv'}",
                 "--judge", f"thin={tmp_path / 'thin.csv'}", "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2",
                 "--out", str(tmp_path / "c.json"), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 0 and "answered only" not in err
    assert ("warning: 2 judges answered under half of the 232 tuning clips: sparse (1), thin (1); their weights rest on those they "
            "answered\n") in err


def test_tune_names_the_judges_that_named_no_emotion_word_in_one_warning_line(panel, data_root, tmp_path, capsys, dev_names):
    # each printed a line of its own, as the judges that answered few clips did
    for name in ("mute", "quiet"):
        (tmp_path / f"{name}.csv").write_text("name,openset\n" + "".join(f"{n},\"[]\"\n" for n in dev_names), encoding="utf-8")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", panel[0], "--judge", f"mute={tmp_path / 'mute.csv'}",
                 "--judge", f"quiet={tmp_path / 'quiet.csv'}", "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2",
                 "--out", str(tmp_path / "c.json"), "--format", "json"])
    err = capsys.readouterr().err
    assert code == 0 and err.count("named no emotion word") == 1
    assert "warning: 2 judges named no emotion word on any tuning clip: mute, quiet; they add nothing to the fusion\n" in err


def test_tune_refusing_a_judge_that_answered_no_clip_shows_the_name_its_file_gives_the_first_clip(panel, data_root, tmp_path, capsys,
                                                                                                 dev_names):
    # a lab's file naming clips by their videos ('sample_00000000.mp4') was 'answered none of the 232 tuning clips' alone
    (tmp_path / "videos.csv").write_text("name,openset\n" + "".join(f"{n}.mp4,happy\n" for n in dev_names), encoding="utf-8")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", panel[0], "--judge", f"mine={tmp_path / 'videos.csv'}",
                 "--out", str(tmp_path / "c.json")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert (f"judge mine ({tmp_path / 'videos.csv'}) answered none of the 232 tuning clips (e.g. {dev_names[0]!r}; its file names clips "
            f"like '{dev_names[0]}.mp4'); is it the right file?") in err


def test_tune_notes_the_tuning_clips_whose_labels_name_no_emotion_wheel_word(panel, data_root, tmp_path, capsys, dev_names):
    # a labels file with clips not yet labelled (empty cells): the fit learnt them as clips of no emotion, without a word
    labels = read_judge_output(data_root / "ovmerd/labels/dev.csv")
    (tmp_path / "labels.csv").write_text("name,openset\n" + "".join(f"{n},\"{'' if i < 3 else labels[n]}\"\n" for i, n in enumerate(dev_names[:20])),
                                         encoding="utf-8")
    assert main(["tune", "--labels", str(tmp_path / "labels.csv"), "--judge", panel[0], "--grid", "C=0.1", "--grid", "lam=0.5",
                 "--folds", "2", "--oov", "drop", "--out", str(tmp_path / "c.json")]) == 0
    assert (f"cojudge tune: note: {tmp_path / 'labels.csv'}: 3 of the 20 tuning clips have labels that name no emotion-wheel word "
            f"(e.g. {dev_names[0]!r}: no words); the fit learns them as clips of no emotion and the score skips them, as evaluate does; "
            "label them, or tune on --names without them\n") in capsys.readouterr().err


def test_tune_warns_about_labelled_clips_no_judge_answered(panel, data_root, tmp_path, capsys, dev_names):
    part = tmp_path / "part.csv"  # one judge's file of all but the first two dev clips: no judge answered those
    answers = read_judge_output(panel[0].split("=", 1)[1])
    part.write_text("name,openset\n" + "".join(f"{n},\"{answers[n]}\"\n" for n in dev_names[2:]), encoding="utf-8")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", f"part={part}",
                 "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2", "--oov", "drop", "--out", str(tmp_path / "c.json")])
    assert code == 0 and (f"warning: no judge answered 2 of the 232 tuning clips (e.g. {dev_names[0]!r}); they are left out of the fit "
                          "and score 0 in the cross-validation") in capsys.readouterr().err


# -- --judge and --judge-glob: which judges a command replays -----------------------------------
def _judge_files(argv: list[str]) -> dict[str, Path]:
    parser = argparse.ArgumentParser()
    add_judge_arguments(parser)
    return judge_files(parser.parse_args(argv))


@pytest.mark.parametrize(
    ("path", "name"),
    [
        pytest.param("outputs/AffectGPT/ckpt-openset.npz", "AffectGPT:ckpt", id="folder and stem, -openset.npz taken off"),
        pytest.param("runs/p.jsonl", "runs:p", id="jsonl suffix taken off"),
        pytest.param("p.csv", "p", id="no folder: the stem alone"),
        pytest.param("runs/p.jsonl.npz", "runs:p.jsonl", id="only the last suffix taken off"),
        pytest.param("runs/X.NPZ", "runs:X", id="an upper-case suffix taken off, as the reader takes it"),
        pytest.param("runs/ckpt-OpenSet.Npz", "runs:ckpt", id="-openset.npz in any case taken off"),
    ],
)
def test_a_judge_given_as_a_bare_path_is_named_after_its_folder_and_file(path, name):
    assert _judge_files(["--judge", path]) == {name: Path(path)}


@pytest.mark.parametrize("relative", ["run=2/p.csv", "lr=0.1-openset.npz"])
def test_a_judge_given_as_a_bare_path_with_an_equals_sign_is_that_file(tmp_path, monkeypatch, relative):
    monkeypatch.chdir(tmp_path)
    Path(relative).parent.mkdir(parents=True, exist_ok=True)
    Path(relative).write_text("name,openset\n")
    assert _judge_files(["--judge", relative]) == {judge_name_for(Path(relative)): Path(relative)}
    assert _judge_files(["--judge", f"x={relative}"]) == {"x": Path(relative)}  # NAME=PATH as ever


@pytest.mark.parametrize("spec", ["a =p.csv", "a = p.csv", " a=p.csv"])
def test_spaces_around_a_judges_name_and_path_are_not_part_of_them(tmp_path, monkeypatch, spec):
    # 'a =p.csv' was a judge named 'a ': tune saved it so, and fuse said judge 'a' was not given
    monkeypatch.chdir(tmp_path)
    Path("p.csv").write_text("name,openset\n")
    assert _judge_files(["--judge", spec]) == {"a": Path("p.csv")}


def test_judge_glob_help_names_a_file_as_the_command_names_it():
    # the help said '<folder>:<file stem>', but the stem of ckpt30-openset.npz is ckpt30-openset and the judge is ckpt30
    parser = argparse.ArgumentParser()
    add_judge_arguments(parser)
    help_text = next(action.help for action in parser._actions if action.dest == "judge_glob")
    example = re.search(r"e\.g\. (\S+) is '([^']+)'", help_text)
    assert example is not None, help_text
    assert judge_name_for(Path(example[1])) == example[2]


def test_judge_glob_adds_the_matching_files_in_name_order(tmp_path):
    for stem in ("e", "b", "d", "a", "c"):
        (tmp_path / f"{stem}.csv").write_text("name,openset\n")
    files = _judge_files(["--judge-glob", str(tmp_path / "*.csv")])
    assert list(files) == [f"{tmp_path.name}:{s}" for s in "abcde"]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["--judge", "a=x.npz", "--judge", "a=y.npz"], id="NAME=PATH twice"),
        pytest.param(["--judge", "run:p=x.npz", "--judge-glob", "{dir}/p.csv"], id="a globbed file named as an earlier judge"),
    ],
)
def test_a_judge_name_given_twice_is_refused(tmp_path, argv):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "p.csv").write_text("name,openset\n")
    with pytest.raises(InputError, match="given twice"):
        _judge_files([a.format(dir=tmp_path / "run") for a in argv])


def test_a_judge_glob_matching_folders_is_refused_naming_them_and_a_pattern_of_their_files(tmp_path):
    # 'outputs/*' said 'outputs/AffectGPT: is a folder, not a judge-output file', the pattern not named
    for model in ("AffectGPT", "Otter"):
        (tmp_path / model).mkdir()
        (tmp_path / model / "a-openset.npz").write_bytes(b"")
    with pytest.raises(InputError, match=rf"^--judge-glob '{re.escape(str(tmp_path))}/\*' matches 2 folder\(s\) \(AffectGPT, Otter\); "
                                         rf"give a pattern of the judges' files, e\.g\. {re.escape(str(tmp_path))}/\*/\*\.npz$"):
        _judge_files(["--judge-glob", f"{tmp_path}/*"])


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        pytest.param(["--judge", "a="], "write NAME=PATH", id="no path"),
        pytest.param(["--judge", "=x.npz"], "write NAME=PATH", id="no name"),
        pytest.param(["--judge-glob", "{dir}/*.npz"], "matches no file", id="a glob matching nothing"),
        pytest.param([], "no judges", id="no judge at all"),
    ],
)
def test_judge_arguments_naming_no_usable_judge_are_refused(tmp_path, argv, pattern):
    with pytest.raises(InputError, match=pattern):
        _judge_files([a.format(dir=tmp_path) for a in argv])


# -- cojudge fuse: which clips, and what else it writes ------------------------------------------
def _fuse(calibration, panel, out, *options):
    args = ["fuse", "--calibration", str(calibration), "--out", str(out), *map(str, options)]
    for spec in panel:
        args += ["--judge", spec]
    return main(args)


def test_fuse_with_names_writes_just_those_clips_in_the_split_order(calibration, panel, tmp_path, dev_names):
    (tmp_path / "split.txt").write_text(f"{dev_names[1]}\n{dev_names[0]}\n", encoding="utf-8")
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "split.txt") == 0
    assert list(read_judge_output(tmp_path / "pred.csv")) == [dev_names[1], dev_names[0]]


def test_fuse_writes_the_official_csv_layout_with_its_crlf_line_ends(calibration, panel, tmp_path, dev_names, data_root):
    (tmp_path / "split.txt").write_text(f"{dev_names[0]}\n", encoding="utf-8")
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "split.txt") == 0
    official = (data_root / "ovmerd" / "labels" / "dev.csv").read_bytes()
    written = (tmp_path / "pred.csv").read_bytes()
    assert written.split(b"\r\n")[0] == official.split(b"\r\n")[0] == b"name,openset"
    assert written.endswith(b"\r\n") and written.count(b"\n") == written.count(b"\r\n") == 2


def test_fuse_writes_a_clip_no_judge_answered_with_no_words_and_warns(calibration, panel, tmp_path, capsys, dev_names):
    (tmp_path / "split.txt").write_text(f"{dev_names[0]}\nnobody\n", encoding="utf-8")
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "split.txt") == 0
    assert read_judge_output(tmp_path / "pred.csv")["nobody"] == []
    assert "warning: 1 clip(s) no judge answered, written with no words: nobody" in capsys.readouterr().err


def test_fuse_names_the_first_five_clips_no_judge_answered_then_how_many_more(calibration, panel, tmp_path, capsys, dev_names):
    (tmp_path / "split.txt").write_text(dev_names[0] + "".join(f"\nnobody{i}" for i in range(7)) + "\n", encoding="utf-8")
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "split.txt") == 0
    assert ("warning: 7 clip(s) no judge answered, written with no words: nobody0, nobody1, nobody2, nobody3, nobody4 "
            "and 2 more\n") in capsys.readouterr().err


def test_fuse_warns_about_a_judge_that_answered_few_of_the_clips_fused(calibration, panel, tmp_path, capsys, data_root):
    # a judge given another dataset's file answered none of the clips: they were fused without it, with no word said
    (tmp_path / "other.csv").write_text("name,openset\nclip_of_another_dataset,happy\n", encoding="utf-8")
    given = [*panel[:2], f"videochat2={tmp_path / 'other.csv'}"]
    assert _fuse(calibration, given, tmp_path / "pred.csv", "--names", data_root / "ovmerd/splits/dev.txt") == 0
    assert (f"warning: judge videochat2 answered none of the 232 clips fused (is {tmp_path / 'other.csv'} the right file?); "
            "they are fused without it") in capsys.readouterr().err


def test_fuse_warning_of_a_judge_that_answered_no_clip_shows_the_name_its_file_gives_the_first_clip(calibration, panel, tmp_path, capsys,
                                                                                                   data_root, dev_names):
    (tmp_path / "videos.csv").write_text("name,openset\n" + "".join(f"{n}.mp4,happy\n" for n in dev_names), encoding="utf-8")
    given = [*panel[:2], f"videochat2={tmp_path / 'videos.csv'}"]
    assert _fuse(calibration, given, tmp_path / "pred.csv", "--names", data_root / "ovmerd/splits/dev.txt") == 0
    assert (f"warning: judge videochat2 answered none of the 232 clips fused (its file names clips like '{dev_names[0]}.mp4', not "
            f"{dev_names[0]!r}; is {tmp_path / 'videos.csv'} the right file?)") in capsys.readouterr().err


def test_fuse_warns_about_a_judge_that_answered_few_clips_without_calling_its_file_wrong(calibration, panel, tmp_path, capsys,
                                                                                       data_root):
    # a judge that skips clips (audio-only on silent ones) or covers part of the split: its file is the right one;
    # the warning asked 'is it the right file?' all the same
    name, path = panel[2].split("=", 1)
    dev = (data_root / "ovmerd/splits/dev.txt").read_text(encoding="utf-8").split()
    answers = read_judge_output(path)
    (tmp_path / "part.csv").write_text("name,openset\n" + "".join(f'{n},"{answers[n]}"\n' for n in dev[:10]), encoding="utf-8")
    assert _fuse(calibration, [*panel[:2], f"{name}=" + str(tmp_path / "part.csv")], tmp_path / "pred.csv",
                 "--names", data_root / "ovmerd/splits/dev.txt") == 0
    err = capsys.readouterr().err
    assert (f"warning: judge {name} answered only 10 of the 232 clips fused ({tmp_path / 'part.csv'} has no answer for the others); "
            "those are fused without it") in err
    assert "right file" not in err


def test_fuse_names_the_judges_that_answered_none_of_the_clips_in_one_warning_line(calibration, panel, tmp_path, capsys, data_root):
    (tmp_path / "other.csv").write_text("name,openset\nclip_of_another_dataset,happy\n", encoding="utf-8")
    given = [panel[0], *(spec.split("=", 1)[0] + f"={tmp_path / 'other.csv'}" for spec in panel[1:])]
    assert _fuse(calibration, given, tmp_path / "pred.csv", "--names", data_root / "ovmerd/splits/dev.txt") == 0
    err = capsys.readouterr().err
    assert err.count("answered none") == 1
    assert ("warning: 2 judges answered none of the 232 clips fused: chatunivi, videochat2 (are their files the right ones?); "
            "the clips are fused without them\n") in err


def test_fuse_names_the_judges_that_answered_few_clips_in_one_warning_line(calibration, panel, tmp_path, capsys, dev_names):
    # a split most of whose names no judge answered: each of the three judges got a line of its own
    (tmp_path / "split.txt").write_text("\n".join([*dev_names[:10], *(f"missing{i}" for i in range(30))]) + "\n", encoding="utf-8")
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "split.txt") == 0
    err = capsys.readouterr().err
    assert "answered only" not in err
    assert ("warning: 3 judges answered under half of the 40 clips fused: affectgpt (10), chatunivi (10), videochat2 (10) "
            "(their files have no answer for the others); those are fused without them\n") in err


def test_fuse_names_the_judges_given_other_files_than_at_tuning_in_one_warning_line(calibration, panel, tmp_path, capsys):
    # fusing a new batch of clips gives every judge another file: each judge got the same advice on a line of its own
    swapped = [panel[0], "chatunivi=" + panel[2].split("=", 1)[1], "videochat2=" + panel[1].split("=", 1)[1]]
    assert _fuse(calibration, swapped, tmp_path / "pred.csv") == 0
    err = capsys.readouterr().err
    assert err.count("tuned on") == 1 and "warning: 2 judges were tuned on other files than given now: chatunivi (Chat-UniVi/" in err
    assert "fine for the same judges on other clips, wrong for other models (their weights are the tuned judges')\n" in err


def test_fuse_refuses_names_none_of_which_any_judge_answered_and_writes_nothing(calibration, panel, tmp_path, capsys):
    (tmp_path / "other.txt").write_text("clip_of_another_dataset\nanother_one\n", encoding="utf-8")  # another dataset's split
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "other.txt") == 2
    err = capsys.readouterr().err.strip()
    assert "none of its 2 names (first: 'clip_of_another_dataset') is in any judge's output" in err and "\n" not in err
    assert not (tmp_path / "pred.csv").exists()


def test_fuse_refusing_names_no_judge_answered_shows_the_name_the_outputs_give_the_first(calibration, panel, tmp_path, capsys, dev_names):
    (tmp_path / "videos.txt").write_text("".join(f"{n}.mp4\n" for n in dev_names), encoding="utf-8")  # a list of video files
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "videos.txt") == 2
    assert (f"none of its 232 names (first: '{dev_names[0]}.mp4') is in any judge's output (they name clips like {dev_names[0]!r}); "
            "give the split file") in capsys.readouterr().err


def test_fuse_refuses_a_split_line_holding_several_clips_names_apart_by_commas(calibration, panel, tmp_path, capsys, dev_names):
    # the clips of a line 'a,b,c' were one clip that no judge answered, fused with no words
    (tmp_path / "split.txt").write_text(f"{dev_names[0]}\n{dev_names[1]},{dev_names[2]},{dev_names[3]}\n", encoding="utf-8")
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", tmp_path / "split.txt") == 2
    assert (f"{tmp_path / 'split.txt'}: a line holds 3 names of the judges' outputs (" f"{dev_names[1]}, {dev_names[2]} and 1 more) apart by spaces "
            "or commas; give one name per line") in capsys.readouterr().err
    assert not (tmp_path / "pred.csv").exists()


def test_fuse_refuses_a_labels_csv_given_as_the_split_and_writes_nothing(calibration, panel, tmp_path, capsys, data_root):
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--names", data_root / "ovmerd/labels/dev.csv") == 2
    err = capsys.readouterr().err.strip()
    assert "dev.csv: a CSV (first line 'name,openset'), not a split file" in err and "\n" not in err
    assert not (tmp_path / "pred.csv").exists()


def test_fuse_details_give_each_clips_confidences_and_supporting_judges(calibration, panel, tmp_path, dev_names):
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--details", tmp_path / "details.jsonl") == 0
    details = {d["name"]: d for d in map(json.loads, (tmp_path / "details.jsonl").read_text().splitlines())}
    assert list(details) == list(read_judge_output(tmp_path / "pred.csv"))
    clip = details[dev_names[0]]
    assert clip["words"] and set(clip["confidence"]) == set(clip["support"]) == set(clip["words"])


def test_fuse_given_a_calibrated_judge_under_a_misspelt_name_says_which_name_was_meant(calibration, panel, tmp_path, capsys):
    # 'chatunivi' given as 'ChatUniVi' was named missing, the name given for it nowhere
    specs = [panel[0], panel[1].replace("chatunivi=", "ChatUniVi="), panel[2].replace("videochat2=", "videochat=")]
    code = main(["fuse", "--calibration", str(calibration), *[a for spec in specs for a in ("--judge", spec)], "--out", str(tmp_path / "p.csv")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "p.csv").exists()
    assert err.strip().endswith("with their files); did you mean 'chatunivi' for the judge given as 'ChatUniVi', "
                                "'videochat2' for the judge given as 'videochat'?")


def test_fuse_says_it_wrote_the_details_file_too(calibration, panel, tmp_path, capsys):
    assert _fuse(calibration, panel, tmp_path / "pred.csv", "--details", tmp_path / "details.jsonl") == 0
    assert f"wrote {tmp_path / 'pred.csv'} and {tmp_path / 'details.jsonl'}" in capsys.readouterr().err


def test_fuse_does_not_read_a_judge_that_is_not_in_the_calibration(calibration, panel, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a judge output", encoding="utf-8")
    assert _fuse(calibration, [*panel, f"other={tmp_path / 'notes.txt'}"], tmp_path / "pred.csv") == 0
    assert "warning: ignoring judge(s) not in the calibration: other" in capsys.readouterr().err


def test_fuse_warnings_start_with_cojudge_fuse_as_its_errors_do(calibration, panel, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not a judge output", encoding="utf-8")
    assert _fuse(calibration, [*panel, f"other={tmp_path / 'notes.txt'}"], tmp_path / "pred.csv") == 0
    assert capsys.readouterr().err.startswith("cojudge fuse: warning: ignoring judge(s) not in the calibration: other\n")


# -- --grid PARAM=V1,V2: the values tune searches -----------------------------------------------
def test_a_grid_spec_with_no_values_is_refused():
    with pytest.raises(InputError, match="write PARAM=V1,V2"):
        parse_grid(["lam="])


def test_a_grid_spec_with_no_parameter_name_is_refused_showing_how_to_write_one():
    with pytest.raises(InputError, match=r"^--grid '=0.1': write PARAM=V1,V2,\.\.\. e\.g\. --grid threshold=0.3,0.4,0.5$"):
        parse_grid(["=0.1"])


def test_a_parameter_given_twice_in_the_grid_is_refused_not_overridden():
    with pytest.raises(InputError, match="--grid lam is given twice; give all its values in one: --grid lam=0.5,0.6"):
        parse_grid(["lam=0.5", "C=0.1", "lam=0.6"])


def test_empty_items_in_a_grid_spec_are_skipped():
    assert parse_grid(["lam=0.5,,0.6,"]) == {"lam": [0.5, 0.6]}


def test_grid_values_are_numbers_none_and_booleans_in_any_case_else_text():
    assert parse_grid(["x=None,TRUE,false,l2"]) == {"x": [None, True, False, "l2"]}
    assert [type(v) for v in parse_grid(["y=3,0.5"])["y"]] == [int, float]


def test_tune_does_not_warn_about_a_judge_that_answered_exactly_half_the_clips(panel, data_root, tmp_path, capsys, dev_names):
    (tmp_path / "split.txt").write_text("\n".join(dev_names[:20]) + "\n", encoding="utf-8")
    half = tmp_path / "half.csv"
    half.write_text("name,openset\n" + "".join(f"{n},\"['happy']\"\n" for n in dev_names[:10]), encoding="utf-8")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(tmp_path / "split.txt"),
                 "--judge", panel[0], "--judge", f"half={half}", "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2",
                 "--out", str(tmp_path / "c.json"), "--format", "json"])
    assert code == 0 and "answered only" not in capsys.readouterr().err


@pytest.fixture(scope="module")
def small_tuning(panel, data_root, tmp_path_factory, dev_names):
    """Tune on a 20-clip split with one grid point off the defaults (lam=0.3); the table it printed, and the file."""
    folder = tmp_path_factory.mktemp("small")
    (folder / "split.txt").write_text("\n".join(dev_names[:20]) + "\n", encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--names", str(folder / "split.txt"),
                     "--judge", panel[0], "--grid", "C=0.1", "--grid", "lam=0.3", "--folds", "2", "--oov", "drop",
                     "--out", str(folder / "c.json")]) == 0
    return printed.getvalue(), json.loads((folder / "c.json").read_text())


def test_the_calibration_file_stores_the_voter_with_the_chosen_grid_values(small_tuning):
    _, data = small_tuning
    assert data["voter"]["params"]["lam"] == 0.3 and data["voter"]["params"]["C"] == 0.1


def test_the_tuning_summary_counts_the_clips_of_the_split_not_of_the_labels_file(small_tuning):
    _, data = small_tuning
    assert data["tuning"]["n_clips"] == 20


def test_the_tune_table_mentions_repeats_only_when_there_are_several(small_tuning):
    printed, _ = small_tuning
    assert "on 20 clips x 1 judges (2-fold CV, " in printed


def test_an_interrupted_tune_does_not_claim_its_work_is_kept_in_a_cache(monkeypatch, tmp_path, capsys):
    import calibration.tune_command

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibration.tune_command, "run", interrupted)
    code = main(["tune", "--labels", "dev.csv", "--judge", "a=a.npz", "--out", str(tmp_path / "cal.json")])
    err = capsys.readouterr().err
    assert code == 130 and "interrupted" in err and "cache" not in err


def test_an_interrupted_command_says_so_on_an_error_line_as_its_other_errors(monkeypatch, tmp_path, capsys):
    # it said 'cojudge tune: interrupted; ...': the one line of a command's stderr that a grep for ': error:' missed
    import calibration.tune_command

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(calibration.tune_command, "run", interrupted)
    assert main(["tune", "--labels", "dev.csv", "--judge", "a=a.npz", "--out", str(tmp_path / "cal.json")]) == 130
    assert capsys.readouterr().err == "cojudge tune: error: interrupted; no output file was written\n"


def test_an_interrupted_predict_with_a_cache_names_it_for_resuming(monkeypatch, tmp_path, capsys):
    import ensemble.predict_command

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ensemble.predict_command, "run", interrupted)
    cache = tmp_path / "verdicts.sqlite"
    assert main(["predict", "clip1", "--cache", str(cache)]) == 130
    assert str(cache) in capsys.readouterr().err


def test_an_interrupted_predict_without_a_cache_says_how_to_keep_verdicts_next_time(monkeypatch, capsys):
    # it said only 'no output file was written': the judging done was lost with no word on how to keep it
    import ensemble.predict_command

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(ensemble.predict_command, "run", interrupted)
    assert main(["predict", "clip1"]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no output file was written" in err and "--cache FILE" in err


def test_ctrl_c_while_a_command_imports_its_libraries_is_one_line_not_a_traceback(monkeypatch, capsys):
    """Start-up (scikit-learn, pandas...) takes seconds; Ctrl-C then is exit 130 with one line, as later."""
    import types

    import ensemble.cli

    def interrupted(name):
        raise KeyboardInterrupt

    monkeypatch.setattr(ensemble.cli, "importlib", types.SimpleNamespace(import_module=interrupted))
    assert main(["tune", "--labels", "dev.csv", "--judge", "a=a.npz", "--out", "cal.json"]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cojudge tune: error: interrupted") and "no output file was written" in err


def test_the_console_script_exits_at_once_after_an_interrupt_whatever_a_judge_thread_still_runs():
    # a judge's native thread still busy after Ctrl-C: the interpreter's teardown would wait for it, or abort (134)
    import subprocess
    import sys
    import time

    script = ("import threading, time, ensemble.cli as cli\n"
              "def interrupted():\n"
              "    threading.Thread(target=time.sleep, args=(60,)).start()\n"
              "    return 130\n"
              "cli.main = interrupted\n"
              "cli.entry()\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=50)
    assert done.returncode == 130 and time.monotonic() - started < 40, done.stderr[-300:]


def test_the_calibration_records_this_packages_version_even_from_a_checkout_not_installed(calibration):
    from importlib import metadata

    version = json.loads(calibration.read_text())["versions"]["merov-cojudge"]
    try:
        assert version == metadata.version("merov-cojudge")
    except metadata.PackageNotFoundError:
        assert version.endswith("(source checkout, not installed)") and version[0].isdigit()
