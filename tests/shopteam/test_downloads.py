"""Every Excel file the shop downloads is safe to open: text someone typed (a task title, a product's name, a
ledger note) that starts with =, +, -, @, a tab or a carriage return is a text cell, never a formula; numbers
stay numbers, rates are numbers with a percent format, totals are labelled 合计, and the file names are in the
shop's language."""
import datetime
import io
from decimal import Decimal
from urllib.parse import quote, unquote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from finance import services as finance_services
from finance.models import Category
from inventory import alerts
from inventory import services as inventory_services
from inventory.models import RestockRequest, StockMove
from shopteam import excel
from tests.finance.conftest import MONDAY, SHANGHAI
from tests.inventory.factories import stocked
from tests.tasks.factories import file_task

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/","点我")'
HOSTILE = [LINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "=1+1"]


@pytest.fixture
def shop(team):
    """A week of the shop in March 2026 where every member typed something that looks like a formula."""
    finance_services.ensure_seed_data()
    clerk, manager = team["product_lead"], team["manager"]
    with time_machine.travel(MONDAY, tick=False):
        tea = stocked(20, sku="SCT-H", name=LINK, category="+cmd|' /C calc'!A0", shelf="@SUM(1+1)",
                      cost=Decimal("10.00"), price=Decimal("30.00"), reorder_point=5, reorder_quantity=20)
        for day, quantity in ((datetime.datetime(2026, 2, 10, 12, tzinfo=SHANGHAI), 2),
                              (datetime.datetime(2026, 3, 2, 12, tzinfo=SHANGHAI), 14)):
            inventory_services.record_move(tea, kind=StockMove.Kind.SALE, quantity=-quantity, by=clerk,
                                           moved_at=day, reason="-2+3")
        alerts.scan_low_stock(now=MONDAY)
        file_task(manager, title=LINK, detail="=1+1")
        finance_services.record_entry(by=team["finance_lead"], date=datetime.date(2026, 3, 9),
                                      category=Category.objects.get(code="shipping"), amount="88.80",
                                      counterparty="-2+3", reference="@SUM(1+1)", note=LINK)
        finance_services.record_entry(by=team["finance_lead"], date=datetime.date(2026, 2, 9),
                                      category=Category.objects.get(code="shipping"), amount="44.40")
        cycle = finance_services.build_cycle(inventory_services.default_supplier(), datetime.date(2026, 2, 1),
                                             by=team["finance_lead"])
    return {"tea": tea, "cycle": cycle, "restock": RestockRequest.objects.get()}


def download(client, user, url):
    client.force_login(user)
    with time_machine.travel(MONDAY, tick=False):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX
    return response, load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def cells(book):
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula(book, *expected):
    found = cells(book)
    assert [cell.coordinate for cell in found if cell.data_type == "f"] == []
    texts = {cell.value for cell in found if cell.data_type == "s"}
    for text in expected:
        assert text in texts


def file_name(response):
    prefix = "attachment; filename*=UTF-8''"
    assert response["Content-Disposition"].startswith(prefix)
    return unquote(response["Content-Disposition"][len(prefix):])


def test_the_task_list_download_keeps_a_formula_title_as_text(client, team, shop):
    response, book = download(client, team["manager"], reverse("tasks:export"))
    assert_no_formula(book, LINK)
    assert file_name(response) == "任务-20260316.xlsx"
    rows = list(book.active.iter_rows(values_only=True))
    assert isinstance(rows[1][0], int)  # the task's number stays a number


def test_the_stock_list_and_the_restock_request_keep_typed_text_as_text(client, team, shop):
    response, book = download(client, team["product_lead"], reverse("inventory:product_list") + "?format=xlsx")
    assert_no_formula(book, LINK, "+cmd|' /C calc'!A0", "@SUM(1+1)")
    assert file_name(response).startswith("库存-20260316-")
    row = next(row for row in book.active.iter_rows() if row[0].value == "SCT-H")
    assert (row[2].value, row[2].data_type) == (4, "n")  # on hand
    assert (row[10].value, row[10].data_type, row[10].number_format) == (10, "n", "0.00")  # cost

    response, book = download(client, team["kefu_a"], reverse("inventory:restock_detail", args=[shop["restock"].pk])
                              + "?format=xlsx")
    assert_no_formula(book, LINK)
    assert file_name(response) == f"补货申请-{shop['restock'].pk}.xlsx"


def test_the_ledger_download_keeps_a_note_counterparty_and_reference_as_text(client, team, shop):
    response, book = download(client, team["finance_lead"], reverse("finance:ledger") + "?export=xlsx")
    assert_no_formula(book, LINK, "-2+3", "@SUM(1+1)")
    assert file_name(response) == "账本-全部.xlsx"
    labels = [row[0] for row in book.active.iter_rows(values_only=True)]
    assert {"收入合计", "支出合计"} <= set(labels)


def test_the_management_report_has_rates_as_percent_numbers_and_totals_labelled_heji(client, team, shop):
    response, book = download(client, team["finance_lead"], reverse("finance:reports")
                              + "?period=2026-03&export=xlsx")
    assert_no_formula(book, LINK)
    assert file_name(response) == "管理报表-2026-03.xlsx"
    margin = list(book["毛利"].iter_rows())
    tea = next(row for row in margin if row[0].value == "SCT-H")
    assert (tea[9].value, tea[9].data_type, tea[9].number_format) == (pytest.approx(0.6667), "n", "0.0%")
    assert margin[-1][0].value == "合计" and margin[-1][9].number_format == "0.0%"
    summary = list(book["概览"].iter_rows())
    rates = [row[4] for row in summary[1:8]]
    assert all(cell.number_format == "0.0%" for cell in rates if cell.data_type == "n")
    assert all(cell.value == "—" for cell in rates if cell.data_type == "s")
    assert any(cell.data_type == "n" for cell in rates)
    labels = [row[0] for row in book["按类别"].iter_rows(values_only=True)]
    assert {"收入合计", "支出合计"} <= set(labels)


def test_the_supplier_report_keeps_a_product_name_as_text_with_a_heji_row(client, team, shop):
    cycle = shop["cycle"]
    response, book = download(client, team["finance_lead"], reverse("finance:cycle_detail", args=[cycle.pk])
                              + "?export=xlsx")
    assert_no_formula(book, LINK)
    assert file_name(response) == "食草堂-2026-02-销售报表.xlsx"
    rows = list(book.active.iter_rows())
    assert rows[-1][0].value == "合计" and rows[-1][5].data_type == "n"


def test_text_a_workbook_cannot_hold_is_dropped_and_a_sheet_title_is_made_valid():
    book = excel.workbook()
    sheet = excel.Sheet(book, "食草堂/[2026]?", ["名称"])
    sheet.row(["茶\x00\x07叶", "\t=1", "\r@A1", Decimal("1.50"), 3, excel.Percent(Decimal("0.25")),
               excel.Percent(None)])
    read = load_workbook(io.BytesIO(excel.to_bytes(book)))
    assert read.sheetnames[0].startswith("食草堂") and not set("/[]?") & set(read.sheetnames[0])
    row = list(read.active.iter_rows())[1]
    assert row[0].value == "茶叶" and row[1].value == "\t=1" and row[2].value.endswith("@A1")
    assert [cell.data_type for cell in row] == ["s", "s", "s", "n", "n", "n", "s"]
    assert (row[5].value, row[5].number_format, row[6].value) == (0.25, "0.0%", "—")


def test_every_download_link_names_its_file_in_utf8(client, team, shop):
    response, _book = download(client, team["manager"], reverse("tasks:export"))
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''" + quote("任务-20260316.xlsx")
