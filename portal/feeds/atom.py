"""Atom feeds (RFC 4287): new and updated public datasets, and the history of a dataset or an
entity."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from portal.catalog.models import Dataset

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)
SUMMARY_LENGTH = 1000


def _stamp(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat() + "Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _feed(*, title: str, self_url: str, alternate_url: str,
          updated: datetime | None) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "es"})
    _sub(feed, "id", self_url)
    _sub(feed, "title", title)
    _sub(feed, "updated", _stamp(updated) if updated else "1970-01-01T00:00:00Z")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=alternate_url)
    _sub(feed, "generator", "Datos Abiertos")
    return feed


def atom_feed(datasets: list[Dataset], *, base_url: str, title: str, self_url: str,
              updated: datetime | None) -> bytes:
    feed = _feed(title=title, self_url=self_url, alternate_url=f"{base_url}/dataset",
                 updated=updated)
    for dataset in datasets:
        page = f"{base_url}/dataset/{dataset.name}"
        entry = _sub(feed, "entry")
        _sub(entry, "id", page)
        _sub(entry, "title", dataset.title)
        _sub(entry, "updated", _stamp(dataset.metadata_modified))
        _sub(entry, "published", _stamp(dataset.metadata_created))
        _sub(entry, "link", rel="alternate", type="text/html", href=page)
        _sub(entry, "link", rel="alternate", type="text/turtle", href=f"{page}.ttl")
        author = _sub(entry, "author")
        _sub(author, "name", dataset.entity.title)
        _sub(author, "uri", f"{base_url}/organization/{dataset.entity.name}")
        for theme in dataset.themes:
            _sub(entry, "category", term=theme.name, label=theme.title,
                 scheme=f"{base_url}/group")
        for tag in dataset.tags:
            _sub(entry, "category", term=tag.name)
        if dataset.description:
            summary = dataset.description
            if len(summary) > SUMMARY_LENGTH:
                summary = summary[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"
            _sub(entry, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def history_feed(entries: list[dict], *, title: str, self_url: str, alternate_url: str,
                 updated: datetime | None) -> bytes:
    """An activity history as Atom: each entry a dict with ``id`` (its permanent link),
    ``title``, ``updated``, ``author`` and ``summary`` (plain text)."""
    feed = _feed(title=title, self_url=self_url, alternate_url=alternate_url, updated=updated)
    for item in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", item["id"])
        _sub(entry, "title", item["title"])
        _sub(entry, "updated", _stamp(item["updated"]))
        _sub(entry, "link", rel="alternate", type="text/html", href=item["id"])
        _sub(_sub(entry, "author"), "name", item["author"])
        if item.get("summary"):
            _sub(entry, "summary", item["summary"], type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
