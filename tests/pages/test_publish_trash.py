"""The trash: deleted datasets wait in /ckan-admin/trash (sysadmins) and in their entity's trash
(its admins), who restore them; purging is a sysadmin's act, audited, in one transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal import db
from portal.activity.models import Activity
from portal.audit.models import AuditEvent
from portal.auth.permissions import SYSTEM
from portal.catalog import services
from portal.errors import NotFound
from tests.pages.html_check import assert_valid_page


def _text(response):
    return response.get_data(as_text=True)


def _delete(app, name):
    with app.app_context():
        services.delete_dataset(services.get_dataset(name), SYSTEM)


def test_an_entity_admin_restores_a_deleted_dataset_from_the_entity_trash(app, catalog, login):
    editor = login("editora")
    assert editor.post(f"/dataset/delete/{catalog.public}").status_code == 302
    assert "papelera" in _text(editor.get("/organization/ine"))  # the flash says where it went
    assert app.test_client().get(f"/dataset/{catalog.public}").status_code == 404
    assert editor.get("/organization/ine/trash").status_code == 403  # editors do not restore
    assert editor.post(f"/dataset/{catalog.public}/restore").status_code == 403
    admin = login("jefa")
    assert "/organization/ine/trash" in _text(admin.get("/organization/ine"))  # linked
    page = admin.get("/organization/ine/trash")
    assert page.status_code == 200
    html = _text(page)
    assert_valid_page(html)
    assert "Censo de Población 2024" in html and "Presupuesto 2024" not in html
    assert "Purgar" not in html  # purging is for sysadmins
    restored = admin.post(f"/dataset/{catalog.public}/restore")
    assert restored.status_code == 302
    assert restored.headers["Location"].endswith(f"/dataset/{catalog.public}")
    assert admin.get(f"/dataset/{catalog.public}").status_code == 200
    assert "Censo de Población 2024" not in _text(admin.get("/organization/ine/trash"))
    with app.app_context():
        dataset = services.get_dataset(catalog.public)
        assert dataset.state == "active" and dataset.is_public
        last = db.session.scalars(select(Activity).where(Activity.object_id == dataset.id)
                                  .order_by(Activity.timestamp.desc())).first()
        assert last.data["changes"] == {"state": ["deleted", "active"]}
    # Restoring what is not in the trash is refused.
    assert admin.post(f"/dataset/{catalog.public}/restore").status_code == 404


def test_the_site_trash_is_for_sysadmins_and_lists_every_entity(app, catalog, login):
    _delete(app, catalog.public)
    _delete(app, "presupuesto-2024")
    assert login("jefa").get("/ckan-admin/trash").status_code == 403
    html = _text(login("root").get("/ckan-admin/trash"))
    assert_valid_page(html)
    assert "Censo de Población 2024" in html and "Presupuesto 2024" in html
    assert "Ministerio de Economía y Finanzas Públicas" in html
    assert f"/dataset/{catalog.public}/purge" in html


def test_purge_is_a_sysadmin_act_that_removes_everything_and_is_audited(app, catalog, login):
    with app.app_context():
        dataset = services.get_dataset(catalog.public)
        dataset_id = dataset.id
        stored = [Path(app.instance_path) / "storage" / r.storage_key
                  for r in dataset.resources if r.storage_key]
    assert stored and all(path.is_file() for path in stored)
    _delete(app, catalog.public)
    admin = login("jefa")
    assert admin.get(f"/dataset/{catalog.public}/purge").status_code == 403
    assert admin.post(f"/dataset/{catalog.public}/purge").status_code == 403
    root = login("root")
    confirm = root.get(f"/dataset/{catalog.public}/purge")
    assert confirm.status_code == 200
    assert_valid_page(_text(confirm))
    assert "No se puede deshacer" in _text(confirm)
    done = root.post(f"/dataset/{catalog.public}/purge")
    assert done.status_code == 302 and done.headers["Location"].endswith("/ckan-admin/trash")
    with app.app_context():
        with pytest.raises(NotFound):
            services.get_dataset(catalog.public)
        assert db.session.scalars(select(Activity).where(
            Activity.object_id == dataset_id)).first() is None
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "dataset.purge")).one()
        assert (event.actor, event.target) == ("root", catalog.public)
    assert not any(path.exists() for path in stored)


def test_only_deleted_datasets_can_be_purged_from_the_trash(app, catalog, login):
    assert login("root").get(f"/dataset/{catalog.public}/purge").status_code == 404
