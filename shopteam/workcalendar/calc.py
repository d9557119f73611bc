"""Working-time arithmetic: the one place that answers "how much working time between two moments" and
"which moment is N working minutes after t"; every deadline and every duration shown uses it.

Working time is the union of the day's working periods, read in the shop's time zone (settings.TIME_ZONE,
Asia/Shanghai). Each department works to a WorkSchedule (customer service evenings and weekends, the office
groups office hours): a day's periods are its weekday's WorkingPeriods in that schedule and, for a schedule
that keeps the public holidays, none on a holiday and Monday's on a make-up workday. A year whose holidays
are not entered simply has no CalendarDay rows, so it follows the ordinary week; selectors.calendar_warning()
tells the admins. An urgent difficulty counts clock time: calendar_for(urgent=True) is a ClockCalendar.

Arguments must be aware datetimes; results are aware datetimes in the current time zone. Build one
WorkCalendar per request or job to share its queries between calls; the module-level functions build
their own.
"""
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from shopteam.errors import ServiceError

from .models import CalendarDay, WorkingPeriod, WorkSchedule

MINUTE = datetime.timedelta(minutes=1)
# Without a working moment for a whole year the calendar is broken (every day a holiday); stop rather
# than loop for ever.
MAX_IDLE_DAYS = 366


class WorkCalendar:
    """The periods (one query) and the exceptional days of each year touched (one query per span of
    years), cached for the calendar's lifetime: loops run per day, never per minute."""

    def __init__(self, schedule=None):
        schedule = schedule or WorkSchedule.objects.filter(is_default=True).first()
        by_weekday = {}
        periods = WorkingPeriod.objects.filter(schedule=schedule) if schedule else WorkingPeriod.objects.none()
        for weekday, start, end in periods.order_by("weekday", "start").values_list("weekday", "start", "end"):
            by_weekday.setdefault(weekday, []).append((start, end))
        if not by_weekday:
            raise ServiceError(
                _("No working hours are set up for %(schedule)s, so working time cannot be counted: add "
                  "working periods in the admin (Working calendar).") % {"schedule": schedule or _("the shop")}
            )
        self.schedule = schedule
        self._observes_holidays = schedule.observes_public_holidays
        self._periods = by_weekday
        # A make-up workday is worked like a normal weekday: Monday, or the first weekday with hours if
        # the shop is closed on Mondays.
        self._makeup_periods = by_weekday.get(0) or by_weekday[min(by_weekday)]
        self._zone = timezone.get_default_timezone()
        self._kinds = {}
        self._loaded_years = set()
        self._intervals = {}

    def _load_years(self, first, last):
        if not self._observes_holidays:
            return
        wanted = [year for year in range(first, last + 1) if year not in self._loaded_years]
        if not wanted:
            return
        first, last = min(wanted), max(wanted)
        days = CalendarDay.objects.filter(
            date__gte=datetime.date(first, 1, 1), date__lte=datetime.date(last, 12, 31)
        ).values_list("date", "kind")
        self._kinds.update(days)
        self._loaded_years.update(range(first, last + 1))

    def _local_date(self, moment):
        if timezone.is_naive(moment):
            raise ValueError("working-time arithmetic needs aware datetimes")
        return moment.astimezone(self._zone).date()

    def intervals(self, day):
        """The day's working intervals as (start, end) aware datetimes in UTC, in order."""
        if day not in self._intervals:
            self._load_years(day.year, day.year)
            kind = self._kinds.get(day)
            if kind == CalendarDay.Kind.HOLIDAY:
                periods = []
            elif kind == CalendarDay.Kind.WORKDAY:
                periods = self._makeup_periods
            else:
                periods = self._periods.get(day.weekday(), [])
            # In UTC, so subtraction stays exact even in a zone with daylight saving.
            self._intervals[day] = [
                (
                    datetime.datetime.combine(day, start, tzinfo=self._zone).astimezone(datetime.UTC),
                    datetime.datetime.combine(day, end, tzinfo=self._zone).astimezone(datetime.UTC),
                )
                for start, end in periods
            ]
        return self._intervals[day]

    def _days_from(self, day):
        """Days from `day` on, refusing to go on past MAX_IDLE_DAYS days in a row without work."""
        idle = 0
        while True:
            yield day
            idle = 0 if self.intervals(day) else idle + 1
            if idle > MAX_IDLE_DAYS:
                raise ServiceError(
                    _("No working time in the calendar for more than a year after %(date)s: check the "
                      "holidays entered in the admin (Working calendar).") % {"date": day}
                )
            day += datetime.timedelta(days=1)

    def is_working_day(self, day):
        """True if the date has any working time."""
        return bool(self.intervals(day))

    def working_day_on_or_before(self, day):
        """`day` if it is a working day, else the nearest working day before it (a monthly duty due on a
        holiday is due the working day before)."""
        for _step in range(MAX_IDLE_DAYS + 1):
            if self.intervals(day):
                return day
            day -= datetime.timedelta(days=1)
        raise ServiceError(
            _("No working time in the calendar for more than a year before %(date)s: check the holidays "
              "entered in the admin (Working calendar).") % {"date": day}
        )

    def is_working_moment(self, moment):
        """True if `moment` lies in a working period (a period's start counts, its end does not)."""
        return any(start <= moment < end for start, end in self.intervals(self._local_date(moment)))

    def next_working_moment(self, moment):
        """`moment` itself if it is working time, else the start of the next working period."""
        for day in self._days_from(self._local_date(moment)):
            for start, end in self.intervals(day):
                if moment < end:
                    return timezone.localtime(max(start, moment))
        raise AssertionError("unreachable")  # _days_from never ends without raising

    def working_time_between(self, start, end):
        """The exact working time in [start, end) as a timedelta; zero if end <= start."""
        total = datetime.timedelta(0)
        first, last = self._local_date(start), self._local_date(end)
        if end <= start:
            return total
        self._load_years(first.year, last.year)
        day = first
        while day <= last:
            for period_start, period_end in self.intervals(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > datetime.timedelta(0):
                    total += overlap
            day += datetime.timedelta(days=1)
        return total

    def working_minutes_between(self, start, end):
        """Whole working minutes in [start, end), rounded down (59 s of work count 0); 0 if end <= start."""
        return self.working_time_between(start, end) // MINUTE

    def add_working_minutes(self, start, minutes):
        """The earliest moment by which `minutes` working minutes have passed since `start`.

        Counting begins at `start` if it is working time, else at the next working period's start. The
        result is the end of the last minute counted, so a deadline that uses up the morning lands at
        12:00, not at 13:30. Zero minutes gives `start` itself (even outside working time), so
        add_working_minutes(t, working_minutes_between(t, u)) is never later than u, and
        working_minutes_between(t, add_working_minutes(t, m)) == m.
        """
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        remaining = minutes * MINUTE
        if not remaining:
            return timezone.localtime(start)
        for day in self._days_from(self._local_date(start)):
            for period_start, period_end in self.intervals(day):
                if period_end <= start:
                    continue
                begin = max(period_start, start)
                if remaining <= period_end - begin:
                    return timezone.localtime(begin + remaining)
                remaining -= period_end - begin
        raise AssertionError("unreachable")


class ClockCalendar:
    """Clock time with WorkCalendar's interface: every moment counts (an urgent difficulty's deadlines)."""

    schedule = None

    def is_working_day(self, day):
        return True

    def working_day_on_or_before(self, day):
        return day

    def is_working_moment(self, moment):
        return True

    def next_working_moment(self, moment):
        return timezone.localtime(moment)

    def working_time_between(self, start, end):
        return max(end - start, datetime.timedelta(0))

    def working_minutes_between(self, start, end):
        return self.working_time_between(start, end) // MINUTE

    def add_working_minutes(self, start, minutes):
        if minutes < 0:
            raise ValueError("minutes must not be negative")
        return timezone.localtime(start + minutes * MINUTE)


def calendar_for(department=None, *, urgent=False):
    """The calendar a department works to (its schedule, or the default one), or clock time if urgent."""
    if urgent:
        return ClockCalendar()
    schedule_id = getattr(department, "work_schedule_id", None)
    return WorkCalendar(WorkSchedule.objects.get(pk=schedule_id) if schedule_id else None)


def working_minutes_between(start, end, *, calendar=None):
    """WorkCalendar.working_minutes_between, with a calendar of its own unless one is given."""
    return (calendar or WorkCalendar()).working_minutes_between(start, end)


def add_working_minutes(start, minutes, *, calendar=None):
    """WorkCalendar.add_working_minutes, with a calendar of its own unless one is given."""
    return (calendar or WorkCalendar()).add_working_minutes(start, minutes)


def is_working_moment(moment, *, calendar=None):
    """WorkCalendar.is_working_moment, with a calendar of its own unless one is given."""
    return (calendar or WorkCalendar()).is_working_moment(moment)


def next_working_moment(moment, *, calendar=None):
    """WorkCalendar.next_working_moment, with a calendar of its own unless one is given."""
    return (calendar or WorkCalendar()).next_working_moment(moment)


def is_working_day(day, *, calendar=None):
    """WorkCalendar.is_working_day, with a calendar of its own unless one is given."""
    return (calendar or WorkCalendar()).is_working_day(day)


def working_day_on_or_before(day, *, calendar=None):
    """WorkCalendar.working_day_on_or_before, with a calendar of its own unless one is given."""
    return (calendar or WorkCalendar()).working_day_on_or_before(day)
