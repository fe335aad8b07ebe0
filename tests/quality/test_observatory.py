"""The observatory and the entity scorecards: figures against the catalog's own counts, CSV
downloads equal to the tables on the page, the badge, the fix report's order, the nightly
recomputation (CLI) and the observatory's own published dataset."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from portal import db
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.linkcheck import services as linkcheck
from portal.linkcheck.checker import Outcome
from portal.quality import mqa, observatory, services
from portal.quality.models import QualityScore
from tests import factories
from tests.pages import charts


def _catalog(app):
    """Two entities: ine with a complete and a bare dataset, plus a private one; mde with one."""
    with app.app_context():
        factories.entity("ine")
        factories.entity("mde", title="Ministerio de Economía")
        factories.theme()
        full = factories.dataset(
            "completo", keywords=["a"], themes=["economia"], spatial=["BO"],
            temporal_start="2020-01-01", temporal_end="2024-12-31", contact_email="d@ine.bo",
            issued="2024-01-01", modified="2024-06-01")
        factories.resource(full, content=b"a,b\n1,2\n", name="Tabla", description="x",
                           format="CSV", media_type="text/csv")
        factories.dataset("pelado")
        factories.dataset("privado", private=True)
        factories.dataset("economia", entity_name="mde", keywords=["b"])


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_figures_match_the_catalog(app, client):
    _catalog(app)
    with app.app_context():
        public = catalog.count_public_datasets()
        summary = observatory.catalog_summary()
        assert summary["datasets"] == public == 3  # the private dataset is not counted
        points = dict(db.session.execute(
            select(Dataset.name, QualityScore.points).join(QualityScore)).all())
        # completo: 100 + 100 (its upload is reachable, with a download URL) + 110 - 0
        # (CSV: every format indicator) + 75 + 15 (rights 0: its resource declares none;
        # size 5, issued 5, modified 5)
        assert points["completo"] == 100 + 100 + 110 + 75 + 15 == 400
        # pelado: DCAT-AP compliance 30 + access rights 15 + publisher 10
        assert points["pelado"] == 55
        # economia: pelado's + keywords 30
        assert points["economia"] == 85
        assert summary["points"] == round((400 + 55 + 85) / 3, 1)
        assert summary["ratings"] == {"excellent": 1, "good": 0, "sufficient": 0, "bad": 2}
        table = observatory.entity_table()
        rows = {row[0]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
        assert rows["ine"]["conjuntos"] == 2 and rows["ine"]["puntos_mqa"] == (400 + 55) / 2
        assert rows["mde"]["conjuntos"] == 1 and rows["mde"]["puntos_mqa"] == 85
        assert [row[0] for row in table.rows] == ["ine", "mde"]  # best first
        assert sum(r["conjuntos"] for r in rows.values()) == public
        assert rows["ine"]["recursos"] == 1
        assert observatory.scorecard("mde")[1] == (2, 2)

    page = client.get("/observatorio")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<table" in html and "observatorio/entidades.csv" in html
    # The charts are the chart component: the spec static/js/chart.js draws, and its figures in
    # a table (the dimensions' own; the ranking and the trend point to the page's tables).
    dimensions, ranking, trend_chart = charts.figures(html)
    charts.assert_table_matches(dimensions)
    assert dimensions.spec["labels"] == [str(mqa.DIMENSION_LABELS[d]) for d in mqa.DIMENSIONS]
    assert ranking.spec["labels"] == ["Entidad ine", "Ministerio de Economía"]
    assert ranking.spec["series"][0]["values"] == [(400 + 55) / 2, 85]
    assert ranking.table_id == "entities-table" and ranking.rows[0][0] == "ine"
    assert trend_chart.spec["type"] == "line" and len(trend_chart.spec["labels"]) == 1
    assert trend_chart.spec["series"][0]["values"] == [round((400 + 55 + 85) / 3, 1)]
    assert trend_chart.table_id == "trend-table" and len(trend_chart.rows) == 1
    rows = _csv(client.get("/observatorio/entidades.csv"))
    assert rows[0] == list(observatory.ENTITY_COLUMNS)
    assert [r[0] for r in rows[1:]] == ["ine", "mde"] and rows[1][2] == "2"
    trend = _csv(client.get("/observatorio/tendencia.csv"))
    assert trend[0][:3] == ["dia", "conjuntos", "puntos_mqa"] and len(trend) == 2
    assert trend[1][1] == "3"


def test_trend_keeps_earlier_days(app, client):
    _catalog(app)
    # Yesterday's rows, as the previous nightly run left them, then today's run.
    with app.app_context(), db.unit_of_work() as session:
        for score in session.scalars(select(QualityScore)):
            score.day -= timedelta(days=1)
    result = app.test_cli_runner().invoke(args=["quality", "recompute"])
    assert result.exit_code == 0, result.output
    assert "4 datasets scored" in result.output  # every dataset but deleted ones
    rows = _csv(client.get("/observatorio/tendencia.csv"))
    assert len(rows) == 3 and rows[1][1] == rows[2][1] == "3"


def test_scorecard_fix_report_and_badge(app, client):
    _catalog(app)
    page = client.get("/organization/ine/calidad")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Qué mejorar primero" in html and "insignia.svg" in html
    dimensions, trend_chart = charts.figures(html)  # the entity's, with their tables
    charts.assert_table_matches(dimensions)
    assert trend_chart.spec["series"][0]["values"] == [(400 + 55) / 2]
    assert trend_chart.table_id == "trend-table" and len(trend_chart.rows) == 1
    fixes = _csv(client.get("/organization/ine/calidad/mejoras.csv"))
    assert fixes[0] == ["indicador", "nombre", "como_mejorar", "conjuntos", "puntos"]
    gains = {row[0]: float(row[4]) for row in fixes[1:]}
    # pelado misses all of findability (keywords 30 and themes 30 first), every distribution
    # indicator; completo misses only dct:rights: its resource declares none (its field
    # "Derechos" gives it), 5 points each.
    assert [row[0] for row in fixes[1:3]] == ["access_url_status", "download_url_status"]
    assert gains["access_url_status"] == 50 and gains["keywords"] == 30
    [rights] = [row for row in fixes[1:] if row[0] == "rights"]
    assert rights[2:] == ["Declare los derechos de cada recurso (dct:rights).", "2", "10.0"]
    assert fixes[1:] == sorted(fixes[1:], key=lambda r: -float(r[4]))
    datasets = _csv(client.get("/organization/ine/calidad/conjuntos.csv"))
    assert [row[0] for row in datasets[1:]] == ["pelado", "completo"]
    badge = client.get("/organization/ine/calidad/insignia.svg")
    assert badge.mimetype == "image/svg+xml"
    assert "227.5/405" in badge.get_data(as_text=True)
    assert client.get("/organization/nadie/calidad").status_code == 404
    api = client.get("/api/3/action/quality_organization_show", query_string={"id": "ine"})
    body = api.get_json()["result"]
    assert body["rank"] == [1, 2] and body["fixes"][0]["indicador"] == "access_url_status"


def test_observatory_published_as_a_dataset(app, client):
    _catalog(app)
    with app.app_context():
        factories.entity("agetic", title="AGETIC")
    result = app.test_cli_runner().invoke(args=["quality", "recompute"])
    assert result.exit_code == 0, result.output
    shown = client.get("/api/3/action/package_show",
                       query_string={"id": "observatorio-calidad-metadatos"}).get_json()
    resources = {r["name"]: r for r in shown["result"]["resources"]}
    assert set(resources) == {"observatorio-entidades.csv", "observatorio-tendencia.csv"}
    download = client.get(resources["observatorio-entidades.csv"]["url"])
    try:
        assert _csv(download)[0] == list(observatory.ENTITY_COLUMNS)
    finally:
        download.close()


def test_ranking_by_each_problem(app, client):
    _catalog(app)
    with app.app_context():
        resource = factories.resource(catalog.get_dataset("economia"),
                                      url="https://ejemplo.bo/a.csv")
        # mde's link failed its last check (recorded as the checker records its outcomes).
        linkcheck.record([(resource.id, resource.url, Outcome("broken", http_status=404))])
        services.recompute_all()
    by_links = _csv(client.get("/observatorio/entidades.csv?orden=enlaces_rotos"))
    column = by_links[0].index("enlaces_rotos")
    assert [(r[0], r[column]) for r in by_links[1:]] == [("mde", "1"), ("ine", "0")]
    page = client.get("/observatorio?orden=enlaces_rotos").get_data(as_text=True)
    assert "Entidades ordenadas por enlaces rotos" in page
    # An unknown order is the default one, not an error.
    assert [r[0] for r in _csv(client.get("/observatorio/entidades.csv?orden=x"))[1:]] == [
        "ine", "mde"]


def test_kept_figures_follow_a_new_score(app, client):
    _catalog(app)
    before = _csv(client.get("/observatorio/entidades.csv"))
    mde = next(r for r in before if r[0] == "mde")
    assert mde[3] == "85.0"
    with app.app_context():  # the listener rescores the dataset after the change
        dataset = catalog.get_dataset("economia")
        catalog.update_dataset(dataset, {**catalog.dataset_input(dataset), "themes": ["economia"]},
                               factories.SYSTEM)
    after = _csv(client.get("/observatorio/entidades.csv"))
    assert next(r for r in after if r[0] == "mde")[3] == "115.0"  # + themes 30
