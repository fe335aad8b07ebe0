"""DataStore benchmark (issue 15): ingest a generated CSV, then query it over HTTP.

    .venv/bin/python bench/datastore.py               # 1,000,000 rows, 10 columns
    .venv/bin/python bench/datastore.py --rows 100000 # smaller, while developing
    .venv/bin/python bench/datastore.py --threads 1   # PORTAL_DATASTORE_THREADS for the run

1. Generates a deterministic CSV of ``--rows`` rows and 10 columns (integers, decimals, dates,
   booleans, short and longer text) and its Table Schema.
2. Times ``frictionless validate`` (the CLI) on the same file with that schema, for comparison.
3. Uploads it as a resource of a fresh portal (SQLite, local storage) and times the ingest
   (``services.ingest``: CSV -> typed Parquet through storage, pointer swapped).
4. Serves the app with werkzeug's threaded server in a thread of this process (not gunicorn)
   and times, with one client, ``--queries`` distinct requests each of ``datastore_search``
   with filters + sort + 100 rows, and with a full-text ``q`` (two words, varying); p50 / p95.
   Then the same searches in this process without HTTP (``*_duckdb_*``: wall and CPU time of
   checking the parameters and running DuckDB, counts not reused), to show where time goes.
5. Streams the CSV export of the whole table (``/datastore/dump``), reading it in 1 MB chunks
   and counting bytes: MB/s, and the process's resident memory before and at its peak during
   the export (sampled every 20 ms), to show it stays flat.

The load average is recorded at the start and at the end (the machine is shared). The last
line is one JSON object with the figures. Targets: ingest <= 30 s, filters p95 <= 100
ms, q p95 <= 200 ms, export >= 50 MB/s.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from werkzeug.serving import make_server

from portal import create_app, migrations
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog

DEPARTMENTS = ("La Paz", "Cochabamba", "Santa Cruz", "Oruro", "Potosí", "Chuquisaca", "Tarija",
               "Beni", "Pando")
WORDS = ("agua", "escuela", "camino", "salud", "riego", "puente", "energía", "vivienda",
         "mercado", "hospital", "cancha", "alcantarillado", "electrificación", "semillas",
         "ganado", "turismo", "forestal", "minería", "quinua", "café")
SCHEMA = {"fields": [
    {"name": "id", "type": "integer"},
    {"name": "departamento", "type": "string", "title": "Departamento"},
    {"name": "municipio", "type": "string"},
    {"name": "fecha", "type": "date"},
    {"name": "monto", "type": "number", "title": "Monto (Bs)"},
    {"name": "beneficiarios", "type": "integer"},
    {"name": "concluido", "type": "boolean"},
    {"name": "categoria", "type": "string"},
    {"name": "descripcion", "type": "string"},
    {"name": "codigo", "type": "string"}]}


def generate(path: Path, rows: int) -> None:
    rng = random.Random(15)
    start = date(2015, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([field["name"] for field in SCHEMA["fields"]])
        for number in range(1, rows + 1):
            writer.writerow([
                number, DEPARTMENTS[number % 9], f"Municipio {rng.randrange(340)}",
                (start + timedelta(days=rng.randrange(3650))).isoformat(),
                f"{rng.random() * 1e6:.2f}", rng.randrange(5000), rng.random() < 0.5,
                WORDS[rng.randrange(20)],
                " ".join(rng.choice(WORDS) for _ in range(5)),
                f"P-{rng.randrange(10**8):08d}"])


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed_get(url: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def distinct_draws(rng: random.Random, count: int, draw) -> list[dict[str, object]]:
    drawn: dict[str, dict[str, object]] = {}
    while len(drawn) < count:
        params = draw()
        drawn.setdefault(json.dumps(params, sort_keys=True), params)
    return list(drawn.values())


def in_process(app, resource_id: str, drawn: list[dict[str, object]]
               ) -> tuple[list[float], list[float]]:
    """Wall and CPU (all threads of the process) milliseconds of each search run directly."""
    from portal.datastore import query, services

    query.forget_counts()
    walls, cpus = [], []
    with app.test_request_context():
        _resource, _state, table = services.readable(resource_id, None)
        for params in drawn:
            wall, cpu = time.perf_counter(), time.process_time()
            query.search(table, query.parse(table, params), include_total=True)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    return walls, cpus


def run(rows: int, queries: int, threads: int) -> dict[str, object]:
    figures: dict[str, object] = {"rows": rows, "columns": 10, "duckdb_threads": threads,
                                  "server": "werkzeug threaded server in a thread",
                                  "load_average_start": round(os.getloadavg()[0], 1)}
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory(prefix="bench-datastore-") as folder:
        base = Path(folder)
        source = base / "obras.csv"
        generate(source, rows)
        figures["csv_mb"] = round(source.stat().st_size / 1e6, 1)
        (base / "schema.json").write_text(json.dumps(SCHEMA), "utf-8")

        started = time.perf_counter()
        # frictionless refuses absolute paths: run it in the folder, with relative names.
        checked = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate",
                                  source.name, "--schema", "schema.json"], cwd=base,
                                 capture_output=True, text=True, check=False)
        figures["frictionless_validate_s"] = round(time.perf_counter() - started, 1)
        figures["frictionless_valid"] = checked.returncode == 0

        app = create_app({"PORTAL_DATABASE_URL": f"sqlite:///{folder}/portal.db",
                          "PORTAL_INSTANCE_PATH": folder, "PORTAL_SECRET_KEY": "bench",
                          "PORTAL_MAX_UPLOAD_MB": 1024, "PORTAL_VALIDATION_MODE": "off",
                          "PORTAL_JOBS_MODE": "off", "PORTAL_DATASTORE_THREADS": threads})
        migrations.upgrade(app)
        from portal.datastore import services

        with app.app_context():
            catalog.create_entity({"name": "mop", "title": "Ministerio de Obras"}, SYSTEM)
            dataset = catalog.create_dataset({"name": "obras", "title": "Obras",
                                              "entity": "mop", "license_id": "cc-by-4.0"},
                                             SYSTEM)
            with source.open("rb") as handle:
                resource = catalog.create_resource(dataset, {"name": "Obras", "format": "CSV",
                                                             "schema": SCHEMA}, SYSTEM,
                                                   upload=handle, filename="obras.csv")
            resource_id = resource.id
            started = time.perf_counter()
            state = services.ingest(resource_id, force=True)
            figures["ingest_s"] = round(time.perf_counter() - started, 2)
            assert state.status == "active", state.message
            figures["ingested_rows"] = state.row_count
            figures["parquet_mb"] = round(
                Path(services.data_path(state.data_key)).stat().st_size / 1e6, 1)

        httpd = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        address = f"http://127.0.0.1:{httpd.server_port}"
        search = f"{address}/api/3/action/datastore_search"
        rng = random.Random(7)
        try:
            timed_get(f"{search}?resource_id={resource_id}&limit=1")  # warm up
            # Distinct queries: a repeated one would be answered from the count cache.
            filter_params = distinct_draws(rng, queries, lambda: {
                "resource_id": resource_id, "filters": json.dumps({
                    "departamento": rng.choice(DEPARTMENTS),
                    "categoria": [rng.choice(WORDS), rng.choice(WORDS)]}),
                "sort": "monto desc", "limit": 100})
            text_params = distinct_draws(rng, queries, lambda: {
                "resource_id": resource_id, "q": f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
                "limit": 100})
            for name, drawn in (("filters_sort", filter_params), ("q", text_params)):
                times = []
                for params in drawn:
                    ms, body = timed_get(f"{search}?{urllib.parse.urlencode(params)}")
                    assert json.loads(body)["success"], body[:300]
                    times.append(ms)
                figures[f"{name}_p50_ms"] = round(statistics.median(times), 1)
                figures[f"{name}_p95_ms"] = round(percentile(times, 0.95), 1)
                # Where the time goes: the same searches in this process without HTTP, Flask
                # or JSON (checking the parameters and running DuckDB), wall and CPU time.
                walls, cpus = in_process(app, resource_id, drawn)
                figures[f"{name}_duckdb_p50_ms"] = round(statistics.median(walls), 1)
                figures[f"{name}_duckdb_p95_ms"] = round(percentile(walls, 0.95), 1)
                figures[f"{name}_duckdb_cpu_p50_ms"] = round(statistics.median(cpus), 1)

            before = rss_mb()
            peak = [before]
            done = threading.Event()

            def sample() -> None:
                while not done.is_set():
                    peak[0] = max(peak[0], rss_mb())
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            size = 0
            started = time.perf_counter()
            with urllib.request.urlopen(f"{address}/datastore/dump/{resource_id}",
                                        timeout=600) as response:
                while chunk := response.read(1024 * 1024):
                    size += len(chunk)
            seconds = time.perf_counter() - started
            done.set()
            sampler.join()
            figures.update({"export_mb": round(size / 1e6, 1),
                            "export_s": round(seconds, 2),
                            "export_mb_per_s": round(size / 1e6 / seconds, 1),
                            "rss_before_export_mb": round(before),
                            "rss_peak_during_export_mb": round(peak[0])})
        finally:
            httpd.shutdown()
    figures["load_average_end"] = round(os.getloadavg()[0], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--threads", type=int, default=None,
                        help="PORTAL_DATASTORE_THREADS (default: the setting's default)")
    args = parser.parse_args()
    from portal.config import SETTINGS

    threads = args.threads or next(item.default for item in SETTINGS
                                   if item.name == "PORTAL_DATASTORE_THREADS")
    figures = run(args.rows, args.queries, threads)
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
