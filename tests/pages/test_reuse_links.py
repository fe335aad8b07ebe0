"""What a reuser looks for first: /robots.txt pointing to the sitemap, and the DCAT catalog, the
CSV, the dumps, the Atom feed and the sitemap linked from every page's footer and the /api
page, each link answering."""

from __future__ import annotations

import re
from urllib.robotparser import RobotFileParser

from tests.pages.html_check import assert_valid_page

ENDPOINTS = ("/catalog.ttl", "/catalog.jsonld", "/catalog.csv", "/dump/catalog.ttl.gz",
             "/dump/catalog.jsonl.gz", "/feeds/dataset.atom", "/sitemap.xml")


def test_robots_txt_names_the_sitemap_and_spares_forms_and_api(app, client, catalog):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    robots = RobotFileParser()
    robots.parse(response.get_data(as_text=True).splitlines())
    site = app.config["PORTAL_SITE_URL"].rstrip("/")
    assert robots.site_maps() == [f"{site}/sitemap.xml"]
    for allowed in ("/", f"/dataset/{catalog.public}", "/organization/ine",
                    f"/dataset/{catalog.public}/historial", "/catalog.ttl", "/group"):
        assert robots.can_fetch("*", site + allowed), allowed
    for refused in ("/api/3/action/package_search", "/user/login", "/dataset/new",
                    f"/dataset/edit/{catalog.public}", "/dataset.csv?q=censo"):
        assert not robots.can_fetch("*", site + refused), refused
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"{site}/dataset/{catalog.public}" in sitemap


def _links(page: str, start: str, end: str) -> list[str]:
    part = page[page.index(start):]
    return re.findall(r'href="([^"#]+)"', part[:part.index(end)])


def test_footer_and_api_page_link_every_bulk_endpoint(client, catalog):
    home = client.get("/").get_data(as_text=True)
    footer = _links(home, '<footer class="site-footer"', "</footer>")
    api_page = client.get("/api").get_data(as_text=True)
    assert_valid_page(api_page)
    api = _links(api_page, 'id="api-bulk"', "</section>")
    for endpoint in ENDPOINTS:
        assert endpoint in footer and endpoint in api, endpoint
        response = client.get(endpoint)
        assert response.status_code == 200, endpoint
        response.close()
