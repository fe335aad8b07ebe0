"""Schema migrations (alembic). Each domain owns a branch of revisions (``branch_labels``), so
domains evolve their tables independently; ``upgrade`` brings every branch to its head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

HERE = Path(__file__).resolve().parent


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def current_heads(app: Flask) -> tuple[str, ...]:
    with app.extensions["db_engine"].connect() as connection:
        return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def upgrade(app: Flask) -> tuple[tuple[str, ...], tuple[str, ...]]:
    before = current_heads(app)
    command.upgrade(alembic_config(app.config["PORTAL_DATABASE_URL"]), "heads")
    return before, current_heads(app)
