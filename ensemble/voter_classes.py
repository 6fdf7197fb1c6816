"""Voting strategies of one's own: a voter class named ``module:Class`` or ``file.py:Class``, and the name that finds it again.

    make_voter("./top_share.py:TopShareVoter")     # calibration.tuning: a built-in name, or one of these
    voter_class("my_lab.voters:TopShareVoter")     # the class, imported

A calibration file records its voter's class this way (:func:`class_spec`), so that loading it, in another
process, imports the same module or file again.
"""
from __future__ import annotations

import difflib
import hashlib
import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

from ensemble.voter_base import ClassVoter
from judges.errors import InputError, raised_text
from judges.file_modules import file_module_name, run_file_module
from judges.own_code import is_own_module
from judges.text_files import user_path

__all__ = ["voter_class", "file_voters", "class_spec", "is_class_spec", "spec_file", "is_file_class", "voter_from_file", "source_file", "source_digest"]

#: Modules imported from a strategy's file are named so (the file's stem and a digest of its path)
_FILE_MODULE_PREFIX = "merov_cojudge_voter_"


def is_class_spec(strategy: str) -> bool:
    """Whether ``strategy`` names a class (``module:Class``, ``file.py:Class``) rather than a built-in strategy."""
    return ":" in strategy


def spec_file(spec: object) -> Path | None:
    """The strategy file ``spec`` names, for outputs to refuse: ``path/to/file.py:Class`` resolved, or the file of the
    module of ``module:Class`` on the Python path (found, not run: only a dotted name's parent packages are imported,
    as importing it would); None for another spec or a module that is not found."""
    if not isinstance(spec, str) or not is_class_spec(spec):
        return None
    target = spec.rpartition(":")[0]
    if target.endswith(".py"):
        return user_path(target).resolve()
    try:
        found = importlib.util.find_spec(target)
    except (ImportError, ValueError):  # importing it reports that
        return None
    origin = getattr(found, "origin", None)
    return Path(origin).resolve() if origin and Path(origin).is_file() else None


def voter_class(spec: str, where: str = "strategy") -> type[ClassVoter]:
    """The :class:`ClassVoter` subclass ``spec`` names: ``module:Class`` (a module on the Python path) or
    ``path/to/file.py:Class``; ``where`` (e.g. ``--strategy``) starts the one-line error of a bad one."""
    target, _, name = spec.rpartition(":")  # rpartition: a Windows path has a colon of its own
    named = f"{where} {spec!r}"
    if not target or not name:
        raise InputError(f"{named}: name the class as module:Class or path/to/file.py:Class, e.g. ./top_share.py:TopShareVoter")
    module = _import_file(target, named) if target.endswith(".py") else _import_module(target, named)
    found = getattr(module, name, None)
    if found is None:
        voters = [n for n, v in vars(module).items() if inspect.isclass(v) and issubclass(v, ClassVoter) and v is not ClassVoter]
        close = difflib.get_close_matches(name, voters, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InputError(f"{named}: {target} has no class {name!r}; {hint}its voters: {', '.join(voters) or 'none'}")
    if found is ClassVoter:  # its predict_proba is abstract: a fit that then fails
        raise InputError(f"{named}: ClassVoter is the base of the voting strategies, not one; name your subclass of it")
    if not (inspect.isclass(found) and issubclass(found, ClassVoter)):
        raise InputError(f"{named}: {name} is not a voting strategy; a strategy subclasses ensemble.voter_base.ClassVoter "
                         "(README, 'Adding a voting strategy')")
    return found


def file_voters(target: str, where: str = "strategy") -> list[str]:
    """The voting strategies defined in the strategy file ``target`` (imported, as naming one of them would), by name."""
    module = _import_file(target, f"{where} {target!r}")
    module_name = getattr(module, "__name__", None)
    return [n for n, v in vars(module).items()
            if inspect.isclass(v) and issubclass(v, ClassVoter) and v is not ClassVoter and v.__module__ == module_name]


def class_spec(cls: type[ClassVoter]) -> str:
    """What :func:`voter_class` finds ``cls`` again by: ``module:Class``, or the absolute ``file.py:Class`` of a class
    imported from a file; a one-line error for a class no other process can import (a script's, a function's)."""
    if cls.__qualname__ != cls.__name__ or cls.__module__ == "__main__":
        where = "the script that runs" if cls.__module__ == "__main__" else "a function or a class"
        raise InputError(f"{cls.__name__} ({cls.__module__}) cannot be saved in a calibration file: it is defined in {where}, "
                         "where loading the file cannot import it again; put it at the top level of a file of its own (my_voter.py) "
                         "and use it from there (README, 'Adding a voting strategy')")
    if is_file_class(cls):
        return f"{sys.modules[cls.__module__].__file__}:{cls.__name__}"
    return f"{cls.__module__}:{cls.__name__}"


def is_file_class(cls: type) -> bool:
    """Whether ``cls`` was imported from a strategy's file (``file.py:Class``), under a module name no other process knows."""
    return cls.__module__.startswith(_FILE_MODULE_PREFIX)


def voter_from_file(spec: str) -> ClassVoter:
    """An empty voter of the class ``spec`` (``/abs/file.py:Class``) names, its file imported if this process has not yet:
    what unpickling a voter from a strategy's file starts from (its state is restored after)."""
    cls = voter_class(spec, "unpickled voter")
    return cls.__new__(cls)


def source_file(cls: type) -> Path | None:
    """The file a strategy of one's own is defined in (its module's, or its strategy file); None for merov-cojudge's voters."""
    if is_own_module(cls.__module__):
        return None
    file = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return Path(file).resolve() if file else None


def source_digest(cls: type) -> str | None:
    """The sha256 of :func:`source_file`, for a calibration to tell an edit after tuning; None without a readable file."""
    file = source_file(cls)
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest() if file else None
    except OSError:
        return None


def _import_module(name: str, where: str) -> object:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise InputError(f"{where}: cannot import module {name!r} ({exc}); put its folder on the Python path (PYTHONPATH), "
                         "or name its file: path/to/file.py:Class") from None
    except Exception as exc:  # the module's own error, its traceback kept as the cause
        raise InputError(f"{where}: module {name!r} failed to import: {raised_text(exc)}") from exc


def _import_file(target: str, where: str) -> object:
    """The module of a strategy's file, imported once per process (a second import would make another class)."""
    file = user_path(target).resolve()
    if not file.is_file():
        raise InputError(f"{where}: no such file ({file}); give the path of the strategy's .py file")
    module_name = file_module_name(_FILE_MODULE_PREFIX, file)
    if module_name in sys.modules:
        return sys.modules[module_name]
    return run_file_module(file, module_name, where, f"{where}: {file.name}", "strategy")
