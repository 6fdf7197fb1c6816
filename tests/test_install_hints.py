"""Install hints in error messages name extras that setup.cfg really defines, in a form that works from the checkout."""
from __future__ import annotations

import configparser
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from judges.install_hints import FER_HINT, install_hint

ROOT = Path(__file__).resolve().parents[1]


def _extras() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options.extras_require"])


def _hinted_extras() -> set[str]:
    """Every extra named by an ``install_hint("...")`` call in the package's code."""
    found = set()
    for path in [*ROOT.glob("judges/*.py"), *ROOT.glob("ensemble/*.py"), *ROOT.glob("calibration/*.py")]:
        found |= set(re.findall(r"install_hint\([\"'](\w+)[\"']\)", path.read_text(encoding="utf-8")))
    return found


def test_every_hinted_extra_is_defined_in_setup_cfg() -> None:
    hinted = _hinted_extras()
    assert hinted >= {"cpu", "hf", "ray", "lmdeploy"}
    assert hinted <= _extras()


@pytest.mark.parametrize("extra", ["cpu", "ray"])
def test_hint_installs_the_checkout_not_a_pypi_name(extra: str) -> None:
    assert install_hint(extra) == f"pip install -e '.[{extra}]' in the merov-cojudge checkout"


def test_fer_hint_pins_the_version_setup_cfg_names() -> None:
    assert FER_HINT.split()[-1] in (ROOT / "setup.cfg").read_text(encoding="utf-8")


def test_hint_outside_a_checkout_installs_the_wheel_with_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import judges.install_hints as hints

    monkeypatch.setattr(hints, "_runs_from_checkout", lambda: False)
    monkeypatch.setattr(hints, "_installed_from", lambda: None)
    monkeypatch.setattr(hints.metadata, "version", lambda name: "0.1.0" if name == "merov-cojudge" else "?")
    assert hints.install_hint("cpu").startswith("pip install 'merov_cojudge-0.1.0-py3-none-any.whl[cpu]' (the wheel")


def test_hint_outside_a_checkout_without_installed_metadata_names_the_version_as_a_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    # from a wheel the hint said merov_cojudge-<version>-..., a file name no pip command finds; <version> is left only
    # when no distribution is installed to read it from
    import judges.install_hints as hints

    def not_installed(name: str) -> str:
        raise hints.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(hints, "_runs_from_checkout", lambda: False)
    monkeypatch.setattr(hints, "_installed_from", lambda: None)
    monkeypatch.setattr(hints.metadata, "version", not_installed)
    assert hints.install_hint("cpu").startswith("pip install 'merov_cojudge-<version>-py3-none-any.whl[cpu]' (the wheel")


class _Installed:
    """A stand-in for the installed distribution: its ``direct_url.json``, as pip writes it (PEP 610)."""

    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


def _installed_with(monkeypatch: pytest.MonkeyPatch, direct_url: str | None) -> ModuleType:
    import judges.install_hints as hints

    monkeypatch.setattr(hints, "_runs_from_checkout", lambda: False)
    monkeypatch.setattr(hints.metadata, "version", lambda name: "0.1.0")
    monkeypatch.setattr(hints.metadata, "distribution", lambda name: _Installed(direct_url))
    return hints


def test_hint_after_pip_install_of_a_folder_installs_that_folder_with_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # pip install /path/to/checkout (not -e): the hint named a wheel file the user never had
    folder = tmp_path / "my checkout"
    folder.mkdir()
    hints = _installed_with(monkeypatch, json.dumps({"url": folder.as_uri(), "dir_info": {}}))
    assert hints.install_hint("ray") == f"pip install '{folder}[ray]' (the folder this was installed from)"


def test_hint_after_pip_install_of_a_wheel_file_installs_that_file_with_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    wheel = tmp_path / "merov_cojudge-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    hints = _installed_with(monkeypatch, json.dumps({"url": wheel.as_uri(), "archive_info": {}}))
    assert hints.install_hint("cpu") == f"pip install '{wheel}[cpu]' (the file this was installed from)"


@pytest.mark.parametrize("direct_url", [None, json.dumps({"url": "https://example.org/merov_cojudge-0.1.0.whl"}), "{not json"])
def test_hint_without_a_local_source_recorded_names_the_wheel(monkeypatch: pytest.MonkeyPatch, direct_url: str | None) -> None:
    hints = _installed_with(monkeypatch, direct_url)
    assert hints.install_hint("cpu").startswith("pip install 'merov_cojudge-0.1.0-py3-none-any.whl[cpu]' (the wheel")


def test_hint_whose_recorded_folder_is_gone_names_the_wheel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    hints = _installed_with(monkeypatch, json.dumps({"url": (tmp_path / "gone").as_uri(), "dir_info": {}}))
    assert "the wheel this was installed from" in hints.install_hint("cpu")


@pytest.mark.parametrize("extra_record", [{"vcs_info": {"vcs": "git", "commit_id": "5c259db509a2873448c59106bac08be0fa1cd675"}},
                                          {"archive_info": {}, "subdirectory": "merov"}], ids=["git", "subdirectory"])
def test_hint_after_an_install_whose_recorded_folder_is_not_the_project_names_the_wheel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                                        extra_record: dict) -> None:
    # pip install git+file:///srv/merov.git records the bare repository, and an install from a subdirectory the archive
    # holding it: 'pip install /srv/merov.git[ray]' is "not installable. Neither 'setup.py' nor 'pyproject.toml' found"
    source = tmp_path / "merov.git"
    source.mkdir()
    hints = _installed_with(monkeypatch, json.dumps({"url": source.as_uri(), **extra_record}))
    assert "the wheel this was installed from" in hints.install_hint("ray")
