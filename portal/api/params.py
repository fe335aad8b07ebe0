"""Input schemas of the API's actions, under CKAN's names.

They check the shape and the types of what a client sends and rename CKAN's keys to the catalog's
(``notes`` -> ``description``; ``data_key`` does it, so an error names the key the client sent).
The catalog's own schemas then apply the business rules: no rule is written twice.

Loaded values are ready for the catalog's services. Optional fields have no defaults here: what a
client leaves out stays out, so ``*_patch`` changes only what it names and ``*_update`` gets the
catalog's defaults, as CKAN does.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, post_load, pre_load, validate
from marshmallow import fields as mfields

from portal import bounded_json
from portal.api import ckan
from portal.api.fields import (
    Boolean,
    Integer,
    List,
    Names,
    Nested,
    String,
    StringOrList,
    Upload,
    to_string_list,
)
from portal.catalog.translations import (
    DATASET_TRANSLATED,
    GROUP_TRANSLATED,
    RESOURCE_TRANSLATED,
    promote_spanish,
)


def _doc(description: str, **extra: Any) -> dict[str, Any]:
    return {"metadata": {"description": description, **extra}}


class Params(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True

    error_messages = {"type": _l("Se esperaba un objeto JSON.")}
    #: Main field -> its ``*_translated`` field (catalog names), see ``_spanish``.
    translated: dict[str, str] = {}

    @post_load
    def _spanish(self, data, **_kwargs):
        """Spanish in ``title_translated`` is the title when none is sent (before any
        default title is chosen)."""
        return promote_spanish(data, self.translated) if self.translated else data

    @pre_load
    def _nulls(self, data, **_kwargs):
        """CKAN clients send ``null`` for empty values: an empty string for a text field,
        nothing at all for any other field."""
        if not isinstance(data, dict):
            return data
        by_key = {field.data_key or name: field for name, field in self.load_fields.items()}
        cleaned = {}
        for key, value in data.items():
            if value is None:
                field = by_key.get(key)
                if isinstance(field, mfields.String):
                    value = ""
                elif field is None or not field.allow_none:
                    continue
            cleaned[key] = value
        return cleaned


def _translations(what: str, *, lists: bool = False, **kwargs: Any) -> mfields.Dict:
    """ckanext-fluent's ``*_translated`` field: ``{lang: text}``; the catalog checks it."""
    return mfields.Dict(keys=mfields.String(), values=mfields.Raw(), **kwargs, error_messages={
        "invalid": _l("Se esperaba un objeto con un texto por idioma.")}, metadata={
        "description": f"{what} by language (es, en, ay, qu, gn), as ckanext-fluent: "
                       '{"es": ..., "en": ...}. "es" gives the main field when that is not '
                       "sent. Left out, the stored translations are kept.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}} if lists
        else {"type": "string"}})


def limit_field(default_doc: str, maximum: int) -> Integer:
    return Integer(validate=validate.Range(min=0, max=maximum, error=_l(
        "Debe estar entre {min} y {max}.")), **_doc(f"{default_doc}; at most {maximum}.",
                                                   minimum=0, maximum=maximum))


#: Longest lifetime of an API token, in days (a hundred years): past it dates overflow.
MAX_TOKEN_DAYS = 36500
#: Largest offset or page number: past the end of any list, and far from an overflow when a
#: page number is multiplied by its size.
MAX_OFFSET = 2**31 - 1


def offset_field() -> Integer:
    return Integer(validate=validate.Range(min=0, max=MAX_OFFSET, error=_l(
        "Debe estar entre {min} y {max}.")), **_doc(f"Number of items to skip; at most "
                                                   f"{MAX_OFFSET}.", minimum=0,
                                                   maximum=MAX_OFFSET))


class EmptyParams(Params):
    """No parameters."""


class IdParams(Params):
    id = String(required=True, **_doc("Id or name."))


class HelpShowParams(Params):
    name = String(required=True, **_doc("Name of the action."))


# --- datasets --------------------------------------------------------------------------------


class PackageListParams(Params):
    limit = limit_field("Maximum number of names", 10000)
    offset = offset_field()


class CurrentPackageListParams(Params):
    limit = limit_field("Datasets per page (default 100)", 1000)
    offset = offset_field()
    page = Integer(validate=validate.Range(min=1, max=MAX_OFFSET, error=_l(
        "Debe estar entre {min} y {max}.")), **_doc("Page number, from 1; overrides offset.",
                                                    minimum=1, maximum=MAX_OFFSET))


class TagParams(Params):
    name = String(required=True, **_doc("The keyword."))


class GroupRefParams(Params):
    name = String(**_doc("Name of the group (theme)."))
    id = String(**_doc("Id of the group, when no name is given."))


class ExtraParams(Params):
    key = String(required=True, validate=validate.Length(min=1, max=100))
    value = mfields.Raw(required=True, metadata={
        "description": "A string; JSON arrays for spatial and language."})


def _schema_value(value):
    """A Table Schema sent as a JSON string (multipart requests can only send strings)."""
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            return bounded_json.loads(value)
        except bounded_json.JsonTooDeep as exc:
            raise ValidationError({"schema": [str(_l(
                "El JSON anida más de {limit} niveles.")).format(limit=exc.limit)]}) from None
        except ValueError:
            raise ValidationError({"schema": [str(_l("No es un JSON válido."))]}) from None
    return value


class ResourceFields(Params):
    translated = RESOURCE_TRANSLATED

    name = String(**_doc("Name shown on the dataset page."))
    description = String()
    name_translated = _translations("Name")
    description_translated = _translations("Description")
    url = String(**_doc("Link to the file or service. Not needed with an upload."))
    format = String(**_doc("CSV, JSON, XLSX... (guessed from an upload)."))
    media_type = String(data_key="mimetype", **_doc("Media type, e.g. text/csv."))
    license_id = String(**_doc("Licence of this resource when it differs from the dataset's."))
    rights = String(**_doc("Statement of the rights on this resource besides its licence "
                           "(dct:rights), as ckanext-dcat's resource field. Up to 2000 "
                           "characters."))
    schema = mfields.Raw(allow_none=True, metadata={
        "description": "Table Schema object (or JSON string), URL, or registered schema name.",
        "nullable": True})
    size = Integer(allow_none=True, validate=validate.Range(min=0, error=_l(
        "Debe ser positivo.")), **_doc("Bytes of the linked file, as declared (an upload's "
                                      "size is measured).", minimum=0, nullable=True))
    hash = String(**_doc('Checksum declared by the publisher, kept verbatim ("md5:...", '
                         '"sha256:..." or bare hexadecimal).'))
    last_modified = String(**_doc("When the data last changed (ISO 8601; an offset is "
                                  "converted to UTC). An upload sets it."))
    url_type = String(**_doc('"upload" comes with a file; other values (e.g. "datastore") '
                             "are kept."))

    @post_load
    def _parse_schema(self, data, **_kwargs):
        if "schema" in data:
            data["schema"] = _schema_value(data["schema"])
        return data


class InlineResourceParams(ResourceFields):
    id = String(**_doc("Id of an existing resource to keep and update; for a new one, kept "
                       "for sysadmins (as CKAN), ignored for others."))
    upload = Upload(**_doc("A file: package_revise's multipart "
                           "update__resources__<index or id>__upload parts arrive here."))


class ResourceCreateParams(ResourceFields):
    package_id = String(required=True, **_doc("Id or name of the dataset."))
    upload = Upload(**_doc("The file (multipart/form-data)."))


class ResourceUpdateParams(ResourceFields):
    id = String(required=True, **_doc("Id of the resource."))
    upload = Upload(**_doc("A new file (multipart/form-data)."))


class PackageParams(Params):
    translated = DATASET_TRANSLATED

    id = String(**_doc("Id of the new one: kept for sysadmins (as CKAN, so a catalog copied "
                       "with ckanapi keeps its ids), ignored for others."))
    name = String(required=True, **_doc("URL name: 2-100 lowercase letters, digits, - or _."))
    title = String(**_doc("Title (default: the name)."))
    description = String(data_key="notes", **_doc("Description (Markdown)."))
    title_translated = _translations("Title")
    description_translated = _translations("Description (Markdown)", data_key="notes_translated")
    keywords_translated = _translations("Keywords (a list per language)", lists=True,
                                        data_key="tags_translated")
    entity = String(data_key="owner_org", required=True,
                    **_doc("Id or name of the organization (entity) that publishes it."))
    license_id = String(**_doc("Licence id (see license_list). A public dataset needs an "
                               "open licence."))
    private = Boolean(**_doc("Visible only to the organization's members (default false)."))
    state = String(**_doc('"active" (default), "draft" or "deleted".'))
    landing_page = String(data_key="url", **_doc("Landing page (dcat:landingPage)."))
    landing_page_alias = String(data_key="landing_page", **_doc("Same as url."))
    version = String()
    tags = List(Nested(TagParams), **_doc("Keywords."))
    tag_string = String(**_doc("Keywords separated by commas (instead of tags)."))
    groups = List(Nested(GroupRefParams), **_doc("Groups (themes) by name."))
    extras = List(Nested(ExtraParams), **_doc(
        "DCAT fields (" + ", ".join(ckan.DCAT_EXTRAS) + ") and free key/value pairs."))
    resources = List(Nested(InlineResourceParams), **_doc(
        "Resources by URL. In package_update and package_patch the list replaces the "
        "current one (resources are matched by id); leave it out to keep them."))
    contact_name = String(**_doc("Contact point (name)."))
    contact_email = String(**_doc("Contact point (e-mail)."))
    access_rights = String(**_doc('"public" (default), "restricted" or "non-public".'))
    temporal_start = String(**_doc("Start of the period covered.", format="date"))
    temporal_end = String(**_doc("End of the period covered.", format="date"))
    spatial = StringOrList(**_doc("Codes of the geographic coverage (BO, BO-L, ...)."))
    frequency = String(**_doc("Update frequency code (ANNUAL, MONTHLY, ...)."))
    language = StringOrList(**_doc("Language codes (default es)."))
    identifier = String()
    issued = String(**_doc("Date of first publication.", format="date"))
    modified = String(**_doc("Date of the last change of the data.", format="date"))

    @post_load
    def _to_catalog(self, data, **_kwargs):
        alias = data.pop("landing_page_alias", None)
        if alias is not None:
            data.setdefault("landing_page", alias)
        tags, tag_string = data.pop("tags", None), data.pop("tag_string", None)
        if tags is not None or tag_string is not None:
            keywords = [tag["name"] for tag in tags or []]
            keywords += [t.strip() for t in (tag_string or "").split(",") if t.strip()]
            data["keywords"] = keywords
        if "groups" in data:
            data["themes"] = [group.get("name") or group.get("id") or ""
                              for group in data.pop("groups")]
        if "extras" in data:
            data["extras"] = self._split_extras(data, data.pop("extras"))
        return data

    @staticmethod
    def _split_extras(data: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
        """DCAT extras become catalog fields (a top-level key wins); the rest stay extras."""
        free: dict[str, Any] = {}
        problems = []
        for item in items:
            key, value = item["key"], item["value"]
            if key in ckan.DCAT_EXTRAS:
                if key in ckan.LIST_EXTRAS:
                    def fail(_kind, key=key):
                        return ValidationError(str(_l(
                            "«{key}» debe ser una lista JSON o un texto separado por comas."
                        )).format(key=key))
                    try:
                        value = to_string_list(value, fail)
                    except ValidationError as exc:
                        problems.extend(exc.messages)
                        continue
                elif value is not None and not isinstance(value, str):
                    value = str(value)
                data.setdefault(key, "" if value is None else value)
            elif key in ckan.RESERVED_EXTRA_KEYS:
                problems.append(str(_l(
                    "«{key}» es un campo del conjunto de datos, no un extra.")).format(key=key))
            else:
                free[key] = value
        if problems:
            raise ValidationError({"extras": problems})
        return free


class PackageUpdateParams(PackageParams):
    id = String(**_doc("Id or name of the dataset to update (default: name)."))


class PackagePatchParams(PackageParams):
    id = String(required=True, **_doc("Id or name of the dataset."))
    name = String(**_doc("New URL name."))
    entity = String(data_key="owner_org", **_doc("Id or name of the new organization."))


# --- organizations, groups, tags ---------------------------------------------------------------


SORT_DOC = ('"name", "title" or "package_count", then "asc" or "desc" (default "title asc").')


class OrganizationListParams(Params):
    all_fields = Boolean(**_doc("Return dictionaries instead of names (default false)."))
    limit = limit_field("Maximum number of items", 1000)
    offset = offset_field()
    sort = String(**_doc(SORT_DOC))
    organizations = Names(**_doc("Only these organizations (names)."))


class OrganizationShowParams(Params):
    id = String(required=True, **_doc("Id or name."))
    include_datasets = Boolean(**_doc("Add the datasets the caller can see (up to 1000)."))
    include_users = Boolean(**_doc("Add the members (admins and sysadmins only; default "
                                   "true)."))


class OrganizationParams(Params):
    translated = GROUP_TRANSLATED

    id = String(**_doc("Id of the new one: kept for sysadmins (as CKAN, so a catalog copied "
                       "with ckanapi keeps its ids), ignored for others."))
    name = String(required=True, **_doc("URL name: 2-100 lowercase letters, digits, - or _."))
    title = String(**_doc("Title (default: the name)."))
    description = String()
    title_translated = _translations("Title")
    description_translated = _translations("Description")
    logo_url = String(data_key="image_url", **_doc("Address of the logo."))
    kind = String(**_doc("ministerio, agencia, empresa-publica, gobierno-departamental, "
                         "gobierno-municipal, gobierno-ioc, universidad or otra."))
    level = String(**_doc('"central" or "territorial".'))
    website = String()
    email = String(**_doc("Public contact address."))


class OrganizationUpdateParams(OrganizationParams):
    id = String(**_doc("Id or name of the organization (default: name)."))


class OrganizationPatchParams(OrganizationParams):
    id = String(required=True, **_doc("Id or name of the organization."))
    name = String(**_doc("New URL name."))


class MemberParams(Params):
    id = String(required=True, **_doc("Id or name of the organization."))
    username = String(required=True, **_doc("Name or id of the user."))


class MemberCreateParams(MemberParams):
    role = String(required=True, **_doc('"admin", "editor" or "member".'))


class GroupListParams(Params):
    all_fields = Boolean(**_doc("Return dictionaries instead of names (default false)."))
    limit = limit_field("Maximum number of items", 1000)
    offset = offset_field()
    sort = String(**_doc(SORT_DOC))
    groups = Names(**_doc("Only these groups (names)."))


class GroupShowParams(Params):
    id = String(required=True, **_doc("Id or name."))
    include_datasets = Boolean(**_doc("Add the datasets the caller can see (up to 1000)."))


class GroupParams(Params):
    translated = GROUP_TRANSLATED

    id = String(**_doc("Id of the new one: kept for sysadmins (as CKAN, so a catalog copied "
                       "with ckanapi keeps its ids), ignored for others."))
    name = String(required=True, **_doc("URL name: 2-100 lowercase letters, digits, - or _."))
    title = String(**_doc("Title (default: the name)."))
    description = String()
    title_translated = _translations("Title")
    description_translated = _translations("Description")
    image_url = String()
    eu_theme = String(**_doc("EU data theme code (AGRI, ECON, EDUC, ...)."))


class TagListParams(Params):
    query = String(**_doc("Only tags containing this text."))
    all_fields = Boolean(**_doc("Return dictionaries instead of names (default false)."))


# --- users and tokens --------------------------------------------------------------------------


class UserShowParams(Params):
    id = String(required=True, **_doc("Name or id of the user."))
    include_datasets = Boolean(**_doc("Add the datasets the user created that the caller can "
                                      "see."))


class UserCreateParams(Params):
    name = String(required=True, **_doc("User name: 2-100 lowercase letters, digits, - or _."))
    email = String(required=True)
    password = String(required=True, **_doc("At least 8 characters.", writeOnly=True))
    fullname = String()
    sysadmin = Boolean(**_doc("Give every permission (default false)."))


class ApiTokenCreateParams(Params):
    user = String(required=True, **_doc("Name or id of the user the token acts for."))
    name = String(required=True, **_doc("A name to recognise the token by."))
    expires_in = Integer(validate=validate.Range(min=1, error=_l("Debe ser positivo.")),
                         **_doc("Lifetime, in units (default: no expiry)."))
    unit = Integer(validate=validate.Range(min=1, error=_l("Debe ser positivo.")),
                   **_doc("Seconds per unit: 1, 60, 3600 or 86400 (default 86400, days)."))


class ApiTokenListParams(Params):
    user_id = String(**_doc("Name or id of the user (default: the caller)."))
    user = String(**_doc("Same as user_id (older CKAN name)."))


class ApiTokenRevokeParams(Params):
    token = String(**_doc("The token itself."))
    jti = String(**_doc("The token's id, as api_token_list gives it."))


# --- activity ----------------------------------------------------------------------------------


class ActivityParams(Params):
    offset = offset_field()
    limit = limit_field("Maximum number of activities (default 31)", 100)


class ObjectActivityParams(ActivityParams):
    id = String(required=True, **_doc("Id or name."))


# --- more CKAN actions (issue 17) --------------------------------------------------------------


def _json_text(value):
    """A JSON object or array sent as text (form fields, URL parameters); other values as
    they are."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return bounded_json.loads(value)
        except ValueError:  # JsonTooDeep too
            raise ValidationError(str(_l("No es un JSON válido."))) from None
    return value


class _JsonObject(mfields.Raw):
    default_error_messages = {"invalid": _l("Debe ser un objeto.")}

    def _deserialize(self, value, attr, data, **kwargs):
        value = _json_text(value)
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        return value


class _Patterns(Names):
    """Patterns as a list, a JSON array in a string, or a comma-separated string."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(_json_text(value), attr, data, **kwargs)


class PackageReviseParams(Params):
    match = _JsonObject(metadata={"type": "object", "description": "Values the dataset must "
                                  'have, with its "id" or "name": {"name": "x", "notes": "old"}.'})
    filter = _Patterns(**_doc('Fields to remove first: "-resources__1", "+title", "-*".'))
    update = _JsonObject(metadata={"type": "object", "description": "Values to merge in: "
                                   "dictionaries key by key, lists item by item."})
    include = _Patterns(**_doc('Fields of the answer to keep or drop ("-resources").'))
    match_keys = mfields.Dict(data_key="match__", metadata={"description": (
        "Flattened match keys (match__name=x) are gathered here.")})
    update_keys = mfields.Dict(data_key="update__", metadata={"description": (
        "Flattened update keys (update__resources__0__name=x, update__resources__extend=[...], "
        "update__resources__-1__upload=<file>) are gathered here.")})

    @pre_load
    def _flattened(self, data, **_kwargs):
        """``match__a__b`` and ``update__a__b`` keys, as CKAN takes them."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for prefix in ("match__", "update__"):
            keys = [key for key in data
                    if isinstance(key, str) and key.startswith(prefix) and key != prefix]
            if keys:
                gathered = dict(data[prefix]) if isinstance(data.get(prefix), dict) else {}
                for key in keys:
                    value = data.pop(key)
                    gathered[key[len(prefix):]] = value if hasattr(value, "stream") \
                        else _json_text(value)
                data[prefix] = gathered
        return data


class UserListParams(Params):
    q = String(**_doc("Only users whose name or full name contains this text."))
    email = String(**_doc("Only the user with this e-mail address (sysadmins only)."))
    order_by = String(**_doc('"name" (default "display_name"), "fullname", "created", "id", '
                             '"sysadmin" or "number_created_packages".'))
    all_fields = Boolean(**_doc("Dictionaries instead of names (default true)."))
    include_site_user = Boolean(**_doc("Accepted for CKAN clients; the portal has no site "
                                       "user."))


class OrganizationListForUserParams(Params):
    id = String(**_doc("Name or id of the user (default: the caller)."))
    permission = String(**_doc('"manage_group" (default: admins), "create_dataset", '
                               '"update_dataset", "delete_dataset" (editors too) or "read" '
                               "(every member)."))
    include_dataset_count = Boolean(**_doc("Accepted; package_count is always given."))


class TagShowParams(Params):
    id = String(required=True, **_doc("Name or id of the tag."))
    vocabulary_id = String(**_doc("The portal has free tags only: any vocabulary is not "
                                  "found."))
    include_datasets = Boolean(**_doc("Add the tag's datasets the caller can see (up to "
                                      "1000)."))


class _OneOrMany(List):
    """A list of strings, or one string (never split: a term may hold commas)."""

    def __init__(self, **kwargs):
        super().__init__(String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize([value] if isinstance(value, str) else value, attr, data,
                                    **kwargs)


class ResourceSearchParams(Params):
    query = _OneOrMany(required=True, **_doc(
        '"field:term", or a list of them (all must match). Fields: name, description, url, '
        "format, mimetype, url_type, license_id (text: contains, any case), hash (prefix of "
        "the declared or computed hash), id, package_id, size (exact)."))
    order_by = String(**_doc("A field of the list above (ascending)."))
    offset = offset_field()
    limit = limit_field("Maximum number of resources (default 100)", 1000)


class AutocompleteParams(Params):
    q = String(required=True, validate=validate.Length(min=1, error=_l(
        "Falta este campo.")), **_doc("The text to look for."))


class PackageAutocompleteParams(AutocompleteParams):
    limit = limit_field("Maximum number of datasets (default 10)", 100)


class FormatAutocompleteParams(AutocompleteParams):
    limit = limit_field("Maximum number of formats (default 5)", 100)
