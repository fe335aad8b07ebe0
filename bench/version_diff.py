"""Row difference between two versions of a table: two synthetic CSV files of N rows (a key
column and five values), the second with 1% of rows changed, 0.5% removed and 0.5% added,
compared by ``portal.series.diff.diff_tables`` (a temporary SQLite file, bounded memory).

    .venv/bin/python bench/version_diff.py               # 1,000,000 rows
    .venv/bin/python bench/version_diff.py --rows 50000  # smaller, while developing

The diff runs in a child process so its peak memory (max RSS) is its own: it must not grow
with the number of rows. Ends with one JSON line: ``rows``, ``diff_s``, ``peak_mb``,
``added``, ``removed``, ``changed``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_tables(folder: Path, rows: int) -> tuple[Path, Path]:
    rng = random.Random(7)
    old, new = folder / "old.csv", folder / "new.csv"
    with old.open("w") as a, new.open("w") as b:
        header = "codigo,departamento,anio,monto,cantidad,nota\n"
        a.write(header)
        b.write(header)
        for i in range(rows):
            line = f"{i:09d},D{i % 9},{2020 + i % 5},{i * 1.5:.2f},{i % 1000},fila {i}\n"
            a.write(line)
            draw = rng.random()
            if draw < 0.005:
                continue  # removed
            if draw < 0.015:
                line = line.replace(",fila ", ",cambiada ")
            b.write(line)
        for i in range(rows, rows + rows // 200):  # added
            b.write(f"{i:09d},D1,2025,1.00,1,nueva\n")
    return old, new


def child(old: str, new: str) -> None:
    sys.path.insert(0, str(ROOT))
    from portal.series.diff import diff_tables

    start = time.perf_counter()
    with open(old, "rb") as before, open(new, "rb") as after:
        result = diff_tables(before, after, ["codigo"])
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"diff_s": round(seconds, 2), "peak_mb": round(peak_mb, 1),
                      **result.counts}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        old, new = write_tables(Path(folder), args.rows)
        out = subprocess.run([sys.executable, __file__, "--child", str(old), str(new)],
                             check=True, capture_output=True, text=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"{args.rows:,} rows: diff {figures['diff_s']} s, peak {figures['peak_mb']} MB; "
          f"added {figures['added']:,}, removed {figures['removed']:,}, "
          f"changed {figures['changed']:,}")
    print(json.dumps({"rows": args.rows, **figures}))


if __name__ == "__main__":
    main()
