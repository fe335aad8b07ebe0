"""What the dashboard (docs/accounts.md) costs on a large catalog: its queries are bounded (a
page, counts in SQL), so its time should follow the page, not the number of datasets.

    .venv/bin/python bench/dashboard.py             # 100,000 datasets
    .venv/bin/python bench/dashboard.py --n 5000    # smaller, while developing

The catalog is bench/dcat.py's (50 entities, 3 resources per dataset, bulk-inserted into
SQLite), with a failed validation report on every 10th resource. Timed through the WSGI app (no
network): ``/dashboard`` of an editor of one entity (n/50 datasets), of an admin of 10 entities
(n/5), and the last page of the admin's list; each 20 times after one warm-up. Ends with one JSON
line: median and p95 in ms and the SQL statements per request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dcat import make_app, populate
from sqlalchemy import event, insert, select

from portal import db, migrations
from portal.auth import services as auth
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Entity, Resource
from portal.db import new_id, utcnow
from portal.validation.models import ValidationReport

REPEAT = 20


def _people(app) -> None:
    with app.app_context():
        entities = list(db.session.scalars(select(Entity.name).order_by(Entity.name)))
        for name, admin_of, role in (("editora", entities[:1], "editor"),
                                     ("jefa", entities[:10], "admin")):
            auth.create_user({"name": name, "email": f"{name}@example.org",
                              "password": "secreto-123"}, SYSTEM)
            for entity in admin_of:
                auth.set_membership(catalog.get_entity(entity),
                                    {"username": name, "role": role}, SYSTEM)
        now = utcnow()
        ids = list(db.session.scalars(select(Resource.id).order_by(Resource.id)))[::10]
        db.session.rollback()
        with db.engine().begin() as connection:
            connection.execute(insert(ValidationReport), [
                {"id": new_id(), "resource_id": rid, "status": "failure", "validator": "bench",
                 "validator_version": "", "sha256": "", "url": "", "options_digest": "",
                 "error_count": 3, "warning_count": 0, "message": "", "report": None,
                 "created": now, "finished": now} for rid in ids])


def _measure(app, name: str, path: str) -> dict[str, float]:
    client = app.test_client()
    client.post("/user/login", data={"username": name, "password": "secreto-123"})
    statements: list[int] = []
    engine = app.extensions["db_engine"]

    def count(*_args):
        statements.append(1)

    assert client.get(path).status_code == 200  # warm-up
    times = []
    event.listen(engine, "before_cursor_execute", count)
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    event.remove(engine, "before_cursor_execute", count)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "queries": len(statements) // REPEAT}


def run(n: int) -> dict[str, object]:
    figures: dict[str, object] = {"datasets": n}
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        app = make_app(Path(folder))
        # The bench's client logs in over plain HTTP, without a form page first.
        app.config.update(WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)
        migrations.upgrade(app)
        populate(app, n)
        _people(app)
        figures["editor_1_entity"] = _measure(app, "editora", "/dashboard")
        figures["admin_10_entities"] = _measure(app, "jefa", "/dashboard")
        last = max(1, -(-n // 5 // app.config["PORTAL_PAGE_SIZE"]))
        figures["admin_last_page"] = _measure(app, "jefa", f"/dashboard?page={last}")
        app.extensions["db_engine"].dispose()
    figures["loadavg"] = round(os.getloadavg()[0], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    print(json.dumps(run(parser.parse_args().n)))


if __name__ == "__main__":
    main()
