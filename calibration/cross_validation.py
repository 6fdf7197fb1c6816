"""An honest estimate: does the tuned fusion beat the best single judge on clips it never saw?

Repeated k-fold cross-validation inside the labelled split. In every outer fold,
everything is chosen on the training folds only: the voter's hyper-parameters
(inner cross-validation over the ``grid`` given), its fit, and which single judge is "best". Both are then
scored on the held-out fold; the paired delta is their difference per fold.

The best single judge is scored twice: on its own words, as the metric reads them
(the baseline the fusion must beat), and on its words after the fusion's own word
mapping (normalisation, out-of-vocabulary attachment), so that the gain of fusing
judges is not confused with the gain of mapping one judge's words.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import RepeatedKFold

from calibration.ew_metric import evaluate
from calibration.emotion_wheel import LEVEL1_METRICS, EmotionWheel
from calibration.tuning import check_folds, check_grid, check_labels, check_unique_names, tune_table
from ensemble.fuser import Fuser, JudgeOutputs, check_answered
from ensemble.vote_table import VoteTable, check_outputs
from judges.clip import refuse_a_single_name
from judges.errors import InputError, listed
from judges.option_values import check_flags

__all__ = ["CrossValidation", "cross_validate", "best_single_judge", "mapped_outputs"]


def best_single_judge(outputs: JudgeOutputs, labels: Mapping[str, Sequence[str]], names: Sequence[str], wheel: EmotionWheel) -> tuple[str, float]:
    """The judge with the highest level-1 F on ``names``, and that score."""
    if not outputs:
        raise InputError("best_single_judge: no judges' outputs to choose from; give {judge name: {clip name: words}} of one judge or more")
    scored = [(evaluate(labels, out, names, wheel=wheel, metrics=LEVEL1_METRICS).l1_f, judge) for judge, out in outputs.items()]
    score, judge = max(scored, key=lambda t: (t[0], t[1]))
    return judge, score


@dataclass
class CrossValidation:
    """Per-fold level-1 F of the fusion and of the best single judge (chosen on the training folds).

    Scores are fractions (0-1), one per outer fold, in the folds' order; :meth:`summary` gives percent.
    ``single`` scores that judge's own words; ``single_mapped`` scores the judge that is best after
    the fusion's word mapping (``mapped_names``), on its mapped words (empty when not measured).
    ``words_per_clip`` is the fusion's mean number of words a held-out clip, ``chosen_params`` each fold's tuned
    parameters (empty without a grid) and ``held_out`` each fold's held-out clip names: two runs on the same names
    with the same ``folds``, ``repeats`` and ``seed`` hold out the same clips, so their per-fold scores are paired
    (``with_judge.fused - without_judge.fused``).
    """

    fused: np.ndarray
    single: np.ndarray
    single_names: list[str]
    words_per_clip: np.ndarray
    chosen_params: list[dict[str, Any]] = field(default_factory=list)
    single_mapped: np.ndarray = field(default_factory=lambda: np.zeros(0))
    mapped_names: list[str] = field(default_factory=list)
    held_out: list[list[str]] = field(default_factory=list)

    @property
    def delta(self) -> np.ndarray:
        """Per fold, the fusion's level-1 F minus the best single judge's."""
        return self.fused - self.single

    @property
    def delta_mapped(self) -> np.ndarray:
        """Per fold, the fusion's level-1 F minus the best single judge's on its mapped words."""
        return self.fused - self.single_mapped

    def summary(self) -> dict[str, float]:
        """Means and spreads of the scores in percent (standard deviations over folds, ``ddof=0``); ``folds_won``,
        ``folds`` and ``words_per_clip`` are counts."""
        return {
            "fused_l1_f": 100 * float(self.fused.mean()), "fused_std": 100 * float(self.fused.std()),
            "single_l1_f": 100 * float(self.single.mean()), "single_std": 100 * float(self.single.std()),
            "delta": 100 * float(self.delta.mean()), "delta_std": 100 * float(self.delta.std()),
            "delta_min": 100 * float(self.delta.min()), "folds_won": int((self.delta > 0).sum()), "folds": len(self.delta),
            "words_per_clip": float(self.words_per_clip.mean()),
            **({"mapped_single_l1_f": 100 * float(self.single_mapped.mean()), "delta_mapped": 100 * float(self.delta_mapped.mean()),
                "folds_won_mapped": int((self.delta_mapped > 0).sum())} if len(self.single_mapped) == len(self.fused) else {}),
        }


def cross_validate(
    fuser: Fuser,
    outputs: JudgeOutputs,
    labels: Mapping[str, Sequence[str]],
    names: Sequence[str],
    grid: Mapping[str, Sequence[Any]] | None = None,
    objective: str = "l1_f",
    folds: int = 5,
    repeats: int = 4,
    inner_folds: int = 5,
    inner_repeats: int = 1,
    smooth: bool = True,
    seed: int = 0,
    progress: bool = False,
    single_outputs: JudgeOutputs | None = None,
) -> CrossValidation:
    """Repeated k-fold estimate of fused vs best-single-judge level-1 F (see module docstring).

    ``grid`` is searched in every outer fold by inner cross-validation (``inner_folds`` x ``inner_repeats``) on the
    training folds; without one (the default) nothing is tuned and the voter runs with its own parameters, so
    ``cross_validate(Fuser(), ...)`` estimates an untuned ``StackedVoter``, not what ``CoJudge.fit`` and
    ``cojudge tune`` build: for that give ``grid=calibration.tuning.default_grid("stacked")`` (panel B, 5 folds,
    ``repeats=1``, seed 0: 71.68 l1_f and 2.7 words a clip tuned, 70.36 and 3.6 untuned). The outer folds depend only on the number of ``names``,
    ``folds``, ``repeats`` and ``seed``, the inner ones on these and the fold: runs on several panels of the same names
    and seed are scored on the same folds, so their differences are paired (``CrossValidation.held_out``).
    ``single_outputs`` are the judges' words as the metric reads them, for the best single judge's own score
    (``read_judge_output(path, parse=official_words)``, as ``cojudge evaluate`` reads them); default ``outputs``.
    The fusion reads ``outputs``, whose parsing may be more lenient (``'worried/uneasy'`` as two words).
    A judge that answered none of ``names`` is warned about (it votes for nothing); none answering any is an error.
    """
    check_flags(smooth=smooth, progress=progress)
    refuse_a_single_name(names, "cross_validate")
    names = list(names)
    if single_outputs is None:
        single_outputs = outputs
    else:
        check_outputs(single_outputs)  # a judge's path in place of its words: read it first
    missing = sorted(set(outputs) - set(single_outputs))
    if missing:
        raise InputError(f"cross_validate: single_outputs lacks judge(s) {listed(missing)}; give every judge of outputs, read as the metric reads them")
    single_outputs = {judge: single_outputs[judge] for judge in outputs}  # the panel's judges only
    check_unique_names(names)
    check_folds(folds, repeats, len(names))
    grid = check_grid(fuser.unfitted_voter(), grid) if grid else None
    if grid:
        # the smallest outer training set must still split into the inner folds
        smallest = len(names) - -(-len(names) // folds)
        check_folds(inner_folds, inner_repeats, smallest, ("inner_folds", "inner_repeats"))
    check_labels(labels, names, fuser.space())
    table = fuser.table(outputs, names)
    check_answered(table, outputs, "cross_validate", "clips", "its file names",  # as Fuser.fit: every fold would score 0
                   "it adds nothing to the fusion and is never the best single judge: check that its file names the same clips")
    wheel = table.space.wheel
    mapped = mapped_outputs(table)
    fused, single, single_names, words, chosen, single_mapped, mapped_names = [], [], [], [], [], [], []
    held_out: list[list[str]] = []
    splits: Iterable[tuple[np.ndarray, np.ndarray]] = list(RepeatedKFold(n_splits=folds, n_repeats=repeats, random_state=seed).split(np.arange(len(names))))
    if progress:
        from tqdm.auto import tqdm

        splits = tqdm(splits, desc="cross-validation", unit="fold")
    for fold, (train, test) in enumerate(splits):
        train_names = [names[i] for i in train]
        test_names = [names[i] for i in test]
        held_out.append(test_names)
        tr_table, te_table = table.subset(train), table.subset(test)
        inner = tune_table(fuser, tr_table, labels, grid, objective, folds=inner_folds, repeats=inner_repeats, seed=seed + 1000 + fold, smooth=smooth) if grid else None
        fold_fuser = clone(fuser)
        fold_fuser._space = fuser.space()
        if inner is not None:
            fold_fuser.voter = fuser.unfitted_voter().set_params(**inner.best_params)
            chosen.append(inner.best_params)
        fold_fuser.fit_table(tr_table, labels)
        preds = {p.name: p.words for p in fold_fuser.predict_table(te_table)}
        fused.append(evaluate(labels, preds, test_names, wheel=wheel, metrics=LEVEL1_METRICS).l1_f)
        words.append(float(np.mean([len(w) for w in preds.values()])))
        judge, _ = best_single_judge(single_outputs, labels, train_names, wheel)
        single_names.append(judge)
        single.append(evaluate(labels, single_outputs[judge], test_names, wheel=wheel, metrics=LEVEL1_METRICS).l1_f)
        judge, _ = best_single_judge(mapped, labels, train_names, wheel)
        mapped_names.append(judge)
        single_mapped.append(evaluate(labels, mapped[judge], test_names, wheel=wheel, metrics=LEVEL1_METRICS).l1_f)
    return CrossValidation(np.array(fused), np.array(single), single_names, np.array(words), chosen, np.array(single_mapped), mapped_names,
                           held_out)


def mapped_outputs(table: VoteTable) -> dict[str, dict[str, list[str]]]:
    """Each judge's words per clip after the fusion's word mapping: one shown word per meaning it voted for."""
    mapped = {}
    for judge in table.judges:
        alone = table.judge_subset([judge])
        mapped[judge] = {name: [c.word for c in cands] for name, cands in zip(alone.names, alone.candidates)}
    return mapped
