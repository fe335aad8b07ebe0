"""The whoosh schema of the dataset index and the conversion of a search document into its fields.

Text fields are analysed in Spanish (``portal.search.analysis``) and scored; facet fields hold exact
values and are neither scored nor stored (facet counts are computed from their postings, see
``whoosh_arrays``); sort keys live in columns, which whoosh reads without unpickling documents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from whoosh import columns
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema
from whoosh.support.charset import accent_map

from portal.search.analysis import STOP_WORDS, SpanishAnalyzer, fold
from portal.search.whoosh_codec import FastFrequency, FastPositions

#: Text fields searched by default and their boosts: a title match ranks above a description match.
TEXT_FIELD_BOOSTS: dict[str, float] = {
    "title": 6.0,
    "keywords": 4.0,
    "entity": 3.0,
    "res_name": 2.0,
    "notes": 1.0,
    # Translations (portal/catalog/translations.py): English analysed in English; Aymara,
    # Quechua and Guaraní folded but not stemmed (no stemmer exists for them).
    "title_en": 5.0,
    "text_en": 1.5,
    "text_other": 2.0,
}
#: Multi-valued exact fields (whoosh KEYWORD fields, comma-separated).
MULTI_VALUED = ("groups", "tags", "res_format", "series")
#: Single-valued exact fields.
SINGLE_VALUED = ("organization", "entity_kind", "license_id", "name", "id", "entity_id", "private")
SORT_COLUMNS = ("metadata_modified", "metadata_created", "title_sort", "name_sort", "id_sort")
#: Numeric columns for range filters; a segment written before they existed reads -1 (unknown).
COUNT_COLUMNS = ("num_resources", "num_tags")
EPOCH = datetime(1970, 1, 1)


def _text(stored: bool = False, stemming: bool = True, positions: bool = True) -> TEXT:
    field = TEXT(analyzer=SpanishAnalyzer(stemming=stemming), stored=stored, phrase=positions)
    field.format = FastPositions() if positions else FastFrequency()
    return field


def _english() -> TEXT:
    """English text: folded and Porter-stemmed ("budgets" finds "budget"), so an English
    query finds the English title. Every word of a query must match in some field unless
    every field drops it: the Spanish stop words are dropped here too ("censo de la
    población"), English ones are kept (the Spanish fields keep "of" and "the")."""
    analyzer = (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
                | StopFilter(stoplist=STOP_WORDS, minsize=1) | StemFilter())
    return TEXT(analyzer=analyzer, phrase=True)


def build_schema() -> Schema:
    exact_list = {"commas": True, "lowercase": False, "scorable": False}
    return Schema(
        id=ID(stored=True, unique=True),
        name=ID(stored=True),
        title=_text(stored=True),
        notes=_text(stored=True),
        keywords=_text(),
        entity=_text(),
        res_name=_text(),
        title_en=_english(),
        text_en=_english(),
        text_other=_text(stemming=False),
        # Unstemmed words of titles, keywords and entity names: "did you mean" and suggestions.
        spell=_text(stemming=False, positions=False),
        organization=ID,
        entity_id=ID,
        entity_kind=ID,
        license_id=ID,
        private=ID,
        groups=KEYWORD(**exact_list),
        tags=KEYWORD(**exact_list),
        res_format=KEYWORD(**exact_list),
        series=KEYWORD(**exact_list),
        metadata_modified=COLUMN(columns.NumericColumn("q", default=0)),
        metadata_created=COLUMN(columns.NumericColumn("q", default=0)),
        title_sort=COLUMN(columns.VarBytesColumn()),
        name_sort=COLUMN(columns.VarBytesColumn()),
        id_sort=COLUMN(columns.VarBytesColumn()),
        num_resources=COLUMN(columns.NumericColumn("i", default=-1)),
        num_tags=COLUMN(columns.NumericColumn("i", default=-1)),
    )


def to_micros(moment: datetime | None) -> int:
    if moment is None:
        return 0
    return int((moment.replace(tzinfo=None) - EPOCH).total_seconds() * 1_000_000)


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


def _exact_list(values: Iterable[str]) -> str:
    # Commas separate values in a whoosh KEYWORD field; CKAN forbids them in tags and names.
    return ",".join(v.replace(",", " ").strip() for v in values if v and v.strip())


def to_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Whoosh field values for a search document (see ``portal.search.documents``)."""
    keywords = list(doc.get("tags", ()))
    entity_words = f"{doc.get('entity_title', '')} {doc.get('organization', '')}"
    fields = {
        "id": doc["id"],
        "name": doc["name"],
        "title": doc.get("title", ""),
        "notes": doc.get("notes", ""),
        "keywords": " . ".join(keywords),
        "entity": entity_words,
        "res_name": " . ".join(doc.get("res_name", ())),
        "title_en": doc.get("title_en", ""),
        "text_en": " . ".join(doc.get("text_en", ())),
        "text_other": " . ".join(doc.get("text_other", ())),
        "spell": f"{doc.get('title', '')} {' '.join(keywords)} {doc.get('entity_title', '')} "
                 f"{doc.get('title_en', '')}",
        "organization": doc.get("organization", ""),
        "entity_id": doc.get("entity_id", ""),
        "entity_kind": doc.get("entity_kind", ""),
        "license_id": doc.get("license_id", ""),
        "private": "1" if doc.get("private") else "0",
        "groups": _exact_list(doc.get("groups", ())),
        "tags": _exact_list(keywords),
        "res_format": _exact_list(v.upper() for v in doc.get("res_format", ())),
        "series": _exact_list(doc.get("series", ())),
        "metadata_modified": to_micros(doc.get("metadata_modified")),
        "metadata_created": to_micros(doc.get("metadata_created")),
        "title_sort": fold(doc.get("title", "")).strip().encode("utf-8"),
        "name_sort": doc["name"].encode("utf-8"),
        "id_sort": doc["id"].encode("utf-8"),
        "num_resources": int(doc.get("num_resources", 0)),
        "num_tags": len(keywords),
    }
    # An empty string would be indexed as an empty term: leave the field out instead.
    return {name: value for name, value in fields.items() if value != ""}
