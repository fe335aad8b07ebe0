"""Evaluate a parsed whoosh query on one segment with numpy: a match mask and BM25 scores.

Terms, AND / OR / NOT and the multi-term queries (prefix, wildcard, fuzzy, ranges, expanded into
their terms) are computed from cached posting arrays; anything else (phrases) falls back to whoosh's
own matcher, which is exact and fast enough on the few documents a phrase matches.

Scoring is BM25 over each field (k1 = 1.2, b = 0.75), with whoosh's field lengths, multiplied by the
query boosts that the parser gives each field (``TEXT_FIELD_BOOSTS``) and summed over the matched
clauses, as whoosh's BM25F does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from portal.search.whoosh_arrays import SegmentArrays

K1 = 1.2
B = 0.75
MAX_EXPANSIONS = 1024


@dataclass
class Stats:
    """Index-wide statistics, so every segment scores on the same scale."""

    searcher: object
    _idf: dict = field(default_factory=dict)
    _avg: dict = field(default_factory=dict)

    def idf(self, fieldname: str, text: str) -> float:
        key = (fieldname, text)
        found = self._idf.get(key)
        if found is None:
            total = max(self.searcher.doc_count_all(), 1)
            df = self.searcher.doc_frequency(fieldname, text)
            found = math.log(1.0 + (total - df + 0.5) / (df + 0.5))
            self._idf[key] = found
        return found

    def avg_length(self, fieldname: str) -> float:
        found = self._avg.get(fieldname)
        if found is None:
            total = max(self.searcher.doc_count_all(), 1)
            found = max(self.searcher.field_length(fieldname) / total, 1.0)
            self._avg[fieldname] = found
        return found


@dataclass
class Leaf:
    """One segment of the current searcher."""

    reader: object
    searcher: object
    offset: int
    arrays: SegmentArrays
    live: np.ndarray

    @property
    def size(self) -> int:
        return self.arrays.doc_count


def term_mask(leaf: Leaf, fieldname: str, values) -> np.ndarray:
    """Documents holding any of ``values`` in an exact field."""
    mask = np.zeros(leaf.size, dtype=bool)
    for value in values:
        ids, _ = leaf.arrays.postings(leaf.reader, fieldname, value)
        mask[ids] = True
    return mask


def evaluate(query: wq.Query, leaf: Leaf, stats: Stats) -> tuple[np.ndarray, np.ndarray]:
    """(mask, scores) of ``query`` over the documents of ``leaf`` (deletions not applied)."""
    size = leaf.size
    if isinstance(query, wq.Term):
        return _term(query.fieldname, query.text, query.boost, leaf, stats)
    if isinstance(query, wq.Every):
        return np.ones(size, dtype=bool), np.zeros(size, dtype=np.float32)
    if isinstance(query, type(wq.NullQuery)):
        return _nothing(size)
    if isinstance(query, (wq.And, wq.Or, wq.DisjunctionMax)):
        return _compound(query, leaf, stats)
    if isinstance(query, wq.Not):
        mask, _ = evaluate(query.query, leaf, stats)
        return ~mask, np.zeros(size, dtype=np.float32)
    if isinstance(query, wq.AndNot):
        mask, scores = evaluate(query.a, leaf, stats)
        negative, _ = evaluate(query.b, leaf, stats)
        return mask & ~negative, scores
    if isinstance(query, wq.AndMaybe):
        mask, scores = evaluate(query.a, leaf, stats)
        _, extra = evaluate(query.b, leaf, stats)
        return mask, scores + extra
    if isinstance(query, wq.Require):
        mask, scores = evaluate(query.a, leaf, stats)
        required, _ = evaluate(query.b, leaf, stats)
        return mask & required, scores
    if isinstance(query, wq.MultiTerm):
        return _expanded(query, leaf, stats)
    if isinstance(query, wq.Phrase):
        return _phrase(query, leaf, stats)
    return _with_whoosh_matcher(query, leaf)


def _nothing(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float32)


def _term(fieldname, text, boost, leaf: Leaf, stats: Stats) -> tuple[np.ndarray, np.ndarray]:
    size = leaf.size
    mask = np.zeros(size, dtype=bool)
    scores = np.zeros(size, dtype=np.float32)
    ids, tf = leaf.arrays.postings(leaf.reader, fieldname, text)
    if not len(ids):
        return mask, scores
    mask[ids] = True
    idf = stats.idf(fieldname, text) * boost
    fieldobj = leaf.reader.schema[fieldname]
    if fieldobj.scorable:
        lengths = leaf.arrays.lengths(leaf.reader, fieldname)[ids]
        norm = K1 * ((1.0 - B) + B * lengths / stats.avg_length(fieldname))
        scores[ids] = idf * (tf * (K1 + 1.0)) / (tf + norm)
    else:
        scores[ids] = idf
    return mask, scores


def _compound(query, leaf: Leaf, stats: Stats) -> tuple[np.ndarray, np.ndarray]:
    children = [c for c in query.subqueries if not isinstance(c, type(wq.NullQuery))]
    if not children:
        return _nothing(leaf.size)
    is_and = isinstance(query, wq.And)
    mask, scores = evaluate(children[0], leaf, stats)
    mask, scores = mask.copy(), scores.copy()
    for child in children[1:]:
        child_mask, child_scores = evaluate(child, leaf, stats)
        if is_and:
            mask &= child_mask
        else:
            mask |= child_mask
        if isinstance(query, wq.DisjunctionMax):
            np.maximum(scores, child_scores, out=scores)
        else:
            scores += child_scores
    if query.boost != 1.0:
        scores *= query.boost
    return mask, scores


def _expanded(query: wq.MultiTerm, leaf: Leaf, stats: Stats) -> tuple[np.ndarray, np.ndarray]:
    mask, scores = _nothing(leaf.size)
    for count, (fieldname, text) in enumerate(query.expanded_terms(leaf.reader)):
        if count >= MAX_EXPANSIONS:
            break
        if isinstance(text, bytes):
            text = leaf.reader.schema[fieldname].from_bytes(text)
        term_mask_, term_scores = _term(fieldname, text, query.boost, leaf, stats)
        mask |= term_mask_
        np.maximum(scores, term_scores, out=scores)
    return mask, scores


def _phrase(query: wq.Phrase, leaf: Leaf, stats: Stats) -> tuple[np.ndarray, np.ndarray]:
    """Words next to each other in this order (slop 1): the positions of each word, shifted by
    its place in the phrase, intersected. Scored as whoosh scores a phrase, the sum of its
    words' scores (here the engine's BM25, so a phrase ranks on the same scale as words)."""
    schema = leaf.reader.schema
    if query.slop != 1 or not query.words or query.fieldname not in schema \
            or not schema[query.fieldname].format.supports("positions"):
        return _with_whoosh_matcher(query, leaf)
    keys = None
    for place, word in enumerate(query.words):
        found = leaf.arrays.positions(leaf.reader, query.fieldname, word)
        if found is None:
            return _with_whoosh_matcher(query, leaf)
        if place:  # the word at ``place`` sits ``place`` positions after the first
            found = found[(found & 0xFFFFFFFF) >= place] - place
        keys = found if keys is None else np.intersect1d(keys, found, assume_unique=True)
        if not len(keys):
            return _nothing(leaf.size)
    mask = np.zeros(leaf.size, dtype=bool)
    mask[np.unique(keys >> 32)] = True
    scores = np.zeros(leaf.size, dtype=np.float32)
    for word in query.words:
        scores += _term(query.fieldname, word, query.boost, leaf, stats)[1]
    scores[~mask] = 0.0
    return mask, scores


def _with_whoosh_matcher(query: wq.Query, leaf: Leaf) -> tuple[np.ndarray, np.ndarray]:
    mask, scores = _nothing(leaf.size)
    matcher = query.matcher(leaf.searcher)
    ids, values = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        values.append(matcher.score())
        matcher.next()
    if ids:
        index = np.asarray(ids, dtype=np.int64)
        mask[index] = True
        scores[index] = np.asarray(values, dtype=np.float32)
    return mask, scores
