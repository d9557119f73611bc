"""Demo data for the stock pages, made through the services: 食草堂's products with their opening stock (which
files each new product's tasks), a delivery and a few sales, a small Taobao order export imported, the
low-stock scan, and a shelf count under way. Safe to run again: it adds only what is missing."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from . import alerts, importing, services
from .models import Product, StockMove, Stocktake, TaobaoImport

# sku, name, category, shelf, cost, price, reorder point, reorder quantity, opening stock
PRODUCTS = [
    ("SCT-JH50", "食草堂 杭白菊 50g", "花茶", "A-1", "12.50", "39.00", 10, 40, 60),
    ("SCT-MG30", "食草堂 平阴玫瑰花茶 30g", "花茶", "A-1", "9.80", "29.90", 8, 30, 25),
    ("SCT-JYH40", "食草堂 金银花 40g", "花茶", "A-2", "8.00", "26.00", 6, 20, 30),
    ("SCT-GQ250", "食草堂 宁夏枸杞 250g", "滋补", "A-2", "22.00", "59.00", 12, 40, 14),
    ("SCT-HQ100", "食草堂 黄芪片 100g", "滋补", "B-1", "15.00", "45.00", 5, 20, 6),
    ("SCT-SZR150", "食草堂 酸枣仁 150g", "滋补", "B-1", "30.00", "88.00", 4, 12, 14),
    ("SCT-CP100", "食草堂 新会陈皮 100g", "滋补", "B-2", "18.00", "52.00", 6, 24, 20),
]
DEMO_EXPORT = "ExportOrderDetailList-demo.csv"
LINES_HEADER = "订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,备注,订单状态,商家编码"
# 2017-style 宝贝报表 lines: (order number, title, price, quantity, status, sku)
DEMO_LINES = [
    ("3515313147329357001", "食草堂 宁夏枸杞 250g", "59.00", 2, "交易成功", "SCT-GQ250"),
    ("3515313147329357002", "食草堂 杭白菊 50g", "39.00", 3, "卖家已发货，等待买家确认", "SCT-JH50"),
    ("3515313147329357003", "食草堂 黄芪片 100g", "45.00", 1, "买家已付款，等待卖家发货", "SCT-HQ100"),
    ("3515313147329357004", "食草堂 金银花 40g", "26.00", 2, "等待买家付款", "SCT-JYH40"),
    ("3515313147329357005", "食草堂 平阴玫瑰花茶 30g", "29.90", 1, "交易关闭", "SCT-MG30"),
]


def load_demo():
    people = {u.username: u for u in get_user_model().objects.filter(username__in=["product_lead", "kefu_a"])}
    clerk = people.get("product_lead")
    made = 0
    for sku, name, category, shelf, cost, price, point, quantity, opening in PRODUCTS:
        if Product.objects.filter(sku=sku).exists():
            continue
        services.create_product(by=clerk, sku=sku, name=name, category=category, shelf=shelf, cost=Decimal(cost),
                                price=Decimal(price), reorder_point=point, reorder_quantity=quantity,
                                status=Product.Status.LISTED, opening_stock=opening)
        made += 1
    now = timezone.now()
    for key, sku, kind, amount, reason, days in [
        ("demo:receipt:cp", "SCT-CP100", StockMove.Kind.RECEIPT, 24, "食草堂到货（送货单 SCT-2611-07）", 6),
        ("demo:sale:jh", "SCT-JH50", StockMove.Kind.SALE, -4, "线下门店卖出", 3),
        ("demo:return:mg", "SCT-MG30", StockMove.Kind.RETURN, 1, "买家七天无理由退货，包装完好", 2),
    ]:
        if not StockMove.objects.filter(key=key).exists():
            services.record_move(Product.objects.get(sku=sku), kind=kind, quantity=amount, by=clerk, reason=reason,
                                 moved_at=now - datetime.timedelta(days=days), key=key)
    if not TaobaoImport.objects.filter(filename=DEMO_EXPORT).exists():
        _import_demo_export(clerk)
    opened = alerts.scan_low_stock()
    if clerk and not Stocktake.objects.exists():
        count = services.start_stocktake(by=clerk, scope=Stocktake.Scope.SHELF, scope_value="B-1")
        first = count.lines.select_related("product").order_by("product__sku").first()
        services.count_line(first, counted=first.product.on_hand, by=people.get("kefu_a") or clerk)
    return (f"{made} product(s) added, {Product.objects.count()} in stock, {len(opened)} low-stock alert(s) opened, "
            f"{TaobaoImport.objects.count()} import(s)")


def _import_demo_export(clerk):
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DEMO_EXPORT
    rows = [LINES_HEADER] + [
        f'="{order}",{title},{price},{quantity},null,null,null,null,{status},{sku},'
        for order, title, price, quantity, status, sku in DEMO_LINES
    ]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("gb18030"))
    imp = importing.check(importing.upload(path, filename=DEMO_EXPORT, by=clerk))
    if imp.status == TaobaoImport.Status.CHECKED:
        importing.start(imp, by=clerk, inline=True)
