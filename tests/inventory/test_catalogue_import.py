"""The product catalogue from an Excel or CSV file with Chinese headers: previewed, then imported all or
nothing; the same file again changes nothing; a file that is not a catalogue is refused whole."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from inventory import services
from inventory.models import Product, StockMove, Supplier
from shopteam.errors import ServiceError
from tests.inventory.factories import stocked

pytestmark = pytest.mark.django_db

HEADER = ["商家编码", "商品名称", "供应商", "成本价", "售价", "补货点", "补货量", "期初库存", "货架"]
ROWS = [
    ["SCT-001", "菊花茶 ", "食草堂", "12.50", "39", "5", "20", "30", "A-1"],
    ["SCT-002", "硚口玫瑰花茶", "", "8", "29.90", "3", "12", "0", ""],  # 硚 is not in GB2312
    ["XY-01", "西洋参片", "参行", "60", "128", "2", "6", "4", "B-2"],
]


def csv_file(tmp_path, rows, *, encoding="gb18030", name="catalogue.csv"):
    text = "\r\n".join(",".join(row) for row in [HEADER, *rows]) + "\r\n"
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx_file(tmp_path, rows, name="catalogue.xlsx"):
    workbook = Workbook()
    workbook.active.title = "商品"
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


@pytest.mark.parametrize("make", [
    lambda p: csv_file(p, ROWS), lambda p: csv_file(p, ROWS, encoding="utf-8-sig"), lambda p: xlsx_file(p, ROWS)],
    ids=["gb18030-csv", "utf8-bom-csv", "xlsx"])
def test_a_catalogue_imports_products_with_opening_stock_once(tmp_path, clerk, make):
    path = make(tmp_path)
    plan = services.import_catalogue(path, name=path.name, by=clerk)
    # 3 new products, one new supplier (参行), opening stock 30 + 4 (zero makes no move)
    assert (len(plan["new"]), plan["new_suppliers"], plan["problems"]) == (3, ["参行"], [])
    assert [(p.sku, p.name, p.supplier.name, p.on_hand, str(p.price)) for p in Product.objects.order_by("sku")] == [
        ("SCT-001", "菊花茶", "食草堂", 30, "39.00"), ("SCT-002", "硚口玫瑰花茶", "食草堂", 0, "29.90"),
        ("XY-01", "西洋参片", "参行", 4, "128.00")]
    again = services.import_catalogue(path, name=path.name, by=clerk)
    assert (len(again["new"]), len(again["changed"]), again["unchanged"]) == (0, 0, 3)
    assert StockMove.objects.count() == 2 and Supplier.objects.filter(name="参行").count() == 1


def test_a_later_file_changes_fields_but_never_stock(tmp_path, clerk):
    stocked(9, sku="SCT-001", name="菊花茶", price="39.00")
    later = csv_file(tmp_path, [["SCT-001", "菊花茶（新包装）", "", "", "45", "", "", "99", ""]])
    plan = services.import_catalogue(later, name="c.csv", by=clerk)
    product = Product.objects.get(sku="SCT-001")
    assert (product.name, str(product.price), product.on_hand, product.reorder_point) == (
        "菊花茶（新包装）", "45.00", 9, 5)
    assert set(plan["changed"][0][1]) == {"name", "price"}


def test_a_file_with_bad_rows_imports_nothing_and_names_every_row(tmp_path, clerk):
    rows = [ROWS[0], ["", "无编码", "", "", "", "", "", "", ""], ["SCT-001", "重复", "", "", "", "", "", "", ""],
            ["SCT-003", "坏价格", "", "abc", "-1", "x", "", "", ""]]
    with pytest.raises(ServiceError) as refused:
        services.import_catalogue(csv_file(tmp_path, rows), name="bad.csv", by=clerk)
    assert refused.value.messages == [
        "Row 3: Give the product its SKU (商家编码), as typed in the seller centre.",
        "Row 4: SKU SCT-001 is already on row 2.",
        "Row 5: Cost must be an amount, not “abc”.",
        "Row 5: Price cannot be -1.00.",
        "Row 5: Reorder point must be a whole number, not “x”.",
    ]
    assert Product.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel .xls"),
    (bytes(range(256)) * 40, "not a spreadsheet export"),
    ("订单编号,买家会员名\r\n1,a\r\n".encode("gbk"), "商家编码、商品名称 is missing"),
    (b"", "is empty"),
])
def test_a_file_that_is_not_a_catalogue_is_refused_whole(tmp_path, clerk, content, message):
    path = tmp_path / "wrong.csv"
    path.write_bytes(content)
    with pytest.raises(ServiceError, match=message):
        services.read_catalogue(path, name="wrong.csv")


def test_the_import_page_previews_then_imports(client, tmp_path, clerk):
    client.force_login(clerk)
    with open(csv_file(tmp_path, ROWS), "rb") as upload:
        preview = client.post(reverse("inventory:product_import"), {"file": upload})
    assert preview.status_code == 200 and preview.context["plan"]["new"] and Product.objects.count() == 0
    token = preview.context["token"]
    response = client.post(reverse("inventory:product_import"), {"token": token, "filename": "catalogue.csv",
                                                                 "apply": "1"})
    assert response.status_code == 302 and Product.objects.count() == 3
    assert client.post(reverse("inventory:product_import"), {"token": "../../etc/passwd", "apply": "1"}
                       ).status_code == 404


def test_the_import_page_shows_problem_rows_and_cannot_import_them(client, tmp_path, clerk):
    client.force_login(clerk)
    with open(csv_file(tmp_path, [ROWS[0], ["SCT-9", "", "", "", "", "", "", "", ""]]), "rb") as upload:
        preview = client.post(reverse("inventory:product_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    page = preview.content.decode()
    assert 'data-problem-row="3"' in page and "Give the product a name." in page
    assert 'name="apply" value="1" disabled' in page
    client.post(reverse("inventory:product_import"), {"token": preview.context["token"], "filename": "x.csv",
                                                      "apply": "1"})
    assert Product.objects.count() == 0


def test_import_products_command(tmp_path, clerk):
    out = io.StringIO()
    call_command("import_products", str(xlsx_file(tmp_path, ROWS)), stdout=out)
    assert "3 new, 0 changed, 0 unchanged" in out.getvalue() and Product.objects.count() == 3
    with pytest.raises(CommandError, match="problem row"):
        call_command("import_products", str(csv_file(tmp_path, [["X", "", "", "", "", "", "", "", ""]])),
                     stdout=io.StringIO(), stderr=io.StringIO())
