"""Titles and message templates of every error type the validators produce (Spanish, translatable).

The type slugs are stable (they are stored and compared); the texts are user-facing, so they are
written in Spanish (Bolivia) and wrapped for translation. ``make_error`` renders them at creation
time (in a request they follow the user's language; elsewhere they stay in Spanish).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.validation.report import ReportError

TITLES = {
    # Tables (the slugs are frictionless's own).
    "blank-label": _l("Etiqueta vacía"),
    "duplicate-label": _l("Etiqueta repetida"),
    "incorrect-label": _l("Etiqueta incorrecta"),
    "missing-label": _l("Falta una etiqueta"),
    "extra-label": _l("Etiqueta sobrante"),
    "blank-row": _l("Fila vacía"),
    "extra-cell": _l("Celda sobrante"),
    "missing-cell": _l("Falta una celda"),
    "type-error": _l("Error de tipo"),
    "constraint-error": _l("Restricción no cumplida"),
    "unique-error": _l("Valor repetido"),
    "primary-key": _l("Clave primaria violada"),
    "foreign-key": _l("Clave foránea violada"),
    "encoding-error": _l("Codificación ilegible"),
    "encoding-not-utf8": _l("Codificación distinta de UTF-8"),
    "format-error": _l("Formato incorrecto"),
    "scheme-error": _l("Origen inaccesible"),
    "source-error": _l("Origen ilegible"),
    "resource-error": _l("Recurso no válido"),
    "schema-error": _l("Esquema no válido"),
    "field-error": _l("Campo de esquema no válido"),
    "package-error": _l("Paquete de datos no válido"),
    "byte-count": _l("Tamaño incorrecto"),
    "hash-count": _l("Suma de verificación incorrecta"),
    "row-count": _l("Número de filas incorrecto"),
    "task-error": _l("Error de validación"),
    "task-warning": _l("Aviso de validación"),
    # Bounds of every parser (portal/validation/limits.py).
    "too-many-columns": _l("Demasiadas columnas"),
    "cell-too-large": _l("Celda demasiado grande"),
    "sheet-too-large": _l("Hoja de cálculo demasiado grande"),
    "json-too-deep": _l("JSON demasiado anidado"),
    "timeout": _l("Tiempo de validación agotado"),
    # Data packages and archives.
    "zip-error": _l("Archivo ZIP ilegible"),
    "zip-path-escape": _l("Ruta peligrosa en el ZIP"),
    "zip-symlink": _l("Enlace simbólico en el ZIP"),
    "zip-too-large": _l("ZIP demasiado grande"),
    "datapackage-missing": _l("Falta datapackage.json"),
    # OCDS.
    "ocds-standard-missing": _l("Estándar OCDS no instalado"),
    "json-error": _l("JSON no válido"),
    "ocds-not-package": _l("No es un paquete OCDS"),
    "duplicate-release-id": _l("Identificador de entrega repetido"),
    "duplicate-record-ocid": _l("ocid de registro repetido"),
    "ocid-prefix": _l("Prefijo de ocid incorrecto"),
    "invalid-date": _l("Fecha ilegible"),
    "releases-out-of-order": _l("Entregas desordenadas"),
    "closed-codelist-value": _l("Código fuera de la lista cerrada"),
    "open-codelist-value": _l("Código fuera de la lista abierta"),
    "empty-field": _l("Campo vacío"),
    "additional-field": _l("Campo adicional"),
}

#: Messages of the frictionless error types, built from the error's own fields.
TABLE_MESSAGES = {
    "blank-label": _l("La etiqueta de la columna %(field_number)s del encabezado está vacía."),
    "duplicate-label": _l(
        "La etiqueta «%(label)s» de la columna %(field_number)s ya aparece antes en el encabezado."
    ),
    "incorrect-label": _l(
        "La etiqueta «%(label)s» de la columna %(field_number)s no coincide con el campo "
        "«%(field_name)s» del esquema."
    ),
    "missing-label": _l(
        "Falta en el encabezado la columna del campo «%(field_name)s» (posición %(field_number)s)."
    ),
    "extra-label": _l("La columna %(field_number)s («%(label)s») no figura en el esquema."),
    "blank-row": _l("La fila %(row)s está completamente vacía."),
    "extra-cell": _l("La fila %(row)s tiene un valor de más en la columna %(field_number)s."),
    "missing-cell": _l(
        "A la fila %(row)s le falta la celda del campo «%(field_name)s» "
        "(columna %(field_number)s)."
    ),
    "type-error": _l(
        "El valor «%(cell)s» de la fila %(row)s, campo «%(field_name)s», no es del tipo "
        "esperado (%(note)s)."
    ),
    "constraint-error": _l(
        "El valor «%(cell)s» de la fila %(row)s, campo «%(field_name)s», no cumple una "
        "restricción (%(note)s)."
    ),
    "unique-error": _l(
        "El valor «%(cell)s» de la fila %(row)s, campo «%(field_name)s», debe ser único "
        "(%(note)s)."
    ),
    "primary-key": _l("La fila %(row)s viola la clave primaria (%(note)s)."),
    "foreign-key": _l("La fila %(row)s viola una clave foránea (%(note)s)."),
    "encoding-error": _l("No se pudo decodificar el archivo (%(note)s)."),
}


def title_of(error_type: str) -> str:
    title = TITLES.get(error_type)
    return str(title) if title is not None else error_type


def make_error(error_type: str, message: Any, **location: Any) -> ReportError:
    """Build a ``ReportError`` of a known type; ``message`` may be a lazy string."""
    return ReportError(type=error_type, title=title_of(error_type), message=str(message),
                       **location)
