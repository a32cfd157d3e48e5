"""The read-only JSON API: only published programmes, filters, clear errors and a fixed query budget."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.models import (
    AgeGroup,
    Country,
    DeliveryModel,
    FindingTiming,
    LevelOfNeed,
    OutcomeDomain,
    PublicationStatus,
    Setting,
)
from catalogue.services import refresh_search_documents
from tests.factories import (
    CollectionFactory,
    FindingFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationFactory,
    SourceClassificationFactory,
    StudyFactory,
    TheoryOfChangeStepFactory,
)

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED]


def unpublished(status, **kwargs):
    published_on = None if status == PublicationStatus.DRAFT else datetime.date(2024, 1, 1)
    return ProgrammeFactory(status=status, published_on=published_on, **kwargs)


def fully_described_programme(*, studies=1, **kwargs):
    """A programme with every relation the detail response nests, so query budgets cover them all."""
    programme = ProgrammeFactory(**kwargs)
    programme.age_groups.set(AgeGroup.objects.filter(slug__in=["infants", "toddlers"]))
    programme.levels_of_need.set(LevelOfNeed.objects.filter(slug="targeted-indicated"))
    programme.delivery_models.set(DeliveryModel.objects.filter(slug="individual"))
    programme.settings.set(Setting.objects.filter(slug="home"))
    programme.other_settings.set(Setting.objects.filter(slug="childrens-centre"))
    programme.countries.set(Country.objects.filter(slug="united-states"))
    TheoryOfChangeStepFactory(programme=programme)
    SourceClassificationFactory(programme=programme)
    CollectionFactory().programmes.add(programme)
    for _ in range(studies):
        study = StudyFactory(programme=programme)
        study.countries.set(Country.objects.filter(slug="united-kingdom"))
        PublicationFactory(study=study, doi="10.1017/S0954579406060329")
        FindingFactory(study=study)
        FindingFactory(study=study, timing=FindingTiming.FOLLOW_UP, months_after_end=12)
    return programme


def list_url(name):
    return reverse(f"api:{name}-list")


def names(response):
    return [row["name"] for row in response.json()["results"]]


# --------------------------------------------------------------------------- only published programmes


def test_api_root_lists_the_endpoints(client):
    response = client.get(reverse("api:api-root"))

    assert response.status_code == 200
    assert set(response.json()) == {
        "programmes",
        "programmes-in-full",
        "studies",
        "findings",
        "outcomes",
        "collections",
        "reviews",
        "changes",
        "evidence-gaps",
        "schema",
        "docs",
    }


def test_programme_list_shows_published_programmes_only(client):
    ProgrammeFactory(name="Published")
    for status in NOT_PUBLISHED:
        unpublished(status, name=f"Hidden {status}")

    response = client.get(list_url("programme"))

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert names(response) == ["Published"]


@pytest.mark.parametrize("status", NOT_PUBLISHED)
def test_programme_detail_of_unpublished_programme_is_404(client, status):
    programme = unpublished(status)

    response = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug}))

    assert response.status_code == 404


def test_collection_lists_only_its_published_programmes(client):
    collection = CollectionFactory(name="Attachment")
    collection.programmes.add(ProgrammeFactory(name="Shown"), *(unpublished(status) for status in NOT_PUBLISHED))

    detail = client.get(reverse("api:collection-detail", kwargs={"slug": collection.slug})).json()
    listed = client.get(list_url("collection")).json()["results"][0]

    assert [programme["name"] for programme in detail["programmes"]] == ["Shown"]
    assert listed["programmes"] == detail["programmes"]


def test_outcome_programme_count_ignores_unpublished_programmes(client):
    outcome = OutcomeFactory()
    FindingFactory(outcome=outcome, study=StudyFactory(programme=ProgrammeFactory()))
    FindingFactory(outcome=outcome, study=StudyFactory(programme=unpublished(PublicationStatus.DRAFT)))

    response = client.get(list_url("outcome"))

    assert response.json()["results"][0]["programme_count"] == 1


# --------------------------------------------------------------------------- what a programme looks like


def test_programme_list_row_has_printed_ratings_and_lookups(client):
    programme = fully_described_programme(evidence_plus=True)

    row = client.get(list_url("programme")).json()["results"][0]

    assert row["evidence_rating"] == "3+"
    assert row["evidence_rating_label"] == "Level 3 – evidence of efficacy"
    assert row["cost_rating"] == "NA"
    assert row["age_groups"] == [
        {"name": "Infants (under 1)", "slug": "infants"},
        {"name": "Toddlers (1 to 2)", "slug": "toddlers"},
    ]
    assert row["url"] == f"http://testserver/api/v1/programmes/{programme.slug}/"
    assert row["page_url"] == f"http://testserver/programmes/{programme.slug}/"


def test_programme_detail_nests_studies_publications_and_findings(client):
    programme = fully_described_programme(cost_rating=2, estimated_unit_cost=Decimal("250.00"))
    finding = programme.studies.get().findings.get(timing=FindingTiming.FOLLOW_UP)
    finding.effect_size, finding.ci_low, finding.ci_high, finding.improvement_index = (
        Decimal("0.25"),
        Decimal("0.05"),
        Decimal("0.45"),
        10,
    )
    finding.save()

    data = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug})).json()

    assert data["cost_rating"] == "2"
    assert data["estimated_unit_cost"] == 250.0
    assert data["levels_of_need"] == [{"name": "Targeted indicated", "slug": "targeted-indicated"}]
    assert data["settings"] == [{"name": "Home", "slug": "home"}]
    assert data["countries"] == [{"name": "United States", "slug": "united-states"}]
    assert len(data["theory_of_change"]) == 1
    assert data["collections"][0]["url"].startswith("http://testserver/api/v1/collections/")
    study = data["studies"][0]
    assert study["rating"] == "3"
    assert study["design"] == "rct"
    assert study["countries"] == [{"name": "United Kingdom", "slug": "united-kingdom"}]
    assert study["publications"][0]["link"] == "https://doi.org/10.1017/S0954579406060329"
    follow_up = next(row for row in study["findings"] if row["timing"] == "follow_up")
    assert follow_up["months_after_end"] == 12
    assert follow_up["is_long_term"] is True
    assert follow_up["timing_label"] == "Long term: a year later"
    assert follow_up["improvement_index"] == 10
    assert (follow_up["effect_size"], follow_up["ci_low"], follow_up["ci_high"]) == (0.25, 0.05, 0.45)
    assert follow_up["significant"] is True
    assert follow_up["outcome"]["domain"] == OutcomeDomain.MENTAL_HEALTH


@pytest.mark.parametrize(("level", "plus", "printed"), [(0, False, "NE"), (1, False, "NL2"), (4, True, "4+")])
def test_programme_rating_is_printed_as_on_the_site(client, level, plus, printed):
    programme = ProgrammeFactory(evidence_level=level, evidence_plus=plus)

    data = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug})).json()

    assert data["evidence_rating"] == printed


def test_unassessed_programme_has_null_rating(client):
    programme = ProgrammeFactory(evidence_level=None)

    data = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug})).json()

    assert data["evidence_rating"] is None
    assert data["evidence_rating_label"] is None


# --------------------------------------------------------------------------- filters


@pytest.fixture
def rated_programmes():
    ProgrammeFactory(name="Four plus", evidence_level=4, evidence_plus=True, cost_rating=5)
    ProgrammeFactory(name="Three plus", evidence_level=3, evidence_plus=True, cost_rating=1)
    ProgrammeFactory(name="Three", evidence_level=3, cost_rating=2)
    ProgrammeFactory(name="Two", evidence_level=2)
    ProgrammeFactory(name="Not effective", evidence_level=0)


# The same parameters and meanings as the programme list page (catalogue/filters.py): "min_evidence"
# is "at least level N" (4, 3 or 2), "evidence" an exact level whatever its "+", "cost" a cost rating.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"min_evidence": "3"}, ["Four plus", "Three", "Three plus"]),
        ({"min_evidence": "2"}, ["Four plus", "Three", "Three plus", "Two"]),
        ({"evidence": "3"}, ["Three", "Three plus"]),
        ({"evidence": ["2", "NE"]}, ["Not effective", "Two"]),
        ({"cost": "NA"}, ["Not effective", "Two"]),
        ({"cost": ["1", "2"]}, ["Three", "Three plus"]),
        ({"min_evidence": "3", "cost": "5"}, ["Four plus"]),
    ],
)
@pytest.mark.usefixtures("rated_programmes")
def test_programme_list_filters_by_ratings(client, query, expected):
    response = client.get(list_url("programme"), query)

    assert response.status_code == 200
    assert names(response) == expected


def test_programme_list_filters_by_age_group_and_level_of_need(client):
    infants = ProgrammeFactory(name="For infants")
    infants.age_groups.set(AgeGroup.objects.filter(slug="infants"))
    infants.levels_of_need.set(LevelOfNeed.objects.filter(slug="universal"))
    toddlers = ProgrammeFactory(name="For toddlers")
    toddlers.age_groups.set(AgeGroup.objects.filter(slug="toddlers"))
    toddlers.levels_of_need.set(LevelOfNeed.objects.filter(slug="targeted-indicated"))

    assert names(client.get(list_url("programme"), {"age": "infants"})) == ["For infants"]
    assert names(client.get(list_url("programme"), {"need": "targeted-indicated"})) == ["For toddlers"]
    assert names(client.get(list_url("programme"), {"age": ["infants", "toddlers"]})) == [
        "For infants",
        "For toddlers",
    ]


def test_programme_list_filters_by_outcome_domain_once_per_programme(client):
    wellbeing = ProgrammeFactory(name="Wellbeing")
    study = StudyFactory(programme=wellbeing)
    FindingFactory(study=study)  # two findings in the same domain must not list the programme twice
    FindingFactory(study=study)
    school = ProgrammeFactory(name="School")
    FindingFactory(study=StudyFactory(programme=school), outcome=OutcomeFactory(domain=OutcomeDomain.SCHOOL))
    refresh_search_documents()  # factories write findings directly; the services derive ProgrammeOutcome

    response = client.get(list_url("programme"), {"domain": "mental_health"})

    assert names(response) == ["Wellbeing"]
    assert response.json()["count"] == 1


def test_programme_list_filters_by_outcome_slug(client):
    attachment = OutcomeFactory(name="Improved attachment security")
    FindingFactory(outcome=attachment, study=StudyFactory(programme=ProgrammeFactory(name="Attachment")))
    FindingFactory(study=StudyFactory(programme=ProgrammeFactory(name="Other")))
    refresh_search_documents()  # factories write findings directly; the services derive ProgrammeOutcome

    response = client.get(list_url("programme"), {"outcome": "improved-attachment-security"})

    assert names(response) == ["Attachment"]


def test_programme_list_matches_outcomes_on_headline_findings_as_the_page_does(client):
    attachment = OutcomeFactory(name="Improved attachment security")
    FindingFactory(outcome=attachment, study=StudyFactory(programme=ProgrammeFactory(name="Headline")))
    hidden = StudyFactory(programme=ProgrammeFactory(name="Not a headline"))
    FindingFactory(outcome=attachment, study=hidden, is_headline=False)
    refresh_search_documents()  # factories write findings directly; the services derive ProgrammeOutcome

    by_outcome = client.get(list_url("programme"), {"outcome": attachment.slug})
    by_domain = client.get(list_url("programme"), {"domain": attachment.domain})

    assert names(by_outcome) == names(by_domain) == ["Headline"]


@pytest.mark.parametrize(
    "query",
    [
        {"min_evidence": "3"},
        {"evidence": ["2", "NE"]},
        {"cost": "NA"},
        {"domain": "mental_health"},
        {"min_evidence": "2", "sort": "evidence"},
        {"q": "three"},
    ],
)
@pytest.mark.usefixtures("rated_programmes")
def test_programme_list_gives_the_programmes_the_page_shows_for_the_same_query(client, query):
    FindingFactory(study=StudyFactory(programme=ProgrammeFactory(name="Wellbeing", evidence_level=2)))
    refresh_search_documents()  # what saving in the admin does; PostgreSQL searches the stored vectors

    api = names(client.get(list_url("programme"), query))
    page = [p.name for p in client.get(reverse("catalogue:programme-list"), query).context["page"]]

    assert api == page
    assert api  # each query lists something, so the comparison means something


def test_outcome_list_leaves_out_outcomes_only_unpublished_programmes_report(client):
    OutcomeFactory(name="Not yet used")
    FindingFactory(outcome=OutcomeFactory(name="Zebra outcome"), study=StudyFactory(programme=unpublished("draft")))
    shared = OutcomeFactory(name="Shared outcome")
    FindingFactory(outcome=shared, study=StudyFactory(programme=unpublished("archived")))
    FindingFactory(outcome=shared, study=StudyFactory(programme=ProgrammeFactory()))

    response = client.get(list_url("outcome"))

    assert names(response) == ["Not yet used", "Shared outcome"]
    assert client.get(reverse("api:outcome-detail", kwargs={"slug": "zebra-outcome"})).status_code == 404


def test_outcome_list_filters_by_domain(client):
    OutcomeFactory(name="Wellbeing", domain=OutcomeDomain.MENTAL_HEALTH)
    OutcomeFactory(name="Reading", domain=OutcomeDomain.SCHOOL)

    response = client.get(list_url("outcome"), {"domain": "school"})

    assert names(response) == ["Reading"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("min_evidence", "5"),
        ("min_evidence", "3+"),
        ("evidence", "level-three"),
        ("evidence", "3+"),
        ("cost", "6"),
        ("age", "teenagers"),
        ("need", "everyone"),
        ("domain", "happiness"),
        ("outcome", "no-such-outcome"),
        ("uk_provision", "maybe"),
        ("sort", "popularity"),
    ],
)
def test_programme_list_rejects_unknown_filter_value_with_400(client, parameter, value):
    ProgrammeFactory()

    response = client.get(list_url("programme"), {parameter: value})

    assert response.status_code == 400
    assert value in response.json()[parameter][0]


def test_programme_list_400_says_which_values_would_work(client):
    response = client.get(list_url("programme"), {"min_evidence": "3+", "cost": ["1", "9"]})

    assert response.status_code == 400
    assert response.json() == {
        "min_evidence": ['"3+" is not a valid choice for min_evidence: use one of "4", "3", "2".'],
        "cost": ['"9" is not a valid choice for cost: use one of "1", "2", "3", "4", "5", "NA".'],
    }


def test_programme_list_rejects_non_numeric_page_with_400(client):
    ProgrammeFactory()

    response = client.get(list_url("programme"), {"page": "abc"})

    assert response.status_code == 400
    assert response.json() == {"page": ['"abc" is not a page number: use a whole number from 1, or "last".']}


def test_programme_list_rejects_page_past_the_end_with_400(client):
    ProgrammeFactory()

    response = client.get(list_url("programme"), {"page": "9999"})

    assert response.status_code == 400
    assert response.json() == {"page": ["There is no page 9999: the results fill 1 page(s)."]}


def test_programme_list_with_no_results_is_an_empty_page(client):
    response = client.get(list_url("programme"))

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_programme_list_pages_by_page_size(client):
    ProgrammeFactory.create_batch(3)

    response = client.get(list_url("programme"), {"page_size": "2", "page": "2"})

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 1
    assert response.json()["previous"] is not None


@pytest.mark.parametrize("page_size", ["lots", "0", "-1", "2.5"])
def test_programme_list_refuses_an_unusable_page_size_naming_it(client, page_size):
    ProgrammeFactory.create_batch(3)

    response = client.get(list_url("programme"), {"page_size": page_size})

    assert response.status_code == 400
    assert "whole number from 1 to 100" in response.json()["page_size"][0]


def test_programme_list_caps_a_large_page_size_at_100(client):
    ProgrammeFactory.create_batch(3)

    response = client.get(list_url("programme"), {"page_size": "500"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_programme_detail_of_unknown_slug_is_404(client):
    response = client.get(reverse("api:programme-detail", kwargs={"slug": "no-such-programme"}))

    assert response.status_code == 404


def test_api_refuses_writes(client):
    programme = ProgrammeFactory()

    response = client.delete(reverse("api:programme-detail", kwargs={"slug": programme.slug}))

    assert response.status_code == 405


# --------------------------------------------------------------------------- query budgets

# One query for the count, one for the page, one per prefetched relation.
# The page's FilterSet first reads its options (7 lookups and the outcomes), then: count, programmes,
# age groups, levels of need, source classifications, delivery models; and when the catalogue last
# changed (Last-Modified).
PROGRAMME_LIST_QUERIES = 8 + 6 + 1
# The programme; its 6 lookups, source classifications, theory of change and collections; its studies,
# their countries, publications, and findings joined to their outcomes; its publications (rating
# history); other clearinghouses' ratings; Last-Modified.
PROGRAMME_DETAIL_QUERIES = 17


@pytest.mark.parametrize("programmes", [1, 25])
def test_programme_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, programmes):
    for _ in range(programmes):
        fully_described_programme()

    with django_assert_num_queries(PROGRAMME_LIST_QUERIES):
        response = client.get(list_url("programme"))

    assert response.json()["count"] == programmes


@pytest.mark.parametrize("studies", [1, 10])
def test_programme_detail_query_count_does_not_grow_with_studies(client, django_assert_num_queries, studies):
    programme = fully_described_programme(studies=studies)

    with django_assert_num_queries(PROGRAMME_DETAIL_QUERIES):
        response = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug}))

    assert len(response.json()["studies"]) == studies
    assert sum(len(study["findings"]) for study in response.json()["studies"]) == 2 * studies


@pytest.mark.parametrize("collections", [1, 25])
def test_collection_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, collections):
    for _ in range(collections):
        CollectionFactory().programmes.add(ProgrammeFactory(), ProgrammeFactory())

    with django_assert_num_queries(4):  # count, collections, their published programmes, Last-Modified
        response = client.get(list_url("collection"))

    assert response.json()["count"] == collections


@pytest.mark.parametrize("outcomes", [1, 25])
def test_outcome_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries, outcomes):
    for outcome in OutcomeFactory.create_batch(outcomes):
        FindingFactory(outcome=outcome)

    with django_assert_num_queries(3):  # count, outcomes with their programme counts, Last-Modified
        response = client.get(list_url("outcome"))

    assert response.json()["count"] == outcomes


# --------------------------------------------------------------------------- issue 13: what is not our rating
def test_programme_list_and_detail_give_source_classifications_in_the_sources_words(client):
    programme = fully_described_programme(evidence_level=None)
    programme.source_classifications.all().delete()
    SourceClassificationFactory(
        programme=programme,
        source="EIF workshop A, 'What does the evidence tell us?'",
        source_label="EIF workshop on parent-child interactions",
        classification="Established evidence",
        source_date=datetime.date(2016, 1, 1),
    )
    expected = [
        {
            "source": "EIF workshop A, 'What does the evidence tell us?'",
            "source_label": "EIF workshop on parent-child interactions",
            "source_date": "2016-01-01",
            "source_url": "",
            "kind": "category",
            "classification": "Established evidence",
            "label": "EIF workshop on parent-child interactions: established evidence",
            "statement": "Two RCTs conducted in the US.",
        }
    ]

    row = client.get(list_url("programme")).json()["results"][0]
    detail = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug})).json()

    assert row["evidence_rating"] is None
    assert row["source_classifications"] == expected
    assert detail["source_classifications"] == expected


def test_programme_gives_the_rating_difference_note_only_when_the_rating_differs(client):
    differs = ProgrammeFactory(name="A differs", rating_difference_note="Rated by an assessment not yet entered.")
    agrees = ProgrammeFactory(name="B agrees", rating_difference_note="A note left from before.")
    agrees.computed_evidence_rating = "3"  # as services.recompute_programme_rating stores it
    agrees.save(update_fields=["computed_evidence_rating"])
    differs.computed_evidence_rating = "NL2"
    differs.save(update_fields=["computed_evidence_rating"])

    rows = {row["name"]: row for row in client.get(list_url("programme")).json()["results"]}
    detail = client.get(reverse("api:programme-detail", kwargs={"slug": differs.slug})).json()

    assert rows["A differs"]["rating_difference_note"] == "Rated by an assessment not yet entered."
    assert rows["B agrees"]["rating_difference_note"] == ""
    assert detail["rating_difference_note"] == "Rated by an assessment not yet entered."


def test_programme_detail_gives_each_study_rigorously_conducted(client):
    programme = ProgrammeFactory()
    StudyFactory(programme=programme, number=1, rigorously_conducted=False)
    StudyFactory(programme=programme, number=2, rigorously_conducted=True)
    StudyFactory(programme=programme, number=3)

    data = client.get(reverse("api:programme-detail", kwargs={"slug": programme.slug})).json()

    assert [study["rigorously_conducted"] for study in data["studies"]] == [False, True, None]
