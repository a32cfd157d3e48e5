"""Shared fixtures, and the rules for tests that need PostgreSQL or Chromium.

Such tests skip on a machine without them, but under CI (CI=true) a missing dependency
fails the run instead, so a green CI always means every test really ran.
"""

import os

import pytest
from django.db import connection

ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher():
    """MD5 instead of PBKDF2 for every test: each user created would otherwise cost a few hundred ms.

    Only tests hash passwords this way; production keeps Django's default hashers (config/settings.py).
    """
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so the API's anonymous rate limit counts one test's requests only."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Tests change rows with factories, which (unlike the services) do not bump the catalogue version, and
    then read the page again: the page cache is off unless a test turns it on (tests/test_page_cache.py)."""
    settings.PAGE_CACHE_SECONDS = 0


def pytest_collection_modifyitems(config, items):
    is_postgres = connection.vendor == "postgresql"
    for item in items:
        if "postgres" in item.keywords and not is_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)"))


def skip_or_fail(message):
    """Skip a test whose service is missing; under CI, fail instead."""
    if ON_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _primary_only_unless_replica_test(request, settings):
    """Ordinary tests read and write one database: their rows live in a transaction the replica cannot
    see. Tests marked `replica` turn replica reads on themselves (tests/test_replica.py)."""
    if "replica" not in request.keywords:
        settings.DATABASE_REPLICA_READS = False


@pytest.fixture
def analyst(django_user_model):
    """A staff user with every catalogue and reviews permission, as the demo analyst has."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="ana", password="pw-for-tests", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["catalogue", "reviews"]))
    return user


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


# --- users in the editorial roles created by catalogue/migrations/0006_roles.py ----
def _role_user(django_user_model, username, role):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def role_analyst(django_user_model):
    """A staff user in the analyst group only: edits and submits, cannot publish."""
    return _role_user(django_user_model, "role-analyst", "analyst")


@pytest.fixture
def publisher(django_user_model):
    """A staff user in the publisher group."""
    return _role_user(django_user_model, "role-publisher", "publisher")


@pytest.fixture
def role_analyst_client(role_analyst):
    from django.test import Client

    client = Client()  # its own client, so a test can act as an analyst and a publisher in turn
    client.force_login(role_analyst)
    return client


@pytest.fixture
def publisher_client(publisher):
    from django.test import Client

    client = Client()
    client.force_login(publisher)
    return client
