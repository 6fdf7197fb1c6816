"""Type hints everywhere: mypy finds nothing in the three packages, with setup.cfg's [mypy] settings."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_finds_no_error_in_the_packages(tmp_path: Path) -> None:
    # about a minute cold: a fresh cache in tmp_path, so neither the checkout nor an old cache is involved
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "ensemble", "judges", "calibration", "--cache-dir", str(tmp_path / "mypy_cache")],
        cwd=REPO, capture_output=True, text=True,
    )
    if run.returncode != 0:
        pytest.fail(f"mypy ensemble judges calibration:\n{run.stdout}{run.stderr}", pytrace=False)
