"""Many judges' emotion words in, one calibrated answer out.

    from ensemble import CoJudge
    from judges.replay import ReplayJudge

    cj = CoJudge([ReplayJudge("a", "a-openset.npz"), ReplayJudge("b", "b-openset.npz")])
    cj.fit(dev_names, dev_labels)          # tuned by cross-validation on labelled clips
    cj.predict("sample_00000007").words    # or a video path, with live judges
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = ["CoJudge", "Fuser", "FusedPrediction", "MajorityVoter", "WeightedVoter", "DawidSkeneVoter", "StackedVoter", "EmotionGraph"]

_WHERE = {
    "CoJudge": "ensemble.cojudge",
    "Fuser": "ensemble.fuser",
    "FusedPrediction": "ensemble.fused_prediction",
    "MajorityVoter": "ensemble.majority_voter",
    "WeightedVoter": "ensemble.weighted_voter",
    "DawidSkeneVoter": "ensemble.dawid_skene_voter",
    "StackedVoter": "ensemble.stacked_voter",
    "EmotionGraph": "ensemble.embedding_graph",
}


def __getattr__(name: str) -> Any:
    """Import on first use, so the CLI starts fast."""
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'ensemble' has no attribute {name!r}")
