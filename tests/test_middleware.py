"""config/middleware.py: query values cleaned before any view, Permissions-Policy, and a 413 for oversize posts."""

import io

import pytest
from django.urls import reverse

from config.middleware import MAX_PARAMETER_LENGTH, clean_parameter
from tests.factories import ProgrammeFactory, ReviewFactory

pytestmark = pytest.mark.django_db

PUBLIC_TEXT_ENDPOINTS = [
    ("catalogue:programme-compare", "p"),
    ("catalogue:programme-list", "q"),
    ("catalogue:programme-list", "outcome"),
    ("catalogue:programme-export", "q"),
    ("catalogue:collection-list", "page"),
    ("reviews:review-list", "q"),
    ("api:programme-list", "q"),
    ("api:programme-list", "search"),
    ("api:outcome-list", "domain"),
]


@pytest.mark.parametrize(("name", "parameter"), PUBLIC_TEXT_ENDPOINTS)
@pytest.mark.parametrize("value", ["\x00", "attach\x00ment", "\x1b[31m", "a" * 5000])
def test_public_pages_answer_control_characters_and_long_values(client, name, parameter, value):
    ProgrammeFactory(name="Attachment Programme")
    ReviewFactory()

    response = client.get(reverse(name), {parameter: value})

    assert response.status_code < 500


def test_nul_in_compare_is_dropped_not_sent_to_the_database(client):
    ProgrammeFactory(slug="vig")

    response = client.get(reverse("catalogue:programme-compare") + "?p=v%00ig")

    assert response.status_code == 200
    assert response.wsgi_request.GET["p"] == "vig"


def test_search_text_with_nul_reaches_the_view_without_it(client):
    response = client.get(reverse("catalogue:programme-list") + "?q=Attachment%00")

    assert response.status_code == 200
    assert response.wsgi_request.GET["q"] == "Attachment"


def test_clean_parameter_strips_control_characters_and_bounds_length():
    assert clean_parameter("a\x00b\x07c\u202ed") == "abcd"
    assert clean_parameter("x" * 10_000) == "x" * MAX_PARAMETER_LENGTH
    assert clean_parameter("Infant-Parent Psychotherapy") == "Infant-Parent Psychotherapy"


def test_repeated_parameters_are_bounded(client):
    response = client.get(reverse("catalogue:programme-compare") + "?" + "&".join(["p=x"] * 500))

    assert response.status_code < 500
    assert len(response.wsgi_request.GET.getlist("p")) <= 50


def test_pages_send_permissions_policy_with_the_existing_headers(client):
    response = client.get(reverse("catalogue:home"))

    policy = response["Permissions-Policy"]
    assert "camera=()" in policy
    assert "geolocation=()" in policy
    assert "microphone=()" in policy
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_oversize_admin_post_gets_a_clear_413(analyst_client):
    narrative = "x" * 3_000_000  # more than DATA_UPLOAD_MAX_MEMORY_SIZE

    response = analyst_client.post(reverse("admin:catalogue_programme_add"), {"name": "Big", "description": narrative})

    assert response.status_code == 413
    assert "Too much was sent" in response.text
    assert "20,000 characters" in response.text


def test_oversize_upload_gets_a_clear_413(analyst_client, settings):
    settings.MAX_REQUEST_SIZE = 1000
    upload = io.BytesIO(b"a,b\n" * 1000)
    upload.name = "studies.csv"

    response = analyst_client.post(reverse("admin:catalogue_study_import"), {"import_file": upload, "format": "0"})

    assert response.status_code == 413
    assert "manage.py import_rows" in response.text
