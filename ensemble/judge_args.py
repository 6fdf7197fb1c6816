"""``--judge NAME=PATH`` and ``--judge-glob`` arguments: replayed judges from stored output files."""
from __future__ import annotations

import argparse
import glob
from pathlib import Path

from judges.errors import InputError, listed
from judges.outputs import JUDGE_OUTPUT_SUFFIXES
from judges.text_files import user_path

__all__ = ["add_judge_arguments", "judge_files", "judge_name_for", "judge_file_inputs"]


def add_judge_arguments(p: argparse.ArgumentParser) -> None:
    """The options naming the judges' stored outputs, shared by ``cojudge tune`` and ``cojudge fuse``."""
    p.add_argument("--judge", action="append", default=[], metavar="NAME=PATH",
                   help="a judge's stored output (.npz, .csv or .jsonl, as 'cojudge evaluate --pred' reads); repeat for each judge")
    p.add_argument("--judge-glob", action="append", default=[], metavar="PATTERN",
                   help="add every file matching PATTERN as a judge named '<folder>:<file name less -openset.npz, "
                        "else less .npz, .csv or .jsonl, in any case>', e.g. outputs/AffectGPT/ckpt30-openset.npz is 'AffectGPT:ckpt30'")


def judge_name_for(path: Path) -> str:
    """A stored output's judge name: its folder and its file name less ``-openset.npz`` (else less its extension), in
    any case as the reader takes them (``X.NPZ``: ``X``), as ``--judge-glob`` names it and as a calibration tuned so lists
    its judges."""
    stem = path.name
    for suffix in ("-openset.npz",) + JUDGE_OUTPUT_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return f"{path.parent.name}:{stem}" if path.parent.name else stem


def judge_files(args: argparse.Namespace) -> dict[str, Path]:
    """Judge name -> output file, in the order given; names must be unique."""
    out: dict[str, Path] = {}

    def add(name: str, path: Path) -> None:
        if name in out:
            raise InputError(f"judge name {name!r} given twice; names must be unique (use NAME=PATH)")
        out[name] = path

    for spec in args.judge:
        name, sep, path = spec.partition("=")
        if not sep or (not user_path(path).exists() and user_path(spec).is_file()):  # a bare path with '=' in it (runs/lr=0.1/p.npz)
            path, name = spec, judge_name_for(user_path(spec))
        name = name.strip()  # 'a = p.npz': spaces around '=' are layout, not part of the name (fuse matches names exactly)
        if not user_path(path).exists():
            path = path.strip()
        if not name or not path:
            raise InputError(f"--judge {spec!r}: write NAME=PATH, e.g. --judge affectgpt=outputs/affectgpt-openset.npz")
        add(name, user_path(path))
    for pattern in args.judge_glob:
        matches = sorted(glob.glob(str(user_path(pattern))))  # a quoted '~/runs/*.npz' too
        if not matches:
            raise InputError(f"--judge-glob {pattern!r} matches no file")
        folders = [m for m in matches if Path(m).is_dir()]
        if folders:  # 'outputs/*': each folder was refused as 'is a folder, not a judge-output file', the pattern not named
            raise InputError(f"--judge-glob {pattern!r} matches {len(folders)} folder(s) ({listed(Path(f).name for f in folders)}); "
                             f"give a pattern of the judges' files, e.g. {pattern.rstrip('/')}/*.npz")
        for m in matches:
            add(judge_name_for(Path(m)), Path(m))
    if not out:
        raise InputError("no judges: give --judge NAME=PATH (repeatable) or --judge-glob PATTERN")
    return out


def judge_file_inputs(files: dict[str, Path]) -> dict[str, Path]:
    """The judges' output files as a run's inputs, described for an output-path check (none may be overwritten)."""
    return {f"judge {name}'s output": path for name, path in files.items()}
