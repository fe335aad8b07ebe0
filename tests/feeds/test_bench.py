"""The DCAT benchmark still runs (at a tiny size) and ends with its JSON line."""

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "dcat.py"


def test_benchmark_runs_small():
    done = subprocess.run([sys.executable, str(BENCH), "--datasets", "250"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["datasets"] == 250
    assert figures["dump_s"] > 0 and figures["dump_peak_mb"] > 0 and figures["page_ms"] > 0
    assert "full Turtle dump: 250 datasets" in done.stdout
