"""Secure by default: headers on every page, and a rate-limited admin login."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_send_csp_and_secure_headers(client):
    response = client.get(reverse("catalogue:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp  # no 'unsafe-inline': templates carry no inline script
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def login(client, password):
    return client.post(
        reverse("admin:login"), {"username": "ana", "password": password, "next": "/admin/"}, REMOTE_ADDR="10.0.0.1"
    )


def test_admin_login_succeeds_with_right_password(client, analyst):
    response = login(client, "pw-for-tests")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_login_locks_out_after_repeated_failures(client, analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong")

    response = login(client, "pw-for-tests")  # even the right password is refused now

    assert response.status_code == 429
    assert b"locked" in response.content.lower()
