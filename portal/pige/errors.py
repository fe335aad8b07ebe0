"""The coded error the pure PIGE core raises, shared by ``procedure`` and ``progress``."""

from __future__ import annotations

from typing import Any


class CodedError(Exception):
    """Input refused. ``code`` is stable; ``message`` is Spanish, built from ``template``.

    ``template`` is marked with ``N_`` where it is written, so the web layer can render
    ``gettext(error.template) % error.params``.
    """

    def __init__(self, code: str, template: str, /, **params: Any):
        self.code = code
        self.template = template
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return self.template % self.params

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "params": dict(self.params)}
