"""The README and its reference pages under docs/: every page says what it covers and leads back, the README lists
every page, and every relative link reaches a file (and heading) of the checkout."""
from __future__ import annotations

import re
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
