"""The structured plan form (lines, actions, indicators, yearly targets as fields), not a JSON
text box: round trip, saving through the pages, errors next to the field that caused them."""

from __future__ import annotations

from portal.pige import plan_form
from portal.pige import services as pige
from portal.pige.schemas import check_content
from tests.pige.builders import content, draft

YEARS = (2025, 2026, 2027, 2028)


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def _check(data):
    return check_content(data, pige.frame(), lambda _name: True)


def test_fields_round_trip_to_the_same_content():
    stored = _check(content(evidence=["conjunto-a", "conjunto-b"]))
    fields = plan_form.content_to_fields(stored, YEARS)
    assert fields["l1-a0-budget"] == "150000.5" and fields["l1-a0-evidence"] == \
        "conjunto-a conjunto-b"
    assert fields["l1-a0-i0-t2026"] == "10" and fields["l1-a0-i1-t2027"] == ""
    rebuilt, _names = plan_form.fields_to_content(fields, YEARS)
    assert _check(rebuilt) == stored


def test_the_form_offers_one_empty_slot_at_each_level():
    slots = plan_form.layout({"l0-line": "13", "l0-a0-name": "x", "l0-a0-i0-name": "y"})
    assert slots == [{"i": 0, "actions": [{"j": 0, "indicators": [0, 1]},
                                          {"j": 1, "indicators": [0]}]},
                     {"i": 1, "actions": [{"j": 0, "indicators": [0]}]}]


def test_blank_slots_are_dropped_and_errors_point_at_their_field():
    fields = {"l0-line": "13", "l0-a0-name": "", "l0-a0-responsible_unit": "",
              "l0-a0-i0-name": "", "l0-a1-name": "Portal", "l0-a1-responsible_unit": "DTI",
              "l0-a1-i0-name": "Conjuntos", "l0-a1-i0-t2026": "80%",
              "l2-line": "", "l2-a0-name": ""}
    data, names = plan_form.fields_to_content(fields, YEARS)
    assert len(data["lines"]) == 1 and len(data["lines"][0]["actions"]) == 1
    path = "lines[0].actions[0].indicators[0].targets.2026"
    assert plan_form.field_of(path, names) == "l0-a1-i0-t2026"
    assert plan_form.field_of("lines[0].line", names) == "l0-line"
    assert plan_form.field_of("lines[0].actions[0].name", names) == "l0-a1-name"


def test_an_officer_fills_the_plan_with_the_structured_form(app, client, world):
    _login(client, "officer")
    page = client.get("/pige/plan/mpd/nuevo").get_data(as_text=True)
    assert 'name="l0-a0-i0-t2026"' in page and 'name="l0-a0-i0-national_target"' in page
    refused = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan MPD", "kind": "formulacion", "l0-line": "13",
        "l0-a0-name": "Portal de datos", "l0-a0-responsible_unit": "DTI",
        "l0-a0-i0-name": "Conjuntos publicados", "l0-a0-i0-t2026": "80%"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="error-l0-a0-i0-t2026"' in body and 'value="Portal de datos"' in body
    saved = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan MPD", "kind": "formulacion", "l0-line": "13",
        "l0-a0-kind": "proyecto", "l0-a0-name": "Portal de datos",
        "l0-a0-responsible_unit": "DTI", "l0-a0-budget": "1500,5",
        "l0-a0-i0-name": "Conjuntos publicados", "l0-a0-i0-unit": "conjuntos",
        "l0-a0-i0-national_target": "L13.M2", "l0-a0-i0-baseline": "0",
        "l0-a0-i0-t2026": "8", "l0-a0-i0-t2027": "15", "continue": "1"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/v1/editar")
    with app.app_context():
        stored = pige.get_version("mpd").content
    action = stored["lines"][0]["actions"][0]
    assert action["budget"] == 1500.5 and action["kind"] == "proyecto"
    assert action["indicators"][0] == {
        "id": "L13.1.1", "name": "Conjuntos publicados", "unit": "conjuntos",
        "national_target": "L13.M2", "baseline": 0.0, "targets": {"2026": 8.0, "2027": 15.0}}
    form = client.get("/pige/plan/mpd/v1/editar").get_data(as_text=True)
    assert 'value="Portal de datos"' in form and 'name="l1-line"' in form  # and a new slot


def test_emptying_an_indicator_removes_it(app, client, world):
    with app.app_context():
        draft()
        fields = plan_form.content_to_fields(pige.get_version("mpd").content, YEARS)
    for key in [k for k in fields if k.startswith("l1-a0-i1-")]:
        fields[key] = ""
    _login(client, "officer")
    response = client.post("/pige/plan/mpd/v1/editar", data={"title": "Plan", **fields})
    assert response.status_code == 302
    with app.app_context():
        indicators = pige.get_version("mpd").content["lines"][1]["actions"][0]["indicators"]
    assert [i["id"] for i in indicators] == ["L13.1.1"]
