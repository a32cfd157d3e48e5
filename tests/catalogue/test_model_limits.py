"""Field rules every write path meets (issue 10): web-only links, bounded text, number ranges that
agree between the form (validators), the database (constraints) and docs/data-dictionary.md."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalogue.exchange import ImportRefused, export_catalogue, import_catalogue
from catalogue.models import NARRATIVE_LENGTH, Programme, Publication, SourceClassification, Study
from catalogue.resources import StudyResource
from reviews.models import Review
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    FindingFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    PublicationFactory,
    ReviewFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def source_classification():
    return SourceClassification.objects.create(
        programme=ProgrammeFactory(), source="EIF workshop", source_label="EIF", classification="Established"
    )


HOSTILE_URLS = ["javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>", "ftp://x.org/a"]


# --- links ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (ProgrammeFactory, "contact_url"),
        (PublicationFactory, "url"),
        (ReviewFactory, "url"),
        (lambda: source_classification(), "source_url"),
    ],
)
def test_non_web_links_fail_validation_on_the_field(factory, field, url):
    record = factory()
    setattr(record, field, url)

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert field in error.value.message_dict


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://x.org/a"])
@pytest.mark.parametrize(
    ("model", "field"),
    [(Programme, "contact_url"), (Publication, "url"), (Review, "url")],
    ids=["programme", "pub", "rev"],
)
def test_database_refuses_non_web_links_from_any_write(model, field, url):
    record = {Programme: ProgrammeFactory, Publication: PublicationFactory, Review: ReviewFactory}[model]()

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: url})


def test_web_links_are_accepted():
    programme = ProgrammeFactory(contact_url="https://example.org/contact")
    programme.full_clean()
    PublicationFactory(url="HTTP://EXAMPLE.ORG/paper.pdf").full_clean()


def test_loaddata_fixture_with_a_javascript_link_is_refused(tmp_path):
    fixture = tmp_path / "hostile.json"
    fixture.write_text(
        '[{"model": "catalogue.programme", "fields": {"name": "Hostile", "slug": "hostile", "summary": "x", '
        '"contact_url": "javascript:alert(1)", "status": "draft"}}]'
    )

    with pytest.raises(IntegrityError):
        call_command("loaddata", str(fixture), verbosity=0)

    assert not Programme.objects.filter(slug="hostile").exists()


def test_catalogue_exchange_file_with_a_javascript_link_is_refused_naming_the_row():
    ProgrammeFactory(slug="vig", contact_url="https://example.org/")
    data = export_catalogue()
    Programme.objects.all().delete()
    for obj in data["objects"]:
        if obj["model"] == "catalogue.programme":
            obj["fields"]["contact_url"] = "javascript:alert(1)"

    with pytest.raises(ImportRefused, match="catalogue.Programme .*contact_url"):
        import_catalogue(data=data)

    assert not Programme.objects.exists()


def test_import_row_with_a_javascript_link_is_an_error_naming_row_and_column():
    from catalogue.resources import PublicationResource

    study = StudyFactory(programme__slug="ipp", number=1)
    text = f"study,authors,year,title,url\nipp/{study.number},A. Author,2001,A paper,javascript:alert(1)\n"

    result = PublicationResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    assert "url" in result.invalid_rows[0].error_dict
    assert not Publication.objects.exists()


# --- text lengths -----------------------------------------------------------------------------------
def test_narrative_over_the_limit_fails_validation_on_the_field():
    programme = ProgrammeFactory()
    programme.description = "x" * (NARRATIVE_LENGTH + 1)

    with pytest.raises(ValidationError) as error:
        programme.full_clean()

    assert "at most 20000 characters" in str(error.value.message_dict["description"])


def test_narrative_at_the_limit_is_accepted():
    programme = ProgrammeFactory()
    programme.description = "x" * NARRATIVE_LENGTH

    programme.full_clean()


def test_every_editable_text_field_has_a_limit():
    from django.apps import apps
    from django.db import models

    unbounded = [
        f"{model._meta.label}.{field.name}"
        for app in ("catalogue", "reviews")
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) and field.editable and field.max_length is None
    ]
    assert unbounded == []


def test_import_of_an_oversize_narrative_is_an_error_naming_row_and_column():
    ProgrammeFactory(slug="ipp")
    text = "programme,number,citation_label,design,design_narrative\nipp,1,A (2006),rct," + "x" * 20_001 + "\n"

    result = StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    errors = result.invalid_rows[0].error_dict
    assert "at most 20000 characters" in str(errors["design_narrative"])
    assert not Study.objects.exists()


# --- number ranges --------------------------------------------------------------------------------
RANGES = [
    # (factory, field, refused, accepted): each minimum is a validator (the form's error on the field)
    # and a database constraint (any other write).
    (StudyFactory, "sample_size", 0, 1),
    (StudyFactory, "number", 0, 1),
    (ProgrammeFactory, "sessions", 0, 1),
    (ProgrammeFactory, "duration_weeks", 0, 1),
    (ProgrammeFactory, "practitioners_per_session", 0, 1),
    (ProgrammeFactory, "session_hours_max", Decimal("0"), Decimal("0.5")),
    (ProgrammeFactory, "training_hours", Decimal("-1"), Decimal("0")),
    (ProgrammeFactory, "supervisor_training_hours", Decimal("-1"), Decimal("0")),
    (ProgrammeFactory, "supervision_hours_per_family", Decimal("-1"), Decimal("0")),
    (ProgrammeFactory, "licence_fee", Decimal("-1"), Decimal("0")),
    (FindingFactory, "n_t", 0, 1),
    (FindingFactory, "n_c", 0, 1),
    (ReviewFactory, "participants", 0, 1),
    (IncludedStudyFactory, "participants", 0, 1),
    (AnalysisFactory, "participants", 0, 1),
    (AnalysisFactory, "studies_count", 0, 1),
    (AnalysisRowFactory, "n_t", 1, 20),
]


@pytest.mark.parametrize(("factory", "field", "refused", "accepted"), RANGES)
def test_number_below_its_range_is_a_form_error_on_the_field(factory, field, refused, accepted):
    record = factory()
    setattr(record, field, refused)

    with pytest.raises(ValidationError) as error:
        record.full_clean()

    assert field in error.value.message_dict
    setattr(record, field, accepted)
    record.full_clean()


@pytest.mark.parametrize(("factory", "field", "refused", "accepted"), RANGES)
def test_database_refuses_a_number_below_its_range(factory, field, refused, accepted):
    record = factory()
    model = type(record)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: refused})


def test_data_dictionary_states_the_minimums_the_models_enforce():
    dictionary = (Path(settings.BASE_DIR) / "docs" / "data-dictionary.md").read_text()

    def row(column, section):
        part = dictionary.split(f"## {section}")[1].split("\n## ")[0]
        return re.search(rf"^\| `{column}` \|.*$", part, re.M).group(0)

    assert "1 or more" in row("sample_size", "Studies")
    assert "from 1" in row("number", "Studies")
    assert "1 or more" in row("n_t", "Findings")
    assert "1 or more" in row("n_c", "Findings")
    assert "http://" in row("url", "Publications")
    assert "20,000 characters" in row("design_narrative", "Studies")


def test_admin_form_refuses_an_oversize_narrative_with_a_message(analyst_client):
    response = analyst_client.post(
        reverse("admin:catalogue_programme_add"),
        {"name": "Long", "slug": "long", "summary": "One line.", "description": "x" * (NARRATIVE_LENGTH + 1)},
    )

    assert response.status_code == 200  # the form again, not a 400 or a 500
    assert "Ensure this value has at most 20000 characters (it has 20001)." in response.text
    assert not Programme.objects.filter(slug="long").exists()
