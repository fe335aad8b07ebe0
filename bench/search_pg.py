"""Search benchmark of the PostgreSQL backend: rebuild its tables from the synthetic catalog of
bench/search.py, then time issue 12's query mix through ``package_search``'s parameters.

    .venv/bin/python bench/search_pg.py             # 100,000 datasets
    .venv/bin/python bench/search_pg.py --n 10000   # smaller, while developing

It uses a database of its own (``portal_bench_search``, dropped and created again) on the server
of ``--url`` (default: dev.py's throwaway PostgreSQL), migrated like a portal's. The rebuild is
timed from the documents (no catalog tables: that is the engine's share of
``portal search rebuild``). The mix is bench/search.py's end-to-end one (one or two words, phrases,
OR, fq, sorts by date and title, start=2000, rows=100 and rows=1000, each with three facets),
run on the engine through the same parameter parsing as the API, plus the search page's query
(highlights and every facet). Output: per-shape p50 / p95, the totals, the load average before
and after, and a last JSON line with ``datasets``, ``build_s``, ``p50_ms``, ``p95_ms``,
``max_ms``, ``page_p95_ms``, ``backend``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search as search_bench  # noqa: E402 - bench/search.py: the catalog and the mix

DATABASE = "portal_bench_search"


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _database(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}"'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    return base.set(database=DATABASE).render_as_string(hide_password=False)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="datasets (default 100,000)")
    parser.add_argument("--url", default=None, help="a PostgreSQL server's SQLAlchemy URL")
    parser.add_argument("--rounds", type=int, default=1, help="times the mix is run")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the tables of an earlier run of the same --n (no rebuild)")
    args = parser.parse_args(argv)

    from alembic import command
    from sqlalchemy import create_engine

    from portal import migrations
    from portal.search.backend import FACET_FIELDS, SearchQuery
    from portal.search.ckan_params import package_search_query
    from portal.search.postgres_backend import PostgresBackend

    if args.url is None:
        import dev

        args.url = dev.start_postgres()
    catalog = search_bench.Catalog(args.n)
    if args.reuse:
        from sqlalchemy.engine import make_url

        url = make_url(args.url).set(database=DATABASE).render_as_string(hide_password=False)
        engine = create_engine(url, pool_size=2)
        backend = PostgresBackend(engine)
        written, build_s = backend.count(), None
        if written != args.n:
            raise SystemExit(f"--reuse: the tables hold {written} datasets, not {args.n}")
        print(f"PostgreSQL backend: {written} datasets of an earlier run")
    else:
        url = _database(args.url)
        command.upgrade(migrations.alembic_config(url), "heads")
        engine = create_engine(url, pool_size=2)
        backend = PostgresBackend(engine)
        load_build = _load()
        started = time.perf_counter()
        written = backend.rebuild(catalog.documents())
        build_s = time.perf_counter() - started
        print(f"PostgreSQL backend: {written} datasets rebuilt in {build_s:.1f} s "
              f"(load average {load_build:.1f} -> {_load():.1f})")

    requests = [(shape, dict(parse_qsl(urlsplit(path).query)))
                for shape, path in search_bench.http_requests(catalog)
                if path.startswith("/api/")]
    rng = random.Random(7)
    page_words = [rng.choice(catalog.words[:1000]) for _ in range(60)]
    timings: list[tuple[str, float]] = []
    # Warm the server's caches with a few queries first (a serving portal is warm).
    for _, params in requests[:20]:
        backend.search(package_search_query(params, user_entity_ids=frozenset(),
                                            sysadmin=False, may_include_private=False))
    load_before = _load()
    for _ in range(args.rounds):
        for shape, params in requests:
            query = package_search_query(params, user_entity_ids=frozenset(), sysadmin=False,
                                         may_include_private=False)
            began = time.perf_counter()
            backend.search(query)
            timings.append((shape, (time.perf_counter() - began) * 1000))
        for word in page_words:
            query = SearchQuery(q=word, facet_fields=FACET_FIELDS, highlight=True, rows=20,
                                correct_typos=True)
            began = time.perf_counter()
            backend.search(query)
            timings.append(("search page", (time.perf_counter() - began) * 1000))
    load_after = _load()

    print(f"Query mix on the engine (load average {load_before:.1f} -> {load_after:.1f}):")
    shapes = [*search_bench.SHAPES, "search page"]
    for shape in shapes:
        times = [ms for label, ms in timings if label == shape]
        if times:
            print(f"  {shape:12} n={len(times):4d}  p50 {statistics.median(times):7.1f} ms  "
                  f"p95 {_percentile(times, 0.95):7.1f} ms  max {max(times):7.1f} ms")
    api = [ms for label, ms in timings if label != "search page"]
    page = [ms for label, ms in timings if label == "search page"]
    summary = {
        "datasets": written,
        "build_s": round(build_s, 1) if build_s is not None else None,
        "p50_ms": round(statistics.median(api), 1),
        "p95_ms": round(_percentile(api, 0.95), 1),
        "max_ms": round(max(api), 1),
        "page_p95_ms": round(_percentile(page, 0.95), 1),
        "backend": "postgresql",
        "load_average": round(load_after, 2),
    }
    print(f"package_search mix: p50 {summary['p50_ms']} ms, p95 {summary['p95_ms']} ms, "
          f"max {summary['max_ms']} ms; search page p95 {summary['page_p95_ms']} ms")
    print(json.dumps(summary))
    engine.dispose()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
