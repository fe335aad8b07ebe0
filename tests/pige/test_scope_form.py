"""AGETIC's reviewers and sysadmins classify an entity under the Disposición Adicional Única from
the web (``/pige/alcance/<entity>``), and every change is in the audit log.

DS 5468, Disposición Adicional Única, Art. 2 of DS 3251, I: "El Plan de Implementación de
Gobierno Electrónico es aplicable al Órgano Ejecutivo, a través de los Ministerios, entidades e
instituciones bajo dependencia y tuición; y empresas públicas." II and III: the others "podrán
implementar" it. The paragraph decides who is flagged overdue, so who changed it, when and from
what is recorded.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal import db
from portal.app import create_app
from portal.audit.models import AuditEvent
from portal.pige import national, scope
from portal.pige import services as pige
from tests.pages.html_check import assert_valid_page
from tests.pige.builders import D, draft

ON = D(2026, 6, 1)  # the registration window closed on 2 March 2026


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def _events(app):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "pige.scope")
                                  .order_by(AuditEvent.id)).all()


def _row(name):
    return next((r for r in national.dashboard(2026, ON).rows if r.entity.name == name), None)


@pytest.fixture
def fixed_day(monkeypatch):
    monkeypatch.setattr(pige, "today", lambda: ON)


def test_a_reviewer_classifies_an_entity_and_it_becomes_overdue(app, client, world, fixed_day):
    """Paragraph I: an obliged entity without a registered plan is overdue once the window has
    closed; the change names its author, the paragraph before and after and the note."""
    _login(client, "reviewer")
    page = client.get("/pige/alcance/ine")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-scope="unclassified"' in body
    assert_valid_page(body)
    assert 'name="csrf_token"' in body
    with app.app_context():
        for basis in pige.frame().plan.scope:  # the decree's wording, as help text
            assert basis.quote in body and basis.reference in body
        assert not _row("ine").overdue
    response = client.post("/pige/alcance/ine", data={
        "paragraph": "I", "note": "Bajo tuición del Ministerio de Planificación del Desarrollo."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pige/alcance/ine")
    with app.app_context():
        record = scope.record_of(scope.catalog.get_entity("ine"))
        assert record.paragraph == "I" and record.user_name == "reviewer"
        row = _row("ine")
        assert row.scope.obliged and row.overdue and row.step.unit == "calendar_days"
    [event] = _events(app)
    assert (event.actor, event.target, event.outcome, event.ip) == (
        "reviewer", "organization:ine", "success", "127.0.0.1")
    assert event.detail == ("paragraph: - (unclassified) -> I; note: Bajo tuición del "
                            "Ministerio de Planificación del Desarrollo.")
    page = client.get("/pige/alcance/ine").get_data(as_text=True)
    assert 'data-scope="obliged"' in page and "Registrada por reviewer" in page
    assert "- (unclassified) -&gt; I" in page  # the history, read from the audit log


def test_reclassifying_records_the_previous_paragraph(app, client, world, fixed_day):
    """A ministry is obliged by its kind; AGETIC may record it as II, and the log says it was I
    by kind. The entity is then voluntary and no longer overdue."""
    _login(client, "root")
    with app.app_context():
        assert _row("mefp").overdue
    assert client.post("/pige/alcance/mefp", data={"paragraph": "ii"}).status_code == 302
    [event] = _events(app)
    assert event.actor == "root" and event.detail == "paragraph: I (kind) -> II; note: "
    with app.app_context():
        assert _row("mefp") is None  # voluntary without a plan: not listed as missing one
    assert client.post("/pige/alcance/mefp", data={"paragraph": "I"}).status_code == 302
    assert _events(app)[-1].detail == "paragraph: II (recorded) -> I; note: "


@pytest.mark.parametrize("data, field, message", [
    ({"paragraph": "IV"}, "paragraph", "«IV» no es un parágrafo del Artículo 2"),
    ({}, "paragraph", "«» no es un parágrafo"),
    ({"paragraph": "I", "note": "x" * 2001}, "note", "hasta 2000 caracteres"),
])
def test_bad_input_is_refused_and_nothing_is_recorded(app, client, world, data, field, message):
    _login(client, "reviewer")
    response = client.post("/pige/alcance/ine", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body
    assert f'href="#field-{field}"' in body  # the summary names the field
    with app.app_context():
        assert scope.recorded() == {}
    assert _events(app) == []


@pytest.mark.parametrize("name", ["officer", "chief", "member", "outsider"])
def test_entity_users_cannot_classify(app, client, world, name):
    """An entity's editor or admin may not decide whether the decree obliges it."""
    _login(client, name)
    assert client.get("/pige/alcance/mpd").status_code == 403
    assert client.post("/pige/alcance/mpd", data={"paragraph": "II"}).status_code == 403
    assert "/pige/alcance/" not in client.get("/pige").get_data(as_text=True)
    with app.app_context():
        assert scope.recorded() == {}
    assert _events(app) == []


def test_anonymous_readers_are_sent_to_sign_in(app, client, world):
    response = client.post("/pige/alcance/ine", data={"paragraph": "I"})
    assert response.status_code == 302 and "/user/login" in response.headers["Location"]
    assert "/pige/alcance/" not in client.get("/pige").get_data(as_text=True)
    assert _events(app) == []


def test_the_ways_in_dashboard_plan_page_and_entity_link(app, client, world, fixed_day):
    with app.app_context():
        draft("mpd")
    _login(client, "reviewer")
    board = client.get("/pige").get_data(as_text=True)
    unclassified = board[board.index('id="pige-unclassified"'):]
    unclassified = unclassified[:unclassified.index("</section>")]
    assert re.findall(r'href="/pige/alcance/([\w-]+)"', unclassified) == ["agetic", "ine"]
    assert 'href="/pige/alcance/mpd"' in board  # every listed row offers the change
    plan = client.get("/pige/plan/mpd").get_data(as_text=True)
    assert 'data-scope="obliged"' in plan and 'href="/pige/alcance/mpd"' in plan
    response = client.get("/pige/entidad/ine")  # an entity without a plan
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/pige/alcance/ine")


@pytest.fixture
def csrf_app(migrated, tmp_path, app, world):
    """The app as deployed (CSRF protection on), on the same database as ``world``."""
    deployed = create_app({"PORTAL_DATABASE_URL": migrated, "PORTAL_SECRET_KEY": "test",
                           "PORTAL_INSTANCE_PATH": str(tmp_path / "csrf"), "TESTING": True})
    yield deployed
    deployed.extensions["db_engine"].dispose()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_the_form_is_csrf_protected(csrf_app, app):
    client = csrf_app.test_client()
    login = client.get("/user/login").get_data(as_text=True)
    assert client.post("/user/login", data={"username": "reviewer", "password": "secreto-123",
                                            "csrf_token": _token(login)}).status_code == 302
    form = client.get("/pige/alcance/ine").get_data(as_text=True)
    assert client.post("/pige/alcance/ine", data={"paragraph": "I"}).status_code == 400
    assert _events(app) == []
    assert client.post("/pige/alcance/ine", data={"paragraph": "I",
                                                  "csrf_token": _token(form)}).status_code == 302
    assert [e.detail for e in _events(app)] == ["paragraph: - (unclassified) -> I; note: "]


def test_the_command_line_change_is_audited_too(app, runner, world):
    """``portal pige scope`` goes through the same service: the log says ``system``, no
    address."""
    result = runner.invoke(args=["pige", "scope", "ine", "II", "--note", "Autónoma"])
    assert result.exit_code == 0, result.output
    [event] = _events(app)
    assert (event.actor, event.ip, event.target, event.detail) == (
        "system", "", "organization:ine", "paragraph: - (unclassified) -> II; note: Autónoma")
    assert "pige.scope" in runner.invoke(args=["audit", "list", "--action", "pige.scope"]).output
