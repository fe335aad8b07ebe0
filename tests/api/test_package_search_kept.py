"""``package_search`` keeps each public dataset's dictionary per revision
(``portal.api.dataset_json``): the revision must move with every stamp a dictionary is made of,
or a page would show a kept, stale dictionary."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal import db
from portal.api import dataset_json
from portal.catalog.models import Dataset, Entity, Theme
from portal.datastore.models import DatastoreTable
from portal.linkcheck.models import LinkCheck
from portal.quality.models import QualityScore
from portal.validation.models import ValidationReport
from tests import factories
from tests.api.conftest import ok

LATER = datetime(2030, 1, 1)


def test_the_revision_moves_with_every_stamp_and_only_for_its_dataset(app, world):
    with app.test_request_context():
        kept = factories.dataset("kept", themes=["economia"])
        other = factories.dataset("other")
        resource = factories.resource(kept, format="CSV")
        ids = [kept.id, other.id]
        seen = [dataset_json._revisions(ids)]
        assert set(seen[0]) == {kept.id, other.id}

        def moved(change) -> None:
            change()
            db.session.commit()
            now = dataset_json._revisions(ids)
            assert now[kept.id] not in {before[kept.id] for before in seen}, change.__name__
            assert now[other.id] == seen[-1][other.id], change.__name__
            seen.append(now)

        def validation_report():
            db.session.add(ValidationReport(resource_id=resource.id, status="pending"))

        def validation_finished():
            report = db.session.query(ValidationReport).one()
            report.status, report.finished = "valid", LATER

        def link_check():
            db.session.add(LinkCheck(resource_id=resource.id, status="ok"))

        def link_checked_again():
            db.session.query(LinkCheck).one().checked_at = LATER

        def datastore_load():
            db.session.add(DatastoreTable(resource_id=resource.id, status="done",
                                          finished=LATER))

        def quality_score():
            db.session.add(QualityScore(
                dataset_id=kept.id, day=date(2030, 1, 1), entity_id=kept.entity_id, points=1.0,
                findability=0.2, accessibility=0.2, interoperability=0.2, reusability=0.2,
                contextuality=0.2, computed=LATER))

        def theme_changed():
            db.session.query(Theme).filter_by(name="economia").one().modified = LATER

        def entity_changed():
            db.session.get(Entity, kept.entity_id).modified = LATER + timedelta(days=1)

        def dataset_changed():
            db.session.get(Dataset, kept.id).metadata_modified = LATER + timedelta(days=2)

        for change in (validation_report, validation_finished, link_check, link_checked_again,
                       datastore_load, quality_score, theme_changed, dataset_changed):
            moved(change)
        # The entity is shared by both datasets here: both move.
        entity_changed()
        db.session.commit()
        assert dataset_json._revisions(ids)[kept.id] != seen[-1][kept.id]

        db.session.get(Dataset, other.id).private = True
        db.session.commit()
        assert set(dataset_json._revisions(ids)) == {kept.id}


def test_a_page_shows_a_change_made_after_its_dictionary_was_kept(api, app, world):
    with app.app_context():
        dataset = factories.dataset("kept", themes=["economia"])
        factories.resource(dataset, format="CSV")
    first = ok(api("package_search", {"q": "kept"}))["results"][0]
    assert first == ok(api("package_show", {"id": "kept"}))
    with app.app_context():
        db.session.query(Theme).filter_by(name="economia").one().title = "Economía y finanzas"
        db.session.query(Theme).filter_by(name="economia").one().modified = LATER
        db.session.commit()
    again = ok(api("package_search", {"q": "kept"}))["results"][0]
    assert again == ok(api("package_show", {"id": "kept"}))
    assert again["groups"][0]["title"] == "Economía y finanzas" != first["groups"][0]["title"]
