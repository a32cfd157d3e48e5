"""Read replicas: anonymous public reads go to the `replica` database, everything else to `default`.

A streaming replica lags the primary by a little, so only requests that cannot notice the lag use it:
`ReplicaMiddleware` marks a request as replica-safe when it is a GET or HEAD from an anonymous visitor
outside the admin. Staff, signed-in users, the admin and every POST read the primary, and so does the
rest of a request once it has written anything (a visitor's own write must be visible to them at once).
Writes always go to the primary. Outside a request (commands, the shell, tasks) everything uses the
primary too. Nothing changes unless DATABASE_REPLICA_URL is set (settings.DATABASE_REPLICA_READS).
"""

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
PRIMARY = "default"

# "replica": this request may read the replica; "primary": it may not, or it has written.
_route: ContextVar[str] = ContextVar("database_route", default="primary")


def may_read_replica(request) -> bool:
    """A GET or HEAD by an anonymous visitor to a public page: what the replica may answer."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.path.startswith("/admin/"):
        return False
    # Touching request.user reads the session (from the primary: the route is not set yet).
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


class ReplicaMiddleware:
    """Marks each request as replica-safe or not, for `ReplicaRouter`. Goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_replica = settings.DATABASE_REPLICA_READS and may_read_replica(request)
        token = _route.set("replica" if use_replica else "primary")
        try:
            return self.get_response(request)
        finally:
            # A streaming body (the CSV export) is read after this returns, on the primary: safe.
            _route.reset(token)


class ReplicaRouter:
    """Sends a replica-safe request's reads to `replica`, and every write (and what follows it) to `default`."""

    def db_for_read(self, model, **hints):
        if _route.get() == "replica" and settings.DATABASE_REPLICA_READS:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        # From now on this request reads its own writes: the replica may not have them yet.
        _route.set("primary")
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY  # a hot standby is read-only; it replays the primary's migrations


def current_route() -> str:
    """ "replica" or "primary": where this request's reads go now (for tests and logging)."""
    return _route.get()
