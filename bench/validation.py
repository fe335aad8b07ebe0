"""Benchmark of validation: ours against the reference tools, on the same files, in one run.

1. Tables: a generated CSV (1,000,000 rows by default) validated by our ``validate_table`` and by
   the frictionless CLI alone (target: ours <= 1.1 x frictionless).
2. OCDS: a generated release package (100 MB by default) validated by our ``validate_ocds`` and by
   ``libcoveocds`` (target: ours no slower, peak memory under 1 GB).

Every run is a separate process, timed from the outside, with its own peak resident memory.
The files are generated under a temporary folder and removed afterwards. The last line printed
is one JSON object: csv_rows, ours_csv_s, frictionless_s, ocds_mb, ours_ocds_s, libcoveocds_s,
ours_ocds_peak_mb (and libcoveocds_peak_mb).

Usage: python bench/validation.py [--rows N] [--ocds-mb M] [--standard ZIP]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DEFAULT_STANDARD = ROOT.parent / "shared" / "conformance" / "ocds" / "standard-1__1__5-schema.zip"

OURS_CSV = (
    "import sys; from portal.validation.tabular import validate_table; "
    "r = validate_table(sys.argv[1]); print(r.valid, r.tasks[0].stats.get('rows'))"
)
OURS_OCDS = (
    "import sys; from portal.validation.ocds import validate_ocds; "
    "r = validate_ocds(sys.argv[1], standard=sys.argv[2]); "
    "print(r.valid, r.stats['errors'], r.tasks[0].stats.get('releases'))"
)


def run(command: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and output of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command[:3]} failed ({process.returncode}):\n{output[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, output


def make_csv(path: Path, rows: int) -> None:
    departments = ["La Paz", "Cochabamba", "Santa Cruz", "Oruro", "Potosí", "Tarija",
                   "Chuquisaca", "Beni", "Pando"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "gestion", "departamento", "partida", "monto", "fecha"])
        for i in range(rows):
            writer.writerow([i + 1, 2015 + i % 10, departments[i % 9], 20000 + i % 9000,
                             f"{(i * 7919) % 1000000 / 100:.2f}",
                             f"20{15 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"])


def make_ocds(path: Path, megabytes: int) -> int:
    """A release package of about ``megabytes`` MB, made of varied copies of a valid release."""
    template = {
        "ocid": "", "id": "", "date": "", "tag": ["tender"], "initiationType": "tender",
        "parties": [{"id": "BO-ENT-1", "name": "Gobierno Autónomo Municipal", "roles": ["buyer"],
                     "address": {"locality": "La Paz", "countryName": "Bolivia"}}],
        "buyer": {"id": "BO-ENT-1", "name": "Gobierno Autónomo Municipal"},
        "tender": {"id": "", "title": "Adquisición de material de escritorio",
                   "description": "Material para oficinas de la gestión " + "x" * 200,
                   "status": "active", "procurementMethod": "open",
                   "value": {"amount": 0, "currency": "BOB"},
                   "items": [{"id": str(n), "description": f"Ítem {n}", "quantity": n,
                              "unit": {"name": "pieza", "value": {"amount": 10.5,
                                                                   "currency": "BOB"}}}
                             for n in range(1, 6)],
                   "tenderPeriod": {"startDate": "", "endDate": ""},
                   "documents": [{"id": "d1", "documentType": "tenderNotice",
                                  "url": "https://www.sicoes.gob.bo/doc.pdf"}]},
    }
    target = megabytes * 1024 * 1024
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"uri": "https://datos.gob.bo/ocds/bench.json", "version": "1.1", '
                     '"publishedDate": "2024-06-01T00:00:00Z", '
                     '"publisher": {"name": "Datos Abiertos Bolivia"}, "releases": [\n')
        while handle.tell() < target:
            count += 1
            release = json.loads(json.dumps(template))
            release["ocid"] = f"ocds-213czf-{count:08d}"
            release["id"] = f"ocds-213czf-{count:08d}-01"
            day = 1 + count % 28
            release["date"] = f"2024-03-{day:02d}T10:00:00Z"
            release["tender"]["id"] = f"T-{count}"
            release["tender"]["value"]["amount"] = count * 13 % 100000
            release["tender"]["tenderPeriod"] = {"startDate": f"2024-03-{day:02d}T10:00:00Z",
                                                 "endDate": f"2024-04-{day:02d}T10:00:00Z"}
            handle.write(("" if count == 1 else ",\n") + json.dumps(release, ensure_ascii=False))
        handle.write("\n]}\n")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ocds-mb", type=int, default=100)
    parser.add_argument("--standard", type=Path, default=Path(
        os.environ.get("PORTAL_OCDS_STANDARD", DEFAULT_STANDARD)))
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as folder:
        data = Path(folder) / "ejecucion.csv"
        make_csv(data, args.rows)
        print(f"CSV: {args.rows} rows, {data.stat().st_size / 1e6:.1f} MB", flush=True)
        ours_csv_s, ours_csv_mb, out = run([python, "-c", OURS_CSV, str(data)])
        print(f"  ours          {ours_csv_s:8.2f} s  {ours_csv_mb:7.0f} MB  {out.strip()}",
              flush=True)
        # The frictionless CLI refuses absolute paths as unsafe: run it beside the file.
        frictionless_s, fl_mb, out = run([str(VENV_BIN / "frictionless"), "validate", "--json",
                                          data.name], cwd=data.parent)
        checked = json.loads(out)
        if checked["tasks"][0]["stats"].get("rows") != args.rows:
            raise SystemExit(f"frictionless did not validate the file:\n{out[:2000]}")
        print(f"  frictionless  {frictionless_s:8.2f} s  {fl_mb:7.0f} MB  "
              f"{checked['valid']} {args.rows}", flush=True)
        data.unlink()

        package = Path(folder) / "releases.json"
        releases = make_ocds(package, args.ocds_mb)
        ocds_mb = package.stat().st_size / 1024 / 1024
        print(f"OCDS: {releases} releases, {ocds_mb:.1f} MB", flush=True)
        ours_ocds_s, ours_ocds_mb, out = run([python, "-c", OURS_OCDS, str(package),
                                              str(args.standard)])
        print(f"  ours          {ours_ocds_s:8.2f} s  {ours_ocds_mb:7.0f} MB  {out.strip()}",
              flush=True)
        lib_s, lib_mb, _ = run([python, "-m", "libcoveocds", "--standard-zip",
                                str(args.standard), "-s", "1.1", str(package)])
        print(f"  libcoveocds   {lib_s:8.2f} s  {lib_mb:7.0f} MB", flush=True)
    print(json.dumps({
        "csv_rows": args.rows, "ours_csv_s": round(ours_csv_s, 2),
        "frictionless_s": round(frictionless_s, 2), "ocds_mb": round(ocds_mb, 1),
        "ours_ocds_s": round(ours_ocds_s, 2), "libcoveocds_s": round(lib_s, 2),
        "ours_ocds_peak_mb": round(ours_ocds_mb, 1), "libcoveocds_peak_mb": round(lib_mb, 1),
    }))


if __name__ == "__main__":
    main()
