"""Read stored judge outputs: OV-MER ``*-openset.npz``, ``name,openset`` CSV, JSONL."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from judges.errors import InputError
from judges.label_text import parse_labels
from judges.option_values import check_flags
from judges.text_files import ZIP_START, check_input_file, check_no_zero_bytes, check_not_lfs_pointer, not_utf8, user_path
from judges.user_warnings import warn_user

# A prediction cell may list thousands of words; the csv module's default cap (131,072 characters) is for a
# line-noise guard, not for data, and refused such a cell as "field larger than field limit".
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))

__all__ = ["read_judge_output", "read_reasons", "read_label_csv", "JUDGE_OUTPUT_SUFFIXES"]

JUDGE_OUTPUT_SUFFIXES = (".npz", ".csv", ".jsonl")


def read_judge_output(path: str | Path, parse: Callable[[object], list[str]] = parse_labels) -> dict[str, list[str]]:
    """Sample name -> emotion words, from a ``.npz``, ``.csv`` or ``.jsonl`` file; ``parse`` reads one sample's label text
    (once per distinct text of the file)."""
    path = user_path(path)
    check_input_file(path, "judge-output file")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        out = _read_npz(path, parse)
    elif suffix == ".csv":
        out = read_label_csv(path, parse=parse)
    elif suffix == ".jsonl":
        out = _read_jsonl(path, "labels", _SharedWords(parse))
    else:
        hint = (" (a tab-separated file: save it comma-separated, as .csv)" if suffix in (".tsv", ".tab") else
                # <(...): /dev/fd/63, whose format no suffix tells (it is read once, so not sniffed)
                " (a pipe, <(...)?, has no suffix to tell its format: save it to a file named so)" if not suffix and not path.is_file()
                else "")
        raise InputError(f"{path}: unknown judge-output format {suffix!r}; use .npz (OV-MER), .csv (name,openset) or .jsonl{hint}")
    if not out:  # every clip would go unanswered, which no one means
        raise InputError(f"{path}: no samples in this judge-output file; is it complete (a run that stopped early, a header only)?")
    return out


def read_reasons(path: str | Path) -> dict[str, str]:
    """Sample name -> free-text description, from a ``*-reason.jsonl`` file."""
    path = user_path(path)
    check_input_file(path, "description file")
    if path.is_file() and zipfile.is_zipfile(path):  # an OV-MER -openset.npz given for its -reason.jsonl: 'not UTF-8 text'
        raise InputError(f"{path}: a zip archive (a judge's .npz of words?), not a description file; give the JSON lines of its "
                         "descriptions ({\"name\": ..., \"reason\": ...}), for OV-MER outputs the -reason.jsonl beside the -openset.npz")
    return _read_jsonl(path, "reason", lambda v: "" if v is None else str(v))


def _read_npz(path: Path, parse: Callable[[object], list[str]] = parse_labels) -> dict[str, list[str]]:
    if not zipfile.is_zipfile(path):  # np.load would take it for a pickle and say so, misleadingly
        check_not_lfs_pointer(path)
        text = _text_kind(path)
        if text is not None:  # a CSV or JSONL saved under .npz: read by its suffix, it was 'not a valid .npz (zip) file'
            raise InputError(f"{path}: not a valid .npz (zip) file but {text[0]}; name it {path.with_suffix(text[1]).name}, "
                             "as its reader goes by the suffix")
        raise InputError(f"{path}: unreadable npz: not a valid .npz (zip) file; is the file complete, and saved with np.savez?")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ("filenames", "fileitems") if k not in data.files]
            if missing:
                raise InputError(f"{path}: npz lacks array(s) {', '.join(missing)}; OV-MER outputs hold 'filenames' and 'fileitems'")
            names, items = data["filenames"], data["fileitems"]
    except InputError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise InputError(f"{path}: npz holds pickled objects, refused for safety; re-save with string arrays (np.savez(filenames=np.array(names, dtype=str), fileitems=...))") from None
        raise InputError(f"{path}: unreadable npz: {exc}") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{path}: unreadable npz ({exc}); is the file complete?") from None
    if names.ndim != 1 or items.ndim != 1:
        raise InputError(f"{path}: 'filenames' and 'fileitems' must be 1-D arrays, one entry per sample (shapes found: {names.shape} and {items.shape})")
    if items.dtype.kind in "biufc":  # numbers where words are due: class indices, scores
        raise InputError(f"{path}: 'fileitems' holds numbers ({items.dtype}), not emotion words; "
                         "save each sample's words as text (np.array([\"happy, sad\", ...]))")
    if len(names) != len(items):
        raise InputError(f"{path}: 'filenames' has {len(names)} entries but 'fileitems' has {len(items)}")
    parse = _SharedWords(parse)
    try:  # byte strings (dtype 'S') are UTF-8 text, not str(b'...')
        out: dict[str, list[str]] = {}
        repeats = _Repeats(path, "entries")
        for k, (n, i) in enumerate(zip(names, items), start=1):
            name = _text(n).strip()  # spaces around a name are layout, as in a CSV
            if not name:  # as a CSV row or JSONL line without a name: no clip is named ''
                raise InputError(f"{path}: entry {k} of 'filenames' is empty; give every sample's name (one per 'fileitems' entry)")
            repeats.add(out, name, parse(_text(i)), k)
        repeats.warn()
        return out
    except UnicodeDecodeError:
        raise InputError(f"{path}: byte strings that are not UTF-8 text; save 'filenames' and 'fileitems' as str arrays") from None


def _text_kind(path: Path) -> tuple[str, str] | None:
    """What a text judge-output file is by its first line, as (what, suffix): ``name,openset`` CSV text, JSON lines; else None."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(4096).decode("utf-8-sig").strip()
            delimiter, rest = _excel_separator(first)
            if rest != first:  # Excel's 'sep=;': the header is the next line
                first = fh.readline(4096).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if first.startswith("{"):
        return "JSON lines (its first line an object)", ".jsonl"
    cells = [c.strip().lower() for c in next(csv.reader([first], delimiter=delimiter), [])]
    if "name" in cells and len(cells) > 1:
        return f"a CSV file (its header {first[:40]!r})", ".csv"
    return None


class _SharedWords:
    """``parse`` once per distinct label text of a file, each word one shared string: a lab's file of 50,000 clips
    says the same few hundred words (and often the same texts) again and again, which read one string per word
    said held 900 MB for 37 such files; each clip still gets a list of its own. What a parser of one's own gives
    other than a list (None: no verdict; a string, which the fusion refuses) is kept as it gave it, not read
    item by item."""

    def __init__(self, parse: Callable[[object], list[str]]) -> None:
        self.parse = parse
        self.texts: dict[str, list[str]] = {}
        self.words: dict[str, str] = {}

    def _shared(self, value: object) -> list[str]:
        words = self.parse(value)
        if not isinstance(words, list):
            return words
        return [self.words.setdefault(w, w) if isinstance(w, str) else w for w in words]

    def __call__(self, value: object) -> list[str]:
        if not isinstance(value, str):  # a JSON list of words, null: nothing to look up by
            return self._shared(value)
        words = self.texts.get(value)
        if words is None:
            words = self._shared(value)
            if not isinstance(words, list):  # not cached: what a list copy would change
                return words
            self.texts[value] = words
        return list(words)


class _Repeats:
    """Answers by clip, the last one kept for a clip given again (as the official MER2024 code reads a file, and as a
    resumed run that re-judged a clip means); a clip given again with another answer is warned about once per file."""

    def __init__(self, path: Path, unit: str) -> None:
        self.path, self.unit = path, unit  # "lines" or "entries": what the positions count
        self.changed: list[tuple[str, int, int]] = []  # clip, its earlier position, its later one
        self.where: dict[str, int] = {}

    def add(self, out: dict, name: str, answer: object, position: int) -> None:
        if out.get(name) and out[name] != answer:  # no words (null, [], a failed clip) then an answer: no conflict
            self.changed.append((name, self.where[name], position))
        out[name] = answer
        self.where[name] = position

    def warn(self) -> None:
        if self.changed:
            name, first, later = self.changed[0]
            clips = f"{len(self.changed)} clip(s) are" if len(self.changed) > 1 else "a clip is"
            warn_user(f"{self.path}: {clips} given again with another answer ({name!r}: {self.unit} {first} and {later}); "
                      "the last answer is used, as the official MER2024 code reads it; keep one per clip if the earlier one is meant")


def _json_kind(value: object) -> str:
    """What a JSON value is, in JSON's words: "a JSON array", "null", ... (Python's 'NoneType', 'str' mean nothing there)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    kind = "string" if isinstance(value, str) else "array" if isinstance(value, list) else "number"
    return f"a JSON {kind}"


def _text(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def read_label_csv(path: str | Path, column: str = "openset", unique: bool = False,
                   parse: Callable[[object], list[str]] = parse_labels) -> dict[str, list[str]]:
    """``name,openset`` CSV (the official MER2024 format) -> name -> words; ``unique``: refuse a name given twice.

    The header's names are read as a spreadsheet shows them: case, surrounding spaces and a byte order mark aside
    (``Name,OpenSet``); a column named twice that way (``name,Name``) is refused. ``column`` is lower case."""
    check_flags(unique=unique)
    path = user_path(path)
    check_input_file(path, "CSV file")
    delimiter, text = _excel_separator(_csv_text(path))
    parse = _SharedWords(parse)
    fields: list[str] | None = None
    # strict: a quote never closed is an error, not every later row in one field. skipinitialspace: in a file written
    # ', '-separated, 's1, "happy, sad"' quotes its cell (else ' "happy' and ' sad"', 3 cells), unless that reading is
    # malformed (text after a closing quote, 's1, "sad" or "angry"', which the plain reading takes as one cell).
    # Spaces after a closing quote (a hand-edited line's trailing space), which strict reading refuses, are dropped first.
    text = _blanks_after_quote(delimiter).sub('"', text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True,
                      skipinitialspace=_skips_initial_space(text, delimiter))
    read_to = 0  # the line the last row read ended on: a malformed row starts after it
    try:
        # the first row with a cell: blank rows above the header (a sheet whose table starts lower down) are skipped
        found = [f.strip() for f in next((cells for cells in rows if any(c.strip() for c in cells)), [])]
        read_to = rows.line_num
        fields = [f.lower() for f in found]  # 'Name,OpenSet' (a spreadsheet's header) is the same header
        missing = [c for c in ("name", column) if c not in fields]
        if missing:
            apart = next((what for sep, what in (("\t", "tabs"), (";", "semicolons")) if len(fields) == 1 and sep in fields[0]), None)
            fix = f": its header is separated by {apart}; save it comma-separated" if apart else ""  # a TSV, a European Excel's CSV
            if delimiter != "," and len(fields) == 1 and "," in fields[0]:  # 'sep=;' above a comma-separated header: say so
                fix = (f": its first line, sep={delimiter}, says its cells are separated by {delimiter!r}, but its header is "
                       "comma-separated; remove that line")
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected a header 'name,{column}' "
                             f"(found: {', '.join(found) or 'nothing'}){fix}")
        twice = [c for c in ("name", column) if fields.count(c) > 1]
        if twice:
            raise InputError(f"{path}: the header names column {twice[0]!r} twice; keep one (found: {', '.join(found)}; case is ignored)")
        at = {c: fields.index(c) for c in ("name", column)}
        out: dict[str, list[str]] = {}
        repeats = _Repeats(path, "lines")
        for cells in rows:
            lineno = read_to = rows.line_num  # the file's line, blank lines and cells holding line breaks counted
            if not any(c.strip() for c in cells):  # a blank line, or one of empty cells: the rows Excel saves as ',' below the data
                continue
            extra = cells[len(found):]  # cells beyond the header's columns: an unquoted cell that holds commas
            if any(v.strip() for v in extra):
                raise InputError(f"{path}:{lineno}: {len(cells)} cells but the header names {len(found)} columns; "
                                 f"quote the {column} cell if it holds commas (s1,\"['happy', 'sad']\")")
            name = cells[at["name"]].strip().lstrip("\ufeff") if at["name"] < len(cells) else ""
            answer = cells[at[column]] if at[column] < len(cells) else None
            if not name:
                raise InputError(f"{path}:{lineno}: empty 'name'")
            if name.lower() == "name" and (answer or "").strip().lower() == column:  # `cat a.csv b.csv`: a clip 'name' saying 'openset'
                raise InputError(f"{path}:{lineno}: the header 'name,{column}' again (files joined with their headers?); remove this line")
            if answer is None:  # fewer cells than the header (a name alone, a line break left unquoted): no answer was written
                raise InputError(f"{path}:{lineno}: {len(cells)} cell(s) but the header names {len(found)} columns, so no {column} cell; "
                                 f"write an empty one for no words ({name},) and quote a cell that holds a line break")
            if unique and name in out:
                raise InputError(f"{path}:{lineno}: clip {name!r} is listed twice; keep one row per clip")
            repeats.add(out, name, parse(answer), lineno)
    except csv.Error as exc:  # the row after the last one read
        if fields is None:  # in the header, the first line with text (blank ones above it are skipped)
            read_to, first = next(((k, line) for k, line in enumerate(text.splitlines()) if line.strip(",; \t")), (0, ""))
            apart = _separator_of(first)  # its header quoted: '"name";"openset"'
            if apart:
                raise InputError(f"{path}:{read_to + 1}: the header is separated by {apart}, not commas; save it comma-separated") from None
        raise InputError(f"{path}:{read_to + 1}: malformed CSV: {exc}; check the quotes (\") on this line") from None
    repeats.warn()
    return out


def _blanks_after_quote(delimiter: str) -> re.Pattern[str]:
    """Spaces or tabs (not the separator) between a quote and the separator or line end after it: after a quoted cell's
    closing quote, which csv's strict reading refuses ("',' expected after '\"'"); inside a quoted cell (after a doubled
    quote) they are a word's edge, stripped anyway."""
    blanks = re.escape(" \t".replace(delimiter, ""))
    return re.compile(rf'"[{blanks}]+(?={re.escape(delimiter)}|\r|\n|$)')


#: The first line Excel writes, when asked, to name a CSV's separator, and reads so (``sep=,``, ``sep=;``): no row of the table.
_EXCEL_SEPARATOR = re.compile(r'sep=([^\r\n"])[ \t]*(?=\r|\n|$)', re.IGNORECASE)


def _excel_separator(text: str) -> tuple[str, str]:
    """(separator, ``text``) of a CSV: the separator its first line names, as Excel writes it (``sep=;``), that line left
    blank (a blank line above the header is skipped) so that the rows keep their line numbers; else a comma, ``text`` as it is."""
    found = _EXCEL_SEPARATOR.match(text)
    if found is None:
        return ",", text
    return found.group(1), text[found.end():]


def _skips_initial_space(text: str, delimiter: str = ",") -> bool:
    """Whether a CSV's cells are read past the spaces that open them (csv's ``skipinitialspace``): yes, unless that reading
    of ``text`` is malformed (text after a closing quote), where the plain reading is kept."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True, skipinitialspace=True):
            pass
    except csv.Error:
        return False
    return True


def _separator_of(header: str) -> str | None:
    """What parts a CSV's first line into a ``name`` column and others, ``"tabs"`` or ``"semicolons"``, else None: a TSV or
    a semicolon CSV with its header quoted (R's ``write.csv2``, ``write.table(sep="\\t")``), which read by commas is malformed."""
    for sep, what in (("\t", "tabs"), (";", "semicolons")):
        cells = next(csv.reader([header], delimiter=sep), [])
        if len(cells) > 1 and "name" in (c.strip().lower() for c in cells):
            return what
    return None


def _csv_text(path: Path) -> str:
    """The text of a CSV file, read once (it may be a pipe); a spreadsheet, an archive or bytes that are not UTF-8 are refused."""
    data = path.read_bytes()
    check_not_lfs_pointer(path, data)
    if data.startswith(ZIP_START) and path.suffix.lower() == ".npz":  # --labels and --pred given the other way round
        raise InputError(f"{path}: a judge's .npz of words, not CSV text; give a name,openset CSV here (a .npz is read as a judge's "
                         "output: --pred, --judge)")
    if data.startswith(ZIP_START) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # zip (.xlsx, .npz), OLE (.xls)
        raise InputError(f"{path}: a spreadsheet or zip archive (an Excel .xlsx or .xls, a .npz?), not CSV text; save it as 'CSV UTF-8'")
    try:
        text = data.decode("utf-8-sig")  # a byte order mark (Excel's 'CSV UTF-8') is no part of the text
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}:{line}: {not_utf8(data)}; save the CSV as UTF-8") from None
    check_no_zero_bytes(path, text, "CSV")
    if text.lstrip().startswith("{"):  # JSON lines, which read as CSV would be "malformed CSV: ',' expected after '\"'"
        raise InputError(f"{path}: JSON lines (its first line an object), not CSV text; give a name,openset CSV here (JSON lines "
                         "are read as a judge's output from a file named .jsonl: --pred, --judge)")
    return text


def _read_jsonl(path: Path, key: str, convert: Callable[[Any], Any]) -> dict:
    out: dict = {}
    repeats = _Repeats(path, "lines")
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig")  # a byte order mark, as the CSV reader allows (on any line: files joined by cat)
            except UnicodeDecodeError:
                raise InputError(f"{path}:{lineno}: {not_utf8(raw if lineno == 1 else b'')}; save the file as UTF-8") from None
            check_no_zero_bytes(path, line, "file", lineno)
            if lineno == 1:
                check_not_lfs_pointer(path, raw)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or "name" not in record or key not in record:
                    found = (", ".join(map(str, record)) or "no keys") if isinstance(record, dict) else _json_kind(record)
                    described = key == "labels" and isinstance(record, dict) and "reason" in record  # --judge-glob 'Model/*' took X-reason.jsonl
                    worded = key == "reason" and isinstance(record, dict) and "labels" in record  # a lexical judge given the words
                    fused = key == "labels" and isinstance(record, dict) and {"words", "confidence"} <= record.keys()  # our own JSON
                    fix = ("; it holds a judge's descriptions ('reason'), not its words: give the judge's words, for OV-MER outputs the "
                           "-openset.npz beside the -reason.jsonl" if described else
                           "; it holds a judge's words ('labels'), not its descriptions: give the file of its descriptions, for OV-MER "
                           "outputs the -reason.jsonl beside the -openset.npz" if worded else
                           "; it is the JSON of 'cojudge predict --format json' or 'cojudge fuse --details': give the name,openset CSV "
                           "their --out writes" if fused else "")
                    raise InputError(f"{path}:{lineno}: needs keys 'name' and '{key}' (found: {found[:80]}){fix}")
                name, value = record["name"], record[key]
                if isinstance(name, bool) or not isinstance(name, (str, int)) or not str(name).strip():
                    raise InputError(f"{path}:{lineno}: 'name' is {json.dumps(name)[:40]}; give the clip's name as a string")
                if key == "labels" and not (value is None or isinstance(value, str)
                                            or isinstance(value, list) and all(isinstance(v, str) for v in value)):
                    raise InputError(f"{path}:{lineno}: 'labels' is {json.dumps(value)[:40]}; give a list of words "
                                     "([\"happy\", \"sad\"]), their text (\"happy, sad\") or null")
                repeats.add(out, str(name).strip(), convert(value), lineno)  # ' clip1 ' is clip1, as in a CSV
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{lineno}: not JSON ({exc.msg}); each line must be an object like {{\"name\": ..., \"{key}\": ...}}") from None
            except RecursionError:
                raise InputError(f"{path}:{lineno}: JSON nested too deeply; each line must be an object like {{\"name\": ..., \"{key}\": [...]}}") from None
    repeats.warn()
    return out
