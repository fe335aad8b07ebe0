"""``in_list``, ``utf8`` and ``ordered_join`` on the test database (SQLite, or PostgreSQL in CI's
second stage), and the memory map of SQLite connections."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from portal import db
from portal.catalog.models import Dataset, Entity
from portal.sql_constructs import as_parameter, in_list, ordered_join, utf8
from tests import factories


@pytest.fixture
def datasets(ctx):
    factories.entity()
    return {factories.dataset(f"conjunto-{number}", title=f"Año {number}: niñez y lenguas "
                              "aimara y guaraní 🌎").id: number for number in range(3)}


def _names(ids: list[str]) -> list[str]:
    statement = select(Dataset.name).where(in_list(Dataset.id, "ids")).order_by(Dataset.name)
    return list(db.session.scalars(statement, {"ids": as_parameter(ids)}))


def test_in_list_matches_exactly_the_listed_values(datasets):
    ids = list(datasets)
    assert _names(ids) == ["conjunto-0", "conjunto-1", "conjunto-2"]
    assert _names(ids[1:2]) == ["conjunto-1"]
    assert _names([]) == []
    # Values that are not there, quotes and brackets included, match nothing and break nothing.
    assert _names(['x"]', "', 1) OR 1=1 --", ids[0]]) == ["conjunto-0"]


def test_in_list_is_one_parameter_whatever_the_length(datasets):
    statement = select(Dataset.name).where(in_list(Dataset.id, "ids"))
    short = str(statement.compile(db.engine()))
    many = [*(f"ausente-{number}" for number in range(5000)), *datasets]
    assert len(_names(many)) == 3  # more values than SQLite binds in one statement
    assert str(statement.compile(db.engine())) == short
    assert short.count("?") + short.count("%(ids)s") == 1


def test_utf8_reads_the_column_as_its_utf8_bytes(datasets):
    rows = db.session.execute(select(Dataset.title, utf8(Dataset.title))).all()
    assert len(rows) == 3
    for title, data in rows:
        assert isinstance(data, bytes)
        assert data == title.encode("utf-8")


def test_ordered_join_is_an_inner_join_that_sqlite_keeps_in_order(datasets):
    factories.entity("vacia", title="Sin conjuntos")
    tables = ordered_join(Entity.__table__, Dataset.__table__, Dataset.entity_id == Entity.id)
    statement = select(Entity.name, Dataset.name).select_from(tables).order_by(Dataset.name)
    assert db.session.execute(statement).all() == [
        ("ine", "conjunto-0"), ("ine", "conjunto-1"), ("ine", "conjunto-2")]
    sql = str(statement.compile(db.engine()))
    if db.engine().dialect.name == "sqlite":
        assert "FROM entity CROSS JOIN dataset ON dataset.entity_id = entity.id" in sql
    else:
        assert "FROM entity JOIN dataset ON dataset.entity_id = entity.id" in sql


def test_sqlite_connections_read_through_a_memory_map(ctx):
    if db.engine().dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine().connect() as connection:
        assert connection.execute(text("PRAGMA mmap_size")).scalar() == db.SQLITE_MMAP_BYTES
