"""The outside reference for FieldSync's working-day arithmetic: for each line `YYYY-MM-DD N`
on stdin, prints the N-th working day after that date (Monday to Friday, less Indonesia's
public holidays and cuti bersama as PyPI's `holidays` knows them)."""
import datetime
import sys

import holidays

lines = [line.split() for line in sys.stdin if line.strip()]
years = range(2023, 2030)
off = holidays.Indonesia(years=years, categories=("public", "government"))
for start, count in lines:
    day = datetime.date.fromisoformat(start)
    left = int(count)
    while left > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    print(day.isoformat())
