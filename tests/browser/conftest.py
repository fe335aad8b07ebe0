"""Browser tests: the real app served over HTTP in a thread, driven by headless Chromium.

Fixtures for any page of the portal:

* ``live_server``: the test ``app`` served on a loopback port (its base address);
* ``browser``: Debian's Chromium through Playwright (one per test session);
* ``open_page(width, height=900)``: a new page (own cookies) with that viewport;
* ``login(page, live_server, name)``: signs a test user in through the login form.

Browser tests are skipped, with the reason, when Playwright or Chromium is missing:
``python3 dev.py test`` installs both when it runs as root on a machine with apt-get
(Playwright comes with the ``test`` extra; Chromium is ``apt-get install chromium``).
``PORTAL_TEST_CHROMIUM`` names another Chromium executable.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.loopback import serving


def chromium_executable() -> str | None:
    named = os.environ.get("PORTAL_TEST_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright is not installed: pip install -e '.[test]' (python3 dev.py test).")
    executable = chromium_executable()
    if executable is None:
        pytest.skip("Chromium is not installed: apt-get install -y chromium "
                    "(python3 dev.py test does it when run as root), or set "
                    "PORTAL_TEST_CHROMIUM.")
    manager = sync_api.sync_playwright().start()
    # --no-sandbox: the suite runs as root in CI, where Chromium's sandbox refuses to start.
    # --accept-lang: the portal honours Accept-Language and headless Chromium sends en-US; the
    # tests read the Spanish interface (tests/browser/test_language_switch.py switches it).
    launched = manager.chromium.launch(executable_path=executable, headless=True,
                                       args=["--no-sandbox", "--disable-gpu",
                                             "--accept-lang=es-BO"])
    yield launched
    launched.close()
    manager.stop()


@pytest.fixture
def live_server(app):
    """The test app over HTTP on 127.0.0.1 (a random free port), in a thread."""
    with serving(app) as address:
        yield address


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(width: int, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def login(page, base: str, name: str, password: str = "secreto-123") -> None:
    page.goto(f"{base}/user/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    assert "/user/login" not in page.url, f"{name} could not sign in"
