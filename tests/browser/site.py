"""A small but realistic catalog for the page-wide browser checks (accessibility, mobile
layout), built through the real services, and the main pages to visit on it."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.catalog import services as catalog
from portal.pige import services as pige
from portal.series import services as series
from portal.series import versions
from tests import factories
from tests.pige.builders import content

DESCRIPTION = """Resultados **definitivos** del Censo de Población y Vivienda 2024, por
departamento, municipio, sexo y grupo de edad.

| Departamento | Población | Viviendas | Hogares | Tasa de crecimiento intercensal anual |
|:-------------|----------:|----------:|--------:|--------------------------------------:|
| La Paz       | 3.022.566 |   980.446 | 870.112 | 1,23 |
| Santa Cruz   | 3.115.386 |   902.911 | 845.007 | 2,41 |

Fuente: https://www.ine.gob.bo/index.php/censo-de-poblacion-y-vivienda-2024/resultados-definitivos
"""
WIDE_CSV = ("departamento,municipio,provincia,poblacion_total,poblacion_hombres,"
            "poblacion_mujeres,viviendas_particulares,viviendas_colectivas,hogares\n"
            + "La Paz,Nuestra Señora de La Paz,Pedro Domingo Murillo,755732,362000,393732,"
              "250000,1200,230000\n" * 3).encode()


def main_pages(names: dict[str, str]) -> list[str]:
    return ["/", "/dataset", "/dataset?q=censo", "/dataset/censo-2024",
            f"/dataset/censo-2024/resource/{names['resource']}", "/organization",
            "/organization/ine", "/group", "/group/economia", "/dataset/censo-2024/historial",
            "/organization/ine/historial", f"/dataset/censo-2024/historial/{names['change']}",
            "/api", "/user/login", "/licenses", "/pige", "/pige/marco", "/pige/plan/mpd",
            "/serie/presupuestos", "/dataset/censo-2024/versiones",
            "/dataset/censo-2024/version/2.0"]


@pytest.fixture(name="site")
def site_fixture(app):
    """The catalog; the ids that ``main_pages`` needs."""
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia",
                         website="https://www.ine.gob.bo")
        factories.entity("mpd", title="Ministerio de Planificación del Desarrollo",
                         kind="ministerio")
        factories.theme("economia", title="Economía y finanzas")
        root = factories.user("root", sysadmin=True)
        dataset = factories.dataset(
            "censo-2024", title="Censo de Población y Vivienda 2024: población por departamento",
            description=DESCRIPTION, keywords=["censo", "población", "vivienda"],
            themes=["economia"], spatial=["BO", "BO-L"], contact_name="Unidad de Datos",
            landing_page="https://www.ine.gob.bo/index.php/censo-de-poblacion-y-vivienda-2024/",
            temporal_start="2024-01-01", temporal_end="2024-12-31")
        resource = factories.resource(dataset, content=WIDE_CSV,
                                      filename="poblacion_por_municipio_y_departamento_2024.csv",
                                      name="Población por municipio")
        factories.resource(dataset, name="Cuadros del INE", format="XLSX",
                           url="https://www.ine.gob.bo/descargas/censo-2024/"
                               "cuadros-estadisticos-poblacion-vivienda-definitivos.xlsx")
        catalog.update_dataset(dataset, {"title": "Censo de Población y Vivienda 2024",
                                         "version": "2.0"}, root, partial=True)
        budget = factories.dataset("presupuesto-2024",
                                   title="Presupuesto General del Estado 2024",
                                   keywords=["presupuesto"], themes=["economia"],
                                   temporal_start="2024-01-01", temporal_end="2024-12-31")
        budgets = factories.dataset("presupuestos", title="Presupuesto General del Estado",
                                    description="Un presupuesto por gestión.")
        series.mark_series(budgets, root)
        series.add_member(budgets, budget, root)
        versions.create_version(dataset, "2.0", "Cifras definitivas del censo.", root)
        pige.create_plan("mpd", {"title": "Plan de Gobierno Electrónico del MPD",
                                 "summary": "Resumen", "content": content()}, root,
                         on=dt.date(2026, 1, 12))
        from portal.activity.services import list_for_object

        change = list_for_object("package", dataset.id, limit=1)[0]
        return {"resource": resource.id, "change": change.id}
