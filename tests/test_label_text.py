"""The label-string parser accepts what judges and annotators actually write."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from judges.label_text import format_labels, parse_labels


@pytest.mark.parametrize(
    "text, words",
    [
        ("[happy, excited]", ["happy", "excited"]),
        ("['happy', 'excited']", ["happy", "excited"]),
        ('["Happy", "Excited"]', ["happy", "excited"]),
        ("happy，excited、sad", ["happy", "excited", "sad"]),
        ("1. happy\n2. excited", ["happy", "excited"]),
        ("9. happy\n10. excited", ["happy", "excited"]),
        ("  happy ,   very   excited  ", ["happy", "very excited"]),
        ("- happy\n- sad", ["happy", "sad"]),
        ("\u2022 happy\n\u2022 sad", ["happy", "sad"]),
        ("(1) happy\n(2) sad", ["happy", "sad"]),
        ("happy, sad.", ["happy", "sad"]),
        ("", []),
        ("None", []),
        ("No emotion", []),
        ("N/A", []),
        ("[]", []),
        ("nan", []),
        (None, []),
        (math.nan, []),
    ],
)
def test_parses_common_label_spellings(text, words):
    assert parse_labels(text) == words


@pytest.mark.parametrize(
    "text, words",
    [
        ("can't relax, sad", ["can't relax", "sad"]),
        ("[‘can’t relax’, ‘sad’]", ["can’t relax", "sad"]),
        ("['can't relax','sad']", ["can't relax", "sad"]),
        ("'happy''sad'", ["happy", "sad"]),
    ],
)
def test_an_apostrophe_between_letters_is_part_of_the_word_not_a_quote(text, words):
    assert parse_labels(text) == words


def test_lists_are_parsed_item_by_item():
    assert parse_labels(["Happy", "sad, angry"]) == ["happy", "sad", "angry"]


@pytest.mark.parametrize("given", [tuple, np.array, pd.Series], ids=["tuple", "numpy array", "pandas Series"])
def test_a_tuple_array_or_series_of_texts_is_parsed_item_by_item_as_the_list_is(given):
    # read by their printed form, a tuple's or an array's items would come escaped ('happy\\nsad'), a Series with its index
    texts = ["1. happy\n2. sad", "angry"]
    assert parse_labels(given(texts)) == parse_labels(texts) == ["happy", "sad", "angry"]


@pytest.mark.parametrize("text", ["{happy, sad}", "［happy，sad］"])
def test_braces_and_full_width_brackets_around_the_list_are_not_part_of_its_words(text):
    assert parse_labels(text) == ["happy", "sad"]


def test_a_none_among_the_words_is_no_word():
    assert parse_labels("[happy, none, null, sad]") == ["happy", "sad"]


def test_format_writes_the_official_csv_form_of_a_label_list():
    assert format_labels(["happy", "excited"]) == "['happy', 'excited']"


def test_format_round_trips():
    assert parse_labels(format_labels(["happy", "self-deprecating"])) == ["happy", "self-deprecating"]


@pytest.mark.parametrize("text, words", [("happy…, sad!", ["happy", "sad"]), ("开心。", ["开心"]), ("Excited！", ["excited"])])
def test_a_closing_ellipsis_or_exclamation_mark_is_not_part_of_the_word(text, words):
    # 'happy…' and 'sad!' came back with the mark
    assert parse_labels(text) == words


def test_a_question_mark_is_kept_so_stored_outputs_read_as_before():
    # a SALMONN answer quotes its subtitle, 'Who the hell is it?'; fused words of the stored outputs must not move
    assert parse_labels("who is it?") == ["who is it?"]
