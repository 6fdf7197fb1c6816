"""Judge types by registered name: add a judge with one file and one decorator.

    @register_judge("my-judge")
    class MyJudge(Judge): ...

    build_judge("my-judge", name="mine", model="/models/x")
"""
from __future__ import annotations

import contextlib
import difflib
import importlib
import inspect
import sys
import tomllib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from judges.base import Judge
from judges.clip import repeated_names
from judges.errors import InputError, listed, raised_text
from judges.file_modules import file_module_name, run_file_module
from judges.text_files import read_text_file, user_path

__all__ = ["register_judge", "build_judge", "judge_name", "refuse_repeated_names", "judge_types", "judges_from_config", "load_config", "config_judge_types", "config_input_files",
           "RAY_KEYS", "BUILTIN_MODULES", "resolve_paths"]

_REGISTRY: dict[str, type[Judge]] = {}

#: Registered name -> module that registers it, imported on first use so that
#: heavy optional dependencies load only for the judges actually used. The Ray
#: runner reads it too: a type not in it comes from a plugin its workers lack.
BUILTIN_MODULES: dict[str, str] = {
    "replay": "judges.replay",
    "lmdeploy": "judges.lmdeploy_judge",
    "transformers": "judges.transformers_judge",
    "openai": "judges.openai_judge",
    "affectgpt": "judges.affectgpt_judge",
    "two-stage": "judges.two_stage",
    "lexical": "judges.lexical_extractor",
    "face": "judges.face_judge",
    "text-lexicon": "judges.text_lexicon_judge",
    "speech-text": "judges.speech_text_judge",
}


def register_judge(name: str) -> Callable[[type[Judge]], type[Judge]]:
    """Class decorator registering a judge type under ``name``; a built-in type's name, or one another class has taken,
    is refused (a ``ValueError``, which a config's plugin reports in one line). The same class again (a re-run notebook
    cell, a reload, its file imported both as a module and as a config's plugin) replaces it."""

    def decorate(cls: type[Judge]) -> type[Judge]:
        builtin = BUILTIN_MODULES.get(name)
        if builtin is not None and cls.__module__ != builtin:  # else whichever was imported first would take the name
            raise ValueError(f"judge type {name!r} is a built-in type ({builtin}); register {cls.__name__} under a name of its own, "
                             f"e.g. 'my-{name}'")
        existing = _REGISTRY.get(name)
        # a re-run notebook cell, a reload, or one file imported both as a module and as a config's plugin: the same class again
        redefined = existing is not None and existing.__qualname__ == cls.__qualname__ and (
            existing.__module__ == cls.__module__ or _source_file(existing) == _source_file(cls) is not None)
        if existing is not None and existing is not cls and not redefined:
            raise ValueError(f"judge type {name!r} is already registered by {existing.__name__} ({_where(existing)}); register "
                             f"{cls.__name__} ({_where(cls)}) under another name")
        _REGISTRY[name] = cls
        return cls

    return decorate


def _source_file(cls: type) -> Path | None:
    """The file ``cls``'s module was run from, resolved (None for a class without one)."""
    file = getattr(sys.modules.get(cls.__module__), "__file__", None)
    return Path(file).resolve() if file else None


def _where(cls: type) -> str:
    """Where ``cls`` was defined, as its author knows it: its file (a config's plugin is imported under a made-up module
    name, ``merov_cojudge_plugin_my_judge_21d5f112``), else its module."""
    file = _source_file(cls)
    return str(file) if file is not None else cls.__module__


def judge_name(judge: Judge, prefix: str = "") -> str:
    """``judge.name``, or a one-line :class:`InputError` (``prefix`` first) naming the judge's class and file when reading it
    raises: a ``name`` property of one's own with a bug (its traceback the cause), as an ``__init__`` or a
    ``cache_identity()`` that raises is told. Read so wherever a judge's name is first read: :func:`build_judge`, the
    runners, ``CoJudge``."""
    try:
        return judge.name
    except Exception as exc:
        raise InputError(f"{prefix}{type(judge).__name__} ({_where(type(judge))}): reading its name raised {raised_text(exc)}; "
                         "fix it: a judge's name is text it holds, e.g. self.name = name in __init__ (README, 'Adding a judge')") from exc


def refuse_repeated_names(names: Sequence[str], given: Sequence[object] | None = None, where: str = "") -> None:
    """A one-line :class:`InputError` (``where`` first: a config file's path) when judges' ``names`` repeat, saying how the
    config gave the repeated ones when that differs (``given``: each judge's ``name`` parameter, None for none given): names
    a judge tidied (``'A'``, ``'a'``) or left to its type's default. The local runner, the Ray runner and a config file
    refuse repeated names with it, so each says the same."""
    repeated = sorted(repeated_names(names))
    if not repeated:
        return
    as_given = [(g, n) for g, n in zip(given if given is not None else names, names) if n in repeated]
    why = []
    if any(g is None for g, _ in as_given):
        why.append("a judge given no name takes its type's default name")
    if any(g is not None and g != n for g, n in as_given):
        why.append("a judge may tidy the name it is given")
    said = f" (given as {', '.join('no name' if g is None else repr(g) for g, _ in as_given)}: {'; '.join(why)})" if why else ""
    raise InputError(f"{where}judge names must be unique; repeated: {listed(repeated)}{said}; give each judge its own name")


def judge_types() -> list[str]:
    """Every judge type name that can be built."""
    return sorted(set(_REGISTRY) | set(BUILTIN_MODULES))


def _lookup(type_name: str) -> type[Judge]:
    if type_name not in _REGISTRY and type_name in BUILTIN_MODULES:
        importlib.import_module(BUILTIN_MODULES[type_name])
    if type_name in _REGISTRY:
        return _REGISTRY[type_name]
    close = difflib.get_close_matches(type_name, judge_types(), n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    raise InputError(f"unknown judge type {type_name!r}; {hint}known types: {', '.join(judge_types())} "
                     "(a judge of your own: list its file in the config's plugins)")


def build_judge(type_name: str, **params: Any) -> Judge:
    """Build a judge of a registered type with its parameters; a constructor that fails is a one-line :class:`InputError`
    naming the type (its traceback the cause when its own code raised), as is a judge that does not keep the ``name`` it is
    given (README, 'Adding a judge')."""
    cls = _lookup(type_name)
    if inspect.isabstract(cls):  # else Python's TypeError would read as bad parameters
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise InputError(f"judge type {type_name!r}: {cls.__name__} does not implement {missing}; a judge implements "
                         "judge_batch(clips), returning one Verdict per clip, in order (see judges.base.Judge)")
    fits = _takes(cls, params)
    try:
        judge = cls(**params)
    except TypeError as exc:
        if not fits:
            unknown, needed = _unknown_parameters(cls, params), _missing_parameters(cls, params)
            if unknown:
                problem = f"does not take parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
            elif needed:
                problem = f"needs parameter{'s' if len(needed) > 1 else ''} {', '.join(needed)}"
            else:
                problem = f"does not take the parameters given ({', '.join(sorted(params))})"
            raise InputError(f"judge type {type_name!r} {problem}: {exc}{_parameter_hint(type_name, cls, params)}") from None
        # the parameters fit the signature: the constructor's own code raised (its traceback kept as the cause)
        raise InputError(f"judge type {type_name!r}: building {cls.__name__} raised TypeError: {' '.join(str(exc).split())}") from exc
    except InputError:
        raise
    except ValueError as exc:  # a constructor's own check: one line, with the type named
        raise InputError(f"judge type {type_name!r}: {' '.join(str(exc).split())}") from None
    except Exception as exc:  # a plugin's __init__ that fails (its model file missing): one line, its traceback the cause
        raise InputError(f"judge type {type_name!r}: building {cls.__name__} ({_where(cls)}) raised {raised_text(exc)}") from exc
    try:
        name = judge_name(judge, f"judge type {type_name!r}: ")
    except InputError:
        _close_quietly(judge)
        raise
    given = params.get("name")
    # verdicts, the cache and a calibration go by the judge's name: one that drops it is refused (one that tidies it, its
    # case or its spaces, keeps it)
    if isinstance(given, str) and given.strip() and " ".join(str(name).split()).casefold() != " ".join(given.split()).casefold():
        _close_quietly(judge)
        raise InputError(f"judge type {type_name!r}: built with name={given!r}, its judge is named {name!r}; "
                         f"{cls.__name__}.__init__ must keep the name it is given (self.name = name)")
    return judge


def _close_quietly(judge: Judge) -> None:
    """Close a judge built for nothing (refused, or built before an error stopped the build of a config): its model or
    server released; that error is the one to report, not one of its close()."""
    with contextlib.suppress(Exception):
        judge.close()


def _takes(cls: type[Judge], params: dict[str, Any]) -> bool:
    """Whether ``cls(**params)`` fits the constructor's signature (False when it cannot be read)."""
    try:
        inspect.signature(cls).bind(**params)
    except (TypeError, ValueError):
        return False
    return True


def _signature_parameters(cls: type[Judge]) -> list[inspect.Parameter] | None:
    """The parameters of ``cls``'s constructor, in order; None when its signature cannot be read."""
    try:
        return list(inspect.signature(cls).parameters.values())
    except (TypeError, ValueError):
        return None


_KEYWORD_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _known_parameters(cls: type[Judge]) -> list[str] | None:
    """The keyword parameters ``cls`` takes, in order; None when any would do (``**kwargs``) or it cannot be read."""
    parameters = _signature_parameters(cls)
    if parameters is None or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return [p.name for p in parameters if p.kind in _KEYWORD_KINDS]


def _unknown_parameters(cls: type[Judge], params: dict[str, Any]) -> list[str]:
    """The parameters given that ``cls`` does not take, sorted (none when that cannot be told: a missing one, say)."""
    known = _known_parameters(cls)
    return [] if known is None else sorted(key for key in params if key not in known)


def _missing_parameters(cls: type[Judge], params: dict[str, Any]) -> list[str]:
    """The parameters ``cls`` requires (no default) that were not given, in signature order ([] if it cannot be read)."""
    return [p.name for p in _signature_parameters(cls) or []
            if p.kind in _KEYWORD_KINDS and p.default is inspect.Parameter.empty and p.name not in params]


def _parameter_hint(type_name: str, cls: type[Judge], params: dict[str, Any]) -> str:
    """``; did you mean 'x'?`` for a parameter the judge type does not take, else the ones it takes ('' if it takes any).

    A required parameter left out is the likelier meaning of a misspelt one: ``modle`` is ``model`` (missing), not
    ``mode`` (a closer spelling, and optional)."""
    known = _known_parameters(cls)
    if known is None:
        return ""
    unknown = [key for key in params if key not in known]
    if not unknown:
        return ""
    close = (difflib.get_close_matches(unknown[0], _missing_parameters(cls, params), n=1, cutoff=0.6)
             or difflib.get_close_matches(unknown[0], known, n=1, cutoff=0.6))
    return f"; did you mean {close[0]!r}?" if close else f"; {type_name} takes: {', '.join(known)}"


def load_config(path: str | Path) -> list[dict[str, Any]]:
    """The ``[[judge]]`` tables of a TOML (or YAML) judges file."""
    path = user_path(path)
    data = _read_config(path)
    _import_plugins(data.get("plugins"), path)
    entries = _judge_tables(data)
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{path}: no judges; write one [[judge]] table per judge with a 'type' key")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "type" not in entry:
            raise InputError(f"{path}: judge #{i + 1} has no 'type'; known types: {', '.join(judge_types())}")
        odd = [key for key in entry if not isinstance(key, str)]
        if odd:  # YAML reads `1:` or `on:` as a number or a boolean
            raise InputError(f"{path}: {_describe(entry, i)}: parameter name {odd[0]!r} is not text; write it as a name, "
                             "e.g. num_frames: 8")
        if not isinstance(entry["type"], str):
            raise InputError(f"{path}: {_describe(entry, i)}: type = {entry['type']!r} is not a type name; "
                             f"write it as a string, e.g. type = \"replay\" (known types: {', '.join(judge_types())})")
        for where, table in _builtin_tables(entry):  # a plugin's judge gives its parameters its own meaning (model = 3)
            not_path = next((key for key in _PATH_KEYS if key in table and not isinstance(table[key], (str, type(None)))), None)
            if not_path:  # else the judge's constructor fails on it: "building ReplayJudge raised TypeError: expected str, ..., not int"
                raise InputError(f"{path}: {_describe(entry, i)}: {where}{not_path} = {table[not_path]!r} is not a path; "
                                 f"write it as a quoted string: {not_path} = \"...\"")
            empty = next((key for key in _PATH_KEYS if isinstance(table.get(key), str) and not table[key].strip()), None)
            if empty:  # path = "" was read as the working folder: "judge 'r': .: is a folder, not a judge-output file"
                raise InputError(f"{path}: {_describe(entry, i)}: {where}{empty} = {table[empty]!r} is empty; give its value, or leave it out")
        if "name" in entry and not isinstance(entry["name"], str):  # TOML/YAML read `name = 5` as a number
            raise InputError(f"{path}: judge #{i + 1}: name = {entry['name']!r} is not text; write it as a string, "
                             f"e.g. name = \"{entry['name']}\"")
        if isinstance(entry.get("name"), str) and not entry["name"].strip():  # else refused by the runner, the config unnamed
            raise InputError(f"{path}: judge #{i + 1}: name = {entry['name']!r} is blank; give the judge a name, or leave it out")
    # the names given, all text (checked above), before any judge is built: a model judge takes minutes to load
    refuse_repeated_names([entry["name"] for entry in entries if "name" in entry], where=f"{path}: ")
    return entries


def _builtin_tables(entry: dict[Any, Any], where: str = "") -> Iterator[tuple[str, dict[Any, Any]]]:
    """``(where, table)`` for a built-in judge's table and, nested in it, each stage table of a built-in type (a two-stage
    judge's ``describer = {type = "openai", model = "..."}``: ``"describer "``), whose path parameters the config checks."""
    if entry.get("type") not in BUILTIN_MODULES:
        return
    yield where, entry
    for key, value in entry.items():
        if isinstance(value, dict) and isinstance(value.get("type"), str):
            yield from _builtin_tables(value, f"{where}{key} ")


def config_judge_types(path: str | Path) -> list[object]:
    """The ``type`` of each ``[[judge]]`` table of a judges file (None where a table has none), read without importing its
    plugins or building a judge: what kind of clips its judges take (replay judges: sample names), before a run."""
    data = _read_config(user_path(path))
    entries = _judge_tables(data)
    return [entry.get("type") if isinstance(entry, dict) else None for entry in entries] if isinstance(entries, list) else []


def _judge_tables(data: dict[str, Any]) -> Any:
    """What a parsed judges file holds under ``judge`` (TOML's ``[[judge]]``), or else ``judges``: a list of tables when
    the file is right; the callers check it."""
    return data.get("judge") or data.get("judges")


def _read_config(path: Path) -> dict[str, Any]:
    """The parsed TOML (or YAML: ``.yaml``/``.yml``, in any case, as Windows tools may save it) judges file, plugins not imported."""
    text = read_text_file(path, "judges config file")
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise InputError(f"{path}: YAML configs need PyYAML (pip install pyyaml), or use TOML") from None
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML: {_yaml_error(exc)}") from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{path}: not valid TOML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping of judges (a 'judge' key holding a list of tables), found a {type(data).__name__}")
    return data


def config_input_files(path: str | Path) -> dict[str, Path]:
    """The files a judges config has read, by what they are: its plugins and its judges' path parameters,
    resolved as the judges resolve them (a command's output written over one of them would destroy it)."""
    path = user_path(path)
    data = _read_config(path)
    base = path.resolve().parent
    files: dict[str, Path] = {}
    plugins = data.get("plugins")
    for plugin in [plugins] if isinstance(plugins, str) else plugins if isinstance(plugins, list) else []:
        file = _plugin_file(plugin, path) if isinstance(plugin, str) else None
        if file is not None:
            files[f"plugin {plugin!r} of {path}"] = file
    entries = _judge_tables(data)
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            for key, value in _path_values(resolve_paths(entry, base)):
                files[f"the {key} of {_describe(entry, i)} in {path}"] = Path(value)
            if entry.get("type") not in BUILTIN_MODULES:  # a plugin's judge names its files as it likes (reasons = "...")
                for key, file in _named_files(entry, base):
                    label = f"the {key} of {_describe(entry, i)} in {path}"
                    files[label if files.get(label, file) == file else f"{label} ({file})"] = file
    return files


def _named_files(params: dict[Any, Any], base: Path) -> Iterator[tuple[Any, Path]]:
    """``(key, file)`` of every text parameter of a plugin's judge, nested tables and lists included, that names an
    existing file: as written (from the working folder, where the judge opens it) or, written ``./x``, beside the config."""
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, dict):
                yield from _named_files(item, base)
            elif isinstance(item, str) and item.strip() and key != "type":
                for file in _existing_files(item, base):
                    yield key, file


def _existing_files(text: str, base: Path) -> list[Path]:
    """The existing files ``text`` may name (as written, and ``./x`` beside the config at ``base``), resolved; none for
    text that is no path (a prompt, ``~nobody/x``, a NUL)."""
    found = []
    try:
        for file in (user_path(text), base / text if _relative_to_file(text) else None):
            if file is not None and file.is_file():
                found.append(file.resolve())
    except (InputError, OSError, ValueError):
        return found
    return found


def _path_values(params: dict[Any, Any]) -> Iterator[tuple[Any, str]]:
    """``(key, value)`` of every path parameter of a judge's table, nested tables included."""
    for key, value in params.items():
        if isinstance(value, dict):
            yield from _path_values(value)
        elif key in _PATH_KEYS and isinstance(value, str) and value:
            yield key, value


def _plugin_file(plugin: str, config: Path) -> Path | None:
    """The file a config's plugin names (``./my_judge.py``, relative to the config; ``~/my_judge.py``), or None for a module name."""
    if not (plugin.endswith(".py") or _relative_to_file(plugin)):
        return None
    file = user_path(plugin)
    return file if file.is_absolute() else (config.resolve().parent / plugin).resolve()


def _close_file_hint(plugin: str, file: Path) -> str:
    """"; did you mean NAME?" for the Python file beside ``file`` whose name is closest to its (a misspelt plugin), written
    as ``plugin`` is (``./sub/exclaim_judge.py`` for ``./sub/exclam_judge.py``), else "". A folder or a broken link is none."""
    try:
        beside = [p.name for p in file.parent.glob("*.py") if p.name != file.name and p.is_file()] if file.parent.is_dir() else []
    except OSError:
        return ""
    close = difflib.get_close_matches(file.name, beside, n=1)
    if not close:
        return ""
    return f"; did you mean {plugin[: -len(file.name)] + close[0] if plugin.endswith(file.name) else close[0]!r}?"


def _import_plugins(plugins: object, path: Path) -> None:
    """Import the config's ``plugins`` (``./file.py`` beside the config, or a module name), so that the judge
    types they register with ``@register_judge`` can be built. Top-level key: ``plugins = ["./my_judge.py"]``."""
    if plugins is None:
        return
    if isinstance(plugins, str):
        plugins = [plugins]
    if not isinstance(plugins, list) or not all(isinstance(p, str) and p.strip() for p in plugins):
        raise InputError(f"{path}: plugins = {plugins!r}: give a list of Python files or module names, e.g. plugins = [\"./my_judge.py\"]")
    for plugin in plugins:
        file = _plugin_file(plugin, path)
        if file is not None:
            if not file.is_file():
                raise InputError(f"{path}: plugin {plugin!r}: no such file ({file}); paths are relative to the config file"
                                 f"{_close_file_hint(plugin, file)}")
            named = f"{path}: plugin {plugin!r}"
            run_file_module(file, file_module_name("merov_cojudge_plugin_", file), named, named, "plugin")
        else:
            try:
                importlib.import_module(plugin)
            except ImportError as exc:
                raise InputError(f"{path}: plugin {plugin!r}: cannot import it ({exc}); give a module on the Python path, "
                                 "or a ./file.py beside the config") from None


def _yaml_error(exc: Exception) -> str:
    """A PyYAML error on one line: the problem and where it is."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        return f"{problem} at line {mark.line + 1}, column {mark.column + 1}"
    return " ".join(str(exc).split())


def _describe(entry: dict[str, Any], index: int) -> str:
    """``judge 'name'``, or ``judge #n`` for an entry without a name."""
    name = entry.get("name")
    return f"judge {name!r}" if isinstance(name, str) and name else f"judge #{index + 1}"


#: Keys of a ``[[judge]]`` table that schedule it on Ray (``judges.ray_runner``), not parameters of the judge.
RAY_KEYS = ("ray_concurrency", "num_gpus", "num_cpus")


def judges_from_config(path: str | Path) -> list[Judge]:
    """Build every judge listed in a config file (``./`` and ``../`` paths are relative to the file, see :func:`resolve_paths`).

    Ray's scheduling keys (:data:`RAY_KEYS`) are skipped: one config serves both runners.
    """
    base = user_path(path).resolve().parent
    judges: list[Judge] = []
    try:
        entries = load_config(path)
        for i, entry in enumerate(entries):
            params = resolve_paths({k: v for k, v in entry.items() if k not in ("type", *RAY_KEYS)}, base)
            try:
                judges.append(build_judge(entry["type"], **params))
            except InputError as exc:
                raise InputError(f"{path}: {_describe(entry, i)}: {exc}") from None
        # names given apart that judges tidied into one ('A', 'a'), or left to their type's: the names given say which
        refuse_repeated_names([j.name for j in judges], [entry.get("name") for entry in entries], f"{path}: ")
    except BaseException:  # the judges built so far hold models (GPU memory) or servers: release them
        for judge in judges:
            _close_quietly(judge)
        raise
    return judges


_PATH_KEYS = ("path", "model", "repo", "checkpoint", "python", "wheel_dir")
_PATH_TABLES = ("adapters",)  # tables whose every value is a path (LMDeploy's LoRA name -> folder)


def _relative_to_file(value: str) -> bool:
    """Written ``./x`` or ``../x`` (or ``.``, ``..``): a path relative to the config file. A bare ``.x`` is a name."""
    return value in (".", "..") or value.replace("\\", "/").startswith(("./", "../"))


def resolve_paths(params: dict[str, Any], base: Path) -> dict[str, Any]:
    """``./relative`` paths made absolute against ``base``, in nested tables too (a two-stage judge's stages): how both the
    local and the Ray runner read a config file's paths, so that one file means the same to both."""
    out = dict(params)
    for key, value in out.items():
        if isinstance(value, dict) and key in _PATH_TABLES:
            out[key] = {k: str((base / v).resolve()) if isinstance(v, str) and _relative_to_file(v) else v for k, v in value.items()}
        elif isinstance(value, dict):
            out[key] = resolve_paths(value, base)
        elif key in _PATH_KEYS and isinstance(value, str) and _relative_to_file(value):
            out[key] = str((base / value).resolve())
    return out
