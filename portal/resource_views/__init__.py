"""Resource views (CKAN's ``resource_view``): the charts and maps an editor saves on a resource.

``models.py`` holds the table, ``services.py`` the rules and the only writer, ``api.py`` the
``resource_view_*`` actions. See docs/datastore.md, "Explorer, charts and maps".
"""


def init_app(app) -> None:
    from portal.resource_views import views

    views.init_app(app)
