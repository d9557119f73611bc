"""The periodic jobs: the site's and each app's (from its AppConfig) are installed once, with their timing."""
import re

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from shopteam import dashboard
from shopteam.schedules import all_schedules, install_schedules

pytestmark = pytest.mark.django_db


def test_an_apps_own_jobs_are_installed_once_with_their_day_of_month(monkeypatch):
    config = apps.get_app_config("tasks")
    monkeypatch.setattr(config, "schedules", [("Monthly job", "tasks.tasks.monthly", ("crontab", "0", "9", "11"))],
                        raising=False)
    assert ("Monthly job", "tasks.tasks.monthly", ("crontab", "0", "9", "11")) in all_schedules()
    made = install_schedules()
    assert made == len(all_schedules())
    job = PeriodicTask.objects.get(name="Monthly job")
    assert (job.crontab.minute, job.crontab.hour, job.crontab.day_of_month, job.crontab.day_of_week) == (
        "0", "9", "11", "*")
    assert install_schedules() == 0


def test_a_navigation_link_without_a_count(monkeypatch, django_user_model):
    monkeypatch.setattr(dashboard, "_badges", {})
    dashboard.register_badge("org", label="Org", url_name="roles:org_chart")
    user = django_user_model(username="someone")
    assert dashboard.badges_for(user) == [{"key": "org", "label": "Org", "url": "/org/", "count": None}]


def test_setup_shopteam_loads_the_playbook_its_repeating_duties_and_the_jobs_once():
    import io

    from django.core.management import call_command

    from roles.models import Duty

    out = io.StringIO()
    call_command("setup_shopteam", stdout=out)
    repeating = Duty.objects.exclude(recurrence="").count()
    assert repeating == 7 and "Repeating duties: 4 added, 7 set to repeat." in out.getvalue()
    assert PeriodicTask.objects.filter(name__in=[name for name, *_ in all_schedules()]).count() == len(all_schedules())
    call_command("setup_shopteam", stdout=io.StringIO())
    assert Duty.objects.exclude(recurrence="").count() == repeating


def test_the_chinese_admin_lists_the_jobs_and_their_intervals_in_chinese(client, django_user_model):
    install_schedules()
    client.force_login(django_user_model.objects.create(username="root", is_staff=True, is_superuser=True))
    page = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    shown = re.findall(r'class="field-job"><a [^>]*>([^<]+)</a>', page)
    assert len(shown) == len(all_schedules())
    assert not [name for name in shown if re.search("[A-Za-z]{3}", name)], "a job is shown in English"
    assert "事项超过期限后转交下一步" in page and "生成周期性职责的任务" in page and "核对库存台账有无偏差" in page
    assert "每分钟" in page and "每 15 分钟" in page and "每 分钟" not in page
