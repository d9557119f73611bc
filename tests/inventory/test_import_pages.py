"""The import pages and command: upload, a preview with every problem row, skip or not, import; only the
product group, the shop manager and the admins see or run imports (the files hold buyers' addresses)."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from inventory import staging
from inventory.models import Product, StockMove, TaobaoImport
from tests import exports
from tests.inventory.factories import stocked
from tests.inventory.test_taobao_import import LINES_2017, O2, ORDERS_2017, read_by  # noqa: F401 (both paths)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(clerk):
    for sku, name, on_hand in [("SCT-001", "菊花茶", 100), ("SCT-002", "玫瑰花茶", 50), ("SCT-003", "硚口枸杞", 20)]:
        stocked(on_hand, sku=sku, name=name)


def upload(client, *files):
    return client.post(reverse("inventory:import_list"),
                       {"files": [SimpleUploadedFile(name, content) for name, content in files]})


def test_upload_preview_skip_and_import(client, shelf, clerk):
    client.force_login(clerk)
    bad = [dict(LINES_2017[0]), dict(LINES_2017[1], 商家编码="NOPE")]
    response = upload(client, ("ExportOrderDetailList.csv", exports.lines_2017(bad)))
    taobao_import = TaobaoImport.objects.get()
    assert response["Location"] == taobao_import.get_absolute_url()
    page = client.get(taobao_import.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-problem-row="3"' in page and "NOPE" in page and 'name="skip_bad_rows"' in page
    refused = client.post(reverse("inventory:import_action", args=[taobao_import.pk, "start"]), follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "choose to skip those rows" in refused.content.decode()
    assert Product.objects.get(sku="SCT-001").on_hand == 100
    client.post(reverse("inventory:import_action", args=[taobao_import.pk, "start"]), {"skip_bad_rows": "1"})
    taobao_import.refresh_from_db()
    assert (taobao_import.status, taobao_import.summary["sales_written"], taobao_import.problem_count) == ("done", 1, 1)
    assert Product.objects.get(sku="SCT-001").on_hand == 98
    kept = client.get(reverse("inventory:import_file", args=[taobao_import.pk]))
    assert b"".join(kept.streaming_content) == exports.lines_2017(bad)


def test_two_files_at_once_and_a_refused_one(client, shelf, clerk):
    client.force_login(clerk)
    upload(client, ("orders.csv", exports.orders_2017(ORDERS_2017)), ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600))
    orders, old = TaobaoImport.objects.order_by("pk")
    assert (orders.status, old.status) == ("checked", "refused")
    page = client.get(old.get_absolute_url()).content.decode()
    # The refusal is kept as it was written, in the uploader's language (Chinese here).
    assert "旧版 Excel .xls" in page and 'data-action="start"' not in page
    listing = client.get(reverse("inventory:import_list")).content.decode()
    assert f'data-import="{orders.pk}"' in listing and f'data-import="{old.pk}"' in listing


def test_the_progress_fragment_polls_while_busy_and_refreshes_when_done(client, shelf, clerk):
    client.force_login(clerk)
    taobao_import = TaobaoImport.objects.create(filename="big.csv", stored_name="x", status="running", rows_total=200,
                                      rows_done=50, created_by=clerk)
    fragment = client.get(reverse("inventory:import_progress", args=[taobao_import.pk]))
    assert b'data-progress="25"' in fragment.content and b'hx-trigger="every 1s"' in fragment.content
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(status="done")
    assert client.get(reverse("inventory:import_progress", args=[taobao_import.pk]))["HX-Refresh"] == "true"


@pytest.mark.parametrize("username", ["kefu_a", "kefu_lead", "finance_lead", "visual_lead", "marketing_lead"])
def test_other_groups_neither_see_nor_run_imports(client, shelf, team, username):
    taobao_import = TaobaoImport.objects.create(filename="x.csv", stored_name="x", status="checked",
                                                created_by=team["manager"])
    client.force_login(team[username])
    for url in [reverse("inventory:import_list"), taobao_import.get_absolute_url(),
                reverse("inventory:import_progress", args=[taobao_import.pk]),
                reverse("inventory:import_file", args=[taobao_import.pk])]:
        assert client.get(url).status_code == 403, url
    assert upload(client, ("l.csv", exports.lines_2017(LINES_2017))).status_code == 403
    for action in ["start", "cancel", "retry"]:
        assert client.post(reverse("inventory:import_action", args=[taobao_import.pk, action])).status_code == 403
    taobao_import.refresh_from_db()
    assert taobao_import.status == "checked" and TaobaoImport.objects.count() == 1


def test_the_shop_manager_imports(client, shelf, team):
    client.force_login(team["manager"])
    upload(client, ("lines.csv", exports.lines_2017(LINES_2017)))
    taobao_import = TaobaoImport.objects.get()
    client.post(reverse("inventory:import_action", args=[taobao_import.pk, "start"]))
    assert Product.objects.get(sku="SCT-001").on_hand == 97


def test_cancel_keeps_the_file_and_imports_nothing(client, shelf, clerk):
    client.force_login(clerk)
    upload(client, ("lines.csv", exports.lines_2017(LINES_2017)))
    taobao_import = TaobaoImport.objects.get()
    client.post(reverse("inventory:import_action", args=[taobao_import.pk, "cancel"]))
    taobao_import.refresh_from_db()
    assert taobao_import.status == "cancelled" and StockMove.objects.filter(kind="sale").count() == 0
    assert client.post(reverse("inventory:import_action", args=[taobao_import.pk, "start"])).status_code == 302
    assert StockMove.objects.filter(kind="sale").count() == 0


def test_import_taobao_command(tmp_path, shelf):
    orders, lines = tmp_path / "orders.csv", tmp_path / "lines.csv"
    orders.write_bytes(exports.orders_2017(ORDERS_2017))
    bad = [dict(row) for row in LINES_2017]
    bad[1]["订单编号"] = "3.51531E+16"
    lines.write_bytes(exports.lines_2017(bad))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_taobao", str(orders), str(lines), stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert "lines.csv: row 3:" in err.getvalue() and "use --skip-bad-rows" in err.getvalue()
    assert "orders.csv: imported" in out.getvalue()
    assert StockMove.objects.filter(kind="sale").count() == 0  # the lines file imported nothing

    call_command("import_taobao", str(lines), "--skip-bad-rows", "--dry-run", stdout=out, stderr=err)
    assert StockMove.objects.filter(kind="sale").count() == 0
    assert not any(staging.staged(each) for each in TaobaoImport.objects.all())  # nothing kept staged for nothing
    call_command("import_taobao", str(lines), "--skip-bad-rows", stdout=out, stderr=err)
    assert dict(Product.objects.values_list("sku", "on_hand")) == {"SCT-001": 97, "SCT-002": 50, "SCT-003": 20}
    assert not StockMove.objects.filter(order_line__order__order_id=O2).exists()

    out = io.StringIO()
    call_command("import_taobao", str(orders), stdout=out, stderr=err)  # the same bytes again: recognised, exit 0
    imports = TaobaoImport.objects.order_by("pk")
    first, again = imports.filter(status="done").first(), imports.last()
    assert (again.status, again.same_as) == ("same", first)
    assert f"orders.csv: already imported as import #{first.pk}" in out.getvalue()


def test_import_taobao_refuses_a_file_that_is_no_export(tmp_path, shelf):
    path = tmp_path / "random.csv"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(CommandError):
        call_command("import_taobao", str(path), stdout=io.StringIO(), stderr=io.StringIO())
