"""Input schemas of the catalog: the one place where a field's rules are written.

Pages and the API both load their input through these, so a rule never differs between them.
Field names are the catalog's; the CKAN API maps its own names onto them before loading.
"""

from __future__ import annotations

import re
from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from portal.catalog.codelists import codes
from portal.catalog.messages import localise
from portal.catalog.models import ACCESS_RIGHTS, DATASET_STATES, ENTITY_KINDS, ENTITY_LEVELS
from portal.catalog.translations import (
    DATASET_TRANSLATED,
    GROUP_TRANSLATED,
    LANGUAGES,
    RESOURCE_TRANSLATED,
    promote_spanish,
    stored,
)
from portal.validation.schemas_registry import reference_problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{1,99}$")
slug_message = _l("Use de 2 a 100 caracteres: minúsculas sin tildes, números, - o _.")


def _slug() -> validate.Validator:
    return validate.Regexp(SLUG, error=slug_message)


def _one_of(choices) -> validate.Validator:
    return validate.OneOf(tuple(choices), error=_l("Valor no permitido: {input}."))


class _Base(Schema):
    #: Main field -> its translations field (portal/catalog/translations.py).
    translated: dict[str, str] = {}

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _strip_strings(self, data, **_kwargs):
        """Form posts send '' for empty fields and padded text: trim and treat '' as absent
        for optional typed fields (dates, lists). Spanish sent in a ``*_translated`` field
        becomes the main field's value."""
        if not isinstance(data, dict):
            return data
        data = promote_spanish(data, self.translated)
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
                field = self.fields.get(key)
                if value == "" and field is not None and not isinstance(field, fields.String):
                    continue
            cleaned[key] = value
        return cleaned


class Translations(fields.Dict):
    """``{lang: text}`` in the languages metadata may be written in (``{lang: [keyword]}``
    with ``keywords=True``). No default: what a client leaves out is kept by the service."""

    def __init__(self, *, max_length: int | None = None, keywords: bool = False, **kwargs):
        values = _StringList() if keywords else fields.String(
            validate=validate.Length(max=max_length) if max_length else None)
        super().__init__(keys=fields.String(), values=values, **kwargs)
        self.keywords = keywords

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            unknown = [str(lang) for lang in value if lang not in LANGUAGES]
            if unknown:
                raise ValidationError(_l(
                    "Idioma no admitido: {codes}. Use uno de: {languages}.").format(
                    codes=", ".join(unknown), languages=", ".join(LANGUAGES)))
        try:
            loaded = super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as exc:  # {lang: {"value": [...]}}: say "en: ..." instead
            raise ValidationError(_problems(exc.messages)) from None
        if self.keywords:
            # In order, as the tags are (RDF and a harvest keep no order).
            loaded = {lang: sorted({k.strip().lower() for k in words})
                      for lang, words in loaded.items()}
        elif loaded:
            loaded = {lang: text.strip() for lang, text in loaded.items()}
        return stored(loaded)


def _problems(messages: dict) -> list[str]:
    found = []
    for lang, problem in messages.items():
        problem = problem.get("value", problem) if isinstance(problem, dict) else problem
        if isinstance(problem, dict):  # a keyword list: {index: [...]}
            problem = [m for sub in problem.values() for m in sub]
        found.extend(f"{lang}: {localise(m)}" for m in problem)
    return found


def _translations(max_length: int | None = None, **kwargs) -> Translations:
    return Translations(max_length=max_length, error_messages={"invalid": _l(
        "Se esperaba un objeto con un texto por idioma.")}, **kwargs)


class EntitySchema(_Base):
    translated = GROUP_TRANSLATED
    name = fields.String(required=True, validate=_slug())
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="")
    title_translated = _translations(300)
    description_translated = _translations()
    kind = fields.String(load_default="otra", validate=_one_of(ENTITY_KINDS))
    level = fields.String(load_default="central", validate=_one_of(ENTITY_LEVELS))
    website = fields.String(load_default="", validate=validate.Length(max=500))
    email = fields.String(load_default="", validate=validate.Length(max=254))
    logo_url = fields.String(load_default="", validate=validate.Length(max=500))

    @validates("website")
    def _website(self, value: str, **_kwargs) -> None:
        check_url(value)

    @validates("logo_url")
    def _logo(self, value: str, **_kwargs) -> None:
        check_url(value)

    @validates("email")
    def _email(self, value: str, **_kwargs) -> None:
        check_email(value)


class ThemeSchema(_Base):
    translated = GROUP_TRANSLATED

    name = fields.String(required=True, validate=_slug())
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description = fields.String(load_default="")
    title_translated = _translations(300)
    description_translated = _translations()
    eu_theme = fields.String(load_default="", validate=validate.Length(max=10))
    image_url = fields.String(load_default="", validate=validate.Length(max=500))


def check_url(value: str) -> None:
    if value and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", value, re.IGNORECASE):
        raise ValidationError(_l("Debe ser una dirección web que empiece con http:// o https://."))


def check_email(value: str) -> None:
    if value and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        raise ValidationError(_l("No es un correo electrónico válido."))


class _StringList(fields.List):
    """A list of strings that also accepts one comma-separated string (a form's text box)."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(validate=validate.Length(min=1, max=100)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


class DatasetSchema(_Base):
    translated = DATASET_TRANSLATED

    name = fields.String(required=True, validate=_slug())
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    description = fields.String(load_default="")
    title_translated = _translations(500)
    description_translated = _translations()
    keywords_translated = _translations(keywords=True)
    entity = fields.String(required=True)  # name or id; the service resolves it
    license_id = fields.String(load_default="")
    keywords = _StringList(load_default=list)
    themes = _StringList(load_default=list)
    contact_name = fields.String(load_default="", validate=validate.Length(max=200))
    contact_email = fields.String(load_default="", validate=validate.Length(max=254))
    access_rights = fields.String(load_default="public", validate=_one_of(ACCESS_RIGHTS))
    temporal_start = fields.Date(load_default=None, allow_none=True)
    temporal_end = fields.Date(load_default=None, allow_none=True)
    spatial = _StringList(load_default=list)
    frequency = fields.String(load_default="")
    language = _StringList(load_default=lambda: ["es"])
    landing_page = fields.String(load_default="", validate=validate.Length(max=500))
    version = fields.String(load_default="", validate=validate.Length(max=50))
    identifier = fields.String(load_default="", validate=validate.Length(max=500))
    issued = fields.Date(load_default=None, allow_none=True)
    modified = fields.Date(load_default=None, allow_none=True)
    state = fields.String(load_default="active", validate=_one_of(DATASET_STATES))
    private = fields.Boolean(load_default=False)
    extras = fields.Dict(keys=fields.String(), load_default=dict)

    @validates("contact_email")
    def _contact_email(self, value: str, **_kwargs) -> None:
        check_email(value)

    @validates("landing_page")
    def _landing_page(self, value: str, **_kwargs) -> None:
        check_url(value)

    @validates("frequency")
    def _frequency(self, value: str, **_kwargs) -> None:
        if value and value not in codes("frequencies"):
            raise ValidationError(_l("Frecuencia desconocida: {value}.").format(value=value))

    @validates("spatial")
    def _spatial(self, value: list[str], **_kwargs) -> None:
        unknown = [code for code in value if code not in codes("spatial")]
        if unknown:
            raise ValidationError(
                _l("Cobertura geográfica desconocida: {codes}.").format(codes=", ".join(unknown))
            )

    @validates("language")
    def _language(self, value: list[str], **_kwargs) -> None:
        unknown = [code for code in value if code not in codes("languages")]
        if unknown:
            raise ValidationError(
                _l("Idioma desconocido: {codes}.").format(codes=", ".join(unknown))
            )

    @validates_schema
    def _period(self, data, **_kwargs) -> None:
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and start > end:
            raise ValidationError(
                _l("El fin del periodo no puede ser anterior a su inicio."), "temporal_end"
            )

    @post_load
    def _normalise_keywords(self, data, **_kwargs):
        if "keywords" in data:
            seen: dict[str, None] = {}
            for keyword in data["keywords"]:
                seen.setdefault(keyword.strip().lower(), None)
            data["keywords"] = list(seen)
        return data


class ResourceSchema(_Base):
    translated = RESOURCE_TRANSLATED

    name = fields.String(load_default="", validate=validate.Length(max=500))
    description = fields.String(load_default="")
    name_translated = _translations(500)
    description_translated = _translations()
    url = fields.String(load_default="", validate=validate.Length(max=2000))
    format = fields.String(load_default="", validate=validate.Length(max=50))
    media_type = fields.String(load_default="", validate=validate.Length(max=200))
    license_id = fields.String(load_default="")
    # A rights statement besides the licence (dct:rights), as written.
    rights = fields.String(load_default="", validate=validate.Length(max=2000))
    schema = fields.Raw(load_default=None, allow_none=True)
    # Declared by the publisher (kept as sent; an upload's size is measured instead).
    size = fields.Integer(load_default=None, allow_none=True,
                          validate=validate.Range(min=0, max=2**63 - 1))
    hash = fields.String(load_default="", validate=validate.Length(max=200))
    last_modified = fields.NaiveDateTime(load_default=None, allow_none=True, timezone=UTC,
                                         error_messages={"invalid": _l(
                                             "Fecha y hora no válida: use ISO 8601.")})
    # "upload" is the portal's own (a stored file); other values ("datastore", ...) are kept.
    url_type = fields.String(load_default="", validate=validate.Length(max=20))

    @validates("url")
    def _url(self, value: str, **_kwargs) -> None:
        check_url(value)

    @validates("schema")
    def _schema(self, value, **_kwargs) -> None:
        """An inline Table Schema, a registered name or an http(s) URL (also as ``{"url": ...}``
        or ``{"name": ...}``); never a path on the server."""
        if value is None:
            return
        if isinstance(value, dict) and "fields" not in value:
            value = value.get("url") or value.get("name") or {}
        if not isinstance(value, dict | str):
            raise ValidationError(_l("El esquema debe ser un objeto Table Schema, una URL o "
                                     "el nombre de un esquema registrado."))
        problem = reference_problem(value)
        if problem is not None:
            raise ValidationError(str(problem))
