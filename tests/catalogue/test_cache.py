"""The catalogue version in the cache: 1 until bumped, bumps count up, on local memory and on Redis."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.test import override_settings

from catalogue.cache import VERSION_KEY, bump_catalogue_version, catalogue_version
from tests.conftest import skip_or_fail


def locmem():
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{uuid.uuid4()}"}


def redis():
    url = os.environ.get("REDIS_URL")
    if not url:
        skip_or_fail("needs Redis (set REDIS_URL, e.g. redis://127.0.0.1:6379/5)")
    # A prefix of its own, so parallel runs sharing the Redis database never see each other's keys.
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": str(uuid.uuid4())}


@pytest.fixture(params=[pytest.param(locmem, id="locmem"), pytest.param(redis, id="redis", marks=pytest.mark.redis)])
def backend(request):
    with override_settings(CACHES={"default": request.param()}):
        yield caches["default"]
        caches["default"].delete(VERSION_KEY)


def test_catalogue_version_is_1_before_any_bump(backend):
    assert catalogue_version() == 1


def test_bump_catalogue_version_moves_on_from_1_when_missing(backend):
    assert bump_catalogue_version() == 2
    assert catalogue_version() == 2


def test_bump_catalogue_version_counts_up(backend):
    bump_catalogue_version()
    bump_catalogue_version()

    assert bump_catalogue_version() == 4
    assert catalogue_version() == 4


def test_bump_catalogue_version_recovers_after_the_cache_loses_the_key(backend):
    bump_catalogue_version()
    backend.clear()

    assert catalogue_version() == 1
    assert bump_catalogue_version() == 2


@pytest.mark.redis
def test_concurrent_bumps_on_redis_each_get_their_own_version():
    with override_settings(CACHES={"default": redis()}):
        with ThreadPoolExecutor(max_workers=8) as pool:
            versions = list(pool.map(lambda _: bump_catalogue_version(), range(40)))
        caches["default"].delete(VERSION_KEY)

    assert sorted(versions) == list(range(2, 42))
