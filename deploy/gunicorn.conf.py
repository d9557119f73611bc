"""gunicorn's settings for Shopteam (shopteam-web.service runs `gunicorn --config deploy/gunicorn.conf.py
shopteam.wsgi`). SHOPTEAM_BIND and SHOPTEAM_WEB_WORKERS change the socket and the number of processes."""
import multiprocessing
import os

bind = os.environ.get("SHOPTEAM_BIND", "unix:/run/shopteam/gunicorn.sock")
workers = int(os.environ.get("SHOPTEAM_WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = 120  # an upload of a large export is stored before the worker reads it; nothing else takes long
graceful_timeout = 30
accesslog = "-"  # to standard output: journald keeps it
errorlog = "-"
# One line per request, ending with the id the app logged it under (the response's X-Request-ID).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("SHOPTEAM_FORWARDED_ALLOW_IPS", "127.0.0.1")  # the proxy in front
