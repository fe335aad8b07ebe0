"""The people who do the work find their way: AGETIC's reviewers get the plans waiting on them
(6.1 num. 4: "La AGETIC revisará cada plan ... en un plazo máximo de treinta (30) días hábiles a
partir de su registro"), nearest deadline first; an entity's officer finds "Registrar el PIGE"
on the dashboard."""

from __future__ import annotations

from portal.pige import national
from portal.pige import services as pige
from tests.pige.builders import D, advance, draft, user


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def test_the_worklist_holds_what_waits_on_agetic_nearest_deadline_first(ctx, world):
    mpd = advance(draft("mpd"), "registrar")  # registered 10 February: due 26 March
    mefp = draft("mefp")
    pige.move(mefp, "registrar", user("outsider"), on=D(2026, 2, 3))  # due 19 March
    draft("agetic")  # a draft waits on its entity, not on AGETIC
    items = national.agetic_worklist(D(2026, 3, 1))
    assert [(v.plan.entity.name, s.deadline) for v, s in items] == [
        ("mefp", D(2026, 3, 19)), ("mpd", D(2026, 3, 26))]
    assert items[0][1].days_left > 0 and items[0][1].unit == "business_days"
    pige.move(mpd, "dar_conformidad", user("reviewer"), on=D(2026, 3, 2))
    assert [v.plan.entity.name for v, _s in national.agetic_worklist(D(2026, 3, 2))] == ["mefp"]


def test_the_worklist_page_is_for_agetic(client, app, world):
    with app.app_context():
        advance(draft("mpd"), "registrar")
    assert client.get("/pige/revision").status_code == 302  # sign in first
    _login(client, "officer")
    assert client.get("/pige/revision").status_code == 403
    client.post("/user/logout")
    _login(client, "reviewer")
    page = client.get("/pige/revision").get_data(as_text=True)
    assert 'data-entity="mpd"' in page and "días hábiles" in page
    assert 'href="/pige/revision"' in client.get("/pige").get_data(as_text=True)


def test_an_officer_finds_how_to_register_the_plan(client, app, world):
    _login(client, "outsider")  # editor of MEFP, no plan yet
    board = client.get("/pige").get_data(as_text=True)
    assert "Registrar el PIGE de Ministerio de Economía" in board
    assert 'href="/pige/plan/mefp/nuevo"' in board
    with app.app_context():
        draft("mefp")
    board = client.get("/pige").get_data(as_text=True)
    assert "Registrar el PIGE de Ministerio de Economía" not in board
    assert 'href="/pige/plan/mefp"' in board


def test_the_entity_page_leads_its_officer_to_the_plan(client, app, world):
    _login(client, "outsider")  # editor of MEFP
    page = client.get("/organization/mefp").get_data(as_text=True)
    assert 'href="/pige/entidad/mefp"' in page
    assert client.get("/pige/entidad/mefp").headers["Location"].endswith("/pige/plan/mefp/nuevo")
    with app.app_context():
        draft("mefp")
    assert client.get("/pige/entidad/mefp").headers["Location"].endswith("/pige/plan/mefp")
    client.post("/user/logout")
    assert 'href="/pige/entidad/mefp"' not in client.get("/organization/mefp").get_data(
        as_text=True)
    assert client.get("/pige/entidad/mpd").headers["Location"].endswith("/pige#pige-entities")
