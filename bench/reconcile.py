"""How much the search index's self-repair costs on a large catalog (docs/jobs.md).

    .venv/bin/python bench/reconcile.py               # 100,000 datasets
    .venv/bin/python bench/reconcile.py --n 5000      # smaller, while developing

The catalog is bench/dcat.py's (rows bulk-inserted into SQLite, 3 resources each), indexed once
with ``portal search rebuild``'s code. Then, timed, the search jobs as the queue runs them:
``search.reconcile`` with nothing to repair; ``search.sync`` with nothing new; ``search.sync``
after 200 datasets changed behind the index's back (a kill -9 between commit and indexing);
``search.sync`` after 50 datasets were purged (the count differs: it runs a reconcile). Ends with
one JSON line of seconds, and whether the index equals the database at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from dcat import make_app, populate
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from portal import db, migrations
from portal.catalog.models import Dataset
from portal.db import utcnow
from portal.search import documents, get_backend
from portal.search import tasks as search


def timed(work) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, round(time.perf_counter() - started, 2)


def run(n: int) -> dict[str, object]:
    figures: dict[str, object] = {"datasets": n}
    with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as folder:
        app = make_app(Path(folder))
        migrations.upgrade(app)
        populate(app, n)
        with app.app_context():
            with Session(db.engine()) as session:
                _, figures["index_build_s"] = timed(lambda: get_backend().rebuild(
                    documents.iter_documents(session)))
            figures["reconcile_clean"] = timed(search.reconcile)
            figures["sync_nothing_new"] = timed(search.sync)
            with db.unit_of_work() as session:  # changed behind the index's back
                ids = list(session.scalars(select(Dataset.id).order_by(Dataset.id).limit(200)))
                session.execute(update(Dataset).where(Dataset.id.in_(ids))
                                .values(title="Cambiado", metadata_modified=utcnow()))
            figures["sync_200_changed"] = timed(search.sync)
            with db.unit_of_work() as session:  # purged behind the index's back
                gone = list(session.scalars(select(Dataset.id).order_by(Dataset.id.desc())
                                            .limit(50)))
                for table in ("resource", "dataset_tag", "dataset_theme"):
                    session.execute(db.Base.metadata.tables[table].delete().where(
                        db.Base.metadata.tables[table].c.dataset_id.in_(gone)))
                session.execute(delete(Dataset).where(Dataset.id.in_(gone)))
            figures["sync_50_purged"] = timed(search.sync)
            with Session(db.engine()) as session:
                in_db = documents.modified_in_database(session)
            figures["index_equals_database"] = in_db == get_backend().modified_by_id()
        app.extensions["db_engine"].dispose()
    figures["loadavg"] = round(os.getloadavg()[0], 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    print(json.dumps(run(parser.parse_args().n)))


if __name__ == "__main__":
    main()
