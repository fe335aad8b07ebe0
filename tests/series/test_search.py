"""The search facet "Serie": package_search's ``series`` facet and filter, and the dataset list's
facet (search index and the database listing without it)."""

from __future__ import annotations

import json

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from tests.api.conftest import Api, ok

MEMBERS = {"ejecucion-2023", "ejecucion-2024", "ejecucion-2025"}


def test_package_search_facets_and_filters_by_series(client, world):
    api = Api(client)
    result = ok(api("package_search", {"facet.field": json.dumps(["series"]), "rows": 50}))
    assert result["facets"]["series"] == {"ejecucion-presupuestaria": 3}
    [item] = result["search_facets"]["series"]["items"]
    assert item["display_name"] == "Ejecución presupuestaria"
    found = ok(api("package_search", {"fq": "series:ejecucion-presupuestaria", "rows": 50}))
    assert {d["name"] for d in found["results"]} == MEMBERS
    found = ok(api("package_search", {"q": "serie:ejecucion-presupuestaria", "rows": 50}))
    assert {d["name"] for d in found["results"]} == MEMBERS


def test_leaving_a_series_updates_the_index(app, client, world):
    from portal.series import services

    with app.app_context():
        services.remove_member(services.get_series(world.series),
                               catalog.get_dataset("ejecucion-2023"), SYSTEM)
    found = ok(Api(client)("package_search", {"fq": "series:ejecucion-presupuestaria"}))
    assert {d["name"] for d in found["results"]} == MEMBERS - {"ejecucion-2023"}


def test_dataset_list_has_the_series_facet_and_filter(client, world):
    page = client.get("/dataset?series=ejecucion-presupuestaria")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Serie" in html and "Ejecución presupuestaria" in html
    assert "Ejecución 2024" in html and "Ministerio de Economía" in html


def test_database_listing_filters_and_counts_series(app, world):
    from portal.catalog import listing

    with app.app_context():
        params = listing.ListParams(filters={"series": ("ejecucion-presupuestaria",)})
        found = listing.find_in_database(params, SYSTEM)
        # The system sees the private 2026 member too.
        assert {d.name for d in found.datasets} == MEMBERS | {"ejecucion-2026"}
        assert [(f.value, f.label, f.count) for f in found.facets["series"]] == [
            ("ejecucion-presupuestaria", "Ejecución presupuestaria", 4)]
