"""Ground truth and splits: ``name,openset`` CSV and one-name-per-line split files."""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from pathlib import Path

from judges.clip import repeated_names, shown_name_like
from judges.errors import InputError, listed
from judges.label_text import parse_labels
from judges.outputs import read_label_csv
from judges.text_files import STANDARD_INPUT, check_input_file, decoded_text, listed_lines, nul_separated, standard_input_bytes

#: Excel's first line naming a CSV's separator (``sep=;``), as a split file's line reads it (spaces around it stripped).
_EXCEL_SEPARATOR_LINE = re.compile(r"sep=([^\s\"]?)", re.IGNORECASE)

__all__ = ["read_labels", "read_split", "name_header_columns", "csv_first_lines", "check_names", "check_one_name_a_line"]


def read_labels(path: str | Path, parse: Callable[[object], list[str]] = parse_labels) -> dict[str, list[str]]:
    """Ground truth in the official MER2024 format (CSV ``name,openset``, its header read whatever its case, surrounding
    spaces or byte order mark: a spreadsheet's ``Name,OpenSet``); ``parse`` reads one label text."""
    labels = read_label_csv(path, unique=True, parse=parse)
    if not labels:
        raise InputError(f"{path}: no labelled samples")
    return labels


def read_split(path: str | Path) -> list[str]:
    """Sample names of a split file, one per line, order kept, blanks and ``#`` comments skipped; a labels or
    predictions CSV given instead (a header whose first column is ``name``, as :func:`read_labels` reads it) is refused,
    and so is a first line ``name`` alone (the header pandas writes above a names column). ``-`` reads standard input
    (``head -100 dev.txt | cojudge fuse ... --names -``), named ``standard input`` in its errors."""
    if path == STANDARD_INPUT:
        where, sort = "standard input", "sort"
        data = standard_input_bytes("--names -", "split file", "head -100 dev.txt | cojudge fuse ... --names -")
    else:
        path = check_input_file(path, "split file")
        where, sort, data = str(path), f"sort {path.name}", path.read_bytes()  # read once: it may be a pipe
    if data.endswith(b"\x00") and nul_separated(data):  # find -print0's list: named so, not as text holding zero bytes
        raise InputError(f"{where}: a NUL-separated list (find -print0?), not a split file of one name a line; give one a line "
                         "(tr '\\0' '\\n' turns the one into the other)")
    entries = listed_lines(decoded_text(data, where, "split file"))
    if not entries:
        raise InputError(f"{where}: the split file lists no names")
    first = entries[0][0]  # the line of the first name
    names = [name for _, name in entries]
    shown = csv_first_lines(names)
    if shown is not None:  # a labels or predictions CSV; names may hold commas
        raise InputError(f"{where}: a CSV ({shown}), not a split file; give a file of clip names, one per line "
                         "(e.g. ovmerd/splits/dev.txt)")
    if name_header_columns(names[0]) == 1:  # pandas' df[["name"]].to_csv(path, index=False): the names under their column's header
        raise InputError(f"{where}:{first}: {names[0]!r} is a column's header, not a clip's name (written by pandas' to_csv?); "
                         "remove that line, or save with header=False")
    dupes = sorted(repeated_names(names))
    if dupes:
        raise InputError(f"{where}: names listed twice: {listed(dupes)}; keep each name once ({sort} | uniq -d lists "
                         "every repeated one)")
    return names


def csv_first_lines(lines: Sequence[str], columns: int = 2) -> str | None:
    """How an error names the first of ``lines``, a split file's or list's entries, when they are a labels or predictions
    CSV (``first line 'name,openset'``): a header of ``columns`` or more whose first is ``name`` (:func:`name_header_columns`),
    or one below Excel's line naming its separator (``first lines 'sep=;' and 'name;openset'``); else None."""
    if lines and name_header_columns(lines[0]) >= columns:
        return f"first line {lines[0][:60]!r}"
    if _excel_csv_header(lines):
        return f"first lines {lines[0]!r} and {lines[1][:60]!r}"
    return None


def _excel_csv_header(lines: Sequence[str]) -> bool:
    """Whether ``lines``, a split file's or list's entries, are a labels or predictions CSV below Excel's line naming its
    separator (``sep=;``; a tab is stripped as the line's spaces are), not names (``sep=;`` would be the first)."""
    excel = _EXCEL_SEPARATOR_LINE.fullmatch(lines[0]) if lines else None
    return excel is not None and len(lines) > 1 and name_header_columns(lines[1], excel.group(1) or "\t") > 1


def name_header_columns(line: str, delimiter: str = ",") -> int:
    """How many columns a split file's first line names when it is a CSV header whose first column is ``name``, as
    :func:`read_labels` reads it (case, spaces around it and quotes aside: ``Name,OpenSet``, ``"name","openset"``, or
    ``name`` alone, as pandas writes the names column of a labels table; no clip is named so), else 0. A clip name may
    hold commas: its first cell is no ``name``; and a newline (a NUL-separated list's path): its first line is read.
    ``delimiter``: the CSV's separator, as its Excel ``sep=`` line names it."""
    cells = next(csv.reader(line.splitlines()[:1], delimiter=delimiter), [])
    return len(cells) if cells and cells[0].strip().lower() == "name" else 0


def check_one_name_a_line(names: Iterable[str], known: Container[str], what: str, split: object = None) -> None:
    """Refuse a split file's name that is several of ``known``'s names run together on one line, apart by spaces, commas or
    semicolons (``echo $(cat dev.txt) > split.txt``, names pasted from a row), which would be one unknown name thousands of
    characters long, or one clip fused with no words. ``split`` names the file, when known."""
    for name in names:
        if name in known:
            continue
        parts = [p for p in re.split(r"[\s,;]+", name) if p]
        if len(parts) > 1 and all(p in known for p in parts):
            where = "a line of the split file" if split is None else f"{_source(split)}: a line"
            raise InputError(f"{where} holds {len(parts)} names of {what} ({listed(parts, 2)}) apart by spaces or commas; "
                             "give one name per line")


def _source(split: object) -> object:
    """How an error names the split file ``split``: ``-`` (``--names -``) is standard input, as :func:`read_split` names it."""
    return "standard input" if split == STANDARD_INPUT else split


def check_names(names: Iterable[str], known: Mapping[str, object], what: str, split: object = None) -> list[str]:
    """``names`` as a list, or a clear error naming those not in ``known`` (``split``: the file they were read from, if any)."""
    names = list(names)
    check_one_name_a_line(names, known, what, split)
    unknown = [n for n in names if n not in known]
    if unknown:  # 'sample_1.mp4' or 'SAMPLE_1' for 'sample_1': the other side's name shows why
        shown = shown_name_like(known, unknown[0], f" ({what} names clips like {{!r}})", or_first=False)
        raise InputError(f"{len(unknown)} name(s) not in {what}: {listed(unknown)}{shown}; is it the right split for these labels?")
    return names
