"""The deploy path, as an operator runs it: the install steps (migrate, setup_shopteam, collectstatic, check
--deploy) with the production environment of `.env.example`, then the commands of the systemd units in `deploy/`
started as the units start them (gunicorn with its config, one worker, one beat), from a folder that is not the
checkout. A person signs in over the proxy's HTTPS header, raises a case whose e-mail the worker delivers, and beat's
heartbeat, run by the worker, makes /healthz answer 200.

It needs PostgreSQL and Redis (a database and two Redis databases of its own) and takes about a minute."""
import http.client
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

from tests.threads import wait_until

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.postgres, pytest.mark.worker, pytest.mark.slow,
              pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs Redis")]

PEOPLE = """
from django.contrib.auth import get_user_model
from roles.models import Assignment, Difficulty, Post
User = get_user_model()
kefu = User.objects.create_user("kefu", email="kefu@example.com", password="deploy-test-password-1")
boss = User.objects.create_user("boss", email="boss@example.com", password="deploy-test-password-2")
post = Post.objects.get(title="客服组组长")
Assignment.objects.create(user=kefu, post=post)
Assignment.objects.create(user=boss, post=Post.objects.get(department__is_manager_office=True, is_leader=True))
print("IDS", post.pk, Difficulty.objects.get(name="售后困难").pk)
"""


def unit_command(name):
    """The unit's ExecStart, with the installed paths pointing at this checkout and its virtualenv."""
    text = (ROOT / "deploy" / "systemd" / name).read_text()
    command = re.search(r"^ExecStart=(.+)$", text, re.M).group(1)
    command = command.replace("/opt/shopteam/venv/bin/", f"{BIN}/").replace("/opt/shopteam/app/", f"{ROOT}/")
    return shlex.split(command)


def production_env(tmp_path, database_url, port):
    env = {key: value for key, value in re.findall(r"^([A-Z_]+)=(.*)$", (ROOT / ".env.example").read_text(), re.M)}
    redis = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    env.update(SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL=database_url, CELERY_BROKER_URL=f"{redis}/9",
               CACHE_URL=f"{redis.replace('redis://', 'rediscache://')}/8", SHOPTEAM_VAR_DIR=str(tmp_path / "var"),
               ALLOWED_HOSTS="127.0.0.1", CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
               SITE_URL=f"https://127.0.0.1:{port}",
               SHOPTEAM_BIND=f"127.0.0.1:{port}", SHOPTEAM_WEB_WORKERS="2", SHOPTEAM_HEALTH_STALE_MINUTES="2")
    del env["EMAIL_URL"]  # no SMTP server here: mail is written under SHOPTEAM_VAR_DIR/mail/
    env["EMAIL_BACKEND"] = "django.core.mail.backends.filebased.EmailBackend"
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8", **env}


def stop(processes, logs):
    """Stop the services a test started (terminate, then kill what has not ended in 30 s) and close their logs."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    for log in logs:
        log.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Requests as the proxy forwards them (X-Forwarded-Proto: https), keeping cookies by hand: they are Secure."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1",
                   "Referer": f"https://127.0.0.1:{self.port}{path}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), response.read().decode()


def test_the_units_commands_serve_sign_in_deliver_and_run_the_schedule(tmp_path, scratch_database):
    port = free_port()
    env = production_env(tmp_path, scratch_database, port)
    work = tmp_path / "srv"  # the units' WorkingDirectory: not the checkout
    work.mkdir()

    def admin(*args, stdin=None):
        done = subprocess.run([str(BIN / "django-admin"), *args, "--settings=shopteam.settings"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300, input=stdin)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
        return done.stdout

    for step in (["migrate", "--noinput", "-v0"], ["setup_shopteam"], ["collectstatic", "--noinput", "-v0"],
                 ["check", "--deploy", "--fail-level", "WARNING"]):
        admin(*step)
    post, difficulty = re.search(r"IDS (\d+) (\d+)", admin("shell", stdin=PEOPLE)).groups()

    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("web", "worker", "beat")}  # noqa: SIM115
    units = {"web": "shopteam-web.service", "worker": "shopteam-worker.service", "beat": "shopteam-beat.service"}
    processes = {name: subprocess.Popen(unit_command(unit), cwd=work, env=env, stdout=logs[name],
                                        stderr=subprocess.STDOUT) for name, unit in units.items()}
    try:
        browser = Browser(port)
        wait_until(lambda: _answers(browser), "gunicorn", timeout=120, every=1)
        # Beat sends the heartbeat at once (a new interval job is due), the worker runs it: every part answers.
        wait_until(lambda: browser.request("GET", "/healthz")[0] == 200, "/healthz 200", timeout=150, every=1)

        assert browser.request("GET", "/healthz")[2].startswith('{"status": "ok"')
        browser.request("GET", "/accounts/login/")
        status, location, _ = browser.request("POST", "/accounts/login/",
                                              {"username": "kefu", "password": "deploy-test-password-1"})
        assert status == 302, "sign-in refused"
        page = browser.request("GET", "/cases/new/")
        assert page[0] == 200
        key = re.search(r'name="key" value="([0-9a-f]+)"', page[2]).group(1)
        status, location, _ = browser.request("POST", "/cases/new/", {
            "post": post, "difficulty": difficulty, "description": "买家要求超出规定的赔偿（部署测试）", "key": key})
        assert status == 302 and "/cases/" in location
        # The worker delivers the shop manager's e-mail (written to a file: there is no SMTP server here).
        mail = wait_until(lambda: list((tmp_path / "var" / "mail").glob("*.log")), "the case's e-mail", timeout=60,
                          every=1)
        assert "boss@example.com" in mail[0].read_text()
        assert all(process.poll() is None for process in processes.values()), "a service stopped"
    finally:
        stop(processes.values(), logs.values())
    web_log = (tmp_path / "web.log").read_text()
    assert '"GET /healthz HTTP/1.0" 200' in web_log or '"GET /healthz HTTP/1.1" 200' in web_log  # access log
    assert re.search(r'"GET /healthz HTTP/1\.[01]" 200 .* request_id=[0-9a-f]{32}$', web_log, re.M)
    # The worker logs as Django's LOGGING says: JSON lines, those of a job with its task id.
    worker_lines = [json.loads(line) for line in (tmp_path / "worker.log").read_text().splitlines()
                    if line.startswith("{")]
    assert any(line.get("task_id") and line.get("task") for line in worker_lines), worker_lines[-5:]


def _answers(browser):
    try:
        return browser.request("GET", "/accounts/login/")[0] == 200
    except OSError:
        return False
