"""The 404 and 500 pages (templates/404.html, templates/500.html, config/errors.py), as a visitor sees them
with DEBUG off."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("Something underneath failed.")


# This module is the URLconf of the 500 tests (pytest.mark.urls): the site's own, plus a view that raises.
urlpatterns = [path("test-error/", broken_view), *site_urlpatterns]
__all__ = ["handler500", "urlpatterns"]


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_page_is_in_the_site_design_with_a_way_back(client):
    response = client.get("/programmes/no-such-programme/")

    body = text(response)
    assert response.status_code == 404
    assert "<title>Page not found – Evidence Guidebook</title>" in body
    assert '<h1 class="govuk-heading-xl">Page not found</h1>' in body
    assert 'class="govuk-service-navigation"' in body  # the site's header, not Django's plain page
    assert 'href="/"' in body
    assert 'action="/programmes/"' in body and 'name="q"' in body
    assert "no-such-programme" not in body  # the visitor's address is not echoed back


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404_for_an_unknown_address_outside_the_catalogue(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert "Page not found" in text(response)


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_500_page_is_in_the_site_design_with_a_way_back():
    # No database in this test: a page that touched it (the database may be what failed) would raise,
    # and the handler would send the plain fallback, which has no service navigation.
    client = Client(raise_request_exception=False)

    response = client.get("/test-error/")

    body = text(response)
    assert response.status_code == 500
    assert '<h1 class="govuk-heading-xl">Sorry, there is a problem with the service</h1>' in body
    assert 'class="govuk-service-navigation"' in body
    assert 'href="/"' in body and 'action="/programmes/"' in body
    assert "Something underneath failed." not in body  # no internals shown


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_500_page_falls_back_to_plain_html_when_the_page_cannot_be_drawn(monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise ValueError("The static manifest has no entry for css/site.css.")

    monkeypatch.setattr("config.errors.render_to_string", fail)
    client = Client(raise_request_exception=False)

    response = client.get("/test-error/")

    body = text(response)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert '<a href="/">Go to the home page</a>' in body
    assert "The 500 page could not be rendered" in caplog.text
