"""The sysadmins' page of the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from portal.audit import services
from portal.audit.models import OUTCOMES
from portal.auth import permissions
from portal.catalog.error_pages import register_portal_errors

bp = Blueprint("audit", __name__)
register_portal_errors(bp)
#: Pages past this are refused rather than turned into an offset the database cannot take.
MAX_PAGE = 100_000


@bp.route("/ckan-admin/audit")
@login_required
def index():
    if not permissions.is_sysadmin(current_user):
        abort(403)
    page = request.args.get("page", 1, type=int) or 1
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    filters = services.Filters(
        action=request.args.get("action") if request.args.get("action") in services.ACTIONS
        else None,
        actor=request.args.get("actor", "").strip() or None,
        outcome=request.args.get("outcome") if request.args.get("outcome") in OUTCOMES else None,
    )
    size = services.PAGE_SIZE
    events = services.list_events(current_user, filters, limit=size + 1,
                                  offset=(page - 1) * size)
    return render_template("audit/list.html", events=events[:size], filters=filters, page=page,
                           has_next=len(events) > size, actions=services.ACTIONS,
                           outcomes=OUTCOMES)
