"""Validation: data in, report out. The validators know nothing of the app, the database or
requests; the app-facing modules around them store and show their reports.

Entry points of the core: ``validate_table`` (tabular), ``validate_datapackage`` /
``datapackage_to_dataset`` / ``dataset_to_datapackage`` (datapackage), ``validate_ocds`` (ocds);
all return a ``report.Report``. App side: ``services`` (reports per resource), ``tasks``
(jobs on the queue), ``listeners`` (catalog signals), ``publish`` (the publishing rule and Data
Package publishing), ``entity_schemas`` (the schemas entities register), ``views``,
``schema_views``, ``api`` and ``commands``. ``init_app(app)`` wires them into a Flask app.
"""


def init_app(app) -> None:
    """Register the pages, the listener of catalog changes and the commands ``validate``,
    ``validate-file`` and ``standards``."""
    from portal.validation import entity_schemas, listeners, schema_views, views
    from portal.validation.cli import standards_group, validate_file_command
    from portal.validation.commands import validate_command
    from portal.validation.tasks import resolve_mode

    resolve_mode(app)  # a misspelt PORTAL_VALIDATION_MODE fails at start-up
    views.init_app(app)
    app.register_blueprint(schema_views.bp)
    entity_schemas.init_app()
    listeners.connect()
    app.cli.add_command(validate_file_command)
    app.cli.add_command(standards_group)
    app.cli.add_command(validate_command)
