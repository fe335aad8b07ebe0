"""A family of demo datasets: one title pattern, published by one or more entities for one or
more periods (``Ejecución presupuestaria de {entity} {year}`` for each ministry and year), with a
factory that builds its table. ``portal.demo.inventory`` lists the families."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from portal.demo.geography import CAPITAL_PROVINCE, DISTRICTS, LIGHT_AREAS, PROVINCES
from portal.demo.tables import (
    Column,
    Dimension,
    Measure,
    Table,
    build,
    categories,
    departments,
    months,
    quarters,
    weeks,
    years,
)


@dataclass(frozen=True)
class Period:
    first: int
    last: int
    last_month: int = 12  # the last month covered in the last year (partial years)

    @property
    def start(self) -> date:
        return date(self.first, 1, 1)

    @property
    def end(self) -> date:
        """The last day covered."""
        following = date(self.last + 1, 1, 1) if self.last_month == 12 else \
            date(self.last, self.last_month + 1, 1)
        return following - timedelta(days=1)

    @property
    def label(self) -> str:
        return str(self.last) if self.first == self.last else f"{self.first}-{self.last}"


def each_year(first: int, last: int) -> tuple[Period, ...]:
    return tuple(Period(year, year) for year in range(first, last + 1))


@dataclass(frozen=True)
class Context:
    """What a table factory may read: the publishing entity and the period."""

    entity: dict[str, Any]
    period: Period


TableFactory = Callable[[random.Random, Context], Table]
DocumentFactory = Callable[[random.Random, Context], dict[str, Any]]


@dataclass(frozen=True)
class Family:
    code: str  # part of the local identifier, e.g. "EH" in "INE-EH-2023"
    entities: tuple[str, ...]  # the family is published by each of these entities
    title: str  # placeholders: {period} {year} {first} {of} {entity} {acronym} {place}
    summary: str  # the first paragraph of the description; same placeholders
    themes: tuple[str, ...]
    keywords: tuple[str, ...]
    frequency: str
    table: TableFactory | None  # None when the family publishes a JSON document only
    periods: tuple[Period, ...]
    source: str = ""
    language: tuple[str, ...] = ("es",)
    national: bool = True  # spatial coverage BO; else the entity's department
    json: bool = False  # also publish the rows as JSON
    schema: bool = False  # attach a Table Schema to the CSV
    dictionary: bool = False  # also publish a data dictionary
    license_id: str = ""  # the entity's licence unless set
    temporal: bool = True  # False for registries valid at one date (their last update)
    drafts: tuple[int, ...] = ()  # ordinals (within the family) published as drafts
    private: tuple[int, ...] = ()  # ordinals published as private
    damage: dict[int, str] = field(default_factory=dict)  # ordinal -> frictionless error type
    document: DocumentFactory | None = None  # a JSON document (e.g. an OCDS release package)
    name: str = ""  # fixed dataset name (slug) when the title's slug is not wanted


# -- table factories ---------------------------------------------------------------------------


def period_years(ctx: Context) -> Dimension:
    return years(ctx.period.first, ctx.period.last)


def _months(ctx: Context, seasonality: Sequence[float] | None) -> Dimension:
    dim = months(seasonality)
    if ctx.period.first == ctx.period.last and ctx.period.last_month < 12:
        return Dimension(dim.columns, dim.values[: ctx.period.last_month], dim.time)
    return dim


Category = tuple[str, str, Sequence[str | tuple[str, float]]]  # name, title, values


def _dims(ctx: Context, rng: random.Random, *, monthly: bool = False, quarterly: bool = False,
          weekly: bool = False, by_department: bool = False, by_area: bool = False,
          category: Category | None = None,
          seasonality: Sequence[float] | None = None) -> list[Dimension]:
    dims = [period_years(ctx)]
    if monthly:
        dims.append(_months(ctx, seasonality))
    if quarterly:
        dims.append(quarters())
    if weekly:
        dims.append(weeks(seasonality))
    if by_department:
        dims.append(departments())
    if by_area:
        dims.append(areas(ctx.entity, rng))
    if category:
        dims.append(categories(*category))
    return dims


def per_department(*measures: Measure, monthly: bool = False, quarterly: bool = False,
                   category: Category | None = None) -> TableFactory:
    """Years × the nine departments (× months or quarters) (× a category)."""
    return lambda rng, ctx: build(rng, _dims(
        ctx, rng, monthly=monthly, quarterly=quarterly, by_department=True, category=category,
    ), measures)


def per_month(*measures: Measure, seasonality: Sequence[float] | None = None,
              category: Category | None = None) -> TableFactory:
    return lambda rng, ctx: build(rng, _dims(
        ctx, rng, monthly=True, seasonality=seasonality, category=category), measures)


def per_week(*measures: Measure, seasonality: Sequence[float] | None = None) -> TableFactory:
    """Years × epidemiological weeks; ``seasonality`` gives one weight per month."""
    return lambda rng, ctx: build(rng, _dims(ctx, rng, weekly=True, seasonality=seasonality),
                                  measures)


def per_quarter(*measures: Measure, category: Category | None = None) -> TableFactory:
    return lambda rng, ctx: build(rng, _dims(ctx, rng, quarterly=True, category=category),
                                  measures)


def per_category(name: str, title: str, values: Sequence[str | tuple[str, float]],
                 *measures: Measure, monthly: bool = False, by_department: bool = False,
                 seasonality: Sequence[float] | None = None,
                 category: Category | None = None) -> TableFactory:
    """Years (× months) (× departments) × a category (× a second category)."""

    def factory(rng: random.Random, ctx: Context) -> Table:
        dims = _dims(ctx, rng, monthly=monthly, by_department=by_department,
                     seasonality=seasonality, category=(name, title, values))
        if category:
            dims.append(categories(*category))
        return build(rng, dims, measures)

    return factory


def per_area(*measures: Measure, category: Category | None = None, monthly: bool = False
             ) -> TableFactory:
    """Per province of a departmental government, or per district (zone) of a municipal or
    indigenous government (× months) (× a category)."""
    return lambda rng, ctx: build(rng, _dims(
        ctx, rng, monthly=monthly, by_area=True, category=category), measures)


def areas(entity: dict[str, Any], rng: random.Random) -> Dimension:
    name = entity["name"]
    if name in DISTRICTS:
        column = "zona" if entity["kind"] == "gobierno-ioc" else "distrito"
        labels = DISTRICTS[name]
        capital = None
    else:
        column = "provincia"
        labels = PROVINCES[entity["department"]]
        capital = CAPITAL_PROVINCE[entity["department"]]
    weighted = []
    for label in labels:
        weight = 0.5 + rng.random()
        if label == capital:
            weight *= 8
        elif label in LIGHT_AREAS:
            weight *= 0.2
        weighted.append((label, weight))
    mean = sum(w for _, w in weighted) / len(weighted)
    title = {"zona": "Zona", "distrito": "Distrito", "provincia": "Provincia"}[column]
    return categories(column, title, [(label, w / mean) for label, w in weighted])


def fixed(columns: Sequence[Column], make_rows: Callable[[random.Random, Context], list[list]]
          ) -> TableFactory:
    """A table of listed rows (registries): the required columns form the key."""

    def factory(rng: random.Random, ctx: Context) -> Table:
        key = [column.name for column in columns if column.required]
        return Table(list(columns), make_rows(rng, ctx), key)

    return factory
