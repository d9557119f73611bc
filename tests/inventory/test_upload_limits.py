"""Uploads have limits: a file over the size limit is refused before it is stored, a workbook that unpacks to too
much (a zip bomb) or has too many rows is refused before it is read, and an import job that runs past its time
limit stops as a failed import; each refusal names the limit and its setting."""
import io
import zipfile

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inventory import importing, tasks
from inventory.models import TaobaoImport
from inventory.spreadsheets import TableRefused
from tests import exports
from tests.inventory.test_taobao_import import LINES_2017, ORDERS_2017, ORDERS_2022

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def stored_files(settings):
    return [p for p in (settings.VAR_DIR).rglob("*") if p.is_file()]


def _no_openpyxl(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to read a workbook that should have been refused first")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def zip_bomb(megabytes):
    """A small .xlsx whose sheet unpacks to `megabytes` MB of rows (they compress to almost nothing)."""
    real = zipfile.ZipFile(io.BytesIO(exports.orders_2022(ORDERS_2022)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in real.infolist():
            data = real.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
                head, tail = data.split(b"</sheetData>")
                data = head + row * (megabytes * 1024 * 1024 // len(row)) + b"</sheetData>" + tail
            bomb.writestr(info.filename, data)
    return out.getvalue()


def test_a_taobao_file_over_the_size_limit_is_refused_on_the_page_and_nothing_is_kept(client, clerk, settings):
    settings.SHOPTEAM_UPLOAD_MAX_MB = 1
    client.force_login(clerk)
    big = exports.lines_2017(LINES_2017) + b"\n" * (1024 * 1024)
    response = client.post(reverse("inventory:import_list"),
                           {"files": [SimpleUploadedFile("ExportOrderDetailList.csv", big)]})
    assert response.status_code == 200
    page = response.content.decode()
    # Shown in the uploader's language (Chinese here), naming the limit and its setting.
    assert "超过 1 MB 的文件不予接收" in page and "SHOPTEAM_UPLOAD_MAX_MB" in page
    assert not TaobaoImport.objects.exists()
    assert stored_files(settings) == []


def test_a_catalogue_over_the_size_limit_is_refused_on_the_page_and_nothing_is_kept(client, clerk, settings):
    settings.SHOPTEAM_UPLOAD_MAX_MB = 1
    client.force_login(clerk)
    big = "商家编码,商品名称\nSCT-001,菊花茶\n".encode() + b"\n" * (1024 * 1024)
    response = client.post(reverse("inventory:product_import"), {"file": SimpleUploadedFile("catalogue.csv", big)},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "larger than 1 MB are refused (the SHOPTEAM_UPLOAD_MAX_MB setting)" in response.content.decode()
    assert stored_files(settings) == []


def test_the_upload_service_refuses_a_file_over_the_size_limit_before_storing_it(tmp_path, clerk, settings):
    settings.SHOPTEAM_UPLOAD_MAX_MB = 1
    path = tmp_path / "orders.csv"
    path.write_bytes(exports.orders_2017(ORDERS_2017) + b"\n" * (1024 * 1024))
    with pytest.raises(TableRefused, match="SHOPTEAM_UPLOAD_MAX_MB"):
        importing.upload(path, filename="orders.csv", by=clerk)
    assert not TaobaoImport.objects.exists()
    assert stored_files(settings) == []


def test_a_zip_bomb_is_refused_naming_the_unpacked_limit_before_it_is_read(client, clerk, settings, monkeypatch):
    settings.SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB = 2
    bomb = zip_bomb(20)
    assert len(bomb) < 200 * 1024
    _no_openpyxl(monkeypatch)
    client.force_login(clerk)
    client.post(reverse("inventory:import_list"), {"files": [SimpleUploadedFile("ExportOrderList.xlsx", bomb)]},
                HTTP_ACCEPT_LANGUAGE="en")
    taobao_import = TaobaoImport.objects.get()
    assert taobao_import.status == TaobaoImport.Status.REFUSED
    refusal = taobao_import.refusal
    assert "more than 2 MB are refused" in refusal and "SHOPTEAM_XLSX_MAX_UNCOMPRESSED_MB" in refusal


def test_a_workbook_with_more_rows_than_the_limit_is_refused_before_it_is_read(tmp_path, clerk, settings,
                                                                             monkeypatch):
    settings.SHOPTEAM_IMPORT_MAX_ROWS = 1
    assert len(ORDERS_2022) > 1
    path = tmp_path / "orders.xlsx"
    path.write_bytes(exports.orders_2022(ORDERS_2022))
    _no_openpyxl(monkeypatch)
    taobao_import = importing.check(importing.upload(path, filename="orders.xlsx", by=clerk))
    assert taobao_import.status == TaobaoImport.Status.REFUSED
    assert "more than 1 rows" in taobao_import.refusal and "SHOPTEAM_IMPORT_MAX_ROWS" in taobao_import.refusal


def test_a_csv_with_more_rows_than_the_limit_is_refused(tmp_path, clerk, settings):
    settings.SHOPTEAM_IMPORT_MAX_ROWS = 1
    assert len(ORDERS_2017) > 1
    path = tmp_path / "orders.csv"
    path.write_bytes(exports.orders_2017(ORDERS_2017))
    taobao_import = importing.check(importing.upload(path, filename="orders.csv", by=clerk))
    assert taobao_import.status == TaobaoImport.Status.REFUSED
    assert "SHOPTEAM_IMPORT_MAX_ROWS" in taobao_import.refusal


def test_import_jobs_have_the_time_limit_of_the_setting(settings):
    for task in (tasks.check_taobao_import, tasks.run_taobao_import):
        assert task.soft_time_limit == settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS
        assert task.time_limit > task.soft_time_limit


def _past_the_limit(*args, **kwargs):
    raise SoftTimeLimitExceeded()


def test_an_import_past_its_time_limit_ends_failed_naming_the_limit(tmp_path, clerk, settings, monkeypatch):
    settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS = 90
    path = tmp_path / "orders.csv"
    path.write_bytes(exports.orders_2017(ORDERS_2017))
    taobao_import = importing.check(importing.upload(path, filename="orders.csv", by=clerk))
    TaobaoImport.objects.filter(pk=taobao_import.pk).update(status=TaobaoImport.Status.QUEUED, applied_by=clerk)
    monkeypatch.setattr(importing.runs, "_write", _past_the_limit)
    assert tasks.run_taobao_import(taobao_import.pk) == TaobaoImport.Status.FAILED
    taobao_import.refresh_from_db()
    refusal = taobao_import.refusal
    assert "time limit of 90 seconds" in refusal and "SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS" in refusal
    assert taobao_import.finished_at is not None


def test_a_check_past_its_time_limit_ends_failed_naming_the_limit(tmp_path, clerk, settings, monkeypatch):
    settings.SHOPTEAM_IMPORT_TIME_LIMIT_SECONDS = 90
    path = tmp_path / "orders.csv"
    path.write_bytes(exports.orders_2017(ORDERS_2017))
    taobao_import = importing.upload(path, filename="orders.csv", by=clerk)
    monkeypatch.setattr(importing.runs, "_check", _past_the_limit)
    assert tasks.check_taobao_import(taobao_import.pk) == TaobaoImport.Status.FAILED
    taobao_import.refresh_from_db()
    assert "time limit of 90 seconds" in taobao_import.refusal
