"""JSON from outside (uploads, harvested sources) read with a bound on its nesting depth.

Imports no domain code. Python's ``json`` recurses once per level and raises ``RecursionError``
near 1,000; ijson's item prefixes grow with depth (a 200 KB OCDS file nested 100,000 deep took a
harvest to 21 GB). Legitimate open data nests about ten levels (OCDS's deepest path), so anything
deeper than ``PORTAL_MAX_JSON_DEPTH`` is refused before it is built: ``check_depth`` streams
ijson's basic events (no prefixes, constant memory) and ``loads`` parses then measures.

``JsonTooDeep`` is a ``json.JSONDecodeError``: code that already reports bad JSON reports this too.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any

import ijson
from flask_babel import lazy_gettext as _l

DEFAULT_MAX_DEPTH = 64
SETTING = "PORTAL_MAX_JSON_DEPTH"
_OPEN = {"start_map", "start_array"}
_CLOSE = {"end_map", "end_array"}


class JsonTooDeep(json.JSONDecodeError):
    def __init__(self, limit: int):
        super().__init__(str(_l(
            "el JSON tiene más de %(limit)s niveles de anidamiento (PORTAL_MAX_JSON_DEPTH)",
            limit=limit)), "", 0)
        self.limit = limit

    def __str__(self) -> str:
        return self.msg


def max_depth() -> int:
    """``PORTAL_MAX_JSON_DEPTH`` of the running app, else of the environment, else 64."""
    from flask import current_app, has_app_context

    value: Any = current_app.config.get(SETTING) if has_app_context() else None
    try:
        return int(value or os.environ.get(SETTING) or DEFAULT_MAX_DEPTH)
    except ValueError:
        return DEFAULT_MAX_DEPTH


def check_depth(source: bytes | IO[bytes], limit: int | None = None) -> None:
    """Raise ``JsonTooDeep`` when ``source`` (bytes, or a binary file read from where it stands
    and put back there) nests deeper than ``limit``. Bad JSON is left for the real parser to
    report; JSON Lines (several values) are read value by value."""
    limit = max_depth() if limit is None else limit
    handle = source if hasattr(source, "read") else None
    start = handle.tell() if handle is not None else 0
    depth = 0
    try:
        for event, _value in ijson.basic_parse(source, multiple_values=True):
            if event in _OPEN:
                depth += 1
                if depth > limit:
                    raise JsonTooDeep(limit)
            elif event in _CLOSE:
                depth -= 1
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, JsonTooDeep):
            raise
    finally:
        if handle is not None:
            handle.seek(start)


def depth_of(value: Any) -> int:
    """How deep a parsed value nests (``1`` for ``[]`` or ``{}``), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            node = node.values()
        elif not isinstance(node, list):
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node if isinstance(child, dict | list))
    return deepest


def loads(text: str | bytes, limit: int | None = None) -> Any:
    """``json.loads`` that raises ``JsonTooDeep`` (a ``JSONDecodeError``) past ``limit`` levels."""
    limit = max_depth() if limit is None else limit
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep(limit) from None
    if depth_of(value) > limit:
        raise JsonTooDeep(limit)
    return value
