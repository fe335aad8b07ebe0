"""DCAT-AP SHACL validation with pyshacl, on the public shapes in the conformance folder.

pyshacl's command line keeps only the last ``-s`` file, so the shapes are merged into one graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyshacl
from rdflib import Graph
from rdflib.namespace import SH

from tests.conformance import conformance_file

SHAPES_3_0_1 = ("dcat-ap-shacl/3.0.1/html-shacl/shapes.ttl",
                "dcat-ap-shacl/3.0.1/html-shacl/range.ttl")
RECOMMENDED_3_0_1 = ("dcat-ap-shacl/3.0.1/html-shacl/shapes_recommended.ttl",)
SHAPES_3_0_0 = ("dcat-ap-shacl/3.0.0/dcat-ap-SHACL.ttl",)


@dataclass
class Outcome:
    violations: list[str]
    warnings: list[str]


@cache
def _shapes(files: tuple[str, ...]) -> Graph:
    merged = Graph()
    for relative in files:
        merged.parse(conformance_file(relative), format="turtle")
    return merged


def validate(data: Graph, files: tuple[str, ...]) -> Outcome:
    for relative in files:
        conformance_file(relative)  # skips the test when a shapes file is missing
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=_shapes(files), inference="none", allow_warnings=True,
    )
    found: dict[str, list[str]] = {"Violation": [], "Warning": []}
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        line = (f"{severity}: {report.value(result, SH.focusNode)} "
                f"{report.value(result, SH.resultPath)}: {report.value(result, SH.resultMessage)}")
        found.setdefault(severity, []).append(line)
    return Outcome(sorted(found["Violation"]), sorted(found["Warning"]))
