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

End to end (``--http``, issue 12):

    .venv/bin/python bench/search.py --http                     # 100,000 datasets
    .venv/bin/python bench/search.py --http --n 1000000 --dir /tmp/big   # kept, measured again

The same synthetic datasets are bulk-inserted into a portal's SQLite database (entities, themes,
keywords, resources; no services), ``portal search rebuild`` builds the index from it (timed:
``rebuild_db_s``, also ``build_s``), ``portal search dictionaries`` stores ``package_search``'s
dictionaries of every public dataset (timed: ``store_dictionaries_s``; the hourly job
``api.store_dictionaries`` in a running portal; ``--no-store`` skips it, then every page builds
the dictionaries it has not kept), the query mix runs once on the engine alone in this process
(``p50_ms``, ``p95_ms``, ``max_ms``), then ``portal serve`` (gunicorn, 2 workers) answers it over
HTTP for ``--seconds`` from ``--clients`` connections, each sending the next request when the last
one answered, shapes in turn: ``package_search`` with one or two words, a quoted phrase of two of
the 100 most frequent words, ``a OR b``, an ``fq`` on entity / theme / format / licence / keyword,
sort by date or title, ``start=2000``, ``rows=100`` and ``rows=1000``, all with three facets, and
the HTML search page (two words, two facet filters, a phrase). The mix repeats; its first pass is
reported apart (nothing kept by the portal yet). Prints per-shape p50 / p95 / max, the largest
serving process's resident memory, and one JSON line with ``datasets``, ``build_s``, ``p50_ms``,
``p95_ms``, ``max_ms`` (engine), ``http_p50_ms``, ``http_p95_ms``, ``http_max_ms``
(``package_search`` over HTTP), ``page_p95_ms``, ``first_pass_http_p95_ms``, ``rebuild_db_s``,
``store_dictionaries_s``, ``rebuild_peak_mb``, ``serving_rss_mb``, ``serving_anon_mb``,
``errors``, ``backend`` and ``load_average``. With ``--dir`` the instance is kept, and a later
run with the same ``--dir`` reuses its database (and, with ``--no-rebuild``, its index).
"""

from __future__ import annotations

import argparse
import bisect
import functools
import itertools
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

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
ROOT = Path(__file__).resolve().parent.parent


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


# -- end to end (--http): a portal with these datasets in its database, served over HTTP -------

HTTP_FACETS = json.dumps(list(QUERY_FACETS))
SORTS = {"sort date": "metadata_modified desc", "sort title": "title_string asc"}
SHAPES = ("one word", "two words", "phrase", "OR", "fq", "sort date", "sort title",
          "deep page", "rows 100", "rows 1000")
PAGE_SHAPES = ("page words", "page filtered", "page phrase")
RESOURCE_FORMATS = {"CSV": "text/csv", "JSON": "application/json", "XML": "application/xml"}


def populate(app, catalog: Catalog) -> None:
    """The catalog's datasets in the portal's database, bulk-inserted (SQLAlchemy core, in
    chunks, as bench/dcat.py does): entities, themes, keywords, resources, links."""
    from sqlalchemy import insert

    from portal import db
    from portal.catalog.models import (
        Dataset,
        Entity,
        Resource,
        Tag,
        Theme,
        dataset_tag,
        dataset_theme,
    )

    now = datetime(2025, 6, 1)
    with app.app_context(), db.engine().begin() as connection:
        entity_ids = {name: f"entity-{name}" for name, _, _ in catalog.entities}
        connection.execute(insert(Entity), [
            {"id": entity_ids[name], "name": name, "title": title, "description": "",
             "kind": kind, "level": "central", "website": "", "email": "", "logo_url": "",
             "state": "active", "created": now, "modified": now}
            for name, title, kind in catalog.entities])
        theme_ids = {name: f"theme-{name}" for name in THEMES}
        connection.execute(insert(Theme), [
            {"id": theme_ids[name], "name": name, "title": name.replace("-", " ").capitalize(),
             "description": "", "eu_theme": "", "image_url": "", "state": "active",
             "created": now, "modified": now} for name in THEMES])
        tag_ids: dict[str, str] = {}
        documents = catalog.documents()
        while True:
            chunk = list(itertools.islice(documents, 5000))
            if not chunk:
                break
            datasets, resources, tag_links, theme_links, new_tags = [], [], [], [], []
            for doc in chunk:
                dataset_id = doc["id"]
                datasets.append({
                    "id": dataset_id, "name": doc["name"], "title": doc["title"],
                    "description": doc["notes"], "entity_id": entity_ids[doc["organization"]],
                    "license_id": doc["license_id"], "contact_name": "Unidad de datos",
                    "contact_email": "datos@gob.bo", "access_rights": "public",
                    "spatial": [], "frequency": "", "language": ["es"], "landing_page": "",
                    "version": "", "identifier": "", "state": "active",
                    "private": doc["private"], "extras": {}, "creator_user_id": None,
                    "metadata_created": doc["metadata_created"],
                    "metadata_modified": doc["metadata_modified"],
                })
                formats = doc["res_format"]
                for position, res_name in enumerate(doc["res_name"]):
                    fmt = formats[position % len(formats)]
                    resources.append({
                        "id": f"{dataset_id[:22]}{position + 1}{dataset_id[23:]}",
                        "dataset_id": dataset_id,
                        "position": position, "name": res_name, "description": "",
                        "url": f"https://datos.gob.bo/{doc['name']}/{position}.{fmt.lower()}",
                        "url_type": "", "storage_key": "", "format": fmt,
                        "media_type": RESOURCE_FORMATS.get(fmt, ""), "size": None,
                        "sha256": "", "license_id": "", "schema": None,
                        "created": doc["metadata_created"], "modified": doc["metadata_modified"],
                    })
                for tag in doc["tags"]:
                    if tag not in tag_ids:
                        tag_ids[tag] = f"tag-{len(tag_ids):08d}"
                        new_tags.append({"id": tag_ids[tag], "name": tag})
                    tag_links.append({"dataset_id": dataset_id, "tag_id": tag_ids[tag]})
                theme_links.extend({"dataset_id": dataset_id, "theme_id": theme_ids[theme]}
                                   for theme in doc["groups"])
            if new_tags:
                connection.execute(insert(Tag), new_tags)
            connection.execute(insert(Dataset), datasets)
            connection.execute(insert(Resource), resources)
            connection.execute(insert(dataset_tag), tag_links)
            connection.execute(insert(dataset_theme), theme_links)


def http_requests(catalog: Catalog) -> list[tuple[str, str]]:
    """(shape, path) of the end-to-end mix: every shape in turn, words from the 1,000 most
    frequent (phrases from the 100 most frequent), each with three facets."""
    rng = random.Random(catalog.seed + 3)
    head, top = catalog.words[:1000], catalog.words[:100]
    entities = [name for name, _, _ in catalog.entities[:40]]
    filters = [*(f"organization:{name}" for name in entities[:10]),
               *(f"groups:{theme}" for theme in THEMES),
               *(f'res_format:"{fmt}"' for fmt in FORMATS[:6]),
               *(f"license_id:{licence}" for licence in LICENSES),
               *(f"tags:{word}" for word in head[:20])]
    out = []
    for _ in range(QUERY_COUNT // len(SHAPES) + 1):
        for shape in SHAPES:
            params: dict[str, str] = {"facet.field": HTTP_FACETS}
            word = rng.choice(head)
            if shape == "two words":
                params["q"] = f"{word} {rng.choice(head)}"
            elif shape == "phrase":
                params["q"] = f'"{rng.choice(top)} {rng.choice(top)}"'
            elif shape == "OR":
                params["q"] = f"{word} OR {rng.choice(head)}"
            elif shape == "fq":
                params["q"] = word
                params["fq"] = rng.choice(filters)
            elif shape == "rows 1000":
                params["q"] = rng.choice(top)
                params["rows"] = "1000"
            else:
                params["q"] = word
            if shape in SORTS:
                params["sort"] = SORTS[shape]
            elif shape == "deep page":
                params["q"] = rng.choice(top[:20])
                params["start"] = "2000"
                params["rows"] = "20"
            elif shape == "rows 100":
                params["rows"] = "100"
            out.append((shape, "/api/3/action/package_search?" + urlencode(params)))
        for shape in PAGE_SHAPES:
            word = rng.choice(head)
            if shape == "page words":
                params = {"q": f"{word} {rng.choice(head)}"}
            elif shape == "page filtered":
                params = {"q": word, "res_format": rng.choice(FORMATS[:4]),
                          "groups": rng.choice(THEMES)}
            else:
                params = {"q": f'"{rng.choice(top)} {rng.choice(top)}"'}
            out.append((shape, "/dataset?" + urlencode(params)))
    return out


def _pick_in_turn(requests: list[tuple[str, str]], rng: random.Random,
                  sent: int) -> tuple[str, str, dict]:
    """The requests in turn; those of the first pass are labelled ``first:`` (nothing of them
    is kept by the portal yet: neither serialised datasets nor whole answers)."""
    shape, path = requests[sent % len(requests)]
    return ("first:" if sent < len(requests) else "") + shape, path, {}


def _rss_mb(pid: int, key: str = "VmRSS:") -> float:
    """Resident memory of a process (``RssAnon:``: its own, without the index files it maps,
    which the page cache shares between processes)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _engine_mix(app, requests: list[tuple[str, str]]) -> list[tuple[str, float]]:
    """The package_search requests' queries run on the engine alone (no HTTP, no database)."""
    from urllib.parse import parse_qsl, urlsplit

    from portal.search import get_backend
    from portal.search.ckan_params import package_search_query

    timings = []
    with app.test_request_context():
        backend = get_backend()
        for shape, path in requests:
            if not path.startswith("/api/"):
                continue
            params = dict(parse_qsl(urlsplit(path).query))
            started = time.perf_counter()
            backend.search(package_search_query(params, user_entity_ids=frozenset(),
                                                sysadmin=False, may_include_private=False))
            timings.append((shape, (time.perf_counter() - started) * 1000))
        backend.close()
    return timings


def _summary(rows: list[tuple[str, float]], shapes) -> dict[str, dict[str, float]]:
    summary = {}
    for shape in shapes:
        times = [ms for label, ms in rows if label == shape]
        if times:
            summary[shape] = {"n": len(times), "p50": statistics.median(times),
                              "p95": percentile(times, 0.95), "max": max(times)}
    return summary


def _print_table(title: str, summary: dict[str, dict[str, float]]) -> None:
    print(title)
    for shape, row in summary.items():
        print(f"  {shape:14} n={row['n']:4d}  p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms"
              f"  max {row['max']:7.1f} ms")


def main_http(args) -> int:
    from bench.client import closed_loop
    from bench.serving import start, stop, wait_up
    from portal import create_app, migrations
    from scripts.cluster import PORTAL, free_port

    catalog = Catalog(args.n)
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="search-http-"))
    instance = folder / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The site's address is the one served: the stored dictionaries are built for it.
    settings = {"PORTAL_DATABASE_URL": f"sqlite:///{instance / 'portal.db'}",
                "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_SECRET_KEY": "bench",
                "PORTAL_SITE_URL": url, "PORTAL_JOBS_MODE": "off",
                "PORTAL_JOBS_WORKERS": "0", "PORTAL_VALIDATION_MODE": "off"}
    env = {**os.environ, **settings, "FLASK_DEBUG": "0"}
    server = None
    try:
        app = create_app(dict(settings))
        if (instance / "portal.db").exists():  # a --dir of an earlier run: measure it again
            print(f"reusing the database of {instance}", flush=True)
            migrations.upgrade(app)  # a database of an older version gains the new tables
        else:
            migrations.upgrade(app)
            started = time.perf_counter()
            populate(app, catalog)
            print(f"populated the database with {args.n} datasets in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
        app.extensions["db_engine"].dispose()

        rebuild_s = rebuild_mb = None
        if args.no_rebuild and (instance / "search-index").exists():
            print("measuring the index of the earlier run (no rebuild)", flush=True)
        else:
            started = time.perf_counter()
            rebuild = subprocess.run([*PORTAL, "search", "rebuild"], env=env, cwd=ROOT,
                                     capture_output=True, text=True)
            rebuild_s = time.perf_counter() - started
            if rebuild.returncode:
                raise RuntimeError(f"portal search rebuild failed: {rebuild.stderr[-2000:]}")
            rebuild_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"portal search rebuild: {rebuild.stdout.strip().splitlines()[-1]} "
                  f"({rebuild_s:.1f} s wall, largest process {rebuild_mb:.0f} MB; load average "
                  f"{os.getloadavg()[0]:.1f})", flush=True)

        store_s = None
        if not args.no_store:
            started = time.perf_counter()
            stored = subprocess.run([*PORTAL, "search", "dictionaries"], env=env, cwd=ROOT,
                                    capture_output=True, text=True)
            store_s = round(time.perf_counter() - started, 2)
            if stored.returncode:
                raise RuntimeError(f"portal search dictionaries failed: {stored.stderr[-2000:]}")
            print(f"portal search dictionaries: {stored.stdout.strip().splitlines()[-1]} "
                  f"({store_s:.1f} s wall; load average {os.getloadavg()[0]:.1f})", flush=True)

        requests = http_requests(catalog)
        app = create_app(dict(settings))
        started = time.perf_counter()
        engine = _engine_mix(app, requests)
        print(f"engine alone (opened and warmed by the first queries in "
              f"{engine[0][1]:.0f} ms): {len(engine)} package_search queries in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        engine_summary = _summary(engine[1:], SHAPES)
        _print_table("engine alone, per shape:", engine_summary)

        server = start([*PORTAL, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                       env, folder / "serve.log")
        wait_up(url, server, "/api/3")
        warm_started = time.perf_counter()
        for _ in range(4):  # both workers open the index and warm their caches
            closed_loop([url], functools.partial(_pick_in_turn, requests[:13]), 0.1, 2, 7)
        print(f"server up, warmed in {time.perf_counter() - warm_started:.1f} s", flush=True)
        load_before = os.getloadavg()[0]
        rows = closed_loop([url], functools.partial(_pick_in_turn, requests), args.seconds,
                           args.clients, 0)
        load_after = os.getloadavg()[0]
        bad = [(label, status) for label, _, status in rows if status != 200]
        timed = [(label.removeprefix("first:"), ms) for label, ms, _ in rows]
        first = [(label.removeprefix("first:"), ms) for label, ms, _ in rows
                 if label.startswith("first:")]
        http_summary = _summary(timed, SHAPES + PAGE_SHAPES)
        _print_table(f"over HTTP ({args.clients} client(s), {args.seconds:.0f} s, load average "
                     f"{load_before:.1f} -> {load_after:.1f}), per shape:", http_summary)
        api = [ms for label, ms in timed if label in SHAPES]
        pages = [ms for label, ms in timed if label in PAGE_SHAPES]
        first_api = [ms for label, ms in first if label in SHAPES]
        first_pages = [ms for label, ms in first if label in PAGE_SHAPES]
        if first_api and first_pages:
            print(f"first pass only (nothing kept yet): package_search p50 "
                  f"{statistics.median(first_api):.1f} ms, p95 {percentile(first_api, 0.95):.1f}"
                  f" ms; search page p50 {statistics.median(first_pages):.1f} ms, p95 "
                  f"{percentile(first_pages, 0.95):.1f} ms")
        rss = max((_rss_mb(pid) for pid in _children(server.pid)), default=0.0)
        anon = max((_rss_mb(pid, "RssAnon:") for pid in _children(server.pid)), default=0.0)
        print(f"package_search mix: {len(api)} requests, p50 {statistics.median(api):.1f} ms, "
              f"p95 {percentile(api, 0.95):.1f} ms, max {max(api):.1f} ms; search page: "
              f"{len(pages)} requests, p95 {percentile(pages, 0.95):.1f} ms; "
              f"{len(bad)} not 200 {bad[:5]}; largest serving process {rss:.0f} MB resident, "
              f"{anon:.0f} MB of it its own (the rest: index files mapped from the page cache)")
        engine_times = [ms for _, ms in engine[1:]]
        rebuild_s = round(rebuild_s, 2) if rebuild_s is not None else None
        figures = {"datasets": args.n, "build_s": rebuild_s,
                   "p50_ms": round(statistics.median(engine_times), 2),
                   "p95_ms": round(percentile(engine_times, 0.95), 2),
                   "max_ms": round(max(engine_times), 2),
                   "http_p50_ms": round(statistics.median(api), 2),
                   "http_p95_ms": round(percentile(api, 0.95), 2),
                   "http_max_ms": round(max(api), 2),
                   "page_p95_ms": round(percentile(pages, 0.95), 2),
                   "first_pass_http_p95_ms": round(percentile(first_api, 0.95), 2)
                   if first_api else None,
                   "rebuild_db_s": rebuild_s, "store_dictionaries_s": store_s,
                   "rebuild_peak_mb": round(rebuild_mb) if rebuild_mb is not None else None,
                   "serving_rss_mb": round(rss), "serving_anon_mb": round(anon),
                   "errors": len(bad), "backend": "whoosh",
                   "load_average": round(load_after, 1)}
    finally:
        if server is not None:
            stop(server)
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(figures))
    return 0



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
    parser.add_argument("--http", action="store_true",
                        help="end to end: a portal with the datasets in its database, served "
                             "by `portal serve`, queried over HTTP")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="--http: seconds of requests")
    parser.add_argument("--clients", type=int, default=1,
                        help="--http: connections sending requests one after the other")
    parser.add_argument("--no-store", action="store_true",
                        help="--http: do not store package_search's dictionaries after the "
                             "rebuild (every page builds them)")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="--http with the --dir of an earlier run: measure its index as it is")
    args = parser.parse_args(argv)
    if args.http:
        return main_http(args)

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
