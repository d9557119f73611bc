"""Uploaded files on shared storage: with an S3 bucket as Django's default storage (moto's fake S3 here), a Taobao
export uploaded on the page is stored in the bucket, read back from it by the check and the import (staged COPY or
Python), downloaded, backed up and removed by the privacy job, and nothing is written under SHOPTEAM_VAR_DIR; a
catalogue upload goes the same way. So a worker on a second machine reads what the first machine's web process
stored."""
import datetime
import io
import tarfile
from decimal import Decimal

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws

from inventory import importing
from inventory.models import Product, TaobaoImport
from shopteam import backups
from tests import exports
from tests.inventory.factories import stocked
from tests.inventory.test_taobao_import import AFTER_2017, LINES_2017, stock

pytestmark = pytest.mark.django_db

BUCKET = "shop-files"


@pytest.fixture
def bucket(settings, tmp_path, monkeypatch):
    """A private bucket as the default storage (the settings SHOPTEAM_FILE_STORAGE=s3 makes), and an empty VAR_DIR
    that must stay so."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": BUCKET, "region_name": "us-east-1", "location": "shopteam",
                        "default_acl": None, "querystring_auth": True, "file_overwrite": False,
                        "max_memory_size": 1 << 10},  # read back through a temporary file, as a big export is
        }}
        yield s3


@pytest.fixture
def shelf(clerk):
    for sku, on_hand, name in (("SCT-001", 100, "菊花茶"), ("SCT-002", 50, "玫瑰花茶"), ("SCT-003", 20, "硚口枸杞")):
        stocked(on_hand, sku=sku, name=name, price=Decimal("10.00"))


def keys(s3):
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def local_files(settings):
    return [path for path in settings.VAR_DIR.rglob("*") if path.is_file()]


def test_an_import_goes_through_the_bucket_end_to_end(client, clerk, shelf, bucket, settings, tmp_path):
    client.force_login(clerk)
    content = exports.lines_2017(LINES_2017)
    response = client.post(reverse("inventory:import_list"),
                           {"files": [SimpleUploadedFile("ExportOrderDetailList.csv", content)]})
    assert response.status_code == 302
    taobao_import = TaobaoImport.objects.get()
    assert keys(bucket) == [f"shopteam/imports/{taobao_import.stored_name}"]
    assert bucket.get_object(Bucket=BUCKET, Key=keys(bucket)[0])["Body"].read() == content

    taobao_import = importing.check(taobao_import)  # as a worker elsewhere would: from the bucket
    assert taobao_import.status == TaobaoImport.Status.CHECKED, taobao_import.refusal
    done = importing.start(taobao_import, by=clerk)
    assert done.status == TaobaoImport.Status.DONE, done.refusal
    assert stock() == AFTER_2017

    download = client.get(reverse("inventory:import_file", args=[done.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == content

    again = importing.upload(SimpleUploadedFile("again.csv", content), filename="again.csv", by=clerk)
    assert again.status == TaobaoImport.Status.SAME and len(keys(bucket)) == 1  # the same bytes: not stored again

    with tarfile.open(backups.backup(tmp_path / "backup") / backups.FILES) as archive:
        assert archive.getnames() == [f"imports/{done.stored_name}"]
        assert archive.extractfile(archive.getmembers()[0]).read() == content

    TaobaoImport.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    assert importing.forget_old_buyer_data().files == 1
    assert keys(bucket) == []
    assert client.get(reverse("inventory:import_file", args=[done.pk])).status_code == 404
    assert not (settings.VAR_DIR / "imports").exists() and local_files(settings) == []


def test_a_catalogue_upload_is_kept_in_the_bucket_until_applied(client, clerk, bucket, settings):
    client.force_login(clerk)
    buffer = io.StringIO()
    buffer.write("商家编码,商品名称,售价\r\nSCT-900,云南普洱,88.00\r\n")
    upload = SimpleUploadedFile("catalogue.csv", buffer.getvalue().encode())
    preview = client.post(reverse("inventory:product_import"), {"file": upload})
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token and keys(bucket) == [f"shopteam/uploads/catalogue/{token}"]
    applied = client.post(reverse("inventory:product_import"),
                          {"token": token, "filename": "catalogue.csv", "apply": "1"})
    assert applied.status_code == 302, applied.context and applied.context.get("messages")
    assert Product.objects.get(sku="SCT-900").name == "云南普洱"
    assert keys(bucket) == [] and local_files(settings) == []
