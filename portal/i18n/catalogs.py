"""The message catalogs: ``portal i18n extract|update|compile``, wrappers of pybabel with the
project's settings (babel.cfg, the ``_l`` and ``N_`` keywords), and the compilation of stale
``.mo`` files when the app starts (they are built, never committed). A wheel carries the ``.mo``
files only: ``setup.py`` compiles them with ``compile_catalog`` when it builds the wheel, so this
module imports nothing from the portal and needs only click and babel."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
POT = TRANSLATIONS / "messages.pot"
SOURCE = TRANSLATIONS.parent.parent  # the source tree: babel.cfg and the code it names
KEYWORDS = ("_l", "N_")
log = logging.getLogger(__name__)


def _pybabel(*args: str) -> None:
    """pybabel in the source tree (locations in the catalogs stay relative to it)."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args],
                   cwd=SOURCE, check=True)


def extract(output: Path = POT) -> None:
    """Every translatable string of the code and templates into ``output`` (a .pot)."""
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    _pybabel("extract", "-F", str(SOURCE / "babel.cfg"), *keywords,
             "--project", "Datos Abiertos", "--copyright-holder", "Datos Abiertos",
             "--sort-by-file", "-o", str(output), ".")


def update() -> None:
    """Bring every language's .po up to messages.pot: new msgids untranslated (no fuzzy guess:
    gettext would ignore it anyway), vanished ones dropped (git keeps them)."""
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
             "--ignore-obsolete", "--ignore-pot-creation-date", "-w", "100")


def catalogs() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def compile_catalog(po: Path, target: Path | None = None) -> Path:
    """``po`` compiled into ``target``, by default beside it (written to a temporary file, then
    renamed: processes starting together never read half a file)."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name.replace("-", "_"))
    # Babel would compile an untranslated plural entry as its Spanish singular for every count;
    # left out, gettext falls back to the Spanish msgid with Spanish plural rules.
    for message in list(catalog):
        if message.id and message.pluralizable and not all(message.string):
            catalog.delete(message.id, message.context)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    target = target or po.with_suffix(".mo")
    fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".mo.tmp")
    os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide it from a service user, or in a wheel
    with os.fdopen(fd, "wb") as handle:
        handle.write(buffer.getvalue())
    os.replace(temporary, target)
    return target


def compile_stale(force: bool = False) -> list[Path]:
    """Compile the catalogs whose .mo is missing or older than their .po. A read-only install
    (compiled when installed: ``portal i18n compile``) is left as it is."""
    done = []
    for po in catalogs():
        mo = po.with_suffix(".mo")
        if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            try:
                done.append(compile_catalog(po))
            except OSError as exc:
                log.warning("Cannot compile %s: %s", po, exc)
    return done


@click.group("i18n")
def i18n_group() -> None:
    """Message catalogs of the interface (docs/i18n.md)."""


@i18n_group.command("extract")
def extract_command() -> None:
    """Re-extract portal/translations/messages.pot from the code and templates."""
    extract()
    click.echo(f"Extracted {POT.relative_to(SOURCE)}.")


@i18n_group.command("update")
@click.option("--extract/--no-extract", "first", default=True,
              help="Re-extract messages.pot first (default).")
def update_command(first: bool) -> None:
    """Update every language's .po from messages.pot."""
    if first:
        extract()
    update()
    click.echo(f"Updated {len(catalogs())} catalogs.")


@i18n_group.command("compile")
def compile_command() -> None:
    """Compile every .po into its .mo (run at install; the app also does it when stale)."""
    for mo in compile_stale(force=True):
        click.echo(f"Compiled {mo.relative_to(SOURCE)}.")
