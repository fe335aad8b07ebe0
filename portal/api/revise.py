"""The dictionary operations of CKAN's ``package_revise``: match, filter, update.

A *string key* names a place in a nested dictionary with ``__`` between its parts
(``resources__0__name``); a part inside a list is an index (``-1`` is the last item) or, for a
list of dictionaries with ids, the first 5 or more characters of an id (``resources__1f9ab``).
Each function works on plain JSON data (a dataset as ``package_show`` returns it) and raises
``RevisionError`` naming the key that does not fit.
"""

from __future__ import annotations

from typing import Any

Path = tuple[Any, ...]


class RevisionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _joined(path) -> str:
    return "__".join(str(part) for part in path)


def _unmatched(path) -> RevisionError:
    return RevisionError(f"Unmatched key {_joined(path)}")


def _list_index(items: list[Any], part: str, path: list[Any]) -> int:
    """The index ``part`` names in ``items``: an id prefix (5 characters or more) or a number."""
    if len(part) >= 5:
        for index, item in enumerate(items):
            if not isinstance(item, dict) or "id" not in item:
                break
            if str(item["id"]).startswith(part):
                return index
        raise _unmatched([*path, part])
    try:
        index = int(part)
    except ValueError:
        raise _unmatched([*path, part]) from None
    if not -len(items) <= index < len(items):
        raise _unmatched([*path, part])
    return index


def resolve(data: Any, string_key: str) -> tuple[Any, Path]:
    """The value at ``string_key`` and its path (list indexes resolved)."""
    path: list[Any] = []
    current = data
    for part in string_key.split("__"):
        if isinstance(current, dict):
            if part not in current:
                raise _unmatched([*path, part])
            path.append(part)
            current = current[part]
        elif isinstance(current, list):
            index = _list_index(current, part, path)
            path.append(index)
            current = current[index]
        else:
            raise _unmatched([*path, part])
    return current, tuple(path)


def mismatches(current: Any, expected: Any, path: Path = ()) -> list[Path]:
    """Paths where ``expected`` (a partial dictionary or list) differs from ``current``."""
    if isinstance(expected, dict):
        if not isinstance(current, dict):
            return [path]
        found: list[Path] = []
        for key, value in sorted(expected.items()):
            found += mismatches(current[key], value, (*path, key)) if key in current \
                else [(*path, key)]
        return found
    if isinstance(expected, list):
        if not isinstance(current, list):
            return [path]
        found = []
        for index, value in enumerate(expected):
            found += mismatches(current[index], value, (*path, index)) \
                if index < len(current) else [(*path, index)]
        return found
    return [] if current == expected else [path]


def key_mismatches(data: dict[str, Any], string_key: str, expected: Any) -> list[Path]:
    current, path = resolve(data, string_key)
    return mismatches(current, expected, path)


def filter_globs(data: Any, patterns: list[str]) -> None:
    """Remove keys and items in place: ``-key`` removes, ``+key`` protects (the first pattern
    that names a place wins), ``*`` stands for every key or item at its level."""
    _filter(data, [(pattern.startswith("+"), pattern.lstrip("+-").split("__"))
                   for pattern in patterns])


def _filter(data: Any, globs: list[tuple[bool, list[str]]]) -> None:
    if isinstance(data, dict):
        _filter_dict(data, globs)
    elif isinstance(data, list):
        _filter_list(data, globs)


def _filter_dict(data: dict[str, Any], globs: list[tuple[bool, list[str]]]) -> None:
    protected: dict[str, Any] = {}
    children: dict[str, list[tuple[bool, list[str]]]] = {}
    for keep, parts in globs:
        head = parts[0]
        if head == "*":
            if keep:
                protected.update(data)
            else:
                data.clear()
        elif head in data:
            if len(parts) > 1:
                children.setdefault(head, []).append((keep, parts[1:]))
            elif keep:
                protected[head] = data[head]
            else:
                del data[head]
    data.update(protected)
    for head, sub in children.items():
        if head in data:
            _filter(data[head], sub)


def _filter_list(data: list[Any], globs: list[tuple[bool, list[str]]]) -> None:
    protected: set[int] = set()
    removed: set[int] = set()
    children: dict[int, list[tuple[bool, list[str]]]] = {}
    everything = set(range(len(data)))
    for keep, parts in globs:
        head = parts[0]
        if head == "*":
            if keep:
                protected |= everything - removed
            else:
                removed |= everything - protected
            continue
        try:
            index = _list_index(data, head, []) % len(data)
        except RevisionError:
            continue
        if len(parts) > 1:
            children.setdefault(index, []).append((keep, parts[1:]))
        elif keep and index not in removed:
            protected.add(index)
        elif not keep and index not in protected:
            removed.add(index)
    gone = removed - protected
    for index, sub in children.items():
        if index not in gone:
            _filter(data[index], sub)
    data[:] = [item for index, item in enumerate(data) if index not in gone]


def merge(data: dict[str, Any], update: Any, path: Path = ()) -> None:
    """Merge ``update`` into ``data`` in place: dictionaries key by key, lists item by item
    (items past the end are appended), anything else replaced."""
    if not isinstance(update, dict):
        raise RevisionError(f"Expected dict for {_joined(path)}")
    for key, value in update.items():
        current = data.get(key)
        if isinstance(current, dict):
            merge(current, value, (*path, key))
        elif isinstance(current, list):
            _merge_list(current, value, (*path, key))
        else:
            data[key] = value


def _merge_list(data: list[Any], update: Any, path: Path) -> None:
    if not isinstance(update, list):
        raise RevisionError(f"Expected list for {_joined(path)}")
    for index, value in enumerate(update):
        if index >= len(data):
            data.append(value)
        elif isinstance(data[index], dict):
            merge(data[index], value, (*path, index))
        elif isinstance(data[index], list):
            _merge_list(data[index], value, (*path, index))
        else:
            data[index] = value


def merge_key(data: dict[str, Any], string_key: str, value: Any) -> None:
    """Merge ``value`` at ``string_key`` (``update__resources__0__name="x"``); a last part
    ``extend`` appends the items of a list (``update__resources__extend=[...]``)."""
    parent_key, _, last = string_key.rpartition("__")
    parent, path = resolve(data, parent_key) if parent_key else (data, ())
    if isinstance(parent, dict):
        merge(parent, {last: value}, path)
    elif isinstance(parent, list):
        if last == "extend":
            if not isinstance(value, list):
                raise RevisionError(f"Expected list for {parent_key}")
            parent.extend(value)
            return
        index = _list_index(parent, last, list(path))
        child = parent[index]
        if isinstance(child, dict):
            merge(child, value, (*path, index))
        elif isinstance(child, list):
            _merge_list(child, value, (*path, index))
        else:
            parent[index] = value
    else:
        raise RevisionError(f"Expected list or dict for {parent_key}")
