"""Metadata in several languages, as ckanext-fluent keeps it.

The main columns (``title``, ``description``...) hold the Spanish text; a JSON column beside each
(``title_translated``...) holds ``{lang: text}`` for the other languages. Readers ask for a language
and fall back to Spanish. Input may carry Spanish in ``*_translated`` too (CKAN clients of
ckanext-fluent do): it gives the main column when the main field is not sent.
"""

from __future__ import annotations

from typing import Any

#: Languages metadata may be written in: Spanish (the main columns) first.
DEFAULT_LANGUAGE = "es"
LANGUAGES = ("es", "en", "ay", "qu", "gn")

#: Main column -> its translations column, per kind of record.
DATASET_TRANSLATED = {"title": "title_translated", "description": "description_translated",
                      "keywords": "keywords_translated"}
RESOURCE_TRANSLATED = {"name": "name_translated", "description": "description_translated"}
GROUP_TRANSLATED = {"title": "title_translated", "description": "description_translated"}


def translated(obj: Any, field: str) -> dict[str, Any]:
    """``{lang: value}`` of a field, Spanish (the main column) first, empty values left out."""
    main = getattr(obj, field)
    values = {DEFAULT_LANGUAGE: main} if main else {}
    values.update((lang, value) for lang, value in
                  sorted((getattr(obj, f"{field}_translated", None) or {}).items(),
                         key=lambda item: LANGUAGES.index(item[0])
                         if item[0] in LANGUAGES else len(LANGUAGES))
                  if value)
    return values


def localized(obj: Any, field: str, lang: str | None) -> Any:
    """The field in ``lang``, or in Spanish when it has no translation in that language."""
    if lang and lang != DEFAULT_LANGUAGE:
        value = (getattr(obj, f"{field}_translated", None) or {}).get(lang)
        if value:
            return value
    return getattr(obj, field)


def text_language(obj: Any, field: str, lang: str | None) -> str:
    """The language of what ``localized`` gives."""
    if lang and lang != DEFAULT_LANGUAGE and (getattr(obj, f"{field}_translated", None)
                                               or {}).get(lang):
        return lang
    return DEFAULT_LANGUAGE


def promote_spanish(data: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """Input where a ``*_translated`` value in Spanish gives the main field when the input
    has none, and the ``*_translated`` maps hold only the other languages. A main field that
    is sent wins, even empty or null: a CKAN client that edits ``title`` (or clears ``notes``)
    and sends back the ``*_translated`` it read changes the field."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for field, column in columns.items():
        values = data.get(column)
        if isinstance(values, dict) and DEFAULT_LANGUAGE in values:
            values = dict(values)
            spanish = values.pop(DEFAULT_LANGUAGE)
            if spanish and field not in data:
                data[field] = spanish
            data[column] = values
    return data


def form_languages() -> list[tuple[str, str]]:
    """(code, label) of the languages a form offers translations in (not Spanish)."""
    from portal.catalog.codelists import label

    return [(code, label("languages", code)) for code in LANGUAGES[1:]]


def form_input(form: Any, columns: dict[str, str]) -> dict[str, dict[str, str]]:
    """The translations a form sent (its ``<column>.<lang>`` boxes); an empty box removes
    the translation."""
    return {column: {lang: form.get(f"{column}.{lang}", "").strip()
                     for lang in LANGUAGES[1:] if form.get(f"{column}.{lang}", "").strip()}
            for column in columns.values()}


def form_values(values: dict[str, Any], columns: dict[str, str]) -> dict[str, str]:
    """The ``<column>.<lang>`` boxes of a form for these values (keywords comma-separated)."""
    boxes = {}
    for column in columns.values():
        for lang, value in (values.get(column) or {}).items():
            boxes[f"{column}.{lang}"] = ", ".join(value) if isinstance(value, list) else value
    return boxes


def stored(values: dict[str, Any]) -> dict[str, Any]:
    """Translations as stored: known languages only (validated before), empty values dropped."""
    return {lang: values[lang] for lang in LANGUAGES if values.get(lang)}
