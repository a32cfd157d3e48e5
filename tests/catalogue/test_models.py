"""Database invariants, display strings and URLs of the catalogue models."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalogue.models import (
    AgeGroup,
    Country,
    DeliveryModel,
    FindingTiming,
    LevelOfNeed,
    Programme,
    PublicationStatus,
    Setting,
)
from tests.factories import (
    CollectionFactory,
    FindingFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def assert_violates(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


# --------------------------------------------------------------------------- programme
@pytest.mark.parametrize(
    "kwargs",
    [
        {"evidence_level": 5},
        {"evidence_level": 1, "evidence_plus": True},  # NL2+ does not exist
        {"evidence_level": None, "evidence_plus": True},
        {"cost_rating": 6},
        {"cost_rating": 0},
        {"estimated_unit_cost": Decimal("50"), "cost_rating": 2},
        {"estimated_unit_cost": Decimal("2000"), "cost_rating": 5},  # £2,000 is band 4
        {"estimated_unit_cost": Decimal("150"), "cost_rating": None},  # a known cost cannot be NA
        {"session_hours_min": Decimal("2"), "session_hours_max": Decimal("1")},
        {"session_hours_min": Decimal("0")},
        {"sessions": 0},
        {"practitioners_per_session": 0},
        {"status": PublicationStatus.PUBLISHED, "published_on": None},
        {"slug": ""},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()),
)
def test_programme_constraint_rejects_invalid(kwargs):
    assert_violates(ProgrammeFactory, **kwargs)


@pytest.mark.parametrize(
    ("unit_cost", "band"),
    [
        ("0", 1),
        ("99.99", 1),
        ("100", 2),
        ("499.99", 2),
        ("500", 3),
        ("999.99", 3),
        ("1000", 4),
        ("2000", 4),
        ("2000.01", 5),
    ],
)
def test_programme_cost_rating_accepts_matching_band(unit_cost, band):
    programme = ProgrammeFactory(estimated_unit_cost=Decimal(unit_cost), cost_rating=band)
    assert programme.cost_rating_code == str(band)


def test_programme_slug_is_unique():
    ProgrammeFactory(name="One", slug="same")
    assert_violates(ProgrammeFactory, name="Two", slug="same")


def test_programme_constraint_shows_as_form_error():
    programme = ProgrammeFactory.build(evidence_level=1, evidence_plus=True)
    with pytest.raises(ValidationError, match=r'Only levels 2, 3 and 4 can carry a "\+"'):
        programme.full_clean()


@pytest.mark.parametrize(
    ("level", "plus", "printed"),
    [
        (4, True, "4+"),
        (4, False, "4"),
        (3, True, "3+"),
        (2, False, "2"),
        (1, False, "NL2"),
        (0, False, "NE"),
        (None, False, ""),
    ],
)
def test_programme_evidence_rating_prints_code(level, plus, printed):
    assert ProgrammeFactory.build(evidence_level=level, evidence_plus=plus).evidence_rating == printed


def test_programme_cost_rating_code_is_na_when_empty():
    assert ProgrammeFactory.build(cost_rating=None).cost_rating_code == "NA"


def test_programme_str_and_url():
    programme = ProgrammeFactory(name="Infant-Parent Psychotherapy", slug="infant-parent-psychotherapy")
    assert str(programme) == "Infant-Parent Psychotherapy"
    assert programme.get_absolute_url() == "/programmes/infant-parent-psychotherapy/"


def test_programme_published_excludes_drafts_review_and_archive():
    shown = ProgrammeFactory(status=PublicationStatus.PUBLISHED)
    for status in [PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED]:
        ProgrammeFactory(status=status)
    assert list(Programme.objects.published()) == [shown]


# --------------------------------------------------------------------------- study
@pytest.mark.parametrize(
    "kwargs",
    [{"rating": 0}, {"rating": 5}, {"number": 0}, {"year": 1800}, {"sample_size": 0}, {"citation_label": ""}],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()),
)
def test_study_constraint_rejects_invalid(kwargs):
    assert_violates(StudyFactory, **kwargs)


def test_study_number_unique_within_programme():
    study = StudyFactory(number=1)
    assert_violates(StudyFactory, programme=study.programme, number=1)


def test_study_number_may_repeat_across_programmes_and_for_review_only_studies():
    StudyFactory(number=1)
    StudyFactory(number=1)
    StudyFactory(programme=None, number=None)
    StudyFactory(programme=None, number=None)


def test_study_str_and_url():
    study = StudyFactory(number=2, citation_label="Cicchetti et al (2006)", programme__slug="ipp")
    assert str(study) == "Study 2: Cicchetti et al (2006)"
    assert study.get_absolute_url() == "/programmes/ipp/#study-2"


def test_review_only_study_has_no_page():
    study = StudyFactory(programme=None, number=None, citation_label="Cohen et al (1999)")
    assert str(study) == "Cohen et al (1999)"
    assert study.get_absolute_url() == ""


# --------------------------------------------------------------------------- publication
@pytest.mark.parametrize(
    "kwargs",
    [{"year": 1899}, {"year": 2101}, {"doi": "https://doi.org/10.1017/x"}],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()),
)
def test_publication_constraint_rejects_invalid(kwargs):
    assert_violates(PublicationFactory, **kwargs)


def test_publication_doi_validator_explains_format():
    publication = PublicationFactory.build(doi="doi.org/10.1/abc", study=StudyFactory())
    with pytest.raises(ValidationError, match='starting "10."'):
        publication.full_clean()


def test_publication_link_prefers_doi():
    publication = PublicationFactory(doi="10.1017/S0954579406060329", url="https://example.org/paper")
    assert publication.link == "https://doi.org/10.1017/S0954579406060329"
    assert str(publication).startswith("Author, A. (2006). A trial")


# --------------------------------------------------------------------------- finding
@pytest.mark.parametrize(
    "kwargs",
    [
        {"improvement_index": 51},
        {"improvement_index": -51},
        {"ci_low": Decimal("0.5"), "ci_high": Decimal("0.1")},
        {"effect_size": Decimal("0.9"), "ci_low": Decimal("0.1"), "ci_high": Decimal("0.5")},
        {"sd_t": -1.0},
        {"sd_c": -0.1},
        {"events_t": 5},  # events without a group size
        {"events_t": 11, "n_t": 10},
        {"events_c": 11, "n_c": 10},
        {"timing": FindingTiming.POST_TEST, "months_after_end": 6},
        {"timing": FindingTiming.FOLLOW_UP, "months_after_end": None},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()),
)
def test_finding_constraint_rejects_invalid(kwargs):
    assert_violates(FindingFactory, **kwargs)


@pytest.mark.parametrize(
    ("timing", "months", "long_term", "label"),
    [
        (FindingTiming.POST_TEST, 0, False, "Immediately after the intervention"),
        (FindingTiming.FOLLOW_UP, 6, False, "6 months later"),
        (FindingTiming.FOLLOW_UP, 12, True, "Long term: a year later"),
        (FindingTiming.FOLLOW_UP, 24, True, "Long term: 2 years later"),
    ],
)
def test_finding_timing_label_and_long_term(timing, months, long_term, label):
    finding = FindingFactory(timing=timing, months_after_end=months)
    assert finding.is_long_term is long_term
    assert finding.timing_label == label


def test_finding_str_names_study_and_outcome():
    finding = FindingFactory(
        study__citation_label="Cicchetti et al (2006)", outcome__name="Improved attachment security"
    )
    assert str(finding) == "Cicchetti et al (2006): Improved attachment security (Immediately after the intervention)"
    assert finding.get_absolute_url() == finding.study.get_absolute_url()


def test_outcome_unique_within_domain():
    OutcomeFactory(name="Improved attachment security", slug="a")
    assert_violates(OutcomeFactory, name="Improved attachment security", slug="b")


def test_outcome_and_collection_str_and_url():
    outcome = OutcomeFactory(name="Reduced conduct problems", slug="reduced-conduct-problems")
    collection = CollectionFactory(name="Attachment", slug="attachment")
    assert str(outcome) == "Reduced conduct problems"
    assert outcome.get_absolute_url() == "/programmes/?outcome=reduced-conduct-problems"
    assert str(collection) == "Attachment"
    assert collection.get_absolute_url() == "/collections/attachment/"


# --------------------------------------------------------------------------- lookups
@pytest.mark.parametrize(
    ("model", "slug", "name"),
    [
        (AgeGroup, "infants", "Infants (under 1)"),
        (LevelOfNeed, "targeted-indicated", "Targeted indicated"),
        (DeliveryModel, "individual", "Individual"),
        (Setting, "home", "Home"),
        (Country, "united-kingdom", "United Kingdom"),
    ],
)
def test_data_migration_seeds_lookups(model, slug, name):
    row = model.objects.get_by_natural_key(slug)
    assert str(row) == name
    assert row.natural_key() == (slug,)


def test_data_migration_seeds_three_levels_of_need_in_order():
    assert list(LevelOfNeed.objects.values_list("slug", flat=True)) == [
        "universal",
        "targeted-selective",
        "targeted-indicated",
    ]


def test_lookup_names_are_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        Setting.objects.create(name="Home", slug="home-2")


def test_published_on_date_roundtrip():
    programme = ProgrammeFactory(published_on=datetime.date(2023, 1, 1))
    programme.refresh_from_db()
    assert programme.published_on == datetime.date(2023, 1, 1)
