"""What pages need from the DataStore: ``datastore_status(resource)`` for the resource page's
partial (``datastore/_status.html``)."""

from __future__ import annotations

from flask import Flask


def datastore_status(resource):
    """The resource's DataStore row (``None`` when it is not a table or was never loaded)."""
    from portal.datastore import services

    if not services.is_table(resource):
        return None
    return services.get_state(resource.id)


def init_app(app: Flask) -> None:
    app.add_template_global(datastore_status)
