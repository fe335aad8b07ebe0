"""The message catalogs: messages.pot follows the code, English is complete, every catalog
compiles with the right plural rule, and what is not translated falls back to Spanish."""

from __future__ import annotations

import shutil

import pytest
from babel.messages.pofile import read_po

from portal.i18n import LANGUAGES, catalogs

TRANSLATED = [code for code in LANGUAGES if code != "es"]  # Spanish is the source language


def _read(path, locale=None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _po(code):
    return catalogs.TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    output = tmp_path_factory.mktemp("pot") / "messages.pot"
    catalogs.extract(output)
    return _read(output)


def test_every_msgid_in_the_code_is_in_messages_pot(extracted):
    """Fails when someone adds a string without `portal i18n update` (docs/i18n.md)."""
    template = _read(catalogs.POT)
    missing = sorted(str(message.id) for message in extracted
                     if message.id and message.id not in template)
    assert not missing, f"run `portal i18n update`; missing from messages.pot: {missing[:10]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalog_has_exactly_the_msgids_of_the_template(code):
    template = {message.id for message in _read(catalogs.POT) if message.id}
    assert {message.id for message in _read(_po(code)) if message.id} == template


def test_the_english_catalog_has_no_untranslated_entry():
    untranslated = [message.id for message in _read(_po("en"))
                    if message.id and not _translated(message)]
    assert not untranslated, untranslated[:10]


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_the_placeholders_of_their_msgid(code):
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in _read(_po(code)).check()]
    assert not problems, problems[:5]


@pytest.mark.parametrize(("code", "plurals"), [
    ("en", "nplurals=2; plural=(n != 1);"),
    # CLDR: Quechua and Guaraní have one plural category ("other"); Aymara is not in CLDR and,
    # like them, does not inflect a noun counted by a numeral: one form too.
    ("qu", "nplurals=1; plural=0;"), ("gn", "nplurals=1; plural=0;"),
    ("ay", "nplurals=1; plural=0;"),
])
def test_plural_rules_follow_cldr(code, plurals):
    from babel import Locale, UnknownLocaleError

    assert _read(_po(code)).mime_headers and f"Plural-Forms: {plurals}" in _po(code).read_text()
    try:
        categories = Locale.parse(code).plural_form.tags
    except UnknownLocaleError:
        assert code == "ay"
        return
    assert len(categories | {"other"}) == int(plurals.split("=")[1].split(";")[0])


def test_only_the_needs_review_convention_marks_doubt():
    """gettext drops fuzzy entries when compiling: doubtful translations carry the translator
    comment "needs review" instead, so they are used (and easy to find)."""
    for code in TRANSLATED:
        assert not [message.id for message in _read(_po(code)) if message.id and message.fuzzy]
    reviewed = [message for code in ("ay", "qu", "gn") for message in _read(_po(code))
                if "needs review" in message.user_comments]
    assert reviewed and all(message.string for message in reviewed)


def test_the_compile_command_builds_every_mo(runner, tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs, "TRANSLATIONS", copy)
    monkeypatch.setattr(catalogs, "SOURCE", tmp_path)
    result = runner.invoke(args=["i18n", "compile"])
    assert result.exit_code == 0, result.output
    for code in TRANSLATED:
        assert (copy / code / "LC_MESSAGES" / "messages.mo").stat().st_size > 0
        assert f"translations/{code}/LC_MESSAGES/messages.mo" in result.output


def test_a_stale_mo_is_recompiled_and_a_fresh_one_left_alone(tmp_path, monkeypatch):
    copy = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(catalogs, "TRANSLATIONS", copy)
    assert len(catalogs.compile_stale()) == len(TRANSLATED)
    assert catalogs.compile_stale() == []
    po = copy / "qu" / "LC_MESSAGES" / "messages.po"
    mo = po.with_suffix(".mo")
    import os

    os.utime(po, (mo.stat().st_mtime + 10, mo.stat().st_mtime + 10))
    assert catalogs.compile_stale() == [mo]


@pytest.mark.parametrize("code", ["ay", "qu", "gn"])
def test_indigenous_catalogs_translate_the_switch_and_fall_back_to_spanish(app, code):
    from flask_babel import gettext, ngettext

    with app.test_request_context(f"/?lang={code}"):
        assert gettext("Idioma") == _read(_po(code)).get("Idioma").string != "Idioma"
        assert gettext("Saltar al contenido principal") == "Saltar al contenido principal"
        assert ngettext("%(num)s conjunto de datos", "%(num)s conjuntos de datos", 3) \
            == "3 conjuntos de datos"


def test_english_plural_forms_are_used(app):
    from flask_babel import ngettext

    with app.test_request_context("/?lang=en"):
        assert ngettext("%(num)s conjunto de datos", "%(num)s conjuntos de datos", 1) \
            == "1 dataset"
        assert ngettext("%(num)s conjunto de datos", "%(num)s conjuntos de datos", 2) \
            == "2 datasets"
