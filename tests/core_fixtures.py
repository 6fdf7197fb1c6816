"""Small hand-made judge outputs for the fusion tests."""
from __future__ import annotations

from ensemble.class_space import ClassSpace
from ensemble.vote_table import VoteTable


def toy_outputs() -> tuple[dict[str, dict[str, list[str] | None]], dict[str, list[str]]]:
    """Three judges on eight clips: 'good' is usually right, 'noisy' adds wrong words, 'lazy' often says nothing."""
    labels = {f"c{i}": (["happy"] if i % 2 == 0 else ["angry"]) for i in range(8)}
    good = {n: list(w) for n, w in labels.items()}
    noisy = {n: list(w) + ["sad", "surprised"] for n, w in labels.items()}
    lazy: dict[str, list[str] | None] = {n: (list(w) if i < 4 else None) for i, (n, w) in enumerate(labels.items())}
    return {"good": good, "noisy": noisy, "lazy": lazy}, labels


def toy_table(space: ClassSpace) -> tuple[VoteTable, dict[str, list[str]]]:
    outputs, labels = toy_outputs()
    return VoteTable.build(outputs, list(labels), space), labels
