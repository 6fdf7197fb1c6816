"""Fuse many judges' emotion words into one answer per clip."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone

from calibration.emotion_wheel import EmotionWheel
from ensemble.class_space import ClassSpace
from ensemble.fused_prediction import FusedPrediction
from ensemble.stacked_voter import StackedVoter
from ensemble.vote_table import VoteTable, WordMapper, clip_names
from ensemble.voter_base import ClassVoter, VoterNotFittedError, check_param_names
from judges.clip import refuse_a_single_name, repeated_names, shown_name_like
from judges.errors import InputError, listed
from judges.option_values import is_number
from judges.user_warnings import warn_user

__all__ = ["Fuser", "JudgeOutputs", "OOV_POLICIES", "check_answered", "check_voter", "warn_unfitted_judges"]

#: judge name -> sample name -> words (None or absent: the judge gave no verdict)
JudgeOutputs = Mapping[str, Mapping[str, Sequence[str] | None]]
OOV_POLICIES = ("attach", "drop")


def check_voter(voter: object) -> None:
    """Refuse a voter that cannot choose words (the fusion calls a :class:`ClassVoter`'s ``select``, tuning its ``param_problem``),
    or that breaks scikit-learn's rules for its parameters (:meth:`ClassVoter.check_conventions`)."""
    if isinstance(voter, str):  # a strategy's name is CoJudge's strategy=, or make_voter's
        raise InputError(f"Fuser: voter={voter!r} is a strategy's name, not a voter; give the voter itself, e.g. "
                         f"Fuser(make_voter({voter!r})) with calibration.tuning.make_voter, or CoJudge(judges, strategy={voter!r})")
    if isinstance(voter, type) and issubclass(voter, ClassVoter):  # else 'the voter type is not a ClassVoter'
        raise InputError(f"Fuser: voter={voter.__name__} is a voter class, not a voter; give an instance of it, e.g. "
                         f"Fuser({voter.__name__}())")
    if not isinstance(voter, ClassVoter):
        raise InputError(f"Fuser: the voter {type(voter).__name__} is not a ClassVoter; subclass ensemble.voter_base.ClassVoter "
                         "(implement _fit and predict_proba), which chooses the words from its probabilities")
    voter.check_conventions()  # a strategy of one's own that scikit-learn's get_params or clone refuse: before any work


def check_answered(table: VoteTable, outputs: JudgeOutputs, owner: str, clips: str, its: str, advice: str) -> None:
    """Refuse a vote table no judge answered any clip of (a fusion learnt from no votes would answer nothing) and warn
    about each judge that answered none (it would vote for nothing, unseen), showing the outputs' names beside the
    table's: ``Fuser.fit``'s and ``cross_validate``'s check. ``owner`` starts the error, ``clips`` names the clips
    ("labelled clips"), ``its`` says what names a judge's clips ("its outputs name"), ``advice`` ends the warning."""
    names = table.names
    if names and not table.answered.any():
        shown = shown_name_like(clip_names(outputs), names[0], "; the judges' outputs name clips like {!r}")
        raise InputError(f"{owner}: no judge answered any of the {len(names)} {clips} (e.g. {names[0]!r}{shown}); "
                         "are the labels and the judges' outputs for the same clips?")
    for judge in table.silent_judges:
        shown = shown_name_like(outputs[judge].keys(), names[0], f"; {its} clips like {{!r}}")
        warn_user(f"judge {judge} answered none of the {len(names)} {clips} (e.g. {names[0]!r}{shown}); {advice}")


def warn_unfitted_judges(unfitted: Sequence[str], fitted: Sequence[str]) -> None:
    """Warn that the outputs of judges given but not among the ``fitted`` ones are not fused: the voter has no weight for
    them, which a caller adding a judge would not expect."""
    warn_user(f"judge(s) {listed(unfitted)} were not in the fit, so their outputs are not fused; fit again with "
              f"them to count their votes (fitted with: {listed(fitted)})")


class Fuser(BaseEstimator):
    """Judge outputs in, one fused list of words per clip out.

    Words are normalised (spelling, word forms); with ``oov="attach"`` (the default) a word outside
    the wheel vocabulary is attached to its nearest wheel word through the embedding
    graph (cosine at least ``min_similarity``, default 0.65), else (``oov="drop"``) it is dropped
    from voting. Votes are then counted per emotion class and the ``voter`` decides (default: a
    :class:`~ensemble.stacked_voter.StackedVoter`). ``embedding_model`` is the sentence-transformers
    folder or name that embeds words (default: the bundled all-MiniLM-L6-v2); ``wheel`` the
    :class:`~calibration.emotion_wheel.EmotionWheel` (default: the data folder's).
    A fitted one pickles (joblib too) for Python; it has no ``save``: the calibration file ``cojudge fuse`` reads is
    written by ``CoJudge.save`` (a ``CoJudge`` of replay judges, ``ReplayJudge``, over the same files), and
    ``calibration.calibration_file.load_calibration(path)[0]`` is its fitted ``Fuser`` (docs/cojudge.md).

    >>> outputs = {"a": {"s1": ["happy"], "s2": ["sad", "angry"], "s3": ["happy"]},
    ...            "b": {"s1": ["cheerful", "worried"], "s2": ["sad"], "s3": ["gratitude"]}}
    >>> labels = {"s1": ["happy"], "s2": ["sad"], "s3": ["happy"]}
    >>> fuser = Fuser(StackedVoter()).fit(outputs, labels)
    >>> [p.words for p in fuser.predict(outputs)]
    [['happy'], ['sad'], ['happy']]
    >>> fuser.predict(outputs, ["s9"])[0].error                 # reported, never guessed
    'no judge answered this clip'
    """

    _mapper_for: dict[str, Any]  # what the cached mapper was built from: mapper() builds it again when that changes

    def __init__(
        self,
        voter: ClassVoter | None = None,
        oov: str = "attach",
        min_similarity: float | None = None,
        embedding_model: str | None = None,
        wheel: EmotionWheel | None = None,
    ) -> None:
        self.voter = voter
        self.oov = oov
        self.min_similarity = min_similarity
        self.embedding_model = embedding_model
        self.wheel = wheel

    def __sklearn_clone__(self) -> "Fuser":
        """``sklearn.base.clone``: the same parameters, unfitted, sharing the emotion wheel (read-only, as
        ``load_wheel`` shares it) rather than deep-copying its tables, which cost 0.16 s a fold in tuning."""
        params = self.get_params(deep=False)
        wheel = params.pop("wheel")
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, wheel=wheel)

    def set_params(self, **params: Any) -> "Fuser":
        """scikit-learn's ``set_params``, the voter's by ``voter__name`` (``voter__lam=0.6``); a name it has not is a one-line
        error with the one meant, and a ``voter__`` name while ``voter`` is None (the default ``StackedVoter``, made at
        ``fit``) one saying to give the voter."""
        check_param_names(self, params)
        nested = next((key for key in params if key.startswith("voter__")), None)
        if nested is not None and params.get("voter", self.voter) is None:  # else AttributeError: 'NoneType' has no 'set_params'
            name, value = nested.partition("__")[2], params[nested]
            raise InputError(f"Fuser.set_params: {nested} sets a parameter of the voter, and voter is None (the default StackedVoter, "
                             f"made at fit); give the voter: set_params(voter=StackedVoter({name}={value!r}))")
        return super().set_params(**params)

    # -- building blocks ---------------------------------------------------------------
    # both are built once, and again after set_params changes what they were built from
    def space(self) -> ClassSpace:
        """The (wheel, class) pairs votes are counted in, from ``wheel`` (default: the data folder's)."""
        if getattr(self, "_space", None) is None or getattr(self, "_space_for", self.wheel) is not self.wheel:
            self._space, self._space_for = ClassSpace(self.wheel), self.wheel
        return self._space

    def mapper(self) -> WordMapper:
        """What turns a judge's words into class votes, as ``oov``, ``min_similarity`` and ``embedding_model`` say."""
        if self.oov not in OOV_POLICIES:
            raise InputError(f"Fuser: oov must be one of {', '.join(OOV_POLICIES)}, got {self.oov!r}")
        similarity = self.min_similarity  # a calibration file holds only a cosine, or null for the default
        if similarity is not None and (not is_number(similarity) or not -1 <= similarity <= 1):
            raise InputError(f"Fuser: min_similarity must be a cosine similarity in [-1, 1] or None, got {similarity!r}")
        built_for = self._mapping()
        mapper = getattr(self, "_mapper", None)
        if mapper is None or mapper.space is not self.space() or self._mapper_for != built_for:
            self._mapper_for = built_for
            from ensemble.word_normalizer import WordNormalizer

            normalizer = WordNormalizer(self.space().wheel)
            graph = None
            if self.oov == "attach":
                from ensemble.embedding_graph import EmotionGraph

                graph = EmotionGraph(model=self.embedding_model, normalizer=normalizer)
            self._mapper = WordMapper(self.space(), normalizer, graph, self.min_similarity)
        return self._mapper

    def table(self, outputs: JudgeOutputs, names: Sequence[str] | None = None, judges: Sequence[str] | None = None) -> VoteTable:
        """The vote table of ``outputs`` on ``names`` (default: every name any judge answered)."""
        refuse_a_single_name(names, "Fuser")
        return VoteTable.build(outputs, names, self.space(), self.mapper(), judges=judges)

    # -- estimator -------------------------------------------------------------------
    def fit(self, outputs: JudgeOutputs, labels: Mapping[str, Sequence[str]], names: Sequence[str] | None = None) -> "Fuser":
        """Learn the voter on ``names`` (default: every labelled name; a clip named twice is refused)."""
        from calibration.tuning import check_labels

        refuse_a_single_name(names, "Fuser")
        if names is None:
            names = list(labels) if isinstance(labels, Mapping) else []
        names = list(names)
        check_labels(labels, names, self.space())
        repeated = repeated_names(names)
        if repeated:  # its votes and labels would weigh twice in the fit, as CoJudge.fit and tuning refuse
            raise InputError(f"Fuser.fit: clip(s) {listed(map(repr, repeated))} given more than once in names; give each clip once")
        if not names:
            raise InputError("Fuser.fit: no labelled clips to learn from; give labels such as {'sample_00000007': ['happy']}")
        table = self.table(outputs, names)
        check_answered(table, outputs, "Fuser.fit", "labelled clips", "its outputs name",  # a file of other clips' names, say
                       "it adds nothing to the fusion: check that its outputs name the same clips, or leave it out")
        return self.fit_table(table, labels)

    def unfitted_voter(self) -> ClassVoter:
        """A fresh copy of the voter ``fit`` learns: ``voter``, or the default ``StackedVoter`` when it is None."""
        if self.voter is None:
            return StackedVoter()
        check_voter(self.voter)
        return clone(self.voter)

    def fit_table(self, table: VoteTable, labels: Mapping[str, Sequence[str]]) -> "Fuser":
        """:meth:`fit` on a vote table already built (tuning builds it once for every fold); clips no judge answered are left out."""
        voter = self.unfitted_voter()
        answered = table.answered.any(axis=1)
        if answered.any() and not answered.all():
            # a clip no judge answered is reported at predict time, never guessed: learning from its empty votes
            # would only teach the voter that silence means its labels
            table = table.subset(answered)  # type: ignore[arg-type, unused-ignore]  # a 2-D array's any(axis=1) is an array; NumPy's stubs say maybe a scalar (unused-ignore: a NumPy whose stubs know it)
        self.voter_ = voter.fit(table, self.space().targets(labels, table.names))
        self.judges_ = list(table.judges)
        self.mapping_ = self._mapping()
        return self

    def predict(self, outputs: JudgeOutputs, names: Sequence[str] | None = None) -> list[FusedPrediction]:
        """Fused predictions for ``names`` (default: every name any judge answered)."""
        self._check_fitted()
        fitted = getattr(self, "mapping_", None)
        if fitted is not None and fitted != self._mapping():  # the voter learnt votes counted the fitted way
            changed = ", ".join(f"{k}={v!r} (fitted with {fitted[k]!r})" for k, v in self._mapping().items() if fitted[k] != v)
            raise InputError(f"Fuser: {changed}: the words would be counted otherwise than the voter learnt; fit again, or set it back")
        unfitted = [j for j in outputs if j not in self.judges_]
        if unfitted:
            warn_unfitted_judges(unfitted, self.judges_)
        return self.predict_table(self.table(outputs, names, judges=self.judges_))

    def _mapping(self) -> dict[str, Any]:
        """The parameters that decide how words become votes: a fitted voter learnt votes counted this way."""
        return {"oov": self.oov, "min_similarity": self.min_similarity, "embedding_model": self.embedding_model}

    def predict_table(self, table: VoteTable, proba: np.ndarray | None = None) -> list[FusedPrediction]:
        """:meth:`predict` on a vote table already built, with the voter's probabilities when already computed (``proba``)."""
        self._check_fitted()
        chosen = self.voter_.select(table, proba)
        out = []
        for i, name in enumerate(table.names):
            answered = [j for j, a in zip(table.judges, table.answered[i]) if a]
            if not answered:
                out.append(FusedPrediction(name, error="no judge answered this clip"))
                continue
            pred = FusedPrediction(name, judges_answered=answered)
            for cand, conf in chosen[i]:
                pred.words.append(cand.word)
                pred.confidence[cand.word] = round(float(conf), 4)
                pred.support[cand.word] = list(cand.judges)
            out.append(pred)
        return out

    def _check_fitted(self) -> None:
        if not hasattr(self, "voter_"):
            raise VoterNotFittedError("Fuser is not fitted; call fit(outputs, labels) or load a calibration file")

    def describe(self) -> dict[str, Any]:
        """Parameters that define this fusion, for the calibration file: how words become votes (the voter is stored apart)."""
        return self._mapping()

    def embedding_model_id(self) -> str | None:
        """Which embedding model attaches out-of-vocabulary words (``None`` when they are dropped)."""
        if self.oov != "attach":
            return None
        from ensemble.embedding_cache import default_model, model_id_for

        if self.embedding_model is not None:
            return model_id_for(self.embedding_model)
        return default_model()[1]
