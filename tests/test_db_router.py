"""Which requests may read the replica, and how the router follows a request's writes.

These check the decisions; tests/test_replica.py checks them against a real streaming replica.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from catalogue.models import Programme
from config.db_router import ReplicaMiddleware, ReplicaRouter, current_route, may_read_replica


@pytest.fixture
def factory():
    return RequestFactory()


def anonymous(request):
    request.user = AnonymousUser()
    return request


class SignedIn:
    is_authenticated = True


@pytest.mark.parametrize("method", ["get", "head"])
def test_anonymous_public_read_may_use_replica(factory, method):
    assert may_read_replica(anonymous(getattr(factory, method)("/programmes/")))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_never_use_replica(factory, method):
    assert not may_read_replica(anonymous(getattr(factory, method)("/programmes/")))


def test_signed_in_users_read_the_primary(factory):
    request = factory.get("/programmes/")
    request.user = SignedIn()
    assert not may_read_replica(request)


def test_admin_reads_the_primary_even_before_sign_in(factory):
    assert not may_read_replica(anonymous(factory.get("/admin/login/")))


def routes_seen(settings, request, view):
    """Run `view` behind ReplicaMiddleware and return where reads went at each step it records."""
    seen = []

    def get_response(request):
        view(seen)
        return HttpResponse()

    ReplicaMiddleware(get_response)(request)
    return seen


def read_target():
    return ReplicaRouter().db_for_read(Programme)


def test_router_sends_an_anonymous_get_to_the_replica(settings, factory):
    settings.DATABASE_REPLICA_READS = True

    seen = routes_seen(settings, anonymous(factory.get("/")), lambda seen: seen.append(read_target()))

    assert seen == ["replica"]
    assert current_route() == "primary"  # nothing leaks past the request


def test_router_reads_the_primary_after_a_write_in_the_same_request(settings, factory):
    settings.DATABASE_REPLICA_READS = True

    def view(seen):
        seen.append(read_target())
        seen.append(ReplicaRouter().db_for_write(Programme))
        seen.append(read_target())

    assert routes_seen(settings, anonymous(factory.get("/")), view) == ["replica", "default", "default"]


def test_router_keeps_everything_on_the_primary_without_a_replica(settings, factory):
    settings.DATABASE_REPLICA_READS = False

    assert routes_seen(settings, anonymous(factory.get("/")), lambda seen: seen.append(read_target())) == ["default"]


def test_router_keeps_posts_and_code_outside_requests_on_the_primary(settings, factory):
    settings.DATABASE_REPLICA_READS = True

    seen = routes_seen(settings, anonymous(factory.post("/")), lambda seen: seen.append(read_target()))

    assert seen == ["default"]
    assert read_target() == "default"  # a command or the shell


def test_router_migrates_only_the_primary():
    assert ReplicaRouter().allow_migrate("default", "catalogue")
    assert not ReplicaRouter().allow_migrate("replica", "catalogue")
