"""The README and its reference pages under docs/: every page says what it covers and leads back, the README lists
every page, every relative link reaches a file (and heading) of the checkout, and every command-line option they name
is one the command (or benchmark script) takes, with the default they give it."""
from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted((REPO / "docs").glob("*.md"))


def _prose(path: Path) -> str:
    """A markdown file's text outside its fenced code blocks (where '# ...' is a comment, not a heading)."""
    return re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation but '-' and '_' dropped, spaces as '-'."""
    headings = re.findall(r"^#+ (.+)$", _prose(path), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_there_are_reference_pages() -> None:
    assert PAGES, "docs/ holds no pages"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_each_docs_page_opens_with_what_it_covers_and_a_link_back_to_the_readme(page: Path) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), f"{page.name}: no title on its first line"
    opening = lines[2]
    assert opening.startswith("This page covers ") and "](../README.md)" in opening, f"{page.name}: {opening[:120]!r}"


def test_the_readme_reference_list_names_every_docs_page_once() -> None:
    reference = (REPO / "README.md").read_text(encoding="utf-8").split("\n## Reference\n", 1)[1]
    listed = re.findall(r"^- \[docs/([\w.-]+\.md)\]\(docs/\1\): \S", reference, flags=re.M)
    assert sorted(listed) == [p.name for p in PAGES]


@pytest.mark.parametrize("source", [REPO / "README.md", *PAGES], ids=lambda p: p.name)
def test_every_relative_link_reaches_a_file_and_heading_of_the_checkout(source: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", _prose(source)):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        file, _, anchor = target.partition("#")
        path = (source.parent / file).resolve() if file else source
        if not path.is_file():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(target)
    assert not broken, f"{source.relative_to(REPO)}: links that lead nowhere: {broken}"


@pytest.mark.parametrize("source", [REPO / "README.md", *PAGES], ids=lambda p: p.name)
def test_headings_go_down_one_level_at_a_time(source: Path) -> None:
    """A '###' right under the '#' title renders, but nests the page's sections wrongly in GitHub's outline."""
    headings = re.findall(r"^(#+) (.+)$", _prose(source), flags=re.M)
    skips = [title for (above, _), (level, title) in zip(headings, headings[1:]) if len(level) > len(above) + 1]
    assert not skips, f"{source.relative_to(REPO)}: headings more than one level below the one before: {skips}"


# Options the pages name that belong to other programs (the pages show how to run those too).
OTHER_PROGRAMS_OPTIONS = {
    "pip": {"--no-deps", "--extra-index-url"},
    "pytest": {"--doctest-modules"},
    "lmdeploy serve api_server / proxy": {"--server-name", "--server-port", "--routing-strategy", "--strategy",
                                          "--model-name", "--tp", "--proxy-url", "--session-len"},
    "vLLM / SGLang servers": {"--max-model-len", "--context-length", "--limit-mm-per-prompt"},
    "ray start": {"--head"},
    "AffectGPT's inference_hybird.py": {"--zeroshot", "--dataset", "--cfg-path", "--options"},
}
SOURCES = [REPO / "README.md", *PAGES]


@cache
def _cojudge_options() -> dict[str, argparse.ArgumentParser]:
    """Each ``cojudge`` subcommand's own parser, as the CLI builds it."""
    from ensemble.cli import build_parser

    return build_parser()[2]


class _Parsed(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser


@cache
def _benchmark_options(script: str) -> frozenset[str]:
    """The options ``benchmarks/<script>`` takes: its ``main()`` is run up to its ``parse_args``, which hands the parser back."""
    path = REPO / "benchmarks" / script
    spec = importlib.util.spec_from_file_location(f"_docs_{path.stem}", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))  # the scripts import benchmark_arguments beside them
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))

    def caught(parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        raise _Parsed(parser)

    original = argparse.ArgumentParser.parse_args
    argparse.ArgumentParser.parse_args = caught  # type: ignore[method-assign,assignment]
    try:
        module.main()
    except _Parsed as parsed:
        return frozenset(parsed.parser._option_string_actions)
    finally:
        argparse.ArgumentParser.parse_args = original  # type: ignore[method-assign]
    raise AssertionError(f"{path.name}: main() never parsed its arguments")


def _code(path: Path) -> list[str]:
    """A page's code: its fenced blocks' lines (a line ending in '\\' joined to the next) and its inline code spans."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.M | re.S)
    lines = [line for block in blocks for line in re.sub(r"\\\n\s*", " ", block).splitlines()]
    return lines + re.findall(r"`([^`\n]+)`", _prose(path))


def _commands(path: Path, pattern: str) -> list[tuple[str, list[str]]]:
    """Each command of a page that ``pattern`` finds (the group that matched names it), with the options it is given."""
    found = []
    for code in _code(path):
        for match in re.finditer(pattern + r"((?:\s+[^\s#`|;&]+)*)", code):
            *names, given = match.groups()
            found.append((next(name for name in names if name), re.findall(r"(?<!\S)(--[\w-]+)", given)))
    return found


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_option_given_to_a_cojudge_command_is_one_it_takes(source: Path) -> None:
    # 'cojudge tune --grid ...', or in prose the subcommand alone: 'predict --calibration', 'fuse --details FILE'
    pattern = r"(?<![\w.-])(?:cojudge\s+(evaluate|tune|fuse|predict)|(evaluate|tune|fuse|predict)(?=\s+--))"
    unknown = [f"{command} {option}" for command, options in _commands(source, pattern)
               for option in options if option not in _cojudge_options()[command]._option_string_actions]
    assert not unknown, f"{source.relative_to(REPO)}: options the commands do not take: {unknown}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_option_given_to_a_benchmark_script_is_one_it_takes(source: Path) -> None:
    unknown = [f"{script} {option}" for script, options in _commands(source, r"\bbenchmarks/(\w+\.py)")
               for option in options if option not in _benchmark_options(script)]
    assert not unknown, f"{source.relative_to(REPO)}: options the scripts do not take: {unknown}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_every_option_a_page_names_belongs_to_a_command_a_benchmark_or_a_program_it_runs(source: Path) -> None:
    # an option named alone in prose ('`--folds` (default 5)') is checked too: renamed in the code, it is found here
    known = {option for parser in _cojudge_options().values() for option in parser._option_string_actions}
    known |= {option for script in (REPO / "benchmarks").glob("*.py") if script.stem != "benchmark_arguments"
              for option in _benchmark_options(script.name)}
    known |= set().union(*OTHER_PROGRAMS_OPTIONS.values())
    named = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", source.read_text(encoding="utf-8")))
    assert not named - known, f"{source.relative_to(REPO)}: options no command, benchmark or listed program takes: {sorted(named - known)}"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_a_default_a_page_gives_a_cojudge_option_is_its_default(source: Path) -> None:
    # '`--folds` (default 5)', '`--min-support` (0.25)': the parser's default, or the one its --help states when the
    # parser's is None because the command settles it later (--min-support is refused with --calibration)
    wrong = []
    for option, said in re.findall(r"`(--[\w-]+)[^`]*` \((?:default )?([\d.]+)[);]", _prose(source)):
        actions = [parser._option_string_actions[option] for parser in _cojudge_options().values()
                   if option in parser._option_string_actions]
        defaults = {a.default for a in actions if isinstance(a.default, (int, float))}
        defaults |= {float(d) for a in actions if a.default is None for d in re.findall(r"default ([\d.]+)\b", a.help or "")}
        if float(said) not in defaults:
            wrong.append(f"{option}: {said} said, {sorted(defaults)} in the code")
    assert not wrong, f"{source.relative_to(REPO)}: defaults the options do not have: {wrong}"
