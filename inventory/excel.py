"""Excel files the product group hands out: the stock list and the restock request to the supplier, with
Chinese headers (the supplier and the seller centre read Chinese), written row by row (openpyxl write-only)."""
from django.utils import timezone

from shopteam import excel

from .selectors import SHANGHAI

STOCK_HEADERS = ["商家编码", "商品名称", "库存", "补货点", "补货量", "待补货", "状态", "供应商", "分类", "货架",
                 "成本价", "售价"]
RESTOCK_HEADERS = ["商家编码", "商品名称", "当前库存", "补货点", "近30天销量", "建议补货量", "计算依据"]


def _workbook(title, headers, rows, widths):
    book = excel.workbook()
    sheet = excel.Sheet(book, title, headers, widths)
    for row in rows:
        sheet.row(row)
    return book


def stock_list(products):
    """The stock list as the page shows it; `products` from selectors.product_list (with open_restock)."""
    rows = (
        [p.sku, p.name, p.on_hand, p.reorder_point, p.reorder_quantity, p.open_restock or 0, p.get_status_display(),
         p.supplier.name, p.category, p.shelf, p.cost, p.price]
        for p in products
    )
    return _workbook("库存", STOCK_HEADERS, rows, [16, 30, 8, 8, 8, 8, 8, 12, 10, 10, 10, 10])


def restock_request(request, *, now=None):
    """A restock request to the supplier: one line per product with its stock now (the product's, not the figure
    of when the line was drafted: a sale or receipt since has changed it), the quantity and the reason it was
    computed; under the lines, when the stock was read ("库存截至 …", Shanghai time)."""
    now = now or timezone.now()
    lines = list(request.lines.select_related("product").order_by("product__sku"))
    rows = [
        [line.product.sku, line.product.name, line.product.on_hand, line.product.reorder_point, line.sold_30_days,
         line.quantity, line.reason]
        for line in lines
    ]
    rows += [[], [f"库存截至 {timezone.localtime(now, SHANGHAI):%Y-%m-%d %H:%M}"]]
    return _workbook("补货申请", RESTOCK_HEADERS, rows, [16, 30, 10, 8, 12, 12, 60])
