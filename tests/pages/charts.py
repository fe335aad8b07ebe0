"""The charts a page renders with the chart component (templates/macros/chart.html), read back
from its HTML for the page tests: each figure's spec (the JSON static/js/chart.js draws) and the
rows of the table that carries the same figures (the figure's own, or the page's table it links
to), so a test can check that picture and table say the same thing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Figure:
    spec: dict
    #: (label, [cell texts]) of the figure's own table; empty when it links to another.
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    table_id: str | None = None


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.figures: list[Figure] = []
        self.tables: dict[str, list[tuple[str, list[str]]]] = {}
        self._figure: Figure | None = None
        self._depth = 0
        self._in_spec = False
        self._spec_text = ""
        self._table: list | None = None
        self._table_id: str | None = None
        self._row: list[str] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure" and "data-chart" in attributes:
            self._figure, self._depth = Figure(spec={}), 0
        if self._figure is not None and tag == "figure":
            self._depth += 1
        if tag == "script" and "data-chart-spec" in attributes:
            self._in_spec, self._spec_text = True, ""
        if self._figure is not None and tag == "a" and attributes.get("href", "").startswith("#"):
            self._figure.table_id = attributes["href"][1:]
        if tag == "table":
            self._table, self._table_id = [], attributes.get("id")
        if tag == "tr" and self._table is not None:
            self._row = []
        if tag in ("th", "td") and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._in_spec:
            self._spec_text += data
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_spec:
            self._in_spec = False
            if self._figure is not None:
                self._figure.spec = json.loads(self._spec_text)
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        if tag == "tr" and self._row is not None and self._table is not None:
            self._table.append(self._row)
            self._row = None
        if tag == "table" and self._table is not None:
            body = [(row[0], row[1:]) for row in self._table[1:] if row]
            if self._figure is not None:
                self._figure.rows = body
            if self._table_id:
                self.tables[self._table_id] = body
            self._table = None
        if tag == "figure" and self._figure is not None:
            self._depth -= 1
            if self._depth == 0:
                self.figures.append(self._figure)
                self._figure = None


def figures(html: str) -> list[Figure]:
    """The page's chart figures; a figure that links to a table gets that table's rows."""
    reader = _Reader()
    reader.feed(html)
    for figure in reader.figures:
        if figure.table_id is not None:
            figure.rows = reader.tables.get(figure.table_id, [])
    return reader.figures


def assert_table_matches(figure: Figure) -> None:
    """The figure's table holds the spec's labels with each series' texts, row by row."""
    spec = figure.spec
    expected = [(label, [serie["texts"][row] for serie in spec["series"]])
                for row, label in enumerate(spec["labels"])]
    assert figure.rows == expected, (figure.rows, expected)
