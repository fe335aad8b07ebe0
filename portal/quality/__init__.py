"""Quality: the Metadata Quality Assessment (MQA) score of each dataset, its DCAT-AP 3 findings
and validation results, kept per day and aggregated per entity and for the catalog; the
observatory and the entities' scorecards.

Pure modules: ``mqa`` (indicators, weights, the score), ``shacl`` (the DCAT-AP 3 shapes as code),
``facts`` (what the export says of a dataset). App side: ``models``, ``services`` (the only
writers), ``observatory`` (figures), ``tasks`` (jobs), ``listeners`` (catalog signals),
``dcat`` (DQV), ``views``, ``api`` and ``cli``. See docs/quality.md.
"""


def init_app(app) -> None:
    """Register the pages, the listener of catalog changes, the jobs and ``portal quality``."""
    from portal.quality import cli, listeners, tasks, views  # noqa: F401 - tasks registers jobs

    views.init_app(app)
    listeners.connect()
    app.cli.add_command(cli.quality_group)
