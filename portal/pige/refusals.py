"""Refused PIGE input as data: a ``ValidationError`` whose problems each carry a stable code.

The pure core raises ``TransitionError`` and ``ProgressError`` (code, Spanish template, params);
the services turn them, and their own checks, into ``PlanRefused`` so pages, the API and the CLI
show them like any other validation error, with the message translated
(``gettext(template) % params``) and the field it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from portal.errors import ValidationError


def translate(template: str, params: dict[str, Any]) -> str:
    """``gettext(template) % params``; the template itself outside an application context."""
    try:
        from flask_babel import gettext

        text = gettext(template)
    except (RuntimeError, KeyError):  # no app or no Babel: keep the Spanish source text
        text = template
    return text % params if params else text


@dataclass(frozen=True)
class Problem:
    """One reason for refusing: the field it concerns, a stable code and the message."""

    field: str
    code: str
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return translate(self.template, self.params)

    @classmethod
    def from_error(cls, field_name: str, error: Any) -> Problem:
        """From the core's ``TransitionError`` or ``ProgressError``."""
        return cls(field_name, error.code, error.template, dict(error.params))

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message}


class PlanRefused(ValidationError):
    """Input refused; nothing was changed. ``code`` is the first problem's code."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("a refusal needs at least one problem")
        self.code = self.problems[0].code
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            fields.setdefault(problem.field, []).append(problem.message)
        super().__init__(fields)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


def refuse(field_name: str, code: str, template: str, /, **params: Any) -> PlanRefused:
    """A refusal with one problem (``raise refuse(...)``)."""
    return PlanRefused([Problem(field_name, code, template, params)])
