"""A NUL character in any parameter is refused before it reaches the database: PostgreSQL's text
columns cannot hold one, and its driver raised a server error on every lookup that carried one
(found by schemathesis on the PostgreSQL run: ``api_token_list?user=%00``)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("call", [
    lambda c: c.get("/api/3/action/api_token_list", query_string={"user": "\x00"}),
    lambda c: c.get("/api/3/action/package_show", query_string={"id": "a\x00b"}),
    lambda c: c.post("/api/3/action/package_search", json={"q": "agua", "fq_list": ["x\x00"]}),
    lambda c: c.post("/api/3/action/organization_show", data={"id": "\x00"}),
])
def test_api_names_the_parameter_with_a_nul_character(client, call):
    response = call(client)
    assert response.status_code == 409, response.data[:300]
    body = response.get_json()
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert any("U+0000" in message for key, messages in body["error"].items()
               if key != "__type" for message in messages)


@pytest.mark.parametrize("url", ["/dataset/a%00b", "/dataset?q=%00", "/organization/%00x",
                                 "/user/login?next=%00"])
def test_pages_answer_400_to_a_nul_character(client, url):
    assert client.get(url).status_code == 400


def test_a_form_with_a_nul_character_is_refused(client):
    response = client.post("/user/login", data={"login": "admin\x00", "password": "x"})
    assert response.status_code == 400
