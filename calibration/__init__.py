"""Measure and tune: the official EW metric, labels and splits, cross-validated tuning, calibration files."""
