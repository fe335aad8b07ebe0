"""Entity indicators linked to the Cuadro N° 3 targets they serve (DS 5468, 6.2: "el
seguimiento y evaluación se centrarán en el cumplimiento de las metas y resultados sobre las
líneas estratégicas")."""

from __future__ import annotations

import pytest

from portal.pige import services as pige
from portal.pige.refusals import PlanRefused
from portal.pige.schemas import check_content, indicators_of
from tests.pige.builders import CREATED, FLOW, advance, content, user


def _with_targets(line13: str | None, line4: str | None) -> dict:
    data = content()
    data["lines"][0]["actions"][0]["indicators"][0]["national_target"] = line13
    data["lines"][1]["actions"][0]["indicators"][0]["national_target"] = line4
    return data


def test_an_indicator_serves_a_target_of_its_own_line():
    checked = check_content(_with_targets(" l13.m2 ", "L4.M1"), pige.frame(), lambda _n: True)
    linked = {i["id"]: i["national_target"] for i in indicators_of(checked)}
    assert linked == {"L4.1.1": "L4.M1", "L13.1.1": "L13.M2", "L13.1.2": None}


def test_unknown_targets_and_targets_of_another_line_are_refused():
    with pytest.raises(PlanRefused) as info:
        check_content(_with_targets("L99.M1", "L13.M2"), pige.frame(), lambda _n: True)
    assert set(info.value.codes) == {"unknown_target", "target_of_another_line"}
    assert set(info.value.fields) == {
        "lines[0].actions[0].indicators[0].national_target",
        "lines[1].actions[0].indicators[0].national_target"}
    assert "es de la línea 13" in str(info.value)


def test_the_frame_page_counts_the_published_indicators_of_each_target(app, client, world):
    with app.app_context():
        version = pige.create_plan("mpd", {"title": "Plan", "content": _with_targets(
            "L13.M2", None)}, user("root"), on=CREATED)
        advance(version, "registrar_resolucion")
    frame = client.get("/pige/marco").get_data(as_text=True)
    assert 'data-serving="L13.M2">0<' in frame  # not published yet
    with app.app_context():
        action, actor, on, extra = FLOW[-1]  # publicar
        pige.move(pige.get_version("mpd"), action, user(actor), on=on, **extra)
    frame = client.get("/pige/marco").get_data(as_text=True)
    assert 'data-serving="L13.M2">1<' in frame and 'id="meta-L13.M2"' in frame
    assert 'data-target="L13.M2"' in client.get("/pige/plan/mpd").get_data(as_text=True)
