"""Small, coherent demo tables: the cross product of a few dimensions (years, departments,
categories...) with measures that scale with the dimensions' weights, grow over time and carry a
little seeded noise. A table renders itself as CSV, as JSON records, as a Table Schema and as a data
dictionary, and can be deliberately broken so that validation has something to report.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import product
from typing import Any

from portal.demo.geography import DEPARTMENTS


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    type: str = "string"  # a Table Schema type: string, integer, number, date, boolean
    description: str = ""
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    required: bool = False

    def field(self) -> dict[str, Any]:
        """The Table Schema field descriptor."""
        descriptor: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        description = self.description or self.title
        if self.unit:
            description = f"{description} ({self.unit})"
        descriptor["description"] = description
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        if self.maximum is not None:
            constraints["maximum"] = self.maximum
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


@dataclass(frozen=True)
class Dimension:
    """One or more key columns and their values; each value carries a weight."""

    columns: tuple[Column, ...]
    values: tuple[tuple[tuple[Any, ...], float], ...]
    time: bool = False  # the position of a value drives the measures' growth


@dataclass(frozen=True)
class Measure:
    """A measured column.

    ``kind="total"``: ``base`` is the value for weight 1 at the first period, scaled by the product
    of the row's weights (counts, amounts). ``kind="level"``: ``base`` is the typical value whatever
    the weights (rates, prices, percentages). ``derive`` computes the value from the row instead.
    """

    column: Column
    base: float = 0.0
    growth: float = 0.0
    noise: float = 0.08
    kind: str = "total"
    decimals: int = 0
    derive: Callable[[dict[str, Any]], float] | None = None


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    primary_key: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.names)
        writer.writerows([_cell(value) for value in row] for row in self.rows)
        return out.getvalue().encode("utf-8")

    def records(self) -> list[dict[str, Any]]:
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def json_bytes(self, meta: dict[str, Any] | None = None) -> bytes:
        document: Any = self.records()
        if meta is not None:
            document = {**meta, "datos": document}
        return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"fields": [column.field() for column in self.columns]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        schema["missingValues"] = [""]
        return schema

    def dictionary_csv(self) -> bytes:
        """The data dictionary: one row per column."""
        dictionary = Table(
            [Column("campo", "Campo"), Column("titulo", "Título"), Column("tipo", "Tipo"),
             Column("descripcion", "Descripción"), Column("unidad", "Unidad")],
            [[c.name, c.title, c.type, c.description or c.title, c.unit] for c in self.columns],
        )
        return dictionary.csv_bytes()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- dimensions --------------------------------------------------------------------------------


def years(first: int, last: int) -> Dimension:
    column = Column("gestion", "Gestión", "integer", "Año de la gestión", minimum=1990,
                    maximum=2030, required=True)
    return Dimension((column,), tuple(((y,), 1.0) for y in range(first, last + 1)), time=True)


def months(seasonality: Sequence[float] | None = None) -> Dimension:
    weights = seasonality or (1.0,) * 12
    column = Column("mes", "Mes", "integer", "Mes del año (1 = enero)", minimum=1, maximum=12,
                    required=True)
    return Dimension((column,), tuple(((m,), weights[m - 1]) for m in range(1, 13)))


def weeks(seasonality: Sequence[float] | None = None) -> Dimension:
    """Epidemiological weeks 1-52; ``seasonality`` holds one weight per month."""
    weights = seasonality or (1.0,) * 12
    column = Column("semana", "Semana epidemiológica", "integer", minimum=1, maximum=53,
                    required=True)
    return Dimension((column,), tuple(((w,), weights[min((w - 1) * 12 // 52, 11)])
                                      for w in range(1, 53)))


def quarters() -> Dimension:
    column = Column("trimestre", "Trimestre", "integer", "Trimestre del año", minimum=1,
                    maximum=4, required=True)
    return Dimension((column,), tuple(((q,), 1.0) for q in range(1, 5)))


def departments() -> Dimension:
    names = tuple(dept.name for dept in DEPARTMENTS)
    columns = (
        Column("departamento", "Departamento", enum=names, required=True),
        Column("codigo_iso", "Código ISO 3166-2", description="Código ISO 3166-2 del departamento",
               required=True),
    )
    mean = sum(dept.population for dept in DEPARTMENTS) / len(DEPARTMENTS)
    return Dimension(
        columns, tuple(((dept.name, dept.iso), dept.population / mean) for dept in DEPARTMENTS)
    )


def categories(
    name: str, title: str, values: Sequence[str | tuple[str, float]], description: str = ""
) -> Dimension:
    """A categorical dimension; values are labels or (label, weight) pairs."""
    pairs = tuple((v, 1.0) if isinstance(v, str) else v for v in values)
    column = Column(name, title, description=description, required=True)
    return Dimension((column,), tuple(((label,), weight) for label, weight in pairs))


def days(first: date, last: date, weekdays_only: bool = True) -> Dimension:
    column = Column("fecha", "Fecha", "date", "Fecha (AAAA-MM-DD)", required=True)
    values = []
    current = first
    while current <= last:
        if not weekdays_only or current.weekday() < 5:
            values.append(((current.isoformat(),), 1.0))
        current += timedelta(days=1)
    return Dimension((column,), tuple(values), time=True)


# -- building ----------------------------------------------------------------------------------


def build(
    rng: random.Random, dimensions: Sequence[Dimension], measures: Sequence[Measure]
) -> Table:
    columns = [column for dim in dimensions for column in dim.columns]
    columns += [measure.column for measure in measures]
    rows = []
    for combo in product(*(enumerate(dim.values) for dim in dimensions)):
        cells: list[Any] = []
        weight = 1.0
        step = 0
        for dim, (index, (values, value_weight)) in zip(dimensions, combo, strict=True):
            cells.extend(values)
            weight *= value_weight
            if dim.time:
                step = index
        row = dict(zip((c.name for c in columns), cells, strict=False))
        for measure in measures:
            row[measure.column.name] = _measure(rng, measure, row, weight, step)
        rows.append([row[c.name] for c in columns])
    key = [column.name for dim in dimensions for column in dim.columns if column.required]
    return Table(columns, rows, key)


def _measure(
    rng: random.Random, measure: Measure, row: dict[str, Any], weight: float, step: int
) -> float | int:
    column = measure.column
    if measure.derive is not None:
        value = measure.derive(row)
    else:
        scale = weight if measure.kind == "total" else 1.0
        trend = (1 + measure.growth) ** step
        value = measure.base * scale * trend * (1 + rng.gauss(0, measure.noise))
    if column.minimum is not None:
        value = max(value, column.minimum)
    if column.maximum is not None:
        value = min(value, column.maximum)
    if column.type == "integer":
        return round(value)
    return round(value, measure.decimals)


def count(name: str, title: str, base: float, growth: float = 0.03, unit: str = "",
          description: str = "", noise: float = 0.08) -> Measure:
    column = Column(name, title, "integer", description, unit, minimum=0)
    return Measure(column, base, growth, noise)


def amount(name: str, title: str, base: float, growth: float = 0.05, unit: str = "Bs",
           description: str = "", decimals: int = 2, noise: float = 0.1) -> Measure:
    column = Column(name, title, "number", description, unit, minimum=0)
    return Measure(column, base, growth, noise, decimals=decimals)


def rate(name: str, title: str, base: float, growth: float = 0.0, unit: str = "%",
         description: str = "", decimals: int = 1, noise: float = 0.12,
         maximum: float | None = 100.0, minimum: float | None = 0.0) -> Measure:
    column = Column(name, title, "number", description, unit, minimum=minimum, maximum=maximum)
    return Measure(column, base, growth, noise, kind="level", decimals=decimals)


def derived(name: str, title: str, derive: Callable[[dict[str, Any]], float],
            type: str = "number", unit: str = "", decimals: int = 1,
            minimum: float | None = 0.0, maximum: float | None = None) -> Measure:
    column = Column(name, title, type, "", unit, minimum=minimum, maximum=maximum)
    return Measure(column, decimals=decimals, derive=derive)


def share(total: str, low: float, high: float, seed: str) -> Callable[[dict[str, Any]], float]:
    """A part of another measure, a stable fraction between ``low`` and ``high`` per row."""

    def compute(row: dict[str, Any]) -> float:
        key = "|".join(str(v) for v in row.values()) + seed
        fraction = low + (high - low) * random.Random(key).random()
        return row[total] * fraction

    return compute


def records(columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> Table:
    """A table of fixed rows (registries, lists); the first required columns are the key."""
    key = [column.name for column in columns if column.required]
    return Table(list(columns), [list(row) for row in rows], key)


# -- breaking ----------------------------------------------------------------------------------

# Frictionless error types that each kind of damage produces.
DAMAGE = ("type-error", "constraint-error", "primary-key", "missing-cell", "extra-cell")


def damaged(table: Table, kind: str, rng: random.Random) -> Table:
    """A copy of ``table`` with one defect of ``kind`` (a frictionless error type)."""
    if kind not in DAMAGE:
        raise ValueError(f"unknown damage {kind!r}; expected one of {DAMAGE}")
    rows = [list(row) for row in table.rows]
    index = rng.randrange(1, len(rows))
    numeric = [i for i, c in enumerate(table.columns)
               if c.type in ("integer", "number") and c.name not in table.primary_key]
    if kind == "type-error":
        rows[index][rng.choice(numeric)] = rng.choice(["s/d", "N/A", "sin dato", "12,5 %"])
    elif kind == "constraint-error":
        bounded = [i for i in numeric if table.columns[i].minimum == 0] or numeric
        column = rng.choice(bounded)
        rows[index][column] = -abs(rows[index][column] or 1)
    elif kind == "primary-key":
        rows.insert(index + 1, list(rows[index]))
    elif kind == "missing-cell":
        rows[index] = rows[index][:-1]
    else:
        rows[index] = [*rows[index], str(rows[index][-1])]
    return replace(table, rows=rows)

