"""AGETIC's observations by section (6.1 num. 4: "dará a conocer sus observaciones"; num. 5: the
entity adjusts "en función a dichas observaciones"): kept per strategic line of the plan and shown
beside that line, so the entity sees what to adjust where."""

from __future__ import annotations

from portal.pige import services as pige
from portal.pige.refusals import PlanRefused
from tests.pige.builders import D, advance, draft, user


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def test_observations_are_kept_by_line(ctx, world):
    version = advance(draft(), "registrar")
    step = pige.move(version, "observar", user("reviewer"), on=D(2026, 3, 20),
                     observation_sections={"13": " Precisar la línea base. ", "4": ""})
    assert step.observation_sections == {"13": "Precisar la línea base."}
    assert step.observations == "Línea 13: Precisar la línea base."


def test_a_section_the_plan_does_not_have_is_refused(ctx, world):
    version = advance(draft(), "registrar")
    try:
        pige.move(version, "observar", user("reviewer"), on=D(2026, 3, 20),
                  observation_sections={"7": "No aplica"})
    except PlanRefused as exc:
        assert exc.code == "unknown_section" and "obs-7" in exc.fields
    else:
        raise AssertionError("an observation on a line outside the plan was accepted")
    assert version.state == "registrado" and len(version.steps) == 1


def test_the_entity_sees_each_observation_beside_its_line(app, client, world):
    with app.app_context():
        advance(draft(), "registrar")
    _login(client, "reviewer")
    form = client.get("/pige/plan/mpd/v1").get_data(as_text=True)
    assert 'name="obs-13"' in form and 'name="obs-4"' in form
    response = client.post("/pige/plan/mpd/v1/paso", data={
        "action": "observar", "on": "2026-03-20", "observations": "Revise el presupuesto.",
        "obs-4": "Falta la unidad de medida del indicador."})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/user/logout")
    _login(client, "officer")
    page = client.get("/pige/plan/mpd/v1").get_data(as_text=True)
    assert 'data-observation="4"' in page and 'data-observation="13"' not in page
    assert "Falta la unidad de medida del indicador." in page
    assert "Revise el presupuesto." in page
