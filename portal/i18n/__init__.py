"""Interface languages: Spanish (the source of every msgid), English, Aymara, Quechua, Guaraní.

The language of a request is, in order: ``?lang=`` in the URL (crawlable: each page lists the
others as ``<link rel="alternate" hreflang>``), the ``lang`` cookie the language switch sets,
the browser's ``Accept-Language``, then ``PORTAL_DEFAULT_LOCALE``. Catalogs live in
``portal/translations``; :mod:`portal.i18n.catalogs` extracts, updates and compiles them.
See docs/i18n.md.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlencode, urlsplit

from babel import support
from flask import Flask, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import Babel, Domain

COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600
# code: (its own name, the CLDR locale that formats its dates and numbers). CLDR has no
# Aymara: Bolivian Spanish formats for it, while its messages come from the "ay" catalog.
LANGUAGES = {
    "es": ("Español", "es"),
    "en": ("English", "en"),
    "ay": ("Aymar aru", "es_BO"),
    "qu": ("Runasimi", "qu_BO"),
    "gn": ("Avañe'ẽ", "gn"),
}


def language() -> str:
    """The interface language of this request (a key of LANGUAGES); the default outside one."""
    default = current_app.config["PORTAL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = g.get("_interface_language")
    if chosen is None:
        chosen = next((code for code in (request.args.get("lang"), request.cookies.get(COOKIE))
                       if code in LANGUAGES), None) or _browser_language() or default
        g._interface_language = chosen
    return chosen


def _browser_language() -> str | None:
    """The browser's most preferred language we have, by primary tag: "en-US" is English even
    when "es" comes later (werkzeug's best_match would take the exact "es")."""
    for tag, _quality in request.accept_languages:  # best quality first
        code = tag.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return None


def _select_locale() -> str:
    return LANGUAGES.get(language(), LANGUAGES["es"])[1]


class _LanguageDomain(Domain):
    """Loads the catalog of the interface language rather than of the formatting locale (they
    differ for Aymara); one Translations object per language and process."""

    def get_translations(self):
        code = language()
        found = self.cache.get(code)
        if found is None:
            found = support.Translations.load(self.translation_directories[0], [code],
                                              self.domain[0])
            self.cache[code] = found
        return found


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _LanguageDomain(domain=self.domain)


def _without_lang(query: str) -> str:
    from urllib.parse import parse_qsl

    pairs = [(key, value) for key, value in parse_qsl(query, keep_blank_values=True)
             if key != "lang"]
    return urlencode(pairs)


def alternates() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of this page in each language, and ``x-default`` (no choice in
    the URL: the cookie, the browser, or Spanish decides)."""
    base = request.base_url
    query = _without_lang(request.query_string.decode("latin-1"))
    links = [(code, f"{base}?{urlencode([('lang', code)])}" + (f"&{query}" if query else ""))
             for code in LANGUAGES]
    return [*links, ("x-default", f"{base}?{query}" if query else base)]


def switch_links() -> list[dict]:
    """The language switch: each language, the address that chooses it and comes back here."""
    here = request.full_path if request.query_string else request.path
    current = language()
    return [{"code": code, "name": name, "current": code == current,
             "href": url_for("i18n.choose", code=code, next=here)}
            for code, (name, _locale) in LANGUAGES.items()]


def _safe_next(target: str | None) -> str:
    """A local path (no scheme, no host) with any ``lang`` parameter removed; "/" otherwise."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//") or "\\" in target:
        return "/"
    query = _without_lang(parts.query)
    return parts.path + (f"?{query}" if query else "")


def choose(code: str):
    """Keep ``code`` in the cookie and go back to the page the switch was used on."""
    if code not in LANGUAGES:
        from werkzeug.exceptions import NotFound

        raise NotFound()
    response = redirect(_safe_next(request.args.get("next")), code=303)
    response.set_cookie(COOKIE, code, max_age=COOKIE_SECONDS, samesite="Lax",
                        secure=request.is_secure, httponly=True)
    return response


def _template_context() -> dict:
    return {"language_alternates": alternates, "language_switch": switch_links}


def init_app(app: Flask) -> None:
    from flask import Blueprint

    from portal.i18n import catalogs

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(catalogs.TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["PORTAL_DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "America/La_Paz")
    _Babel(app, locale_selector=_select_locale)
    catalogs.compile_stale()
    blueprint = Blueprint("i18n", __name__)
    blueprint.add_url_rule("/language/<code>", "choose", choose)
    app.register_blueprint(blueprint)
    app.context_processor(_template_context)
    app.cli.add_command(catalogs.i18n_group)
