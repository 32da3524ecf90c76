"""Calendar arithmetic for the calls: deadlines at 17:00 Seoul time, months and years back.

A submission at the closing instant itself is late: 16:59:59 is on time, 17:00:00 is not.
"""

from __future__ import annotations

import calendar
import datetime as dt

from mfgdata.programs.errors import ProgramError
from mfgdata.programs.models import CallTemplate


class DeadlinePassed(ProgramError):
    code = "deadline_passed"
    status_code = 409


def deadline_at(template: CallTemplate, day: dt.date) -> dt.datetime:
    """The call's closing instant on ``day`` (17:00:00 Asia/Seoul for both built-in calls)."""
    return template.deadline.on(day)


def is_on_time(template: CallTemplate, day: dt.date, submitted_at: dt.datetime) -> bool:
    """True when ``submitted_at`` (time-zone aware) is strictly before the closing instant."""
    if submitted_at.tzinfo is None or submitted_at.utcoffset() is None:
        raise ProgramError(
            "제출 시각에 시간대가 없습니다 (서버 시각은 시간대와 함께 기록해야 합니다)",
            "the submission time has no time zone (record server time with its zone)",
        )
    return submitted_at < deadline_at(template, day)


def ensure_on_time(template: CallTemplate, day: dt.date, submitted_at: dt.datetime) -> None:
    """Raise :class:`DeadlinePassed` for a submission at or after the closing instant."""
    if not is_on_time(template, day, submitted_at):
        closing = deadline_at(template, day)
        local = submitted_at.astimezone(closing.tzinfo)
        raise DeadlinePassed(
            f"접수 마감({closing:%Y-%m-%d %H:%M:%S} {template.deadline.timezone})이 지났습니다: "
            f"제출 {local:%Y-%m-%d %H:%M:%S}",
            f"the deadline ({closing:%Y-%m-%d %H:%M:%S} {template.deadline.timezone}) has passed: "
            f"submitted {local:%Y-%m-%d %H:%M:%S}",
        )


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, clamped to the month's end (31 Mar − 1 month → 28 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (29 Feb → 28 Feb in a common year)."""
    return months_before(day, 12 * years)
