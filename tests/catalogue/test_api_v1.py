"""API v1 beyond the programme list (tests/catalogue/test_api.py): studies and findings by stable key,
the change feed, the old addresses' redirects, ETag/Last-Modified with 304, CORS, the anonymous rate
limit, 400s that name the parameter, query budgets, the OpenAPI schema and its documentation page."""

import datetime
from decimal import Decimal

import pytest
import yaml
from django.test import override_settings
from drf_spectacular.validation import validate_schema

from catalogue.models import FindingTiming, OutcomeDomain, PublicationStatus
from tests.factories import (
    DraftProgrammeFactory,
    FindingFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationEventFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PROGRAMMES_IN_FULL_QUERIES = 8 + 2 + 4 + 6 + 4 + 1 + 1


@pytest.fixture
def published_study():
    programme = ProgrammeFactory(name="Family Nurse Partnership")
    study = StudyFactory(programme=programme, number=2)
    PublicationFactory(study=study, doi="10.1000/xyz")
    FindingFactory(
        study=study, effect_size=Decimal("0.3"), ci_low=Decimal("0.1"), ci_high=Decimal("0.5"), is_headline=True
    )
    return study


@pytest.fixture
def draft_study():
    study = StudyFactory(programme=DraftProgrammeFactory(name="Zebra Secret"), number=1)
    FindingFactory(study=study)
    return study


# --------------------------------------------------------------------------- studies and findings


def test_study_list_shows_studies_of_published_programmes_only(client, published_study, draft_study):
    data = client.get(f"{V1}/studies/").json()

    assert data["count"] == 1
    row = data["results"][0]
    assert row["key"] == "family-nurse-partnership/2"
    assert row["programme"]["slug"] == "family-nurse-partnership"
    assert row["url"] == "http://testserver/api/v1/studies/family-nurse-partnership/2/"
    assert row["findings"][0]["effect_size"] == 0.3
    assert row["publications"][0]["link"] == "https://doi.org/10.1000/xyz"


def test_study_detail_by_programme_slug_and_number(client, published_study):
    response = client.get(f"{V1}/studies/family-nurse-partnership/2/")

    assert response.status_code == 200
    assert response.json()["number"] == 2


@pytest.mark.parametrize("path", ["zebra-secret/1", "family-nurse-partnership/9"])
def test_study_detail_of_a_draft_or_missing_study_is_404(client, published_study, draft_study, path):
    assert client.get(f"{V1}/studies/{path}/").status_code == 404


def test_study_list_filters_by_programme_and_design(client, published_study):
    StudyFactory(programme=ProgrammeFactory(name="Other"), design="qed")

    assert client.get(f"{V1}/studies/", {"programme": "other"}).json()["count"] == 1
    assert client.get(f"{V1}/studies/", {"design": "rct"}).json()["count"] == 1
    assert client.get(f"{V1}/studies/", {"design": ["rct", "qed"]}).json()["count"] == 2


def test_finding_list_shows_findings_of_published_programmes_with_their_study(client, published_study, draft_study):
    data = client.get(f"{V1}/findings/").json()

    assert data["count"] == 1
    row = data["results"][0]
    assert row["study"] == "family-nurse-partnership/2"
    assert (row["effect_size"], row["ci_low"], row["ci_high"]) == (0.3, 0.1, 0.5)
    assert row["page_url"].startswith("http://testserver/programmes/family-nurse-partnership/")


def test_finding_list_filters(client, published_study):
    FindingFactory(
        study=published_study,
        outcome=OutcomeFactory(name="Reading", domain=OutcomeDomain.SCHOOL),
        timing=FindingTiming.FOLLOW_UP,
        months_after_end=12,
        is_headline=False,
    )

    assert client.get(f"{V1}/findings/", {"domain": "school"}).json()["count"] == 1
    assert client.get(f"{V1}/findings/", {"outcome": "reading"}).json()["count"] == 1
    assert client.get(f"{V1}/findings/", {"timing": "follow_up"}).json()["count"] == 1
    assert client.get(f"{V1}/findings/", {"is_headline": "true"}).json()["count"] == 1
    assert client.get(f"{V1}/findings/", {"programme": "family-nurse-partnership"}).json()["count"] == 2


@pytest.mark.parametrize(
    ("path", "params", "param"),
    [
        ("findings", {"domain": "astrology"}, "domain"),
        ("findings", {"timing": "later"}, "timing"),
        ("findings", {"is_headline": "perhaps"}, "is_headline"),
        ("studies", {"design": "anecdote"}, "design"),
        ("outcomes", {"domain": "astrology"}, "domain"),
        ("programmes", {"cost": "9"}, "cost"),
        ("programmes", {"page": "0"}, "page"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, published_study, path, params, param):
    response = client.get(f"{V1}/{path}/", params)

    assert response.status_code == 400
    assert list(response.json()) == [param]


def test_unknown_parameters_are_ignored(client, published_study):
    assert client.get(f"{V1}/findings/", {"colour": "blue"}).json()["count"] == 1


# --------------------------------------------------------------------------- programme in full


def test_programme_detail_has_the_computed_assessment_and_rating_history(client, published_study):
    programme = published_study.programme
    PublicationEventFactory(programme=programme, published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))

    data = client.get(f"{V1}/programmes/{programme.slug}/").json()

    assert data["assessment"]["rating"] in {"4+", "4", "3+", "3", "2+", "2", "NL2", "NE"}
    assert data["assessment"]["reasons"]
    assert data["rating_history"][0]["summary"].startswith("First published")


def test_programmes_in_full_walks_the_catalogue_with_findings_and_the_list_filters(client, published_study):
    ProgrammeFactory(name="Another", evidence_level=2)
    DraftProgrammeFactory(name="Zebra Secret")

    data = client.get(f"{V1}/programmes-in-full/", {"min_evidence": "3"}).json()

    assert [row["slug"] for row in data["results"]] == ["family-nurse-partnership"]
    assert data["results"][0]["studies"][0]["findings"][0]["effect_size"] == 0.3
    assert client.get(f"{V1}/programmes-in-full/", {"min_evidence": "3+"}).status_code == 400


@pytest.mark.parametrize("programmes", [1, 10])
def test_programmes_in_full_query_count_does_not_grow_with_rows(client, django_assert_num_queries, programmes):
    for _ in range(programmes):
        _make_studies(1)

    # 8 filter options (7 lookups, outcomes), count, page, 3 list lookups and source classifications,
    # 6 detail relations (with other clearinghouses' ratings), studies, countries, publications,
    # findings with outcomes, publication events, Last-Modified
    with django_assert_num_queries(PROGRAMMES_IN_FULL_QUERIES):
        response = client.get(f"{V1}/programmes-in-full/")

    assert response.json()["count"] == programmes


# --------------------------------------------------------------------------- change feed


def test_changes_list_publications_of_published_programmes_newest_first(client):
    older = PublicationEventFactory(published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    newer = PublicationEventFactory(published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    PublicationEventFactory(programme=DraftProgrammeFactory())

    rows = client.get(f"{V1}/changes/").json()["results"]

    assert [row["id"] for row in rows] == [newer.pk, older.pk]
    assert rows[0]["first_publication"] is True


# --------------------------------------------------------------------------- the old addresses


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/api/", "/api/v1/"),
        ("/api/programmes/?min_evidence=3", "/api/v1/programmes/?min_evidence=3"),
        ("/api/programmes/some-slug/", "/api/v1/programmes/some-slug/"),
    ],
)
def test_unversioned_addresses_redirect_to_v1(client, old, new):
    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == new


# --------------------------------------------------------------------------- HTTP caching, CORS, throttling


def test_etag_and_last_modified_give_304(client, published_study):
    first = client.get(f"{V1}/programmes/")
    assert first.status_code == 200
    assert first["ETag"]
    assert first["Last-Modified"]

    by_etag = client.get(f"{V1}/programmes/", headers={"If-None-Match": first["ETag"]})
    by_date = client.get(f"{V1}/programmes/", headers={"If-Modified-Since": first["Last-Modified"]})

    assert by_etag.status_code == 304
    assert by_date.status_code == 304


def test_a_publication_changes_the_etag(client, published_study):
    first = client.get(f"{V1}/programmes/")
    ProgrammeFactory(name="Newly published")

    again = client.get(f"{V1}/programmes/", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_cors_allows_any_origin_to_get(client, published_study):
    response = client.get(f"{V1}/programmes/", headers={"Origin": "https://research.example"})

    assert response["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_offers_read_methods_only(client):
    response = client.options(
        f"{V1}/programmes/",
        headers={"Origin": "https://research.example", "Access-Control-Request-Method": "GET"},
    )

    assert response.status_code == 200
    assert set(response["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_pages_outside_the_api_send_no_cors_headers(client):
    response = client.get("/programmes/", headers={"Origin": "https://research.example"})

    assert "Access-Control-Allow-Origin" not in response


@override_settings(API_ANON_THROTTLE_RATE="2/minute")
def test_anonymous_clients_past_the_rate_get_429_saying_when_to_retry(client):
    statuses = [client.get(f"{V1}/outcomes/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = client.get(f"{V1}/outcomes/")
    assert int(response["Retry-After"]) > 0
    assert "seconds" in response.json()["detail"]


@pytest.mark.parametrize("path", ["nothing-here/", "studies/a%0Ab/", "studies/x/"])
def test_unknown_api_addresses_are_a_json_404(client, path):
    response = client.get(f"{V1}/{path}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_nul_character_is_refused_not_a_server_error(client, published_study):
    # Refused here, or stripped before the API sees it (the hardening middleware): never a 500.
    assert client.get(f"{V1}/studies/", {"programme": "a\x00b"}).status_code in {200, 400}
    assert client.get(f"{V1}/programmes/", {"q": "a\x00b"}).status_code in {200, 400}
    assert client.get(f"{V1}/programmes/a%00b/").status_code in {400, 404}


def test_writes_are_refused(client, published_study):
    assert client.post(f"{V1}/programmes/", {}).status_code == 405
    assert client.delete(f"{V1}/studies/family-nurse-partnership/2/").status_code == 405


# --------------------------------------------------------------------------- query budgets


def _make_studies(count):
    for _ in range(count):
        study = StudyFactory()
        PublicationFactory(study=study)
        FindingFactory(study=study)
        PublicationEventFactory(programme=study.programme)


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # count, studies with programmes, countries, publications, findings with outcomes, Last-Modified
        ("studies", 6),
        # count, findings with study, programme and outcome, Last-Modified
        ("findings", 3),
        # count, events with programmes, Last-Modified
        ("changes", 3),
    ],
)
@pytest.mark.parametrize("rows", [1, 20])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, path, queries, rows):
    _make_studies(rows)

    with django_assert_num_queries(queries):
        response = client.get(f"{V1}/{path}/")

    assert response.json()["count"] == rows


# --------------------------------------------------------------------------- schema and docs


def test_schema_is_valid_openapi_3(client, published_study):
    response = client.get(f"{V1}/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/programmes/", "/api/v1/studies/{key}/", "/api/v1/reviews/{slug}/"} <= set(schema["paths"])


def test_schema_describes_every_programme_filter_with_its_values(client):
    schema = yaml.safe_load(client.get(f"{V1}/schema/").content)

    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/programmes/"]["get"]["parameters"]}
    for name in ["q", "min_evidence", "evidence", "cost", "age", "need", "delivery", "setting", "country"]:
        assert parameters[name]["description"], name
    assert set(parameters["min_evidence"]["schema"]["enum"]) == {"4", "3", "2"}
    assert "`NA`: NA" in parameters["cost"]["description"]


def test_schema_describes_every_field(client):
    schema = yaml.safe_load(client.get(f"{V1}/schema/").content)

    undescribed = [
        f"{component}.{name}"
        for component, body in schema["components"]["schemas"].items()
        for name, field in body.get("properties", {}).items()
        if not field.get("description") and not field.get("allOf") and "$ref" not in field
    ]
    # Plain names (name, slug...) are described by their component; these are the ones a reader must not guess.
    assert not [name for name in undescribed if name.split(".")[1] in {"effect_size", "ci_low", "improvement_index"}]


def test_docs_page_runs_on_our_own_static_files_under_the_strict_csp(client):
    response = client.get(f"{V1}/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "http" not in "".join(line for line in html.splitlines() if "<script" in line)
    assert "<script>" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_drafts_never_appear_anywhere_in_the_api(client, published_study, draft_study):
    draft_study.programme.collections.create(name="Shared", slug="shared", summary="s")
    PublicationEventFactory(programme=draft_study.programme)
    for path in ["programmes", "studies", "findings", "outcomes", "collections", "changes", "reviews"]:
        assert "Zebra" not in client.get(f"{V1}/{path}/").content.decode(), path
    assert draft_study.programme.status == PublicationStatus.DRAFT
