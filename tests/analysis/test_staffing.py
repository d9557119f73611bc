"""Document 004's staffing advice: people to add at the last 30 days' paid orders a day, against who holds the
posts today."""
import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command

from analysis import selectors
from analysis.models import StaffingRole, StaffingThreshold
from inventory.models import TaobaoOrder
from tests.inventory.factories import TaobaoOrderFactory

from .conftest import at

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 3, 31)


def paid_orders_a_day(count, *, first=datetime.date(2026, 3, 1), days=30):
    orders = []
    for n in range(days):
        day = first + datetime.timedelta(days=n)
        orders += TaobaoOrderFactory.build_batch(count, placed_at=at(f"{day} 10:00"))
    TaobaoOrder.objects.bulk_create(orders)


def advice(on=ON):
    return {row["role"]: (row["extra"], row["held"]) for row in selectors.staffing_advice(on)["advice"]}


def test_below_fifty_orders_a_day_nobody_is_added_and_the_posts_are_counted_per_post(staffing):
    paid_orders_a_day(2)

    # 客服组组长 + 客服A; 郑营销 holds both 营销策划组组长 and 数据分析组组长 and counts for each.
    assert advice() == {"customer_service": (0, 2), "promotion": (0, 1), "analysis": (0, 1), "packing": (0, 1)}


def test_fifty_orders_a_day_add_customer_service_promotion_and_packing(staffing):
    paid_orders_a_day(50)

    assert selectors.staffing_advice(ON)["orders_per_day"] == 50
    assert advice() == {"customer_service": (1, 2), "promotion": (1, 1), "analysis": (0, 1), "packing": (1, 1)}


def test_150_a_day_add_a_second_and_250_the_analyst(staffing):
    paid_orders_a_day(150)
    assert advice() == {"customer_service": (2, 2), "promotion": (1, 1), "analysis": (0, 1), "packing": (2, 1)}

    paid_orders_a_day(100)
    assert advice() == {"customer_service": (2, 2), "promotion": (1, 1), "analysis": (1, 1), "packing": (2, 1)}


def test_the_day_itself_and_days_before_the_thirty_are_not_counted(staffing):
    paid_orders_a_day(50, first=datetime.date(2026, 3, 1), days=30)
    paid_orders_a_day(500, first=datetime.date(2026, 3, 31), days=1)
    paid_orders_a_day(500, first=datetime.date(2026, 2, 28), days=1)

    report = selectors.staffing_advice(ON)
    assert report["orders_per_day"] == 50 and len(report["trend"]) == 30
    assert report["trend"][0] == (datetime.date(2026, 3, 1), 50)


def test_thresholds_and_posts_are_edited_as_data(staffing):
    paid_orders_a_day(2)
    StaffingThreshold.objects.filter(role__code="promotion").update(orders_per_day=2)
    StaffingRole.objects.get(code="packing").posts.add(staffing.posts["客服A"])

    assert advice()["promotion"] == (1, 1)
    assert advice()["packing"] == (0, 2)
    assert StaffingRole.history.filter(code="packing").count() >= 2  # the change of posts is in its history


def test_seeding_again_keeps_an_admins_edit(staffing):
    from analysis.services import seed_staffing

    role = StaffingRole.objects.get(code="analysis")
    role.posts.clear()
    assert seed_staffing() == {"roles": 0, "thresholds": 0, "posts": 0}
    assert not role.posts.exists()


def test_the_command_prints_the_advice_as_json(staffing):
    paid_orders_a_day(50)
    out = StringIO()
    call_command("staffing_advice", "--on", "2026-03-31", "--json", stdout=out)

    found = json.loads(out.getvalue())
    assert found["orders_per_day"] == 50
    assert {"role": "customer_service", "extra": 1, "held": 2} in found["advice"]
    assert {row["role"] for row in found["advice"]} == {"customer_service", "promotion", "analysis", "packing"}
