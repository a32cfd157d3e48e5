"""One write path: every way of writing evidence keeps the derived data (search text, outcome
filters' table, computed rating) current, because each calls catalogue.services rather than a hook of its own."""

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Finding, Programme, ProgrammeOutcome, Study
from catalogue.resources import FindingResource, StudyResource
from catalogue.services import refresh_derived_data
from tests.factories import DraftProgrammeFactory, FindingFactory, OutcomeFactory, StudyFactory

pytestmark = pytest.mark.django_db


def _dataset(headers, *rows):
    return tablib.Dataset(*rows, headers=headers)


@pytest.fixture
def draft():
    programme = DraftProgrammeFactory(name="Quiet Start", slug="quiet-start", evidence_level=None)
    refresh_derived_data(programme_ids=[programme.pk])
    programme.refresh_from_db()
    return programme


def test_importing_studies_and_findings_refreshes_search_and_the_computed_rating(draft):
    OutcomeFactory(name="Fewer nightmares", slug="fewer-nightmares")
    assert draft.computed_evidence_rating == "NL2"
    assert not Programme.objects.search("nightmares").exists()

    studies = StudyResource().import_data(
        _dataset(
            ["programme", "number", "citation_label", "design", "rating"], ["quiet-start", 1, "Doe (2020)", "rct", 3]
        ),
        dry_run=False,
    )
    findings = FindingResource().import_data(
        _dataset(
            ["id", "study", "outcome", "statement", "significant", "direction", "timing"],
            ["", "quiet-start/1", "fewer-nightmares", "Fewer nightmares at post-test.", "1", "favourable", "post_test"],
        ),
        dry_run=False,
    )

    assert not studies.has_errors() and not findings.has_validation_errors()
    assert Finding.objects.filter(study__programme=draft).count() == 1
    assert list(Programme.objects.search("nightmares")) == [draft]
    draft.refresh_from_db()
    assert draft.computed_evidence_rating == "3"


def test_a_dry_run_import_leaves_derived_data_alone(draft):
    StudyResource().import_data(
        _dataset(
            ["programme", "number", "citation_label", "design", "rating"], ["quiet-start", 1, "Doe (2020)", "rct", 3]
        ),
        dry_run=True,
    )

    assert not Study.objects.exists()
    draft.refresh_from_db()
    assert draft.computed_evidence_rating == "NL2"


def test_moving_a_finding_by_import_refreshes_the_programme_it_left(draft):
    other = DraftProgrammeFactory(name="Loud Start", slug="loud-start")
    StudyFactory(programme=other, number=1)
    finding = FindingFactory(
        study=StudyFactory(programme=draft, number=1),
        outcome=OutcomeFactory(name="Calmer evenings", slug="calmer-evenings"),
    )
    refresh_derived_data(programme_ids=[draft.pk, other.pk])
    assert list(Programme.objects.search("evenings")) == [draft]

    result = FindingResource().import_data(
        _dataset(
            ["id", "study", "outcome", "statement", "significant", "direction", "timing"],
            [finding.pk, "loud-start/1", "calmer-evenings", "Calmer.", "1", "favourable", "post_test"],
        ),
        dry_run=False,
    )

    assert not result.has_validation_errors()
    assert list(Programme.objects.search("evenings")) == [other]
    # The outcome filters' table follows the finding too.
    assert list(ProgrammeOutcome.objects.values_list("programme", flat=True)) == [other.pk]


def test_admin_import_of_findings_refreshes_search(role_analyst_client, draft):
    OutcomeFactory(name="Fewer tantrums", slug="fewer-tantrums")
    StudyFactory(programme=draft, number=1)
    text = (
        "id,study,outcome,statement,significant,direction,timing\n"
        ",quiet-start/1,fewer-tantrums,Fewer.,1,favourable,post_test\n"
    )
    formats = [f.__name__ for f in admin.site._registry[Finding].get_import_formats()]
    preview = role_analyst_client.post(
        reverse("admin:catalogue_finding_import"),
        {
            "import_file": SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv"),
            "format": formats.index("CSV"),
        },
    )
    role_analyst_client.post(reverse("admin:catalogue_finding_process_import"), preview.context["confirm_form"].initial)

    assert list(Programme.objects.search("tantrums")) == [draft]


def test_bulk_delete_in_the_admin_refreshes_search(analyst_client, draft):
    study = StudyFactory(programme=draft, number=1)
    finding = FindingFactory(study=study, outcome=OutcomeFactory(name="Better sleep", slug="better-sleep"))
    refresh_derived_data(programme_ids=[draft.pk])
    assert list(Programme.objects.search("sleep")) == [draft]

    response = analyst_client.post(
        reverse("admin:catalogue_finding_changelist"),
        {"action": "delete_selected", "_selected_action": [finding.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Finding.objects.exists()
    assert not Programme.objects.search("sleep").exists()
    assert not ProgrammeOutcome.objects.exists()
