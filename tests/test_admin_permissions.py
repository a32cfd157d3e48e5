"""What the roles promise, walked through every admin change and delete page as an analyst.

An analyst may change and delete what is not public; what a public page shows (a published
programme's evidence, a published review and everything under it, a collection or lookup or
outcome that a published programme uses) is read-only to them and cannot be deleted, one row
at a time or in bulk. A published programme itself is edited through a pending revision.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from catalogue.models import Country, Programme
from catalogue.permissions import public_record
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    IncludedStudyFactory,
    OutcomeFactory,
    ProgrammeFactory,
    PublicationFactory,
    ReviewFactory,
    RiskOfBiasFactory,
    StudyFactory,
    TheoryOfChangeStepFactory,
)

pytestmark = pytest.mark.django_db

# Rows nobody edits by hand (written by the workflow services or simple-history).
WRITTEN_BY_THE_SYSTEM = {"publicationevent", "reviewpublicationevent", "pendingrevision"}


def build_catalogue():
    """A public and a private row of every kind the admin edits."""
    for programme in (ProgrammeFactory(name="Public Start"), DraftProgrammeFactory(name="Private Start")):
        country = Country.objects.create(name=f"{programme.name} land", slug=f"{programme.slug}-land")
        programme.countries.set([country])
        study = StudyFactory(programme=programme)
        PublicationFactory(study=study)
        FindingFactory(study=study, outcome=OutcomeFactory())
        TheoryOfChangeStepFactory(programme=programme)
        CollectionFactory().programmes.set([programme])
    for status in ("published", "draft"):
        review = ReviewFactory(status=status, published_on=None if status == "draft" else "2024-01-01")
        included = IncludedStudyFactory(review=review, study=StudyFactory(programme=None, number=None))
        RiskOfBiasFactory(included_study=included)
        AnalysisRowFactory(analysis=AnalysisFactory(review=review))


def admin_rows():
    """Every row of every catalogue and reviews model registered in the admin."""
    for model in admin.site._registry:
        if model._meta.app_label in {"catalogue", "reviews"} and model._meta.model_name not in WRITTEN_BY_THE_SYSTEM:
            yield from model._default_manager.all()


def url(row, action):
    return reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_{action}", args=[row.pk])


def test_every_public_row_is_read_only_and_undeletable_for_an_analyst(role_analyst_client):
    build_catalogue()
    checked = set()
    for row in admin_rows():
        if public_record(row) is None or isinstance(row, Programme):
            continue
        page = role_analyst_client.get(url(row, "change"))
        assert page.status_code == 200, row
        assert page.context["has_change_permission"] is False, f"{row._meta.model_name} {row} is editable"
        assert role_analyst_client.post(url(row, "change"), {}).status_code == 403, row
        assert role_analyst_client.get(url(row, "delete")).status_code == 403, row
        checked.add(row._meta.model_name)
    # Every kind the admin edits on its own page (theory-of-change steps, risk of bias and analysis
    # rows are edited inline, checked below).
    assert checked == {
        "study",
        "publication",
        "finding",
        "collection",
        "country",
        "outcome",
        "review",
        "includedstudy",
        "analysis",
    }


def test_every_private_row_is_editable_and_deletable_by_an_analyst(role_analyst_client):
    build_catalogue()
    checked = set()
    for row in admin_rows():
        if public_record(row) is not None:
            continue
        page = role_analyst_client.get(url(row, "change"))
        assert page.status_code == 200, row
        assert page.context["has_change_permission"] is True, f"{row._meta.model_name} {row} is read-only"
        may_delete = row._meta.model_name not in {"programme", "review"}  # publishers only (catalogue/roles.py)
        assert (role_analyst_client.get(url(row, "delete")).status_code == 200) is may_delete, row
        checked.add(row._meta.model_name)
    assert {"programme", "study", "finding", "collection", "country", "outcome", "review", "analysis"} <= checked


def test_a_published_programme_is_edited_through_a_pending_revision_not_deleted(role_analyst_client):
    build_catalogue()
    programme = Programme.objects.get(name="Public Start")

    assert role_analyst_client.get(url(programme, "change")).context["has_change_permission"] is True
    assert role_analyst_client.get(url(programme, "delete")).status_code == 403


@pytest.mark.parametrize("model_name", ["collection", "country", "outcome", "analysis", "includedstudy", "finding"])
def test_bulk_delete_of_public_rows_is_refused_with_a_reason(role_analyst_client, model_name):
    build_catalogue()
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name)
    rows = [row for row in model._default_manager.all() if public_record(row) is not None]
    assert rows
    changelist = reverse(f"admin:{model._meta.app_label}_{model_name}_changelist")

    response = role_analyst_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [row.pk for row in rows], "post": "yes"}
    )

    assert model._default_manager.filter(pk__in=[row.pk for row in rows]).count() == len(rows)
    assert response.status_code in {200, 302, 403}
    if response.status_code == 200:
        assert "only a publisher" in response.content.decode()


def test_a_publisher_may_change_and_delete_public_evidence(publisher_client):
    build_catalogue()
    finding = next(row for row in admin_rows() if row._meta.model_name == "finding" and public_record(row))

    assert publisher_client.get(url(finding, "change")).context["has_change_permission"] is True
    assert publisher_client.get(url(finding, "delete")).status_code == 200


@pytest.mark.parametrize(
    ("parent", "inline_field"),
    [
        ("includedstudy", "risk_of_bias-0-judgement"),
        ("analysis", "rows-0-label"),
        ("review", "included_studies-0-study"),
    ],
)
def test_inlines_under_a_published_review_are_read_only_for_an_analyst(role_analyst_client, parent, inline_field):
    build_catalogue()
    model = next(m for m in admin.site._registry if m._meta.model_name == parent)
    public = next(row for row in model._default_manager.all() if public_record(row) is not None)
    private = next(row for row in model._default_manager.all() if public_record(row) is None)

    assert f'name="{inline_field}"' not in role_analyst_client.get(url(public, "change")).content.decode()
    assert f'name="{inline_field}"' in role_analyst_client.get(url(private, "change")).content.decode()


def test_theory_of_change_of_a_published_programme_is_read_only_for_an_analyst(role_analyst_client):
    build_catalogue()

    public = role_analyst_client.get(url(Programme.objects.get(name="Public Start"), "change")).content.decode()
    private = role_analyst_client.get(url(Programme.objects.get(name="Private Start"), "change")).content.decode()

    assert 'name="theory_of_change-0-text"' not in public
    assert 'name="theory_of_change-0-text"' in private
