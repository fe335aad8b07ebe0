"""PIGE actions live with their domain, in ``portal.pige.api``; importing it registers them."""

from portal.pige import api  # noqa: F401
