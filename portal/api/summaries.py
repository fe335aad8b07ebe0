"""Spanish summaries of the API actions and sections, for the /api page.

The actions' docstrings (English) are the developers' reference (docs/api.md, OpenAPI); the
page shows these summaries first and the docstring below, marked as English. A new action needs
its summary here: tests/pages/test_publish_api_reference.py fails until it has one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TAGS = {
    "site": _l("Sitio y licencias"),
    "datasets": _l("Conjuntos de datos"),
    "resources": _l("Recursos"),
    "organizations": _l("Organizaciones (entidades)"),
    "groups": _l("Grupos (temas) y etiquetas"),
    "users": _l("Usuarios y tokens de API"),
    "activity": _l("Actividad"),
    "pige": _l("Planes de gobierno electrónico (PIGE)"),
    "harvest": _l("Cosecha"),
    "validation": _l("Validación"),
    "quality": _l("Calidad"),
    "linkcheck": _l("Enlaces"),
    "datastore": _l("Datos de las tablas (DataStore)"),
}

SUMMARIES = {
    "help_show": _l("Devuelve la ayuda de una acción."),
    "license_list": _l("Devuelve las licencias que puede tener un conjunto de datos (ids de "
                       "Open Definition, como CKAN)."),
    "site_read": _l("Devuelve verdadero si quien llama puede leer el sitio (los clientes de "
                    "CKAN lo usan para comprobar el acceso)."),
    "status_show": _l("Devuelve el nombre, la dirección, las versiones y el idioma del sitio, y "
                      "el estado de sus partes."),
    "current_package_list_with_resources": _l(
        "Devuelve los conjuntos de datos visibles para quien llama, con sus recursos, los "
        "modificados más recientemente primero."),
    "dataset_purge": _l("Borra un conjunto de datos para siempre (solo administradores del "
                        "sitio): a diferencia de package_delete, no queda nada."),
    "package_autocomplete": _l("Devuelve los conjuntos de datos visibles cuyo nombre o título "
                               "contiene el texto buscado."),
    "package_create": _l("Crea un conjunto de datos (y sus recursos dados por URL) y lo "
                         "devuelve."),
    "package_delete": _l("Elimina un conjunto de datos: pasa a la papelera y su registro se "
                         "conserva."),
    "package_list": _l("Devuelve los nombres de los conjuntos de datos públicos, en orden "
                       "alfabético."),
    "package_patch": _l("Cambia solo los campos indicados de un conjunto de datos y lo "
                        "devuelve."),
    "package_revise": _l("Cambia un conjunto de datos de forma selectiva y segura: comprueba "
                         "«match», quita lo que nombra «filter» y aplica «update»."),
    "package_search": _l("Busca conjuntos de datos como package_search de CKAN: texto libre, "
                         "filtros, facetas, orden y paginación."),
    "package_show": _l("Devuelve un conjunto de datos, por id o nombre, con sus recursos."),
    "series_create": _l("Crea una serie de conjuntos de datos (un conjunto de tipo «series»)."),
    "series_mark": _l("Convierte un conjunto de datos existente en una serie."),
    "series_member_add": _l("Añade un conjunto de datos a una serie."),
    "series_member_remove": _l("Quita un conjunto de datos de una serie (el conjunto se "
                               "conserva)."),
    "series_show": _l("Devuelve una serie y sus conjuntos en orden, el primero y el último."),
    "dataset_version_create": _l("Guarda lo que un conjunto contiene ahora (metadatos, recursos "
                                 "y archivos) como una versión con dirección estable."),
    "dataset_version_list": _l("Devuelve las versiones de un conjunto de datos."),
    "dataset_version_show": _l("Devuelve una versión de un conjunto tal como era."),
    "dataset_version_diff": _l("Devuelve las filas añadidas, eliminadas y cambiadas de una tabla "
                               "entre dos versiones."),
    "package_update": _l("Reemplaza los metadatos de un conjunto de datos y lo devuelve."),
    "format_autocomplete": _l("Devuelve los formatos de recursos públicos que contienen el "
                              "texto buscado."),
    "resource_create": _l("Añade un recurso a un conjunto de datos: un enlace (url) o un "
                          "archivo (upload, en multipart/form-data)."),
    "resource_delete": _l("Elimina un recurso (y su archivo guardado)."),
    "resource_patch": _l("Cambia solo los campos indicados de un recurso (y su archivo con "
                         "upload) y lo devuelve."),
    "resource_search": _l("Busca recursos de conjuntos de datos públicos por campo."),
    "resource_show": _l("Devuelve un recurso por su id."),
    "resource_update": _l("Reemplaza los metadatos de un recurso, y su archivo si se envía "
                          "upload, y lo devuelve."),
    "resource_view_list": _l("Devuelve las vistas de un recurso, como las de CKAN: la vista "
                             "previa de la tabla y los gráficos y mapas guardados."),
    "resource_view_show": _l("Devuelve una vista guardada de un recurso (gráfico o mapa)."),
    "resource_view_create": _l("Guarda un gráfico o un mapa de un recurso y lo devuelve."),
    "resource_view_update": _l("Reemplaza el título y la configuración de una vista y la "
                               "devuelve."),
    "resource_view_delete": _l("Elimina una vista guardada de un recurso."),
    "organization_create": _l("Crea una organización (solo administradores del sitio) y la "
                              "devuelve."),
    "organization_list": _l("Devuelve los nombres de las organizaciones (entidades públicas), o "
                            "sus datos completos."),
    "organization_list_for_user": _l("Devuelve las organizaciones en las que un usuario tiene "
                                     "un permiso."),
    "organization_member_create": _l("Hace a un usuario miembro de una organización con un rol, "
                                     "o cambia su rol."),
    "organization_member_delete": _l("Quita a un usuario de una organización."),
    "organization_patch": _l("Cambia solo los campos indicados de una organización y la "
                             "devuelve."),
    "organization_show": _l("Devuelve una organización, con sus conjuntos de datos y miembros "
                            "si se piden."),
    "organization_update": _l("Reemplaza los campos de una organización y la devuelve."),
    "group_create": _l("Crea un grupo (tema; solo administradores del sitio) y lo devuelve."),
    "group_list": _l("Devuelve los nombres de los grupos (temas), o sus datos completos."),
    "group_show": _l("Devuelve un grupo (tema), con sus conjuntos de datos si se piden."),
    "tag_list": _l("Devuelve las palabras clave de los conjuntos de datos públicos, en orden "
                   "alfabético."),
    "tag_show": _l("Devuelve una etiqueta (palabra clave) con sus conjuntos de datos visibles."),
    "api_token_create": _l("Crea un token de API para un usuario (uno mismo, o cualquiera si es "
                           "administrador del sitio)."),
    "api_token_list": _l("Devuelve los tokens de API vigentes de un usuario (nunca los tokens "
                         "mismos)."),
    "api_token_revoke": _l("Revoca un token de API, dado el token o su id."),
    "user_create": _l("Crea una cuenta de usuario (solo administradores del sitio) y la "
                      "devuelve."),
    "user_list": _l("Devuelve las cuentas de usuario activas del sitio."),
    "user_show": _l("Devuelve los datos públicos de un usuario; el correo solo al propio "
                    "usuario y a los administradores."),
    "organization_activity_list": _l("Devuelve la actividad de una organización y de sus "
                                     "conjuntos de datos, la más reciente primero."),
    "package_activity_list": _l("Devuelve la actividad de un conjunto de datos, la más reciente "
                                "primero."),
    "recently_changed_packages_activity_list": _l(
        "Devuelve la actividad reciente de los conjuntos de datos públicos de todo el sitio."),
    "pige_plan_list": _l("Devuelve la última versión del plan de gobierno electrónico (PIGE) de "
                         "cada entidad."),
    "pige_plan_show": _l("Devuelve el plan de una entidad con sus versiones (o una versión)."),
    "pige_progress_show": _l("Devuelve el avance de un plan frente a sus metas anuales, o el "
                             "avance nacional."),
    "harvest_job_list": _l("Devuelve los trabajos de una fuente de cosecha, el más reciente "
                           "primero, con su estado y sus cifras."),
    "harvest_job_report": _l("Devuelve el informe completo de un trabajo de cosecha: cada "
                             "elemento con su estado y mensaje, y cada error."),
    "harvest_job_show": _l("Devuelve un trabajo de cosecha: estado, inicio, fin, mensaje y "
                           "cifras."),
    "harvest_source_list": _l("Devuelve las fuentes de cosecha que administra quien llama, con "
                              "su último trabajo."),
    "harvest_source_show": _l("Devuelve una fuente de cosecha: tipo, URL, configuración, "
                              "programación y último trabajo."),
    "package_create_from_datapackage": _l(
        "Crea un conjunto de datos desde un Data Package (zip o datapackage.json), validado "
        "entero antes."),
    "resource_validation_run": _l("Valida de nuevo un recurso (solo sus publicadores) y "
                                  "devuelve su validación."),
    "resource_validation_show": _l("Devuelve la validación guardada de un recurso: estado, "
                                   "validador, fecha e informe."),
    "quality_organization_show": _l("Devuelve la ficha de calidad de una entidad: puntaje medio "
                                    "de sus conjuntos de datos públicos, cifras y posición."),
    "datastore_info": _l("Devuelve las columnas de los datos de un recurso tabular (tipos, "
                         "títulos y descripciones de su esquema) y su número de filas."),
    "datastore_search": _l("Busca en las filas de un recurso tabular: filtros, texto libre, "
                           "columnas, orden y paginación, como el DataStore de CKAN."),
    "quality_show": _l("Devuelve el último puntaje de calidad de los metadatos de un conjunto "
                       "de datos (MQA de data.europa.eu, 405 puntos)."),
}

TYPES = {
    "file": _l("archivo"), "string": _l("texto"), "integer": _l("entero"),
    "boolean": _l("booleano"), "any": _l("cualquiera"),
    "list of strings (or comma-separated string)": _l(
        "lista de textos (o texto separado por comas)"),
}


LISTS = {"strings": _l("lista de textos"), "integers": _l("lista de enteros"),
         "booleans": _l("lista de booleanos"), "files": _l("lista de archivos")}


def type_label(english: str) -> str:
    """The Spanish name of a parameter's type (``reference.type_name``)."""
    if english in TYPES:
        return str(TYPES[english])
    if english.startswith("list of objects"):
        return str(_l("lista de objetos")) + english.removeprefix("list of objects")
    if english.startswith("list of ") and english[8:] in LISTS:
        return str(LISTS[english[8:]])
    return english
