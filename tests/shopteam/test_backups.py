"""A backup restores: the database and the stored files of a shop with data, written into a new database and a new
folder, come back whole (every table's rows, every file), and the app serves from the restored database."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from inventory import importing
from shopteam import backups
from tests.escalation.factories import raise_difficulty
from tests.inventory.factories import stocked

ROOT = Path(settings.BASE_DIR)
SERVES = """
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)  # as a new machine's deploy does
client = Client()
client.force_login(get_user_model().objects.get(username="manager"))
print("STATUS", client.get("/dashboard/").status_code, client.get("/stock/").status_code)
"""


def shop_with_data(team, tmp_path):
    stocked(12, sku="SCT-B1", name="备份测试菊花茶", by=team["product_lead"])
    raise_difficulty(team, "售后困难", description="备份前的事项：买家要求超出规定的赔偿")
    export = tmp_path / "export.csv"
    export.write_bytes("订单编号,订单状态\n1,交易成功\n".encode("gb18030"))
    return importing.upload(export, filename="export.csv", by=team["product_lead"])


def run_app(database_url, var_dir, code):
    env = {**os.environ, "DATABASE_URL": database_url, "SHOPTEAM_VAR_DIR": str(var_dir), "DEBUG": "false",
           "SECRET_KEY": "restore-test-" + "x" * 40, "ALLOWED_HOSTS": "testserver",
           "DJANGO_SETTINGS_MODULE": "shopteam.settings"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgres_backup_restores_into_a_new_database_and_folder(team, tmp_path, settings, scratch_database):
    settings.VAR_DIR = tmp_path / "var"
    upload = shop_with_data(team, tmp_path)
    folder = backups.backup(tmp_path / "backup")
    assert {path.name for path in folder.iterdir()} == {"database.dump", "files.tar.gz", "manifest.json"}

    restored = backups.restore(folder, database_url=scratch_database, var_dir=tmp_path / "restored")
    assert restored.missing == {}
    assert restored.rows["inventory_product"] == 1 and restored.rows["escalation_case"] == 1
    assert restored.rows["auth_user"] == len(team) and restored.files == 1
    kept = tmp_path / "restored" / "imports" / upload.stored_name
    assert kept.read_bytes().startswith("订单编号".encode("gb18030"))
    served = run_app(scratch_database, tmp_path / "restored", SERVES)
    assert "STATUS 200 200" in served.stdout, served.stderr[-3000:]


SQLITE_SHOP = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("setup_shopteam", verbosity=0)
from pathlib import Path
from django.conf import settings
(Path(settings.VAR_DIR) / "imports" / "2026" / "12").mkdir(parents=True)
(Path(settings.VAR_DIR) / "imports" / "2026" / "12" / "a.csv").write_text("x")
call_command("backup", "--to", sys.argv[1])
"""
SQLITE_RESTORE = """
import django, sys
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)  # a new, empty shop: restoring replaces all of it
call_command("restore", sys.argv[1], "--yes")
from roles.models import Post
print("POSTS", Post.objects.count())
"""


def test_the_demo_sqlite_is_backed_up_online_and_restores(tmp_path):
    """SQLite's online backup (not a file copy under writes), restored into a new file and folder."""
    folder = tmp_path / "backup"
    made = run_app(f"sqlite:///{tmp_path / 'shop.sqlite3'}", tmp_path / "var", SQLITE_SHOP.replace(
        "sys.argv[1]", repr(str(folder))))
    assert made.returncode == 0, made.stderr[-3000:]
    assert (folder / "database.sqlite3").exists()
    back = run_app(f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "new-var", SQLITE_RESTORE.replace(
        "sys.argv[1]", repr(str(folder))))
    assert back.returncode == 0, back.stderr[-3000:]
    assert "all there" in back.stdout and "POSTS 0" not in back.stdout
    assert (tmp_path / "new-var" / "imports" / "2026" / "12" / "a.csv").read_text() == "x"


def test_restore_asks_for_yes_and_refuses_a_folder_that_is_no_backup(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path))
    with pytest.raises(CommandError, match="not a Shopteam backup"):
        call_command("restore", str(tmp_path), "--yes")
