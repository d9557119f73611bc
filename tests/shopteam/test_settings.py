"""Settings come from the environment and `.env`: production's defaults (DEBUG off, a key required), `.env` read
before any setting, and `check --deploy` clean with the production values documented in .env.example.

Each case starts a fresh Python, as a server would: settings are read once, at start."""
import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# What the developer's or the test run's environment may hold: a fresh start sees none of it.
CLEARED = {
    "DEBUG", "SECRET_KEY", "SHOPTEAM_DEMO", "SHOPTEAM_VAR_DIR", "SHOPTEAM_PORT", "SITE_URL", "ALLOWED_HOSTS",
    "DATABASE_URL", "PYTEST_VERSION", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def fresh_environment(**values):
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment.update(values)
    return environment


def start(tmp_path, names, *, dotenv=None, **environment):
    """Import a copy of shopteam/settings.py as a server would, with its own directory (so `.env` beside its
    manage.py is the one given here, if any), and return the settings named."""
    project = tmp_path / "project"
    (project / "site_settings").mkdir(parents=True, exist_ok=True)
    (project / "site_settings" / "__init__.py").write_text("")
    shutil.copy(ROOT / "shopteam" / "settings.py", project / "site_settings" / "settings.py")
    if dotenv is not None:
        (project / ".env").write_text(dotenv)
    script = (
        "import json, site_settings.settings as s; "
        f"print(json.dumps({{name: str(getattr(s, name)) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=fresh_environment(**environment),
        capture_output=True, text=True, timeout=60,
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_is_off_unless_it_is_turned_on(tmp_path):
    values = start(tmp_path, ["DEBUG", "DEMO_MODE", "SESSION_COOKIE_SECURE"], SECRET_KEY="k" * 60,
                   SHOPTEAM_VAR_DIR=str(tmp_path / "var"))
    assert values == {"DEBUG": "False", "DEMO_MODE": "False", "SESSION_COOKIE_SECURE": "True"}


def production_command(tmp_path, *args):
    """Run a Python command in the real project with a fresh production environment: no DEBUG, no key."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=fresh_environment(SHOPTEAM_VAR_DIR=str(tmp_path / "var")),
        capture_output=True, text=True, timeout=120,
    )


def test_production_refuses_to_serve_without_a_secret_key(tmp_path):
    assert start(tmp_path, ["SECRET_KEY"], SHOPTEAM_VAR_DIR=str(tmp_path / "var")) == {"SECRET_KEY": ""}
    server = production_command(tmp_path, "-c", "import shopteam.wsgi")
    assert server.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in server.stderr


def test_commands_that_sign_nothing_run_on_a_fresh_clone_without_a_key(tmp_path):
    """A fresh clone with nothing set (no DEBUG, no SECRET_KEY) can still check its migrations."""
    result = production_command(tmp_path, "manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_the_demo_turns_debug_on_and_needs_no_key(tmp_path):
    values = start(tmp_path, ["DEBUG", "DEMO_MODE", "SESSION_COOKIE_SECURE"], DEBUG="true",
                   SHOPTEAM_VAR_DIR=str(tmp_path / "var"))
    assert values == {"DEBUG": "True", "DEMO_MODE": "True", "SESSION_COOKIE_SECURE": "False"}


def test_dotenv_is_read_before_the_var_dir_and_every_other_setting(tmp_path):
    var = tmp_path / "from-dotenv"
    values = start(
        tmp_path, ["VAR_DIR", "DATABASES", "STATIC_ROOT", "DEBUG"],
        dotenv=f"SHOPTEAM_VAR_DIR={var}\nDEBUG=true\n",
    )
    assert values["VAR_DIR"] == str(var)
    assert str(var / "db.sqlite3") in values["DATABASES"]
    assert values["STATIC_ROOT"] == str(var / "static") and (var / "static").is_dir()
    assert values["DEBUG"] == "True"


def test_the_environment_wins_over_dotenv(tmp_path):
    values = start(tmp_path, ["VAR_DIR"], dotenv=f"SHOPTEAM_VAR_DIR={tmp_path / 'a'}\nDEBUG=true\n",
                   SHOPTEAM_VAR_DIR=str(tmp_path / "b"))
    assert values["VAR_DIR"] == str(tmp_path / "b")


def test_links_follow_the_demos_port(tmp_path):
    values = start(tmp_path, ["SITE_URL"], DEBUG="true", SHOPTEAM_PORT="8123", SHOPTEAM_VAR_DIR=str(tmp_path))
    assert values["SITE_URL"] == "http://127.0.0.1:8123"
    values = start(tmp_path, ["SITE_URL"], DEBUG="true", SHOPTEAM_VAR_DIR=str(tmp_path))
    assert values["SITE_URL"] == "http://127.0.0.1:8000"


def test_sessions_go_to_a_redis_cache_and_files_to_a_bucket_when_configured(tmp_path):
    names = ["SESSION_ENGINE", "STORAGES"]
    local = start(tmp_path, names, SECRET_KEY="k" * 60, SHOPTEAM_VAR_DIR=str(tmp_path / "var"))
    assert local["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert "VarDirStorage" in local["STORAGES"]  # FileSystemStorage in SHOPTEAM_VAR_DIR, read when used
    shared = start(tmp_path, names, SECRET_KEY="k" * 60, SHOPTEAM_VAR_DIR=str(tmp_path / "var"),
                   CACHE_URL="rediscache://127.0.0.1:6379/1", SHOPTEAM_FILE_STORAGE="s3",
                   AWS_STORAGE_BUCKET_NAME="shop-files", AWS_S3_ENDPOINT_URL="https://s3.example.com")
    assert shared["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert "storages.backends.s3.S3Storage" in shared["STORAGES"]
    assert "'bucket_name': 'shop-files'" in shared["STORAGES"]
    assert "'default_acl': None" in shared["STORAGES"]  # private: links are signed
    wrong = start(tmp_path, names, SECRET_KEY="k" * 60, SHOPTEAM_VAR_DIR=str(tmp_path), SHOPTEAM_FILE_STORAGE="nfs")
    assert "must be local or s3" in wrong["error"]


def test_https_settings_come_from_the_environment(tmp_path):
    values = start(
        tmp_path,
        ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
         "SECURE_PROXY_SSL_HEADER", "CSRF_COOKIE_SECURE"],
        SECRET_KEY="k" * 60, SHOPTEAM_VAR_DIR=str(tmp_path), SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true", SECURE_SSL_REDIRECT="true",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https", CSRF_COOKIE_SECURE="false",
    )
    assert values == {
        "SECURE_HSTS_SECONDS": "3600", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True", "SECURE_HSTS_PRELOAD": "True",
        "SECURE_SSL_REDIRECT": "True", "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "CSRF_COOKIE_SECURE": "False",
    }


def documented_production_values():
    """The variables .env.example documents for production (README, "Production")."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


def check_deploy(tmp_path, values):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=fresh_environment(**values), capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_values(tmp_path):
    values = documented_production_values()
    assert values["DEBUG"] == "false"
    values |= {"SECRET_KEY": secrets.token_urlsafe(50), "SHOPTEAM_VAR_DIR": str(tmp_path / "var")}
    result = check_deploy(tmp_path, values)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    values = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "shop.example.com",
              "SHOPTEAM_VAR_DIR": str(tmp_path / "var")}
    result = check_deploy(tmp_path, values)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008"):  # no HSTS, no redirect to HTTPS
        assert warning in result.stderr
