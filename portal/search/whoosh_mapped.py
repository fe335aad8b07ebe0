"""Segment files read straight from the mapped compound file, without a copy in each process.

Whoosh maps a segment's compound file, then opens each part as a ``BufferFile`` that wraps it in
``io.BytesIO``: a copy of the part in the process's own memory, for every part any searcher
opens (over a gigabyte per web process at a million datasets, and a fresh copy each time the
index changes and the searcher is reopened). ``ViewFile`` reads the mapped bytes in place, with
a position of its own: each opened part is read by one searcher thread, as with the copies, and
the bytes themselves stay in the page cache, shared by every process on the machine.
"""

from __future__ import annotations

import os

from whoosh.codec.whoosh3 import W3Segment
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile


class _View:
    """The file-like part of ``ViewFile`` (what ``StructFile`` and ``pickle`` call)."""

    __slots__ = ("_position", "_view")

    def __init__(self, view: memoryview):
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(start, end)
        return bytes(self._view[start:end])

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        view, start = self._view, self._position
        limit = len(view) if size is None or size < 0 else min(start + size, len(view))
        end = start
        while end < limit:  # pickles read lines only for old protocols: short ones
            end += 1
            if view[end - 1] == 10:
                break
        self._position = end
        return bytes(view[start:end])

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: len(self._view)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        pass


class ViewFile(BufferFile):
    """A ``BufferFile`` over a memoryview of the mapped file: reads copy only what they read."""

    def __init__(self, buf: memoryview, name: str | None = None, onclose=None):
        # Not BufferFile.__init__: that copies ``buf`` into a BytesIO.
        self._buf = buf
        self._name = name
        self.file = _View(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> ViewFile:
        return ViewFile(self._buf[position:position + length], name=name or self._name)


class MappedCompoundStorage(CompoundStorage):
    def open_file(self, name, *args, **kwargs):
        if self._source is None or self.is_closed:  # not mapped, or closed: whoosh's answer
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return ViewFile(memoryview(self._source)[offset:offset + length], name=name)


class PortalSegment(W3Segment):
    """Whoosh 3's segment, whose compound file is read through ``MappedCompoundStorage``."""

    def open_compound_file(self, storage):
        dbfile = storage.open_file(self.make_filename(self.COMPOUND_EXT))
        return MappedCompoundStorage(dbfile, use_mmap=storage.supports_mmap)
