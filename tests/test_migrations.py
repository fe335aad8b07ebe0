"""The migrations build exactly the schema the models describe, and upgrade in place."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal import create_app, migrations
from portal.models import metadata


def test_migrated_schema_matches_the_models(migrated):
    engine = create_engine(migrated)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
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
