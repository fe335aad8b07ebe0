"""A confidential plan shows only that it exists, its entity and its procedure dates: its content
is in no page, API result, registry file or feed, whoever asks. A published plan's content is in
those same outputs (so each check can fail)."""

from __future__ import annotations

import json

import pytest

from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.pige import registry
from portal.pige import services as pige
from tests.pige.builders import FLOW, MARKER, D, advance, draft, stored_text, user

PUBLIC = "PUBLICOYZW"


@pytest.fixture
def plans(app, world):
    """MPD: confidential, with a 2026 report. MEFP: published, with a 2026 report."""
    with app.app_context():
        secret = advance(draft("mpd"), confidential=True)
        pige.submit_report(secret, 2026, {"L13.1.1": {"achieved": 3, "comment": MARKER}},
                           user("officer"))
        shown = draft("mefp", marker=PUBLIC)
        for action, _actor, on, extra in FLOW:
            pige.move(shown, action, user("root"), on=on, **extra)
        pige.submit_report(shown, 2026, {"L13.1.1": {"achieved": 5, "comment": PUBLIC}},
                           user("root"))
        token = tokens.create_token(user("root"), SYSTEM, name="t")[1]
    return token


def _login(client, name):
    response = client.post("/user/login", data={"username": name, "password": "secreto-123"})
    assert response.status_code == 302


def _text(response) -> str:
    assert response.status_code == 200, (response.status_code, response.request.path)
    return response.get_data(as_text=True)


PAGES = ("/pige", "/pige?year=2026", "/pige/plan/mpd", "/pige/plan/mpd/v1",
         "/pige/plan/mpd/v1?year=2026", "/pige/marco", "/organization/mpd")


@pytest.mark.parametrize("who", [None, "officer", "reviewer", "root"])
def test_pages_never_show_the_confidential_content(client, plans, who):
    if who:
        _login(client, who)
    for path in PAGES:
        body = _text(client.get(path))
        assert MARKER not in body, path
    plan_page = _text(client.get("/pige/plan/mpd"))
    assert "Ministerio de Planificación del Desarrollo" in plan_page
    assert "declarado confidencial" in plan_page
    assert "2026-05-25" in plan_page  # its procedure dates are public
    assert PUBLIC in _text(client.get("/pige/plan/mefp"))


def test_the_officer_forms_refuse_a_confidential_plan(client, plans):
    _login(client, "officer")
    assert client.get("/pige/plan/mpd/v1/avance/2026").status_code == 404
    assert MARKER not in client.get("/pige/plan/mpd/v1/avance/2026").get_data(as_text=True)
    assert client.get("/pige/plan/mpd/v1/editar").status_code == 403


def _api(client, name, token=None, **params):
    response = client.get(f"/api/3/action/{name}", query_string=params,
                          headers={"Authorization": token} if token else {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True), response.get_json()["result"]


@pytest.mark.parametrize("as_sysadmin", [False, True])
def test_api_actions_never_return_the_confidential_content(client, plans, as_sysadmin):
    token = plans if as_sysadmin else None
    for name, params in (("pige_plan_list", {}), ("pige_plan_show", {"id": "mpd"}),
                         ("pige_progress_show", {"id": "mpd", "year": 2026}),
                         ("pige_progress_show", {"year": 2026}),
                         ("organization_activity_list", {"id": "mpd"})):
        text, _result = _api(client, name, token, **params)
        assert MARKER not in text, name
    shown = _api(client, "pige_plan_show", token, id="mpd")[1]
    version = shown["versions"][0]
    assert version["confidential"] is True and version["content"] is None
    assert [s["on"] for s in version["steps"]][-1] == "2026-05-25"
    progress = _api(client, "pige_progress_show", token, id="mpd", year=2026)[1]
    assert progress["progress"] is None
    text, public = _api(client, "pige_plan_show", token, id="mefp")
    assert PUBLIC in text and public["versions"][0]["content"]["title"] == f"Plan {PUBLIC}"


def test_registry_files_hold_only_the_existence_of_a_confidential_plan(app, client, plans):
    with app.app_context():
        dataset = catalog.get_dataset(registry.REGISTRY_NAME)
        files = {r.name: stored_text(r) for r in dataset.resources}
    assert set(files) == {registry.CSV_NAME, registry.JSON_NAME}
    for text in files.values():
        assert MARKER not in text
        assert PUBLIC in text
    doc = json.loads(files[registry.JSON_NAME])
    secret = next(p for p in doc["plans"] if p["entity"] == "mpd")["versions"][0]
    assert secret["confidential"] is True and secret["content"] is None
    assert secret["dates"]["registrar_resolucion"] == "2026-05-25"
    row = next(line for line in files[registry.CSV_NAME].splitlines() if line.startswith("mpd,"))
    assert ",si," in row and "RA 045/2026" not in row and "SRSP-2026-000123" not in row


def test_feeds_and_the_registry_dataset_never_carry_the_content(client, plans):
    for path in ("/catalog.ttl", "/catalog.jsonld", f"/dataset/{registry.REGISTRY_NAME}.ttl",
                 "/feeds/datasets.atom", f"/dataset/{registry.REGISTRY_NAME}"):
        body = _text(client.get(path))
        assert MARKER not in body, path
    text, _ = _api(client, "package_show", id=registry.REGISTRY_NAME)
    assert MARKER not in text


def test_before_publication_only_the_entity_and_agetic_see_the_content(app, client, world):
    with app.app_context():
        advance(draft("mpd"), "registrar")
    assert MARKER not in _text(client.get("/pige/plan/mpd"))
    assert MARKER not in _api(client, "pige_plan_show", id="mpd")[0]
    _login(client, "outsider")
    assert MARKER not in _text(client.get("/pige/plan/mpd"))
    client.post("/user/logout")
    for name in ("member", "reviewer"):
        _login(client, name)
        assert MARKER in _text(client.get("/pige/plan/mpd")), name
        client.post("/user/logout")
    with app.app_context():
        version = pige.get_version("mpd")
        assert pige.can_see_content(user("root"), version)
        assert not pige.can_see_content(user("outsider"), version)
        # Dates are public at every stage.
        assert version.steps[0].on == D(2026, 2, 10)
