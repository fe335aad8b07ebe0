"""``sitemap.xml``: every public dataset page (sitemaps.org protocol), with its alternates in
each interface language (``xhtml:link hreflang``).

One file holds at most 50,000 addresses; a larger catalog gets a sitemap index pointing to
``/sitemap-<n>.xml`` parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from sqlalchemy import func, select

from portal import db
from portal.catalog import services
from portal.catalog.models import Dataset

PART_SIZE = 50_000
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML = "http://www.w3.org/1999/xhtml"


def public_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(services.public_datasets_query().subquery()))


def parts(total: int) -> int:
    return max(1, -(-total // PART_SIZE))


def _alternates(url: str) -> str:
    """The page in each interface language (``?lang=``), as Google's hreflang sitemaps say."""
    from portal.i18n import LANGUAGES

    links = [(code, f"{url}?lang={code}") for code in LANGUAGES] + [("x-default", url)]
    return "".join(f'<xhtml:link rel="alternate" hreflang="{code}" href="{escape(href)}"/>'
                   for code, href in links)


def urlset(base_url: str, part: int, *, with_home: bool) -> Iterator[str]:
    yield (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{_NS}" '
           f'xmlns:xhtml="{_XHTML}">\n')
    if with_home:
        yield f"<url><loc>{escape(base_url)}/</loc>{_alternates(base_url + '/')}</url>\n"
    rows = db.session.execute(
        services.public_datasets_query()
        .with_only_columns(Dataset.name, Dataset.metadata_modified)
        .order_by(Dataset.name).offset((part - 1) * PART_SIZE).limit(PART_SIZE)
        .execution_options(yield_per=5000)
    )
    for name, modified in rows:
        page = f"{base_url}/dataset/{name}"
        yield (f"<url><loc>{escape(page)}</loc>"
               f"<lastmod>{modified.date().isoformat()}</lastmod>{_alternates(page)}</url>\n")
    yield "</urlset>\n"


def index(base_url: str, total: int) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{_NS}">\n'
    for part in range(1, parts(total) + 1):
        yield f"<sitemap><loc>{escape(base_url)}/sitemap-{part}.xml</loc></sitemap>\n"
    yield "</sitemapindex>\n"
