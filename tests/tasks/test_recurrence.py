"""Recurring duties file their tasks by themselves: once per period, on the working days of the post's department,
due the working day before a holiday, and after an outage only the current period (the rest written as missed)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roles.models import Assignment, Duty, Post
from roles.services import load_duty_recurrences
from shopteam.workcalendar.models import CalendarDay
from tasks import recurrence, services
from tasks.models import DutyPeriodMissed, Task
from tests.escalation.test_deadlines import run_at_once
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db


def make_duty(post_title="财务组组长", **fields):
    duty = Duty(post=Post.objects.get(title=post_title), text=f"测试职责 {fields}", **fields)
    duty.full_clean()
    duty.save()
    return duty


def run(clock, moment):
    clock.move_to(at(moment))
    return services.create_recurring_tasks()


def keys(duty):
    return list(Task.objects.filter(duty=duty).order_by("period_start").values_list("period_key", flat=True))


def test_every_working_day_follows_the_calendar_of_the_posts_department(team, holidays, clock):
    office = make_duty(recurrence="daily")
    rota = make_duty("客服A", recurrence="daily")
    day = datetime.date(2026, 9, 30)
    while day <= datetime.date(2026, 10, 18):
        run(clock, f"{day} 09:00")
        day += datetime.timedelta(days=1)
    # National Day (1–7 October) is a holiday for the office; Saturday 10 October is a make-up workday (调休).
    assert keys(office) == ["2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13",
                            "2026-10-14", "2026-10-15", "2026-10-16"]
    assert Task.objects.get(duty=office, period_key="2026-10-10").due == at("2026-10-10 18:00")
    # Customer service works a seven-day rota, holidays included, until 23:00.
    assert len(keys(rota)) == 19
    assert Task.objects.get(duty=rota, period_key="2026-10-01").due == at("2026-10-01 23:00")
    assert not DutyPeriodMissed.objects.exists()


CASES = [
    # fields, when the job runs, period, due
    ({"recurrence": "weekly", "recurrence_weekday": 4}, "2026-11-27 09:00", "2026-W48", "2026-11-27 18:00"),
    # Friday 2 October is National Day: due the working day before, Wednesday 30 September.
    ({"recurrence": "weekly", "recurrence_weekday": 4}, "2026-09-30 09:00", "2026-W40", "2026-09-30 18:00"),
    ({"recurrence": "weekly", "recurrence_weekday": 6}, "2026-11-27 09:00", "2026-W48", "2026-11-27 18:00"),
    # The 31st of a 30-day month is its last day; a Saturday 31st is due on Friday.
    ({"recurrence": "monthly", "recurrence_day": 31}, "2026-11-30 09:00", "2026-11", "2026-11-30 18:00"),
    ({"recurrence": "monthly", "recurrence_day": 31}, "2026-01-30 09:00", "2026-01", "2026-01-30 18:00"),
    # February 2026 has no 29th; its last day, Saturday the 28th, is a make-up workday (调休) after Spring Festival.
    ({"recurrence": "monthly", "recurrence_day": 29}, "2026-02-28 09:00", "2026-02", "2026-02-28 18:00"),
    # October's 1st is a holiday: October's task is due on 30 September, and is filed that day.
    ({"recurrence": "monthly", "recurrence_day": 1}, "2026-09-30 09:00", "2026-10", "2026-09-30 18:00"),
    ({"recurrence": "monthly", "recurrence_day": 10, "due_time": datetime.time(9, 30)}, "2026-11-10 08:00",
     "2026-11", "2026-11-10 09:30"),
    ({"recurrence": "quarterly", "recurrence_month": 1, "recurrence_day": 1}, "2026-09-30 09:00", "2026-Q4",
     "2026-09-30 18:00"),
    ({"recurrence": "quarterly", "recurrence_month": 1, "recurrence_day": 15}, "2026-10-15 09:00", "2026-Q4",
     "2026-10-15 18:00"),
    ({"recurrence": "quarterly", "recurrence_month": 3, "recurrence_day": 31}, "2026-12-31 09:00", "2026-Q4",
     "2026-12-31 18:00"),
    ({"recurrence": "quarterly", "recurrence_month": 3, "recurrence_day": 31}, "2026-03-31 09:00", "2026-Q1",
     "2026-03-31 18:00"),
    ({"recurrence": "yearly", "recurrence_month": 12, "recurrence_day": 31}, "2026-12-31 09:00", "2026",
     "2026-12-31 18:00"),
    ({"recurrence": "yearly", "recurrence_month": 10, "recurrence_day": 1}, "2026-09-30 09:00", "2026",
     "2026-09-30 18:00"),
    # New Year's Day 2027, entered by an admin (chinesecalendar stops at 2026): 2027's task is due in 2026.
    ({"recurrence": "yearly", "recurrence_month": 1, "recurrence_day": 1}, "2026-12-31 09:00", "2027",
     "2026-12-31 18:00"),
]


@pytest.mark.parametrize(("fields", "moment", "key", "due"), CASES, ids=[f"{c[0]['recurrence']}-{c[2]}-{c[3][:10]}"
                                                                       for c in CASES])
def test_each_kind_is_due_on_its_day_or_the_working_day_before(team, holidays, clock, fields, moment, key, due):
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    duty = make_duty(**fields)
    run(clock, moment)
    task = Task.objects.get(duty=duty, period_key=key)
    assert task.due == at(due)
    assert (task.post, task.source, task.status, task.created_by) == (duty.post, Task.Source.DUTY, "todo", None)


def test_the_lead_time_files_the_task_days_before_it_is_due(team, holidays, clock):
    duty = make_duty(recurrence="monthly", recurrence_day=15, lead_days=4, task_title="与食草堂结算")
    assert run(clock, "2026-12-10 17:00")["created"] == 0
    assert run(clock, "2026-12-11 08:00")["created"] == 1
    task = Task.objects.get(duty=duty)
    assert (task.title, task.period_key, task.due) == ("与食草堂结算 · 2026-12", "2026-12", at("2026-12-15 18:00"))
    assert task.detail == duty.text


def test_running_the_job_again_files_nothing_new(team, holidays, clock):
    duty = make_duty(recurrence="daily")
    assert run(clock, "2026-11-24 09:00") == {"created": 1, "missed": 0}
    assert run(clock, "2026-11-24 09:15") == {"created": 0, "missed": 0}
    assert keys(duty) == ["2026-11-24"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_workers_running_the_job_at_once_file_each_period_once(team, holidays, clock):
    duties = [make_duty(recurrence="daily"), make_duty("客服A", recurrence="weekly", recurrence_weekday=0)]
    clock.move_to(at("2026-11-23 09:00"))
    outcomes = run_at_once(*[services.create_recurring_tasks] * 4)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert [keys(d) for d in duties] == [["2026-11-23"], ["2026-W48"]]


def test_after_a_week_down_only_the_current_period_is_filed_and_the_rest_written_as_missed(team, holidays, clock):
    daily = make_duty(recurrence="daily")
    weekly = make_duty(recurrence="weekly", recurrence_weekday=4)
    run(clock, "2026-11-06 10:00")  # Friday: the day's task and the week's
    run(clock, "2026-11-09 10:00")  # Monday; then the worker stops until Wednesday the 18th
    result = run(clock, "2026-11-18 10:00")
    assert result == {"created": 1, "missed": 7}
    assert keys(daily) == ["2026-11-06", "2026-11-09", "2026-11-18"]
    assert keys(weekly) == ["2026-W45"]  # this week's is due on Friday: filed then
    missed = {(m.duty_id, m.period_key): m.due for m in DutyPeriodMissed.objects.all()}
    assert missed == {
        **{(daily.pk, f"2026-11-{d}"): at(f"2026-11-{d} 18:00") for d in (10, 11, 12, 13, 16, 17)},
        (weekly.pk, "2026-W46"): at("2026-11-13 18:00"),
    }
    assert run(clock, "2026-11-18 10:15") == {"created": 0, "missed": 0}
    run(clock, "2026-11-19 10:00")
    assert run(clock, "2026-11-20 10:00")["created"] == 2  # Friday: the day's and the week's
    assert DutyPeriodMissed.objects.count() == 7


def test_a_duty_that_starts_repeating_begins_with_its_first_period_not_yet_due(team, holidays, clock):
    duty = make_duty(recurrence="weekly", recurrence_weekday=0)
    assert run(clock, "2026-11-25 10:00") == {"created": 0, "missed": 0}  # this week's Monday has passed
    assert run(clock, "2026-11-30 10:00") == {"created": 1, "missed": 0}
    assert keys(duty) == ["2026-W49"]


def test_changing_how_a_duty_repeats_does_not_invent_missed_periods(team, holidays, clock):
    duty = make_duty(recurrence="monthly", recurrence_day=2)
    run(clock, "2026-11-02 10:00")
    duty.recurrence = "daily"
    duty.recurrence_day = None
    duty.save()
    assert run(clock, "2026-11-24 10:00") == {"created": 1, "missed": 0}


def test_a_vacant_post_gets_no_task_until_someone_holds_it(team, holidays, clock):
    from tests.factories import AssignmentFactory

    duty = make_duty("摄影A", recurrence="daily")
    Assignment.objects.filter(post__title="摄影A").delete()
    assert run(clock, "2026-11-24 09:00")["created"] == 0
    AssignmentFactory(post=duty.post, start=datetime.date(2026, 11, 24))
    assert run(clock, "2026-11-24 09:15")["created"] == 1


def test_a_year_of_periods_at_once_is_filed_once(team, holidays, clock):
    weekly = make_duty(recurrence="weekly", recurrence_weekday=2)
    daily = make_duty("客服A", recurrence="daily")
    first, last = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    asked = services.create_duty_tasks_between(start=first, end=last, duties=[weekly, daily])
    assert asked == 52 + 365
    assert services.create_duty_tasks_between(start=first, end=last, duties=[weekly, daily]) == asked
    assert Task.objects.count() == asked
    # Wednesday 7 October is National Day: that week's task is due on the working day before it, which falls
    # in the week before (Wednesday 30 September, the due day of that week's own task too).
    assert Task.objects.get(duty=weekly, period_key="2026-W41").due == at("2026-09-30 18:00")
    assert Task.objects.get(duty=weekly, period_key="2026-W40").due == at("2026-09-30 18:00")


def test_periods_between_agrees_with_the_calendar_of_the_year(team, holidays, clock):
    from shopteam.workcalendar.calc import calendar_for

    duty = make_duty(recurrence="daily")
    calendar = calendar_for(duty.post.department)
    found = recurrence.periods_between(duty, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), calendar)
    import chinese_calendar

    expected = [d for d in (datetime.date(2026, 1, 1) + datetime.timedelta(days=n) for n in range(365))
                if chinese_calendar.is_workday(d)]
    assert [p.start for p in found] == expected


def test_a_repeating_duty_needs_its_day_in_the_form_and_in_the_database(team):
    post = Post.objects.get(title="财务组组长")
    for fields, field in [
        ({"recurrence": "weekly"}, "recurrence_weekday"),
        ({"recurrence": "monthly"}, "recurrence_day"),
        ({"recurrence": "quarterly", "recurrence_day": 1, "recurrence_month": 4}, "recurrence_month"),
        ({"recurrence": "yearly", "recurrence_day": 1}, "recurrence_month"),
        ({"recurrence": "daily", "lead_days": 1}, "lead_days"),
        ({"recurrence": "weekly", "recurrence_weekday": 0, "lead_days": 7}, "lead_days"),
    ]:
        duty = Duty(post=post, text="x", **fields)
        with pytest.raises(ValidationError) as refused:
            duty.full_clean()
        assert field in refused.value.message_dict, fields
        with pytest.raises(IntegrityError), transaction.atomic():
            Duty.objects.create(post=post, text="x", **fields)


def test_the_playbooks_repeating_duties_are_loaded_once_and_never_over_an_admins_edit(team):
    assert load_duty_recurrences() == {"duties": 4, "recurrences": 7}
    assert load_duty_recurrences() == {"duties": 0, "recurrences": 0}
    standup = Duty.objects.get(post__title="店长", recurrence="daily")
    assert standup.due_time == datetime.time(10, 0)
    assert Duty.objects.get(post__title="产品组组长", text="盘点并核对库房").recurrence_weekday == 4
    # The supplier's report and settlement are filed by the supplier cycle, per supplier: no recurrence here.
    assert Duty.objects.get(post__title="产品组组长", text__startswith="每月11日至15日").recurrence == ""
    analysis = Duty.objects.get(post__title="数据分析组组长", recurrence="monthly")
    assert (analysis.recurrence_day, analysis.lead_days) == (5, 2)
    finance = Duty.objects.filter(post__title="财务组组长").exclude(recurrence="")
    assert sorted(finance.values_list("recurrence", flat=True)) == ["monthly", "quarterly", "yearly"]
    # The admin stops one repeating and deletes an added one: a reload leaves both alone.
    analysis.recurrence, analysis.recurrence_day, analysis.lead_days = "", None, 0
    analysis.save()
    Duty.objects.get(post__title="客服A", recurrence="daily").delete()
    assert load_duty_recurrences() == {"duties": 0, "recurrences": 0}
    analysis.refresh_from_db()
    assert analysis.recurrence == ""


def test_the_playbooks_duties_file_their_tasks(team, holidays, clock):
    load_duty_recurrences()
    # Friday 11 December, the first run: the stand-up, the stocktake and the follow-up (the supplier cycle's tasks
    # come from finance). This month's report (due on the 10th) and analysis (the 5th) have passed: they start
    # next month.
    run(clock, "2026-12-11 08:00")
    titles = sorted(Task.objects.values_list("title", flat=True))
    assert titles == sorted([
        "主持每日站会 · 2026-12-11", "每周盘点库房 · 2026-W50", "跟进未付款和未评价订单 · 2026-12-11",
    ])
    assert Task.objects.get(title__startswith="主持每日站会").post.title == "店长"
