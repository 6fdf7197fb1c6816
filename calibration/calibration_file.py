"""One JSON file with everything needed to reproduce a fused prediction."""
from __future__ import annotations

import hashlib
import json
import math
import os
import platform
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path, PureWindowsPath
from typing import Any

import numpy as np

from calibration.emotion_wheel import EmotionWheel
from ensemble.fuser import OOV_POLICIES, Fuser
from ensemble.output_files import write_atomically
from ensemble.voter_base import ClassVoter, StrategyCodeError, strategy_code
from ensemble.voter_classes import class_spec, is_class_spec, source_digest, source_file, spec_file, voter_class
from judges.clip_hash import identity_json_value
from judges.errors import InputError, raised_text
from judges.option_values import is_number
from judges.text_files import check_input_file, check_not_lfs_pointer, user_path
from judges.user_warnings import warn_user

__all__ = ["save_calibration", "load_calibration", "calibration_input_files", "judges_on_other_files", "judges_with_other_answers",
           "judges_built_otherwise", "FORMAT_VERSION"]

FORMAT_VERSION = 1
_PACKAGES = ("merov-cojudge", "numpy", "scikit-learn", "sentence-transformers", "networkx")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in _PACKAGES:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = _checkout_version() if pkg == "merov-cojudge" else "not installed"
    return out


def _checkout_version() -> str:
    """This package's version when it runs from a source checkout that was not pip-installed (its setup.cfg)."""
    import configparser

    config = configparser.ConfigParser()
    try:
        config.read(Path(__file__).resolve().parents[1] / "setup.cfg", encoding="utf-8")
        return f"{config['metadata']['version']} (source checkout, not installed)"
    except (KeyError, configparser.Error, OSError):
        return "not installed"


def _clean(value: Any) -> Any:
    """JSON-safe: NaN becomes null, tuples and arrays lists, numpy numbers Python ones (a grid from np.arange);
    a judge identity's paths and sets as the verdict cache hashes them (text, members sorted by repr)."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
    if isinstance(value, (Path, set, frozenset)):
        value = identity_json_value(value)  # as the verdict cache hashes a judge identity
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def save_calibration(path: str | Path, fuser: Fuser, judges: list[dict[str, Any]], strategy: str, extra: dict[str, Any] | None = None) -> Path:
    """Write the fitted ``fuser`` with its ``judges`` (name + how to rebuild them) and metadata."""
    fuser._check_fitted()
    voter = fuser.voter_
    found_by = class_spec(type(voter))  # before any file is written: a class load_calibration cannot import is refused
    params = {k: v for k, v in voter.get_params().items()}
    state = _storable_state(voter)
    data = {
        "format": "merov-cojudge calibration",
        "format_version": FORMAT_VERSION,
        "judges": judges,
        "strategy": strategy,
        "voter": {"class": found_by, "params": params, "state": state, **_source(type(voter))},
        "fusion": fuser.describe(),
        "embedding_model_id": fuser.embedding_model_id(),
        "wheel": {"directory": str(fuser.space().wheel.directory), "word_forms": fuser.space().wheel.format_file, "level": fuser.space().level},
        "versions": _versions(),
        **(extra or {}),
    }
    text = json.dumps(_clean(data), indent=1, sort_keys=False)
    _check_reloads(json.loads(text), fuser)
    return write_atomically(path, lambda fh: fh.write(text))


def _storable_state(voter: ClassVoter) -> dict[str, Any]:
    """The fitted voter's :meth:`~ensemble.voter_base.ClassVoter.state`, or a one-line error naming a ``_state_attrs`` entry
    it did not set, or one a calibration file cannot hold (an object JSON cannot write, or a list that loading, which reads
    every list as one float array, cannot read back), before any file is written."""
    cannot = f"{type(voter).__name__} cannot be saved in a calibration file:"
    unset = next((attr for attr in voter._state_attrs if not hasattr(voter, attr)), None)
    if unset is not None:
        raise InputError(f"{cannot} its _state_attrs names {unset}, which its _fit did not set; list the fitted attributes "
                         "predict_proba reads")
    state = voter.state()
    for attr in voter._state_attrs:
        value = _clean(state[attr])
        odd = _not_json(value)
        if odd is not None:
            kind = "is" if odd is value else "holds"
            raise InputError(f"{cannot} its fitted {attr} {kind} a {type(odd).__name__}, which a calibration file (JSON) cannot hold; "
                             "keep what predict_proba reads as numbers, text, lists, dicts or numpy arrays (a model's fitted "
                             "coefficients, not the model)")
        if isinstance(value, list):
            try:
                np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                raise InputError(f"{cannot} its fitted {attr} is a list that loading cannot read back: a list in _state_attrs comes "
                                 "back as one float array; keep it as a numpy array of numbers, or a dict of them") from None
    return state


def _not_json(value: Any) -> Any:
    """The first part of ``value`` (itself, or a member of its lists and dicts) that JSON cannot write, else None."""
    if isinstance(value, dict):
        return next((odd for odd in map(_not_json, value.values()) if odd is not None), None)
    if isinstance(value, list):
        return next((odd for odd in map(_not_json, value) if odd is not None), None)
    return None if value is None or isinstance(value, (str, int, float, bool)) else value


def _source(cls: type) -> dict[str, str]:
    """What a strategy of one's own's file holds (its sha256), for loading to tell an edit; nothing for a built-in voter."""
    digest = source_digest(cls)
    return {} if digest is None else {"source_sha256": digest}


def _check_reloads(data: dict[str, Any], fuser: Fuser) -> None:
    """The file about to be written loads again, as :func:`load_calibration` reads it: a voter of one's own whose
    ``_state_attrs`` leave out a fitted attribute that ``predict_proba`` reads would write a file no load can use."""
    try:
        _fuser_from(data, fuser.space().wheel, Path("<unsaved>"))
    except (InputError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise InputError(f"{type(fuser.voter_).__name__} cannot be saved in a calibration file: rebuilt from its parameters and state it "
                         f"fails ({raised_text(exc)}); list every fitted attribute its predict_proba "
                         "reads in its _state_attrs") from None


def load_calibration(path: str | Path, wheel: EmotionWheel | None = None) -> tuple[Fuser, dict[str, Any]]:
    """A fitted :class:`Fuser` and the file's data (judges, strategy, tuning report...)."""
    path = user_path(path)
    check_input_file(path, "calibration file", "; make one with 'cojudge tune'")
    try:
        # JSON's own encodings, told by the bytes: UTF-8 (its byte order mark, if an editor added one, dropped) and UTF-16,
        # as Notepad's "Unicode" saves a hand edit (read as UTF-8, it was 'invalid JSON: can't decode byte 0xff')
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        check_not_lfs_pointer(path)  # a clone made without git-lfs: say so, not 'invalid JSON'
        raise InputError(f"{path}: not a calibration file (invalid JSON: {exc}); give the JSON file 'cojudge tune --out' wrote, "
                         "or mend the JSON where it was edited by hand") from None
    if not isinstance(data, dict) or data.get("format") != "merov-cojudge calibration":
        raise InputError(f"{path}: not a merov-cojudge calibration file; make one with 'cojudge tune'")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:  # a newer merov-cojudge's
        raise InputError(f"{path}: calibration format {version} is not supported by this merov-cojudge: format_version {version} is newer "
                         f"than it reads ({FORMAT_VERSION}); upgrade merov-cojudge, or re-run 'cojudge tune' with this one")
    if version != FORMAT_VERSION or isinstance(version, bool):  # as written: '1' (text) is not 1
        raise InputError(f"{path}: calibration format_version {version!r} is not supported (expected {FORMAT_VERSION}); re-run 'cojudge tune'")
    try:
        _check_entries(data)
        fuser = _fuser_from(data, wheel, path)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, ImportError, IndexError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
        edited = _edited_strategy_file(path, data)
        if edited is not None:  # the file is as written: the strategy it loads into is not (a parameter or state renamed)
            raise InputError(f"{path}: its voting strategy's file {edited} has changed since it was tuned, and the calibration no "
                             f"longer loads into it ({what}); put back the tuned file, or re-run 'cojudge tune'") from None
        raise InputError(f"{path}: damaged calibration file ({what}); re-run 'cojudge tune' to make a new one") from None
    _check_strategy(path, data, fuser)
    _check_level(path, data, fuser)
    tuned = [j.get("name") for j in data.get("judges", []) if isinstance(j, dict)]
    if tuned and tuned != fuser.judges_:
        raise InputError(f"{path}: damaged calibration file (its judges {tuned[:5]} differ from its voter's {fuser.judges_[:5]}); "
                         "re-run 'cojudge tune' to make a new one")
    _warn_if_embedding_model_changed(path, data, fuser)
    _warn_if_strategy_edited(path, data, fuser)
    return fuser, data


def calibration_input_files(path: str | Path) -> dict[str, Path]:
    """The files a calibration file's fusion reads, by what they are, for outputs to refuse: the emotion-wheel files
    (its recorded wheel folder, e.g. tuned with ``--wheel-dir``, else the data folder's, with its word-form table) and
    the file of a voting strategy of one's own (``file.py:Class``, or a ``module:Class``'s module file).

    Empty when the file is not a readable calibration (or a pipe, read once: by the load), which loading reports.
    """
    path = user_path(path)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_bytes())  # as load_calibration reads it
    except (OSError, ValueError):
        return {}
    return {**_wheel_files(data), **_strategy_file(data, path)}


def _wheel_files(data: Any) -> dict[str, Path]:
    """The emotion-wheel files a calibration file's JSON ``data`` names; empty when it names none."""
    from calibration.emotion_wheel import wheel_input_files

    try:
        wheel = data["wheel"]
        directory, word_forms = wheel["directory"], wheel["word_forms"]
    except (KeyError, TypeError):
        return {}
    if not isinstance(directory, str) or not isinstance(word_forms, str):
        return {}
    files = wheel_input_files(directory if Path(directory).is_dir() else None, word_forms)  # as load_calibration finds it
    return {f"{what} (read by the calibration's fusion)": file for what, file in files.items()}


def _strategy_file(data: Any, path: Path) -> dict[str, Path]:
    """The file of the voting strategy of one's own that a calibration file's JSON ``data`` (at ``path``) names; empty
    for a built-in voter's, a module's not found, or none."""
    try:
        spec, strategy = data["voter"]["class"], data.get("strategy")
    except (KeyError, TypeError, AttributeError):
        return {}
    from calibration.tuning import STRATEGIES

    if isinstance(strategy, str) and strategy in STRATEGIES:  # a built-in voter's: nothing of the file's is looked up (loading refuses another)
        return {}
    file = spec_file(_strategy_spec(spec, path)) if isinstance(spec, str) else None
    return {} if file is None else {"the voting strategy's file (read by the calibration's fusion)": file}


def _strategy_spec(spec: str, path: Path) -> str:
    """The voter class ``spec`` a calibration file at ``path`` records, its strategy's file found again: where it was tuned,
    else the file of that name beside the calibration (both moved together, to another folder or machine); as recorded
    when neither is there, or for a module's class."""
    file = spec_file(spec)
    if file is None or file.is_file():
        return spec
    target, _, name = spec.rpartition(":")
    beside = path.resolve().parent / PureWindowsPath(target).name  # the name of a path recorded on Windows too
    return f"{beside}:{name}" if beside.is_file() else spec


def _check_beside(path: Path, data: dict[str, Any], recorded: str, file: Path) -> None:
    """The file of that name beside the calibration, found for a strategy's file that is gone, is the tuned one (its sha256
    as recorded) before it is imported: another file of that name (a shared download folder's) would run code the
    calibration never named."""
    tuned = data["voter"].get("source_sha256")
    if isinstance(tuned, str) and not _is_tuned_source(file, tuned):
        raise InputError(f"{path}: its voting strategy's file {recorded} is gone, and {file} beside it is not the file it was tuned "
                         f"with (another sha256); nothing was imported: put the tuned {file.name} beside {path}, or re-run 'cojudge tune'")


def _is_tuned_source(file: Path, tuned: str) -> bool:
    """Whether ``file`` holds the source whose sha256 is ``tuned``, its line endings aside (git converts them between
    Windows and Linux); True when it cannot be read (importing it reports that)."""
    try:
        text = file.read_bytes().replace(b"\r\n", b"\n")
    except OSError:
        return True
    return tuned in {hashlib.sha256(v).hexdigest() for v in (text, text.replace(b"\n", b"\r\n"))}


def _check_strategy(path: Path, data: dict[str, Any], fuser: Fuser) -> None:
    """The strategy the file names is its voter's: an edited strategy would be reported, not used."""
    from calibration.tuning import STRATEGIES, strategy_of

    strategy, voters = data["strategy"], strategy_of(fuser.voter_)
    if voters is not None and strategy not in STRATEGIES:  # a voter no strategy names (not one of ours) is named freely
        raise InputError(f"{path}: its strategy {strategy!r} is not one of {', '.join(STRATEGIES)}; its voter "
                         f"({type(fuser.voter_).__name__}) is {voters!r}: write \"strategy\": \"{voters}\", or re-run 'cojudge tune'")
    if voters is not None and strategy != voters:
        raise InputError(f"{path}: its strategy {strategy!r} is not its voter's ({type(fuser.voter_).__name__}: {voters!r}); "
                         f"the strategy is learnt, not set: run 'cojudge tune --strategy {strategy}' for a {strategy} calibration")


def _warn_if_embedding_model_changed(path: Path, data: dict[str, Any], fuser: Fuser) -> None:
    """Out-of-vocabulary words are attached by the embedding model: another one than at tuning attaches them differently."""
    tuned = data.get("embedding_model_id")
    if fuser.oov != "attach" or not isinstance(tuned, str):
        return
    current = fuser.embedding_model_id()
    if current != tuned:
        warn_user(f"{path} was tuned with embedding model {tuned}, but {current} is used now, so out-of-vocabulary words may "
                  "attach to other wheel words; install the tuned model, or re-run 'cojudge tune'")


def _edited_strategy_file(path: Path, data: dict[str, Any]) -> Path | None:
    """The file of the calibration's strategy of one's own when it is not the one it was tuned with (its recorded sha256),
    else None (a built-in strategy, no digest recorded, a file not found, or entries too damaged to tell)."""
    try:
        spec, tuned = data["voter"]["class"], data["voter"].get("source_sha256")
        file = spec_file(_strategy_spec(spec, path)) if isinstance(spec, str) and isinstance(tuned, str) else None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return file if file is not None and file.is_file() and not _is_tuned_source(file, tuned) else None


def _warn_if_strategy_edited(path: Path, data: dict[str, Any], fuser: Fuser) -> None:
    """A strategy of one's own whose file changed since tuning may fuse otherwise than the tuned one (a renamed class or
    state is an error; an edit of its logic is not): the file records its sha256."""
    tuned, file = data["voter"].get("source_sha256"), source_file(type(fuser.voter_))
    if isinstance(tuned, str) and file is not None and not _is_tuned_source(file, tuned):
        warn_user(f"{path}: its voting strategy's file {file} has changed since it was tuned, so its fusion may differ from the tuned "
                  "one; re-run 'cojudge tune' if the edit changed how it votes")


def _check_entries(data: dict[str, Any]) -> None:
    """The entries read outside the voter: the strategy, the judges, the fusion settings (a ValueError names the first bad one)."""
    if not isinstance(data["strategy"], str):
        raise ValueError(f"strategy {data['strategy']!r} is not a name")
    # read by key below and when the voter is built: a hand edit to another type would be "TypeError: string indices ..."
    for entry, keys in (("voter", ("class", "params", "state")), ("wheel", ("directory", "word_forms", "level"))):
        if not isinstance(data[entry], dict):
            raise ValueError(f"'{entry}' must be an object ({', '.join(keys)}), not {json.dumps(data[entry])[:40]}")
    for entry in ("params", "state"):
        if not isinstance(data["voter"].get(entry, {}), dict):
            raise ValueError(f"voter '{entry}' must be an object, not {json.dumps(data['voter'][entry])[:40]}")
    judges = data.get("judges", [])
    if not isinstance(judges, list) or not all(isinstance(j, dict) for j in judges):
        raise ValueError("'judges' must list one object (name, type, path) per judge")
    for judge in filter(_replayed, judges):  # a path or answers' digest that is not text would silently turn off fuse's other-file warnings
        # a path is null for answers given in Python (ReplayJudge(name, labels=...)): it names no file
        odd = next((k for k in ("path", "labels") if k in judge and not isinstance(judge[k], str) and not (k == "path" and judge[k] is None)), None)
        if odd is not None:
            raise ValueError(f"the {odd} {judge[odd]!r} of judge {judge.get('name')!r} is not text" + (" (or null)" if odd == "path" else ""))
    model_id = data.get("embedding_model_id")
    if model_id is not None and not isinstance(model_id, str):  # a number would silently turn off the other-model warning
        raise ValueError(f"embedding_model_id {model_id!r} is not a model's name (or null when unknown words are dropped)")
    fusion = data["fusion"]
    if not isinstance(fusion, dict):
        raise ValueError("'fusion' must be an object (oov, min_similarity, embedding_model)")
    if fusion.get("oov", "attach") not in OOV_POLICIES:
        raise ValueError(f"fusion oov {fusion['oov']!r} is not one of {', '.join(OOV_POLICIES)}")
    model = fusion.get("embedding_model")
    if model is not None and not isinstance(model, str):
        raise ValueError(f"fusion embedding_model {model!r} is not a model name or folder (or null for the default)")
    similarity = fusion.get("min_similarity")
    if similarity is not None and not is_number(similarity):
        raise ValueError(f"fusion min_similarity {similarity!r} is not a number")
    if similarity is not None and not -1 <= similarity <= 1:  # a cosine: above 1 nothing is ever attached
        raise ValueError(f"fusion min_similarity {similarity!r} is not a cosine similarity in [-1, 1]")


def _check_level(path: Path, data: dict[str, Any], fuser: Fuser) -> None:
    """The wheel level the file names is the one its fusion counts votes at: an edited level would be reported, not used."""
    level, counted = data["wheel"].get("level"), fuser.space().level
    if level != counted:
        raise InputError(f"{path}: its wheel level {level!r} is not the level its fusion counts votes at; the only allowed value is "
                         f"{counted!r}: write \"level\": \"{counted}\", or re-run 'cojudge tune'")


def _check_state(fuser: Fuser) -> None:
    """The fitted state fits the wheel and the voter's parameters: one empty clip goes through the voter."""
    from ensemble.vote_table import VoteTable

    n = len(fuser.space())
    if fuser.voter_.n_classes_ != n:
        raise ValueError(f"the voter has {fuser.voter_.n_classes_} classes, the wheel {n}")
    probe = VoteTable.build({j: {"probe": []} for j in fuser.judges_}, ["probe"], fuser.space(), judges=fuser.judges_)
    try:
        with _code_failures(type(fuser.voter_), "predict_proba"):
            proba = np.asarray(fuser.voter_.predict_proba(probe), dtype=np.float64)
    except StrategyCodeError:  # not the file's fault
        raise
    except InputError as exc:  # parts of the state disagree (e.g. the stacked voter's reliability model and its judges)
        raise ValueError(str(exc)) from None
    if proba.shape != (1, n) or not np.isfinite(proba).all():
        raise ValueError("its fitted state does not give one probability per class")


#: What a damaged file's entries make a voter raise (a missing state attribute, a parameter renamed or of another type)
_DAMAGE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@contextmanager
def _code_failures(cls: type, method: str) -> Iterator[None]:
    """Rebuilding a voter: a damaged file's errors (:data:`_DAMAGE`, reported as such) pass; any other error is its code's,
    a one-line error naming a strategy of one's own and the method (:func:`ensemble.voter_base.strategy_code`)."""
    try:
        yield
    except (InputError, *_DAMAGE):
        raise
    except Exception:
        with strategy_code(cls, method):
            raise


def _fuser_from(data: dict[str, Any], wheel: EmotionWheel | None, path: Path) -> Fuser:
    spec = data["voter"]["class"]
    if not isinstance(spec, str) or not is_class_spec(spec):
        raise ValueError(f"voter class {spec!r} is not a module:Class name")
    from calibration.tuning import STRATEGIES

    strategy = data.get("strategy")
    if isinstance(strategy, str) and strategy in STRATEGIES and spec not in {cls for cls, _ in STRATEGIES.values()}:
        # checked before any import: a built-in strategy's file runs no code from outside merov-cojudge
        raise ValueError(f"its strategy {strategy!r} is built in, but its voter class {spec!r} is not merov-cojudge's "
                         f"({STRATEGIES[strategy][0]}); nothing was imported")
    # a strategy of one's own is imported again from its module or file; only a ClassVoter subclass is built
    recorded, spec = spec.rpartition(":")[0], _strategy_spec(spec, path)
    file = spec_file(spec)
    if file is not None and not file.is_file():
        raise InputError(f"{path}: its voting strategy's file {recorded} is gone: put {PureWindowsPath(recorded).name} beside {path}, "
                         "or back where it was tuned")
    if file is not None and spec.rpartition(":")[0] != recorded:
        _check_beside(path, data, recorded, file)
    cls = voter_class(spec, f"{path}: its voter class")
    with _code_failures(cls, "__init__"):
        voter = cls(**data["voter"]["params"])
    voter.check_conventions()  # a strategy file edited since tuning: its own error, not a damaged calibration
    try:
        voter._check_params()
    except InputError as exc:
        raise InputError(f"{path}: damaged calibration file ({exc}); re-run 'cojudge tune' to make a new one") from None
    if wheel is None:
        from calibration.emotion_wheel import load_wheel

        wheel_dir = data["wheel"]["directory"]
        wheel = load_wheel(wheel_dir if Path(wheel_dir).is_dir() else None, data["wheel"]["word_forms"])
    fuser = Fuser(voter, wheel=wheel, **data["fusion"])
    fuser.voter_ = voter.load_state(data["voter"]["state"])
    fuser.judges_ = list(voter.judges_)
    fuser.mapping_ = fuser._mapping()  # the file's own settings, the ones its state was fitted with
    _check_state(fuser)
    return fuser


def judges_on_other_files(data: dict[str, Any], files: Mapping[str, Path],
                          digests: Mapping[str, str] | None = None) -> list[tuple[str, str, Path]]:
    """(name, tuned file, given file) for replayed judges given another file (folder/name) than at tuning.

    Fusing is right for the same judge on new clips (another file name, same model is
    possible), wrong for another model under a tuned judge's name: the caller warns.
    A file whose answers' digest (``digests``: name -> :func:`~judges.replay.answers_digest`)
    is the one recorded at tuning is the tuned file, moved or renamed.
    """
    out = []
    for judge in data.get("judges", []):
        name, tuned = judge.get("name"), judge.get("path")
        if _replayed(judge) and isinstance(tuned, str) and tuned and name in files and _tail(tuned) != _tail(files[name]):
            if digests is not None and isinstance(judge.get("labels"), str) and digests.get(name) == judge["labels"]:
                continue
            out.append((name, _tail(tuned), Path(files[name])))
    return out


def judges_with_other_answers(data: dict[str, Any], digests: Mapping[str, str | None]) -> list[tuple[str, str | None]]:
    """(name, tuned file's folder/name or None) for replayed judges whose given answers (``digests``: name ->
    :func:`~judges.replay.answers_digest`) differ from those tuned on (the file's ``labels``): another model's
    output saved under the tuned folder/name, or the judge on other clips."""
    out = []
    for judge in data.get("judges", []):
        name, tuned, path = judge.get("name"), judge.get("labels"), judge.get("path")
        if _replayed(judge) and isinstance(tuned, str) and isinstance(digests.get(name), str) and digests[name] != tuned:
            out.append((name, _tail(path) if isinstance(path, str) and path else None))
    return out


def judges_built_otherwise(data: dict[str, Any], identities: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """(name, settings that differ) for judges other than replayed ones whose given identity (``identities``: name ->
    ``{"name": ..., **judge.cache_identity()}``) is not the one recorded at calibration (``CoJudge.save``): a judge built
    with another model, prompt or keyword list, whose calibrated weights are another judge's. Replayed judges are told
    by their answers (:func:`judges_with_other_answers`)."""
    out: list[tuple[str, list[str]]] = []
    for judge in data.get("judges", []):
        name = judge.get("name") if isinstance(judge, dict) else None
        if not isinstance(name, str):
            continue
        given = identities.get(name)
        if given is None or _replayed(judge) or given.get("class") == "ReplayJudge":
            continue
        now = _clean(dict(given))  # as the file stores it: paths and sets as text and sorted lists
        differ = sorted(k for k in set(judge) | set(now) if judge.get(k) != now.get(k))
        if differ:
            out.append((name, differ))
    return out


def _replayed(judge: Mapping[str, Any]) -> bool:
    """Whether a calibration's judge entry is a replayed stored output (as cojudge tune or CoJudge.save records it)."""
    return judge.get("type") == "replay" or judge.get("class") == "ReplayJudge"


def _tail(path: str | Path) -> str:
    """A judge file's folder and name: the model and the run, without where the data was kept (a relative path from its cwd)."""
    return "/".join(Path(os.path.abspath(path)).parts[-2:])
