"""/healthz: 200 with each dependency "ok" when the database and cache answer, 503 when one does not;
never cached, and reachable over plain HTTP at any host name, as a load balancer probes it."""

import pytest
from django.conf import settings
from django.db import connections

# With DATABASE_REPLICA_URL set, /healthz checks the replica too.
pytestmark = pytest.mark.django_db(databases=list(settings.DATABASES))
REPLICA = {"replica": "ok"} if "replica" in settings.DATABASES else {}


def test_healthz_reports_database_and_cache_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", **REPLICA}
    assert "no-store" in response["Cache-Control"]


def test_healthz_with_trailing_slash_answers_too(client):
    assert client.get("/healthz/").json() == {"database": "ok", "cache": "ok", **REPLICA}


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(connections["default"], "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "error", "cache": "ok", **REPLICA}
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_the_cache_loses_what_it_stored(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "error", **REPLICA}


def test_healthz_is_not_redirected_to_https_nor_host_checked(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["guidebook.example.org"]

    probe = client.get("/healthz", HTTP_HOST="10.0.0.7")
    page = client.get("/guidance/evidence-ratings/", HTTP_HOST="guidebook.example.org")

    assert probe.status_code == 200
    assert page.status_code == 301  # every other page still goes to HTTPS
    assert page["Location"].startswith("https://")
