"""Sign-in rules beyond Django's: demo accounts only on a local run, and a lockout page that says
how long the lock lasts."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from catalogue.management.commands.create_demo_users import DEMO_ACCOUNTS

DEMO_USERNAMES = frozenset(username for username, *_ in DEMO_ACCOUNTS)


class RefuseDemoAccountsBackend:
    """Refuses the demo usernames (their passwords are printed by `make run`) unless DEBUG is on.

    Raising PermissionDenied stops Django trying the backends after this one, so a demo account
    left in a production database cannot sign in even with the right password.
    """

    def authenticate(self, request, username=None, **kwargs):
        if username in DEMO_USERNAMES and not settings.DEBUG:
            raise PermissionDenied("Demo accounts can sign in only on a local run (DEBUG on).")
        return None  # not a demo account, or a local run: the next backend decides

    # No get_user(): Django's test client and session code take the first backend that has one to
    # load the signed-in user, and that must remain ModelBackend.


def describe_duration(delta) -> str:
    """A cool-off as words: "1 hour", "90 minutes", "2 hours"."""
    minutes = round(delta.total_seconds() / 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def lockout_response(request, original_response=None, credentials=None):
    """The page axes shows a locked-out sign-in: what happened and when to try again (HTTP 429)."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff": describe_duration(get_cool_off(request)),
    }
    return render(request, "account_locked.html", context, status=429)
