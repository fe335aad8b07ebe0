"""Code lists of the catalog (frequencies, languages, spatial coverage, entity kinds), read from
``standards/codelists/``: the forms, the validation rules and the DCAT mapping share them."""

from __future__ import annotations

from functools import cache

from portal.standards import load_standard


@cache
def codes(name: str) -> dict[str, dict]:
    """``{code: item}`` of ``standards/codelists/<name>.json``."""
    return {item["code"]: item for item in load_standard(f"codelists/{name}.json")["items"]}


def label(name: str, code: str) -> str:
    item = codes(name).get(code)
    return item["label"] if item else code
