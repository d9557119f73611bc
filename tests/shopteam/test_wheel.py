"""The package holds every app: a wheel built from this checkout, installed into a clean virtualenv and run from
a folder that is not the checkout, passes `django-admin check`, migrates, and serves a signed-in `/` in Chinese
with its templates, static files and translations.

It builds and installs for real (pip fetches the pinned dependencies from the package index, or its cache), so it
takes a minute or two; it runs once per suite."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("shopteam", "roles", "escalation", "tasks", "inventory", "finance", "shipping", "aftersales", "attendance",
        "analysis")
# What the checkout holds beside the code that a wheel must not carry, or that pip must not copy.
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "var", "build", "*.egg-info", "__pycache__", "test-artifacts",
                                  ".ruff_cache", ".env", "node_modules")

SERVE = """
import django
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

django.setup()
call_command("migrate", interactive=False, verbosity=0)
call_command("setup_shopteam", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
user = get_user_model().objects.create_user("wheel", password="x" * 20, is_superuser=True, is_staff=True)
client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
client.force_login(user)
page = client.get("/", follow=True)
assert page.status_code == 200, page.status_code
html = page.content.decode()
css = client.get("/static/shopteam/shopteam.css")
print("PAGE", page.redirect_chain, len(html))
print("CHINESE", "退出" in html or "仪表盘" in html or "店铺" in html)
print("CSS", css.status_code)
print("ADMIN", client.get("/admin/").status_code)
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(source)], check=True,
                   cwd=work)
    wheel = next((work / "dist").glob("shopteam-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    return wheel, venv


def run_installed(venv, tmp_path, *args):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    environment = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "shopteam.settings",
                   "SHOPTEAM_VAR_DIR": str(tmp_path / "var"), "SECRET_KEY": "wheel-test-" + "k" * 40,
                   "HOME": str(tmp_path), "ALLOWED_HOSTS": "testserver"}
    return subprocess.run(args, cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_wheel_holds_every_app_with_its_templates_static_files_and_translations(installed):
    wheel, _venv = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for app in APPS:
        assert f"{app}/models.py" in names or f"{app}/apps.py" in names, app
    assert "shopteam/templates/base.html" in names
    assert "inventory/templates/inventory/product_list.html" in names
    assert "finance/templates/finance/months.html" in names
    assert "shopteam/static/shopteam/shopteam.css" in names
    for catalogue in ("shopteam", "tasks", "inventory", "finance"):
        assert f"{catalogue}/locale/zh_Hans/LC_MESSAGES/django.mo" in names, catalogue
    assert not any(name.startswith(("tests/", "var/")) for name in names)


@pytest.mark.slow
def test_the_installed_wheel_checks_migrates_and_serves_a_signed_in_page_from_outside_the_checkout(installed,
                                                                                                   tmp_path):
    _wheel, venv = installed
    check = run_installed(venv, tmp_path, "django-admin", "check")
    assert check.returncode == 0, check.stderr
    served = run_installed(venv, tmp_path, str(venv / "bin" / "python"), "-c", SERVE)
    assert served.returncode == 0, served.stderr[-3000:]
    assert "CHINESE True" in served.stdout, served.stdout
    assert "CSS 200" in served.stdout, served.stdout
    assert "ADMIN 200" in served.stdout, served.stdout
    # Nothing is read from the checkout: the installed code lives in the virtualenv's site-packages.
    where = run_installed(venv, tmp_path, str(venv / "bin" / "python"), "-c",
                          "import finance, shopteam; print(finance.__file__, shopteam.__file__)")
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout, where.stdout
