"""Tune a fusion on labelled clips by cross-validation: voter hyper-parameters and decision threshold.

Parameters that change the fitted model (e.g. ``C``) are refitted per fold;
decision parameters (``threshold``, ``lam``) reuse the fold's probabilities, so
a fine threshold grid costs almost nothing. The precision-recall curve is the
cross-validated level-1 precision and recall as the decision knob moves.
"""
from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold, RepeatedKFold

from calibration.objectives import Objective
from ensemble.class_space import ClassSpace
from ensemble.fuser import Fuser
from ensemble.vote_table import VoteTable
from ensemble.voter_base import DECISIONS, ClassVoter, Rule, no_such_params, strategy_code
from ensemble.voter_classes import file_voters, is_class_spec, voter_class
from judges.clip import shown_name_like
from judges.errors import InputError
from judges.option_values import check_flags, is_number

__all__ = ["TuningResult", "tune_table", "default_grid", "STRATEGIES", "make_voter", "strategy_of", "check_folds", "MAX_REPEATS", "check_labels", "check_grid", "check_unique_names"]


def _thresholds() -> list[float]:
    return [round(float(t), 3) for t in np.arange(0.05, 0.951, 0.05)]


def _lams() -> list[float]:
    return [round(float(t), 3) for t in np.arange(0.3, 0.751, 0.05)]


#: strategy name -> (voter class path, default search grid)
STRATEGIES: dict[str, tuple[str, dict[str, list[Any]]]] = {
    "majority": ("ensemble.majority_voter:MajorityVoter", {"threshold": _thresholds()}),
    "weighted": ("ensemble.weighted_voter:WeightedVoter", {"threshold": _thresholds(), "power": [1.0, 2.0, 4.0]}),
    "dawid-skene": ("ensemble.dawid_skene_voter:DawidSkeneVoter", {"threshold": _thresholds()}),
    "stacked": ("ensemble.stacked_voter:StackedVoter", {"C": [0.05, 0.1, 0.2], "lam": _lams()}),
}


def make_voter(strategy: str, **params: Any) -> ClassVoter:
    """A voter of a named strategy ("did you mean" on a typo), or of one's own: ``module:Class`` or ``file.py:Class``
    (see :mod:`ensemble.voter_classes`)."""
    import difflib
    import importlib

    if not isinstance(strategy, str):  # else a TypeError from difflib ('MajorityVoter' object is not iterable)
        fix = ("; a voter object goes in fuser=Fuser(voter)" if isinstance(strategy, ClassVoter)
               else f"; a voter class goes in as a voter, fuser=Fuser({strategy.__name__}())"
               if isinstance(strategy, type) and issubclass(strategy, ClassVoter) else "")
        raise InputError(f"strategy={strategy!r}: give a strategy's name ({', '.join(STRATEGIES)}) or one of your own as module:Class "
                         f"or path/to/file.py:Class{fix}")
    if is_class_spec(strategy):
        found = voter_class(strategy)
        _check_param_names(strategy, found, params)  # a caller's misspelt keyword is not the strategy's code failing
        with strategy_code(found, "__init__"):
            voter = found(**params)
        voter.check_conventions()  # before any work: what get_params, clone and tuning need of it
        return voter
    if strategy.endswith(".py"):  # a strategy's file, its class left out
        voters = file_voters(strategy)  # a file not there: 'no such file', as with its class named
        raise InputError(f"strategy {strategy!r} names a file but not its class; name it as {strategy}:Class, e.g. "
                         f"{strategy}:{voters[0] if voters else 'MyVoter'}")
    if strategy not in STRATEGIES:
        close = difflib.get_close_matches(strategy, list(STRATEGIES), n=1)
        hint = f"did you mean {close[0]!r}? " if close else _class_spec_hint(strategy)
        raise InputError(f"unknown strategy {strategy!r}; {hint}known: {', '.join(STRATEGIES)}, "
                         "or one of your own as module:Class or path/to/file.py:Class")
    module, cls = STRATEGIES[strategy][0].split(":")
    return getattr(importlib.import_module(module), cls)(**params)


def _class_spec_hint(strategy: str) -> str:
    """"did you mean module:Class?" for a strategy of one's own written with a dot before its class
    (``my_voter.MyVoter``; ``my_voter.py:MyVoter`` when that file is in the working folder), the strategy's name for a
    built-in voter's class (``ensemble.stacked_voter.StackedVoter``: ``stacked``), else ""."""
    module, _, cls = strategy.rpartition(".")
    if not (module and cls.isidentifier() and all(part.isidentifier() for part in module.split("."))):
        return ""
    named = next((name for name, (spec, _) in STRATEGIES.items() if spec == f"{module}:{cls}"), None)
    if named:  # a built-in voter's class: its strategy's name, which tunes over its search grid
        return f"did you mean {named!r}? "
    file = Path(*module.split(".")).with_suffix(".py")
    spec = f"{file}:{cls}" if file.is_file() else f"{module}:{cls}"
    return f"did you mean {spec!r} (a colon before the class)? "


def _check_param_names(strategy: str, cls: type[ClassVoter], params: Mapping[str, Any]) -> None:
    """Every keyword in ``params`` is a parameter of ``cls``'s ``__init__`` (one taking ``**kwargs`` is not checked)."""
    import inspect

    signature = inspect.signature(cls.__init__)
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return
    names = [n for n, p in signature.parameters.items() if n != "self" and p.kind is not p.VAR_POSITIONAL]
    unknown = [k for k in params if k not in names]
    if unknown:
        raise InputError(f"strategy {strategy!r}: {no_such_params(cls.__name__, unknown, names)}")


def strategy_of(voter: Any) -> str | None:
    """The strategy name of a voter (None for a voter class no strategy names)."""
    path = f"{type(voter).__module__}:{type(voter).__name__}"
    return next((name for name, (cls, _) in STRATEGIES.items() if cls == path), None)


def default_grid(strategy: str) -> dict[str, list[Any]]:
    """The search grid of a built-in strategy (a strategy of one's own has none: give its grid)."""
    if isinstance(strategy, str) and is_class_spec(strategy):
        raise InputError(f"strategy {strategy!r} is one of your own, and has no default grid; give its grid, "
                         "e.g. --grid threshold=0.3,0.5,0.7 (grid={'threshold': [0.3, 0.5, 0.7]} from Python)")
    make_voter(strategy)
    return {k: list(v) for k, v in STRATEGIES[strategy][1].items()}


#: Cross-validation repeats average out how the clips fell into folds: that noise shrinks as 1/sqrt(repeats), to 3% of
#: one repeat's at 1000, while the run grows linearly (hours on a panel); a larger count is a typo, not a choice.
MAX_REPEATS = 1000
_FOLDS, _REPEATS = Rule("whole", 2), Rule("whole", 1, MAX_REPEATS)


def check_folds(folds: Any, repeats: Any, n: int, names: tuple[str, str] = ("folds", "repeats")) -> None:
    """Refuse fold counts cross-validation cannot use on ``n`` clips (``names``: what the caller calls them)."""
    if not _FOLDS.allows(folds):
        raise InputError(f"{names[0]}={folds!r}: cross-validation needs a whole number of folds, 2 or more (e.g. 5)")
    if not _REPEATS.allows(repeats):
        raise InputError(f"{names[1]}={repeats!r}: give a whole number of cross-validation repeats, 1 or more and at most {MAX_REPEATS} "
                         "(each repeat costs as much as the first, and at 1000 the fold-split noise repeats average out is down to 3% of one repeat's)")
    if n < folds:
        fix = f"use 2 to {n} folds" if n >= 2 else "cross-validation needs at least 2"
        raise InputError(f"{names[0]}={folds} but there are only {n} labelled clip(s) to split: {fix}, or label more clips")


def check_unique_names(names: Sequence[str]) -> None:
    """Refuse a clip named twice: cross-validation could put it in a training fold and its held-out fold at once."""
    counts = Counter(names)
    dupes = [n for n, c in counts.items() if c > 1]
    if dupes:
        raise InputError(f"{len(dupes)} clip(s) given more than once, e.g. {dupes[0]!r}: a clip in both a training and a held-out fold "
                         "would inflate the cross-validated score; give each clip once")


def check_labels(labels: Any, names: Sequence[str], space: ClassSpace) -> None:
    """Refuse labels tuning cannot learn from: not a mapping, names without a label, a label that is not a list of words, or no word on the emotion wheel."""
    read = "calibration.labels.read_labels(path) reads a name,openset CSV so"
    if not isinstance(labels, Mapping):  # a DataFrame of the CSV, its path: said how to read it, not only what to give
        raise InputError(f"labels must map each sample name to its list of words, e.g. {{'sample_00000007': ['happy']}}; got a "
                         f"{type(labels).__name__}: {read}")
    missing = [n for n in names if n not in labels]
    if missing:
        # 'SAMPLE_1' or 'sample_1.mp4' for 'sample_1'
        shown = shown_name_like(labels, missing[0], " (the labels name clips like {!r})", or_first=len(missing) == len(names))
        raise InputError(f"{len(missing)} clip(s) have no label, e.g. {missing[0]!r}{shown}; label them or use labelled clips only")
    for name in names:
        words = labels[name]
        if isinstance(words, str) or not isinstance(words, (Sequence, np.ndarray)) or not all(isinstance(w, str) for w in words):
            text = f" ({read}, its label texts parsed)" if isinstance(words, str) else ""  # a CSV's text, not parsed
            raise InputError(f"the label of {name!r} is {words!r}: give a list of emotion words, e.g. ['happy']{text}")
    if names and not space.targets(labels, names).any():
        raise InputError(f"no clip's ground truth maps to the emotion wheel (all {len(names)} labels are empty or out of its vocabulary): "
                         "check the labels file (name,openset with words like ['happy'])")


def check_grid(voter: ClassVoter, grid: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``grid`` as lists of values, every one valid for ``voter`` (an error names the parameter and its range)."""
    if not isinstance(grid, Mapping):
        raise InputError(f"grid must map parameter names to lists of values, e.g. {{'threshold': [0.3, 0.5]}}; got a {type(grid).__name__}")
    params = voter.get_params()
    unknown = [k for k in grid if k not in params]
    if unknown:
        raise InputError(no_such_params(type(voter).__name__, unknown, params))
    out = {}
    for key, values in grid.items():
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            raise InputError(f"grid {key}={values!r}: give a list of values, e.g. [{params[key]!r}]")
        out[key] = list(values)
        if not out[key]:
            raise InputError(f"grid {key}: no values to try; give at least one")
        for value in out[key]:
            problem = voter.param_problem(key, value)
            if problem:
                raise InputError(f"grid {key}={value!r}: {type(voter).__name__}'s {problem}")
    voter._check_params(skip=tuple(out))
    # a knob the decision never reads would be "tuned" on a flat curve
    decisions = set(out.get("decision", [voter.get_params().get("decision")]))
    for knob, other, user in (("threshold", "lam", "threshold"), ("lam", "threshold", "expected_f")):
        if knob in out and user not in decisions and decisions <= set(DECISIONS):
            raise InputError(f"grid {knob}: {type(voter).__name__} decides by {', '.join(sorted(decisions))}, where {knob} changes nothing; "
                             f"tune {other} instead, or also grid decision={user}")
    return out


def _grid_key(params: Mapping[str, Any]) -> tuple:
    """One grid point's parameters as a hashable key, whatever their order."""
    return tuple(sorted(params.items()))


def _smoothed_best(results: list[dict[str, Any]], knob: str, values: list[Any]) -> dict[str, Any]:
    """The result whose score, averaged with its neighbours' along ``knob``, is highest."""
    order = sorted(set(values))  # a value given twice is one grid point, with the same neighbours
    score = {_grid_key(r["params"]): r["score"] for r in results}

    def neighbourhood(r: dict[str, Any]) -> float:
        i = order.index(r["params"][knob])
        around = [score.get(_grid_key({**r["params"], knob: v})) for v in order[max(0, i - 1) : i + 2]]
        return float(np.mean([a for a in around if a is not None]))

    for r in results:
        r["smoothed_score"] = neighbourhood(r)
    return max(results, key=lambda r: (r["smoothed_score"], r["score"]))


@dataclass
class TuningResult:
    """The best parameters, their cross-validated score, every grid point, and the PR curve (``repr`` shows the choice,
    not every grid point: read ``results`` and ``pr_curve`` for them)."""

    best_params: dict[str, Any]
    best_score: float
    objective: str
    results: list[dict[str, Any]] = field(default_factory=list, repr=False)
    pr_curve: list[dict[str, float]] = field(default_factory=list, repr=False)
    knob: str = ""
    #: the knob was chosen by its grid neighbourhood's mean score (see :func:`tune_table`)
    smoothed: bool = False

    def summary(self) -> dict[str, Any]:
        """What a calibration file records of the tuning."""
        return {"objective": self.objective, "cv_score": self.best_score, "best_params": self.best_params,
                "knob_by_neighbourhood": self.smoothed, "pr_curve": self.pr_curve}

    @classmethod
    def from_summary(cls, record: Mapping[str, Any]) -> "TuningResult":
        """The tuning a calibration file records (:meth:`summary`); it holds the choice and the PR curve, not every grid
        point's scores, so ``results`` is empty. A record of the wrong shape is a ``ValueError`` naming the entry, a score
        that is not a finite number too (``10**400``, which ``float`` cannot hold, or NaN). A file written before
        ``knob_by_neighbourhood`` was recorded (when tuning took the single best grid point) reads as not smoothed."""
        if not isinstance(record, Mapping):
            raise ValueError(f"tuning {record!r} is not a record")
        params, score, objective, curve = record["best_params"], record["cv_score"], record["objective"], record["pr_curve"]
        smoothed = record.get("knob_by_neighbourhood", False)
        for key, ok in (("best_params", isinstance(params, dict)), ("objective", isinstance(objective, str)),
                        ("cv_score", is_number(score)),
                        ("pr_curve", isinstance(curve, list) and all(isinstance(row, dict) for row in curve)),
                        ("knob_by_neighbourhood", isinstance(smoothed, bool))):
            if not ok:
                raise ValueError(f"tuning {key} {record[key]!r} is not what tuning records")
        knobs = {k for row in curve for k in row} - {"l1_p", "l1_r", "score", "words_per_clip"}
        return cls(dict(params), float(score), objective, [], [dict(row) for row in curve], knobs.pop() if len(knobs) == 1 else "", smoothed)


def tune_table(
    fuser: Fuser,
    table: VoteTable,
    labels: Mapping[str, Sequence[str]],
    grid: Mapping[str, Sequence[Any]] | None = None,
    objective: str | Objective = "l1_f",
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    smooth: bool = True,
) -> TuningResult:
    """Cross-validate every grid point on ``table``'s clips; the caller refits on all of them.

    With ``smooth``, the decision knob (``lam`` or ``threshold``) is chosen by the mean
    score of the grid point and its two neighbours on the knob's grid (one at either end; then by its own
    score): fold noise makes single points jagged by about half a point of F, and a
    neighbourhood's mean picks a setting that holds up better on unseen clips (over five
    fold seeds of the nested cross-validation: +0.1 level-1 F on average, see docs/results.md).
    ``best_score`` is the chosen point's own cross-validated score.
    """
    check_flags(smooth=smooth)  # "false" would smooth
    objective = objective if isinstance(objective, Objective) else Objective(objective)
    voter = fuser.unfitted_voter()
    grid = check_grid(voter, grid or {})
    n = len(table.names)
    check_unique_names(table.names)
    check_folds(folds, repeats, n)
    check_labels(labels, table.names, table.space)
    decision_keys = [k for k in grid if k in voter.decision_params]
    model_keys = [k for k in grid if k not in voter.decision_params]
    model_points = [dict(zip(model_keys, v)) for v in itertools.product(*(grid[k] for k in model_keys))]
    decision_points = [dict(zip(decision_keys, v)) for v in itertools.product(*(grid[k] for k in decision_keys))]
    splitter = KFold(folds, shuffle=True, random_state=seed) if repeats == 1 else RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    wheel = table.space.wheel
    records: dict[tuple, list[tuple[float, float, float, float]]] = {}
    for train, test in splitter.split(np.arange(n)):
        tr_table, te_table = table.subset(train), table.subset(test)
        for mp in model_points:
            fold_fuser = clone(fuser)
            fold_fuser.voter = clone(voter).set_params(**mp)
            fold_fuser._space = fuser.space()
            fold_fuser.fit_table(tr_table, labels)
            proba = fold_fuser.voter_._proba(te_table)  # a strategy of one's own's failure: one line naming it
            for dp in decision_points:
                fold_fuser.voter_.set_params(**dp)
                preds = {p.name: p.words for p in fold_fuser.predict_table(te_table, proba)}
                scores = objective.scores(labels, preds, te_table.names, wheel)
                n_words = float(np.mean([len(w) for w in preds.values()])) if preds else 0.0
                records.setdefault(_grid_key({**mp, **dp}), []).append(
                    (objective.value(scores), scores.l1_p, scores.l1_r, n_words)
                )
    results: list[dict[str, Any]] = []
    for key, vals in records.items():
        arr = np.array(vals)
        results.append({"params": dict(key), "score": float(arr[:, 0].mean()), "std": float(arr[:, 0].std()),
                        "l1_p": float(arr[:, 1].mean()), "l1_r": float(arr[:, 2].mean()), "words_per_clip": float(arr[:, 3].mean())})
    results.sort(key=lambda r: -r["score"])
    knob = "lam" if "lam" in decision_keys and voter.get_params().get("decision") == "expected_f" else ("threshold" if "threshold" in decision_keys else "")
    best = _smoothed_best(results, knob, list(grid[knob])) if smooth and knob else results[0]
    pr_curve = []
    if knob:
        fixed = {k: v for k, v in best["params"].items() if k != knob}
        for r in results:
            if {k: v for k, v in r["params"].items() if k != knob} == fixed:
                pr_curve.append({knob: r["params"][knob], "l1_p": r["l1_p"], "l1_r": r["l1_r"], "score": r["score"], "words_per_clip": r["words_per_clip"]})
        pr_curve.sort(key=lambda p: p[knob])
    return TuningResult(best["params"], best["score"], objective.name, results, pr_curve, knob, smoothed=bool(smooth and knob))
