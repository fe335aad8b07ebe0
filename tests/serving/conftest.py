"""A small public catalog for the serving tests, and a second app on the same database (a second
web node)."""

from __future__ import annotations

import pytest

from portal import create_app
from tests import factories

CSV = "año,casos\n2024,10\n2025,12\n".encode()


@pytest.fixture
def catalog(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.theme("economia", title="Economía")
        public = factories.dataset("censo-2024", title="Censo 2024", themes=["economia"],
                                   description="Resultados del censo. " * 40)
        factories.resource(public, content=CSV, filename="casos.csv", name="Casos")
        factories.dataset("registro-interno", title="Registro interno", private=True)
        factories.user("editora", member_of="ine", role="editor")
    return app


@pytest.fixture
def other_node(app, migrated, tmp_path):
    """Another app on the same database, as a second web node would be."""
    node = create_app({"PORTAL_DATABASE_URL": migrated, "PORTAL_SECRET_KEY": "test",
                       "PORTAL_INSTANCE_PATH": str(tmp_path / "other-instance"),
                       "TESTING": True, "WTF_CSRF_ENABLED": False})
    yield node
    node.extensions["db_engine"].dispose()


def login(client, app, name: str = "editora"):
    from portal.auth.models import User
    from portal.db import session

    with app.app_context():
        user_id = session.query(User).filter_by(name=name).one().id
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"] = user_id
        cookie_session["_fresh"] = True
    return client
