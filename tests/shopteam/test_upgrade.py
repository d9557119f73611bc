"""An upgrade from the previous release works: a new database migrated to the previous release's migrations
(deploy/previous_release.json) with a shop written as that release stored it, then migrated to today's, keeps every
row and serves the shop signed in (tests/shopteam/upgrade_shop.py does each half in a process of its own)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader

ROOT = Path(settings.BASE_DIR)


def run(step, database_url, tmp_path):
    env = {**os.environ, "DATABASE_URL": database_url, "SHOPTEAM_VAR_DIR": str(tmp_path / "var"), "DEBUG": "false",
           "SECRET_KEY": "upgrade-test-" + "x" * 40, "ALLOWED_HOSTS": "testserver", "AXES_ENABLED": "true",
           "DJANGO_SETTINGS_MODULE": "shopteam.settings", "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-m", "tests.shopteam.upgrade_shop", step], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (step, done.stdout[-2000:], done.stderr[-4000:])
    return done.stdout


def test_the_previous_release_is_a_state_of_todays_migrations():
    previous = json.loads((ROOT / "deploy" / "previous_release.json").read_text())["migrations"]
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    missing = {app: name for app, name in previous.items() if (app, name) not in graph.nodes}
    assert not missing, f"a previous release's migration was removed or renamed: {missing}"


@pytest.mark.postgres
@pytest.mark.slow
def test_an_upgrade_from_the_previous_release_keeps_the_shop_and_serves_it(scratch_database, tmp_path):
    assert "WROTE" in run("previous", scratch_database, tmp_path)
    assert "SERVED" in run("latest", scratch_database, tmp_path)
