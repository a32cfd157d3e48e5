"""Published reviews in the API: included studies with risk of bias, analyses as reported and recomputed
with their per-study rows; drafts never appear, and a draft programme's study is never named."""

from decimal import Decimal

import pytest

from catalogue.models import PublicationStatus
from reviews.models import BiasDomain, BiasJudgement
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    DraftProgrammeFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    ReviewFactory,
    RiskOfBiasFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


@pytest.fixture
def review():
    programme = ProgrammeFactory(name="Shown Programme")
    review = ReviewFactory(title="Parenting programmes", slug="parenting", programmes=[programme])
    included = IncludedStudyFactory(review=review, study=StudyFactory(programme=programme, number=1))
    RiskOfBiasFactory(included_study=included, domain=BiasDomain.SEQUENCE, judgement=BiasJudgement.LOW)
    hidden = IncludedStudyFactory(review=review, study=StudyFactory(programme=DraftProgrammeFactory(name="Zebra")))
    analysis = AnalysisFactory(
        review=review,
        reported_estimate=Decimal("1.9"),
        reported_ci_low=Decimal("0.7"),
        reported_ci_high=Decimal("5.2"),
    )
    AnalysisRowFactory(analysis=analysis, study=included.study)
    AnalysisRowFactory(analysis=analysis, study=hidden.study, events_t=12, events_c=6)
    return review


def test_review_list_shows_published_reviews_only(client, review):
    ReviewFactory(title="Draft review", status=PublicationStatus.DRAFT, published_on=None)

    data = client.get(f"{V1}/reviews/").json()

    assert [row["slug"] for row in data["results"]] == ["parenting"]
    assert data["results"][0]["programmes"][0]["slug"] == "shown-programme"


def test_a_draft_review_is_404(client):
    ReviewFactory(title="Draft review", slug="draft-review", status=PublicationStatus.DRAFT, published_on=None)

    assert client.get(f"{V1}/reviews/draft-review/").status_code == 404


def test_review_detail_has_included_studies_risk_of_bias_and_analyses(client, review):
    data = client.get(f"{V1}/reviews/parenting/").json()

    shown, hidden = data["included_studies"]
    assert shown["study"] == "shown-programme/1"
    assert shown["risk_of_bias"] == [{"domain": "sequence", "judgement": "low", "note": ""}]
    assert hidden["study"] is None  # its programme is a draft: never named
    analysis = data["analyses"][0]
    assert analysis["reported_estimate"] == 1.9
    assert analysis["recomputed"]["available"] is True
    assert analysis["recomputed"]["k"] == 2
    assert [row["study"] for row in analysis["rows"]] == ["shown-programme/1", None]
    assert "Zebra" not in str(data)


def test_review_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    for _ in range(10):
        ReviewFactory(programmes=[ProgrammeFactory()])

    with django_assert_num_queries(5):  # count, reviews, published programmes, collections, Last-Modified
        response = client.get(f"{V1}/reviews/")

    assert response.json()["count"] == 10


@pytest.mark.parametrize("analyses", [1, 5])
def test_review_detail_query_count_does_not_grow_with_analyses(client, django_assert_num_queries, analyses):
    review = ReviewFactory(slug="big", programmes=[ProgrammeFactory()])
    for _ in range(analyses):
        study = StudyFactory()
        RiskOfBiasFactory(included_study=IncludedStudyFactory(review=review, study=study))
        AnalysisRowFactory(analysis=AnalysisFactory(review=review), study=study)

    # review; included studies with study and programme; risk of bias; analyses; rows with study and
    # programme; programmes; collections; Last-Modified
    with django_assert_num_queries(8):
        response = client.get(f"{V1}/reviews/big/")

    assert len(response.json()["analyses"]) == analyses


def test_review_list_filters_as_the_review_list_page(client, review):
    ReviewFactory(title="Another review", kind="cochrane")

    assert [r["slug"] for r in client.get(f"{V1}/reviews/", {"programme": "shown-programme"}).json()["results"]] == [
        "parenting"
    ]
    assert client.get(f"{V1}/reviews/", {"kind": "cochrane"}).json()["count"] == 1
    assert client.get(f"{V1}/reviews/", {"q": "parenting"}).json()["count"] == 1


@pytest.mark.parametrize(("param", "value"), [("kind", "poem"), ("programme", "zebra"), ("year_from", "soon")])
def test_review_list_refuses_a_bad_filter_naming_it(client, review, param, value):
    response = client.get(f"{V1}/reviews/", {param: value})

    assert response.status_code == 400
    assert list(response.json()) == [param]
