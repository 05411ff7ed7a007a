"""Working days for service-level deadlines (SLA), counted in the MPP's calendar (WIB).

Saturdays and Sundays are not working days. National holidays and collective leave (cuti
bersama) are NOT counted yet: they change every year by joint ministerial decree and would
need a table loaded like the catalog; until then a deadline over a holiday is a day early,
which errs on the side of the citizen.
"""
from __future__ import annotations

import datetime as dt

SATURDAY = 5  # date.weekday(): Monday 0 ... Sunday 6


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < SATURDAY


def due_date(start: dt.date, working_days: int) -> dt.date:
    """The last day of an SLA of `working_days` that starts on `start`: the day itself (or
    the next working day) for 0, else that many working days after it. An application handed
    in on Friday with an SLA of 1 is due on Monday."""
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    left = working_days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_left(today: dt.date, due: dt.date) -> int:
    """The working days in (today, due] when the due date is ahead (0: due today), or minus
    the working days in (due, today] when it has passed (-1: one working day late)."""
    if due == today:
        return 0
    sign, a, b = (1, today, due) if due > today else (-1, due, today)
    # Count working days in (a, b]: whole weeks have 5, then walk the remainder.
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = a + dt.timedelta(days=weeks * 7)
    for _ in range(rest):
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return sign * count
