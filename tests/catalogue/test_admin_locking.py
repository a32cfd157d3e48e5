"""Optimistic locking of admin change forms (catalogue/admin/locking.py): two people save the same form."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from catalogue.models import PendingRevision, Programme
from tests.factories import (
    AnalysisFactory,
    CollectionFactory,
    DraftProgrammeFactory,
    FindingFactory,
    ProgrammeFactory,
    PublicationFactory,
    ReviewFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_publisher(django_user_model):
    user = django_user_model.objects.create_user(username="sam-publisher", is_staff=True)
    user.groups.add(Group.objects.get(name="publisher"))
    client = Client()
    client.force_login(user)
    return client


def form_data(response) -> dict:
    """What the browser posts back for an untouched change form: the form's and its inlines' values."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        initial = len(formset.initial_forms)
        management = {"TOTAL_FORMS": initial, "INITIAL_FORMS": initial, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}
        data.update({f"{formset.prefix}-{key}": str(value) for key, value in management.items()})
        forms += formset.initial_forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(each) for each in value]
            else:
                data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


CASES = {
    "draft-programme": (DraftProgrammeFactory, "catalogue_programme", "summary"),
    "study": (StudyFactory, "catalogue_study", "citation_label"),
    "finding": (FindingFactory, "catalogue_finding", "statement"),
    "publication": (PublicationFactory, "catalogue_publication", "title"),
    "collection": (CollectionFactory, "catalogue_collection", "summary"),
    "review": (ReviewFactory, "reviews_review", "summary"),
    "analysis": (AnalysisFactory, "reviews_analysis", "notes"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_second_save_of_a_changed_record_is_refused_with_both_versions(publisher_client, second_publisher, case):
    factory, admin_name, field = case
    obj = factory()
    url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    first, second = form_data(publisher_client.get(url)), form_data(second_publisher.get(url))

    saved = publisher_client.post(url, {**first, field: "Their words."})
    refused = second_publisher.post(url, {**second, field: "My words."})

    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    assert refused.status_code == 200
    content = refused.content.decode()
    assert "This record was changed by role-publisher at" in content
    assert "since you opened it" in content
    assert "Their words." in content and "My words." in content  # both versions visible
    obj.refresh_from_db()
    assert getattr(obj, field) == "Their words."


def test_saving_again_after_the_warning_keeps_mine(publisher_client, second_publisher):
    programme = DraftProgrammeFactory()
    url = reverse("admin:catalogue_programme_change", args=[programme.pk])
    first, second = form_data(publisher_client.get(url)), form_data(second_publisher.get(url))
    publisher_client.post(url, {**first, "summary": "Their words."})
    refused = second_publisher.post(url, {**second, "summary": "My words."})

    again = second_publisher.post(url, form_data(refused))

    assert again.status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "My words."


def test_conflict_lists_only_fields_that_differ(publisher_client, second_publisher):
    programme = DraftProgrammeFactory(summary="Same.", description="Line one.\nLine two.")
    url = reverse("admin:catalogue_programme_change", args=[programme.pk])
    first, second = form_data(publisher_client.get(url)), form_data(second_publisher.get(url))
    publisher_client.post(url, {**first, "name": "Renamed Programme"})

    refused = second_publisher.post(url, {**second, "description": "Line one.\r\nLine two."})

    assert [label for label, _, _ in refused.context["adminform"].form.conflicts] == ["Name"]


def test_unchanged_record_saves_normally(publisher_client):
    study = StudyFactory()
    url = reverse("admin:catalogue_study_change", args=[study.pk])

    response = publisher_client.post(url, {**form_data(publisher_client.get(url)), "citation_label": "Mine (2024)"})

    assert response.status_code == 302
    study.refresh_from_db()
    assert study.citation_label == "Mine (2024)"


def test_pending_revision_saved_meanwhile_is_not_overwritten(role_analyst_client, second_publisher):
    programme = ProgrammeFactory(summary="Live summary.")
    url = reverse("admin:catalogue_programme_change", args=[programme.pk])
    first, second = form_data(role_analyst_client.get(url)), form_data(second_publisher.get(url))
    role_analyst_client.post(url, {**first, "summary": "Analyst's revision."})

    refused = second_publisher.post(url, {**second, "summary": "Publisher's revision."})

    assert refused.status_code == 200
    assert "This record was changed by role-analyst at" in refused.content.decode()
    revision = PendingRevision.objects.get(programme=programme)
    assert revision.field_values()["summary"] == "Analyst's revision."
    assert Programme.objects.get(pk=programme.pk).summary == "Live summary."


def test_form_opened_before_publishing_cannot_save_over_it(role_analyst_client, publisher):
    from catalogue import workflow

    programme = DraftProgrammeFactory(summary="Draft summary.")
    url = reverse("admin:catalogue_programme_change", args=[programme.pk])
    opened = form_data(role_analyst_client.get(url))
    workflow.publish(obj=programme, user=publisher, change_note="First published.")

    refused = role_analyst_client.post(url, {**opened, "summary": "Edited after all."})

    assert refused.status_code == 200
    assert "This record was changed by role-publisher at" in refused.content.decode()
    assert not PendingRevision.objects.exists()
