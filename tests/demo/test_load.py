"""``portal demo load`` through the real services, on the test database."""

from __future__ import annotations

import hashlib
import itertools

import pytest
from sqlalchemy import func, select

from portal import db
from portal.catalog import services
from portal.catalog.models import Dataset, Entity, Resource, Theme
from portal.demo.catalog import demo_entities, demo_themes, iter_demo_datasets
from portal.demo.load import load_demo
from portal.pige.registry import REGISTRY_NAME
from portal.storage import storage


@pytest.fixture
def demo_runner(runner):
    return runner


def _totals() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in (("entities", Entity), ("themes", Theme), ("datasets", Dataset),
                            ("resources", Resource))
    }


def test_demo_load_twice_gives_the_same_catalog(app, demo_runner):
    generated = list(iter_demo_datasets())
    first = demo_runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert f"{len(generated)} datasets ({len(generated)} new)" in first.output
    with app.app_context():
        after_first = _totals()
    # The demo PIGE plans add the registry of plans: one dataset with a CSV and a JSON file.
    assert after_first == {
        "entities": len(demo_entities()), "themes": len(demo_themes()),
        "datasets": len(generated) + 1,
        "resources": sum(len(item["resources"]) for item in generated) + 2,
    }
    assert "12 PIGE plans (12 new)" in first.output

    second = demo_runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert f"{len(generated)} datasets (0 new)" in second.output
    assert "resources (0 new)" in second.output
    with app.app_context():
        assert _totals() == after_first

        # The stored files are the generated ones, byte for byte.
        item = generated[0]
        dataset = services.get_dataset(item["name"])
        for resource, expected in zip(dataset.resources, item["resources"], strict=True):
            assert resource.is_upload and resource.format == expected["format"]
            assert resource.sha256 == hashlib.sha256(expected["content"]).hexdigest()
            with storage().open(resource.storage_key) as fh:
                assert fh.read() == expected["content"]
            assert resource.schema == expected["schema"]
        assert sorted(dataset.keywords) == sorted(item["keywords"])
        private = sum(1 for item in generated if item["private"] or item["state"] != "active")
        assert services.count_public_datasets() == len(generated) - private + 1
        assert services.get_dataset(REGISTRY_NAME).entity.name == "agetic"


def test_load_completes_a_dataset_left_without_its_files(app, ctx, system):
    items = list(itertools.islice(iter_demo_datasets(), 3))
    counts = load_demo(datasets=items[:1])
    assert counts["created_datasets"] == 1
    dataset = services.get_dataset(items[0]["name"])
    services.delete_resource(dataset.resources[-1], system)  # as if a load had been cut short

    counts = load_demo(datasets=items)
    assert counts["created_entities"] == 0 and counts["created_themes"] == 0
    assert counts["created_datasets"] == 2
    assert counts["created_resources"] == 1 + sum(len(i["resources"]) for i in items[1:])
    assert counts["datasets"] == 3
    assert [r.name for r in services.get_dataset(items[0]["name"]).resources] == [
        r["name"] for r in items[0]["resources"]
    ]
