"""After-sales records for tests, made through the desk's services like the shop makes them, on imported orders
(tests.inventory.factories)."""
import datetime
import zoneinfo

from django.utils import timezone

from aftersales import services
from tests.inventory.factories import TaobaoOrderFactory, order_status

DAYS = datetime.timedelta(days=1)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def received_order(days_ago, **fields):
    """A finished order whose receipt the buyer confirmed `days_ago` days ago."""
    received = timezone.now() - days_ago * DAYS
    return TaobaoOrderFactory(**order_status("交易成功"), placed_at=received - 5 * DAYS,
                              shipped_at=received - 3 * DAYS, received_at=received, **fields)


def unpaid_order(**fields):
    """An order placed today, still waiting for the buyer to pay."""
    now = timezone.localtime()
    placed = fields.pop("placed_at", now.replace(hour=0, minute=5) if now.hour == 0 else now - datetime.timedelta(
        minutes=30))
    return TaobaoOrderFactory(**order_status("等待买家付款"), placed_at=placed, paid_at=None, paid_amount=None,
                              **fields)


def complaint(by, *, order=None, wants="要求补发一盒"):
    return services.record_complaint(by=by, order_id=(order or TaobaoOrderFactory()).order_id, wants=wants)


def review(by, *, order=None, text="包装破损，差评", left_on=None):
    order = order or received_order(2)
    return services.record_review(by=by, order_id=order.order_id, rating="negative",
                                  left_on=left_on or timezone.localdate(), text_=text)
