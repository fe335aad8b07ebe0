"""The dashboard lists the PIGE plans whose current step waits on the user."""

from __future__ import annotations

from tests.auth.conftest import login
from tests.pige.builders import advance, draft
from tests.pige.conftest import world  # noqa: F401 - the PIGE entities and officers

SECTION = 'id="pige"'


def _pige_section(client) -> str:
    html = client.get("/dashboard").get_data(as_text=True)
    return html[html.index(SECTION):html.index('id="entidades"')]


def test_a_step_shows_on_the_dashboard_of_the_party_that_must_act(app, client, world):  # noqa: F811
    with app.app_context():
        version = draft("mpd")
    login(client, "officer")
    assert "Ministerio de Planificación del Desarrollo" in _pige_section(client)
    assert "/pige/plan/mpd/v1" in _pige_section(client)
    login(client, "reviewer")
    assert "Ningún plan espera su acción." in _pige_section(client)
    login(client, "outsider")
    assert "Ningún plan espera su acción." in _pige_section(client)

    with app.app_context():
        from portal.pige import services as pige

        advance(pige.get_version("mpd", version.number), "registrar")  # now AGETIC reviews
    login(client, "reviewer")
    assert "/pige/plan/mpd/v1" in _pige_section(client)
    login(client, "officer")
    assert "Ningún plan espera su acción." in _pige_section(client)
