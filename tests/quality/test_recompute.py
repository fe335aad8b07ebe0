"""Recomputation and the other domains' figures: a harvest-sized bulk write scores its datasets
in batches, the nightly job is on the schedule, validation results and PIGE plans reach the
observatory, and ``portal quality show`` prints a dataset's score."""

from __future__ import annotations

import datetime as dt

import pytest

from portal import db
from portal.catalog import services as catalog
from portal.jobs.registry import JOBS
from portal.pige import services as pige
from portal.quality import observatory, services
from portal.quality.tasks import NIGHTLY
from portal.validation import services as validation
from tests import factories
from tests.pige.builders import content

pytestmark = pytest.mark.usefixtures("ctx")


def test_the_nightly_recomputation_is_scheduled():
    assert JOBS["quality.recompute"].every == NIGHTLY == 86400
    assert JOBS["quality.score_datasets"].lock_key({"dataset_ids": ["a"]}) == \
        JOBS["quality.recompute"].lock_key({})


def test_a_bulk_write_scores_its_datasets_in_batches():
    factories.entity()
    with catalog.announcements_in_batches(size=2):
        created = [factories.dataset(f"lote-{i}").id for i in range(5)]
        # Two batches of two were scored as the bulk went; the fifth waits for its end.
        assert [services.latest(i) is not None for i in created] == [True] * 4 + [False]
    assert all(services.latest(i) is not None for i in created)


def test_validation_results_reach_the_figures():
    factories.entity()
    dataset = factories.dataset("tablas")
    good = factories.resource(dataset, content=b"a,b\n1,2\n", filename="bien.csv")
    bad = factories.resource(dataset, content=b"a,a\n1\n", filename="mal.csv")
    for resource in (good, bad):
        validation.validate_resource(catalog.get_resource(resource.id))
    services.score_datasets([dataset.id])
    score = services.latest(dataset.id).score
    assert (score.resources, score.resources_valid, score.resources_invalid) == (2, 1, 1)
    row = dict(zip(observatory.ENTITY_COLUMNS, observatory.entity_table().rows[0], strict=True))
    assert (row["recursos"], row["recursos_validos"], row["recursos_invalidos"]) == (2, 1, 1)


def test_pige_plans_reach_the_figures():
    factories.entity("mpd", title="Ministerio de Planificación del Desarrollo")
    factories.dataset("plan-datos", entity_name="mpd")
    root = factories.user("root", sysadmin=True)
    pige.create_plan("mpd", {"title": "Plan del MPD", "summary": "Resumen",
                             "content": content()}, root, on=dt.date(2026, 1, 12))
    services.recompute_all()
    row = dict(zip(observatory.ENTITY_COLUMNS, observatory.entity_table().rows[0], strict=True))
    assert row["entidad"] == "mpd"
    assert row["pige_estado"] == pige.get_plan("mpd").latest.state and row["pige_aprobado"] == "no"


def test_cli_show(app):
    factories.entity()
    dataset = factories.dataset("mostrar", keywords=["a"])
    db.session.commit()
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["quality", "show", "mostrar"])
    assert shown.exit_code == 0, shown.output
    points = services.latest(dataset.id).assessment.points
    assert f"mostrar: {points:g} / 405" in shown.output and "findability: 30 / 100" in shown.output
    missing = runner.invoke(args=["quality", "show", "nada"])
    assert missing.exit_code != 0 and "nada" in missing.output


def test_overdue_datasets_match_the_freshness_check():
    from portal.quality import freshness

    entity = factories.entity()
    factories.dataset("anual-viejo", frequency="ANNUAL", modified="2020-01-01",
                      issued="2020-01-01")
    factories.dataset("anual-al-dia", frequency="ANNUAL", modified=services.today().isoformat())
    factories.dataset("sin-frecuencia")
    services.recompute_all()
    row = dict(zip(observatory.ENTITY_COLUMNS, observatory.entity_table().rows[0], strict=True))
    assert row["conjuntos_desactualizados"] == freshness.entity_counts()[entity.id]["overdue"] == 1
    assert observatory.catalog_summary()["overdue"] == 1
