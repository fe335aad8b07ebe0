"""One report shape for every validator (tables, data packages, OCDS).

Modelled on frictionless's report: a report holds one task per validated thing (a table, a
package resource, an OCDS file) and says whether it is ``valid``, with counts. Each error has a
stable type slug (``type-error``, ``ocds-schema-required``, ``zip-path-escape`` ...), a title, a
message, and its location: ``row`` / ``field`` for tables, ``path`` (a JSON pointer such as
``/releases/0/id``) for JSON data. Errors are data, never exceptions: a validator that meets bad
input returns a report carrying an error that names the problem.

Reports are plain data: ``to_dict()`` gives JSON-ready dicts and ``from_dict()`` reads them back,
so they can be stored per resource and served by the API unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Bumped when the shape of ``Report.to_dict()`` changes incompatibly.
REPORT_FORMAT = 1
#: Version of our validators, recorded in every report (with the engine's, e.g. frictionless).
VALIDATION_VERSION = "1.0"

_LOCATION_KEYS = ("row", "field", "field_number", "path", "value", "note")


@dataclass
class ReportError:
    """One problem found in the data (or in getting at the data)."""

    type: str
    title: str
    message: str
    row: int | None = None
    field: str | None = None
    field_number: int | None = None
    path: str | None = None
    value: Any = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "title": self.title, "message": self.message}
        for key in _LOCATION_KEYS:
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportError:
        return cls(
            type=data["type"],
            title=data.get("title", data["type"]),
            message=data.get("message", ""),
            **{key: data.get(key) for key in _LOCATION_KEYS},
        )


@dataclass
class ReportTask:
    """The validation of one thing: a table, one resource of a package, one OCDS file."""

    name: str
    type: str
    place: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    errors: list[ReportError] = field(default_factory=list)
    warnings: list[ReportError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "place": self.place,
            "valid": self.valid,
            "stats": {**self.stats, "errors": len(self.errors), "warnings": len(self.warnings)},
            "errors": [error.to_dict() for error in self.errors],
            "warnings": [warning.to_dict() for warning in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportTask:
        stats = {k: v for k, v in data.get("stats", {}).items() if k not in ("errors", "warnings")}
        return cls(
            name=data.get("name", ""),
            type=data.get("type", ""),
            place=data.get("place", ""),
            stats=stats,
            errors=[ReportError.from_dict(e) for e in data.get("errors", [])],
            warnings=[ReportError.from_dict(w) for w in data.get("warnings", [])],
        )


@dataclass
class Report:
    """The outcome of one validation run.

    ``errors`` holds problems that belong to no task (an archive that cannot be opened, a
    standard that is not installed); everything found inside a table or file goes to its task.
    """

    validator: str
    validator_version: str
    tasks: list[ReportTask] = field(default_factory=list)
    errors: list[ReportError] = field(default_factory=list)
    warnings: list[ReportError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def valid(self) -> bool:
        return not self.errors and all(task.valid for task in self.tasks)

    @property
    def stats(self) -> dict[str, int | float]:
        return {
            "tasks": len(self.tasks),
            "errors": len(self.errors) + sum(len(t.errors) for t in self.tasks),
            "warnings": len(self.warnings) + sum(len(t.warnings) for t in self.tasks),
            "seconds": round(self.seconds, 3),
        }

    def flatten(self, *, warnings: bool = False) -> list[ReportError]:
        """Every error of the report (report level first, then task by task)."""
        found = list(self.warnings if warnings else self.errors)
        for task in self.tasks:
            found.extend(task.warnings if warnings else task.errors)
        return found

    def error_types(self) -> set[str]:
        return {error.type for error in self.flatten()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "valid": self.valid,
            "validator": self.validator,
            "validator_version": self.validator_version,
            "stats": self.stats,
            "errors": [error.to_dict() for error in self.errors],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "tasks": [task.to_dict() for task in self.tasks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            validator=data["validator"],
            validator_version=data.get("validator_version", ""),
            tasks=[ReportTask.from_dict(t) for t in data.get("tasks", [])],
            errors=[ReportError.from_dict(e) for e in data.get("errors", [])],
            warnings=[ReportError.from_dict(w) for w in data.get("warnings", [])],
            seconds=float(data.get("stats", {}).get("seconds", 0.0)),
        )
