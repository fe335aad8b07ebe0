"""The dashboard (/dashboard) and the public profile (/user/<name>)."""

from __future__ import annotations

import io
import re

from sqlalchemy import event

from portal import db
from portal.catalog import services as catalog
from portal.harvest import services as harvest
from portal.harvest.models import HarvestJob
from portal.validation import services as validation
from tests import factories
from tests.auth.conftest import login

SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "monto", "type": "number"}]}


def _count(html: str, tab: str) -> int:
    found = re.search(rf'tab={tab}#mis-datos"[^>]*>[^<]*<span class="tab-count">(\d+)<', html)
    if tab == "all":
        found = re.search(r'/dashboard#mis-datos"[^>]*>[^<]*<span class="tab-count">(\d+)<', html)
    return int(found.group(1))


def _catalog(app):
    """ine: one public, one private, one draft, one deleted dataset; mefp: one public."""
    with app.app_context():
        factories.entity("mefp", title="Ministerio de Economía")
        factories.dataset("publico", entity_name="ine", title="Serie abierta")
        factories.dataset("privado", entity_name="ine", title="Datos privados", private=True)
        factories.dataset("borrador", entity_name="ine", title="Un borrador", state="draft")
        gone = factories.dataset("borrado", entity_name="ine", title="Datos borrados")
        catalog.delete_dataset(gone, factories.SYSTEM)
        factories.dataset("ajeno", entity_name="mefp", title="Datos de otra entidad")


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/user/login" in response.headers["Location"]


def test_an_editor_sees_their_entitys_datasets_by_tab_with_counts(app, client, world):
    _catalog(app)
    login(client, "editor1")
    html = client.get("/dashboard").get_data(as_text=True)
    assert [_count(html, tab) for tab in ("all", "draft", "private", "deleted")] == [3, 1, 1, 1]
    assert "Serie abierta" in html and "Datos privados" in html and "Un borrador" in html
    assert "Datos borrados" not in html and "Datos de otra entidad" not in html

    drafts = client.get("/dashboard?tab=draft").get_data(as_text=True)
    assert "Un borrador" in drafts and "Serie abierta" not in drafts
    deleted = client.get("/dashboard?tab=deleted").get_data(as_text=True)
    assert "Datos borrados" in deleted and "Un borrador" not in deleted
    private = client.get("/dashboard?tab=private").get_data(as_text=True)
    assert "Datos privados" in private and "Serie abierta" not in private
    # An unknown tab is the full list, not an error.
    assert client.get("/dashboard?tab=nada").status_code == 200


def test_a_member_and_an_outsider_have_no_datasets_but_the_ones_they_created(app, client,
                                                                          world):
    _catalog(app)
    for name in ("member1", "outsider"):
        login(client, name)
        html = client.get("/dashboard").get_data(as_text=True)
        assert _count(html, "all") == 0 and "Serie abierta" not in html
        assert "Todavía no tiene conjuntos de datos" in html


def test_the_list_is_paged(app, client, world):
    app.config["PORTAL_PAGE_SIZE"] = 2
    with app.app_context():
        for number in range(5):
            factories.dataset(f"serie-{number}", entity_name="ine", title=f"Serie {number}")
    login(client, "editor1")
    first = client.get("/dashboard").get_data(as_text=True)
    third = client.get("/dashboard?page=3").get_data(as_text=True)
    assert first.count('class="dataset-item"') == 2 and third.count('class="dataset-item"') == 1
    assert 'rel="next"' in first and "page=3" in first


def test_failed_validations_harvest_jobs_and_links(app, client, world):
    with app.app_context():
        dataset = factories.dataset("montos", entity_name="ine", title="Montos")
        bad = factories.resource(dataset, content=b"id,monto\n1,10\n2,mil\n",
                                 filename="montos.csv", name="Montos 2024", schema=SCHEMA)
        good = factories.resource(dataset, content=b"id,monto\n1,10\n", filename="bien.csv",
                                  name="Montos buenos", schema=SCHEMA)
        validation.validate_resource(catalog.get_resource(bad.id))
        validation.validate_resource(catalog.get_resource(good.id))
        source = harvest.create_source({"name": "ine-ckan", "title": "CKAN del INE",
                                        "type": "ckan", "url": "https://datos.ine.example/",
                                        "entity": "ine"}, factories.SYSTEM)
        with db.unit_of_work():
            db.session.add(HarvestJob(source_id=source.id, status="failed",
                                      message="El servidor no responde."))
        bad_id = bad.id
    login(client, "editor1")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Montos 2024" in html and "Montos buenos" not in html
    assert f"/dataset/montos/resource/{bad_id}/validation" in html
    assert "1 error" in html
    assert "CKAN del INE" in html and "/harvest/job/" in html

    login(client, "outsider")
    other = client.get("/dashboard").get_data(as_text=True)
    assert "Montos 2024" not in other and "CKAN del INE" not in other
    assert "Sus entidades no tienen cosechas." in other


def test_the_dashboard_costs_the_same_queries_with_more_datasets(app, client, world):
    """Bounded SQL: no query per dataset, resource or report."""
    login(client, "editor1")

    def queries() -> int:
        statements = []
        engine = app.extensions["db_engine"]

        def count(*_args):
            statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/dashboard").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    with app.app_context():
        for number in range(2):
            factories.resource(factories.dataset(f"a-{number}", entity_name="ine"))
    queries()  # the first request of a process reads some things once
    few = queries()
    with app.app_context():
        for number in range(12):
            factories.resource(factories.dataset(f"b-{number}", entity_name="ine"))
    assert queries() == few


def test_the_public_profile_lists_only_public_datasets_the_user_created(app, client, world):
    with app.app_context():
        editor = catalog_user("editor1")
        factories.dataset("mio", entity_name="ine", title="Mi conjunto", actor=editor)
        factories.dataset("mio-privado", entity_name="ine", title="Mi privado", private=True,
                          actor=editor)
        factories.dataset("de-sistema", entity_name="ine", title="De otro")
    html = client.get("/user/editor1").get_data(as_text=True)
    assert "Mi conjunto" in html and "Mi privado" not in html and "De otro" not in html
    assert "Instituto Nacional de Estadística" in html  # the entities they belong to
    assert client.get("/user/nadie").status_code == 404


def catalog_user(name: str):
    from portal.auth.services import get_user

    return get_user(name)


def test_the_failed_validations_show_the_newest_ten_and_count_all(app, client, world):
    with app.app_context():
        dataset = factories.dataset("montos", entity_name="ine", title="Montos")
        for number in range(11):
            bad = factories.resource(dataset, content=f"id,monto\n1,{number}\n2,mil\n".encode(),
                                     filename=f"m{number}.csv", name=f"Montos {number:02d}",
                                     schema=SCHEMA)
            validation.validate_resource(catalog.get_resource(bad.id))
    login(client, "editor1")
    html = client.get("/dashboard").get_data(as_text=True)
    section = html[html.index('id="validaciones"'):html.index('id="cosechas"')]
    assert "10 de 11" in section and section.count("/validation") == 10
    assert re.search(r'<a href="#validaciones">11</a>', html)


def test_the_counts_per_tab_are_counted_once_per_request(app, client, world, monkeypatch):
    """The figures at the top and the list's total are the same counts: one grouped query."""
    from portal.auth import dashboard as board

    _catalog(app)
    calls = []
    counted = board.dataset_counts

    def counting(user):
        calls.append(user.name)
        return counted(user)

    monkeypatch.setattr(board, "dataset_counts", counting)
    login(client, "editor1")
    for path in ("/dashboard", "/dashboard?tab=draft", "/dashboard?tab=deleted&page=2"):
        calls.clear()
        html = client.get(path).get_data(as_text=True)
        assert calls == ["editor1"], path
        assert [_count(html, tab) for tab in ("all", "draft", "private", "deleted")] \
            == [3, 1, 1, 1]


def test_an_admin_of_several_entities_sees_all_theirs_counted_and_paged_in_order(app, client,
                                                                                world):
    """An admin of two entities and a member of a third, where they created one dataset: the
    counts add up the three, and the pages (the page's ids chosen first, then its rows) hold
    each dataset once, the last changed first, the last page included."""
    app.config["PORTAL_PAGE_SIZE"] = 2
    with app.app_context():
        factories.entity("mefp", title="Ministerio de Economía")
        factories.entity("ajena", title="Entidad ajena")
        factories.entity("otra", title="Otra entidad")
        admin = catalog_user("admin1")
        from portal.auth import services as auth

        auth.set_membership(catalog.get_entity("mefp"), {"username": "admin1", "role": "admin"},
                            factories.SYSTEM)
        auth.set_membership(catalog.get_entity("ajena"),
                            {"username": "admin1", "role": "editor"}, factories.SYSTEM)
        created = []  # the admin's, oldest first
        for number in range(3):
            created.append(factories.dataset(f"ine-{number}", entity_name="ine",
                                             title=f"INE {number}").name)
            created.append(factories.dataset(f"mefp-{number}", entity_name="mefp",
                                             title=f"MEFP {number}", private=number == 1).name)
        factories.dataset("mefp-borrador", entity_name="mefp", title="MEFP borrador",
                          state="draft")
        created.append("mefp-borrador")
        gone = factories.dataset("mefp-borrado", entity_name="mefp", title="MEFP borrado")
        catalog.delete_dataset(gone, factories.SYSTEM)
        # What they created as an editor stays theirs once they are only a member there.
        factories.dataset("ajena-suyo", entity_name="ajena", title="Ajena suyo", actor=admin)
        created.append("ajena-suyo")
        auth.set_membership(catalog.get_entity("ajena"),
                            {"username": "admin1", "role": "member"}, factories.SYSTEM)
        factories.dataset("ajena-otro", entity_name="ajena", title="Ajena de otro")
        factories.dataset("otra-0", entity_name="otra", title="De otra entidad")

    login(client, "admin1")
    first = client.get("/dashboard").get_data(as_text=True)
    assert [_count(first, tab) for tab in ("all", "draft", "private", "deleted")] == [8, 1, 1, 1]
    listed = []
    for page in range(1, 5):
        html = client.get(f"/dashboard?page={page}").get_data(as_text=True)
        found = re.findall(r'class="dataset-item-title">\s*<a href="/dataset/([a-z0-9-]+)"', html)
        assert len(found) == 2, page
        listed += found
    assert listed == created[::-1]
    # Past the last page: the last page.
    assert client.get("/dashboard?page=9").get_data(as_text=True).count(
        'class="dataset-item"') == 2
    deleted = client.get("/dashboard?tab=deleted").get_data(as_text=True)
    assert "MEFP borrado" in deleted and "INE 0" not in deleted


def test_failed_validations_of_an_admin_of_several_entities_newest_first_last_report_only(
        app, client, world):
    """Each resource counts by its latest validation: one fixed and validated again leaves the
    list. Failures in both of an admin's entities are counted together, the newest ten shown;
    those of a deleted dataset or of another entity are not."""
    with app.app_context():
        factories.entity("mefp", title="Ministerio de Economía")
        factories.entity("otra", title="Otra entidad")
        from portal.auth import services as auth

        auth.set_membership(catalog.get_entity("mefp"), {"username": "admin1", "role": "admin"},
                            factories.SYSTEM)
        ine = factories.dataset("montos-ine", entity_name="ine", title="Montos INE")
        mefp = factories.dataset("montos-mefp", entity_name="mefp", title="Montos MEFP")
        gone = factories.dataset("montos-borrados", entity_name="mefp", title="Borrados")
        other = factories.dataset("montos-otra", entity_name="otra", title="Montos otra")
        names = []  # the admin's failures, in the order validated
        for number in range(12):
            dataset = ine if number % 2 else mefp
            bad = factories.resource(dataset, content=f"id,monto\n1,{number}\n2,mil\n".encode(),
                                     filename=f"m{number}.csv", name=f"Fallo {number:02d}",
                                     schema=SCHEMA)
            validation.validate_resource(catalog.get_resource(bad.id))
            names.append(f"Fallo {number:02d}")
        for dataset, name in ((gone, "Fallo borrado"), (other, "Fallo ajeno")):
            bad = factories.resource(dataset, content=b"id,monto\n1,x\n", filename="x.csv",
                                     name=name, schema=SCHEMA)
            validation.validate_resource(catalog.get_resource(bad.id))
        catalog.delete_dataset(catalog.get_dataset("montos-borrados"), factories.SYSTEM)
        # The newest failure is fixed: validated again, it passes.
        fixed = catalog.get_resource(
            next(r.id for r in catalog.get_dataset("montos-ine").resources
                 if r.name == "Fallo 11"))
        catalog.update_resource(fixed, {}, factories.SYSTEM, partial=True,
                                upload=io.BytesIO(b"id,monto\n1,10\n"), filename="m11.csv")
        assert validation.validate_resource(catalog.get_resource(fixed.id)).status == "success"
        names.remove("Fallo 11")

    login(client, "admin1")
    html = client.get("/dashboard").get_data(as_text=True)
    section = html[html.index('id="validaciones"'):html.index('id="cosechas"')]
    assert re.search(r'<a href="#validaciones">11</a>', html)
    assert "10 de 11" in section
    shown = re.findall(r">(Fallo [^<]+)</a>", section)
    assert shown == names[::-1][:10]
    assert "Fallo borrado" not in section and "Fallo ajeno" not in section
