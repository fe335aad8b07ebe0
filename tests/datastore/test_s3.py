"""On S3 storage the Parquet file is written to the bucket by the node that ingests, and
another node (its own instance folder) answers queries from its own cached copy."""

from __future__ import annotations

from pathlib import Path

from portal.datastore import services
from tests.datastore.conftest import add_table
from tests.storage.conftest import bucket, s3_client, s3_endpoint, s3_settings  # noqa: F401


def test_another_node_queries_the_data_written_to_s3(make_app, tmp_path, s3_endpoint, bucket,  # noqa: F811
                                                     world):
    settings = {**s3_settings(s3_endpoint, bucket), "PORTAL_VALIDATION_MODE": "sync"}
    writer = make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "a"), **settings)
    reader = make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "b"), **settings)
    resource_id = add_table(writer, world.public)
    with writer.app_context():
        key = services.get_state(resource_id).data_key
    listed = s3_client(s3_endpoint).list_objects_v2(Bucket=bucket, Prefix="portal/datastore/")
    assert [item["Key"] for item in listed["Contents"]] == [f"portal/{key}"]
    response = reader.test_client().post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "filters": {"departamento": "Oruro"}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["result"]["records"][0]["casos"] == 3
    assert (Path(reader.instance_path) / "datastore-cache" / key).is_file()
