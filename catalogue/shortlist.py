"""A commissioner's shortlist: published programmes kept in the session, without an account.

The session holds only a list of programme slugs (key "shortlist"), in the order they were added.
Nothing in it is private: it is a list of public pages. Every read checks the slugs against the
published programmes, so a programme unpublished after it was shortlisted drops out, with a message.

Reading never creates a session: a visitor without a session cookie has an empty shortlist and the
page they get sets no cookie and does not vary on one, so it stays cacheable for everyone else.
"""

from django.conf import settings
from django.contrib import messages
from django.core.validators import slug_re
from django.utils.functional import cached_property

from .models import Programme

SESSION_KEY = "shortlist"
MAX_SHORTLISTED = 20
# A slug longer than any real one is not looked up (Programme.slug is a SlugField of this length).
MAX_SLUG_LENGTH = 200


def has_session(request) -> bool:
    """Whether the request carries a session cookie: only then can it have a shortlist."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def stored_slugs(request) -> list[str]:
    """The slugs in the session as stored (not yet checked against what is published)."""
    if not has_session(request):
        return []
    value = request.session.get(SESSION_KEY, [])
    # A session is only ever written by this module, but a list of strings is all we trust it to hold.
    if not isinstance(value, list):
        return []
    return [slug for slug in value if isinstance(slug, str)][:MAX_SHORTLISTED]


def _store(request, slugs: list[str]) -> None:
    request.session[SESSION_KEY] = slugs


def clean_slug(value) -> str:
    """The value if it could be a programme's slug, else "" (never looked up: PostgreSQL refuses a NUL byte)."""
    value = (value or "").strip()
    return value if len(value) <= MAX_SLUG_LENGTH and slug_re.match(value) else ""


class Shortlist:
    """The request's shortlist, checked against published programmes once per request (one query)."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def slugs(self) -> list[str]:
        """Published slugs on the shortlist, in the order added. Drops (and says so) any no longer published."""
        stored = stored_slugs(self.request)
        if not stored:
            return []
        published = set(Programme.objects.published().filter(slug__in=stored).values_list("slug", flat=True))
        kept = [slug for slug in stored if slug in published]
        dropped = len(stored) - len(kept)
        if dropped:
            _store(self.request, kept)
            messages.info(
                self.request,
                "A programme on your shortlist is no longer published, so we have removed it."
                if dropped == 1
                else f"{dropped} programmes on your shortlist are no longer published, so we have removed them.",
                extra_tags="shortlist",
            )
        return kept

    def __len__(self) -> int:
        return len(self.slugs)

    def __contains__(self, slug) -> bool:
        return slug in self.slugs

    def programmes(self, queryset) -> list[Programme]:
        """The shortlisted programmes from `queryset` (published, with its prefetches), in the order added."""
        if not self.slugs:
            return []
        found = {programme.slug: programme for programme in queryset.filter(slug__in=self.slugs)}
        return [found[slug] for slug in self.slugs if slug in found]


def add(request, slug: str) -> tuple[bool, str]:
    """Add a published programme by slug: (whether it was added, what to tell the user)."""
    slug = clean_slug(slug)
    programme = Programme.objects.published().filter(slug=slug).only("name", "slug").first() if slug else None
    if programme is None:
        return False, "We could not find that programme, so your shortlist has not changed."
    slugs = Shortlist(request).slugs
    if programme.slug in slugs:
        return False, f"{programme.name} is already on your shortlist."
    if len(slugs) >= MAX_SHORTLISTED:
        return False, (
            f"Your shortlist is full: it holds up to {MAX_SHORTLISTED} programmes. Remove one to add {programme.name}."
        )
    _store(request, [*slugs, programme.slug])
    return True, f"{programme.name} has been added to your shortlist."


def remove(request, slug: str) -> tuple[bool, str]:
    """Remove a programme by slug: (whether it was there, what to tell the user)."""
    slug = clean_slug(slug)
    stored = stored_slugs(request)
    if slug not in stored:
        return False, "That programme was not on your shortlist."
    _store(request, [s for s in stored if s != slug])
    name = Programme.objects.published().filter(slug=slug).values_list("name", flat=True).first()
    # A programme unpublished since it was added is not named: its name is no longer public.
    return True, f"{name or 'The programme'} has been removed from your shortlist."


def context(request) -> dict:
    """Template context: `shortlist`, read (and checked) only if a template uses it."""
    return {"shortlist": Shortlist(request)}
