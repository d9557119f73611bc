"""Stocktakes: counted line by line while sales go on, reviewed, posted as differences that never undo a sale;
a count that cannot be finished raises the playbook's 盘点不清 in one click."""
import pytest
from django.urls import reverse

from escalation.models import Case
from inventory import selectors, services
from inventory.models import Product, StockMove, Stocktake
from shopteam.errors import ServiceError
from tests.inventory.factories import ProductFactory, stocked
from tests.threads import run_at_once

pytestmark = pytest.mark.django_db


def line_of(stocktake, product):
    return stocktake.lines.get(product=product)


def test_a_count_never_undoes_a_sale_made_between_counting_and_posting(clerk):
    tea = stocked(10, sku="SCT-1", shelf="A")
    count = services.start_stocktake(by=clerk)
    services.count_line(line_of(count, tea), counted=8, by=clerk)  # 2 missing: the ledger said 10
    services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-3, by=clerk)  # shipped while counting: 7
    services.post_stocktake(count, by=clerk)
    tea.refresh_from_db()
    assert tea.on_hand == 5  # 8 on the shelf at the count, 3 gone since
    move = StockMove.objects.get(kind=StockMove.Kind.STOCKTAKE)
    assert (move.quantity, move.by, line_of(count, tea).move) == (-2, clerk, move)
    assert "Counted 8, the ledger said 10" in move.reason
    assert selectors.stock_drift() == []


def test_a_recount_takes_the_expected_again(clerk):
    tea = stocked(10)
    count = services.start_stocktake(by=clerk)
    services.count_line(line_of(count, tea), counted=9, by=clerk)
    services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-1, by=clerk)
    line = services.count_line(line_of(count, tea), counted=9, by=clerk)
    assert (line.expected_at_count, line.difference) == (9, 0)
    services.post_stocktake(count, by=clerk)
    assert not StockMove.objects.filter(kind=StockMove.Kind.STOCKTAKE).exists()


def test_a_shelf_count_leaves_other_shelves_and_discontinued_products_out(clerk):
    a1, _a2 = stocked(1, shelf="A"), stocked(2, shelf="A")
    stocked(3, shelf="B")
    ProductFactory(shelf="A", status="discontinued")
    count = services.start_stocktake(by=clerk, scope="shelf", scope_value=" A ")
    assert count.lines.count() == 2 and str(count) == f"Stocktake #{count.pk} (A shelf A)"
    with pytest.raises(ServiceError, match="is already being counted"):
        services.start_stocktake(by=clerk)
    with pytest.raises(ServiceError, match="No product is in"):
        services.start_stocktake(by=clerk, scope="shelf", scope_value="Z")
    services.abandon_stocktake(count, by=clerk, reason="盘错货架")
    assert services.start_stocktake(by=clerk).lines.count() == 3  # the products are free again
    a1.refresh_from_db()
    assert a1.on_hand == 1


def test_posting_waits_for_every_line_and_happens_once(clerk):
    a, b = stocked(4, sku="SCT-A"), stocked(6, sku="SCT-B")
    count = services.start_stocktake(by=clerk)
    services.count_line(line_of(count, a), counted=5, by=clerk)
    with pytest.raises(ServiceError, match=r"1 product\(s\) are not counted yet \(SCT-B\)"):
        services.post_stocktake(count, by=clerk)
    services.count_line(line_of(count, b), counted=6, by=clerk)
    services.post_stocktake(count, by=clerk)
    assert dict(Product.objects.values_list("sku", "on_hand")) == {"SCT-A": 5, "SCT-B": 6}
    with pytest.raises(ServiceError, match="is Posted"):
        services.post_stocktake(count, by=clerk)
    with pytest.raises(ServiceError, match="cannot change any more"):
        services.count_line(line_of(count, a), counted=1, by=clerk)


def test_a_difference_that_would_go_below_zero_is_refused_at_posting(clerk):
    tea = stocked(5, sku="SCT-A", name="菊花茶")
    count = services.start_stocktake(by=clerk)
    services.count_line(line_of(count, tea), counted=1, by=clerk)  # −4
    services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-3, by=clerk)  # 2 left in the ledger
    with pytest.raises(ServiceError, match="short by 2"):
        services.post_stocktake(count, by=clerk)
    assert Stocktake.objects.get().status == "counting"


def test_counts_must_be_whole_numbers(clerk):
    tea = stocked(5)
    count = services.start_stocktake(by=clerk)
    for value, message in [("abc", "whole items"), ("-1", "cannot be right"), ("2.5", "whole items")]:
        with pytest.raises(ServiceError, match=message):
            services.count_line(line_of(count, tea), counted=value, by=clerk)


def test_we_cannot_finish_this_count_raises_the_playbooks_case_once(team, clerk):
    tea = stocked(5)
    count = services.start_stocktake(by=clerk)
    services.count_line(line_of(count, tea), counted=5, by=clerk)
    stocked(1)  # not in the count
    case = services.raise_stocktake_unclear(count, by=clerk, description="双十一前进出货太多，两个人点不完")
    assert (case.difficulty.code, case.reporter, case.subject) == ("stocktake-incomplete", clerk, count)
    assert case.current_post.title == "客服组组长"
    assert "1 of 1 products counted" in case.description and "点不完" in case.description
    assert services.raise_stocktake_unclear(count, by=clerk) == case
    with pytest.raises(ServiceError, match="only someone holding a post in the product group"):
        services.raise_stocktake_unclear(count, by=team["manager"])
    assert Case.objects.count() == 1


def test_customer_service_helps_count_but_only_the_product_group_starts_and_posts(team, clerk):
    tea = stocked(5)
    with pytest.raises(ServiceError, match="Only the product group"):
        services.start_stocktake(by=team["kefu_lead"])
    count = services.start_stocktake(by=clerk)
    services.count_line(line_of(count, tea), counted=4, by=team["kefu_a"])
    with pytest.raises(ServiceError, match="count stock"):
        services.count_line(line_of(count, tea), counted=4, by=team["visual_lead"])
    with pytest.raises(ServiceError, match="Only the product group"):
        services.post_stocktake(count, by=team["kefu_lead"])
    services.post_stocktake(count, by=team["manager"])
    tea.refresh_from_db()
    assert tea.on_hand == 4


# -- pages ---------------------------------------------------------------------------------------------------

def test_counting_on_the_phone_page_with_htmx_then_review_and_post(client, clerk):
    tea = stocked(10, sku="SCT-1", name="菊花茶", shelf="A-1")
    client.force_login(clerk)
    response = client.post(reverse("inventory:stocktake_list"), {"scope": "all"})
    count = Stocktake.objects.get()
    assert response["Location"] == count.get_absolute_url()
    page = client.get(count.get_absolute_url()).content.decode()
    assert 'data-sku="SCT-1"' in page and "hx-post" in page
    line = line_of(count, tea)
    fragment = client.post(reverse("inventory:count_line", args=[line.pk]), {"counted": "7"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"list-group-item-success" in fragment.content
    assert b'hx-swap-oob="true"' in fragment.content and b'data-counted="1"' in fragment.content
    review = client.get(reverse("inventory:stocktake_review", args=[count.pk])).content.decode()
    assert "-3" in review
    client.post(reverse("inventory:stocktake_action", args=[count.pk, "post"]))
    tea.refresh_from_db()
    assert tea.on_hand == 7 and Stocktake.objects.get().status == "posted"


def test_a_refused_count_is_shown_in_its_line(client, clerk):
    tea = stocked(10)
    count = services.start_stocktake(by=clerk)
    client.force_login(clerk)
    fragment = client.post(reverse("inventory:count_line", args=[line_of(count, tea).pk]), {"counted": "-4"},
                           HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert b'role="alert"' in fragment.content and b"cannot be right" in fragment.content


def test_the_unclear_button_raises_the_case_and_shows_it(client, clerk):
    stocked(10)
    count = services.start_stocktake(by=clerk)
    client.force_login(clerk)
    response = client.post(reverse("inventory:stocktake_action", args=[count.pk, "unclear"]), {"description": "太多"})
    case = Case.objects.get()
    assert response["Location"] == case.get_absolute_url()
    assert f'data-case="{case.pk}"' in client.get(count.get_absolute_url()).content.decode()


@pytest.mark.parametrize("username", ["visual_lead", "finance_lead", "marketing_lead", "photo_a"])
def test_other_groups_read_counts_but_neither_count_start_nor_post(client, team, username):
    tea = stocked(10)
    count = services.start_stocktake(by=team["product_lead"])
    client.force_login(team[username])
    assert client.get(count.get_absolute_url()).status_code == 200
    assert client.get(reverse("inventory:stocktake_review", args=[count.pk])).status_code == 200
    assert client.get(reverse("inventory:stocktake_list")).status_code == 200
    assert client.post(reverse("inventory:stocktake_list"), {"scope": "all"}).status_code == 403
    count_url = reverse("inventory:count_line", args=[line_of(count, tea).pk])
    assert client.post(count_url, {"counted": 1}).status_code == 403
    for action in ["post", "abandon", "unclear"]:
        assert client.post(reverse("inventory:stocktake_action", args=[count.pk, action]),
                           {"reason": "x"}).status_code == 403
    assert line_of(count, tea).counted is None and Stocktake.objects.get().status == "counting"


def test_customer_service_counts_on_the_page(client, team):
    tea = stocked(10)
    count = services.start_stocktake(by=team["product_lead"])
    client.force_login(team["kefu_a"])
    client.post(reverse("inventory:count_line", args=[line_of(count, tea).pk]), {"counted": 9})
    assert line_of(count, tea).counted == 9
    assert client.post(reverse("inventory:stocktake_action", args=[count.pk, "post"])).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_a_count_and_sales_at_the_same_moment_agree_with_the_ledger(team):
    clerk = team["product_lead"]
    tea = stocked(30)
    count = services.start_stocktake(by=clerk)
    line = line_of(count, tea)
    sales = [lambda: services.record_move(Product.objects.get(pk=tea.pk), kind="sale", quantity=-1, by=clerk)] * 5
    outcomes = run_at_once(lambda: services.count_line(line, counted=20, by=clerk), *sales)
    assert not [o for o in outcomes if isinstance(o, Exception)]
    line.refresh_from_db()
    sold_before_count = StockMove.objects.filter(kind="sale", recorded_at__lte=line.counted_at).count()
    assert line.expected_at_count == 30 - sold_before_count
    services.post_stocktake(count, by=clerk)
    tea.refresh_from_db()
    assert tea.on_hand == 20 - (5 - sold_before_count)
    assert selectors.stock_drift() == []
