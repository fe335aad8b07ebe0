"""Markdown of descriptions, rendered safely: ``markdown`` makes HTML, ``nh3`` keeps only a short
list of harmless tags and attributes, so a publisher's ``<script>`` or ``onclick`` never reaches
a visitor's browser."""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"},
                      "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> md.Markdown:
    """One Markdown converter per thread: building one (with its extensions) costs more than
    converting a description."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["extra", "sane_lists"],
                                                   output_format="html")
    return converter.reset()


def render_markdown(text: str | None) -> Markup:
    """Sanitised HTML of a Markdown text. Headings start at h2: the page owns the h1."""
    if not text:
        return Markup("")
    return Markup(_render(text))  # sanitised by nh3 in _render


@lru_cache(maxsize=1024)
def _render(text: str) -> str:
    rendered = _converter().convert(text)
    rendered = re.sub(r"<(/?)h1\b", r"<\1h2", rendered)
    return nh3.clean(rendered, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="nofollow noopener noreferrer")


@lru_cache(maxsize=4096)
def plain_excerpt(text: str | None, length: int = 180) -> str:
    """The first paragraph of a Markdown text, without markup and cut at ``length``, for lists."""
    if not text:
        return ""
    rendered = _converter().convert(text)
    first = re.search(r"<p>(.*?)</p>", rendered, re.DOTALL)
    fragment = first.group(1) if first else rendered
    plain = html.unescape(nh3.clean(fragment, tags=set()))
    plain = re.sub(r"\s+", " ", plain).strip()
    if len(plain) <= length:
        return plain
    return plain[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


#: Tags whose end separates words in plain text (cells of a table, items of a list...).
_BLOCK_ENDS = re.compile(r"</(?:p|li|td|th|tr|h[2-6]|pre|blockquote|dd|dt)>|<br\s*/?>|<hr\s*/?>")


@lru_cache(maxsize=4096)
def plain_text(text: str | None) -> str:
    """All of a Markdown text as a reader sees it on the page, without markup: rendered and
    sanitised, then stripped of tags (table cells and list items kept apart by a space)."""
    if not text:
        return ""
    stripped = nh3.clean(_BLOCK_ENDS.sub(" ", _render(text)), tags=set())
    return re.sub(r"\s+", " ", html.unescape(stripped)).strip()

