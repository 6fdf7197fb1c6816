"""Judges: anything that turns clips into emotion-word verdicts (see judges.base.Judge and judges.registry)."""
