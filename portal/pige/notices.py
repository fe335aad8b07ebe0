"""E-mail notices of the procedure: a step that waits on its party, one due within 5 business
days, one overdue. Each is sent once per step (``Notice``), to the party that must act.

Who gets them: for the entity's steps, its designated responsible for e-government, or without
one its admins and editors; for AGETIC's steps (review, publication), AGETIC's admins and
editors. Only accounts with an e-mail address. Mail goes through ``portal.mail``
(``PORTAL_SMTP_URL``, from ``PORTAL_MAIL_FROM``); without ``PORTAL_SMTP_URL`` nothing is sent.
The job ``pige.send_notices`` runs every hour (``portal.pige.tasks``); ``portal pige notices``
runs it at once.

A notice is recorded in the same unit of work that sends it: if the mail server refuses, the
record is rolled back and the next run tries again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import select

from portal import db, mail
from portal.auth.models import Membership, User
from portal.pige import N_
from portal.pige import services as pige
from portal.pige.models import Notice, PlanVersion
from portal.pige.procedure import StepStatus
from portal.pige.refusals import translate

DUE_SOON_BUSINESS_DAYS = 5
WAITING, DUE_SOON, OVERDUE = "waiting", "due_soon", "overdue"
SUBJECTS = {
    WAITING: N_("PIGE de %(entity)s: «%(step)s» espera su acción"),
    DUE_SOON: N_("PIGE de %(entity)s: «%(step)s» vence el %(deadline)s"),
    OVERDUE: N_("PIGE de %(entity)s: venció el plazo de «%(step)s» (%(deadline)s)"),
}


@dataclass(frozen=True)
class Pending:
    version: PlanVersion
    step: StepStatus
    kind: str


def pending(on: dt.date) -> list[Pending]:
    """The notices due on ``on`` that were not sent yet."""
    sent = set(db.session.execute(select(Notice.version_id, Notice.position, Notice.kind)).all())
    calendar = pige.machine().calendar
    out = []
    for plan in pige.list_plans():
        version = plan.latest
        step = pige.current_step(version, on)
        if step is None or step.responsible_role is None:
            continue
        kinds = [WAITING]
        if step.status == "overdue":
            kinds.append(OVERDUE)
        elif step.deadline and calendar.business_days_between(on, step.deadline) \
                <= DUE_SOON_BUSINESS_DAYS:
            kinds.append(DUE_SOON)
        position = len(version.steps)
        out += [Pending(version, step, kind) for kind in kinds
                if (version.id, position, kind) not in sent]
    return out


def recipients(version: PlanVersion, step: StepStatus) -> list[str]:
    if step.responsible_role == "entity_officer":
        responsible = pige.responsible_of(version.plan.entity_id)
        if responsible is not None and responsible.user.email:
            return [responsible.user.email]
        entity_id = version.plan.entity_id
    else:
        agetic = pige.agetic_entity()
        if agetic is None:
            return []
        entity_id = agetic.id
    users = db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.entity_id == entity_id, Membership.role.in_(pige.OFFICER_ROLES),
               User.state == "active").order_by(User.name))
    return [u.email for u in users if u.email]


def message(item: Pending, to: list[str]) -> EmailMessage:
    version, step = item.version, item.step
    params = {"entity": version.plan.entity.title, "step": translate(step.label, {}),
              "deadline": step.deadline.isoformat() if step.deadline else "—"}
    unit = translate(N_("días hábiles") if step.unit == "business_days"
                     else N_("días calendario"), {})
    lines = [translate(N_("Plan: %(entity)s, versión %(number)s."),
                       {"entity": version.plan.entity.title, "number": version.number}),
             translate(N_("Paso pendiente: %(step)s, desde el %(since)s."),
                       {"step": params["step"], "since": step.entered_on.isoformat()})]
    if step.deadline:
        lines.append(translate(N_("Plazo: %(days)s %(unit)s; vence el %(deadline)s."),
                               {"days": step.days, "unit": unit, "deadline": params["deadline"]}))
    if step.days_overdue:
        lines.append(translate(N_("Retraso: %(days)s %(unit)s."),
                               {"days": step.days_overdue, "unit": unit}))
    site = str(current_app.config.get("PORTAL_SITE_URL") or "").rstrip("/")
    lines.append(f"{site}/pige/plan/{version.plan.entity.name}/v{version.number}")
    return mail.build(to, translate(SUBJECTS[item.kind], params), "\n".join(lines))


def send_due(on: dt.date | None = None) -> dict[str, int]:
    """Send the notices due on ``on`` (default: today); counts by kind. Without
    ``PORTAL_SMTP_URL`` nothing is sent."""
    counts = {WAITING: 0, DUE_SOON: 0, OVERDUE: 0, "skipped": 0}
    if not mail.configured():
        return counts
    items = pending(on or pige.today())
    if not items:
        return counts
    with mail.connect() as client:
        for item in items:
            to = recipients(item.version, item.step)
            if not to:
                counts["skipped"] += 1
                continue
            with db.unit_of_work():
                db.session.add(Notice(version_id=item.version.id,
                                      position=len(item.version.steps),
                                      state=item.step.state, kind=item.kind, recipients=to))
                db.session.flush()
                client.send_message(message(item, to))
            counts[item.kind] += 1
    return counts
