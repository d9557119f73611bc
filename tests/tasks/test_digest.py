"""The morning digest: at 08:30 on each working day (in the person's department calendar) one notification with
what is due today, what is overdue and yesterday's stand-up gaps; silent on holidays, never twice."""
import pytest

from roles.models import Post
from shopteam.notifications.models import Delivery, Notification
from tasks import services
from tasks.models import DigestSent
from tests.escalation.test_deadlines import run_at_once
from tests.tasks.conftest import at
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db


def digests():
    return {n.recipient.username: n for n in Notification.objects.filter(event="tasks.digest")}


def test_the_digest_lists_what_is_due_today_what_is_overdue_and_the_stand_up_gaps(team, holidays, clock):
    clock.move_to(at("2026-11-20 11:00"))  # Friday
    services.write_standup(by=team["kefu_lead"], yesterday="", today="排班", blockers="")
    file_task(team["kefu_lead"], owner=team["kefu_a"], title="回复差评", due=at("2026-11-20 18:00"))
    file_task(team["kefu_lead"], owner=team["kefu_a"], title="核对退货", due=at("2026-11-23 17:00"))
    file_task(post=Post.objects.get(title="客服A"), title="跟进未付款订单", due=at("2026-11-23 22:00"))
    clock.move_to(at("2026-11-23 08:30"))  # Monday morning
    assert services.send_morning_digests() == 8
    agent = digests()["kefu_a"]
    assert agent.title == "今日任务：2 项今天截止，1 项逾期"
    assert "核对退货（2026-11-23 17:00）" in agent.body and "跟进未付款订单（2026-11-23 22:00）" in agent.body
    assert "已逾期（1）" in agent.body and "回复差评" in agent.body
    # Customer service works a seven-day rota: its last working day before Monday is Sunday the 22nd.
    assert "你在 2026-11-22 没有写站会" in agent.body
    leader = digests()["kefu_lead"].body
    assert "赵客服（11-22）" in leader and "/tasks/standup/" in leader
    manager = digests()["manager"].body
    assert "李客服（11-22）" in manager and "吴摄影（11-20）" in manager  # office staff: Friday
    assert "没有今天截止或逾期的任务" in digests()["photo_a"].body
    # In-app and by e-mail (everyone in the team has an address): the e-mail waits in the outbox, sent after commit.
    email = Delivery.objects.get(kind=Delivery.Kind.EMAIL, recipient=team["kefu_a"], event="tasks.digest")
    assert (email.address, email.subject) == (team["kefu_a"].email, agent.title)


def test_the_digest_is_silent_on_a_holiday_for_the_office_but_not_for_customer_service(team, holidays, clock):
    clock.move_to(at("2026-10-01 08:30"))  # National Day
    assert services.send_morning_digests() == 2
    assert set(digests()) == {"kefu_lead", "kefu_a"}
    clock.move_to(at("2026-10-10 08:30"))  # a make-up Saturday (调休): the office works
    assert services.send_morning_digests() == 8
    clock.move_to(at("2026-10-11 08:30"))  # an ordinary Sunday
    assert services.send_morning_digests() == 2


def test_the_digest_is_never_sent_twice(team, holidays, clock):
    assert services.send_morning_digests() == 8
    assert services.send_morning_digests() == 0
    assert Notification.objects.filter(event="tasks.digest").count() == 8
    assert DigestSent.objects.count() == 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_workers_sending_the_digest_at_once_send_one_each(team, holidays, clock):
    outcomes = run_at_once(*[services.send_morning_digests] * 3)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sum(outcomes) == 8
    assert Notification.objects.filter(event="tasks.digest").count() == 8
