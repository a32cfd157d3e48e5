"""The shortlist (catalogue/shortlist.py, catalogue/shortlist_views.py): kept in the session, published
programmes only, capped, changed by POST without a CSRF token, and its pages."""

import csv
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalogue import shortlist
from catalogue.models import PublicationStatus
from tests.catalogue.test_shortlist_pack import count_queries
from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

ADD = reverse("catalogue:shortlist-add")
REMOVE = reverse("catalogue:shortlist-remove")
SHORTLIST = reverse("catalogue:shortlist")
EXPORT = reverse("catalogue:shortlist-export")
LIST = reverse("catalogue:programme-list")


def text(response) -> str:
    return response.content.decode()


def stored(client) -> list[str]:
    return client.session.get(shortlist.SESSION_KEY, [])


def add(client, programme, **extra):
    return client.post(ADD, {"slug": programme.slug, "next": LIST}, **extra)


def test_add_keeps_the_slug_in_the_session_and_redirects_back(client):
    programme = ProgrammeFactory(name="Child First")

    response = client.post(ADD, {"slug": "child-first", "next": f"{LIST}?sort=cost"})

    assert response.status_code == 302
    assert response.url == f"{LIST}?sort=cost"
    assert stored(client) == ["child-first"]
    page = client.get(response.url)
    assert "Child First has been added to your shortlist." in text(page)
    assert f'Remove from shortlist<span class="govuk-visually-hidden">: {programme.name}' in text(page)


def test_shortlist_keeps_the_order_added_and_ignores_a_second_add(client):
    first, second = ProgrammeFactory(name="Bravo"), ProgrammeFactory(name="Alpha")
    add(client, first)
    add(client, second)

    response = client.post(ADD, {"slug": first.slug}, follow=True)

    assert stored(client) == ["bravo", "alpha"]
    assert "Bravo is already on your shortlist." in text(response)


def test_remove_takes_the_programme_off(client):
    programme = ProgrammeFactory(name="Child First")
    add(client, programme)

    response = client.post(REMOVE, {"slug": programme.slug, "next": programme.get_absolute_url()}, follow=True)

    assert stored(client) == []
    assert "Child First has been removed from your shortlist." in text(response)
    assert "Add to shortlist" in text(response)


@pytest.mark.parametrize("status", [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED])
def test_drafts_cannot_be_added(client, status):
    ProgrammeFactory(name="Secret", status=status)

    response = client.post(ADD, {"slug": "secret"}, follow=True)

    assert stored(client) == []
    assert "We could not find that programme" in text(response)
    assert "Secret" not in text(response)


@pytest.mark.parametrize("slug", ["", "no-such-programme", "x" * 5000, "<script>", "\u0000"])
def test_bad_slugs_never_fail(client, slug):
    response = client.post(ADD, {"slug": slug}, follow=True)

    assert response.status_code == 200
    assert stored(client) == []


def test_add_and_remove_accept_post_only(client):
    ProgrammeFactory(name="Child First")

    assert client.get(ADD, {"slug": "child-first"}).status_code == 405
    assert client.get(REMOVE, {"slug": "child-first"}).status_code == 405
    assert stored(client) == []


def test_add_works_without_a_csrf_token_even_when_django_enforces_them():
    ProgrammeFactory(name="Child First")
    client = Client(enforce_csrf_checks=True)

    response = client.post(ADD, {"slug": "child-first"})

    assert response.status_code == 302
    assert stored(client) == ["child-first"]


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_SEC_FETCH_SITE": "same-site"}, {"HTTP_ORIGIN": "https://evil.test"}],
)
def test_a_post_from_another_site_is_refused(client, headers):
    programme = ProgrammeFactory(name="Child First")

    response = add(client, programme, **headers)

    assert response.status_code == 403
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_post_from_our_own_pages_is_accepted(client):
    programme = ProgrammeFactory(name="Child First")

    response = add(client, programme, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="http://testserver")

    assert response.status_code == 302
    assert stored(client) == ["child-first"]


def test_session_cookie_is_same_site_lax():
    # The shortlist forms carry no CSRF token: this is what keeps another site's POST out of the session.
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize("target", ["https://evil.test/", "//evil.test/", "javascript:alert(1)"])
def test_redirects_only_to_our_own_pages(client, target):
    programme = ProgrammeFactory(name="Child First")

    response = client.post(ADD, {"slug": programme.slug, "next": target})

    assert response.url == SHORTLIST


def test_the_shortlist_is_capped_with_a_clear_message(client):
    programmes = ProgrammeFactory.create_batch(shortlist.MAX_SHORTLISTED + 1)
    for programme in programmes[:-1]:
        add(client, programme)

    response = client.post(ADD, {"slug": programmes[-1].slug}, follow=True)

    assert len(stored(client)) == shortlist.MAX_SHORTLISTED
    assert f"Your shortlist is full: it holds up to {shortlist.MAX_SHORTLISTED} programmes." in text(response)


def test_a_programme_unpublished_later_drops_with_a_message(client):
    kept, withdrawn = ProgrammeFactory(name="Kept"), ProgrammeFactory(name="Withdrawn")
    add(client, kept)
    add(client, withdrawn)
    client.get(SHORTLIST)  # shows (and so clears) the "added" messages
    withdrawn.status = PublicationStatus.ARCHIVED
    withdrawn.save()

    response = client.get(SHORTLIST)

    assert "A programme on your shortlist is no longer published, so we have removed it." in text(response)
    assert "Withdrawn" not in text(response)
    assert "Shortlist (1" in text(response)
    assert stored(client) == ["kept"]


def test_a_tampered_session_value_is_ignored(client):
    session = client.session
    session[shortlist.SESSION_KEY] = {"not": "a list"}
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

    response = client.get(SHORTLIST)

    assert response.status_code == 200
    assert "Your shortlist is empty" in text(response)


def test_header_shows_the_count_on_every_page(client):
    for programme in ProgrammeFactory.create_batch(3):
        add(client, programme)

    for url in [reverse("catalogue:home"), LIST, reverse("catalogue:collection-list"), reverse("pages:about")]:
        assert "Shortlist (3<span" in text(client.get(url)), url


def test_pages_set_no_cookie_and_do_not_vary_on_it_for_a_visitor_without_a_shortlist(client):
    """What keeps public pages cacheable: no CSRF token, no session touched without a session cookie."""
    programme = ProgrammeFactory(name="Child First")

    for url in [reverse("catalogue:home"), LIST, programme.get_absolute_url(), SHORTLIST]:
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in text(response), url
        # The programme page asks who is signed in (staff preview drafts there), which reads the session.
        if url != programme.get_absolute_url():
            assert "Cookie" not in response.get("Vary", ""), url


def test_shortlist_page_lists_links_and_compares(client):
    programmes = [ProgrammeFactory(name=name) for name in ("Bravo", "Alpha", "Charlie")]
    for programme in programmes:
        add(client, programme)

    page = text(client.get(SHORTLIST))

    assert page.index("Bravo") < page.index("Alpha") < page.index("Charlie")
    assert "3 programmes on your shortlist" in page
    assert "kept in this browser for 14 days" in page
    assert f"{reverse('catalogue:programme-compare')}?p=bravo&amp;p=alpha&amp;p=charlie" in page
    assert reverse("catalogue:shortlist-pack") in page
    assert EXPORT in page
    assert page.count("Remove from shortlist") == 3
    assert page.count('form="compare-form"') == 3


def test_shortlist_with_more_than_four_offers_compare_by_ticking_not_all(client):
    for programme in ProgrammeFactory.create_batch(5):
        add(client, programme)

    page = text(client.get(SHORTLIST))

    assert "Compare all" not in page
    assert "Compare selected programmes" in page


def test_empty_shortlist_says_how_to_add(client):
    page = text(client.get(SHORTLIST))

    assert "Your shortlist is empty" in page
    assert "Compare selected programmes" not in page
    assert EXPORT not in page


def test_csv_has_the_shortlisted_programmes_in_order(client):
    for name in ("Bravo", "Alpha"):
        add(client, ProgrammeFactory(name=name))
    ProgrammeFactory(name="Not shortlisted")

    response = client.get(EXPORT)

    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert [row["Name"] for row in rows] == ["Bravo", "Alpha"]


@pytest.mark.parametrize("url", [SHORTLIST, EXPORT])
def test_shortlist_page_and_csv_query_counts_do_not_grow_with_the_shortlist(client, url):
    add(client, ProgrammeFactory())
    one = count_queries(client, url)
    for programme in ProgrammeFactory.create_batch(9):
        add(client, programme)

    assert count_queries(client, url) == one


def test_a_draft_preview_offers_no_shortlist_button(analyst_client):
    draft = ProgrammeFactory(name="Draft", status=PublicationStatus.DRAFT)

    page = text(analyst_client.get(draft.get_absolute_url()))

    assert "Draft" in page
    assert "Add to shortlist" not in page


def test_list_query_count_does_not_grow_with_the_shortlist(client):
    programmes = ProgrammeFactory.create_batch(10)
    add(client, programmes[0])
    one = count_queries(client, LIST)
    for programme in programmes[1:]:
        add(client, programme)

    page = text(client.get(LIST))

    assert count_queries(client, LIST) == one
    assert page.count("Remove from shortlist") == 10
