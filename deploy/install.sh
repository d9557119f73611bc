#!/usr/bin/env bash
# Installs Shopteam as services on a Debian 12 machine: PostgreSQL, Redis, nginx, gunicorn, one worker, one beat.
# Run as root from a checkout: `sudo deploy/install.sh shop.example.com`. Safe to run again (it keeps an existing
# /etc/shopteam/shopteam.env and database). Then get a certificate (README, "Production") and reload nginx.
set -euo pipefail
host=${1:?usage: deploy/install.sh HOSTNAME}
here=$(cd "$(dirname "$0")/.." && pwd)
app=/opt/shopteam/app venv=/opt/shopteam/venv env_file=/etc/shopteam/shopteam.env

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv postgresql postgresql-client \
  redis-server nginx certbot rsync >/dev/null
id shopteam >/dev/null 2>&1 || useradd --system --home-dir /var/lib/shopteam --shell /usr/sbin/nologin shopteam
install -d -o shopteam -g shopteam -m 750 /var/lib/shopteam
install -d -m 755 /opt/shopteam /etc/shopteam

# The code: a copy of the checkout (not the checkout itself), installed into its own virtualenv as a package.
rsync -a --delete --exclude .git --exclude .venv --exclude var --exclude '*.egg-info' "$here/" "$app/"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "$app"

# The environment: .env.example with this host, a new secret key and a new database password.
if [ ! -f "$env_file" ]; then
  secret=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")
  password=$(python3 -c "import secrets; print(secrets.token_hex(16))")
  sed -e "s/shop.example.com/$host/g" -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
      -e "s|^DATABASE_URL=.*|DATABASE_URL=postgres://shopteam:$password@127.0.0.1:5432/shopteam|" \
      -e "s|^EMAIL_URL=.*|EMAIL_URL=consolemail://|" "$app/.env.example" > "$env_file"
  chown root:shopteam "$env_file" && chmod 640 "$env_file"
  sudo -u postgres psql -q -c "CREATE ROLE shopteam LOGIN PASSWORD '$password'" 2>/dev/null || true
  sudo -u postgres createdb -O shopteam shopteam 2>/dev/null || true
fi

# The database and static files, as the services' user with the services' environment.
manage() { sudo -u shopteam bash -c "set -a; . $env_file; cd /var/lib/shopteam; $venv/bin/django-admin $* --settings=shopteam.settings"; }
manage migrate --noinput
manage setup_shopteam
manage collectstatic --noinput -v0
manage check --deploy --fail-level WARNING

install -m 644 "$app"/deploy/systemd/shopteam-*.service "$app"/deploy/systemd/shopteam-*.timer /etc/systemd/system/
sed "s/shop.example.com/$host/g" "$app/deploy/nginx/shopteam.conf" > /etc/nginx/sites-available/shopteam
ln -sf /etc/nginx/sites-available/shopteam /etc/nginx/sites-enabled/shopteam
systemctl daemon-reload
systemctl enable --now redis-server postgresql shopteam-web shopteam-worker shopteam-beat shopteam-backup.timer
echo "Installed. Next: certbot certonly --webroot -w /var/www/html -d $host, then systemctl reload nginx;"
echo "then: curl -s https://$host/healthz"
