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
