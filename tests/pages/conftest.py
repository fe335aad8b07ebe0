"""A small catalog for the page tests, built through the real services, and a login helper."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import factories

CSV = "año,departamento,casos\n2024,La Paz,10\n2024,Oruro,3\n".encode()


@pytest.fixture
def catalog(app):
    """Two entities, two themes, a public dataset with an uploaded CSV and a link, a private one,
    and a draft."""
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia",
                         website="https://www.ine.gob.bo", email="datos@ine.gob.bo")
        factories.entity("mefp", title="Ministerio de Economía y Finanzas Públicas",
                         kind="ministerio")
        factories.theme("economia", title="Economía y finanzas")
        factories.theme("salud", title="Salud", eu_theme="HEAL")
        public = factories.dataset(
            "censo-2024", title="Censo de Población 2024",
            description="Resultados **definitivos** del censo.\n\n- por departamento\n",
            keywords=["censo", "población"], themes=["economia"], spatial=["BO", "BO-L"],
            frequency="ANNUAL", language=["es", "qu"], temporal_start="2024-01-01",
            temporal_end="2024-12-31", contact_name="Unidad de Datos",
            contact_email="datos@ine.gob.bo", landing_page="https://www.ine.gob.bo/censo",
            version="1.0", identifier="INE-CENSO-2024",
        )
        csv_resource = factories.resource(public, content=CSV, filename="Casos por depto.csv",
                                          name="Casos por departamento")
        link = factories.resource(public, name="Portal del INE",
                                  url="https://www.ine.gob.bo/datos/censo.xlsx", format="XLSX")
        factories.dataset("presupuesto-2024", entity_name="mefp", title="Presupuesto 2024",
                          keywords=["presupuesto"], themes=["economia"])
        factories.dataset("registro-interno", title="Registro interno", private=True,
                          license_id="other-closed")
        factories.dataset("borrador-ine", title="Borrador del INE", state="draft")
        return SimpleNamespace(public=public.name, csv_id=csv_resource.id, link_id=link.id,
                               csv_filename=csv_resource.url)


#: The users ``login`` can create: name -> (entity, role) or "sysadmin" or None (no entity).
USERS = {
    "editora": ("ine", "editor"),
    "jefa": ("ine", "admin"),
    "lectora": ("ine", "member"),
    "ajeno": ("mefp", "editor"),
    "root": "sysadmin",
    "suelto": None,
}


@pytest.fixture
def login(app, client):
    """``login(name)``: create that user of ``USERS`` and open a session for them, as the login
    page does (the login page itself is tested in test_auth_pages)."""

    def _login(name: str):
        spec = USERS[name]
        with app.app_context():
            if spec == "sysadmin":
                user = factories.user(name, sysadmin=True)
            elif spec is None:
                user = factories.user(name)
            else:
                user = factories.user(name, member_of=spec[0], role=spec[1])
            user_id = user.get_id()  # the id and its password fingerprint
        with client.session_transaction() as session:
            session["_user_id"] = user_id
            session["_fresh"] = True
        return client

    return _login
