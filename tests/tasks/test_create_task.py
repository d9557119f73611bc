"""Filing a task (the service inventory and finance call too), finding it again by what it is about, and
completing every task about something at once."""
import datetime

import pytest

from roles.models import Assignment, Post
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tasks import selectors, services
from tasks.models import Task, TaskEvent
from tests.escalation.test_deadlines import run_at_once
from tests.factories import AssignmentFactory, UserFactory
from tests.tasks.conftest import at
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db


def test_a_task_for_a_post_belongs_to_whoever_holds_it_and_they_are_told(team, clock):
    post = Post.objects.get(title="产品组组长")
    task = services.create_task(title="补货：玫瑰花茶", post=post, source=Task.Source.STOCK_ALERT,
                                due=at("2026-11-24 12:00"), detail="库存低于补货点")
    assert task.owner is None and task.department == post.department and task.status == Task.Status.TODO
    assert task.created_by is None
    assert [n.recipient for n in Notification.objects.filter(url=task.get_absolute_url())] == [team["product_lead"]]
    assert list(selectors.visible_tasks(team["product_lead"]).filter(selectors.owned_by(team["product_lead"]))) == [
        task]


def test_a_date_without_a_time_is_due_at_the_end_of_the_owners_working_day(team, clock):
    office = services.create_task(title="月报", by=team["finance_lead"], owner=team["finance_lead"],
                                  due=datetime.date(2026, 11, 24))
    assert office.due == at("2026-11-24 18:00")
    rota = services.create_task(title="回访", by=team["kefu_lead"], owner=team["kefu_a"],
                                due=datetime.date(2026, 11, 24))
    assert rota.due == at("2026-11-24 23:00")  # customer service's rota ends at 23:00


def test_a_date_on_a_day_off_is_due_at_the_end_of_the_next_working_day(team, clock):
    task = services.create_task(title="盘点", by=team["product_lead"], owner=team["product_lead"],
                                due=datetime.date(2026, 11, 28))  # a Saturday
    assert task.due == at("2026-11-30 18:00")


def test_a_task_with_subtasks_counts_them_for_its_card(team, clock):
    task = file_task(team["visual_lead"], title="新品上架", subtasks=["拍照", " ", "修图", "上传宝贝"])
    assert [s.title for s in task.subtasks.all()] == ["拍照", "修图", "上传宝贝"]
    assert (task.subtask_count, task.subtasks_done) == (3, 0)


def test_bad_input_is_refused_with_every_message_and_nothing_changes(team, clock):
    vacant = Post.objects.get(title="摄影A")
    Assignment.objects.filter(post=vacant).update(end=datetime.date(2026, 11, 1))
    with pytest.raises(ServiceError) as refused:
        services.create_task(title="  ", by=team["visual_lead"], post=vacant, due=at("2026-11-20 18:00"))
    assert refused.value.messages == [
        "Give the task a title.",
        "Nobody holds Photographer A today, so nobody would do this task: choose another owner, or ask an admin "
        "to assign the post first.",
        "The due date 2026-11-20 18:00 has already passed: choose a later one.",
    ]
    with pytest.raises(ServiceError) as refused:
        services.create_task(title="拍照", by=team["visual_lead"], owner=team["visual_lead"],
                             due=at("2026-11-20 18:00"))
    assert refused.value.messages == ["The due date 2026-11-20 18:00 has already passed: choose a later one."]
    with pytest.raises(ServiceError, match="a person or a post, not both"):
        services.create_task(title="拍照", by=team["visual_lead"])
    with pytest.raises(ServiceError, match="a person or a post, not both"):
        services.create_task(title="拍照", by=team["visual_lead"], owner=team["visual_lead"],
                             post=Post.objects.get(title="视觉组组长"))
    assert not Task.objects.exists() and not Notification.objects.exists()


def test_shopteam_may_file_a_task_already_overdue_but_never_to_a_vacant_post(team, clock):
    task = services.create_task(title="供应商结算", post=Post.objects.get(title="财务组组长"),
                                source=Task.Source.SUPPLIER_CYCLE, due=at("2026-11-15 18:00"))
    assert task.is_overdue()
    Assignment.objects.filter(post__title="财务组组长").delete()
    with pytest.raises(ServiceError, match="Nobody holds Finance leader today"):
        services.create_task(title="供应商结算", post=Post.objects.get(title="财务组组长"),
                             source=Task.Source.SUPPLIER_CYCLE)


def test_who_may_file_for_whom(team, clock):
    kefu_a, kefu_lead = team["kefu_a"], team["kefu_lead"]
    with pytest.raises(ServiceError, match="You can file tasks for yourself"):
        file_task(kefu_a, owner=kefu_lead)  # a member does not give their leader work
    with pytest.raises(ServiceError, match="You can file tasks for yourself"):
        file_task(team["visual_lead"], owner=kefu_a)  # another group's leader does not either
    assert file_task(kefu_lead, owner=kefu_a).department.name == "客服组"
    assert file_task(kefu_a, post=Post.objects.get(title="客服A")).post.title == "客服A"
    assert file_task(team["manager"], owner=team["photo_a"]).department.name == "视觉组"


def test_a_key_makes_filing_idempotent(team, clock):
    post = Post.objects.get(title="产品组组长")
    first = services.create_task(title="补货", post=post, source=Task.Source.STOCK_ALERT, key="alert-7")
    again = services.create_task(title="补货（重复）", post=post, source=Task.Source.STOCK_ALERT, key="alert-7")
    other_source = services.create_task(title="新品", post=post, source=Task.Source.NEW_PRODUCT, key="alert-7")
    assert again == first and other_source != first
    assert Task.objects.count() == 2
    assert Notification.objects.filter(url=first.get_absolute_url()).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_jobs_filing_the_same_key_at_once_make_one_task(team, clock):
    post = Post.objects.get(title="产品组组长")

    def file():
        return services.create_task(title="补货", post=post, source=Task.Source.STOCK_ALERT, key="alert-9").pk

    outcomes = run_at_once(file, file, file)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len(set(outcomes)) == 1 and Task.objects.count() == 1


def test_tasks_about_an_object_and_completing_them_all(team, clock):
    subject = Post.objects.get(title="产品组组长")  # any object: inventory files them about a stock alert
    other = Post.objects.get(title="客服A")
    alert = services.create_task(title="补货", post=subject, source=Task.Source.STOCK_ALERT, subject=subject)
    briefing = services.create_task(title="告知客服", post=other, source=Task.Source.NEW_PRODUCT, subject=subject)
    unrelated = services.create_task(title="别的事", post=subject, source=Task.Source.STOCK_ALERT, subject=other)
    assert set(selectors.tasks_about(subject)) == {alert, briefing}
    assert alert.subject == subject

    assert services.complete_tasks_about(subject, source=Task.Source.STOCK_ALERT, note="库存已恢复") == 1
    alert.refresh_from_db()
    briefing.refresh_from_db()
    assert alert.status == Task.Status.DONE and alert.done_at is not None and alert.done_by is None
    assert briefing.status == Task.Status.TODO
    event = alert.events.get()
    assert (event.kind, event.note, event.actor) == (TaskEvent.Kind.COMPLETED, "库存已恢复", None)
    assert services.complete_tasks_about(subject, source=Task.Source.STOCK_ALERT) == 0
    assert services.complete_tasks_about(subject, by=team["product_lead"]) == 1
    unrelated.refresh_from_db()
    assert unrelated.status == Task.Status.TODO


def test_a_post_task_follows_the_post_when_its_holder_changes(team, clock):
    post = Post.objects.get(title="客服A")
    task = services.create_task(title="回访未评价订单", post=post, source=Task.Source.DUTY)
    newcomer = UserFactory(username="kefu_b")
    Assignment.objects.filter(post=post).update(end=datetime.date(2026, 11, 22))
    AssignmentFactory(user=newcomer, post=post, start=datetime.date(2026, 11, 23))
    assert list(Task.objects.filter(selectors.owned_by(newcomer))) == [task]
    assert not Task.objects.filter(selectors.owned_by(team["kefu_a"])).exists()
    assert services.owners(task) == [newcomer]
