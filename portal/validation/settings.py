"""The few settings the validators read, from the running app's config when there is one.

The validators know nothing of Flask; this module is their one look at it, and it only reads.
Inside the app (requests, workers, ``portal`` commands) a setting comes from ``app.config``,
where ``portal.config`` declared it; outside (a script, the bench, the plain CLI) it comes from
the environment variable of the same name.
"""

from __future__ import annotations

import os
from typing import Any


def setting(name: str, default: Any = None) -> Any:
    """``app.config[name]`` inside an app context, else ``$name``, else ``default``."""
    from flask import current_app, has_app_context

    if has_app_context():
        value = current_app.config.get(name)
        if value not in (None, ""):
            return value
    value = os.environ.get(name)
    return value if value not in (None, "") else default
