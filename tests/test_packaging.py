"""What the distributions built from this checkout hold: a source user gets the files the README (and its docs/ pages) runs, a wheel
user the package data the code reads."""
from __future__ import annotations

import re
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


@pytest.fixture(scope="module")
def sdist_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The paths (inside its top folder) of the files an sdist built from the tracked files holds."""
    with tarfile.open(_build("sdist", _tracked_files(), tmp_path_factory.mktemp("sdist"))) as sdist:
        return {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}


def test_the_sdist_holds_every_tracked_file_a_source_user_runs(sdist_files: set[str]) -> None:
    # MANIFEST.in left out benchmarks/ and notebooks/, which the README runs and tests/ (shipped) tests
    missing = sorted(set(_tracked_files()) - NOT_FOR_SOURCE_USERS - sdist_files)
    assert not missing, f"MANIFEST.in leaves out {missing}"


def test_the_sdist_holds_the_docs_pages_and_every_file_the_readme_and_they_link_to(sdist_files: set[str]) -> None:
    # the README's reference sections moved to docs/*.md, which MANIFEST.in did not name
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    linked = {(page.parent / target.partition("#")[0]).resolve().relative_to(REPO).as_posix()
              for page in pages for target in re.findall(r"\]\(([^)\s#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8"))}
    missing = sorted(({p.relative_to(REPO).as_posix() for p in pages} | linked) - sdist_files)
    assert len(pages) > 1 and not missing, f"the sdist leaves out {missing}"


def test_the_wheel_holds_the_default_judges_config_and_the_cojudge_command(tmp_path: Path) -> None:
    with zipfile.ZipFile(_build("wheel", _tracked_files(), tmp_path)) as wheel:
        names = set(wheel.namelist())
        entry_points = next(wheel.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "judges/default_judges.toml" in names
    assert "cojudge = ensemble.cli:entry" in entry_points
