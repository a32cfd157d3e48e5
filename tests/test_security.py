"""Secure by default: headers on every page, and a rate-limited admin login."""

import datetime

import pytest
from django.urls import reverse

from config.auth import describe_duration

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


# --- login lockout behind the TLS proxy (issue 10) ------------------------------------------------
def login_from(client, password, *, forwarded_for, proxy="10.0.0.254", username="ana"):
    """A sign-in as the proxy passes it on: the proxy's address, the client's appended to X-Forwarded-For."""
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_one_proxy(settings):
    """The settings TRUSTED_PROXY_COUNT=1 produces (tests/test_settings.py checks that)."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


def test_attacker_elsewhere_cannot_lock_out_the_account_owner(client, analyst, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "wrong", forwarded_for="203.0.113.9")  # the attacker, through the proxy
    client.cookies.clear()

    response = login_from(client, "pw-for-tests", forwarded_for="198.51.100.7")  # the owner, elsewhere

    assert response.status_code == 302


def test_attacker_is_locked_out_by_their_own_address_behind_the_proxy(client, analyst, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "wrong", forwarded_for="203.0.113.9")

    response = login_from(client, "pw-for-tests", forwarded_for="203.0.113.9")

    assert response.status_code == 429


def test_spoofed_forwarded_address_does_not_escape_the_lockout(client, analyst, settings, behind_one_proxy):
    # A client may write anything into X-Forwarded-For; the proxy appends the real address last.
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "wrong", forwarded_for=f"192.0.2.{n}, 203.0.113.9")

    response = login_from(client, "pw-for-tests", forwarded_for="192.0.2.200, 203.0.113.9")

    assert response.status_code == 429


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, analyst, settings):
    # The default (TRUSTED_PROXY_COUNT=0): only the connection's own address counts.
    for n in range(settings.AXES_FAILURE_LIMIT):
        login_from(client, "wrong", forwarded_for=f"192.0.2.{n}", proxy="203.0.113.9")

    response = login_from(client, "pw-for-tests", forwarded_for="192.0.2.200", proxy="203.0.113.9")

    assert response.status_code == 429


def test_lockout_message_says_how_long_it_lasts(client, analyst, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "wrong")

    response = login(client, "pw-for-tests")

    assert response.status_code == 429
    assert "Sign-in locked for 1 hour" in response.text
    assert "try again in 1 hour" in response.text


@pytest.mark.parametrize(("minutes", "words"), [(60, "1 hour"), (120, "2 hours"), (90, "90 minutes"), (1, "1 minute")])
def test_describe_duration(minutes, words):
    assert describe_duration(datetime.timedelta(minutes=minutes)) == words


# --- demo accounts only on a local run -----------------------------------------------------------
def make_demo_user(django_user_model):
    return django_user_model.objects.create_user(username="analyst", password="analyst-demo", is_staff=True)


def test_demo_account_cannot_sign_in_when_debug_is_off(client, django_user_model, settings):
    make_demo_user(django_user_model)
    settings.DEBUG = False

    response = client.post(reverse("admin:login"), {"username": "analyst", "password": "analyst-demo"})

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_demo_account_signs_in_on_a_local_run(client, django_user_model, settings):
    make_demo_user(django_user_model)
    settings.DEBUG = True

    response = client.post(reverse("admin:login"), {"username": "analyst", "password": "analyst-demo"})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
