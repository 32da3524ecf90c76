"""Profiling helpers of the profile step: column statistics, time axis, charts, HTML."""
