"""The stock admin: every page opens in the shop's language; products go through the services; the ledger and
the imports are read-only."""

import pytest
from django.urls import reverse

from inventory import alerts, importing, services
from inventory.models import Product, StockMove
from tasks.models import Task
from tests import exports
from tests.factories import UserFactory
from tests.inventory.factories import stocked
from tests.shopteam.test_edges import admin_pages, english_labels_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(team):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_every_stock_admin_page_opens_without_english_labels(client, admin_user, clerk, tmp_path):
    tea = stocked(3, sku="SCT-1", reorder_point=5)
    services.record_move(tea, kind="sale", quantity=-1, by=clerk)
    alerts.scan_low_stock()
    services.check_drift()
    count = services.start_stocktake(by=clerk)
    services.count_line(count.lines.get(), counted=2, by=clerk)
    path = tmp_path / "宝贝报表.csv"  # the import is named by its file
    path.write_bytes(
        exports.lines_2017(
            [
                {
                    "订单编号": "35153131473293570",
                    "标题": "菊花茶",
                    "价格": "39",
                    "购买数量": "1",
                    "订单状态": "交易成功",
                    "商家编码": "SCT-1",
                }
            ]
        )
    )
    importing.start(importing.check(importing.upload(path, filename=path.name, by=clerk)), by=clerk)
    client.force_login(admin_user)
    found = english_labels_on(client, admin_pages(["inventory"]))
    assert found == {}, "\n".join(f"{url}: {label}" for label, url in sorted(found.items()))


def test_a_product_added_in_the_admin_files_its_work_and_moves_cannot_be_changed(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:inventory_product_add"),
        {
            "sku": "SCT-ADM",
            "name": "后台新品",
            "supplier": services.default_supplier().pk,
            "cost": "1.00",
            "price": "2.00",
            "reorder_point": 1,
            "reorder_quantity": 5,
            "status": "listed",
            "category": "",
            "shelf": "",
            "allow_negative": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(sku="SCT-ADM")
    assert product.allow_negative and product.created_by == admin_user
    assert Task.objects.filter(source="new_product").count() == 4
    assert client.get(reverse("admin:inventory_stockmove_add")).status_code == 403
    services.record_move(product, kind="receipt", quantity=1, by=admin_user)
    move = StockMove.objects.get()
    assert client.post(reverse("admin:inventory_stockmove_change", args=[move.pk]), {"quantity": 5}).status_code == 403
    move.refresh_from_db()
    assert move.quantity == 1
