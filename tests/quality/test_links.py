"""The accessibility indicators read the link checker's results: a real check of a local server
(one link answering, one 404) moves the score from "not checked yet" to measured, and a check
whose outcome changes what the score reads asks for the dataset's score by itself."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal import db
from portal.linkcheck import services as linkcheck
from portal.linkcheck.checker import Outcome
from portal.quality import services
from portal.quality.models import QualityPending
from tests import factories
from tests.linkcheck.server import serve


@pytest.fixture
def link_app(make_app, tmp_path):
    return make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
                    PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32",
                    PORTAL_LINKCHECK_TIMEOUT=0.5, PORTAL_LINKCHECK_HOST_DELAY=0.0)


def test_link_checks_feed_the_accessibility_indicators(link_app):
    with serve() as server, link_app.app_context():
        base = f"http://127.0.0.1:{server.port}"
        factories.entity()
        dataset = factories.dataset("enlaces")
        factories.resource(dataset, url=f"{base}/ok/a.csv", name="bien", format="CSV")
        factories.resource(dataset, url=f"{base}/status/404/b.csv", name="roto", format="CSV")
        services.score_datasets([dataset.id])
        before = services.latest(dataset.id)
        assert before.assessment.values()["access_url_status"] is None  # never checked
        assert before.assessment.dimensions["accessibility"] == 0
        assert before.score.links_unchecked == 2 and before.score.links_broken == 0
        assert "access_url_status" in [m.indicator.key for m in before.fixes]

        assert linkcheck.run().checked == 2
        services.score_datasets([dataset.id])
        after = services.latest(dataset.id)
        # One of the two access URLs answers: 50 * 1/2; no download URLs (remote links).
        assert after.assessment.values()["access_url_status"] == 0.5
        assert after.assessment.dimensions["accessibility"] == 25
        assert after.score.links_unchecked == 0 and after.score.links_broken == 1


def test_a_link_check_that_changes_the_score_asks_for_it(link_app, monkeypatch):
    with serve() as server, link_app.app_context():
        base = f"http://127.0.0.1:{server.port}"
        factories.entity()
        dataset = factories.dataset("enlaces-cambian")
        good = factories.resource(dataset, url=f"{base}/ok/a.csv", name="bien", format="CSV")
        factories.resource(dataset, url=f"{base}/status/404/b.csv", name="roto", format="CSV")
        assert services.latest(dataset.id).score.links_unchecked == 2

        assert linkcheck.run().checked == 2  # first checks: the score follows, unasked
        after = services.latest(dataset.id)
        assert after.score.links_unchecked == 0 and after.score.links_broken == 1
        assert after.assessment.values()["access_url_status"] == 0.5

        scored: list[str] = []
        real = services.score_datasets
        monkeypatch.setattr(services, "score_datasets",
                            lambda ids: scored.extend(ids) or real(ids))
        assert linkcheck.run(resource_ids=[good.id], force=True).ok == 1
        assert scored == []  # the same outcome again: nothing the score reads changed

        # The link that answered now fails (the checker's outcome, written by its service).
        linkcheck.record([(good.id, good.url, Outcome("timeout", message="sin respuesta"))])
        assert scored == [dataset.id]
        db.session.remove()  # this test's session still holds the score read above
        assert services.latest(dataset.id).score.links_broken == 2
        assert db.session.scalar(select(func.count()).select_from(QualityPending)) == 0
