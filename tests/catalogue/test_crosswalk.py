"""Other clearinghouses' ratings: their rules, who may change them, the import, and that only published
programmes' ratings reach the public (page, compare, list filter, API, open data)."""

import datetime
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from catalogue import workflow
from catalogue.filters import ProgrammeFilterSet
from catalogue.models import ClearinghouseRating, Programme, PublicationStatus
from catalogue.opendata.tables import TABLES
from catalogue.permissions import may_change, public_record
from catalogue.resources import ClearinghouseRatingResource
from tests.factories import (
    ClearinghouseFactory,
    ClearinghouseGradeFactory,
    ClearinghouseRatingFactory,
    DraftProgrammeFactory,
    ProgrammeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def title_iv_e():
    clearinghouse = ClearinghouseFactory(
        name="Title IV-E Prevention Services Clearinghouse", short_name="Title IV-E Clearinghouse", slug="title-iv-e"
    )
    for rank, label in enumerate(["Well-supported", "Supported", "Promising"], start=1):
        ClearinghouseGradeFactory(clearinghouse=clearinghouse, rank=rank, label=label, meaning=f"What {label} means.")
    return clearinghouse


def grade(clearinghouse, label):
    return clearinghouse.grades.get(label=label)


# --------------------------------------------------------------------------- the model's rules
def test_a_rating_is_always_of_its_grades_clearinghouse(title_iv_e):
    rating = ClearinghouseRatingFactory(grade=grade(title_iv_e, "Promising"))
    assert rating.clearinghouse == title_iv_e
    assert str(rating).endswith("Title IV-E Clearinghouse: Promising")


def test_a_scale_names_each_grade_and_place_once(title_iv_e):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClearinghouseGradeFactory(clearinghouse=title_iv_e, label="Promising", rank=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClearinghouseGradeFactory(clearinghouse=title_iv_e, label="Emerging", rank=1)
    ClearinghouseGradeFactory(label="Promising", rank=1)  # another clearinghouse's scale may use the same words


@pytest.mark.parametrize(
    "fields",
    [
        {"source_title": ""},
        {"source_url": ""},
        {"source_url": "javascript:alert(1)"},
        {"rated_on": datetime.date(2027, 1, 1), "source_read_on": datetime.date(2026, 11, 30)},
    ],
)
def test_a_rating_needs_a_citable_source_read_after_the_rating(title_iv_e, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClearinghouseRatingFactory(grade=grade(title_iv_e, "Supported"), **fields)


def test_the_same_grade_is_recorded_once_per_programme_and_population(title_iv_e):
    programme = ProgrammeFactory()
    ClearinghouseRatingFactory(programme=programme, grade=grade(title_iv_e, "Supported"), applies_to="Infants")
    ClearinghouseRatingFactory(programme=programme, grade=grade(title_iv_e, "Supported"), applies_to="Toddlers")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClearinghouseRatingFactory(programme=programme, grade=grade(title_iv_e, "Supported"), applies_to="Infants")


def test_full_clean_states_the_rules_as_form_errors(title_iv_e):
    rating = ClearinghouseRating(
        programme=ProgrammeFactory(),
        grade=grade(title_iv_e, "Supported"),
        rated_on=datetime.date(2027, 1, 1),
        source_title="A page",
        source_url="ftp://example.org/",
        source_read_on=datetime.date(2026, 11, 30),
    )
    with pytest.raises(ValidationError) as error:
        rating.full_clean()
    text = str(error.value)
    assert "cannot be dated after the day its page was read" in text
    assert "source_url" in error.value.message_dict


def test_changes_are_kept_in_the_history(title_iv_e):
    rating = ClearinghouseRatingFactory(grade=grade(title_iv_e, "Promising"))
    rating.grade = grade(title_iv_e, "Supported")
    rating.save()
    assert [h.grade.label for h in rating.history.order_by("history_date")] == ["Promising", "Supported"]


# --------------------------------------------------------------------------- who may change them
def test_only_a_publisher_changes_the_ratings_of_a_published_programme(title_iv_e, role_analyst, publisher):
    published = ClearinghouseRatingFactory(grade=grade(title_iv_e, "Promising"))
    draft = ClearinghouseRatingFactory(programme=DraftProgrammeFactory(), grade=grade(title_iv_e, "Promising"))

    assert public_record(published) == published.programme
    assert not may_change(role_analyst, published)
    assert may_change(publisher, published)
    assert may_change(role_analyst, draft)
    # The scale a published rating uses is on a public page too.
    assert not may_change(role_analyst, title_iv_e)
    assert not may_change(role_analyst, grade(title_iv_e, "Promising"))
    assert may_change(role_analyst, grade(title_iv_e, "Well-supported"))


def test_publishing_and_withdrawing_the_programme_shows_and_hides_its_ratings(client, title_iv_e, publisher):
    programme = DraftProgrammeFactory(name="Child First", slug="child-first")
    ClearinghouseRatingFactory(programme=programme, grade=grade(title_iv_e, "Supported"))

    assert client.get("/programmes/child-first/").status_code == 404
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    assert "Supported" in client.get("/programmes/child-first/").content.decode()
    assert len(TABLES["clearinghouse_ratings"].records()) == 1
    workflow.unpublish(obj=programme, user=publisher, change_note="Taken down to check its sources.")
    assert client.get("/programmes/child-first/").status_code == 404
    assert TABLES["clearinghouse_ratings"].records() == []


# --------------------------------------------------------------------------- import
def import_rows(text, user=None, dry_run=False):
    dataset = tablib.Dataset().load(text, format="csv")
    return ClearinghouseRatingResource().import_data(dataset, dry_run=dry_run, user=user)


HEADER = "programme,clearinghouse,grade,applies_to,rated_on,source_title,source_url,source_read_on,order\n"


def test_import_adds_a_rating_by_clearinghouse_and_grade_label(title_iv_e):
    programme = DraftProgrammeFactory(slug="child-first")
    result = import_rows(
        HEADER + "child-first,title-iv-e,supported,,2021-10-01,Child First,https://example.org/cf,2026-11-30,0\n"
    )
    assert not result.has_errors() and not result.has_validation_errors()
    rating = programme.clearinghouse_ratings.get()
    assert (rating.grade.label, rating.rated_on) == ("Supported", datetime.date(2021, 10, 1))


def test_import_refuses_a_grade_from_another_clearinghouses_scale(title_iv_e):
    DraftProgrammeFactory(slug="child-first")
    ClearinghouseGradeFactory(clearinghouse=ClearinghouseFactory(slug="blueprints"), label="Model", rank=1)
    result = import_rows(
        HEADER + "child-first,title-iv-e,Model,,2021-10-01,Child First,https://example.org/cf,2026-11-30,0\n"
    )
    assert result.has_validation_errors()
    message = str(result.invalid_rows[0].error_dict)
    assert "“Model” is not a grade on the scale of “title-iv-e”" in message
    assert not ClearinghouseRating.objects.exists()


def test_import_refuses_an_unknown_clearinghouse(title_iv_e):
    DraftProgrammeFactory(slug="child-first")
    result = import_rows(HEADER + "child-first,nobody,Supported,,,Child First,https://example.org/cf,2026-11-30,0\n")
    assert result.has_validation_errors()
    assert "No clearinghouse “nobody”" in str(result.invalid_rows[0].error_dict)


def test_an_analyst_cannot_import_onto_a_published_programme(title_iv_e, role_analyst):
    ProgrammeFactory(slug="child-first")
    result = import_rows(
        HEADER + "child-first,title-iv-e,Supported,,,Child First,https://example.org/cf,2026-11-30,0\n",
        user=role_analyst,
    )
    assert result.has_validation_errors()
    assert not ClearinghouseRating.objects.exists()


def test_import_template_header_matches_the_resource():
    header = (Path(settings.BASE_DIR) / "static/import-templates/clearinghouserating.csv").read_text().splitlines()[0]
    assert header.split(",") == [field.column_name for field in ClearinghouseRatingResource().get_import_fields()]


# --------------------------------------------------------------------------- what the public sees
def test_programme_page_shows_each_grade_in_its_own_words_with_source_and_date(client, title_iv_e):
    programme = ProgrammeFactory(slug="abc")
    ClearinghouseRatingFactory(
        programme=programme,
        grade=grade(title_iv_e, "Well-supported"),
        applies_to="ABC – Infant",
        rated_on=datetime.date(2025, 3, 1),
        source_title="Attachment and Biobehavioral Catch-up – Infant",
        source_url="https://preventionservices.acf.hhs.gov/programs/734/show",
    )
    page = client.get("/programmes/abc/").content.decode()
    assert "What other clearinghouses say" in page
    assert "we do not convert one scale into another" in page
    assert "<strong>Well-supported</strong>" in page
    assert "rated March 2025" in page
    assert 'href="https://preventionservices.acf.hhs.gov/programs/734/show"' in page
    assert "read on 30 November 2026" in page
    assert "What Well-supported means." in page


def test_programme_page_shows_nothing_when_there_are_no_ratings(client):
    ProgrammeFactory(slug="plain")
    page = client.get("/programmes/plain/").content.decode()
    assert "other-clearinghouses" not in page
    assert "What other clearinghouses say" not in page


def test_compare_shows_the_ratings_row_only_when_a_programme_has_one(client, title_iv_e):
    ProgrammeFactory(slug="a", name="A")
    ProgrammeFactory(slug="b", name="B")
    assert "What other clearinghouses say" not in client.get("/programmes/compare/?p=a&p=b").content.decode()

    ClearinghouseRatingFactory(programme=Programme.objects.get(slug="a"), grade=grade(title_iv_e, "Promising"))
    page = client.get("/programmes/compare/?p=a&p=b").content.decode()
    assert "What other clearinghouses say" in page
    assert "Title IV-E Clearinghouse: <strong>Promising</strong>" in page
    assert "we do not convert one scale into another" in page


def test_compare_reads_ratings_in_a_fixed_number_of_queries(client, title_iv_e):
    a, b = ProgrammeFactory(slug="a", name="A"), ProgrammeFactory(slug="b", name="B")
    ClearinghouseRatingFactory(programme=a, grade=grade(title_iv_e, "Promising"))
    with CaptureQueriesContext(connection) as one:
        client.get("/programmes/compare/?p=a&p=b")
    for label in ("Well-supported", "Supported"):
        ClearinghouseRatingFactory(programme=b, grade=grade(title_iv_e, label), applies_to=label)
    with CaptureQueriesContext(connection) as three:
        client.get("/programmes/compare/?p=a&p=b")
    assert len(three) == len(one)


def test_rated_by_filter_lists_and_counts_published_programmes_only(title_iv_e):
    rated = ProgrammeFactory(name="Rated")
    ClearinghouseRatingFactory(programme=rated, grade=grade(title_iv_e, "Supported"))
    ClearinghouseRatingFactory(programme=rated, grade=grade(title_iv_e, "Promising"), applies_to="Older children")
    ClearinghouseRatingFactory(programme=DraftProgrammeFactory(name="Draft"), grade=grade(title_iv_e, "Promising"))
    ProgrammeFactory(name="Unrated")
    filterset = ProgrammeFilterSet(QueryDict("rated_by=title-iv-e"), queryset=Programme.objects.published())
    assert [p.name for p in filterset.qs] == ["Rated"]
    facet = next(f for f in filterset.facets() if f.param == "rated_by")
    assert [(o.value, o.count, o.checked) for o in facet.options] == [("title-iv-e", 1, True)]


def test_api_gives_a_published_programmes_ratings_and_hides_a_drafts(client, title_iv_e):
    ClearinghouseRatingFactory(programme=ProgrammeFactory(slug="shown"), grade=grade(title_iv_e, "Supported"))
    ClearinghouseRatingFactory(programme=DraftProgrammeFactory(slug="hidden"), grade=grade(title_iv_e, "Promising"))

    ratings = client.get("/api/v1/programmes/shown/").json()["clearinghouse_ratings"]
    assert [(r["clearinghouse_slug"], r["grade"], r["grade_rank"]) for r in ratings] == [("title-iv-e", "Supported", 2)]
    assert client.get("/api/v1/programmes/hidden/").status_code == 404
    assert client.get("/api/v1/programmes/?rated_by=title-iv-e").json()["count"] == 1


def test_open_data_holds_published_programmes_ratings_only(title_iv_e):
    ClearinghouseRatingFactory(programme=ProgrammeFactory(slug="shown"), grade=grade(title_iv_e, "Supported"))
    for status in (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW, PublicationStatus.ARCHIVED):
        hidden = DraftProgrammeFactory(status=status)
        ClearinghouseRatingFactory(programme=hidden, grade=grade(title_iv_e, "Promising"))

    rows = TABLES["clearinghouse_ratings"].records()
    assert [(row["programme"], row["clearinghouse"], row["grade"]) for row in rows] == [
        ("shown", "title-iv-e", "Supported")
    ]


def test_admin_pages_for_clearinghouses_and_ratings_open(analyst_client, title_iv_e):
    rating = ClearinghouseRatingFactory(programme=DraftProgrammeFactory(), grade=grade(title_iv_e, "Supported"))
    for url in (
        "/admin/catalogue/clearinghouse/",
        f"/admin/catalogue/clearinghouse/{title_iv_e.pk}/change/",
        "/admin/catalogue/clearinghouserating/",
        "/admin/catalogue/clearinghouserating/add/",
        f"/admin/catalogue/clearinghouserating/{rating.pk}/change/",
        "/admin/catalogue/clearinghouserating/import/",
        f"/admin/catalogue/programme/{rating.programme.pk}/change/",
    ):
        assert analyst_client.get(url).status_code == 200, url


def test_data_dictionary_describes_every_rating_import_column():
    dictionary = (Path(settings.BASE_DIR) / "docs" / "data-dictionary.md").read_text()
    section = dictionary.split("## Other clearinghouses' ratings")[1].split("\n## ")[0]
    for field in ClearinghouseRatingResource().get_import_fields():
        assert f"`{field.column_name}`" in section, field.column_name
