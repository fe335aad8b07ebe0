"""The national frame of the PIGE (DS 5468 and its annex), loaded from ``standards/pige/``.

Axes, strategic lines, the targets of Cuadro N° 3, the entities they name and the Chapter VI
procedure are data files; this module reads them into frozen dataclasses and checks them on load.
Every problem found is collected (not only the first) and raised together in a ``FrameError``
whose ``problems`` each carry a stable ``code``, the file, a location and a message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from portal.datafiles import STANDARDS_DIR

FRAME_DIR = STANDARDS_DIR / "pige"

PLAN_FILE = "national_plan.json"
LINES_FILE = "lines.json"
TARGETS_FILE = "targets.json"
ENTITIES_FILE = "entities.json"
PROCEDURE_FILE = "procedure.json"

#: Units a deadline can be counted in.
DEADLINE_UNITS = frozenset({"business_days", "calendar_days"})
#: Named conditions a transition may require; portal.pige.procedure knows how to check each.
REQUIREMENTS = frozenset({"observations", "identifier_code", "resolution", "not_confidential"})
ENTITY_TYPES = frozenset({"entity", "group", "body"})
NAME_SOURCES = frozenset({"decree", "official_usage"})
QUANTITY_KINDS = frozenset({"numeric", "qualitative"})
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a frame file."""

    code: str
    file: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message} [{self.code}]"


class FrameError(Exception):
    """The frame files cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid PIGE frame ({len(self.problems)} problem(s)):\n{lines}")


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class LegalBasis:
    """An article or paragraph reference and the text quoted verbatim from the decree."""

    reference: str
    quote: str


@dataclass(frozen=True)
class NationalPlan:
    title: str
    norm_name: str
    norm_date: str
    start_year: int
    end_year: int
    object_basis: LegalBasis
    period_basis: LegalBasis
    scope: tuple[LegalBasis, ...]
    mission: LegalBasis
    vision: LegalBasis

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


@dataclass(frozen=True)
class Axis:
    number: int
    name: str
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Section:
    """A part of a line with its own objective: the whole line, or 10.1, 13.2..."""

    number: str | None
    title: str | None
    objective: str
    description: str
    results: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    number: int
    axis: int
    name: str
    heading_name: str | None
    sections: tuple[Section, ...]

    @property
    def results(self) -> tuple[str, ...]:
        """The line's results in order, across sections (``Target.result_index`` counts here)."""
        return tuple(r for s in self.sections for r in s.results)

    @property
    def objectives(self) -> tuple[str, ...]:
        return tuple(s.objective for s in self.sections)


@dataclass(frozen=True)
class Entity:
    slug: str
    acronym: str | None
    name: str
    type: str
    entity_kind: str | None
    name_source: str
    part_of: str | None = None

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


@dataclass(frozen=True)
class EntityRef:
    """An entity as written in a cell of Cuadro N° 3, with the slug it maps to."""

    as_written: str
    slug: str


@dataclass(frozen=True)
class Quantity:
    """What a target states: a number with its unit, or a qualitative condition."""

    kind: str
    value: float | None = None
    unit: str | None = None
    of: str | None = None
    per: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.kind == "numeric"


@dataclass(frozen=True)
class CatalogMeasure:
    """How the portal's own catalog measures a target: what to count over what."""

    indicator: str
    unit: str
    numerator: str
    numerator_criteria: Mapping[str, Any]
    denominator: str
    denominator_criteria: Mapping[str, Any]
    caveat: str


@dataclass(frozen=True)
class Target:
    id: str
    line: int
    section: str | None
    result_index: int
    result: str
    target: str
    responsible_cell: str
    responsible: tuple[EntityRef, ...]
    coordinator_cell: str | None
    coordinators: tuple[EntityRef, ...]
    quantity: Quantity
    measurable_from_catalog: CatalogMeasure | None = None


@dataclass(frozen=True)
class Role:
    id: str
    label: str


@dataclass(frozen=True)
class Deadline:
    """``period``: ``days`` in ``unit`` from the day a state is entered; ``window``: fixed."""

    kind: str
    days: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class State:
    id: str
    label: str
    description: str
    responsible_role: str | None
    deadline: Deadline | None
    legal_basis: tuple[LegalBasis, ...]
    interpretation: str | None = None


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    from_states: tuple[str, ...]
    to: str
    roles: tuple[str, ...]
    requires: tuple[str, ...]


@dataclass(frozen=True)
class Window:
    """A period of ``days`` counted from a configured date (e.g. the SRSP component date)."""

    id: str
    label: str
    days: int
    unit: str
    counted_from: str
    legal_basis: tuple[LegalBasis, ...]


@dataclass(frozen=True)
class PlanKind:
    id: str
    label: str
    registration_window: str | None
    legal_basis: tuple[LegalBasis, ...]


@dataclass(frozen=True)
class Milestone:
    """A national step of AGETIC that precedes the entities' procedure."""

    id: str
    label: str
    days: int
    unit: str
    counted_from: str
    legal_basis: tuple[LegalBasis, ...]


@dataclass(frozen=True)
class Monitoring:
    responsible: str
    legal_basis: tuple[LegalBasis, ...]
    annual_reports_basis: tuple[LegalBasis, ...]
    annual_reports_interpretation: str | None
    final_evaluation_year: int
    final_evaluation_basis: tuple[LegalBasis, ...]


@dataclass(frozen=True)
class Procedure:
    roles: tuple[Role, ...]
    plan_kinds: tuple[PlanKind, ...]
    windows: tuple[Window, ...]
    milestones: tuple[Milestone, ...]
    initial_state: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    confidentiality_basis: tuple[LegalBasis, ...]
    monitoring: Monitoring

    def state(self, state_id: str) -> State:
        return _find(self.states, "id", state_id, "state")

    def transition(self, action: str) -> Transition:
        return _find(self.transitions, "action", action, "action")

    def window(self, window_id: str) -> Window:
        return _find(self.windows, "id", window_id, "window")

    def plan_kind(self, kind: str) -> PlanKind:
        return _find(self.plan_kinds, "id", kind, "plan kind")

    def milestone(self, milestone_id: str) -> Milestone:
        return _find(self.milestones, "id", milestone_id, "milestone")

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    def transitions_from(self, state_id: str) -> tuple[Transition, ...]:
        return tuple(t for t in self.transitions if state_id in t.from_states)

    def states_after(self, state_id: str) -> frozenset[str]:
        """``state_id`` and every state reachable from it."""
        seen, todo = {state_id}, [state_id]
        while todo:
            for t in self.transitions_from(todo.pop()):
                if t.to not in seen:
                    seen.add(t.to)
                    todo.append(t.to)
        return frozenset(seen)

    @property
    def approved_states(self) -> frozenset[str]:
        """States of an approved plan: from the one the approving resolution leads to, on."""
        approving = [t for t in self.transitions if "resolution" in t.requires]
        return frozenset().union(*(self.states_after(t.to) for t in approving))


@dataclass(frozen=True)
class Frame:
    plan: NationalPlan
    axes: tuple[Axis, ...]
    lines: tuple[Line, ...]
    targets: tuple[Target, ...]
    entities: tuple[Entity, ...]
    procedure: Procedure
    directory: Path = field(compare=False)

    def axis(self, number: int) -> Axis:
        return _find(self.axes, "number", number, "axis")

    def line(self, number: int) -> Line:
        return _find(self.lines, "number", number, "strategic line")

    def target(self, target_id: str) -> Target:
        return _find(self.targets, "id", target_id, "target")

    def entity(self, slug: str) -> Entity:
        return _find(self.entities, "slug", slug, "entity")

    def lines_of_axis(self, number: int) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.axis == number)

    def targets_for_line(self, number: int) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.line == number)

    def catalog_measurable_targets(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.measurable_from_catalog is not None)


def _find(items: tuple[Any, ...], attr: str, value: Any, what: str) -> Any:
    for item in items:
        if getattr(item, attr) == value:
            return item
    raise KeyError(f"unknown {what}: {value!r}")


# --------------------------------------------------------------------------- reading


class _Reader:
    """Reads values out of parsed JSON, recording a Problem instead of failing at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.file = ""

    def problem(self, code: str, location: str, message: str) -> None:
        self.problems.append(Problem(code, self.file, location, message))

    def get(self, obj: Any, key: str, kind: str, loc: str, *, optional: bool = False) -> Any:
        """``obj[key]`` if it has the expected ``kind``; else record a problem and return None.

        kinds: ``str`` (non-empty), ``int``, ``number``, ``list``, ``dict``, ``bool``.
        ``optional`` accepts a missing key or null.
        """
        where = f"{loc}.{key}" if loc else key
        if not isinstance(obj, dict):
            self.problem("not-an-object", loc or "(root)", "expected a JSON object")
            return None
        if key not in obj or obj[key] is None:
            if not optional:
                self.problem("missing-field", where, f"required field '{key}' is missing")
            return None
        value = obj[key]
        ok = {
            "str": isinstance(value, str) and value.strip() != "",
            "int": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "list": isinstance(value, list),
            "dict": isinstance(value, dict),
            "bool": isinstance(value, bool),
        }[kind]
        if not ok:
            expected = {"str": "a non-empty string", "number": "a number"}.get(kind, f"a {kind}")
            self.problem("wrong-type", where, f"expected {expected}, got {value!r}")
            return None
        return value

    def items(self, obj: Any, key: str, loc: str) -> list[tuple[str, Any]]:
        """The entries of a list field with their locations (empty when missing/invalid)."""
        values = self.get(obj, key, "list", loc) or []
        base = f"{loc}.{key}" if loc else key
        return [(f"{base}[{i}]", v) for i, v in enumerate(values)]

    def bases(self, obj: Any, key: str, loc: str) -> tuple[LegalBasis, ...]:
        parsed = (self.basis(v, where) for where, v in self.items(obj, key, loc))
        found = tuple(b for b in parsed if b)
        if not found and isinstance(obj, dict) and isinstance(obj.get(key), list):
            self.problem("missing-legal-basis", f"{loc}.{key}", "at least one legal basis needed")
        return found

    def basis(self, obj: Any, loc: str) -> LegalBasis | None:
        reference = self.get(obj, "reference", "str", loc)
        quote = self.get(obj, "quote", "str", loc)
        if reference is None or quote is None:
            return None
        return LegalBasis(reference, quote)

    def unique(self, values: list[tuple[str, Any]], what: str) -> None:
        seen: set[Any] = set()
        for where, value in values:
            if value in seen:
                self.problem("duplicate", where, f"duplicate {what} {value!r}")
            seen.add(value)


def _read_json(reader: _Reader, path: Path) -> Any:
    reader.file = path.name
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        reader.problem("missing-file", "(file)", f"file not found: {path}")
    except json.JSONDecodeError as exc:
        reader.problem("invalid-json", f"line {exc.lineno}", f"not valid JSON: {exc.msg}")
    except UnicodeDecodeError as exc:
        reader.problem("invalid-encoding", "(file)", f"not UTF-8: {exc.reason}")
    return None


def _check_format(reader: _Reader, doc: Any, expected: str) -> None:
    fmt = reader.get(doc, "format", "str", "")
    if fmt is not None and fmt != expected:
        reader.problem("unknown-format", "format", f"expected format {expected!r}, got {fmt!r}")


def _read_plan(r: _Reader, doc: Any) -> NationalPlan | None:
    _check_format(r, doc, "pige-national-plan/1")
    norm = r.get(doc, "norm", "dict", "") or {}
    period = r.get(doc, "period", "dict", "") or {}
    start = r.get(period, "start_year", "int", "period")
    end = r.get(period, "end_year", "int", "period")
    if start is not None and end is not None and start > end:
        r.problem("invalid-period", "period", f"start_year {start} is after end_year {end}")
    values = (
        r.get(doc, "title", "str", ""),
        r.get(norm, "name", "str", "norm"),
        r.get(norm, "date", "str", "norm"),
        start,
        end,
        r.basis(r.get(norm, "object", "dict", "norm"), "norm.object"),
        r.basis(r.get(period, "legal_basis", "dict", "period"), "period.legal_basis"),
        r.bases(doc, "scope", ""),
        r.basis(r.get(doc, "mission", "dict", ""), "mission"),
        r.basis(r.get(doc, "vision", "dict", ""), "vision"),
    )
    if any(v is None for v in values):
        return None
    return NationalPlan(*values)


def _read_lines(r: _Reader, doc: Any) -> tuple[tuple[Axis, ...], tuple[Line, ...]]:
    _check_format(r, doc, "pige-lines/1")
    r.basis(r.get(doc, "source", "dict", ""), "source")
    axes: list[Axis] = []
    for loc, obj in r.items(doc, "axes", ""):
        number = r.get(obj, "number", "int", loc)
        name = r.get(obj, "name", "str", loc)
        members = r.get(obj, "lines", "list", loc)
        if members is not None and not all(isinstance(n, int) for n in members):
            r.problem("wrong-type", f"{loc}.lines", "line numbers must be integers")
            members = None
        if None not in (number, name, members):
            axes.append(Axis(number, name, tuple(members)))
    lines: list[Line] = []
    for loc, obj in r.items(doc, "lines", ""):
        number = r.get(obj, "number", "int", loc)
        axis = r.get(obj, "axis", "int", loc)
        name = r.get(obj, "name", "str", loc)
        heading = r.get(obj, "heading_name", "str", loc, optional=True)
        parsed = (_read_section(r, o, w) for w, o in r.items(obj, "sections", loc))
        sections = tuple(s for s in parsed if s)
        if not sections:
            r.problem("no-sections", loc, "a line needs at least one section with its objective")
        if None not in (number, axis, name) and sections:
            lines.append(Line(number, axis, name, heading, sections))
    r.unique([(f"axes[{i}]", a.number) for i, a in enumerate(axes)], "axis number")
    r.unique([(f"lines[{i}]", ln.number) for i, ln in enumerate(lines)], "line number")
    _check_numbering(r, [a.number for a in axes], "axes", "axis")
    _check_numbering(r, [ln.number for ln in lines], "lines", "line")
    by_number = {a.number: a for a in axes}
    for i, line in enumerate(lines):
        axis = by_number.get(line.axis)
        if axis is None:
            r.problem("unknown-axis", f"lines[{i}].axis",
                      f"line {line.number}: no axis {line.axis}")
        elif line.number not in axis.lines:
            r.problem(
                "axis-mismatch",
                f"lines[{i}].axis",
                f"line {line.number} says axis {line.axis} but that axis does not list it",
            )
    listed = [n for a in axes for n in a.lines]
    r.unique([("axes", n) for n in listed], "line in axes")
    known = {ln.number for ln in lines}
    for n in listed:
        if n not in known:
            r.problem("unknown-line", "axes", f"an axis lists line {n}, which is not defined")
    for i, line in enumerate(lines):
        numbers = [s.number for s in line.sections]
        if len(numbers) > 1 and any(n is None for n in numbers):
            r.problem("unnumbered-section", f"lines[{i}]",
                      "a line with several sections numbers each")
    return tuple(axes), tuple(lines)


def _read_section(r: _Reader, obj: Any, loc: str) -> Section | None:
    number = r.get(obj, "number", "str", loc, optional=True)
    title = r.get(obj, "title", "str", loc, optional=True)
    objective = r.get(obj, "objective", "str", loc)
    description = r.get(obj, "description", "str", loc)
    results = r.get(obj, "results", "list", loc)
    if results is not None and not all(isinstance(x, str) and x.strip() for x in results):
        r.problem("wrong-type", f"{loc}.results", "results must be non-empty strings")
        results = None
    if None in (objective, description, results):
        return None
    return Section(number, title, objective, description, tuple(results))


def _check_numbering(r: _Reader, numbers: list[int], loc: str, what: str) -> None:
    if numbers and sorted(numbers) != list(range(1, len(numbers) + 1)):
        r.problem("numbering", loc,
                  f"{what} numbers must run 1..{len(numbers)}, got {sorted(numbers)}")


def _read_entities(r: _Reader, doc: Any) -> tuple[Entity, ...]:
    _check_format(r, doc, "pige-entities/1")
    entities: list[Entity] = []
    for loc, obj in r.items(doc, "entities", ""):
        slug = r.get(obj, "slug", "str", loc)
        if slug is not None and not SLUG_RE.match(slug):
            r.problem("invalid-slug", f"{loc}.slug",
                      f"slug {slug!r}: use lowercase letters, digits and '-'")
        kind = r.get(obj, "type", "str", loc)
        if kind is not None and kind not in ENTITY_TYPES:
            r.problem("unknown-value", f"{loc}.type",
                      f"type {kind!r} not in {sorted(ENTITY_TYPES)}")
        source = r.get(obj, "name_source", "str", loc)
        if source is not None and source not in NAME_SOURCES:
            r.problem("unknown-value", f"{loc}.name_source",
                      f"{source!r} not in {sorted(NAME_SOURCES)}")
        values = (
            slug,
            r.get(obj, "acronym", "str", loc, optional=True),
            r.get(obj, "name", "str", loc),
            kind,
            r.get(obj, "entity_kind", "str", loc, optional=True),
            source,
            r.get(obj, "part_of", "str", loc, optional=True),
        )
        if None not in (slug, values[2], kind, source):
            entities.append(Entity(*values))
    r.unique([(f"entities[{i}]", e.slug) for i, e in enumerate(entities)], "entity slug")
    slugs = {e.slug for e in entities}
    for i, e in enumerate(entities):
        if e.part_of is not None and e.part_of not in slugs:
            r.problem("unknown-entity", f"entities[{i}].part_of", f"no entity {e.part_of!r}")
    return tuple(entities)


def _read_targets(
    r: _Reader, doc: Any, lines: tuple[Line, ...], entities: tuple[Entity, ...]
) -> tuple[Target, ...]:
    _check_format(r, doc, "pige-targets/1")
    slugs = {e.slug for e in entities}
    by_line = {ln.number: ln for ln in lines}
    targets: list[Target] = []
    for loc, obj in r.items(doc, "targets", ""):
        tid = r.get(obj, "id", "str", loc)
        number = r.get(obj, "line", "int", loc)
        section = r.get(obj, "section", "str", loc, optional=True)
        index = r.get(obj, "result_index", "int", loc)
        result = r.get(obj, "result", "str", loc)
        text = r.get(obj, "target", "str", loc)
        rcell = r.get(obj, "responsible_cell", "str", loc)
        ccell = r.get(obj, "coordinator_cell", "str", loc, optional=True)
        responsible = _read_refs(r, obj, "responsible", loc, slugs)
        coordinators = _read_refs(r, obj, "coordinators", loc, slugs, allow_empty=True)
        quantity = _read_quantity(r, r.get(obj, "quantity", "dict", loc), f"{loc}.quantity")
        measure = None
        raw_measure = obj.get("measurable_from_catalog") if isinstance(obj, dict) else None
        if raw_measure is not None:
            measure = _read_measure(r, raw_measure, f"{loc}.measurable_from_catalog")
            if quantity is not None and not quantity.is_numeric:
                r.problem(
                    "measure-not-numeric",
                    f"{loc}.measurable_from_catalog",
                    f"target {tid}: only a numeric target can be measured from the catalog",
                )
        line = by_line.get(number) if number is not None else None
        if number is not None and line is None:
            r.problem("unknown-line", f"{loc}.line", f"target {tid}: no strategic line {number}")
        if line is not None and index is not None:
            _check_result_ref(r, loc, tid, line, section, index)
        if None in (tid, number, index, result, text, rcell, quantity) or not responsible:
            continue
        targets.append(
            Target(tid, number, section, index, result, text, rcell, responsible, ccell,
                   coordinators, quantity, measure)
        )
    r.unique([(f"targets[{i}]", t.id) for i, t in enumerate(targets)], "target id")
    r.unique([(f"targets[{i}]", (t.line, t.result_index)) for i, t in enumerate(targets)],
             "(line, result_index)")
    covered = {(t.line, t.result_index) for t in targets}
    for line in lines:
        for i in range(1, len(line.results) + 1):
            if (line.number, i) not in covered:
                r.problem("result-without-target", "targets",
                          f"result {i} of line {line.number} has no target")
    return tuple(targets)


def _check_result_ref(
    r: _Reader, loc: str, tid: str | None, line: Line, section: str | None, index: int
) -> None:
    if not 1 <= index <= len(line.results):
        r.problem("unknown-result", f"{loc}.result_index",
                  f"target {tid}: line {line.number} has {len(line.results)} result(s), "
                  f"not {index}")
        return
    sections = {s.number: s for s in line.sections}
    if section not in sections:
        r.problem("unknown-section", f"{loc}.section",
                  f"target {tid}: line {line.number} has no section {section!r}")
        return
    if line.results[index - 1] not in sections[section].results:
        r.problem("section-mismatch", f"{loc}.section",
                  f"target {tid}: result {index} of line {line.number} is not in section {section}")


def _read_refs(
    r: _Reader, obj: Any, key: str, loc: str, slugs: set[str], *, allow_empty: bool = False
) -> tuple[EntityRef, ...]:
    refs = []
    for where, ref in r.items(obj, key, loc):
        written = r.get(ref, "as_written", "str", where)
        slug = r.get(ref, "slug", "str", where)
        if slug is not None and slug not in slugs:
            r.problem("unknown-entity", f"{where}.slug", f"no entity {slug!r} in {ENTITIES_FILE}")
        if written is not None and slug is not None:
            refs.append(EntityRef(written, slug))
    if not refs and not allow_empty and isinstance(obj, dict):
        r.problem("missing-entity", f"{loc}.{key}", "at least one entity needed")
    return tuple(refs)


def _read_quantity(r: _Reader, obj: Any, loc: str) -> Quantity | None:
    if obj is None:
        return None
    kind = r.get(obj, "kind", "str", loc)
    if kind is None:
        return None
    if kind not in QUANTITY_KINDS:
        r.problem("unknown-value", f"{loc}.kind", f"kind {kind!r} not in {sorted(QUANTITY_KINDS)}")
        return None
    if kind == "qualitative":
        for key in ("value", "unit"):
            if obj.get(key) is not None:
                r.problem("qualitative-with-number", f"{loc}.{key}",
                          f"a qualitative target has no {key}")
        return Quantity("qualitative")
    value = r.get(obj, "value", "number", loc)
    unit = r.get(obj, "unit", "str", loc)
    if value is not None and value < 0:
        r.problem("negative-target", f"{loc}.value", f"target value {value} is negative")
    if unit == "percent" and value is not None and value > 100:
        r.problem("percent-over-100", f"{loc}.value", f"{value}% is more than 100%")
    of = r.get(obj, "of", "str", loc, optional=True)
    per = r.get(obj, "per", "str", loc, optional=True)
    if value is None or unit is None:
        return None
    return Quantity("numeric", float(value), unit, of, per)


def _read_measure(r: _Reader, obj: Any, loc: str) -> CatalogMeasure | None:
    numerator = r.get(obj, "numerator", "dict", loc)
    denominator = r.get(obj, "denominator", "dict", loc)
    values = (
        r.get(obj, "indicator", "str", loc),
        r.get(obj, "unit", "str", loc),
        r.get(numerator, "description", "str", f"{loc}.numerator") if numerator else None,
        r.get(numerator, "criteria", "dict", f"{loc}.numerator") if numerator else None,
        r.get(denominator, "description", "str", f"{loc}.denominator") if denominator else None,
        r.get(denominator, "criteria", "dict", f"{loc}.denominator") if denominator else None,
        r.get(obj, "caveat", "str", loc),
    )
    if None in values:
        return None
    return CatalogMeasure(*values)


def _read_deadline(r: _Reader, obj: Any, loc: str) -> Deadline | None:
    kind = r.get(obj, "kind", "str", loc)
    if kind == "window":
        return Deadline("window")
    if kind != "period":
        if kind is not None:
            r.problem("unknown-value", f"{loc}.kind",
                      f"deadline kind {kind!r}: use period or window")
        return None
    days = r.get(obj, "days", "int", loc)
    unit = _read_unit(r, obj, loc)
    if days is not None and days <= 0:
        r.problem("invalid-days", f"{loc}.days",
                  f"a deadline needs a positive number of days: {days}")
    if days is None or unit is None:
        return None
    return Deadline("period", days, unit)


def _read_unit(r: _Reader, obj: Any, loc: str) -> str | None:
    unit = r.get(obj, "unit", "str", loc)
    if unit is not None and unit not in DEADLINE_UNITS:
        r.problem("unknown-unit", f"{loc}.unit", f"unit {unit!r} not in {sorted(DEADLINE_UNITS)}")
        return None
    return unit


def _read_procedure(r: _Reader, doc: Any) -> Procedure | None:
    _check_format(r, doc, "pige-procedure/1")
    roles = []
    for loc, obj in r.items(doc, "roles", ""):
        rid, label = r.get(obj, "id", "str", loc), r.get(obj, "label", "str", loc)
        if rid and label:
            roles.append(Role(rid, label))
    role_ids = {x.id for x in roles}

    windows = []
    for loc, obj in r.items(doc, "windows", ""):
        values = (r.get(obj, "id", "str", loc), r.get(obj, "label", "str", loc),
                  r.get(obj, "days", "int", loc), _read_unit(r, obj, loc),
                  r.get(obj, "counted_from", "str", loc), r.bases(obj, "legal_basis", loc))
        if None not in values:
            windows.append(Window(*values))
    window_ids = {w.id for w in windows}

    kinds = []
    for loc, obj in r.items(doc, "plan_kinds", ""):
        window = r.get(obj, "registration_window", "str", loc, optional=True)
        if window is not None and window not in window_ids:
            r.problem("unknown-window", f"{loc}.registration_window", f"no window {window!r}")
        values = (r.get(obj, "id", "str", loc), r.get(obj, "label", "str", loc), window,
                  r.bases(obj, "legal_basis", loc))
        if None not in (values[0], values[1]):
            kinds.append(PlanKind(*values))

    milestones = []
    for loc, obj in r.items(doc, "national_milestones", ""):
        values = (r.get(obj, "id", "str", loc), r.get(obj, "label", "str", loc),
                  r.get(obj, "days", "int", loc), _read_unit(r, obj, loc),
                  r.get(obj, "counted_from", "str", loc), r.bases(obj, "legal_basis", loc))
        if None not in values:
            milestones.append(Milestone(*values))

    states = []
    for loc, obj in r.items(doc, "states", ""):
        role = r.get(obj, "responsible_role", "str", loc, optional=True)
        if role is not None and role not in role_ids:
            r.problem("unknown-role", f"{loc}.responsible_role", f"no role {role!r}")
        deadline = None
        if isinstance(obj, dict) and obj.get("deadline") is not None:
            deadline = _read_deadline(r, obj["deadline"], f"{loc}.deadline")
        values = (r.get(obj, "id", "str", loc), r.get(obj, "label", "str", loc),
                  r.get(obj, "description", "str", loc), role, deadline,
                  r.bases(obj, "legal_basis", loc),
                  r.get(obj, "interpretation", "str", loc, optional=True))
        if None not in values[:3]:
            states.append(State(*values))
    state_ids = {s.id for s in states}

    transitions = []
    for loc, obj in r.items(doc, "transitions", ""):
        sources = r.get(obj, "from", "list", loc) or []
        target = r.get(obj, "to", "str", loc)
        allowed = r.get(obj, "roles", "list", loc) or []
        requires = r.get(obj, "requires", "list", loc) or []
        for s in [*sources, target]:
            if s is not None and s not in state_ids:
                r.problem("unknown-state", loc, f"transition refers to unknown state {s!r}")
        for role in allowed:
            if role not in role_ids:
                r.problem("unknown-role", f"{loc}.roles", f"no role {role!r}")
        for req in requires:
            if req not in REQUIREMENTS:
                r.problem("unknown-requirement", f"{loc}.requires",
                          f"requirement {req!r} not in {sorted(REQUIREMENTS)}")
        if not allowed:
            r.problem("no-roles", f"{loc}.roles", "a transition needs at least one role")
        action, label = r.get(obj, "action", "str", loc), r.get(obj, "label", "str", loc)
        if None not in (action, label, target) and sources:
            transitions.append(Transition(action, label, tuple(sources), target, tuple(allowed),
                                          tuple(requires)))

    initial = r.get(doc, "initial_state", "str", "")
    if initial is not None and initial not in state_ids:
        r.problem("unknown-state", "initial_state", f"no state {initial!r}")
    reachable = {t.to for t in transitions} | {initial}
    for i, s in enumerate(states):
        if s.id not in reachable:
            r.problem("unreachable-state", f"states[{i}]", f"no transition leads to state {s.id!r}")
        if s.deadline is not None and s.deadline.kind == "window" and s.id != initial:
            r.problem("window-not-initial", f"states[{i}].deadline",
                      "only the initial state can have a window deadline")
    for name, values in (("role", [x.id for x in roles]), ("window", [w.id for w in windows]),
                         ("plan kind", [k.id for k in kinds]), ("state", [s.id for s in states]),
                         ("action", [t.action for t in transitions]),
                         ("milestone", [m.id for m in milestones])):
        r.unique([(name, v) for v in values], name)

    conf = r.get(doc, "confidentiality", "dict", "")
    conf_basis = r.bases(conf, "legal_basis", "confidentiality") if conf else ()
    mon = r.get(doc, "monitoring", "dict", "") or {}
    annual = r.get(mon, "annual_reports", "dict", "monitoring") or {}
    final = r.get(mon, "final_evaluation", "dict", "monitoring") or {}
    monitoring_values = (
        r.get(mon, "responsible", "str", "monitoring"),
        r.bases(mon, "legal_basis", "monitoring"),
        r.bases(annual, "legal_basis", "monitoring.annual_reports"),
        r.get(annual, "interpretation", "str", "monitoring.annual_reports", optional=True),
        r.get(final, "year", "int", "monitoring.final_evaluation"),
        r.bases(final, "legal_basis", "monitoring.final_evaluation"),
    )
    if None in (monitoring_values[0], monitoring_values[4], initial) or not conf_basis:
        return None
    return Procedure(tuple(roles), tuple(kinds), tuple(windows), tuple(milestones), initial,
                     tuple(states), tuple(transitions), conf_basis, Monitoring(*monitoring_values))


def load_frame(directory: Path | str | None = None) -> Frame:
    """Read and check the frame files of ``directory`` (default ``standards/pige``).

    Raises ``FrameError`` listing every problem found.
    """
    base = Path(directory) if directory is not None else FRAME_DIR
    r = _Reader()
    plan = _read_plan(r, _read_json(r, base / PLAN_FILE))
    axes, lines = _read_lines(r, _read_json(r, base / LINES_FILE))
    entities = _read_entities(r, _read_json(r, base / ENTITIES_FILE))
    targets = _read_targets(r, _read_json(r, base / TARGETS_FILE), lines, entities)
    procedure = _read_procedure(r, _read_json(r, base / PROCEDURE_FILE))
    if procedure is not None and plan is not None:
        r.file = PROCEDURE_FILE
        if procedure.monitoring.final_evaluation_year not in plan.years:
            r.problem("outside-period", "monitoring.final_evaluation.year",
                      f"{procedure.monitoring.final_evaluation_year} is outside the plan period")
        if procedure.monitoring.responsible not in {e.slug for e in entities}:
            r.problem("unknown-entity", "monitoring.responsible",
                      f"no entity {procedure.monitoring.responsible!r}")
    if r.problems or plan is None or procedure is None:
        raise FrameError(r.problems or [Problem("incomplete", str(base), "(frame)", "incomplete")])
    return Frame(plan, axes, lines, targets, entities, procedure, base)


@cache
def default_frame() -> Frame:
    """The frame of ``standards/pige``, read once per process."""
    return load_frame(FRAME_DIR)
