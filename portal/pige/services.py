"""Business rules of stored PIGE plans. The only writers of plans, versions, steps and reports.

Every write is one unit of work: the change, its activity record and the refreshed PIGE registry
dataset of the catalog commit together, or nothing does. Refusals are ``PlanRefused`` (a
``ValidationError`` with stable codes) and change nothing.

Who acts (the procedure's roles, read in ``standards/pige/procedure.json``):

* ``entity_officer``: an ``admin`` or ``editor`` of the plan's entity (the entity's
  *responsable de implementación de Gobierno Electrónico*);
* ``agetic_reviewer``: an ``admin`` or ``editor`` of the AGETIC entity (slug ``agetic``);
* ``sysadmin``: a sysadmin of the portal (and the system actor of the CLI and the demo).

Who sees a version's content (lines, actions, indicators, budget, reports): everyone once it is
published; before that, and always when its approving resolution declares it confidential, the
members of its entity, AGETIC's reviewers and sysadmins. Confidentiality limits publication
(6.1 num. 10), not monitoring (6.2): a confidential plan is reported on and counted in AGETIC's
internal figures, and stays out of every public output. Its existence, entity and procedure
dates are always public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import db
from portal.activity import services as activity
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.models import Entity
from portal.errors import NotFound
from portal.pige import N_
from portal.pige.frame import Frame, default_frame
from portal.pige.models import (
    Plan,
    PlanStep,
    PlanVersion,
    ProgressReport,
    ProgressValue,
    ResponsibleOfficer,
)
from portal.pige.procedure import (
    NON_BUSINESS_END_RULES,
    PlanProcedure,
    ProcedureMachine,
    Resolution,
    Step,
    StepStatus,
    TransitionError,
)
from portal.pige.progress import (
    Indicator,
    PlanInput,
    PlanProgress,
    ProgressError,
    check_year,
    plan_progress,
)
from portal.pige.refusals import PlanRefused, Problem, refuse, translate
from portal.pige.schemas import check_content, check_report_values, indicators_of

AGETIC = "agetic"
OFFICER_ROLES = ("admin", "editor")
#: States in which the entity may still change the content of a version.
EDITABLE_STATES = ("borrador", "observado")
#: Role preferred when an actor holds several that may make a move.
ROLE_PREFERENCE = ("entity_officer", "agetic_reviewer", "sysadmin")


@cache
def frame() -> Frame:
    return default_frame()


def non_business_end_rule() -> str:
    """``PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE``: what a calendar-day deadline that ends on a
    non-business day does (``next_business_day`` or ``same_day``)."""
    rule = str(current_app.config.get("PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE")
               or "next_business_day").strip()
    if rule not in NON_BUSINESS_END_RULES:
        raise ValueError(f"PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE must be one of "
                         f"{', '.join(NON_BUSINESS_END_RULES)}, not {rule!r}")
    return rule


@cache
def _machine(rule: str) -> ProcedureMachine:
    return ProcedureMachine(frame(), non_business_end=rule)


def machine() -> ProcedureMachine:
    return _machine(non_business_end_rule())


def today() -> dt.date:
    return dt.date.today()


# --- configuration ---------------------------------------------------------------------------


def agetic_milestones() -> list[dict[str, Any]]:
    """AGETIC's own milestones (6.1 num. 1 and 2), each with the latest date the decree allows:
    30 calendar days for the minimum contents from the plan's approval, then 30 for the PIGE
    component of the SRSP. ``on`` is the date it happened when the portal knows it (the SRSP
    component: ``PORTAL_PIGE_WINDOW_START``), else None."""
    rules = frame().procedure
    start = dt.date.fromisoformat(frame().plan.norm_date)
    out = []
    for milestone_id in ("minimum_contents", "srsp_component"):
        milestone = rules.milestone(milestone_id)
        latest = machine().deadline(start, milestone.days, milestone.unit)
        on = configured_window_start() if milestone_id == "srsp_component" else None
        out.append({"id": milestone_id, "milestone": milestone, "from": start,
                    "latest": latest, "on": on})
        start = on or latest
    return out


def srsp_component_date() -> dt.date:
    """The latest date the decree allows for the PIGE component of the SRSP (6.1 num. 1, 2)."""
    return next(m["latest"] for m in agetic_milestones() if m["id"] == "srsp_component")


def configured_window_start() -> dt.date | None:
    """``PORTAL_PIGE_WINDOW_START``: the date the SRSP component was implemented, if set."""
    value = current_app.config.get("PORTAL_PIGE_WINDOW_START")
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def window_start() -> dt.date:
    """The date the 90-calendar-day registration window runs from: ``PORTAL_PIGE_WINDOW_START``,
    or when unset the latest date the decree allows for the SRSP component (an estimate: pages
    label it so)."""
    return configured_window_start() or srsp_component_date()


def registration_deadline() -> dt.date:
    """The last day of the 90-calendar-day window to register a first plan (6.1 num. 3)."""
    start = window_start()
    return machine().window_deadline(machine().start("formulacion", start, window_start=start))


# --- who may do what -------------------------------------------------------------------------


def _authenticated(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def agetic_entity() -> Entity | None:
    return db.session.scalar(select(Entity).where(Entity.name == AGETIC,
                                                  Entity.state == "active"))


def is_agetic_reviewer(actor) -> bool:
    if not _authenticated(actor) or permissions.is_sysadmin(actor):
        return False
    agetic = agetic_entity()
    return agetic is not None and permissions.role(actor, agetic.id) in OFFICER_ROLES


def roles_for(actor, entity_id: str) -> tuple[str, ...]:
    """The procedure roles ``actor`` holds for a plan of ``entity_id``, most specific first."""
    if not _authenticated(actor):
        return ()
    roles = []
    if permissions.role(actor, entity_id) in OFFICER_ROLES and not permissions.is_sysadmin(actor):
        roles.append("entity_officer")
    if is_agetic_reviewer(actor):
        roles.append("agetic_reviewer")
    if permissions.is_sysadmin(actor):
        roles.append("sysadmin")
    return tuple(roles)


def is_monitor(actor) -> bool:
    """AGETIC's reviewers and sysadmins: they evaluate and monitor every plan (6.2)."""
    return _authenticated(actor) and (permissions.is_sysadmin(actor) or is_agetic_reviewer(actor))


def is_officer(actor, entity_id: str) -> bool:
    roles = roles_for(actor, entity_id)
    return "entity_officer" in roles or "sysadmin" in roles


def content_public(version: PlanVersion) -> bool:
    return version.state == "publicado" and not version.confidential


def can_see_content(actor, version: PlanVersion) -> bool:
    """Published and not confidential: everyone. Before publication, and when the resolution
    declares the plan confidential (6.1 num. 10 exempts it from publication only): the
    entity's members, AGETIC's reviewers and sysadmins, who monitor it (6.2)."""
    if content_public(version):
        return True
    if not _authenticated(actor):
        return False
    return is_monitor(actor) or permissions.role(actor, version.plan.entity_id) is not None


# --- reading ---------------------------------------------------------------------------------


def _plans_query():
    return select(Plan).options(
        selectinload(Plan.versions).selectinload(PlanVersion.steps),
        selectinload(Plan.versions).selectinload(PlanVersion.reports)
        .selectinload(ProgressReport.values),
    )


def list_plans() -> list[Plan]:
    """Every plan, by entity title."""
    plans = db.session.scalars(_plans_query().join(Plan.entity).order_by(Entity.title))
    return list(plans.unique())


def entities_with_plan() -> set[str]:
    return set(db.session.scalars(select(Plan.entity_id)))


def get_plan(entity_ref: str) -> Plan:
    """The plan of an entity (by name or id)."""
    entity = catalog.get_entity(entity_ref)
    plan = db.session.scalar(_plans_query().where(Plan.entity_id == entity.id))
    if plan is None:
        raise NotFound(translate(N_("La entidad «%(entity)s» no tiene un PIGE registrado."),
                                 {"entity": entity.title}))
    return plan


def get_version(entity_ref: str, number: int | None = None) -> PlanVersion:
    """A version of an entity's plan; the latest when ``number`` is None."""
    plan = get_plan(entity_ref)
    if number is None:
        return plan.latest
    version = plan.version(number)
    if version is None:
        raise NotFound(translate(N_("El PIGE de «%(entity)s» no tiene la versión %(number)s."),
                                 {"entity": plan.entity.title, "number": number}))
    return version


def shown_version(plan: Plan, actor) -> PlanVersion:
    """The version a reader lands on: the latest whose content they may see, else the latest."""
    for version in reversed(plan.versions):
        if can_see_content(actor, version):
            return version
    return plan.latest


def approved_states() -> frozenset[str]:
    return frame().procedure.approved_states


def is_approved(version: PlanVersion) -> bool:
    return version.state in approved_states()


def current_version(plan: Plan) -> PlanVersion:
    """The version in force: the latest approved one, or the latest when none is approved."""
    for version in reversed(plan.versions):
        if is_approved(version):
            return version
    return plan.latest


def procedure_of(version: PlanVersion) -> PlanProcedure:
    """The version's stored steps as the machine's record."""
    steps = tuple(
        Step(
            action=s.action, state=s.state, on=s.on, role=s.role,
            observations=s.observations or None,
            identifier_code=s.identifier_code or None,
            resolution=Resolution(s.resolution_number, s.resolution_cited_code,
                                  s.resolution_confidential) if s.resolution_number else None,
        )
        for s in version.steps
    )
    return PlanProcedure(version.kind, version.created_on, frame().procedure.initial_state,
                         version.window_start, steps)


def schedule(version: PlanVersion, on: dt.date | None = None) -> tuple[StepStatus, ...]:
    return machine().schedule(procedure_of(version), on or today())


def current_step(version: PlanVersion, on: dt.date | None = None) -> StepStatus | None:
    return machine().current(procedure_of(version), on or today())


def allowed_moves(version: PlanVersion, actor) -> list[tuple[Any, str]]:
    """The moves ``actor`` may make now, each with the role it would act in."""
    if version is not version.plan.latest:
        return []
    procedure = procedure_of(version)
    moves: dict[str, tuple[Any, str]] = {}
    for role in roles_for(actor, version.plan.entity_id):
        for transition in machine().allowed_actions(procedure, role):
            moves.setdefault(transition.action, (transition, role))
    return list(moves.values())


# --- writing: plans and versions -------------------------------------------------------------


def _dataset_exists(name: str) -> bool:
    try:
        dataset = catalog.get_dataset(name)
    except NotFound:
        return False
    return dataset.state == "active"


def _header(data: Mapping[str, Any]) -> tuple[str, str]:
    title = str(data.get("title") or "").strip()
    if not title:
        raise refuse("title", "missing_field", N_("Falta el título del plan."))
    if len(title) > 500:
        raise refuse("title", "too_long", N_("El título supera los 500 caracteres."))
    return title, str(data.get("summary") or "").strip()


def record_activity(activity_type: str, version: PlanVersion, actor, **data: Any) -> None:
    """Activity of a plan: what happened and when, never the plan's content."""
    plan = version.plan
    activity.record(activity_type, "pige_plan", plan.id, actor, entity_id=plan.entity_id,
                    data={"entity": plan.entity.name, "version": version.number, **data})


def after_change(version: PlanVersion) -> None:
    from portal.pige import registry

    now = db.utcnow()
    version.modified = now
    version.plan.modified = now
    db.session.flush()
    registry.refresh()


def create_plan(entity_ref: str, data: Mapping[str, Any], actor, *,
                kind: str = "formulacion", on: dt.date | None = None) -> PlanVersion:
    """Open the first version of an entity's plan, as a draft (``borrador``).

    ``data``: ``title``, ``summary`` and ``content`` (see ``portal.pige.schemas``). ``kind`` is
    ``formulacion`` (first plan) or ``adecuacion`` (plan approved under DS 3251); both have the
    90-calendar-day window from ``window_start()``.
    """
    entity = catalog.get_entity(entity_ref)
    permissions.require(is_officer(actor, entity.id), translate(
        N_("Solo el responsable del plan de la entidad (administrador o editor) puede "
           "registrar su PIGE."), {}))
    if db.session.scalar(select(Plan.id).where(Plan.entity_id == entity.id)):
        raise refuse("entity", "plan_exists",
                     N_("La entidad «%(entity)s» ya tiene un PIGE; registre una nueva versión."),
                     entity=entity.title)
    if kind == "actualizacion":
        raise refuse("kind", "unknown_plan_kind",
                     N_("Un primer plan es de formulación o de adecuación, no de actualización."))
    title, summary = _header(data)
    content = check_content(data.get("content"), frame(), _dataset_exists)
    on = on or today()
    try:
        procedure = machine().start(kind, on, window_start=window_start())
    except TransitionError as exc:
        raise PlanRefused([Problem.from_error("kind", exc)]) from None
    with db.unit_of_work():
        plan = Plan(entity=entity)
        version = _new_version(plan, 1, procedure, title, summary, content)
        db.session.add(plan)
        db.session.flush()
        record_activity("new pige plan", version, actor, kind=kind, created_on=on)
        after_change(version)
    return version


def _new_version(plan: Plan, number: int, procedure: PlanProcedure, title: str, summary: str,
                 content: dict[str, Any]) -> PlanVersion:
    years = frame().plan.years
    version = PlanVersion(
        number=number, kind=procedure.kind, title=title, summary=summary,
        period_start=years[0], period_end=years[-1], content=content,
        created_on=procedure.created_on, window_start=procedure.window_start,
        state=procedure.state, identifier_code="", resolution_number="", confidential=False,
    )
    plan.versions.append(version)
    return version


def is_editable(version: PlanVersion) -> bool:
    return version.state in EDITABLE_STATES and version is version.plan.latest


def _locked(version: PlanVersion) -> tuple[str, dict[str, Any]]:
    return (N_("La versión %(number)s está en estado «%(state)s»: su contenido ya no se puede "
               "cambiar. Registre una nueva versión del plan."),
            {"number": version.number,
             "state": translate(frame().procedure.state(version.state).label, {})})


def locked_message(version: PlanVersion) -> str:
    template, params = _locked(version)
    return translate(template, params)


def update_content(version: PlanVersion, data: Mapping[str, Any], actor) -> PlanVersion:
    """Change the title, summary and content of a version still in the entity's hands
    (draft, or observed by AGETIC). An approved plan changes through a new version."""
    permissions.require(is_officer(actor, version.plan.entity_id))
    if not is_editable(version):
        template, params = _locked(version)
        raise refuse("content", "content_locked", template, **params)
    title, summary = _header({**{"title": version.title, "summary": version.summary}, **data})
    content = version.content
    if "content" in data:
        content = check_content(data["content"], frame(), _dataset_exists)
    with db.unit_of_work():
        changed = [name for name, old, new in (("title", version.title, title),
                                               ("summary", version.summary, summary),
                                               ("content", version.content, content))
                   if old != new]
        version.title, version.summary, version.content = title, summary, content
        if changed:
            record_activity("changed pige plan", version, actor, fields=changed)
            after_change(version)
    return version


def new_version(plan: Plan, data: Mapping[str, Any], actor, *,
                on: dt.date | None = None) -> PlanVersion:
    """Start an update (``actualizacion``) of an approved plan; earlier versions stay readable.

    ``data`` may carry ``title``, ``summary`` and ``content``; what is missing is copied from the
    version it updates.
    """
    permissions.require(is_officer(actor, plan.entity_id))
    latest = plan.latest
    if not is_approved(latest):
        raise refuse(
            "version", "version_in_progress",
            N_("La versión %(number)s del plan aún no fue aprobada (estado «%(state)s»): "
               "continúe su procedimiento antes de registrar una actualización."),
            number=latest.number,
            state=translate(frame().procedure.state(latest.state).label, {}),
        )
    title, summary = _header({"title": latest.title, "summary": latest.summary, **data})
    content = latest.content
    if "content" in data:
        content = check_content(data["content"], frame(), _dataset_exists)
    on = on or today()
    procedure = machine().start("actualizacion", on)
    with db.unit_of_work():
        version = _new_version(plan, latest.number + 1, procedure, title, summary, content)
        db.session.flush()
        record_activity("new pige plan version", version, actor, kind="actualizacion",
                        created_on=on)
        after_change(version)
    return version


# --- writing: the procedure ------------------------------------------------------------------


def move(
    version: PlanVersion,
    action: str,
    actor,
    *,
    on: dt.date | None = None,
    observations: str | None = None,
    observation_sections: Mapping[str, str] | None = None,
    identifier_code: str | None = None,
    resolution_number: str | None = None,
    resolution_cited_code: str | None = None,
    confidential: bool = False,
    as_of: dt.date | None = None,
) -> PlanStep:
    """Make the move ``action`` on ``version`` as ``actor``, dated ``on`` (default: today).

    ``observation_sections`` are AGETIC's observations by strategic line of the plan
    (``{"13": "..."}``), so the entity sees what to adjust where; they are kept with the step
    and joined to ``observations`` (refused: ``unknown_section`` for a line not in the plan).

    ``as_of`` is the day dates may not pass (default: today). Refused (``PlanRefused`` with
    the machine's code: ``out_of_order``, ``wrong_role``,
    ``resolution_without_code``...) or not authorised (``NotAuthorized``) without changing
    anything.
    """
    roles = roles_for(actor, version.plan.entity_id)
    permissions.require(bool(roles), translate(
        N_("Solo el responsable del plan de la entidad, un revisor de la AGETIC o un "
           "administrador del portal mueven el procedimiento."), {}))
    if version is not version.plan.latest:
        raise refuse("version", "not_latest_version",
                     N_("La versión %(number)s fue reemplazada por una posterior; su "
                        "procedimiento ya no avanza."), number=version.number)
    try:
        transition = machine().rules.transition(action)
    except KeyError:
        transition = None
    role = next((r for r in ROLE_PREFERENCE if r in roles
                 and (transition is None or r in transition.roles)), roles[0])
    resolution = None
    if resolution_number is not None or resolution_cited_code is not None:
        resolution = Resolution(resolution_number or "", resolution_cited_code or "",
                                bool(confidential))
    if action in RESPONSIBLE_ACTIONS and role == "entity_officer":
        _check_responsible(version, actor)
    sections = _observation_sections(version, observation_sections)
    if sections:
        observations = "\n".join(
            ([observations.strip()] if observations and observations.strip() else [])
            + [translate(N_("Línea %(line)s: %(text)s"), {"line": line, "text": text})
               for line, text in sections.items()])
    procedure = procedure_of(version)
    on = on or today()
    try:
        moved = machine().move(
            procedure, action, role=role, on=on, today=as_of or today(),
            observations=observations, identifier_code=identifier_code, resolution=resolution,
        )
    except TransitionError as exc:
        raise PlanRefused([Problem.from_error(_field_of(exc.code), exc)]) from None
    made = moved.steps[-1]
    with db.unit_of_work():
        step = PlanStep(
            position=len(version.steps), action=made.action, state=made.state, on=made.on,
            role=made.role, user_id=getattr(actor, "id", None),
            user_name=getattr(actor, "name", "") or "",
            observations=made.observations or "",
            observation_sections=sections,
            identifier_code=made.identifier_code or "",
            resolution_number=made.resolution.number if made.resolution else "",
            resolution_cited_code=made.resolution.cited_code if made.resolution else "",
            resolution_confidential=bool(made.resolution and made.resolution.confidential),
        )
        version.steps.append(step)
        version.state = moved.state
        version.identifier_code = moved.identifier_code or ""
        if moved.resolution is not None:
            version.resolution_number = moved.resolution.number
            version.confidential = moved.resolution.confidential
        record_activity("pige procedure step", version, actor, action=made.action, state=made.state,
                on=made.on, role=made.role)
        after_change(version)
    return step


#: Moves only the entity's designated responsible makes (a sysadmin may record them for it).
RESPONSIBLE_ACTIONS = ("aprobar_ciudadania_digital",)


def responsible_of(entity_id: str) -> ResponsibleOfficer | None:
    """The entity's designated *responsable de implementación de Gobierno Electrónico*."""
    return db.session.get(ResponsibleOfficer, entity_id)


def _check_responsible(version: PlanVersion, actor) -> None:
    """6.1 num. 6: "el responsable de implementación de Gobierno Electrónico de la entidad
    pública, aplicará el mecanismo de Aprobación de Documentos de Ciudadanía Digital"."""
    responsible = responsible_of(version.plan.entity_id)
    if responsible is None:
        raise refuse("action", "no_responsible",
                     N_("%(entity)s no designó a su responsable de implementación de Gobierno "
                        "Electrónico: solo esa persona aplica la aprobación con Ciudadanía "
                        "Digital. El administrador de la entidad lo designa primero."),
                     entity=version.plan.entity.title)
    if responsible.user_id != getattr(actor, "id", None):
        raise refuse("action", "not_the_responsible",
                     N_("Solo %(name)s, responsable de implementación de Gobierno Electrónico "
                        "de la entidad, aplica la aprobación con Ciudadanía Digital."),
                     name=responsible.user.fullname or responsible.user.name)


def _observation_sections(version: PlanVersion,
                          sections: Mapping[str, str] | None) -> dict[str, str]:
    """The non-empty observations by line, checked against the lines of the plan."""
    lines = {str(line["line"]) for line in version.content.get("lines", [])}
    out: dict[str, str] = {}
    for key, text in (sections or {}).items():
        text = str(text or "").strip()
        if not text:
            continue
        if str(key) not in lines:
            raise refuse(f"obs-{key}", "unknown_section",
                         N_("El plan no tiene la línea estratégica %(line)s: observe las "
                            "líneas que el plan atiende."), line=key)
        out[str(key)] = text[:4000]
    return dict(sorted(out.items(), key=lambda item: int(item[0])))


def _field_of(code: str) -> str:
    return {
        "missing_observations": "observations",
        "missing_identifier_code": "identifier_code",
        "invalid_identifier_code": "identifier_code",
        "missing_resolution": "resolution_number",
        "resolution_without_code": "resolution_cited_code",
        "resolution_code_mismatch": "resolution_cited_code",
        "invalid_date": "on",
        "date_before_previous": "on",
        "date_in_future": "on",
    }.get(code, "action")


# --- writing: progress reports ---------------------------------------------------------------


def submit_report(version: PlanVersion, year: Any, values: Any, actor, *,
                  on: dt.date | None = None) -> ProgressReport:
    """Record (or replace) the annual progress report of ``year`` for an approved version.

    ``values`` maps indicator ids to ``{"achieved", "comment", "evidence"}``. Refused: a year
    outside the period (``year_outside_period``), a value that is not a number
    (``achieved_not_numeric``), an indicator not in the version, a version not approved.
    """
    permissions.require(is_officer(actor, version.plan.entity_id), translate(
        N_("Solo el responsable del plan de la entidad informa su avance."), {}))
    try:
        year = check_year(year, frame().plan.years, what=translate(N_("el informe de avance"), {}))
    except ProgressError as exc:
        raise PlanRefused([Problem.from_error("year", exc)]) from None
    if not is_approved(version):
        raise refuse(
            "version", "plan_not_approved",
            N_("Solo se informa el avance de un plan aprobado; la versión %(number)s está en "
               "estado «%(state)s»."),
            number=version.number,
            state=translate(frame().procedure.state(version.state).label, {}),
        )
    checked = check_report_values(values, version.content, _dataset_exists)
    on = on or today()
    with db.unit_of_work():
        report = version.report(year)
        replaced = report is not None
        if report is None:
            report = ProgressReport(year=year, submitted_on=on)
            version.reports.append(report)
        report.submitted_on = on
        report.user_name = getattr(actor, "name", "") or ""
        report.modified = db.utcnow()
        report.values.clear()
        db.session.flush()
        for ident, entry in sorted(checked.items()):
            report.values.append(ProgressValue(indicator=ident, **entry))
        record_activity("pige progress report", version, actor, year=year, replaced=replaced,
                indicators=len(checked))
        after_change(version)
    return report


# --- progress --------------------------------------------------------------------------------


def plan_input(version: PlanVersion) -> PlanInput:
    """The version's indicators with every year's reported values, for the core's progress."""
    achieved: dict[str, dict[int, float]] = {}
    for report in version.reports:
        for value in report.values:
            achieved.setdefault(value.indicator, {})[report.year] = value.achieved
    indicators = tuple(
        Indicator(
            id=i["id"], line=i["line"], name=i["name"], baseline=i["baseline"],
            targets={int(y): v for y, v in i["targets"].items()},
            achieved=achieved.get(i["id"], {}),
        )
        for i in indicators_of(version.content)
    )
    return PlanInput(version.plan.entity.name, indicators, version.state,
                     confidential=not content_public(version))


def progress_of(version: PlanVersion, year: int) -> PlanProgress:
    return plan_progress(plan_input(version), year, frame())


def default_year(on: dt.date | None = None) -> int:
    """The year a dashboard opens on: this year, kept inside the period."""
    years = frame().plan.years
    return min(max((on or today()).year, years[0]), years[-1])
