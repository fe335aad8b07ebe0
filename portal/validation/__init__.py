"""Validation: data in, report out. Knows nothing of the app, the database or requests.

Entry points: ``validate_table`` (tabular), ``validate_datapackage`` / ``datapackage_to_dataset``
/ ``dataset_to_datapackage`` (datapackage), ``validate_ocds`` (ocds); all return a
``report.Report``. ``init_app(app)`` registers the CLI commands on a Flask app.
"""


def init_app(app) -> None:
    """Register ``validate-file`` and ``standards`` on the app's command line."""
    from portal.validation.cli import standards_group, validate_file_command

    app.cli.add_command(validate_file_command)
    app.cli.add_command(standards_group)
