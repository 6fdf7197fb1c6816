"""Prompt templates filled for one clip: the subtitle said when there is one, and said absent when not."""
from __future__ import annotations

import pytest

from judges.prompts import DIRECT_LABELS, EXTRACT_LABELS, render


def test_a_subtitle_is_quoted_into_the_direct_labels_prompt_trimmed():
    assert ', whose subtitle is: "Go away."' in render(DIRECT_LABELS, subtitle="  Go away. \n")


@pytest.mark.parametrize("subtitle", [None, "", "   "])
def test_the_direct_labels_prompt_without_a_subtitle_has_no_subtitle_clause(subtitle):
    prompt = render(DIRECT_LABELS, subtitle=subtitle)
    assert "subtitle" not in prompt and "in this clip. Output only" in prompt


@pytest.mark.parametrize("subtitle", [None, "", "   "])
def test_an_absent_subtitle_is_said_as_none_in_the_extract_prompt(subtitle):
    assert "Subtitle (what the person says): (none)\n" in render(EXTRACT_LABELS, description="He frowns.", subtitle=subtitle)


def test_description_and_subtitle_are_trimmed_into_the_extract_prompt():
    prompt = render(EXTRACT_LABELS, description="  He frowns.\n", subtitle=" Go away. ")
    assert "Clues: He frowns.\nSubtitle (what the person says): Go away.\n" in prompt
