"""Every page of the main set renders in every interface language."""

from __future__ import annotations

import pytest

from portal.i18n import LANGUAGES
from tests.pages.html_check import assert_valid_page

PAGES = ["/", "/dataset", "/dataset?q=censo", "/dataset/censo-2024",
         "/dataset/censo-2024/historial", "/organization", "/organization/ine",
         "/organization/ine/calidad", "/organization/ine/enlaces", "/group", "/group/economia",
         "/licenses", "/schemas", "/observatorio", "/pige", "/pige/marco", "/api", "/spatial",
         "/user/login", "/no-such-page"]
# What the English page says where the Spanish one says something else.
ENGLISH = {"/": ["What data are you looking for?"], "/dataset": ["1 dataset found"],
           "/dataset/censo-2024": ["Data and resources", ">Home</a>"],
           "/user/login": ["Forgot your password?"], "/no-such-page": ["Page not found"]}


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_main_pages_render_in_each_language(client, catalog, code):
    for page in [*PAGES, f"/dataset/censo-2024/resource/{catalog.resource}"]:
        response = client.get(f"{page}{'&' if '?' in page else '?'}lang={code}")
        assert response.status_code == (404 if page == "/no-such-page" else 200), page
        body = response.get_data(as_text=True)
        assert f'<html lang="{code}">' in body, page
        if page in ("/", "/dataset/censo-2024"):
            assert_valid_page(body, lang=code)
        if code == "en" and page in ENGLISH:
            assert all(text in body for text in ENGLISH[page]), page
