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
