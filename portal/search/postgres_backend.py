"""The PostgreSQL full-text engine behind ``SearchBackend``: several web nodes share one index.

Chosen with ``PORTAL_SEARCH_BACKEND=postgresql`` on a PostgreSQL database; the tables, the text
search configurations and the extensions (``unaccent``, ``pg_trgm``) come from the migration
``0023_search_pg``. One row of ``search_document`` per dataset holds:

* ``tsv``: the weighted ``tsvector`` of the texts (see ``portal.search.postgres_query`` for the
  weights and configurations), searched through a GIN index and ranked with ``ts_rank_cd``;
* the filter and facet fields as text arrays (GIN indexes), the visibility, the dates and counts
  for ranges and sorts, the folded title for the title sort;
* ``spell``: the unstemmed words of the title, keywords and entity (suggestions), and
  ``spell_words``, the same as an array, whose counts make the vocabulary ``search_word`` that
  "¿Quiso decir…?" looks up with pg_trgm.

Every write is one transaction that also bumps ``search_state.version`` (the version the page cache
keys on), so a reader never sees new documents under an old version. ``rebuild`` fills a new table
beside the live one and swaps them in one short transaction.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from portal.search import postgres_query as pq
from portal.search.analysis import STOP_WORDS, edit_distance, fold, words
from portal.search.backend import (
    FACET_FIELDS,
    FacetCount,
    Hit,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SortKey,
    Suggestion,
)
from portal.search.query_text import query_words

TABLE = "search_document"
WORDS = "search_word"
INDEX_BATCH = 500
#: The advisory lock key of the writers (any fixed number no other part of the portal uses).
WRITE_LOCK = 230_023
#: Index name suffix -> definition (table name substituted); the migration creates the same.
INDEXES: dict[str, str] = {
    "tsv": "USING gin (tsv)",
    "spell": "USING gin (spell)",
    **{name: f"USING gin ({name})" for name in pq.ARRAY_FIELDS},
    "entity_id": "(entity_id)",
    # The default order (newest first, then the name) read straight from an index.
    "modified": '(metadata_modified DESC NULLS LAST, name COLLATE "C")',
    "created": '(metadata_created DESC NULLS LAST, name COLLATE "C")',
    "title_sort": '(title_sort COLLATE "C", name COLLATE "C")',
    "name": '(name COLLATE "C")',
}
_COLUMNS = ("id", "name", "title", "notes", "title_sort", "entity_id", "private",
            *pq.ARRAY_FIELDS, "metadata_modified", "metadata_created", "num_resources",
            "num_tags", "spell_words")
_SORT_SQL = {
    "score": "score",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "title": 'title_sort COLLATE "C"',
    "name": 'name COLLATE "C"',
    "id": 'id COLLATE "C"',
}
#: The columns the sorts read (besides the relevance).
_SORT_COLUMNS = ("name", "title_sort", "metadata_modified", "metadata_created")
#: Counts and facets of searches without words kept per index version (see ``_browse_counts``).
BROWSE_CACHE = 256
#: At most this many candidates of a relevance page are ranked on their full text apart.
CANDIDATES = 20_000
_START, _STOP = "\x02", "\x03"
_MARK = '<mark class="match term0">'


class NotPostgreSQL(RuntimeError):
    """The database is not PostgreSQL: this backend cannot run on it."""


class PostgresBackend(SearchBackend):
    def __init__(self, engine: Engine):
        if engine.dialect.name != "postgresql":
            raise NotPostgreSQL(
                "PORTAL_SEARCH_BACKEND=postgresql needs PORTAL_DATABASE_URL on PostgreSQL "
                f"(this database is {engine.dialect.name}); use the whoosh backend instead."
            )
        self.engine = engine
        self._browse_cache: OrderedDict[tuple, tuple] = OrderedDict()
        self._cache_lock = threading.Lock()

    # -- writing -------------------------------------------------------------------------------

    @staticmethod
    def _lock(connection: Connection) -> None:
        """Writers take turns (as whoosh's index lock makes them): no two add the same new id
        at once, and the vocabulary counts stay exact."""
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})

    @staticmethod
    def _bump(connection: Connection) -> None:
        connection.execute(text("UPDATE search_state SET version = version + 1 WHERE id = 1"))

    def index(self, documents: Iterable[Mapping[str, Any]]) -> int:
        written = 0
        with self.engine.begin() as connection:
            self._lock(connection)
            iterator = iter(documents)
            while batch := list(islice(iterator, INDEX_BATCH)):
                rows = [_row(doc) for doc in batch]
                ids = [row["id"] for row in rows]
                old = connection.execute(
                    text(f"SELECT spell_words FROM {TABLE} WHERE id = ANY(:ids) FOR UPDATE"),
                    {"ids": ids},
                ).scalars().all()
                connection.execute(text(f"DELETE FROM {TABLE} WHERE id = ANY(:ids)"),
                                   {"ids": ids})
                _insert(connection, TABLE, rows)
                change: Counter[str] = Counter()
                for spelled in old:
                    change.subtract(spelled)
                for row in rows:
                    change.update(row["spell_words"])
                _count_words(connection, WORDS, change)
                written += len(rows)
            self._bump(connection)
        return written

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self.engine.begin() as connection:
            self._lock(connection)
            old = connection.execute(
                text(f"DELETE FROM {TABLE} WHERE id = ANY(:ids) RETURNING spell_words"),
                {"ids": ids},
            ).scalars().all()
            change: Counter[str] = Counter()
            for spelled in old:
                change.subtract(spelled)
            _count_words(connection, WORDS, change)
            self._bump(connection)

    def clear(self) -> None:
        with self.engine.begin() as connection:
            self._lock(connection)
            connection.execute(text(f"TRUNCATE {TABLE}, {WORDS}"))
            self._bump(connection)

    def rebuild(self, documents: Iterable[Mapping[str, Any]], procs: int | None = None) -> int:
        """Fill new tables beside the live ones, index them, then swap them in one transaction:
        searches answer from the old tables until the swap. ``procs`` is accepted for the CLI's
        sake; PostgreSQL builds the indexes itself."""
        fresh, fresh_words = f"{TABLE}_new", f"{WORDS}_new"
        with self.engine.begin() as connection:
            connection.execute(text(f"DROP TABLE IF EXISTS {fresh}, {fresh_words}"))
            connection.execute(text(
                f"CREATE TABLE {fresh} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                "INCLUDING STORAGE INCLUDING COMPRESSION)"
            ))
            connection.execute(text(f"ALTER TABLE {fresh} SET (toast_tuple_target = 128)"))
            connection.execute(text(f"CREATE TABLE {fresh_words} (LIKE {WORDS})"))
        written = 0
        vocabulary: Counter[str] = Counter()
        try:
            iterator = iter(documents)
            while True:
                with self.engine.begin() as connection:
                    batch = [_row(doc) for doc in islice(iterator, INDEX_BATCH * 4)]
                    if not batch:
                        break
                    _insert(connection, fresh, batch)
                for row in batch:
                    vocabulary.update(row["spell_words"])
                written += len(batch)
            with self.engine.begin() as connection:
                connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
                connection.execute(text(f"ALTER TABLE {fresh} ADD PRIMARY KEY (id)"))
                for suffix, definition in INDEXES.items():
                    connection.execute(text(
                        f"CREATE INDEX {fresh}_{suffix} ON {fresh} {definition}"))
                _count_words(connection, fresh_words, vocabulary)
                connection.execute(text(f"ALTER TABLE {fresh_words} ADD PRIMARY KEY (word)"))
                connection.execute(text(
                    f"CREATE INDEX {fresh_words}_trgm ON {fresh_words} "
                    "USING gist (word gist_trgm_ops)"))
                connection.execute(text(f"ANALYZE {fresh}"))
        except BaseException:
            with self.engine.begin() as connection:
                connection.execute(text(f"DROP TABLE IF EXISTS {fresh}, {fresh_words}"))
            raise
        with self.engine.begin() as connection:
            self._lock(connection)
            connection.execute(text("SET LOCAL lock_timeout = '30s'"))
            connection.execute(text(f"LOCK TABLE {TABLE}, {WORDS} IN ACCESS EXCLUSIVE MODE"))
            connection.execute(text(f"DROP TABLE {TABLE}, {WORDS}"))
            for old, new in ((fresh, TABLE), (fresh_words, WORDS)):
                connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))
                connection.execute(text(f"ALTER INDEX {old}_pkey RENAME TO {new}_pkey"))
            for suffix in INDEXES:
                connection.execute(text(
                    f"ALTER INDEX {fresh}_{suffix} RENAME TO {TABLE}_{suffix}"))
            connection.execute(text(f"ALTER INDEX {fresh_words}_trgm RENAME TO {WORDS}_trgm"))
            self._bump(connection)
        return written

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()

    def version(self) -> str:
        with self.engine.connect() as connection:
            return _version(connection)

    def modified_by_id(self) -> dict[str, datetime]:
        with self.engine.connect() as connection:
            rows = connection.execute(text(f"SELECT id, metadata_modified FROM {TABLE}"))
            return {row[0]: row[1] or datetime(1970, 1, 1) for row in rows}

    def search(self, query: SearchQuery) -> SearchResult:
        query.validate()
        parsed = pq.parse(query.q)
        with self.engine.connect() as connection:
            # JIT compiling costs more than it saves on these short statements.
            connection.execute(text("SET LOCAL jit = off"))
            result = self._run(connection, query, parsed)
            if result.count == 0 and query.q.strip():
                suggestion = self._did_you_mean(connection, query.q)
                if suggestion and query.correct_typos:
                    corrected = self._run(connection, query, pq.parse(suggestion))
                    return replace(corrected, did_you_mean=suggestion, corrected=True)
                return replace(result, did_you_mean=suggestion)
            return result

    @staticmethod
    def _visible(query: SearchQuery, params: pq.Params) -> str:
        if query.include_private and query.sysadmin:
            return "TRUE"
        if query.include_private and query.user_entity_ids:
            entities = params.add(sorted(query.user_entity_ids))
            return f"(NOT private OR entity_id = ANY(CAST({entities} AS text[])))"
        return "NOT private"

    def _run(self, connection: Connection, query: SearchQuery, parsed) -> SearchResult:
        """One pass over the matches gives their number, the facet counts and the page (or,
        for a relevance order, the page's candidates); a second statement ranks the candidates
        on their full text."""
        params = pq.Params()
        textual = _resolved(connection, pq.translate(parsed, params), params)
        conditions = [textual.where, self._visible(query, params),
                      *(pq.filter_sql(clause, params) for clause in query.filters)]
        where = " AND ".join(f"({c})" for c in conditions if c != "TRUE") or "TRUE"
        # Enough memory for the matches of a frequent word; no parallel workers on statements
        # this short (their start costs more than they save, and they would share the cores).
        connection.execute(text("SET LOCAL work_mem = '32MB'"))
        connection.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
        if textual.rank is not None:
            # The planner would rather read every row than the GIN index for a frequent word,
            # not knowing that reading a row's tsvector means fetching it out of line.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
        sort = (*query.sort, SortKey("name"))
        ranked = textual.rank is not None and any(key.field == "score" for key in sort)
        head = f"ts_rank_cd('{pq.RANK_WEIGHTS}', head, {textual.head})" if ranked else "0.0"
        if ranked and textual.head_any:
            # A frequent word is mostly in descriptions: the heads that hold none of the query's
            # lexemes rank 0 without ts_rank_cd (3-4 µs a row; the test, a fraction of that).
            head = (f"CASE WHEN head @@ CAST({params.add(textual.head_any)} AS tsquery) "
                    f"THEN {head} ELSE CAST(0 AS real) END")
        full = f"ts_rank_cd('{pq.RANK_WEIGHTS}', tsv, {textual.rank})" if ranked else "0.0"
        order = ", ".join(_order(key) for key in sort if ranked or key.field != "score")
        # Relevance first (the usual order): only the matches whose head rank reaches the
        # page's last one can be on the page, so only they are ranked on their full text.
        relevance_first = ranked and sort[0].field == "score" and sort[0].descending
        plain_page = not ranked
        browsing = textual.rank is None and textual.where == "TRUE"
        if browsing:
            # Without words the count and facets depend on the filters and the index only:
            # kept per index version (browsing the catalog reads every row otherwise).
            count, facets = self._browse_counts(connection, query, where, params)
            page, candidates = [], None
        else:
            count, facets, page, candidates = self._scan(
                connection, query, where, params, head if relevance_first else None,
                order if plain_page else None)
        rows: list[tuple[str, float]] = []
        if not query.rows or query.start >= count:
            pass
        elif browsing:
            rows = [(row[0], 0.0) for row in connection.execute(text(
                f"SELECT id FROM {TABLE} WHERE {where} ORDER BY {order} "
                f"LIMIT {int(query.rows)} OFFSET {int(query.start)}"), params.values)]
        elif plain_page:
            rows = [(doc_id, 0.0) for doc_id in page]
        else:
            if candidates is not None:
                where = f"id = ANY(CAST({params.add(candidates)} AS text[]))"
            rows = [(row[0], float(row[1]) + float(row[2])) for row in connection.execute(text(
                f"SELECT id, {head} AS hr, {full} AS fr FROM {TABLE} WHERE {where} "
                f"ORDER BY {order} LIMIT {int(query.rows)} OFFSET {int(query.start)}"
            ), params.values)]
        highlights = (self._highlights(connection, [r[0] for r in rows], textual.rank, params)
                      if query.highlight and textual.rank and rows else {})
        hits = tuple(Hit(id=row[0], score=row[1], highlights=highlights.get(row[0], {}))
                     for row in rows)
        return SearchResult(count=count, hits=hits, facets=facets)

    def _browse_counts(self, connection: Connection, query: SearchQuery, where: str,
                       params: pq.Params):
        key = (_version(connection), where, repr(sorted(params.values.items())),
               tuple(query.facet_fields), query.facet_limit, query.facet_mincount)
        with self._cache_lock:
            found = self._browse_cache.get(key)
            if found is not None:
                self._browse_cache.move_to_end(key)
                return found
        count, facets, _, _ = self._scan(connection, query, where, params, None, None)
        with self._cache_lock:
            self._browse_cache[key] = (count, facets)
            while len(self._browse_cache) > BROWSE_CACHE:
                self._browse_cache.popitem(last=False)
        return count, facets

    def _scan(self, connection: Connection, query: SearchQuery, where: str, params: pq.Params,
              head: str | None, order: str | None):
        """One statement over the matches: (their number, the facet counts, the page's ids when
        ``order`` is given, the ids of the page's candidates when the head rank expression is
        given: every match ranked at least as high as the page's last one by ``head``, or None
        when they are too many, the page reaching the matches that have nothing in the head)."""
        fields = list(dict.fromkeys(query.facet_fields))
        columns = ["id", *fields]
        branches = ["SELECT '' AS kind, NULL AS value, count(*) AS n FROM matched"]
        last = query.start + query.rows - 1
        cap = max(CANDIDATES, 2 * (last + 1))
        if query.rows and head is not None:
            columns.append(f"{head} AS hr")
            branches.append(
                "(SELECT '#', id, NULL FROM matched WHERE hr >= COALESCE((SELECT hr FROM "
                f"matched ORDER BY hr DESC OFFSET {int(last)} LIMIT 1), -1) "
                f"LIMIT {int(cap) + 1})")
        if query.rows and order is not None:
            columns.extend(_SORT_COLUMNS)
            branches.append(f"(SELECT '#', id, row_number() OVER () FROM (SELECT id FROM "
                            f"matched ORDER BY {order} LIMIT {int(query.rows)} "
                            f"OFFSET {int(query.start)}) AS page)")
        limit = "" if query.facet_limit == -1 or query.facet_mincount == 0 \
            else f"LIMIT {int(query.facet_limit)}"
        for fieldname in fields:
            assert fieldname in FACET_FIELDS
            # unnest in the select list (a ProjectSet): far cheaper than a lateral function scan
            branches.append(
                f"(SELECT '{fieldname}', value, count(*) AS n "
                f"FROM (SELECT unnest({fieldname}) AS value FROM matched) AS one "
                f"GROUP BY value HAVING count(*) >= {int(max(query.facet_mincount, 1))} "
                f'ORDER BY n DESC, value COLLATE "C" {limit})'
            )
        statement = (
            f"WITH matched AS MATERIALIZED (SELECT {', '.join(columns)} FROM {TABLE} "
            f"WHERE {where}) " + " UNION ALL ".join(branches)
        )
        count, listed = 0, []
        counted: dict[str, dict[str, int]] = {f: {} for f in fields}
        for kind, value, n in connection.execute(text(statement), params.values):
            if kind == "":
                count = n
            elif kind == "#":
                listed.append((n or 0, value))
            else:
                counted[kind][value] = n
        if query.facet_mincount == 0:
            for fieldname in fields:
                every = connection.execute(text(
                    f"SELECT DISTINCT value FROM {TABLE}, unnest({fieldname}) AS value"
                )).scalars()
                for value in every:
                    counted[fieldname].setdefault(value, 0)
        facets = {}
        for fieldname in fields:
            ordered = sorted(counted[fieldname].items(), key=lambda item: (-item[1], item[0]))
            if query.facet_limit != -1:
                ordered = ordered[:query.facet_limit]
            facets[fieldname] = tuple(FacetCount(value, n) for value, n in ordered)
        ids = [doc_id for _, doc_id in sorted(listed)]
        candidates = ids if head is not None and query.rows and len(ids) <= cap else None
        return count, facets, ids if order is not None else [], candidates

    def _highlights(self, connection: Connection, ids: list[str], rank: str,
                    params: pq.Params) -> dict[str, dict[str, str]]:
        """The title and description of these datasets with the matched words marked (escaped
        HTML, the same marks as the whoosh backend's)."""
        marks = f"StartSel={_START}, StopSel={_STOP}"
        title_options = params.add(f"{marks}, HighlightAll=true")
        notes_options = params.add(
            f'{marks}, MaxFragments=2, MaxWords=35, MinWords=12, FragmentDelimiter=" … "')
        found = connection.execute(text(
            f"SELECT id, ts_headline('portal_es', {_escaped('title')}, q, {title_options}), "
            f"ts_headline('portal_es', {_escaped('notes')}, q, {notes_options}) "
            f"FROM {TABLE}, (SELECT {rank} AS q) AS r WHERE id = ANY({params.add(ids)})"
        ), params.values)
        out: dict[str, dict[str, str]] = {}
        for doc_id, title, notes in found:
            marked = {name: _marked(value) for name, value in (("title", title), ("notes", notes))
                      if value and _START in value}
            if marked:
                out[doc_id] = marked
        return out

    # -- spelling and suggestions ----------------------------------------------------------------

    def did_you_mean(self, q: str) -> str | None:
        with self.engine.connect() as connection:
            return self._did_you_mean(connection, q)

    def _did_you_mean(self, connection: Connection, q: str) -> str | None:
        changed = False
        out, last = [], 0
        for start, end, word in query_words(q):
            folded = fold(word)
            out.append(q[last:start])
            last = end
            replacement = word
            if folded not in STOP_WORDS and not self._known(connection, folded):
                best = self._closest(connection, folded)
                if best is not None:
                    replacement = best
                    changed = True
            out.append(replacement)
        out.append(q[last:])
        return "".join(out) if changed else None

    @staticmethod
    def _known(connection: Connection, folded: str) -> bool:
        params = pq.Params()
        textual = _resolved(connection, pq.translate(pq.parse(_escape_word(folded)), params),
                            params)
        if textual.rank is None:
            return True  # nothing left to look up (a stop word of every configuration)
        params.values["w"] = folded
        connection.execute(text("SET LOCAL enable_seqscan = off"))  # an unknown word: no scan
        return bool(connection.execute(text(
            f"SELECT EXISTS (SELECT 1 FROM {WORDS} WHERE word = :w) "
            f"OR EXISTS (SELECT 1 FROM {TABLE} WHERE {textual.where})"
        ), params.values).scalar())

    @staticmethod
    def _closest(connection: Connection, folded: str) -> str | None:
        """The closest vocabulary word within 1 edit (2 for words longer than 5 letters) that
        starts with the same letter, the most frequent first (as the whoosh backend's)."""
        if len(folded) < 3:
            return None
        maxdist = 1 if len(folded) <= 5 else 2
        candidates = connection.execute(text(
            f"SELECT word, ndoc FROM {WORDS} WHERE word LIKE :first "
            f"ORDER BY word <-> :w LIMIT 50"
        ), {"w": folded, "first": _like_prefix(folded[0])}).all()
        best, best_key = None, None
        for candidate, ndoc in candidates:
            distance = edit_distance(folded, candidate)
            if distance > maxdist:
                continue
            key = (distance, -ndoc, candidate)
            if best_key is None or key < best_key:
                best, best_key = candidate, key
        return best

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        typed = words(prefix)
        if not typed or limit <= 0:
            return []
        partial = not prefix[-1:].isspace()
        folded_prefix = " ".join(typed)
        suggestions: list[Suggestion] = []
        terms = [pq._quote(w) for w in typed[:-1]]
        terms.append(pq._quote(typed[-1]) + (":*" if partial else ""))
        with self.engine.connect() as connection:
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            # Keywords that start with what was typed, the most used first (public datasets);
            # their words are in ``spell``, whose index finds the datasets to look at.
            keywords = connection.execute(text(
                f"SELECT tag, count(*) AS n FROM {TABLE}, unnest(tags) AS tag "
                "WHERE NOT private AND spell @@ CAST(:q AS tsquery) "
                "AND lower(unaccent(tag)) LIKE :prefix "
                'GROUP BY tag ORDER BY n DESC, tag COLLATE "C" LIMIT :limit'
            ), {"q": " & ".join(terms), "prefix": _like_prefix(folded_prefix),
                "limit": max(limit // 2, 0)}).all()
            for tag, _ in keywords:
                if fold(tag).startswith(folded_prefix):
                    suggestions.append(Suggestion("keyword", tag))
            titles = connection.execute(text(
                f"SELECT title, name FROM {TABLE} "
                "WHERE NOT private AND spell @@ CAST(:q AS tsquery) "
                'ORDER BY ts_rank(spell, CAST(:q AS tsquery)) DESC, name COLLATE "C" '
                "LIMIT :limit"
            ), {"q": " & ".join(terms), "limit": limit - len(suggestions)}).all()
        suggestions.extend(Suggestion("title", title, name) for title, name in titles)
        return suggestions


@dataclass
class _Resolved:
    """A translated ``q`` whose words are lexemes: ``where``, ``rank`` (for the full text and
    the highlights) and ``head`` (for the head, without the other languages' lexemes)."""

    where: str
    rank: str | None
    head: str | None
    #: Any lexeme of the head's query (``postgres_query.any_lexeme``), "" for none.
    head_any: str = ""


def _resolved(connection: Connection, textual: pq.TextQuery, params: pq.Params) -> _Resolved:
    """Every word's leaves analysed by its configurations in one statement, then put in the
    SQL as tsquery constants (see ``Params.resolve``)."""
    lexemes: list[list[tuple[str, str]]] = [[] for _ in params.groups]
    if params.groups:
        flat = [(n, config, pattern) for n, leaves in enumerate(params.groups)
                for config, pattern in leaves]
        found = connection.execute(text(
            "SELECT CAST(to_tsquery(CAST(c AS regconfig), p) AS text) "
            "FROM unnest(CAST(:c AS text[]), CAST(:p AS text[])) WITH ORDINALITY AS t(c, p, o) "
            "ORDER BY o"
        ), {"c": [c for _, c, _ in flat], "p": [p for _, _, p in flat]}).scalars().all()
        for (n, config, _), lexeme in zip(flat, found, strict=True):
            lexemes[n].append((config, lexeme))
    rank = params.resolve(textual.rank, lexemes) if textual.rank is not None else None
    head = params.resolve(textual.rank, lexemes, head=True) if rank is not None else None
    return _Resolved(
        where=params.resolve(textual.where, lexemes),
        rank=rank,
        head=head,
        # Only when every word's lexemes are known here: a phrase is left to to_tsquery.
        head_any=pq.any_lexeme(lexemes, head=True)
        if head is not None and "to_tsquery(" not in head else "",
    )


def _version(connection: Connection) -> str:
    found = connection.execute(text("SELECT version FROM search_state WHERE id = 1")).scalar()
    return f"pg-{found or 0}"


def _order(key: SortKey) -> str:
    """ORDER BY terms of a sort key; "score" is the head rank, then the full rank."""
    direction = "DESC" if key.descending else "ASC"
    if key.field == "score":
        return f"hr {direction}, fr {direction}"
    if key.field in ("metadata_modified", "metadata_created"):  # the only nullable ones
        direction += " NULLS LAST" if key.descending else " NULLS FIRST"
    return f"{_SORT_SQL[key.field]} {direction}"


# -- rows -----------------------------------------------------------------------------------------


def _row(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The column values of a search document (see ``portal.search.documents``)."""
    tags = [t for t in doc.get("tags", ()) if t]

    def one(name: str) -> list[str]:
        value = doc.get(name) or ""
        return [value] if value else []

    spell_text = (f"{doc.get('title', '')} {' '.join(tags)} {doc.get('entity_title', '')} "
                  f"{doc.get('title_en', '')}")
    return {
        "id": doc["id"],
        "name": doc["name"],
        "title": doc.get("title", "") or "",
        "notes": doc.get("notes", "") or "",
        "title_sort": fold(doc.get("title", "") or "").strip(),
        "entity_id": doc.get("entity_id", "") or "",
        "private": bool(doc.get("private")),
        "organization": one("organization"),
        "groups": [g for g in doc.get("groups", ()) if g],
        "tags": tags,
        "res_format": sorted({f.upper() for f in doc.get("res_format", ()) if f}),
        "license_id": one("license_id"),
        "entity_kind": one("entity_kind"),
        "series": [s for s in doc.get("series", ()) if s],
        "metadata_modified": _naive(doc.get("metadata_modified")),
        "metadata_created": _naive(doc.get("metadata_created")),
        "num_resources": int(doc.get("num_resources", 0) or 0),
        "num_tags": len(tags),
        "spell_words": sorted(set(words(spell_text))),
        # tsvector parts, one per field: configuration, weight, text
        "t_title": pq.prepare(doc.get("title", "") or ""),
        "t_keywords": pq.prepare(" . ".join(tags)),
        "t_entity": pq.prepare(f"{doc.get('entity_title', '')} {doc.get('organization', '')}"),
        "t_res_name": pq.prepare(" . ".join(doc.get("res_name", ()))),
        "t_notes": pq.prepare(doc.get("notes", "") or ""),
        "t_title_en": doc.get("title_en", "") or "",
        "t_text_en": " . ".join(doc.get("text_en", ())),
        "t_text_other": " . ".join(doc.get("text_other", ())),
    }


def _naive(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=None) if moment is not None else None


_TSV = " || ".join(
    f"setweight(to_tsvector('{config}', :t_{name}), '{weight}')"
    for name, (config, weight) in pq.TEXT_FIELDS.items()
)
#: The short fields (title, keywords, entity, resource names): what relevance is ranked on first.
_HEAD = " || ".join(
    f"setweight(to_tsvector('{config}', :t_{name}), '{weight}')"
    for name, (config, weight) in pq.TEXT_FIELDS.items() if weight != "D"
)


def _insert(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    columns = ", ".join(_COLUMNS)
    values = ", ".join(f":{c}" for c in _COLUMNS)
    connection.execute(text(
        f"INSERT INTO {table} ({columns}, spell, head, tsv) VALUES ({values}, "
        f"array_to_tsvector(CAST(:spell_words AS text[])), {_HEAD}, {_TSV})"
    ), rows)


def _count_words(connection: Connection, table: str, change: Mapping[str, int]) -> None:
    """Add ``change`` (word -> +n / -n documents) to a vocabulary table, in word order (two
    writers lock the rows in the same order), dropping the words no document holds any more."""
    items = sorted((w, n) for w, n in change.items() if n)
    if not items:
        return
    connection.execute(text(
        f"INSERT INTO {table} (word, ndoc) SELECT w, n FROM unnest(CAST(:w AS text[]), "
        "CAST(:n AS integer[])) AS c(w, n) ORDER BY w "
        f"ON CONFLICT (word) DO UPDATE SET ndoc = {table}.ndoc + excluded.ndoc"
        if table == WORDS else
        f"INSERT INTO {table} (word, ndoc) SELECT w, n FROM unnest(CAST(:w AS text[]), "
        "CAST(:n AS integer[])) AS c(w, n)"
    ), {"w": [w for w, _ in items], "n": [n for _, n in items]})
    if table == WORDS:
        connection.execute(text(f"DELETE FROM {table} WHERE word = ANY(:w) AND ndoc <= 0"),
                           {"w": [w for w, n in items if n < 0]})


def _escaped(column: str) -> str:
    """SQL escaping the HTML of a text column, and dropping the highlight sentinels."""
    value = f"translate({column}, E'\\x02\\x03', '')"
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                         ("'", "&#x27;")):
        quoted_char = char.replace("'", "''")
        value = f"replace({value}, '{quoted_char}', '{entity}')"
    return value


def _marked(value: str) -> str:
    return value.replace(_START, _MARK).replace(_STOP, "</mark>")


def _escape_word(word: str) -> str:
    """A folded word as a query of one word (no operator can hide in it)."""
    return '"' + word.replace('"', "") + '"' if word else '""'


def _like_prefix(value: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", value) + "%"


def iter_rows(documents: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows of documents (for tools that load the table themselves)."""
    for doc in documents:
        yield _row(doc)
