"""The tasks Shopteam files itself carry a due date: each source (and a new product's kind of work) has a lead time
in working minutes, counted in the owning department's calendar and editable in the admin, so they become overdue
and escalate like any other task. Expected moments are counted by hand from the calendars (office 09:00–12:00,
13:30–18:00 with the public holidays; customer service's rota 09:00–12:00, 13:00–18:00, 18:30–23:00 every day)."""
import pytest
from django.urls import reverse

from inventory import alerts, services
from roles.models import Post
from tasks import services as task_services
from tasks.models import LeadTime
from tasks.selectors import tasks_about
from tests.factories import UserFactory
from tests.inventory.factories import stocked
from tests.tasks.conftest import at

pytestmark = pytest.mark.django_db

# Thursday before the Labour Day holiday (1–5 May 2026); work resumes on Wednesday 6 May.
BEFORE_LABOUR_DAY = "2026-04-30 16:00"


def new_product(by, sku="SCT-NEW"):
    product = services.create_product(by=by, sku=sku, name="桂花乌龙", cost="15", price="49", reorder_point=3,
                                      reorder_quantity=12, status="listed")
    return {task.key.split(":")[1]: task for task in tasks_about(product)}


def test_a_new_products_tasks_are_due_their_lead_time_later_in_each_groups_calendar(team, holidays, clock):
    clock.move_to(at(BEFORE_LABOUR_DAY))
    tasks = new_product(team["product_lead"])
    assert {work: task.due for work, task in tasks.items()} == {
        # 900 office minutes: 120 on Thursday, the holiday, 450 on Wednesday, 330 on Thursday 7 May.
        "photos": at("2026-05-07 16:00"),
        "listing": at("2026-05-07 16:00"),
        # 1350 office minutes: 120 + 450 + 450, and 330 on Friday 8 May.
        "promotion": at("2026-05-08 16:00"),
        # 750 minutes of customer service's rota, which works the holiday: 390 on Thursday, 360 on 1 May.
        "briefing": at("2026-05-01 16:00"),
    }


def test_a_restock_task_is_due_one_office_day_later(team, holidays, clock):
    clock.move_to(at(BEFORE_LABOUR_DAY))
    stocked(4, sku="SCT-1", name="菊花茶", reorder_point=5, reorder_quantity=20)
    [alert] = alerts.scan_low_stock()
    task = tasks_about(alert).get()
    assert (task.post.title, task.due) == ("产品组组长", at("2026-05-06 16:00"))  # 120 + 330 office minutes


def test_a_task_filed_with_its_own_due_date_or_by_a_person_keeps_what_was_given(team, clock):
    given = task_services.create_task(title="补拍细节图", source="new_product", post=Post.objects.get(title="摄影A"),
                                      due=at("2026-11-30 12:00"), work="photos")
    assert given.due == at("2026-11-30 12:00")
    manual = task_services.create_task(title="整理样品架", by=team["visual_lead"], owner=team["photo_a"])
    assert manual.due is None  # a person's task has the due date they chose, or none


def test_an_admins_change_of_a_lead_time_applies_to_the_next_task(client, team, clock):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    photos = LeadTime.objects.get(source="new_product", work="photos")
    first = new_product(team["product_lead"], sku="SCT-A")["photos"]
    assert first.due == at("2026-11-25 10:00")  # Monday 10:00 + 900 office minutes: 390 + 450 + 60

    url = reverse("admin:tasks_leadtime_change", args=[photos.pk])
    response = client.post(url, {"source": "new_product", "work": "photos", "minutes": "450"})
    assert response.status_code == 302
    assert photos.history.get(minutes=450).history_user == boss

    second = new_product(team["product_lead"], sku="SCT-B")["photos"]
    assert second.due == at("2026-11-24 10:00")  # one office day: 390 + 60
    first.refresh_from_db()
    assert first.due == at("2026-11-25 10:00")  # a task already filed keeps its due date


def test_a_lead_time_for_a_whole_source_serves_its_tasks_without_a_row_of_their_own(team, clock):
    LeadTime.objects.filter(source="new_product", work="briefing").delete()
    LeadTime.objects.create(source="new_product", work="", minutes=60)
    tasks = new_product(team["product_lead"])
    assert tasks["briefing"].due == at("2026-11-23 11:00")
    assert tasks["photos"].due == at("2026-11-25 10:00")


def test_a_new_products_tasks_become_overdue_and_escalate(team, holidays, clock):
    visual = Post.objects.get(title="视觉组组长")
    visual.escalate_overdue_tasks = True
    visual.overdue_grace_minutes = 60
    visual.save()
    clock.move_to(at(BEFORE_LABOUR_DAY))
    tasks = new_product(team["product_lead"])
    clock.move_to(at("2026-05-07 16:59"))
    assert tasks["photos"].is_overdue() and task_services.escalate_overdue_tasks() == []  # within the grace
    clock.move_to(at("2026-05-07 17:00"))
    cases = task_services.escalate_overdue_tasks()
    assert {case.subject for case in cases} == {tasks["photos"], tasks["listing"]}
    assert all(case.source == "tasks.overdue" for case in cases)
