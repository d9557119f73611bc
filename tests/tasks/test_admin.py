"""The admin: how a duty repeats and when a post's overdue tasks escalate are edited there, in the shop's language;
tasks, stand-ups and missed periods are read there (they change only through their services)."""
import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from roles.models import Duty, Post
from roles.services import load_duty_recurrences
from tasks.models import Task
from tests.factories import UserFactory
from tests.shopteam.test_edges import admin_pages, english_labels_on
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_duty_is_made_to_repeat_in_the_admin_and_a_bad_recurrence_is_refused(admin_client, team):
    duty = Duty.objects.get(post__title="产品组组长", text="盘点并核对库房")
    url = reverse("admin:roles_duty_change", args=[duty.pk])
    page = admin_client.get(url).content.decode()
    assert "调休" in page and "之前的那个工作日" in page  # the help text says what a holiday does
    form = {"post": duty.post_id, "kind": "main", "text": duty.text, "text_en": duty.text_en, "order": duty.order,
            "recurrence": "weekly", "recurrence_weekday": "", "recurrence_day": "", "recurrence_month": "",
            "due_time": "", "lead_days": "0", "task_title": ""}
    response = admin_client.post(url, form)
    assert response.status_code == 200 and "每周重复的职责需要选择星期几到期" in response.content.decode()
    duty.refresh_from_db()
    assert duty.recurrence == ""
    response = admin_client.post(url, {**form, "recurrence_weekday": "4", "due_time": "17:00"})
    assert response.status_code == 302
    duty.refresh_from_db()
    assert (duty.recurrence, duty.recurrence_weekday, duty.due_time) == ("weekly", 4, datetime.time(17, 0))
    listing = admin_client.get(reverse("admin:roles_duty_changelist") + "?recurrence=weekly").content.decode()
    assert "每周（星期五）, 17:00 到期" in listing


def test_the_admin_pages_of_tasks_and_repeating_duties_have_no_english_labels(admin_client, team, clock):
    load_duty_recurrences()
    post = Post.objects.get(title="客服A")
    post.escalate_overdue_tasks = True
    post.save()
    task = file_task(team["kefu_lead"], owner=team["kefu_a"], subtasks=["核对订单"])
    Task.objects.filter(pk=task.pk).update(status="doing")
    # The sidebar lists every app's models: other apps answer for their own names.
    others = {str(m._meta.verbose_name_plural).lower() for m in apps.get_models()
              if m._meta.app_label not in ("tasks", "roles")}
    urls = [*admin_pages(["tasks"]), reverse("admin:roles_duty_changelist"),
            reverse("admin:roles_duty_change", args=[Duty.objects.exclude(recurrence="").first().pk]),
            reverse("admin:roles_post_change", args=[post.pk])]
    found = english_labels_on(admin_client, urls, others=others)
    assert found == {}, "\n".join(f"{url}: {label}" for label, url in sorted(found.items()))
