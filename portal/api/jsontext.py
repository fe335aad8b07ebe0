"""The JSON text of API answers, as UTF-8 bytes: one encoder for every envelope, into which
fragments serialised earlier (``Raw``: a dataset dictionary kept by ``portal.api.dataset_json``)
are written as they are, instead of being parsed and encoded again."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime
from typing import Any

#: Stands for a ``Raw`` fragment while the envelope is encoded; random, so no value spells it.
_MARK = f"raw-{secrets.token_hex(16)}"


class Raw:
    """A value already serialised as JSON, in UTF-8."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


def default(value: Any) -> Any:
    """What ``json.dumps`` writes for values it does not know: dates in ISO 8601, else text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def encode(value: Any) -> bytes:
    fragments: list[bytes] = []

    def mark(item: Any) -> Any:
        if isinstance(item, Raw):
            fragments.append(item.data)
            return _MARK
        return default(item)

    text = json.dumps(value, ensure_ascii=False, default=mark).encode()
    if not fragments:
        return text
    parts = text.split(f'"{_MARK}"'.encode())
    if len(parts) != len(fragments) + 1:  # never expected: then encode the fragments again
        return json.dumps(value, ensure_ascii=False, default=lambda item: json.loads(item.data)
                          if isinstance(item, Raw) else default(item)).encode()
    out = [parts[0]]
    for fragment, part in zip(fragments, parts[1:], strict=True):
        out += (fragment, part)
    return b"".join(out)
