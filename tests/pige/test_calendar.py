"""Business days on the real Bolivian calendar of 2026."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from portal.pige.calendar import (
    DECREED_FILE,
    BusinessCalendar,
    CalendarDataError,
    add_business_days,
    add_calendar_days,
    business_days_between,
    default_calendar,
    is_business_day,
    load_decreed_days,
)

D = dt.date


@pytest.fixture(scope="module")
def library_only() -> BusinessCalendar:
    """The holidays library without any decreed day."""
    return BusinessCalendar(())


@pytest.mark.parametrize("day", [
    D(2026, 1, 1), D(2026, 2, 16), D(2026, 2, 17), D(2026, 4, 3), D(2026, 5, 1),
    D(2026, 6, 4), D(2026, 8, 6), D(2026, 11, 2), D(2026, 12, 25),
])
def test_2026_public_holidays_are_not_business_days(day):
    assert day.weekday() < 5
    assert not is_business_day(day)
    assert default_calendar().holiday_name(day)


def test_ordinary_weekdays_and_weekends():
    assert is_business_day(D(2026, 2, 18))
    assert not is_business_day(D(2026, 2, 14))  # Saturday
    assert not is_business_day(D(2026, 2, 15))  # Sunday


def test_carnival_monday_and_tuesday_are_skipped():
    assert add_business_days(D(2026, 2, 13), 1) == D(2026, 2, 18)
    assert business_days_between(D(2026, 2, 13), D(2026, 2, 18)) == 1


def test_good_friday_and_labour_day():
    assert add_business_days(D(2026, 4, 2), 1) == D(2026, 4, 6)
    assert add_business_days(D(2026, 4, 30), 1) == D(2026, 5, 4)


def test_andean_new_year_on_a_sunday_moves_to_monday(library_only):
    """21 June 2026 is a Sunday: the library itself observes it on Monday 22 June."""
    assert D(2026, 6, 21).weekday() == 6
    assert "observado" in library_only.holiday_name(D(2026, 6, 22))
    assert not library_only.is_business_day(D(2026, 6, 22))
    assert add_business_days(D(2026, 6, 19), 1) == D(2026, 6, 23)


def test_corpus_christi_with_the_decreed_friday(library_only):
    assert library_only.holiday_name(D(2026, 6, 4)) == "Corpus Christi"
    assert library_only.add_business_days(D(2026, 6, 3), 1) == D(2026, 6, 5)
    # DS 5521 adds Friday 5 June: the next business day is Monday 8 June.
    assert add_business_days(D(2026, 6, 3), 1) == D(2026, 6, 8)
    assert default_calendar().decreed(D(2026, 6, 5)).norm == "Decreto Supremo N° 5521"


def test_independence_day_with_the_decreed_friday():
    assert add_business_days(D(2026, 8, 5), 1) == D(2026, 8, 10)


def test_holiday_moved_by_decree_frees_its_original_day(library_only):
    """DS 5521 moves 22 January 2026 (Thursday) to Friday 23 January."""
    assert not library_only.is_business_day(D(2026, 1, 22))
    assert is_business_day(D(2026, 1, 22))
    assert not is_business_day(D(2026, 1, 23))
    assert add_business_days(D(2026, 1, 21), 2) == D(2026, 1, 26)


def test_christmas_and_new_year():
    assert add_business_days(D(2026, 12, 24), 1) == D(2026, 12, 28)
    assert add_business_days(D(2025, 12, 24), 1) == D(2025, 12, 29)  # 26 Dec 2025 decreed


def test_thirty_business_days_across_carnival():
    assert add_business_days(D(2026, 2, 10), 30) == D(2026, 3, 26)


def test_fifteen_business_days_across_the_june_cluster():
    # 4-5 June (Corpus + decreed), 22 June (Año Nuevo Andino Amazónico moved).
    assert add_business_days(D(2026, 6, 1), 15) == D(2026, 6, 25)


def test_counting_starts_the_day_after_even_from_a_holiday():
    assert add_business_days(D(2026, 2, 14), 1) == D(2026, 2, 18)
    assert add_business_days(D(2026, 2, 16), 1) == D(2026, 2, 18)
    assert add_business_days(D(2026, 2, 18), 0) == D(2026, 2, 18)
    assert add_business_days(D(2026, 2, 18), -1) == D(2026, 2, 13)


def test_between_is_the_inverse_of_add():
    start = D(2025, 12, 20)
    for offset in range(0, 60, 7):
        for n in (1, 10, 15, 30):
            begin = start + dt.timedelta(days=offset)
            assert business_days_between(begin, add_business_days(begin, n)) == n
    assert business_days_between(D(2026, 3, 26), D(2026, 2, 10)) == -30
    assert business_days_between(D(2026, 2, 10), D(2026, 2, 10)) == 0


def test_datetimes_are_taken_as_their_date():
    assert add_business_days(dt.datetime(2026, 2, 13, 18, 30), 1) == D(2026, 2, 18)


def test_calendar_days():
    assert add_calendar_days(D(2026, 1, 1), 90) == D(2026, 4, 1)
    assert add_calendar_days(D(2026, 2, 4), 10) == D(2026, 2, 14)
    assert add_calendar_days(D(2026, 2, 4), 10, roll_forward=True) == D(2026, 2, 18)


def test_department_holiday():
    la_paz = BusinessCalendar(load_decreed_days(), subdivision="L")
    assert is_business_day(D(2026, 7, 16))
    assert not la_paz.is_business_day(D(2026, 7, 16))
    with pytest.raises(ValueError, match="department code"):
        BusinessCalendar((), subdivision="XX")


def test_decreed_file_entries_have_a_legal_basis_and_sources():
    days = load_decreed_days()
    assert days
    for day in days:
        assert day.norm and day.sources and day.name
        assert day.effect in {"holiday", "working_day"}


def _write(tmp_path, days):
    doc = json.loads(DECREED_FILE.read_text(encoding="utf-8"))
    doc["days"] = days
    path = tmp_path / "decreed.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_an_empty_list_leaves_the_library_alone(tmp_path):
    calendar = BusinessCalendar(load_decreed_days(_write(tmp_path, [])))
    assert not calendar.is_business_day(D(2026, 1, 22))
    assert calendar.is_business_day(D(2026, 6, 5))


def test_a_decreed_day_is_applied(tmp_path):
    entry = {
        "date": "2026-03-09", "effect": "holiday", "name": "Día de prueba", "subdivisions": None,
        "legal_basis": {"norm": "Decreto Supremo N° 9999", "norm_date": "2026-03-01",
                        "quote": None},
        "sources": ["https://example.org/ds9999"], "verified_against_gazette": False,
    }
    calendar = BusinessCalendar(load_decreed_days(_write(tmp_path, [entry])))
    assert calendar.holiday_name(D(2026, 3, 9)) == "Día de prueba"
    assert calendar.add_business_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


def test_bad_decreed_entries_are_refused_with_every_problem(tmp_path):
    bad = [
        {"date": "2026-02-30", "effect": "holiday", "name": "x", "legal_basis": {"norm": "DS"},
         "sources": ["https://example.org"], "verified_against_gazette": False},
        {"date": "2026-03-02", "effect": "feriado", "name": "", "legal_basis": {},
         "sources": [], "subdivisions": ["ZZ"]},
    ]
    with pytest.raises(CalendarDataError) as info:
        load_decreed_days(_write(tmp_path, bad))
    text = "\n".join(info.value.problems)
    for fragment in ("days[0].date", "days[1].effect", "days[1].name", "legal_basis.norm",
                     "days[1].sources", "ZZ", "verified_against_gazette"):
        assert fragment in text


def test_missing_decreed_file(tmp_path):
    with pytest.raises(CalendarDataError, match="not found"):
        load_decreed_days(tmp_path / "none.json")
