"""The real data in fixtures/ loads on this database, twice, and says what the seed documents say.

The only tests that read fixtures/: everything else builds its own rows with factories.
"""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command

from catalogue.models import Collection, Finding, FindingTiming, Programme, PublicationStatus, Study

pytestmark = pytest.mark.django_db

CATALOGUE_FIXTURE = "fixtures/catalogue.json"


def row_counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("catalogue").get_models()}


@pytest.fixture
def seed_data():
    call_command("loaddata", CATALOGUE_FIXTURE, verbosity=0)


def test_fixtures_load_twice_without_duplicates(seed_data):
    before = row_counts()
    call_command("loaddata", CATALOGUE_FIXTURE, verbosity=0)
    assert row_counts() == before
    assert before["Programme"] >= 12


def test_fixtures_pass_model_validation(seed_data):
    problems = []
    for model in apps.get_app_config("catalogue").get_models():
        for row in model.objects.all():
            try:
                row.full_clean()
            except Exception as error:  # collect every problem, then report them together
                problems.append(f"{model.__name__} {row.pk}: {error}")
    assert problems == []


def test_fixtures_hold_infant_parent_psychotherapy_as_seed_002(seed_data):
    ipp = Programme.objects.get(slug="infant-parent-psychotherapy")
    assert ipp.acronym == "IPP"
    assert ipp.evidence_rating == "3+"
    assert ipp.cost_rating_code == "NA"
    assert ipp.status == PublicationStatus.PUBLISHED
    assert ipp.published_on == datetime.date(2023, 1, 1)
    assert ipp.assessed_in == "Foundations for Life"
    assert ipp.sessions == 32
    assert ipp.training_hours == 92
    assert ipp.licence_required is False
    assert ipp.uk_provision is False
    assert ipp.uk_evaluation is False
    assert [a.slug for a in ipp.age_groups.all()] == ["infants"]
    assert [n.slug for n in ipp.levels_of_need.all()] == ["targeted-indicated"]
    assert [d.slug for d in ipp.delivery_models.all()] == ["individual"]
    assert [c.slug for c in ipp.countries.all()] == ["united-states"]
    assert ipp.theory_of_change.count() == 5
    assert ipp.contact_email == "chandra.ghosh@ucsf.edu"


def test_fixtures_hold_both_ipp_studies_with_their_publications(seed_data):
    studies = Study.objects.filter(programme__slug="infant-parent-psychotherapy").order_by("number")
    assert [(s.number, s.design, s.sample_size, s.rating) for s in studies] == [(1, "rct", 100, 3), (2, "rct", 189, 3)]
    assert studies[0].citation_label == "Lieberman et al (1991)"
    assert sorted(p.year for p in studies[1].publications.all()) == [2006, 2011, 2013]


def test_fixtures_hold_ipp_child_findings_with_index_and_timing(seed_data):
    findings = Finding.objects.filter(study__programme__slug="infant-parent-psychotherapy", study__number=2)
    indexed = sorted(
        (f.improvement_index, f.timing, f.months_after_end) for f in findings if f.improvement_index is not None
    )
    assert indexed == [
        (32, FindingTiming.POST_TEST, 0),
        (33, FindingTiming.FOLLOW_UP, 12),
        (50, FindingTiming.POST_TEST, 0),
        (50, FindingTiming.POST_TEST, 0),
    ]
    statements = " ".join(f.statement for f in findings)
    for number in ["40.9", "28.7", "38.6", "34.5"]:
        assert number in statements


@pytest.mark.parametrize(
    ("slug", "rating", "cost"),
    [
        ("family-foundations", "", "1"),
        ("family-nurse-partnership", "", "5"),
        ("child-first", "", "5"),
        ("child-parent-psychotherapy", "", "NA"),
        ("social-baby", "", "NA"),
    ],
)
def test_fixtures_hold_seed_000_cost_ratings(seed_data, slug, rating, cost):
    programme = Programme.objects.get(slug=slug)
    assert programme.cost_rating_code == cost
    assert programme.evidence_rating == rating


@pytest.mark.parametrize(
    "citation",
    [
        "Cicchetti et al (1999)",
        "Cohen et al (1999)",
        "Cooper et al (2003)",
        "Robert-Tissot et al (1996)",
        "Salomonsson & Sandell (2011)",
        "Sleed et al (2013)",
        "Toth et al (2006)",
        "Osofsky et al (2007)",
    ],
)
def test_fixtures_hold_the_review_trials_once_each(seed_data, citation):
    assert Study.objects.filter(citation_label=citation).count() == 1


def test_fixtures_hold_the_attachment_collection(seed_data):
    collection = Collection.objects.get(slug="supporting-the-attachment-relationship")
    assert collection.programmes.count() == 5
    assert collection.summary
