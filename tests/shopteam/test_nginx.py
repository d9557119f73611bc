"""nginx in front, as deployed: `deploy/nginx/shopteam.conf` itself (a temporary copy with this test's ports,
socket, server name and a self-signed certificate made here with openssl) started as an ordinary process, proxying
to the web unit's gunicorn on a socket, with the worker and beat running. Over HTTPS the sign-in page and /healthz
answer, a sign-in works (Django sees the proxy's X-Forwarded-Proto: its secure cookies are set and its HTTPS
referer check passes), static files are served, plain HTTP redirects to HTTPS and nginx's request id reaches the
app and comes back.

It needs nginx and openssl (bin/setup --browser installs them), PostgreSQL and Redis; about a minute."""
import getpass
import http.client
import re
import shutil
import ssl
import subprocess
import urllib.parse
from pathlib import Path

import pytest

from tests.shopteam.test_deploy import BIN, ROOT, free_port, production_env, stop, unit_command
from tests.shopteam.test_deploy import pytestmark as deploy_marks
from tests.threads import wait_until

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
pytestmark = [*deploy_marks, pytest.mark.skipif(NGINX is None or not shutil.which("openssl"),
                                                reason="needs nginx and openssl (bin/setup --browser)")]

MAIN = """worker_processes 1;
user {user};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    log_format ids '$request_id $status "$request"';
    access_log {tmp}/nginx-access.log ids;
    include {tmp}/shopteam.conf;
}}
"""


def site_file(tmp, *, socket, http_port, https_port, cert, key):
    """The repo's site file with only its machine-specific parts replaced."""
    text = (ROOT / "deploy" / "nginx" / "shopteam.conf").read_text()
    for old, new in ((r"unix:/run/shopteam/gunicorn\.sock", f"unix:{socket}"),
                     (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
                     (r"listen 443 ", f"listen 127.0.0.1:{https_port} "),
                     (r"shop\.example\.com;", "127.0.0.1;"),
                     (r"/etc/letsencrypt/live/shop\.example\.com/fullchain\.pem", str(cert)),
                     (r"/etc/letsencrypt/live/shop\.example\.com/privkey\.pem", str(key)),
                     (r"root /var/www/html;", f"root {tmp}/www;")):
        text, count = re.subn(old, new, text)
        assert count, f"{old} is not in deploy/nginx/shopteam.conf any more"
    text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)  # no IPv6 needed here
    return text


class Client:
    """HTTPS requests to nginx, trusting the test's certificate, keeping cookies (and their flags) by hand."""

    def __init__(self, port, cert):
        self.port, self.cookies, self.flags = port, {}, {}
        self.context = ssl.create_default_context(cafile=str(cert))

    def request(self, method, path, form=None, referer=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.context)
        headers = {"Referer": referer or f"https://127.0.0.1:{self.port}{path}",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
                self.flags[name] = rest.lower()
        return response, response.read()


def test_nginx_with_tls_proxies_to_the_web_unit(tmp_path, scratch_database):
    https_port, http_port = free_port(), free_port()
    socket = tmp_path / "run" / "gunicorn.sock"
    socket.parent.mkdir()
    env = production_env(tmp_path, scratch_database, https_port)
    env["SHOPTEAM_BIND"] = f"unix:{socket}"  # as the unit: nginx reaches gunicorn on a socket
    work = tmp_path / "srv"
    work.mkdir()
    for step in (["migrate", "--noinput", "-v0"], ["setup_shopteam"], ["collectstatic", "--noinput", "-v0"],
                 ["shell", "-c", "from django.contrib.auth import get_user_model; get_user_model().objects"
                                 ".create_user('kefu', password='nginx-test-password-1')"]):
        done = subprocess.run([str(BIN / "django-admin"), *step, "--settings=shopteam.settings"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (step, done.stderr[-3000:])

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True, timeout=60)
    nginx_dir = tmp_path / "nginx"
    (nginx_dir / "www").mkdir(parents=True)
    (nginx_dir / "shopteam.conf").write_text(site_file(nginx_dir, socket=socket, http_port=http_port,
                                                       https_port=https_port, cert=cert, key=key))
    (nginx_dir / "nginx.conf").write_text(MAIN.format(tmp=nginx_dir, user=getpass.getuser()))
    nginx = [NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf"), "-e", str(nginx_dir / "stderr.log")]
    tested = subprocess.run([*nginx, "-t"], capture_output=True, text=True, timeout=30)
    assert tested.returncode == 0, tested.stderr

    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("web", "worker", "beat", "nginx")}  # noqa: SIM115
    units = {"web": "shopteam-web.service", "worker": "shopteam-worker.service", "beat": "shopteam-beat.service"}
    processes = {name: subprocess.Popen(unit_command(unit), cwd=work, env=env, stdout=logs[name],
                                        stderr=subprocess.STDOUT) for name, unit in units.items()}
    processes["nginx"] = subprocess.Popen([*nginx, "-g", "daemon off;"], stdout=logs["nginx"],
                                          stderr=subprocess.STDOUT)
    try:
        client = Client(https_port, cert)
        wait_until(lambda: _answers(client), "nginx and gunicorn", timeout=120, every=1)
        wait_until(lambda: client.request("GET", "/healthz")[0].status == 200, "/healthz 200", timeout=150, every=1)

        # Plain HTTP: sent to HTTPS, path and query kept.
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        plain.request("GET", "/accounts/login/?next=/cases/", headers={"Host": "127.0.0.1"})
        redirect = plain.getresponse()
        assert redirect.status == 301
        assert redirect.getheader("Location") == "https://127.0.0.1/accounts/login/?next=/cases/"

        response, body = client.request("GET", "/accounts/login/")
        assert response.status == 200 and b'name="password"' in body
        assert "secure" in client.flags["csrftoken"]
        # nginx's $request_id is the id the app answers with (and logs): it passed through.
        request_id = response.getheader("X-Request-ID")
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)

        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
        static, css = client.request("GET", stylesheet)
        assert static.status == 200 and static.getheader("Content-Type").startswith("text/css") and css

        health, text = client.request("GET", "/healthz")
        assert health.status == 200 and text.startswith(b'{"status": "ok"')

        # Django takes the request as HTTPS from nginx's X-Forwarded-Proto (this client sends no such header): its
        # referer check, made only on HTTPS, refuses a post from another site, passes one from the shop itself,
        # and the sign-in sets a Secure session cookie.
        refused, page = client.request("POST", "/accounts/login/", {"username": "kefu", "password": "x"},
                                       referer="https://elsewhere.example/")
        assert refused.status == 403, page[-500:]  # the shop's own 403 page
        control, _ = client.request("POST", "/accounts/login/", {"username": "kefu", "password": "x"})
        assert control.status == 200  # the same post from the shop's own page: the form again, wrong password
        signed_in, _ = client.request("POST", "/accounts/login/",
                                      {"username": "kefu", "password": "nginx-test-password-1"})
        assert signed_in.status == 302, "sign-in refused"
        assert "secure" in client.flags["sessionid"] and "httponly" in client.flags["sessionid"]
        assert all(process.poll() is None for process in processes.values()), "a service stopped"
    finally:
        stop(processes.values(), logs.values())
    assert f"{request_id} 200 \"GET /accounts/login/ HTTP/1.1\"" in (nginx_dir / "nginx-access.log").read_text()
    assert re.search(rf'"GET /accounts/login/ HTTP/1\.[01]" 200 .* request_id={request_id}$',
                     (tmp_path / "web.log").read_text(), re.M)


def _answers(client):
    try:
        return client.request("GET", "/accounts/login/")[0].status == 200
    except OSError:
        return False
