"""The accessibility indicators read the link checker's results: a real check of a local server
(one link answering, one 404) moves the score from "not checked yet" to measured."""

from __future__ import annotations

import pytest

from portal.linkcheck import services as linkcheck
from portal.quality import services
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
