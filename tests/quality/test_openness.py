"""Five stars of openness: each star, why the next one is missing, and the dataset's best."""

from __future__ import annotations

import pytest

from portal.quality.openness import Facts, best, rate


def facts(**values) -> Facts:
    return Facts(**{"licence_open": True, "licence_title": "CC-BY-4.0", **values})


@pytest.mark.parametrize(("given", "stars", "missing"), [
    (facts(licence_open=False, licence_title="Todos los derechos reservados", format="CSV"), 0,
     "no es abierta"),
    (facts(licence_open=False, licence_title="", format="CSV"), 0, "No indica una licencia"),
    (facts(format="CSV", link_ok=False), 0, "no responde"),
    (facts(format="PDF"), 1, "no es legible por máquina"),
    (facts(format="", media_type="text/html"), 1, "no es legible por máquina"),
    (facts(format="XLSX"), 2, "propietario"),
    (facts(format="", media_type="application/vnd.ms-excel"), 2, "propietario"),
    (facts(format="CSV"), 3, "URI"),
    (facts(format="", media_type="application/json; charset=utf-8"), 3, "URI"),
    (facts(format="TTL", is_upload=True), 4, "enlace a datos de otros"),
    (facts(format="JSON-LD", link_ok=True, link_media_type="text/html"), 4, "enlace"),
    (facts(format="RDF", link_ok=True, link_media_type="text/turtle; charset=utf-8"), 5, ""),
])
def test_stars_and_what_is_missing(given, stars, missing):
    rating = rate(given)
    assert rating.stars == stars
    assert len(rating.earned) == stars
    assert missing in rating.missing if missing else rating.missing == ""
    assert rating.reason


def test_a_dataset_has_its_best_resource_s_rating():
    ratings = [rate(facts(format="PDF")), rate(facts(format="CSV")), rate(facts(format="XLS"))]
    assert best(ratings).stars == 3
    assert best([]) is None
