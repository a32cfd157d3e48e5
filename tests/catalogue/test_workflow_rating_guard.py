"""A rating we publish is reproduced by assess() from recorded studies, or a publisher records why
(issue 13; catalogue.workflow.require_reproduced_rating): the service, the admin, and where the note shows."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import workflow
from catalogue.models import PendingRevision, Programme, PublicationEvent, PublicationStatus
from tests.factories import (
    DraftProgrammeFactory,
    FindingFactory,
    ProgrammeFactory,
    SourceClassificationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

NOTE = "Rated 3 in Foundations for Life (2016); its trials are not all recorded here yet."


def with_level_3_study(programme):
    """One rigorously designed study rated 3 with a significant child benefit: assess() gives "3"."""
    FindingFactory(study=StudyFactory(programme=programme, rating=3), significant=True)
    return programme


def workflow_url(programme, action):
    return reverse("admin:catalogue_programme_workflow", args=[programme.pk, action])


def change_url(programme):
    return reverse("admin:catalogue_programme_change", args=[programme.pk])


# --------------------------------------------------------------------------- the service
def test_publishing_a_rating_the_studies_do_not_reproduce_without_a_note_is_refused_and_writes_nothing(publisher):
    programme = DraftProgrammeFactory(evidence_level=3, rating_difference_note="")

    with pytest.raises(ValidationError, match="evidence rating 3: its recorded studies support NL2") as refused:
        workflow.publish(obj=programme, user=publisher, change_note="First published.")

    assert "Why the published rating differs from the studies" in str(refused.value)
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT
    assert programme.published_on is None
    assert not PublicationEvent.objects.exists()


def test_a_note_of_blank_space_does_not_count(publisher):
    programme = DraftProgrammeFactory(evidence_level=3, rating_difference_note="  \n ")

    with pytest.raises(ValidationError, match="recorded studies support NL2"):
        workflow.publish(obj=programme, user=publisher, change_note="First published.")


def test_publishing_a_rating_the_studies_reproduce_needs_no_note(publisher):
    programme = with_level_3_study(DraftProgrammeFactory(evidence_level=3, rating_difference_note=""))

    event = workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert event.evidence_rating_after == "3"


def test_publishing_a_differing_rating_with_a_note_publishes_it_and_keeps_the_note(publisher):
    programme = DraftProgrammeFactory(evidence_level=3, rating_difference_note=NOTE)

    workflow.publish(obj=programme, user=publisher, change_note="First published.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED
    assert programme.rating_difference_note == NOTE


def test_an_unrated_programme_is_published_without_a_note(publisher):
    programme = DraftProgrammeFactory(evidence_level=None, rating_difference_note="")

    workflow.publish(obj=programme, user=publisher, change_note="Published unrated.")

    programme.refresh_from_db()
    assert programme.status == PublicationStatus.PUBLISHED


def test_a_revision_raising_the_rating_beyond_the_studies_is_refused_until_it_carries_a_note(publisher):
    programme = with_level_3_study(ProgrammeFactory(evidence_level=3, rating_difference_note=""))
    programme.evidence_plus = True
    workflow.save_revision(obj=programme, m2m={}, user=publisher)
    programme = Programme.objects.get(pk=programme.pk)

    with pytest.raises(ValidationError, match="evidence rating 3\\+: its recorded studies support 3"):
        workflow.publish(obj=programme, user=publisher, change_note="Raised to 3+.")

    programme.refresh_from_db()
    assert programme.evidence_rating == "3"
    assert PendingRevision.objects.filter(programme=programme).exists()  # the revision waits, unpublished

    programme.evidence_plus, programme.rating_difference_note = True, NOTE
    workflow.save_revision(obj=programme, m2m={}, user=publisher)
    workflow.publish(obj=Programme.objects.get(pk=programme.pk), user=publisher, change_note="Raised to 3+.")

    programme.refresh_from_db()
    assert (programme.evidence_rating, programme.rating_difference_note) == ("3+", NOTE)


# --------------------------------------------------------------------------- the admin
def test_admin_refuses_to_publish_an_unreproduced_rating_without_a_note_and_says_why(publisher_client):
    programme = DraftProgrammeFactory(evidence_level=3, rating_difference_note="")

    response = publisher_client.post(workflow_url(programme, "publish"), {"change_note": "First."}, follow=True)

    messages = [str(message) for message in response.context["messages"]]
    assert any("cannot be published with the evidence rating 3" in message for message in messages)
    assert any("Why the published rating differs from the studies" in message for message in messages)
    programme.refresh_from_db()
    assert programme.status == PublicationStatus.DRAFT


def test_admin_publishes_once_the_publisher_writes_the_note_in_the_form(publisher_client):
    programme = DraftProgrammeFactory(evidence_level=3, rating_difference_note="")
    form = publisher_client.get(change_url(programme)).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "evidence_level": "3",
            "uk_provision": "unknown",
            "uk_evaluation": "unknown",
            "licence_required": "unknown",
            "status": "draft",
            "rating_difference_note": NOTE,
        }
    )
    inlines = ["studies", "source_classifications", "theory_of_change", "publication_events", "clearinghouse_ratings"]
    for prefix in inlines:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    assert publisher_client.post(change_url(programme), data).status_code == 302

    publisher_client.post(workflow_url(programme, "publish"), {"change_note": "First."})

    programme.refresh_from_db()
    assert (programme.status, programme.rating_difference_note) == (PublicationStatus.PUBLISHED, NOTE)


def test_admin_change_form_has_the_note_beside_the_ratings_and_the_classification_inline(analyst_client):
    programme = DraftProgrammeFactory(rating_difference_note="")
    SourceClassificationFactory(programme=programme, classification="Established evidence")

    response = analyst_client.get(change_url(programme))

    fieldsets = dict(response.context["adminform"].model_admin.fieldsets)
    ratings = fieldsets["Evidence and cost ratings"]["fields"]
    assert ratings.index("rating_difference_note") == ratings.index("supported_rating") + 1
    classifications = next(
        i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "source_classifications"
    )
    assert classifications.has_add_permission
    assert [form.instance.classification for form in classifications.formset.forms] == ["Established evidence"]
    assert 'name="source_classifications-0-statement"' in response.content.decode()


def test_admin_change_form_warns_until_a_differing_rating_has_its_note(analyst_client):
    programme = with_level_3_study(DraftProgrammeFactory(evidence_level=4, rating_difference_note=""))

    without = analyst_client.get(change_url(programme)).content.decode()
    Programme.objects.filter(pk=programme.pk).update(rating_difference_note=NOTE)
    with_note = analyst_client.get(change_url(programme)).content.decode()

    assert "a publisher cannot publish this rating without it" in without
    assert "Warning: the published rating" not in with_note
    assert "the note below says why" in with_note


def test_analyst_sees_a_published_programmes_classifications_read_only(role_analyst_client):
    programme = ProgrammeFactory()
    SourceClassificationFactory(programme=programme)

    response = role_analyst_client.get(change_url(programme))

    inline = next(i for i in response.context["inline_admin_formsets"] if i.formset.prefix == "source_classifications")
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert not inline.has_delete_permission


def test_publisher_adds_a_classification_through_the_inline(publisher_client):
    programme = DraftProgrammeFactory(evidence_level=None, rating_difference_note="")
    data = {
        "name": programme.name,
        "slug": programme.slug,
        "summary": programme.summary,
        "description": programme.description,
        "status": "draft",
        "uk_provision": "unknown",
        "uk_evaluation": "unknown",
        "licence_required": "unknown",
        "source_classifications-TOTAL_FORMS": "1",
        "source_classifications-INITIAL_FORMS": "0",
        "source_classifications-0-source": "EIF workshop A",
        "source_classifications-0-source_label": "EIF workshop",
        "source_classifications-0-kind": "category",
        "source_classifications-0-classification": "Initial evidence",
        "source_classifications-0-order": "0",
    }
    for prefix in ["studies", "theory_of_change", "publication_events", "clearinghouse_ratings"]:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = publisher_client.post(change_url(programme), data)

    assert response.status_code == 302
    classification = programme.source_classifications.get()
    assert classification.label == "EIF workshop: initial evidence"
    assert classification.created_by is not None


def test_study_admin_shows_rigorously_conducted_in_the_form_and_the_list(analyst_client):
    study = StudyFactory(programme=DraftProgrammeFactory(), rigorously_conducted=False)

    form = analyst_client.get(reverse("admin:catalogue_study_change", args=[study.pk]))
    changelist = analyst_client.get(reverse("admin:catalogue_study_changelist"))

    fieldsets = dict(form.context["adminform"].model_admin.fieldsets)
    assert "rigorously_conducted" in fieldsets["Quality"]["fields"]
    assert 'name="rigorously_conducted"' in form.content.decode()
    assert "rigorously_conducted" in changelist.context["cl"].list_display
    assert "column-rigorously_conducted" in changelist.content.decode()


# --------------------------------------------------------------------------- where the note shows
def test_programme_page_shows_the_note_beside_the_rating(client):
    programme = ProgrammeFactory(evidence_level=3, rating_difference_note=NOTE)

    html = client.get(programme.get_absolute_url()).content.decode()

    assert "Why this rating differs from what the recorded studies support:" in html
    assert NOTE in html
    assert "No study of this programme is recorded on this page yet." in html
    assert 'href="#rating-difference"' in html  # from the ratings at the top of the page


def test_programme_page_names_the_rating_the_recorded_studies_support_beside_the_note(client):
    programme = with_level_3_study(ProgrammeFactory(evidence_level=4, rating_difference_note=NOTE))

    html = client.get(programme.get_absolute_url()).content.decode()

    assert NOTE in html
    assert "The studies recorded on this page support a rating of 3." in html


def test_programme_page_leaves_out_a_note_once_the_studies_reproduce_the_rating(client):
    programme = with_level_3_study(ProgrammeFactory(evidence_level=3, rating_difference_note="An old note."))

    html = client.get(programme.get_absolute_url()).content.decode()

    assert "Why this rating differs" not in html
    assert "An old note." not in html


def test_compare_and_csv_give_the_note_while_the_rating_differs(client):
    differs = ProgrammeFactory(name="Differs", rating_difference_note=NOTE, computed_evidence_rating="NL2")
    agrees = ProgrammeFactory(name="Agrees", rating_difference_note="An old note.", computed_evidence_rating="3")

    compare = client.get(reverse("catalogue:programme-compare") + f"?p={differs.slug}&p={agrees.slug}")
    rows = csv.DictReader(
        io.StringIO(client.get(reverse("catalogue:programme-list") + "?format=csv").getvalue().decode("utf-8-sig"))
    )

    assert NOTE in compare.content.decode()
    assert "An old note." not in compare.content.decode()
    assert {row["Name"]: row["Why the rating differs from the recorded studies"] for row in rows} == {
        "Differs": NOTE,
        "Agrees": "",
    }


def test_programme_cards_give_the_note_while_the_rating_differs(client):
    ProgrammeFactory(name="Differs", rating_difference_note=NOTE, computed_evidence_rating="NL2")
    ProgrammeFactory(name="Agrees", rating_difference_note="An old note.", computed_evidence_rating="3")

    html = client.get(reverse("catalogue:programme-list")).content.decode()

    assert f"Not the rating the recorded studies support: {NOTE}" in html
    assert "An old note." not in html


def test_programme_cards_show_the_note_for_the_same_queries_on_1_or_20_cards(client, django_assert_num_queries):
    # The note is a column for_listing() already loads: showing it costs no query per card.
    ProgrammeFactory(name="Differs 0", rating_difference_note=NOTE, computed_evidence_rating="NL2")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("catalogue:programme-list"))
    for n in range(1, 20):
        ProgrammeFactory(name=f"Differs {n}", rating_difference_note=NOTE, computed_evidence_rating="NL2")

    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(reverse("catalogue:programme-list")).content.decode()

    assert html.count(NOTE) == 20


def test_changes_feed_and_its_json_twin_give_the_note_for_the_rating_the_programme_carries(client):
    differs = ProgrammeFactory(name="Differs", rating_difference_note=NOTE, computed_evidence_rating="NL2")
    agrees = ProgrammeFactory(name="Agrees", rating_difference_note="An old note.", computed_evidence_rating="3")
    for programme in (differs, agrees):
        PublicationEvent.objects.create(
            programme=programme, change_note="First published.", evidence_rating_after="3", cost_rating_after="NA"
        )
    PublicationEvent.objects.create(
        programme=differs, change_note="Rating was 2 then.", evidence_rating_after="2", cost_rating_after="NA"
    )

    content = client.get("/feeds/changes/").content.decode()
    api = client.get("/api/v1/changes/").json()["results"]

    assert content.count(f"Why this rating differs from what the recorded studies support: {NOTE}") == 1
    assert "An old note." not in content
    assert sorted(
        (row["programme"]["name"], row["evidence_rating_after"], row["rating_difference_note"]) for row in api
    ) == [
        ("Agrees", "3", ""),
        ("Differs", "2", ""),
        ("Differs", "3", NOTE),
    ]


def test_changelist_finds_differing_ratings_with_no_note_why(analyst_client):
    ProgrammeFactory(name="Explained", evidence_level=4, computed_evidence_rating="3", rating_difference_note=NOTE)
    ProgrammeFactory(name="Unexplained", evidence_level=4, computed_evidence_rating="3", rating_difference_note="")
    ProgrammeFactory(name="Agrees", evidence_level=3, computed_evidence_rating="3", rating_difference_note="")

    response = analyst_client.get(reverse("admin:catalogue_programme_changelist"), {"rating_check": "unexplained"})

    assert [programme.name for programme in response.context["cl"].queryset] == ["Unexplained"]
