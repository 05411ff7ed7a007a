"""Working days for service-level deadlines (SLA), counted in the MPP's calendar (WIB).

Saturdays and Sundays are not working days, nor are the holidays passed in: national
holidays, collective leave (cuti bersama) and the MPP's own closures, which change every
year and are loaded as catalog data (data/catalog/holidays.yaml, server/catalog/calendar.py
reads them for an MPP). Framework-free: callers pass the set of holiday dates; without it
only weekends are skipped.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

SATURDAY = 5  # date.weekday(): Monday 0 ... Sunday 6
NO_HOLIDAYS: frozenset[dt.date] = frozenset()


def is_working_day(day: dt.date, holidays: Collection[dt.date] = NO_HOLIDAYS) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def due_date(start: dt.date, working_days: int,
             holidays: Collection[dt.date] = NO_HOLIDAYS) -> dt.date:
    """The last day of an SLA of `working_days` that starts on `start`: the day itself (or
    the next working day) for 0, else that many working days after it. An application handed
    in on Friday with an SLA of 1 is due on Monday (Tuesday if Monday is a holiday)."""
    day = start
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    left = working_days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_left(today: dt.date, due: dt.date,
                      holidays: Collection[dt.date] = NO_HOLIDAYS) -> int:
    """The working days in (today, due] when the due date is ahead (0: due today), or minus
    the working days in (due, today] when it has passed (-1: one working day late)."""
    if due == today:
        return 0
    sign, a, b = (1, today, due) if due > today else (-1, due, today)
    # Count working days in (a, b]: whole weeks have 5, then walk the remainder, then take
    # out the holidays that fall on a weekday in between.
    days = (b - a).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    day = a + dt.timedelta(days=weeks * 7)
    for _ in range(rest):
        day += dt.timedelta(days=1)
        if day.weekday() < SATURDAY:
            count += 1
    count -= sum(1 for h in holidays if a < h <= b and h.weekday() < SATURDAY)
    return sign * count
