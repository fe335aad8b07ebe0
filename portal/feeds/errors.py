"""The one error of the feeds: a status and a message, shown as a small JSON body."""

from __future__ import annotations


class FeedError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = str(message)

    def as_json(self) -> dict:
        return {"error": {"status": self.status, "message": self.message}}
