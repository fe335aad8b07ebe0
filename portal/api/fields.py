"""Marshmallow fields for the API's parameters, with Spanish error messages.

They behave as marshmallow's own (the OpenAPI plugin maps them by their base class); only the
messages differ, so a wrong type reads ``"private": ["Debe ser verdadero o falso."]``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields

from portal import bounded_json

_COMMON = {
    "required": _l("Falta este campo."),
    "null": _l("No puede ser nulo."),
    "validator_failed": _l("Valor no válido."),
}


class String(fields.String):
    default_error_messages = {**_COMMON, "invalid": _l("Debe ser un texto.")}


class Boolean(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": _l("Debe ser verdadero o falso.")}


#: Largest integer any parameter may take (a database's 64-bit integer): past it SQLite and
#: PostgreSQL overflow. Parameters declare tighter bounds of their own.
INT64_MAX = 2**63 - 1


class Integer(fields.Integer):
    default_error_messages = {**_COMMON, "invalid": _l("Debe ser un número entero."),
                              "too_large": _l("El número es demasiado grande.")}

    def _validated(self, value):
        # marshmallow truncates 2.5 to 2; CKAN's int_validator refuses a fraction (2.0 passes).
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid")
        number = super()._validated(value)
        if number is not None and abs(number) > INT64_MAX:
            raise self.make_error("too_large")
        return number


class List(fields.List):
    default_error_messages = {**_COMMON, "invalid": _l("Debe ser una lista.")}


class Nested(fields.Nested):
    default_error_messages = {**_COMMON, "type": _l("Debe ser un objeto.")}


class Dict(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": _l("Debe ser un objeto.")}


class Names(List):
    """A list of names; also one name, or several separated by commas (URL parameters of a
    GET request carry single strings)."""

    def __init__(self, **kwargs):
        super().__init__(String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class StringOrList(fields.Raw):
    """A multi-valued DCAT field: a list of strings, a JSON array in a string (as ckanext-dcat
    writes extras) or a comma-separated string. Loads as a list of strings."""

    default_error_messages = {
        **_COMMON, "invalid": _l("Debe ser una lista de textos o un texto separado por comas."),
    }

    def __init__(self, **kwargs):
        metadata = {"oneOf": [{"type": "array", "items": {"type": "string"}},
                              {"type": "string"}], **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return to_string_list(value, self.make_error)


def to_string_list(value, make_error) -> list[str]:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = bounded_json.loads(text)
            except ValueError:  # JsonTooDeep too
                raise make_error("invalid") from None
        else:
            return [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise make_error("invalid")
    return value


class Upload(fields.Raw):
    """A file sent in a ``multipart/form-data`` request (werkzeug's ``FileStorage``)."""

    default_error_messages = {
        **_COMMON,
        "invalid": _l("Envíe el archivo como parte «upload» de una solicitud "
                      "multipart/form-data."),
    }

    def __init__(self, **kwargs):
        metadata = {"type": "string", "format": "binary", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value in ("", None):
            if self.required:  # an empty part is no file
                raise self.make_error("required")
            return None
        if not (hasattr(value, "stream") and hasattr(value, "filename")):
            raise self.make_error("invalid")
        return value
