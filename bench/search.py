"""Search benchmark: build the index of a synthetic catalog and time faceted queries.

    .venv/bin/python bench/search.py            # 100,000 datasets
    .venv/bin/python bench/search.py --n 10000  # smaller, while developing

The catalog is synthetic but shaped like the real one: a Spanish vocabulary of about 2,500 word
forms (``search_vocabulary``) drawn with a Zipf-like frequency (the word of rank r has weight
1 / (r + 10)), function words in between, titles of ~8 words, descriptions of ~80, 300 entities of
every kind, 18 themes, keywords, 1-4 resources in common formats, a few licences, 5 % private.
The engine is benchmarked directly (no database). It runs 200 fixed queries (half one word, half
two words, drawn from the 1,000 most frequent words, so many match thousands of datasets), each
with three facets (entity, theme, format) and the default relevance order, 20 rows. Output: the
build time (wall clock, and CPU time of all processes: the machine is shared, so the wall clock
depends on the load), the time to open the index and warm its caches, query latency p50 / p95 / max,
and one final JSON line with ``datasets``, ``build_s``, ``p50_ms``, ``p95_ms``, ``max_ms`` (plus
``build_cpu_s``, ``warm_s``, ``p95_cpu_ms`` and the ``load_average`` at the end).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_vocabulary import FUNCTION_WORDS, content_words

from portal.search.backend import SearchQuery
from portal.search.whoosh_backend import WhooshBackend

ENTITY_KINDS = ("ministerio", "agencia", "empresa-publica", "gobierno-departamental",
                "gobierno-municipal", "gobierno-ioc", "universidad", "otra")
THEMES = ("agricultura", "economia", "educacion", "energia", "medio-ambiente", "gobierno",
          "salud", "internacional", "justicia", "poblacion", "ciencia", "transporte",
          "regiones", "cultura", "vivienda", "trabajo", "turismo", "seguridad")
FORMATS = ("CSV", "XLSX", "JSON", "PDF", "XML", "ODS", "SHP", "GeoJSON", "API", "ZIP")
FORMAT_WEIGHTS = (30, 20, 12, 15, 5, 4, 3, 4, 3, 4)
LICENSES = ("cc-by-4.0", "cc-by-sa-4.0", "cc0-1.0", "odc-by", "other-open")
LICENSE_WEIGHTS = (60, 15, 15, 5, 5)
QUERY_COUNT = 200
QUERY_FACETS = ("organization", "groups", "res_format")


class Catalog:
    """Deterministic synthetic datasets (``seed`` fixes everything)."""

    def __init__(self, n: int, seed: int = 42):
        self.n = n
        self.seed = seed
        self.words = content_words()
        weights = [1.0 / (rank + 10) for rank in range(len(self.words))]
        self.cumulative = list(itertools.accumulate(weights))
        rng = random.Random(seed)
        self.entities = []
        for i in range(300):
            kind = ENTITY_KINDS[i % len(ENTITY_KINDS)]
            title = " ".join(w.capitalize() for w in self._words(rng, 3))
            self.entities.append((f"entidad-{i:03d}", f"{title} {i}", kind))

    def _words(self, rng: random.Random, count: int) -> list[str]:
        total = self.cumulative[-1]
        return [self.words[bisect.bisect(self.cumulative, rng.random() * total)]
                for _ in range(count)]

    def _sentence(self, rng: random.Random, count: int) -> str:
        """``count`` words, about a third of them function words ("de", "la", "para")."""
        out = []
        for word in self._words(rng, count):
            if len(out) >= count:
                break
            out.append(word)
            if rng.random() < 0.45 and len(out) < count:
                out.append(rng.choice(FUNCTION_WORDS))
        return " ".join(out)

    def documents(self) -> Iterator[dict]:
        rng = random.Random(self.seed + 1)
        base = datetime(2015, 1, 1)
        for i in range(self.n):
            entity = self.entities[int(rng.paretovariate(1.2)) % len(self.entities)]
            entity_name, entity_title, entity_kind = entity
            title_words = max(3, int(rng.gauss(8, 2)))
            notes_words = max(10, int(rng.gauss(80, 25)))
            resources = rng.randint(1, 4)
            modified = base + timedelta(minutes=rng.randrange(0, 10 * 365 * 24 * 60))
            yield {
                "id": f"00000000-0000-4000-8000-{i:012d}",
                "name": f"conjunto-{i:06d}",
                "title": self._sentence(rng, title_words).capitalize(),
                "notes": self._sentence(rng, notes_words).capitalize() + ".",
                "tags": sorted(set(self._words(rng, rng.randint(1, 6)))),
                "groups": sorted(set(rng.sample(THEMES, rng.randint(1, 3)))),
                "organization": entity_name,
                "entity_title": entity_title,
                "entity_id": f"entity-{entity_name}",
                "entity_kind": entity_kind,
                "license_id": rng.choices(LICENSES, LICENSE_WEIGHTS)[0],
                "res_format": sorted(set(rng.choices(FORMATS, FORMAT_WEIGHTS, k=resources))),
                "res_name": [self._sentence(rng, 3) for _ in range(resources)],
                "private": rng.random() < 0.05,
                "metadata_created": modified - timedelta(days=rng.randrange(0, 400)),
                "metadata_modified": modified,
            }

    def queries(self) -> list[str]:
        rng = random.Random(self.seed + 2)
        head = self.words[:1000]
        half = QUERY_COUNT // 2
        ones = [rng.choice(head) for _ in range(half)]
        twos = [f"{rng.choice(head)} {rng.choice(head)}" for _ in range(QUERY_COUNT - half)]
        return ones + twos


def _cpu_seconds() -> float:
    """User + system CPU time of this process and of its finished children (index workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of datasets")
    parser.add_argument("--dir", help="index folder (default: a temporary folder, removed)")
    parser.add_argument("--procs", type=int, default=None, help="indexing processes")
    args = parser.parse_args(argv)

    catalog = Catalog(args.n)
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        backend = WhooshBackend(folder / "index")
        started = time.perf_counter()
        documents = list(catalog.documents())
        print(f"generated {len(documents)} datasets in {time.perf_counter() - started:.1f} s")
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        indexed = backend.rebuild(documents, procs=args.procs)
        build_s = time.perf_counter() - started
        build_cpu_s = _cpu_seconds() - cpu_started
        print(f"indexed {indexed} datasets in {build_s:.1f} s ({build_cpu_s:.1f} s of CPU in all"
              f" processes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")

        started = time.perf_counter()
        backend.warm(QUERY_FACETS)
        warm_s = time.perf_counter() - started
        print(f"opened the index and warmed its caches in {warm_s:.2f} s")

        timings, cpu_timings = [], []
        total_hits = 0
        for q in catalog.queries():
            query = SearchQuery(q=q, facet_fields=QUERY_FACETS, rows=20)
            started, cpu_started = time.perf_counter(), time.process_time()
            result = backend.search(query)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
            total_hits += result.count
        p50, p95, worst = (statistics.median(timings), percentile(timings, 0.95), max(timings))
        print(f"{len(timings)} faceted queries, {total_hits / len(timings):.0f} matches on average:"
              f" p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms")
        backend.close()
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({"datasets": args.n, "build_s": round(build_s, 2),
                      "build_cpu_s": round(build_cpu_s, 2), "warm_s": round(warm_s, 2),
                      "p50_ms": round(p50, 2), "p95_ms": round(p95, 2), "max_ms": round(worst, 2),
                      "p95_cpu_ms": round(percentile(cpu_timings, 0.95), 2),
                      "load_average": round(os.getloadavg()[0], 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
