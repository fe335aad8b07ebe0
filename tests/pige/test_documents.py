"""Documents, not only numbers (DS 5468, Chapter VI, 6.1).

Num. 6: "el responsable de implementación de Gobierno Electrónico de la entidad pública,
aplicará el mecanismo de Aprobación de Documentos de Ciudadanía Digital al PIGE institucional a
través del SRSP, el cual generará un formato de impresión y un código identificador." Num. 7 and
8: the MAE approves the plan "mediante resolución expresa" and the responsible registers "dicho
documento". Num. 10: "El PIGE y su resolución de aprobación serán publicados ...; con excepción de
aquellos casos que sean declarados confidenciales en la resolución de aprobación."
"""

from __future__ import annotations

import io
import json

import pytest

from portal.errors import NotAuthorized
from portal.pige import documents, registry
from portal.pige import services as pige
from portal.pige.refusals import PlanRefused
from portal.storage import storage
from tests import factories
from tests.pige.builders import FLOW, advance, draft, stored_text, user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _pdf(text: str = "") -> io.BytesIO:
    return io.BytesIO(PDF + text.encode())


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def _refused(code, call, *args, **kwargs):
    with pytest.raises(PlanRefused) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.problems
    return info.value


def test_only_the_designated_responsible_approves_with_ciudadania_digital(ctx, world):
    """Num. 6: the responsible alone applies the Ciudadanía Digital approval."""
    version = advance(draft(), "dar_conformidad")
    code = {"identifier_code": "SRSP-2026-000123"}
    refused = _refused("not_the_responsible", pige.move, version, "aprobar_ciudadania_digital",
                       user("chief"), on=FLOW[4][2], **code)
    assert "officer" in str(refused)
    assert version.state == "conforme" and len(version.steps) == 4
    pige.move(version, "aprobar_ciudadania_digital", user("officer"), on=FLOW[4][2], **code)
    assert version.state == "codigo_asignado"


def test_without_a_designated_responsible_the_approval_waits(ctx, world):
    factories.entity("mdpyep", title="Ministerio de Desarrollo Productivo", kind="ministerio")
    factories.user("planner", member_of="mdpyep", role="admin")
    version = draft("mdpyep")
    for action, _actor, on, extra in FLOW[:4]:
        pige.move(version, action, user("root"), on=on, **extra)
    _refused("no_responsible", pige.move, version, "aprobar_ciudadania_digital",
             user("planner"), on=FLOW[4][2], identifier_code="SRSP-1")
    documents.designate("mdpyep", "planner", user("planner"), designation="Memo 12/2026")
    pige.move(version, "aprobar_ciudadania_digital", user("planner"), on=FLOW[4][2],
              identifier_code="SRSP-2026-000123")
    assert version.state == "codigo_asignado"


def test_who_designates_and_who_may_be_designated(ctx, world):
    with pytest.raises(NotAuthorized):
        documents.designate("mpd", "officer", user("officer"))  # an editor, not an admin
    _refused("not_an_officer", documents.designate, "mpd", "member", user("chief"))
    _refused("unknown_user", documents.designate, "mpd", "nadie", user("chief"))
    _refused("not_an_officer", documents.designate, "mpd", "outsider", user("root"))
    row = documents.designate("mpd", "chief", user("chief"), designation="RA 1/2026")
    assert pige.responsible_of(row.entity_id).user.name == "chief"


def test_documents_are_kept_with_the_version_and_checked(ctx, world):
    version = advance(draft(), "dar_conformidad")
    _refused("document_too_early", documents.upload, version, "impresion_ciudadania_digital",
             _pdf(), "aprobacion.pdf", user("officer"))
    action, _actor, on, extra = FLOW[4]
    pige.move(version, action, user("officer"), on=on, **extra)
    _refused("not_pdf", documents.upload, version, "impresion_ciudadania_digital",
             io.BytesIO(b"<html>no</html>"), "aprobacion.pdf", user("officer"))
    _refused("not_pdf", documents.upload, version, "impresion_ciudadania_digital",
             _pdf(), "aprobacion.exe", user("officer"))
    _refused("unknown_document_kind", documents.upload, version, "contrato", _pdf(),
             "a.pdf", user("officer"))
    _refused("missing_file", documents.upload, version, "resolucion", None, "", user("officer"))
    _refused("document_too_early", documents.upload, version, "resolucion", _pdf(),
             "ra.pdf", user("officer"))
    with pytest.raises(NotAuthorized):
        documents.upload(version, "impresion_ciudadania_digital", _pdf(), "a.pdf",
                         user("outsider"))
    assert version.documents == []
    first = documents.upload(version, "impresion_ciudadania_digital", _pdf("uno"),
                             "aprobacion.pdf", user("officer"))
    old_key = first.storage_key
    again = documents.upload(version, "impresion_ciudadania_digital", _pdf("dos"),
                             "aprobacion-2.pdf", user("officer"))
    assert again.id == first.id and len(version.documents) == 1  # replaced, not added
    assert not storage().exists(old_key)
    with storage().open(again.storage_key) as fh:
        assert fh.read().endswith(b"dos")


def _to_approved(version, confidential=False):
    advance(version, "aprobar_resolucion", confidential=confidential)
    documents.upload(version, "impresion_ciudadania_digital", _pdf(), "cd.pdf", user("officer"))
    documents.upload(version, "resolucion", _pdf("RA 045/2026"), "resolucion.pdf",
                     user("officer"))
    return version


def test_the_resolution_is_published_with_the_plan(app, client, world):
    """Num. 10: plan and resolution are published together."""
    with app.app_context():
        version = _to_approved(draft())
    path = "/pige/plan/mpd/v1/documento/resolucion"
    assert client.get(path).status_code == 404  # not yet published
    _login(client, "reviewer")
    with client.get(path) as response:
        assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    client.post("/user/logout")
    with app.app_context():
        version = pige.get_version("mpd")
        for action, actor, on, extra in FLOW[-2:]:
            pige.move(version, action, user(actor), on=on, **extra)
        doc = json.loads(stored_text(next(
            r for r in registry.registry_dataset().resources if r.name == registry.JSON_NAME)))
    with client.get(path) as response:
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and b"RA 045/2026" in response.data
    page = client.get("/pige/plan/mpd").get_data(as_text=True)
    assert 'data-document="resolucion"' in page
    kinds = [d["kind"] for d in doc["plans"][0]["versions"][0]["content"]["documents"]]
    assert kinds == ["impresion_ciudadania_digital", "resolucion"]


def test_a_confidential_plans_documents_stay_with_its_readers(app, client, world):
    with app.app_context():
        version = _to_approved(draft(), confidential=True)
        pige.move(version, "registrar_resolucion", user("officer"), on=FLOW[-2][2])
        doc = json.loads(stored_text(next(
            r for r in registry.registry_dataset().resources if r.name == registry.JSON_NAME)))
    assert doc["plans"][0]["versions"][0]["content"] is None
    for path in ("/pige/plan/mpd/v1/documento/resolucion",
                 "/pige/plan/mpd/v1/documento/impresion_ciudadania_digital"):
        assert client.get(path).status_code == 404
        _login(client, "officer")
        with client.get(path) as response:
            assert response.status_code == 200
        client.post("/user/logout")


def test_documents_and_the_designation_through_the_pages(app, client, world):
    with app.app_context():
        advance(draft(), "aprobar_ciudadania_digital")
    _login(client, "officer")
    refused = client.post("/pige/plan/mpd/v1/documento", data={
        "kind": "impresion_ciudadania_digital",
        "file": (io.BytesIO(b"GIF89a"), "foto.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "no es un PDF" in refused.get_data(as_text=True)
    done = client.post("/pige/plan/mpd/v1/documento", data={
        "kind": "impresion_ciudadania_digital", "file": (_pdf(), "cd.pdf")},
        content_type="multipart/form-data")
    assert done.status_code == 302
    page = client.get("/pige/plan/mpd/v1").get_data(as_text=True)
    assert 'data-document="impresion_ciudadania_digital"' in page
    assert client.get("/pige/responsable/mpd").status_code == 403  # an editor
    client.post("/user/logout")
    _login(client, "chief")
    form = client.get("/pige/responsable/mpd").get_data(as_text=True)
    assert 'value="officer"' in form
    refused = client.post("/pige/responsable/mpd", data={"username": "member"})
    assert refused.status_code == 422 and "no es administrador ni editor" in \
        refused.get_data(as_text=True)
    assert client.post("/pige/responsable/mpd", data={
        "username": "chief", "designation": "Memorándum 7/2026"}).status_code == 302
    with app.app_context():
        assert pige.responsible_of(pige.get_plan("mpd").entity_id).user.name == "chief"
