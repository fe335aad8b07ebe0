"""Output schemas: the dictionaries the API returns, under CKAN's names.

Each schema dumps a catalog object directly (``attribute=`` maps a CKAN key onto the catalog's
field); the OpenAPI document describes the same schemas, so the two cannot disagree. Computed
values not on the model (a count, the members of an entity) are passed with ``With``.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump

from portal.api import ckan
from portal.api.registry import output_schema
from portal.catalog.licenses import get_license
from portal.catalog.translations import translated
from portal.linkcheck import api as linkcheck_api
from portal.series import package as series_api


class With:
    """An object seen with extra attributes, for values an output schema reads but the model
    does not hold (``With(entity, package_count=3)``)."""

    def __init__(self, obj: Any, **extra: Any):
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


def _str(description: str = "", **kwargs) -> fields.String:
    metadata = kwargs.pop("metadata", {})
    if description:
        metadata["description"] = description
    if "attribute" in kwargs:  # several keys may read one attribute: output only
        kwargs["dump_only"] = True
    return fields.String(metadata=metadata, **kwargs)


def _const(value: Any, kind: str, description: str = "") -> fields.Constant:
    metadata: dict[str, Any] = {"type": kind}
    if description:
        metadata["description"] = description
    if value is None:
        metadata["nullable"] = True
    if kind == "array":
        metadata["items"] = {"type": "object"}
    return fields.Constant(value, metadata=metadata)


def _computed(method: str, kind: str | dict, description: str = "", **metadata) -> fields.Method:
    schema = {"type": kind} if isinstance(kind, str) else dict(kind)
    if description:
        schema["description"] = description
    return fields.Method(method, metadata={**schema, **metadata})


def _translated(field: str, what: str) -> fields.Function:
    """ckanext-fluent's ``*_translated``: ``{lang: text}``, Spanish (the main field) first."""
    return fields.Function(lambda obj: translated(obj, field), metadata={
        "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}
        if field == "keywords" else {"type": "string"},
        "description": f"{what} by language (es, en, ay, qu, gn)."})


class _Out(Schema):
    class Meta:
        ordered = True


@output_schema
class TagOut(_Out):
    id = _str()
    name = _str()
    display_name = _str(attribute="name")
    state = _const("active", "string")
    vocabulary_id = _const(None, "string")


@output_schema
class GroupRefOut(_Out):
    """A group (theme) as listed in a dataset."""

    id = _str()
    name = _str()
    title = _str()
    display_name = _str(attribute="title")
    description = _str()
    title_translated = _translated("title", "Title")
    description_translated = _translated("description", "Description")
    image_display_url = _str(attribute="image_url")


@output_schema
class OrganizationRefOut(_Out):
    """The organization (entity) of a dataset."""

    id = _str()
    name = _str()
    title = _str()
    type = _const("organization", "string")
    description = _str()
    title_translated = _translated("title", "Title")
    description_translated = _translated("description", "Description")
    image_url = _str(attribute="logo_url")
    created = fields.DateTime()
    is_organization = _const(True, "boolean")
    approval_status = _const("approved", "string")
    state = _str()


@output_schema
class ResourceOut(_Out):
    id = _str()
    package_id = _str(attribute="dataset_id")
    name = _str()
    description = _str()
    name_translated = _translated("name", "Name")
    description_translated = _translated("description", "Description")
    url = _computed("get_url", "string", "The link, or the download address of an uploaded file.")
    url_type = _computed("get_url_type", {"type": "string", "nullable": True},
                         '"upload" for a file stored by the portal, null for a link.')
    format = _str()
    mimetype = _str(attribute="media_type")
    size = fields.Integer(allow_none=True, metadata={
        "nullable": True, "description": "Bytes: measured for an uploaded file, as declared "
                                         "for a link."})
    hash = _computed("get_hash", "string", "The checksum the publisher declared, as sent; "
                                           "else the SHA-256 the portal computed of an upload.")
    sha256 = _str("SHA-256 of an uploaded file, computed by the portal, in hexadecimal.")
    position = fields.Integer()
    license_id = _str()
    rights = _str("Statement of the rights on the resource besides its licence (dct:rights).")
    schema = fields.Raw(allow_none=True, metadata={
        "nullable": True, "description": "Table Schema (object), or its URL or registered name."})
    state = _const("active", "string")
    created = fields.DateTime()
    last_modified = fields.DateTime(allow_none=True, metadata={
        "nullable": True, "description": "When the data last changed: declared, or the time "
                                         "of the upload."})
    metadata_modified = fields.DateTime(attribute="modified", dump_only=True)
    datastore_active = _computed("get_datastore_active", "boolean", "Whether the resource's "
                                 "rows are loaded: datastore_search answers for it.")
    archiver = _computed("get_archiver", {"type": "object", "nullable": True},
                         "The last link check (ckanext-archiver's keys); null for an upload or "
                         "a link not checked yet.")
    qa = _computed("get_qa", "object", "Five-star openness (ckanext-qa's keys).")

    def get_archiver(self, resource):
        return linkcheck_api.resource_archiver(resource)

    def get_datastore_active(self, resource) -> bool:
        from portal.datastore.services import is_active

        return is_active(resource)

    def get_qa(self, resource):
        return linkcheck_api.resource_qa(resource)

    def get_url(self, resource) -> str:
        return ckan.resource_url(resource)

    def get_url_type(self, resource) -> str | None:
        return resource.url_type or None

    def get_hash(self, resource) -> str:
        return resource.hash or resource.sha256


@output_schema
class ExtraOut(_Out):
    key = _str()
    value = _str()


@output_schema
class PackageOut(_Out):
    id = _str()
    name = _str()
    title = _str()
    type = _computed("get_type", "string", '"dataset", or "series" for a dataset series.')
    in_series = _computed("get_in_series", {"type": "array", "items": {"type": "string"}},
                          "Names of the series the dataset belongs to (dcat:inSeries).")
    series_navigation = _computed("get_series_navigation", series_api.NAVIGATION)
    notes = _str("Description (Markdown).", attribute="description")
    title_translated = _translated("title", "Title")
    notes_translated = _translated("description", "Description (Markdown)")
    tags_translated = _translated("keywords", "Keywords (a list per language)")
    url = _str("Landing page (dcat:landingPage).", attribute="landing_page")
    version = _str()
    license_id = _str()
    license_title = _computed("get_license_title", "string")
    license_url = _computed("get_license_url", "string")
    isopen = _computed("get_isopen", "boolean", "Open Definition conformant licence.")
    private = fields.Boolean()
    state = _str('"active", "draft" or "deleted".')
    owner_org = _str("Id of the organization (entity).", attribute="entity_id")
    organization = fields.Nested(OrganizationRefOut, attribute="entity")
    creator_user_id = _str(allow_none=True, metadata={"nullable": True})
    metadata_created = fields.DateTime()
    metadata_modified = fields.DateTime()
    num_resources = _computed("get_num_resources", "integer")
    num_tags = _computed("get_num_tags", "integer")
    tags = fields.List(fields.Nested(TagOut))
    groups = fields.List(fields.Nested(GroupRefOut), attribute="themes")
    resources = fields.List(fields.Nested(ResourceOut))
    extras = _computed("get_extras", {"type": "array", "items": {"$ref": "ExtraOut"}},
                       "DCAT fields without a CKAN name, then free extras.")
    author = _const(None, "string")
    author_email = _const(None, "string")
    maintainer = _computed("get_maintainer", {"type": "string", "nullable": True},
                           "The contact point (also in extras as contact_name).")
    maintainer_email = _computed("get_maintainer_email", {"type": "string", "nullable": True})
    relationships_as_object = _const([], "array", "Always empty.")
    relationships_as_subject = _const([], "array", "Always empty.")
    archiver = _computed("get_archiver", "object", "Broken links of the dataset.")
    qa = _computed("get_qa", "object", "Five-star openness of the best resource.")
    freshness = _computed("get_freshness", "object",
                          "Declared update frequency against the last data change.")

    @pre_dump(pass_collection=True)
    def _prefetch_link_checks(self, data, many, **_kwargs):
        from portal.datastore.services import prefetch_active

        data = list(data) if many else data
        datasets = data if many else [data]
        linkcheck_api.prefetch(datasets)
        prefetch_active([resource.id for dataset in datasets
                         for resource in getattr(dataset, "resources", ())])
        return data

    def get_type(self, dataset) -> str:
        return series_api.package_type(dataset)

    def get_in_series(self, dataset) -> list[str]:
        return series_api.in_series(dataset)

    def get_series_navigation(self, dataset) -> list[dict[str, Any]]:
        return series_api.series_navigation(dataset)

    def get_archiver(self, dataset):
        return linkcheck_api.package_archiver(dataset)

    def get_qa(self, dataset):
        return linkcheck_api.package_qa(dataset)

    def get_freshness(self, dataset):
        return linkcheck_api.package_freshness(dataset)

    def _licence(self, dataset):
        return get_license(dataset.license_id) if dataset.license_id else None

    def get_license_title(self, dataset) -> str:
        licence = self._licence(dataset)
        return licence.title if licence else dataset.license_id

    def get_license_url(self, dataset) -> str:
        licence = self._licence(dataset)
        return licence.url if licence else ""

    def get_isopen(self, dataset) -> bool:
        licence = self._licence(dataset)
        return bool(licence and licence.is_open)

    def get_num_resources(self, dataset) -> int:
        return len(dataset.resources)

    def get_num_tags(self, dataset) -> int:
        return len(dataset.tags)

    def get_extras(self, dataset) -> list[dict[str, str]]:
        return ckan.extras_out(dataset)

    def get_maintainer(self, dataset) -> str | None:
        return dataset.contact_name or None

    def get_maintainer_email(self, dataset) -> str | None:
        return dataset.contact_email or None


@output_schema
class OrganizationOut(OrganizationRefOut):
    display_name = _str(attribute="title")
    image_display_url = _str(attribute="logo_url")
    kind = _str("Kind of public entity (ministerio, gobierno-municipal, ...).")
    level = _str('"central" or "territorial".')
    website = _str()
    email = _str()
    package_count = fields.Integer(metadata={"description": "Datasets the caller can see."})


@output_schema
class MemberOut(_Out):
    """A user of an organization and their role (CKAN's ``capacity``)."""

    id = _str(attribute="user.id")
    name = _str(attribute="user.name")
    display_name = _computed("get_display_name", "string")
    capacity = _str('"admin", "editor" or "member".', attribute="role")

    def get_display_name(self, membership) -> str:
        return membership.user.fullname or membership.user.name


@output_schema
class OrganizationShowOut(OrganizationOut):
    users = fields.List(fields.Nested(MemberOut), metadata={
        "description": "Members, shown to the organization's admins and sysadmins only."})
    packages = fields.List(fields.Nested(PackageOut), metadata={
        "description": "With include_datasets: the datasets the caller can see."})


@output_schema
class GroupOut(GroupRefOut):
    type = _const("group", "string")
    is_organization = _const(False, "boolean")
    approval_status = _const("approved", "string")
    image_url = _str()
    eu_theme = _str("EU data theme code (DCAT-AP).")
    state = _str()
    created = fields.DateTime()
    package_count = fields.Integer(metadata={"description": "Public datasets in the group."})


@output_schema
class GroupShowOut(GroupOut):
    packages = fields.List(fields.Nested(PackageOut), metadata={
        "description": "With include_datasets: the datasets the caller can see."})


@output_schema
class MembershipOut(_Out):
    """CKAN's member dictionary."""

    id = _str()
    table_name = _const("user", "string")
    table_id = _str(attribute="user_id")
    group_id = _str(attribute="entity_id")
    capacity = _str(attribute="role")
    state = _const("active", "string")


@output_schema
class LicenseOut(_Out):
    id = _str()
    title = _str()
    url = _str()
    od_conformance = _str()
    osd_conformance = _str()
    domain_content = fields.Boolean()
    domain_data = fields.Boolean()
    domain_software = fields.Boolean()
    family = _str()
    maintainer = _str()
    status = _str()
    is_generic = fields.Boolean()
    is_okd_compliant = _computed("get_okd", "boolean", "Open Definition conformant.")
    is_osi_compliant = _computed("get_osi", "boolean")

    def get_okd(self, licence) -> bool:
        return licence.is_open

    def get_osi(self, licence) -> bool:
        return licence.osd_conformance == "approved"


@output_schema
class UserOut(_Out):
    id = _str()
    name = _str()
    fullname = _str()
    display_name = _computed("get_display_name", "string")
    email = _str("Shown to the user and to sysadmins only.", allow_none=True,
                 metadata={"nullable": True})
    sysadmin = fields.Boolean()
    state = _str()
    created = fields.DateTime()
    number_created_packages = fields.Integer()
    datasets = fields.List(fields.Nested(PackageOut), metadata={
        "description": "With include_datasets: datasets the user created that the caller "
                       "can see."})

    def get_display_name(self, user) -> str:
        return user.fullname or user.name


@output_schema
class OrganizationForUserOut(OrganizationOut):
    capacity = _str('The user\'s role in it: "admin", "editor" or "member" ("admin" for a '
                    "sysadmin).")


@output_schema
class TagShowOut(TagOut):
    packages = fields.List(fields.Nested(PackageOut), metadata={
        "description": "With include_datasets: the datasets the caller can see."})


@output_schema
class PackageAutocompleteOut(_Out):
    name = _str()
    title = _str()
    match_field = _str('"name" or "title".')
    match_displayed = _str()


@output_schema
class TokenOut(_Out):
    id = _str("The token's id (CKAN's jti), for api_token_revoke.")
    name = _str()
    user_id = _str()
    created_at = fields.DateTime(attribute="created")
    last_access = fields.DateTime(attribute="last_used", allow_none=True,
                                  metadata={"nullable": True})
    expires_at = fields.DateTime(attribute="expires", allow_none=True,
                                 metadata={"nullable": True})


@output_schema
class NewTokenOut(_Out):
    token = _str("The token. It is shown only once: keep it secret.")


@output_schema
class ActivityOut(_Out):
    id = _str()
    timestamp = fields.DateTime()
    user_id = _str(allow_none=True, metadata={"nullable": True})
    user_name = _str()
    object_id = _str()
    activity_type = _str('"new package", "changed package", "deleted package", '
                         '"withdrawn package" (made private or deleted: no data), ...')
    data = fields.Dict(metadata={"description": "title, and changes {field: [old, new]} or a "
                                                "snapshot of the object."})


@output_schema
class PartHealthOut(_Out):
    ok = fields.Boolean()
    detail = _str("What was checked, or what is wrong.")


@output_schema
class QueueHealthOut(PartHealthOut):
    backend = _str("inprocess or procrastinate.")
    queued = fields.Integer(allow_none=True, metadata={"nullable": True})
    running = fields.Integer(allow_none=True, metadata={"nullable": True})
    failed_recent = fields.Integer(allow_none=True, metadata={"nullable": True,
                                                              "description": "Failed lately."})


@output_schema
class HealthOut(_Out):
    ok = fields.Boolean(metadata={"description": "Every part is up."})
    database = fields.Nested(PartHealthOut)
    queue = fields.Nested(QueueHealthOut)
    search = fields.Nested(PartHealthOut)
    storage = fields.Nested(PartHealthOut)


@output_schema
class StatusOut(_Out):
    site_title = _str()
    site_url = _str()
    site_description = _str()
    ckan_version = _str("The CKAN release whose Action API this portal follows.")
    portal_version = _str("Version of this portal.")
    api_version = fields.Integer()
    locale_default = _str()
    error_emails_to = _const(None, "string")
    extensions = fields.List(fields.String())
    health = fields.Nested(HealthOut, metadata={"description": "Database, job queue, search "
                                                               "and storage: up or not."})
