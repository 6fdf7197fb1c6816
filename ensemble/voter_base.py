"""What every voting strategy shares: estimate per-class probabilities, then choose words."""
from __future__ import annotations

import inspect
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from calibration.ew_metric import level1_f_of_classes
from ensemble.vote_table import Candidate, VoteTable
from ensemble.word_selection import select_by_threshold, select_expected_f_batch
from judges.errors import InputError, close_names, raised_text
from judges.option_values import is_flag, is_number, is_whole_number
from judges.own_code import is_own_module

__all__ = ["ClassVoter", "DECISIONS", "Rule", "WordLists", "check_param_names", "no_such_params", "strategy_code", "StrategyCodeError",
           "VoterNotFittedError"]

DECISIONS = ("threshold", "expected_f")


class WordLists(list):
    """What ``predict`` returns: per sample, its list of words; a list, that numpy reads as one word list per sample
    (as it reads a slice, a join, a repeat or a copy of it, which are ``WordLists`` too).

    ``np.asarray`` of it is a 1-D object array of ``n_samples`` lists, as scikit-learn expects of ``predict``, so
    ``cross_val_predict`` can join the folds' predictions. A plain list of lists is read as a 2-D array of words
    when every sample has as many words, and refused when they differ.
    """

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy is False:
            raise ValueError("WordLists: an array of word lists is always a new array; give copy=None or copy=True")
        out = np.empty(len(self), dtype=object)
        for i, words in enumerate(self):  # one by one: a slice assignment would broadcast the lists
            out[i] = words
        return out if dtype is None else out.astype(dtype)

    # a slice, a join, a repeat and a copy of the predictions are predictions too (list's own would be plain lists)
    def __getitem__(self, index: Any) -> Any:
        got = super().__getitem__(index)
        return WordLists(got) if isinstance(index, slice) else got

    def __add__(self, other: Any) -> WordLists:
        return WordLists(super().__add__(other))

    def __radd__(self, other: Any) -> WordLists:
        if not isinstance(other, list):
            return NotImplemented
        return WordLists(other + list(self))

    def __mul__(self, times: Any) -> WordLists:
        return WordLists(super().__mul__(times))

    __rmul__ = __mul__

    def copy(self) -> WordLists:
        return WordLists(self)


@dataclass(frozen=True)
class Rule:
    """The values a voter parameter takes: a ``number`` or ``whole`` number in a range, a ``flag``, or a ``choice``."""

    kind: str
    low: float | None = None
    high: float | None = None
    #: ``low`` itself is not allowed (e.g. ``C > 0``)
    above: bool = False
    none_ok: bool = False
    choices: tuple[str, ...] = ()

    def allows(self, value: Any) -> bool:
        """Whether ``value`` is one the parameter takes."""
        if value is None:
            return self.none_ok
        if self.kind == "flag":
            return is_flag(value)
        if self.kind == "choice":
            return isinstance(value, str) and value in self.choices
        if not (is_whole_number(value) if self.kind == "whole" else is_number(value)):  # not a bool, nan, inf or 10**400
            return False
        if self.low is not None and (value <= self.low if self.above else value < self.low):
            return False
        return self.high is None or bool(value <= self.high)

    def describe(self) -> str:
        """The values allowed, as an error message says them ("a number in [0, 1]")."""
        if self.kind == "flag":
            text = "true or false"
        elif self.kind == "choice":
            text = "one of " + ", ".join(self.choices)
        else:
            text = "a whole number" if self.kind == "whole" else "a number"
            if self.low is not None and self.high is not None:
                text += f" in [{self.low:g}, {self.high:g}]"
            elif self.low is not None:
                text += f" {'>' if self.above else '>='} {self.low:g}"
        return text + (" or None" if self.none_ok else "")


def _of_ones_own(cls: type) -> bool:
    """Whether ``cls`` is a voting strategy of one's own (defined outside merov-cojudge's packages)."""
    return not is_own_module(cls.__module__)  # merov-cojudge's voters: their errors are left as they are


def _strategy_label(cls: type) -> str:
    """A strategy of one's own as its one-line errors name it: the class and its file (or module)."""
    return f"{cls.__name__} ({getattr(sys.modules.get(cls.__module__), '__file__', None) or cls.__module__})"


#: How far outside [0, 1] a strategy of one's own's probability may fall by rounding (a weighted share summed in
#: another order than its weights: 1.0000000000000002); more for a coarser float it computes in (:func:`_rounding`)
_ROUNDING = 1e-9


def _rounding(dtype: np.dtype) -> float:
    """How far outside [0, 1] a probability computed in ``dtype`` may fall by rounding: :data:`_ROUNDING`, or a few units
    in the last place of a coarser float (float32's weighted share comes out 1.0000001)."""
    return max(_ROUNDING, 4 * float(np.finfo(dtype).eps)) if np.issubdtype(dtype, np.floating) else _ROUNDING


def _same(now: Any, given: Any) -> bool:
    """Whether a parameter's value after ``_fit`` is the one given (the same object, or an equal value of the same type)."""
    if now is given:
        return True
    try:
        return type(now) is type(given) and bool(now == given)
    except Exception:  # an array's ambiguous truth value, an odd __eq__
        return False


def no_such_params(owner: str, unknown: Sequence[object], known: Iterable[str]) -> str:
    """The error for parameters ``owner`` has not, with the one each misspelt name is close to ("lamb": did you mean lam?)
    and every one it has."""
    known = sorted(known)
    meant = close_names(map(str, unknown), known, cutoff=0.75)
    said = ", ".join(f"{name} (did you mean {meant[name]}?)" if name in meant else name for name in map(str, unknown))
    return f"{owner} has no parameter(s) {said}; it has {', '.join(known)}"


def check_param_names(estimator: BaseEstimator, params: Mapping[str, Any]) -> None:
    """Refuse, in one line with a "did you mean", a ``set_params`` name ``estimator`` has not (``lamb`` for ``lam``; the
    part before ``__`` of a nested one, ``votre__lam``): scikit-learn's ValueError lists the names, but over several lines
    for a ``Fuser`` (its repr) and without the one meant. An :class:`InputError` is a ValueError, as scikit-learn's is."""
    known = estimator.get_params(deep=False)
    unknown = [head for head in dict.fromkeys(key.partition("__")[0] for key in params) if head not in known]
    if unknown:
        raise InputError(no_such_params(f"{type(estimator).__name__}.set_params", unknown, known))
    for key in params:  # 'lam__x': scikit-learn calls set_params on lam's value, 'float' object has no attribute 'set_params'
        head, nested, _ = key.partition("__")
        value = params.get(head, known[head])
        if nested and value is not None and not hasattr(value, "set_params"):
            raise InputError(f"{type(estimator).__name__}.set_params: {key} names a parameter of {head}, but {head} is {value!r}, "
                             f"which has none; set {head}=... itself")


class StrategyCodeError(InputError):
    """A voting strategy of one's own failed in its own code (:func:`strategy_code`): a one-line error naming it."""


@contextmanager
def strategy_code(cls: type, method: str) -> Iterator[None]:
    """Run ``method`` of a voting strategy of one's own: an error of its code (not an InputError) becomes a one-line
    InputError naming the strategy and the method, its traceback kept as the cause; merov-cojudge's voters are left alone."""
    if not _of_ones_own(cls):
        yield
        return
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        raise StrategyCodeError(f"voting strategy {_strategy_label(cls)}: its {method} failed: {raised_text(exc)}; "
                         "fix the strategy's code (call it from Python for the traceback)") from exc


class VoterNotFittedError(InputError, NotFittedError):
    """A voter, or a ``Fuser``, ``CoJudge`` or ``EmotionGraph``, used before ``fit``: a one-line :class:`InputError`
    for the CLI, and scikit-learn's ``NotFittedError`` for code that catches it (as ``check_is_fitted`` raises it)."""


class ClassVoter(BaseEstimator):
    """Base of the voting strategies (scikit-learn conventions).

    Subclasses implement ``_fit(table, Y)`` and ``predict_proba(table)``
    (samples x classes). The decision turns probabilities into words:
    ``decision="threshold"`` keeps candidate words whose confidence reaches
    ``threshold``; ``decision="expected_f"`` maximises the expected EW score with
    the precision weight ``lam``; ``max_words`` caps the words. These decision
    parameters (:attr:`decision_params`) never change the fitted model, so
    tuning them needs no refit. A strategy of one's own is held to
    scikit-learn's rules for its parameters (:meth:`check_conventions`), and a
    ``_fit`` that changes one is refused.

    >>> from ensemble.class_space import ClassSpace
    >>> from ensemble.vote_table import VoteTable
    >>> from ensemble.voter_base import ClassVoter
    >>> class AnyJudge(ClassVoter):                  # a class is kept when any judge voted for it
    ...     def __init__(self, threshold=0.5, decision="threshold", lam=0.5, max_words=None):
    ...         self.threshold, self.decision, self.lam, self.max_words = threshold, decision, lam, max_words
    ...
    ...     def predict_proba(self, table):
    ...         return table.votes.max(axis=1)       # clips x judges x classes -> clips x classes
    >>> outputs = {"a": {"s1": ["happy"], "s2": ["sad"]}, "b": {"s1": ["worried"], "s2": ["sad"]}}
    >>> table = VoteTable.build(outputs, ["s1", "s2"], ClassSpace())
    >>> AnyJudge().fit(table).predict(table)
    [['happy', 'worried'], ['sad']]
    """

    decision_params = ("decision", "threshold", "lam", "max_words")
    #: parameter -> the values it takes (checked by ``fit`` and by tuning, before any fitting)
    param_rules: dict[str, Rule] = {
        "decision": Rule("choice", choices=DECISIONS),
        "threshold": Rule("number", 0, 1),
        "lam": Rule("number", 0, 1),
        "max_words": Rule("whole", 1, none_ok=True),
    }
    #: Fitted attributes saved to, and restored from, a calibration file.
    _state_attrs: tuple[str, ...] = ()
    #: ``fit`` refuses to run without ``Y`` (checked before anything fitted is touched)
    needs_labels: bool = False

    # -- fitting ---------------------------------------------------------------------
    def fit(self, table: VoteTable, Y: np.ndarray | None = None) -> "ClassVoter":
        """Learn from ``table`` (the judges' votes) and ``Y`` (true class indicators, samples x classes). A strategy of one's own
        whose ``_fit`` changed a parameter is refused; a refused or failed fit leaves the voter as it was before this call."""
        self.check_conventions()
        self._check_params()
        self._check_is_table(table, "fit")
        if not table.names:
            raise InputError(f"{type(self).__name__}.fit: the vote table has no clips to learn from; fit on at least one labelled clip")
        if not table.judges:
            raise InputError(f"{type(self).__name__}.fit: the vote table has no judges to learn from; give at least one judge's outputs")
        if Y is None and self.needs_labels:
            raise InputError(f"{type(self).__name__}.fit: it learns from labels, and got none; call fit(table, Y) with "
                             "Y = table.space.targets(labels, table.names)")
        if Y is not None:
            Y = self._checked_targets(table, Y, "fit")
        own = _of_ones_own(type(self))
        before = dict(vars(self))
        try:
            self.judges_ = list(table.judges)
            self.n_classes_ = len(table.space)
            given = self.get_params(deep=False) if own else {}
            with strategy_code(type(self), "_fit"):
                self._fit(table, Y)
            if own:
                self._check_fit_kept_its_parameters(given)
                unset = next((attr for attr in self._state_attrs if not hasattr(self, attr)), None)
                if unset is not None:  # found at save, after the whole tuning had run
                    self._refuse(f"its _state_attrs names {unset}, which its _fit did not set; set it in _fit, or leave it out "
                                 "of _state_attrs (the fitted attributes predict_proba reads)")
        except BaseException:  # left as it was before this fit (unfitted: predict refuses it), not half-fitted
            self.__dict__.clear()
            self.__dict__.update(before)
            raise
        return self

    def _fit(self, table: VoteTable, Y: np.ndarray | None) -> None:
        """Learn the probability model; the default learns nothing."""

    def predict_proba(self, table: VoteTable) -> np.ndarray:  # pragma: no cover - abstract
        """Per clip, the probability of each (wheel, class) pair of ``table.space``: an array of clips x classes."""
        raise NotImplementedError

    def _proba(self, table: VoteTable) -> np.ndarray:
        """:meth:`predict_proba`, as the fusion and tuning call it: a strategy of one's own whose code fails, or that gives
        other than one finite probability in [0, 1] per clip and class (a rounding error's worth outside passes), is a
        one-line error naming it (not a traceback further on, nor words chosen on scores that are no probabilities)."""
        if not _of_ones_own(type(self)):
            return self.predict_proba(table)
        with strategy_code(type(self), "predict_proba"):
            given = np.asarray(self.predict_proba(table))  # a ragged list fails here, as its error
            proba = given.astype(np.float64)  # text too
        shape = (len(table.names), len(table.space))
        fix = f"it must give one probability per clip and class, a finite array of shape {shape}"
        if proba.shape != shape:
            raise StrategyCodeError(f"voting strategy {_strategy_label(type(self))}: its predict_proba gave an array of shape {proba.shape}; {fix}")
        if not np.isfinite(proba).all():
            raise StrategyCodeError(f"voting strategy {_strategy_label(type(self))}: its predict_proba gave NaN or infinite probabilities; {fix}")
        rounding = _rounding(given.dtype)
        outside = proba[(proba < -rounding) | (proba > 1 + rounding)]
        if outside.size:
            raise StrategyCodeError(f"voting strategy {_strategy_label(type(self))}: its predict_proba gave {float(outside[0])!r}, "
                                    "not a probability (outside [0, 1]); it must give one probability per clip and class, each in [0, 1]")
        return proba

    @property
    def classes_(self) -> np.ndarray:
        """The columns of :meth:`predict_proba`: indices into the table's ``space.classes``, as scikit-learn's multi-label
        classifiers number theirs (``cross_val_predict(..., method="predict_proba")`` reads them)."""
        self._check_fitted()
        return np.arange(self.n_classes_)

    # -- deciding --------------------------------------------------------------------
    def select(self, table: VoteTable, proba: np.ndarray | None = None) -> list[list[tuple[Candidate, float]]]:
        """Per sample, the chosen candidate words with their confidences, best first."""
        self._check_table(table)
        # the decision parameters may be set after fitting (no refit needed): checked here too
        self._check_params(skip=tuple(k for k in self.get_params() if k not in self.decision_params))
        proba = self._proba(table) if proba is None else proba
        if self.decision == "expected_f":
            return select_expected_f_batch(proba, table.candidates, table.space.wheel_of, self.lam, self.max_words)
        return [select_by_threshold(proba[i], cands, self.threshold, self.max_words) for i, cands in enumerate(table.candidates)]

    def predict(self, table: VoteTable) -> WordLists:
        """Per sample, the chosen emotion words (a list of word lists, read by numpy as a 1-D array of them)."""
        return WordLists([c.word for c, _ in row] for row in self.select(table))

    def score(self, table: VoteTable, Y: np.ndarray) -> float:
        """The headline metric of :meth:`predict` on ``table`` against ``Y`` (true class indicators, as ``fit`` takes
        them): the EW metric's F averaged over the wheels at the level of the table's classes, a fraction (0.6855 for
        68.55): ``l1_f`` for the default :class:`~ensemble.class_space.ClassSpace`, ``l2_f`` for one of level-2
        classes. It is what scikit-learn's ``GridSearchCV`` and ``cross_val_score`` maximise when given no ``scoring``."""
        self._check_is_table(table, "score")
        Y = self._checked_targets(table, Y, "score")
        said = np.zeros_like(Y)
        for i, row in enumerate(self.select(table)):
            for candidate, _ in row:
                said[i, list(candidate.signature)] = 1.0
        return level1_f_of_classes(said, Y, table.space.wheel_of)

    # -- scikit-learn's rules, for a strategy of one's own -------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """scikit-learn's ``get_params``; a strategy of one's own whose ``__init__`` keeps them from being read (a parameter
        stored under another name, ``**kwargs``) is a one-line error naming the rule, not an AttributeError further on."""
        if _of_ones_own(type(self)):
            self._refuse(self._signature_problem())
        return super().get_params(deep=deep)

    def set_params(self, **params: Any) -> "ClassVoter":
        """scikit-learn's ``set_params``; a name the voter has not is a one-line error with the one meant
        (:func:`check_param_names`). Values are checked by ``fit`` (and the decision ones by ``predict``), as scikit-learn's are."""
        check_param_names(self, params)
        return super().set_params(**params)

    def __sklearn_clone__(self) -> "ClassVoter":
        """scikit-learn's ``clone`` (``GridSearchCV``, ``cross_val_score``, tuning); a strategy of one's own that it refuses
        (an ``__init__`` that changes a parameter) is a one-line error naming the rule, not a RuntimeError."""
        if not _of_ones_own(type(self)):
            return super().__sklearn_clone__()
        try:  # clone reads get_params first, which refuses a signature it cannot read
            return super().__sklearn_clone__()
        except RuntimeError as exc:  # "Cannot clone object X, as the constructor either does not set or modifies parameter p"
            name = str(exc).rpartition(" parameter ")[2] or "?"
            self._refuse(f"scikit-learn's clone refused it: its __init__ changes its parameter {name}; store every parameter unchanged "
                         "under its own name (check or convert it in _fit)", exc)
            raise

    def check_conventions(self) -> None:
        """Refuse, in one line naming the rule, a strategy of one's own that breaks scikit-learn's rules for an estimator's
        parameters (README, 'Adding a voting strategy'): each taken by name with a default, kept unchanged under its own name,
        the decision parameters among them, and one without a ``predict_proba`` of its own. merov-cojudge's own voters are not
        checked."""
        if _of_ones_own(type(self)):
            if type(self).predict_proba is ClassVoter.predict_proba:  # else 'its predict_proba failed: NotImplementedError: '
                self._refuse("it does not implement predict_proba(table), which returns one probability per clip and class "
                             "(README, 'Adding a voting strategy')")
            self.__sklearn_clone__()  # what scikit-learn asks of it, its refusal named

    def _signature_problem(self) -> str | None:
        """What in a strategy's ``__init__`` keeps scikit-learn's ``get_params`` from reading its parameters, or None."""
        try:
            parameters = inspect.signature(type(self).__init__).parameters
        except (TypeError, ValueError):
            return None
        variadic = next((p for p in parameters.values() if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)), None)
        if variadic is not None:
            stars = "*" if variadic.kind is variadic.VAR_POSITIONAL else "**"
            return (f"its __init__ takes {stars}{variadic.name}; take every parameter by name, with a default (scikit-learn's get_params "
                    "and clone read them from the signature)")
        names = [n for n in parameters if n != "self"]
        missing = [n for n in ClassVoter.decision_params if n not in names]
        if missing:
            return (f"its __init__ lacks the decision parameter(s) {', '.join(missing)}; keep them, with their defaults: the base "
                    "class chooses the words with them")
        unkept = next((n for n in names if not hasattr(self, n)), None)
        if unkept is not None:
            return (f"its __init__ does not keep its parameter {unkept} as self.{unkept}; store every parameter unchanged under "
                    "its own name (scikit-learn's get_params and clone read it there)")
        return None

    def _check_fit_kept_its_parameters(self, given: dict[str, Any]) -> None:
        """Refuse a ``_fit`` that changed a parameter (tuning sets them: a learnt value would silently replace the tuned one).
        A public attribute it adds (``self.weights``, not ``weights_``) harms nothing here, and is taken: scikit-learn's naming
        is a convention its ``check_estimator`` tests, not a rule its ``clone`` or ``get_params`` need."""
        for name, value in given.items():
            now = getattr(self, name, None)
            if not _same(now, value):
                self._refuse(f"its _fit changed its parameter {name} ({value!r} -> {now!r}); keep what it learns in attributes ending "
                             f"in _ (self.{name}_), and leave the parameters as given: tuning sets them")

    def _refuse(self, problem: str | None, cause: BaseException | None = None) -> None:
        """A one-line :class:`StrategyCodeError` naming this strategy of one's own and ``problem`` (nothing when None)."""
        if problem is not None:
            raise StrategyCodeError(f"voting strategy {_strategy_label(type(self))}: {problem}") from cause

    # -- persistence -----------------------------------------------------------------
    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickled by the file of a strategy imported from one (``file.py:Class``), which another process (a joblib
        worker of ``GridSearchCV(n_jobs=2)``, a later load) imports again; other voters as scikit-learn pickles them."""
        from ensemble.voter_classes import class_spec, is_file_class, voter_from_file

        if not is_file_class(type(self)):
            return super().__reduce_ex__(protocol)
        return voter_from_file, (class_spec(type(self)),), self.__getstate__()

    def state(self) -> dict[str, Any]:
        """Everything fitted, as JSON-ready data."""
        self._check_fitted()
        out: dict[str, Any] = {"judges_": self.judges_, "n_classes_": self.n_classes_}
        for attr in self._state_attrs:
            value = getattr(self, attr)
            out[attr] = value.tolist() if isinstance(value, np.ndarray) else value
        return out

    def load_state(self, state: dict[str, Any]) -> "ClassVoter":
        """Restore what :meth:`state` saved (arrays come back as numpy arrays)."""
        self.judges_ = list(state["judges_"])
        self.n_classes_ = int(state["n_classes_"])
        for attr in self._state_attrs:
            value = state[attr]
            setattr(self, attr, np.asarray(value, dtype=np.float64) if isinstance(value, list) else value)
        return self

    # -- checks ----------------------------------------------------------------------
    @classmethod
    def param_problem(cls, name: str, value: Any) -> str | None:
        """What is wrong with ``value`` for parameter ``name`` (e.g. "C must be a number > 0"), or ``None``."""
        rule = cls.param_rules.get(name)
        if rule is None or rule.allows(value):
            return None
        return f"{name} must be {rule.describe()}"

    def _check_params(self, skip: tuple[str, ...] = ()) -> None:
        for name, value in self.get_params().items():
            problem = None if name in skip else self.param_problem(name, value)
            if problem:
                raise InputError(f"{type(self).__name__}: {problem}, got {value!r}")

    def _checked_targets(self, table: VoteTable, Y: Any, method: str) -> np.ndarray:
        """``Y`` as class indicators for ``table``'s samples, or a one-line error naming ``method`` (labels given as they are
        read, clip -> words, or anything else not numbers, are told how to make the indicators; sparse ones, to make them dense)."""
        make = "make them with Y = table.space.targets(labels, table.names)"
        if isinstance(Y, Mapping):  # read_labels' clip -> words: np.asarray failed with "float() argument must be ... not 'dict'"
            raise InputError(f"{type(self).__name__}.{method}: Y is a {type(Y).__name__} (labels by clip?), not class indicators "
                             f"(clips x classes); {make}")
        if callable(getattr(Y, "toarray", None)):  # scipy sparse: numbers, but np.asarray makes an object array of it
            raise InputError(f"{type(self).__name__}.{method}: Y is a sparse {type(Y).__name__}; give the class indicators as a dense "
                             "array, Y.toarray()")
        try:
            Y = np.asarray(Y, dtype=np.float64)
        except (TypeError, ValueError):  # words, word lists, a DataFrame of label texts
            raise InputError(f"{type(self).__name__}.{method}: Y is a {type(Y).__name__} that is not numbers, not class indicators "
                             f"(clips x classes); {make}") from None
        if Y.shape != (len(table.names), len(table.space)):
            raise InputError(f"{type(self).__name__}.{method}: targets have shape {Y.shape}, expected {(len(table.names), len(table.space))}")
        if not ((Y >= 0) & (Y <= 1)).all():  # NaN fails both
            raise InputError(f"{type(self).__name__}.{method}: targets must be class indicators in [0, 1] (NaN, counts or negatives are not); "
                             "make them with ClassSpace.targets(labels, names)")
        return Y

    def _check_fitted(self) -> None:
        if not hasattr(self, "judges_"):
            overridden = type(self).fit is not ClassVoter.fit and _of_ones_own(type(self))
            hint = (f"; {type(self).__name__} overrides fit: implement _fit(table, Y) instead, and leave fit to ClassVoter, which checks "
                    "the table and sets judges_ and n_classes_") if overridden else ""
            raise VoterNotFittedError(f"{type(self).__name__} is not fitted; call fit(table, Y) or load a calibration file{hint}")

    def _check_is_table(self, table: Any, method: str = "") -> None:
        """A one-line error for what is not a vote table (e.g. its ``votes`` array, or the judges' outputs)."""
        if not isinstance(table, VoteTable):
            where = f"{type(self).__name__}.{method}" if method else type(self).__name__
            raise InputError(f"{where}: takes a VoteTable, got {type(table).__name__}; build one with Fuser().table(outputs, names)")

    def _check_table(self, table: VoteTable) -> None:
        self._check_is_table(table)
        self._check_fitted()
        if list(table.judges) != self.judges_:
            raise InputError(f"{type(self).__name__}: fitted on judges {self.judges_}, got {list(table.judges)}; use the same judges in the same order")
