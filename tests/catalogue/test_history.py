"""Audit history: every change recorded with who and when, shown in the admin field by field."""

import pytest
from django.urls import reverse

from catalogue.models import Collection, Finding, Programme, Publication, Study, TheoryOfChangeStep
from tests.catalogue.test_admin_workflow import programme_form
from tests.factories import (
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    ProgrammeFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

AUDITED = {
    Programme: (ProgrammeFactory, "summary"),
    Study: (StudyFactory, "citation_label"),
    Publication: (PublicationFactory, "title"),
    Finding: (FindingFactory, "statement"),
    Collection: (CollectionFactory, "summary"),
}


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.model_name)
def test_history_records_create_and_change(model):
    factory, field = AUDITED[model]
    obj = factory()
    setattr(obj, field, "Changed text")
    obj.save()

    records = list(obj.history.all())

    assert [r.history_type for r in records] == ["~", "+"]
    delta = records[0].diff_against(records[1])
    assert field in delta.changed_fields


def test_history_records_theory_of_change_steps():
    step = TheoryOfChangeStep.objects.create(programme=ProgrammeFactory(), order=1, text="Parents learn.")
    step_id = step.pk
    step.delete()

    assert [r.history_type for r in TheoryOfChangeStep.history.filter(id=step_id)] == ["-", "+"]


def test_admin_edit_records_who_changed_what(role_analyst_client, role_analyst):
    programme = DraftProgrammeFactory(summary="Old summary.")

    role_analyst_client.post(
        reverse("admin:catalogue_programme_change", args=[programme.pk]),
        programme_form(programme, summary="New summary."),
    )

    record = programme.history.first()
    assert record.history_user == role_analyst
    assert record.summary == "New summary."


def test_admin_history_page_shows_field_differences(role_analyst_client):
    programme = DraftProgrammeFactory(summary="Old summary.")
    role_analyst_client.post(
        reverse("admin:catalogue_programme_change", args=[programme.pk]),
        programme_form(programme, summary="New summary."),
    )

    response = role_analyst_client.get(reverse("admin:catalogue_programme_history", args=[programme.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Old summary." in content
    assert "New summary." in content
    assert "role-analyst" in content


def test_admin_history_of_study_is_viewable(role_analyst_client):
    study = StudyFactory(citation_label="Lieberman et al (1991)")
    study.citation_label = "Lieberman, Weston and Pawl (1991)"
    study.save()

    response = role_analyst_client.get(reverse("admin:catalogue_study_history", args=[study.pk]))

    assert "Lieberman, Weston and Pawl (1991)" in response.content.decode()


def test_history_cannot_revert_published_programme(role_analyst_client):
    programme = ProgrammeFactory(summary="Old summary.")
    programme.summary = "Live summary."
    programme.save()
    old = programme.history.last()

    role_analyst_client.post(
        reverse("admin:catalogue_programme_simple_history", args=[programme.pk, old.history_id]),
        programme_form(programme, summary="Old summary."),
    )

    programme.refresh_from_db()
    assert programme.summary == "Live summary."
