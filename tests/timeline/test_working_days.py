"""Working days skip weekends and the public holidays of the recipient's country."""

from datetime import date

import pytest

from app.timeline.deadlines import add_working_days, working_days_between


@pytest.mark.parametrize(
    ("country", "start", "days", "due", "skipped"),
    [
        # Chuseok 2025: National Foundation Day (Fri 3 Oct), Chuseok 6-7 Oct, its substitute
        # holiday (Wed 8 Oct, as the eve fell on Sunday 5 Oct), Hangul Day (Thu 9 Oct).
        (
            "KR",
            date(2025, 10, 2),
            5,
            date(2025, 10, 16),
            [
                date(2025, 10, 3),
                date(2025, 10, 6),
                date(2025, 10, 7),
                date(2025, 10, 8),
                date(2025, 10, 9),
            ],
        ),
        # Seollal 2025: the temporary holiday (Mon 27 Jan) and 28-30 Jan.
        (
            "KR",
            date(2025, 1, 24),
            3,
            date(2025, 2, 4),
            [date(2025, 1, 27), date(2025, 1, 28), date(2025, 1, 29), date(2025, 1, 30)],
        ),
        # Seollal 2024 fell on Saturday 10 Feb: the substitute holiday is Monday 12 Feb.
        ("KR", date(2024, 2, 8), 1, date(2024, 2, 13), [date(2024, 2, 9), date(2024, 2, 12)]),
        # Ukraine 2021: Orthodox Christmas (Thu 7 Jan) and the day off moved to Fri 8 Jan.
        ("UA", date(2021, 1, 6), 1, date(2021, 1, 11), [date(2021, 1, 7), date(2021, 1, 8)]),
        # Under martial law (since February 2022) Ukraine has no public holidays: 7 Jan 2025 is worked.
        ("UA", date(2025, 1, 6), 1, date(2025, 1, 7), []),
        # Another country by its code: the United States' Independence Day (Fri 4 Jul 2025).
        ("US", date(2025, 7, 2), 2, date(2025, 7, 7), [date(2025, 7, 4)]),
        # An unknown country: weekends only, Chuseok counts as working days.
        ("", date(2025, 10, 2), 5, date(2025, 10, 9), []),
        ("ZZ", date(2025, 10, 2), 5, date(2025, 10, 9), []),
    ],
)
def test_due_date_skips_weekends_and_the_countrys_holidays(country, start, days, due, skipped):
    result, holidays_skipped = add_working_days(start, days, country)
    assert result == due
    assert [day for day, _name in holidays_skipped] == skipped


def test_skipped_holidays_are_named():
    _due, skipped = add_working_days(date(2025, 10, 2), 5, "KR")
    names = [name for _day, name in skipped]
    assert names == [
        "National Foundation Day",
        "Chuseok",
        "The second day of Chuseok",
        "Alternative holiday for Chuseok",
        "Hangul Day",
    ]


def test_working_days_waited_leave_out_holidays():
    # 2 Oct to 16 Oct 2025 in Korea: 5 working days; in an unknown country: 10.
    assert working_days_between(date(2025, 10, 2), date(2025, 10, 16), "KR") == 5
    assert working_days_between(date(2025, 10, 2), date(2025, 10, 16), "") == 10
    assert working_days_between(date(2025, 10, 16), date(2025, 10, 2), "KR") == 0
