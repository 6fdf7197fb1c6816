"""Shared fixtures: the research data is read from ../shared (or $MEROV_DATA), never copied here."""
from __future__ import annotations

import doctest
import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from calibration.data_paths import find_data_root  # noqa: E402
from judges.errors import InputError  # noqa: E402

DATA = find_data_root()
HAVE_DATA = DATA is not None and (DATA / "ovmerd").is_dir()
# CI sets it: there, missing data is a failure, not a quiet skip
REQUIRE_DATA = os.environ.get("MEROV_REQUIRE_DATA", "") not in ("", "0")
NO_DATA = ("research data not found (MEROV_DATA, or ../shared): set MEROV_DATA to the folder holding ovmerd/ and "
           "emotion_wheel/ (README, 'Data')")


def pytest_report_header(config: pytest.Config) -> str:
    if HAVE_DATA:
        return f"research data: {DATA}"
    return f"{NO_DATA}; the tests that read it {'fail (MEROV_REQUIRE_DATA)' if REQUIRE_DATA else 'are skipped'}"


def pytest_terminal_summary(terminalreporter) -> None:
    """Under ``-q`` the header is not shown: say at the end why so many tests were skipped."""
    skipped = sum(NO_DATA in str(getattr(report, "longrepr", "")) for report in terminalreporter.stats.get("skipped", []))
    if skipped:
        terminalreporter.write_line(f"{skipped} tests skipped: {NO_DATA}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The packages' docstring examples that need the emotion wheel (most of ensemble/'s) cannot ask for the
    ``data_root`` fixture: without the data, one that fails only for the want of it is skipped instead."""
    if HAVE_DATA or REQUIRE_DATA:
        return
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.runtest = _skipped_without_data(item.runtest)


def _skipped_without_data(runtest: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            runtest()
        except doctest.UnexpectedException as exc:
            if isinstance(exc.exc_info[1], InputError) and str(exc.exc_info[1]).startswith("no data folder at "):
                pytest.skip(NO_DATA)
            raise
    return run


@pytest.fixture(scope="session")
def data_root() -> Path:
    """The research data folder; a test that asks for it is skipped when there is none (a clone without the
    licensed data), or fails under MEROV_REQUIRE_DATA."""
    if not HAVE_DATA:
        if REQUIRE_DATA:
            pytest.fail(NO_DATA)
        pytest.skip(NO_DATA)
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


@pytest.fixture
def new_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer parser of another version that reads every answer's words in upper case, in this process: what a
    merov-cojudge upgrade reading some answers otherwise looks like to a verdict cache."""
    from judges import answer_parsing

    read = answer_parsing.words_from_answer
    monkeypatch.setattr(answer_parsing, "PARSER_VERSION", "2099-01-01.1")
    monkeypatch.setattr(answer_parsing, "words_from_answer", lambda text: ([w.upper() for w in read(text)[0]], read(text)[1]))
