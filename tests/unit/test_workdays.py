"""Working-day deadlines: statutory holidays, 调休 make-up days, the administrator's overrides and
the weekday fallback for years the chinese-calendar package does not know yet."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import CalendarDay
from app.services.common.workdays import (
    WorkCalendar,
    deadline_state,
    import_overrides,
    remove_override,
    set_override,
)

D = dt.date
CAL = WorkCalendar()


def test_package_facts_the_examples_rely_on():
    # TECH-NOTES: 国庆 10/1–7 off, make-up 9/20 (Sun) and 10/10 (Sat); 春节 2/15–23 off, make-up
    # 2/14 and 2/28 (Sat). Checked against the package itself so the examples below stay honest.
    for day in range(1, 8):
        assert not chinese_calendar.is_workday(D(2026, 10, day))
    assert D(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(D(2026, 10, 10))
    assert D(2026, 9, 20).weekday() == 6 and chinese_calendar.is_workday(D(2026, 9, 20))
    for day in range(15, 24):
        assert not chinese_calendar.is_workday(D(2026, 2, day))
    for day in (D(2026, 2, 14), D(2026, 2, 28)):
        assert day.weekday() == 5 and chinese_calendar.is_workday(day)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 1))


def test_calendar_agrees_with_the_package_for_every_day_it_knows():
    day = D(2025, 1, 1)
    while day.year < 2027:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_national_day_2026():
    # accepted Wed 9/30, 3 days: 10/1–7 off, then Thu 10/8, Fri 10/9, Sat 10/10 (make-up)
    assert D(2026, 9, 30).weekday() == 2
    assert CAL.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert CAL.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)  # Sun 10/11 is off
    # accepted Fri 9/18 with 1 day: Sat 9/19 is off, the make-up Sunday 9/20 is worked
    assert CAL.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_spring_festival_2026():
    assert D(2026, 2, 13).weekday() == 4
    assert CAL.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)  # make-up Saturday
    assert CAL.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)  # 2/15–23 off
    assert CAL.add_working_days(D(2026, 2, 27), 1) == D(2026, 2, 28)  # Fri -> make-up Sat


def test_immediate_and_accepting_on_a_holiday():
    assert CAL.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 3)  # 即办: the same day, even a holiday
    assert CAL.add_working_days(D(2026, 11, 24), 0) == D(2026, 11, 24)
    assert CAL.add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)
    assert CAL.add_working_days(D(2026, 2, 15), 1) == D(2026, 2, 24)
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 10, 3), -1)


def test_datetimes_are_treated_as_their_day():
    cal = WorkCalendar({D(2026, 11, 24): False})
    assert not cal.is_workday(dt.datetime(2026, 11, 24, 9, 30))
    assert cal.add_working_days(dt.datetime(2026, 11, 23, 16, 0), 1) == D(2026, 11, 25)


def test_2027_without_overrides_is_a_weekday_estimate():
    assert D(2027, 1, 1).weekday() == 4  # a Friday: surely 元旦, but nobody has told us yet
    assert CAL.is_workday(D(2027, 1, 1)) and not CAL.is_workday(D(2027, 1, 2))
    assert not CAL.is_known(D(2027, 6, 1)) and CAL.is_known(D(2026, 6, 1))
    assert CAL.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert CAL.unknown_years(D(2026, 12, 31), D(2027, 1, 1)) == [2027]
    assert CAL.unknown_years(D(2027, 1, 1), D(2026, 12, 31)) == [2027]
    assert CAL.unknown_years(D(2026, 1, 1), D(2026, 12, 31)) == []
    assert CAL.unknown_years(D(2026, 6, 1), D(2028, 6, 1)) == [2027, 2028]


def test_2027_with_the_administrators_table():
    cal = WorkCalendar({D(2027, 1, 1): False, D(2027, 1, 9): True})  # 元旦 and a make-up Saturday
    assert D(2027, 1, 9).weekday() == 5
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # Fri off, weekend off
    assert cal.add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 9)
    assert CAL.add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 11)
    assert cal.is_known(D(2027, 12, 31)) and cal.unknown_years(D(2026, 12, 31), D(2027, 3, 1)) == []
    assert cal.unknown_years(D(2027, 12, 1), D(2028, 1, 5)) == [2028]


def test_overrides_beat_the_package():
    assert D(2026, 11, 24).weekday() == 1 and chinese_calendar.is_workday(D(2026, 11, 24))
    cal = WorkCalendar({D(2026, 11, 24): False, D(2026, 10, 5): True})  # a closure; a holiday worked
    assert CAL.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 24)
    assert cal.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25)
    assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 5)
    assert cal.working_days_between(D(2026, 11, 23), D(2026, 11, 27)) == 3


def test_deadline_state():
    fri, mon = D(2026, 11, 27), D(2026, 11, 30)
    assert (fri.weekday(), mon.weekday()) == (4, 0)
    assert deadline_state(None, fri, CAL) == "none"
    assert deadline_state(mon, D(2026, 12, 1), CAL) == "overdue"
    assert deadline_state(mon, mon, CAL) == "due_soon"  # due today
    # due Monday, seen on Friday: three calendar days but one working day -> already due soon
    assert deadline_state(mon, fri, CAL) == "due_soon"
    assert deadline_state(mon, D(2026, 11, 26), CAL) == "on_time"  # Thu: Fri and Mon left
    assert deadline_state(mon, D(2026, 11, 26), CAL, soon_days=2) == "due_soon"
    # across 国庆 eight calendar days are one working day
    assert deadline_state(D(2026, 10, 8), D(2026, 9, 30), CAL) == "due_soon"
    assert deadline_state(D(2026, 10, 8), D(2026, 9, 30), CAL, soon_days=0) == "on_time"
    # seen on a weekend with the deadline on Monday
    assert deadline_state(mon, D(2026, 11, 28), CAL, soon_days=0) == "on_time"


def test_working_days_between():
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert CAL.working_days_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
    assert CAL.working_days_between(D(2026, 10, 3), D(2026, 10, 3)) == 0
    assert CAL.working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0


days_2025_2026 = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31))


@given(start=days_2025_2026, days=st.integers(min_value=0, max_value=40))
def test_counting_back_gives_the_promised_days(start, days):
    # (start, end] excludes the day of acceptance, so this holds even when start is a holiday
    due = CAL.add_working_days(start, days)
    assert CAL.working_days_between(start, due) == days
    assert due == start or CAL.is_workday(due)


@given(a=days_2025_2026, b=days_2025_2026)
def test_between_is_antisymmetric_and_add_inverts_it_on_workdays(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    start, end = min(a, b), max(a, b)
    back = CAL.add_working_days(start, CAL.working_days_between(start, end))
    # the last working day in (start, end], or start itself when there is none
    assert back <= end
    assert (back == end) == (end == start or CAL.is_workday(end))


def test_overrides_in_the_database(db):
    with db.sessions.begin() as session:
        assert WorkCalendar.load(session).overrides == {}
        set_override(session, D(2026, 11, 24), False, "停电闭馆")
        set_override(session, D(2027, 1, 1), False, "元旦")
    with db.sessions.begin() as session:
        cal = WorkCalendar.load(session)
        assert cal.overrides == {D(2026, 11, 24): False, D(2027, 1, 1): False}
        assert cal.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25) and cal.is_known(D(2027, 5, 1))
        set_override(session, D(2026, 11, 24), True, "恢复办公")  # update in place
    with db.sessions.begin() as session:
        row = session.get(CalendarDay, D(2026, 11, 24))
        assert (row.is_workday, row.note) == (True, "恢复办公")
        remove_override(session, D(2026, 11, 24))
        remove_override(session, D(2026, 11, 25))  # nothing there: no error
    with db.sessions() as session:
        assert WorkCalendar.load(session).overrides == {D(2027, 1, 1): False}
    with db.sessions() as session, pytest.raises(ValueError):
        set_override(session, D(2027, 2, 1), False, "长" * 61)


def test_import_a_yearly_table(db):
    table = [
        (D(2027, 1, 1), False, "元旦"),
        (D(2027, 2, 6), True, "春节调休"),
        (D(2027, 2, 8), False, "春节"),
        (D(2027, 2, 8), False, "春节（更正）"),  # a repeated day: the later row wins
    ]
    with db.sessions.begin() as session:
        assert import_overrides(session, table) == 4
    with db.sessions() as session:
        cal = WorkCalendar.load(session)
        assert session.get(CalendarDay, D(2027, 2, 8)).note == "春节（更正）"
    assert cal.overrides == {D(2027, 1, 1): False, D(2027, 2, 6): True, D(2027, 2, 8): False}
    assert cal.unknown_years(D(2026, 12, 1), D(2027, 3, 1)) == []
    assert D(2027, 2, 5).weekday() == 4
    assert cal.add_working_days(D(2027, 2, 5), 2) == D(2027, 2, 9)  # Sat 2/6 works, 2/8 off
