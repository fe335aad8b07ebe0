"""The series page (members in order, one chart across them with its data table) and the
series links on a dataset's page."""

from __future__ import annotations

import re

from portal.auth.services import get_user
from tests.pages import charts
from tests.pages.html_check import assert_valid_page
from tests.series.conftest import YEARS


def test_series_page_lists_members_in_order_with_a_chart_and_its_table(client, world):
    page = client.get("/serie/ejecucion-presupuestaria")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    listed = re.findall(r'href="/dataset/(ejecucion-\d{4})"', html)
    assert listed == ["ejecucion-2023", "ejecucion-2024", "ejecucion-2025"]
    assert "ejecucion-2026" not in html  # private
    # The totals of the numeric column "monto" per member, in the chart (the chart component's
    # spec, drawn by static/js/chart.js) and in the table beside it.
    totals = {year: sum(float(line.split(b",")[1]) for line in content.splitlines()[1:])
              for year, content in YEARS.items() if f"ejecucion-{year}" in listed}
    [figure] = charts.figures(html)
    assert figure.spec["type"] == "line"
    assert figure.spec["labels"] == [str(year) for year in sorted(totals)]
    assert figure.spec["series"][0]["values"] == [totals[year] for year in sorted(totals)]
    assert figure.table_id == "series-table"
    assert [label for label, _cells in figure.rows] == figure.spec["labels"]
    for year in sorted(totals):
        assert f'<th scope="row">{year}</th><td>{totals[year]:g}</td>' in html


def test_the_editor_sees_the_private_member_on_the_page(app, client, world):
    with app.app_context():
        user_id = get_user("editora").get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    html = client.get("/serie/ejecucion-presupuestaria").get_data(as_text=True)
    assert re.findall(r'href="/dataset/(ejecucion-\d{4})"', html)[-1] == "ejecucion-2026"


def test_the_page_is_valid_html(client, world):
    assert_valid_page(client.get("/serie/ejecucion-presupuestaria").get_data(as_text=True))


def test_not_a_series_or_unknown_is_404(client, world):
    assert client.get("/serie/ejecucion-2024").status_code == 404
    assert client.get("/serie/no-existe").status_code == 404


def test_no_chart_when_members_do_not_share_a_schema(app, client, world):
    from portal.auth.permissions import SYSTEM
    from portal.catalog import services as catalog

    with app.app_context():
        resource = catalog.get_dataset("ejecucion-2025").resources[0]
        catalog.update_resource(resource, {"schema": {"fields": [
            {"name": "partida", "type": "string"}, {"name": "monto", "type": "integer"}]}},
            SYSTEM, partial=True)
    html = client.get("/serie/ejecucion-presupuestaria").get_data(as_text=True)
    assert charts.figures(html) == []
    assert "ejecucion-2025" in html


def test_dataset_pages_link_the_series_and_the_neighbours(client, world):
    html = client.get("/dataset/ejecucion-2024").get_data(as_text=True)
    assert 'href="/serie/ejecucion-presupuestaria"' in html
    assert 'rel="prev" href="/dataset/ejecucion-2023"' in html
    assert 'rel="next" href="/dataset/ejecucion-2025"' in html
    first = client.get("/dataset/ejecucion-2023").get_data(as_text=True)
    assert 'rel="prev"' not in first
    series = client.get("/dataset/ejecucion-presupuestaria").get_data(as_text=True)
    assert 'href="/serie/ejecucion-presupuestaria"' in series
