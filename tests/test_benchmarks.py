"""The benchmark scripts the README points to: each answers ``--help`` with its usage, without running."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((REPO / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_benchmark_help_prints_usage_and_runs_nothing(script, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO), "MEROV_DATA": str(tmp_path / "no-data-here")}
    done = subprocess.run([sys.executable, str(script), "--help"], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.startswith("usage:"), done.stdout[:300]


def test_a_results_file_that_cannot_be_written_is_refused_before_any_cross_validation(tmp_path):
    (tmp_path / "taken").write_text("a file where a folder should be", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "MEROV_DATA": str(tmp_path / "no-data-here")}
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "panel_cross_validation.py"), "--jsonl", str(tmp_path / "taken" / "cv.jsonl")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--jsonl" in done.stderr and "cannot be written (Not a directory)" in done.stderr, done.stderr[-500:]
