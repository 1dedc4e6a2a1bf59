"""When things happened in the demo: the services write rows at the time of the run;
the demo then moves their times back to when they would have happened."""

from __future__ import annotations

import datetime

from django.utils import timezone


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """That day and time in the site's time zone, but never later than now."""
    moment = datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )
    return min(moment, timezone.now())
