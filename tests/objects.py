"""One object of each kind, made through the services as the shop makes them, for the tests that visit every page:
the page walk (tests/browser/test_every_page.py) and the permission walk (tests/shopteam/test_permission_walk.py).

`shop_objects(team)` returns them by name ("case", "task", "product", ...). Each belongs to somebody in particular
(the case is raised by kefu_a, the task is kefu_a's, the notification is kefu_lead's), so that everyone else visits
another person's object."""
import datetime

from django.utils import timezone


def last_month():
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def shop_objects(team, *, var_dir=None):
    """A case (and one resolved), a task with a subtask, a stand-up, products with a move, a stocktake with a line,
    a restock request, an import (its file under `var_dir`, or settings.VAR_DIR), a ledger entry, a promotion
    request, a supplier and its cycle, a notification and a post."""
    from django.test import override_settings

    from finance import services as finance_services
    from finance.models import Category
    from inventory import alerts, importing, selectors
    from inventory import services as inventory_services
    from inventory.models import RestockRequest, StockMove
    from roles.models import Difficulty, Post
    from shopteam.workcalendar.services import ensure_schedules
    from tasks import services as task_services
    from tests.escalation.factories import raise_difficulty
    from tests.finance.factories import entry
    from tests.inventory.factories import stocked
    from tests.notifications.factories import NotificationFactory
    from tests.tasks.factories import file_task

    ensure_schedules()
    finance_services.ensure_seed_data()
    clerk, books = team["product_lead"], team["finance_lead"]
    agent = team["kefu_a"]
    task = file_task(by=team["manager"], title="双十二活动页上线前检查", owner=agent)
    subtask = task_services.add_subtask(task, by=team["manager"], title="核对价格")
    difficulty = Difficulty.objects.filter(post__department__code="customer-service").order_by("pk").first()
    case = raise_difficulty(team, difficulty.name, description="顾客说收到的茶叶受潮", reporter=agent)
    from escalation import services as case_services

    resolved = raise_difficulty(team, difficulty.name, description="快递丢件，已补发", reporter=agent)
    case_services.resolve_case(resolved, by=resolved.current_post.assignments.first().user, resolution="已补发")
    standup = task_services.write_standup(by=agent, yesterday="回复了差评", today="跟进退款", blockers="")
    product = stocked(1, sku="SCT-JH50", name="食草堂 杭白菊 50g", shelf="A-1", reorder_point=5,
                      reorder_quantity=20, by=clerk)
    stocked(30, sku="SCT-CP100", name="食草堂 新会陈皮 100g", shelf="B-2", by=clerk)
    sale = inventory_services.record_move(product, kind=StockMove.Kind.SALE, quantity=-1, by=clerk,
                                          moved_at=timezone.now() - datetime.timedelta(days=25))
    alerts.scan_low_stock(now=datetime.datetime.combine(timezone.localdate(), datetime.time(10),
                                                        tzinfo=selectors.SHANGHAI))
    stocktake = inventory_services.start_stocktake(by=clerk, scope="shelf", scope_value="A-1")
    with override_settings(**({"VAR_DIR": var_dir} if var_dir else {})):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            export = Path(folder) / "orders.csv"
            export.write_text("订单编号,买家会员名\n", encoding="utf-8")
            imp = importing.upload(export, filename="orders.csv", by=clerk)
    ledger_entry = entry(books, amount="88.00", note="快递费")
    promotion = finance_services.request_promotion(
        by=team["marketing_lead"], channel=Category.objects.get(code="promotion-ztc"), amount="800.00",
        purpose="直通车拉新", start=timezone.localdate(), end=timezone.localdate() + datetime.timedelta(days=7))
    cycle = finance_services.build_cycle(product.supplier, last_month(), by=clerk)
    notification = NotificationFactory(recipient=team["kefu_lead"], url=case.get_absolute_url())
    return {
        "task": task, "subtask": subtask, "case": case, "resolved_case": resolved, "standup": standup,
        "product": product, "move": sale,
        "stocktake": stocktake, "stocktake_line": stocktake.lines.order_by("pk").first(),
        "restock": RestockRequest.objects.order_by("pk").first(), "import": imp, "entry": ledger_entry,
        "promotion": promotion, "cycle": cycle, "supplier": product.supplier, "notification": notification,
        "org_post": Post.objects.order_by("pk").first(), "month": last_month().strftime("%Y-%m"),
    }
