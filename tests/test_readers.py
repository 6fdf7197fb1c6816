"""Readers of labels, splits and judge outputs (and the replay judge serving them): right answers and one-line errors for bad files."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from calibration.labels import check_names, read_labels, read_split
from judges.clip import Clip
from judges.errors import InputError
from judges.outputs import read_judge_output, read_reasons
from judges.registry import judges_from_config
from judges.replay import ReplayJudge
from judges.runner import run_judges
from judges.verdict import Verdict


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


@pytest.mark.parametrize("file_name, text", [
    ("out.csv", "name,openset\na,\"['happy', 'sad']\"\nb,\"['happy', 'sad']\"\nc,\"['sad', 'happy']\"\n"),
    ("out.jsonl", '{"name": "a", "labels": "happy, sad"}\n{"name": "b", "labels": "happy, sad"}\n{"name": "c", "labels": ["sad", "happy"]}\n'),
])
def test_a_word_said_on_many_clips_is_held_once_each_clip_keeping_a_list_of_its_own(tmp_path, file_name, text):
    path = tmp_path / file_name
    path.write_text(text)
    out = read_judge_output(path)
    assert out == {"a": ["happy", "sad"], "b": ["happy", "sad"], "c": ["sad", "happy"]}
    assert out["a"][0] is out["b"][0] is out["c"][1]  # one string, not one per clip: 50,000 clips' words fit in memory
    out["a"].append("angry")
    assert out["b"] == ["happy", "sad"]


@pytest.mark.parametrize("file_name, text", [
    ("out.csv", "name,openset\na,happy\nb,ERROR\n"),
    ("out.jsonl", '{"name": "a", "labels": "happy"}\n{"name": "b", "labels": "ERROR"}\n'),
])
def test_a_label_parser_of_ones_own_that_gives_other_than_a_list_is_kept_as_it_gave_it_not_read_item_by_item(tmp_path, file_name, text):
    # None is no verdict on the clip; a string is refused by the fusion ("not a list of words"), not split into letters
    path = tmp_path / file_name
    path.write_text(text)
    assert read_judge_output(path, parse=lambda t: None if t == "ERROR" else str(t)) == {"a": "happy", "b": None}


def test_a_csv_cell_longer_than_the_csv_modules_default_limit_is_read(tmp_path):
    words = [f"word{i}" for i in range(30000)]  # about 300,000 characters, over the 131,072 default
    path = tmp_path / "p.csv"
    path.write_text('name,openset\ns1,"' + ", ".join(words) + '"\n', encoding="utf-8")
    assert read_judge_output(path)["s1"] == words


@pytest.mark.parametrize("file_name", ["p.csv", "p.jsonl", "p.npz"])
def test_a_judge_output_file_with_no_samples_is_refused_not_read_as_no_answers(tmp_path, file_name):
    path = tmp_path / file_name
    if file_name.endswith(".npz"):
        np.savez(path, filenames=np.array([], dtype=str), fileitems=np.array([], dtype=str))
    else:
        path.write_text("name,openset\n" if file_name.endswith(".csv") else "\n")
    with pytest.raises(InputError, match=r"no samples in this judge-output file; is it complete"):
        read_judge_output(path)


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


@pytest.mark.parametrize("sep, apart", [("\t", "tabs"), (";", "semicolons")])
def test_a_csv_separated_by_tabs_or_semicolons_is_told_to_be_saved_comma_separated(tmp_path, sep, apart):
    # a TSV named .csv (or Excel's CSV in a locale whose list separator is ';') said only 'missing column(s) name, openset'
    path = tmp_path / "pred.csv"
    path.write_text(f"name{sep}openset\na{sep}happy\n")
    with pytest.raises(InputError, match=f"missing column.*: its header is separated by {apart}; save it comma-separated$"):
        read_judge_output(path)


@pytest.mark.parametrize("sep, apart", [("\t", "tabs"), (";", "semicolons")])
def test_a_csv_separated_by_tabs_or_semicolons_with_its_header_quoted_is_told_to_be_saved_comma_separated(tmp_path, sep, apart):
    # R's write.csv2 (and write.table) quotes the header: read by commas it said 'malformed CSV: ... check the quotes'
    path = tmp_path / "pred.csv"
    path.write_text(f'"name"{sep}"openset"\r\n"a"{sep}"happy"\r\n')
    with pytest.raises(InputError, match=rf"pred\.csv:1: the header is separated by {apart}, not commas; save it comma-separated$"):
        read_judge_output(path)


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_a_csv_whose_first_line_names_its_separator_as_excel_writes_it_is_read_by_that_separator(tmp_path, sep):
    # Excel's 'sep=,' (written when asked) was 'missing column(s) name, openset (found: sep=)'
    path = tmp_path / "pred.csv"
    path.write_text(f'sep={sep}\r\nname{sep}openset\r\ns1{sep}"happy, sad"\r\ns2{sep}angry\r\n', newline="")
    assert read_judge_output(path) == {"s1": ["happy", "sad"], "s2": ["angry"]}


def test_excels_separator_line_above_a_comma_separated_header_is_named_as_the_mismatch(tmp_path):
    # 'sep=;' above a comma CSV (a line kept from an Excel export): 'missing column(s) ... (found: name,openset)' alone
    path = tmp_path / "pred.csv"
    path.write_text("sep=;\nname,openset\ns1,happy\n")
    with pytest.raises(InputError, match=r"pred\.csv: missing column\(s\) name, openset; .*\(found: name,openset\): its first line, "
                                         r"sep=;, says its cells are separated by ';', but its header is comma-separated; remove that line$"):
        read_judge_output(path)


def test_a_bad_row_below_excels_separator_line_is_named_by_its_line_in_the_file(tmp_path):
    path = tmp_path / "pred.csv"
    path.write_text("sep=;\nname;openset\ns1;happy;sad\n")
    with pytest.raises(InputError, match=r"pred\.csv:3: 3 cells but the header names 2 columns"):
        read_judge_output(path)


def test_a_csv_under_npz_with_excels_separator_line_is_named_a_csv(tmp_path):
    path = tmp_path / "pred.npz"
    path.write_text("sep=;\nname;openset\ns1;happy\n")
    with pytest.raises(InputError, match=r"not a valid \.npz \(zip\) file but a CSV file .*; name it pred\.csv"):
        read_judge_output(path)


def test_a_judge_output_given_through_a_pipe_is_told_to_be_saved_to_a_file_named_by_its_format(tmp_path):
    # --pred <(python make_preds.py): /dev/fd/63 was "unknown judge-output format ''" alone
    fifo = tmp_path / "pred"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pred: unknown judge-output format ''; use \.npz \(OV-MER\), \.csv \(name,openset\) or \.jsonl "
                                         r"\(a pipe, <\(\.\.\.\)\?, has no suffix to tell its format: save it to a file named so\)$"):
        read_judge_output(fifo)


@pytest.mark.parametrize("suffix", [".tsv", ".tab"])
def test_a_tsv_file_is_told_to_be_saved_comma_separated_as_csv(tmp_path, suffix):
    path = tmp_path / f"pred{suffix}"
    path.write_text("name\topenset\na\thappy\n")
    with pytest.raises(InputError, match=rf"unknown judge-output format '\{suffix}'.*\(a tab-separated file: save it comma-separated, as \.csv\)$"):
        read_judge_output(path)


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


def test_split_names_none_of_which_is_labelled_show_the_labels_name_for_the_first(tmp_path, dev_labels):
    split = tmp_path / "split.txt"
    split.write_text("sample_00000000.mp4\nsample_00000021.mp4\n")  # video file names, the labels' clips but for the suffix
    with pytest.raises(InputError, match=r"^2 name\(s\) not in dev\.csv: sample_00000000\.mp4, sample_00000021\.mp4 "
                                         r"\(dev\.csv names clips like 'sample_00000000'\); is it the right split"):
        check_names(read_split(split), dev_labels, "dev.csv")


def test_a_split_line_holding_several_labelled_names_apart_by_spaces_is_refused_in_a_short_line(tmp_path, dev_labels, dev_names):
    # 'echo $(cat dev.txt) > split.txt': one unknown name of 232 run together, an error line of 3,800 characters
    split = tmp_path / "split.txt"
    split.write_text(" ".join(dev_names) + "\n")
    with pytest.raises(InputError, match=rf"^a line of the split file holds 232 names of dev\.csv \({dev_names[0]}, {dev_names[1]} and 230 "
                                         r"more\) apart by spaces or commas; give one name per line$"):
        check_names(read_split(split), dev_labels, "dev.csv")


def test_wheel_folder_missing_a_file_is_named(tmp_path):
    from calibration.emotion_wheel import EmotionWheel

    (tmp_path / "wheel1.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match="synonym.xlsx"):
        EmotionWheel.load(tmp_path)


def test_dev_labels_have_232_clips(dev_labels, dev_names):
    assert len(dev_labels) == 232 and set(dev_names) == set(dev_labels)


# -- judge-output files: what is read ----------------------------------------------------------
@pytest.mark.parametrize(
    ("file_name", "text", "encoding", "expected"),
    [
        pytest.param("P.CSV", "name,openset\ns1,happy\n", "utf-8", {"s1": ["happy"]}, id="upper-case suffix"),
        pytest.param("p.csv", "name, openset\ns1,happy\n", "utf-8", {"s1": ["happy"]}, id="spaces after the header's commas"),
        pytest.param("p.csv", "name,openset\ns1,happy\n", "utf-8-sig", {"s1": ["happy"]}, id="byte order mark"),
        pytest.param("p.jsonl", '{"name": "s1", "labels": ["happy"]}\n\n  \n{"name": "s2", "labels": []}\n', "utf-8",
                     {"s1": ["happy"], "s2": []}, id="blank jsonl lines skipped"),
        pytest.param("p.jsonl", '{"name": 7, "labels": ["happy"]}\n', "utf-8", {"7": ["happy"]}, id="numeric jsonl name as text"),
        pytest.param("p.jsonl", '{"name": "s1", "labels": ["happy"]}\n', "utf-8-sig", {"s1": ["happy"]}, id="jsonl byte order mark"),
        pytest.param("p.jsonl", '{"name": "s1", "labels": ["happy"]}\r\n{"name": "s2", "labels": "sad"}\r\n', "utf-8",
                     {"s1": ["happy"], "s2": ["sad"]}, id="jsonl CRLF line ends"),
        pytest.param("p.jsonl", '{"name": " s1 ", "labels": ["happy"]}\n', "utf-8", {"s1": ["happy"]},
                     id="spaces around a jsonl name, as a CSV's"),
        pytest.param("p.csv", "name,openset\n s1 ,happy\n", "utf-8", {"s1": ["happy"]}, id="spaces around a CSV name"),
        pytest.param("p.csv", "name, openset\ns1, \"['happy', 'sad']\"\n", "utf-8", {"s1": ["happy", "sad"]},
                     id="a cell quoted after a comma and a space"),
        pytest.param("p.csv", "name, openset\ns1, \"happy\" \n", "utf-8", {"s1": ["happy"]},
                     id="a cell quoted after a comma and a space, a space after its closing quote"),
        pytest.param("p.csv", "name, openset\ns1, \"happy, sad\" \n", "utf-8", {"s1": ["happy", "sad"]},
                     id="a cell holding commas quoted after a comma and a space, a space after its closing quote"),
        pytest.param("p.csv", "name, openset\ns1, \"sad\" or \"angry\"\n", "utf-8", {"s1": ["sad", "or", "angry"]},
                     id="text after a closing quote read as one cell, as before a quote after a space opened a cell"),
    ],
)
def test_judge_output_files_written_these_ways_are_read(tmp_path, file_name, text, encoding, expected):
    path = tmp_path / file_name
    path.write_text(text, encoding=encoding)
    assert read_judge_output(path) == expected


def test_jsonl_files_with_byte_order_marks_joined_by_cat_are_read_whole(tmp_path):
    # the second file's mark was "p.jsonl:2: not JSON (Unexpected UTF-8 BOM)"
    path = tmp_path / "p.jsonl"
    path.write_bytes(b"".join(json.dumps({"name": n, "labels": [w]}).encode("utf-8-sig") + b"\n" for n, w in (("s1", "happy"), ("s2", "sad"))))
    assert read_judge_output(path) == {"s1": ["happy"], "s2": ["sad"]}


def test_spaces_around_a_npz_name_are_not_part_of_it_as_in_a_csv(tmp_path):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array([" s1", "s2 "]), fileitems=np.array(["happy", "sad"]))
    assert read_judge_output(path) == {"s1": ["happy"], "s2": ["sad"]}


def test_a_npz_of_byte_strings_is_read_as_text_not_as_their_repr(tmp_path):
    path = tmp_path / "p.npz"
    np.savez(path, filenames=np.array([b"s1"]), fileitems=np.array(["[愉快, sad]".encode("utf-8")]))
    assert read_judge_output(path) == {"s1": ["愉快", "sad"]}


def test_a_null_description_is_read_as_empty_text(tmp_path):
    path = tmp_path / "p-reason.jsonl"
    path.write_text('{"name": "s1", "reason": null}\n', encoding="utf-8")
    assert read_reasons(path) == {"s1": ""}


# -- ReplayJudge: stored outputs served by sample name ------------------------------------------
def test_a_replayed_verdict_carries_the_stored_words_as_its_raw_text():
    (verdict,) = ReplayJudge("toy", labels={"c1": ["happy", "sad"]}).judge_batch([Clip("c1")])
    assert verdict == Verdict(judge="toy", clip="c1", words=["happy", "sad"], raw="['happy', 'sad']")


def test_a_clip_stored_with_no_words_is_answered_with_no_words_not_failed():
    verdict = ReplayJudge("toy", labels={"c1": []}).judge(Clip("c1"))
    assert verdict.ok and verdict.words == []


def test_a_clip_without_stored_output_is_failed():
    verdict = ReplayJudge("toy", labels={"c1": ["happy"]}).judge(Clip("c2"))
    assert not verdict.ok and "no stored output for 'c2'" in verdict.error


def test_replays_of_different_files_under_one_name_do_not_share_cached_verdicts(tmp_path):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,openset\nc1,happy\n", encoding="utf-8")
    second.write_text("name,openset\nc1,sad\n", encoding="utf-8")
    cache = tmp_path / "verdicts.sqlite"
    run_judges([ReplayJudge("a", first)], ["c1"], cache=cache, progress=False)
    out = run_judges([ReplayJudge("a", second)], ["c1"], cache=cache, progress=False)
    assert out["a"]["c1"].words == ["sad"]


def test_a_replay_judge_is_not_changed_by_later_edits_of_its_labels_or_verdicts():
    labels = {"c1": ["happy"]}
    judge = ReplayJudge("toy", labels=labels)
    labels["c1"] = ["sad"]
    judge.judge(Clip("c1")).words.append("angry")
    assert judge.judge(Clip("c1")).words == ["happy"]


def test_a_clips_stored_words_given_as_text_are_read_as_words_not_letters(tmp_path):
    # labels={"c1": "happy, sad"} (or labels = { c1 = "happy, sad" } in a config) answered 'h', 'a', 'p', ... silently
    config = tmp_path / "judges.toml"
    config.write_text('[[judge]]\ntype = "replay"\nname = "toy"\nlabels = { c1 = "happy, sad" }\n', encoding="utf-8")
    (from_config,) = judges_from_config(config)
    for judge in (ReplayJudge("toy", labels={"c1": "happy, sad"}), from_config):
        assert judge.judge(Clip("c1")).words == ["happy", "sad"]


@pytest.mark.parametrize("words", [("happy", "sad"), np.array(["happy", "sad"]), {"sad", "happy"}, frozenset({"happy", "sad"})],
                         ids=["tuple", "numpy array", "set", "frozenset"])
def test_a_clips_stored_words_given_as_any_collection_of_words_are_served_as_they_were_before(words):
    # labels={"c1": np.array([...])} (from np.load) or a set of words worked, then were refused as 'not a list of words'
    assert sorted(ReplayJudge("toy", labels={"c1": words}).judge(Clip("c1")).words) == ["happy", "sad"]


def test_a_clips_stored_words_given_as_a_set_are_served_sorted_so_the_judges_identity_is_the_same_every_run():
    # a set's order of strings changes from one Python process to the next (hash randomisation)
    words = {"happy", "sad", "angry", "calm", "tense", "bored", "proud", "afraid"}
    assert ReplayJudge("toy", labels={"c1": words}).judge(Clip("c1")).words == sorted(words)


def test_a_clip_named_by_a_number_in_labels_is_served_under_its_text():
    # clip names are text; np.load or a YAML mapping may give 1 for the clip named '1'
    assert ReplayJudge("toy", labels={1: ["happy"]}).judge(Clip("1")).words == ["happy"]


def test_a_replay_judge_given_both_a_path_and_labels_is_refused(tmp_path):
    output = tmp_path / "judge-openset.csv"
    output.write_text("name,openset\nc1,sad\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"give path = .* \(or, in Python, labels=; not both\)"):
        ReplayJudge("toy", path=output, labels={"c1": ["happy"]})


def test_a_clip_stored_as_none_is_one_the_judge_did_not_answer():
    verdict = ReplayJudge("toy", labels={"c1": None}).judge(Clip("c1"))
    assert not verdict.ok and "no stored output for 'c1'" in verdict.error


@pytest.mark.parametrize("labels, found", [({"c1": [1, 2]}, r"the words of 'c1' are \[1, 2\]"),
                                           ("happy", "labels='happy'"), (["c1"], r"labels=\['c1'\]")])
def test_stored_words_that_are_not_text_or_labels_that_are_not_a_mapping_are_refused(labels, found):
    with pytest.raises(InputError, match=found + ".*give") as caught:
        ReplayJudge("toy", labels=labels)
    assert "\n" not in str(caught.value)


# -- split and label files: what is read, what is refused ---------------------------------------
def test_a_split_keeps_file_order_and_skips_blank_lines_comments_and_surrounding_spaces(tmp_path):
    split = tmp_path / "split.txt"
    split.write_text("  s2  \n\n# held out\ns1\n", encoding="utf-8")
    assert read_split(split) == ["s2", "s1"]


def test_a_split_and_a_judges_config_saved_with_a_byte_order_mark_read_as_without_one(tmp_path):
    from judges.registry import load_config

    split, config = tmp_path / "dev.txt", tmp_path / "judges.toml"
    split.write_text("s1\ns2\n", encoding="utf-8-sig")
    config.write_text('[[judge]]\ntype = "replay"\nname = "r"\n', encoding="utf-8-sig")
    assert read_split(split) == ["s1", "s2"]
    assert load_config(config) == [{"type": "replay", "name": "r"}]


def test_split_files_with_byte_order_marks_joined_by_cat_read_every_name_without_the_mark(tmp_path):
    # the second file's mark began a name, invisible in '1 name(s) not in dev.csv: s2', and fuse wrote that clip with no words
    split = tmp_path / "all.txt"
    split.write_bytes("s1\n".encode("utf-8-sig") + "s2\r\n".encode("utf-8-sig"))
    assert read_split(split) == ["s1", "s2"]


def test_a_name_listed_twice_in_a_split_is_refused(tmp_path):
    split = tmp_path / "split.txt"
    split.write_text("s1\ns2\ns1\n", encoding="utf-8")
    with pytest.raises(InputError, match="listed twice: s1"):
        read_split(split)


def test_a_labels_csv_given_as_a_split_file_is_refused_not_read_as_names(tmp_path):
    split = tmp_path / "dev.csv"
    split.write_text("name,openset\nc1,happy\nc2,sad\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dev\.csv: a CSV \(first line '.*'\), not a split file; give a file of clip names"):
        read_split(split)


@pytest.mark.parametrize("header", ['"name","openset"', "Name , OpenSet"], ids=["quoted", "spaces and case"])
def test_a_labels_csv_given_as_a_split_file_is_refused_whatever_its_headers_quotes_spaces_or_case(tmp_path, header):
    # read_labels reads these headers, but a split file beginning with one was read as clip names, the header among them
    split = tmp_path / "dev.csv"
    split.write_text(f"{header}\nc1,happy\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dev\.csv: a CSV \(first line '.*'\), not a split file; give a file of clip names"):
        read_split(split)


@pytest.mark.parametrize("header, line", [("name", 1), ('"Name"', 1), ("# clips of the dev split\n\nname", 3)],
                         ids=["pandas", "quoted, another case", "below a comment"])
def test_a_split_file_headed_by_a_name_column_header_is_refused_not_read_as_a_clip_named_name(tmp_path, header, line):
    # pandas' df[["name"]].to_csv("dev.txt", index=False): fuse and predict wrote a clip 'name' with no words
    split = tmp_path / "dev.txt"
    split.write_text(f"{header}\nc1\nc2\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"dev\.txt:{line}: '.*' is a column's header, not a clip's name \(written by pandas' to_csv\?\); "
                                         r"remove that line, or save with header=False$"):
        read_split(split)


def test_clip_names_holding_commas_are_a_split_file_s_names(tmp_path):
    split = tmp_path / "split.txt"
    split.write_text("interview, part 1\ninterview, part 2\n", encoding="utf-8")
    assert read_split(split) == ["interview, part 1", "interview, part 2"]


def test_a_split_of_only_comments_and_blanks_is_refused(tmp_path):
    split = tmp_path / "split.txt"
    split.write_text("# nothing yet\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="lists no names"):
        read_split(split)


def test_a_missing_split_file_is_refused(tmp_path):
    with pytest.raises(InputError, match="no such split file"):
        read_split(tmp_path / "absent.txt")


@pytest.mark.parametrize("header", ["Name,OpenSet", "NAME,OPENSET", " name , openset ", "\ufeffName,Openset", '"Name","OpenSet"'],
                         ids=["spreadsheet case", "capitals", "spaces around", "byte order mark and case", "quoted"])
def test_a_labels_files_header_is_read_whatever_its_case_surrounding_spaces_or_byte_order_mark(tmp_path, header):
    # 'Name,OpenSet' (a spreadsheet's) was refused: "missing column(s) name, openset ... (found: Name, OpenSet)"
    path = tmp_path / "labels.csv"
    path.write_text(f"{header}\r\ns1,\"['happy', 'relieved']\"\r\ns2,sad\r\n", encoding="utf-8")
    assert read_labels(path) == {"s1": ["happy", "relieved"], "s2": ["sad"]}


def test_a_labels_file_is_read_with_the_label_parser_given(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("name,openset\ns1,happy\n", encoding="utf-8")
    assert read_labels(path, parse=lambda text: [str(text).upper()]) == {"s1": ["HAPPY"]}


def test_a_labels_file_with_only_its_header_is_refused(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("name,openset\n", encoding="utf-8")
    with pytest.raises(InputError, match="no labelled samples"):
        read_labels(path)


# -- where the data lives -------------------------------------------------------------------------
def test_the_data_folder_is_the_one_MEROV_DATA_names(tmp_path, monkeypatch):
    from calibration.data_paths import find_data_root, ovmerd_dir

    monkeypatch.setenv("MEROV_DATA", str(tmp_path))
    assert find_data_root() == tmp_path
    assert ovmerd_dir() == tmp_path / "ovmerd"


def test_MEROV_DATA_may_start_with_a_tilde(tmp_path, monkeypatch):
    from calibration.data_paths import find_data_root

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("MEROV_DATA", "~/data")
    assert find_data_root() == tmp_path / "data"


def test_a_replayed_judges_file_and_a_split_file_given_under_a_tilde_are_read_from_the_home_folder(tmp_path, monkeypatch):
    # ReplayJudge("r", "~/out.csv") said "~/out.csv: no such judge-output file", as a shell-quoted "~/..." did
    from calibration.labels import read_split

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path.parent)
    (tmp_path / "out.csv").write_text('name,openset\nc1,"happy"\n', encoding="utf-8")
    (tmp_path / "split.txt").write_text("c1\n", encoding="utf-8")
    judge = ReplayJudge("r", "~/out.csv")
    assert judge.path == str(tmp_path / "out.csv") and judge.judge(Clip("c1")).words == ["happy"]
    assert read_split("~/split.txt") == ["c1"]


def test_a_tilde_naming_no_users_home_folder_is_a_one_line_error():
    from judges.text_files import user_path

    with pytest.raises(InputError, match=r"^~no-such-user-merov/x\.csv: ~no-such-user-merov is no user's home folder here; write the path in full$"):
        user_path("~no-such-user-merov/x.csv")


def test_MEROV_DATA_naming_no_folder_is_refused(tmp_path, monkeypatch):
    from calibration.data_paths import data_root

    monkeypatch.setenv("MEROV_DATA", str(tmp_path / "absent"))
    with pytest.raises(InputError, match="no data folder"):
        data_root()


def test_without_MEROV_DATA_a_shared_folder_beside_the_working_folder_holding_only_ovmerd_is_found(tmp_path, monkeypatch):
    from calibration.data_paths import find_data_root

    (tmp_path / "work").mkdir()
    (tmp_path / "shared" / "ovmerd").mkdir(parents=True)
    monkeypatch.delenv("MEROV_DATA", raising=False)
    monkeypatch.chdir(tmp_path / "work")
    assert find_data_root() == (tmp_path / "shared").resolve()  # resolved: not work/../shared


# -- a hand-built emotion-wheel folder: how the official files are read --------------------------
def _xlsx(path, rows):
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def _toy_wheel_folder(folder):
    """Five identical two-class wheels, a synonym table (run 1 and run 2 used) and a word-form table."""
    wheel_rows = [("level1", "level2", "level3"),
                  (None, None, None),                 # a blank row is skipped, not read as class ""
                  ("Happy", "Joyful", "Glad"),
                  (None, None, "Cheerful"),           # level1 and level2 carried down
                  ("Sad", "Lonely", "Isolated"),
                  (None, "Alone", None)]              # level3 carried down too
    for k in range(1, 6):
        _xlsx(folder / f"wheel{k}.xlsx", wheel_rows)
    header = tuple(c for run in range(1, 9) for c in (f"word_run{run}", f"synonym_run{run}"))
    blank = (None,) * 12                                   # runs 3 to 8 unused
    _xlsx(folder / "synonym.xlsx", [header,
                                    ("Glad", "['Pleased', \"delighted\"]", "isolated", "lonesome,, ") + blank,
                                    (None, "ignored", None, None) + blank])   # a row without a word
    (folder / "format.csv").write_text("name,format\n"
                                       "pleased,\"pleased,pleases\"\n"
                                       "lonesome,lonesome\n"
                                       "zeal,zealous\n"                            # the name is not among its forms
                                       "wistful,pining\n"
                                       "blue,pining\n", encoding="utf-8")        # pining: two names, file order not alphabetical
    return folder


@pytest.fixture(scope="module")
def toy_wheel(tmp_path_factory):
    from calibration.emotion_wheel import EmotionWheel

    return EmotionWheel.load(_toy_wheel_folder(tmp_path_factory.mktemp("wheel")))


def test_wheel_rows_carry_empty_cells_down_from_the_row_above(toy_wheel):
    assert toy_wheel.wheel_words == frozenset({"happy", "joyful", "glad", "cheerful", "sad", "lonely", "isolated", "alone"})


def test_synonym_lists_split_on_commas_and_both_quotes_inside_optional_brackets_and_are_lower_cased(toy_wheel):
    assert toy_wheel.label_to_wheelwords == {"glad": ["glad"], "pleased": ["glad"], "delighted": ["glad"],
                                             "isolated": ["isolated"], "lonesome": ["isolated"]}


def test_a_word_form_maps_through_its_label_and_synonym_to_the_wheel_class(toy_wheel):
    assert toy_wheel.map_words(["pleases", "lonesome"], "wheel1_level1") == {"happy", "sad"}


def test_a_form_table_name_is_a_word_form_of_itself(toy_wheel):
    assert toy_wheel.lookup("m1")["zeal"] == "zeal"


def test_the_vocabulary_lists_every_form_and_name_alphabetically_not_in_the_tables_order(toy_wheel):
    # the lexical extractor keeps the first form of those that tokenise alike: an order of its own, not the file's
    assert toy_wheel.vocabulary == ["blue", "lonesome", "pining", "pleased", "pleases", "wistful", "zeal", "zealous"]


def test_a_word_form_of_several_names_takes_the_alphabetically_first(toy_wheel):
    assert toy_wheel.lookup("m1")["pining"] == "blue"


@pytest.mark.parametrize("format_file, table", [("official", "format.csv"), ("mer2026", "format-mer2026.csv"), ("mine.csv", "mine.csv")])
def test_the_wheel_files_a_command_reads_name_the_word_form_table_a_short_name_stands_for(tmp_path, format_file, table):
    # what outputs refuse to write over: --word-forms mer2026 reads format-mer2026.csv, not a file called mer2026
    from calibration.emotion_wheel import wheel_input_files

    files = set(wheel_input_files(tmp_path, format_file).values())
    assert tmp_path / table in files and {tmp_path / "synonym.xlsx", tmp_path / "wheel5.xlsx"} <= files and len(files) == 7


def test_a_word_form_table_saved_with_a_byte_order_mark_reads_as_without_one(toy_wheel, tmp_path):
    # Excel's "CSV UTF-8" starts the file with one: its header must still be name,format
    from calibration.emotion_wheel import EmotionWheel

    folder = _toy_wheel_folder(tmp_path)
    (folder / "format.csv").write_bytes("\ufeff".encode("utf-8") + (folder / "format.csv").read_bytes())
    assert EmotionWheel.load(folder).form_to_labels == toy_wheel.form_to_labels


@pytest.mark.parametrize(
    ("damage", "pattern"),
    [
        pytest.param(lambda d: _xlsx(d / "wheel3.xlsx", [("l1", "l2", "l3"), ("Happy", "Joyful", "Glad")]),
                     r"wheel3\.xlsx: needs columns level1, level2, level3", id="wheel without its level columns"),
        pytest.param(lambda d: _xlsx(d / "synonym.xlsx", [("word_run1", "synonym_run1"), ("glad", "pleased")]),
                     r"synonym\.xlsx: needs columns word_run2 and synonym_run2", id="synonyms of one run only"),
        pytest.param(lambda d: (d / "format.csv").write_text("word,forms\npleased,pleases\n", encoding="utf-8"),
                     r"format\.csv: needs a header 'name,format'", id="word forms without their header"),
        pytest.param(lambda d: _xlsx(d / "wheel1.xlsx", []), r"wheel1\.xlsx: empty sheet", id="empty wheel sheet"),
        pytest.param(lambda d: (d / "wheel2.xlsx").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n"),
                     r"wheel2\.xlsx: a Git LFS pointer, not the file itself \(cloned without git-lfs\?\)", id="a Git LFS pointer"),
        # a header alone mapped no word: every label was said to be out of the wheel's vocabulary, the labels file blamed
        pytest.param(lambda d: (d / "format.csv").write_text("name,format\n", encoding="utf-8"),
                     r"format\.csv: a word-form table with no rows under its header 'name,format'; download the wheel files again, "
                     r"or give another table$", id="word forms of a header alone"),
        pytest.param(lambda d: (d / "format.csv").write_bytes("name,format\n\u00e9t\u00e9,x\n".encode("latin-1")),
                     r"format\.csv: not UTF-8 text; give the word-form table as a UTF-8 CSV file 'name,format'$", id="word forms in Latin-1"),
    ],
)
def test_a_damaged_wheel_table_is_named_with_what_it_lacks(tmp_path, damage, pattern):
    from calibration.emotion_wheel import EmotionWheel

    folder = _toy_wheel_folder(tmp_path)
    damage(folder)
    with pytest.raises(InputError, match=pattern):
        EmotionWheel.load(folder)


def test_a_spreadsheet_given_as_the_word_form_table_is_named_a_spreadsheet_not_undecodable_text(tmp_path):
    # '--word-forms wheel1.xlsx' said "unreadable word-form table ('utf-8' codec can't decode bytes in position 15-16: ...)"
    from calibration.emotion_wheel import EmotionWheel

    with pytest.raises(InputError, match=r"wheel1\.xlsx: a spreadsheet \(zip\), not a word-form table; give a CSV file 'name,format' "
                                         r"\('official' or 'mer2026': format\.csv, format-mer2026\.csv\)$"):
        EmotionWheel.load(_toy_wheel_folder(tmp_path), "wheel1.xlsx")


def test_a_wheel_folder_that_does_not_exist_is_named_as_such(tmp_path):
    from calibration.emotion_wheel import EmotionWheel

    with pytest.raises(InputError, match="no emotion-wheel folder"):
        EmotionWheel.load(tmp_path / "absent")


def test_a_file_given_as_the_wheel_folder_is_named_a_file(tmp_path):
    from calibration.emotion_wheel import EmotionWheel

    (tmp_path / "wheel1.xlsx").write_bytes(b"")
    with pytest.raises(InputError, match=r"wheel1\.xlsx: a file, not an emotion-wheel folder; give the folder"):
        EmotionWheel.load(tmp_path / "wheel1.xlsx")


def test_the_data_folder_given_as_the_wheel_folder_names_the_wheel_folder_inside_it(tmp_path):
    from calibration.emotion_wheel import EmotionWheel

    (tmp_path / "emotion_wheel").mkdir()
    with pytest.raises(InputError, match=r"not an emotion-wheel folder, but it holds one; give .*emotion_wheel$"):
        EmotionWheel.load(tmp_path)


def _rezip(path, member, data):
    """``path`` (a zip) with ``member`` replaced by ``data``, or left out when ``data`` is None."""
    import zipfile

    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for info, content in items:
            if info.filename != member:
                out.writestr(info, content)
            elif data is not None:
                out.writestr(info, data)


@pytest.mark.parametrize(
    ("member", "data"),
    [
        pytest.param("xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>", id="sheet cut short"),
        pytest.param("xl/worksheets/sheet1.xml", None, id="sheet missing"),
        pytest.param("xl/styles.xml", b"<styleSheet", id="styles cut short"),
        pytest.param("[Content_Types].xml", b"garbage", id="manifest not XML"),
    ],
)
def test_a_wheel_xlsx_damaged_inside_its_zip_is_a_one_line_error_naming_it(tmp_path, member, data):
    # a download cut short is caught by zipfile; an xlsx whose XML is damaged gave a ParseError or IndexError traceback
    from calibration.emotion_wheel import EmotionWheel

    folder = _toy_wheel_folder(tmp_path)
    _rezip(folder / "wheel2.xlsx", member, data)
    with pytest.raises(InputError, match=r"wheel2\.xlsx: unreadable xlsx .*download the wheel files again") as caught:
        EmotionWheel.load(folder)
    assert "\n" not in str(caught.value)


def test_without_merov_data_the_error_names_every_folder_looked_in(tmp_path, monkeypatch):
    import calibration.data_paths as paths

    monkeypatch.delenv("MEROV_DATA", raising=False)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setattr(paths, "_REPO", tmp_path / "checkout" / "merov")
    (tmp_path / "checkout" / "merov").mkdir(parents=True)
    (tmp_path / "checkout" / "merov" / "setup.cfg").write_text("[metadata]\nname = merov-cojudge\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        paths.data_root()
    message = str(caught.value)
    for folder in (tmp_path / "shared", tmp_path / "checkout" / "shared", tmp_path / "work" / "shared"):
        assert f"{folder}" in message
    assert message.startswith(f"no data folder at {tmp_path / 'shared'} nor ")


def test_installed_from_a_wheel_the_data_folder_is_not_looked_for_inside_the_environment(tmp_path, monkeypatch):
    # the error named <venv>/lib/python3.11/shared, "../shared beside the checkout" where there is no checkout
    import calibration.data_paths as paths

    monkeypatch.delenv("MEROV_DATA", raising=False)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    site_packages = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    (site_packages / "calibration").mkdir(parents=True)  # the package folders, no setup.cfg beside them
    (tmp_path / "venv" / "lib" / "python3.11" / "shared" / "ovmerd").mkdir(parents=True)
    monkeypatch.setattr(paths, "_REPO", site_packages)
    assert paths.find_data_root() is None
    with pytest.raises(InputError) as caught:
        paths.data_root()
    assert str(caught.value).startswith(f"no data folder at {tmp_path / 'shared'} nor {tmp_path / 'work' / 'shared'}; set MEROV_DATA")
