"""factory_boy factories for notifications, group robots and deliveries."""
import factory

from shopteam.notifications.models import Delivery, Notification, WebhookChannel
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"通知{n}")
    body = "请处理。"
    url = "/org/"
    event = "case.assigned"


class WebhookChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookChannel

    name = factory.Sequence(lambda n: f"客服群{n}")
    kind = WebhookChannel.Kind.DINGTALK
    url = "http://127.0.0.1:9/robot/send?access_token=test"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    kind = Delivery.Kind.EMAIL
    recipient = factory.SubFactory(UserFactory)
    address = factory.LazyAttribute(lambda d: d.recipient.email if d.recipient else "")
    subject = "库存预警"
    text = "SKU-1 低于补货点"
