"""GET /healthz: can this app server reach its database and cache? For a load balancer's probe.

Answered by a middleware at the top of the stack, before the HTTPS redirect and the host check,
so a load balancer can probe each server over plain HTTP at its private address. 200 with
{"database": "ok", "cache": "ok"} (and "replica" when one is configured) when all answer, 503 naming
what failed otherwise. Never cached.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)
PATHS = {"/healthz", "/healthz/"}


def _database(alias: str) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    key, value = "healthz:probe", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    return "ok"


def health_status() -> tuple[dict, bool]:
    """Each dependency's state ("ok" or "error"), and whether all are ok."""
    checks = {"database": lambda: _database("default"), "cache": _cache}
    if "replica" in settings.DATABASES:
        checks["replica"] = lambda: _database("replica")
    status = {}
    for name, check in checks.items():
        try:
            status[name] = check()
        except Exception:
            logger.exception("Health check: %s is unreachable", name)
            status[name] = "error"
    return status, all(value == "ok" for value in status.values())


def healthz(request):
    status, healthy = health_status()
    response = JsonResponse(status, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answers /healthz before the rest of the stack (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in PATHS and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
