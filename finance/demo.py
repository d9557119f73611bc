"""Demo data for the finance pages, made through the services: two months of Taobao takings and the shop's
costs, the sales targets of document 004, promotion requests at each stage (one up the 财务支出 chain), last
month's supplier cycle sent and settled with its invoice still to come, and the month before closed.
Safe to run again: every row has a key or is looked up first."""
import datetime
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import services
from .models import (
    Category,
    ClosedMonth,
    FinanceSettings,
    LedgerEntry,
    MonthlyTarget,
    PromotionRequest,
    first_of_month,
)


def _amount(day, low, high):
    """A believable amount between low and high yuan, the same for the same day on every run."""
    digest = int(hashlib.sha256(day.isoformat().encode()).hexdigest()[:8], 16)
    return (Decimal(low) + Decimal(digest % ((high - low) * 100)) / 100).quantize(Decimal("0.01"))


def load_demo():
    people = {u.username: u for u in get_user_model().objects.filter(
        username__in=["finance_lead", "manager", "marketing_lead", "product_lead"])}
    finance, manager = people.get("finance_lead"), people.get("manager")
    if finance is None or manager is None:
        return "the demo team is missing"
    services.ensure_seed_data()
    today = timezone.localdate()
    this_month = first_of_month(today)
    last_month = first_of_month(this_month - datetime.timedelta(days=1))
    before = first_of_month(last_month - datetime.timedelta(days=1))
    made = LedgerEntry.objects.count()

    settings_row = FinanceSettings.current()
    if not settings_row.monthly_promotion_budget:
        settings_row.promotion_approval_limit = Decimal("2000.00")
        settings_row.monthly_promotion_budget = Decimal("5000.00")
        settings_row.save()
    for month, target in ((before, "20000"), (last_month, "25000"), (this_month, "60000")):
        if not MonthlyTarget.objects.filter(month=month).exists():
            services.set_monthly_target(by=manager, month=month, amount=target)

    _sales(before, today)
    _costs(finance, before, last_month, today)
    _sold_goods(people.get("product_lead"), before, last_month)
    _promotions(people, today)
    _cycles(people, before, last_month, today)
    if not ClosedMonth.objects.filter(month=before, closed=True).exists():
        services.close_month(before, by=finance, note="演示：已与支付宝账单核对")
    return (f"{LedgerEntry.objects.count() - made} ledger entrie(s) added, "
            f"{PromotionRequest.objects.count()} promotion request(s)")


def _sales(start, today):
    """Daily Taobao takings and a few refunds, keyed as the import writes them (a real import of the same day
    replaces them)."""
    sales, refunds = Category.objects.get(code="taobao-sales"), Category.objects.get(code="taobao-refunds")
    day = start
    while day < today:
        services.record_system_entry(key=f"taobao:sales:{day}", date=day, category=sales,
                                     amount=_amount(day, 500, 1600), counterparty="淘宝", reference=str(day),
                                     source=LedgerEntry.Source.TAOBAO, note="演示数据")
        if day.day % 6 == 0:
            services.record_system_entry(key=f"taobao:refunds:{day}", date=day, category=refunds,
                                         amount=_amount(day, 30, 120), counterparty="淘宝", reference=str(day),
                                         source=LedgerEntry.Source.TAOBAO, note="演示数据")
        day += datetime.timedelta(days=1)


def _costs(finance, before, last_month, today):
    rows = []
    for month in (before, last_month, first_of_month(today)):
        rows += [
            (month.replace(day=10), "payroll", "16800.00", "全体员工", f"{month:%Y-%m} 工资"),
            (month.replace(day=8), "shipping", "1320.50", "中通快递", f"{month:%Y-%m} 月结运费"),
        ]
    rows += [
        (before.replace(day=3), "tools", "3096.00", "生意参谋", "市场行情专业版 年费"),
        (before.replace(day=3), "tools", "2827.68", "生意参谋", "竞争情报 年费"),
        (last_month.replace(day=5), "tools", "1188.00", "淘宝装修市场", "店铺智能模板 年费"),
        (last_month.replace(day=20), "non-operating-income", "35.60", "支付宝", "余额宝收益"),
    ]
    for day, code, amount, counterparty, reference in rows:
        if day >= today or LedgerEntry.objects.filter(reference=reference, date=day).exists():
            continue
        services.record_entry(by=finance, date=day, category=Category.objects.get(code=code), amount=amount,
                              counterparty=counterparty, reference=reference, note="演示数据")


def _sold_goods(clerk, before, last_month):
    """A few sales of 食草堂's products in the last two months, so the supplier reports have rows."""
    from inventory import services as inventory_services
    from inventory.models import Product, StockMove

    if clerk is None:
        return
    zone = timezone.get_current_timezone()
    for index, product in enumerate(Product.objects.order_by("sku")[:5]):
        for month, quantity in ((before, 2 + index), (last_month, 3 + index)):
            key = f"finance-demo:sale:{product.sku}:{month:%Y-%m}"
            if StockMove.objects.filter(key=key).exists() or product.on_hand < quantity:
                continue
            moved_at = datetime.datetime.combine(month.replace(day=12 + index), datetime.time(15), tzinfo=zone)
            inventory_services.record_move(product, kind=StockMove.Kind.SALE, quantity=-quantity, by=clerk,
                                           moved_at=moved_at, reason="淘宝订单（演示）", key=key)


def _promotions(people, today):
    marketing, finance, manager = people.get("marketing_lead"), people.get("finance_lead"), people.get("manager")
    if marketing is None:
        return
    end = today + datetime.timedelta(days=10)

    def ask(key, code, amount, purpose):
        return services.request_promotion(by=marketing, channel=Category.objects.get(code=code), amount=amount,
                                          purpose=purpose, start=today, end=end, key=f"demo-{key}")

    paid = ask("ztc", "promotion-ztc", "800.00", "双十二预热：杭白菊主推款直通车，日限额80元")
    if paid.status == PromotionRequest.Status.REQUESTED:
        services.decide_promotion(paid, by=finance, approve=True, reason="在本月预算内")
    if PromotionRequest.objects.get(pk=paid.pk).status == PromotionRequest.Status.APPROVED:
        services.pay_promotion(paid, by=finance, date=today, reference="阿里妈妈充值 演示")
    approved = ask("tbk", "promotion-taobaoke", "1500.00", "枸杞淘宝客推广，佣金比例20%")
    if approved.status == PromotionRequest.Status.REQUESTED:
        services.decide_promotion(approved, by=manager, approve=True, reason="同意，先跑两周看效果")
    ask("zz", "promotion-zuanzhan", "600.00", "钻展首页焦点图，配合视觉组新海报")
    ask("jhs", "promotion-juhuasuan", "6000.00", "报名聚划算年货节，需交保证金和技术服务费")


def _cycles(people, before, last_month, today):
    finance, product = people.get("finance_lead"), people.get("product_lead")
    for supplier in services.cycle_suppliers():
        old = services.build_cycle(supplier, before, today=today)
        first, last = old.window
        if not old.is_sent:
            services.mark_sent(old, by=product, on=min(first.replace(day=12), today), how="微信发给食草堂")
        if not old.is_settled:
            services.record_settlement(old, by=finance, amount=old.cost_total, date=min(first.replace(day=14), today))
        if not old.is_invoiced and old.price_total:
            services.record_invoice(old, by=finance, number=f"DEMO{before:%Y%m}01", date=min(last, today),
                                    amount=old.price_total)
        cycle = services.build_cycle(supplier, last_month, today=today)
        first, _last = cycle.window
        if today >= first and not cycle.is_sent:
            services.mark_sent(cycle, by=product, on=min(first.replace(day=12), today), how="邮件发给食草堂")
        if today >= first and not cycle.is_settled:
            services.record_settlement(cycle, by=finance, amount=cycle.cost_total,
                                       date=min(first.replace(day=13), today))
