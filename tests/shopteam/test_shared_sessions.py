"""Growing past one machine: two web processes (gunicorn, each on its own port, as on two machines) with the
production settings and one Redis cache serve one session: signed in on one, a person is signed in on the other,
and signed out on the other, out on the first. The session lives in the shared cache (written through to the
database). Needs PostgreSQL and Redis; about 30 s."""
import subprocess

import pytest
import redis
from django.conf import settings

from tests.shopteam.test_deploy import BIN, PEOPLE, Browser, free_port, production_env, stop, unit_command
from tests.threads import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"), reason="needs Redis")]


def _answers(browser):
    try:
        return browser.request("GET", "/accounts/login/")[0] == 200
    except OSError:
        return False


def test_two_web_processes_with_a_redis_cache_serve_one_session(tmp_path, scratch_database):
    ports = free_port(), free_port()
    env = production_env(tmp_path, scratch_database, ports[0])
    # This engineer's own Redis database (the broker's), for the cache and the queue alike.
    env.update(CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
               CACHE_URL=settings.CELERY_BROKER_URL.replace("redis://", "rediscache://"),
               CSRF_TRUSTED_ORIGINS=",".join(f"https://127.0.0.1:{port}" for port in ports),
               SHOPTEAM_WEB_WORKERS="1")
    work = tmp_path / "srv"
    work.mkdir()
    for step, stdin in ((["migrate", "--noinput", "-v0"], None), (["setup_shopteam"], None),
                        (["collectstatic", "--noinput", "-v0"], None), (["shell"], PEOPLE)):
        done = subprocess.run([str(BIN / "django-admin"), *step, "--settings=shopteam.settings"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300, input=stdin)
        assert done.returncode == 0, (step, done.stderr[-3000:])

    logs = [open(tmp_path / f"web{n}.log", "w") for n in (1, 2)]  # noqa: SIM115
    web = [subprocess.Popen(unit_command("shopteam-web.service"), cwd=work,
                            env={**env, "SHOPTEAM_BIND": f"127.0.0.1:{port}"}, stdout=log, stderr=subprocess.STDOUT)
           for port, log in zip(ports, logs, strict=True)]
    try:
        one, other = Browser(ports[0]), Browser(ports[1])
        for browser in (one, other):
            wait_until(lambda browser=browser: _answers(browser), "gunicorn", timeout=120, every=1)
        one.request("GET", "/accounts/login/")
        status, _, _ = one.request("POST", "/accounts/login/",
                                   {"username": "kefu", "password": "deploy-test-password-1"})
        assert status == 302, "sign-in refused"
        session = one.cookies["sessionid"]

        other.cookies = dict(one.cookies)  # the same browser, sent by the load balancer to the other machine
        status, _, page = other.request("GET", "/tasks/")
        assert status == 200 and "kefu" in page
        cache = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        assert cache.exists(f":1:django.contrib.sessions.cached_db{session}"), "the session is not in the cache"

        status, _, _ = other.request("POST", "/accounts/logout/", {})
        assert status == 302
        one.cookies = dict(other.cookies)
        one.cookies["sessionid"] = session  # a stale copy of the cookie: the session itself is gone
        status, location, _ = one.request("GET", "/tasks/")
        assert status == 302 and "/accounts/login/" in location
        assert all(process.poll() is None for process in web), "a web process stopped"
    finally:
        stop(web, logs)
