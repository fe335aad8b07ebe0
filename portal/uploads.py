"""What an upload may be: refused by name and by content, before storage keeps any of it.

By name: the extensions of ``PORTAL_UPLOAD_FORBIDDEN_EXTENSIONS``, read the way Windows and web
servers read a name (``evil.php.``, ``evil.php `` and ``EVIL.PHP`` are ``.php`` files).

By content, whatever the name: programs (ELF, Windows PE, Mach-O, WebAssembly, ``#!`` scripts)
and markup a browser would run: an HTML page (what a browser's sniffer takes for HTML), SVG,
XSLT, HTA, and XML that holds a script, an XSLT stylesheet or the XHTML or SVG namespaces. XML
data (``<?xml ...?><datos>...``, even with a ``<table>`` root), CSV, JSON and spreadsheets pass.
The first ``HEAD_BYTES`` are inspected; past them, a file is still served only as an attachment
with a Content-Type that cannot run (``download_type``) and a sandboxing policy
(``DOWNLOAD_CSP``), so a missed page never runs on the portal's origin.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from portal.errors import ValidationError

HEAD_BYTES = 64 * 1024

#: Media types a browser renders or runs: downloads of them are sent as opaque bytes.
RUNNABLE_TYPES = {
    "text/html", "application/xhtml+xml", "image/svg+xml", "image/svg+xml-compressed",
    "text/javascript", "application/javascript", "application/x-javascript", "text/ecmascript",
    "application/ecmascript", "application/hta", "text/vnd.wap.wml",
    "application/x-shockwave-flash", "text/xsl", "application/xslt+xml", "multipart/related",
    "message/rfc822", "application/x-httpd-php", "text/x-php",
}
#: Sent with every stored file: nothing in it may run or load anything, even if a browser
#: were to render it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"

#: Root elements of runnable markup in any document: HTML, SVG, XSLT, HTA.
_RUNNABLE_ROOT = re.compile(rb"<(html|svg|xsl:stylesheet|xsl:transform|hta:application)[\s>/]")
#: The starts a browser's MIME sniffer takes for HTML (WHATWG MIME Sniffing, 7.1): they count
#: in a document without an XML declaration (with one, ``<table>`` is a data element).
_SNIFFED_HTML = re.compile(
    rb"<(!doctype\s+html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|!--"
    rb"|object|embed|frameset|meta|link|form|img|base)[\s>/]",
)
#: What makes an XML document run something when a browser displays it.
_XML_ACTIVE = re.compile(
    rb"<([a-z0-9_.-]+:)?script[\s>/]|http://www\.w3\.org/1999/xhtml"
    rb"|http://www\.w3\.org/2000/svg|http://www\.w3\.org/1999/xsl/transform|<\?xml-stylesheet",
)
_PROLOGUE = re.compile(rb"\s+|<\?xml[^>]*\?>|<!--.*?-->|<!doctype[^>\[]*(\[.*?\])?\s*>",
                       re.DOTALL)


def _refuse(message) -> ValidationError:
    return ValidationError({"upload": [str(message)]})


def extension(filename: str) -> str:
    """The extension the file system and a web server would go by, lower-case."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.split(":", 1)[0]  # NTFS streams: evil.php::$DATA
    name = name.rstrip(". \t\r\n\x00").lower()
    return name.rpartition(".")[2] if "." in name else ""


def check_name(filename: str, forbidden: set[str]) -> None:
    ext = extension(filename)
    # Also as storage will write it: ASCII letters and digits only (``.p-h-p``, ``.ｐｈｐ``).
    stored = unicodedata.normalize("NFKD", ext).encode("ascii", "ignore").decode()
    for candidate in (ext, re.sub(r"[^a-z0-9]+", "", stored)):
        if candidate in forbidden:
            raise _refuse(_l("No se permiten archivos .%(ext)s por seguridad.", ext=candidate))


def _program(head: bytes) -> str | None:
    """The kind of program ``head`` starts, or ``None``."""
    if head.startswith(b"\x7fELF"):
        return "ELF"
    if head.startswith(b"MZ") and len(head) >= 64:
        offset = int.from_bytes(head[0x3C:0x40], "little")
        if head[offset:offset + 4] == b"PE\x00\x00":
            return "Windows PE"
    if head[:4] in {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                    b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"}:
        return "Mach-O"
    if head.startswith(b"\x00asm"):
        return "WebAssembly"
    if head.startswith(b"#!"):
        return "script (#!)"
    return None


def _as_ascii_text(head: bytes) -> bytes:
    """The head as lower-case bytes in an ASCII-compatible encoding, without a byte-order mark."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, errors="ignore")
            return text.encode("utf-8", errors="ignore").lower()
    return head.removeprefix(codecs.BOM_UTF8).lower()


def _markup(head: bytes) -> str | None:
    """What runnable markup ``head`` is, or ``None`` (data, XML data included)."""
    text = _as_ascii_text(head).lstrip()
    if not text.startswith(b"<"):
        return None
    if not text.startswith(b"<?xml") and _SNIFFED_HTML.match(text):
        return "HTML"
    root = 0
    while (match := _PROLOGUE.match(text, root)) and match.end() > root:
        root = match.end()
    if _RUNNABLE_ROOT.match(text, root):
        return "HTML/SVG"
    if _XML_ACTIVE.search(text):
        return "XML"
    return None


def check_content(head: bytes) -> None:
    program = _program(head)
    if program:
        raise _refuse(_l("El archivo es un programa ejecutable (%(kind)s): no se permite por "
                         "seguridad.", kind=program))
    markup = _markup(head)
    if markup:
        raise _refuse(_l("El archivo es una página web o un documento con código que el "
                         "navegador ejecutaría (%(kind)s): no se permite por seguridad. Publique "
                         "los datos como CSV, JSON o XML de datos.", kind=markup))


class _Rejoined(io.RawIOBase):
    """The inspected head followed by the rest of the stream, read as one stream."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def screen(stream: BinaryIO, filename: str, forbidden: set[str]) -> BinaryIO:
    """Refuse the upload (``ValidationError`` on ``upload``) by its name or its first bytes;
    else return a stream that reads the whole file, first bytes included."""
    check_name(filename, forbidden)
    head = b""
    while len(head) < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    check_content(head)
    return _Rejoined(head, stream)


def download_type(media_type: str | None) -> str:
    """The Content-Type a stored file is sent with: its own, unless a browser would run it."""
    base = (media_type or "").split(";", 1)[0].strip().lower()
    if not base or base in RUNNABLE_TYPES:
        return "application/octet-stream"
    return media_type
