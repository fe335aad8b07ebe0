"""Spanish wording for marshmallow's built-in validation messages.

Our own rules raise translatable messages; marshmallow's generic ones ("Not a valid date.") are
English. ``localise`` maps each onto a translatable Spanish message, keeping its numbers.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

_PATTERNS = (
    (re.compile(r"^Missing data for required field\.$"), _l("Este campo es obligatorio.")),
    (re.compile(r"^Field may not be null\.$"), _l("Este campo no puede estar vacío.")),
    (re.compile(r"^Not a valid date\.$"), _l("No es una fecha válida (AAAA-MM-DD).")),
    (re.compile(r"^Not a valid datetime\.$"), _l("No es una fecha y hora válida.")),
    (re.compile(r"^Not a valid string\.$"), _l("Debe ser un texto.")),
    (re.compile(r"^Not a valid boolean\.$"), _l("Debe ser verdadero o falso.")),
    (re.compile(r"^Not a valid integer\.$"), _l("Debe ser un número entero.")),
    (re.compile(r"^Not a valid number\.$"), _l("Debe ser un número.")),
    (re.compile(r"^Not a valid list\.$"), _l("Debe ser una lista.")),
    (re.compile(r"^Not a valid mapping type\.$"), _l("Debe ser un objeto.")),
    (re.compile(r"^Unknown field\.$"), _l("Campo desconocido.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     _l("Debe tener entre %(min)s y %(max)s caracteres.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"),
     _l("Debe tener al menos %(min)s caracteres.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"),
     _l("Debe tener como máximo %(max)s caracteres.")),
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"),
     _l("Debe ser uno de: %(choices)s.")),
)


def localise(message: object) -> str:
    text = str(message)
    for pattern, spanish in _PATTERNS:
        match = pattern.match(text)
        if match:
            return str(spanish) % match.groupdict() if match.groupdict() else str(spanish)
    return text
