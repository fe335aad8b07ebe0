"""Under the strict Content-Security-Policy the pages run in a real browser without a single
violation, and what their scripts do still happens: the search box's suggestions, the address
name suggested from the title, the PIGE print button."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.pige import services as pige
from tests import factories
from tests.browser.conftest import login
from tests.pige.builders import content

#: Collects the policy's violations, before any script of the page runs.
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


@pytest.fixture
def site(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.entity("mpd", title="Ministerio de Planificación del Desarrollo")
        root = factories.user("root", sysadmin=True)
        dataset = factories.dataset("censo-2024", title="Censo de Población 2024",
                                    keywords=["censo"])
        resource = factories.resource(dataset, content=b"a,b\n1,2\n", filename="casos.csv")
        pige.create_plan("mpd", {"title": "Plan del MPD", "summary": "Resumen",
                                 "content": content()}, root, on=dt.date(2026, 1, 12))
        return {"resource": resource.id}


@pytest.fixture
def page(open_page):
    opened = open_page(1280)
    opened.add_init_script(WATCH)
    console = []
    opened.on("console", lambda message: console.append(message.text))
    opened.console_messages = console
    return opened


def _visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__csp")
    reported = [m for m in page.console_messages if "Content Security Policy" in m]
    assert violations == [] and reported == [], (url, violations, reported)


def test_pages_run_without_violations_and_their_scripts_work(live_server, site, page):
    resource = f"/dataset/censo-2024/resource/{site['resource']}"
    for path in ("/", "/dataset", "/dataset/censo-2024", resource, "/organization/ine",
                 "/pige", "/pige/plan/mpd", "/api", "/user/login"):
        _visit(page, live_server + path)

    _visit(page, live_server + "/dataset")  # suggestions under the search box (search-suggest.js)
    page.fill("#search-q", "cens")
    page.wait_for_selector(".search-suggestions [role=option]")
    assert "Censo de Población 2024" in page.inner_text(".search-suggestions")

    login(page, live_server, "root")
    _visit(page, live_server + "/pige/plan/mpd")  # print.js shows the print button
    assert page.locator("button[data-print]").is_visible()

    _visit(page, live_server + "/dataset/new")  # forms.js suggests the address name
    page.fill("[data-slug-source]", "Matrícula Escolar 2025")
    assert page.input_value("[data-slug-target]") == "matricula-escolar-2025"

    for path in ("/ckan-admin/audit", "/harvest/", "/organization/members/ine",
                 "/pige/alcance/ine", "/pige/plan/mpd/v1/editar"):
        _visit(page, live_server + path)
    assert page.evaluate("window.__csp") == []


def test_the_watch_sees_a_violation(live_server, site, page):
    """The check above can fail: an inline script injected into a page is reported."""
    _visit(page, live_server + "/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.ran = 1'; document.body.append(s); }""")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.ran") is None
