"""Outputs never destroy inputs or lose finished work; a damaged calibration file is a one-line error."""
from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from calibration.calibration_file import judges_on_other_files, load_calibration, save_calibration
from ensemble.cli import main
from ensemble.fuser import Fuser
from ensemble.output_files import check_output_path, write_atomically
from judges.errors import InputError
from judges.temp_files import _host, temporary_path


@pytest.fixture(scope="module")
def two_judges(data_root):
    out = data_root / "ovmerd" / "outputs"
    return [f"a={out}/AffectGPT/checkpoint_000030_loss_0.602-openset.npz",
            f"c={out}/Chat-UniVi/output-reason-7b-nosubtitle-addsub-eng-openset.npz"]


@pytest.fixture(scope="module")
def calibration(two_judges, data_root, tmp_path_factory):
    path = tmp_path_factory.mktemp("cal") / "calibration.json"
    args = ["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--grid", "C=0.1", "--grid", "lam=0.5",
            "--oov", "drop", "--folds", "2", "--out", str(path), "--format", "json"]
    for spec in two_judges:
        args += ["--judge", spec]
    assert main(args) == 0
    return path


def _fuse(calibration, judges, *extra: str) -> list[str]:
    args = ["fuse", "--calibration", str(calibration), *extra]
    for spec in judges:
        args += ["--judge", spec]
    return args


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    return err


def test_tune_refuses_to_write_over_its_labels(two_judges, data_root, tmp_path, capsys):
    labels = tmp_path / "dev.csv"
    labels.write_bytes((data_root / "ovmerd/labels/dev.csv").read_bytes())
    before = labels.read_bytes()
    code = main(["tune", "--labels", str(labels), "--judge", two_judges[0], "--out", str(labels)])
    assert code == 2 and "--labels" in _one_line_error(capsys)
    assert labels.read_bytes() == before


def test_tune_refuses_an_unwritable_out_before_tuning(two_judges, data_root, tmp_path, capsys):
    (tmp_path / "taken").write_text("a file, not a folder")
    code = main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", two_judges[0],
                 "--out", str(tmp_path / "taken" / "cal.json")])
    assert code == 2 and "not a folder" in _one_line_error(capsys)


def test_fuse_refuses_to_write_over_a_judge_output(calibration, two_judges, tmp_path, capsys):
    copy = tmp_path / "judge.csv"
    copy.write_text("name,openset\nsample_00000000,\"['happy']\"\n")
    code = main(_fuse(calibration, [two_judges[0], f"c={copy}"], "--out", str(copy)))
    assert code == 2 and "judge c" in _one_line_error(capsys)
    assert "happy" in copy.read_text()


def test_fuse_refuses_the_same_file_for_out_and_details(calibration, two_judges, tmp_path, capsys):
    same = tmp_path / "same.csv"
    code = main(_fuse(calibration, two_judges, "--out", str(same), "--details", str(same)))
    assert code == 2 and "--details" in _one_line_error(capsys) and not same.exists()


def test_fuse_refuses_a_folder_as_details_before_writing_anything(calibration, two_judges, tmp_path, capsys):
    out = tmp_path / "pred.csv"
    code = main(_fuse(calibration, two_judges, "--out", str(out), "--details", str(tmp_path)))
    assert code == 2 and "folder" in _one_line_error(capsys) and not out.exists()


def test_an_out_ending_with_a_slash_names_a_folder_and_is_refused_not_written_as_a_file_of_that_name(calibration, two_judges, tmp_path, capsys):
    # 'cojudge fuse ... --out results/' wrote a file named results, and said 'wrote results/'
    code = main(_fuse(calibration, two_judges, "--out", f"{tmp_path / 'results'}/"))
    assert code == 2 and _one_line_error(capsys) == (f"cojudge fuse: error: --out {tmp_path / 'results'}/ names a folder (it ends with /); "
                                                     f"give a file name, e.g. {tmp_path / 'results' / 'out'}")
    assert not (tmp_path / "results").exists()


def test_an_out_given_as_a_dash_is_refused_not_written_as_a_file_named_dash(calibration, two_judges, tmp_path, capsys, monkeypatch):
    # --names - reads standard input; 'cojudge fuse ... --out -' wrote a file named '-' in the current folder
    monkeypatch.chdir(tmp_path)
    code = main(_fuse(calibration, two_judges, "--out", "-"))
    assert code == 2 and _one_line_error(capsys) == (
        "cojudge fuse: error: --out -: --out writes a file, not standard output ('-' would be a file of that name); give the file's path")
    assert not (tmp_path / "-").exists()


def test_an_input_file_given_as_a_dash_says_which_options_read_standard_input(two_judges, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no file named '-' here: it said '-: no such CSV file' alone
    code = main(["evaluate", "--labels", "-", "--pred", two_judges[0].partition("=")[2]])
    assert code == 2 and _one_line_error(capsys) == ("cojudge evaluate: error: -: no such CSV file; standard input is read by --names - "
                                                     "and --videos-from - only: give the CSV file's path")


def test_fuse_creates_the_details_folder(calibration, two_judges, tmp_path):
    details = tmp_path / "new" / "details.jsonl"
    assert main(_fuse(calibration, two_judges, "--out", str(tmp_path / "pred.csv"), "--details", str(details))) == 0
    assert json.loads(details.read_text().splitlines()[0])["name"]


def test_a_refused_run_leaves_no_folder_it_made_for_its_outputs(calibration, two_judges, tmp_path, capsys):
    # the --out folders were made before any work, for the check that they can be written, and a refusal left them empty
    out = tmp_path / "new" / "deeper" / "pred.csv"
    code = main(_fuse(calibration, two_judges[:1], "--out", str(out), "--details", str(tmp_path / "other" / "d.jsonl")))
    assert code == 2 and "not given here" in _one_line_error(capsys)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_an_output_folder_that_cannot_be_made_leaves_none_of_the_folders_made_before_it(calibration, two_judges, tmp_path, capsys):
    # mkdir made 'new', then failed on the name too long for the file system: the refusal left 'new' behind
    out = tmp_path / "new" / ("x" * 300) / "pred.csv"
    assert main(_fuse(calibration, two_judges, "--out", str(out))) == 2
    assert "cannot create its folder" in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_a_refused_run_keeps_a_folder_that_was_there(calibration, two_judges, tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    assert main(_fuse(calibration, two_judges[:1], "--out", str(tmp_path / "mine" / "new" / "pred.csv"))) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["mine"] and not any((tmp_path / "mine").iterdir())


def test_fuse_warns_when_a_judge_comes_from_another_file_than_at_tuning(calibration, two_judges, data_root, tmp_path, capsys):
    other = data_root / "ovmerd/outputs/VideoChat2/output-reason-7b-nosubtitle-addsub-eng-openset.npz"
    assert main(_fuse(calibration, [two_judges[0], f"c={other}"], "--out", str(tmp_path / "pred.csv"))) == 0
    err = capsys.readouterr().err
    assert "judge c was tuned on Chat-UniVi/" in err and "judge a" not in err


def test_fuse_warns_when_a_judges_file_of_the_tuned_folder_and_name_holds_other_answers(calibration, two_judges, data_root, tmp_path, capsys):
    outputs = data_root / "ovmerd" / "outputs"
    run = "output-reason-7b-nosubtitle-addsub-eng-openset.npz"
    (tmp_path / "moved" / "Chat-UniVi").mkdir(parents=True)
    (tmp_path / "other" / "Chat-UniVi").mkdir(parents=True)
    moved = tmp_path / "moved" / "Chat-UniVi" / run  # the tuned file on another machine
    moved.write_bytes((outputs / "Chat-UniVi" / run).read_bytes())
    other = tmp_path / "other" / "Chat-UniVi" / run  # another model's answers saved under the tuned name
    other.write_bytes((outputs / "VideoChat2" / run).read_bytes())
    assert main(_fuse(calibration, [two_judges[0], f"c={moved}"], "--out", str(tmp_path / "moved.csv"))) == 0
    assert "warning" not in capsys.readouterr().err
    assert main(_fuse(calibration, [two_judges[0], f"c={other}"], "--out", str(tmp_path / "other.csv"))) == 0
    err = capsys.readouterr().err
    assert f"judge c's file {other} holds other answers than the Chat-UniVi/{run} it was tuned on" in err and "judge a" not in err


def test_fuse_does_not_warn_about_a_judges_file_renamed_elsewhere_with_the_answers_it_was_tuned_on(calibration, two_judges, data_root, tmp_path, capsys):
    renamed = tmp_path / "judges" / "chatunivi.npz"  # the files gathered into one folder on another machine
    renamed.parent.mkdir()
    renamed.write_bytes((data_root / "ovmerd/outputs/Chat-UniVi/output-reason-7b-nosubtitle-addsub-eng-openset.npz").read_bytes())
    assert main(_fuse(calibration, [two_judges[0], f"c={renamed}"], "--out", str(tmp_path / "pred.csv"))) == 0
    assert "warning" not in capsys.readouterr().err


def test_a_judge_tuned_by_a_path_relative_to_its_folder_keeps_its_folder_for_the_other_file_warning(data_root, tmp_path, monkeypatch, capsys):
    outputs = data_root.resolve() / "ovmerd" / "outputs"
    run = "output-reason-7b-nosubtitle-addsub-eng-openset.npz"  # every baseline model's file has this name
    cal = tmp_path / "cal.json"
    monkeypatch.chdir(outputs / "Chat-UniVi")
    assert main(["tune", "--labels", str(data_root.resolve() / "ovmerd/labels/dev.csv"), "--judge", f"a={run}", "--grid", "C=0.1",
                 "--grid", "lam=0.5", "--oov", "drop", "--folds", "2", "--out", str(cal), "--format", "json"]) == 0
    assert json.loads(cal.read_text())["judges"][0]["path"] == str(outputs / "Chat-UniVi" / run)
    capsys.readouterr()
    monkeypatch.chdir(outputs / "Otter")  # another model's file of the same name
    assert main(_fuse(cal, [f"a={run}"], "--out", str(tmp_path / "otter.csv"))) == 0
    assert "judge a was tuned on Chat-UniVi/" in capsys.readouterr().err
    assert main(_fuse(cal, [f"a={outputs / 'Chat-UniVi' / run}"], "--out", str(tmp_path / "same.csv"))) == 0  # the very file
    assert "tuned on" not in capsys.readouterr().err
    monkeypatch.chdir(outputs / "Chat-UniVi")
    assert main(_fuse(cal, [f"a={run}"], "--out", str(tmp_path / "again.csv"))) == 0  # the very file, as at tuning
    assert "tuned on" not in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["drop voter", "drop wheel", "bad class", "unknown parameter", "drop state", "fewer judges", "lam out of range",
                                    "judges as bare names", "drop strategy", "reliability feature switched off", "coefficients cut short",
                                    "fewer classes", "similarity not a number", "similarity above 1", "embedding model not a name",
                                    "embedding model id not a name", "judge path not a name", "reliability state null",
                                    "intercept null", "oov not a policy"])
def test_a_damaged_calibration_file_is_a_one_line_error(calibration, two_judges, tmp_path, capsys, damage):
    data = json.loads(calibration.read_text())
    if damage == "drop voter":
        del data["voter"]
    elif damage == "drop wheel":
        del data["wheel"]
    elif damage == "bad class":
        data["voter"]["class"] = "ensemble.stacked_voter"
    elif damage == "unknown parameter":
        data["voter"]["params"]["bogus"] = 1
    elif damage == "lam out of range":
        data["voter"]["params"]["lam"] = 7
    elif damage == "drop state":
        data["voter"]["state"] = {}
    elif damage == "judges as bare names":
        data["judges"] = [j["name"] for j in data["judges"]]
    elif damage == "drop strategy":
        del data["strategy"]
    elif damage == "reliability feature switched off":
        data["voter"]["params"]["reliability_feature"] = False
    elif damage == "coefficients cut short":
        data["voter"]["state"]["coef_"] = data["voter"]["state"]["coef_"][:3]
    elif damage == "fewer classes":
        data["voter"]["state"]["n_classes_"] = 7
    elif damage == "similarity not a number":
        data["fusion"]["min_similarity"] = "high"
    elif damage == "similarity above 1":
        data["fusion"]["min_similarity"] = 5
    elif damage == "embedding model not a name":
        data["fusion"].update(oov="attach", embedding_model=5)
    elif damage == "embedding model id not a name":
        data["embedding_model_id"] = 5
    elif damage == "judge path not a name":
        data["judges"][0]["path"] = 5
    elif damage == "reliability state null":
        data["voter"]["state"]["reliability_"] = None
    elif damage == "oov not a policy":
        data["fusion"]["oov"] = "keep"
    elif damage == "intercept null":  # as a NaN is written: the voter would give NaN probabilities
        data["voter"]["state"]["intercept_"][0] = None
    else:
        data["voter"]["state"]["judges_"] = ["a"]
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(data))
    code = main(_fuse(damaged, two_judges, "--out", str(tmp_path / "pred.csv")))
    err = _one_line_error(capsys)
    assert code == 2 and "damaged calibration file" in err and "cojudge tune" in err



def _altered(calibration, tmp_path, change) -> Path:
    data = json.loads(calibration.read_text())
    change(data)
    path = tmp_path / "altered.json"
    path.write_text(json.dumps(data))
    return path


def test_a_missing_calibration_file_is_named_with_how_to_make_one(tmp_path):
    with pytest.raises(InputError, match="no such calibration file; make one with 'cojudge tune'"):
        load_calibration(tmp_path / "none.json")


def test_json_that_is_not_a_calibration_file_is_refused_as_such(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format_version": 1, "judges": []}))
    with pytest.raises(InputError, match="not a merov-cojudge calibration file"):
        load_calibration(path)


@pytest.mark.parametrize("text", [b"", b"name,openset\r\ns1,[happy]\r\n", b"PK\x03\x04\x86binary", b'{"format": "merov-cojudge calibration",}'])
def test_a_file_that_is_not_json_given_as_the_calibration_says_which_file_to_give(tmp_path, text):
    # fuse's predictions CSV, a judge's npz or a hand edit's stray comma said only 'not a calibration file (invalid JSON: ...)'
    path = tmp_path / "cal.json"
    path.write_bytes(text)
    with pytest.raises(InputError, match=r"cal\.json: not a calibration file \(invalid JSON: .*\); give the JSON file 'cojudge tune --out' "
                                         r"wrote, or mend the JSON where it was edited by hand$"):
        load_calibration(path)


def test_a_calibration_file_saved_back_with_a_byte_order_mark_still_loads(calibration, tmp_path):
    edited = tmp_path / "edited.json"
    edited.write_text(calibration.read_text(encoding="utf-8"), encoding="utf-8-sig")  # Notepad's "UTF-8"
    fuser, data = load_calibration(edited)
    assert fuser.judges_ == ["a", "c"] and data["strategy"] == "stacked"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_calibration_file_saved_back_as_utf16_still_loads(calibration, tmp_path, encoding):
    # Notepad's "Unicode": it said 'not a calibration file (invalid JSON: 'utf-8' codec can't decode byte 0xff ...)'
    edited = tmp_path / "edited.json"
    edited.write_text(calibration.read_text(encoding="utf-8"), encoding=encoding)
    fuser, data = load_calibration(edited)
    assert fuser.judges_ == ["a", "c"] and data == json.loads(calibration.read_text(encoding="utf-8"))


def test_a_git_lfs_pointer_given_as_the_calibration_is_named_so_not_invalid_json(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 4242\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cal\.json: a Git LFS pointer, not the file itself \(cloned without git-lfs\?\); "):
        load_calibration(path)


def test_a_calibration_of_another_format_version_asks_for_a_new_tuning(calibration, tmp_path):
    path = _altered(calibration, tmp_path, lambda data: data.update(format_version=2))
    with pytest.raises(InputError, match="calibration format 2 is not supported"):
        load_calibration(path)


def test_a_calibration_whose_strategy_is_edited_to_another_than_its_voters_is_refused(calibration, tmp_path):
    path = _altered(calibration, tmp_path, lambda data: data.update(strategy="majority"))  # its voter is still the stacked one
    with pytest.raises(InputError, match=r"strategy 'majority' is not its voter's \(StackedVoter: 'stacked'\).*cojudge tune --strategy majority"):
        load_calibration(path)


def test_a_calibration_whose_strategy_is_edited_to_an_unknown_name_is_refused_with_the_allowed_ones(calibration, tmp_path):
    path = _altered(calibration, tmp_path, lambda data: data.update(strategy="stacking"))
    with pytest.raises(InputError, match=r"altered.json: its strategy 'stacking' is not one of majority, weighted, dawid-skene, stacked; "
                                         r"its voter \(StackedVoter\) is 'stacked'"):
        load_calibration(path)


@pytest.mark.parametrize(("edit", "said"), [
    (lambda data: data.update(voter=None), r"'voter' must be an object \(class, params, state\), not null"),
    (lambda data: data.update(wheel="level1"), r"'wheel' must be an object \(directory, word_forms, level\), not \"level1\""),
    (lambda data: data["voter"].update(params="C=0.1"), r"voter 'params' must be an object, not \"C=0.1\""),
    (lambda data: data["voter"].update(state=[]), r"voter 'state' must be an object, not \[\]"),
], ids=["voter null", "wheel text", "params text", "state list"])
def test_a_calibration_whose_voter_or_wheel_is_edited_into_another_type_names_it(calibration, tmp_path, edit, said):
    # 'damaged calibration file (TypeError: string indices must be integers, not 'str')' named no entry
    with pytest.raises(InputError, match=rf"altered\.json: damaged calibration file \(ValueError: {said}\); re-run 'cojudge tune'"):
        load_calibration(_altered(calibration, tmp_path, edit))


@pytest.mark.parametrize("level", [3, "1", "level2", None])
def test_a_calibration_whose_wheel_level_is_edited_is_refused_with_the_allowed_one(calibration, tmp_path, level):
    path = _altered(calibration, tmp_path, lambda data: data["wheel"].update(level=level))
    with pytest.raises(InputError, match=rf"altered.json: its wheel level {level!r} is not the level .* the only allowed value is 'level1'"):
        load_calibration(path)


def test_a_calibration_of_a_newer_format_says_to_upgrade(calibration, tmp_path):
    path = _altered(calibration, tmp_path, lambda data: data.update(format_version=2))
    with pytest.raises(InputError, match=r"format_version 2 is newer than it reads \(1\); upgrade merov-cojudge"):
        load_calibration(path)


def test_a_format_version_edited_into_text_is_shown_as_text_not_as_the_expected_number(calibration, tmp_path):
    path = _altered(calibration, tmp_path, lambda data: data.update(format_version="1"))
    with pytest.raises(InputError, match=r"calibration format_version '1' is not supported \(expected 1\)"):
        load_calibration(path)


def test_a_format_version_edited_into_true_is_refused_not_read_as_the_number_1(calibration, tmp_path):
    # True == 1 in Python: a JSON true is no format version
    path = _altered(calibration, tmp_path, lambda data: data.update(format_version=True))
    with pytest.raises(InputError, match=r"calibration format_version True is not supported \(expected 1\)"):
        load_calibration(path)


@pytest.mark.parametrize("similarity", [-1, -0.5, 1])
def test_a_calibration_whose_min_similarity_is_any_cosine_from_minus_1_to_1_loads(calibration, tmp_path, similarity):
    path = _altered(calibration, tmp_path, lambda data: data["fusion"].update(min_similarity=similarity))
    fuser, _ = load_calibration(path)
    assert fuser.describe()["min_similarity"] == similarity


def test_a_calibration_whose_class_count_is_not_the_wheels_is_damaged_even_for_a_voter_whose_votes_do_not_read_it(tmp_path, wheel):
    # the majority voter's probabilities come from the votes alone, so only the class count check tells this edit
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    saved = save_calibration(tmp_path / "c.json", fuser, [{"name": j} for j in outputs], "majority")
    path = _altered(saved, tmp_path, lambda data: data["voter"]["state"].update(n_classes_=7))
    with pytest.raises(InputError, match=r"damaged calibration file \(ValueError: the voter has 7 classes, the wheel 31\)"):
        load_calibration(path)


def test_a_voter_class_that_is_not_a_voting_strategy_is_refused_not_built(calibration, tmp_path):
    # a strategy of one's own: a built-in strategy's file naming another class is refused before any import
    path = _altered(calibration, tmp_path, lambda data: data.update(strategy="mine") or data["voter"].update({"class": "collections:OrderedDict"}))
    with pytest.raises(InputError, match="its voter class 'collections:OrderedDict': OrderedDict is not a voting strategy"):
        load_calibration(path)


def test_a_calibration_listing_its_judges_in_another_order_than_its_voter_is_damaged(calibration, tmp_path):
    path = _altered(calibration, tmp_path, lambda data: data["judges"].reverse())
    with pytest.raises(InputError, match="damaged calibration file"):
        load_calibration(path)


def test_the_files_a_built_in_strategys_calibration_reads_are_its_wheel_files_only(calibration):
    # merov-cojudge's own voter module is no input of the user's to guard
    from calibration.calibration_file import calibration_input_files

    files = calibration_input_files(calibration)
    assert len(files) == 7 and all(what.startswith("the emotion wheel's ") for what in files)


def test_a_calibration_whose_wheel_folder_is_gone_uses_the_data_folders_wheel(calibration, tmp_path, data_root):
    path = _altered(calibration, tmp_path, lambda data: data["wheel"].update(directory=str(tmp_path / "moved")))
    fuser, _ = load_calibration(path)
    assert Path(fuser.space().wheel.directory) == data_root / "emotion_wheel"


def test_a_reloaded_calibration_keeps_its_fusion_parameters(calibration):
    fuser, data = load_calibration(calibration)
    assert fuser.describe() == data["fusion"] and fuser.oov == "drop"



def test_a_calibration_reloads_the_word_forms_file_it_was_fitted_with(tmp_path, data_root):
    from calibration.emotion_wheel import load_wheel
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    wheel = load_wheel(data_root / "emotion_wheel", "format-mer2026.csv")
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    path = save_calibration(tmp_path / "c.json", fuser, [{"name": j} for j in outputs], "majority")
    reloaded, _ = load_calibration(path)
    assert reloaded.space().wheel.format_file == "format-mer2026.csv"

def test_values_in_a_tuple_are_saved_as_those_in_a_list_are(tmp_path, wheel):
    # a judge's record holding a tuple (its files, its settings): paths as text, numpy numbers as JSON's, NaN as null
    import numpy as np

    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    given = (Path("/data/run.npz"), np.int64(3), float("nan"))
    judges = [{"name": j, "tuple": given, "list": list(given)} for j in outputs]
    path = save_calibration(tmp_path / "c.json", fuser, judges, "majority")
    saved = json.loads(path.read_text(encoding="utf-8"))["judges"][0]
    assert saved["tuple"] == saved["list"] == ["/data/run.npz", 3, None]


def test_a_calibration_tuned_on_a_numpy_grid_is_saved_with_plain_json_numbers(tmp_path, wheel):
    import numpy as np

    from calibration.tuning import tune_table
    from ensemble.stacked_voter import StackedVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    fuser = Fuser(StackedVoter(), oov="drop", wheel=wheel)
    table = fuser.table(outputs, list(labels))
    result = tune_table(fuser, table, labels, {"max_words": np.arange(1, 3), "lam": np.array([0.5], dtype=np.float32)}, folds=2)
    fuser.voter.set_params(**result.best_params)
    fuser.fit_table(table, labels)
    path = save_calibration(tmp_path / "c.json", fuser, [{"name": j} for j in outputs], "stacked", {"tuning": result.summary()})
    reloaded, data = load_calibration(path)
    assert data["voter"]["params"]["max_words"] in (1, 2) and data["voter"]["params"]["lam"] == 0.5
    assert data["tuning"]["best_params"] == {k: data["voter"]["params"][k] for k in ("max_words", "lam")}


def test_a_judge_identity_holding_a_path_and_a_set_is_saved_as_the_verdict_cache_reads_it(tmp_path, wheel):
    from ensemble.majority_voter import MajorityVoter
    from tests.core_fixtures import toy_outputs

    outputs, labels = toy_outputs()
    fuser = Fuser(MajorityVoter(), oov="drop", wheel=wheel).fit(outputs, labels)
    judges = [{"name": j, "class": "AffectGPTJudge", "cfg_path": tmp_path / "cfg.yaml", "modalities": frozenset({"video", "audio"})} for j in outputs]
    _, data = load_calibration(save_calibration(tmp_path / "c.json", fuser, judges, "majority"))
    assert data["judges"][0]["cfg_path"] == str(tmp_path / "cfg.yaml") and data["judges"][0]["modalities"] == ["audio", "video"]


def test_saving_an_unfitted_fusion_says_so_and_writes_nothing(tmp_path, wheel):
    with pytest.raises(InputError, match="not fitted"):
        save_calibration(tmp_path / "c.json", Fuser(oov="drop", wheel=wheel), [], "stacked")
    assert not (tmp_path / "c.json").exists()


def test_a_replayed_judge_moved_with_its_data_folder_is_not_another_file():
    data = {"judges": [{"name": "a", "type": "replay", "path": "/old/data/outputs/AffectGPT/run.npz"}]}
    assert judges_on_other_files(data, {"a": Path("/new/place/AffectGPT/run.npz")}) == []
    assert judges_on_other_files(data, {"a": Path("/new/place/VideoChat2/run.npz")}) == [("a", "AffectGPT/run.npz", Path("/new/place/VideoChat2/run.npz"))]


def test_a_replayed_judge_saved_by_cojudge_save_is_checked_for_another_file():
    data = {"judges": [{"name": "a", "class": "ReplayJudge", "path": "/data/AffectGPT/run.npz"}]}  # what CoJudge.save writes
    assert judges_on_other_files(data, {"a": Path("/data/VideoChat2/run.npz")}) == [("a", "AffectGPT/run.npz", Path("/data/VideoChat2/run.npz"))]


def test_a_replayed_judge_recorded_without_a_text_path_is_not_compared():
    data = {"judges": [{"name": "a", "type": "replay", "path": 7}, {"name": "b", "class": "ReplayJudge", "path": None}]}
    assert judges_on_other_files(data, {"a": Path("/data/VideoChat2/run.npz"), "b": Path("/data/x.npz")}) == []


def test_only_replayed_judges_are_checked_for_another_file():
    data = {"judges": [{"name": "a", "type": "openai", "path": "/data/AffectGPT/run.npz"}]}
    assert judges_on_other_files(data, {"a": Path("/data/VideoChat2/run.npz")}) == []


@pytest.mark.parametrize("path", [None, ""], ids=["null", "empty"])
def test_a_replayed_judge_recorded_without_a_file_is_not_reported_as_given_another_file(path):
    # answers given in Python name no file to compare: an empty path is not the working folder's
    data = {"judges": [{"name": "a", "type": "replay", "path": path}]}
    assert judges_on_other_files(data, {"a": Path("/data/VideoChat2/run.npz")}) == []


def test_check_output_path_refuses_a_folder(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        check_output_path(tmp_path, "--out", {})


def test_write_atomically_leaves_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("old")

    def fail(fh) -> None:
        fh.write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(path, fail)
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_a_disk_that_fills_up_while_writing_is_a_one_line_error_and_the_old_file_stays(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("old")

    def fill(fh) -> None:
        fh.write("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(InputError, match=r"pred\.csv: cannot write it \(No space left on device\); check its disk has room"):
        write_atomically(path, fill)
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_check_output_path_refuses_a_folder_that_creates_no_files_though_its_mode_allows_it():
    # /proc is mode 555, but root passes os.access: before, tune ran its minute and then died with a traceback
    with pytest.raises(InputError, match=r"--out /proc/calibration\.json: cannot create a file in /proc \("):
        check_output_path("/proc/calibration.json", "--out", {})


def test_check_output_path_leaves_no_file_behind(tmp_path):
    check_output_path(tmp_path / "pred.csv", "--out", {})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_that_is_full_is_a_one_line_error():
    # a device is written into, not replaced: that branch raised the raw OSError
    with pytest.raises(InputError, match=r"/dev/full: cannot write it \(No space left on device\)"):
        write_atomically("/dev/full", lambda fh: fh.write("x" * 100_000))


def test_an_output_name_at_the_file_name_limit_is_written_though_its_temporary_name_would_pass_it(tmp_path):
    # the temporary file's name adds '.<host>.<pid>.tmp': a 250-character name was refused as 'File name too long'
    path = tmp_path / ("p" * 246 + ".csv")
    check_output_path(path, "--out", {})
    write_atomically(path, lambda fh: fh.write("ok"))
    assert path.read_text() == "ok" and list(tmp_path.iterdir()) == [path]


def test_a_folder_named_as_the_temporary_file_is_left_alone_and_the_error_is_the_write_s(tmp_path):
    path = tmp_path / "pred.csv"
    temporary_path(path).mkdir()
    with pytest.raises(InputError, match=r"pred\.csv: cannot write it \(Is a directory\)"):
        write_atomically(path, lambda fh: fh.write("x"))
    assert temporary_path(path).is_dir() and not path.exists()


def test_a_link_named_as_the_temporary_file_is_not_followed_and_the_file_it_points_to_is_left_alone(tmp_path):
    # it was followed: the file it points to was overwritten, and the output became the link
    path, other = tmp_path / "pred.csv", tmp_path / "notes.txt"
    other.write_text("not ours\n")
    temporary_path(path).symlink_to(other)
    with pytest.raises(InputError, match=r"pred\.csv: cannot write it"):
        write_atomically(path, lambda fh: fh.write("name,openset\n"))
    assert other.read_text() == "not ours\n" and not path.exists()


def test_write_atomically_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "calibration.json"
    path.write_text("old")
    path.chmod(0o600)  # private: only its owner may read it
    write_atomically(path, lambda fh: fh.write("new"))
    assert path.read_text() == "new" and stat.S_IMODE(path.stat().st_mode) == 0o600


def _temporary_of(path: Path, pid: int, host: str | None = None) -> Path:
    """The temporary file that process ``pid`` (of machine ``host``, default this one) writes ``path`` through."""
    ours = temporary_path(path)
    name = ours.name.replace(f".{os.getpid()}.tmp", f".{pid}.tmp")
    return ours.with_name(name if host is None else name.replace(f".{_host()}.", f".{host}."))


def _dead_pid() -> int:
    """The id of a process that has ended."""
    done = subprocess.Popen([sys.executable, "-c", ""])
    done.wait()
    return done.pid


def test_write_atomically_leaves_alone_the_temporary_file_of_another_run_writing_the_same_output(tmp_path):
    path = tmp_path / "pred.csv"
    others = [_temporary_of(path, os.getppid()),  # another cojudge, alive, half-way through writing pred.csv
              _temporary_of(path, _dead_pid(), host="other-machine"),  # one on another machine sharing the folder
              _temporary_of(tmp_path / "other.csv", _dead_pid()),  # a killed write of another file
              tmp_path / "pred.csv.tmp", tmp_path / "pred.csv.999999.tmp"]  # not named as ours are
    for other in others:
        other.write_text("name,openset\nhalf")
    write_atomically(path, lambda fh: fh.write("name,openset\n"))
    assert path.read_text() == "name,openset\n" and all(other.read_text() == "name,openset\nhalf" for other in others)


SWEEP_FROM_ANOTHER_CONTAINER = """
import sys
from pathlib import Path
import judges.temp_files as temp_files
temp_files._running = lambda pid: False  # its processes are numbered apart: the writer's pid is none it knows
temp_files.remove_stale_temporaries(Path(sys.argv[1]))
"""


def sweep_from_another_container(target: Path) -> None:
    """What a write of ``target`` does first in another container with this host name: remove the temporary
    files of ``target`` whose process it cannot see running."""
    subprocess.run([sys.executable, "-c", SWEEP_FROM_ANOTHER_CONTAINER, str(target)], check=True,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})


def test_a_write_under_way_keeps_its_temporary_file_though_another_process_takes_its_pid_for_a_dead_one(tmp_path):
    # a container with the same host name writing the same output removed it: 'cannot write it (No such file or directory)'
    path = tmp_path / "pred.csv"

    def write(fh):
        fh.write("name,openset\n")
        fh.flush()
        sweep_from_another_container(path)

    write_atomically(path, write)
    assert path.read_text() == "name,openset\n"


@pytest.mark.parametrize("names", [("node-1.lab", "node-1-lab"), ("merov-cojudge-worker-7f9c8d6b5d-x7k2p", "merov-cojudge-worker-7f9c8d6b5d-x9q4w")],
                         ids=["a-dot-and-a-dash", "alike-up-to-the-33rd-character"])
def test_two_machines_write_an_output_through_temporary_files_of_their_own(monkeypatch, names):
    # they were named as one machine: each took the other's temporary files for its own, its pids for its own processes
    temporaries = []
    for name in names:
        monkeypatch.setattr("judges.temp_files.socket.gethostname", lambda: name)
        temporaries.append(temporary_path(Path("out/pred.csv")))
    assert temporaries[0] != temporaries[1] and all(len(t.name.split(".")[-3]) <= 32 for t in temporaries)


def test_the_temporary_file_of_a_write_killed_midway_is_removed_by_the_next_write_of_that_file(tmp_path):
    path = tmp_path / "pred.csv"
    killed = ("import os, signal, sys\nfrom ensemble.output_files import write_atomically\n"
              "def write(fh):\n    fh.write('name,openset\\nhalf')\n    fh.flush()\n    os.kill(os.getpid(), signal.SIGKILL)\n"
              "write_atomically(sys.argv[1], write)\n")
    run = subprocess.run([sys.executable, "-c", killed, str(path)], env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert run.returncode == -signal.SIGKILL and len(list(tmp_path.iterdir())) == 1 and not path.exists()
    write_atomically(path, lambda fh: fh.write("name,openset\n"))  # before: the killed run's file stayed, one more per kill
    assert list(tmp_path.iterdir()) == [path] and path.read_text() == "name,openset\n"


def test_fuse_refuses_a_read_only_out_before_fusing_and_leaves_it(calibration, two_judges, tmp_path, capsys):
    out = tmp_path / "pred.csv"
    out.write_text("name,openset\nkept,happy\n")
    out.chmod(0o444)  # protected by its owner; the folder alone would let a rename replace it
    code = main(_fuse(calibration, two_judges, "--out", str(out)))
    err = _one_line_error(capsys)
    assert code == 2 and "read-only" in err and "chmod u+w" in err
    assert out.read_text() == "name,openset\nkept,happy\n"


def test_check_output_path_names_how_to_overwrite_a_read_only_file(tmp_path):
    out = tmp_path / "calibration.json"
    out.write_text("{}")
    out.chmod(0o444)
    with pytest.raises(InputError, match=r"calibration\.json is read-only \(mode 0444\); make it writable \(chmod u\+w"):
        check_output_path(out, "--out", {})


def test_write_atomically_syncs_the_new_file_to_disk_before_moving_it_into_place(tmp_path, monkeypatch):
    import os

    events: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(Path, "replace", lambda self, target: (events.append("replace"), real_replace(self, target))[1])
    write_atomically(tmp_path / "pred.csv", lambda fh: fh.write("name,openset\n"))
    assert events[:2] == ["fsync", "replace"] and (tmp_path / "pred.csv").read_text() == "name,openset\n"


def test_check_output_path_refuses_a_link_to_an_input(tmp_path):
    labels = tmp_path / "dev.csv"
    labels.write_text("name,openset\n")
    link = tmp_path / "out.csv"
    link.symlink_to(labels)
    with pytest.raises(InputError, match="same file as --labels"):
        check_output_path(link, "--out", {"--labels": labels})


def test_check_output_path_refuses_another_spelling_of_an_output_not_yet_written(tmp_path):
    with pytest.raises(InputError, match="same file as --out"):
        check_output_path(tmp_path / "sub" / ".." / "pred.csv", "--details", {"--out": tmp_path / "pred.csv"})


def test_check_output_path_names_the_file_standing_where_a_folder_is_needed(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("a file, not a folder")
    with pytest.raises(InputError, match="not a folder") as caught:
        check_output_path(taken / "sub" / "cal.json", "--out", {})
    assert f"{taken} is a file" in str(caught.value)


def test_check_output_path_names_a_link_to_a_folder_that_does_not_exist_not_a_file(tmp_path):
    # 'results -> /mnt/share/results' with the share not mounted was 'results is a file, not a folder'
    (tmp_path / "results").symlink_to(tmp_path / "share" / "results")
    with pytest.raises(InputError, match=rf"--out {re.escape(str(tmp_path))}/results/p\.csv: {re.escape(str(tmp_path))}/results is a link to "
                                         rf"{re.escape(str(tmp_path))}/share/results, which does not exist \(a share not mounted\?\); mount "
                                         r"or create it, or choose another path$"):
        check_output_path(tmp_path / "results" / "p.csv", "--out", {})
    assert not (tmp_path / "share").exists()


def test_write_atomically_creates_the_missing_folder(tmp_path):
    path = write_atomically(tmp_path / "new" / "pred.csv", lambda fh: fh.write("name,openset\n"))
    assert path.read_text() == "name,openset\n"


def test_write_atomically_writes_into_a_named_pipe_or_device_instead_of_replacing_it(tmp_path):
    import os
    import stat
    import subprocess

    fifo = tmp_path / "stdout"  # what `--out /dev/stdout` or `--out >(gzip > pred.csv.gz)` gives
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    try:
        check_output_path(fifo, "--out", {})
        write_atomically(fifo, lambda fh: fh.write("name,openset\n"))
        got = reader.communicate(timeout=10)[0]
    finally:
        reader.kill()
    assert got == "name,openset\n" and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_out_dev_stdout_appended_to_a_log_keeps_the_log_and_what_the_command_printed(tmp_path):
    import subprocess
    import sys

    # `cojudge fuse ... --out /dev/stdout >> log.txt`: /dev/stdout is a link to log.txt, which must not be replaced
    log = tmp_path / "log.txt"
    log.write_text("earlier run\n")
    script = ("from ensemble.output_files import check_output_path, write_atomically\n"
              "print('before', flush=True)\n"
              "write_atomically(check_output_path('/dev/stdout', '--out', {}), lambda fh: fh.write('name,openset\\n'))\n"
              "print('after')\n")
    with log.open("a") as fh:
        subprocess.run([sys.executable, "-c", script], stdout=fh, check=True, timeout=60,
                       cwd=Path(__file__).resolve().parent.parent)
    assert log.read_text() == "earlier run\nbefore\nname,openset\nafter\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.txt"]


def test_write_atomically_through_a_link_replaces_the_linked_file_and_keeps_the_link(tmp_path):
    target = tmp_path / "runs" / "pred.csv"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    write_atomically(check_output_path(link, "--out", {}), lambda fh: fh.write("new"))
    assert link.is_symlink() and target.read_text() == "new"


def _tuned_with_embedding_model(calibration, tmp_path, model_id: str) -> Path:
    def attach_with(data):
        data["fusion"]["oov"] = "attach"
        data["embedding_model_id"] = model_id

    return _altered(calibration, tmp_path, attach_with)


def test_loading_a_calibration_tuned_with_another_embedding_model_warns_that_words_may_attach_differently(calibration, tmp_path):
    path = _tuned_with_embedding_model(calibration, tmp_path, "another-model")
    with pytest.warns(UserWarning, match=r"tuned with embedding model another-model, but all-MiniLM-L6-v2 .* is used now"):
        load_calibration(path)


def test_the_embedding_model_warning_of_cojudge_load_points_at_the_users_line(calibration, two_judges, tmp_path):
    # it pointed at ensemble/cojudge.py, which loads the calibration file for CoJudge.load
    import warnings

    from ensemble.cojudge import CoJudge
    from judges.replay import ReplayJudge

    path = _tuned_with_embedding_model(calibration, tmp_path, "another-model")
    judges = [ReplayJudge(*spec.split("=", 1)) for spec in two_judges]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CoJudge.load(path, judges)
    assert [w.filename for w in caught if "embedding model" in str(w.message)] == [__file__]


def test_loading_a_calibration_with_the_embedding_model_it_was_tuned_with_does_not_warn(calibration, tmp_path, recwarn):
    path = _tuned_with_embedding_model(calibration, tmp_path, Fuser(oov="attach").embedding_model_id())
    load_calibration(path)
    assert not [w for w in recwarn if "embedding model" in str(w.message)]


def test_fuse_gives_a_warning_as_one_line_of_its_own(calibration, two_judges, tmp_path, capsys):
    path = _tuned_with_embedding_model(calibration, tmp_path, "another-model")
    assert main(_fuse(path, two_judges, "--out", str(tmp_path / "pred.csv"))) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "embedding model" in line]
    assert len(warned) == 1 and warned[0].startswith("cojudge fuse: warning: ") and warned[0].endswith("or re-run 'cojudge tune'")


def test_tune_fuse_and_predict_refuse_to_write_over_the_emotion_wheel_files_they_read(two_judges, data_root, tmp_path, capsys, monkeypatch):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(data_root / "emotion_wheel", data / "emotion_wheel")
    monkeypatch.setenv("MEROV_DATA", str(data))
    wheel = data / "emotion_wheel"
    before = {f.name: f.read_bytes() for f in wheel.iterdir()}
    labels = str(data_root / "ovmerd/labels/dev.csv")
    tune = ["tune", "--labels", labels, "--judge", two_judges[0], "--grid", "C=0.1", "--grid", "lam=0.5", "--folds", "2"]
    for argv in (tune + ["--out", str(wheel / "format.csv")],
                 tune + ["--wheel-dir", str(wheel), "--out", str(wheel / "synonym.xlsx")],
                 ["predict", "c1", "--out", str(wheel / "wheel1.xlsx")]):
        assert main(argv) == 2, argv
        assert "emotion wheel" in _one_line_error(capsys)
    cal = tmp_path / "cal.json"
    assert main(tune + ["--out", str(cal)]) == 0
    capsys.readouterr()
    assert main(_fuse(cal, two_judges[:1], "--out", str(wheel / "format.csv"))) == 2
    assert "emotion wheel" in _one_line_error(capsys)
    assert {f.name: f.read_bytes() for f in wheel.iterdir()} == before


def test_fuse_and_predict_refuse_to_write_over_the_wheel_files_of_a_calibration_tuned_with_wheel_dir(two_judges, data_root, tmp_path, capsys):
    import shutil

    wheel = tmp_path / "my_wheel"
    shutil.copytree(data_root / "emotion_wheel", wheel)
    for f in wheel.iterdir():
        f.chmod(0o644)  # writable, as a user's own copy is: only the input guard stands in the way
    before = {f.name: f.read_bytes() for f in wheel.iterdir()}
    cal = tmp_path / "cal.json"
    assert main(["tune", "--labels", str(data_root / "ovmerd/labels/dev.csv"), "--judge", two_judges[0], "--grid", "C=0.1", "--grid", "lam=0.5",
                 "--oov", "drop", "--folds", "2", "--wheel-dir", str(wheel), "--out", str(cal)]) == 0
    config = tmp_path / "replay.toml"
    config.write_text(f'[[judge]]\ntype = "replay"\nname = "a"\npath = "{two_judges[0].split("=", 1)[1]}"\n')
    capsys.readouterr()
    for argv in (_fuse(cal, two_judges[:1], "--out", str(wheel / "wheel1.xlsx")),
                 ["predict", "sample_00000000", "--config", str(config), "--calibration", str(cal), "--out", str(wheel / "synonym.xlsx")]):
        assert main(argv) == 2, argv
        assert "is the same file as the emotion wheel's" in _one_line_error(capsys)
    assert {f.name: f.read_bytes() for f in wheel.iterdir()} == before
