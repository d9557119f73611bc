"""notify(): one in-app notification per person, e-mail to those with an address, each group robot once,
all sent after commit so a robot that is down never blocks or undoes the caller's work."""
from unittest.mock import call, patch

import pytest
from django.core import mail
from django.db import transaction

from shopteam.notifications.models import Delivery, Notification, WebhookChannel
from shopteam.notifications.services import notify
from shopteam.notifications.tasks import deliver
from tests.factories import UserFactory

from .factories import WebhookChannelFactory

pytestmark = pytest.mark.django_db


def test_each_distinct_active_person_gets_one_notification_and_an_email_if_they_have_an_address():
    kefu = UserFactory(first_name="赵客服")
    no_mail = UserFactory(email="")
    gone = UserFactory(is_active=False)
    with patch.object(deliver, "delay"):
        made = notify(
            [kefu, kefu, no_mail, gone, None],
            title="新案件",
            body="客服忙碌",
            url="/cases/1/",
            event="case.assigned",
        )

    assert {n.recipient for n in made} == {kefu, no_mail}
    assert Notification.objects.count() == 2
    [email] = Delivery.objects.filter(kind=Delivery.Kind.EMAIL)
    assert email.recipient == kefu and email.address == kefu.email
    assert email.subject == "新案件" and "http://127.0.0.1:8000/cases/1/" in email.text


def test_each_active_robot_gets_one_message_naming_everyone():
    dingtalk = WebhookChannelFactory()
    wecom = WebhookChannelFactory(kind=WebhookChannel.Kind.WECOM)
    WebhookChannelFactory(active=False)
    WebhookChannelFactory(events="stock.")  # listens to stock alerts only
    people = [UserFactory(first_name=name) for name in ("赵客服", "钱客服", "孙客服")]
    with patch.object(deliver, "delay"):
        notify(people, title="新案件", body="售后困难", event="case.assigned")

    robots = Delivery.objects.exclude(kind=Delivery.Kind.EMAIL)
    assert {(d.kind, d.channel) for d in robots} == {("dingtalk", dingtalk), ("wecom", wecom)}
    for delivery in robots:
        assert delivery.recipient is None
        assert "新案件" in delivery.text and "售后困难" in delivery.text
        assert all(name in delivery.text for name in ("赵客服", "钱客服", "孙客服"))


def test_tasks_are_dispatched_only_after_commit(django_capture_on_commit_callbacks):
    WebhookChannelFactory()
    with patch.object(deliver, "delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            notify([UserFactory(), UserFactory()], title="新案件", body="")
            assert not delay.called
        assert len(callbacks) == 1  # all three deliveries in one go
        for callback in callbacks:
            callback()
    every_delivery = Delivery.objects.values_list("pk", flat=True)
    assert sorted(delay.call_args_list) == sorted(call(pk) for pk in every_delivery)


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(django_capture_on_commit_callbacks):
    WebhookChannelFactory()
    with (
        patch.object(deliver, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([UserFactory()], title="新案件", body="")
        raise RuntimeError("the case could not be saved")
    assert not delay.called
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_a_robot_that_is_down_does_not_block_the_caller_or_the_other_channels(
    robot_server, django_capture_on_commit_callbacks
):
    down = WebhookChannelFactory(kind=WebhookChannel.Kind.WECOM, url=f"{robot_server.url}/down/send?key=k")
    up = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    kefu = UserFactory(email="kefu@shop.example")

    def run_now(pk):  # the up robot answers OK, the down one 500 on every try
        delivery = Delivery.objects.get(pk=pk)
        robot_server.always = (500, {}) if delivery.channel == down else None
        return deliver.apply(args=[pk])

    # Eager in this test only: after commit each task runs at once, retries included.
    with (
        patch.object(deliver, "delay", side_effect=run_now),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [notification] = notify([kefu], title="新案件", body="售后困难", url="/cases/1/")

    assert Notification.objects.filter(pk=notification.pk, recipient=kefu).exists()
    assert [m.to for m in mail.outbox] == [["kefu@shop.example"]]
    assert Delivery.objects.get(channel=up).status == Delivery.Status.SENT
    failed = Delivery.objects.get(channel=down)
    assert failed.status == Delivery.Status.FAILED and failed.attempts == deliver.max_retries + 1
    assert "500" in failed.last_error


def test_a_link_outside_the_app_is_refused():
    with pytest.raises(ValueError):
        notify([UserFactory()], title="x", body="", url="https://evil.example/")
