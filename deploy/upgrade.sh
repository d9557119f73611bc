#!/usr/bin/env bash
# Upgrades an installed Shopteam to this checkout (run as root: `sudo deploy/upgrade.sh`): back up, install the new
# code, migrate, collect static files, add any new periodic jobs, then restart beat, the worker and the web in turn.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
app=/opt/shopteam/app venv=/opt/shopteam/venv env_file=/etc/shopteam/shopteam.env
manage() { sudo -u shopteam bash -c "set -a; . $env_file; cd /var/lib/shopteam; $venv/bin/django-admin $* --settings=shopteam.settings"; }

manage backup
systemctl stop shopteam-beat  # no periodic job starts against a half-migrated database
rsync -a --delete --exclude .git --exclude .venv --exclude var --exclude '*.egg-info' "$here/" "$app/"
"$venv/bin/pip" install --quiet "$app"
manage migrate --noinput
manage collectstatic --noinput -v0
manage setup_shopteam
install -m 644 "$app"/deploy/systemd/shopteam-*.service "$app"/deploy/systemd/shopteam-*.timer /etc/systemd/system/
systemctl daemon-reload
systemctl restart shopteam-worker
systemctl reload-or-restart shopteam-web  # gunicorn replaces its workers one by one on HUP
systemctl start shopteam-beat
echo "Upgraded."
