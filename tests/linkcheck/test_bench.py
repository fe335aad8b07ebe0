"""bench/quality_links.py runs end to end on a small number of links: every link recorded with
the status its kind should give, and no checker thread left behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "quality_links.py"


def test_the_bench_checks_every_kind_of_link():
    done = subprocess.run([sys.executable, str(BENCH), "--urls", "60", "--hosts", "2",
                           "--delay", "0"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["recorded"] == 60 and figures["mismatches"] == {}, figures
    assert figures["checker_threads_left"] == 0
    assert {"ok", "broken", "forbidden-address", "too-many-redirects", "timeout",
            "dns-error"} <= set(figures["statuses"])
