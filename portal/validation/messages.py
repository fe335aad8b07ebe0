"""Titles and message templates of every error type the validators produce (Spanish, translatable).

The type slugs are stable (they are stored and compared); the texts are user-facing, so they are
written in Spanish (Bolivia) and wrapped for translation. ``make_error`` renders them at creation
time (in a request they follow the user's language; elsewhere they stay in Spanish).
"""

from __future__ import annotations

import re
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
    "dialect-error": _l("Dialecto CSV no válido"),
    "compression-error": _l("Compresión ilegible"),
    # Tables without a schema (portal/validation/inference.py): warnings.
    "unexpected-type": _l("Valor de otro tipo que su columna"),
    "unexpected-blank": _l("Celda vacía en una columna llena"),
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
    "byte-count": _l("El tamaño del archivo no es el declarado (%(note)s)."),
    "hash-count": _l("La suma de verificación del archivo no es la declarada (%(note)s)."),
    "row-count": _l("El número de filas no es el declarado (%(note)s)."),
    "scheme-error": _l("No se pudo abrir el origen de los datos (detalle: %(note)s)."),
    "source-error": _l("No se pudieron leer los datos (detalle: %(note)s)."),
    "format-error": _l("El formato del archivo no se pudo leer (detalle: %(note)s)."),
    "compression-error": _l("No se pudo descomprimir el archivo (detalle: %(note)s)."),
    "dialect-error": _l("El dialecto CSV declarado no es válido (detalle: %(note)s)."),
    "schema-error": _l("El Table Schema no es válido (detalle: %(note)s)."),
    "field-error": _l("Un campo del Table Schema no es válido (detalle: %(note)s)."),
    "resource-error": _l("La descripción del recurso no es válida (detalle: %(note)s)."),
    "package-error": _l("El paquete de datos no es válido (detalle: %(note)s)."),
}

#: Any other frictionless error: its Spanish title, then its note as a technical detail.
OTHER_MESSAGE = _l("%(title)s (detalle técnico: %(note)s).")

#: Spanish names of the Table Schema types (frictionless notes name them in English).
TYPE_NAMES = {
    "string": _l("texto"), "integer": _l("número entero"), "number": _l("número"),
    "boolean": _l("valor lógico"), "date": _l("fecha"), "datetime": _l("fecha y hora"),
    "time": _l("hora"), "year": _l("año"), "yearmonth": _l("año y mes"),
    "duration": _l("duración"), "geopoint": _l("punto geográfico"), "geojson": _l("GeoJSON"),
    "object": _l("objeto JSON"), "array": _l("lista JSON"), "list": _l("lista"),
    "any": _l("cualquiera"),
}

_CONSTRAINTS = {
    "required": _l("el valor es obligatorio"),
    "unique": _l("el valor debe ser único"),
    "minimum": _l("el mínimo es %(value)s"),
    "maximum": _l("el máximo es %(value)s"),
    "exclusiveMinimum": _l("debe ser mayor que %(value)s"),
    "exclusiveMaximum": _l("debe ser menor que %(value)s"),
    "minLength": _l("la longitud mínima es %(value)s"),
    "maxLength": _l("la longitud máxima es %(value)s"),
    "pattern": _l("debe seguir el patrón %(value)s"),
    "enum": _l("debe ser uno de %(value)s"),
}

_NOTE_RULES = (
    (re.compile(r'^type is "([\w-]+)/([^"]*)"$'), "type"),
    (re.compile(r'^constraint "(\w+)" is "(.*)"$', re.S), "constraint"),
    (re.compile(r'^the same as in the row at position (\d+)$'), "same"),
    (re.compile(r'^at position "(\d+)"$'), "position"),
    (re.compile(r'^cells composing the primary keys are all "None"$'), "empty-key"),
    (re.compile(r'^expected is "(.*)" and actual is "(.*)"$'), "expected"),
    (re.compile(r'^for "(.*)": values "(.*)" not found in the lookup table "(.*)" as "(.*)"$'),
     "lookup"),
)


def spanish_note(note: str | None) -> str | None:
    """frictionless's English note of an error (``type is "integer/default"``, ``constraint
    "required" is "True"`` ...) in Spanish; an unknown note is kept as it is."""
    if not note:
        return note
    for pattern, kind in _NOTE_RULES:
        match = pattern.match(note)
        if match is None:
            continue
        groups = match.groups()
        if kind == "type":
            name = str(TYPE_NAMES.get(groups[0], groups[0]))
            if groups[1] in ("default", ""):
                return str(_l("se esperaba: %(type)s", type=name))
            return str(_l("se esperaba: %(type)s con el formato «%(format)s»",
                          type=name, format=groups[1]))
        if kind == "constraint":
            template = _CONSTRAINTS.get(groups[0])
            if template is None:
                return str(_l("restricción «%(name)s»: %(value)s", name=groups[0],
                              value=groups[1]))
            return str(template % {"value": groups[1]})
        if kind == "same":
            return str(_l("igual que en la fila %(row)s", row=groups[0]))
        if kind == "position":
            return str(_l("igual que en la columna %(n)s", n=groups[0]))
        if kind == "empty-key":
            return str(_l("las celdas de la clave primaria están todas vacías"))
        if kind == "expected":
            return str(_l("se declaró «%(expected)s» y es «%(actual)s»", expected=groups[0],
                          actual=groups[1]))
        return str(_l("los valores «%(values)s» de «%(fields)s» no están en la tabla "
                      "«%(table)s» como «%(target)s»", fields=groups[0], values=groups[1],
                      table=groups[2] or _l("esta misma"), target=groups[3]))
    return note


_WARNING_RULES = (
    (re.compile(r"^reached error limit: (\d+)$"), _l(
        "Se alcanzó el límite de %(n)s errores: el resto de la tabla no se revisó.")),
    (re.compile(r"^reached row limit: (\d+)$"), _l(
        "Se alcanzó el límite de %(n)s filas: el resto de la tabla no se revisó.")),
    (re.compile(r"^hash is ignored; supported algorithms: (.*)$"), _l(
        "La suma de verificación declarada no se comprobó: solo se admiten %(n)s.")),
)


def spanish_warning(text: str) -> str:
    """A frictionless task warning (plain English text) in Spanish."""
    for pattern, template in _WARNING_RULES:
        match = pattern.match(text)
        if match is not None:
            return str(template % {"n": match.group(1)})
    return str(_l("Aviso del validador: %(text)s", text=text))


#: Titles of the OCDS schema errors (``ocds-schema-<keyword>``) by keyword.
OCDS_SCHEMA_TITLES = {
    "required": _l("Falta un campo obligatorio"),
    "string": _l("Debe ser un texto"), "integer": _l("Debe ser un número entero"),
    "number": _l("Debe ser un número"), "object": _l("Debe ser un objeto"),
    "array": _l("Debe ser una lista"), "boolean": _l("Debe ser un booleano"),
    "null": _l("Debe ser nulo"),
    "min-length": _l("Valor vacío"), "min-items": _l("Lista vacía"),
    "min-properties": _l("Objeto vacío"), "max-length": _l("Valor demasiado largo"),
    "minimum": _l("Valor menor que el mínimo"), "maximum": _l("Valor mayor que el máximo"),
    "uri": _l("URI no válido"), "email": _l("Correo electrónico no válido"),
    "pattern": _l("No sigue el patrón"), "enum": _l("Valor no admitido"),
    "unique-items": _l("Elementos repetidos"), "one-of": _l("No coincide con ninguna forma"),
    "any-of": _l("No coincide con ninguna forma"), "dependencies": _l("Falta un campo asociado"),
    "additional-properties": _l("Campo no admitido"),
}


def title_of(error_type: str) -> str:
    title = TITLES.get(error_type)
    if title is None and error_type.startswith("ocds-schema-"):
        keyword = error_type.removeprefix("ocds-schema-")
        title = OCDS_SCHEMA_TITLES.get(keyword, _l("No cumple el esquema OCDS"))
    return str(title) if title is not None else error_type


def make_error(error_type: str, message: Any, **location: Any) -> ReportError:
    """Build a ``ReportError`` of a known type; ``message`` may be a lazy string."""
    return ReportError(type=error_type, title=title_of(error_type), message=str(message),
                       **location)
