"""The series page: ``/serie/<name>``, the members in order and one chart across them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.errors import NotAuthorized, NotFound
from portal.quality.charts import line_chart
from portal.series import chart, services

bp = Blueprint("series", __name__)


def member_label(dataset) -> str:
    if dataset.temporal_start:
        if dataset.temporal_end and dataset.temporal_end.year != dataset.temporal_start.year:
            return f"{dataset.temporal_start.year}–{dataset.temporal_end.year}"
        return str(dataset.temporal_start.year)
    return dataset.title


@bp.route("/serie/<name>")
def series_read(name: str):
    try:
        series = services.read_series(name, current_user)
    except (NotFound, NotAuthorized):
        abort(404)
    members = services.members(series, current_user)
    table = chart.series_table(members)
    figure = None
    if table is not None:
        column = table.columns[0]
        points = [(member_label(member), values[0]) for member, values in table.rows]
        figure = line_chart(
            "series-chart", points, max(max(v for _l, v in points), 1),
            _("Total de %(column)s por conjunto de la serie", column=column),
            _("Una línea con el total de la columna %(column)s en cada conjunto de datos, "
              "en el orden de la serie; la tabla siguiente da las mismas cifras.",
              column=column))
    return render_template("series/read.html", series=series, members=members,
                           table=table, figure=figure, member_label=member_label)
