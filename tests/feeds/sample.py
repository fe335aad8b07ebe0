"""A small but realistic catalog built through the real services, shared by the DCAT and feed
tests: several kinds of publishers, themes mapped to EU themes, every metadata field, links and
uploads, plus a private, a draft and a deleted dataset that no feed may show."""

from __future__ import annotations

from portal.auth.permissions import SYSTEM
from portal.catalog import services
from portal.errors import NotFound
from tests import factories

PUBLIC = ("censo-2024", "presupuesto-municipal", "matricula-universitaria", "tramites")
HIDDEN = ("borrador-secreto", "datos-privados", "eliminado")


def build_catalog() -> dict[str, object]:
    factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia",
                     website="https://www.ine.gob.bo", email="info@ine.gob.bo")
    factories.entity("gam-la-paz", title="Gobierno Autónomo Municipal de La Paz",
                     kind="gobierno-municipal", level="territorial")
    factories.entity("umsa", title="Universidad Mayor de San Andrés", kind="universidad")
    factories.entity("agetic", title="Agencia de Gobierno Electrónico", kind="agencia")
    factories.theme("poblacion", title="Población y sociedad", eu_theme="SOCI")
    factories.theme("economia", title="Economía y finanzas", eu_theme="ECON")
    factories.theme("educacion", title="Educación", eu_theme="EDUC")

    censo = factories.dataset(
        "censo-2024", entity_name="ine", title="Censo de Población y Vivienda 2024",
        description="Resultados del censo por departamento, con \"comillas\" y saltos\nde línea.",
        keywords=["censo", "población", "vivienda"], themes=["poblacion"],
        contact_name="Unidad de Estadísticas", contact_email="censo@ine.gob.bo",
        temporal_start="2024-01-01", temporal_end="2024-12-31", spatial=["BO", "BO-L", "BO-S"],
        frequency="IRREG", language=["es", "qu"],
        landing_page="https://www.ine.gob.bo/censo", version="1.1", identifier="INE-CENSO-2024",
        issued="2025-03-01", modified="2025-04-15", license_id="CC-BY-4.0",
    )
    factories.resource(censo, name="Población por departamento",
                       description="Tabla de población total por departamento.",
                       url="https://www.ine.gob.bo/censo/poblacion.csv", format="csv",
                       media_type="text/csv", schema="https://example.org/esquemas/censo.json",
                       rights="Uso libre citando «INE, \"Censo 2024\"».\nSin garantía.")
    factories.resource(censo, content=b"departamento,viviendas\nLa Paz,1000\n",
                       filename="viviendas.csv", name="Viviendas", description="Viviendas.")
    factories.resource(censo, name="Boletín", description="Boletín en PDF.",
                       url="https://www.ine.gob.bo/censo/boletin.pdf", format="PDF",
                       media_type="application/pdf", license_id="CC-BY-SA-4.0",
                       rights="https://www.ine.gob.bo/condiciones-de-uso")

    presupuesto = factories.dataset(
        "presupuesto-municipal", entity_name="gam-la-paz", title="Presupuesto municipal 2025",
        description="Presupuesto aprobado por partida.", keywords=["presupuesto"],
        themes=["economia"], spatial=["BO-L"], frequency="ANNUAL", temporal_start="2025-01-01",
        temporal_end="2025-12-31", contact_email="transparencia@lapaz.bo", license_id="CC0-1.0",
        issued="2025-01-10",
    )
    factories.resource(presupuesto, name="Presupuesto", description="Por partida.",
                       url="https://lapaz.bo/presupuesto.xlsx", format="XLSX")
    factories.resource(presupuesto, name="Formato raro", description="Un formato sin tabla.",
                       url="https://lapaz.bo/presupuesto.sav", format="SAV")

    matricula = factories.dataset(
        "matricula-universitaria", entity_name="umsa", title="Matrícula universitaria",
        description="Estudiantes matriculados por carrera.", keywords=["educación superior"],
        themes=["educacion", "poblacion"], spatial=["BO-L"], frequency="ANNUAL",
        temporal_start="2020-01-01", temporal_end="2024-12-31", contact_name="Kardex",
        contact_email="kardex@umsa.bo", license_id="ODC-ODbL-1.0", language=["es"],
    )
    factories.resource(matricula, name="Matrícula", description="Matrícula por carrera.",
                       url="https://umsa.bo/matricula.json", format="JSON")

    factories.dataset("tramites", entity_name="agetic", title="Trámites en línea",
                      description="", keywords=["trámites"], license_id="other-open",
                      spatial=["BO"], access_rights="public")

    factories.dataset("borrador-secreto", entity_name="ine", title="Borrador", state="draft")
    factories.dataset("datos-privados", entity_name="ine", title="Privado", private=True)
    eliminado = factories.dataset("eliminado", entity_name="ine", title="Eliminado")
    services.delete_dataset(eliminado, SYSTEM)
    return {"censo": censo, "presupuesto": presupuesto, "matricula": matricula}


HARVESTED_EXTRAS = {
    "harvest_source": "ine-ckan",
    "harvest_remote_id": "b1c2d3e4-0001",
    "harvest_remote_url": "https://ckan.ine.gob.bo/dataset/encuesta-hogares",
    "harvest_last": "2025-05-20T14:30:00+00:00",
}


#: What a DCAT harvester keeps of the remote dataset: its own publisher and free extras.
REMOTE_EXTRAS = {
    "publisher_uri": "https://ckan.ine.gob.bo/organization/ine",
    "publisher_name": "INE (catálogo CKAN)",
    "publisher_type": "http://purl.org/adms/publishertype/NationalAuthority",
    "publisher_email": "ckan@ine.gob.bo",
    "fuente": "Encuesta de Hogares",
    "cobertura_muestral": {"viviendas": 11000, "departamentos": ["BO-L", "BO-C"]},
}
INLINE_SCHEMA = {"fields": [{"name": "departamento", "type": "string"},
                            {"name": "hogares", "type": "integer"}]}


def build_harvested() -> object:
    """A dataset as a harvester leaves it (provenance, remote publisher and free extras), with
    text that needs escaping in every RDF syntax: quotes, backslashes, tabs, carriage returns,
    a control character and characters outside the BMP; a second resource with an inline
    schema, a declared hash and date and no description."""
    try:
        services.get_entity("ine")
    except NotFound:
        factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
    harvested = factories.dataset(
        "encuesta-hogares", entity_name="ine", title='Encuesta de "Hogares" 2024 \\ EH',
        description='Línea 1\r\nLínea 2\twith tab, """triple""" quotes, a \\n that is text, '
                    "a bell \x07 and 📊.",
        keywords=['comillas "dobles"', "hogares"], license_id="CC-BY-4.0",
        extras={**HARVESTED_EXTRAS, **REMOTE_EXTRAS}, spatial=["BO"], frequency="ANNUAL",
        landing_page="https://ckan.ine.gob.bo/dataset/encuesta-hogares",
    )
    factories.resource(harvested, name="Microdatos", description="Base de datos.",
                       url="https://ckan.ine.gob.bo/eh/microdatos.csv", format="CSV")
    factories.resource(harvested, name="Hogares por departamento",
                       url="https://ckan.ine.gob.bo/eh/hogares.csv", format="CSV",
                       schema=INLINE_SCHEMA, size=2048,
                       hash="md5:0123456789abcdef0123456789abcdef",
                       last_modified="2025-05-01T10:20:30.123456")
    return harvested
