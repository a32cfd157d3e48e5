"""The catalogue's version number in the shared cache: cached public pages are keyed on it.

Publishing (or any write the public can see) calls `bump_catalogue_version()`; every app server then
reads the new number and stops serving pages cached under the old one, which expire on their own
(PAGE_CACHE_SECONDS). With Redis (REDIS_URL) all servers share the number; with the local-memory
default each process has its own, which is right for one process and harmless in tests.

If the cache loses the key (a restart, eviction) the version reads 1 again; pages cached before then
live at most PAGE_CACHE_SECONDS, so that is as stale as a page can get.
"""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "catalogue:version"


def catalogue_version() -> int:
    """The current catalogue version: 1 until the first bump."""
    return cache.get(VERSION_KEY, 1)


def bump_catalogue_version() -> int:
    """Move the catalogue to a new version (atomic on Redis, so concurrent bumps never collide); returns it."""
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:  # no key yet: it read as 1, so the first bump makes 2
        if cache.add(VERSION_KEY, 2, timeout=None):
            return 2
        return cache.incr(VERSION_KEY)  # another process created it between our incr and add


def catalogue_changed() -> None:
    """Record that the public catalogue may have changed: every cached page is stale from now on.

    Called by each service that writes what the public can see (catalogue.services, catalogue.workflow),
    so the admin, imports, commands and the API all bump the version. It bumps at once and again when the
    transaction commits: a page rendered between the two from the old rows would otherwise be cached under
    the new version and outlive the write.
    """
    bump_catalogue_version()
    transaction.on_commit(bump_catalogue_version, robust=True)
