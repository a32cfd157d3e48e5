"""The editorial workflow: roles, drafts, pending revisions, publishing, deletion guards, preview, feed."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import migrations
from django.template.loader import render_to_string
from django.test import RequestFactory, override_settings
from django.urls import reverse

from catalogue import workflow
from catalogue.models import (
    PendingRevision,
    Programme,
    PublicationEvent,
    PublicationEventKind,
    PublicationStatus,
)
from catalogue.roles import grant_role_permissions, role_allows
from tests.factories import (
    DraftProgrammeFactory,
    FindingFactory,
    ProgrammeFactory,
    PublicationEventFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def programme_form(programme, **overrides):
    """The programme change form as posted, for a programme with no studies, steps or events."""
    data = {
        "name": programme.name,
        "slug": programme.slug,
        "summary": programme.summary,
        "description": programme.description,
        "evidence_level": "" if programme.evidence_level is None else str(programme.evidence_level),
        "cost_rating": "" if programme.cost_rating is None else str(programme.cost_rating),
        "uk_provision": "unknown",
        "uk_evaluation": "unknown",
        "licence_required": "unknown",
        **inline_management("studies"),
        **inline_management("theory_of_change"),
        **inline_management("publication_events"),
    }
    data.update(overrides)
    return data


def change_url(programme):
    return reverse("admin:catalogue_programme_change", args=[programme.pk])


def workflow_url(programme, action):
    return reverse("admin:catalogue_programme_workflow", args=[programme.pk, action])


# --------------------------------------------------------------------------- roles
def test_roles_analyst_can_edit_but_not_publish_or_delete_programmes(role_analyst):
    assert role_analyst.has_perm("catalogue.change_programme")
    assert role_analyst.has_perm("catalogue.add_finding")
    assert role_analyst.has_perm("catalogue.delete_study")
    assert not role_analyst.has_perm("catalogue.publish_programme")
    assert not role_analyst.has_perm("catalogue.delete_programme")


def test_roles_publisher_can_publish_and_delete(publisher):
    assert publisher.has_perm("catalogue.publish_programme")
    assert publisher.has_perm("catalogue.delete_programme")
    assert publisher.has_perm("catalogue.view_historicalprogramme")
    assert not publisher.has_perm("catalogue.change_publicationevent")


def test_roles_cover_every_catalogue_and_reviews_model():
    """Fails when an app gains models but no migration re-ran grant_role_permissions() for them."""
    from django.apps import apps

    analyst = set(Group.objects.get(name="analyst").permissions.values_list("content_type__model", "codename"))
    for label in ("catalogue", "reviews"):
        for model in apps.get_app_config(label).get_models():
            name = model._meta.model_name
            assert (name, f"view_{name}") in analyst, f"analyst cannot view {label}.{name}"


def test_roles_rules_cover_models_added_later():
    assert role_allows("analyst", "change_review")
    assert not role_allows("analyst", "delete_review")
    assert not role_allows("analyst", "publish_review")
    assert role_allows("publisher", "publish_review")
    assert role_allows("analyst", "view_historicalreview")
    assert not role_allows("analyst", "change_historicalreview")


def test_grant_role_permissions_is_rerunnable():
    analyst = Group.objects.get(name="analyst")
    before = set(analyst.permissions.values_list("codename", flat=True))
    analyst.permissions.clear()

    grant_role_permissions()

    assert set(analyst.permissions.values_list("codename", flat=True)) == before
    assert Group.objects.filter(name__in=["analyst", "publisher"]).count() == 2


def test_roles_migration_is_reversible_noop():
    from importlib import import_module

    migration = import_module("catalogue.migrations.0006_roles").Migration
    operation = migration.operations[0]
    assert isinstance(operation, migrations.RunPython)
    assert operation.reversible


def test_create_user_command_puts_user_in_role(django_user_model):
    out = StringIO()
    call_command("create_user", "sam", "--role", "publisher", "--password", "a-long-passphrase-1", stdout=out)

    user = django_user_model.objects.get(username="sam")
    assert user.is_staff
    assert user.check_password("a-long-passphrase-1")
    assert list(user.groups.values_list("name", flat=True)) == ["publisher"]
    assert "publisher role" in out.getvalue()


def test_create_user_command_moves_user_between_roles(django_user_model):
    call_command("create_user", "sam", "--role", "publisher", "--password", "a-long-passphrase-1", stdout=StringIO())
    call_command("create_user", "sam", "--role", "analyst", "--password", "a-long-passphrase-1", stdout=StringIO())

    user = django_user_model.objects.get(username="sam")
    assert list(user.groups.values_list("name", flat=True)) == ["analyst"]


def test_create_user_command_rejects_weak_password(django_user_model):
    with pytest.raises(CommandError, match="too short"):
        call_command("create_user", "sam", "--role", "analyst", "--password", "abc", stdout=StringIO())
    assert not django_user_model.objects.filter(username="sam").exists()


def test_create_user_command_without_password_or_terminal_refuses(django_user_model, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO())

    with pytest.raises(CommandError, match="--password"):
        call_command("create_user", "sam", "--role", "analyst", stdout=StringIO())
    assert not django_user_model.objects.exists()


@override_settings(DEBUG=True)
def test_create_demo_users_makes_an_analyst_and_a_publisher(django_user_model):
    out = StringIO()
    call_command("create_demo_users", "--port", "8123", stdout=out)

    assert django_user_model.objects.get(username="analyst").groups.get().name == "analyst"
    assert django_user_model.objects.get(username="publisher").groups.get().name == "publisher"
    assert "http://127.0.0.1:8123/admin/" in out.getvalue()


def test_create_demo_users_refuses_without_debug(django_user_model):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users", stdout=StringIO())
    assert not django_user_model.objects.exists()


# --------------------------------------------------------------------------- publishing service
def test_publish_draft_records_who_when_why_and_ratings(publisher):
    programme = DraftProgrammeFactory(evidence_level=3)

    event = workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert programme.published_on is not None
    assert event.published_by == publisher
    assert (event.evidence_rating_before, event.evidence_rating_after) == ("", "3")
    assert (event.cost_rating_before, event.cost_rating_after) == ("", "NA")
    assert programme.history.first().history_change_reason == "First published."
    assert programme.history.first().history_user == publisher


def test_publish_by_analyst_is_refused(role_analyst):
    programme = DraftProgrammeFactory()

    with pytest.raises(PermissionDenied):
        workflow.publish(obj=programme, user=role_analyst, change_note="Sneaky.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT
    assert not PublicationEvent.objects.exists()


def test_publish_without_change_note_is_refused(publisher):
    programme = DraftProgrammeFactory()

    with pytest.raises(ValidationError, match="change note"):
        workflow.publish(obj=programme, user=publisher, change_note="  ")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_publish_published_programme_without_revision_is_refused(publisher):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError, match="no pending changes"):
        workflow.publish(obj=programme, user=publisher, change_note="Again.")


def test_publish_name_and_summary_only_is_refused_and_writes_nothing(publisher):
    programme = DraftProgrammeFactory(name="Bare Programme", description="", evidence_overview="", evidence_level=None)

    with pytest.raises(ValidationError, match="needs a description or an overview of the evidence"):
        workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert (programme.status, programme.published_on) == (PublicationStatus.DRAFT, None)
    assert not programme.publication_events.exists()


def test_publish_blank_summary_is_refused(publisher):
    programme = DraftProgrammeFactory(summary="  ", description="Sessions at home.")

    with pytest.raises(ValidationError, match="needs a summary"):
        workflow.publish(obj=programme, user=publisher, change_note="First published.")


def test_publish_unrated_programme_with_evidence_overview_is_allowed(publisher):
    # Unrated programmes stay publishable: the real data has published programmes without a rating.
    programme = DraftProgrammeFactory(description="", evidence_overview="One RCT in the US.", evidence_level=None)

    workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_publish_button_on_bare_programme_shows_the_reason(publisher_client):
    programme = DraftProgrammeFactory(name="Bare Programme", description="", evidence_overview="")

    response = publisher_client.post(workflow_url(programme, "publish"), {"change_note": "First."}, follow=True)

    assert "Bare Programme cannot be published yet: its page needs a description or an overview of the evidence" in (
        response.content.decode()
    )
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_publishing_revision_that_empties_the_page_is_refused(role_analyst_client, publisher):
    programme = ProgrammeFactory(description="Sessions at home.", evidence_overview="")
    role_analyst_client.post(change_url(programme), programme_form(programme, description=""))

    with pytest.raises(ValidationError, match="needs a description"):
        workflow.publish(obj=programme, user=publisher, change_note="Shorter.")

    programme.refresh_from_db()
    assert programme.description == "Sessions at home."


def test_status_moves_draft_review_published_archived(role_analyst, publisher):
    programme = DraftProgrammeFactory()

    workflow.submit_for_review(obj=programme, user=role_analyst)
    assert programme.status == PublicationStatus.IN_REVIEW
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    workflow.archive(obj=programme, user=publisher, change_note="Provider closed.")
    programme.refresh_from_db()

    assert programme.status == PublicationStatus.ARCHIVED
    kinds = list(programme.publication_events.values_list("kind", flat=True))
    assert kinds == [PublicationEventKind.ARCHIVED, PublicationEventKind.PUBLISHED]


def test_archive_and_unpublish_by_analyst_are_refused(role_analyst):
    programme = ProgrammeFactory()

    with pytest.raises(PermissionDenied):
        workflow.archive(obj=programme, user=role_analyst, change_note="x")
    with pytest.raises(PermissionDenied):
        workflow.unpublish(obj=programme, user=role_analyst, change_note="x")
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_republishing_archived_programme_compares_with_last_published_ratings(publisher):
    programme = DraftProgrammeFactory(evidence_level=2)
    workflow.publish(obj=programme, user=publisher, change_note="First published.")
    workflow.archive(obj=Programme.objects.get(pk=programme.pk), user=publisher, change_note="Paused.")
    Programme.objects.filter(pk=programme.pk).update(evidence_level=3)
    archived = Programme.objects.get(pk=programme.pk)  # the service refuses a copy read before the archiving

    event = workflow.publish(obj=archived, user=publisher, change_note="Back, now level 3.")

    assert (event.evidence_rating_before, event.evidence_rating_after) == ("2", "3")


# --------------------------------------------------------------------------- pending revisions
def test_analyst_edit_of_published_programme_leaves_live_row_unchanged(role_analyst_client, role_analyst):
    programme = ProgrammeFactory(name="Video Interaction Guidance", summary="Old summary.")

    response = role_analyst_client.post(
        change_url(programme), programme_form(programme, summary="New summary.", evidence_plus="on")
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.summary == "Old summary."
    assert not programme.evidence_plus
    revision = PendingRevision.objects.get(programme=programme)
    assert revision.field_values()["summary"] == "New summary."
    assert revision.created_by == role_analyst


def test_change_form_of_published_programme_shows_pending_values_and_diff(role_analyst_client):
    programme = ProgrammeFactory(summary="Old summary.")
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="New summary."))

    response = role_analyst_client.get(change_url(programme))

    content = response.content.decode()
    assert response.context["adminform"].form.initial["summary"] == "New summary."
    assert "You are editing the pending changes, not the live page." in content
    assert "Old summary." in content  # the published value, in the pending-changes table


def test_publishing_revision_applies_it_and_records_rating_change(role_analyst_client, publisher_client, publisher):
    programme = ProgrammeFactory(evidence_level=3)
    role_analyst_client.post(change_url(programme), programme_form(programme, evidence_plus="on"))

    response = publisher_client.post(
        workflow_url(programme, "publish"), {"change_note": "Rating raised from 3 to 3+ after Stronach 2013."}
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.evidence_rating == "3+"
    assert not PendingRevision.objects.filter(programme=programme).exists()
    event = programme.publication_events.get()
    assert (event.evidence_rating_before, event.evidence_rating_after) == ("3", "3+")
    assert event.published_by == publisher


def test_revision_carries_many_to_many_choices(role_analyst_client, publisher):
    from catalogue.models import AgeGroup

    programme = ProgrammeFactory()
    infants = AgeGroup.objects.get(slug="infants")
    role_analyst_client.post(change_url(programme), programme_form(programme, age_groups=[infants.pk]))
    assert not programme.age_groups.exists()

    workflow.publish(obj=programme, user=publisher, change_note="Age groups added.")

    assert list(programme.age_groups.all()) == [infants]


def test_changelist_filters_programmes_with_pending_changes(role_analyst_client, publisher_client):
    waiting = ProgrammeFactory(name="Waiting Programme")
    ProgrammeFactory(name="Settled Programme")
    role_analyst_client.post(change_url(waiting), programme_form(waiting, summary="New summary."))

    response = publisher_client.get(reverse("admin:catalogue_programme_changelist"), {"pending": "yes"})

    assert list(response.context["cl"].queryset) == [waiting]


def test_discard_revision_keeps_live_row(role_analyst_client):
    programme = ProgrammeFactory(summary="Old summary.")
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="New summary."))

    response = role_analyst_client.post(workflow_url(programme, "discard"))

    assert response.status_code == 302
    assert not PendingRevision.objects.exists()
    programme.refresh_from_db()
    assert programme.summary == "Old summary."


def test_theory_of_change_of_published_programme_is_read_only_for_analyst(role_analyst_client):
    programme = ProgrammeFactory()

    response = role_analyst_client.get(change_url(programme))

    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "theory_of_change")
    assert not formset.has_add_permission


def test_publisher_edits_theory_of_change_of_published_programme_live(publisher_client):
    from catalogue.models import TheoryOfChangeStep

    programme = ProgrammeFactory(summary="Old summary.")
    data = programme_form(programme, summary="New summary.")
    data.update(inline_management("theory_of_change", total=1))
    data.update({"theory_of_change-0-order": "1", "theory_of_change-0-text": "Parents reflect on their childhood."})

    publisher_client.post(change_url(programme), data)

    programme.refresh_from_db()
    assert programme.summary == "Old summary."  # the programme's own fields wait for publishing
    assert TheoryOfChangeStep.objects.get(programme=programme).text == "Parents reflect on their childhood."


def test_draft_edit_is_saved_directly(role_analyst_client):
    programme = DraftProgrammeFactory(summary="Old summary.")

    role_analyst_client.post(change_url(programme), programme_form(programme, summary="New summary."))

    programme.refresh_from_db()
    assert programme.summary == "New summary."
    assert not PendingRevision.objects.exists()


# --------------------------------------------------------------------------- admin permissions
def test_analyst_cannot_publish_by_posting_the_workflow_view(role_analyst_client):
    programme = DraftProgrammeFactory()

    response = role_analyst_client.post(workflow_url(programme, "publish"), {"change_note": "Sneaky."})

    assert response.status_code == 403
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_analyst_cannot_publish_by_posting_status_in_the_change_form(role_analyst_client):
    programme = DraftProgrammeFactory()

    role_analyst_client.post(
        change_url(programme), programme_form(programme, status="published", published_on="2024-01-01")
    )

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT
    assert programme.published_on is None


def test_analyst_cannot_publish_through_the_changelist_action(role_analyst_client):
    programme = DraftProgrammeFactory()

    role_analyst_client.post(
        reverse("admin:catalogue_programme_changelist"),
        {"action": "publish_action", "_selected_action": [programme.pk], "apply": "1", "change_note": "Sneaky."},
    )

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_analyst_sees_submit_but_not_publish_button(role_analyst_client):
    programme = DraftProgrammeFactory()

    content = role_analyst_client.get(change_url(programme)).content.decode()

    assert workflow_url(programme, "submit") in content
    assert workflow_url(programme, "publish") not in content


def test_analyst_submits_for_review_from_the_change_form(role_analyst_client):
    programme = DraftProgrammeFactory()

    role_analyst_client.post(workflow_url(programme, "submit"))

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.IN_REVIEW


def test_publisher_publishes_selection_with_change_note(publisher_client):
    first, second = DraftProgrammeFactory(), DraftProgrammeFactory()
    changelist = reverse("admin:catalogue_programme_changelist")

    confirm = publisher_client.post(changelist, {"action": "publish_action", "_selected_action": [first.pk, second.pk]})
    done = publisher_client.post(
        changelist,
        {"action": "publish_action", "_selected_action": [first.pk, second.pk], "apply": "1", "change_note": "Batch."},
    )

    assert b"Change note" in confirm.content
    assert done.status_code == 302
    assert Programme.objects.published().count() == 2
    assert PublicationEvent.objects.filter(change_note="Batch.").count() == 2


def test_publish_confirmation_page_requires_a_change_note(publisher_client):
    programme = DraftProgrammeFactory()

    response = publisher_client.post(workflow_url(programme, "publish"), {"change_note": ""})

    assert response.status_code == 200
    assert b"This field is required" in response.content
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def finding_form(finding, **changes):
    from catalogue.models import Finding

    data = {field.name: getattr(finding, field.attname) for field in Finding._meta.concrete_fields}
    data = {
        name: value
        for name, value in data.items()
        if value is not None and name not in {"id", "created_by", "updated_by", "created_at", "updated_at"}
    }
    data.update(is_headline="on", study=finding.study_id, outcome=finding.outcome_id, **changes)
    data.pop("lower_is_better")
    return data


def test_analyst_cannot_change_evidence_on_a_published_page(role_analyst_client):
    finding = FindingFactory(statement="Old statement")  # its programme is published

    response = role_analyst_client.post(
        reverse("admin:catalogue_finding_change", args=[finding.pk]), finding_form(finding, statement="New")
    )

    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.statement == "Old statement"


def test_analyst_sees_evidence_on_a_published_page_read_only(role_analyst_client):
    finding = FindingFactory(statement="Old statement")
    page = role_analyst_client.get(reverse("admin:catalogue_study_change", args=[finding.study.pk])).content.decode()
    assert 'name="citation_label"' not in page  # the study form is view-only
    assert 'name="findings-0-statement"' not in page  # and so are its findings


def test_publisher_change_to_evidence_on_a_published_page_is_live(publisher_client):
    finding = FindingFactory(statement="Old statement")

    response = publisher_client.post(
        reverse("admin:catalogue_finding_change", args=[finding.pk]),
        finding_form(finding, statement="New statement"),
        follow=True,
    )

    finding.refresh_from_db()
    assert finding.statement == "New statement"
    assert "this change is live now" in response.content.decode()


def test_analyst_cannot_attach_a_new_study_to_a_published_programme(role_analyst_client):
    programme = ProgrammeFactory()  # published
    data = {"programme": programme.pk, "citation_label": "New et al (2024)", "design": "rct"}
    for prefix in ("publications", "findings"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = role_analyst_client.post(reverse("admin:catalogue_study_add"), data)

    assert response.status_code == 200
    assert "Only a publisher can change the evidence on a published programme" in response.content.decode()
    assert not programme.studies.exists()


def test_analyst_enters_a_study_unattached_and_a_publisher_attaches_it(role_analyst_client, publisher):
    from catalogue.models import Study

    programme = ProgrammeFactory()
    data = {"citation_label": "New et al (2024)", "design": "rct"}
    for prefix in ("publications", "findings"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert role_analyst_client.post(reverse("admin:catalogue_study_add"), data).status_code == 302
    study = Study.objects.get(citation_label="New et al (2024)")
    assert study.programme is None  # not on any public page yet

    study.programme = programme  # the publisher's step (the admin form does the same)
    study.save()

    assert programme.studies.get() == study


# --------------------------------------------------------------------------- deletion guards
def test_published_programme_cannot_be_deleted_even_by_publisher(publisher_client):
    programme = ProgrammeFactory()

    response = publisher_client.post(reverse("admin:catalogue_programme_delete", args=[programme.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Programme.objects.filter(pk=programme.pk).exists()


def test_bulk_delete_refuses_published_programmes(publisher_client):
    published, draft = ProgrammeFactory(), DraftProgrammeFactory()

    response = publisher_client.post(
        reverse("admin:catalogue_programme_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk, draft.pk], "post": "yes"},
    )

    assert "is published: archive it instead" in response.content.decode()
    assert Programme.objects.count() == 2


def test_publisher_deletes_draft_programme(publisher_client):
    programme = DraftProgrammeFactory()

    publisher_client.post(reverse("admin:catalogue_programme_delete", args=[programme.pk]), {"post": "yes"})

    assert not Programme.objects.filter(pk=programme.pk).exists()


def test_study_delete_confirmation_lists_its_findings(publisher_client):
    finding = FindingFactory(statement="A 40.9-point rise")

    response = publisher_client.get(reverse("admin:catalogue_study_delete", args=[finding.study.pk]))

    assert response.status_code == 200
    assert str(finding) in response.content.decode()


def test_analyst_cannot_delete_study_of_published_programme(role_analyst_client):
    study = StudyFactory(programme=ProgrammeFactory())

    response = role_analyst_client.post(reverse("admin:catalogue_study_delete", args=[study.pk]), {"post": "yes"})

    assert response.status_code == 403


def test_analyst_deletes_study_of_draft_programme(role_analyst_client):
    study = StudyFactory(programme=DraftProgrammeFactory())

    role_analyst_client.post(reverse("admin:catalogue_study_delete", args=[study.pk]), {"post": "yes"})

    assert not type(study).objects.filter(pk=study.pk).exists()


# --------------------------------------------------------------------------- public side
def test_visible_to_public_is_published_only(rf, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    published, draft = ProgrammeFactory(), DraftProgrammeFactory()
    plain_user = django_user_model.objects.create_user("reader")

    assert list(Programme.objects.visible_to(AnonymousUser())) == [published]
    assert list(Programme.objects.visible_to(plain_user)) == [published]
    assert draft.pk not in Programme.objects.published().values_list("pk", flat=True)


def test_visible_to_staff_includes_drafts(role_analyst):
    published, draft = ProgrammeFactory(), DraftProgrammeFactory()

    assert set(Programme.objects.visible_to(role_analyst)) == {published, draft}


def test_draft_banner_shows_for_unpublished_programme():
    html = render_to_string("_includes/draft_banner.html", {"programme": DraftProgrammeFactory()})

    assert "Draft preview: this page is not public." in html
    assert "govuk-notification-banner" in html


def test_programme_page_template_carries_the_banner_for_a_draft(rf):
    request = rf.get("/")
    html = render_to_string(
        "catalogue/programme_detail.html", {"programme": DraftProgrammeFactory(), "is_preview": True}, request=request
    )

    assert "Draft preview: this page is not public." in html


def test_draft_banner_shows_when_view_says_preview():
    assert "Draft preview" in render_to_string("_includes/draft_banner.html", {"is_preview": True})


def test_draft_banner_hidden_for_published_programme_and_other_pages():
    assert "Draft preview" not in render_to_string("_includes/draft_banner.html", {"programme": ProgrammeFactory()})
    assert "Draft preview" not in render_to_string("_includes/draft_banner.html", {})


def test_rating_history_lists_rating_changes_with_date_and_note():
    programme = ProgrammeFactory()
    PublicationEventFactory(
        programme=programme,
        published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
        change_note="Rating raised from 3 to 3+ after Stronach 2013 follow-up",
        evidence_rating_before="3",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )
    PublicationEventFactory(
        programme=programme,
        change_note="Typo fixed.",
        evidence_rating_before="3+",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )

    html = render_to_string("catalogue/_rating_history.html", {"programme": programme})

    assert "Rating history" in html
    assert "1 March 2024" in html
    assert "3 to 3+" in html
    assert "Rating raised from 3 to 3+ after Stronach 2013 follow-up" in html
    assert "Typo fixed." not in html  # a publication that changed no rating is not rating history


def test_rating_history_without_changes_says_so():
    programme = ProgrammeFactory(published_on=datetime.date(2021, 6, 1))

    html = render_to_string("catalogue/_rating_history.html", {"programme": programme})

    assert "have not changed since this page was first published on 1 June 2021" in html


def test_rating_history_costs_no_query_when_prefetched(django_assert_num_queries):
    PublicationEventFactory(programme=ProgrammeFactory())
    programme = Programme.objects.prefetch_related("publication_events").get()

    with django_assert_num_queries(0):
        render_to_string("catalogue/_rating_history.html", {"programme": programme})


def test_changes_feed_lists_published_events_only(client):
    live = ProgrammeFactory(name="Family Foundations")
    archived = ProgrammeFactory(name="Withdrawn Programme", status=PublicationStatus.ARCHIVED)
    PublicationEventFactory(
        programme=live,
        change_note="Rating raised to 3+.",
        evidence_rating_before="3",
        evidence_rating_after="3+",
        cost_rating_before="NA",
    )
    PublicationEventFactory(programme=archived, change_note="Old news.")
    PublicationEventFactory(programme=live, kind=PublicationEventKind.UNPUBLISHED, change_note="Taken down briefly.")

    response = client.get("/feeds/changes/")

    content = response.content.decode()
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "Family Foundations – Evidence rating raised from 3 to 3+" in content
    assert "Rating raised to 3+." in content
    assert "urn:evidence-guidebook:publication-event:" in content
    assert "Withdrawn Programme" not in content
    assert "Taken down briefly." not in content


def test_changes_feed_hides_drafts(client, publisher):
    draft = DraftProgrammeFactory(name="Secret Draft")
    PublicationEventFactory(programme=draft, change_note="Draft note.")

    content = client.get("/feeds/changes/").content.decode()

    assert "Secret Draft" not in content


def test_rating_history_end_to_end_through_the_admin(role_analyst_client, publisher_client):
    programme = DraftProgrammeFactory(evidence_level=3)
    role_analyst_client.post(workflow_url(programme, "submit"))
    publisher_client.post(workflow_url(programme, "publish"), {"change_note": "First published at level 3."})
    role_analyst_client.post(change_url(programme), programme_form(programme, evidence_plus="on"))
    publisher_client.post(workflow_url(programme, "publish"), {"change_note": "Raised to 3+ after Stronach 2013."})

    programme = Programme.objects.prefetch_related("publication_events").get(pk=programme.pk)
    html = render_to_string("catalogue/_rating_history.html", {"programme": programme, "request": RequestFactory()})

    assert programme.evidence_rating == "3+"
    assert "Raised to 3+ after Stronach 2013." in html
    assert "First published: evidence rating 3, cost rating NA" in html
    assert "Evidence rating raised from 3 to 3+" in html
