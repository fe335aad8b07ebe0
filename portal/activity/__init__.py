"""The activity record of every create, update and delete, and the public history pages."""


def init_app(app) -> None:
    from portal.activity import views

    app.register_blueprint(views.bp)
