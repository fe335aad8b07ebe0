"""The 2028 final evaluation (DS 5468, 6.2): "Se evaluará el cumplimiento de resultados y metas
establecidas para cada línea estratégica el año 2028. Los resultados serán presentados al
COPLUTIC". Built from the yearly reports; the public version counts published plans only."""

from __future__ import annotations

import csv
import io

from portal.pige import evaluation
from portal.pige import services as pige
from tests.pige.builders import FLOW, content, user


def _plan(entity, marker, *, confidential=False, achieved=(8.0, 70.0)):
    data = content(marker)
    first, second = data["lines"][0]["actions"][0]["indicators"]
    first.update(national_target="L13.M2", targets={**first["targets"], "2028": 10})
    second.update(national_target="L13.M1", targets={**second["targets"], "2028": 70})
    version = pige.create_plan(entity, {"title": marker, "content": data}, user("root"),
                               on=FLOW[0][2])
    for action, _actor, on, extra in FLOW:
        if action == "publicar" and confidential:
            break
        extra = dict(extra)
        if action == "aprobar_resolucion":
            extra["confidential"] = confidential
        pige.move(version, action, user("root"), on=on, **extra)
    pige.submit_report(version, 2028, {"L13.1.1": {"achieved": achieved[0]},
                                       "L13.1.2": {"achieved": achieved[1]}}, user("root"))
    return version


def _target(lines, target_id):
    return next(t for le in lines for t in le.targets if t.target.id == target_id)


def test_targets_are_evaluated_from_the_reports(ctx, world):
    _plan("mpd", "UNO")  # 2028: 8 of a target of 10 (from 0); 70 of 70 (from 50)
    assert _target(evaluation.evaluate(2027), "L13.M2").reported == []  # no 2027 report
    lines = evaluation.evaluate(2028)
    open_data, access = _target(lines, "L13.M2"), _target(lines, "L13.M1")
    assert (len(open_data.reported), open_data.met, open_data.entities) == (1, 0, 1)
    assert open_data.mean_progress == 0.8
    assert (len(access.reported), access.met) == (1, 1)
    assert open_data.catalog is not None  # the catalog's own measure sits beside it
    line13 = next(le for le in lines if le.line.number == 13)
    assert line13.progress == 0.9  # the plan's line 13: mean(0.8, 1.0)


def test_the_public_evaluation_leaves_out_confidential_plans_and_agetic_counts_them(ctx, world):
    _plan("mpd", "PUB", achieved=(10.0, 70.0))
    _plan("mefp", "SECRETO", confidential=True, achieved=(5.0, 60.0))
    public = _target(evaluation.evaluate(2028), "L13.M1")
    internal = _target(evaluation.evaluate(2028, internal=True), "L13.M1")
    assert public.entities == 1 and internal.entities == 2
    assert {e.name for e, _i, _p in internal.indicators} == {"mpd", "mefp"}


def test_the_page_and_the_download(client, app, world):
    with app.app_context():
        _plan("mpd", "UNO")
    page = client.get("/pige/evaluacion-final").get_data(as_text=True)
    assert "Evaluación final del PIGE 2028" in page and 'data-target="L13.M2"' in page
    assert "Evaluación preliminar" in client.get("/pige/evaluacion-final?year=2026").get_data(
        as_text=True)
    with client.get("/pige/evaluacion-final.csv") as response:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == len(pige.frame().targets)
    row = next(r for r in rows if r["meta"] == "L13.M2")
    assert (row["entidades"], row["indicadores"]) == ("1", "1")
    assert client.get("/pige/evaluacion-final.pdf").status_code == 404
