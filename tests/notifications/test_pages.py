"""My notifications page, the bell, and who may open what: nobody reads or marks someone else's."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from shopteam.notifications.services import mark_read
from tests.factories import UserFactory

from .factories import DeliveryFactory, NotificationFactory, WebhookChannelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_the_list_shows_only_my_notifications_newest_first_with_unread_marked(client, me):
    NotificationFactory(recipient=me, title="旧的通知")
    NotificationFactory(recipient=me, title="新的通知")
    read = NotificationFactory(recipient=me, title="已读的通知")
    mark_read(read, by=me)
    NotificationFactory(title="别人的通知")

    page = client.get(reverse("notifications:list")).content.decode()

    assert "别人的通知" not in page
    assert page.index("已读的通知") < page.index("新的通知") < page.index("旧的通知")
    unread_rows = page.count("list-group-item-primary")
    assert unread_rows == 2


def test_the_bell_counts_my_unread_notifications(client, me):
    NotificationFactory.create_batch(3, recipient=me)
    NotificationFactory(recipient=me, read_at="2026-01-01T00:00:00Z")
    NotificationFactory.create_batch(2)

    page = client.get(reverse("roles:org_chart")).content.decode()

    assert 'data-unread="3"' in page


def test_following_a_notification_marks_it_read_and_goes_to_its_page(client, me):
    notification = NotificationFactory(recipient=me, url="/org/")

    response = client.get(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/org/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_with_an_outside_link_goes_to_the_list_instead(client, me):
    notification = NotificationFactory(recipient=me, url="//evil.example/")
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_opening_someone_elses_notification_is_404_and_changes_nothing(client, me):
    theirs = NotificationFactory()
    for method in (client.get, client.post):
        assert method(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_service_refuses_to_mark_someone_elses_notification():
    theirs = NotificationFactory()
    with pytest.raises(ServiceError):
        mark_read(theirs, by=UserFactory())
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_marks_only_mine_and_needs_a_post(client, me):
    NotificationFactory.create_batch(2, recipient=me)
    theirs = NotificationFactory()

    response = client.get(reverse("notifications:mark_all_read"))  # a GET goes to the page the form is on
    assert (response.status_code, response["Location"]) == (302, reverse("notifications:list"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 3

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("notifications:list")
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert 'data-unread="0"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        reverse("notifications:list"),
        reverse("notifications:open", args=[1]),
        reverse("notifications:mark_all_read"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    NotificationFactory()
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Notification.objects.get().read_at is None


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:notifications_delivery_changelist"),
        reverse("admin:notifications_notification_changelist"),
        reverse("admin:notifications_webhookchannel_changelist"),
        reverse("admin:notifications_webhookchannel_add"),
    ],
)
def test_the_admin_pages_are_refused_to_people_who_are_not_staff(client, me, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_list_makes_the_same_number_of_queries_for_many_notifications(client, me, django_assert_num_queries):
    NotificationFactory.create_batch(3, recipient=me)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    NotificationFactory.create_batch(60, recipient=me)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:list"))
    assert response.content.decode().count("data-notification=") == 20


def test_the_admin_lists_history_and_sends_a_test_message(admin_client, robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    DeliveryFactory(subject="库存预警")
    NotificationFactory(title="新案件")
    deliveries = reverse("admin:notifications_delivery_changelist")
    assert "库存预警" in admin_client.get(deliveries).content.decode()
    assert admin_client.get(deliveries, {"status": "failed", "kind": "email", "q": "库存"}).status_code == 200
    notifications = reverse("admin:notifications_notification_changelist")
    assert "新案件" in admin_client.get(notifications).content.decode()

    response = admin_client.post(
        reverse("admin:notifications_webhookchannel_changelist"),
        {"action": "send_test_message", "_selected_action": [channel.pk]},
        follow=True,
    )

    assert response.status_code == 200
    [(_path, _query, body)] = robot_server.posts
    assert body["msgtype"] == "text" and body["text"]["content"]


def test_the_admin_test_message_reports_a_robot_error(admin_client, robot_server):
    channel = WebhookChannelFactory(url=f"{robot_server.url}/robot/send?access_token=abc")
    robot_server.always = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    response = admin_client.post(
        reverse("admin:notifications_webhookchannel_changelist"),
        {"action": "send_test_message", "_selected_action": [channel.pk]},
        follow=True,
    )
    assert "keywords not in content" in response.content.decode()
