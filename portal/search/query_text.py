"""The query syntax of the search box, checked before whoosh parses it.

Words are searched in every text field (title, keywords, entity, resource names, description) and
all must match; ``"quoted phrases"``; ``AND``, ``OR``, ``NOT`` and ``-word``; parentheses;
``field:value`` for the fields in ``FIELD_ALIASES``; ``prefix*``. Whoosh's parser accepts anything
and silently drops what it cannot read, so the checks a person needs to hear about (unbalanced
quotes or parentheses, an unknown field) are made here, each raising ``ValidationError`` on ``q``.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldParser,
    PlusMinusPlugin,
    SingleQuotePlugin,
)

from portal.errors import ValidationError
from portal.search.whoosh_schema import TEXT_FIELD_BOOSTS

#: Index field -> the names a query may use for it (CKAN's, English and Spanish).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "titulo", "título"),
    "notes": ("notes", "description", "descripcion", "descripción"),
    "keywords": ("tags", "keywords", "keyword", "tag", "etiqueta", "etiquetas", "palabra"),
    "entity": ("organization", "entity", "entidad", "organizacion", "organización"),
    "res_name": ("res_name", "resource", "recurso"),
    "groups": ("groups", "group", "theme", "tema"),
    "res_format": ("res_format", "format", "formato"),
    "license_id": ("license_id", "license", "licencia"),
    "entity_kind": ("entity_kind", "tipo_entidad"),
    "series": ("series", "serie"),
    "name": ("name", "nombre"),
}
KNOWN_FIELDS = frozenset(alias for aliases in FIELD_ALIASES.values() for alias in aliases)
#: How exact fields are written in the index, so ``format:csv`` finds "CSV".
_EXACT_CASE = {
    "groups": str.lower,
    "res_format": str.upper,
    "license_id": str.lower,
    "entity_kind": str.lower,
    "series": str.lower,
    "name": str.lower,
}
_FIELD_RE = re.compile(r"(?<![\w\-.])([^\W\d][\w]*):(?=[^\s:])")
MAX_QUERY_LENGTH = 1000


def _outside_quotes(q: str) -> str:
    """``q`` with the contents of double-quoted phrases blanked (same length)."""
    return re.sub(r'"[^"]*"', lambda m: '"' + " " * (len(m.group()) - 2) + '"', q)


def check(q: str) -> None:
    """Raise ``ValidationError`` on ``q`` for input the parser would silently misread."""
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {"q": [_l("La búsqueda es demasiado larga (máximo %(max)s caracteres).",
                      max=MAX_QUERY_LENGTH)]}
        )
    if q.count('"') % 2:
        raise ValidationError({"q": [_l("Hay comillas sin cerrar en la búsqueda.")]})
    bare = _outside_quotes(q)
    depth = 0
    for char in bare:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValidationError(
                    {"q": [_l("Hay un paréntesis de cierre sin su apertura en la búsqueda.")]}
                )
    if depth:
        raise ValidationError({"q": [_l("Hay paréntesis sin cerrar en la búsqueda.")]})
    unknown = sorted({m.group(1) for m in _FIELD_RE.finditer(bare)} - KNOWN_FIELDS)
    if unknown:
        raise ValidationError(
            {"q": [_l("Campo desconocido en la búsqueda: %(fields)s. Campos válidos: %(valid)s.",
                      fields=", ".join(unknown),
                      valid=", ".join(aliases[0] for aliases in FIELD_ALIASES.values()))]}
        )


class QueryParser:
    """Parses the text of the search box into a whoosh query (thread-safe once built)."""

    def __init__(self, schema):
        self._parser = MultifieldParser(
            list(TEXT_FIELD_BOOSTS), schema, fieldboosts=TEXT_FIELD_BOOSTS, group=AndGroup
        )
        self._parser.remove_plugin_class(SingleQuotePlugin)  # apostrophes are not quotes
        # "+word" / "-word" only at the start of a word: "covid-19" and "odc-by" stay whole.
        self._parser.add_plugin(
            PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-")
        )
        self._parser.add_plugin(
            FieldAliasPlugin({name: list(aliases) for name, aliases in FIELD_ALIASES.items()})
        )

    def parse(self, q: str) -> wq.Query:
        q = (q or "").strip()
        if not q or q == "*:*":
            return wq.Every()
        check(q)
        try:
            parsed = self._parser.parse(q)
        except Exception as exc:  # whoosh raises bare exceptions on odd syntax
            raise ValidationError(
                {"q": [_l("No se pudo interpretar la búsqueda: %(error)s", error=str(exc))]}
            ) from exc
        return parsed.accept(_normalise_exact)


def _normalise_exact(node: wq.Query) -> wq.Query:
    if isinstance(node, wq.Term) and node.fieldname in _EXACT_CASE:
        node.text = _EXACT_CASE[node.fieldname](node.text)
    return node


def query_words(q: str) -> list[tuple[int, int, str]]:
    """Plain words of ``q`` (not operators, not field names, not inside phrases) with their
    offsets, for "did you mean"."""
    bare = _outside_quotes(q)
    words = []
    for match in re.finditer(r"[^\W_]+", bare):
        word = match.group()
        end = match.end()
        if word in ("AND", "OR", "NOT") or (end < len(bare) and bare[end] == ":"):
            continue
        if match.start() > 0 and bare[match.start() - 1] == ":":
            continue  # the value of a field:value pair
        words.append((match.start(), end, word))
    return words
