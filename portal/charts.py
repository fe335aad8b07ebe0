"""The portal's one chart component, server side: the data of a chart as a plain dict (a
"spec") that ``templates/macros/chart.html`` renders as a figure with its data table, and that
``static/js/chart.js`` draws with the vendored Chart.js. The resource page's chart builder makes
the same spec in the browser (``PortalCharts.draw``). A page without JavaScript shows the table.

A spec: ``type`` (``bar``, ``line``, ``pie``), ``title``, ``category`` (the heading of the
labels' column), ``labels``, ``series`` (``[{label, values, texts}]``: ``texts`` are the values
as the table shows them, ``None`` values are gaps), ``unit`` (``number`` or ``percent``, a
fraction shown as a percentage), ``max`` (the value axis' end, or ``None``), ``horizontal``
(bars along the value axis, for long labels), ``ticks`` (shorter labels for the axis; the
table and the tooltips keep ``labels``), ``note`` and ``label`` (what a screen reader hears
for the picture: the title and where the data is). Imports nothing of the domains.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

KINDS = ("bar", "line", "pie")
UNITS = ("number", "percent")


def text(value: float | None, unit: str = "number") -> str:
    """A value as the table shows it, in the reader's locale; a gap is a dash."""
    if value is None:
        return "—"
    if unit == "percent":
        return format_percent(value, format="#,##0 %")
    return format_decimal(value, format="#,##0.##")


def series(label: str, values: Sequence[float | None], unit: str = "number"
           ) -> dict[str, Any]:
    return {"label": str(label), "values": list(values),
            "texts": [text(value, unit) for value in values]}


def spec(kind: str, title: str, category: str, labels: Sequence[Any],
         data: Sequence[dict[str, Any]], *, unit: str = "number", maximum: float | None = None,
         horizontal: bool = False, ticks: Sequence[Any] | None = None, note: str = ""
         ) -> dict[str, Any]:
    """A chart's spec (see the module's docstring); ``data`` from ``series``."""
    if kind not in KINDS or unit not in UNITS:
        raise ValueError(f"unknown chart type or unit: {kind}, {unit}")
    labels = [str(label) for label in labels]
    if ticks is not None and len(ticks) != len(labels):
        raise ValueError("ticks and labels differ in length")
    return {"type": kind, "title": str(title), "category": str(category), "labels": labels,
            "series": list(data), "unit": unit, "max": maximum, "horizontal": horizontal,
            "ticks": [str(tick) for tick in ticks] if ticks is not None else None,
            "note": str(note),
            "label": _("%(title)s. Los datos están en la tabla.", title=title)}
