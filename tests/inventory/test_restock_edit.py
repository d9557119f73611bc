"""A draft's quantities can be edited before it is sent (inventory.alerts.edit_restock_quantities, asked of
inventory.rules like every restock action): each change in the request's history with who and old → new; a bad
number refused with what is wrong and nothing changed; a sent request is no longer edited, on the page or by the
service."""
import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from inventory import alerts, rules, selectors
from inventory.models import InventorySettings, Product, RestockRequest
from shopteam.errors import ServiceError
from shopteam.people import display_name
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=selectors.SHANGHAI)


@pytest.fixture
def draft(clerk):
    """食草堂's draft asks for 20 菊花茶 (1 in stock) and 20 玫瑰花茶 (2 in stock)."""
    stocked(1, sku="SCT-1", name="菊花茶", reorder_point=5, reorder_quantity=20)
    stocked(2, sku="SCT-2", name="玫瑰花茶", reorder_point=5, reorder_quantity=20)
    alerts.scan_low_stock(now=NOW)
    return RestockRequest.objects.get(status="draft")


def asked(request):
    return dict(request.lines.values_list("product__sku", "quantity"))


def products():
    return (Product.objects.get(sku=sku) for sku in ("SCT-1", "SCT-2"))


def test_a_drafts_quantities_are_edited_and_each_change_is_in_its_history(clerk, draft):
    tea, rose = products()
    changed = alerts.edit_restock_quantities(draft, quantities={tea.pk: "35", rose.pk: 20}, by=clerk)
    assert [line.product for line in changed] == [tea]  # 玫瑰花茶 did not change
    assert asked(draft) == {"SCT-1": 35, "SCT-2": 20}
    last = draft.history.first()
    assert (last.history_user, last.history_change_reason) == (clerk, "SCT-1：数量 20 → 35")
    assert last.history_date is not None
    assert selectors.product_list().get(sku="SCT-1").open_restock == 35
    alerts.edit_restock_quantities(draft, quantities={tea.pk: 30, rose.pk: 25}, by=clerk)
    reasons = [h.history_change_reason for h in draft.history.order_by("history_date", "history_id")]
    assert reasons[-3:] == ["SCT-1：数量 20 → 35", "SCT-1：数量 35 → 30", "SCT-2：数量 20 → 25"]


@pytest.mark.parametrize(("value", "words"), [
    (0, "at least 1, not 0"),
    ("-3", "at least 1, not -3"),
    ("2.5", "whole number of units, not “2.5”"),
    ("十", "whole number of units, not “十”"),
    ("", "enter the quantity"),
    ("100001", "more than the limit of 100,000"),
])
def test_a_bad_quantity_is_refused_with_what_is_wrong_and_nothing_changes(clerk, draft, value, words):
    tea, rose = products()
    before = draft.history.count()
    with translation.override("en"), pytest.raises(ServiceError) as refused:
        alerts.edit_restock_quantities(draft, quantities={tea.pk: 30, rose.pk: value}, by=clerk)
    assert ["SCT-2: " in m and words in m for m in refused.value.messages] == [True]
    assert asked(draft) == {"SCT-1": 20, "SCT-2": 20} and draft.history.count() == before


def test_the_limit_is_the_shops_move_limit(clerk, draft):
    InventorySettings.objects.create(pk=1, move_limit=50)
    tea, _rose = products()
    with translation.override("en"), pytest.raises(ServiceError, match="limit of 50"):
        alerts.edit_restock_quantities(draft, quantities={tea.pk: 51}, by=clerk)
    alerts.edit_restock_quantities(draft, quantities={tea.pk: 50}, by=clerk)
    assert asked(draft)["SCT-1"] == 50


def test_a_sent_request_and_a_person_without_the_right_are_refused(clerk, team, draft):
    tea, _rose = products()
    with translation.override("en"), pytest.raises(ServiceError, match="product group"):
        alerts.edit_restock_quantities(draft, quantities={tea.pk: 30}, by=team["kefu_a"])
    with translation.override("en"), pytest.raises(ServiceError, match="not on this request"):
        alerts.edit_restock_quantities(draft, quantities={stocked(9).pk: 30}, by=clerk)
    alerts.change_restock(draft, action="send", by=clerk)
    draft.refresh_from_db()
    assert "edit" not in rules.restock_actions(draft, clerk)
    with translation.override("en"), pytest.raises(ServiceError, match="only while it is a draft"):
        alerts.edit_restock_quantities(draft, quantities={tea.pk: 30}, by=clerk)
    assert asked(draft) == {"SCT-1": 20, "SCT-2": 20}


# -- the page ----------------------------------------------------------------------------------------------------

def edit(client, request, **values):
    return client.post(reverse("inventory:restock_edit", args=[request.pk]),
                       {f"quantity-{Product.objects.get(sku=sku).pk}": value for sku, value in values.items()},
                       follow=True)


def test_the_draft_page_edits_its_quantities(client, clerk, draft):
    tea, rose = products()
    client.force_login(clerk)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f'name="quantity-{tea.pk}"' in page and reverse("inventory:restock_edit", args=[draft.pk]) in page
    response = edit(client, draft, **{"SCT-1": "12", "SCT-2": "20"})
    assert response.status_code == 200 and "数量已保存" in response.content.decode()
    assert asked(draft) == {"SCT-1": 12, "SCT-2": 20}
    history = response.content.decode().split("data-restock-history")[1]
    assert "(SCT-1：数量 20 → 12)" in history and display_name(clerk) in history  # who, and old → new
    response = edit(client, draft, **{"SCT-1": "0", "SCT-2": "abc"})
    page = response.content.decode()
    assert response.status_code == 200 and "SCT-1：数量至少为 1，不能是 0" in page and "“abc”" in page
    assert 'value="abc"' in page  # what was typed stays in the form
    assert page.count("is-invalid") == 2  # both lines are marked
    assert asked(draft) == {"SCT-1": 12, "SCT-2": 20}


def test_without_the_right_the_form_is_not_shown_and_a_post_changes_nothing(client, team, draft):
    client.force_login(team["kefu_a"])  # customer service reads the request
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="quantity-' not in page and reverse("inventory:restock_edit", args=[draft.pk]) not in page
    assert edit(client, draft, **{"SCT-1": "99"}).status_code == 403
    assert asked(draft) == {"SCT-1": 20, "SCT-2": 20}
    client.force_login(team["product_lead"])
    assert client.post(reverse("inventory:restock_edit", args=[999999]), {}).status_code == 404


def test_a_sent_requests_form_is_not_shown_and_a_post_is_refused(client, clerk, draft):
    alerts.change_restock(draft, action="send", by=clerk)
    client.force_login(clerk)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="quantity-' not in page and reverse("inventory:restock_edit", args=[draft.pk]) not in page
    response = edit(client, draft, **{"SCT-1": "99", "SCT-2": "20"})
    assert "只有草稿才能修改数量" in response.content.decode()
    assert asked(draft) == {"SCT-1": 20, "SCT-2": 20}
