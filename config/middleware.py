"""Request hardening shared by every page and API endpoint.

- `CleanQueryMiddleware`: every query-string value is cleaned once, before any view, filter or
  serializer reads it, so no view needs its own guard. PostgreSQL refuses NUL in a string
  literal ("A string literal cannot contain NUL"), so a stray %00 used to be a server error.
- `PermissionsPolicyMiddleware`: the Permissions-Policy header (Django has no setting for it).
- `RequestTooBigMiddleware`: a post over MAX_REQUEST_SIZE (an upload) or DATA_UPLOAD_MAX_MEMORY_SIZE
  (form text) gets a 413 page that says what happened, not a 400 "Bad Request".
"""

import unicodedata

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string

MAX_PARAMETER_LENGTH = 500  # longer than any slug list or search text a page offers (search keeps 200)
MAX_PARAMETER_VALUES = 50  # repeated values of one parameter (?p=a&p=b...): compare takes at most a few


def clean_parameter(value: str) -> str:
    """`value` without control characters (NUL included) and no longer than MAX_PARAMETER_LENGTH."""
    if value.isprintable():  # the common case: nothing to strip
        return value[:MAX_PARAMETER_LENGTH]
    kept = "".join(ch for ch in value if not unicodedata.category(ch).startswith("C") or ch in "\t ")
    return kept[:MAX_PARAMETER_LENGTH]


def clean_query_dict(query: QueryDict) -> QueryDict:
    """A copy of `query` with every key and value cleaned and each parameter's values bounded."""
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(clean_parameter(key), [clean_parameter(value) for value in values[:MAX_PARAMETER_VALUES]])
    cleaned._mutable = False
    return cleaned


class CleanQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = clean_query_dict(request.GET)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Turns off browser features the site never uses, for our pages and any frame of them."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class RequestTooBigMiddleware:
    """A post larger than the settings allow gets a clear 413 page.

    Django raises RequestDataTooBig lazily, when the view first reads request.POST; reading it here
    (for posts only) brings the error forward to where it can be answered properly.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            # Checked before reading: file uploads do not count towards DATA_UPLOAD_MAX_MEMORY_SIZE.
            length = request.META.get("CONTENT_LENGTH") or "0"
            if length.isdigit() and int(length) > settings.MAX_REQUEST_SIZE:
                return self.too_big(request, upload=True)
            try:
                request.POST  # noqa: B018 - parses the body now, so a too-large one fails here
            except RequestDataTooBig:
                return self.too_big(request)
            except TooManyFieldsSent:
                return self.too_big(request, fields=True)
        return self.get_response(request)

    def too_big(self, request, fields=False, upload=False):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        if upload:
            reason = (
                f"The upload is larger than {settings.MAX_REQUEST_SIZE / 1024 / 1024:g} MB, the most the site "
                "accepts. Split the import file, or load it on the server with `manage.py import_rows` "
                "(see docs/deployment.md)."
            )
        elif fields:
            reason = f"The form sent more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields."
        else:
            reason = (
                f"The form sent more than {limit_mb:g} MB of text. No field needs that much: the longest "
                "narrative takes 20,000 characters. Shorten the text, or for a large import file use "
                "`manage.py import_rows` (see docs/deployment.md)."
            )
        body = render_to_string("413.html", {"reason": reason}, request=request)
        return HttpResponse(body, status=413)
