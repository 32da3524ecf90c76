#!/bin/sh
# The benchmarks' anchors (issue #12): Great Expectations Core, ydata-profiling, DuckDB and Datasette,
# from PyPI into their own venv (benchmarks/.venv-anchors, gitignored), so they never touch the
# project's environment. Re-running it is harmless.
#
#   sh benchmarks/setup_anchors.sh [python3]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${1:-python3}
venv="$here/.venv-anchors"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet \
    "great_expectations>=1.0,<2" "ydata-profiling>=4.9" "duckdb>=1.0" "datasette>=0.64" pandas \
    pyarrow numpy
# the HTTP load generator of bench_api.py (Debian's wrk; without it a slower Python client runs)
if ! command -v wrk >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq wrk >/dev/null || echo "wrk not installed: bench_api.py uses its Python client"
fi
"$venv/bin/python" - <<'PY'
import duckdb, great_expectations, ydata_profiling
from datasette.version import __version__ as datasette
print("anchors:", "great_expectations", great_expectations.__version__,
      "| ydata-profiling", ydata_profiling.__version__, "| duckdb", duckdb.__version__,
      "| datasette", datasette)
PY
