"""Facet counts summed per value run equal a count over the matching documents themselves, in
an index of several segments with replaced and deleted documents and values present in some
segments only."""

from __future__ import annotations

import random
from collections import Counter

from portal.search.backend import SearchQuery
from tests.search.conftest import doc

FORMATS = ["CSV", "JSON", "PDF", "XLSX", "XML", "SHP"]
GROUPS = ["salud", "agua", "educacion", "economia"]


def _doc(rng: random.Random, doc_id: str, formats=FORMATS) -> dict:
    return doc(doc_id, title=f"Datos {rng.choice(['agua', 'censo', 'riego'])} {doc_id}",
               res_format=sorted(set(rng.sample(formats, rng.randint(0, 3)))),
               groups=sorted(set(rng.sample(GROUPS, rng.randint(0, 2)))),
               organization=rng.choice(["ine", "mds", "gamlp"]))


def test_facet_counts_match_the_documents_across_segments(whoosh_backend):
    rng = random.Random(3)
    documents = {f"d{i}": _doc(rng, f"d{i}", FORMATS[:4]) for i in range(400)}
    whoosh_backend.rebuild(list(documents.values()))
    later = {f"n{i}": _doc(rng, f"n{i}") for i in range(150)}  # SHP and XML only from here
    replaced = {f"d{i}": _doc(rng, f"d{i}") for i in range(0, 400, 7)}
    whoosh_backend.index([*later.values(), *replaced.values()])
    gone = [f"d{i}" for i in range(3, 400, 11)]
    whoosh_backend.delete(gone)
    documents.update(later)
    documents.update(replaced)
    for doc_id in gone:
        del documents[doc_id]
    for q in ("", "agua", "censo OR riego"):
        result = whoosh_backend.search(SearchQuery(
            q=q, facet_fields=("res_format", "groups", "organization"), facet_limit=-1,
            rows=1000))
        matched = [documents[doc_id] for doc_id in result.ids]
        assert result.count == len(matched) > 0
        for fieldname in ("res_format", "groups", "organization"):
            expected = Counter(v for d in matched for v in (
                d[fieldname] if isinstance(d[fieldname], list) else [d[fieldname]]))
            assert {c.value: c.count for c in result.facets[fieldname]} == dict(expected), \
                (q, fieldname)
