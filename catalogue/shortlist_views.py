"""The shortlist pages: add and remove (POST, then back to the page the button was on), the shortlist
itself, its CSV and the printable commissioning pack.

Why add and remove carry no CSRF token (csrf_exempt): rendering {% csrf_token %} on every programme card
would set a CSRF cookie on every public page and make them all uncacheable. The token is not needed:
- the session cookie is SameSite=Lax (config/settings.py), so a POST from another site carries no
  session and cannot change anyone's shortlist;
- we also refuse a POST the browser marks as cross-site (Sec-Fetch-Site) or that names another origin,
  so another site cannot even replace a visitor's session cookie with a fresh one;
- the shortlist holds no private data (slugs of published pages) and only accepts published slugs.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import pack, shortlist
from .costs import COST_RATING_CAVEAT
from .exports import programmes_csv_response
from .forms import MAX_COMPARED, MIN_COMPARED
from .models import Programme


def _same_site(request) -> bool:
    """Whether a POST comes from one of our own pages, as far as the browser tells us.

    Browsers send Sec-Fetch-Site (or at least Origin) on every POST; a client that sends neither
    (a test client, curl) is let through: SameSite=Lax already keeps the visitor's session out of it.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if not origin:
        return True
    ours = urlsplit(request.build_absolute_uri("/"))
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc)


def _back(request, fallback: str):
    """Redirect to the page the form was on (`next`), if it is one of ours; else to `fallback`."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _change(request, change):
    if not _same_site(request):
        raise PermissionDenied("The shortlist can only be changed from this site's pages.")
    done, message = change(request, request.POST.get("slug", ""))
    (messages.success if done else messages.info)(request, message, extra_tags="shortlist")
    return _back(request, reverse("catalogue:shortlist"))


@csrf_exempt  # see the module docstring for why this is safe
@require_POST
def shortlist_add(request):
    return _change(request, shortlist.add)


@csrf_exempt  # see the module docstring for why this is safe
@require_POST
def shortlist_remove(request):
    return _change(request, shortlist.remove)


def shortlist_page(request):
    programmes = shortlist.Shortlist(request).programmes(Programme.objects.published().for_listing())
    context = {
        "programmes": programmes,
        "max_shortlisted": shortlist.MAX_SHORTLISTED,
        "keep_days": settings.SESSION_COOKIE_AGE // 86400,
        "min_compared": MIN_COMPARED,
        "max_compared": MAX_COMPARED,
        "compare_all": MIN_COMPARED <= len(programmes) <= MAX_COMPARED,
        "compare_some": len(programmes) >= MIN_COMPARED,
    }
    return render(request, "catalogue/shortlist.html", context)


def shortlist_export(request):
    """The shortlisted programmes as CSV, in the order they were added (the list's CSV columns)."""
    programmes = shortlist.Shortlist(request).programmes(Programme.objects.published().for_csv())
    return programmes_csv_response(programmes, request)


def shortlist_pack(request):
    """The commissioning pack: one printable page per shortlisted programme, a summary of the evidence."""
    programmes = shortlist.Shortlist(request).programmes(Programme.objects.published().for_detail())
    context = {
        "pages": [pack.pack_page(programme) for programme in programmes],
        "today": timezone.localdate(),
        "cost_caveat": COST_RATING_CAVEAT,
    }
    return render(request, "catalogue/shortlist_pack.html", context)
