"""Which judges failed on which clips of a run, counted once for the two places that warn of it: ``cojudge predict``
(a line per judge) and ``CoJudge.predict``/``predict_many`` (one warning per call)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from judges.verdict import Verdict

__all__ = ["JudgeFailures", "judge_failures"]


@dataclass(frozen=True)
class JudgeFailures:
    """One judge's failed verdicts on a run's clips, in the clips' order (never empty); ``judge`` "" for several judges'
    together, as ``CoJudge``'s one warning counts them.

    >>> bad = Verdict.failed("a", "c2", "server down", transient=True)
    >>> [f.judge for f in judge_failures({"a": {"c1": Verdict("a", "c1", words=["happy"]), "c2": bad}}, ["c1", "c2"])]
    ['a']
    """

    judge: str
    failures: list[Verdict]

    @property
    def shown(self) -> Verdict:
        """The failure to quote: one the next run asks again, if any (a server down says so), else the first."""
        return next((verdict for verdict in self.failures if verdict.transient), self.failures[0])

    @property
    def example(self) -> str:
        """The failure to quote, as a warning quotes it: its clip and its error on one line ("c4: no stored output for 'c4'")."""
        return f"{self.shown.clip}: {' '.join((self.shown.error or '').split())}"

    def asked_again(self, cached: bool, retry: str, counted: str = "") -> str:
        """With a cache, how many failures the next run asks again and how many ``retry`` (how to ask, e.g. "--retry-failed")
        does, in brackets after a space (``" (1 not cached: the next run asks again; 2 cached: --retry-failed asks again)"``),
        ``counted`` after each count (" verdict(s)" where a count of clips is said beside it); without one, nothing is kept,
        so nothing to say: ""."""
        if not cached:
            return ""
        transient = sum(verdict.transient for verdict in self.failures)
        kept = len(self.failures) - transient
        said = ([f"{transient}{counted} not cached: the next run asks again"] if transient else []) + (
            [f"{kept}{counted} cached: {retry} asks again"] if kept else [])
        return f" ({'; '.join(said)})"


def judge_failures(verdicts: Mapping[str, Mapping[str, Verdict]], names: Sequence[str]) -> list[JudgeFailures]:
    """Each judge that failed on some of ``names`` (judge -> clip -> verdict), in the judges' order."""
    found = [JudgeFailures(judge, [per[name] for name in names if name in per and not per[name].ok]) for judge, per in verdicts.items()]
    return [failed for failed in found if failed.failures]
