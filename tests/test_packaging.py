"""What the distributions built from this checkout hold: a source user gets the files the README runs, a wheel
user the package data the code reads."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: tracked files a source user does not need: the CI script and git's own settings
NOT_FOR_SOURCE_USERS = {".ci/run", ".gitignore"}


def _tracked_files() -> list[str]:
    """The checkout's files as git tracks them (so nothing a local run left behind counts)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    done = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def _build(kind: str, tracked: list[str], tmp_path: Path) -> Path:
    """Build an sdist or wheel with setuptools from a copy of the tracked files (the checkout itself is left
    untouched: a build writes its egg-info and build/ folders beside the sources)."""
    pytest.importorskip("setuptools", minversion="68")  # pyproject.toml's build requirement
    source = tmp_path / "source"
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    out = tmp_path / "dist"
    script = f"from setuptools import build_meta; print(build_meta.build_{kind}({str(out)!r}))"
    done = subprocess.run([sys.executable, "-c", script], cwd=source, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1000:]
    return out / done.stdout.strip().splitlines()[-1]


def test_the_sdist_holds_every_tracked_file_a_source_user_runs(tmp_path: Path) -> None:
    # MANIFEST.in left out benchmarks/ and notebooks/, which the README runs and tests/ (shipped) tests
    tracked = _tracked_files()
    with tarfile.open(_build("sdist", tracked, tmp_path)) as sdist:
        shipped = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    missing = sorted(set(tracked) - NOT_FOR_SOURCE_USERS - shipped)
    assert not missing, f"MANIFEST.in leaves out {missing}"


def test_the_wheel_holds_the_default_judges_config_and_the_cojudge_command(tmp_path: Path) -> None:
    with zipfile.ZipFile(_build("wheel", _tracked_files(), tmp_path)) as wheel:
        names = set(wheel.namelist())
        entry_points = next(wheel.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "judges/default_judges.toml" in names
    assert "cojudge = ensemble.cli:entry" in entry_points
