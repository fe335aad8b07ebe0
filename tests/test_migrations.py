"""The migrations build exactly the schema the models describe, and upgrade in place."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal import create_app, migrations
from portal.models import metadata


def test_migrated_schema_matches_the_models(migrated):
    engine = create_engine(migrated)
    with engine.connect() as connection:
        # The PostgreSQL search backend's tables are raw SQL of migration 0023, not models.
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_name": lambda name, kind, _parent: not (
                kind == "table" and name in ("search_document", "search_word", "search_state")),
        })
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_init_creates_then_upgrades_an_existing_database_idempotently(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app({"PORTAL_DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(tmp_path),
                      "PORTAL_SECRET_KEY": "x"})
    runner = app.test_cli_runner()
    from portal.cli import init_command

    first = runner.invoke(init_command)
    assert first.exit_code == 0, first.output
    assert "upgraded" in first.output
    second = runner.invoke(init_command)
    assert second.exit_code == 0
    assert "up to date" in second.output
    assert set(migrations.current_heads(app)) == {
        script.revision for script in migrations.script_directory().get_revisions("heads")
    }
    assert "dataset" in inspect(app.extensions["db_engine"]).get_table_names()
    app.extensions["db_engine"].dispose()


def test_upgrade_keeps_the_data_of_an_older_database(tmp_path):
    """A database at the first revision, with data, upgrades in place to every branch's head."""
    from alembic import command
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(migrations.alembic_config(url), "0001_catalog")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO entity (id, name, title, description, kind, level, website, email, "
            "logo_url, state, created, modified) VALUES ('e1', 'ine', 'INE', '', 'agencia', "
            "'central', '', '', '', 'active', '2025-01-01', '2025-01-01')"))
    app = create_app({"PORTAL_DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(tmp_path),
                      "PORTAL_SECRET_KEY": "x"})
    before, after = migrations.upgrade(app)
    assert before == ("0001_catalog",)
    assert len(after) > 1 and "0001_catalog" not in after
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM entity")).scalar_one() == "INE"
    assert "harvest_source" in inspect(engine).get_table_names()
    engine.dispose()
    app.extensions["db_engine"].dispose()
