"""Confidentiality limits publication, not monitoring (DS 5468, Chapter VI).

6.1 num. 10: "El PIGE y su resolución de aprobación serán publicados ...; con excepción de aquellos
casos que sean declarados confidenciales en la resolución de aprobación." 6.2: "La AGETIC es la
entidad responsable de evaluar y realizar el monitoreo y seguimiento" and "las entidades públicas
deberán informar anualmente sobre el avance".

So a confidential plan shows the public only that it exists, its entity and its procedure dates:
its content is in no public page, public API result, registry file, feed, dump or search result.
Its entity, AGETIC and sysadmins still read it, report on it and count it. A published plan's
content is in those same outputs (so each check can fail)."""

from __future__ import annotations

import gzip
import json

import pytest

from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.pige import national, registry
from portal.pige import services as pige
from tests import factories
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


PUBLIC_PAGES = ("/pige", "/pige?year=2026", "/pige/marco", "/organization/mpd",
                "/dataset?q=pige", f"/dataset/{registry.REGISTRY_NAME}")
PLAN_PAGES = ("/pige/plan/mpd", "/pige/plan/mpd/v1", "/pige/plan/mpd/v1?year=2026")


@pytest.mark.parametrize("who", [None, "outsider", "officer", "member", "reviewer", "root"])
def test_confidential_content_stays_out_of_public_pages(client, plans, who):
    """6.1 num. 10: a confidential plan is not published, whoever looks at the public pages."""
    if who:
        _login(client, who)
    for path in PUBLIC_PAGES:
        assert MARKER not in _text(client.get(path)), path
    assert PUBLIC in _text(client.get("/pige/plan/mefp"))


@pytest.mark.parametrize("who", [None, "outsider"])
def test_the_public_sees_only_that_a_confidential_plan_exists(client, plans, who):
    if who:
        _login(client, who)
    for path in PLAN_PAGES:
        assert MARKER not in _text(client.get(path)), path
    plan_page = _text(client.get("/pige/plan/mpd"))
    assert "Ministerio de Planificación del Desarrollo" in plan_page
    assert "solo se publican su existencia" in plan_page
    assert "2026-05-25" in plan_page  # its procedure dates are public


@pytest.mark.parametrize("who", ["officer", "member", "reviewer", "root"])
def test_entity_and_agetic_still_read_a_confidential_plan(client, plans, who):
    """6.2: "La AGETIC es la entidad responsable de evaluar y realizar el monitoreo y
    seguimiento": confidentiality limits publication, not monitoring."""
    _login(client, who)
    for path in PLAN_PAGES:
        assert MARKER in _text(client.get(path)), path
    assert "no se publica" in _text(client.get("/pige/plan/mpd"))


def test_the_entity_reports_yearly_on_a_confidential_plan(app, client, plans):
    """6.2: "las entidades públicas deberán informar anualmente sobre el avance": the annual
    report form of a confidential plan works for its officer."""
    _login(client, "officer")
    form = client.get("/pige/plan/mpd/v1/avance/2027")
    assert form.status_code == 200 and MARKER in form.get_data(as_text=True)
    response = client.post("/pige/plan/mpd/v1/avance/2027",
                           data={"achieved-L13.1.1": "12", "comment-L13.1.1": "ok"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert pige.get_version("mpd").report(2027).value("L13.1.1").achieved == 12
    assert client.get("/pige/plan/mpd/v1/editar").status_code == 403  # approved: locked
    client.post("/user/logout")
    _login(client, "outsider")
    assert client.get("/pige/plan/mpd/v1/avance/2027").status_code == 403


def _api(client, name, token=None, **params):
    response = client.get(f"/api/3/action/{name}", query_string=params,
                          headers={"Authorization": token} if token else {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True), response.get_json()["result"]


def test_the_public_api_never_returns_the_confidential_content(client, plans):
    token = None
    for name, params in (("pige_plan_list", {}), ("pige_plan_show", {"id": "mpd"}),
                         ("pige_progress_show", {"id": "mpd", "year": 2026}),
                         ("pige_progress_show", {"year": 2026}),
                         ("organization_activity_list", {"id": "mpd"}),
                         ("package_search", {"q": "pige"})):
        text, _result = _api(client, name, token, **params)
        assert MARKER not in text, name
    assert _api(client, "package_search", q=MARKER)[1]["count"] == 0
    shown = _api(client, "pige_plan_show", token, id="mpd")[1]
    version = shown["versions"][0]
    assert version["confidential"] is True and version["content"] is None
    assert [s["on"] for s in version["steps"]][-1] == "2026-05-25"
    progress = _api(client, "pige_progress_show", token, id="mpd", year=2026)[1]
    assert progress["progress"] is None
    text, public = _api(client, "pige_plan_show", token, id="mefp")
    assert PUBLIC in text and public["versions"][0]["content"]["title"] == f"Plan {PUBLIC}"


def test_a_sysadmin_reads_a_confidential_plan_through_the_api(client, plans):
    shown = _api(client, "pige_plan_show", plans, id="mpd")[1]
    assert shown["versions"][0]["confidential"] is True
    assert shown["versions"][0]["content"]["title"] == f"Plan {MARKER}"
    progress = _api(client, "pige_progress_show", plans, id="mpd", year=2026)[1]
    assert progress["progress"]["lines"]
    assert MARKER not in _api(client, "organization_activity_list", plans, id="mpd")[0]


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
    for dump in ("/dump/catalog.jsonl.gz", "/dump/catalog.ttl.gz"):
        with client.get(dump) as response:
            assert response.status_code == 200
            body = gzip.decompress(response.data).decode()
        assert registry.REGISTRY_NAME in body and MARKER not in body, dump
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


def _confidential_plan(entity: str) -> None:
    version = draft(entity, marker=f"{MARKER}{entity.upper()}")
    for action, _actor, on, extra in FLOW:
        if action == "publicar":
            break
        extra = dict(extra)
        if action == "aprobar_resolucion":
            extra["confidential"] = True
        pige.move(version, action, user("root"), on=on, **extra)
    # Line 13 of this plan: 1.0 and 0.0, so 0.5.
    pige.submit_report(version, 2026, {"L13.1.1": {"achieved": 10}, "L13.1.2": {"achieved": 50}},
                       user("root"))


def test_public_figures_never_reveal_one_confidential_plan(app, client, world):
    """6.1 num. 10 and 6.2: AGETIC counts a confidential plan in its internal figures; the
    public sees only aggregates that cannot reveal it. An average over one hidden plan is that
    plan, so hidden plans enter a public figure only when at least three contribute to it."""
    with app.app_context():
        shown = advance(draft("mpd", marker=PUBLIC))
        pige.submit_report(shown, 2026, {"L13.1.1": {"achieved": 5},
                                         "L13.1.2": {"achieved": 70}}, user("officer"))
        _confidential_plan("mefp")
        board = national.dashboard(2026, D(2026, 7, 1), internal=True)
        assert board.progress.by_line[13] == pytest.approx(0.75)  # the published plan only
        assert (board.hidden_in_figures, board.hidden_withheld) == (0, 1)
        assert board.internal.by_line[13] == pytest.approx(0.625)  # AGETIC counts both
        assert board.internal.plans_counted == 2
        for name in ("e1", "e2"):
            factories.entity(name, title=f"Entidad {name}", kind="ministerio")
            _confidential_plan(name)
        board = national.dashboard(2026, D(2026, 7, 1))
        assert board.internal is None
        assert (board.hidden_in_figures, board.hidden_withheld) == (3, 0)
        assert board.progress.by_line[13] == pytest.approx((0.75 + 3 * 0.5) / 4)
    public = client.get("/pige?year=2026").get_data(as_text=True)
    assert "Seguimiento interno" not in public and MARKER not in public
    assert "Incluye el avance de 3 planes" in public
    national_api = _api(client, "pige_progress_show", year=2026)[1]
    assert national_api["internal"] is None and national_api["non_public_plans_in_figures"] == 3
    _login(client, "reviewer")
    inside = client.get("/pige?year=2026").get_data(as_text=True)
    assert "Seguimiento interno de la AGETIC" in inside and MARKER not in inside
