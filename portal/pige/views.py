"""PIGE pages: the national dashboard, each entity's plan with its procedure and progress, and the
forms of the entity's plan officer and AGETIC's reviewers.

Templates receive a version's content only when the reader may see it
(``services.can_see_content``); for a confidential plan they never do, so no page can print it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.auth import permissions
from portal.catalog import error_pages
from portal.catalog import services as catalog
from portal.errors import NotAuthorized, NotFound
from portal.pige import (
    N_,
    documents,
    evaluation,
    national,
    plan_form,
    records,
    registry,
    scope,
    spreadsheet,
    workbook,
)
from portal.pige import services as pige
from portal.pige.models import PlanVersion
from portal.pige.procedure import NEXT_BUSINESS_DAY
from portal.pige.refusals import PlanRefused, refuse, translate
from portal.pige.schemas import ACTION_KIND_LABELS, indicators_of

bp = Blueprint("pige", __name__, url_prefix="/pige")
error_pages.register_portal_errors(bp)

REFUSED = 422


def _year_arg(default: int) -> int:
    value = request.args.get("year", "")
    years = pige.frame().plan.years
    return int(value) if value.isdigit() and int(value) in years else default


def _date_field(name: str) -> dt.date | None:
    value = request.form.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise refuse(name, "invalid_date", N_("La fecha «%(value)s» no es válida (AAAA-MM-DD)."),
                     value=value) from None


def _common() -> dict[str, Any]:
    return {"frame": pige.frame(), "rules": pige.frame().procedure, "tr": translate,
            "ACTION_KIND_LABELS": ACTION_KIND_LABELS, "milestones": pige.agetic_milestones(),
            "window_start_configured": pige.configured_window_start() is not None,
            "window_start": pige.window_start(),
            "registration_deadline": pige.registration_deadline(),
            "rolls_forward": pige.non_business_end_rule() == NEXT_BUSINESS_DAY}


@bp.route("")
def dashboard():
    on = pige.today()
    year = _year_arg(pige.default_year(on))
    board = national.dashboard(year, on, internal=pige.is_monitor(current_user))
    return render_template("pige/dashboard.html", board=board, years=pige.frame().plan.years,
                           registry_files=_registry_files(), my_entities=_my_entities(),
                           is_monitor=pige.is_monitor(current_user),
                           min_hidden=national.MIN_HIDDEN_PLANS, **_common())


def _my_entities() -> list[tuple[Any, bool]]:
    """The entities whose plan the reader may register or follow: (entity, has a plan)."""
    memberships = getattr(current_user, "memberships", None) or []
    entity_ids = [m.entity_id for m in memberships if m.role in pige.OFFICER_ROLES]
    planned = pige.entities_with_plan()
    return [(entity, entity.id in planned)
            for entity in sorted((catalog.get_entity(i) for i in entity_ids),
                                 key=lambda e: e.title)]


def _registry_files() -> list[tuple[str, str]]:
    """(format, download address) of the registry dataset's files, when it is published."""
    dataset = registry.registry_dataset()
    if dataset is None:
        return []
    return [(r.format, url_for("dataset.resource_download", name=dataset.name,
                               resource_id=r.id, filename=r.url))
            for r in dataset.resources]


@bp.route("/entidad/<entity>")
def entity_plan(entity: str):
    """The way in from an entity's page: its plan, or for its officer the form to register it."""
    found = catalog.get_entity(entity)
    if found.id in pige.entities_with_plan():
        return redirect(url_for("pige.plan", entity=found.name))
    if pige.is_officer(current_user, found.id):
        return redirect(url_for("pige.new", entity=found.name))
    if pige.is_monitor(current_user):
        return redirect(url_for("pige.entity_scope", entity=found.name))
    return redirect(url_for("pige.dashboard") + "#pige-entities")


@bp.route("/alcance/<entity>", methods=["GET", "POST"])
@login_required
def entity_scope(entity: str):
    """AGETIC's reviewers and sysadmins record which paragraph of the Disposición Adicional
    Única applies to an entity (it decides whether the entity is flagged overdue)."""
    found = catalog.get_entity(entity)
    permissions.require(pige.is_monitor(current_user), translate(
        N_("Solo la AGETIC o un administrador del portal clasifican a las entidades."), {}))
    current = scope.scope_of(found)
    values = {"paragraph": current.paragraph or "", "note": ""}
    status, errors = 200, {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in ("paragraph", "note")}
        try:
            scope.set_scope(found.name, values["paragraph"], current_user, values["note"])
        except PlanRefused as exc:
            status, errors = REFUSED, exc.fields
        else:
            return redirect(url_for("pige.entity_scope", entity=found.name))
    return _form_page("pige/scope_form.html", status, entity=found, current=current,
                      record=scope.record_of(found), values=values, errors=errors,
                      history=scope.history(found, current_user),
                      has_plan=found.id in pige.entities_with_plan(),
                      paragraphs=[(p, scope.PARAGRAPHS[p][1], scope.legal_basis(p))
                                  for p in scope.PARAGRAPHS])


@bp.route("/revision")
@login_required
def worklist():
    """AGETIC's worklist: plans waiting on its reviewers, the nearest deadline first."""
    permissions.require(pige.is_monitor(current_user), translate(
        N_("La lista de revisión es de los revisores de la AGETIC."), {}))
    on = pige.today()
    return render_template("pige/worklist.html", items=national.agetic_worklist(on), today=on,
                           **_common())


@bp.route("/evaluacion-final")
@bp.route("/evaluacion-final.<fmt>")
def final_evaluation(fmt: str = "html"):
    """The 2028 final evaluation for COPLUTIC (6.2), or a preliminary one for ``year``."""
    years = pige.frame().plan.years
    value = request.args.get("year", "")
    year = int(value) if value.isdigit() and int(value) in years else evaluation.FINAL_YEAR
    internal = pige.is_monitor(current_user)
    lines = evaluation.evaluate(year, internal=internal)
    if fmt == "csv":
        return Response(evaluation.csv_bytes(lines), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=pige-evaluacion-{year}.csv"})
    if fmt != "html":
        raise NotFound(translate(N_("Formato no disponible: use .csv."), {}))
    return render_template("pige/evaluation.html", lines=lines, year=year, years=years,
                           internal=internal, final=year == evaluation.FINAL_YEAR,
                           today=pige.today(), **_common())


@bp.route("/marco")
def national_frame():
    return render_template("pige/frame.html", serving=national.indicators_by_target(),
                           **_common())


def _plan_page(version: PlanVersion, status: int = 200, errors: dict | None = None,
               form: dict | None = None):
    on = pige.today()
    plan = version.plan
    visible = pige.can_see_content(current_user, version)
    year = _year_arg(pige.default_year(on))
    progress = pige.progress_of(version, year) if visible else None
    context = {
        "plan": plan,
        "version": version,
        "public": records.public_record(version, on),
        "content": records.content_record(version) if visible else None,
        "indicators": {i["id"]: i for i in indicators_of(version.content)} if visible else {},
        "progress": progress,
        "year": year,
        "years": pige.frame().plan.years,
        "versions": [(v, pige.can_see_content(current_user, v)) for v in plan.versions],
        "moves": pige.allowed_moves(version, current_user),
        "can_edit": (visible and pige.is_officer(current_user, plan.entity_id)
                     and version is plan.latest and version.state in pige.EDITABLE_STATES),
        "can_report": (visible and pige.is_officer(current_user, plan.entity_id)
                       and pige.is_approved(version)),
        "can_update": (pige.is_officer(current_user, plan.entity_id)
                       and version is plan.latest and pige.is_approved(version)),
        "errors": errors or {},
        "form": form or {},
        "today": on,
        "documents": documents.records(version) if visible else [],
        "document_kinds": [(kind, documents.label(kind)) for kind in documents.KINDS],
        "responsible": pige.responsible_of(plan.entity_id) if visible else None,
        "can_designate": _can_designate(plan.entity_id),
        "entity_scope": scope.scope_of(plan.entity),
        "is_monitor": pige.is_monitor(current_user),
        "can_upload": visible and pige.is_officer(current_user, plan.entity_id)
        and any(s.state in ("codigo_asignado", "aprobado") for s in version.steps),
    }
    return render_template("pige/plan.html", **context, **_common()), status


def _can_designate(entity_id: str) -> bool:
    return permissions.is_sysadmin(current_user) \
        or permissions.role(current_user, entity_id) == "admin"


@bp.route("/plan/<entity>/v<int:number>/documento", methods=["POST"])
@login_required
def upload_document(entity: str, number: int):
    found = pige.get_version(entity, number)
    upload = request.files.get("file")
    try:
        documents.upload(found, request.form.get("kind", ""), upload.stream if upload else None,
                         upload.filename if upload else "", current_user)
    except PlanRefused as exc:
        return _plan_page(found, REFUSED, errors=exc.fields)
    return redirect(url_for("pige.version", entity=entity, number=number) + "#pige-documents")


@bp.route("/plan/<entity>/v<int:number>/documento/<kind>")
def document(entity: str, number: int, kind: str):
    found = pige.get_version(entity, number)
    stored = found.document(kind)
    if stored is None or not documents.can_read(current_user, found):
        raise NotFound(translate(N_("Este documento del plan no existe o no se publica."), {}))
    return documents.send(stored)


@bp.route("/responsable/<entity>", methods=["GET", "POST"])
@login_required
def responsible(entity: str):
    found = catalog.get_entity(entity)
    permissions.require(_can_designate(found.id))
    current = pige.responsible_of(found.id)
    values = {"username": current.user.name if current else "",
              "designation": current.designation if current else ""}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            documents.designate(found.name, values.get("username", ""), current_user,
                                designation=values.get("designation", ""))
        except PlanRefused as exc:
            return _form_page("pige/responsible_form.html", REFUSED, entity=found,
                              values=values, errors=exc.fields, current=current)
        return redirect(url_for("pige.responsible", entity=found.name))
    return _form_page("pige/responsible_form.html", entity=found, values=values, errors={},
                      current=current)[0]


@bp.route("/plan/<entity>")
def plan(entity: str):
    found = pige.get_plan(entity)
    return _plan_page(pige.shown_version(found, current_user))[0]


@bp.route("/plan/<entity>/v<int:number>")
def version(entity: str, number: int):
    return _plan_page(pige.get_version(entity, number))[0]


# --- the officer's forms ---------------------------------------------------------------------


def _content_from_form() -> tuple[dict[str, Any], dict[str, str]]:
    """Title, summary and content from the form: the structured fields, or, when the import box
    holds a whole plan as JSON, that. Also the map of content paths to the fields."""
    data: dict[str, Any] = {"title": request.form.get("title", ""),
                            "summary": request.form.get("summary", "")}
    raw = request.form.get("content", "").strip()
    sheet = request.files.get("spreadsheet")
    if sheet is not None and sheet.filename:
        data["content"], source = spreadsheet.parse(sheet.read(), pige.frame().plan.years)
        return data, {"spreadsheet": source}  # type: ignore[dict-item]
    if not raw:
        data["content"], names = plan_form.fields_to_content(request.form, pige.frame().plan.years)
        return data, names
    try:
        data["content"] = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise refuse("content", "invalid_json",
                     N_("El contenido no es JSON válido (línea %(line)s, columna %(column)s): "
                        "%(reason)s."), line=exc.lineno, column=exc.colno, reason=exc.msg) from None
    return data, {}


def _form_page(template: str, status: int = 200, **context):
    return render_template(template, **context, **_common()), status


def _form_errors(fields: dict[str, list[str]], names: dict[str, Any]) -> dict[str, list[str]]:
    """Refusals of the content check, on the form field that caused them, or on the
    spreadsheet with the sheet, row and column of the value."""
    source = names.get("spreadsheet")
    if source is None:
        return plan_form.map_errors(fields, names)
    out: dict[str, list[str]] = {}
    for path, messages in fields.items():
        where = source.where(path)
        if not where and path not in ("lines", "content"):
            out.setdefault(path, []).extend(messages)
            continue
        out.setdefault("spreadsheet", []).extend(f"{where}: {m}" if where else m
                                                 for m in messages)
    return out


def _download(data: bytes, fmt: str, name: str) -> Response:
    return Response(data, mimetype=workbook.MIMETYPE if fmt == "xlsx" else "text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}.{fmt}"})


@bp.route("/plantilla.<any(csv, xlsx):fmt>")
def spreadsheet_template(fmt: str):
    frame = pige.frame()
    data = spreadsheet.template_xlsx(frame) if fmt == "xlsx" \
        else spreadsheet.template(frame.plan.years)
    return _download(data, fmt, "pige-plantilla")


@bp.route("/plan/<entity>/v<int:number>/planilla.<any(csv, xlsx):fmt>")
def spreadsheet_export(entity: str, number: int, fmt: str):
    found = pige.get_version(entity, number)
    if not pige.can_see_content(current_user, found):
        raise NotFound(translate(N_("El contenido de este plan no se publica."), {}))
    frame = pige.frame()
    data = spreadsheet.export_xlsx(found.content, frame) if fmt == "xlsx" \
        else spreadsheet.export(found.content, frame.plan.years)
    return _download(data, fmt, f"pige-{found.plan.entity.name}-v{found.number}")


def _plan_form(entity, values: dict[str, str], version=None, errors=None, status: int = 200):
    targets = [(t.id, f"{t.id}: {t.target[:70]}{'…' if len(t.target) > 70 else ''}")
               for t in pige.frame().targets]
    return _form_page("pige/plan_form.html", status, entity=entity, values=values,
                      errors=errors or {}, version=version, slots=plan_form.layout(values),
                      national_targets=targets)


def _saved(entity: str, number: int):
    if request.form.get("continue"):
        return redirect(url_for("pige.edit", entity=entity, number=number))
    return redirect(url_for("pige.version", entity=entity, number=number))


@bp.route("/plan/<entity>/nuevo", methods=["GET", "POST"])
@login_required
def new(entity: str):
    found = catalog.get_entity(entity)
    permissions.require(pige.is_officer(current_user, found.id))
    values = {"title": "", "summary": "", "kind": "formulacion"}
    if request.method == "POST":
        values = {**values, **request.form.to_dict()}
        names: dict[str, str] = {}
        try:
            data, names = _content_from_form()
            created = pige.create_plan(found.name, data, current_user,
                                       kind=request.form.get("kind", "formulacion"))
        except PlanRefused as exc:
            return _plan_form(found, values, errors=_form_errors(exc.fields, names),
                              status=REFUSED)
        return _saved(found.name, created.number)
    return _plan_form(found, values)[0]


@bp.route("/plan/<entity>/v<int:number>/editar", methods=["GET", "POST"])
@login_required
def edit(entity: str, number: int):
    found = pige.get_version(entity, number)
    permissions.require(pige.is_officer(current_user, found.plan.entity_id)
                        and pige.can_see_content(current_user, found))
    if request.method == "GET" and not pige.is_editable(found):
        raise NotAuthorized(pige.locked_message(found))
    values = {"title": found.title, "summary": found.summary,
              **plan_form.content_to_fields(found.content, pige.frame().plan.years)}
    if request.method == "POST":
        values = request.form.to_dict()
        names: dict[str, str] = {}
        try:
            data, names = _content_from_form()
            pige.update_content(found, data, current_user)
        except PlanRefused as exc:
            return _plan_form(found.plan.entity, values, found,
                              _form_errors(exc.fields, names), REFUSED)
        return _saved(entity, number)
    return _plan_form(found.plan.entity, values, found)[0]


@bp.route("/plan/<entity>/nueva-version", methods=["POST"])
@login_required
def update(entity: str):
    found = pige.get_plan(entity)
    try:
        created = pige.new_version(found, {}, current_user)
    except PlanRefused as exc:
        return _plan_page(found.latest, REFUSED, errors=exc.fields)
    return redirect(url_for("pige.edit", entity=entity, number=created.number))


@bp.route("/plan/<entity>/v<int:number>/paso", methods=["POST"])
@login_required
def move(entity: str, number: int):
    found = pige.get_version(entity, number)
    form = request.form.to_dict()
    try:
        pige.move(
            found, form.get("action", ""), current_user, on=_date_field("on"),
            observations=form.get("observations"),
            observation_sections={key[4:]: value for key, value in form.items()
                                  if key.startswith("obs-")},
            identifier_code=form.get("identifier_code"),
            resolution_number=form.get("resolution_number"),
            resolution_cited_code=form.get("resolution_cited_code"),
            confidential=form.get("confidential") in ("on", "1", "true"),
        )
    except PlanRefused as exc:
        return _plan_page(found, REFUSED, errors=exc.fields, form=form)
    return redirect(url_for("pige.version", entity=entity, number=number))


@bp.route("/plan/<entity>/v<int:number>/avance/<int:year>", methods=["GET", "POST"])
@login_required
def report(entity: str, number: int, year: int):
    found = pige.get_version(entity, number)
    # A confidential plan is still reported on (6.2): only its publication is exempted.
    permissions.require(pige.is_officer(current_user, found.plan.entity_id)
                        and pige.can_see_content(current_user, found))
    indicators = indicators_of(found.content)
    existing = found.report(year)
    values = {}
    for indicator in indicators:
        value = existing.value(indicator["id"]) if existing else None
        values[indicator["id"]] = {
            "achieved": "" if value is None else f"{value.achieved:.15g}",
            "comment": value.comment if value else "",
            "evidence": " ".join(value.evidence) if value else "",
        }
    if request.method == "POST":
        values = {
            i["id"]: {key: request.form.get(f"{key}-{i['id']}", "").strip()
                      for key in ("achieved", "comment", "evidence")}
            for i in indicators
        }
        try:
            pige.submit_report(found, year, values, current_user)
        except PlanRefused as exc:
            return _form_page("pige/report_form.html", REFUSED, version=found, year=year,
                              indicators=indicators, values=values, errors=exc.fields)
        return redirect(url_for("pige.version", entity=entity, number=number, year=year))
    if year not in pige.frame().plan.years:
        exc = refuse("year", "year_outside_period",
                     N_("El año %(year)s está fuera del periodo del plan (%(start)s-%(end)s)."),
                     year=year, start=pige.frame().plan.start_year,
                     end=pige.frame().plan.end_year)
        return _form_page("pige/report_form.html", REFUSED, version=found, year=year,
                          indicators=indicators, values=values, errors=exc.fields)
    return _form_page("pige/report_form.html", version=found, year=year, indicators=indicators,
                      values=values, errors={})[0]
