"""The stock ledger: every change is a move with who, when and why; stock is the ledger's sum; a move that
would take a product below zero is refused naming every short product; mistakes are reversed, never deleted."""
import datetime
import re
from decimal import Decimal

import pytest

from inventory import selectors, services
from inventory.models import DriftCheck, Product, StockMove
from shopteam.errors import ServiceError
from shopteam.notifications.models import Notification
from tests.factories import UserFactory
from tests.inventory.factories import ProductFactory, stocked

pytestmark = pytest.mark.django_db

RECEIPT, SALE, RETURN, ADJUSTMENT = (StockMove.Kind.RECEIPT, StockMove.Kind.SALE, StockMove.Kind.RETURN,
                                     StockMove.Kind.ADJUSTMENT)


def test_a_receipt_adds_to_stock_and_keeps_who_when_why(clerk):
    product = ProductFactory()
    move = services.record_move(product, kind=RECEIPT, quantity=30, by=clerk, reason="食草堂到货",
                                reference="入库单 2026-11-23")
    product.refresh_from_db()
    assert product.on_hand == 30
    assert (move.by, move.reason, move.reference) == (clerk, "食草堂到货", "入库单 2026-11-23")
    assert move.moved_at and move.recorded_at


def test_a_sale_that_would_go_below_zero_is_refused_and_says_by_how_much(clerk):
    product = stocked(3, sku="SCT-A", name="菊花茶")
    with pytest.raises(ServiceError) as refused:
        services.record_move(product, kind=SALE, quantity=-5, by=clerk)
    assert refused.value.messages == ["SCT-A 菊花茶: 3 in stock, 5 to take out: short by 2."]
    product.refresh_from_db()
    assert product.on_hand == 3
    assert product.moves.count() == 1


def test_a_refusal_names_every_short_product_and_writes_nothing(clerk):
    a = stocked(1, sku="SCT-A", name="菊花茶")
    b = stocked(10, sku="SCT-B", name="玫瑰花茶")
    c = stocked(0, sku="SCT-C", name="枸杞")
    moves = [StockMove(product=p, kind=SALE, quantity=-q) for p, q in ((a, 2), (b, 4), (c, 1), (a, 1))]
    with pytest.raises(ServiceError) as refused:
        services.record_moves(moves, by=clerk)
    assert refused.value.messages == [
        "SCT-A 菊花茶: 1 in stock, 3 to take out: short by 2.",
        "SCT-C 枸杞: 0 in stock, 1 to take out: short by 1.",
    ]
    assert [p.on_hand for p in Product.objects.order_by("sku")] == [1, 10, 0]
    assert StockMove.objects.count() == 2  # the two receipts


def test_an_admin_can_let_a_product_go_below_zero(clerk, team):
    admin = UserFactory(is_superuser=True)
    product = stocked(1)
    with pytest.raises(ServiceError, match="Only an admin"):
        services.update_product(product, by=clerk, allow_negative=True)
    services.update_product(product, by=admin, allow_negative=True)
    services.record_move(product, kind=SALE, quantity=-3, by=clerk)
    product.refresh_from_db()
    assert product.on_hand == -2
    with pytest.raises(ServiceError, match="bring it back to zero"):
        services.update_product(product, by=admin, allow_negative=False)


def test_signs_and_reasons_are_checked(clerk):
    product = stocked(5)
    for kind, quantity, message in [
        (RECEIPT, -1, "a Receipt cannot be -1"),
        (SALE, 2, "a Sale cannot be +2"),
        (RETURN, -1, "a Return cannot be -1"),
        (ADJUSTMENT, -1, "say why"),
        (RECEIPT, 0, "other than zero"),
    ]:
        with pytest.raises(ServiceError, match=re.escape(message)):
            services.record_move(product, kind=kind, quantity=quantity, by=clerk)
    product.refresh_from_db()
    assert product.on_hand == 5


def test_a_reversal_writes_the_opposite_move_once_and_keeps_both(clerk):
    product = stocked(10)
    sale = services.record_move(product, kind=SALE, quantity=-4, by=clerk, reference="订单 1")
    assert sale.amount == Decimal("156.00")  # 4 × the price, as sold
    reversal = services.reverse_move(sale, by=clerk, reason="录错了，实际没有发货")
    product.refresh_from_db()
    assert product.on_hand == 10
    assert (reversal.kind, reversal.quantity, reversal.reverses, reversal.amount) == ("reversal", 4, sale,
                                                                                     Decimal("-156.00"))
    with pytest.raises(ServiceError, match="already reversed"):
        services.reverse_move(sale, by=clerk, reason="再来一次")
    with pytest.raises(ServiceError, match="cannot be reversed"):
        services.reverse_move(reversal, by=clerk, reason="撤销撤销")
    with pytest.raises(ServiceError, match="Say why"):
        services.reverse_move(services.record_move(product, kind=RECEIPT, quantity=1, by=clerk), by=clerk, reason=" ")
    assert StockMove.objects.filter(product=product).count() == 4


def test_reversing_a_receipt_whose_goods_are_sold_is_refused(clerk):
    product = ProductFactory(sku="SCT-R", name="陈皮")
    receipt = services.record_move(product, kind=RECEIPT, quantity=5, by=clerk)
    services.record_move(product, kind=SALE, quantity=-4, by=clerk)
    with pytest.raises(ServiceError, match="short by 4"):
        services.reverse_move(receipt, by=clerk, reason="供应商发错货")


def test_only_the_product_group_the_shop_manager_and_admins_change_stock(team):
    product = stocked(5)
    for username in ["kefu_a", "kefu_lead", "finance_lead", "visual_lead", "marketing_lead"]:
        with pytest.raises(ServiceError, match="Only the product group"):
            services.record_move(product, kind=RECEIPT, quantity=1, by=team[username])
    for user in [team["product_lead"], team["manager"], UserFactory(is_superuser=True)]:
        services.record_move(product, kind=RECEIPT, quantity=1, by=user)
    product.refresh_from_db()
    assert product.on_hand == 8


def test_moves_are_never_deleted_or_changed_in_the_admin(admin_client, clerk):
    from django.contrib import admin

    product = stocked(2)
    move = product.moves.get()
    model_admin = admin.site._registry[StockMove]
    request = type("R", (), {"user": UserFactory(is_superuser=True)})()
    assert not model_admin.has_delete_permission(request, move)
    assert not model_admin.has_change_permission(request, move)
    assert not model_admin.has_add_permission(request)
    assert {p.codename for p in __import__("django.contrib.auth.models", fromlist=["Permission"]).Permission
            .objects.filter(content_type__model="stockmove")} == {"add_stockmove", "view_stockmove"}
    assert admin_client.post(f"/admin/inventory/stockmove/{move.pk}/delete/", {"post": "yes"}).status_code == 403
    assert StockMove.objects.filter(pk=move.pk).exists()


def test_a_new_product_with_opening_stock_is_one_adjustment(clerk):
    product = services.create_product(by=clerk, sku=" SCT-9 ", name="  金银花  茶 ", cost="8.5", price="29",
                                      reorder_point=3, reorder_quantity=12, status="listed", opening_stock=7)
    assert (product.sku, product.name, product.supplier.name, product.on_hand) == ("SCT-9", "金银花 茶", "食草堂", 7)
    assert product.moves.get().kind == ADJUSTMENT
    with pytest.raises(ServiceError) as refused:
        services.create_product(by=clerk, sku="SCT-9", name="", cost="-1", price="abc", status="listed")
    assert refused.value.messages == [
        "Cost cannot be -1.00.",
        "Price must be an amount, not “abc”.",
        "Another product already has the SKU SCT-9.",
        "Give the product a name.",
    ]


def test_the_drift_check_finds_nothing_after_moves_and_reports_a_tampered_stock(clerk, team):
    a = stocked(10, sku="SCT-A")
    services.record_move(a, kind=SALE, quantity=-3, by=clerk)
    b = stocked(4, sku="SCT-B")
    assert selectors.stock_drift() == []
    Product.objects.filter(pk=b.pk).update(on_hand=5)  # what a bug or a hand edit in SQL would do
    check = services.check_drift(now=datetime.datetime(2026, 11, 24, 2, 0, tzinfo=selectors.SHANGHAI))
    assert check.drift == [{"product_id": b.pk, "sku": "SCT-B", "on_hand": 5, "ledger": 4}]
    assert check.products_checked == 2
    told = Notification.objects.filter(event="stock.drift")
    assert {n.recipient.username for n in told} == {"product_lead"}
    assert "SCT-B: 5 ≠ 4" in told.get().body
    again = services.check_drift(now=datetime.datetime(2026, 11, 24, 3, 0, tzinfo=selectors.SHANGHAI))
    assert again == check and DriftCheck.objects.count() == 1 and told.count() == 1
