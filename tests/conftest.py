"""Shared fixtures: the research data is read from ../shared (or $MEROV_DATA), never copied here."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from calibration.data_paths import find_data_root  # noqa: E402

DATA = find_data_root()


@pytest.fixture(scope="session")
def data_root() -> Path:
    if DATA is None or not (DATA / "ovmerd").is_dir():
        pytest.fail("research data not found: set MEROV_DATA to the folder holding ovmerd/ and emotion_wheel/")
    return DATA


@pytest.fixture(scope="session")
def wheel(data_root):
    from calibration.emotion_wheel import load_wheel

    return load_wheel(data_root / "emotion_wheel")


@pytest.fixture(scope="session")
def dev_labels(data_root):
    from calibration.labels import read_labels

    return read_labels(data_root / "ovmerd" / "labels" / "dev.csv")


@pytest.fixture(scope="session")
def dev_names(data_root):
    from calibration.labels import read_split

    return read_split(data_root / "ovmerd" / "splits" / "dev.txt")


@pytest.fixture(scope="session")
def outputs_dir(data_root) -> Path:
    return data_root / "ovmerd" / "outputs"
