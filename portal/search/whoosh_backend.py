"""The whoosh engine behind ``SearchBackend``.

Writes go through whoosh's writers (the index lock serialises processes); reads share one searcher,
reopened when the index changed, and answer with the numpy arrays of ``whoosh_arrays`` and the
evaluator of ``whoosh_eval``: the match set, its facet counts and its order are computed for all
matching documents at once instead of one document at a time.
"""

from __future__ import annotations

import bisect
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import highlight, index
from whoosh import query as wq

from portal.search import whoosh_bulk
from portal.search.analysis import STOP_WORDS, edit_distance, fold, stem, words
from portal.search.backend import (
    AllOf,
    Clause,
    FacetCount,
    Filter,
    Hit,
    Not,
    Range,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SortKey,
    Suggestion,
)
from portal.search.query_text import QueryParser, query_words
from portal.search.whoosh_arrays import SegmentCache, live_mask
from portal.search.whoosh_codec import PortalCodec
from portal.search.whoosh_eval import Leaf, Stats, evaluate, term_mask
from portal.search.whoosh_schema import (
    COUNT_COLUMNS,
    TEXT_FIELD_BOOSTS,
    build_schema,
    from_micros,
    to_fields,
    to_micros,
)

WRITE_TIMEOUT_S = 30.0
RETIRE_AFTER_S = 60.0
HIGHLIGHT_FIELDS = ("title", "notes")
_SORT_COLUMNS = {
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "title": "title_sort",
    "name": "name_sort",
    "id": "id_sort",
}


class _View:
    """Everything derived from one searcher: its segments and the index-wide lookup tables."""

    def __init__(self, searcher, cache: SegmentCache):
        self.searcher = searcher
        self.stats = Stats(searcher)
        self.leaves: list[Leaf] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.segment() is None:  # the empty reader of an empty index
                continue
            self.leaves.append(
                Leaf(reader, sub, offset, cache.arrays_for(reader), live_mask(reader))
            )
        cache.retain({leaf.arrays.segment_id for leaf in self.leaves})
        self._lock = threading.Lock()
        self._facet_maps: dict[str, tuple[list[str], list[np.ndarray]]] = {}
        self._ranks: dict[str, list[np.ndarray]] = {}

    def facet_map(self, fieldname: str) -> tuple[list[str], list[np.ndarray]]:
        """All values of a facet field across segments (sorted) and, per segment, the global
        ordinal of each local one."""
        found = self._facet_maps.get(fieldname)
        if found is None:
            with self._lock:
                per_leaf = [leaf.arrays.facet(leaf.reader, fieldname) for leaf in self.leaves]
                values = sorted({v for arrays in per_leaf for v in arrays.values})
                position = {value: i for i, value in enumerate(values)}
                maps = [
                    np.asarray([position[v] for v in arrays.values], dtype=np.int32)
                    for arrays in per_leaf
                ]
                found = (values, maps)
                self._facet_maps[fieldname] = found
        return found

    def rank(self, column: str) -> list[np.ndarray]:
        """Per segment, the index-wide rank of each document by a bytes column (title, name)."""
        found = self._ranks.get(column)
        if found is None:
            with self._lock:
                keys = [leaf.arrays.strings(leaf.reader, column) for leaf in self.leaves]
                flat = [key for leaf_keys in keys for key in leaf_keys]
                order = sorted(range(len(flat)), key=flat.__getitem__)
                ranks = np.empty(len(flat), dtype=np.int64)
                ranks[np.asarray(order, dtype=np.int64)] = np.arange(len(flat))
                found, start = [], 0
                for leaf_keys in keys:
                    found.append(ranks[start:start + len(leaf_keys)])
                    start += len(leaf_keys)
                self._ranks[column] = found
        return found


class WhooshBackend(SearchBackend):
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.schema = build_schema()
        self._parser = QueryParser(self.schema)
        self._cache = SegmentCache()
        self._lock = threading.RLock()
        self._ix = self._open_or_create(self.path)
        self._view: _View | None = None
        self._retired: list[tuple[float, Any, Path | None]] = []

    # -- opening -------------------------------------------------------------------------------

    def _open_or_create(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        if not index.exists_in(str(path)):
            return index.create_in(str(path), self.schema)
        ix = index.open_dir(str(path))
        if set(self.schema.names()) - set(ix.schema.names()):
            ix = self._add_new_fields(ix)
        return ix

    def _add_new_fields(self, ix):
        """Add the fields of a newer schema to an index written by an older one (documents
        written from now on carry them; older ones are rewritten by the reconcile job)."""
        writer = ix.writer(timeout=WRITE_TIMEOUT_S)
        try:
            for name in self.schema.names():
                if name not in writer.schema.names():
                    writer.add_field(name, self.schema[name])
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        ix.close()
        return index.open_dir(str(self.path))

    def _current_view(self) -> _View:
        with self._lock:
            view = self._view
            if view is None:
                view = self._view = _View(self._ix.searcher(), self._cache)
            elif not view.searcher.up_to_date():
                # Not searcher.refresh(): it reuses segment readers whose deletions are stale.
                self._retire(view.searcher)
                view = self._view = _View(self._ix.searcher(), self._cache)
            return view

    def _retire(self, searcher, folder: Path | None = None) -> None:
        """Close replaced searchers (and remove the folder of an index a rebuild replaced) once
        no search can still be using them."""
        now = time.monotonic()
        keep = []
        for retired_at, old, old_folder in self._retired:
            if now - retired_at > RETIRE_AFTER_S:
                _close_and_remove(old, old_folder)
            else:
                keep.append((retired_at, old, old_folder))
        self._retired = [*keep, (now, searcher, folder)]

    def warm(self, facet_fields: Iterable[str] = ()) -> None:
        """Read the arrays that every query needs (field lengths, facets, visibility)."""
        view = self._current_view()
        for leaf in view.leaves:
            for fieldname in TEXT_FIELD_BOOSTS:
                leaf.arrays.lengths(leaf.reader, fieldname)
            leaf.arrays.postings(leaf.reader, "private", "1")
        view.rank(_SORT_COLUMNS["name"])
        for fieldname in facet_fields:
            view.facet_map(fieldname)

    def close(self) -> None:
        with self._lock:
            if self._view is not None:
                self._view.searcher.close()
                self._view = None
            for _, old, folder in self._retired:
                _close_and_remove(old, folder)
            self._retired = []
            self._ix.close()

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def _writer(self):
        """A whoosh writer that commits at the end; whatever fails, even the commit (whoosh's own
        ``with`` keeps the index lock then, and every later write waits and fails), it lets go
        of the lock."""
        writer = self._ix.writer(timeout=WRITE_TIMEOUT_S, codec=PortalCodec())
        try:
            yield writer
            writer.commit()
        except BaseException:
            if not writer.is_closed:
                try:
                    writer.cancel()
                except Exception:
                    writer.writelock.release()
            raise

    def index(self, documents: Iterable[Mapping[str, Any]]) -> int:
        written = 0
        with self._writer() as writer:
            for doc in documents:
                writer.update_document(**to_fields(doc))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._writer() as writer:
            for doc_id in ids:
                writer.delete_by_term("id", doc_id)

    def clear(self) -> None:
        with self._lock:
            self.close()
            self._ix = index.create_in(str(self.path), self.schema)

    def rebuild(self, documents: Iterable[Mapping[str, Any]], procs: int | None = None) -> int:
        """Build a new index beside the current one, then swap them: searches keep answering from
        the old index until the new one is complete."""
        fresh_path = self.path.with_name(self.path.name + ".new")
        shutil.rmtree(fresh_path, ignore_errors=True)
        fresh_path.mkdir(parents=True)
        fresh = index.create_in(str(fresh_path), self.schema)
        procs = procs or min(os.cpu_count() or 1, 4)
        try:
            written = whoosh_bulk.build(fresh, documents, procs)
        except BaseException:
            fresh.close()
            shutil.rmtree(fresh_path, ignore_errors=True)
            raise
        with self._lock:
            self._continue_generations(fresh)
            fresh.close()
            old_path = self.path.with_name(f"{self.path.name}.old-{uuid.uuid4().hex[:8]}")
            if self.path.exists():
                self.path.rename(old_path)
            fresh_path.rename(self.path)
            # Searches still running on the old index finish on it: its searcher is closed and
            # its folder removed only once none can be using them (``_retire``).
            if self._view is not None:
                self._retire(self._view.searcher, old_path)
                self._view = None
            else:
                shutil.rmtree(old_path, ignore_errors=True)
            self._ix.close()
            self._ix = index.open_dir(str(self.path))
        return written

    def _continue_generations(self, fresh) -> None:
        """Number the new index's commit after the live one's last, so the version (pages cached
        under it) and the other processes' "is my searcher up to date" both see the change."""
        try:
            live = self._ix.latest_generation()
        except OSError:
            return
        toc = index.TOC.read(fresh.storage, fresh.indexname)
        if toc.generation <= live:
            toc.generation = live + 1
            toc.write(fresh.storage, fresh.indexname)

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        return self._current_view().searcher.doc_count()

    def version(self) -> str:
        return str(self._ix.latest_generation())  # the index folder's newest commit

    def modified_by_id(self) -> dict[str, datetime]:
        view = self._current_view()
        found: dict[str, datetime] = {}
        for leaf in view.leaves:
            modified = leaf.arrays.numbers(leaf.reader, "metadata_modified")
            # -1 resources: written by an older schema (see ``_add_new_fields``), so stale.
            outdated = leaf.arrays.numbers(leaf.reader, "num_resources") < 0
            for docnum in np.flatnonzero(leaf.live):
                stored = leaf.reader.stored_fields(int(docnum))
                micros = 0 if outdated[docnum] else int(modified[docnum])
                found[stored["id"]] = from_micros(micros)
        return found

    def search(self, query: SearchQuery) -> SearchResult:
        query.validate()
        parsed = self._parser.parse(query.q)
        result = self._run(query, parsed)
        if result.count == 0 and query.q.strip():
            suggestion = self.did_you_mean(query.q)
            if suggestion and query.correct_typos:
                corrected = self._run(query, self._parser.parse(suggestion))
                return replace(corrected, did_you_mean=suggestion, corrected=True)
            return replace(result, did_you_mean=suggestion)
        return result

    def _visible(self, leaf: Leaf, query: SearchQuery) -> np.ndarray:
        private = term_mask(leaf, "private", ["1"])
        if not private.any():
            return np.ones(leaf.size, dtype=bool)
        if query.include_private and query.sysadmin:
            return np.ones(leaf.size, dtype=bool)
        allowed = ~private
        if query.include_private and query.user_entity_ids:
            allowed |= private & term_mask(leaf, "entity_id", query.user_entity_ids)
        return allowed

    @classmethod
    def _filter_mask(cls, leaf: Leaf, clause: Clause) -> np.ndarray:
        """Documents of ``leaf`` matching a filter tree (see ``portal.search.backend``)."""
        if isinstance(clause, Filter):
            values = [v.upper() for v in clause.values] if clause.field == "res_format" \
                else clause.values
            mask = term_mask(leaf, clause.field, values)
            return ~mask if clause.negated else mask
        if isinstance(clause, Range):
            return _range_mask(leaf, clause)
        if isinstance(clause, Not):
            return ~cls._filter_mask(leaf, clause.clause)
        is_all = isinstance(clause, AllOf)
        mask = np.full(leaf.size, is_all, dtype=bool)
        for child in clause.clauses:
            if is_all:
                mask &= cls._filter_mask(leaf, child)
            else:
                mask |= cls._filter_mask(leaf, child)
        return mask

    def _run(self, query: SearchQuery, parsed: wq.Query) -> SearchResult:
        view = self._current_view()
        facet_totals: dict[str, np.ndarray] = {}
        # The name breaks the remaining ties, so the order does not depend on how the index was
        # built (segments, document numbers): pages stay stable across a rebuild.
        sort = (*query.sort, SortKey("name"))
        docnums, scores, keys = [], [], {key.field: [] for key in sort}
        for position, leaf in enumerate(view.leaves):
            mask, leaf_scores = evaluate(parsed, leaf, view.stats)
            mask = mask & leaf.live & self._visible(leaf, query)
            for flt in query.filters:
                mask &= self._filter_mask(leaf, flt)
            for fieldname in query.facet_fields:
                values, maps = view.facet_map(fieldname)
                totals = facet_totals.get(fieldname)
                if totals is None:
                    totals = facet_totals[fieldname] = np.zeros(len(values), dtype=np.int64)
                # A segment's values map to distinct global ones: no repeated index here.
                totals[maps[position]] += leaf.arrays.facet(leaf.reader, fieldname).counts(mask)
            matched = np.flatnonzero(mask)
            docnums.append(matched + leaf.offset)
            scores.append(leaf_scores[matched])
            for field in keys:
                if field in ("metadata_modified", "metadata_created"):
                    column = leaf.arrays.numbers(leaf.reader, field)
                    keys[field].append(column[matched])
                elif field in ("title", "name", "id"):
                    keys[field].append(view.rank(_SORT_COLUMNS[field])[position][matched])
        all_docs = np.concatenate(docnums) if docnums else np.zeros(0, dtype=np.int64)
        all_scores = np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32)
        page = self._page(query, sort, all_docs, all_scores, keys)
        hits = self._hits(view, parsed, page, all_docs, all_scores, query.highlight)
        facets = {
            fieldname: self._facet_counts(view, fieldname, facet_totals.get(fieldname), query)
            for fieldname in query.facet_fields
        }
        return SearchResult(count=len(all_docs), hits=hits, facets=facets)

    @staticmethod
    def _page(query: SearchQuery, sort, docs: np.ndarray, scores: np.ndarray, keys) -> np.ndarray:
        """Positions (into ``docs``) of the requested page, in the order of ``sort``."""
        if query.start >= len(docs) or query.rows == 0:
            return np.zeros(0, dtype=np.int64)
        columns = []  # ascending sort values, first key first
        for key in sort:
            if key.field == "score":
                values = scores.astype(np.float64)
            else:
                values = np.concatenate(keys[key.field]).astype(np.float64)
            columns.append(-values if key.descending else values)
        wanted = query.start + query.rows
        candidates = np.arange(len(docs))
        if len(docs) > 4 * wanted:
            # Only documents whose first key is within the first ``wanted`` can be on the page:
            # sort those (ties included) instead of every match.
            threshold = np.partition(columns[0], wanted - 1)[wanted - 1]
            candidates = np.flatnonzero(columns[0] <= threshold)
        # np.lexsort sorts by the last key first.
        order = np.lexsort([column[candidates] for column in reversed(columns)])
        return candidates[order[query.start:wanted]]

    def _hits(self, view: _View, parsed, page, docs, scores, with_highlights) -> tuple[Hit, ...]:
        searcher = view.searcher
        terms = _highlight_terms(parsed) if with_highlights else {}
        offsets = [leaf.offset for leaf in view.leaves]
        hits = []
        for position in page:
            docnum = int(docs[position])
            # The id from its column (kept per segment): reading the stored fields means
            # decompressing a document's title and description, 22 ms for a page of 1,000.
            leaf = view.leaves[bisect.bisect_right(offsets, docnum) - 1]
            dataset_id = leaf.arrays.strings(leaf.reader, "id_sort")[docnum - leaf.offset]
            stored = searcher.stored_fields(docnum) if with_highlights or not dataset_id else {}
            marks = {}
            for fieldname in HIGHLIGHT_FIELDS if with_highlights else ():
                fragment = _highlight(self.schema, fieldname, stored.get(fieldname, ""),
                                      terms.get(fieldname, set()))
                if fragment:
                    marks[fieldname] = fragment
            hits.append(Hit(id=dataset_id.decode() if dataset_id else stored["id"],
                            score=float(scores[position]), highlights=marks))
        return tuple(hits)

    @staticmethod
    def _facet_counts(view: _View, fieldname: str, counts, query: SearchQuery):
        values, _ = view.facet_map(fieldname)
        if counts is None or not len(values):
            return ()
        keep = np.flatnonzero(counts >= query.facet_mincount)
        order = keep[np.lexsort((keep, -counts[keep]))]  # count desc, then value (sorted) asc
        if query.facet_limit != -1:
            order = order[: query.facet_limit]
        return tuple(FacetCount(values[i], int(counts[i])) for i in order)

    # -- spelling and suggestions ----------------------------------------------------------------

    def did_you_mean(self, q: str) -> str | None:
        view = self._current_view()
        searcher = view.searcher
        reader = searcher.reader()
        changed = False
        out, last = [], 0
        for start, end, word in query_words(q):
            folded = fold(word)
            out.append(q[last:start])
            last = end
            replacement = word
            if folded not in STOP_WORDS and not _known(searcher, folded):
                best = _closest(reader, folded)
                if best is not None:
                    replacement = best
                    changed = True
            out.append(replacement)
        out.append(q[last:])
        return "".join(out) if changed else None

    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        typed = words(prefix)
        if not typed or limit <= 0:
            return []
        partial = not prefix[-1:].isspace()
        view = self._current_view()
        folded_prefix = " ".join(typed)
        suggestions: list[Suggestion] = []
        # Keywords that start with what was typed, the most used first (public datasets only).
        public = SearchQuery(facet_fields=("tags",), facet_limit=-1, rows=0)
        tags = self._run(public, wq.Every()).facets["tags"]
        for facet in tags:
            if fold(facet.value).startswith(folded_prefix):
                suggestions.append(Suggestion("keyword", facet.value))
                if len(suggestions) >= limit // 2:
                    break
        clauses: list[wq.Query] = [wq.Term("spell", w) for w in typed[:-1]]
        last = typed[-1]
        clauses.append(wq.Prefix("spell", last) if partial else wq.Term("spell", last))
        titles = self._run(
            SearchQuery(rows=limit - len(suggestions), sort=(SortKey("score", True),)),
            wq.And(clauses),
        )
        for hit in titles.hits:
            stored = view.searcher.document(id=hit.id) or {}
            suggestions.append(Suggestion("title", stored.get("title", ""), stored.get("name")))
        return suggestions


def _close_and_remove(searcher, folder: Path | None) -> None:
    searcher.close()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _range_mask(leaf: Leaf, clause: Range) -> np.ndarray:
    values = leaf.arrays.numbers(leaf.reader, clause.field)
    mask = np.ones(leaf.size, dtype=bool)
    if clause.field in COUNT_COLUMNS:
        mask &= values >= 0  # -1: not known (a segment older than the column)
    for bound, inclusive, above in ((clause.low, clause.include_low, True),
                                    (clause.high, clause.include_high, False)):
        if bound is None:
            continue
        limit = to_micros(bound) if isinstance(bound, datetime) else float(bound)
        if above:
            mask &= values >= limit if inclusive else values > limit
        else:
            mask &= values <= limit if inclusive else values < limit
    return mask


def _known(searcher, folded: str) -> bool:
    term = stem(folded)
    return any(searcher.doc_frequency(f, term) for f in TEXT_FIELD_BOOSTS) or bool(
        searcher.doc_frequency("spell", folded)
    )


def _closest(reader, folded: str) -> str | None:
    if len(folded) < 3:
        return None
    maxdist = 1 if len(folded) <= 5 else 2
    best, best_key = None, None
    for candidate in reader.terms_within("spell", folded, maxdist, prefix=1):
        distance = edit_distance(folded, candidate)
        key = (distance, -reader.doc_frequency("spell", candidate), candidate)
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best


def _highlight_terms(parsed: wq.Query) -> dict[str, set[str]]:
    terms: dict[str, set[str]] = {}
    for fieldname, text in parsed.iter_all_terms(phrases=True):
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        terms.setdefault(fieldname, set()).add(text)
    return terms


def _highlight(schema, fieldname: str, text: str, terms: set[str]) -> str:
    if not text or not terms:
        return ""
    if fieldname == "title":
        fragmenter = highlight.WholeFragmenter()
    else:
        fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
    formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    return highlight.highlight(text, frozenset(terms), schema[fieldname].analyzer, fragmenter,
                               formatter, top=2)
