"""The visit calendar's rules without a database: the slot grid of a day, where a run of
errands falls, and which arrival times are refused and why."""
from __future__ import annotations

import datetime as dt

import pytest

from server.errors import ApiError
from server.visits.operations import Calendar, Errand, check_arrival, plan
from sync.space import WIB

MON = dt.date(2026, 12, 7)
HOLIDAY = dt.date(2026, 12, 8)
CAL = Calendar(
    mpp_id=1, mpp_code="uji", mpp_name="MPP Uji", slot_minutes=30, window=(1, 30),
    max_open_bookings=3, cancel_hold=dt.timedelta(minutes=30),
    week={0: ((8 * 60, 12 * 60), (13 * 60, 16 * 60)), 1: ((8 * 60, 12 * 60),),
          4: ((8 * 60, 11 * 60 + 30), (14 * 60, 16 * 60))},
    holidays={HOLIDAY: ("Libur", "Holiday")})
NOW = dt.datetime(2026, 12, 4, 9, 0, tzinfo=WIB)  # a Friday


def errand(minutes: int) -> Errand:
    return Errand(1, "uji.x", "X", "X", minutes)


def test_a_day_has_the_slots_of_its_opening_intervals_and_a_holiday_none():
    assert CAL.slot_starts(MON) == [8 * 60 + 30 * i for i in range(8)] + [
        13 * 60 + 30 * i for i in range(6)]
    assert CAL.slot_starts(HOLIDAY) == []
    assert CAL.slot_starts(MON + dt.timedelta(days=5)) == []  # Saturday: no hours
    friday = MON + dt.timedelta(days=4)
    assert CAL.slot_starts(friday)[6:] == [11 * 60, 14 * 60, 14 * 60 + 30, 15 * 60,
                                           15 * 60 + 30]


def test_errands_follow_each_other_within_one_opening_interval():
    # 08:00: 15 minutes, then 20 (08:15-08:35, in the 08:00 and 08:30 slots... by its start).
    assert plan(CAL, MON, 8 * 60, [errand(15), errand(20)]) == [(480, 480), (495, 480)]
    assert plan(CAL, MON, 11 * 60 + 30, [errand(15), errand(15)]) == [(690, 690), (705, 690)]
    # A third errand would end in the break: the run does not fit.
    assert plan(CAL, MON, 11 * 60 + 30, [errand(15), errand(15), errand(5)]) is None
    assert plan(CAL, MON, 15 * 60 + 30, [errand(40)]) is None


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), WIB)


@pytest.mark.parametrize("arrival, code", [
    (at(dt.date(2026, 12, 3), 8), "slot_in_past"),
    (at(dt.date(2026, 12, 4), 15), "slot_outside_window"),  # today: the window starts tomorrow
    (at(dt.date(2027, 1, 4), 8), "slot_outside_window"),    # 31 days ahead
    (at(HOLIDAY, 8), "slot_on_holiday"),
    (at(MON + dt.timedelta(days=2), 8), "slot_closed_day"),  # Wednesday: no hours here
    (at(MON, 12), "slot_outside_hours"),
    (at(MON, 8, 10), "slot_outside_hours"),
    (at(MON, 16), "slot_outside_hours"),
    (at(MON, 7, 30), "slot_outside_hours"),
])
def test_refused_arrivals_say_why(arrival, code):
    with pytest.raises(ApiError) as info:
        check_arrival(CAL, arrival, NOW)
    assert info.value.code == code


@pytest.mark.parametrize("arrival", [
    at(MON, 8),  # Monday 7 December, the first slot
    at(MON, 15, 30),  # the last slot of the day
    at(dt.date(2027, 1, 1), 11),  # a Friday, the window's 28th day (not a holiday here)
])
def test_a_slot_start_in_the_window_is_accepted(arrival):
    check_arrival(CAL, arrival, NOW)
    check_arrival(CAL, arrival.astimezone(dt.timezone.utc), NOW)  # the same instant in UTC
