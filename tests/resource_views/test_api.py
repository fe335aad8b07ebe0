"""The resource_view_* actions through the stock CKAN client (``ckanapi.RemoteCKAN``) against
the portal served over HTTP, on a resource whose table the DataStore has loaded."""

from __future__ import annotations

import ckanapi
import pytest

from portal.datastore import services as datastore
from tests.api.conftest import world  # noqa: F401  (the catalog fixture)
from tests.loopback import serving


@pytest.fixture
def loaded(app, world):  # noqa: F811
    with app.app_context():
        state = datastore.ingest(world.upload_id, force=True)
        assert state is not None and state.status == "active", state and state.message
    return world


@pytest.fixture
def portal_url(app, loaded):
    with serving(app) as address:
        yield address


def _chart(**extra):
    return {"view_type": "chart", "title": "Casos por departamento", "chart_type": "bar",
            "x_field": "departamento", "y_fields": ["casos"], **extra}


def test_editor_saves_lists_updates_and_deletes_a_chart(portal_url, loaded):
    with ckanapi.RemoteCKAN(portal_url, apikey=loaded.tokens["editor"]) as portal:
        created = portal.action.resource_view_create(resource_id=loaded.upload_id, **_chart())
        assert created["view_type"] == "chart" and created["package_id"] == loaded.public_id
        # CKAN's shape: the view's settings beside its own fields.
        assert (created["chart_type"], created["x_field"], created["y_fields"]) == \
            ("bar", "departamento", ["casos"])
        assert portal.action.resource_view_show(id=created["id"]) == created
        listed = portal.action.resource_view_list(id=loaded.upload_id)
        assert [view["view_type"] for view in listed] == ["table_preview", "chart"]
        pie = portal.action.resource_view_create(
            resource_id=loaded.upload_id, **_chart(title="Reparto", chart_type="pie"),
            default=True)
        assert [view["id"] for view in portal.action.resource_view_list(
            id=loaded.upload_id)][1:] == [pie["id"], created["id"]]
        updated = portal.action.resource_view_update(
            id=created["id"], title="Casos", chart_type="line", x_field="año",
            y_fields="casos", default=True)
        assert (updated["title"], updated["chart_type"], updated["x_field"]) == \
            ("Casos", "line", "año")
        assert [view["id"] for view in portal.action.resource_view_list(
            id=loaded.upload_id)][1:] == [created["id"], pie["id"]]
        portal.action.resource_view_delete(id=pie["id"])
        with pytest.raises(ckanapi.NotFound):
            portal.action.resource_view_show(id=pie["id"])
    with ckanapi.RemoteCKAN(portal_url) as anonymous:
        assert anonymous.action.resource_view_show(id=created["id"])["title"] == "Casos"


def test_a_map_view_names_its_columns(portal_url, loaded):
    with ckanapi.RemoteCKAN(portal_url, apikey=loaded.tokens["admin"]) as portal:
        areas = portal.action.resource_view_create(
            resource_id=loaded.upload_id, view_type="map", title="Casos por departamento",
            code_field="departamento", value_field="casos", level="departamento")
        assert (areas["code_field"], areas["level"]) == ("departamento", "departamento")
        with pytest.raises(ckanapi.ValidationError) as excinfo:
            portal.action.resource_view_create(resource_id=loaded.upload_id, view_type="map",
                                               title="Puntos", lat_field="casos")
        assert "lon_field" in excinfo.value.error_dict


@pytest.mark.parametrize(("values", "field", "words"), [
    (_chart(x_field="provincia"), "x_field", "provincia"),
    (_chart(y_fields=["casos", "muertes"]), "y_fields", "muertes"),
    (_chart(chart_type="radar"), "chart_type", "radar"),
    (_chart(chart_type="pie", y_fields=["casos", "año"]), "y_fields", "una sola"),
    (_chart(title=" "), "title", "título"),
    ({**_chart(), "view_type": "video"}, "view_type", "video"),
    ({k: v for k, v in _chart().items() if k != "x_field"}, "x_field", "x_field"),
])
def test_bad_settings_are_refused_naming_the_problem(portal_url, loaded, values, field,
                                                     words):
    with ckanapi.RemoteCKAN(portal_url, apikey=loaded.tokens["editor"]) as portal:
        with pytest.raises(ckanapi.ValidationError) as excinfo:
            portal.action.resource_view_create(resource_id=loaded.upload_id, **values)
        assert words in " ".join(excinfo.value.error_dict[field])
        assert [view["view_type"] for view in portal.action.resource_view_list(
            id=loaded.upload_id)] == ["table_preview"]


def test_only_publishers_of_the_entity_change_views(portal_url, loaded):
    with ckanapi.RemoteCKAN(portal_url, apikey=loaded.tokens["editor"]) as portal:
        view = portal.action.resource_view_create(resource_id=loaded.upload_id, **_chart())
    for role in ("member", "other_editor"):
        with ckanapi.RemoteCKAN(portal_url, apikey=loaded.tokens[role]) as portal:
            with pytest.raises(ckanapi.NotAuthorized):
                portal.action.resource_view_create(resource_id=loaded.upload_id, **_chart())
            with pytest.raises(ckanapi.NotAuthorized):
                portal.action.resource_view_delete(id=view["id"])
    with ckanapi.RemoteCKAN(portal_url) as anonymous:
        with pytest.raises(ckanapi.NotAuthorized):
            anonymous.action.resource_view_update(id=view["id"], **_chart(title="Otro"))
        assert anonymous.action.resource_view_show(id=view["id"])["title"] == \
            "Casos por departamento"


def test_views_of_a_private_dataset_are_hidden(app, loaded, portal_url):
    from tests import factories

    with app.app_context():
        from portal.catalog import services as catalog

        private = catalog.get_dataset(loaded.private)
        resource = factories.resource(private, content=b"a,b\n1,2\n", filename="x.csv")
        resource_id = resource.id
    with ckanapi.RemoteCKAN(portal_url, apikey=loaded.tokens["editor"]) as portal:
        view = portal.action.resource_view_create(
            resource_id=resource_id, view_type="chart", title="X", chart_type="bar",
            x_field="a", y_fields="b")
    with ckanapi.RemoteCKAN(portal_url) as anonymous:
        with pytest.raises(ckanapi.NotAuthorized):
            anonymous.action.resource_view_show(id=view["id"])
        with pytest.raises(ckanapi.NotAuthorized):
            anonymous.action.resource_view_list(id=resource_id)
