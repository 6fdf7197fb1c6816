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
    assert done.returncode == 2 and "--jsonl" in done.stderr and "is a file, not a folder" in done.stderr, done.stderr[-500:]


@pytest.mark.parametrize("option, named", [(["--strategies", "stacked,majorty"], "majorty"), (["--oov", "attach,atach"], "atach"),
                                           (["--seed", "0,x"], "--seed"), (["--jsonl", "{tmp}"], "is a folder")])
def test_panel_cross_validation_refuses_a_bad_option_before_any_run(option, named, tmp_path):
    # a typo in the last strategy or oov, or a --jsonl it cannot write, used to surface as a traceback
    # only after the runs before it (minutes each); now it is one line, before the data is even read
    env = {**os.environ, "PYTHONPATH": str(REPO), "MEROV_DATA": str(tmp_path / "no-data-here")}
    args = [a.format(tmp=tmp_path) for a in option]
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "panel_cross_validation.py"), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert named in done.stderr.strip().splitlines()[-1] and "no data folder" not in done.stderr
