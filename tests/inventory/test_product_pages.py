"""Stock pages: everyone signed in reads stock; only the product group, the shop manager and the admins add,
edit, move or import; the list makes the same queries at any size; the Excel download has Chinese headers."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from inventory import services
from inventory.models import Product, StockMove
from shopteam.errors import ServiceError
from tests.factories import UserFactory
from tests.inventory.factories import ProductFactory, stocked

pytestmark = pytest.mark.django_db

READERS = ["kefu_a", "kefu_lead", "finance_lead", "visual_lead", "photo_a", "marketing_lead"]
KEEPERS = ["product_lead", "manager"]


def signed_in(client, user):
    client.force_login(user)
    return client


def change_requests(product, move):
    """Every page and action that changes stock, as (method, url, data)."""
    return [
        ("get", reverse("inventory:product_create"), None),
        ("post", reverse("inventory:product_create"), {"sku": "NEW-1", "name": "新品", "cost": "1", "price": "2",
                                                       "reorder_point": 0, "reorder_quantity": 0,
                                                       "status": "listed"}),
        ("get", reverse("inventory:product_edit", args=[product.pk]), None),
        ("post", reverse("inventory:product_edit", args=[product.pk]), {"sku": product.sku, "name": "改名"}),
        ("post", reverse("inventory:move_create", args=[product.pk]), {"kind": "receipt", "quantity": 1}),
        ("post", reverse("inventory:move_reverse", args=[move.pk]), {"reason": "错"}),
        ("get", reverse("inventory:product_import"), None),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    product = stocked(1)
    for url in [reverse("inventory:product_list"), product.get_absolute_url(),
                *[url for _m, url, _d in change_requests(product, product.moves.get())]]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("username", READERS)
def test_everyone_reads_stock_but_only_the_product_group_changes_it(client, team, username):
    product = stocked(4)
    move = product.moves.get()
    signed_in(client, team[username])
    assert client.get(reverse("inventory:product_list")).status_code == 200
    page = client.get(product.get_absolute_url())
    assert page.status_code == 200 and b"Record a move" not in page.content and b'name="reason"' not in page.content
    for method, url, data in change_requests(product, move):
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    product.refresh_from_db()
    assert (product.on_hand, product.name, Product.objects.count(), StockMove.objects.count()) == (4, product.name,
                                                                                                 1, 1)


@pytest.mark.parametrize("username", [*KEEPERS, "admin"])
def test_the_product_group_the_shop_manager_and_admins_change_stock(client, team, username):
    user = team.get(username) or UserFactory(username="admin", is_superuser=True, is_staff=True)
    product = stocked(4, sku="SCT-1")
    signed_in(client, user)
    for _method, url, _data in change_requests(product, product.moves.get()):
        if _method == "get":
            assert client.get(url).status_code == 200, url
    response = client.post(reverse("inventory:move_create", args=[product.pk]),
                           {"kind": "sale", "quantity": 3, "reference": "订单 88", "reason": "线下卖出"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.on_hand == 1
    sale = product.moves.get(kind="sale")
    assert (sale.quantity, sale.by, sale.reference) == (-3, user, "订单 88")
    client.post(reverse("inventory:move_reverse", args=[sale.pk]), {"reason": "客户取消"})
    product.refresh_from_db()
    assert product.on_hand == 4


def test_a_refused_move_shows_the_shortage_and_changes_nothing(client, clerk):
    product = stocked(2, sku="SCT-S", name="菊花茶")
    signed_in(client, clerk)
    response = client.post(reverse("inventory:move_create", args=[product.pk]), {"kind": "sale", "quantity": 5},
                           follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "SCT-S 菊花茶: 2 in stock, 5 to take out: short by 3." in response.content.decode()
    product.refresh_from_db()
    assert product.on_hand == 2


def test_adding_a_product_on_its_page_with_opening_stock(client, clerk):
    signed_in(client, clerk)
    response = client.post(reverse("inventory:product_create"), {
        "sku": "SCT-NEW", "name": "桂花乌龙", "cost": "15.00", "price": "49.00", "reorder_point": 4,
        "reorder_quantity": 24, "status": "listed", "opening_stock": 12, "shelf": "A-3"})
    product = Product.objects.get(sku="SCT-NEW")
    assert response["Location"] == product.get_absolute_url()
    assert (product.on_hand, product.supplier.name, product.shelf, product.created_by) == (12, "食草堂", "A-3", clerk)
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Opening stock" in page or "期初库存" in page


def test_the_list_filters_and_searches(client, clerk):
    stocked(2, sku="SCT-LOW", name="菊花茶", reorder_point=5)
    stocked(50, sku="SCT-OK", name="玫瑰花茶", reorder_point=5)
    ProductFactory(sku="OLD-1", name="旧款", status="discontinued")
    signed_in(client, clerk)

    def skus(**query):
        page = client.get(reverse("inventory:product_list"), query)
        return [p.sku for p in page.context["page"].object_list]

    assert skus() == ["OLD-1", "SCT-LOW", "SCT-OK"]
    assert skus(low="1") == ["OLD-1", "SCT-LOW"]
    assert skus(q="玫瑰") == ["SCT-OK"]
    assert skus(q="sct-l") == ["SCT-LOW"]
    assert skus(status="discontinued") == ["OLD-1"]


def test_the_excel_download_has_chinese_headers_and_every_filtered_product(client, team):
    stocked(2, sku="SCT-LOW", name="菊花茶", reorder_point=5)
    stocked(50, sku="SCT-OK", name="玫瑰花茶", reorder_point=5)
    signed_in(client, team["kefu_a"])  # customer service reads stock too
    response = client.get(reverse("inventory:product_list"), {"low": "1", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("商家编码", "商品名称", "库存", "补货点", "补货量")
    assert [r[:4] for r in rows[1:]] == [("SCT-LOW", "菊花茶", 2, 5)]


def test_export_stock_writes_the_same_file(tmp_path, clerk):
    stocked(7, sku="SCT-1", name="菊花茶")
    call_command("export_stock", str(tmp_path / "stock.xlsx"), stdout=io.StringIO())
    rows = list(load_workbook(tmp_path / "stock.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:4] == ("商家编码", "商品名称", "库存", "补货点") and rows[1][:3] == ("SCT-1", "菊花茶", 7)


@pytest.mark.parametrize("user", ["product_lead", "kefu_a"])
def test_the_product_list_makes_the_same_queries_for_5_and_60_products(client, team, user,
                                                                      django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, team[user])
    counts = []
    for size in (5, 60):
        for n in range(size - Product.objects.count()):
            stocked(n % 7, reorder_point=3)
        client.get(reverse("inventory:product_list"))  # warm any per-process cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("inventory:product_list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("typed", ["1e5", "NaN", "Infinity", "1_000", "+5", "0x10", "12.345"])
def test_a_products_cost_and_price_take_only_digits_on_the_page_and_in_the_service(client, clerk, typed):
    with translation.override("en"), pytest.raises(ServiceError, match="Cost"):
        services.create_product(by=clerk, sku="SCT-M", name="菊花茶", cost=typed, price="1", status="listed")
    signed_in(client, clerk)
    response = client.post(reverse("inventory:product_create"), {
        "sku": "SCT-M", "name": "菊花茶", "cost": "1", "price": typed, "reorder_point": 0, "reorder_quantity": 0,
        "status": "listed", "opening_stock": 0})
    assert response.status_code == 200 and not Product.objects.filter(sku="SCT-M").exists()
    assert response.context["form"].non_field_errors()


def test_a_products_price_in_full_width_digits_and_commas_is_read(clerk):
    product = services.create_product(by=clerk, sku="SCT-W", name="菊花茶", cost="８.５", price="1,299.00",
                                      status="listed")
    assert (product.cost, product.price) == (Decimal("8.50"), Decimal("1299.00"))


def test_the_admin_refuses_an_exponent_in_a_products_price(admin_client, team):
    response = admin_client.post(reverse("admin:inventory_product_add"), {
        "sku": "SCT-A", "name": "菊花茶", "cost": "1", "price": "1e5", "reorder_point": 0, "reorder_quantity": 0,
        "status": "listed"})
    assert response.status_code == 200 and not Product.objects.filter(sku="SCT-A").exists()
