"""factory_boy factories for the working calendar."""
import datetime

import factory

from shopteam.workcalendar.models import CalendarDay, CalendarYear, WorkingPeriod, default_schedule_id


class WorkingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingPeriod

    schedule_id = factory.LazyFunction(default_schedule_id)
    weekday = 0
    start = datetime.time(9, 0)
    end = datetime.time(12, 0)


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ["date"]

    date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
    kind = CalendarDay.Kind.HOLIDAY
    name = "公司假日"


class CalendarYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarYear
        django_get_or_create = ["year"]

    year = 2030
    complete = True
    source = CalendarYear.Source.ADMIN
