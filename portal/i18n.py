"""Interface language: Spanish by default, every user-facing string translatable."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import Babel

SUPPORTED = ("es", "en")


def _select_locale() -> str:
    from flask import current_app

    chosen = (request.args.get("lang") or request.cookies.get("lang")) \
        if has_request_context() else None
    if chosen in SUPPORTED:
        return chosen
    return current_app.config["PORTAL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    translations = Path(__file__).resolve().parent / "translations"
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(translations))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["PORTAL_DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "America/La_Paz")
    Babel(app, locale_selector=_select_locale)
