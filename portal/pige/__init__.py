"""PIGE: the institutional e-government implementation plans of DS 5468 (2025-2028).

Pure modules, with no web or database layer: ``frame`` (the national frame read from
``standards/pige/``), ``calendar`` (Bolivian business days), ``procedure`` (the Chapter VI state
machine with its deadlines), ``progress`` (progress against targets) and ``errors`` (the coded
error the last two raise). Import what you need from the module that holds it.

Stored plans and their publication: ``models``, ``schemas`` (checks of what entities write),
``services`` (the only writers), ``records`` (plans as data, confidentiality applied),
``national`` (the dashboard's figures), ``registry`` (the registry dataset of the catalog),
``views``, ``api``, ``cli`` and ``demo``.
"""


def N_(template: str) -> str:
    """Mark a user-facing template for translation without translating it here (gettext no-op).

    The web layer extracts these strings (``pybabel extract -k N_``) and renders
    ``gettext(error.template) % error.params``.
    """
    return template


def init_app(app) -> None:
    """Register the PIGE pages, the ``portal pige`` commands and the API actions."""
    from portal.pige import cli, tasks, views  # noqa: F401 - tasks registers the notices job

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.pige_group)
