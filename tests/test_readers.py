"""Readers of labels, splits and judge outputs: right answers and one-line errors for bad files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from calibration.labels import check_names, read_labels, read_split
from judges.errors import InputError
from judges.outputs import read_judge_output, read_reasons


def test_reads_ovmer_npz(outputs_dir):
    out = read_judge_output(outputs_dir / "Chat-UniVi" / "output-reason-7b-nosubtitle-addsub-eng-openset.npz")
    assert len(out) == 332
    assert out["sample_00000000"] == ["confusion", "helplessness"]


def test_reads_descriptions(outputs_dir):
    reasons = read_reasons(outputs_dir / "Chat-UniVi" / "output-reason-7b-nosubtitle-addsub-eng-reason.jsonl")
    assert reasons["sample_00000000"].startswith("In the video")


def test_reads_csv_and_jsonl_judge_outputs(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("name,openset\ns1,\"['happy', 'sad']\"\ns2,\n")
    jl = tmp_path / "p.jsonl"
    jl.write_text(json.dumps({"name": "s1", "labels": ["Happy"]}) + "\n")
    assert read_judge_output(csv) == {"s1": ["happy", "sad"], "s2": []}
    assert read_judge_output(jl) == {"s1": ["happy"]}


def test_pickled_npz_is_refused_with_a_clear_error(tmp_path):
    path = tmp_path / "bad-openset.npz"
    np.savez(path, filenames=np.array(["a"], dtype=object), fileitems=np.array([["x"]], dtype=object))
    with pytest.raises(InputError, match="pickled"):
        read_judge_output(path)


def test_npz_without_the_arrays_names_them(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, names=np.array(["a"]))
    with pytest.raises(InputError, match="filenames"):
        read_judge_output(path)


def test_truncated_npz_is_unreadable_not_a_traceback(tmp_path):
    path = tmp_path / "cut.npz"
    path.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputError, match="unreadable npz"):
        read_judge_output(path)


def test_csv_missing_columns_are_named(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("sample,labels\na,happy\n")
    with pytest.raises(InputError, match="missing column"):
        read_labels(path)


def test_malformed_jsonl_line_is_located(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"name": "a", "labels": []}\n{not json\n')
    with pytest.raises(InputError, match=r":2: not JSON"):
        read_judge_output(path)


def test_unknown_split_names_are_listed(tmp_path, dev_labels):
    split = tmp_path / "split.txt"
    split.write_text("sample_00000000\nsample_nope\n")
    with pytest.raises(InputError, match="sample_nope"):
        check_names(read_split(split), dev_labels, "dev.csv")


def test_wheel_folder_missing_a_file_is_named(tmp_path):
    from calibration.emotion_wheel import EmotionWheel

    (tmp_path / "wheel1.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="synonym.xlsx"):
        EmotionWheel.load(tmp_path)


def test_dev_labels_have_232_clips(dev_labels, dev_names):
    assert len(dev_labels) == 232 and set(dev_names) == set(dev_labels)
