"""The PIGE pages: every move and refusal through the forms, the officer's forms, and pages that
print."""

from __future__ import annotations

import pytest

from portal.pige import services as pige
from tests.pages import charts
from tests.pige.builders import FLOW, MARKER, advance, content, draft, user


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def _move(client, action, on, **fields):
    return client.post("/pige/plan/mpd/v1/paso", data={"action": action, "on": on.isoformat(),
                                                       **fields})


def _state(app):
    with app.app_context():
        return pige.get_version("mpd").state


def test_every_move_through_the_page(app, client, world):
    with app.app_context():
        draft()
    current = None
    for action, actor, on, extra in FLOW:
        if actor != current:
            client.post("/user/logout")
            _login(client, actor)
            current = actor
        page = client.get("/pige/plan/mpd/v1").get_data(as_text=True)
        assert f'value="{action}"' in page  # the form of the next move is offered to its role
        response = _move(client, action, on, **extra)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert _state(app) == "publicado"
    page = client.get("/pige/plan/mpd").get_data(as_text=True)
    assert MARKER in page and "SRSP-2026-000123" in page and "Cumplido en plazo" in page


@pytest.mark.parametrize("actor, action, fields, message", [
    ("reviewer", "registrar", {}, "este paso corresponde a"),
    ("officer", "publicar", {}, "Pasos posibles desde este estado"),
    ("officer", "registrar", {"on": "2026-13-01"}, "no es válida"),
])
def test_refused_moves_through_the_page(app, client, world, actor, action, fields, message):
    with app.app_context():
        draft()
    _login(client, actor)
    data = {"action": action, "on": "2026-02-10", **fields}
    response = client.post("/pige/plan/mpd/v1/paso", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _state(app) == "borrador"


def test_resolution_without_the_code_through_the_page(app, client, world):
    with app.app_context():
        advance(draft(), "aprobar_ciudadania_digital")
    _login(client, "chief")
    response = client.post("/pige/plan/mpd/v1/paso", data={
        "action": "aprobar_resolucion", "on": "2026-05-18", "resolution_number": "RA 045/2026",
        "resolution_cited_code": ""})
    assert response.status_code == 422
    assert "debe hacer referencia al código identificador" in response.get_data(as_text=True)
    assert _state(app) == "codigo_asignado"


def test_strangers_cannot_move(app, client, world):
    with app.app_context():
        draft()
    assert client.post("/pige/plan/mpd/v1/paso", data={"action": "registrar"}).status_code \
        in (302, 401)  # to the login page
    _login(client, "outsider")
    assert _move(client, "registrar", FLOW[0][2]).status_code == 403
    assert _state(app) == "borrador"


def test_officer_creates_and_edits_a_plan(app, client, world):
    import json

    _login(client, "officer")
    assert client.get("/pige/plan/mpd/nuevo").status_code == 200
    bad = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan", "kind": "formulacion", "content": json.dumps({"lines": [
            {"line": 13, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
                {"name": "I", "targets": {"2026": "ochenta"}}]}]}]})})
    assert bad.status_code == 422
    assert "debe ser un número" in bad.get_data(as_text=True)
    broken = client.post("/pige/plan/mpd/nuevo", data={"title": "Plan", "content": "{"})
    assert broken.status_code == 422 and "JSON" in broken.get_data(as_text=True)
    with app.app_context():
        assert pige.list_plans() == []
    created = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan MPD", "kind": "formulacion", "content": json.dumps(content())})
    assert created.status_code == 302
    form = client.get("/pige/plan/mpd/v1/editar").get_data(as_text=True)
    assert "Portal de datos" in form and "L13.1" not in form  # ids are the portal's
    edited = client.post("/pige/plan/mpd/v1/editar", data={
        "title": "Plan MPD corregido", "summary": "", "content": json.dumps(content())})
    assert edited.status_code == 302
    with app.app_context():
        assert pige.get_version("mpd").title == "Plan MPD corregido"


def test_progress_report_through_the_page(app, client, world):
    with app.app_context():
        advance(draft())
    _login(client, "officer")
    outside = client.get("/pige/plan/mpd/v1/avance/2030")
    assert outside.status_code == 422 and "fuera del periodo" in outside.get_data(as_text=True)
    assert client.post("/pige/plan/mpd/v1/avance/2030", data={
        "achieved-L13.1.1": "3"}).status_code == 422
    bad = client.post("/pige/plan/mpd/v1/avance/2026", data={"achieved-L13.1.1": "tres"})
    assert bad.status_code == 422 and "debe ser un número" in bad.get_data(as_text=True)
    with app.app_context():
        assert pige.get_version("mpd").reports == []
    done = client.post("/pige/plan/mpd/v1/avance/2026", data={
        "achieved-L13.1.1": "6", "comment-L13.1.1": "Seis conjuntos",
        "evidence-L13.1.1": "https://example.org/informe.pdf"})
    assert done.status_code == 302
    page = client.get("/pige/plan/mpd?year=2026").get_data(as_text=True)
    assert "Seis conjuntos" in page and "60 %" in page


def test_pages_print_well(app, client, world):
    with app.app_context():
        advance(draft())
    for path in ("/pige", "/pige/plan/mpd"):
        page = client.get(path).get_data(as_text=True)
        assert "/static/css/pige.css" in page
        assert "pige-print-only" in page and "pige-noprint" in page
    with client.get("/static/css/pige.css") as styles:
        assert "@media print" in styles.get_data(as_text=True)
    board = client.get("/pige?year=2026").get_data(as_text=True)
    assert "Transparencia y datos abiertos" in board
    # The bar charts are the chart component (static/js/chart.js draws their spec), each with
    # its table; the lines' bars are labelled by their numbers, the table names them whole.
    steps, lines = charts.figures(board)
    for figure in (steps, lines):
        charts.assert_table_matches(figure)
        assert figure.spec["unit"] == "percent" and figure.spec["horizontal"]
    assert any("Transparencia y datos abiertos" in label for label in lines.spec["labels"])
    assert lines.spec["ticks"] == [label.split(".")[0] for label in lines.spec["labels"]]
    assert all(text.endswith("%") or text == "—" for _label, [text] in lines.rows)


def test_unknown_plan_is_not_found(client, world):
    assert client.get("/pige/plan/mpd").status_code == 404
    assert client.get("/pige/plan/no-existe").status_code == 404
    _login(client, "root")
    assert client.post("/pige/plan/mpd/v1/paso", data={"action": "registrar"}).status_code == 404


def test_an_update_through_the_page_keeps_the_approved_version(app, client, world):
    with app.app_context():
        advance(draft())
    _login(client, "officer")
    assert client.post("/pige/plan/mpd/nueva-version").status_code == 302
    assert client.post("/pige/plan/mpd/nueva-version").status_code == 422  # v2 in progress
    first = client.get("/pige/plan/mpd/v1").get_data(as_text=True)
    assert MARKER in first and "Publicado" in first
    with app.app_context():
        assert [v.state for v in pige.get_plan("mpd").versions] == ["publicado", "borrador"]
        assert pige.can_see_content(user("officer"), pige.get_version("mpd", 2))
