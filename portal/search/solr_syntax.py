"""CKAN's Solr filter syntax -> the engine-neutral filter tree of ``portal.search.backend``.

What stock CKAN clients and harvesters send in ``fq`` (and, for the structured fields, in ``q``):

* ``field:value``, ``field:"quoted value"``, ``field:escaped\\ value``, ``*:*``;
* ranges ``field:[low TO high]`` (inclusive), ``{low TO high}`` (exclusive), mixed ``[a TO b}``,
  ``*`` for an open end, on ``metadata_modified`` / ``metadata_created`` (ISO dates, ``Z`` or an
  offset, and Solr date math: ``NOW``, ``NOW-1DAY``, ``NOW/DAY``, ``2026-01-01T00:00:00Z+1MONTH``)
  and ``num_resources`` / ``num_tags`` (numbers);
* ``AND`` / ``&&``, ``OR`` / ``||``, ``NOT`` / ``!``, ``+clause`` (must), ``-clause`` (must not),
  parentheses, ``field:(a OR "b c" -d)``; clauses side by side must all match (CKAN's
  ``q.op=AND``); ``NOT`` binds tighter than ``AND``, which binds tighter than ``OR``.

CKAN's bookkeeping filters are true or false of every dataset here: ``dataset_type:dataset``,
``type:dataset``, ``state:active`` and any ``site_id`` match all of them (any other value none);
``capacity:public`` / ``capacity:private`` select on the dataset's visibility. Anything else
(an unknown field, a range on a text field, a wildcard, unbalanced quotes or parentheses) raises
``ValidationError`` on the parameter being parsed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l

from portal.errors import ValidationError
from portal.search.backend import RANGE_FIELDS, AllOf, AnyOf, Clause, Filter, Not, Range

#: CKAN / Solr field names -> ours (exact-value fields and range fields).
FIELD_NAMES: dict[str, str] = {
    "organization": "organization",
    "groups": "groups",
    "tags": "tags",
    "res_format": "res_format",
    "license_id": "license_id",
    "license": "license_id",
    "entity_kind": "entity_kind",
    "series": "series",
    "name": "name",
    "id": "id",
    "owner_org": "entity_id",
    **{name: name for name in RANGE_FIELDS},
}
#: CKAN's bookkeeping fields -> the value every dataset of this portal has (None: any value).
CONSTANT_FIELDS: dict[str, str | None] = {
    "dataset_type": "dataset",
    "type": "dataset",
    "state": "active",
    "site_id": None,
}
#: Fields that only the CKAN layer knows (not full-text fields of the search box).
STRUCTURED_FIELDS = frozenset({*RANGE_FIELDS, "id", "owner_org", "capacity",
                               *CONSTANT_FIELDS, "*"})
MAX_LENGTH = 4000
MAX_DEPTH = 32

_TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<op>(?:AND|OR|NOT)(?=[\s()]|$)|&&|\|\|)
  | (?P<bang>!)
  | (?P<sign>[+-])(?=\S)
  | (?P<field>(?:[^\W\d][\w.]*|\*):)(?=\S)
  | (?P<range>(?P<open>[\[{])\s*(?P<low>"[^"]*"|[^\s\]}]+)\s+TO\s+
              (?P<high>"[^"]*"|[^\s\]}]+)\s*(?P<close>[\]}]))
  | (?P<quoted>"(?:[^"\\]|\\.)*")
  | (?P<bare>(?:[^\s()"\\\[\]{}]|\\.)+)
""", re.VERBOSE)
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}


@dataclass(frozen=True)
class Token:
    kind: str  # ws excluded: lparen, rparen, op, bang, sign, field, range, quoted, bare
    text: str
    start: int
    end: int
    match: re.Match

    @property
    def op(self) -> str | None:
        return _OPERATORS.get(self.text) if self.kind == "op" else None

    @property
    def field(self) -> str:
        return self.text[:-1]


def _error(param: str, message) -> ValidationError:
    return ValidationError({param: [message]})


def lex(text: str, param: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise _error(param, _l("El filtro es demasiado largo (máximo %(max)s caracteres).",
                               max=MAX_LENGTH))
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None:
            if text[position] == '"':
                raise _error(param, _l("Hay comillas sin cerrar en el filtro."))
            fragment = text[position:].split()[0]
            raise _error(param, _l("No se pudo interpretar «%(part)s».", part=fragment))
        if match.lastgroup != "ws":
            tokens.append(Token(match.lastgroup, match.group(), match.start(), match.end(),
                                match))
        position = match.end()
    return tokens


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


# --- dates and numbers -------------------------------------------------------------------------

_ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
                     r"(Z|[+-]\d{2}:?\d{2})?")
_MATH_RE = re.compile(r"([+-])(\d{1,9})([A-Z]+)|/([A-Z]+)")
_UNITS = {"YEAR": "year", "YEARS": "year", "MONTH": "month", "MONTHS": "month", "DAY": "day",
          "DAYS": "day", "DATE": "day", "HOUR": "hour", "HOURS": "hour", "MINUTE": "minute",
          "MINUTES": "minute", "SECOND": "second", "SECONDS": "second",
          "MILLI": "millisecond", "MILLIS": "millisecond", "MILLISECOND": "millisecond",
          "MILLISECONDS": "millisecond"}
_STEPS = {"day": timedelta(days=1), "hour": timedelta(hours=1), "minute": timedelta(minutes=1),
          "second": timedelta(seconds=1), "millisecond": timedelta(milliseconds=1)}


def _add_months(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _round_down(moment: datetime, unit: str) -> datetime:
    fields = ["month", "day", "hour", "minute", "second", "microsecond"]
    keep = {"year": 0, "month": 1, "day": 2, "hour": 3, "minute": 4, "second": 5,
            "millisecond": 5}[unit]
    reset = {name: (1 if name in ("month", "day") else 0) for name in fields[keep:]}
    if unit == "millisecond":
        reset = {"microsecond": moment.microsecond // 1000 * 1000}
    return moment.replace(**reset)


def parse_date(text: str, now: datetime | None = None) -> datetime:
    """A Solr date (ISO 8601, ``NOW``, with date math) as a naive UTC datetime; ValueError."""
    if text.startswith("NOW"):
        moment = (now or datetime.now(UTC).replace(tzinfo=None))
        rest = text[3:]
    else:
        match = _ISO_RE.match(text)
        if match is None:
            raise ValueError(text)
        year, month, day, hour, minute, second, fraction, zone = match.groups()
        micros = int((fraction or "0")[:6].ljust(6, "0"))
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0), micros)
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        rest = text[match.end():]
    position = 0
    while position < len(rest):
        match = _MATH_RE.match(rest, position)
        if match is None or (match.group(3) or match.group(4)) not in _UNITS:
            raise ValueError(text)
        sign, amount, unit, rounding = match.groups()
        if rounding:
            moment = _round_down(moment, _UNITS[rounding])
        else:
            step = int(amount) * (1 if sign == "+" else -1)
            unit = _UNITS[unit]
            if unit in ("year", "month"):
                moment = _add_months(moment, step * (12 if unit == "year" else 1))
            else:
                moment += step * _STEPS[unit]
        position = match.end()
    return moment


def _bound(field: str, text: str, param: str):
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1]
    text = _unescape(text)
    if text == "*":
        return None
    try:
        if RANGE_FIELDS[field] == "date":
            return parse_date(text)
        number = float(text)
        if number != number or abs(number) == float("inf"):
            raise ValueError(text)
        return int(number) if number.is_integer() and "." not in text else number
    except (ValueError, OverflowError):
        if RANGE_FIELDS[field] == "date":
            raise _error(param, _l(
                "«%(value)s» no es una fecha de %(field)s: use 2026-01-01T00:00:00Z, NOW o "
                "NOW-1DAY.", value=text, field=field)) from None
        raise _error(param, _l("«%(value)s» no es un número para %(field)s.", value=text,
                               field=field)) from None


# --- building the tree -------------------------------------------------------------------------


def _all(parts: list[Clause]) -> Clause:
    flat: list[Clause] = []
    for part in parts:
        flat.extend(part.clauses if isinstance(part, AllOf) else [part])
    return flat[0] if len(flat) == 1 else AllOf(tuple(flat))


def _any(parts: list[Clause]) -> Clause:
    flat: list[Clause] = []
    for part in parts:
        if part == AllOf(()):
            return part
        for clause in part.clauses if isinstance(part, AnyOf) else [part]:
            same = next((i for i, f in enumerate(flat) if isinstance(f, Filter)
                         and isinstance(clause, Filter) and not f.negated
                         and not clause.negated and f.field == clause.field), None)
            if same is None:
                flat.append(clause)
            else:
                values = flat[same].values + tuple(v for v in clause.values
                                                   if v not in flat[same].values)
                flat[same] = Filter(clause.field, values)
    return flat[0] if len(flat) == 1 else AnyOf(tuple(flat))


def _not(clause: Clause) -> Clause:
    if isinstance(clause, Filter):
        return Filter(clause.field, clause.values, not clause.negated)
    if isinstance(clause, Not):
        return clause.clause
    if clause == AllOf(()):
        return AnyOf(())
    if clause == AnyOf(()):
        return AllOf(())
    return Not(clause)


class _Parser:
    def __init__(self, text: str, param: str):
        self.param = param
        self.tokens = lex(text, param)
        self.position = 0
        self.depth = 0

    def error(self, message) -> ValidationError:
        return _error(self.param, message)

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise self.error(_l("El filtro termina antes de tiempo: falta un valor."))
        self.position += 1
        return token

    def parse(self) -> Clause:
        if not self.tokens:
            return AllOf(())
        clause = self.or_expr(None)
        if self.peek() is not None:
            raise self.error(_l("Hay un paréntesis de cierre sin su apertura en el filtro."))
        return clause

    def or_expr(self, field: str | None) -> Clause:
        parts = [self.and_expr(field)]
        while (token := self.peek()) is not None and token.op == "OR":
            self.position += 1
            parts.append(self.and_expr(field))
        return _any(parts)

    def and_expr(self, field: str | None) -> Clause:
        parts = [self.unary(field)]
        while (token := self.peek()) is not None and token.kind != "rparen" and token.op != "OR":
            if token.op == "AND":
                self.position += 1
            parts.append(self.unary(field))
        return _all(parts)

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(_l("El filtro anida más de %(max)s paréntesis u operadores.",
                                max=MAX_DEPTH))

    def group(self, field: str | None) -> Clause:
        self.deeper()
        if (token := self.peek()) is not None and token.kind == "rparen":
            raise self.error(_l("Hay un grupo vacío «()» en el filtro."))
        clause = self.or_expr(field)
        token = self.peek()
        if token is None or token.kind != "rparen":
            raise self.error(_l("Hay paréntesis sin cerrar en el filtro."))
        self.position += 1
        self.depth -= 1
        return clause

    def unary(self, field: str | None) -> Clause:
        token = self.take()
        if token.op == "NOT" or token.kind in ("bang", "sign"):
            self.deeper()
            inner = self.unary(field)
            self.depth -= 1
            return inner if token.text == "+" else _not(inner)
        if token.kind == "lparen":
            return self.group(field)
        if token.kind == "field":
            value = self.take()
            if value.kind == "lparen":
                return self.group(token.field)
            if value.kind not in ("bare", "quoted", "range"):
                raise self.error(_l("Falta el valor de «%(field)s».", field=token.field))
            return self.leaf(token.field, value)
        if token.kind in ("bare", "quoted", "range") and field is not None:
            return self.leaf(field, token)
        if token.kind in ("bare", "quoted", "range"):
            raise self.error(_l("No se pudo interpretar «%(part)s»: se espera campo:valor.",
                                part=token.text))
        if token.kind == "rparen":
            raise self.error(_l("Hay un paréntesis de cierre sin su apertura en el filtro."))
        raise self.error(_l("«%(part)s» no puede ir aquí.", part=token.text))

    def leaf(self, ckan_field: str, token: Token) -> Clause:
        if ckan_field == "*":
            if token.text != "*":
                raise self.error(_l("Solo se admite *:* sin campo."))
            return AllOf(())
        if ckan_field in CONSTANT_FIELDS:
            constant = CONSTANT_FIELDS[ckan_field]
            value = _unescape(token.text.strip('"'))
            return AllOf(()) if constant is None or value == constant else AnyOf(())
        if ckan_field == "capacity":
            value = _unescape(token.text.strip('"'))
            if value not in ("public", "private"):
                return AnyOf(())
            return Filter("private", ("1" if value == "private" else "0",))
        field = FIELD_NAMES.get(ckan_field)
        if field is None:
            raise self.error(_l("Campo de filtro desconocido: %(field)s. Válidos: %(valid)s.",
                                field=ckan_field, valid=", ".join(FIELD_NAMES)))
        if token.kind == "range":
            if field not in RANGE_FIELDS:
                raise self.error(_l(
                    "«%(field)s» no admite rangos; solo %(valid)s.", field=ckan_field,
                    valid=", ".join(RANGE_FIELDS)))
            match = token.match
            return Range(field, _bound(field, match.group("low"), self.param),
                         _bound(field, match.group("high"), self.param),
                         match.group("open") == "[", match.group("close") == "]")
        if token.kind == "quoted":
            value = _unescape(token.text[1:-1])
        else:
            if token.text == "*":
                if field in RANGE_FIELDS:
                    return Range(field)
                raise self.error(_l("El filtro «%(field)s» necesita un valor concreto.",
                                    field=ckan_field))
            if re.search(r"(?<!\\)[*?]", token.text):
                raise self.error(_l("No se admiten comodines (* o ?) en «%(part)s».",
                                    part=token.text))
            value = _unescape(token.text)
        if field in RANGE_FIELDS:
            exact = _bound(field, value, self.param)
            return Range(field, exact, exact)
        if not value:
            raise self.error(_l("El filtro «%(field)s» necesita un valor concreto.",
                                field=ckan_field))
        return Filter(field, (value.upper() if field == "res_format" else value,))


def parse(text: str, param: str = "fq") -> Clause:
    """The filter tree of a Solr-like filter string."""
    return _Parser(text or "", param).parse()


def parse_list(text: str, param: str = "fq") -> list[Clause]:
    """``parse``, its top-level conjunction as a list (``[]`` when it matches everything)."""
    clause = parse(text, param)
    if isinstance(clause, AllOf):
        return list(clause.clauses)
    return [clause]


def split_structured(q: str) -> tuple[str, list[Clause]]:
    """``q`` without its clauses on structured fields (ranges, ``id``, ``owner_org``...), and
    those clauses. They may be combined with the words of ``q`` by AND only: not inside
    parentheses, nor in a ``q`` that has an ``OR`` outside parentheses."""
    try:
        tokens = lex(q, "q")
    except ValidationError:
        return q, []  # not Solr-like text: the search box's parser reports its problems
    clauses: list[Clause] = []
    removed: list[tuple[int, int]] = []
    depth, top_or = 0, False
    for token in tokens:
        depth += {"lparen": 1, "rparen": -1}.get(token.kind, 0)
        top_or = top_or or (depth == 0 and token.op == "OR")
    depth, index = 0, 0
    while index < len(tokens):
        token = tokens[index]
        depth += {"lparen": 1, "rparen": -1}.get(token.kind, 0)
        if token.kind != "field" or token.field not in STRUCTURED_FIELDS:
            index += 1
            continue
        first = index
        while first > 0 and (tokens[first - 1].kind in ("sign", "bang")
                             or tokens[first - 1].op == "NOT"):
            first -= 1
        last = index + 1
        if last < len(tokens) and tokens[last].kind == "lparen":
            level = 0
            for last in range(index + 1, len(tokens)):
                level += {"lparen": 1, "rparen": -1}.get(tokens[last].kind, 0)
                if level == 0:
                    break
        before = tokens[first - 1] if first > 0 else None
        after = tokens[last + 1] if last + 1 < len(tokens) else None
        if depth or top_or:
            raise _error("q", _l(
                "«%(field)s» solo se puede combinar con AND en q; use fq para combinarlo "
                "con OR.", field=token.field))
        end = min(last, len(tokens) - 1)
        clauses.extend(parse_list(q[tokens[first].start:tokens[end].end], "q"))
        start_at = tokens[first].start
        if before is not None and before.op == "AND":
            start_at = before.start
        elif after is not None and after.op == "AND":
            end = last + 1
        removed.append((start_at, tokens[end].end))
        index = end + 1
    if not removed:
        return q, []
    kept, position = [], 0
    for start, end in removed:
        kept.append(q[position:start])
        position = end
    kept.append(q[position:])
    return " ".join(part.strip() for part in kept if part.strip()), clauses
