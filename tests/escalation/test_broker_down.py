"""With the broker (Redis) down, the request that saved a change still answers: what it could not queue waits in
the outbox, and the sweep sends it once the broker is back."""
import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from kombu import Producer
from kombu.exceptions import OperationalError

from escalation.models import Case
from roles.models import Difficulty
from shopteam.notifications.models import Delivery, WebhookChannel
from shopteam.notifications.services import notify
from shopteam.notifications.tasks import deliver, retry_stuck_deliveries

# on_commit callbacks run inside the request only when the test's transaction really commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down(monkeypatch):
    """Every publish fails as it does with Redis unreachable; the list counts the tries."""
    tries = []

    def refuse(producer, body, *args, **kwargs):
        tries.append(body)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Producer, "publish", refuse)
    return tries


def test_with_the_broker_down_a_raised_case_answers_and_its_messages_go_out_with_the_sweep(
    client, team, clock, broker_down, monkeypatch, caplog
):
    WebhookChannel.objects.create(name="客服群", kind=WebhookChannel.Kind.WECOM, url="http://127.0.0.1:9/send?key=k")
    client.force_login(team["kefu_a"])
    difficulty = Difficulty.objects.get(name="客服忙碌")
    data = {"post": team.posts["客服A"].pk, "difficulty": difficulty.pk, "description": "咨询太多"}

    response = client.post(reverse("escalation:raise_case"), data)

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    waiting = list(Delivery.objects.filter(status=Delivery.Status.PENDING))
    assert {row.kind for row in waiting} == {Delivery.Kind.EMAIL, Delivery.Kind.WECOM} and not mail.outbox
    # Each notify() of the request tried the broker once after commit (not once per message); a failure
    # stopped none of them.
    notifies = len({row.subject for row in waiting})
    assert len(broker_down) == notifies
    assert "left for the periodic sweep" in caplog.text

    monkeypatch.undo()  # the broker is back
    monkeypatch.setattr(deliver, "delay", lambda pk: deliver.apply(args=[pk]))  # a worker takes it at once
    WebhookChannel.objects.update(active=False)  # this test's robot never answers: e-mail is enough to see
    clock.shift(datetime.timedelta(minutes=1))
    assert retry_stuck_deliveries() == 0  # a minute old: its own task may still be on its way
    clock.shift(datetime.timedelta(minutes=2))
    assert retry_stuck_deliveries() == len(waiting)
    email = Delivery.objects.get(kind=Delivery.Kind.EMAIL)
    assert email.status == Delivery.Status.SENT and mail.outbox[0].to == [email.address]
    assert Case.objects.count() == 1


def test_a_step_after_a_failed_enqueue_in_the_same_commit_still_runs(team, broker_down):
    steps = []
    with transaction.atomic():
        notify([team["kefu_a"]], title="新案件")
        transaction.on_commit(lambda: steps.append("after"))
    assert steps == ["after"]
    assert Delivery.objects.get().status == Delivery.Status.PENDING
