"""A judge that serves stored outputs by sample name: real judges, replayed."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from judges.base import Judge
from judges.clip import Clip
from judges.clip_hash import identity_hash
from judges.errors import InputError
from judges.label_text import parse_labels
from judges.outputs import read_judge_output
from judges.registry import register_judge
from judges.text_files import path_text, user_path
from judges.verdict import Verdict

__all__ = ["ReplayJudge", "answers_digest", "sample_name_instead"]


def answers_digest(answers: Mapping[str, Sequence[str]]) -> str:
    """sha256 of a judge's answers (clip -> words): what a replay judge serves, in its cache identity (``labels``)
    and in a calibration file, so that another model's output saved under the same path is told apart."""
    return identity_hash({str(n): [str(w) for w in words] for n, words in answers.items()})


def sample_name_instead(item: object, path: Path, dotted: str) -> str:
    """The error for ``item``, a video path that is no file (``path``), given to replay judges only: they take sample
    names, and the one to give is the file's stem ('no such video file; check the path' sent the user to look for a video
    they never needed). A stem with a dot of its own (``clip.en``), given as text, is read as a file's name again:
    ``dotted`` says where to give it instead, ``{name}`` in it standing for the quoted name."""
    name = path_text(path.stem)
    where = f" {dotted.format(name=repr(name))}" if Path(name).suffix else ""
    return (f"{item}: no such video file, and replay judges take sample names, not videos: give {name!r} "
            f"(the name without its folder and file suffix){where}")


def _answers(labels: object) -> dict[str, list[str]]:
    """In-memory answers (``labels=``, or a config's ``labels = {...}``) as the file readers give them: clip -> words.

    A clip's words given as text (``"happy, sad"``) are read as a file's label text is, not letter by letter; a list,
    tuple, set or NumPy array of words is taken as it is; ``None`` is a clip with no stored answer, as in the fusion's outputs.
    """
    if not isinstance(labels, Mapping):
        raise InputError(f"labels={labels!r:.60}: give a mapping of clip name -> words, e.g. {{\"clip1\": [\"happy\", \"sad\"]}}")
    out: dict[str, list[str]] = {}
    for name, words in labels.items():
        if hasattr(words, "tolist") and not isinstance(words, str):  # a NumPy array of words (np.load's), as a list
            words = words.tolist()
        if isinstance(words, (set, frozenset)):  # no order of its own: sorted, so that the judge's identity is stable
            words = sorted(words) if all(isinstance(w, str) for w in words) else list(words)
        if isinstance(words, str):
            out[str(name)] = parse_labels(words)
        elif isinstance(words, (list, tuple)) and all(isinstance(w, str) for w in words):
            out[str(name)] = list(words)
        elif words is not None:
            raise InputError(f"the words of {name!r} are {words!r:.60}: give a list of words ([\"happy\", \"sad\"]) or their text (\"happy, sad\")")
    return out


@register_judge("replay")
class ReplayJudge(Judge):
    """Replays a stored judge output (``.npz``/``.csv``/``.jsonl``) or an in-memory mapping.

    A clip the stored output does not cover gets a verdict with an error, so
    it is reported as unanswered, never guessed.

    >>> judge = ReplayJudge("toy", labels={"clip1": ["happy"]})
    >>> judge.judge(Clip("clip1")).words
    ['happy']
    """

    modalities = frozenset({"video", "audio", "text"})

    def __init__(self, name: str, path: str | Path | None = None, labels: Mapping[str, list[str]] | None = None):
        if (path is None) == (labels is None):
            raise InputError('a replay judge serves a stored output: give path = "<its .npz, .csv or .jsonl file>" (or, in Python, labels=; not both)')
        self.name = name
        # absolute, so that a calibration file saved with this judge names the file wherever it is loaded from
        self.path = None if path is None else os.path.abspath(user_path(path))
        self.labels: dict[str, list[str]]
        if labels is not None:
            self.labels = _answers(labels)
        else:
            assert path is not None  # one of the two is given (checked above)
            self.labels = read_judge_output(path)
        # what it serves, not just where from: an output rewritten at the same path is another judge's answer
        self._labels_digest = answers_digest(self.labels)

    def judge_batch(self, clips: Sequence[Clip]) -> list[Verdict]:
        out = []
        for clip in clips:
            words = self.labels.get(clip.name)
            if words is None:
                out.append(Verdict.failed(self.name, clip.name, f"no stored output for {clip.name!r}"))
            else:
                out.append(Verdict(judge=self.name, clip=clip.name, words=list(words), raw=str(words)))
        return out

    def cache_identity(self) -> dict[str, Any]:
        return {**super().cache_identity(), "path": self.path, "labels": self._labels_digest}
