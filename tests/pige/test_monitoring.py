"""Monitoring (DS 5468, Chapter VI, 6.2): "Evaluaciones parciales (anuales): las entidades
públicas deberán informar anualmente sobre el avance de la implementación de Gobierno
Electrónico a través del SRSP." Who filed each year's report and who did not."""

from __future__ import annotations

from portal.pige import national, scope
from portal.pige import services as pige
from tests import factories
from tests.pige.builders import FLOW, D, advance, draft, user


def _approve(entity: str, marker: str):
    version = draft(entity, marker=marker)
    for action, _actor, on, extra in FLOW[:6]:  # up to the MAE's resolution, 18 May 2026
        pige.move(version, action, user("root"), on=on, **extra)
    return version


def test_who_filed_each_years_report(ctx, world):
    mpd = advance(draft("mpd"), "aprobar_resolucion")
    _approve("mefp", "OTRO")
    draft("agetic")  # not approved: no report expected
    pige.submit_report(mpd, 2026, {"L13.1.1": {"achieved": 3}}, user("officer"),
                       on=D(2026, 11, 2))
    board = national.dashboard(2026, D(2026, 12, 1))
    reports = {r.entity.name: r.filed_on for r in board.reports}
    assert reports == {"mpd": D(2026, 11, 2), "mefp": None}
    assert {r.entity.name: r.approved_on for r in board.reports}["mefp"] == D(2026, 5, 18)
    # A plan approved in 2026 owes no report for 2025.
    assert national.dashboard(2025, D(2026, 12, 1)).reports == ()


def test_the_dashboard_and_the_api_show_the_yearly_reports(client, app, world):
    with app.app_context():
        mpd = advance(draft("mpd"), "aprobar_resolucion")
        _approve("mefp", "OTRO")
        pige.submit_report(mpd, 2026, {"L13.1.1": {"achieved": 3}}, user("officer"))
    page = client.get("/pige?year=2026").get_data(as_text=True)
    assert "1 de 2 entidades con plan aprobado informaron su avance 2026" in page
    assert "Pendiente" in page and "no como vencido" in page
    assert 'data-figure="central">4<' in page  # agetic, mpd, mefp, ine: L13.M2's denominator
    result = client.get("/api/3/action/pige_progress_show?year=2026").get_json()["result"]
    filed = {r["entity"]: r["filed_on"] for r in result["yearly_reports"]}
    assert filed["mefp"] is None and filed["mpd"] is not None


def test_the_figures_reconcile(ctx, world):
    """The dashboard's entity count, the catalog's entities and the denominator of L13.M2 agree,
    or the page says why they differ."""
    factories.entity("coplutic", title="COPLUTIC", kind="otra")
    factories.entity("bcb", title="Banco Central de Bolivia", kind="otra")
    scope.set_scope("bcb", "II", user("root"))
    draft("gam-la-paz")  # territorial, voluntary, with a plan
    board = national.dashboard(2026, D(2026, 6, 1))
    fig = board.figures
    _numerator, denominator, _names = national.open_data_counts()
    assert fig["central"] == denominator == 6  # agetic, mpd, mefp, ine, coplutic, bcb
    assert (fig["central_obliged"] + fig["central_voluntary"] + fig["central_unclassified"]
            + fig["central_bodies"]) == fig["central"]
    assert (fig["central_obliged"], fig["central_voluntary"], fig["central_unclassified"],
            fig["central_bodies"]) == (2, 1, 2, 1)
    assert fig["catalog"] == fig["central"] + fig["not_central"] == 7
    assert fig["listed"] == len(board.rows) == (
        fig["listed_obliged"] + fig["listed_unclassified"] + fig["listed_voluntary"]) == 5
