"""The PostgreSQL backend skips ``ts_rank_cd`` on the heads that hold none of the query's
lexemes: the rank it gives them (0) must be the one ``ts_rank_cd`` would have given, for every
kind of query."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from portal.search import postgres_query as pq
from portal.search.postgres_backend import _resolved
from tests.search.conftest import CATALOG, doc


def test_any_lexeme_keeps_every_lexeme_and_prefix_and_drops_weights():
    lexemes = [[("portal_es", "'escuel':*AB"), ("portal_simple", "'escuelas'")],
                [("portal_es", "'it''s' <-> 'rural'"), ("portal_en", "'rural':C")]]
    assert pq.any_lexeme(lexemes) == "'escuel':* | 'escuelas' | 'it''s' | 'rural'"
    assert pq.any_lexeme(lexemes, head=True) == "'escuel':* | 'it''s' | 'rural'"
    assert pq.any_lexeme([[("portal_es", "")]]) == ""


QUERIES = ["presupuesto", "presup*", "presupuesto -municipal", "title:presupuesto",
           "salud OR educación", "NOT censo", "hospitales censo", "tags:salud matrícula",
           "o'higgins", "escuelas rurales"]
#: A phrase's lexemes come from to_tsquery in the statement: no test, every head is ranked.
PHRASES = ['"presupuesto municipal"', '"escuelas rurales" OR salud',
           'salud "presupuesto municipal"']


@pytest.mark.parametrize("engine_name", ["postgresql"])
def test_the_guarded_head_rank_equals_ts_rank_cd_on_every_document(make_backend, engine_name):
    from tests.search.conftest import ON_POSTGRESQL

    if not ON_POSTGRESQL:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not a PostgreSQL URL")
    backend = make_backend([*CATALOG, doc("ohiggins", title="Escuelas rurales de O'Higgins",
                                          notes="Presupuesto de las escuelas")])
    skipped = ranked = 0
    with backend.engine.connect() as connection:
        for q in PHRASES:
            params = pq.Params()
            textual = _resolved(connection, pq.translate(pq.parse(q), params), params)
            assert textual.head and textual.head_any == "", q
        for q in QUERIES:
            params = pq.Params()
            textual = _resolved(connection, pq.translate(pq.parse(q), params), params)
            assert textual.head and textual.head_any, q
            rank = f"ts_rank_cd('{pq.RANK_WEIGHTS}', head, {textual.head})"
            rows = connection.execute(text(
                f"SELECT id, {rank}, head @@ CAST({params.add(textual.head_any)} AS tsquery) "
                "FROM search_document"), params.values).all()
            assert len(rows) == len(CATALOG) + 1
            for doc_id, plain, guarded in rows:
                if not guarded:
                    assert plain == 0, (q, doc_id)
                    skipped += 1
                ranked += plain > 0
    assert skipped and ranked  # both sides of the test were met
