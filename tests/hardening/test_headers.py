"""Security headers on every response, cookie flags, and pages that a strict CSP does not break."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from urllib.parse import urlsplit

import pytest

from portal import create_app
from portal.harvest import services as harvest
from portal.pige import services as pige
from portal.security import CONTENT_SECURITY_POLICY
from tests import factories
from tests.hardening.pages import csp_problems
from tests.pige.builders import content

CSV = "año,departamento,casos\n2024,La Paz,10\n".encode()


def _settings(app, **extra):
    return {"PORTAL_DATABASE_URL": app.config["PORTAL_DATABASE_URL"],
            "PORTAL_INSTANCE_PATH": app.instance_path, "PORTAL_SECRET_KEY": "test",
            "TESTING": True, "WTF_CSRF_ENABLED": False, **extra}


def _user(app, name="ana", **fields):
    with app.app_context():
        return factories.user(name, **fields).id


def _login_form(client, name="ana", remember=False):
    data = {"username": name, "password": "secreto-123"}
    if remember:
        data["remember"] = "y"
    return client.post("/user/login", data=data)


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/dataset", "/api/3/action/site_read", "/catalog.ttl",
                                  "/static/css/portal.css", "/no-existe"])
def test_every_response_says_nosniff(client, path):
    with client.get(path) as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def test_pages_may_not_be_framed(client):
    response = client.get("/dataset")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_referrer_policy_keeps_paths_on_the_site(client):
    assert client.get("/").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


# --- cookies ----------------------------------------------------------------------------------


def _cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_session_and_remember_cookies_are_samesite_lax_and_httponly(app, client):
    _user(app)
    cookies = _cookies(_login_form(client, remember=True))
    assert set(cookies) == {"session", "remember_token"}
    for header in cookies.values():
        assert "SameSite=Lax" in header and "HttpOnly" in header
        assert "Secure" not in header  # plain http in this test


def test_cookies_are_secure_over_https(app, client):
    _user(app)
    response = client.post("/user/login", base_url="https://localhost",
                           data={"username": "ana", "password": "secreto-123", "remember": "y"})
    cookies = _cookies(response)
    assert set(cookies) == {"session", "remember_token"}
    assert all(re.search(r";\s*Secure(;|$)", header) for header in cookies.values())


def test_cookies_are_secure_when_the_site_url_is_https(app):
    _user(app)
    secure_app = create_app(_settings(app, PORTAL_SITE_URL="https://datos.gob.bo"))
    response = _login_form(secure_app.test_client(), remember=True)
    cookies = _cookies(response)
    assert set(cookies) == {"session", "remember_token"}
    assert all("Secure" in header for header in cookies.values())
    secure_app.extensions["db_engine"].dispose()


@pytest.mark.parametrize(("proxies", "secure"), [(0, False), (1, True)])
def test_forwarded_proto_counts_only_behind_a_declared_proxy(app, proxies, secure):
    _user(app)
    proxied = create_app(_settings(app, PORTAL_TRUSTED_PROXIES=proxies))
    response = proxied.test_client().post(
        "/user/login", data={"username": "ana", "password": "secreto-123"},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"})
    assert ("Secure" in _cookies(response)["session"]) is secure
    proxied.extensions["db_engine"].dispose()


# --- pages under the policy -------------------------------------------------------------------


@pytest.fixture
def site(app):
    """One of each kind of page: a dataset with an uploaded CSV, an entity, a theme, a PIGE plan,
    a harvest source with a (failed) job; and a sysadmin to see the forms and admin pages."""
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.entity("mpd", title="Ministerio de Planificación del Desarrollo")
        factories.theme("economia", title="Economía")
        root = factories.user("root", sysadmin=True)
        dataset = factories.dataset("censo-2024", title="Censo 2024", themes=["economia"],
                                    keywords=["censo"])
        resource = factories.resource(dataset, content=CSV, filename="casos.csv", name="Casos")
        pige.create_plan("mpd", {"title": "Plan del MPD", "summary": "Resumen",
                                 "content": content()}, root, on=dt.date(2026, 1, 12))
        source = harvest.create_source({"name": "ckan-ine", "type": "ckan", "entity": "ine",
                                        "url": "http://127.0.0.1:9/"}, root)
        job = harvest.run_source(source)  # refused (private address): a failed job
        return {"resource": resource.id, "job": job.id, "root": root.id}


def _main_pages(site) -> list[str]:
    resource = f"/dataset/censo-2024/resource/{site['resource']}"
    return [
        "/", "/dataset", "/dataset?q=censo", "/dataset/censo-2024", resource,
        f"{resource}/validation", f"{resource}/edit", "/dataset/new", "/dataset/edit/censo-2024",
        "/dataset/censo-2024/resource/new", "/dataset/new/datapackage",
        "/organization", "/organization/ine", "/organization/new", "/organization/edit/ine",
        "/organization/members/ine", "/group", "/group/economia", "/licenses", "/spatial",
        "/pige", "/pige/marco", "/pige/plan/mpd", "/harvest/", "/harvest/ckan-ine",
        f"/harvest/job/{site['job']}", "/api", "/ckan-admin/audit",
    ]


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"#?]*)"', html)


def test_no_page_needs_inline_script_or_style(app, client, site):
    """Every main page, and every page linked from them, renders without anything the
    Content-Security-Policy would block; each script and stylesheet they load is served."""
    problems, _ = csp_problems(client.get("/user/login").get_data(as_text=True))
    assert problems == []
    with client.session_transaction() as session:
        session["_user_id"] = site["root"]
        session["_fresh"] = True
    required = _main_pages(site)
    queue, seen, loaded, checked = deque(required), set(required), set(), []
    while queue and len(checked) < 150:
        path = queue.popleft()
        with client.get(path) as response:
            if response.mimetype != "text/html":  # downloads (CSV, XLSX, RDF) are not pages
                continue
            html = response.get_data(as_text=True)
        assert response.status_code == 200 or path not in required, path
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        problems, assets = csp_problems(html)
        assert problems == [], (path, problems)
        loaded.update(assets)
        checked.append(path)
        for link in _links(html):
            if link not in seen and not link.startswith(("/static/", "/dump/")):
                seen.add(link)
                queue.append(link)
    assert set(required) <= set(checked)
    assert len(checked) > len(required)  # the crawl went past the list
    for asset in loaded:
        served = client.get(urlsplit(asset).path)
        assert served.status_code == 200, asset
        served.close()
    assert {"/static/js/search-suggest.js", "/static/js/forms.js", "/static/js/print.js",
            "/static/css/pige.css"} <= {urlsplit(a).path for a in loaded}


def test_print_button_is_wired_by_a_static_script(client, site):
    with client.session_transaction() as session:
        session["_user_id"] = site["root"]
    page = client.get("/pige/plan/mpd").get_data(as_text=True)
    assert re.search(r"<button[^>]*data-print[^>]*>", page)
    script = client.get("/static/js/print.js")
    assert "window.print()" in script.get_data(as_text=True) and "[data-print]" in \
        script.get_data(as_text=True)
    script.close()
