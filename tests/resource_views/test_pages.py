"""What the resource views add to the site besides the API: the boundaries of Bolivia for the
choropleths, and the map tiles' host in the Content-Security-Policy."""

from __future__ import annotations

from portal.security import CONTENT_SECURITY_POLICY


def test_department_boundaries_are_served_with_their_ine_codes(client):
    with client.get("/mapas/bolivia/departamentos.geojson") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/geo+json"
        features = response.get_json()["features"]
    assert [feature["properties"]["codigo_ine"] for feature in features] == \
        [str(code) for code in range(1, 10)]
    names = {feature["properties"]["codigo_ine"]: feature["properties"]["nombre"]
             for feature in features}
    assert (names["2"], names["7"], names["9"]) == ("La Paz", "Santa Cruz", "Pando")
    assert all(feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
               for feature in features)
    assert client.get("/mapas/bolivia/provincias.geojson").status_code == 404


def test_an_http_tile_server_is_allowed_for_images_only(make_app):
    app = make_app(PORTAL_MAP_TILE_URL="http://teselas.example.bo/{z}/{x}/{y}.png")
    policy = app.test_client().get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https: http://teselas.example.bo;" in policy
    assert policy.count("teselas.example.bo") == 1


def test_an_https_tile_server_needs_no_change(client):
    assert client.get("/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_every_text_of_the_scripts_is_sent_translatable_by_the_page(client, app):
    """The explorer, chart and map scripts show only texts that the page sends translated
    (static/js/messages.js): a text added to a script but not to the template fails here."""
    import json
    import re
    from pathlib import Path

    from flask import render_template_string

    scripts = Path(app.static_folder)
    used = {match for name in ("explorer", "charts", "map")
            for match in re.findall(r'\bt\("((?:[^"\\]|\\.)*)"',
                                    (scripts / "js" / f"{name}.js").read_text())}
    with app.test_request_context():
        rendered = render_template_string(
            '{% import "resource_views/_explorer.html" as views with context %}'
            '{{ views.messages() }}')
    sent = json.loads(re.search(r'<script type="application/json" id="view-messages">(.*)'
                                r"</script>", rendered, re.DOTALL).group(1))
    assert used and used <= set(sent), sorted(used - set(sent))
