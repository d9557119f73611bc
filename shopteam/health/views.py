"""/healthz: for a load balancer or a monitor; no sign-in, no data of the shop's."""
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import selectors


@login_not_required
@never_cache
@require_safe
def healthz(request):
    """200 when the database, the broker, a worker and beat all answer; else 503 naming what failed."""
    parts = selectors.check()
    healthy = selectors.healthy(parts)
    body = {"status": "ok" if healthy else "failing",
            "checks": {part.name: {"ok": part.ok, "detail": part.detail} for part in parts}}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
