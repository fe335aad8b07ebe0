"""The structured plan form: strategic lines, actions or projects, indicators and yearly targets
as form fields, to and from the content document ``schemas.check_content`` checks.

Field names carry the position: ``l0-line``; ``l0-a1-name`` (action 1 of line 0: ``kind``,
``name``, ``description``, ``responsible_unit``, ``budget``, ``evidence``); ``l0-a1-i2-name``
(indicator 2: ``name``, ``unit``, ``national_target``, ``baseline``, ``t2026``...). The form
always offers one empty slot more at each level (a line, an action per line, an indicator per
action); blank slots are dropped, so emptying a slot deletes it. Errors of the content check
(paths such as ``lines[0].actions[1].indicators[0].targets.2026``) are mapped back to the
field that caused them. No Flask here: data in, data out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

ACTION_FIELDS = ("kind", "name", "description", "responsible_unit", "budget", "evidence")
INDICATOR_FIELDS = ("name", "unit", "national_target", "baseline")
_INDEX = re.compile(r"^l(\d+)(?:-a(\d+))?(?:-i(\d+))?-")
_PATH = re.compile(r"^lines\[(\d+)\](?:\.actions\[(\d+)\])?(?:\.indicators\[(\d+)\])?(?:\.(.+))?$")


def _blank(values: Iterable[Any]) -> bool:
    return all(not str(v or "").strip() for v in values)


def _number_text(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def content_to_fields(content: Mapping[str, Any], years: Iterable[int]) -> dict[str, str]:
    """The form values of a stored content document."""
    out: dict[str, str] = {}
    for i, line in enumerate(content.get("lines", ())):
        out[f"l{i}-line"] = str(line["line"])
        for j, action in enumerate(line.get("actions", ())):
            prefix = f"l{i}-a{j}-"
            for key in ACTION_FIELDS:
                value = action.get(key)
                if key == "evidence":
                    value = " ".join(value or ())
                elif key == "budget":
                    value = _number_text(value)
                out[prefix + key] = value or ""
            for k, indicator in enumerate(action.get("indicators", ())):
                ind = f"{prefix}i{k}-"
                for key in INDICATOR_FIELDS:
                    value = indicator.get(key)
                    out[ind + key] = _number_text(value) if key == "baseline" else (value or "")
                for year in years:
                    out[f"{ind}t{year}"] = _number_text(indicator.get("targets", {}).get(str(year)))
    return out


def layout(fields: Mapping[str, str]) -> list[dict[str, Any]]:
    """The slots to render: every line, action and indicator the values hold, plus one empty
    slot at each level. ``[{"i": 0, "actions": [{"j": 0, "indicators": [0, 1]}, ...]}, ...]``"""
    tree: dict[int, dict[int, set[int]]] = {}
    for name in fields:
        match = _INDEX.match(name)
        if not match:
            continue
        i, j, k = (int(g) if g is not None else None for g in match.groups())
        actions = tree.setdefault(i, {})
        if j is not None:
            indicators = actions.setdefault(j, set())
            if k is not None:
                indicators.add(k)
    lines = []
    for i in [*sorted(tree), max(tree, default=-1) + 1]:
        actions = tree.get(i, {})
        slots = []
        for j in [*sorted(actions), max(actions, default=-1) + 1]:
            indicators = sorted(actions.get(j, ()))
            slots.append({"j": j, "indicators": [*indicators, max(indicators, default=-1) + 1]})
        lines.append({"i": i, "actions": slots})
    return lines


def fields_to_content(fields: Mapping[str, str], years: Iterable[int]
                      ) -> tuple[dict[str, Any], dict[str, str]]:
    """The content document the form describes, and how its paths map to field names."""
    years = list(years)
    names: dict[str, str] = {}
    lines = []
    for slot in layout(fields):
        i = slot["i"]
        actions = []
        for action_slot in slot["actions"]:
            prefix = f"l{i}-a{action_slot['j']}-"
            indicators = []
            for k in action_slot["indicators"]:
                ind = f"{prefix}i{k}-"
                values = {key: fields.get(ind + key, "") for key in INDICATOR_FIELDS}
                targets = {str(y): fields.get(f"{ind}t{y}", "") for y in years}
                if _blank([*values.values(), *targets.values()]):
                    continue
                path = f"a{len(actions)}-i{len(indicators)}"
                names[path] = ind
                indicators.append({**{key: v.strip() or None for key, v in values.items()},
                                   "targets": {y: v.strip() for y, v in targets.items()
                                               if v.strip()}})
            values = {key: fields.get(prefix + key, "") for key in ACTION_FIELDS}
            if _blank(values.values()) and not indicators:
                continue
            names[f"a{len(actions)}"] = prefix
            evidence = [e for e in re.split(r"[\s,]+", values["evidence"]) if e]
            actions.append({**{key: values[key].strip() for key in ACTION_FIELDS
                               if key not in ("evidence", "budget")},
                            "budget": values["budget"].strip() or None,
                            "evidence": evidence, "indicators": indicators})
        line = fields.get(f"l{i}-line", "").strip()
        if not line and not actions:
            continue
        position = len(lines)
        names[f"line{position}"] = f"l{i}-"
        for key in [k for k in names if k.startswith("a") and "|" not in k]:
            names[f"{position}|{key}"] = names.pop(key)
        lines.append({"line": line, "actions": actions})
    return {"lines": lines}, names


def field_of(path: str, names: Mapping[str, str]) -> str:
    """The form field a content path refers to (the path itself when it maps to none)."""
    match = _PATH.match(path)
    if not match:
        return path
    li, ai, ii, rest = match.groups()
    if ai is None:
        return names.get(f"line{li}", "") + (rest or "line")
    prefix = names.get(f"{li}|a{ai}" + (f"-i{ii}" if ii is not None else ""))
    if prefix is None:
        return path
    if rest and rest.startswith("targets."):
        return f"{prefix}t{rest.split('.', 1)[1]}"
    if rest and rest.startswith("evidence"):
        return prefix + "evidence"
    return prefix + (rest or "name")


def map_errors(errors: Mapping[str, list[str]], names: Mapping[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path, messages in errors.items():
        if path.startswith("content."):
            path = path[len("content."):]
        out.setdefault(field_of(path, names), []).extend(messages)
    return out
