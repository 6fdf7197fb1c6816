"""Every prompt the live judges send, in one place, versioned.

Bump :data:`PROMPT_VERSION` whenever a prompt's text changes: the verdict
cache keys on it, so stale answers are never replayed for a new prompt.
``tests/test_prompts.py`` pins a digest of the texts (and of what
:func:`render` adds) to the version: an edit without a bump fails there.
The wording follows the OV-MER two-stage recipe: describe the clues, then
merge them with the subtitle and extract open-vocabulary emotion words.
"""
from __future__ import annotations

__all__ = ["PROMPT_VERSION", "DESCRIBE_VIDEO", "DESCRIBE_AUDIO", "DIRECT_LABELS", "EXTRACT_LABELS", "render"]

PROMPT_VERSION = "2026-11-21.1"

DESCRIBE_VIDEO = (
    "As an expert in video emotion recognition, describe the facial expressions, body movements "
    "and any other visual clues of the main character in this clip, and infer the emotional state "
    "they suggest. Do not guess beyond what is visible."
)

DESCRIBE_AUDIO = (
    "As an expert in speech emotion recognition, describe the speaker's tone, pitch, speaking rate, "
    "volume and other acoustic clues in this audio, and infer the emotional state they suggest."
)

DIRECT_LABELS = (
    "As an expert in emotion recognition, identify the emotions of the main character in this clip"
    "{subtitle_clause}. Output only a comma-separated list of emotion words (English, lower case), "
    "for example: happy, relieved. Output nothing else."
)

EXTRACT_LABELS = (
    "Here are clues about a person's emotional state from a video.\n"
    "Clues: {description}\n"
    "Subtitle (what the person says): {subtitle}\n"
    "Combine the clues and the subtitle, and identify all emotional states of the person. "
    "Output only a comma-separated list of emotion words (English, lower case), for example: "
    "happy, relieved. Output nothing else. If no emotion can be inferred, output: none"
)


def render(template: str, *, description: str = "", subtitle: str | None = None) -> str:
    """Fill a prompt template; an absent subtitle is said as such, not left blank."""
    sub = (subtitle or "").strip()
    clause = f', whose subtitle is: "{sub}"' if sub else ""
    return template.format(description=description.strip(), subtitle=sub or "(none)", subtitle_clause=clause)
