"""The server error page: the site's own 500 page whenever it can be drawn, plain HTML when it cannot.

Django's default handler renders 500.html without a request, so without context processors, which is
what we want (the failure may be the database, a context processor or the session). But if the page
itself cannot be drawn (a URL that no longer reverses, a missing static manifest entry), the default
handler raises and the visitor gets the server's bare error. This one falls back to a page that
needs nothing.
"""

import logging

from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

FALLBACK = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Sorry, there is a problem with the service – Evidence Guidebook</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<main>
<h1>Sorry, there is a problem with the service</h1>
<p>Try again later. If you were sending a form, nothing may have been saved: go back and check.</p>
<p><a href="/">Go to the home page</a> or <a href="/programmes/">search the programmes</a>.</p>
</main>
</body>
</html>
"""


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """500.html rendered without the request (no context processors, no database); FALLBACK if that fails."""
    try:
        body = render_to_string(template_name)
    except Exception:
        # Already handling an error: log this one too, and still answer with a page a person can use.
        logger.exception("The 500 page could not be rendered; sent the plain fallback instead.")
        body = FALLBACK
    return HttpResponseServerError(body)
