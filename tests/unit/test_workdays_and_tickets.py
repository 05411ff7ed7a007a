"""SLA working days (sync/workdays.py, weekends and holidays) and visit ticket codes
(sync/tickets.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from sync import tickets, workdays

MON = dt.date(2026, 3, 2)
FRI, SAT, SUN = MON + dt.timedelta(4), MON + dt.timedelta(5), MON + dt.timedelta(6)
NEXT_MON = MON + dt.timedelta(7)


@pytest.mark.parametrize("start, days, due", [
    (MON, 0, MON), (MON, 1, MON + dt.timedelta(1)), (MON, 4, FRI), (MON, 5, NEXT_MON),
    (FRI, 1, NEXT_MON), (SAT, 0, NEXT_MON), (SUN, 1, NEXT_MON + dt.timedelta(1)),
    (MON, 10, NEXT_MON + dt.timedelta(7)),
])
def test_due_dates_skip_weekends(start, days, due):
    assert workdays.due_date(start, days) == due


@pytest.mark.parametrize("today, due, left", [
    (MON, MON, 0), (MON, FRI, 4), (FRI, NEXT_MON, 1), (SAT, NEXT_MON, 1),
    (NEXT_MON, FRI, -1), (SUN, FRI, 0), (MON, NEXT_MON + dt.timedelta(14), 15),
    (NEXT_MON + dt.timedelta(14), MON, -15),
])
def test_working_days_left(today, due, left):
    assert workdays.working_days_left(today, due) == left


# Holidays of the catalog's calendar (data/catalog/holidays.yaml): 2026-03-18 .. 03-24 is
# Nyepi (Wed, Thu), cuti bersama and Idul Fitri (Fri .. Tue); 2026-05-01 is a Friday.
NYEPI_TO_LEBARAN = frozenset(dt.date(2026, 3, d) for d in (18, 19, 20, 21, 22, 23, 24))
LABOUR_DAY = frozenset({dt.date(2026, 5, 1)})


@pytest.mark.parametrize("start, days, holidays, due", [
    # Handed in on Tuesday 17 March with an SLA of 1: the next working day is Wed 25 March.
    (dt.date(2026, 3, 17), 1, NYEPI_TO_LEBARAN, dt.date(2026, 3, 25)),
    (dt.date(2026, 3, 17), 0, NYEPI_TO_LEBARAN, dt.date(2026, 3, 17)),
    # Handed in on a holiday: day 0 is the next working day.
    (dt.date(2026, 3, 19), 0, NYEPI_TO_LEBARAN, dt.date(2026, 3, 25)),
    (dt.date(2026, 4, 30), 1, LABOUR_DAY, dt.date(2026, 5, 4)),
    (dt.date(2026, 4, 30), 1, frozenset(), dt.date(2026, 5, 1)),  # the same without it
    # A holiday on a weekend changes nothing.
    (FRI, 1, frozenset({SAT, SUN}), NEXT_MON),
])
def test_due_dates_skip_holidays(start, days, holidays, due):
    assert workdays.due_date(start, days, holidays) == due


@pytest.mark.parametrize("today, due, holidays, left", [
    (dt.date(2026, 3, 17), dt.date(2026, 3, 25), NYEPI_TO_LEBARAN, 1),
    (dt.date(2026, 3, 25), dt.date(2026, 3, 17), NYEPI_TO_LEBARAN, -1),
    (dt.date(2026, 3, 17), dt.date(2026, 3, 25), frozenset(), 6),
    (dt.date(2026, 4, 27), dt.date(2026, 5, 4), LABOUR_DAY, 4),
    # Only holidays strictly after today and up to the due date count.
    (dt.date(2026, 5, 1), dt.date(2026, 5, 4), LABOUR_DAY, 1),
    (MON, FRI, frozenset({SAT, SUN, NEXT_MON}), 4),
])
def test_working_days_left_skip_holidays(today, due, holidays, left):
    assert workdays.working_days_left(today, due, holidays) == left


def test_working_days_left_agrees_with_due_date_over_a_year_of_holidays():
    """The two functions are one rule: for every start day of 2026 and SLAs of 0-15 days,
    the days left from the start to the due date are the SLA (when the start is a working
    day)."""
    holidays = NYEPI_TO_LEBARAN | LABOUR_DAY | {dt.date(2026, 8, 17), dt.date(2026, 12, 25)}
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        if workdays.is_working_day(day, holidays):
            for sla in range(16):
                due = workdays.due_date(day, sla, holidays)
                assert workdays.working_days_left(day, due, holidays) == sla, (day, sla)
        day += dt.timedelta(days=1)


def test_a_ticket_is_bound_to_its_application_and_secret():
    code = tickets.new_code(b"secret", "app-1")
    assert len(code) == 24 and code.count("-") == 4
    assert tickets.signed_for(b"secret", "app-1", code)
    assert not tickets.signed_for(b"secret", "app-2", code)
    assert not tickets.signed_for(b"other", "app-1", code)
    assert tickets.new_code(b"secret", "app-1") != code  # a fresh nonce every time
    with pytest.raises(ValueError):
        tickets.new_code(b"", "app-1")


def test_typed_codes_are_normalised_and_garbage_is_refused():
    code = tickets.new_code(b"secret", "app-1")
    assert tickets.normalise(code.replace("-", " ").lower()) == code
    for bad in (None, 5, "", "ABC", code + "A", code.replace(code[0], "0"), "x" * 200):
        assert tickets.normalise(bad) is None
    assert not tickets.same_code(None, code) and not tickets.same_code(code, None)


def test_the_qr_is_the_same_svg_for_the_same_code():
    code = tickets.new_code(b"secret", "app-1")
    svg = tickets.qr_svg(code)
    assert svg.startswith("<svg") and svg == tickets.qr_svg(code)
