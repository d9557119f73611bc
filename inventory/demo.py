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
# The past two weeks' 订单报表 and its 宝贝报表, as the seller centre exports them, for the desks that work on
# orders: who bought, where it goes, when it shipped and was received. Each order: (number suffix, buyer,
# receiver, phone, address, status, days since it was placed, its lines as (sku, quantity)). Times are set
# from the day the demo is loaded, so the lists have work on them whenever it runs.
WEEK_ORDERS = "ExportOrderList-demo-week.csv"
WEEK_LINES = "ExportOrderDetailList-demo-week.csv"
ORDERS_HEADER = ("订单编号,买家会员名,买家实际支付金额,订单状态,总金额,收货人姓名,收货地址,联系手机,订单创建时间,"
                 "订单付款时间,宝贝总数量,物流单号,物流公司,发货时间,确认收货时间")
WAITING, SHIPPED, DONE, UNPAID_, CLOSED = ("买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "交易成功",
                                           "等待买家付款", "交易关闭")
BUYERS = [
    ("小鱼儿2019", "于晓雨", "13857112345", "浙江省 杭州市 西湖区 文三路 138 号 5 幢 302 室"),
    ("tb_春风十里", "林春风", "13916024581", "上海 上海市 徐汇区 漕溪北路 88 号 1203 室"),
    ("爱喝茶的老王", "王建国", "13701085566", "北京 北京市 朝阳区 望京西园 四区 412 号楼 6 单元 501"),
    ("momo_妈妈", "陈默", "15920178890", "广东省 广州市 天河区 体育西路 191 号 中石化大厦 B 座 1706"),
    ("养生达人Lily", "李丽", "18628093321", "四川省 成都市 武侯区 人民南路四段 27 号 商鼎国际 1 栋 908"),
    ("tb_8846102", "赵强", "13012345678", "江苏省 南京市 鼓楼区 中山北路 30 号 城市名人酒店 公寓 1510"),
    ("晴天小猪", "朱晴", "13587654321", "浙江省 宁波市 鄞州区 天童南路 588 号 宁波城市广场 A 座 2201"),
    ("静待花开88", "许静", "15001196633", "湖北省 武汉市 洪山区 珞喻路 1037 号 华中科技大学 东九舍 414"),
]
# (suffix, buyer index, status, days ago placed, lines)
WEEK = [
    (1, 0, WAITING, 0, [("SCT-JH50", 2)]), (2, 1, WAITING, 0, [("SCT-MG30", 1), ("SCT-JYH40", 1)]),
    (3, 2, WAITING, 1, [("SCT-CP100", 1)]), (4, 3, WAITING, 1, [("SCT-JH50", 1), ("SCT-GQ250", 1)]),
    (5, 4, WAITING, 2, [("SCT-SZR150", 1)]), (6, 5, WAITING, 2, [("SCT-JYH40", 2)]),
    (7, 6, WAITING, 3, [("SCT-MG30", 2), ("SCT-CP100", 1)]), (8, 7, WAITING, 3, [("SCT-JH50", 1)]),
    (9, 1, UNPAID_, 0, [("SCT-SZR150", 1)]), (10, 5, UNPAID_, 0, [("SCT-GQ250", 1)]),
    (11, 7, UNPAID_, 0, [("SCT-MG30", 1)]),
    (12, 0, SHIPPED, 4, [("SCT-JYH40", 1)]), (13, 2, SHIPPED, 4, [("SCT-JH50", 1)]),
    (14, 3, SHIPPED, 5, [("SCT-CP100", 2)]), (15, 6, SHIPPED, 6, [("SCT-MG30", 1)]),
    (16, 4, DONE, 9, [("SCT-JH50", 1)]), (17, 0, DONE, 10, [("SCT-CP100", 1)]),
    (18, 1, DONE, 11, [("SCT-JYH40", 1), ("SCT-MG30", 1)]), (19, 2, DONE, 12, [("SCT-SZR150", 1)]),
    (20, 3, DONE, 12, [("SCT-JH50", 2)]), (21, 5, DONE, 13, [("SCT-MG30", 1)]),
    (22, 6, DONE, 13, [("SCT-JYH40", 1)]), (23, 7, DONE, 14, [("SCT-CP100", 1)]),
    (24, 4, DONE, 7, [("SCT-JH50", 1)]), (25, 2, DONE, 6, [("SCT-MG30", 1)]),
    (26, 5, CLOSED, 5, [("SCT-JYH40", 1)]),
]
CARRIERS = ["中通快递", "圆通速递", "韵达快递", "申通快递"]


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
    if not TaobaoImport.objects.filter(filename=WEEK_ORDERS).exists():
        _import_demo_week(clerk, timezone.localtime(now).replace(microsecond=0, tzinfo=None))
    opened = alerts.scan_low_stock()
    if clerk and not Stocktake.objects.exists():
        count = services.start_stocktake(by=clerk, scope=Stocktake.Scope.SHELF, scope_value="B-1")
        first = count.lines.select_related("product").order_by("product__sku").first()
        services.count_line(first, counted=first.product.on_hand, by=people.get("kefu_a") or clerk)
    return (f"{made} product(s) added, {Product.objects.count()} in stock, {len(opened)} low-stock alert(s) opened, "
            f"{TaobaoImport.objects.count()} import(s)")


def _import_demo_export(clerk):
    rows = [
        f'="{order}",{title},{price},{quantity},null,null,null,null,{status},{sku},'
        for order, title, price, quantity, status, sku in DEMO_LINES
    ]
    _import_rows(clerk, DEMO_EXPORT, LINES_HEADER, rows)


def _import_demo_week(clerk, now):
    """The 宝贝报表 first, then the 订单报表 with the buyers and the shipping: the order the seller centre's
    two downloads usually arrive in (either order ends the same)."""
    products = {product.sku: product for product in Product.objects.filter(sku__in={sku for *_, lines in WEEK
                                                                                      for sku, _ in lines})}
    lines, orders = [], []
    for suffix, buyer, status, days, bought in WEEK:
        number = f"35153131473293580{suffix:02d}"
        if days:
            placed = now - datetime.timedelta(days=days, hours=suffix % 5, minutes=7 * suffix)
        else:  # placed earlier today, whatever the hour the demo is loaded
            midnight = now.replace(hour=0, minute=0, second=0)
            placed = midnight + (now - midnight) * (suffix % 4 + 1) / 5
        paid = placed + datetime.timedelta(minutes=3) if status != UNPAID_ else None
        shipped = placed + datetime.timedelta(hours=20) if status in (SHIPPED, DONE) else None
        received = placed + datetime.timedelta(days=4, hours=3) if status == DONE else None
        total = sum(products[sku].price * quantity for sku, quantity in bought)
        for sku, quantity in bought:
            lines.append(f'="{number}",{products[sku].name},{products[sku].price},{quantity},null,null,null,null,'
                         f"{status},{sku},")
        nick, name, phone, address = BUYERS[buyer]
        carrier = CARRIERS[suffix % len(CARRIERS)] if shipped else ""
        waybill = f"7{suffix:03d}{number[-8:]}" if shipped else ""
        orders.append(",".join([
            f'="{number}"', nick, f"{total if paid else 0}", status, f"{total}", name, address, phone,
            _moment(placed), _moment(paid), str(sum(quantity for _, quantity in bought)), waybill, carrier,
            _moment(shipped), _moment(received),
        ]))
    _import_rows(clerk, WEEK_LINES, LINES_HEADER, lines)
    _import_rows(clerk, WEEK_ORDERS, ORDERS_HEADER, orders)


def _moment(moment):
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _import_rows(clerk, filename, header, rows):
    folder = settings.VAR_DIR / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("gb18030"))
    taobao_import = importing.check(importing.upload(path, filename=filename, by=clerk))
    if taobao_import.status == TaobaoImport.Status.CHECKED:
        importing.start(taobao_import, by=clerk, inline=True)
