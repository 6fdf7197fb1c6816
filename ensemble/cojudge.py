"""``CoJudge``: run several judges on clips and fuse their opinions into one calibrated answer."""
from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ensemble.fused_prediction import FusedPrediction
from ensemble.fuser import Fuser, check_voter
from ensemble.judge_failures import JudgeFailures, judge_failures
from ensemble.output_files import check_output_path
from ensemble.voter_base import ClassVoter, VoterNotFittedError
from judges.base import Judge
from judges.clip import Clip, built_clips, repeated_names
from judges.errors import InputError, close_names, listed
from judges.option_values import check_flags
from judges.registry import judge_name
from judges.replay import ReplayJudge, sample_name_instead
from judges.text_files import user_path
from judges.user_warnings import warn_user
from judges.verdict import Verdict
from judges.verdict_cache import VerdictCache, judge_identity

if TYPE_CHECKING:  # imported where used, as calibration.tuning imports this package
    from calibration.objectives import Objective
    from calibration.tuning import TuningResult

__all__ = ["CoJudge", "JudgeFailureWarning", "verdicts_to_outputs"]


class JudgeFailureWarning(UserWarning):
    """Judges failed on some clips of a ``CoJudge.predict``/``predict_many`` call, which fused those clips without them (a
    clip no judge answered is not fused: it carries an error): one warning per call
    (``warnings.filterwarnings("ignore", category=JudgeFailureWarning)`` silences it)."""


def verdicts_to_outputs(verdicts: Mapping[str, Mapping[str, Verdict]]) -> dict[str, dict[str, list[str] | None]]:
    """judge -> clip -> words; a failed verdict becomes ``None`` (the judge did not answer)."""
    return {j: {c: (list(v.words) if v.ok else None) for c, v in per.items()} for j, per in verdicts.items()}


_CLIP_KINDS = "a Clip, a video path or a sample name (str)"


def _clip(item: Any, method: str, judges: Sequence[Judge]) -> Clip:
    """One clip given to ``method``, or an error saying what it accepts. A video file name that is no file, given to replay
    judges only, is an error saying they take sample names, and which (:func:`judges.replay.sample_name_instead`)."""
    if not isinstance(item, (Clip, str, os.PathLike)):
        raise InputError(f"CoJudge.{method}: a clip is {_CLIP_KINDS}, got {item!r} ({type(item).__name__})")
    try:
        return Clip.coerce(item)
    except InputError:
        path = user_path(item) if not isinstance(item, Clip) else None
        if path is None or path.exists() or path.is_symlink() or not judges or not all(isinstance(j, ReplayJudge) for j in judges):
            raise
        raise InputError(f"CoJudge.{method}: " + sample_name_instead(item, path, "as Clip({name}): as text, a name with a dot "
                                                                     "is read as a video file's")) from None


def _clips(items: Any, method: str, judges: Sequence[Judge]) -> list[Clip]:
    """The clips of ``items`` (a list of clips, never one bare name read letter by letter); those that cannot be used, all
    named in one error (:func:`~judges.clip.built_clips`)."""
    if isinstance(items, (Clip, str, os.PathLike)) or not isinstance(items, Iterable):
        raise InputError(f"CoJudge.{method}: give a list of clips, each {_CLIP_KINDS}; got {items!r} ({type(items).__name__})")
    return built_clips(items, lambda item: _clip(item, method, judges))


def _judges(judges: Any, method: str) -> list[Judge]:
    """The judges given to ``method``: a list of Judge objects (never one judge, nor a config file's path), each under
    a name of its own (verdicts, votes and the calibration file are kept by name: one of two alike would be lost)."""
    if isinstance(judges, (Judge, str, os.PathLike)) or not isinstance(judges, Iterable):
        raise InputError(f"{method}: give a list of judges, e.g. [judge] or judges_from_config(path); got {judges!r} ({type(judges).__name__})")
    judges = list(judges)
    odd = next((j for j in judges if not isinstance(j, Judge)), None)
    if odd is not None:
        raise InputError(f"{method}: {odd!r} ({type(odd).__name__}) is not a Judge; build judges with judges.registry.build_judge or judges_from_config")
    names = [judge_name(j, f"{method}: ") for j in judges]  # the first read of them: a name that raises is a one-line error
    repeated = repeated_names(names)
    if repeated:
        raise InputError(f"{method}: judge name(s) {', '.join(map(repr, repeated))} given more than once; give each judge once, "
                         "under a name of its own")
    return judges


def _failures_warning(verdicts: Mapping[str, Mapping[str, Verdict]], names: Sequence[str], cached: bool) -> str | None:
    """The one warning of a predict call on ``names`` whose ``verdicts`` hold failures, worded as ``cojudge predict``'s
    (on how many clips judges failed and each judge on how many, with a cache how many of the failed verdicts the next run
    asks again, how many of the clips were fused without them and how many no judge answered, one clip's error), with how
    to list them all; None when every judge answered every clip."""
    failed = judge_failures(verdicts, names)
    if not failed:
        return None
    every = JudgeFailures("", [verdict for judge in failed for verdict in judge.failures])
    # verdicts, not clips, counted: several judges may fail on one clip
    what = every.asked_again(cached, "retry_failed=True", " verdict(s)")
    clips = {verdict.clip for verdict in every.failures}
    # a clip every judge failed on is not fused without them: its prediction carries an error and no words, not a guess
    unanswered = sum(all(clip in per and not per[clip].ok for per in verdicts.values()) for clip in clips)
    fused = [f"{len(clips) - unanswered} fused without them"] if unanswered < len(clips) else []
    fused += [f"{unanswered} no judge answered (an error and no words, not guessed)"] if unanswered else []
    return (f"judge(s) failed on {len(clips)} of {len(names)} clip(s): {listed(f'{f.judge} on {len(f.failures)}' for f in failed)}"
            f"{what}; of those, {' and '.join(fused)}; e.g. {every.example}; "
            f"list each failure with {{j: {{c: v.error for c, v in per.items() if not v.ok}} "
            "for j, per in cojudge.last_verdicts_.items()}")


def _check_fuser(fuser: object) -> None:
    """Refuse a ``fuser=`` that is not a :class:`Fuser`, before any work (not an ``AttributeError`` from its missing
    ``voter``); a voter given there, or its class, is told to go inside one."""
    if fuser is None or isinstance(fuser, Fuser):
        return
    if isinstance(fuser, ClassVoter) or (isinstance(fuser, type) and issubclass(fuser, ClassVoter)):
        given, voter = (fuser.__name__, f"{fuser.__name__}()") if isinstance(fuser, type) else (repr(fuser), repr(fuser))
        raise InputError(f"CoJudge: fuser={given} is a voter, not a Fuser; give fuser=Fuser({voter}) (ensemble.Fuser)")
    if isinstance(fuser, type) and issubclass(fuser, Fuser):  # the class itself: its repr "<class 'ensemble.fuser.Fuser'> (type)" said nothing
        raise InputError(f"CoJudge: fuser={fuser.__name__} is the {fuser.__name__} class itself; give an instance of it, "
                         f"fuser={fuser.__name__}(voter) (e.g. {fuser.__name__}(MajorityVoter())), or leave it out")
    raise InputError(f"CoJudge: fuser={fuser!r:.60} ({type(fuser).__name__}) is not a Fuser; give fuser=Fuser(voter) "
                     "(ensemble.Fuser), or leave it out")


def _renamed(missing: list[str], others: list[str]) -> str:
    """The end of the error for judges a calibration lacks: the judges given under names it does not know, each with the
    missing name it is close to (a judge renamed, or its name misspelt in the config: "Good" for "good" too), those first
    (``listed`` names five), or "" if none was given."""
    if not others:
        return ""
    meant = close_names(others, missing, cutoff=0.6)
    said = [f"{name} (did you mean {meant[name]}?)" for name in meant]
    return f"; given under other names: {listed(said + [name for name in others if name not in meant])}"


class CoJudge:
    """Several judges, one answer: runs the judges (in parallel, cached) and fuses their words.

    ``fit`` tunes the fusion on labelled clips by cross-validation and learns it;
    ``predict`` answers for one video (or a stored sample name, for replayed judges).
    ``judges`` are the judges, each under a name of its own (a name given twice is refused).
    The voting strategy is ``strategy``: a built-in name (default ``"stacked"``), or one of your own as
    ``"module:Class"`` or ``"path/to/file.py:Class"``; or give the voter itself as ``fuser=Fuser(voter)``
    (README, 'Adding a voting strategy').
    The judges run as :func:`judges.runner.run_judges` runs them, with this object's ``cache`` (a verdict cache's
    path, or a :class:`~judges.verdict_cache.VerdictCache`; default: none), ``progress`` (progress bars, default on),
    ``max_workers`` (batches of ``concurrency = "thread"`` judges running at once, default all), ``batch_size``
    (clips per batch, default 8), ``batch_timeout`` (seconds before a hung judge is given up, default none) and
    ``retry_failed`` (judge cached failures again, default off); a bad one is refused here, before any work.

    >>> from judges.replay import ReplayJudge
    >>> judges = [ReplayJudge("a", "outputs/a-openset.npz"), ReplayJudge("b", "outputs/b-openset.npz")]  # doctest: +SKIP
    >>> cj = CoJudge(judges).fit(dev_names, dev_labels)                                                  # doctest: +SKIP
    >>> cj.predict("sample_00000007").words                                                               # doctest: +SKIP
    ['happy', 'excited']
    """

    def __init__(
        self,
        judges: Sequence[Judge],
        fuser: Fuser | None = None,
        strategy: str | None = None,
        cache: VerdictCache | str | Path | None = None,
        progress: bool = True,
        max_workers: int | None = None,
        batch_size: int = 8,
        batch_timeout: float | None = None,
        retry_failed: bool = False,
    ) -> None:
        judges = _judges(judges, "CoJudge")
        if not judges:
            raise InputError("CoJudge needs at least one judge")
        from judges.runner import check_run_settings

        # here, not at the first run: batch_size=0, cache=5 or retry_failed="false" (which would retry every failure)
        # are refused before any work
        batch_size, max_workers, batch_timeout = check_run_settings(batch_size, max_workers, batch_timeout, progress, retry_failed, cache)
        self.judges = judges
        from calibration.tuning import STRATEGIES, make_voter, strategy_of

        _check_fuser(fuser)
        if fuser is None or fuser.voter is None:  # a Fuser() left to its default voter gets the strategy's
            strategy = strategy or "stacked"
            voter = make_voter(strategy)
            strategy = strategy_of(voter) or strategy  # a built-in voter named module:Class is saved as its strategy, which loads
            fuser = Fuser(voter) if fuser is None else fuser.set_params(voter=voter)
        else:  # the strategy is the given voter's: saved, tuned and shown as what it is
            check_voter(fuser.voter)
            named = strategy_of(fuser.voter)
            # a built-in name over a voter of one's own would be saved as that strategy, with a class that is not its voter's
            if strategy is not None and (named is not None or strategy in STRATEGIES) and strategy != named:
                mine = repr(named) if named is not None else "one of your own"
                raise InputError(f"CoJudge: strategy={strategy!r} but the fuser's voter is a {type(fuser.voter).__name__} ({mine}); "
                                 "leave strategy out, or give a matching voter")
            strategy = named or strategy or type(fuser.voter).__name__
        self.strategy = strategy
        self.fuser = fuser
        self.cache = cache
        self.progress = progress
        self.max_workers = max_workers
        self.batch_size = batch_size
        self.batch_timeout = batch_timeout
        self.retry_failed = retry_failed
        self.tuning_: TuningResult | None = None
        #: the tuning report of the calibration file this CoJudge was loaded from, as written there (``cojudge tune`` adds its
        #: folds, repeats and grid), with the tuning_ made of it: saved again as it was while tuning_ is that one
        self._loaded_tuning: tuple[TuningResult, Any] | None = None
        self.last_verdicts_: dict[str, dict[str, Verdict]] = {}
        #: the sets of judges given but not fitted with that predict_many has warned about (and not run): once each
        self._warned_unfitted: set[frozenset[str]] = set()

    def __repr__(self) -> str:
        """Its judges, strategy and state: the fitted voter's parameters and, when tuned, the cross-validated score."""
        names = ", ".join(repr(j.name) for j in self.judges)
        path = self.cache.path if isinstance(self.cache, VerdictCache) else self.cache
        cache = "" if path is None else f", cache={str(path)!r}"
        voter = getattr(self.fuser, "voter_", None)
        if voter is None:
            state = "not fitted"
        else:
            state = f"fitted: {voter!r}"
            if self.tuning_ is not None:
                state += f", cross-validated {self.tuning_.objective} {self.tuning_.best_score:.4f}"
        return f"CoJudge(judges=[{names}], strategy={self.strategy!r}{cache}; {state})"

    # -- running judges ----------------------------------------------------------------
    def run(self, items: Iterable[Clip | str | Path]) -> dict[str, dict[str, Verdict]]:
        """Every judge's verdict on every clip (cached; failures recorded, not fatal)."""
        return self._run(self.judges, _clips(items, "run", self.judges))

    def _run(self, judges: Sequence[Judge], clips: Sequence[Clip]) -> dict[str, dict[str, Verdict]]:
        """``judges``' verdicts on ``clips`` with this CoJudge's run settings, kept as ``last_verdicts_``."""
        from judges.runner import run_judges

        self.last_verdicts_ = run_judges(judges, clips, cache=self.cache, progress=self.progress, max_workers=self.max_workers,
                                        batch_size=self.batch_size, batch_timeout=self.batch_timeout, retry_failed=self.retry_failed)
        return self.last_verdicts_

    # -- learning ----------------------------------------------------------------------
    def fit(
        self,
        samples: Iterable[Clip | str | Path],
        labels: Mapping[str, Sequence[str]],
        tune: bool = True,
        grid: Mapping[str, Sequence[Any]] | None = None,
        objective: str | Objective = "l1_f",
        folds: int = 5,
    ) -> "CoJudge":
        """Run the judges on labelled ``samples``, tune the voter by cross-validation, and learn it."""
        from sklearn.base import clone

        from calibration.objectives import Objective
        from calibration.tuning import STRATEGIES, check_folds, check_grid, check_labels, default_grid, tune_table

        check_flags(tune=tune)  # "false" would tune
        clips = _clips(samples, "fit", self.judges)
        check_labels(labels, [c.name for c in clips], self.fuser.space())
        if tune:
            # bad options fail here, before the judges run
            if grid is None and self.strategy not in STRATEGIES:
                raise InputError(f"CoJudge.fit: the voter {self.strategy} has no default grid; give grid={{...}}, or tune=False")
            grid = check_grid(self.fuser.unfitted_voter(), default_grid(self.strategy) if grid is None else grid)
            objective = Objective(objective) if isinstance(objective, str) else objective
            check_folds(folds, 1, len(clips))
        outputs = verdicts_to_outputs(self.run(clips))
        table = self.fuser.table(outputs, [c.name for c in clips], judges=[j.name for j in self.judges])
        if clips and not table.answered.any():  # as Fuser.fit: a fusion learnt from no votes would answer nothing
            first = self.last_verdicts_[self.judges[0].name][clips[0].name]
            raise InputError(f"CoJudge.fit: no judge answered any of the {len(clips)} labelled clips (e.g. {first.clip!r}: {first.error}); "
                             "are the labels and the judges for the same clips?")
        for judge in table.silent_judges:  # a server down, a wrong path: the fit would go on as if it were silent
            first = self.last_verdicts_[judge][clips[0].name]
            warnings.warn(f"judge {judge} answered none of the {len(clips)} clips ({first.clip}: {first.error}); "
                          "it adds nothing to the fusion: fix it and fit again, or leave it out", UserWarning, stacklevel=2)
        unanswered = [name for name, row in zip(table.names, table.answered) if not row.any()]
        if unanswered:  # left out of the fit and scored 0 by tuning, as `cojudge tune` says too
            warnings.warn(f"no judge answered {len(unanswered)} of the {len(clips)} clips (e.g. {unanswered[0]!r}); they are left out "
                          "of the fit and score 0 in the cross-validation", UserWarning, stacklevel=2)
        # the tuned parameters go to the fitted voter only: the voter given, and so a later fit, stay as they were
        untuned = self.fuser.voter
        tuning: TuningResult | None = None
        if tune:
            tuning = tune_table(self.fuser, table, labels, grid, objective, folds=folds)
            self.fuser.voter = clone(untuned).set_params(**tuning.best_params)
        try:
            self.fuser.fit_table(table, labels)
        finally:
            self.fuser.voter = untuned
        self.tuning_ = tuning  # once the new fusion is fitted: a fit stopped on the way leaves the fusion and its report as they were
        return self

    # -- predicting ----------------------------------------------------------------------
    def predict(self, video_or_sample: Clip | str | Path) -> FusedPrediction:
        """The fused answer for one clip."""
        return self.predict_many([_clip(video_or_sample, "predict", self.judges)])[0]

    def predict_many(self, items: Iterable[Clip | str | Path]) -> list[FusedPrediction]:
        """Fused answers for many clips, in order; a clip no judge answered carries an ``error``. Only the judges the
        fusion was fitted with run (``last_verdicts_`` holds theirs), as ``CoJudge.load`` keeps only those: others given
        would cost their time for votes that count for nothing. They are warned about once per set of them, not on every
        call (a loop of calls). Judges that failed on some clips (fused without them) are one :class:`JudgeFailureWarning`
        per call, as ``cojudge predict`` warns of them."""
        clips = _clips(items, "predict_many", self.judges)
        self._check_fitted()  # before the judges run
        fitted = [j for j in self.judges if j.name in self.fuser.judges_]
        unfitted = [j.name for j in self.judges if j.name not in self.fuser.judges_]
        if unfitted and frozenset(unfitted) not in self._warned_unfitted:
            self._warned_unfitted.add(frozenset(unfitted))
            warn_user(f"judge(s) {listed(unfitted)} were not in the fit, so they are not run: their votes would not be fused; "
                      f"fit again with them to count their votes (fitted with: {listed(self.fuser.judges_)})")
        names = [c.name for c in clips]
        verdicts = self._run(fitted, clips)
        warning = _failures_warning(verdicts, names, self.cache is not None)
        if warning is not None:
            warn_user(warning, JudgeFailureWarning)
        return self.fuser.predict(verdicts_to_outputs(verdicts), names)

    # -- persistence -------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the calibration file (judges, strategy, parameters, fitted state, versions)."""
        from calibration.calibration_file import save_calibration

        if user_path(path).is_dir():
            raise InputError(f"CoJudge.save: {path} is a folder; give the calibration file's name, e.g. {user_path(path) / 'calibration.json'}")
        by_name = self._check_fitted()
        # the judges the fusion was fitted with, in its order: others given to CoJudge are not part of it
        judges = [{"name": n, **judge_identity(by_name[n])} for n in self.fuser.judges_]
        check_output_path(path, "CoJudge.save:", self._input_files(judges))  # as 'cojudge tune --out': never over what it read
        extra: dict[str, Any] = {} if self.tuning_ is None else {"tuning": self.tuning_.summary()}
        if self._loaded_tuning is not None and self._loaded_tuning[0] is self.tuning_:
            extra = {"tuning": self._loaded_tuning[1]}
        return save_calibration(path, self.fuser, judges, self.strategy, extra)

    def _input_files(self, judges: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The files this CoJudge reads, by what they are: each judge's files (a replayed output, a checkpoint: the
        identity's values that name a file), the verdict cache, the emotion wheel's and its strategy's file (its voter's
        class's file, given as ``file.py:Class``, ``module:Class`` or in the fuser); a calibration written over one of them
        would destroy it."""
        from calibration.emotion_wheel import wheel_input_files
        from ensemble.voter_classes import source_file

        files: dict[str, Any] = {f"judge {j['name']}'s {key}": value for j in judges for key, value in j.items()
                                 if isinstance(value, str) and key != "name" and os.path.isfile(value)}
        wheel = self.fuser.space().wheel  # the wheel it was fitted with, which need not be the data folder's
        cache = self.cache.path if isinstance(self.cache, VerdictCache) else self.cache
        return {**files, "the verdict cache": cache, "the strategy's file": source_file(type(self.fuser.voter_)),
                **wheel_input_files(wheel.directory, wheel.format_file)}

    def _check_fitted(self) -> dict[str, Judge]:
        """The judges by name, once the fusion is fitted and every judge it was fitted with is here."""
        if not hasattr(self.fuser, "voter_"):
            raise VoterNotFittedError("CoJudge is not fitted; call fit(samples, labels) first, or CoJudge.load(calibration_file, judges); "
                                      "without labelled clips, fuse its run by the untrained rule cojudge predict uses: "
                                      "ensemble.score_union_fuser.ScoreUnionFuser().fit().predict(cojudge.run(clips))")
        by_name = {j.name: j for j in self.judges}
        missing = [n for n in self.fuser.judges_ if n not in by_name]
        if missing:
            raise InputError(f"CoJudge: its fusion was fitted with judge(s) {listed(missing)} that it was not given; give all {len(self.fuser.judges_)} it was fitted with "
                             "(its fuser.judges_ lists them all)")
        return by_name

    @classmethod
    def load(cls, path: str | Path, judges: Sequence[Judge], **kwargs: Any) -> "CoJudge":
        """A fitted CoJudge from a calibration file and the same judges (matched by name; a judge built otherwise than at
        calibration, its ``cache_identity()`` another, is warned about); a file tuned with a voting strategy of one's own
        imports its module or file again (runs its code): load files you trust. ``tuning_`` is the file's tuning report
        (the choice, its cross-validated score and the PR curve; not every grid point's scores), saved again as it was; a
        damaged report is warned about and left out (``tuning_`` None, no report saved), the fusion still used. ``strategy``
        is the file's (a strategy of one's own as it was named at tuning)."""
        from calibration.calibration_file import judges_built_otherwise, judges_with_other_answers, load_calibration
        from calibration.tuning import TuningResult

        judges = _judges(judges, "CoJudge.load")
        fuser, data = load_calibration(path)
        by_name = {j.name: j for j in judges}
        missing = [n for n in fuser.judges_ if n not in by_name]
        if missing:
            raise InputError(f"{path}: calibrated with judge(s) {listed(missing)} that were not given; give all {len(fuser.judges_)} it was calibrated with "
                             f"(its \"judges\" lists them all){_renamed(missing, [n for n in by_name if n not in fuser.judges_])}")
        digests = {n: judge_identity(by_name[n]).get("labels") for n in fuser.judges_}  # a replayed judge's answers
        for name, _ in judges_with_other_answers(data, digests):
            warnings.warn(f"judge {name} serves other answers than the ones {path} was calibrated on; fine for the same "
                          "judge on other clips, wrong for another model (its weights are the calibrated judge's)", stacklevel=2)
        identities = {n: {"name": n, **judge_identity(by_name[n])} for n in fuser.judges_}  # as save records them
        for name, differ in judges_built_otherwise(data, identities):
            warnings.warn(f"judge {name} is not built as when {path} was calibrated (its {', '.join(differ)} differ); its weights are "
                          "the calibrated judge's: build it as then, or calibrate again", stacklevel=2)
        # the strategy as recorded ('./precision_voter.py:PrecisionVoter'), not its class's bare name: saved again as it was
        kwargs.setdefault("strategy", data["strategy"])
        cojudge = cls([by_name[n] for n in fuser.judges_], fuser=fuser, **kwargs)
        if data.get("tuning") is not None:
            try:
                cojudge.tuning_ = TuningResult.from_summary(data["tuning"])
            except (KeyError, TypeError, ValueError) as exc:  # only the report: the fusion, checked by load_calibration, is used
                what = f"missing tuning {exc}" if isinstance(exc, KeyError) else " ".join(str(exc).split())
                warn_user(f"{path}: its tuning report is damaged ({what}); its fusion is intact and used, but tuning_ is None and "
                          "saving this CoJudge writes no tuning report: re-run 'cojudge tune' for a new one")
            else:
                cojudge._loaded_tuning = (cojudge.tuning_, data["tuning"])
        return cojudge
