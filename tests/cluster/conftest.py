"""The storage tests' fixtures (apps on the test database, moto's S3 server) serve here too."""

from tests.storage.conftest import (  # noqa: F401  (fixtures, found by name)
    _fast_password_hashing,
    bucket,
    make_app,
    s3_endpoint,
)
