"""Bulk import (preview, confirm, all-or-nothing validation), the import templates, and export."""

from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalogue.models import Finding, Outcome, Publication, Study
from catalogue.resources import FindingResource, PublicationResource, StudyResource
from tests.factories import (
    DraftProgrammeFactory,
    FindingFactory,
    OutcomeFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "static" / "import-templates"
STUDY_HEADER = "programme,number,citation_label,year,design,rating,sample_size\n"


def csv_format_index(model):
    formats = admin.site._registry[model].get_import_formats()
    return str([f.__name__ for f in formats].index("CSV"))


def upload(client, model, text):
    url = reverse(f"admin:catalogue_{model._meta.model_name}_import")
    return client.post(
        url,
        {
            "import_file": SimpleUploadedFile("import.csv", text.encode(), content_type="text/csv"),
            "format": csv_format_index(model),
        },
    )


@pytest.fixture
def ipp():
    """The programme and outcome the import templates' example rows refer to."""
    programme = DraftProgrammeFactory(name="Infant-Parent Psychotherapy", slug="infant-parent-psychotherapy")
    OutcomeFactory(name="Improved attachment security", slug="improved-attachment-security")
    return programme


def test_import_page_links_the_template(role_analyst_client):
    response = role_analyst_client.get(reverse("admin:catalogue_study_import"))

    assert response.status_code == 200
    assert "import-templates/study.csv" in response.content.decode()


def test_import_preview_writes_nothing(role_analyst_client, ipp):
    text = STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,189\n"

    response = upload(role_analyst_client, Study, text)

    assert response.status_code == 200
    assert "Confirm import" in response.content.decode()
    assert not Study.objects.exists()


def test_import_confirm_writes_rows_and_history(role_analyst_client, role_analyst, ipp):
    text = STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,189\n"
    preview = upload(role_analyst_client, Study, text)
    confirm = preview.context["confirm_form"].initial

    response = role_analyst_client.post(reverse("admin:catalogue_study_process_import"), confirm)

    assert response.status_code == 302
    study = Study.objects.get()
    assert (study.programme, study.number, study.sample_size) == (ipp, 1, 189)
    assert study.history.get().history_user == role_analyst


def test_import_with_invalid_rows_writes_nothing_and_reports_each(role_analyst_client, ipp):
    text = STUDY_HEADER + (
        "infant-parent-psychotherapy,1,Valid et al (2006),2006,rct,3,189\n"
        "no-such-programme,2,Unknown programme (2007),2007,rct,3,50\n"
        "infant-parent-psychotherapy,3,Bad year (1850),1850,rct,3,50\n"
        "infant-parent-psychotherapy,4,Bad design (2010),2010,survey,3,50\n"
    )

    response = upload(role_analyst_client, Study, text)

    content = response.content.decode()
    assert "Confirm import" not in content
    assert not Study.objects.exists()
    result = response.context["result"]
    invalid = {row.number: row.field_specific_errors for row in result.invalid_rows}
    assert set(invalid) == {2, 3, 4}
    assert "programme" in invalid[2]
    assert "year" in invalid[3]
    assert "design" in invalid[4]
    assert "No programme “no-such-programme”." in content
    assert "The year must be between 1900 and 2100." in content or "1900" in content


def test_reposted_confirm_of_invalid_file_writes_nothing(ipp):
    text = STUDY_HEADER + (
        "infant-parent-psychotherapy,1,Valid et al (2006),2006,rct,3,189\n"
        "infant-parent-psychotherapy,2,Bad year (1850),1850,rct,3,50\n"
    )

    result = StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    assert result.has_validation_errors()
    assert not Study.objects.exists()


def test_import_reports_constraint_messages_for_findings(ipp):
    study = StudyFactory(programme=ipp, number=1)
    text = (
        "id,study,outcome,timing,months_after_end,statement\n"
        f"{''},infant-parent-psychotherapy/{study.number},improved-attachment-security,post_test,12,Too late\n"
    )

    result = FindingResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)

    errors = result.invalid_rows[0].error_dict
    assert "A post-test finding is measured at the end (0 months)" in str(errors)
    assert not Finding.objects.exists()


def test_import_unknown_study_key_is_a_row_error(ipp):
    text = "study,authors,year,title\nipp/9,Someone,2001,A paper\n"

    result = PublicationResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)

    assert "No study “ipp/9”" in str(result.invalid_rows[0].error_dict)


def test_reimporting_unchanged_study_is_skipped(ipp):
    text = STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,189\n"
    StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    result = StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    assert result.totals["skip"] == 1
    assert Study.objects.count() == 1


TEMPLATE_RESOURCES = [("study", StudyResource), ("publication", PublicationResource), ("finding", FindingResource)]


def snapshot():
    """Every study, publication and finding as stored, to show an import changed none of them."""
    return {model: list(model.objects.order_by("pk").values()) for model in (Study, Publication, Finding)}


@pytest.mark.parametrize(("name", "resource"), TEMPLATE_RESOURCES)
def test_import_template_example_row_changes_no_existing_row(ipp, name, resource):
    study = StudyFactory(programme=ipp, number=1, citation_label="Lieberman et al (1991)")
    PublicationFactory(study=study)
    FindingFactory(study=study, outcome=Outcome.objects.get(slug="improved-attachment-security"))
    if name != "study":
        StudyResource().import_data(tablib.Dataset().load((TEMPLATES / "study.csv").read_text(), format="csv"))
    before = snapshot()
    dataset = tablib.Dataset().load((TEMPLATES / f"{name}.csv").read_text(), format="csv")

    result = resource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors(), [
        row.error_dict for row in result.invalid_rows
    ]
    assert (result.totals["new"], result.totals["update"]) == (1, 0)
    after = snapshot()
    for model, rows in before.items():
        assert after[model][: len(rows)] == rows, model


def test_import_templates_in_order_add_only_the_example_study(ipp):
    StudyFactory(programme=ipp, number=1, citation_label="Lieberman et al (1991)")

    for name, resource in TEMPLATE_RESOURCES:
        dataset = tablib.Dataset().load((TEMPLATES / f"{name}.csv").read_text(), format="csv")
        assert not resource().import_data(dataset, dry_run=False).has_validation_errors(), name

    example = Study.objects.get(citation_label="Example et al (2020)")
    assert example.programme is None
    assert "Example row" in example.sample_description
    assert ipp.studies.get().citation_label == "Lieberman et al (1991)"
    assert (example.publications.count(), example.findings.count()) == (1, 1)
    assert not Publication.objects.exclude(study=example).exists()


def test_import_template_headers_match_resources():
    for name, resource in [
        ("study", StudyResource),
        ("publication", PublicationResource),
        ("finding", FindingResource),
    ]:
        header = (TEMPLATES / f"{name}.csv").read_text().splitlines()[0].split(",")
        assert header == [field.column_name for field in resource().get_import_fields()]


def test_data_dictionary_describes_every_import_column():
    dictionary = (Path(settings.BASE_DIR) / "docs" / "data-dictionary.md").read_text()
    for resource in (StudyResource, PublicationResource, FindingResource):
        for field in resource().get_import_fields():
            assert f"`{field.column_name}`" in dictionary, field.column_name


def test_analyst_without_add_permission_cannot_import(client, django_user_model):
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    from django.contrib.auth.models import Permission

    reader.user_permissions.add(Permission.objects.get(codename="view_study"))
    client.force_login(reader)

    assert client.get(reverse("admin:catalogue_study_import")).status_code == 403


def test_export_action_offers_csv_and_excel(role_analyst_client):
    finding = FindingFactory()

    response = role_analyst_client.post(
        reverse("admin:catalogue_finding_changelist"),
        {"action": "export_selected", "_selected_action": [finding.pk]},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "csv" in content and "xlsx" in content


def test_export_of_selection_writes_only_selected_rows():
    chosen, other = FindingFactory(statement="Chosen"), FindingFactory(statement="Other")

    dataset = FindingResource().export(Finding.objects.filter(pk=chosen.pk))

    assert dataset["statement"] == ["Chosen"]
    assert dataset["study"] == [f"{chosen.study.programme.slug}/{chosen.study.number}"]
    assert other.statement not in dataset.csv
    assert dataset.export("xlsx")[:2] == b"PK"  # an Excel workbook is a zip file


def test_import_accepts_excel(ipp):
    text = STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,189\n"
    workbook = tablib.Dataset().load(text, format="csv").export("xlsx")

    result = StudyResource().import_data(tablib.Dataset().load(workbook, format="xlsx"), dry_run=False)

    assert not result.has_validation_errors()
    assert Study.objects.get().sample_size == 189


def test_exported_findings_reimport_without_change():
    FindingFactory()
    dataset = FindingResource().export(Finding.objects.all())

    result = FindingResource().import_data(dataset, dry_run=False)

    assert not result.has_validation_errors()
    assert result.totals["skip"] == 1
    assert Outcome.objects.count() == 1


def test_analyst_import_touching_a_published_page_writes_nothing(role_analyst_client, ipp):
    ipp.status, ipp.published_on = "published", ipp.created_at.date()
    ipp.save()
    text = STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,189\n"

    response = upload(role_analyst_client, Study, text)

    assert "Only a publisher can change the evidence on a published programme" in response.content.decode()
    assert "Confirm import" not in response.content.decode()
    assert not Study.objects.exists()


def test_publisher_import_to_a_published_page_is_allowed(publisher_client, ipp):
    ipp.status, ipp.published_on = "published", ipp.created_at.date()
    ipp.save()
    text = STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,189\n"

    response = upload(publisher_client, Study, text)

    assert "Confirm import" in response.content.decode()


@pytest.mark.parametrize(
    ("resource", "text", "message"),
    [
        (
            StudyResource,
            STUDY_HEADER + "infant-parent-psychotherapy,two,Cicchetti et al (2006),2006,rct,3,189\n",
            "Row 1, column “number”: enter a whole number (got “two”)",
        ),
        (
            StudyResource,
            STUDY_HEADER + "infant-parent-psychotherapy,1,Cicchetti et al (2006),2006,rct,3,18.5\n",
            "Row 1, column “sample_size”: enter a whole number (got “18.5”)",
        ),
        (
            FindingResource,
            "id,study,outcome,timing,effect_size\n,ipp/1,improved-attachment-security,post_test,big\n",
            "Row 1, column “effect_size”: enter a number, e.g. 0.25 (got “big”)",
        ),
        (
            FindingResource,
            "id,study,outcome,timing,mean_t\n,ipp/1,improved-attachment-security,post_test,high\n",
            "Row 1, column “mean_t”: enter a number, e.g. 12.5 (got “high”)",
        ),
        (
            FindingResource,
            "id,study,outcome,timing,is_headline\n,ipp/1,improved-attachment-security,post_test,maybe\n",
            "Row 1, column “is_headline”: enter 1 for yes or 0 for no, or leave it empty for unknown (got “maybe”)",
        ),
    ],
    ids=["integer", "fractional-integer", "decimal", "float", "boolean"],
)
def test_import_unreadable_value_is_an_error_naming_row_and_column(ipp, resource, text, message):
    StudyFactory(programme=ipp, number=1)
    text = text.replace("ipp/1", "infant-parent-psychotherapy/1")

    result = resource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True)

    assert not result.has_errors(), [error.error for _, errors in result.row_errors() for error in errors]
    assert message in str(result.invalid_rows[0].error_dict)


def test_import_page_shows_unreadable_number_with_row_and_column(role_analyst_client, ipp):
    text = (
        STUDY_HEADER
        + "infant-parent-psychotherapy,1,A (2006),2006,rct,3,189\ninfant-parent-psychotherapy,two,B,2006,rct,3,1\n"
    )

    response = upload(role_analyst_client, Study, text)

    content = response.content.decode()
    assert "ConversionSyntax" not in content
    assert "Row 2, column “number”: enter a whole number (got “two”)" in content


COUNTRIES_HEADER = "programme,number,citation_label,year,design,rating,countries\n"


def test_import_unknown_country_slug_is_a_row_error_and_writes_nothing(role_analyst_client, ipp):
    # The countries are the seeded ones (catalogue/migrations/0002_seed_lookups.py).
    text = COUNTRIES_HEADER + (
        "infant-parent-psychotherapy,1,A (2006),2006,rct,3,united-states\n"
        "infant-parent-psychotherapy,2,B (2007),2007,rct,3,united-kingdom; atlantis\n"
    )

    response = upload(role_analyst_client, Study, text)

    content = response.content.decode()
    assert "Confirm import" not in content
    assert not Study.objects.exists()
    message = "Row 2, column “countries”: no country with slug “atlantis”; add it in the admin first or use one of: "
    assert message in content
    assert "united-kingdom" in content.partition(message)[2].partition(".")[0]


def test_import_known_country_slugs_are_set(ipp):
    text = COUNTRIES_HEADER + "infant-parent-psychotherapy,1,A (2006),2006,rct,3,united-kingdom; united-states\n"

    result = StudyResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert set(Study.objects.get().countries.values_list("slug", flat=True)) == {"united-kingdom", "united-states"}
