"""The packed posting blocks and the bulk writer give whoosh exactly what it wrote."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from whoosh import index
from whoosh import query as wq

from portal.search.analysis import words
from portal.search.backend import SearchQuery, SortKey
from portal.search.whoosh_arrays import read_postings
from portal.search.whoosh_backend import WhooshBackend
from portal.search.whoosh_codec import PortalLeafMatcher
from tests.search.conftest import doc

WORDS = ["agua", "riego", "censo", "salud", "quinua", "minería", "lluvia", "escuela"]


def catalog(size: int) -> list[dict]:
    docs = []
    for i in range(size):
        a, b = WORDS[i % len(WORDS)], WORDS[(i * 3) % len(WORDS)]
        docs.append(doc(f"d{i:04d}", title=f"{a} {b} {a}",
                        notes=f"datos de {b} y {a} en el municipio {i}",
                        tags=[a, f"etiqueta-{i % 5}"], res_format=["CSV"] if i % 2 else ["PDF"],
                        organization=f"entidad-{i % 7}"))
    return docs


def walk(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    return ids, weights, values


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("storage")
    engines = {}
    for procs in (1, 2):
        engine = WhooshBackend(folder / f"procs{procs}")
        engine.rebuild(catalog(700), procs=procs)
        engines[procs] = engine
    incremental = WhooshBackend(folder / "incremental")
    for start in range(0, 700, 350):
        incremental.index(catalog(700)[start:start + 350])
    engines["incremental"] = incremental
    yield engines
    for engine in engines.values():
        engine.close()


@pytest.mark.parametrize(("fieldname", "text"), [
    ("notes", "municipi"), ("title", "agu"), ("tags", "agua"), ("organization", "entidad-3")])
def test_packed_blocks_read_back_as_whoosh_wrote_them(built, fieldname, text):
    for engine in built.values():
        with index.open_dir(str(engine.path)).searcher() as searcher:
            for reader, _ in searcher.reader().leaf_readers():
                ids, weights, _ = walk(reader, fieldname, text)
                fast_ids, fast_weights = read_postings(reader, fieldname, text)
                assert fast_ids.tolist() == ids
                assert np.allclose(fast_weights, weights)


def test_positions_survive_several_blocks(built):
    with index.open_dir(str(built[1].path)).searcher() as searcher:
        reader = searcher.reader()
        assert isinstance(reader.postings("notes", "municipi"), PortalLeafMatcher)
        ids, _, values = walk(reader, "notes", "municipi")
        assert len(ids) == 700  # six blocks
        fmt = reader.schema["notes"].format
        assert {tuple(fmt.decode_positions(v)) for v in values} == {(3,)}
        _, weights, values = walk(reader, "title", "agu")
        assert {tuple(fmt.decode_positions(v)) for v in values} == {(0, 1, 2)}
        assert set(weights) == {3.0}


def _adjacent(text: str, first: str, second: str) -> bool:
    found = words(text)
    return any(a == first and b == second for a, b in itertools.pairwise(found))


def test_phrases_work_on_packed_blocks(built):
    expected = {d["id"] for d in catalog(700)
                if _adjacent(d["title"], "riego", "salud") or _adjacent(d["notes"], "riego",
                                                                         "salud")}
    assert expected
    for engine in built.values():
        result = engine.search(SearchQuery(q='"riego salud"', rows=1000))
        assert set(result.ids) == expected


def test_parallel_single_and_incremental_builds_answer_alike(built):
    queries = [SearchQuery(q=q, rows=30, facet_fields=("organization", "tags", "res_format"))
               for q in ("", "agua", "salud OR censo", "municipio 12", "etiqueta-3")]
    answers = {name: [engine.search(query) for query in queries]
               for name, engine in built.items()}
    for name in (2, "incremental"):
        for mine, reference in zip(answers[name], answers[1], strict=True):
            assert mine.count == reference.count
            assert mine.facets == reference.facets
            assert mine.ids == reference.ids
            assert [round(h.score, 4) for h in mine.hits] == [
                round(h.score, 4) for h in reference.hits]


def test_exact_fields_and_deletions_on_packed_blocks(built):
    engine = built["incremental"]
    with index.open_dir(str(engine.path)).searcher() as searcher:
        assert searcher.doc_count() == 700
        assert len(list(searcher.documents(organization="entidad-3"))) == 100
        assert searcher.search(wq.Term("tags", "agua"), limit=None).scored_length() > 0


@pytest.mark.parametrize("sort", [(), (SortKey("title"),), (SortKey("metadata_modified", True),)])
def test_small_pages_of_a_large_match_follow_the_full_order(built, sort):
    engine = built[2]
    options = {"sort": sort} if sort else {}
    full = engine.search(SearchQuery(q="agua OR riego OR municipio", rows=700, **options)).ids
    paged = [hit for start in range(0, 70, 7) for hit in engine.search(
        SearchQuery(q="agua OR riego OR municipio", start=start, rows=7, **options)).ids]
    assert paged == full[:70]


@pytest.mark.parametrize("procs", [1, 2])
def test_a_large_build_writes_several_segments_that_answer_as_one(tmp_path, monkeypatch, built,
                                                                  procs):
    """A rebuild keeps at most ``SEGMENT_DOCS`` documents in a writer's memory, then writes them
    as a segment: memory stays bounded at a million datasets, and the answers do not change."""
    from portal.search import whoosh_bulk

    monkeypatch.setattr(whoosh_bulk, "SEGMENT_DOCS", 150)
    engine = WhooshBackend(tmp_path / "segments")
    try:
        assert engine.rebuild(iter(catalog(700)), procs=procs) == 700
        with index.open_dir(str(engine.path)).searcher() as searcher:
            assert len(searcher.reader().leaf_readers()) >= 3
        for q in ("", "agua", "salud OR censo", '"riego salud"', "etiqueta-3"):
            query = SearchQuery(q=q, rows=40, facet_fields=("organization", "tags"))
            mine, reference = engine.search(query), built[1].search(query)
            assert (mine.count, mine.ids, mine.facets) == (reference.count, reference.ids,
                                                           reference.facets)
    finally:
        engine.close()
