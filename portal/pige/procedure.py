"""The Chapter VI procedure of DS 5468 as a pure state machine with dated steps.

States, transitions, the roles allowed to make each move and the deadlines are read from the
frame (``standards/pige/procedure.json``); this module applies them. A ``PlanProcedure`` is an
immutable record of one plan version's moves; ``ProcedureMachine.move`` returns a new record or
raises ``TransitionError`` (a stable ``code`` plus a Spanish message built from a template and
parameters) and changes nothing. ``ProcedureMachine.schedule`` computes, for every step, its
deadline from the date of the previous step and whether it was met, is due or is overdue.

User-facing templates are marked with ``N_`` (a no-op) so the web layer can extract them for
translation and render ``gettext(error.template) % error.params``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from portal.pige import N_
from portal.pige.calendar import BusinessCalendar, default_calendar
from portal.pige.errors import CodedError
from portal.pige.frame import Frame, LegalBasis, State, Transition, default_frame

#: An identifier code as produced by the SRSP or the portal: 4 to 64 characters, no spaces.
IDENTIFIER_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/.]{3,63}$")

# Step statuses.
MET = "met"  # done on or before its deadline
LATE = "late"  # done after its deadline
DUE = "due"  # pending, still in time
OVERDUE = "overdue"  # pending, deadline passed
DONE = "done"  # done, no legal deadline
NO_DEADLINE = "no_deadline"  # pending, no legal deadline
NOT_APPLICABLE = "not_applicable"  # nothing more is expected (confidential plan: no publication)

STATUS_LABELS = {
    MET: N_("Cumplido en plazo"),
    LATE: N_("Cumplido fuera de plazo"),
    DUE: N_("En plazo"),
    OVERDUE: N_("Vencido"),
    DONE: N_("Cumplido"),
    NO_DEADLINE: N_("Pendiente, sin plazo legal"),
    NOT_APPLICABLE: N_("No corresponde"),
}


class TransitionError(CodedError):
    """A move refused. ``code`` is stable; ``message`` is Spanish, built from ``template``."""


@dataclass(frozen=True)
class Resolution:
    """The resolution of the Máxima Autoridad Ejecutiva that approves the plan."""

    number: str
    cited_code: str
    confidential: bool = False


@dataclass(frozen=True)
class Step:
    """One move made: the action, the state it led to, its date and the role that made it."""

    action: str
    state: str
    on: dt.date
    role: str
    observations: str | None = None
    identifier_code: str | None = None
    resolution: Resolution | None = None


@dataclass(frozen=True)
class PlanProcedure:
    """The procedure of one plan version.

    ``kind`` is a plan kind of the frame (formulacion, adecuacion, actualizacion);
    ``window_start`` is the configured date the registration window runs from (the date the PIGE
    component was implemented in the SRSP); ``created_on`` is when the draft was opened.
    """

    kind: str
    created_on: dt.date
    initial_state: str
    window_start: dt.date | None = None
    steps: tuple[Step, ...] = field(default=())

    @property
    def state(self) -> str:
        return self.steps[-1].state if self.steps else self.initial_state

    @property
    def entered_on(self) -> dt.date:
        """The date the current state was entered."""
        return self.steps[-1].on if self.steps else self.created_on

    @property
    def identifier_code(self) -> str | None:
        for step in reversed(self.steps):
            if step.identifier_code:
                return step.identifier_code
        return None

    @property
    def resolution(self) -> Resolution | None:
        for step in reversed(self.steps):
            if step.resolution is not None:
                return step.resolution
        return None

    @property
    def confidential(self) -> bool:
        """True once the approving resolution declares the plan confidential."""
        resolution = self.resolution
        return resolution is not None and resolution.confidential


@dataclass(frozen=True)
class StepStatus:
    """One step of the schedule: the time a plan spent (or spends) in ``state``.

    ``days_left`` (due) and ``days_overdue`` (overdue, late) are counted in ``unit``.
    """

    state: str
    label: str
    responsible_role: str | None
    entered_on: dt.date
    deadline: dt.date | None
    days: int | None
    unit: str | None
    done_on: dt.date | None
    done_action: str | None
    status: str
    days_left: int | None
    days_overdue: int | None
    legal_basis: tuple[LegalBasis, ...]
    interpretation: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


#: What happens to a deadline in calendar days that ends on a Saturday, Sunday or holiday.
NEXT_BUSINESS_DAY = "next_business_day"  # it moves to the next business day (the default)
SAME_DAY = "same_day"  # it stays on that day
NON_BUSINESS_END_RULES = (NEXT_BUSINESS_DAY, SAME_DAY)


def deadline_for(
    start: dt.date, days: int, unit: str, calendar: BusinessCalendar | None = None,
    non_business_end: str = NEXT_BUSINESS_DAY,
) -> dt.date:
    """The last day of a period of ``days`` in ``unit`` counted from the day after ``start``.

    A period of business days always ends on a business day; one of calendar days that ends on a
    non-business day moves to the next business day unless ``non_business_end`` is ``SAME_DAY``.
    """
    calendar = calendar or default_calendar()
    if non_business_end not in NON_BUSINESS_END_RULES:
        raise ValueError(f"unknown rule for a deadline on a non-business day {non_business_end!r}")
    if unit == "business_days":
        return calendar.add_business_days(start, days)
    if unit == "calendar_days":
        return calendar.add_calendar_days(start, days,
                                          roll_forward=non_business_end == NEXT_BUSINESS_DAY)
    raise ValueError(f"unknown deadline unit {unit!r}")


def days_in_unit(
    a: dt.date, b: dt.date, unit: str, calendar: BusinessCalendar | None = None
) -> int:
    """Days after ``a`` up to ``b`` in ``unit`` (negative when ``b`` is before ``a``)."""
    calendar = calendar or default_calendar()
    if unit == "business_days":
        return calendar.business_days_between(a, b)
    return (b - a).days


class ProcedureMachine:
    """Applies the procedure of a frame with a business-day calendar.

    ``non_business_end`` is the rule for a deadline in calendar days that ends on a non-business
    day: ``NEXT_BUSINESS_DAY`` (default) or ``SAME_DAY``.
    """

    def __init__(self, frame: Frame | None = None, calendar: BusinessCalendar | None = None,
                 non_business_end: str = NEXT_BUSINESS_DAY):
        self.frame = frame or default_frame()
        self.rules = self.frame.procedure
        self.calendar = calendar or default_calendar()
        if non_business_end not in NON_BUSINESS_END_RULES:
            raise ValueError(f"unknown rule for a deadline on a non-business day "
                             f"{non_business_end!r}")
        self.non_business_end = non_business_end

    def deadline(self, start: dt.date, days: int, unit: str) -> dt.date:
        """``deadline_for`` with this machine's calendar and rule."""
        return deadline_for(start, days, unit, self.calendar, self.non_business_end)

    # ------------------------------------------------------------------ starting

    def start(
        self, kind: str, created_on: dt.date, window_start: dt.date | None = None
    ) -> PlanProcedure:
        """A new plan version in the initial state.

        Kinds with a registration window need ``window_start`` (the configured date of the PIGE
        component in the SRSP).
        """
        kinds = {k.id: k for k in self.rules.plan_kinds}
        if kind not in kinds:
            raise TransitionError(
                "unknown_plan_kind",
                N_("El tipo de plan «%(kind)s» no existe; use uno de: %(kinds)s."),
                kind=kind, kinds=", ".join(kinds),
            )
        window_id = kinds[kind].registration_window
        if window_id is not None and window_start is None:
            window = self.rules.window(window_id)
            raise TransitionError(
                "missing_window_start",
                N_("Falta la fecha de implementación del componente PIGE en el SRSP, desde la "
                   "que corre el plazo de %(days)s días calendario para registrar el plan."),
                days=window.days,
            )
        return PlanProcedure(kind, created_on, self.rules.initial_state, window_start)

    # ------------------------------------------------------------------ moving

    def allowed_actions(self, procedure: PlanProcedure, role: str) -> tuple[Transition, ...]:
        """The moves ``role`` may make now (requirements not yet checked)."""
        return tuple(
            t for t in self.rules.transitions_from(procedure.state)
            if role in t.roles and not ("not_confidential" in t.requires and procedure.confidential)
        )

    def move(
        self,
        procedure: PlanProcedure,
        action: str,
        *,
        role: str,
        on: dt.date,
        today: dt.date | None = None,
        observations: str | None = None,
        identifier_code: str | None = None,
        resolution: Resolution | None = None,
    ) -> PlanProcedure:
        """``procedure`` with the move ``action`` made by ``role`` on ``on``.

        Raises ``TransitionError`` when the move is refused; ``today``, when given, refuses dates
        after it.
        """
        transition = self._transition(action)
        if role not in self.rules.role_ids:
            raise TransitionError(
                "unknown_role", N_("El rol «%(role)s» no existe; use uno de: %(roles)s."),
                role=role, roles=", ".join(self.rules.role_ids),
            )
        if procedure.state not in transition.from_states:
            possible = [t.label for t in self.rules.transitions_from(procedure.state)]
            raise TransitionError(
                "out_of_order",
                N_("No se puede «%(action)s»: el plan está en estado «%(state)s». Pasos posibles "
                   "desde este estado: %(possible)s."),
                action=transition.label, state=self.rules.state(procedure.state).label,
                possible=", ".join(possible) or N_("ninguno"),
            )
        if role not in transition.roles:
            labels = {r.id: r.label for r in self.rules.roles}
            raise TransitionError(
                "wrong_role",
                N_("El rol «%(role)s» no puede «%(action)s»; este paso corresponde a: %(roles)s."),
                role=labels[role], action=transition.label,
                roles=", ".join(labels[r] for r in transition.roles),
            )
        on = _as_date(on, "on")
        if on < procedure.entered_on:
            raise TransitionError(
                "date_before_previous",
                N_("La fecha %(on)s es anterior a la del paso previo (%(previous)s)."),
                on=on.isoformat(), previous=procedure.entered_on.isoformat(),
            )
        if today is not None and on > today:
            raise TransitionError(
                "date_in_future", N_("La fecha %(on)s es posterior a hoy (%(today)s)."),
                on=on.isoformat(), today=today.isoformat(),
            )
        details = self._check_requirements(
            procedure, transition, observations, identifier_code, resolution
        )
        step = Step(action, transition.to, on, role, **details)
        return replace(procedure, steps=(*procedure.steps, step))

    def _transition(self, action: str) -> Transition:
        try:
            return self.rules.transition(action)
        except KeyError:
            raise TransitionError(
                "unknown_action",
                N_("La acción «%(action)s» no existe en el procedimiento; use una de: "
                   "%(actions)s."),
                action=action, actions=", ".join(t.action for t in self.rules.transitions),
            ) from None

    def _check_requirements(
        self,
        procedure: PlanProcedure,
        transition: Transition,
        observations: str | None,
        identifier_code: str | None,
        resolution: Resolution | None,
    ) -> dict[str, Any]:
        details: dict[str, Any] = {}
        for requirement in transition.requires:
            if requirement == "observations":
                if not observations or not observations.strip():
                    raise TransitionError(
                        "missing_observations",
                        N_("Para observar el plan hay que dar a conocer las observaciones."),
                    )
                details["observations"] = observations.strip()
            elif requirement == "identifier_code":
                details["identifier_code"] = check_identifier_code(identifier_code)
            elif requirement == "resolution":
                details["resolution"] = self._check_resolution(procedure, resolution)
            elif requirement == "not_confidential" and procedure.confidential:
                raise TransitionError(
                    "confidential_not_published",
                    N_("El plan fue declarado confidencial en su resolución de aprobación "
                       "(%(number)s): no se publica."),
                    number=procedure.resolution.number,
                )
        return details

    def _check_resolution(
        self, procedure: PlanProcedure, resolution: Resolution | None
    ) -> Resolution:
        if resolution is None or not resolution.number.strip():
            raise TransitionError(
                "missing_resolution",
                N_("La aprobación requiere la resolución expresa de la Máxima Autoridad "
                   "Ejecutiva, con su número y el código identificador que cita."),
            )
        code = procedure.identifier_code
        cited = (resolution.cited_code or "").strip()
        if not cited:
            raise TransitionError(
                "resolution_without_code",
                N_("La resolución %(number)s debe hacer referencia al código identificador "
                   "generado por el SRSP (%(code)s)."),
                number=resolution.number.strip(), code=code,
            )
        if cited != code:
            raise TransitionError(
                "resolution_code_mismatch",
                N_("La resolución %(number)s cita el código «%(cited)s», pero el código "
                   "identificador del plan es «%(code)s»."),
                number=resolution.number.strip(), cited=cited, code=code,
            )
        return Resolution(resolution.number.strip(), cited, bool(resolution.confidential))

    # ------------------------------------------------------------------ deadlines

    def window_deadline(self, procedure: PlanProcedure) -> dt.date | None:
        """Last day to register the plan, or None for kinds without a window."""
        window_id = self.rules.plan_kind(procedure.kind).registration_window
        if window_id is None or procedure.window_start is None:
            return None
        window = self.rules.window(window_id)
        return self.deadline(procedure.window_start, window.days, window.unit)

    def _deadline(
        self, procedure: PlanProcedure, state: State, entered_on: dt.date
    ) -> tuple[dt.date | None, int | None, str | None]:
        deadline = state.deadline
        if deadline is None:
            return None, None, None
        if deadline.kind == "window":
            window_id = self.rules.plan_kind(procedure.kind).registration_window
            if window_id is None:
                return None, None, None
            window = self.rules.window(window_id)
            return self.window_deadline(procedure), window.days, window.unit
        return (self.deadline(entered_on, deadline.days, deadline.unit),
                deadline.days, deadline.unit)

    def schedule(self, procedure: PlanProcedure, today: dt.date) -> tuple[StepStatus, ...]:
        """Every step taken and the current one, each with its deadline and status on ``today``.

        The published state ends the procedure and is not a step.
        """
        visits: list[tuple[str, dt.date, Step | None]] = []
        entered, state = procedure.created_on, procedure.initial_state
        for step in procedure.steps:
            visits.append((state, entered, step))
            entered, state = step.on, step.state
        if self.rules.transitions_from(state):
            visits.append((state, entered, None))
        return tuple(self._status(procedure, s, e, done, today) for s, e, done in visits)

    def current(self, procedure: PlanProcedure, today: dt.date) -> StepStatus | None:
        """The pending step (None once the procedure has ended)."""
        steps = self.schedule(procedure, today)
        return steps[-1] if steps and steps[-1].done_on is None else None

    def _status(
        self,
        procedure: PlanProcedure,
        state_id: str,
        entered_on: dt.date,
        done: Step | None,
        today: dt.date,
    ) -> StepStatus:
        state = self.rules.state(state_id)
        deadline, days, unit = self._deadline(procedure, state, entered_on)
        days_left = days_overdue = None
        if done is not None:
            if deadline is None:
                status = DONE
            elif done.on <= deadline:
                status = MET
            else:
                status = LATE
                days_overdue = days_in_unit(deadline, done.on, unit, self.calendar)
        elif procedure.confidential and not self.allowed_next(procedure):
            status = NOT_APPLICABLE
        elif deadline is None:
            status = NO_DEADLINE
        elif today <= deadline:
            status = DUE
            days_left = days_in_unit(today, deadline, unit, self.calendar)
        else:
            status = OVERDUE
            days_overdue = days_in_unit(deadline, today, unit, self.calendar)
        return StepStatus(
            state=state.id, label=state.label, responsible_role=state.responsible_role,
            entered_on=entered_on, deadline=deadline, days=days, unit=unit,
            done_on=done.on if done else None, done_action=done.action if done else None,
            status=status, days_left=days_left, days_overdue=days_overdue,
            legal_basis=state.legal_basis, interpretation=state.interpretation,
        )

    def allowed_next(self, procedure: PlanProcedure) -> tuple[Transition, ...]:
        """The moves any role could make now, confidentiality considered."""
        return tuple(
            t for t in self.rules.transitions_from(procedure.state)
            if not ("not_confidential" in t.requires and procedure.confidential)
        )

    def is_finished(self, procedure: PlanProcedure) -> bool:
        """True when nothing more is expected: published, or confidential and registered."""
        return not self.allowed_next(procedure)


def check_identifier_code(code: str | None) -> str:
    """The identifier code stripped, or ``TransitionError`` when it is missing or malformed."""
    if code is None or not code.strip():
        raise TransitionError(
            "missing_identifier_code",
            N_("La aprobación con Ciudadanía Digital debe registrar el código identificador "
               "generado por el SRSP."),
        )
    code = code.strip()
    if not IDENTIFIER_CODE_RE.match(code):
        raise TransitionError(
            "invalid_identifier_code",
            N_("El código identificador «%(code)s» no es válido: debe tener de 4 a 64 letras, "
               "dígitos, «-», «/» o «.», sin espacios, y empezar con letra o dígito."),
            code=code,
        )
    return code


def new_identifier_code(entity_slug: str, version: int, on: dt.date) -> str:
    """An identifier code in the portal's own format, for plans whose SRSP code is not given:
    ``PIGE-<ENTITY>-V<version>-<YYYYMMDD>``."""
    return check_identifier_code(f"PIGE-{entity_slug.upper()}-V{version}-{on:%Y%m%d}")


def _as_date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TransitionError("invalid_date", N_("La fecha «%(value)s» de %(name)s no es válida."),
                          value=value, name=name)


def summarize(statuses: tuple[StepStatus, ...]) -> Mapping[str, int]:
    """Counts of steps by status (for dashboards)."""
    counts: dict[str, int] = {}
    for s in statuses:
        counts[s.status] = counts.get(s.status, 0) + 1
    return counts
