"""The page cache (config/page_cache.py): anonymous public GETs from the cache, fresh after every publish,
never for a signed-in user, a session, a draft, an error or a response that sets a cookie."""

import io
import socket
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings

from catalogue import workflow
from catalogue.cache import VERSION_KEY, catalogue_version
from tests.conftest import skip_or_fail
from tests.factories import DraftProgrammeFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/2"


def locmem():
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"test-{uuid.uuid4()}"}


def redis():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        skip_or_fail(f"needs Redis at {REDIS_URL}")
    # A prefix of its own, so parallel runs sharing the Redis database never see each other's keys.
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": str(uuid.uuid4()),
    }


@pytest.fixture(params=[pytest.param(locmem, id="locmem"), pytest.param(redis, id="redis", marks=pytest.mark.redis)])
def page_cache(request, settings):
    """Page caching on (tests/conftest.py turns it off elsewhere), over local memory and over Redis."""
    settings.PAGE_CACHE_SECONDS = 300
    with override_settings(CACHES={"default": request.param()}):
        yield caches["default"]
        caches["default"].clear()


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.headers.get("X-Cache")


# --------------------------------------------------------------------------- what is cached


def test_second_anonymous_request_is_a_hit_with_the_same_page(client, page_cache):
    ProgrammeFactory(name="Family Foundations")

    first, first_state = get(client, "/programmes/")
    second, second_state = get(client, "/programmes/")

    assert (first_state, second_state) == ("miss", "hit")
    assert second.status_code == 200
    assert second.content == first.content
    assert "Family Foundations" in second.content.decode()
    assert "s-maxage=300" in second["Cache-Control"]
    assert "Cookie" in second["Vary"]


def test_parameters_in_another_order_share_one_entry(client, page_cache):
    ProgrammeFactory()

    get(client, "/programmes/?min_evidence=3&sort=name")
    _, state = get(client, "/programmes/?sort=name&min_evidence=3")

    assert state == "hit"


def test_compare_keeps_the_order_of_programmes_in_its_key(client, page_cache):
    ProgrammeFactory(name="Alpha", slug="alpha")
    ProgrammeFactory(name="Beta", slug="beta")

    get(client, "/programmes/compare/?p=alpha&p=beta")
    _, state = get(client, "/programmes/compare/?p=beta&p=alpha")

    assert state == "miss"


def test_api_hit_answers_a_matching_etag_with_304(client, page_cache):
    ProgrammeFactory()
    first, _ = get(client, "/api/v1/programmes/")

    again = client.get("/api/v1/programmes/", headers={"If-None-Match": first["ETag"]})

    assert again["X-Cache"] == "hit"
    assert again.status_code == 304


def test_page_cache_seconds_0_turns_caching_off(client, page_cache, settings):
    settings.PAGE_CACHE_SECONDS = 0
    ProgrammeFactory()

    get(client, "/programmes/")
    _, state = get(client, "/programmes/")

    assert state == "bypass"


# --------------------------------------------------------------------------- freshness


def test_one_publish_makes_every_public_view_fresh_at_once(client, page_cache, publisher):
    ProgrammeFactory(name="Already Here")
    draft = DraftProgrammeFactory(name="Zebra Parenting", slug="zebra-parenting")
    urls = ["/", "/programmes/", "/api/v1/programmes/", "/api/v1/changes/", "/feeds/changes/"]
    before = {url: client.get(url).content.decode() for url in urls}
    assert all(client.get(url)["X-Cache"] == "hit" for url in urls)  # really cached
    assert client.get("/programmes/zebra-parenting/").status_code == 404
    assert client.get("/api/v1/programmes/zebra-parenting/").status_code == 404

    workflow.publish(obj=draft, user=publisher, change_note="First published.")

    after = {url: client.get(url) for url in urls}
    assert all(response["X-Cache"] == "miss" for response in after.values())
    for url in ["/programmes/", "/api/v1/programmes/", "/api/v1/changes/", "/feeds/changes/"]:
        assert "Zebra Parenting" not in before[url]
        assert "Zebra Parenting" in after[url].content.decode(), url
    assert "1 programme for children" in before["/"]
    assert "2 programmes for children" in after["/"].content.decode()
    assert "Zebra Parenting" in client.get("/programmes/zebra-parenting/").content.decode()
    assert client.get("/api/v1/programmes/zebra-parenting/").json()["name"] == "Zebra Parenting"


@pytest.mark.parametrize("step", ["unpublish", "archive"])
def test_taking_a_programme_off_the_site_empties_the_cached_pages(client, page_cache, publisher, step):
    programme = ProgrammeFactory(name="Leaving Soon", slug="leaving-soon")
    assert client.get("/programmes/leaving-soon/").status_code == 200
    assert "Leaving Soon" in client.get("/programmes/").content.decode()

    getattr(workflow, step)(obj=programme, user=publisher, change_note="Withdrawn by the developer.")

    assert client.get("/programmes/leaving-soon/").status_code == 404
    assert "Leaving Soon" not in client.get("/programmes/").content.decode()


def test_every_status_change_bumps_the_version(page_cache, publisher):
    programme = DraftProgrammeFactory()
    versions = [catalogue_version()]
    workflow.submit_for_review(obj=programme, user=publisher)
    versions.append(catalogue_version())
    workflow.return_to_draft(obj=programme, user=publisher)
    versions.append(catalogue_version())

    assert versions[0] < versions[1] < versions[2]


def test_the_bump_is_repeated_when_the_transaction_commits(page_cache, publisher, django_capture_on_commit_callbacks):
    programme = DraftProgrammeFactory()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.publish(obj=programme, user=publisher, change_note="First published.")

    assert callbacks  # a page rendered from the old rows between the two bumps dies with the second
    assert page_cache.get(VERSION_KEY) >= 3


def test_an_admin_save_of_a_lookup_bumps_the_version(page_cache, publisher_client):
    before = catalogue_version()

    response = publisher_client.post(
        "/admin/catalogue/agegroup/add/", {"name": "Young adults", "slug": "young-adults", "order": 9}
    )

    assert response.status_code == 302
    assert catalogue_version() > before


def test_load_real_data_bumps_the_version(page_cache):
    before = catalogue_version()

    call_command("load_real_data", verbosity=0, stdout=io.StringIO())

    assert catalogue_version() > before


# --------------------------------------------------------------------------- never cached


def test_a_signed_in_user_is_never_served_a_cached_page(client, page_cache, publisher_client):
    ProgrammeFactory()
    get(client, "/programmes/")
    get(client, "/programmes/")  # cached now

    response = publisher_client.get("/programmes/")

    assert response["X-Cache"] == "bypass"
    assert "Sign out" in response.content.decode() or response.status_code == 200


def test_a_session_cookie_is_never_served_a_cached_page(client, page_cache):
    ProgrammeFactory()
    get(client, "/programmes/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-visitor-with-a-shortlist"

    _, state = get(client, "/programmes/")

    assert state == "bypass"


def test_a_draft_preview_is_never_stored_for_the_public(client, page_cache, publisher_client):
    DraftProgrammeFactory(name="Secret Draft", slug="secret-draft")

    preview = publisher_client.get("/programmes/secret-draft/")
    public = client.get("/programmes/secret-draft/")

    assert "Secret Draft" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"]
    assert public.status_code == 404
    assert "Secret Draft" not in client.get("/programmes/").content.decode()


def test_a_page_with_a_form_error_is_not_stored(client, page_cache):
    ProgrammeFactory()

    get(client, "/programmes/?page=banana")
    _, state = get(client, "/programmes/?page=banana")

    assert state == "miss"


def test_a_not_found_page_is_not_stored(client, page_cache):
    get(client, "/programmes/no-such-programme/")
    response, state = get(client, "/programmes/no-such-programme/")

    assert (response.status_code, state) == (404, "miss")


def test_admin_and_posts_are_never_cached(client, page_cache, publisher_client):
    assert publisher_client.get("/admin/")["X-Cache"] == "bypass"
    assert client.get("/admin/login/")["X-Cache"] == "bypass"
    assert client.post("/programmes/")["X-Cache"] == "bypass"


def test_a_response_that_sets_a_cookie_is_not_stored(rf, page_cache):
    from django.http import HttpResponse

    from config.page_cache import PageCacheMiddleware

    def view(request):
        response = HttpResponse("with a CSRF token")
        response.set_cookie("csrftoken", "token")
        return response

    middleware = PageCacheMiddleware(view)
    middleware(rf.get("/some-form/"))

    assert middleware(rf.get("/some-form/"))["X-Cache"] == "miss"


def test_an_unreachable_redis_serves_pages_uncached_not_a_500(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    unreachable = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    ProgrammeFactory(name="Still Served")

    with override_settings(CACHES={"default": unreachable}):
        response = client.get("/programmes/")

    assert response.status_code == 200
    assert response["X-Cache"] == "bypass"
    assert "Still Served" in response.content.decode()


def test_generate_synthetic_bumps_the_version(page_cache):
    before = catalogue_version()

    call_command("generate_synthetic", programmes=2, seed=1, stdout=io.StringIO(), stderr=io.StringIO())

    assert catalogue_version() > before


def test_every_catalogue_and_reviews_admin_marks_the_catalogue_changed_on_save():
    from django.contrib import admin

    from catalogue.admin.base import ChangesCatalogueAdmin

    ours = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"catalogue", "reviews"}
    ]

    assert len(ours) > 10
    assert [type(a).__name__ for a in ours if not isinstance(a, ChangesCatalogueAdmin)] == []
