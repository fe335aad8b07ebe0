"""The browser fixtures (``tests/browser/conftest.py``) for the layout test of these pages."""

from tests.browser.conftest import browser, live_server, open_page  # noqa: F401 - fixtures
