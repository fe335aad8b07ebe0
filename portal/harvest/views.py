"""Pages for entity admins: their harvest sources, each source's job history, and a job's full
report (every item and every error), downloadable as CSV."""

from __future__ import annotations

import io
from collections.abc import Iterator

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal import csvsafe
from portal.catalog.error_pages import register_portal_errors
from portal.harvest import services
from portal.harvest.models import ITEM_STATUSES

bp = Blueprint("harvest", __name__, url_prefix="/harvest")

STATUS_LABELS = {
    "added": _l("Nuevo"), "updated": _l("Actualizado"), "unchanged": _l("Sin cambios"),
    "deleted": _l("Dado de baja"), "failed": _l("Con error"), "skipped": _l("Omitido"),
    "running": _l("En curso"), "done": _l("Completado"), "errors": _l("Completado con errores"),
    "timed_out": _l("Detenido por demora"),
}  # "failed" reads the same for a job and for an item
CSV_COLUMNS = ("remote_id", "title", "status", "message", "remote_url", "dataset_id",
               "content_hash")
register_portal_errors(bp)


@bp.context_processor
def _labels() -> dict:
    return {"HARVEST_STATUS_LABELS": STATUS_LABELS}


@bp.route("/")
@login_required
def index():
    sources = services.list_sources(current_user)
    rows = [(source, services.last_job(source), services.datasets_of(source))
            for source in sources]
    return render_template("harvest/source_list.html", rows=rows)


@bp.route("/<name>")
@login_required
def source(name: str):
    found = services.read_source(name, current_user)
    page = max(1, request.args.get("page", 1, type=int))
    jobs = services.list_jobs(found, limit=50, offset=(page - 1) * 50)
    return render_template("harvest/source.html", source=found, jobs=jobs, page=page,
                           next_run=services.next_run(found),
                           running=services.is_running(found),
                           datasets=services.datasets_of(found))


@bp.route("/job/<job_id>")
@login_required
def job(job_id: str):
    found = services.read_job(job_id, current_user)
    status = request.args.get("status") or None
    if status not in ITEM_STATUSES:
        status = None
    return render_template("harvest/job.html", job=found, source=found.source,
                           errors=services.job_errors(found),
                           items=services.job_items(found, status=status), status=status,
                           statuses=ITEM_STATUSES)


@bp.route("/job/<job_id>.csv")
@login_required
def job_csv(job_id: str):
    found = services.read_job(job_id, current_user)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)
        writer.writerow(("kind", *CSV_COLUMNS))
        for error in services.job_errors(found):
            writer.writerow(("job-error", "", "", error.type, error.message, error.url, "", ""))
        yield buffer.getvalue()
        for item in services.job_items(found):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(("item", *(getattr(item, column) or "" for column in CSV_COLUMNS)))
            yield buffer.getvalue()

    filename = f"cosecha-{found.source.name}-{found.started:%Y%m%d-%H%M%S}.csv"
    return Response(stream_with_context(rows()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
