"""Returns and exchanges: checked by after-sales and handed to finance with the amount; finance reads them."""
from decimal import Decimal

import pytest

from aftersales import selectors, services
from aftersales.models import ReturnRequest
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.inventory.factories import TaobaoOrderFactory

pytestmark = pytest.mark.django_db


def test_a_checked_return_goes_to_finance_with_its_amount(team):
    agent = team["kefu_a"]
    made = services.record_return(by=agent, order_id=TaobaoOrderFactory().order_id, kind="return", reason="不喜欢")
    assert list(selectors.returns_for_finance()) == []
    checked = services.check_return(made, by=agent, accept=True, amount=Decimal("39.00"), note="包装完好")
    assert checked.status == ReturnRequest.Status.TO_FINANCE and checked.handed_at and checked.checked_by == agent
    assert list(selectors.returns_for_finance()) == [checked]
    assert Notification.objects.filter(recipient=team["finance_lead"], event="aftersales.return_to_finance").exists()
    with pytest.raises(ServiceError, match="handed to finance"):
        services.check_return(checked, by=agent, accept=False, note="again")


def test_an_amount_over_what_was_paid_is_refused_and_nothing_changes(team):
    made = services.record_return(by=team["kefu_a"], order_id=TaobaoOrderFactory().order_id, kind="exchange",
                                  reason="尺码不对")
    with pytest.raises(ServiceError, match="more than"):
        services.check_return(made, by=team["kefu_a"], accept=True, amount=Decimal("500.00"), note="ok")
    with pytest.raises(ServiceError, match="amount"):
        services.check_return(made, by=team["kefu_a"], accept=True, amount=None, note="ok")
    made.refresh_from_db()
    assert made.status == ReturnRequest.Status.CHECKING and made.amount is None


def test_a_refused_return_never_reaches_finance(team):
    made = services.record_return(by=team["kefu_a"], order_id=TaobaoOrderFactory().order_id, kind="return",
                                  reason="已使用")
    services.check_return(made, by=team["kefu_a"], accept=False, note="商品已拆封使用")
    assert list(selectors.returns_for_finance()) == []
