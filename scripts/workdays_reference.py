"""The outside reference for FieldSync's working-day arithmetic, over PyPI's `holidays`
(Indonesia's public holidays and cuti bersama; working days are Monday to Friday less those).

Working days: for each line `YYYY-MM-DD N` on stdin, prints the N-th working day after that date.
Office minutes (argument `minutes`): for each line `YYYY-MM-DD HH:MM MINUTES OPENS CLOSES FRICLOSES`
(minutes of the day for the hours), prints when MINUTES of service hours have passed from that
moment, counting only while the office is open on working days, as `YYYY-MM-DD HH:MM`."""
import datetime
import sys

import holidays

off = holidays.Indonesia(years=range(2023, 2030), categories=("public", "government"))


def working(day):
    return day.weekday() < 5 and day not in off


def nth_working_day(start, count):
    day = datetime.date.fromisoformat(start)
    left = int(count)
    while left > 0:
        day += datetime.timedelta(days=1)
        if working(day):
            left -= 1
    return day.isoformat()


def office_minutes(date, clock, minutes, opens, closes, friday):
    day = datetime.date.fromisoformat(date)
    hour, minute = clock.split(":")
    now = int(hour) * 60 + int(minute)
    left = int(minutes)
    while True:
        closing = int(friday) if day.weekday() == 4 else int(closes)
        if working(day) and now < closing:
            now = max(now, int(opens))
            # Minute by minute: slow, and plainly right.
            while left > 0 and now < closing:
                now += 1
                left -= 1
            if left == 0:
                return f"{day.isoformat()} {now // 60:02d}:{now % 60:02d}"
        day += datetime.timedelta(days=1)
        now = 0


mode = sys.argv[1] if len(sys.argv) > 1 else "days"
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    print(office_minutes(*parts) if mode == "minutes" else nth_working_day(*parts))
