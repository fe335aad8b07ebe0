"""DCAT benchmark: a synthetic catalog of 100,000 datasets (3 distributions each), exported as a
full Turtle dump and as one page of ``/catalog.ttl``.

    .venv/bin/python bench/dcat.py                   # 100,000 datasets
    .venv/bin/python bench/dcat.py --datasets 2000   # smaller, while developing

Rows are bulk-inserted with SQLAlchemy core (the services would take far longer and are not what
is measured). The dump is ``portal dump build --format ttl`` from scratch: every dataset's fragment
written from the database in chunks, then streamed into ``catalog.ttl.gz`` with the prefixes once.
It runs in a child process so its peak memory (max RSS) is its own. The page is the median of
several ``GET /catalog.ttl?page=N`` (100 datasets) through the Flask test client, once the
portal keeps the whole catalog's ordering; the first two requests after a change (the first
pages by SQL, the second also sorts the whole catalog once, to keep) are printed as well.
Targets on a 2-core machine: dump <= 60 s, peak < 300 MB, page <= 150 ms. Ends with one JSON
line: ``datasets``, ``dump_s``, ``dump_peak_mb``, ``page_ms``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from portal import create_app, db, migrations
from portal.catalog.models import (
    Dataset,
    Entity,
    Resource,
    Tag,
    Theme,
    dataset_tag,
    dataset_theme,
)
from portal.db import new_id

KINDS = ("ministerio", "agencia", "gobierno-municipal", "gobierno-departamental", "universidad")
EU_THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "SOCI", "TECH", "TRAN")
FORMATS = (("CSV", "text/csv"), ("XLSX", ""), ("JSON", "application/json"), ("PDF", ""))
SPATIAL = ("BO", "BO-L", "BO-C", "BO-S", "BO-H", "BO-O", "BO-P", "BO-T", "BO-B", "BO-N")
FREQUENCIES = ("ANNUAL", "MONTHLY", "QUARTERLY", "IRREG")
LICENSES = ("CC-BY-4.0", "CC0-1.0", "ODC-ODbL-1.0")
CHUNK = 5000


def make_app(instance: Path):
    return create_app({
        "PORTAL_DATABASE_URL": f"sqlite:///{instance / 'bench.db'}",
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_SECRET_KEY": "bench",
        "PORTAL_SITE_URL": "https://datos.gob.bo",
        # No background jobs: they would compete with what is timed, and outlive the
        # temporary instance (a reconcile job found its index folder gone at exit).
        "PORTAL_JOBS_MODE": "off",
    })


def populate(app, count: int) -> None:
    rng = random.Random(5)
    now = datetime(2025, 6, 1)
    with app.app_context(), db.engine().begin() as connection:
        entities = [{"id": new_id(), "name": f"entidad-{i}", "title": f"Entidad pública {i}",
                     "description": "", "kind": KINDS[i % len(KINDS)], "level": "central",
                     "website": f"https://entidad{i}.gob.bo", "email": f"datos@entidad{i}.gob.bo",
                     "logo_url": "", "state": "active", "created": now, "modified": now}
                    for i in range(50)]
        connection.execute(insert(Entity), entities)
        themes = [{"id": new_id(), "name": f"tema-{i}", "title": f"Tema {i}", "description": "",
                   "eu_theme": code, "image_url": "", "state": "active", "created": now,
                   "modified": now} for i, code in enumerate(EU_THEMES)]
        connection.execute(insert(Theme), themes)
        tags = [{"id": new_id(), "name": f"palabra-{i}"} for i in range(500)]
        connection.execute(insert(Tag), tags)
        for start in range(0, count, CHUNK):
            datasets, resources, tag_links, theme_links = [], [], [], []
            for i in range(start, min(count, start + CHUNK)):
                dataset_id = new_id()
                modified = now - timedelta(minutes=i)
                datasets.append({
                    "id": dataset_id, "name": f"conjunto-{i}",
                    "title": f"Conjunto de datos {i}: indicadores por departamento",
                    "description": f"Indicadores del conjunto {i}, por departamento y gestión.",
                    "entity_id": entities[i % 50]["id"], "license_id": LICENSES[i % 3],
                    "contact_name": "Unidad de datos", "contact_email": "datos@gob.bo",
                    "access_rights": "public", "temporal_start": date(2020, 1, 1),
                    "temporal_end": date(2024, 12, 31),
                    "spatial": [SPATIAL[0], SPATIAL[1 + i % 9]],
                    "frequency": FREQUENCIES[i % 4], "language": ["es"], "landing_page": "",
                    "version": "1.0", "identifier": f"BO-{i}", "issued": date(2024, 1, 1),
                    "modified": modified.date(), "state": "active", "private": False,
                    "extras": {}, "creator_user_id": None, "metadata_created": modified,
                    "metadata_modified": modified,
                })
                for position in range(3):
                    fmt, media = FORMATS[(i + position) % len(FORMATS)]
                    resources.append({
                        "id": new_id(), "dataset_id": dataset_id, "position": position,
                        "name": f"Recurso {position + 1}", "description": "Datos del recurso.",
                        "url": f"https://entidad.gob.bo/datos/{i}/{position}.{fmt.lower()}",
                        "url_type": "", "storage_key": "", "format": fmt, "media_type": media,
                        "size": rng.randrange(1000, 10_000_000), "sha256": "", "license_id": "",
                        "schema": None, "created": modified, "modified": modified,
                    })
                for tag in rng.sample(tags, 3):
                    tag_links.append({"dataset_id": dataset_id, "tag_id": tag["id"]})
                theme_links.append({"dataset_id": dataset_id, "theme_id": themes[i % 10]["id"]})
            connection.execute(insert(Dataset), datasets)
            connection.execute(insert(Resource), resources)
            connection.execute(insert(dataset_tag), tag_links)
            connection.execute(insert(dataset_theme), theme_links)


def dump_child(instance: Path) -> None:
    """Run in a fresh process: the full Turtle dump, from no fragments at all."""
    from portal.feeds import dumps
    from portal.storage import storage

    app = make_app(instance)
    with app.app_context():
        started = time.perf_counter()
        count = dumps.rebuild_fragments()
        key = dumps.build(("ttl",))["ttl"]
        seconds = time.perf_counter() - started
        size = storage().stat(key).size
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"count": count, "dump_s": round(seconds, 2),
                      "dump_peak_mb": round(peak_mb, 1), "bytes": size}))


def populated_app(instance: Path, count: int):
    """The app on ``instance``, migrated and holding ``count`` datasets; says how long filling
    it took."""
    app = make_app(instance)
    migrations.upgrade(app)
    started = time.perf_counter()
    populate(app, count)
    print(f"populated {count} datasets x 3 distributions in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return app


def page_ms(app, count: int, repeat: int = 7) -> tuple[float, float, float]:
    """(median page, first request after a change, second request) in milliseconds."""
    client = app.test_client()
    pages = max(1, count // 100)

    def timed(page: int) -> float:
        started = time.perf_counter()
        response = client.get(f"/catalog.ttl?page={page}")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.data[:200]
        return elapsed

    # Python's own caches (vocabulary tables, compiled queries) warmed by requests that keep
    # nothing about the catalog: "first" is then as after a change.
    assert client.get("/dataset/conjunto-0.ttl").status_code == 200
    assert client.get("/catalog.csv?q=ninguno").status_code == 200
    first = timed(max(1, pages * 2 // 3))
    second = timed(max(1, pages // 3))
    timings = [timed(1 + (n * 7919) % pages) for n in range(repeat)]
    return statistics.median(timings), first, second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100_000)
    parser.add_argument("--dump-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump_child:
        dump_child(args.dump_child)
        return
    with tempfile.TemporaryDirectory(prefix="bench-dcat-") as tmp:
        instance = Path(tmp)
        app = populated_app(instance, args.datasets)
        child = subprocess.run([sys.executable, __file__, "--dump-child", str(instance)],
                               capture_output=True, text=True, check=True)
        dump = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"full Turtle dump: {dump['count']} datasets in {dump['dump_s']} s, "
              f"peak {dump['dump_peak_mb']} MB, {dump['bytes'] / 1e6:.1f} MB gzipped", flush=True)
        ms, first, second = page_ms(app, args.datasets)
        print(f"/catalog.ttl page of 100 datasets: {ms:.0f} ms (median); after a change: "
              f"{first:.0f} ms, then {second:.0f} ms (sorts the catalog once)", flush=True)
        app.extensions["db_engine"].dispose()
        print(json.dumps({"datasets": args.datasets, "dump_s": dump["dump_s"],
                          "dump_peak_mb": dump["dump_peak_mb"], "page_ms": round(ms, 1)}))


if __name__ == "__main__":
    main()
