"""Each channel posts what its robot expects; a failure is recorded and retried; nothing is sent twice."""
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from shopteam.notifications.models import Delivery, WebhookChannel
from shopteam.notifications.services import DeliveryFailed, dingtalk_signature, send_delivery
from shopteam.notifications.tasks import deliver, retry_stuck_deliveries
from tests.factories import UserFactory
from tests.threads import run_at_once

from .factories import DeliveryFactory, WebhookChannelFactory

pytestmark = pytest.mark.django_db


def robot_delivery(channel, text="库存预警\nSKU-1 低于补货点"):
    return DeliveryFactory(kind=channel.kind, channel=channel, recipient=None, address="", text=text)


def test_dingtalk_robot_gets_a_text_message(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)

    assert send_delivery(delivery) is True

    [(path, query, body)] = robot_server.posts
    assert path == "/robot/send" and query == {"access_token": "abc"}
    assert body == {"msgtype": "text", "text": {"content": "库存预警\nSKU-1 低于补货点"}}
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1 and delivery.sent_at


# A fixed vector for DingTalk's signed mode, computed outside the project's code with DingTalk's published
# algorithm (base64 of HMAC-SHA256 keyed by the secret over "timestamp\nsecret", then URL-encoded):
#   printf '%s\n%s' 1700000000002 SEC0123456789abcdef \
#       | openssl dgst -sha256 -hmac SEC0123456789abcdef -binary | base64
#   -> VGvd0brDJp/nMZtR+XnA3yBIlhowT+TwkRPua0q1/jg=
#   printf 'VGvd0brDJp/nMZtR+XnA3yBIlhowT+TwkRPua0q1/jg=' | jq -sRr @uri
#   -> VGvd0brDJp%2FnMZtR%2BXnA3yBIlhowT%2BTwkRPua0q1%2Fjg%3D
# (OpenSSL 3.0.19, jq 1.6.) The timestamp was chosen so the signature holds "+", "/" and "=", which must be
# escaped in a query string.
SECRET = "SEC0123456789abcdef"
TIMESTAMP = 1700000000002
SIGN = "VGvd0brDJp/nMZtR+XnA3yBIlhowT+TwkRPua0q1/jg="
SIGN_ENCODED = "VGvd0brDJp%2FnMZtR%2BXnA3yBIlhowT%2BTwkRPua0q1%2Fjg%3D"


def test_the_dingtalk_signature_matches_a_vector_computed_with_openssl():
    assert dingtalk_signature(SECRET, TIMESTAMP) == f"timestamp={TIMESTAMP}&sign={SIGN_ENCODED}"


def test_signed_dingtalk_robot_gets_the_current_timestamp_and_its_signature(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc", secret=SECRET)

    # DingTalk refuses a timestamp more than an hour from its clock: it must be now, in milliseconds.
    with time_machine.travel(TIMESTAMP / 1000, tick=False):
        send_delivery(robot_delivery(channel))

    [(_path, query, body)] = robot_server.posts
    # The robot parsed the query string: "+" and "/" arrive intact only if they were URL-encoded.
    assert query == {"access_token": "abc", "timestamp": str(TIMESTAMP), "sign": SIGN}
    assert body["msgtype"] == "text"


def test_wecom_robot_gets_a_text_message(robot_server):
    channel = WebhookChannelFactory(
        kind=WebhookChannel.Kind.WECOM, url=f"{robot_server.url}/cgi-bin/webhook/send?key=k-1"
    )
    send_delivery(robot_delivery(channel, text="新案件"))

    [(path, query, body)] = robot_server.posts
    assert path == "/cgi-bin/webhook/send" and query == {"key": "k-1"}
    assert body == {"msgtype": "text", "text": {"content": "新案件"}}


def test_email_goes_to_the_address_with_the_text():
    user = UserFactory(email="kefu@shop.example")
    delivery = DeliveryFactory(recipient=user, subject="新案件", text="请处理\n\nhttp://shop/cases/1/")

    assert send_delivery(delivery) is True

    [message] = mail.outbox
    assert message.to == ["kefu@shop.example"] and message.subject == "新案件"
    assert "http://shop/cases/1/" in message.body


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ((500, {"error": "boom"}), "HTTP Error 500"),
        ((200, {"errcode": 310000, "errmsg": "sign not match"}), "310000"),
    ],
    ids=["http-500", "errcode"],
)
def test_a_refused_message_is_recorded_failed_with_the_error(robot_server, reply, error):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    robot_server.replies.append(reply)

    with pytest.raises(DeliveryFailed):
        send_delivery(delivery)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1 and error in delivery.last_error and delivery.sent_at is None
    assert delivery.claimed_at is None  # released, so the retry can take it


def test_an_unreachable_robot_is_recorded_failed():
    channel = WebhookChannelFactory(url="http://127.0.0.1:9/robot/send?access_token=abc")  # nothing listens
    delivery = robot_delivery(channel)
    with pytest.raises(DeliveryFailed):
        send_delivery(delivery)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.last_error


def test_the_task_retries_a_failing_robot_until_it_answers(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    robot_server.replies += [(500, {}), (200, {"errcode": 130101, "errmsg": "send too fast"})]

    result = deliver.apply(args=[delivery.pk])

    assert result.successful()
    assert len(robot_server.posts) == 3
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 3 and delivery.last_error == ""


def test_the_task_requests_a_retry_with_backoff_then_gives_up(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    robot_server.always = (500, {})

    result = deliver.apply(args=[delivery.pk])

    assert result.failed() and isinstance(result.result, DeliveryFailed)
    assert len(robot_server.posts) == deliver.max_retries + 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == deliver.max_retries + 1
    assert "HTTP Error 500" in delivery.last_error
    assert deliver.retry_backoff and deliver.autoretry_for == (DeliveryFailed,)


def test_the_first_failure_asks_celery_for_a_retry(robot_server):
    from celery.exceptions import Retry

    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    robot_server.always = (500, {})
    # As apply() runs it, minus apply()'s own loop over the retries: the Retry comes back to us.
    deliver.push_request(id="t-1", retries=0, is_eager=True, called_directly=False)
    try:
        with pytest.raises(Retry) as retry:
            deliver.run(delivery.pk)
    finally:
        deliver.pop_request()
    assert retry.value.when is not None and 0 <= retry.value.when <= 30
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_sending_twice_sends_once(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)

    assert send_delivery(delivery) is True
    assert send_delivery(Delivery.objects.get(pk=delivery.pk)) is False
    assert deliver.apply(args=[delivery.pk]).result is False

    assert len(robot_server.posts) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1


def test_a_delivery_another_worker_is_sending_is_left_alone_until_its_claim_expires(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now())

    assert send_delivery(delivery) is False
    assert robot_server.posts == []

    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))
    assert send_delivery(delivery) is True
    assert len(robot_server.posts) == 1


def test_a_robot_turned_off_after_the_message_was_written_is_not_posted_to(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    WebhookChannel.objects.filter(pk=channel.pk).update(active=False)

    with pytest.raises(DeliveryFailed):
        send_delivery(Delivery.objects.get(pk=delivery.pk))
    assert robot_server.posts == []


def test_the_sweep_requeues_only_pending_deliveries_whose_task_was_lost(monkeypatch):
    lost = DeliveryFactory()
    fresh = DeliveryFactory()
    sent = DeliveryFactory(status=Delivery.Status.SENT)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk__in=[lost.pk, sent.pk]).update(created_at=an_hour_ago)
    queued = []
    monkeypatch.setattr(deliver, "delay", queued.append)

    assert retry_stuck_deliveries() == 1
    assert queued == [lost.pk]
    assert fresh.pk not in queued


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_two_workers_sending_the_same_delivery_at_once_post_it_once(robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    delivery = robot_delivery(channel)
    robot_server.delay = 0.5  # the second worker arrives while the first is still posting

    def worker():
        return send_delivery(Delivery.objects.get(pk=delivery.pk))

    outcomes = run_at_once(worker, worker)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    results = sorted(outcomes)

    assert results == [False, True]
    assert len(robot_server.posts) == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 1
