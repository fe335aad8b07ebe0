"""The search benchmark still runs (at a tiny size) and ends with its JSON line."""

import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_benchmark_runs_small(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    import search as bench  # bench/search.py

    assert bench.main(["--n", "300", "--procs", "1"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["datasets"] == 300
    assert {"build_s", "p50_ms", "p95_ms", "max_ms"} <= set(figures)
    assert figures["max_ms"] >= figures["p95_ms"] >= figures["p50_ms"] > 0
    sys.modules.pop("search", None)
