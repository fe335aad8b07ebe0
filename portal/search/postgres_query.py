"""The query text and the filter tree as SQL for the PostgreSQL backend.

``q`` is read by the same parser as the whoosh backend's (``portal.search.query_text``: the same
syntax, the same checks and error messages), over a schema whose text fields only lower-case the
words: PostgreSQL's text search configurations then fold the accents, drop the stop words and stem
(``portal_es`` for the Spanish fields, ``portal_en`` for the English translations, ``portal_simple``
for the other languages). Each text field is one weight of the document's ``tsvector``:

* A: the title (and its English translation), B: the keywords, C: the entity and the resource
  names, D: the description and the other translated texts.

The parsed query becomes one ``tsquery`` where the whole query is text (the common case: a single
indexed condition), else a boolean SQL expression whose text parts are ``tsv @@ tsquery`` and whose
exact-field parts (``format:csv``, ``groups:salud``) test the array columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT

from portal.search.backend import AllOf, AnyOf, Clause, Filter, Not, Range
from portal.search.query_text import QueryParser
from portal.search.whoosh_schema import TEXT_FIELD_BOOSTS, build_schema

#: Text field -> (text search configuration, tsvector weight).
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "title": ("portal_es", "A"),
    "keywords": ("portal_es", "B"),
    "entity": ("portal_es", "C"),
    "res_name": ("portal_es", "C"),
    "notes": ("portal_es", "D"),
    "title_en": ("portal_en", "A"),
    "text_en": ("portal_en", "D"),
    "text_other": ("portal_simple", "D"),
}
_CONFIG_FIELDS: dict[str, set[str]] = {}
for _name, (_config, _) in TEXT_FIELDS.items():
    _CONFIG_FIELDS.setdefault(_config, set()).add(_name)
#: Filter fields held as text arrays (one value or none for the single-valued ones).
ARRAY_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "entity_kind",
                "series")
#: Filter fields held as one text column.
SCALAR_FIELDS = ("name", "id", "entity_id")
#: ts_rank_cd weights of D, C, B, A: the whoosh backend's field boosts relative to the title's.
RANK_WEIGHTS = "{0.17, 0.42, 0.67, 1.0}"

# Plurals in -es after r, l, n, d or z lose the -es before stemming, as the whoosh backend's
# analyzer does (Snowball alone stems "escolar" and "escolares" apart).
_PLURAL_RE = re.compile(r"(?<!\w)(\w{2,}[rlndzRLNDZ])(?:es|ES|Es)(?!\w)")


def prepare(text: str) -> str:
    """Text as it goes to ``to_tsvector`` or ``to_tsquery`` (see ``_PLURAL_RE``)."""
    return _PLURAL_RE.sub(r"\1", text or "")


class Params:
    """Bind parameters collected while SQL is written."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        #: The (configuration, pattern) leaves of each word, resolved by ``resolve``.
        self.groups: list[list[tuple[str, str]]] = []

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def group(self, leaves: list[tuple[str, str]]) -> str:
        """A placeholder for the tsquery of one word's leaves (see ``resolve``)."""
        self.groups.append(leaves)
        return f"\x01{len(self.groups) - 1}\x01"

    def resolve(self, sql: str, lexemes: list[list[tuple[str, str]]], head: bool = False) -> str:
        """``sql`` with each word's placeholder replaced by its tsquery: the distinct lexemes
        its configurations give (the same stem from the Spanish and the English stemmer is
        searched once: every extra term makes ts_rank_cd slower). ``head``: without the
        configuration of the other languages, whose words are only in the description part."""
        def replace(match: re.Match) -> str:
            texts = list(dict.fromkeys(
                text for config, text in lexemes[int(match.group(1))]
                if text and not (head and config == "portal_simple")))
            value = " | ".join(f"({t})" for t in texts) if len(texts) > 1 else \
                (texts[0] if texts else "")
            return f"CAST({self.add(value)} AS tsquery)"
        return _GROUP_RE.sub(replace, sql)


_GROUP_RE = re.compile("\x01(\\d+)\x01")
#: A lexeme in a tsquery's text, with its prefix mark and weights (``'escuel':*AB``).
_LEXEME_RE = re.compile(r"'((?:[^']|'')*)'(:[*A-D]+)?")


def any_lexeme(lexemes: list[list[tuple[str, str]]], head: bool = False) -> str:
    """A tsquery text matching the documents that hold any lexeme of these words (prefixes as
    prefixes, weights dropped, negated words included): a document it does not match ranks 0
    with ``ts_rank_cd``, which only looks at the positions of the query's lexemes. ``head``:
    as ``Params.resolve``'s."""
    found = dict.fromkeys(
        f"'{match.group(1)}'" + (":*" if "*" in (match.group(2) or "") else "")
        for leaves in lexemes for config, text in leaves
        if text and not (head and config == "portal_simple")
        for match in _LEXEME_RE.finditer(text))
    return " | ".join(found)


def _raw_schema():
    schema = build_schema()
    for name in TEXT_FIELD_BOOSTS:
        schema.remove(name)
        schema.add(name, TEXT(analyzer=RegexTokenizer(r"[^\W_]+") | LowercaseFilter(),
                              phrase=True))
    return schema


_parser: QueryParser | None = None


def parse(q: str) -> wq.Query:
    """``q`` parsed with the search box's syntax (``ValidationError`` on ``q`` when bad)."""
    global _parser
    if _parser is None:
        _parser = QueryParser(_raw_schema())
    return _parser.parse(q)


def _quote(word: str) -> str:
    """A word as a quoted lexeme of ``to_tsquery``'s syntax."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class _Text:
    """A pure text condition: an SQL expression of type tsquery."""

    sql: str


@dataclass
class _Bool:
    """Any condition: an SQL boolean expression; ``ranking`` are the tsqueries of its positive
    text parts (the relevance is computed from them)."""

    sql: str
    ranking: list[str] = field(default_factory=list)


_TRUE = _Bool("TRUE")
_FALSE = _Bool("FALSE")


@dataclass
class TextQuery:
    """The SQL of a parsed ``q``: ``where`` (a boolean SQL expression) and ``rank`` (a tsquery
    expression for ts_rank_cd and ts_headline, or None when nothing is ranked)."""

    where: str
    rank: str | None


def translate(parsed: wq.Query, params: Params, column: str = "tsv") -> TextQuery:
    node = _node(parsed, params)
    if isinstance(node, _Text):
        return TextQuery(f"{column} @@ ({node.sql})", node.sql)
    ranking = node.ranking
    rank = " || ".join(f"({r})" for r in ranking) if ranking else None
    return TextQuery(node.sql.replace("\0tsv\0", column), rank)


def _as_bool(node: _Text | _Bool) -> _Bool:
    if isinstance(node, _Bool):
        return node
    return _Bool(f"\0tsv\0 @@ ({node.sql})", [node.sql])


def _leaf(config: str, pattern: str, params: Params) -> _Text:
    return _Text(f"to_tsquery('{config}', {params.add(pattern)})")


def _terms(pairs: list[tuple[str, str]], params: Params, prefix: bool = False) -> _Text | _Bool:
    """(text field, word) pairs ORed: grouped by configuration, each word once with the weights
    of its fields ("salud" in every Spanish field: no weight restriction)."""
    by_config: dict[tuple[str, str], set[str]] = {}
    for fieldname, word in pairs:
        by_config.setdefault((TEXT_FIELDS[fieldname][0], word), set()).add(fieldname)
    leaves = []
    for (config, word), fields in by_config.items():
        # A word searched in every field of its configuration needs no weight: the index alone
        # answers it, without reading the rows' tsvectors again (a weight forces that recheck).
        weights = "" if fields >= _CONFIG_FIELDS[config] else \
            "".join(sorted({TEXT_FIELDS[f][1] for f in fields}))
        marks = ("*" if prefix else "") + weights
        prepared = prepare(word)
        leaves.append((config, _quote(prepared) + (f":{marks}" if marks else "")))
    if not leaves:
        return _FALSE
    return _Text(params.group(leaves))


def _exact(fieldname: str, value: str, params: Params) -> _Bool:
    if fieldname in ARRAY_FIELDS:
        return _Bool(f"{fieldname} @> ARRAY[CAST({params.add(value)} AS text)]")
    if fieldname in SCALAR_FIELDS:
        return _Bool(f"{fieldname} = {params.add(value)}")
    return _FALSE


def _phrase(fieldname: str, words: list[str], params: Params) -> _Text | _Bool:
    if fieldname not in TEXT_FIELDS:
        return _exact(fieldname, " ".join(words), params)
    config, weight = TEXT_FIELDS[fieldname]
    pattern = " <-> ".join(f"{_quote(prepare(w))}:{weight}" for w in words)
    return _leaf(config, pattern, params)


def _node(query: wq.Query, params: Params) -> _Text | _Bool:
    if isinstance(query, wq.Every):
        return _TRUE
    if isinstance(query, type(wq.NullQuery)):
        return _FALSE
    if isinstance(query, (wq.Term, wq.Variations, wq.FuzzyTerm)) and not isinstance(
            query, (wq.Prefix, wq.Wildcard)):
        text = _text(query.text)
        if query.fieldname in TEXT_FIELDS:
            return _terms([(query.fieldname, text)], params)
        return _exact(query.fieldname, text, params)
    if isinstance(query, (wq.Prefix, wq.Wildcard)):
        stem = re.split(r"[*?]", _text(query.text), maxsplit=1)[0]
        if query.fieldname not in TEXT_FIELDS:
            return _FALSE
        if not stem:
            return _TRUE
        return _terms([(query.fieldname, stem)], params, prefix=True)
    if isinstance(query, wq.Phrase):
        return _phrase(query.fieldname, [_text(w) for w in query.words], params)
    if isinstance(query, (wq.Or, wq.DisjunctionMax)):
        children = [c for c in query.subqueries if not isinstance(c, type(wq.NullQuery))]
        # The parser flattens "a OR b" into one OR of every (field, word): each word's fields
        # are grouped, so a word searched in all of them carries no weight restriction.
        by_word: dict[str, list[tuple[str, str]]] = {}
        others = []
        for child in children:
            if type(child) is wq.Term and child.fieldname in TEXT_FIELDS:
                by_word.setdefault(_text(child.text), []).append(
                    (child.fieldname, _text(child.text)))
            else:
                others.append(child)
        nodes = [_terms(pairs, params) for pairs in by_word.values()]
        nodes += [_node(c, params) for c in others]
        return nodes[0] if len(nodes) == 1 else _combine(nodes, "||", "OR", params)
    if isinstance(query, wq.And):
        children = [c for c in query.subqueries if not isinstance(c, type(wq.NullQuery))]
        return _combine([_node(c, params) for c in children], "&&", "AND", params)
    if isinstance(query, wq.Not):
        inner = _node(query.query, params)
        if isinstance(inner, _Text):
            return _Text(f"!!({inner.sql})")
        return _Bool(f"NOT ({inner.sql})")
    if isinstance(query, wq.AndNot):
        return _combine([_node(query.a, params), _node(wq.Not(query.b), params)], "&&", "AND",
                        params)
    if isinstance(query, wq.Require):
        return _combine([_node(query.a, params), _node(query.b, params)], "&&", "AND", params)
    if isinstance(query, wq.AndMaybe):
        required = _as_bool(_node(query.a, params))
        optional = _node(query.b, params)
        extra = optional.sql if isinstance(optional, _Text) else None
        return _Bool(required.sql, required.ranking + ([extra] if extra else []))
    # Ranges of words and other rare shapes of whoosh's parser match nothing here.
    return _FALSE


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _combine(nodes: list[_Text | _Bool], ts_op: str, sql_op: str,
             params: Params) -> _Text | _Bool:
    if not nodes:
        return _FALSE if sql_op == "OR" else _TRUE
    if all(isinstance(n, _Text) for n in nodes):
        return _Text("(" + f" {ts_op} ".join(f"({n.sql})" for n in nodes) + ")")
    as_bool = [_as_bool(n) for n in nodes]
    ranking = [r for n in as_bool for r in n.ranking]
    return _Bool("(" + f" {sql_op} ".join(f"({n.sql})" for n in as_bool) + ")", ranking)


# -- the filter tree ------------------------------------------------------------------------------


def filter_sql(clause: Clause, params: Params) -> str:
    """A filter tree (see ``portal.search.backend``) as an SQL boolean expression."""
    if isinstance(clause, Filter):
        sql = _filter_values(clause, params)
        return f"NOT ({sql})" if clause.negated else sql
    if isinstance(clause, Range):
        return _range(clause, params)
    if isinstance(clause, Not):
        return f"NOT ({filter_sql(clause.clause, params)})"
    if not clause.clauses:
        return "TRUE" if isinstance(clause, AllOf) else "FALSE"
    joiner = " AND " if isinstance(clause, AllOf) else " OR "
    assert isinstance(clause, (AllOf, AnyOf))
    return "(" + joiner.join(f"({filter_sql(c, params)})" for c in clause.clauses) + ")"


def _filter_values(clause: Filter, params: Params) -> str:
    values = list(clause.values)
    if clause.field == "res_format":
        values = [v.upper() for v in values]
    if clause.field in ARRAY_FIELDS:
        return f"{clause.field} && CAST({params.add(values)} AS text[])"
    if clause.field == "private":
        flags = sorted({v == "1" for v in values if v in ("0", "1")})
        if not flags:
            return "FALSE"
        return "private" if flags == [True] else "NOT private" if flags == [False] else "TRUE"
    return f"{clause.field} = ANY(CAST({params.add(values)} AS text[]))"


def _range(clause: Range, params: Params) -> str:
    parts = [f"{clause.field} IS NOT NULL"]
    for bound, inclusive, op in ((clause.low, clause.include_low, ">"),
                                 (clause.high, clause.include_high, "<")):
        if bound is None:
            continue
        if isinstance(bound, datetime):
            value: Any = bound.replace(tzinfo=None)
        else:
            value = float(bound)
            if not -1e15 < value < 1e15:  # beyond any count: open on that side, or nothing
                if (op == ">") == (value > 0):
                    return "FALSE"
                continue
        parts.append(f"{clause.field} {op}{'=' if inclusive else ''} {params.add(value)}")
    return " AND ".join(parts)
