"""The periods the shop's figures are read over: finance's month, quarter and year, and the ISO week besides,
each knowing the one before it and the same one a year earlier."""
import dataclasses
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from finance.reports import Period as BooksPeriod

KINDS = {"week": _("Week"), "month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}


@dataclass(frozen=True)
class Period:
    kind: str  # week, month, quarter, year
    start: datetime.date
    end: datetime.date  # exclusive

    @classmethod
    def week(cls, day: datetime.date) -> "Period":
        start = day - datetime.timedelta(days=day.weekday())
        return cls("week", start, start + datetime.timedelta(days=7))

    @classmethod
    def of(cls, kind: str, day: datetime.date) -> "Period":
        """The period of `kind` that holds `day`."""
        if kind == "week":
            return cls.week(day)
        if kind == "quarter":
            books = BooksPeriod.quarter(day.year, (day.month - 1) // 3 + 1)
        elif kind == "year":
            books = BooksPeriod.year(day.year)
        else:
            books = BooksPeriod.month(day)
        return cls(books.kind, books.start, books.end)

    @classmethod
    def parse(cls, text: str | None) -> "Period | None":
        """'2026-W11', or what finance's reports take ('2026-03', '2026-Q1', '2026'); None for anything else."""
        text = (text or "").strip().upper()
        if match := re.fullmatch(r"(\d{4})-?W(\d{1,2})", text):
            try:
                return cls.week(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1))
            except ValueError:
                return None
        books = BooksPeriod.parse(text)
        return None if books is None else cls(books.kind, books.start, books.end)

    @property
    def code(self) -> str:
        if self.kind == "week":
            year, week, _day = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return str(self._books().code)

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind]} {self.code}"

    def _books(self) -> BooksPeriod:
        return BooksPeriod(self.kind, self.start, self.end)

    def previous(self) -> "Period":
        if self.kind == "week":
            return Period.week(self.start - datetime.timedelta(days=7))
        books = self._books().previous()
        return Period(books.kind, books.start, books.end)

    def next(self) -> "Period":
        if self.kind == "week":
            return Period.week(self.end)
        books = self._books().next()
        return Period(books.kind, books.start, books.end)

    def last_year(self) -> "Period":
        """The same week (by ISO number; week 53 becomes 52) or month, quarter, year a year earlier."""
        if self.kind == "week":
            year, week, _day = self.start.isocalendar()
            try:
                return Period.week(datetime.date.fromisocalendar(year - 1, week, 1))
            except ValueError:
                return Period.week(datetime.date.fromisocalendar(year - 1, 52, 1))
        return dataclasses.replace(self, start=self.start.replace(year=self.start.year - 1),
                                   end=self.end.replace(year=self.end.year - 1))
