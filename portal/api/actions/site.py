"""Actions about the site itself: its status, the help of each action, the licences."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import health
from portal.api import ckan, params, results
from portal.api.registry import action, get_action
from portal.catalog.licenses import licenses
from portal.config import portal_version
from portal.errors import NotFound

#: The CKAN release whose Action API (v3) this API follows.
CKAN_COMPATIBLE = "2.10.0"


@action("status_show", params=params.EmptyParams, result=results.StatusOut, tag="site")
def status_show(_params, _actor):
    """Return the site's name, address, versions and default language, and whether the parts
    the portal needs are up.

    ``ckan_version`` is the CKAN release whose Action API this portal follows;
    ``portal_version`` is the portal's own version. ``health`` has one entry per part
    (``database``, ``queue``, ``search``, ``storage``), each with ``ok`` and ``detail``; the
    queue adds its backend and its counts of queued, running and recently failed jobs.
    ``health.ok`` is false when any part is down; the call itself still succeeds, so a load
    balancer or a monitor reads which part failed.
    """
    config = current_app.config
    return {
        "site_title": config["PORTAL_SITE_TITLE"],
        "site_url": ckan.site_root(),
        "site_description": str(_l("Portal de datos abiertos de las entidades públicas de "
                                   "Bolivia.")),
        "ckan_version": CKAN_COMPATIBLE,
        "portal_version": portal_version(),
        "api_version": 3,
        "locale_default": config["PORTAL_DEFAULT_LOCALE"],
        "error_emails_to": None,
        "extensions": [],
        "health": health.report(),
    }


@action("help_show", params=params.HelpShowParams, result={"type": "string"}, tag="site")
def help_show(values, _actor):
    """Return the help text of an action."""
    found = get_action(values["name"])
    if found is None:
        raise NotFound(str(_l("No existe la acción «{name}».")).format(name=values["name"]))
    return found.doc


@action("license_list", params=params.EmptyParams, result=results.LicenseOut, many=True,
        tag="site")
def license_list(_params, _actor):
    """Return the licences a dataset may have (Open Definition ids, as CKAN's)."""
    return list(licenses().values())


@action("site_read", params=params.EmptyParams, result={"type": "boolean", "enum": [True]},
        tag="site")
def site_read(_params, _actor):
    """Return true: the caller may read the site (CKAN clients call it to check access)."""
    return True
