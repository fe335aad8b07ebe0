"""SQL that SQLAlchemy has no portable construct for, compiled for SQLite and PostgreSQL.

``in_list``: ``column IN (a list of values)`` with the list as ONE parameter (a JSON array of
text). SQLAlchemy's expanding ``IN`` renders a placeholder per value into the statement on every
execution, and the driver binds each: for a search page's 1,000 dataset ids, in the dozen
statements that read their revisions and stored dictionaries, that was a few milliseconds of
the page. Here the statement text stays the same whatever the list's length: SQLite reads the
array with ``json_each``, PostgreSQL with ``json_array_elements_text``.

``utf8``: a text column read as its UTF-8 bytes, for texts written into an answer as they are
(decoding 6 MB of stored dictionaries into a string, then encoding the answer back, took 8 ms
of a ``rows=1000`` search page).

``ordered_join``: an inner join that SQLite takes in the written order (``CROSS JOIN ... ON``,
SQLite's way to fix the order; it keeps no statistics to choose one by), a plain ``JOIN``
elsewhere. For a query whose cheap start SQLite cannot see (the dashboard's failed validations).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable

from sqlalchemy import Boolean, LargeBinary, String, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, Join
from sqlalchemy.sql.visitors import InternalTraversal


class InList(ColumnElement[bool]):
    """``column IN (the values of the JSON array parameter)``."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a predicate: never compared with 1 in a WHERE clause
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("values", InternalTraversal.dp_clauseelement)]

    def __init__(self, column, values):
        self.column = column
        self.values = values


def in_list(column, name: str) -> InList:
    """The predicate, its list bound at execution as ``{name: as_parameter(values)}``."""
    return InList(column, bindparam(name, type_=String()))


def as_parameter(values: Iterable[str]) -> str:
    return json.dumps(list(values))


@compiles(InList)
def _in_list_sqlite(element: InList, compiler, **kw) -> str:
    return (f"{compiler.process(element.column, **kw)} IN "
            f"(SELECT value FROM json_each({compiler.process(element.values, **kw)}))")


@compiles(InList, "postgresql")
def _in_list_postgresql(element: InList, compiler, **kw) -> str:
    return (f"{compiler.process(element.column, **kw)} IN (SELECT json_array_elements_text("
            f"CAST({compiler.process(element.values, **kw)} AS json)))")


class utf8(FunctionElement):
    """The UTF-8 bytes of a text column."""

    inherit_cache = True
    type = LargeBinary()


@compiles(utf8)
def _utf8_sqlite(element: utf8, compiler, **kw) -> str:
    # SQLite keeps text as UTF-8: the cast hands over the same bytes.
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


@compiles(utf8, "postgresql")
def _utf8_postgresql(element: utf8, compiler, **kw) -> str:
    return f"convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')"


class OrderedJoin(Join):
    """``left JOIN right ON onclause``, in this order for SQLite's planner too."""

    inherit_cache = True


def ordered_join(left, right, onclause) -> OrderedJoin:
    return OrderedJoin(left, right, onclause)


@compiles(OrderedJoin, "sqlite")
def _ordered_join_sqlite(element: OrderedJoin, compiler, from_linter=None, **kw) -> str:
    if from_linter:  # as the compiler's visit_join: the two sides are joined, not a product
        from_linter.edges.update(itertools.product(element.left._from_objects,
                                                   element.right._from_objects))
    kw.pop("asfrom", None)
    return (element.left._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)
            + " CROSS JOIN "
            + element.right._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter,
                                               **kw)
            + " ON " + element.onclause._compiler_dispatch(compiler, from_linter=from_linter,
                                                           **kw))
