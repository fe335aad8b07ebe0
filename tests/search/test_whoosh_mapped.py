"""The index's parts are read in place from the mapped segment file: the same bytes as whoosh's
copying reader, no copy of the index in each web process, searches from threads still right."""

from __future__ import annotations

import io
import mmap
import os
import pickle
import threading
from array import array
from pathlib import Path

from whoosh.filedb.structfile import BufferFile

from portal.search.backend import SearchQuery
from portal.search.whoosh_mapped import ViewFile
from tests.search.conftest import doc

PAYLOAD = (b"line one\nline two\n" + pickle.dumps({"a": [1, 2, 3]}, protocol=2)
           + array("i", range(50)).tobytes() + b"tail")


def _pair(tmp_path: Path):
    path = tmp_path / "part.bin"
    path.write_bytes(b"HEAD" + PAYLOAD + b"FOOT")
    with path.open("rb") as handle:  # the mapping outlives the handle, as whoosh's does
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)[4:4 + len(PAYLOAD)]
    return ViewFile(view, name="part"), BufferFile(bytes(view), name="part")


def test_a_view_file_reads_what_whoosh_buffer_file_reads(tmp_path):
    ours, theirs = _pair(tmp_path)
    for f in (ours, theirs):
        assert f.readline() == b"line one\n"
    assert ours.read(4) == theirs.read(4) == b"line"
    assert ours.tell() == theirs.tell()
    for f in (ours, theirs):
        f.seek(18)
    assert ours.read_pickle() == theirs.read_pickle() == {"a": [1, 2, 3]}
    position = ours.tell()
    assert ours.get_array(position, "i", 50) == theirs.get_array(position, "i", 50)
    ours.seek(-4, os.SEEK_END)
    assert ours.read() == b"tail"
    assert ours.read(10) == b""  # at the end
    ours.seek(0)
    assert ours.read(-1) == PAYLOAD
    part = ours.subset(9, 8)
    assert part.read() == b"line two" and isinstance(part, ViewFile)
    target = bytearray(4)
    part.seek(0)
    assert part.file.readinto(target) == 4 and target == b"line"
    assert ours.get(0, 4) == theirs.get(0, 4) == b"line"
    with io.BytesIO(PAYLOAD) as plain:  # seek whence as a file's
        assert ours.seek(2, os.SEEK_SET) == plain.seek(2, os.SEEK_SET)
        assert ours.seek(3, os.SEEK_CUR) == plain.seek(3, os.SEEK_CUR)


def test_the_index_parts_are_views_of_the_mapped_file_not_copies(whoosh_backend):
    whoosh_backend.rebuild([doc(f"d{i}", title=f"Presupuesto municipal {i}") for i in range(50)])
    assert whoosh_backend.search(SearchQuery(q="presupuesto")).count == 50
    reader = whoosh_backend._view.searcher.reader()  # what the searches read
    leaves = getattr(reader, "readers", None) or [reader]
    files = [f for leaf in leaves for f in (leaf._terms._dbfile, leaf._terms._postfile)]
    assert all(isinstance(f, ViewFile) for f in files), files
    assert all(isinstance(f._buf.obj, mmap.mmap) for f in files)  # the mapping itself


def test_threads_searching_at_once_each_read_their_own_place(make_backend):
    words = ["agua", "salud", "censo", "riego", "tierra"]
    backend = make_backend([doc(f"{w}{i}", title=f"Datos de {w} {i}") for w in words
                            for i in range(30)])
    expected = {w: sorted(backend.search(SearchQuery(q=w, rows=100)).ids) for w in words}
    wrong: list[str] = []

    def search(word: str) -> None:
        for _ in range(40):
            if sorted(backend.search(SearchQuery(q=word, rows=100)).ids) != expected[word]:
                wrong.append(word)

    threads = [threading.Thread(target=search, args=(w,)) for w in words * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not wrong
