"""Quality pages: the observatory (``/observatorio``), each entity's public scorecard
(``/organization/<name>/calidad``) with its embeddable badge, every figure as CSV, the metrics
vocabulary of the DQV measurements, and the dataset page's quality card (a template global)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import charts
from portal.catalog import error_pages
from portal.catalog import services as catalog
from portal.quality import dcat, mqa, observatory, publication, services
from portal.quality.charts import badge as badge_svg
from portal.quality.observatory import Table

bp = Blueprint("quality", __name__)
error_pages.register_portal_errors(bp)

OBSERVATORY_TABLES = {"entidades": lambda: observatory.entity_table(_order()),
                      "tendencia": lambda: observatory.trend_table()}
ENTITY_TABLES = {"mejoras": observatory.fix_table, "conjuntos": observatory.dataset_table,
                 "tendencia": lambda name: observatory.trend_table(name)}


def _csv(table: Table, filename: str) -> Response:
    return Response(table.csv_bytes(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={filename}.csv"})


def _trend_chart(trend: Table) -> dict:
    """The trend as a line (its figures are the page's trend table, ``#trend-table``)."""
    return charts.spec(
        "line", _("Puntuación MQA media por día"), _("Día"), [row[0] for row in trend.rows],
        [charts.series(_("Puntuación MQA media"), [row[2] for row in trend.rows])],
        maximum=mqa.MAX_POINTS,
        note=_("Media de puntos MQA (de %(max)s) de los conjuntos públicos, día a día.",
               max=mqa.MAX_POINTS))


def _dimension_chart(values: dict[str, float]) -> dict:
    """Each dimension's average as a percentage of its maximum (they range from 20 to 110)."""
    return charts.spec(
        "bar", _("Puntos medios por dimensión, en porcentaje de su máximo"), _("Dimensión"),
        [str(mqa.DIMENSION_LABELS[d]) for d in mqa.DIMENSIONS],
        [charts.series(_("Porcentaje del máximo"),
                       [values[d] / mqa.DIMENSION_MAX[d] for d in mqa.DIMENSIONS], "percent")],
        unit="percent", maximum=1, horizontal=True)


RANKING_LABELS = {"puntos_mqa": _l("puntuación"), "enlaces_rotos": _l("enlaces rotos"),
                  "conjuntos_desactualizados": _l("conjuntos desactualizados"),
                  "recursos_invalidos": _l("recursos con errores"),
                  "conjuntos_no_conformes_dcat_ap": _l("no conformes con DCAT-AP")}


def _order() -> str:
    order = request.args.get("orden", "puntos_mqa")
    return order if order in observatory.RANKINGS else "puntos_mqa"


@bp.route("/observatorio")
def observatory_page():
    summary = observatory.catalog_summary()
    order = _order()
    entities = observatory.entity_table(order)
    trend = observatory.trend_table()
    column = observatory.ENTITY_COLUMNS.index(order)
    top = entities.rows[:15]
    ranking = charts.spec(
        "bar", _("Entidades por %(order)s", order=RANKING_LABELS[order]), _("Entidad"),
        [row[1] for row in top],
        [charts.series(RANKING_LABELS[order], [row[column] or 0 for row in top])],
        maximum=mqa.MAX_POINTS if order == "puntos_mqa" else None, horizontal=True,
        note=_("Las quince primeras entidades por %(order)s.", order=RANKING_LABELS[order]))
    dimensions = _dimension_chart(summary["dimensions"])
    return render_template("quality/observatory.html", summary=summary, entities=entities,
                           trend=trend, ranking=ranking, dimensions=dimensions,
                           trend_chart=_trend_chart(trend), mqa=mqa,
                           as_of=observatory.as_of(), published=publication.published_dataset(),
                           order=order, rankings=RANKING_LABELS)


@bp.route("/observatorio/<any(entidades, tendencia):table>.csv")
def observatory_csv(table: str):
    return _csv(OBSERVATORY_TABLES[table](), f"observatorio-{table}")


@bp.route("/organization/<name>/calidad")
def scorecard(name: str):
    entity = catalog.get_entity(name)
    summary, rank = observatory.scorecard(entity.name)
    trend = observatory.trend_table(entity.name)
    dimensions = _dimension_chart(summary["dimensions"]) if summary is not None else None
    return render_template(
        "quality/scorecard.html", entity=entity, summary=summary,
        rank=rank, fixes=observatory.fix_table(entity.name),
        datasets=observatory.dataset_table(entity.name), trend=trend,
        trend_chart=_trend_chart(trend), dimensions=dimensions, mqa=mqa)


@bp.route("/organization/<name>/calidad/<any(mejoras, conjuntos, tendencia):table>.csv")
def scorecard_csv(name: str, table: str):
    entity = catalog.get_entity(name)
    return _csv(ENTITY_TABLES[table](entity.name), f"{entity.name}-calidad-{table}")


@bp.route("/organization/<name>/calidad/insignia.svg")
def badge(name: str):
    entity = catalog.get_entity(name)
    points = observatory.entity_points(entity.name)
    if points is None:
        value, rating = _("sin datos"), ""
    else:
        value, rating = f"{points:g}/{mqa.MAX_POINTS}", mqa.rating(points)
    svg = badge_svg(_("calidad de metadatos"), value, rating)
    return Response(svg, mimetype="image/svg+xml", headers={
        "Cache-Control": "public, max-age=3600", "Cross-Origin-Resource-Policy": "cross-origin"})


@bp.route("/calidad/metricas")
@bp.route("/calidad/metricas.ttl")
def metrics():
    return Response(dcat.metrics_turtle(), mimetype="text/turtle")


def dataset_quality(dataset_id: str):
    """The dataset page's card: the latest score (None before the first), for the template."""
    return services.latest(dataset_id)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(dataset_quality=dataset_quality, quality_mqa=mqa)
    app.extensions.setdefault("dataset_rdf_extras", []).append(dcat.measurement_triples)
