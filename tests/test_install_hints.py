"""Install hints in error messages name extras that setup.cfg really defines, in a form that works from the checkout."""
from __future__ import annotations

import configparser
import re
from pathlib import Path

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


def test_hint_outside_a_checkout_installs_the_wheel_with_the_extra(monkeypatch) -> None:
    import judges.install_hints as hints

    monkeypatch.setattr(hints, "_runs_from_checkout", lambda: False)
    monkeypatch.setattr(hints.metadata, "version", lambda name: "0.1.0" if name == "merov-cojudge" else "?")
    assert hints.install_hint("cpu").startswith("pip install 'merov_cojudge-0.1.0-py3-none-any.whl[cpu]' (the wheel")


def test_hint_outside_a_checkout_without_installed_metadata_names_the_version_as_a_placeholder(monkeypatch) -> None:
    # from a wheel the hint said merov_cojudge-<version>-..., a file name no pip command finds; <version> is left only
    # when no distribution is installed to read it from
    import judges.install_hints as hints

    def not_installed(name: str) -> str:
        raise hints.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(hints, "_runs_from_checkout", lambda: False)
    monkeypatch.setattr(hints.metadata, "version", not_installed)
    assert hints.install_hint("cpu").startswith("pip install 'merov_cojudge-<version>-py3-none-any.whl[cpu]' (the wheel")
