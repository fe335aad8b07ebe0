"""The link checker: every remote resource URL checked on a schedule and after it changes,
through the job queue and the guarded fetcher; the outcome of the last check of each link is
shown on the resource and dataset pages, in the API (CKAN's ``archiver`` keys) and in each
entity's report of broken links.

``checker`` (URLs in, outcomes out; no app), ``models``, ``services`` (the only writer),
``tasks`` (jobs), ``listeners`` (catalog signals), ``views``, ``cli``. See docs/quality.md.
"""


def init_app(app) -> None:
    """Register the report page, the template functions, the listener, the jobs and
    ``portal linkcheck``."""
    from portal.linkcheck import cli, listeners, services, tasks, views  # noqa: F401 - jobs

    services.resolve_mode(app)  # a misspelt PORTAL_LINKCHECK_MODE fails at start-up
    views.init_app(app)
    listeners.connect()
    app.cli.add_command(cli.linkcheck_group)
