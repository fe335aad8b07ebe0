"""Stored plans through the services: the procedure by role with dated steps, every refusal
changing nothing, versions, progress reports and the activity record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import db
from portal.activity.models import Activity
from portal.errors import NotAuthorized
from portal.pige import services as pige
from portal.pige.models import PlanStep, PlanVersion, ProgressReport
from portal.pige.refusals import PlanRefused
from tests.pige.builders import FLOW, MARKER, D, advance, content, draft, user


def _snapshot():
    """Everything a refused write must leave as it was."""
    return (
        db.session.scalar(select(func.count()).select_from(PlanStep)),
        db.session.scalar(select(func.count()).select_from(PlanVersion)),
        db.session.scalar(select(func.count()).select_from(ProgressReport)),
        db.session.scalar(select(func.count()).select_from(Activity)),
        tuple(db.session.execute(select(PlanVersion.state, PlanVersion.content,
                                        PlanVersion.identifier_code)).all()),
    )


def _refused(code: str, call, *args, **kwargs) -> PlanRefused:
    before = _snapshot()
    with pytest.raises(PlanRefused) as info:
        call(*args, **kwargs)
    db.session.rollback()
    assert info.value.code == code, info.value.problems
    assert info.value.fields  # a clear message on the field concerned
    assert _snapshot() == before
    return info.value


def test_a_draft_stores_normalised_content_and_the_window(ctx, world):
    version = draft()
    assert version.number == 1 and version.kind == "formulacion" and version.state == "borrador"
    # The latest date the decree allows for the SRSP component: 30 calendar days from 31 October
    # 2025 end on Sunday 30 November, so by default on Monday 1 December.
    assert version.window_start == D(2025, 12, 1)
    action = version.content["lines"][1]["actions"][0]  # lines sorted: 4 then 13
    assert version.content["lines"][0]["line"] == 4
    assert action["id"] == "L13.1" and action["budget"] == 150000.5
    assert [i["id"] for i in action["indicators"]] == ["L13.1.1", "L13.1.2"]
    assert action["indicators"][0]["targets"] == {"2026": 10.0, "2027": 20.0}
    step = pige.current_step(version, D(2026, 2, 1))
    # 90 calendar days end on Sunday 1 March: Monday 2 March.
    assert step.state == "borrador" and step.deadline == D(2026, 3, 2)
    assert step.status == "due" and step.days_left == 29


def test_configured_window_start(app, world):
    app.config["PORTAL_PIGE_WINDOW_START"] = "2026-01-05"
    with app.app_context():
        version = draft()
        assert version.window_start == D(2026, 1, 5)
        # The 90th day is Sunday 5 April: the deadline moves to Monday 6 April.
        assert pige.current_step(version, D(2026, 4, 6)).deadline == D(2026, 4, 6)
        assert pige.current_step(version, D(2026, 4, 8)).days_overdue == 2


def test_the_rule_for_a_deadline_on_a_non_business_day_is_a_setting(app, world):
    """PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE=same_day keeps a calendar-day deadline on the
    Sunday it ends on; the page states the rule in force."""
    app.config["PORTAL_PIGE_WINDOW_START"] = "2026-01-05"
    app.config["PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE"] = "same_day"
    with app.app_context():
        version = draft()
        assert pige.current_step(version, D(2026, 4, 8)).deadline == D(2026, 4, 5)
        assert pige.current_step(version, D(2026, 4, 8)).days_overdue == 3
    page = app.test_client().get("/pige/marco").get_data(as_text=True)
    assert "vence el día en que termina, aunque sea sábado, domingo o feriado" in page
    app.config["PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE"] = "next_business_day"
    page = app.test_client().get("/pige/marco").get_data(as_text=True)
    assert "se traslada al siguiente día hábil" in page
    app.config["PORTAL_PIGE_NON_BUSINESS_DAY_DEADLINE"] = "previous_day"
    with app.app_context(), pytest.raises(ValueError, match="next_business_day, same_day"):
        pige.machine()


def test_the_whole_procedure_is_stored_as_dated_steps(ctx, world):
    version = advance(draft())
    assert version.state == "publicado"
    assert [(s.action, s.on, s.role) for s in version.steps] == [
        (action, on, {"reviewer": "agetic_reviewer"}.get(actor, "entity_officer"))
        for action, actor, on, _extra in FLOW
    ]
    assert version.identifier_code == "SRSP-2026-000123"
    assert version.resolution_number == "RA 045/2026" and not version.confidential
    statuses = [(s.state, s.deadline, s.status) for s in pige.schedule(version, D(2026, 7, 1))]
    assert statuses == [
        ("borrador", D(2026, 3, 2), "met"),
        ("registrado", D(2026, 3, 26), "met"),  # skips Carnival, 16-17 February
        ("observado", D(2026, 4, 13), "met"),  # skips Good Friday, 3 April
        ("ajustado", D(2026, 5, 26), "met"),
        ("conforme", D(2026, 5, 18), "met"),
        ("codigo_asignado", D(2026, 5, 25), "met"),
        ("aprobado", D(2026, 6, 1), "met"),
        ("resolucion_registrada", None, "done"),
    ]
    assert pige.current_step(version, D(2026, 7, 1)) is None
    # The stored steps replay to the same record the machine would build.
    assert pige.procedure_of(version).state == "publicado"


def test_deadlines_around_the_2026_holidays(ctx, world):
    version = draft()
    pige.move(version, "registrar", user("officer"), on=D(2026, 5, 29))
    step = pige.current_step(version, D(2026, 6, 1))
    # 30 business days from Friday 29 May skip Corpus Christi (4 June), the decreed 5 June and
    # Monday 22 June (Año Nuevo Andino Amazónico moved from Sunday 21).
    assert step.deadline == D(2026, 7, 15)
    assert step.status == "due" and step.days_left == 29
    late = pige.current_step(version, D(2026, 7, 17))
    assert late.status == "overdue" and late.days_overdue == 2


def test_a_late_step_says_by_how_much(ctx, world):
    version = draft()
    pige.move(version, "registrar", user("officer"), on=D(2026, 3, 4))  # window ended 2 March
    first = pige.schedule(version, D(2026, 3, 4))[0]
    assert first.status == "late" and first.days_overdue == 2  # calendar days


@pytest.mark.parametrize("action, actor", [
    ("registrar", "reviewer"),  # AGETIC does not register the entity's plan
    ("registrar", "outsider"),  # an officer of another entity holds no role here: 403 below
])
def test_wrong_role_is_refused(ctx, world, action, actor):
    version = draft()
    if actor == "outsider":
        with pytest.raises(NotAuthorized):
            pige.move(version, action, user(actor), on=D(2026, 2, 10))
        assert version.steps == []
        return
    error = _refused("wrong_role", pige.move, version, action, user(actor), on=D(2026, 2, 10))
    assert "Responsable de implementación" in error.fields["action"][0]


def test_only_agetic_reviews(ctx, world):
    version = advance(draft(), "registrar")
    error = _refused("wrong_role", pige.move, version, "dar_conformidad", user("officer"),
                     on=D(2026, 3, 2))
    assert "Revisor de la AGETIC" in error.fields["action"][0]
    _refused("wrong_role", pige.move, version, "observar", user("chief"), on=D(2026, 3, 2),
             observations="x")


def test_a_member_without_publishing_role_moves_nothing(ctx, world):
    version = draft()
    with pytest.raises(NotAuthorized):
        pige.move(version, "registrar", user("member"), on=D(2026, 2, 10))
    with pytest.raises(NotAuthorized):
        pige.move(version, "registrar", None, on=D(2026, 2, 10))


def test_sysadmin_makes_every_move(ctx, world):
    version = draft()
    for action, _actor, on, extra in FLOW:
        pige.move(version, action, user("root"), on=on, **extra)
    assert version.state == "publicado"
    assert {s.role for s in version.steps} == {"sysadmin"}


@pytest.mark.parametrize("action, extra", [
    ("dar_conformidad", {}),
    ("aprobar_resolucion", {"resolution_number": "RA 1", "resolution_cited_code": "X-1234"}),
    ("publicar", {}),
    ("ajustar", {}),
])
def test_out_of_order_is_refused(ctx, world, action, extra):
    version = draft()
    error = _refused("out_of_order", pige.move, version, action, user("root"),
                     on=D(2026, 2, 10), **extra)
    assert "Borrador" in error.fields["action"][0]
    assert "Registrar el plan en el SRSP" in error.fields["action"][0]


def test_unknown_action_is_refused(ctx, world):
    _refused("unknown_action", pige.move, draft(), "aprobar", user("root"), on=D(2026, 2, 10))


def test_observing_needs_observations(ctx, world):
    version = advance(draft(), "registrar")
    _refused("missing_observations", pige.move, version, "observar", user("reviewer"),
             on=D(2026, 3, 2), observations="  ")


def test_dates_must_follow_and_not_be_in_the_future(ctx, world):
    version = advance(draft(), "registrar")
    _refused("date_before_previous", pige.move, version, "dar_conformidad", user("reviewer"),
             on=D(2026, 2, 9))
    _refused("date_in_future", pige.move, version, "dar_conformidad", user("reviewer"),
             on=D(2026, 3, 2), as_of=D(2026, 3, 1))


def test_ciudadania_digital_needs_a_valid_code(ctx, world):
    version = advance(draft(), "dar_conformidad")
    _refused("missing_identifier_code", pige.move, version, "aprobar_ciudadania_digital",
             user("officer"), on=D(2026, 5, 11))
    _refused("invalid_identifier_code", pige.move, version, "aprobar_ciudadania_digital",
             user("officer"), on=D(2026, 5, 11), identifier_code="con espacios")


def test_resolution_must_cite_the_plans_code(ctx, world):
    version = advance(draft(), "aprobar_ciudadania_digital")
    error = _refused("resolution_without_code", pige.move, version, "aprobar_resolucion",
                     user("chief"), on=D(2026, 5, 18), resolution_number="RA 045/2026",
                     resolution_cited_code="")
    assert "SRSP-2026-000123" in error.fields["resolution_cited_code"][0]
    error = _refused("resolution_code_mismatch", pige.move, version, "aprobar_resolucion",
                     user("chief"), on=D(2026, 5, 18), resolution_number="RA 045/2026",
                     resolution_cited_code="SRSP-2026-999999")
    assert "SRSP-2026-999999" in error.fields["resolution_cited_code"][0]
    _refused("missing_resolution", pige.move, version, "aprobar_resolucion", user("chief"),
             on=D(2026, 5, 18), resolution_number="", resolution_cited_code="SRSP-2026-000123")
    assert version.state == "codigo_asignado"


def test_a_confidential_plan_is_not_published(ctx, world):
    version = advance(draft(), confidential=True)
    assert version.confidential and version.state == "resolucion_registrada"
    _refused("confidential_not_published", pige.move, version, "publicar", user("root"),
             on=D(2026, 6, 1))
    assert pige.current_step(version, D(2026, 7, 1)).status == "not_applicable"
    assert pige.machine().is_finished(pige.procedure_of(version))
    assert pige.allowed_moves(version, user("root")) == []


def test_allowed_moves_follow_the_role(ctx, world):
    version = advance(draft(), "registrar")
    assert pige.allowed_moves(version, user("officer")) == []
    moves = {t.action: role for t, role in pige.allowed_moves(version, user("reviewer"))}
    assert moves == {"observar": "agetic_reviewer", "dar_conformidad": "agetic_reviewer"}


def test_every_move_is_in_the_activity_record_without_content(ctx, world):
    version = advance(draft(), "dar_conformidad")
    rows = list(db.session.scalars(select(Activity).where(Activity.object_type == "pige_plan")
                                   .order_by(Activity.timestamp)))
    kinds = [(a.activity_type, a.data.get("action")) for a in rows]
    assert kinds == [("new pige plan", None), ("pige procedure step", "registrar"),
                     ("pige procedure step", "observar"), ("pige procedure step", "ajustar"),
                     ("pige procedure step", "dar_conformidad")]
    assert rows[2].user_name == "reviewer" and rows[2].data["on"] == "2026-03-20"
    assert all(MARKER not in str(a.data) for a in rows)
    assert all(a.entity_id == version.plan.entity_id for a in rows)


# --- content and versions --------------------------------------------------------------------


@pytest.mark.parametrize("change, code, field", [
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
        {"name": "I", "targets": {"2026": "alto"}}]}]}]},
     "target_not_numeric", "lines[0].actions[0].indicators[0].targets.2026"),
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
        {"name": "I", "targets": {"2026": "80%"}}]}]}]},
     "target_not_numeric", "lines[0].actions[0].indicators[0].targets.2026"),
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
        {"name": "I", "targets": {"2031": 5}}]}]}]},
     "year_outside_period", "lines[0].actions[0].indicators[0].targets.2031"),
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
        {"name": "I", "baseline": "n/d", "targets": {"2026": 5}}]}]}]},
     "baseline_not_numeric", "lines[0].actions[0].indicators[0].baseline"),
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U",
                                          "budget": "mucho", "indicators": [
        {"name": "I", "targets": {"2026": 5}}]}]}]},
     "budget_not_numeric", "lines[0].actions[0].budget"),
    ({"lines": [{"line": 15, "actions": []}]}, "unknown_line", "lines[0].line"),
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
        {"name": "I", "targets": {}}]}]}]},
     "missing_targets", "lines[0].actions[0].indicators[0].targets"),
    ({"lines": [{"line": 13, "actions": [{"name": "A", "responsible_unit": "U",
                                          "evidence": ["no-existe"], "indicators": [
        {"name": "I", "targets": {"2026": 1}}]}]}]},
     "unknown_dataset", "lines[0].actions[0].evidence[0]"),
    ({"lines": []}, "missing_field", "lines"),
    ("texto", "not_an_object", "content"),
])
def test_bad_content_is_refused(ctx, world, change, code, field):
    before = _snapshot()
    with pytest.raises(PlanRefused) as info:
        pige.create_plan("mpd", {"title": "Plan", "content": change}, user("officer"))
    assert info.value.code == code
    assert field in info.value.fields
    assert _snapshot() == before


def test_every_problem_is_listed(ctx, world):
    bad = {"lines": [{"line": 13, "actions": [{"name": "", "responsible_unit": "U",
                                               "indicators": [{"name": "I", "targets": {
                                                   "2026": "x", "2040": 1}}]}]}]}
    with pytest.raises(PlanRefused) as info:
        pige.create_plan("mpd", {"title": "Plan", "content": bad}, user("officer"))
    assert set(info.value.codes) == {"missing_field", "target_not_numeric",
                                     "year_outside_period"}


def test_evidence_links_existing_datasets(ctx, world):
    from tests import factories

    factories.dataset("presupuesto-mpd", entity_name="mpd")
    version = draft(evidence=["presupuesto-mpd"])
    assert version.content["lines"][1]["actions"][0]["evidence"] == ["presupuesto-mpd"]


def test_only_the_entitys_officer_writes_its_plan(ctx, world):
    for name in ("outsider", "member", "reviewer"):
        with pytest.raises(NotAuthorized):
            pige.create_plan("mpd", {"title": "Plan", "content": content()}, user(name))
    pige.create_plan("mpd", {"title": "Plan", "content": content()}, user("officer"))
    _refused("plan_exists", pige.create_plan, "mpd", {"title": "Otro", "content": content()},
             user("chief"))


def test_content_is_locked_once_under_review(ctx, world):
    version = draft()
    pige.update_content(version, {"title": "Plan corregido"}, user("officer"))
    assert version.title == "Plan corregido"
    advance(version, "registrar")
    _refused("content_locked", pige.update_content, version, {"title": "Otro"}, user("officer"))
    advance_from = next(f for f in FLOW if f[0] == "observar")
    pige.move(version, "observar", user("reviewer"), on=advance_from[2], **advance_from[3])
    pige.update_content(version, {"content": content(target_2026=12)}, user("officer"))
    assert version.content["lines"][1]["actions"][0]["indicators"][0]["targets"]["2026"] == 12


def test_an_update_is_a_new_version_and_the_approved_one_stays(ctx, world):
    first = advance(draft())
    second = pige.new_version(first.plan, {"title": "Plan actualizado"}, user("officer"),
                              on=D(2026, 9, 1))
    assert second.number == 2 and second.kind == "actualizacion" and second.state == "borrador"
    assert second.window_start is None
    assert pige.current_step(second, D(2026, 9, 2)).status == "no_deadline"
    assert second.content == first.content and second.title == "Plan actualizado"
    plan = pige.get_plan("mpd")
    assert [v.number for v in plan.versions] == [1, 2]
    assert pige.current_version(plan).number == 1  # the approved one stays in force
    assert pige.get_version("mpd", 1).title == f"Plan {MARKER}"
    _refused("version_in_progress", pige.new_version, plan, {}, user("officer"))
    _refused("not_latest_version", pige.move, first, "publicar", user("root"), on=D(2026, 9, 2))


# --- progress reports ------------------------------------------------------------------------


def _values(achieved="6", **extra):
    return {"L13.1.1": {"achieved": achieved, "comment": "Avance", **extra},
            "L13.1.2": {"achieved": "60"}}


def test_a_report_and_the_progress_it_gives(ctx, world):
    version = advance(draft())
    report = pige.submit_report(version, 2026, {**_values(), "L4.1.1": {"achieved": "4,0"}},
                                user("officer"), on=D(2026, 11, 2))
    assert report.year == 2026 and len(report.values) == 3
    progress = pige.progress_of(version, 2026)
    line13 = progress.line(13)
    assert [i.progress for i in line13.indicators] == [0.6, 0.5]  # 6 of 10; (60-50)/(70-50)
    assert line13.progress == pytest.approx(0.55)
    assert progress.line(4).progress == 1.0
    assert progress.progress == pytest.approx((0.55 + 1.0) / 2)
    # Replacing the year's report keeps one report.
    pige.submit_report(version, "2026", _values("10"), user("chief"))
    assert len(version.reports) == 1 and pige.progress_of(version, 2026).line(4).progress is None


@pytest.mark.parametrize("year", [2024, 2029, "dos mil", None])
def test_a_report_outside_the_period_is_refused(ctx, world, year):
    version = advance(draft())
    error = _refused("year_outside_period", pige.submit_report, version, year, _values(),
                     user("officer"))
    assert "2025-2028" in error.fields["year"][0]


@pytest.mark.parametrize("values, code", [
    ({"L13.1.1": {"achieved": "seis"}}, "achieved_not_numeric"),
    ({"L13.1.1": {"achieved": "60%"}}, "achieved_not_numeric"),
    ({"L99.1.1": {"achieved": "1"}}, "unknown_indicator"),
    ({"L13.1.1": {"achieved": "1", "evidence": "no-existe"}}, "unknown_evidence"),
    ({"L13.1.1": {"achieved": ""}}, "empty_report"),
])
def test_bad_report_values_are_refused(ctx, world, values, code):
    version = advance(draft())
    _refused(code, pige.submit_report, version, 2026, values, user("officer"))


def test_reports_need_an_approved_plan_and_its_officer(ctx, world):
    version = advance(draft(), "dar_conformidad")
    _refused("plan_not_approved", pige.submit_report, version, 2026, _values(), user("officer"))
    advance_rest = draft("mefp")
    with pytest.raises(NotAuthorized):
        pige.submit_report(advance_rest, 2026, _values(), user("officer"))
    with pytest.raises(NotAuthorized):
        pige.submit_report(version, 2026, _values(), user("reviewer"))


def test_report_evidence_accepts_datasets_and_addresses(ctx, world):
    from tests import factories

    factories.dataset("presupuesto-mpd", entity_name="mpd")
    version = advance(draft())
    report = pige.submit_report(version, 2026, _values(
        evidence="presupuesto-mpd https://www.planificacion.gob.bo/informe.pdf"), user("officer"))
    assert report.value("L13.1.1").evidence == [
        "presupuesto-mpd", "https://www.planificacion.gob.bo/informe.pdf"]
