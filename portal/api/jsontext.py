"""The JSON text of API answers: one encoder for every envelope, into which fragments serialised
earlier (``Raw``: a dataset dictionary kept by ``portal.api.dataset_json``) are written as they
are, instead of being parsed and encoded again."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from typing import Any

#: Stands for a ``Raw`` fragment while the envelope is encoded; random, so no value spells it.
_MARK = f"raw-{secrets.token_hex(16)}"


class Raw:
    """A value already serialised as JSON text."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def default(value: Any) -> Any:
    """What ``json.dumps`` writes for values it does not know: dates in ISO 8601, else text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def dumps(value: Any) -> str:
    fragments: list[str] = []

    def encode(item: Any) -> Any:
        if isinstance(item, Raw):
            fragments.append(item.text)
            return _MARK
        return default(item)

    text = json.dumps(value, ensure_ascii=False, default=encode)
    if not fragments:
        return text
    parts = text.split(f'"{_MARK}"')
    if len(parts) != len(fragments) + 1:  # never expected: then encode the fragments again
        return json.dumps(value, ensure_ascii=False, default=lambda item: json.loads(item.text)
                          if isinstance(item, Raw) else default(item))
    out = [parts[0]]
    for fragment, part in zip(fragments, parts[1:], strict=True):
        out += (fragment, part)
    return "".join(out)
