"""The official OV-MER emotion-wheel tables, read from the files as users download them.

Word form -> one of 1,255 labels (``format.csv``) -> one of 253 wheel words
(``synonym.xlsx``, 8 runs merged) -> the level-1 / level-2 class of each of the
five wheels (``wheel1..5.xlsx``). Every choice among several candidates takes
the alphabetically first, as the official code does, so the mapping is
deterministic. Out-of-vocabulary words map to nothing and are dropped.
"""
from __future__ import annotations

import csv
import functools
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from judges.errors import InputError
from judges.label_text import parse_labels
from judges.text_files import ZIP_START, check_not_lfs_pointer, user_path

__all__ = ["EmotionWheel", "load_wheel", "wheel_input_files", "WHEELS", "LEVELS", "METRIC_NAMES", "LEVEL1_METRICS"]

WHEELS = ("wheel1", "wheel2", "wheel3", "wheel4", "wheel5")
LEVELS = ("level1", "level2")
#: The 12 EW metrics: M1 (word forms), M2 (synonyms), then each wheel at each level.
METRIC_NAMES = ("m1", "m2") + tuple(f"{w}_{lv}" for w in WHEELS for lv in LEVELS)
#: The five level-1 metrics behind the headline ``l1_f``.
LEVEL1_METRICS = tuple(f"{w}_level1" for w in WHEELS)
FORMAT_FILES = {"official": "format.csv", "mer2026": "format-mer2026.csv"}
_REQUIRED = ("synonym.xlsx",) + tuple(f"{w}.xlsx" for w in WHEELS)


def _official_split(text: object) -> list[str]:
    """The official tokenisation of the wheel files: split on commas and quotes, strip, keep case."""
    if text is None:
        return []
    s = str(text).strip()
    if not s:
        return []
    if s[0] == "[":
        s = s[1:]
    if s and s[-1] == "]":
        s = s[:-1]
    out = []
    for sep in ("'", '"'):
        s = s.replace(sep, ",")
    for item in s.split(","):
        item = item.strip()
        if item:
            out.append(item)
    return out


def _read_xlsx(path: Path) -> list[dict[str, object]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:  # a read-only sheet's XML is parsed here, row by row
            rows = list(wb.worksheets[0].iter_rows(values_only=True)) if wb.worksheets else None
        finally:
            wb.close()
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:  # SyntaxError: XML that does not parse
        check_not_lfs_pointer(path)  # a clone made without git-lfs: say so, not 'File is not a zip file'
        raise InputError(f"{path}: unreadable xlsx ({exc}); download the wheel files again") from None
    if rows is None:
        raise InputError(f"{path}: unreadable xlsx (no worksheet in it); download the wheel files again")
    if not rows:
        raise InputError(f"{path}: empty sheet")
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if any(v is not None for v in r)]


@dataclass
class EmotionWheel:
    """The emotion-wheel tables and the per-metric word -> class lookups built from them.

    Shown by where it was read from (``repr`` leaves out the tables: 300 kB of text in a notebook or a ``Fuser``'s repr).
    """

    directory: Path
    format_file: str
    form_to_labels: dict[str, list[str]] = field(repr=False)
    label_to_wheelwords: dict[str, list[str]] = field(repr=False)
    wheel_words: frozenset[str] = field(repr=False)
    #: (wheel, level) -> wheel word -> class
    wheel_classes: dict[tuple[str, str], dict[str, str]] = field(repr=False)
    _lookup: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, directory: str | Path, format_file: str = "format.csv") -> "EmotionWheel":
        """Read the wheel files in ``directory`` (``format_file``: the word-form table); a missing one is a one-line error."""
        directory = user_path(directory)
        if directory.is_file():
            raise InputError(f"{directory}: a file, not an emotion-wheel folder; give the folder that holds wheel1..5.xlsx (--wheel-dir)")
        if not directory.is_dir():
            raise InputError(f"{directory}: no emotion-wheel folder; set MEROV_DATA or pass --wheel-dir")
        named = format_file in FORMAT_FILES
        format_file = FORMAT_FILES.get(format_file, format_file)
        missing = [f for f in _REQUIRED + (format_file,) if not (directory / f).is_file()]
        if missing == [format_file] and not named:  # a misspelt table name reads as a missing file
            raise InputError(f"{directory}: no word-form table {format_file!r} in this emotion-wheel folder; "
                             f"give {' or '.join(repr(n) for n in FORMAT_FILES)}, or a file name in the folder")
        if missing and (directory / "emotion_wheel").is_dir():  # the data folder given for the wheel folder inside it
            raise InputError(f"{directory}: not an emotion-wheel folder, but it holds one; give {directory / 'emotion_wheel'}")
        if missing:
            raise InputError(f"{directory}: emotion-wheel folder lacks {', '.join(missing)}; it needs wheel1..5.xlsx, synonym.xlsx and {format_file}")
        wheel_classes: dict[tuple[str, str], dict[str, str]] = {}
        wheel_words: set[str] = set()
        for wheel in WHEELS:
            tree = cls._read_wheel(directory / f"{wheel}.xlsx")
            for level in LEVELS:
                wheel_classes[(wheel, level)] = cls._cluster(tree, level)
            for l1, sub in tree.items():
                wheel_words.add(l1)
                for l2, l3s in sub.items():
                    wheel_words.add(l2)
                    wheel_words.update(l3s)
        label_to_wheelwords = cls._read_synonyms(directory / "synonym.xlsx", wheel_words)
        form_to_labels = cls._read_formats(directory / format_file)
        loaded = cls(directory, format_file, form_to_labels, label_to_wheelwords, frozenset(wheel_words), wheel_classes)
        loaded._build_lookups()
        return loaded

    # -- reading -----------------------------------------------------------
    @staticmethod
    def _read_wheel(path: Path) -> dict[str, dict[str, list[str]]]:
        rows = _read_xlsx(path)
        if rows and not {"level1", "level2", "level3"} <= set(rows[0]):
            raise InputError(f"{path}: needs columns level1, level2, level3")
        tree: dict[str, dict[str, list[str]]] = {}
        l1 = l2 = l3 = ""
        for row in rows:
            l1 = str(row["level1"]) if row["level1"] is not None else l1
            l2 = str(row["level2"]) if row["level2"] is not None else l2
            l3 = str(row["level3"]) if row["level3"] is not None else l3
            l1, l2, l3 = l1.lower().strip(), l2.lower().strip(), l3.lower().strip()
            tree.setdefault(l1, {}).setdefault(l2, []).append(l3)
        return tree

    @staticmethod
    def _cluster(tree: dict[str, dict[str, list[str]]], level: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for l1, sub in tree.items():
            out[l1] = l1 if level == "level1" else sorted(sub)[0]
            for l2, l3s in sub.items():
                out[l2] = l1 if level == "level1" else l2
                for l3 in l3s:
                    out[l3] = l1 if level == "level1" else l2
        return out

    @staticmethod
    def _read_synonyms(path: Path, wheel_words: set[str]) -> dict[str, list[str]]:
        rows = _read_xlsx(path)
        merged: dict[str, set[str]] = defaultdict(set)
        for run in range(1, 9):
            wcol, scol = f"word_run{run}", f"synonym_run{run}"
            if rows and (wcol not in rows[0] or scol not in rows[0]):
                raise InputError(f"{path}: needs columns {wcol} and {scol} (8 runs of synonyms)")
            for row in rows:
                if row[wcol] is None:
                    continue
                raw = str(row[wcol]).strip().lower()
                merged[raw].add(raw)
                for syn in _official_split(row[scol]):
                    merged[syn.strip().lower()].add(raw)
        return {k: sorted(v) for k, v in merged.items()}

    @staticmethod
    def _read_formats(path: Path) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        with path.open("rb") as fh:  # '--word-forms wheel1.xlsx' said "unreadable word-form table ('utf-8' codec can't decode ...)"
            if fh.read(len(ZIP_START)) == ZIP_START:
                raise InputError(f"{path}: a spreadsheet (zip), not a word-form table; give a CSV file 'name,format' "
                                 f"({' or '.join(repr(n) for n in FORMAT_FILES)}: {', '.join(FORMAT_FILES.values())})")
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                if not {"name", "format"} <= set(reader.fieldnames or []):
                    raise InputError(f"{path}: needs a header 'name,format'")
                for row in reader:
                    raw = row["name"]
                    for form in _official_split(row["format"]):
                        out[form].append(raw)
                    out[raw].append(raw)
        except UnicodeDecodeError:
            raise InputError(f"{path}: not UTF-8 text; give the word-form table as a UTF-8 CSV file 'name,format'") from None
        except csv.Error as exc:
            raise InputError(f"{path}: unreadable word-form table ({exc})") from None
        if not out:  # a header alone mapped no word, and every label was then said to be out of the wheel's vocabulary
            raise InputError(f"{path}: a word-form table with no rows under its header 'name,format'; download the wheel files "
                             "again, or give another table")
        return dict(out)

    # -- lookups -------------------------------------------------------------
    def _build_lookups(self) -> None:
        m1: dict[str, str] = {}
        m2: dict[str, str] = {}
        for form, labels in self.form_to_labels.items():
            first = sorted(labels)[0]
            m1[form] = first
            wheelwords = self.label_to_wheelwords.get(first)
            if wheelwords:
                m2[form] = wheelwords[0]
        self._lookup = {"m1": m1, "m2": m2}
        for (wheel, level), classes in self.wheel_classes.items():
            table: dict[str, str] = {}
            for form, labels in self.form_to_labels.items():
                candidates = sorted(w for lab in labels for w in self.label_to_wheelwords.get(lab, ()))
                for cand in candidates:
                    if cand in classes:
                        table[form] = classes[cand]
                        break
            self._lookup[f"{wheel}_{level}"] = table

    def lookup(self, metric: str) -> dict[str, str]:
        """Word form -> mapped label for one of :data:`METRIC_NAMES` (absent: out of vocabulary)."""
        try:
            return self._lookup[metric]
        except KeyError:
            raise InputError(f"unknown EW metric {metric!r}; known: {', '.join(METRIC_NAMES)}") from None

    def map_words(self, words: list[str] | str, metric: str) -> set[str]:
        """The set of labels ``words`` map to under ``metric``; unknown words dropped."""
        table = self.lookup(metric)
        if isinstance(words, str):
            words = parse_labels(words)
        out = set()
        for w in words:
            mapped = table.get(w.lower().strip())
            if mapped:
                out.add(mapped)
        return out

    def in_vocabulary(self, word: str) -> bool:
        """Whether the metric knows ``word`` (any case, spaces around it ignored)."""
        return word.lower().strip() in self.form_to_labels

    @property
    def vocabulary(self) -> list[str]:
        """Every word form the metric understands."""
        return sorted(self.form_to_labels)

    def classes(self, wheel: str, level: str = "level1") -> list[str]:
        """The classes of one wheel at one level, sorted."""
        return sorted(set(self.wheel_classes[(wheel, level)].values()))


@functools.lru_cache(maxsize=8)
def _load_cached(directory: str, format_file: str) -> EmotionWheel:
    return EmotionWheel.load(directory, format_file)


def load_wheel(directory: str | Path | None = None, format_file: str = "format.csv") -> EmotionWheel:
    """The emotion wheel from ``directory`` (default: the data folder's ``emotion_wheel/``), loaded once."""
    if directory is None:
        from calibration.data_paths import wheel_dir

        directory = wheel_dir()
    return _load_cached(str(user_path(directory).resolve()), format_file)


def wheel_input_files(directory: str | Path | None = None, format_file: str = "format.csv") -> dict[str, Path]:
    """The emotion-wheel files a command reads from ``directory`` (default: the data folder's), by what they are,
    so that its outputs can refuse them; none when there is no data folder (the wheel is then not read)."""
    if directory is None:
        from calibration.data_paths import wheel_dir

        try:
            directory = wheel_dir()
        except InputError:
            return {}
    names = _REQUIRED + (FORMAT_FILES.get(format_file, format_file),)
    return {f"the emotion wheel's {name}": user_path(directory) / name for name in names}
