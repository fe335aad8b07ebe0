"""The registry dataset follows every plan change; national progress and the line 13 target the
catalog measures; the demo plans; the CLI."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.pige import national, registry, scope
from portal.pige import services as pige
from portal.pige.demo import DEMO_DATE
from tests import factories
from tests.pige.builders import FLOW, D, advance, draft, stored_text, user


def _registry_rows():
    dataset = catalog.get_dataset(registry.REGISTRY_NAME)
    text = stored_text(next(r for r in dataset.resources if r.name == registry.CSV_NAME))
    return list(csv.DictReader(io.StringIO(text)))


def test_the_registry_dataset_follows_every_change(ctx, world):
    assert registry.registry_dataset() is None
    version = draft()
    dataset = registry.registry_dataset()
    assert dataset.entity.name == "agetic" and dataset.is_public
    assert {r.format for r in dataset.resources} == {"CSV", "JSON"}
    assert [(r["entidad"], r["estado"]) for r in _registry_rows()] == [("mpd", "borrador")]
    shas = {r.name: r.sha256 for r in dataset.resources}
    pige.move(version, "registrar", user("officer"), on=FLOW[0][2])
    row = _registry_rows()[0]
    assert row["estado"] == "registrado" and row["fecha_registro"] == "2026-02-10"
    assert row["plazo_paso_pendiente"] == "2026-03-26" and row["contenido_publico"] == "no"
    assert all(shas[r.name] != r.sha256 for r in dataset.resources)
    for action, actor, on, extra in FLOW[1:]:
        pige.move(version, action, user(actor), on=on, **extra)
    row = _registry_rows()[0]
    assert row["estado"] == "publicado" and row["contenido_publico"] == "si"
    assert row["lineas_estrategicas"] == "4 13" and row["presupuesto_total"] == "150000.50"
    pige.submit_report(version, 2026, {"L13.1.1": {"achieved": 5}}, user("officer"))
    assert _registry_rows()[0]["anios_informados"] == "2026"
    pige.new_version(version.plan, {}, user("officer"), on=D(2026, 9, 1))
    assert [(r["version"], r["estado"]) for r in _registry_rows()] == [
        ("1", "publicado"), ("2", "borrador")]


def test_unchanged_registry_files_are_not_rewritten(ctx, world):
    draft()
    dataset = registry.registry_dataset()
    before = {r.name: (r.sha256, r.modified) for r in dataset.resources}
    registry.refresh()
    assert {r.name: (r.sha256, r.modified) for r in dataset.resources} == before


def test_no_registry_without_agetic(app):
    with app.app_context():
        factories.entity("mpd", title="MPD", kind="ministerio")
        pige.create_plan("mpd", {"title": "Plan", "content": {"lines": [
            {"line": 3, "actions": [{"name": "A", "responsible_unit": "U", "indicators": [
                {"name": "I", "targets": {"2026": 1}}]}]}]}}, SYSTEM)
        assert registry.registry_dataset() is None


def test_the_registry_is_described_in_dcat_like_any_dataset(client, app, world):
    with app.app_context():
        draft()
    response = client.get(f"/dataset/{registry.REGISTRY_NAME}.ttl")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    formats = {str(o) for d in graph.objects(datasets[0], DCAT.distribution)
               for o in graph.objects(d, URIRef("http://purl.org/dc/terms/format"))}
    assert len(list(graph.objects(datasets[0], DCAT.distribution))) == 2
    assert formats  # each distribution says its format
    catalog_ttl = client.get("/catalog.ttl").get_data(as_text=True)
    assert registry.REGISTRY_NAME in catalog_ttl


def test_national_progress_and_the_catalog_measured_target(ctx, world):
    factories.dataset("abierto-mpd", entity_name="mpd", description="Datos del MPD.")
    ds = catalog.get_dataset("abierto-mpd")
    factories.resource(ds)
    factories.dataset("sin-recursos-mefp", entity_name="mefp", description="Sin archivo.")
    factories.dataset("privado-ine", entity_name="ine", private=True, license_id="other-closed")
    published = advance(draft("mpd"))
    pige.submit_report(published, 2026, {"L13.1.1": {"achieved": 5},
                                         "L13.1.2": {"achieved": 70}}, user("officer"))
    hidden = draft("mefp")
    pige.move(hidden, "registrar", user("outsider"), on=FLOW[0][2])  # MEFP's own officer
    assert hidden.state == "registrado"
    scope.set_scope("ine", "I", user("root"))
    board = national.dashboard(2026, D(2026, 7, 1))
    names = [r.entity.name for r in board.rows]
    assert "gam-la-paz" not in names  # territorial (voluntary, III), no plan
    assert set(board.progress.entities_with_plan) == {"mpd", "mefp"}
    assert set(board.progress.entities_without_plan) == {"ine"}  # obliged, no plan
    assert [r.entity.name for r in board.unclassified] == ["agetic"]
    assert board.progress.entities_with_approved_plan == ("mpd",)
    # Only the published plan's content counts: line 13 = mean(0.5, 1.0), line 4 not reported.
    assert board.progress.by_line[13] == pytest.approx(0.75)
    assert board.progress.by_line[4] is None
    assert board.progress.progress == pytest.approx(0.75)
    overdue = {r.entity.name: r.days_overdue for r in board.overdue}
    # AGETIC's 30 business days from 10 February ended on 26 March.
    late = pige.machine().calendar.business_days_between(D(2026, 3, 26), D(2026, 7, 1))
    # INE registered nothing: 121 calendar days since the window closed (Monday 2 March).
    assert overdue == {"mefp": late, "ine": 121} and 60 < late < 70
    (measured,) = board.catalog_targets
    assert measured["target"].id == "L13.M2"
    attained = measured["attainment"]
    # Central entities in the catalog: agetic, mpd, mefp, ine. MPD publishes open data with a
    # description and a distribution, and so does AGETIC (the PIGE registry itself); MEFP's
    # dataset has no distribution and INE's is private.
    assert (attained.numerator, attained.denominator) == (2, 4)
    assert attained.value == 50.0 and attained.met is False
    assert measured["publishing"] == ["agetic", "mpd"]
    assert [(r["entity"].name, r["progress"]) for r in measured["reported"]] == [("mpd", 0.75)]


def test_progress_api(client, app, world):
    with app.app_context():
        version = advance(draft("mpd"))
        pige.submit_report(version, 2026, {"L13.1.1": {"achieved": 10}}, user("officer"))
    national_result = client.get("/api/3/action/pige_progress_show",
                                 query_string={"year": 2026}).get_json()["result"]
    assert national_result["by_line"]["13"] == pytest.approx(1.0)
    assert national_result["catalog_targets"][0]["target"] == "L13.M2"
    plan = client.get("/api/3/action/pige_progress_show",
                      query_string={"id": "mpd", "year": 2026}).get_json()["result"]
    assert plan["progress"]["lines"][1]["indicators"][0]["met"] is True
    bad = client.get("/api/3/action/pige_progress_show", query_string={"year": 2031})
    assert bad.status_code == 409 or bad.get_json()["success"] is False
    listed = client.get("/api/3/action/pige_plan_list",
                        query_string={"state": "publicado"}).get_json()["result"]
    assert [p["entity"] for p in listed] == ["mpd"]


def test_actions_are_in_the_openapi_document(client):
    from portal.api.registry import ACTIONS

    assert {"pige_plan_list", "pige_plan_show", "pige_progress_show"} <= set(ACTIONS)


def test_demo_plans_cover_every_stage(app, runner):
    with app.app_context():
        from portal.catalog import services
        from portal.demo.catalog import demo_entities, entity_input

        for record in demo_entities():
            services.create_entity(entity_input(record), SYSTEM)
    result = runner.invoke(args=["pige", "demo"])
    assert result.exit_code == 0, result.output
    assert "12 (12 new, 4 progress reports)" in result.output
    assert "0 new" in runner.invoke(args=["pige", "demo"]).output  # idempotent
    with app.app_context():
        plans = pige.list_plans()
        latest_states = {p.latest.state for p in plans}
        all_states = {v.state for p in plans for v in p.versions}
        assert all_states == {s.id for s in pige.frame().procedure.states}
        assert "borrador" in latest_states
        board = national.dashboard(2026, DEMO_DATE)
        # DA Única I: the obliged entities without a plan are overdue, like MDPyEP's draft; the
        # voluntary ones (II: BCB, Contraloría...; III: governments, universities) never are.
        assert sorted(r.entity.name for r in board.overdue) == [
            "aben", "aduana", "cancilleria", "ine", "mdpyep", "mdryt", "mhe", "minculturas"]
        assert {r.scope.kind for r in board.overdue} == {"obliged"}
        bcb = next(r for r in board.rows if r.entity.name == "bcb")
        assert bcb.scope.paragraph == "II" and bcb.plan is not None
        assert "gam-la-paz" not in [r.entity.name for r in board.rows]
        assert not board.unclassified
        assert [p.entity.name for p in plans if p.latest.confidential] == ["ministerio-educacion"]
        reported = [p.entity.name for p in plans for v in p.versions if v.report(2026)]
        assert sorted(reported) == ["agetic", "mefp", "ministerio-educacion", "mpd"]
        assert [v.number for v in pige.get_plan("mefp").versions] == [1, 2]
        assert registry.registry_dataset() is not None
    assert runner.invoke(args=["pige", "registry"]).exit_code == 0
