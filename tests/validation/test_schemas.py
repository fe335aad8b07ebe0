import re

import pytest
from frictionless import Schema

from portal.validation.schemas_registry import NAME_RE, REGISTRY_DIR, list_schemas, load_schema

NAMES = [path.stem for path in sorted(REGISTRY_DIR.glob("*.json"))]


def test_registry_is_not_empty_and_documented():
    readme = (REGISTRY_DIR / "README.md").read_text(encoding="utf-8")
    assert NAMES
    for name in NAMES:
        assert f"`{name}`" in readme, f"{name} is missing from schemas/README.md"


@pytest.mark.parametrize("name", NAMES)
def test_every_registry_schema_is_a_valid_table_schema(name):
    assert NAME_RE.match(name)
    descriptor = load_schema(name)
    assert Schema.validate_descriptor(descriptor).valid
    assert descriptor.get("title") and descriptor.get("description")
    for field in descriptor["fields"]:
        assert field.get("title"), f"{name}.{field['name']} has no title"
        pattern = field.get("constraints", {}).get("pattern")
        if pattern:
            assert re.fullmatch(pattern, field["example"]), f"{name}.{field['name']}"


def test_listing_gives_titles():
    listed = {s["name"]: s for s in list_schemas()}
    assert set(listed) == set(NAMES)
    assert listed["ejecucion-presupuestaria"]["title"].startswith("Ejecución")


@pytest.mark.parametrize("name", ["../setup", "Con Espacio", ""])
def test_bad_names_are_refused(name):
    from portal.validation.schemas_registry import SchemaReferenceError

    with pytest.raises(SchemaReferenceError):
        load_schema(name)
