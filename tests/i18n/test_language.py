"""Which language a request gets, the switch that keeps the page, the alternates crawlers see,
and the HTTP cache that must never hand one language's page to another."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from babel.dates import format_date

from portal.i18n import LANGUAGES


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_spanish_by_default_and_for_an_unknown_language(client, catalog):
    assert lang_of(client.get("/")) == "es"
    assert lang_of(client.get("/?lang=xx", headers={"Accept-Language": "fr"})) == "es"
    assert "Conjuntos de datos" in client.get("/").get_data(as_text=True)


def test_accept_language_is_honoured_when_nothing_was_chosen(client, catalog):
    response = client.get("/", headers={"Accept-Language": "fr;q=1, en-US;q=0.8, es;q=0.5"})
    assert lang_of(response) == "en"
    assert "Skip to main content" in response.get_data(as_text=True)
    assert lang_of(client.get("/", headers={"Accept-Language": "qu-BO"})) == "qu"


def test_the_url_beats_the_cookie_which_beats_the_browser(client, catalog):
    client.set_cookie("lang", "gn")
    assert lang_of(client.get("/", headers={"Accept-Language": "en"})) == "gn"
    assert lang_of(client.get("/?lang=ay", headers={"Accept-Language": "en"})) == "ay"
    client.set_cookie("lang", "klingon")
    assert lang_of(client.get("/", headers={"Accept-Language": "en"})) == "en"


def test_the_switch_keeps_the_page_and_remembers_the_choice(client, catalog):
    page = client.get("/dataset?q=censo&sort=title_string+asc")
    body = page.get_data(as_text=True)
    switch = re.search(r'<a href="([^"]+)" hreflang="en" lang="en" rel="nofollow">English</a>',
                       body)
    assert switch, "the header offers English"
    href = switch.group(1).replace("&amp;", "&")
    chosen = client.get(href)
    assert chosen.status_code == 303
    assert chosen.headers["Location"] == "/dataset?q=censo&sort=title_string+asc"
    cookie = chosen.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    again = client.get(chosen.headers["Location"])
    assert lang_of(again) == "en" and "1 dataset found" in again.get_data(as_text=True)
    current = re.search(r'<a [^>]*hreflang="en"[^>]*>', again.get_data(as_text=True)).group(0)
    assert 'aria-current="true"' in current


@pytest.mark.parametrize(("target", "expected"), [
    ("/dataset?lang=es&q=x", "/dataset?q=x"),  # the URL's choice would override the new one
    ("https://evil.example/", "/"),
    ("//evil.example/path", "/"),
    ("/\\evil.example", "/"),
    ("", "/"),
])
def test_the_switch_returns_only_to_a_page_of_this_site(client, target, expected):
    response = client.get("/language/qu", query_string={"next": target})
    assert response.headers["Location"] == expected


def test_an_unknown_language_is_not_found(client):
    response = client.get("/language/xx?next=/")
    assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_every_page_lists_its_alternates_for_crawlers(client, catalog):
    body = client.get("/dataset?q=censo").get_data(as_text=True)
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body))
    assert set(links) == {*LANGUAGES, "x-default"}
    assert links["en"] == "http://localhost/dataset?lang=en&amp;q=censo"
    assert links["x-default"] == "http://localhost/dataset?q=censo"
    english = client.get(links["en"].replace("&amp;", "&").replace("http://localhost", ""))
    assert lang_of(english) == "en" and "Set-Cookie" not in english.headers


def test_the_sitemap_lists_each_page_in_each_language(client, catalog):
    from xml.etree import ElementTree

    root = ElementTree.fromstring(client.get("/sitemap.xml").data)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    page = next(url for url in root.findall("s:url", ns)
                if url.findtext("s:loc", namespaces=ns).endswith("/dataset/censo-2024"))
    alternates = {link.get("hreflang"): link.get("href")
                  for link in page.findall("x:link", ns)}
    page_url = page.findtext("s:loc", namespaces=ns)
    assert alternates["qu"] == f"{page_url}?lang=qu"
    assert alternates["x-default"] == page_url
    assert set(alternates) == {*LANGUAGES, "x-default"}


def test_pages_vary_on_the_language_and_the_cache_keeps_languages_apart(app, catalog):
    """The serialised cache answers anonymous readers of one URL; the language must be part of
    its key whichever way it was chosen (browser, cookie)."""
    english_reader, spanish_reader, cookie_reader = (app.test_client() for _ in range(3))
    english = english_reader.get("/dataset/censo-2024", headers={"Accept-Language": "en"})
    assert lang_of(english) == "en"
    assert {"Accept-Language", "Cookie"} <= set(english.headers["Vary"].replace(" ", "")
                                                 .split(","))
    spanish = spanish_reader.get("/dataset/censo-2024", headers={"Accept-Language": "es"})
    assert lang_of(spanish) == "es" and "Datos y recursos" in spanish.get_data(as_text=True)
    assert spanish.headers["ETag"] != english.headers["ETag"]
    assert spanish_reader.get("/dataset/censo-2024", headers={
        "Accept-Language": "es", "If-None-Match": english.headers["ETag"]}).status_code == 200
    cookie_reader.set_cookie("lang", "en")
    assert lang_of(cookie_reader.get("/dataset/censo-2024")) == "en"
    assert lang_of(app.test_client().get("/dataset/censo-2024")) == "es"


def test_dates_and_numbers_follow_the_language(client, catalog):
    today = datetime.now(UTC).date()
    english = client.get("/dataset/censo-2024?lang=en").get_data(as_text=True)
    spanish = client.get("/dataset/censo-2024").get_data(as_text=True)
    assert format_date(today, "medium", locale="en") in english
    assert format_date(today, "medium", locale="es") in spanish
    assert format_date(today, "medium", locale="en") != format_date(today, "medium", locale="es")


def test_aymara_pages_format_dates_as_bolivian_spanish(client, catalog):
    """CLDR has no Aymara: its pages say lang="ay" and format like es_BO."""
    today = datetime.now(UTC).date()
    aymara = client.get("/dataset/censo-2024?lang=ay")
    assert lang_of(aymara) == "ay"
    assert format_date(today, "medium", locale="es_BO") in aymara.get_data(as_text=True)
