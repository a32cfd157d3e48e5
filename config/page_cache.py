"""The page cache: every public page and API answer an anonymous visitor gets, served from the shared
cache (Redis with REDIS_URL, local memory otherwise) for up to PAGE_CACHE_SECONDS.

One middleware covers every URL, so a page added tomorrow is cached, or left alone, by the same rules:

- Looked up only for a GET or HEAD with no session or messages cookie and no Authorization header,
  outside /admin/. A signed-in user, or a visitor whose session holds something of theirs (a
  shortlist), always reaches the view. (/healthz and static files are answered before this runs.)
- Stored only when the answer is a plain 200 that sets no cookie (a CSRF token, a new session) and
  does not say `Cache-Control: private/no-store/no-cache` (`never_cache`): a view showing a form
  error or a draft preview says so, and a streamed download is never held in memory.
- Keyed on scheme, host, path and the query string with its parameters in name order, and on the
  catalogue version (catalogue/cache.py). Every write the public can see bumps the version through
  the services (catalogue.cache.catalogue_changed), so after a publish every page is fresh at once;
  entries of older versions are never read again and expire on their own.

Each answer says what happened in `X-Cache`: `hit`, `miss` (looked up, not found) or `bypass` (not
eligible). What is stored gets `Cache-Control: public, max-age=0, s-maxage=PAGE_CACHE_SECONDS` and
`Vary: Cookie`: browsers check again each time (so signing in is never met by a stale anonymous
copy), while a CDN in front may keep the anonymous page for the same time as we do.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe
from redis.exceptions import RedisError

from catalogue.cache import catalogue_version

logger = logging.getLogger(__name__)
HEADER = "X-Cache"
# What the cache raises when its server is unreachable: the site then renders pages, never a 500.
CACHE_ERRORS = (OSError, RedisError)
EXCLUDED_PREFIXES = ("/admin/",)
UNCACHEABLE = ("private", "no-store", "no-cache")


def page_cache_key(request) -> str:
    """The cache key of this request's page: URL with its parameters in name order, and the catalogue version.

    Values of one parameter keep their order (the compare page shows programmes in the order chosen).
    """
    query = "&".join(
        f"{name}={value}" for name, values in sorted(request.GET.lists(), key=lambda item: item[0]) for value in values
    )
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"page:{catalogue_version()}:{request.method}:{digest}"


def is_eligible(request) -> bool:
    """Whether this request may be answered from the cache (and its answer stored)."""
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith(EXCLUDED_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
        return False
    private_cookies = (settings.SESSION_COOKIE_NAME, getattr(settings, "MESSAGES_COOKIE_NAME", "messages"))
    return not any(name in request.COOKIES for name in private_cookies)


def is_storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in UNCACHEABLE)


def _mark_public(response) -> None:
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SECONDS)
    patch_vary_headers(response, ["Cookie"])


def _rebuild(stored) -> HttpResponse:
    content, headers = stored
    return HttpResponse(content, headers=headers)


class PageCacheMiddleware:
    """Answers eligible requests from the page cache and stores eligible answers (see the module docstring).

    Placed after the security, CORS and static-file middleware (they add their headers to a cached answer
    too) and before sessions, CSRF and authentication (so it sees the cookies they set)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_eligible(request):
            response = self.get_response(request)
            response[HEADER] = "bypass"
            return response
        try:
            key = page_cache_key(request)
            stored = cache.get(key)
        except CACHE_ERRORS:  # the cache is down: render the page (healthz reports the cache)
            logger.warning("Page cache unavailable; serving %s uncached", request.path, exc_info=True)
            response = self.get_response(request)
            response[HEADER] = "bypass"
            return response
        if stored is not None:
            response = _rebuild(stored)
            # A client holding this answer already (the API's ETag) gets a 304, as the view would give.
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            response = get_conditional_response(
                request, etag=response.get("ETag"), last_modified=last_modified, response=response
            )
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if is_storable(request, response):
            _mark_public(response)
            try:
                cache.set(key, (response.content, dict(response.items())), settings.PAGE_CACHE_SECONDS)
            except CACHE_ERRORS:
                logger.warning("Page cache unavailable; %s not stored", request.path, exc_info=True)
        response[HEADER] = "miss"
        return response
