"""Who voted for what: per sample, per judge, per emotion class; and the candidate words."""
from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ensemble.class_space import ClassSpace
from judges.clip import repeated_names
from judges.errors import InputError, listed

if TYPE_CHECKING:  # imported where built (Fuser.mapper): the graph needs networkx and a sentence embedder
    from ensemble.embedding_graph import EmotionGraph
    from ensemble.word_normalizer import WordNormalizer

__all__ = ["VoteTable", "Candidate", "WordMapper", "check_outputs", "clip_names"]


def _keyed(value: object) -> bool:
    """Whether ``value`` is looked up by name as :meth:`VoteTable.build` looks it up: a mapping, or a pandas Series or
    DataFrame (``.get`` and ``.keys``, as ``pd.Series(read_judge_output(path))`` or ``pd.DataFrame(outputs)`` are)."""
    return isinstance(value, Mapping) or (callable(getattr(value, "get", None)) and callable(getattr(value, "keys", None)))


def clip_names(outputs: Mapping[str, Any]) -> list[str]:
    """The clip names the judges' outputs name, each once, in the order first given: by key, as :meth:`VoteTable.build`
    looks them up (a pandas Series iterates its words, not its clips)."""
    return list(dict.fromkeys(n for judge in outputs for n in outputs[judge].keys()))


def check_outputs(outputs: object) -> None:
    """Refuse judges' outputs that are not judge name -> clip name -> words, in one line: a judge's output file's path
    given in place of its words (``{judge: path}``, the paths ``read_judge_output`` reads) is told to read it first
    (else ``'str' object has no attribute 'get'``). A pandas Series or DataFrame by name is taken, as a mapping is."""
    fix = "give {judge name: {clip name: words}}, e.g. {judge: read_judge_output(path)} with judges.outputs.read_judge_output"
    if not _keyed(outputs):
        raise InputError(f"the judges' outputs are a {type(outputs).__name__}, not a mapping of judge name -> its words by clip; {fix}")
    for judge, out in outputs.items():  # type: ignore[attr-defined]
        if isinstance(out, (str, os.PathLike)):
            raise InputError(f"judge {judge!r}: its outputs are a path ({str(out)!r}), not its words by clip; read the file first: {fix}")
        if not _keyed(out):
            raise InputError(f"judge {judge!r}: its outputs are a {type(out).__name__}, not a mapping of clip name -> words; {fix}")


def _checked_words(outputs: Mapping[str, Mapping[str, Any]], judges: list[str], names: list[str]) -> list[list[Any]]:
    """Per judge (in ``judges``' order), its words on each of ``names`` (None: no verdict), each looked up once; a value
    that is no list of words is a one-line error naming the judge and the clip, before any is counted. Words given
    otherwise than as a list (a tuple, numpy array, pandas Series, generator) are read once into one: a generator
    read to map the words would have none left to vote with, and an array's truth value is ambiguous."""
    said = []
    for judge in judges:
        get = outputs[judge].get
        column = [get(name) for name in names]
        for i, (name, words) in enumerate(zip(names, column)):
            if words is None or type(words) is list and all(type(w) is str for w in words):  # the readers' words: nothing to refuse
                continue
            if isinstance(words, float) and words != words:  # pandas' missing value
                raise InputError(f"judge {judge!r} on {name!r}: its words are NaN (a missing value); give None for no verdict, "
                                 "or a list of words, e.g. ['happy']")
            if isinstance(words, (str, bytes)) or not isinstance(words, Iterable):
                raise InputError(f"judge {judge!r} on {name!r}: its words are {words!r}, not a list of words; give e.g. {[str(words)]!r}")
            if not isinstance(words, list):
                words = column[i] = list(words)
            odd = next((w for w in words if w is not None and not isinstance(w, str)), None)
            if odd is not None:
                raise InputError(f"judge {judge!r} on {name!r}: its words hold {odd!r} ({type(odd).__name__}), not a word; "
                                 "give one list of words per clip, e.g. ['happy', 'relieved']")
        said.append(column)
    return said


class WordMapper:
    """Turns a judge's raw word into the word that is voted on.

    Normalises spelling and word forms, and (with an :class:`~ensemble.embedding_graph.EmotionGraph`)
    attaches out-of-vocabulary words to their nearest wheel word, so that 'gratitude' still votes
    for what 'thankful' means. A word it cannot place is kept as it is: it votes for no class.
    """

    def __init__(self, space: ClassSpace, normalizer: WordNormalizer | None = None, graph: EmotionGraph | None = None,
                 min_similarity: float | None = None) -> None:
        self.space = space
        self.normalizer = normalizer
        self.graph = graph
        self.min_similarity = min_similarity
        self._memo: dict[str, str] = {}

    def prepare(self, words: Sequence[str]) -> None:
        """Map many words at once (one embedding batch for every unknown word)."""
        todo = [w for w in dict.fromkeys(words) if w not in self._memo]
        if not todo:
            return
        normed = {w: (self.normalizer.normalize(w) if self.normalizer is not None else w) for w in todo}
        oov = [n for n in dict.fromkeys(normed.values()) if not self.space.signature(n)]
        attached: dict[str, str] = {}
        if self.graph is not None and oov:
            kwargs = {} if self.min_similarity is None else {"min_similarity": self.min_similarity}
            # the wheel's 1,255 labels (not all 7,386 word forms): as good, and 6x fewer embeddings
            vocab = sorted({lab for labels in self.space.wheel.form_to_labels.values() for lab in labels if self.space.signature(lab)})
            attached = {k: v for k, v in self.graph.attach_oov(oov, vocab, **kwargs).items() if self.space.signature(v)}
        for w, n in normed.items():
            self._memo[w] = attached.get(n, n)

    def __call__(self, word: str) -> str:
        if word not in self._memo:
            self.prepare([word])
        return self._memo[word]


@dataclass
class Candidate:
    """A word the fusion may output: the representative of words that mean the same classes."""

    word: str
    signature: tuple[int, ...]
    judges: list[str]
    words: dict[str, int] = field(default_factory=dict)
    #: judge -> the spellings it used for this meaning (so a judge subset can recount ``words``)
    spellings: dict[str, list[str]] = field(default_factory=dict)

    def add(self, judge: str, shown: str) -> None:
        """Count one judge's spelling of this meaning."""
        self.words[shown] = self.words.get(shown, 0) + 1
        self.spellings.setdefault(judge, []).append(shown)
        if not self.judges or self.judges[-1] != judge:
            self.judges.append(judge)

    def choose_word(self) -> None:
        """Show the most used spelling (then the shortest, then the first alphabetically)."""
        if self.words:
            self.word = min(self.words, key=lambda w: (-self.words[w], len(w), w))

    def for_judges(self, keep: set[str]) -> "Candidate | None":
        """This meaning as only the judges in ``keep`` said it (None if none of them did)."""
        js = [j for j in self.judges if j in keep]
        if not js:
            return None
        if not self.spellings:  # built by hand, without per-judge spellings
            return Candidate(self.word, self.signature, js, dict(self.words))
        sub = Candidate(self.word, self.signature, [])
        for j in js:
            for shown in self.spellings.get(j, []):
                sub.add(j, shown)
        sub.choose_word()
        return sub


@dataclass(repr=False)
class VoteTable:
    """Votes of ``judges`` on ``names``: ``votes[i, j, k]`` is 1 when judge j said a word of class k on sample i.

    ``answered[i, j]`` is False when judge j gave no verdict for sample i (it then
    votes for nothing and is left out of vote shares). ``candidates[i]`` are the
    words to choose from for sample i, one per class signature, each the most
    voted word of its group.
    """

    names: list[str]
    judges: list[str]
    votes: np.ndarray
    answered: np.ndarray
    candidates: list[list[Candidate]]
    space: ClassSpace

    @classmethod
    def build(
        cls,
        outputs: Mapping[str, Mapping[str, Sequence[str] | None]],
        names: Sequence[str] | None,
        space: ClassSpace,
        mapper: WordMapper | None = None,
        judges: Sequence[str] | None = None,
    ) -> "VoteTable":
        """Build from judge name -> sample name -> words (``None`` or absent: no verdict) on ``names`` (None: every clip
        a judge named, sorted); ``judges``, the columns in their order (default: every judge of ``outputs``), names each
        judge once."""
        check_outputs(outputs)  # before its clip names are gathered: a path's would be its letters
        if names is None:
            names = sorted(clip_names(outputs))
        if isinstance(judges, (str, bytes)):  # read letter by letter, it would name no judge of outputs
            raise InputError(f"judges={judges!r} is one string; give a list of judge names, e.g. {[judges]!r}")
        judges = list(outputs) if judges is None else list(judges)
        repeated = repeated_names(judges)
        if repeated:  # a judge twice would vote twice, as in judge_subset
            raise InputError(f"judge(s) {', '.join(map(repr, repeated))} given more than once in judges; give each judge once")
        missing = [j for j in judges if j not in outputs]
        if missing:
            raise InputError(f"no outputs for judge(s) {listed(missing)}; give every judge the fusion was tuned with")
        names = list(names)
        said = _checked_words(outputs, judges, names)
        mapper = mapper or WordMapper(space)
        mapper.prepare([w for column in said for words in column if words for w in words])
        n, m, k = len(names), len(judges), len(space)
        answered = np.zeros((n, m), dtype=bool)
        # the votes to set, as machine integers (a list held an int object per vote): a word's (sample, judge) row of
        # votes, i * m + j, once per word, for this many classes, these ones
        hit_row, hit_len, hit_k = array("q"), array("q"), array("q")
        # per distinct raw word: its classes, and the word shown for it (one a judge said,
        # when that spelling means exactly the same classes)
        resolved: dict[str, tuple[tuple[int, ...], str]] = {}
        candidates: list[list[Candidate]] = []
        for i in range(n):
            groups: dict[tuple[int, ...], Candidate] = {}
            for j, judge in enumerate(judges):
                words = said[j][i]
                if words is None:
                    continue
                answered[i, j] = True
                seen: set[str] = set()
                for raw in words:
                    entry = resolved.get(raw)
                    if entry is None:
                        word = mapper(raw)
                        sig = space.signature(word)
                        surface = " ".join(str(raw).lower().split())
                        entry = resolved[raw] = (sig, surface if space.signature(surface) == sig else word)
                    sig, shown = entry
                    if not sig or shown in seen:
                        continue
                    seen.add(shown)
                    hit_row.append(i * m + j)
                    hit_len.append(len(sig))
                    hit_k.extend(sig)
                    cand = groups.get(sig)
                    if cand is None:
                        cand = groups[sig] = Candidate(shown, sig, [])
                    cand.add(judge, shown)
            for cand in groups.values():
                cand.choose_word()
            candidates.append(list(groups.values()))
        votes = np.zeros((n, m, k), dtype=np.float32)
        votes.reshape(n * m, k)[np.repeat(np.frombuffer(hit_row, dtype=np.int64), np.frombuffer(hit_len, dtype=np.int64)),
                                np.frombuffer(hit_k, dtype=np.int64)] = 1.0
        return cls(names, judges, votes, answered, candidates, space)

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        """Its size, judges and samples in one line (the default showed every vote and candidate: 160 kB on 232 clips)."""
        def some(items: list[str], keep: int) -> str:
            return ", ".join(items) if len(items) <= keep else f"{', '.join(items[:keep - 1])}, ..., {items[-1]}"

        n, m, k = self.shape
        return (f"VoteTable({n} samples x {m} judges x {k} classes; judges: {some(self.judges, 8)}; "
                f"samples: {some(self.names, 3)}; {len(self.unanswered)} no judge answered)")

    @property
    def shape(self) -> tuple[int, ...]:
        """(samples, judges, classes). With ``len`` and ``table[rows]`` it lets scikit-learn's splitters and
        ``GridSearchCV`` cut a table into folds as they cut an array."""
        return self.votes.shape

    def __getitem__(self, rows: Any) -> "VoteTable":
        """The samples at ``rows`` (indices, a boolean mask or a slice), as :meth:`subset`; ``table[rows, ...]``,
        the form scikit-learn indexes arrays with, too."""
        if isinstance(rows, tuple) and len(rows) == 2 and rows[1] is Ellipsis:
            rows = rows[0]
        if isinstance(rows, slice):
            rows = np.arange(len(self.names))[rows]
        if isinstance(rows, (int, np.integer)) or np.ndim(rows) != 1:
            raise InputError(f"VoteTable[{rows!r:.40}]: give the samples' indices, a boolean mask or a slice (a table of "
                             "one sample is table[[i]])")
        return self.subset(rows)

    def subset(self, rows: Sequence[int] | np.ndarray) -> "VoteTable":
        """The samples at ``rows``: indices, or a boolean mask over the samples (as numpy indexes)."""
        rows = np.asarray(rows)
        n = len(self.names)
        if rows.dtype == bool:
            if rows.shape != (n,):
                raise InputError(f"VoteTable.subset: a mask of {rows.shape} for {n} samples; give one True/False per sample, or indices")
            rows = np.flatnonzero(rows)
        elif rows.size and (rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer)):
            raise InputError(f"VoteTable.subset: rows {rows.tolist()!r:.60} are not sample indices; give whole numbers, a boolean mask or a slice")
        elif rows.size and not (-n <= rows.min() and rows.max() < n):
            raise InputError(f"VoteTable.subset: row {rows.max() if rows.max() >= n else rows.min()} is out of range for a table of {n} samples")
        rows = [int(r) for r in rows.astype(int)]
        return VoteTable([self.names[r] for r in rows], self.judges, self.votes[rows], self.answered[rows], [self.candidates[r] for r in rows], self.space)

    def judge_subset(self, judges: Sequence[str]) -> "VoteTable":
        """The same samples seen by fewer judges (candidates and their shown words recounted from their votes);
        ``judges`` is a list of the table's judge names, each once."""
        if isinstance(judges, (str, bytes)) or not isinstance(judges, Iterable):
            raise InputError(f"VoteTable.judge_subset: give a list of judge names, e.g. [{self.judges[0] if self.judges else 'judge'!r}]; got {judges!r}")
        judges = list(judges)
        unknown = [j for j in judges if j not in self.judges]
        if unknown:
            raise InputError(f"VoteTable.judge_subset: no judge {listed(map(repr, unknown))} in this table; its judges are {listed(self.judges)}")
        repeated = repeated_names(judges)
        if repeated:  # a judge twice would vote twice
            raise InputError(f"VoteTable.judge_subset: judge(s) {', '.join(map(repr, repeated))} given more than once; give each judge once")
        idx = [self.judges.index(j) for j in judges]
        keep = set(judges)
        cands = [[sub for c in row if (sub := c.for_judges(keep)) is not None] for row in self.candidates]
        return VoteTable(self.names, list(judges), self.votes[:, idx], self.answered[:, idx], cands, self.space)

    def vote_share(self) -> np.ndarray:
        """Fraction of answering judges voting for each class, shape (samples, classes)."""
        n_ans = self.answered.sum(axis=1, keepdims=True)
        return self.votes.sum(axis=1) / np.maximum(n_ans, 1)

    @property
    def unanswered(self) -> list[str]:
        """Samples no judge answered: reported, never guessed."""
        return [n for n, row in zip(self.names, self.answered) if not row.any()]

    @property
    def silent_judges(self) -> list[str]:
        """Judges that answered none of the samples (a server down, a file of other clips' names), in table order: they
        vote for nothing, which fitting and cross-validation warn about. A table of no samples has none."""
        if not self.names:
            return []
        return [j for j, column in zip(self.judges, self.answered.T) if not column.any()]
