"""Postings read for all blocks at once give exactly what reading them block by block gives:
document numbers, weights and positions of every term, in indexes written in bulk (packed
positions) and by plain writes afterwards (several segments, encoded positions)."""

from __future__ import annotations

import random

import numpy as np

from portal.search import whoosh_codec
from portal.search.backend import SearchQuery
from portal.search.whoosh_codec import PortalLeafMatcher
from tests.search.conftest import doc

WORDS = ["agua", "potable", "salud", "censo", "riego", "tierra", "presupuesto", "municipal",
         "escuela", "camino", "puente", "hospital", "cosecha", "lluvia", "mercado"]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _compare_every_term(backend) -> int:
    compared = 0
    backend.search(SearchQuery(q="agua"))  # opens (or reopens) the searcher
    reader = backend._view.searcher.reader()
    for leaf in getattr(reader, "readers", None) or [reader]:
        for fieldname, text in leaf.all_terms():
            matcher = leaf.postings(fieldname, text)
            if not isinstance(matcher, PortalLeafMatcher):
                continue  # one posting, inlined in the term index
            data = whoosh_codec._postings_bytes(matcher)
            ids, weights = whoosh_codec.read_block_arrays(matcher)
            by_block = whoosh_codec._read_arrays_by_block(data)
            assert np.array_equal(ids, by_block[0]) and ids.dtype == by_block[0].dtype
            assert np.array_equal(weights, by_block[1]) and weights.dtype == np.float32
            if leaf.schema[fieldname].format.supports("positions"):
                assert np.array_equal(
                    whoosh_codec.read_block_positions(matcher),
                    whoosh_codec._read_positions_by_block(
                        data, matcher.format.decode_positions))
            compared += 1
    return compared


def test_bulk_and_plain_segments_read_the_same_at_once_and_block_by_block(whoosh_backend):
    rng = random.Random(5)
    # Over 128 postings per frequent word: several blocks per term.
    whoosh_backend.rebuild([doc(f"d{i}", title=_text(rng, 4), notes=_text(rng, 30),
                                tags=[rng.choice(WORDS)]) for i in range(700)])
    assert _compare_every_term(whoosh_backend) > 50
    whoosh_backend.index([doc(f"n{i}", title=_text(rng, 3), notes=_text(rng, 12))
                          for i in range(300)])
    assert _compare_every_term(whoosh_backend) > 50
