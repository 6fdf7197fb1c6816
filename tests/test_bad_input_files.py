"""Bad input files (wrong encoding, malformed configs, odd npz/JSONL, foreign sqlite): one-line InputErrors."""
from __future__ import annotations

import hashlib
import io
import re
import sqlite3
import sys

import numpy as np
import pytest

from calibration.labels import read_labels, read_split
from judges import registry
from judges.base import Judge
from judges.errors import InputError
from judges.outputs import read_judge_output, read_label_csv, read_reasons
from judges.registry import build_judge, judge_types, judges_from_config, load_config, register_judge
from judges.replay import ReplayJudge
from judges.verdict_cache import VerdictCache


def one_line(caught: pytest.ExceptionInfo) -> str:
    message = str(caught.value)
    assert "\n" not in message
    return message


def refuse_file(tmp_path, file_name: str, text: str, pattern: str, load=load_config) -> None:
    """Writing ``text`` to ``file_name`` and reading it with ``load`` (a config by default) gives one line matching ``pattern``."""
    path = tmp_path / file_name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=pattern) as caught:
        load(path)
    one_line(caught)


# -- text that is not UTF-8 ---------------------------------------------------------------------
def test_a_latin1_split_file_is_not_utf8_text(tmp_path):
    path = tmp_path / "split.txt"
    path.write_bytes("sample_é\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8") as caught:
        read_split(path)
    assert str(path) in one_line(caught)


def test_a_judges_npz_given_as_the_split_file_is_named_a_zip_archive_not_text_to_save_as_utf8(tmp_path):
    # 'cojudge evaluate --names out.npz' said 'not UTF-8 text; save the split file as UTF-8'
    path = tmp_path / "out.npz"
    np.savez(path, filenames=np.array(["s1"]), fileitems=np.array(["happy"]))
    with pytest.raises(InputError, match=r"out\.npz: a zip archive \(a \.npz, an Excel \.xlsx\?\), not a split file; "
                                         r"give the split file's path$") as caught:
        read_split(path)
    one_line(caught)


_LFS_POINTER = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 30210\n"


@pytest.mark.parametrize(("file_name", "read"), [("out-openset.npz", read_judge_output), ("out.csv", read_judge_output),
                                                 ("out.jsonl", read_judge_output), ("dev.csv", read_labels), ("dev.txt", read_split)])
def test_a_git_lfs_pointer_in_place_of_a_data_file_is_named_so(tmp_path, file_name, read):
    # a clone without git-lfs: an npz 'not a valid .npz (zip) file', a CSV 'missing column(s) name, openset (found: version
    # https://git-lfs...)', a JSONL 'not JSON', a split file three names not in the labels
    (tmp_path / file_name).write_text(_LFS_POINTER, encoding="utf-8")
    with pytest.raises(InputError, match=rf"{re.escape(file_name)}: a Git LFS pointer, not the file itself \(cloned without "
                                         r"git-lfs\?\); fetch the file \(git lfs pull\) and run again$") as caught:
        read(tmp_path / file_name)
    one_line(caught)


def test_a_split_file_naming_many_clips_twice_names_the_first_five_then_how_many_more_and_how_to_list_them_all(tmp_path):
    # it said 'names listed twice: c0, c1, c2, c3, c4 and 2 more', naming no fix nor where the other two are
    path = tmp_path / "split.txt"
    path.write_text("".join(f"c{i}\nc{i}\n" for i in range(7)), encoding="utf-8")
    with pytest.raises(InputError, match=r"split\.txt: names listed twice: c0, c1, c2, c3, c4 and 2 more; keep each name once "
                                         r"\(sort split\.txt \| uniq -d lists every repeated one\)$") as caught:
        read_split(path)
    one_line(caught)


def test_a_split_read_from_standard_input_is_named_standard_input_in_its_errors(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"c0\nc1\nc0\n")))
    with pytest.raises(InputError, match=r"^standard input: names listed twice: c0; keep each name once \(sort \| uniq -d lists "
                                         r"every repeated one\)$") as caught:
        read_split("-")
    one_line(caught)


def test_a_split_from_standard_input_on_a_terminal_says_to_pipe_it_or_give_the_files_path(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Terminal())  # it said 'give the split file file's path'
    with pytest.raises(InputError, match=r"^--names -: standard input is a terminal, not a split file; pipe the split file in "
                                         r"\(head -100 dev\.txt \| cojudge fuse \.\.\. --names -\) or give the file's path$") as caught:
        read_split("-")
    one_line(caught)


def test_a_split_from_standard_input_closed_says_it_is_closed_not_a_terminal():
    import os
    import subprocess
    from pathlib import Path

    # `cojudge fuse ... --names - <&-`: Python starts with sys.stdin None, which was called 'a terminal'
    script = "from calibration.labels import read_split\ntry:\n    read_split('-')\nexcept Exception as e:\n    print(e)"
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1], preexec_fn=lambda: os.close(0),
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("--names -: standard input is closed, not a split file; pipe the split file in ")


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_a_labels_csv_headed_by_excels_separator_line_given_as_the_split_is_refused_as_a_csv(tmp_path, sep):
    path = tmp_path / "dev.csv"  # it was read as the names 'sep=;', 'name;openset', 's1;happy'
    path.write_text(f"sep={sep}\r\nname{sep}openset\r\ns1{sep}happy\r\n", encoding="utf-8-sig", newline="")
    with pytest.raises(InputError, match=rf"dev\.csv: a CSV \(first lines 'sep={re.escape(sep.strip())}' and 'name.{{1,2}}openset'\), not a split "
                                         r"file; give a file of clip names, one per line") as caught:
        read_split(path)
    one_line(caught)


def test_a_split_whose_first_name_reads_like_excels_separator_line_is_read_as_names(tmp_path):
    path = tmp_path / "dev.txt"
    path.write_text("sep=,\nsample_1\n", encoding="utf-8")
    assert read_split(path) == ["sep=,", "sample_1"]


def test_a_nul_separated_list_of_names_is_refused_as_such_not_as_utf16(tmp_path):
    path = tmp_path / "dev.txt"  # find ... -printf '%f\0' > dev.txt: it was 'not UTF-8 text (... UTF-16 ...); save it as UTF-8'
    path.write_bytes(b"sample_1\x00sample_2\x00")
    with pytest.raises(InputError, match=r"dev\.txt: a NUL-separated list \(find -print0\?\), not a split file of one name a line; "
                                         r"give one a line \(tr '\\0' '\\n' turns the one into the other\)$") as caught:
        read_split(path)
    one_line(caught)


def test_names_run_together_on_a_line_of_standard_input_name_standard_input_not_a_dash():
    from calibration.labels import check_names

    with pytest.raises(InputError, match=r"^standard input: a line holds 2 names of dev\.csv \(c0, c1\) apart by spaces") as caught:
        check_names(["c0 c1"], {"c0": [], "c1": []}, "dev.csv", "-")
    one_line(caught)


def test_a_latin1_jsonl_judge_output_names_the_file_and_line(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"name": "a", "labels": []}\n' + '{"name": "é", "labels": []}\n'.encode("latin-1"))
    with pytest.raises(InputError, match=r"p\.jsonl:2: not UTF-8") as caught:
        read_judge_output(path)
    one_line(caught)


def test_a_csv_with_one_cell_not_in_utf8_names_its_line_as_the_jsonl_reader_does(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"name,openset\ns1,happy\n" + "s2,\"['tr\u00e9s content']\"\n".encode("latin-1") + b"s3,sad\n")
    with pytest.raises(InputError, match=r"p\.csv:3: not UTF-8 text") as caught:
        read_judge_output(path)
    one_line(caught)


@pytest.mark.parametrize("read", [read_labels, read_judge_output])
def test_a_utf16_csv_without_its_byte_order_mark_is_not_utf8_text_not_a_header_of_spaced_letters(tmp_path, read):
    # it decodes as UTF-8, zero bytes between the letters: "missing column(s) name, openset (found: n a m e, o p e n s e t)"
    path = tmp_path / "labels.csv"
    path.write_bytes("name,openset\ns1,happy\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"labels\.csv:1: not UTF-8 text \(it holds zero bytes: UTF-16 without its byte-order "
                                         r"mark, or a damaged file\?\); save the CSV as UTF-8$") as caught:
        read(path)
    one_line(caught)


def test_a_zero_byte_in_a_csv_cell_is_located_not_read_into_a_clip_name(tmp_path):
    # 's\x002' was read as a clip of that name, shown as 's2' (or 's') in the notes of clips without a label
    path = tmp_path / "labels.csv"
    path.write_bytes(b"name,openset\ns1,happy\ns\x002,sad\n")
    with pytest.raises(InputError, match=r"labels\.csv:3: not UTF-8 text \(it holds zero bytes") as caught:
        read_labels(path)
    one_line(caught)


def test_a_utf16_jsonl_line_without_its_byte_order_mark_is_not_utf8_text_not_malformed_json(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"name": "a", "labels": []}\n' + '{"name": "b", "labels": []}\n'.encode("utf-16-le"))
    with pytest.raises(InputError, match=r"p\.jsonl:2: not UTF-8 text \(it holds zero bytes") as caught:
        read_judge_output(path)
    one_line(caught)


def test_a_utf16_split_file_without_its_byte_order_mark_is_not_utf8_text_not_names_missing_from_the_labels(tmp_path):
    path = tmp_path / "split.txt"
    path.write_bytes("sample_1\nsample_2\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"split\.txt:1: not UTF-8 text \(it holds zero bytes: .*\); save the split file as UTF-8$") as caught:
        read_split(path)
    one_line(caught)


@pytest.mark.parametrize(("file_name", "text", "read"), [
    ("split.txt", "sample_1\nsample_2\n", read_split),
    ("p.csv", "name,openset\nsample_1,happy\n", read_labels),
    ("p.jsonl", '{"name": "sample_1", "labels": ["happy"]}\n', read_judge_output),
], ids=["split", "csv", "jsonl"])
def test_a_utf16_file_with_its_byte_order_mark_is_named_utf16_not_only_not_utf8(tmp_path, file_name, text, read):
    # what Windows PowerShell's '>' writes: 'not UTF-8 text' alone left a file that looks right in an editor unexplained
    path = tmp_path / file_name
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark
    with pytest.raises(InputError, match=rf"{re.escape(file_name)}(:1)?: not UTF-8 text but UTF-16 \(its byte-order mark says so: "
                                         r"Windows PowerShell's > writes it\); save the .* as UTF-8$") as caught:
        read(path)
    one_line(caught)


def test_a_judges_npz_given_as_the_labels_is_named_a_judges_output_not_a_spreadsheet_to_save_as_csv(tmp_path):
    # evaluate --labels pred.npz --pred dev.csv: 'a spreadsheet or zip archive ...; save it as CSV UTF-8'
    np.savez(tmp_path / "p.npz", filenames=np.array(["s1"]), fileitems=np.array(["happy"]))
    with pytest.raises(InputError, match=r"p\.npz: a judge's \.npz of words, not CSV text; give a name,openset CSV here "
                                         r"\(a \.npz is read as a judge's output: --pred, --judge\)$"):
        read_labels(tmp_path / "p.npz")


@pytest.mark.parametrize("file_name", ["labels.jsonl", "p.csv"])
def test_json_lines_given_as_a_csv_are_named_json_lines_not_malformed_csv(tmp_path, file_name):
    # 'p.jsonl:1: malformed CSV: ',' expected after '"'; check the quotes'
    refuse_file(tmp_path, file_name, '{"name": "s1", "labels": ["happy"]}\n', rf"{re.escape(file_name)}: JSON lines \(its first line an "
                r"object\), not CSV text; give a name,openset CSV here \(JSON lines are read as a judge's output from a file named \.jsonl",
                load=read_labels)


@pytest.mark.parametrize("read", [read_labels, read_judge_output])
def test_an_excel_workbook_given_as_a_csv_is_named_a_spreadsheet_not_text_in_another_encoding(tmp_path, read):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(("name", "openset"))
    book.active.append(("s1", "['happy']"))
    book.save(tmp_path / "labels.csv")  # an .xlsx under a .csv name: 'save the CSV as UTF-8' sent the user after encodings
    with pytest.raises(InputError, match=r"labels\.csv: a spreadsheet or zip archive .*not CSV text; save it as 'CSV UTF-8'") as caught:
        read(tmp_path / "labels.csv")
    one_line(caught)


def test_a_binary_judges_config_is_not_utf8_text(tmp_path):
    path = tmp_path / "judges.toml"
    path.write_bytes(b"\xff\xfe[[judge]]\n")
    with pytest.raises(InputError, match="judges.toml: not UTF-8") as caught:
        load_config(path)
    one_line(caught)


# -- judges configs -----------------------------------------------------------------------------
def test_malformed_yaml_config_gives_the_line_and_column(tmp_path):
    refuse_file(tmp_path, "judges.yaml", "judge: [\n", r"judges\.yaml: not valid YAML: .* at line 2, column 1")


@pytest.mark.parametrize("file_name", ["judges.YAML", "judges.YML", "judges.Yml"])
def test_a_yaml_config_is_read_as_yaml_whatever_the_case_of_its_suffix(tmp_path, file_name):
    # judges.YML was read as TOML: "not valid TOML: Expected '=' after a key"
    path = tmp_path / file_name
    path.write_text("judge:\n  - type: replay\n    name: r\n    path: x.csv\n", encoding="utf-8")
    assert load_config(path) == [{"type": "replay", "name": "r", "path": "x.csv"}]


@pytest.mark.parametrize("text", ["- type: face\n", "just a string\n"])
def test_a_yaml_config_that_is_not_a_mapping_is_refused(tmp_path, text):
    refuse_file(tmp_path, "judges.yaml", text, "expected a mapping of judges")


def test_a_non_string_judge_type_names_the_judge(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\nname = "x"\ntype = 5\n', r"judges\.toml: judge 'x': type = 5 is not a type name")


def test_a_judge_name_that_is_not_text_is_refused_with_how_to_quote_it(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "replay"\nname = 5\npath = "x.csv"\n',
                r'judges\.toml: judge #1: name = 5 is not text; write it as a string, e\.g\. name = "5"', load=judges_from_config)


@pytest.mark.parametrize("name", ['""', '"  "'])
def test_a_blank_judge_name_is_refused_naming_the_config_and_the_judge(tmp_path, name):
    # it was refused by the runner, "ReplayJudge judge has no name ('  ')", the config file unnamed
    refuse_file(tmp_path, "judges.toml", f'[[judge]]\ntype = "replay"\nname = {name}\npath = "x.csv"\n',
                r"judges\.toml: judge #1: name = '\s*' is blank; give the judge a name, or leave it out$", load=judges_from_config)


@pytest.mark.parametrize("value", ["5", "[\"a.npz\"]", "true"])
def test_a_path_parameter_that_is_not_text_names_the_judge_and_the_key(tmp_path, value):
    # path = 5 said: building ReplayJudge raised TypeError: expected str, bytes or os.PathLike object, not int
    refuse_file(tmp_path, "judges.toml", f'[[judge]]\ntype = "replay"\nname = "r"\npath = {value}\n',
                r"judges\.toml: judge 'r': path = .* is not a path; write it as a quoted string: path = \"\.\.\.\"$",
                load=judges_from_config)


@pytest.mark.parametrize("key, value", [("path", '""'), ("path", '" "'), ("model", '""')])
def test_an_empty_path_or_model_is_refused_naming_the_judge_and_the_key(tmp_path, key, value):
    # path = "" was read as the working folder: "judge 'r': .: is a folder, not a judge-output file"
    refuse_file(tmp_path, "judges.toml", f'[[judge]]\ntype = "replay"\nname = "r"\n{key} = {value}\n',
                rf"judges\.toml: judge 'r': {key} = '\s*' is empty; give its value, or leave it out$", load=judges_from_config)


@pytest.mark.parametrize("value, fault", [('""', "'' is empty; give its value, or leave it out"),
                                          ("8", '8 is not a path; write it as a quoted string: model = "..."')])
def test_an_empty_or_non_text_model_of_a_two_stage_judges_stage_is_refused_naming_the_stage(tmp_path, value, fault):
    # only the judge's own table was checked: the describer was built with model '' (or 8), sent to the server as the model
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "two-stage"\nname = "ts"\nextractor = { type = "lexical" }\n'
                f'describer = {{ type = "openai", model = {value}, mode = "describe" }}\n',
                rf"judges\.toml: judge 'ts': describer model = {re.escape(fault)}$", load=judges_from_config)


def test_a_yaml_parameter_name_that_is_not_text_names_the_judge_and_the_key(tmp_path):
    refuse_file(tmp_path, "judges.yaml", "judge:\n  - type: replay\n    name: r\n    1: x\n",
                r"judges\.yaml: judge 'r': parameter name 1 is not text", load=judges_from_config)


def test_a_replay_judge_without_path_names_the_judge_and_says_to_give_path(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "replay"\nname = "a"\n', r"judges\.toml: judge 'a': .*give path = ",
                  load=judges_from_config)


class _Fussy(Judge):
    def __init__(self, name: str):
        raise ValueError("level must be\nbetween 1 and 3")

    def judge_batch(self, clips):  # pragma: no cover - never built
        return []


def test_a_value_error_from_a_judge_constructor_names_the_judge_and_the_config(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "fussy", _Fussy)
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "fussy"\nname = "f1"\n',
                  r"judges\.toml: judge 'f1': judge type 'fussy': level must be between 1 and 3", load=judges_from_config)


def test_a_bad_num_frames_names_the_judge_and_the_config(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "face"\nname = "f"\nnum_frames = -3\n',
                  r"judges\.toml: judge 'f': num_frames=-3: give a whole number", load=judges_from_config)


def test_ray_scheduling_keys_are_ignored_by_the_local_runner(tmp_path):
    path = tmp_path / "judges.toml"
    path.write_text('[[judge]]\ntype = "replay"\nname = "r"\nlabels = { c1 = ["happy"] }\n'
                    'num_gpus = 1\nnum_cpus = 2\nray_concurrency = 4\n', encoding="utf-8")
    (judge,) = judges_from_config(path)
    assert judge.name == "r"


@pytest.mark.parametrize("text", ["judge = []\n", "judges = []\n", "title = 'no judges here'\n"])
def test_a_config_without_judges_is_refused(tmp_path, text):
    refuse_file(tmp_path, "judges.toml", text, r"judges\.toml: no judges; write one \[\[judge\]\] table per judge")


def test_a_judge_table_without_a_type_is_refused(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\nname = "x"\n', r"judges\.toml: judge #1 has no 'type'")


def test_judges_with_the_same_name_in_one_config_are_refused(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "replay"\nname = "r"\nlabels = { c1 = ["happy"] }\n' * 2,
                  r"judges\.toml: judge names must be unique; repeated: r", load=judges_from_config)


def test_a_yml_config_may_list_its_judges_under_judges(tmp_path):
    path = tmp_path / "judges.yml"
    path.write_text("judges:\n  - type: replay\n    name: r\n    labels: {c1: [happy]}\n", encoding="utf-8")
    assert [(j.name, j.labels) for j in judges_from_config(path)] == [("r", {"c1": ["happy"]})]


class _Recorder(Judge):
    """Keeps the parameters it was built with."""

    def __init__(self, name: str, **params):
        self.name = name
        self.params = params

    def judge_batch(self, clips):  # pragma: no cover - never run
        return []


def test_dot_relative_paths_in_a_config_are_relative_to_the_file_in_nested_tables_too(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "recorder", _Recorder)
    folder = tmp_path / "configs"
    folder.mkdir()
    path = folder / "judges.toml"
    path.write_text('[[judge]]\ntype = "recorder"\nname = "r"\npath = "../out/a.csv"\nmodel = "Qwen/Qwen2-VL"\n'
                    '[judge.stage]\ncheckpoint = "./ckpt"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "configs")
    (judge,) = judges_from_config("judges.toml")
    assert judge.params == {"path": str(tmp_path / "out" / "a.csv"), "model": "Qwen/Qwen2-VL",
                            "stage": {"checkpoint": str(folder / "ckpt")}}


def test_dot_relative_lora_adapter_folders_in_a_config_are_relative_to_the_file(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "recorder", _Recorder)
    (folder := tmp_path / "configs").mkdir()
    (folder / "judges.toml").write_text('[[judge]]\ntype = "recorder"\nname = "r"\n'
                                        'adapters = { mer = "./lora/mer", other = "/abs/lora", hub = "org/lora" }\n', encoding="utf-8")
    (judge,) = judges_from_config(folder / "judges.toml")
    assert judge.params == {"adapters": {"mer": str(folder / "lora" / "mer"), "other": "/abs/lora", "hub": "org/lora"}}


def test_a_bare_path_starting_with_a_dot_is_left_as_written_like_any_bare_path(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "recorder", _Recorder)
    (folder := tmp_path / "configs").mkdir()
    (folder / "judges.toml").write_text('[[judge]]\ntype = "recorder"\nname = "r"\npath = ".hidden-openset.npz"\n', encoding="utf-8")
    (judge,) = judges_from_config(folder / "judges.toml")
    assert judge.params == {"path": ".hidden-openset.npz"}


class _Loading(_Recorder):
    """Counts its constructions, like a model judge loading its weights."""

    built = 0

    def __init__(self, name: str, **params):
        super().__init__(name, **params)
        type(self).built += 1


def test_a_repeated_judge_name_is_refused_before_any_judge_is_built(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "loading", _Loading)
    monkeypatch.setattr(_Loading, "built", 0)
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "loading"\nname = "big"\n' * 2,
                r"judges\.toml: judge names must be unique; repeated: big", load=judges_from_config)
    assert _Loading.built == 0


class _Closing(_Recorder):
    """Records which of its instances were closed, like a model judge freeing its GPU memory."""

    closed: list[str] = []

    def close(self):
        type(self).closed.append(self.name)


def test_judges_already_built_are_closed_when_a_later_entry_fails(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "closing", _Closing)
    monkeypatch.setattr(_Closing, "closed", [])
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "closing"\nname = "big"\n[[judge]]\ntype = "replay"\nname = "r"\n',
                r"judges\.toml: judge 'r': .*give path", load=judges_from_config)
    assert _Closing.closed == ["big"]


def test_unknown_parameters_of_a_judge_type_are_an_input_error_naming_the_one_it_does_not_take():
    # it said "does not take the parameters given (labels, name, temperature)", as if name and labels were refused too
    with pytest.raises(InputError, match=r"^judge type 'replay' does not take parameter temperature: "
                                         r".*unexpected keyword argument 'temperature'"):
        build_judge("replay", name="r", labels={}, temperature=0.2)


def test_two_unknown_parameters_are_both_named_and_only_they():
    with pytest.raises(InputError, match=r"^judge type 'replay' does not take parameters temperature, top_p: "):
        build_judge("replay", name="r", labels={}, temperature=0.2, top_p=0.9)


def test_a_missing_required_parameter_is_named_as_needed_not_the_given_ones_as_refused():
    # it said "does not take the parameters given (name)" for an openai judge without its model
    with pytest.raises(InputError, match=r"^judge type 'openai' needs parameter model: .*missing 1 required"):
        build_judge("openai", name="o")


def test_a_misspelt_required_parameter_is_taken_for_the_missing_one_not_a_closer_optional_one():
    # openai's modle = "..." was told "did you mean 'mode'?", an optional parameter spelt closer, while model was missing
    with pytest.raises(InputError, match=r"^judge type 'openai' does not take parameter modle: .*; did you mean 'model'\?$"):
        build_judge("openai", name="o", modle="qwen")


def test_a_misspelt_parameter_gets_a_did_you_mean(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "face"\nname = "f"\ntreshold = 0.3\n',
                r"judges\.toml: judge 'f': .*'treshold'; did you mean 'threshold'\?", load=judges_from_config)


def test_an_unknown_parameter_without_a_close_match_lists_the_parameters():
    with pytest.raises(InputError, match=r"'temperature'; replay takes: name, path, labels$"):
        build_judge("replay", name="r", labels={}, temperature=0.2)


def test_every_built_in_judge_type_is_listed_before_any_is_loaded(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})
    assert set(judge_types()) >= {"replay", "lmdeploy", "transformers", "openai", "affectgpt", "two-stage", "lexical",
                                  "face", "text-lexicon", "speech-text"}


def test_registering_the_same_class_again_under_its_name_is_harmless(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})
    register_judge("recorder")(_Recorder)
    assert register_judge("recorder")(_Recorder) is _Recorder


def test_a_redefined_judge_class_replaces_its_earlier_self_as_a_rerun_notebook_cell_or_a_reload_makes_it(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {})

    def define(words):
        class Mine(_Recorder):  # the same module and qualified name at each definition, a new class object
            said = words
        return Mine

    first, second = define(["happy"]), define(["sad"])
    register_judge("mine")(first)
    assert register_judge("mine")(second) is second
    assert registry._REGISTRY["mine"] is second


def test_a_judge_of_ones_own_registered_under_a_built_in_types_name_is_refused_before_that_type_is_loaded(monkeypatch):
    # 'face' was taken silently while judges.face_judge was not imported yet (and 'replay' refused once it was)
    monkeypatch.setattr(registry, "_REGISTRY", {})
    with pytest.raises(ValueError, match=r"judge type 'face' is a built-in type \(judges\.face_judge\); register _Recorder under a name "
                                         r"of its own, e.g\. 'my-face'"):
        register_judge("face")(_Recorder)
    assert "face" not in registry._REGISTRY


def test_registering_another_class_under_a_taken_name_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", {"recorder": _Recorder})
    with pytest.raises(ValueError, match="judge type 'recorder' is already registered by _Recorder"):
        register_judge("recorder")(_Fussy)


# -- npz and JSONL judge outputs ----------------------------------------------------------------
@pytest.mark.parametrize("file_name", ["p.npz", "p.csv", "p.jsonl"])
def test_a_missing_judge_output_file_is_an_input_error(tmp_path, file_name):
    with pytest.raises(InputError, match="no such judge-output file"):
        read_judge_output(tmp_path / file_name)


def test_a_missing_description_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such description file"):
        read_reasons(tmp_path / "p-reason.jsonl")


def test_npz_items_that_are_not_one_per_sample_are_an_input_error(tmp_path):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array(["a", "b"]), fileitems=np.array([["x", "y"], ["z", "w"]]))
    with pytest.raises(InputError, match="must be 1-D arrays"):
        read_judge_output(path)


@pytest.mark.parametrize("names, items", [(["a", "b"], ["happy"]), (["a"], ["happy", "sad"])])
def test_npz_arrays_of_different_lengths_are_an_input_error(tmp_path, names, items):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array(names), fileitems=np.array(items))
    with pytest.raises(InputError, match=f"'filenames' has {len(names)} entries but 'fileitems' has {len(items)}"):
        read_judge_output(path)


def test_a_npz_entry_without_a_name_is_located_as_a_csv_row_without_one(tmp_path):
    # it was read as a clip named '', which no split lists: its answer was lost without a word
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array(["s1", " "]), fileitems=np.array(["happy", "sad"]))
    with pytest.raises(InputError, match=r"p\.npz: entry 2 of 'filenames' is empty; give every sample's name"):
        read_judge_output(path)


@pytest.mark.parametrize("second_header", ["name,openset", "\ufeffname,openset"], ids=["plain", "byte order mark"])
def test_a_csv_header_repeated_inside_the_file_is_refused_not_read_as_a_clip_named_name(tmp_path, second_header):
    # `cat a.csv b.csv > all.csv` gave a clip 'name' whose word was 'openset'
    refuse_file(tmp_path, "p.csv", f"name,openset\ns1,happy\n{second_header}\ns2,sad\n",
                r"p\.csv:3: the header 'name,openset' again \(files joined with their headers\?\); remove this line", load=read_judge_output)


def test_a_csv_row_without_a_name_is_located(tmp_path):
    refuse_file(tmp_path, "p.csv", "name,openset\ns1,happy\n,sad\n", r"p\.csv:3: empty 'name'", load=read_judge_output)


def test_rows_of_empty_cells_as_a_spreadsheet_saves_below_its_data_are_blank_lines(tmp_path):
    # Excel saves the emptied rows of a sheet's used range as ',' (',,' with an index column); they were "empty 'name'"
    text = "name,openset\r\ns1,happy\r\n,\r\n , \r\n,,\r\n"
    for load in (read_judge_output, read_labels):
        (tmp_path / "p.csv").write_text(text, encoding="utf-8", newline="")
        assert load(tmp_path / "p.csv") == {"s1": ["happy"]}


def test_blank_rows_above_a_csv_header_are_skipped_as_those_below_it(tmp_path):
    # a sheet whose table starts on its second row: Excel saves ',' above the header, which was 'found: nothing'
    for load in (read_judge_output, read_labels):
        (tmp_path / "p.csv").write_text(",\r\n\r\nname,openset\r\ns1,happy\r\n", encoding="utf-8", newline="")
        assert load(tmp_path / "p.csv") == {"s1": ["happy"]}


def test_a_quoted_header_separated_by_semicolons_below_blank_rows_is_told_to_be_saved_comma_separated(tmp_path):
    refuse_file(tmp_path, "p.csv", '\n,\n"name";"openset"\n"s1";"happy"\n', r"p\.csv:3: the header is separated by semicolons, not commas; "
                "save it comma-separated", load=read_labels)


def test_a_csv_error_names_the_line_in_the_file_after_blank_lines(tmp_path):
    # the csv module skips blank lines; the row count put the error a line above the row without a name
    refuse_file(tmp_path, "p.csv", "name,openset\ns1,happy\n\ns2,sad\n,angry\n", r"p\.csv:5: empty 'name'", load=read_judge_output)


def test_a_csv_header_naming_the_openset_column_twice_is_refused_not_read_from_the_last(tmp_path):
    # two files pasted side by side: the second 'openset' column silently replaced the first
    text = "name,openset,openset\ns1,happy,sad\n"
    for load in (read_judge_output, read_labels):
        refuse_file(tmp_path, "p.csv", text, r"p\.csv: the header names column 'openset' twice; keep one", load=load)


def test_a_csv_header_naming_the_name_column_twice_in_another_case_is_refused_not_read_from_either(tmp_path):
    # the header's case is ignored ('Name,OpenSet' is read): 'name' and 'Name' are the same column, named twice
    for load in (read_judge_output, read_labels):
        refuse_file(tmp_path, "p.csv", "name,Name,openset\ns1,s2,happy\n",
                    r"p\.csv: the header names column 'name' twice; keep one \(found: name, Name, openset; case is ignored\)$", load=load)


def test_a_csv_row_with_more_cells_than_the_header_is_located_not_cut_to_its_first_word(tmp_path):
    # f"{name},{words}" writes a Python list unquoted: s1,['happy', 'sad'] is 3 cells; 'sad' was silently dropped
    text = "name,openset\ns1,['happy', 'sad']\n"
    for load in (read_judge_output, read_labels):
        refuse_file(tmp_path, "p.csv", text, r"p\.csv:2: 3 cells but the header names 2 columns; quote the openset cell", load=load)
    (tmp_path / "p.csv").write_text("name,openset\ns1,happy,,\n", encoding="utf-8")  # empty cells after the last column are nothing
    assert read_judge_output(tmp_path / "p.csv") == {"s1": ["happy"]}


def test_cells_of_only_spaces_after_the_last_column_are_nothing(tmp_path):
    (tmp_path / "p.csv").write_text("name,openset\ns1,happy, , \n", encoding="utf-8")
    assert read_judge_output(tmp_path / "p.csv") == {"s1": ["happy"]}


def test_a_clip_named_name_whose_answer_is_not_the_column_name_is_read_as_a_clip(tmp_path):
    (tmp_path / "p.csv").write_text("name,openset\nname,happy\n", encoding="utf-8")
    assert read_judge_output(tmp_path / "p.csv") == {"name": ["happy"]}


def test_a_csv_header_of_one_quoted_name_never_closed_is_malformed_not_tab_separated(tmp_path):
    refuse_file(tmp_path, "p.csv", '"name\n', r"p\.csv:1: malformed CSV: unexpected end of data", load=read_judge_output)


def test_a_csv_row_with_fewer_cells_than_the_header_is_located_not_read_as_an_empty_answer(tmp_path):
    # a name alone (or the rest of an unquoted cell's line break: 'sad' below) was read as a clip with no words, scored 0
    for text in ("name,openset\ns1,happy\ns2\n", "name,openset\ns1,happy\nsad\n"):
        for load in (read_judge_output, read_labels):
            refuse_file(tmp_path, "p.csv", text, r"p\.csv:3: 1 cell\(s\) but the header names 2 columns, so no openset cell; "
                        r"write an empty one for no words", load=load)
    (tmp_path / "p.csv").write_text("name,openset\ns1,happy\ns2,\n", encoding="utf-8")  # an empty cell: no words, as written
    assert read_judge_output(tmp_path / "p.csv") == {"s1": ["happy"], "s2": []}


def test_a_short_csv_rows_cell_count_counts_extra_columns_named_alike_in_another_case(tmp_path):
    # 'Reason' and 'reason' were counted as one column: '2 cell(s) but the header names 3 columns'
    text = "name,Reason,reason,openset\ns1,a,b,happy\ns2,a,b\n"
    for load in (read_judge_output, read_labels):
        refuse_file(tmp_path, "p.csv", text, r"p\.csv:3: 3 cell\(s\) but the header names 4 columns, so no openset cell", load=load)


def test_a_short_csv_rows_cell_count_counts_the_cells_under_blank_header_names(tmp_path):
    # a spreadsheet's two unnamed columns ('name,,,openset') are one key of the row's dict: 's2,a' was '1 cell(s)'
    text = "name,,,openset\ns1,a,b,happy\ns2,a\n"
    for load in (read_judge_output, read_labels):
        refuse_file(tmp_path, "p.csv", text, r"p\.csv:3: 2 cell\(s\) but the header names 4 columns, so no openset cell", load=load)


def test_a_csv_quote_never_closed_is_located_not_read_as_one_row_to_the_end(tmp_path):
    text = 'name,openset\ns1,happy\ns2,"sad\ns3,angry\ns4,calm\n'
    refuse_file(tmp_path, "p.csv", text, r"p\.csv:3: malformed CSV: unexpected end of data", load=read_judge_output)


def test_a_csv_quote_never_closed_after_blank_lines_is_located_on_its_own_line(tmp_path):
    # the csv module's DictReader kept the line number of the row before the blank lines: 'p.csv:3' for a row on line 5
    text = 'name,openset\ns1,happy\n\n\ns2,"sad\ns3,angry\n'
    refuse_file(tmp_path, "p.csv", text, r"p\.csv:5: malformed CSV: unexpected end of data", load=read_judge_output)


def test_a_jsonl_line_without_labels_is_located(tmp_path):
    text = '{"name": "a", "labels": []}\n{"name": "b"}\n'
    refuse_file(tmp_path, "p.jsonl", text, r"p\.jsonl:2: needs keys 'name' and 'labels'", load=read_judge_output)


def test_a_description_file_given_as_a_judge_output_names_the_keys_it_has_and_the_file_to_give(tmp_path):
    # a --judge-glob over a model's folder took its -reason.jsonl too, and said only: needs keys 'name' and 'labels'
    # (then, naming the keys found, still not what to give instead)
    text = '{"name": "a", "reason": "The emotion is joy."}\n'
    refuse_file(tmp_path, "p-reason.jsonl", text, r"p-reason\.jsonl:1: needs keys 'name' and 'labels' \(found: name, reason\); it holds "
                r"a judge's descriptions \('reason'\), not its words: give the judge's words, for OV-MER outputs the -openset\.npz "
                r"beside the -reason\.jsonl$", load=read_judge_output)


def test_cojudges_own_json_lines_given_as_a_judge_output_name_the_csv_to_give(tmp_path):
    # 'cojudge predict --format json > pred.jsonl', then 'cojudge evaluate --pred pred.jsonl': 'needs keys ... (found: name, words, ...)'
    line = '{"name": "s1", "words": ["happy"], "confidence": {"happy": 0.9}, "support": {"happy": ["a"]}, "error": null}\n'
    refuse_file(tmp_path, "pred.jsonl", line, r"pred\.jsonl:1: needs keys 'name' and 'labels' \(found: name, words, .*\); it is the JSON of "
                r"'cojudge predict --format json' or 'cojudge fuse --details': give the name,openset CSV their --out writes$",
                load=read_judge_output)


def test_a_judges_words_given_as_its_descriptions_name_the_file_to_give(tmp_path):
    # a lexical judge given the words' JSONL said only: needs keys 'name' and 'reason' (found: name, labels)
    text = '{"name": "a", "labels": ["happy"]}\n'
    refuse_file(tmp_path, "p.jsonl", text, r"p\.jsonl:1: needs keys 'name' and 'reason' \(found: name, labels\); it holds a judge's "
                r"words \('labels'\), not its descriptions: give the file of its descriptions, for OV-MER outputs the -reason\.jsonl "
                r"beside the -openset\.npz$", load=read_reasons)


def test_a_judges_npz_given_as_its_descriptions_is_named_a_zip_archive_not_text_to_save_as_utf8(tmp_path):
    # a lexical judge given the -openset.npz said: p-openset.npz:1: not UTF-8 text; save the file as UTF-8
    path = tmp_path / "p-openset.npz"
    np.savez(path, filenames=np.array(["a"]), fileitems=np.array(["happy"]))
    with pytest.raises(InputError, match=r"p-openset\.npz: a zip archive \(a judge's \.npz of words\?\), not a description file; give "
                                         r"the JSON lines of its descriptions \(\{\"name\": \.\.\., \"reason\": \.\.\.\}\), for OV-MER "
                                         r"outputs the -reason\.jsonl beside the -openset\.npz$") as caught:
        read_reasons(path)
    one_line(caught)


@pytest.mark.parametrize("line, found", [("null", "null"), ('"happy"', "a JSON string"), ('["a", ["happy"]]', "a JSON array"),
                                         ("7", "a JSON number"), ("true", "true")])
def test_a_jsonl_line_that_is_not_an_object_is_named_in_jsons_words(tmp_path, line, found):
    # a line 'null' said '(found: a JSON NoneType)', '"happy"' '(found: a JSON str)': Python's type names
    refuse_file(tmp_path, "p.jsonl", line + "\n", rf"p\.jsonl:1: needs keys 'name' and 'labels' \(found: {re.escape(found)}\)$",
                load=read_judge_output)


@pytest.mark.parametrize("line, found", [('{"name": null, "labels": ["happy"]}', "'name' is null"),
                                         ('{"name": "", "labels": ["happy"]}', "'name' is \"\""),
                                         ('{"name": true, "labels": ["happy"]}', "'name' is true"),
                                         ('{"name": "b", "labels": {"happy": 1}}', "'labels' is {\"happy\": 1}"),
                                         ('{"name": "b", "labels": [["happy"]]}', "'labels' is \\[\\[\"happy\"\\]\\]")])
def test_a_jsonl_line_whose_name_or_labels_are_of_the_wrong_kind_is_located_not_read_loosely(tmp_path, line, found):
    refuse_file(tmp_path, "p.jsonl", '{"name": "a", "labels": []}\n' + line + "\n", r"p\.jsonl:2: " + found, load=read_judge_output)


def test_a_npz_whose_fileitems_are_numbers_is_refused_not_scored_as_unknown_words(tmp_path):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array(["a", "b"]), fileitems=np.array([3, 5]))
    with pytest.raises(InputError, match=r"p\.npz: 'fileitems' holds numbers \(int64\), not emotion words"):
        read_judge_output(path)


def test_a_npz_whose_fileitems_are_true_or_false_is_refused_as_numbers_are(tmp_path):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array(["a", "b"]), fileitems=np.array([True, False]))
    with pytest.raises(InputError, match=r"p\.npz: 'fileitems' holds numbers \(bool\), not emotion words"):
        read_judge_output(path)


def test_a_zero_d_npz_array_is_an_input_error(tmp_path):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array("x"), fileitems=np.array("y"))
    with pytest.raises(InputError, match="must be 1-D arrays"):
        read_judge_output(path)


@pytest.mark.parametrize("content", [bytes(range(256)) * 4, b"name,openset\na,happy\n"])
def test_a_npz_that_is_not_a_zip_says_so_not_pickled(tmp_path, content):
    path = tmp_path / "p.npz"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"not a valid \.npz \(zip\) file") as caught:
        read_judge_output(path)
    assert "pickled" not in one_line(caught)


@pytest.mark.parametrize(("content", "what", "named"), [
    (b"name,openset\na,happy\n", "a CSV file (its header 'name,openset')", "p.csv"),
    (b'{"name": "a", "labels": ["happy"]}\n', "JSON lines (its first line an object)", "p.jsonl"),
])
def test_a_text_judge_output_saved_as_npz_is_named_for_what_it_is_and_the_suffix_to_give_it(tmp_path, content, what, named):
    # it said 'not a valid .npz (zip) file; is the file complete, and saved with np.savez?'
    path = tmp_path / "p.npz"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"p\.npz: not a valid \.npz \(zip\) file but {re.escape(what)}; name it {re.escape(named)}, "
                                         r"as its reader goes by the suffix$") as caught:
        read_judge_output(path)
    one_line(caught)


def _write_output(path, rows):
    """A judge output of ``rows`` (name, words text) in the format its suffix names."""
    if path.suffix == ".npz":
        np.savez(path, filenames=np.array([n for n, _ in rows]), fileitems=np.array([w for _, w in rows]))
    elif path.suffix == ".csv":
        path.write_text("name,openset\n" + "".join(f'{n},"{w}"\n' for n, w in rows), encoding="utf-8")
    else:
        path.write_text("".join(f'{{"name": "{n}", "labels": "{w}"}}\n' for n, w in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("file_name, where", [("p.npz", "entries 1 and 3"), ("p.csv", "lines 2 and 4"), ("p.jsonl", "lines 1 and 3")])
def test_a_clip_answered_again_with_other_words_is_read_from_the_last_answer_with_a_warning(tmp_path, file_name, where):
    # as the official MER2024 code reads a file (the last entry wins), and as a resumed run that re-judged a clip means;
    # refusing it made 'cojudge evaluate' reject files the official code scores
    path = _write_output(tmp_path / file_name, [("s1", "happy"), ("s2", "sad"), ("s1", "angry")])
    with pytest.warns(UserWarning, match=rf"{file_name}: a clip is given again with another answer \('s1': {where}\); "
                                         "the last answer is used") as caught:
        assert read_judge_output(path) == {"s1": ["angry"], "s2": ["sad"]}
    assert len(caught) == 1 and "\n" not in str(caught[0].message)


def test_the_answered_again_warning_of_a_replayed_judges_file_points_at_the_users_line(tmp_path):
    # it pointed at judges/replay.py, which reads the file for ReplayJudge
    import warnings

    path = _write_output(tmp_path / "p.csv", [("s1", "happy"), ("s1", "angry")])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ReplayJudge("a", path)
    assert [w.filename for w in caught] == [__file__]


def test_the_answered_again_warning_points_at_the_users_line_when_merov_cojudge_is_imported_through_a_symlink(tmp_path):
    # its own frames were told by their resolved file paths: imported through a symlinked folder (a checkout, a venv),
    # none matched, and the warning pointed at judges/outputs.py
    import subprocess
    import sys
    from pathlib import Path

    linked = tmp_path / "linked"
    linked.symlink_to(Path(__file__).resolve().parents[1], target_is_directory=True)
    path = _write_output(tmp_path / "p.csv", [("s1", "happy"), ("s1", "angry")])
    script = tmp_path / "user.py"
    script.write_text(f"from judges.replay import ReplayJudge\nReplayJudge('a', {str(path)!r})\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-W", "always", str(script)], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(linked)}, cwd=tmp_path)
    assert run.stderr.startswith(f"{script}:2: UserWarning: {path}: a clip is given again"), run.stderr


def test_several_clips_answered_again_are_counted_in_one_warning(tmp_path):
    path = _write_output(tmp_path / "p.csv", [("s1", "happy"), ("s2", "sad"), ("s1", "angry"), ("s2", "calm")])
    with pytest.warns(UserWarning, match=r"2 clip\(s\) are given again with another answer \('s1': lines 2 and 4\)") as caught:
        assert read_judge_output(path) == {"s1": ["angry"], "s2": ["calm"]}
    assert len(caught) == 1


@pytest.mark.parametrize("file_name", ["p.npz", "p.csv", "p.jsonl"])
def test_a_clip_answered_twice_with_the_same_words_is_read_once_without_a_warning(tmp_path, file_name, recwarn):
    path = _write_output(tmp_path / file_name, [("s1", "happy"), ("s2", "sad"), ("s1", "happy")])
    assert read_judge_output(path) == {"s1": ["happy"], "s2": ["sad"]}
    assert not recwarn.list


def test_a_resumed_runs_answer_to_a_clip_that_had_none_is_read_without_a_warning(tmp_path, recwarn):
    # a failed clip (labels null, read as no words) judged again when the run was resumed: the later line is its answer
    path = tmp_path / "p.jsonl"
    path.write_text('{"name": "s1", "labels": null}\n{"name": "s2", "labels": ["sad"]}\n{"name": "s1", "labels": ["happy"]}\n',
                    encoding="utf-8")
    assert read_judge_output(path) == {"s1": ["happy"], "s2": ["sad"]}
    assert not recwarn.list


def test_a_deeply_nested_jsonl_line_is_located(tmp_path):
    text = '{"name": "a", "labels": []}\n{"name": "b", "labels": ' + "[" * 100_000 + "\n"
    refuse_file(tmp_path, "p.jsonl", text, r"p\.jsonl:2: JSON nested too deeply", load=read_judge_output)


# -- labels -------------------------------------------------------------------------------------
def test_a_clip_listed_twice_in_the_labels_is_named(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("name,openset\nc1,happy\nc2,sad\nc1,angry\nc2,calm\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels\.csv:4: clip 'c1' is listed twice"):
        read_labels(path)


def test_a_unique_that_is_not_true_or_false_is_refused_not_read_as_true(tmp_path):
    # unique="false" (a non-empty string) refused this file's repeated clip
    path = tmp_path / "labels.csv"
    path.write_text("name,openset\nc1,happy\nc1,angry\n", encoding="utf-8")
    with pytest.raises(InputError, match="^unique='false': give True or False$"):
        read_label_csv(path, unique="false")


# -- the sqlite verdict cache -------------------------------------------------------------------
def sqlite_file(path, *statements: str):
    """A sqlite database at ``path`` made by ``statements``, closed."""
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return path


def test_a_cache_path_that_is_a_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        VerdictCache(tmp_path)


def test_a_cache_with_another_verdicts_table_is_refused(tmp_path):
    path = sqlite_file(tmp_path / "c.sqlite", "CREATE TABLE verdicts (x)")
    with pytest.raises(InputError, match="table 'verdicts' has columns \\(x\\)"):
        VerdictCache(path)


def test_another_applications_database_is_refused_and_left_untouched(tmp_path):
    path = sqlite_file(tmp_path / "app.sqlite", "CREATE TABLE important (x)", "INSERT INTO important VALUES (1)")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError, match="another application .*important"):
        VerdictCache(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.sqlite"]


def test_an_empty_or_new_cache_file_still_works(tmp_path):
    (tmp_path / "empty.sqlite").touch()
    for path in (tmp_path / "empty.sqlite", tmp_path / "new.sqlite"):
        with VerdictCache(path) as cache:
            assert cache.stats()["verdicts"] == 0
        with VerdictCache(path) as cache:  # and opens again as our own
            assert cache.stats()["verdicts"] == 0


def test_a_judge_type_without_judge_batch_says_what_to_implement_not_bad_parameters(monkeypatch):
    class Half(Judge):  # judge() written, judge_batch() forgotten
        def __init__(self, name: str = "half") -> None:
            self.name = name

    monkeypatch.setitem(registry._REGISTRY, "half", Half)
    with pytest.raises(InputError, match=r"^judge type 'half': Half does not implement judge_batch; a judge implements judge_batch\(clips\)") as caught:
        build_judge("half", name="h")
    assert "does not take the parameters" not in str(caught.value)


def test_a_type_error_inside_a_judges_constructor_is_not_blamed_on_its_parameters(monkeypatch):
    class Buggy(Judge):
        def __init__(self, name: str = "buggy") -> None:
            self.name = name
            len(5)  # a bug in the judge's own code

        def judge_batch(self, clips):
            return []

    monkeypatch.setitem(registry._REGISTRY, "buggy", Buggy)
    with pytest.raises(InputError, match=r"^judge type 'buggy': building Buggy raised TypeError: object of type 'int' has no len\(\)") as caught:
        build_judge("buggy", name="b")
    assert "does not take the parameters" not in str(caught.value)
    assert isinstance(caught.value.__cause__, TypeError)  # the judge's own traceback is kept for its author


# -- a folder or a pipe where a file is due -----------------------------------------------------
@pytest.mark.parametrize("read", [read_split, read_labels, read_judge_output, read_reasons, load_config],
                         ids=lambda f: f.__name__)
def test_a_folder_given_as_an_input_file_is_named_a_folder_not_missing(tmp_path, read):
    with pytest.raises(InputError, match="is a folder") as caught:
        read(tmp_path)
    assert "no such" not in one_line(caught)


def test_a_folder_given_as_the_calibration_file_is_named_a_folder_not_missing(tmp_path):
    from calibration.calibration_file import load_calibration

    with pytest.raises(InputError, match="is a folder") as caught:
        load_calibration(tmp_path)
    assert "no such" not in one_line(caught)


def test_split_and_labels_can_be_read_from_a_named_pipe_as_shell_process_substitution_gives_them(tmp_path):
    import os
    import threading

    for read, text, expected in ((read_split, "c1\nc2\n", ["c1", "c2"]),
                                 (read_labels, "name,openset\nc1,\"['happy']\"\n", {"c1": ["happy"]})):
        fifo = tmp_path / f"{read.__name__}.fifo"
        os.mkfifo(fifo)
        writer = threading.Thread(target=fifo.write_text, args=(text,), kwargs={"encoding": "utf-8"})
        writer.start()
        try:
            assert read(fifo) == expected
        finally:
            if writer.is_alive():  # the reader refused the pipe, or the writer is just ending: let it finish, never wait for one
                os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
            writer.join()


# -- registry: specifications added by the judge-side mutation check ----------------------------------
def test_classes_of_one_name_from_two_modules_without_files_are_not_taken_for_one_class_redefined(monkeypatch):
    # no source file to compare (classes made by exec or in a module built in memory): another module's class is refused
    monkeypatch.setattr(registry, "_REGISTRY", {})
    first, second = (type("Mine", (_Recorder,), {"__module__": module, "__qualname__": "Mine"}) for module in ("memory_a", "memory_b"))
    register_judge("mine")(first)
    with pytest.raises(ValueError, match="judge type 'mine' is already registered by Mine"):
        register_judge("mine")(second)


def test_a_misspelt_judge_type_gets_did_you_mean():
    with pytest.raises(InputError, match=r"^unknown judge type 'replya'; did you mean 'replay'"):
        build_judge("replya", name="r")


class _Options(Judge):
    """Takes a required model and any options besides."""

    def __init__(self, name: str, model: str, **options):
        self.name, self.model, self.options = name, model, options

    def judge_batch(self, clips):  # pragma: no cover - never run
        return []


def test_a_missing_parameter_of_a_judge_taking_any_options_is_named_as_needed_not_the_options_as_refused(monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "options", _Options)
    with pytest.raises(InputError, match=r"^judge type 'options' needs parameter model: "):
        build_judge("options", name="o", temperature=0.2)


def test_an_empty_yaml_config_is_refused_as_one_without_judges(tmp_path):
    refuse_file(tmp_path, "judges.yaml", "# nothing yet\n", r"judges\.yaml: no judges; write one \[\[judge\]\] table per judge")


@pytest.mark.parametrize("written", [".", ".."])
def test_a_path_written_as_dot_or_dot_dot_is_relative_to_the_config_file(tmp_path, written):
    assert registry.resolve_paths({"model": written}, tmp_path / "configs") == {"model": str((tmp_path / "configs" / written).resolve())}


def test_a_judge_with_an_empty_name_is_named_by_its_number_in_an_error(tmp_path):
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "replay"\nname = ""\npath = 3\n', r"judges\.toml: judge #1: path = 3 is not a path")


class _DefaultNamed(_Recorder):
    """A judge type whose judges are all named 'same' unless given a name."""

    def __init__(self, name: str = "same", **params):
        super().__init__(name, **params)


def test_judges_left_to_the_same_default_name_in_one_config_are_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "default-named", _DefaultNamed)
    refuse_file(tmp_path, "judges.toml", '[[judge]]\ntype = "default-named"\n' * 2,
                r"judges\.toml: judge names must be unique; repeated: same \(given as no name, no name: a judge given no name "
                r"takes its type's default name\); give each judge its own name$", load=judges_from_config)


def test_the_types_of_a_config_are_read_with_none_for_an_entry_that_is_not_a_table(tmp_path):
    path = tmp_path / "judges.toml"
    path.write_text('judge = [1, { type = "replay" }]\n', encoding="utf-8")
    assert registry.config_judge_types(path) == [None, "replay"]


def test_the_files_of_a_config_include_a_plugin_judges_dot_relative_file_beside_the_config(tmp_path, monkeypatch):
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "reasons.csv").write_text("name,reason\n", encoding="utf-8")
    path = folder / "judges.toml"
    path.write_text('[[judge]]\ntype = "my-plugin-type"\nname = "mine"\nreasons = "./reasons.csv"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # not the config's folder
    assert registry.config_input_files(path) == {f"the reasons of judge 'mine' in {path}": (folder / "reasons.csv").resolve()}


def test_the_files_of_a_config_include_the_paths_of_a_judges_nested_tables(tmp_path):
    path = tmp_path / "judges.toml"
    path.write_text('[[judge]]\ntype = "two-stage"\nname = "ts"\n[judge.describer]\ntype = "replay"\nname = "d"\npath = "./d.csv"\n',
                    encoding="utf-8")
    assert list(registry.config_input_files(path).values()) == [(tmp_path / "d.csv").resolve()]


def test_the_type_of_a_plugins_judge_is_not_taken_for_a_file_it_reads(tmp_path, monkeypatch):
    # a file in the working folder that happens to share the type's name is no input of the judge
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine").write_text("notes\n", encoding="utf-8")
    path = tmp_path / "judges.toml"
    path.write_text('[[judge]]\ntype = "mine"\nname = "m"\n', encoding="utf-8")
    assert registry.config_input_files(path) == {}
