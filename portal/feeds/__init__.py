"""Feeds for machines and aggregators: DCAT-AP catalog and dataset documents, CSV, dumps, Atom
and sitemap. Listens to the catalog's signals to keep the dumps current."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal import signals
    from portal.catalog.schemaorg import dataset_jsonld_script
    from portal.feeds import dumps, tasks, views  # noqa: F401 - tasks registers jobs
    from portal.feeds.cli import dump_cli
    from portal.feeds.provenance import dataset_provenance

    app.register_blueprint(views.bp)
    app.cli.add_command(dump_cli)
    app.jinja_env.globals["schemaorg_jsonld"] = dataset_jsonld_script
    app.jinja_env.globals["dataset_provenance"] = dataset_provenance
    # Module-level receivers: blinker keeps one connection per function, however many apps.
    signals.dataset_changed.connect(dumps.on_dataset_changed)
    signals.dataset_deleted.connect(dumps.on_dataset_changed)
    signals.entity_changed.connect(dumps.on_entity_changed)
    signals.theme_changed.connect(dumps.on_theme_changed)
