"""Index writes that fail, or that run with the ``random`` module seeded, leave the index
writable: the next write succeeds at once."""

from __future__ import annotations

import random
import time

import pytest
from whoosh.writing import SegmentWriter

from portal.search.backend import SearchQuery
from tests.search.conftest import doc


def _ids(backend) -> set[str]:
    return set(backend.search(SearchQuery(rows=100)).ids)


def test_writes_with_the_random_module_seeded_each_time(backend):
    # Hypothesis seeds ``random`` for every case it generates; so could any library.
    for name in ("uno", "dos", "tres"):
        random.seed(19)
        backend.index([doc(name)])
    random.seed(19)
    backend.delete(["uno"])
    assert {"dos", "tres"} <= _ids(backend) and "uno" not in _ids(backend)


def test_a_failed_commit_lets_go_of_the_index_lock(whoosh_backend, monkeypatch):
    backend = whoosh_backend

    def disk_full(self):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:  # the fault: the disk fills up during the commit
        patch.setattr(SegmentWriter, "_finalize_segment", disk_full)
        with pytest.raises(OSError):
            backend.index([doc("perdido")])
    started = time.monotonic()
    backend.index([doc("siguiente")])
    assert time.monotonic() - started < 10  # not the 30 s wait for a lock nobody releases
    assert "siguiente" in _ids(backend) and "perdido" not in _ids(backend)
