"""The Chapter VI procedure: every transition, every refusal, deadlines on the 2026 calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.pige.frame import default_frame
from portal.pige.procedure import (
    DUE,
    LATE,
    MET,
    NO_DEADLINE,
    NOT_APPLICABLE,
    OVERDUE,
    SAME_DAY,
    ProcedureMachine,
    Resolution,
    TransitionError,
    check_identifier_code,
    new_identifier_code,
)

D = dt.date
CODE = "PIGE-AGETIC-V1-20260420"
SRSP = D(2026, 1, 5)  # configured date of the PIGE component in the SRSP

#: A valid way to each state, with the role and the details each move needs.
PATH = [
    ("registrar", "entity_officer", D(2026, 2, 10), {}),
    ("observar", "agetic_reviewer", D(2026, 3, 20), {"observations": "Falta la línea 13."}),
    ("ajustar", "entity_officer", D(2026, 4, 1), {}),
    ("dar_conformidad", "agetic_reviewer", D(2026, 4, 15), {}),
    ("aprobar_ciudadania_digital", "entity_officer", D(2026, 4, 20), {"identifier_code": CODE}),
    ("aprobar_resolucion", "entity_officer", D(2026, 4, 22),
     {"resolution": Resolution("RA-AGETIC/045/2026", CODE)}),
    ("registrar_resolucion", "entity_officer", D(2026, 5, 4), {}),
    ("publicar", "sysadmin", D(2026, 5, 5), {}),
]


@pytest.fixture(scope="module")
def machine() -> ProcedureMachine:
    return ProcedureMachine()


def new(machine, kind="formulacion"):
    return machine.start(kind, D(2026, 1, 5), window_start=SRSP)


def reach(machine, state, steps=PATH):
    proc = new(machine)
    for action, role, on, details in steps:
        if proc.state == state:
            return proc
        proc = machine.move(proc, action, role=role, on=on, **details)
    assert proc.state == state
    return proc


def test_the_whole_procedure_in_time(machine):
    proc = reach(machine, "publicado")
    assert [s.state for s in proc.steps] == [
        "registrado", "observado", "ajustado", "conforme", "codigo_asignado", "aprobado",
        "resolucion_registrada", "publicado"]
    assert proc.identifier_code == CODE
    assert proc.resolution.number == "RA-AGETIC/045/2026"
    assert not proc.confidential
    schedule = machine.schedule(proc, today=D(2026, 6, 1))
    assert [(s.state, s.deadline, s.status) for s in schedule] == [
        ("borrador", D(2026, 4, 6), MET),  # 90 calendar days from 5 January: Sunday 5 April
        ("registrado", D(2026, 3, 26), MET),  # 30 business days across Carnival
        ("observado", D(2026, 4, 13), MET),  # 15 business days across Good Friday
        ("ajustado", D(2026, 5, 15), MET),  # 30 business days across 1 May
        ("conforme", D(2026, 4, 29), MET),
        ("codigo_asignado", D(2026, 5, 5), MET),
        ("aprobado", D(2026, 5, 7), MET),  # 10 business days from 22 April, 1 May skipped
        ("resolucion_registrada", None, "done"),
    ]
    assert machine.is_finished(proc)
    assert machine.current(proc, D(2026, 6, 1)) is None


@pytest.mark.parametrize("index", range(len(PATH)))
def test_each_transition_only_by_its_roles(machine, index):
    action, _, on, details = PATH[index]
    transition = default_frame().procedure.transition(action)
    before = reach(machine, transition.from_states[0])
    for role in ("entity_officer", "agetic_reviewer", "sysadmin"):
        if role in transition.roles:
            assert machine.move(before, action, role=role, on=on, **details).state == transition.to
        else:
            with pytest.raises(TransitionError) as info:
                machine.move(before, action, role=role, on=on, **details)
            assert info.value.code == "wrong_role"
    assert before.state == transition.from_states[0]  # refusals changed nothing


def test_agetic_can_give_conformity_straight_after_registration(machine):
    proc = reach(machine, "registrado")
    proc = machine.move(proc, "dar_conformidad", role="agetic_reviewer", on=D(2026, 2, 20))
    assert proc.state == "conforme"


def test_observation_cycle_repeats_with_its_own_deadlines(machine):
    proc = reach(machine, "ajustado")
    proc = machine.move(proc, "observar", role="agetic_reviewer", on=D(2026, 4, 10),
                        observations="Segunda observación.")
    proc = machine.move(proc, "ajustar", role="entity_officer", on=D(2026, 4, 17))
    states = [s.state for s in machine.schedule(proc, D(2026, 4, 20))]
    assert states == ["borrador", "registrado", "observado", "ajustado", "observado", "ajustado"]
    current = machine.current(proc, D(2026, 4, 20))
    assert (current.state, current.deadline, current.status) == ("ajustado", D(2026, 6, 1), DUE)


def test_out_of_order_moves_are_refused(machine):
    with pytest.raises(TransitionError) as info:
        machine.move(new(machine), "dar_conformidad", role="agetic_reviewer", on=D(2026, 2, 1))
    assert info.value.code == "out_of_order"
    assert "Borrador" in info.value.message and "Registrar el plan en el SRSP" in info.value.message
    approved = reach(machine, "aprobado")
    with pytest.raises(TransitionError) as info:
        machine.move(approved, "publicar", role="sysadmin", on=D(2026, 5, 5))
    assert info.value.code == "out_of_order"
    with pytest.raises(TransitionError) as info:
        machine.move(reach(machine, "publicado"), "registrar", role="sysadmin", on=D(2026, 6, 1))
    assert info.value.code == "out_of_order"
    assert "ninguno" in info.value.message


def test_unknown_action_and_role(machine):
    with pytest.raises(TransitionError) as info:
        machine.move(new(machine), "archivar", role="sysadmin", on=D(2026, 2, 1))
    assert info.value.code == "unknown_action"
    with pytest.raises(TransitionError) as info:
        machine.move(new(machine), "registrar", role="director", on=D(2026, 2, 1))
    assert info.value.code == "unknown_role"


def test_wrong_role_message_names_the_roles(machine):
    with pytest.raises(TransitionError) as info:
        machine.move(new(machine), "registrar", role="agetic_reviewer", on=D(2026, 2, 1))
    error = info.value
    assert error.message == (
        "El rol «Revisor de la AGETIC» no puede «Registrar el plan en el SRSP»; este paso "
        "corresponde a: Responsable de implementación de Gobierno Electrónico de la entidad, "
        "Administrador del portal.")
    assert error.as_dict()["code"] == "wrong_role"
    assert error.template % error.params == error.message


def test_dates_must_follow_the_previous_step(machine):
    proc = reach(machine, "registrado")
    with pytest.raises(TransitionError) as info:
        machine.move(proc, "dar_conformidad", role="agetic_reviewer", on=D(2026, 2, 9))
    assert info.value.code == "date_before_previous"
    with pytest.raises(TransitionError) as info:
        machine.move(proc, "dar_conformidad", role="agetic_reviewer", on=D(2026, 3, 1),
                     today=D(2026, 2, 20))
    assert info.value.code == "date_in_future"


def test_observing_needs_the_observations(machine):
    proc = reach(machine, "registrado")
    with pytest.raises(TransitionError) as info:
        machine.move(proc, "observar", role="agetic_reviewer", on=D(2026, 3, 1), observations="  ")
    assert info.value.code == "missing_observations"


@pytest.mark.parametrize(("code", "error"), [
    (None, "missing_identifier_code"), ("", "missing_identifier_code"),
    ("PIGE 2026", "invalid_identifier_code"), ("ab", "invalid_identifier_code"),
])
def test_digital_citizenship_approval_needs_a_valid_code(machine, code, error):
    proc = reach(machine, "conforme")
    with pytest.raises(TransitionError) as info:
        machine.move(proc, "aprobar_ciudadania_digital", role="entity_officer",
                     on=D(2026, 4, 20), identifier_code=code)
    assert info.value.code == error


@pytest.mark.parametrize(("resolution", "error"), [
    (None, "missing_resolution"),
    (Resolution("  ", CODE), "missing_resolution"),
    (Resolution("RA 45/2026", ""), "resolution_without_code"),
    (Resolution("RA 45/2026", "PIGE-AGETIC-V1-20260421"), "resolution_code_mismatch"),
])
def test_resolution_must_cite_the_identifier_code(machine, resolution, error):
    proc = reach(machine, "codigo_asignado")
    with pytest.raises(TransitionError) as info:
        machine.move(proc, "aprobar_resolucion", role="entity_officer", on=D(2026, 4, 22),
                     resolution=resolution)
    assert info.value.code == error
    if error == "resolution_code_mismatch":
        assert CODE in info.value.message and "20260421" in info.value.message


def test_confidential_plan_is_not_published(machine):
    steps = [*PATH[:5], ("aprobar_resolucion", "entity_officer", D(2026, 4, 22),
                         {"resolution": Resolution("RA 45/2026", CODE, confidential=True)}),
             PATH[6]]
    proc = reach(machine, "resolucion_registrada", steps)
    assert proc.confidential
    assert machine.allowed_actions(proc, "sysadmin") == ()
    with pytest.raises(TransitionError) as info:
        machine.move(proc, "publicar", role="sysadmin", on=D(2026, 5, 6))
    assert info.value.code == "confidential_not_published"
    assert "RA 45/2026" in info.value.message
    assert machine.is_finished(proc)
    assert machine.schedule(proc, D(2026, 6, 1))[-1].status == NOT_APPLICABLE


def test_publication_has_no_legal_deadline(machine):
    proc = reach(machine, "resolucion_registrada")
    current = machine.current(proc, D(2027, 1, 1))
    assert (current.state, current.deadline, current.status) == (
        "resolucion_registrada", None, NO_DEADLINE)
    assert [t.action for t in machine.allowed_actions(proc, "agetic_reviewer")] == ["publicar"]
    assert machine.allowed_actions(proc, "entity_officer") == ()


def test_review_deadline_due_overdue_and_late(machine):
    proc = reach(machine, "registrado")  # registered Tuesday 10 February 2026
    due = machine.current(proc, D(2026, 3, 20))
    assert (due.deadline, due.status, due.days_left, due.unit) == (
        D(2026, 3, 26), DUE, 4, "business_days")
    on_the_day = machine.current(proc, D(2026, 3, 26))
    assert (on_the_day.status, on_the_day.days_left) == (DUE, 0)
    overdue = machine.current(proc, D(2026, 4, 1))
    assert (overdue.status, overdue.days_overdue) == (OVERDUE, 4)
    late = machine.move(proc, "dar_conformidad", role="agetic_reviewer", on=D(2026, 4, 6))
    step = machine.schedule(late, D(2026, 4, 6))[1]
    # 27, 30, 31 March, 1, 2 April (3 April is Good Friday), 6 April.
    assert (step.status, step.days_overdue, step.done_on) == (LATE, 6, D(2026, 4, 6))
    assert step.legal_basis[0].reference == "Anexo, Capítulo VI, 6.1, numeral 4"


def test_adjustment_deadline_spans_the_june_holidays(machine):
    proc = reach(machine, "registrado")
    proc = machine.move(proc, "observar", role="agetic_reviewer", on=D(2026, 3, 20),
                        observations="x")
    assert machine.current(proc, D(2026, 3, 20)).deadline == D(2026, 4, 13)
    proc2 = machine.start("actualizacion", D(2026, 5, 1))
    proc2 = machine.move(proc2, "registrar", role="entity_officer", on=D(2026, 5, 5))
    proc2 = machine.move(proc2, "observar", role="sysadmin", on=D(2026, 6, 1), observations="x")
    assert machine.current(proc2, D(2026, 6, 2)).deadline == D(2026, 6, 25)


def test_registration_window_of_ninety_calendar_days(machine):
    """6.1 num. 3: "en un plazo máximo de noventa (90) días calendario, de implementado el
    componente PIGE en el SRSP". From 5 January 2026 the 90th day is Sunday 5 April (Easter);
    by default a deadline that ends on a non-business day moves to the next business day."""
    proc = new(machine)
    assert machine.window_deadline(proc) == D(2026, 4, 6)
    pending = machine.current(proc, D(2026, 4, 10))
    assert (pending.state, pending.status, pending.days_overdue, pending.unit) == (
        "borrador", OVERDUE, 4, "calendar_days")
    on_monday = machine.move(proc, "registrar", role="entity_officer", on=D(2026, 4, 6))
    assert machine.schedule(on_monday, D(2026, 4, 6))[0].status == MET
    late = machine.move(proc, "registrar", role="entity_officer", on=D(2026, 4, 7))
    assert machine.schedule(late, D(2026, 4, 7))[0].status == LATE
    adapting = machine.start("adecuacion", D(2026, 1, 10), window_start=D(2026, 2, 1))
    # Saturday 2 May moves to Monday 4 May.
    assert machine.current(adapting, D(2026, 2, 1)).deadline == D(2026, 5, 4)


def test_a_calendar_deadline_on_a_non_business_day_may_stay_on_that_day():
    """The rule is explicit and configurable: with ``SAME_DAY`` the window from 5 January 2026
    ends on Sunday 5 April, and registering on Monday 6 April is late by one calendar day.
    Business-day periods are not affected: they always end on a business day."""
    strict = ProcedureMachine(non_business_end=SAME_DAY)
    proc = new(strict)
    assert strict.window_deadline(proc) == D(2026, 4, 5)
    late = strict.move(proc, "registrar", role="entity_officer", on=D(2026, 4, 6))
    first = strict.schedule(late, D(2026, 4, 6))[0]
    assert (first.status, first.days_overdue, first.unit) == (LATE, 1, "calendar_days")
    assert strict.deadline(D(2026, 2, 10), 30, "business_days") == D(2026, 3, 26)
    with pytest.raises(ValueError):
        ProcedureMachine(non_business_end="previous_business_day")


def test_updates_have_no_registration_window(machine):
    proc = machine.start("actualizacion", D(2027, 3, 1))
    assert machine.window_deadline(proc) is None
    assert machine.current(proc, D(2028, 1, 1)).status == NO_DEADLINE
    proc = machine.move(proc, "registrar", role="entity_officer", on=D(2027, 3, 2))
    assert machine.schedule(proc, D(2027, 3, 2))[0].status == "done"


def test_starting_needs_a_known_kind_and_the_window_date(machine):
    with pytest.raises(TransitionError) as info:
        machine.start("reformulacion", D(2026, 1, 5))
    assert info.value.code == "unknown_plan_kind"
    with pytest.raises(TransitionError) as info:
        machine.start("formulacion", D(2026, 1, 5))
    assert info.value.code == "missing_window_start"
    assert "90 días calendario" in info.value.message


def test_identifier_codes():
    assert check_identifier_code("  SRSP/2026/000123 ") == "SRSP/2026/000123"
    assert new_identifier_code("mopsv", 2, D(2026, 4, 20)) == "PIGE-MOPSV-V2-20260420"
