"""Bulk building of a whoosh index: the full rebuild, in parallel processes.

Whoosh's writer sends every posting through a sorting pool as a tuple (about twelve million of them
for 100,000 datasets), then sorts them all. ``BulkSegmentWriter`` instead appends each posting to
its term's arrays (documents arrive in order, so each list is already sorted) and hands the
terms to ``PortalCodec``'s field writer, which writes whole blocks at once.

``build`` runs one such writer per process, each filling its own segment, and commits them
together, as whoosh's ``MpWriter(multisegment=True)`` does; documents travel to the workers in
pickled batches through a queue.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from whoosh.writing import SegmentWriter

from portal.search.whoosh_codec import FastPositions, PortalCodec
from portal.search.whoosh_schema import to_fields

BATCH_SIZE = 250
WORKER_TIMEOUT_S = 3600
#: Documents a writer holds in memory before it writes them as a segment and starts another
#: (postings of 100,000 datasets take about half a gigabyte; a million would take gigabytes).
SEGMENT_DOCS = 100_000


class TermPostings:
    """Postings grouped by field and term, for ``PortalCodec``'s field writer (``by_field``);
    iterating gives whoosh's sorted (field, term, doc, weight, value) tuples.

    A value is the posting's bytes, or its positions (an int for one, a list for several) in
    fields of ``FastPositions``."""

    def __init__(self, postings: dict[str, dict[str, list]], schema):
        self._postings = postings
        self._schema = schema

    def by_field(self) -> Iterator[tuple[str, Iterator[tuple[bytes, list]]]]:
        for fieldname in sorted(self._postings):
            terms = sorted((text.encode("utf-8"), entry)
                           for text, entry in self._postings[fieldname].items())
            yield fieldname, iter(terms)

    def __iter__(self):
        for fieldname, terms in self.by_field():
            fmt = self._schema[fieldname].format
            for btext, (ids, weights, values) in terms:
                for docnum, weight, value in zip(ids, weights, values, strict=True):
                    if not isinstance(value, bytes):
                        value = fmt.encode([value] if isinstance(value, int) else value)
                    yield fieldname, btext, docnum, weight, value


class TermPool:
    """Stands in for whoosh's ``PostingPool`` in ``BulkSegmentWriter``: per field, per term,
    [document numbers, weights, values]."""

    def __init__(self, schema) -> None:
        self.schema = schema
        self.postings: dict[str, dict[str, list]] = {}

    @property
    def fieldnames(self) -> set[str]:
        return set(self.postings)

    def field(self, fieldname: str) -> dict[str, list]:
        found = self.postings.get(fieldname)
        if found is None:
            found = self.postings[fieldname] = {}
        return found

    def add(self, item) -> None:
        fieldname, btext, docnum, weight, value = item
        terms = self.field(fieldname)
        text = btext.decode("utf-8")
        entry = terms.get(text)
        if entry is None:
            entry = terms[text] = [array("I"), array("f"), []]
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(value or b"")

    def iter_postings(self) -> TermPostings:
        return TermPostings(self.postings, self.schema)

    def cleanup(self) -> None:
        self.postings = {}


class BulkSegmentWriter(SegmentWriter):
    """A ``SegmentWriter`` for adding many new documents (no vectors, no spelling graph)."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", PortalCodec())
        # Whoosh's compound file, read in place from its mapping (portal.search.whoosh_mapped).
        # Not separate files: whoosh reads those with seek() then read() on one file object
        # shared by the threads of a process, and concurrent searches read each other's places.
        super().__init__(ix, **kwargs)
        self.pool = TermPool(self.schema)

    def add_document(self, **fields):
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        perdocwriter.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                length = self._index_field(fieldname, field, value, docnum)
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                perdocwriter.add_column_value(fieldname, field.column_type,
                                              field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _index_field(self, fieldname: str, field, value, docnum: int) -> int:
        """Add the postings of one field value; return the field length."""
        terms = self.pool.field(fieldname)
        fmt = field.format
        analyze = getattr(field.analyzer, "terms", None)
        if isinstance(fmt, FastPositions) and analyze is not None and isinstance(value, str):
            # The hot path: text fields. Positions stay an int (one) or a list (several) until
            # the block is written (see PortalPostingsWriter), saving a bytes object per posting.
            words = analyze(value)
            positions: dict[str, Any] = {}
            for pos, word in enumerate(words):
                found = positions.get(word)
                if found is None:
                    positions[word] = pos
                elif isinstance(found, int):
                    positions[word] = [found, pos]
                else:
                    found.append(pos)
            boost = fmt.field_boost
            for word, found in positions.items():
                entry = terms.get(word)
                if entry is None:
                    entry = terms[word] = [array("I"), array("f"), []]
                entry[0].append(docnum)
                if isinstance(found, int):
                    entry[1].append(boost)
                    entry[2].append(found)
                else:
                    entry[1].append(len(found) * boost)
                    entry[2].append(found)
            return len(words) if field.scorable else 0
        length = 0
        for text, freq, weight, vbytes in fmt.word_values(value, field.analyzer, mode="index"):
            entry = terms.get(text)
            if entry is None:
                entry = terms[text] = [array("I"), array("f"), []]
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes or b"")
            length += freq
        return length if field.scorable else 0


def _worker(storage, indexname: str, jobs, results) -> None:
    """Index the batches of ``jobs``; send each finished segment, then ``("done", None)``."""
    ix = storage.open_index(indexname)
    writer = BulkSegmentWriter(ix, _lk=False)
    try:
        while True:
            batch = jobs.get()
            if batch is None:
                break
            for doc in batch:
                writer.add_document(**to_fields(doc))
            if writer.docnum >= SEGMENT_DOCS:
                results.put(("segment", writer._finalize_segment()))
                writer = BulkSegmentWriter(ix, _lk=False)
        if writer._added:
            results.put(("segment", writer._finalize_segment()))
        else:
            writer._close_segment()
        results.put(("done", None))
    except BaseException as exc:  # tell the parent, which raises it
        results.put(("error", repr(exc)))
        raise


def build(ix, documents: Iterable[Mapping[str, Any]], procs: int = 1) -> int:
    """Add ``documents`` to the (empty, new) index ``ix``; return how many."""
    if procs <= 1:
        return _build_here(ix, documents)
    return _build_parallel(ix, documents, procs)


def _build_here(ix, documents) -> int:
    """The build in this process: a segment per ``SEGMENT_DOCS`` documents, committed together."""
    parent = SegmentWriter(ix, codec=PortalCodec())  # holds the index lock, writes the TOC
    writer = BulkSegmentWriter(ix, _lk=False)
    written = 0
    try:
        segments = []
        for doc in documents:
            writer.add_document(**to_fields(doc))
            written += 1
            if writer.docnum >= SEGMENT_DOCS:
                segments.append(writer._finalize_segment())
                writer = BulkSegmentWriter(ix, _lk=False)
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        kept = parent._merge_segments(None, None, False)
        parent._close_segment()
        parent._commit_toc(kept + segments)
        parent._finish()
    except BaseException:
        # The segment being written is dropped: its files closed (the two writers share a
        # temporary folder, which the parent's cancel removes, so the parent goes last).
        for part in (writer.fieldwriter, writer.perdocwriter):
            if not part.is_closed:
                with contextlib.suppress(OSError):
                    part.close()
        parent.cancel()
        raise
    return written


def _build_parallel(ix, documents, procs: int) -> int:
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    parent = SegmentWriter(ix, codec=PortalCodec())  # holds the index lock, writes the TOC
    jobs = context.Queue(procs * 4)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(ix.storage, ix.indexname, jobs, results),
                        daemon=True)
        for _ in range(procs)
    ]
    for worker in workers:
        worker.start()
    written = 0
    try:
        batch: list[Mapping[str, Any]] = []
        for doc in documents:
            batch.append(doc)
            if len(batch) >= BATCH_SIZE:
                _put(jobs, batch, workers)
                written += len(batch)
                batch = []
        if batch:
            _put(jobs, batch, workers)
            written += len(batch)
        for _ in workers:
            _put(jobs, None, workers)
        segments = []
        running = len(workers)
        while running:
            kind, payload = results.get(timeout=WORKER_TIMEOUT_S)
            if kind == "error":
                raise RuntimeError(f"an indexing process failed: {payload}")
            if kind == "done":
                running -= 1
            else:
                segments.append(payload)
        for worker in workers:
            worker.join()
        kept = parent._merge_segments(None, None, False)
        parent._close_segment()
        parent._commit_toc(kept + segments)
        parent._finish()
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
        parent.cancel()
        raise
    finally:
        jobs.close()
        results.close()
    return written


def _put(jobs, item, workers) -> None:
    """Queue ``item``, noticing a worker that died instead of waiting for it forever."""
    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue.Full:
            if not all(worker.is_alive() for worker in workers):
                raise RuntimeError("an indexing process stopped unexpectedly") from None
