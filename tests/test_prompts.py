"""Prompt templates filled for one clip: the subtitle said when there is one, and said absent when not; and a prompt's
text never changes without a new PROMPT_VERSION."""
from __future__ import annotations

import hashlib
import json

import pytest

from judges import prompts
from judges.prompts import DIRECT_LABELS, EXTRACT_LABELS, render

# PROMPT_VERSION and the digest of the prompts' texts it was given for (see prompts_digest)
PINNED = ("2026-11-21.1", "863dcfa8ade433dc08d2dc46d26d5282f7ab26b382321dd65c09896eec3d03b6")


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


def prompts_digest() -> str:
    """SHA-256 of what the live judges send: every prompt of judges/prompts.py, and the templates as render fills
    them with and without a subtitle (its own words, the subtitle clause and '(none)', are sent too)."""
    texts = {name: value for name, value in vars(prompts).items() if name.isupper() and isinstance(value, str) and name != "PROMPT_VERSION"}
    for name in ("DIRECT_LABELS", "EXTRACT_LABELS"):
        texts[f"{name} rendered"] = render(texts[name], description="<description>", subtitle="<subtitle>")
        texts[f"{name} rendered without a subtitle"] = render(texts[name], description="<description>")
    return hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def test_a_prompt_changed_without_a_new_prompt_version_fails_here():
    """The verdict cache keys on PROMPT_VERSION, not the text: a prompt edited under the same version would have a
    run reuse the verdicts given to the old one, silently."""
    digest = prompts_digest()
    if digest != PINNED[1] and prompts.PROMPT_VERSION == PINNED[0]:
        pytest.fail(f"judges/prompts.py: a prompt's text changed but PROMPT_VERSION is still {PINNED[0]!r}, so cached verdicts "
                    "of the old prompt would be reused: bump PROMPT_VERSION, and update the digest: PINNED in "
                    f"tests/test_prompts.py = (<the new PROMPT_VERSION>, {digest!r})")
    assert (prompts.PROMPT_VERSION, digest) == PINNED, (
        f"PROMPT_VERSION is now {prompts.PROMPT_VERSION!r}: update the digest: PINNED in tests/test_prompts.py = "
        f"({prompts.PROMPT_VERSION!r}, {digest!r})")
