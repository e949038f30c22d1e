"""Working-day arithmetic for lead deadlines.

A working day is Monday to Friday, except public holidays, plus weekend days declared working days
(调休). Both exceptions are :class:`~cases_exchange.models.CalendarDay` rows: national ones
(``alliance`` empty) and an alliance's own. Calendars are loaded once per call for the span needed.
"""

from datetime import date, timedelta

from django.db.models import Q

from .models import CalendarDay


def _exceptions(alliance_id, start: date, end: date) -> dict[date, str]:
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).filter(
        Q(alliance__isnull=True) | Q(alliance_id=alliance_id)
    )
    found: dict[date, str] = {}
    # An alliance's own entry overrides the national one for the same date.
    for row in sorted(rows, key=lambda r: r.alliance_id is not None):
        found[row.date] = row.kind
    return found


def is_working_day(day: date, exceptions: dict[date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day_for(day: date, *, alliance_id=None) -> bool:
    """Whether ``day`` is a working day under the national calendar and ``alliance_id``'s own."""
    return is_working_day(day, _exceptions(alliance_id, day, day))


def add_working_days(start: date, count: int, *, alliance_id=None) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    if count <= 0:
        return start
    span_end = start + timedelta(days=count * 3 + 30)  # generous: long holidays never exceed this
    exceptions = _exceptions(alliance_id, start, span_end)
    day, remaining = start, count
    while remaining:
        day += timedelta(days=1)
        if day > span_end:
            span_end = day + timedelta(days=60)
            exceptions.update(_exceptions(alliance_id, day, span_end))
        if is_working_day(day, exceptions):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, *, alliance_id=None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    exceptions = _exceptions(alliance_id, start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), exceptions)
    )


def deadlines_for(*, alliance, start: date, key_protection: bool) -> tuple[date, date]:
    """``(accept_due, feedback_due)`` for a lead delivered on ``start`` under ``alliance``'s rules."""
    accept_days = alliance.key_accept_working_days if key_protection else alliance.accept_working_days
    feedback_days = alliance.key_feedback_days if key_protection else alliance.feedback_days
    accept_due = add_working_days(start, accept_days, alliance_id=alliance.pk)
    if alliance.feedback_days_are_working_days:
        feedback_due = add_working_days(start, feedback_days, alliance_id=alliance.pk)
    else:
        feedback_due = start + timedelta(days=feedback_days)
        # A calendar-day deadline that falls on a day off moves to the next working day.
        exceptions = _exceptions(alliance.pk, feedback_due, feedback_due + timedelta(days=20))
        while not is_working_day(feedback_due, exceptions):
            feedback_due += timedelta(days=1)
    return accept_due, feedback_due
