"""Business days in Bolivia, for the legal deadlines of the PIGE procedure.

A business day is a weekday that is not a public holiday. Public holidays come from the maintained
``holidays`` library (``holidays.Bolivia``: national holidays and, with a department code, that
department's day), corrected by the days declared by decree listed in
``standards/holidays-decreed.json``: a decreed ``holiday`` adds a day off (an extra holiday, or a
holiday moved onto that day); a decreed ``working_day`` removes a library holiday (a holiday moved
away from that day).

Counting rule: a period of *n* business days starting on a date ends on the n-th business day
after that date (the starting day itself is not counted, whatever it is).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import holidays

from portal.datafiles import STANDARDS_DIR

DECREED_FILE = STANDARDS_DIR / "holidays-decreed.json"
COUNTRY = "BO"
EFFECTS = frozenset({"holiday", "working_day"})
SUBDIVISIONS = frozenset(holidays.Bolivia.subdivisions)


class CalendarDataError(Exception):
    """The decreed-days file cannot be used; ``problems`` lists what is wrong, entry by entry."""

    def __init__(self, path: Path, problems: list[str]):
        self.path = path
        self.problems = tuple(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid decreed days in {path}:\n{listed}")


@dataclass(frozen=True)
class DecreedDay:
    date: dt.date
    effect: str
    name: str
    subdivisions: tuple[str, ...] | None
    norm: str
    norm_date: dt.date | None
    quote: str | None
    sources: tuple[str, ...]
    verified_against_gazette: bool

    def applies_to(self, subdivision: str | None) -> bool:
        return self.subdivisions is None or subdivision in self.subdivisions


def _parse_date(value: object, where: str, problems: list[str]) -> dt.date | None:
    if not isinstance(value, str):
        problems.append(f"{where}: expected an ISO date string, got {value!r}")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
        return None


def _parse_day(obj: object, where: str, problems: list[str]) -> DecreedDay | None:
    if not isinstance(obj, dict):
        problems.append(f"{where}: expected an object")
        return None
    before = len(problems)
    day = _parse_date(obj.get("date"), f"{where}.date", problems)
    effect = obj.get("effect")
    if effect not in EFFECTS:
        problems.append(f"{where}.effect: {effect!r} is not one of {sorted(EFFECTS)}")
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}.name: a name is required")
    subdivisions = obj.get("subdivisions")
    if subdivisions is not None:
        if not isinstance(subdivisions, list) or not subdivisions:
            problems.append(f"{where}.subdivisions: null or a non-empty list of department codes")
            subdivisions = None
        else:
            unknown = [s for s in subdivisions if s not in SUBDIVISIONS]
            if unknown:
                problems.append(f"{where}.subdivisions: unknown department code(s) {unknown}")
            subdivisions = tuple(subdivisions)
    basis = obj.get("legal_basis")
    if not isinstance(basis, dict):
        problems.append(f"{where}.legal_basis: an object with the norm is required")
        basis = {}
    norm = basis.get("norm")
    if not isinstance(norm, str) or not norm.strip():
        problems.append(f"{where}.legal_basis.norm: the norm that declares the day is required")
    norm_date = None
    if basis.get("norm_date") is not None:
        norm_date = _parse_date(basis["norm_date"], f"{where}.legal_basis.norm_date", problems)
        if norm_date and day and norm_date > day:
            problems.append(f"{where}: the norm ({norm_date}) is dated after the day ({day})")
    quote = basis.get("quote")
    if quote is not None and (not isinstance(quote, str) or not quote.strip()):
        problems.append(f"{where}.legal_basis.quote: null or a non-empty string")
    sources = obj.get("sources")
    if not isinstance(sources, list) or not sources or not all(
        isinstance(s, str) and s.startswith(("http://", "https://")) for s in sources
    ):
        problems.append(f"{where}.sources: at least one http(s) address of a public source")
        sources = []
    verified = obj.get("verified_against_gazette")
    if not isinstance(verified, bool):
        problems.append(f"{where}.verified_against_gazette: true or false")
    if len(problems) > before:
        return None
    return DecreedDay(day, effect, name, subdivisions, norm, norm_date, quote, tuple(sources),
                      verified)


def load_decreed_days(path: Path | str | None = None) -> tuple[DecreedDay, ...]:
    """Read and check the decreed-days file (default ``standards/holidays-decreed.json``)."""
    path = Path(path) if path is not None else DECREED_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CalendarDataError(path, [f"file not found: {path}"]) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CalendarDataError(path, [f"not valid UTF-8 JSON: {exc}"]) from exc
    problems: list[str] = []
    if not isinstance(doc, dict) or doc.get("format") != "holidays-decreed/1":
        raise CalendarDataError(path, ["expected an object with format 'holidays-decreed/1'"])
    if doc.get("country") != COUNTRY:
        problems.append(f"country: expected {COUNTRY!r}, got {doc.get('country')!r}")
    entries = doc.get("days")
    if not isinstance(entries, list):
        raise CalendarDataError(path, ["days: expected a list (empty when there is none)"])
    days = [_parse_day(obj, f"days[{i}]", problems) for i, obj in enumerate(entries)]
    seen: dict[tuple[dt.date, tuple[str, ...] | None], int] = {}
    for i, day in enumerate(days):
        if day is None:
            continue
        key = (day.date, day.subdivisions)
        if key in seen:
            problems.append(f"days[{i}]: {day.date} is already listed at days[{seen[key]}]")
        seen[key] = i
    if problems:
        raise CalendarDataError(path, problems)
    return tuple(d for d in days if d is not None)


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"expected a date, got {value!r}")
    return value


class BusinessCalendar:
    """Weekends, Bolivian public holidays and decreed days; optionally one department's days.

    ``subdivision`` is a department code of ``holidays.Bolivia`` (``"L"`` for La Paz, where AGETIC
    sits); ``None`` counts national holidays only.
    """

    def __init__(self, decreed: Iterable[DecreedDay] = (), subdivision: str | None = None):
        if subdivision is not None and subdivision not in SUBDIVISIONS:
            raise ValueError(f"unknown Bolivian department code {subdivision!r}: "
                             f"use one of {sorted(SUBDIVISIONS)}")
        self.subdivision = subdivision
        self._library = holidays.country_holidays(COUNTRY, subdiv=subdivision, language="es")
        applicable = [d for d in decreed if d.applies_to(subdivision)]
        self._decreed_holidays = {d.date: d for d in applicable if d.effect == "holiday"}
        self._decreed_working = {d.date: d for d in applicable if d.effect == "working_day"}

    def holiday_name(self, day: dt.date) -> str | None:
        """The name of the holiday on ``day``, or None when it is not a holiday."""
        day = _as_date(day)
        if day in self._decreed_holidays:
            return self._decreed_holidays[day].name
        if day in self._decreed_working:
            return None
        return self._library.get(day)

    def decreed(self, day: dt.date) -> DecreedDay | None:
        """The decreed entry that decides ``day``, if any."""
        day = _as_date(day)
        return self._decreed_holidays.get(day) or self._decreed_working.get(day)

    def is_holiday(self, day: dt.date) -> bool:
        return self.holiday_name(day) is not None

    def is_business_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        return day.weekday() < 5 and not self.is_holiday(day)

    def add_business_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th business day after ``start`` (``start`` itself never counts).

        ``n == 0`` returns ``start``; a negative ``n`` counts backwards.
        """
        day = _as_date(start)
        step = dt.timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, a: dt.date, b: dt.date) -> int:
        """Business days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

        ``business_days_between(a, add_business_days(a, n)) == n`` for every ``n``.
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.business_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count

    def add_calendar_days(self, start: dt.date, n: int, *, roll_forward: bool = False) -> dt.date:
        """``start`` plus ``n`` days; with ``roll_forward`` a non-business end moves to the next
        business day."""
        day = _as_date(start) + dt.timedelta(days=n)
        if roll_forward:
            while not self.is_business_day(day):
                day += dt.timedelta(days=1)
        return day

    def next_business_day(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a business day, else the first business day after it."""
        day = _as_date(day)
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day


@cache
def default_calendar() -> BusinessCalendar:
    """National calendar: the library plus ``standards/holidays-decreed.json``."""
    return BusinessCalendar(load_decreed_days())


def is_business_day(day: dt.date) -> bool:
    return default_calendar().is_business_day(day)


def add_business_days(start: dt.date, n: int) -> dt.date:
    return default_calendar().add_business_days(start, n)


def business_days_between(a: dt.date, b: dt.date) -> int:
    return default_calendar().business_days_between(a, b)


def add_calendar_days(start: dt.date, n: int, *, roll_forward: bool = False) -> dt.date:
    return default_calendar().add_calendar_days(start, n, roll_forward=roll_forward)
