"""An upgrade from the previous release, in a process of its own on the database in DATABASE_URL.

    python -m tests.shopteam.upgrade_shop previous   # migrate to deploy/previous_release.json, write a shop
    python -m tests.shopteam.upgrade_shop latest     # migrate to today's code, check the shop, serve it signed in
    python -m tests.shopteam.upgrade_shop record RELEASE  # at a release: today's leaves become the previous ones

The shop is written with the models as they were at the previous release (the migrations' historical models), not
with today's code, which may expect columns the old schema lacks."""
import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import django

RECORD = Path(__file__).resolve().parents[2] / "deploy" / "previous_release.json"
PASSWORD = "upgrade-test-password-1"


def previous_targets():
    return sorted(json.loads(RECORD.read_text())["migrations"].items())


def migrate_to(targets):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def write_shop(apps):
    """A small shop as the previous release stored it: people in posts, a case with its chain of events, a task,
    products with their stock ledger, an imported Taobao order, a ledger entry and a notification."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    model = apps.get_model
    now = timezone.now()
    user = model("auth", "User")
    manager = user.objects.create(username="manager", password=make_password(PASSWORD), email="m@example.com")
    kefu = user.objects.create(username="kefu", password=make_password(PASSWORD))
    # The playbook's codes and titles, as setup_shopteam wrote them then (today's setup_shopteam finds them).
    office = model("roles", "Department").objects.create(code="manager", name="店长", is_manager_office=True)
    service = model("roles", "Department").objects.create(code="customer-service", name="客服组")
    boss = model("roles", "Post").objects.create(department=office, title="店长", is_leader=True)
    agent = model("roles", "Post").objects.create(department=service, title="客服A", reports_to=boss)
    model("roles", "Assignment").objects.create(user=manager, post=boss)
    model("roles", "Assignment").objects.create(user=kefu, post=agent)

    case = model("escalation", "Case").objects.create(
        reporter=kefu, post=agent, department=service, title="买家要求超出规定的赔偿", description="升级前的事项",
        chain=[{"post": agent.pk, "minutes": 240}, {"post": boss.pk, "minutes": 240}], step=1, current_post=boss,
        status="in_progress", handler=manager, hop=1,
        key="upgrade-case-1")
    events = model("escalation", "CaseEvent").objects
    events.create(case=case, kind="raised", actor=kefu, to_post=agent, at=now)
    events.create(case=case, kind="routed", from_post=agent, to_post=boss, at=now)
    events.create(case=case, kind="accepted", actor=manager, at=now)

    model("tasks", "Task").objects.create(title="核对退款", owner=kefu, department=service,
                                          created_by=manager, priority="high", due=now + datetime.timedelta(days=1))

    supplier = model("inventory", "Supplier").objects.create(name="杭州茶厂")
    product = model("inventory", "Product").objects.create(sku="UPG-1", name="升级测试菊花茶", supplier=supplier,
                                                           cost=Decimal("12.50"), price=Decimal("29.00"),
                                                           reorder_point=5, on_hand=17, created_by=manager)
    moves = model("inventory", "StockMove").objects
    moves.create(product=product, kind="receipt", quantity=20, moved_at=now, by=manager, reference="进货单 1",
                 key="upgrade-receipt")
    order = model("inventory", "TaobaoOrder").objects.create(
        order_id="3300000000000001", status="交易成功", paid_amount=Decimal("87.00"), total=Decimal("87.00"),
        paid_at=now, placed_at=now, buyer_nick="买家一号", receiver_name="张三", receiver_phone="13800000000",
        address="浙江省杭州市西湖区")
    line = model("inventory", "TaobaoOrderLine").objects.create(
        order=order, line_key="3300000000000001:1", sku="UPG-1", title="菊花茶", quantity=3,
        paid_amount=Decimal("87.00"), product=product)
    moves.create(product=product, kind="sale", quantity=-3, moved_at=now, reference=order.order_id, order_line=line,
                 key="upgrade-sale")

    sales = model("finance", "Category").objects.filter(kind="income").order_by("pk").first()
    model("finance", "LedgerEntry").objects.create(date=now.date(), category=sales, direction="in",
                                                   amount=Decimal("87.00"), reference=order.order_id,
                                                   recorded_by=manager, key="upgrade-entry")
    model("notifications", "Notification").objects.create(recipient=manager, title="有新的困难需要处理",
                                                           url=f"/cases/{case.pk}/")
    print("WROTE", case.pk, product.pk)


def check_shop():
    """Every row written before the upgrade is there with its values, read with today's models."""
    from django.contrib.auth import get_user_model

    from escalation.models import Case
    from finance.models import LedgerEntry
    from inventory.models import Product, StockMove, TaobaoOrder
    from roles.models import Assignment
    from shopteam.notifications.models import Notification
    from tasks.models import Task

    case = Case.objects.get(key="upgrade-case-1")
    assert case.title == "买家要求超出规定的赔偿" and case.status == "in_progress"
    assert list(case.events.order_by("pk").values_list("kind", flat=True)) == ["raised", "routed", "accepted"]
    assert case.current_post.title == "店长" and case.handler.username == "manager"
    product = Product.objects.get(sku="UPG-1")
    assert product.on_hand == 17 == sum(StockMove.objects.filter(product=product).values_list("quantity", flat=True))
    assert product.cost == Decimal("12.50")
    order = TaobaoOrder.objects.get(order_id="3300000000000001")
    assert order.lines.get().product == product and order.receiver_phone == "13800000000"
    assert LedgerEntry.objects.get(key="upgrade-entry").amount == Decimal("87.00")
    assert Task.objects.get(title="核对退款").owner.username == "kefu"
    assert Notification.objects.filter(recipient__username="manager").count() == 1
    assert Assignment.objects.filter(user__in=get_user_model().objects.all()).count() == 2
    return case, product


def serve(case, product):
    """Signs in through the sign-in page and opens the pages the data shows on."""
    from django.test import Client

    client = Client()
    client.get("/accounts/login/")
    signed_in = client.post("/accounts/login/", {"username": "manager", "password": PASSWORD})
    assert signed_in.status_code == 302, "sign-in refused after the upgrade"
    pages = ["/dashboard/", "/cases/", f"/cases/{case.pk}/", "/stock/", f"/stock/products/{product.pk}/",
             "/tasks/", "/finance/ledger/"]
    status = {page: client.get(page).status_code for page in pages}
    assert set(status.values()) == {200}, status
    print("SERVED", " ".join(pages))


def record(release):
    from django.db.migrations.loader import MigrationLoader

    leaves = dict(sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()))
    document = json.loads(RECORD.read_text())
    document.update(release=release, migrations=leaves)
    RECORD.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopteam.settings")
    django.setup()
    if argv[0] == "previous":
        write_shop(migrate_to(previous_targets()))
    elif argv[0] == "latest":
        from django.core.management import call_command

        # deploy/upgrade.sh's steps, in its order.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("setup_shopteam", verbosity=0)
        serve(*check_shop())
    elif argv[0] == "record":
        record(argv[1])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
