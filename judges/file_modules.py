"""A user's Python file run as a module: a judges config's plugin (``./my_judge.py``), a voting strategy's file.

Both are imported by path, under a name no other file gets (a prefix, the file's stem and a digest of its path),
registered in ``sys.modules`` before they run (a dataclass or pickle looks its module up there), and removed
again when they fail, with the file's error on one line and its traceback kept as the cause.
"""
from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from judges.errors import InputError, raised_text

__all__ = ["file_module_name", "run_file_module"]


def file_module_name(prefix: str, file: Path) -> str:
    """The module name ``file`` is imported under: ``prefix``, its stem and a digest of its path."""
    return f"{prefix}{file.stem}_{hashlib.sha256(str(file).encode()).hexdigest()[:8]}"


def run_file_module(file: Path, module_name: str, where: str, failing: str, kind: str) -> ModuleType:
    """Run ``file`` as the module ``module_name``; a one-line :class:`InputError` when it is not a Python file
    (``"{where}: x.txt is not a Python file; give the {kind}'s .py file"``) or when it raises (``"{failing} failed to
    import: ..."``)."""
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:  # Python loads a file as a module by its suffix: .py (or a compiled one)
        raise InputError(f"{where}: {file.name} is not a Python file; give the {kind}'s .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # before running it: a dataclass or pickle looks its module up there
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # the file's own error, its traceback kept as the cause
        sys.modules.pop(module_name, None)
        raise InputError(f"{failing} failed to import: {raised_text(exc)}") from exc
    return module
