"""mfgdata: manufacturing data products."""

import os

__version__ = "0.1.0"

# Polars' allocator (jemalloc, configured by Polars as dirty_decay_ms:500,muzzy_decay_ms:1000)
# gives freed pages back with MADV_FREE first, and such "muzzy" pages still count in the
# process's RSS until the kernel needs them: a step's peak stayed resident through the next
# steps (issue 12: 1.2 GiB peak at 1M rows x 23 columns). With no muzzy phase the pages are
# returned outright after the dirty decay, at no measurable CPU cost. Read when Polars loads, so
# only when mfgdata is imported first (the CLI, jobs, the benchmark); Polars appends a setting
# already in the environment after its own, so the user's wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "muzzy_decay_ms:0")

# LightGBM's OpenMP threads spin while they wait for work (GNU OpenMP's default); on a busy
# 2-core machine one 200k-row fit took 38 CPU-s and 74 s instead of 3.7 CPU-s and 7 s with the
# threads sleeping (same model, issue 12). Read when OpenMP loads (the model step, later).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
