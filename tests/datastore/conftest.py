"""An app that validates on save (sync) and loads valid tables into the DataStore through the
job queue (sync under TESTING); an entity, a public and a private dataset, and helpers."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from portal.catalog import services as catalog
from portal.datastore import services
from tests import factories

CSV = ("año,departamento,casos,fecha,nota\n"
       "2024,La Paz,10,2024-01-02,primera\n"
       "2024,Oruro,3,2024-02-03,\"con, coma\"\n"
       "2023,Potosí,7,2023-05-06,=SUMA(A1)\n"
       "2023,La Paz,1,2023-07-08,última\n"
       "2022,Santa Cruz,25,2022-12-31,\n").encode()

SCHEMA = {"fields": [
    {"name": "año", "type": "integer", "title": "Año", "description": "Año del registro"},
    {"name": "departamento", "type": "string", "title": "Departamento"},
    {"name": "casos", "type": "integer", "title": "Casos"},
    {"name": "fecha", "type": "date"},
    {"name": "nota", "type": "string"}]}


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
                    PORTAL_VALIDATION_MODE="sync")


@pytest.fixture
def world(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.entity("mefp", title="Ministerio de Economía")
        public = factories.dataset("censo", title="Censo")
        private = factories.dataset("interno", title="Interno", private=True)
        factories.user("miembro", member_of="ine", role="member")
        factories.user("ajeno", member_of="mefp", role="editor")
        issued = {name: tokens.create_token(get_user(name), SYSTEM, name="t")[1]
                  for name in ("miembro", "ajeno")}
        return SimpleNamespace(public=public.id, private=private.id, tokens=issued)


def add_table(app, dataset_id: str, content: bytes = CSV, filename: str = "casos.csv",
              **fields):
    """Upload a file as a new resource of the dataset; its id (validated and loaded)."""
    with app.app_context():
        dataset = catalog.get_dataset(dataset_id)
        resource = catalog.create_resource(dataset, {"name": filename, **fields}, SYSTEM,
                                           upload=io.BytesIO(content), filename=filename)
        return resource.id


def replace_file(app, resource_id: str, content: bytes, filename: str = "casos.csv", **fields):
    with app.app_context():
        resource = catalog.get_resource(resource_id)
        catalog.update_resource(resource, fields, SYSTEM, partial=True,
                                upload=io.BytesIO(content), filename=filename)


def state(app, resource_id: str):
    with app.app_context():
        found = services.get_state(resource_id)
        return None if found is None else SimpleNamespace(**services.status_dict(found),
                                                          data_key=found.data_key,
                                                          fields=found.fields)
