"""SLA working days (sync/workdays.py) and visit ticket codes (sync/tickets.py)."""
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
