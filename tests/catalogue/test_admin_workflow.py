"""The workflow in the programme admin (catalogue/admin/workflow.py, catalogue/admin/programme.py): pending
revisions, buttons and actions, and the guards on published pages' evidence and on deleting."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from catalogue import workflow
from catalogue.models import (
    PendingRevision,
    Programme,
    PublicationEvent,
    PublicationStatus,
)
from tests.factories import (
    DraftProgrammeFactory,
    FindingFactory,
    ProgrammeFactory,
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
        "rating_difference_note": programme.rating_difference_note,  # posted back as the form shows it
        "cost_rating": "" if programme.cost_rating is None else str(programme.cost_rating),
        "uk_provision": "unknown",
        "uk_evaluation": "unknown",
        "licence_required": "unknown",
        **inline_management("studies"),
        **inline_management("source_classifications"),
        **inline_management("clearinghouse_ratings"),
        **inline_management("theory_of_change"),
        **inline_management("publication_events"),
    }
    data.update(overrides)
    return data


def change_url(programme):
    return reverse("admin:catalogue_programme_change", args=[programme.pk])


def workflow_url(programme, action):
    return reverse("admin:catalogue_programme_workflow", args=[programme.pk, action])


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
def test_publish_button_on_bare_programme_shows_the_reason(publisher_client):
    programme = DraftProgrammeFactory(name="Bare Programme", description="", evidence_overview="")

    response = publisher_client.post(workflow_url(programme, "publish"), {"change_note": "First."}, follow=True)

    assert "Bare Programme cannot be published yet: its page needs a description or an overview of the evidence" in (
        response.content.decode()
    )
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


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


# --------------------------------------------------------------------------- buttons and actions from the table
def test_buttons_follow_the_table_and_the_role(role_analyst_client, publisher_client):
    programme = ProgrammeFactory()
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="New summary."))

    analyst_page = role_analyst_client.get(change_url(programme)).content.decode()
    publisher_page = publisher_client.get(change_url(programme)).content.decode()

    for action in ("publish", "unpublish", "archive", "discard"):
        assert workflow_url(programme, action) in publisher_page
    assert workflow_url(programme, "discard") in analyst_page
    assert workflow_url(programme, "publish") not in analyst_page
    assert workflow_url(programme, "submit") not in publisher_page  # only a draft is submitted


def test_changelist_actions_follow_the_table_and_the_role(role_analyst_client, publisher_client):
    changelist = reverse("admin:catalogue_programme_changelist")
    review_changelist = reverse("admin:reviews_review_changelist")

    analyst = set(dict(role_analyst_client.get(changelist).context["action_form"].fields["action"].choices))
    publisher = set(dict(publisher_client.get(changelist).context["action_form"].fields["action"].choices))
    reviews = set(dict(publisher_client.get(review_changelist).context["action_form"].fields["action"].choices))

    publisher_steps = {"publish_action", "unpublish_action", "archive_action"}
    editor_steps = {"submit_for_review_action", "return_to_draft_action", "discard_revision_action"}
    assert publisher_steps | editor_steps <= publisher
    assert editor_steps <= analyst and not publisher_steps & analyst
    assert "discard_revision_action" not in reviews  # a review has no pending revisions


def test_unpublish_button_needs_a_change_note(publisher_client):
    programme = ProgrammeFactory()

    response = publisher_client.post(workflow_url(programme, "unpublish"), {"change_note": " "})

    assert b"This field is required" in response.content
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_step_confirmed_on_a_status_that_changed_meanwhile_is_refused_with_a_message(publisher_client, publisher):
    programme = ProgrammeFactory(summary="Old summary.")
    confirm = publisher_client.get(workflow_url(programme, "publish"))
    workflow.archive(obj=programme, user=publisher, change_note="Provider closed.")
    seen = confirm.context["form"]["seen_status"].value()

    response = publisher_client.post(
        workflow_url(programme, "publish"), {"change_note": "Revision approved.", "seen_status": seen}, follow=True
    )

    assert response.status_code == 200
    assert "since you opened it: it is now archived. Nothing was done" in response.content.decode()
    assert Programme.objects.get(pk=programme.pk).status == PublicationStatus.ARCHIVED


def test_saving_an_unpublished_programme_takes_in_its_pending_changes(role_analyst_client, publisher):
    programme = ProgrammeFactory(summary="Live summary.")
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="Pending summary."))
    workflow.unpublish(obj=programme, user=publisher, change_note="Paused.")
    opened = role_analyst_client.get(change_url(programme)).context["adminform"].form
    assert opened["summary"].value() == "Pending summary."  # the form opens on the working copy

    role_analyst_client.post(change_url(programme), programme_form(programme, summary="Pending summary, edited."))
    workflow.publish(obj=Programme.objects.get(pk=programme.pk), user=publisher, change_note="Back.")

    assert Programme.objects.get(pk=programme.pk).summary == "Pending summary, edited."


def test_publishing_a_revision_saved_again_after_the_confirmation_opened_is_refused(
    role_analyst_client, publisher_client
):
    programme = ProgrammeFactory(summary="Live summary.")
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="Checked by the publisher."))
    confirm = publisher_client.get(workflow_url(programme, "publish"))
    role_analyst_client.post(change_url(programme), programme_form(programme, summary="Changed after the check."))
    seen = {name: confirm.context["form"][name].value() for name in ("seen_status", "seen_version")}

    response = publisher_client.post(
        workflow_url(programme, "publish"), {"change_note": "Checked.", **seen}, follow=True
    )

    assert "was changed by role-analyst at" in response.content.decode()
    assert "since you opened this page. Nothing was done" in response.content.decode()
    assert Programme.objects.get(pk=programme.pk).summary == "Live summary."
    assert PendingRevision.objects.get(programme=programme).field_values()["summary"] == "Changed after the check."


def test_analyst_saving_a_published_programme_sees_one_message_saying_it_is_pending(role_analyst_client):
    programme = ProgrammeFactory(name="Video Interaction Guidance", summary="Old summary.")

    response = role_analyst_client.post(
        change_url(programme), programme_form(programme, summary="New summary."), follow=True
    )

    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "Saved as pending changes to “Video Interaction Guidance”: the public page still shows the published "
        "version until a publisher publishes them."
    ]


def test_analyst_saving_a_draft_sees_djangos_one_saved_message(role_analyst_client):
    programme = DraftProgrammeFactory(name="Social Baby")

    response = role_analyst_client.post(change_url(programme), programme_form(programme), follow=True)

    shown = [str(message) for message in response.context["messages"]]
    assert len(shown) == 1
    assert "was changed successfully" in shown[0]
