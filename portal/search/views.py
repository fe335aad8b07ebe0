"""Routes of search: suggestions for the search box, CKAN's autocomplete utilities and the search
page's results as CSV. ``init_app`` also makes the search index the engine of the catalog's dataset
lists (``portal.catalog.listing.find_datasets``).

* ``/search/suggest?q=matr`` -> ``{"q", "suggestions": [{"kind", "text", "url"}]}``: keywords and
  dataset titles for the words typed so far (the search box's script reads it).
* ``/api/2/util/dataset/autocomplete?incomplete=matr`` -> CKAN's
  ``{"ResultSet": {"Result": [{"match_field", "match_displayed", "name", "title"}]}}``.
* ``/api/2/util/tag/autocomplete?incomplete=sal`` -> ``{"ResultSet": {"Result": [{"Name"}]}}``.
* ``/dataset.csv?<the search page's parameters>``: every matching dataset, one row per resource,
  in the columns of ``/catalog.csv``.
"""

from __future__ import annotations

import io
import json

from flask import (
    Blueprint,
    Flask,
    Response,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from portal import csvsafe
from portal.catalog.listing import FINDER_EXTENSION, ListParams
from portal.errors import ValidationError
from portal.feeds.documents import base_url
from portal.feeds.records import CSV_COLUMNS, csv_rows
from portal.search import get_backend, pages
from portal.search.backend import MAX_ROWS

bp = Blueprint("search", __name__)

DEFAULT_SUGGESTIONS = 8
MAX_SUGGESTIONS = 20
#: Longest text the suggestion routes look at (a search box, not a document).
MAX_TYPED = 100


def _json(body) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")


def _limit() -> int:
    try:
        limit = int(request.args.get("limit", DEFAULT_SUGGESTIONS))
    except ValueError:
        limit = DEFAULT_SUGGESTIONS
    return max(1, min(limit, MAX_SUGGESTIONS))


def _typed(name: str) -> str:
    return (request.args.get(name) or "")[:MAX_TYPED]


@bp.route("/search/suggest")
def suggest():
    typed = _typed("q")
    suggestions = []
    for item in get_backend().suggest(typed, _limit()) if typed.strip() else []:
        url = (url_for("dataset.read", name=item.name) if item.kind == "title" and item.name
               else url_for("dataset.search", tags=item.text))
        suggestions.append({"kind": item.kind, "text": item.text, "url": url})
    return _json({"q": typed, "suggestions": suggestions})


@bp.route("/api/2/util/dataset/autocomplete")
def dataset_autocomplete():
    """CKAN's dataset autocomplete: titles of public datasets for the words typed."""
    typed, limit = _typed("incomplete"), _limit()
    # Keywords take at most half of what suggest returns: ask twice as many to get ``limit`` titles.
    found = get_backend().suggest(typed, 2 * limit) if typed.strip() else []
    titles = [item for item in found if item.kind == "title"][:limit]
    return _json({"ResultSet": {"Result": [
        {"match_field": "title", "match_displayed": item.text, "name": item.name,
         "title": item.text}
        for item in titles
    ]}})


@bp.route("/api/2/util/tag/autocomplete")
def tag_autocomplete():
    """CKAN's tag autocomplete: keywords of public datasets that start with what was typed."""
    typed, limit = _typed("incomplete"), _limit()
    found = get_backend().suggest(typed, 2 * limit) if typed.strip() else []
    keywords = [item.text for item in found if item.kind == "keyword"][:limit]
    return _json({"ResultSet": {"Result": [{"Name": keyword} for keyword in keywords]}})


@bp.route("/dataset.csv")
def dataset_csv():
    """The search of ``/dataset`` with the same parameters, every page of it, as CSV."""
    params = ListParams.from_args(request.args, MAX_ROWS)
    actor = current_user._get_current_object()
    backend = get_backend()
    try:
        first = backend.search(pages.search_query(params, actor, start=0, rows=MAX_ROWS))
    except ValidationError as exc:
        message = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in exc.fields.items())
        return Response(message + "\n", 400, mimetype="text/plain")
    base = base_url()

    def rows():
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        result, start = first, 0
        while result.hits:
            for dataset in pages.datasets_in_order(result.ids, actor):
                writer.writerows(csv_rows(dataset, base))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            start += MAX_ROWS
            if start >= result.count:
                break
            result = backend.search(pages.search_query(params, actor, start=start, rows=MAX_ROWS))
        yield buffer.getvalue()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = "inline; filename=conjuntos-de-datos.csv"
    return response


def _suggest_url() -> dict[str, str]:
    return {"search_suggest_url": url_for("search.suggest")}


def init_app(app: Flask) -> None:
    """Register the routes, the search box's suggestions and the engine of the dataset lists."""
    app.register_blueprint(bp)
    app.extensions[FINDER_EXTENSION] = pages.find_datasets
    app.extensions["search_version"] = lambda: get_backend(app).version()
    app.context_processor(_suggest_url)
