"""Free-text search: the search text kept current, word matching everywhere, typo tolerance on PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalogue import workflow
from catalogue.models import Programme, PublicationStatus
from catalogue.search import build_search_document, clean_query
from catalogue.services import refresh_search_documents
from tests.factories import FindingFactory, OutcomeFactory, ProgrammeFactory, StudyFactory

pytestmark = pytest.mark.django_db


def searchable(**kwargs):
    programme = ProgrammeFactory(**kwargs)
    refresh_search_documents([programme.pk])
    return programme


def names_found(text):
    return [p.name for p in Programme.objects.published().search(text).order_by("-search_rank", "name")]


@pytest.fixture
def catalogue():
    ipp = searchable(
        name="Infant-Parent Psychotherapy",
        acronym="IPP",
        summary="Weekly psychotherapy for mothers and infants at risk of insecure attachment.",
    )
    fnp = searchable(
        name="Family Nurse Partnership",
        acronym="FNP",
        summary="Home visiting by nurses for young first-time mothers.",
    )
    vipp = searchable(
        name="Video-feedback Intervention to promote Positive Parenting and Sensitive Discipline",
        acronym="VIPP-SD",
        summary="Short home-based video feedback for parents of toddlers.",
    )
    return ipp, fnp, vipp


# --------------------------------------------------------------------------- pure functions
def test_build_search_document_joins_text_and_each_outcome_once():
    document = build_search_document(
        name="Child First",
        acronym="",
        summary="Home visits.",
        description="",
        outcome_names=["Reduced maltreatment", "Reduced maltreatment", "Improved language"],
    )
    assert document == "Child First\nHome visits.\nImproved language\nReduced maltreatment"


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  attachment\x00 infants ", "attachment infants"),
        ("line\nbreak\ttab", "line break tab"),
        (None, ""),
        ("x" * 500, "x" * 200),
        ("ＦＮＰ", "FNP"),  # full-width letters typed on some keyboards
    ],
)
def test_clean_query_removes_control_characters_and_bounds_length(raw, cleaned):
    assert clean_query(raw) == cleaned


# --------------------------------------------------------------------------- both databases
@pytest.mark.parametrize(
    ("query", "expected"), [("VIPP", "Video-feedback"), ("FNP", "Family Nurse"), ("ipp", "Infant")]
)
def test_search_finds_programme_by_acronym(catalogue, query, expected):
    assert names_found(query)[0].startswith(expected)


def test_search_requires_every_word(catalogue):
    assert names_found("home nurses") == ["Family Nurse Partnership"]


def test_search_finds_programme_by_outcome_name():
    outcome = OutcomeFactory(name="Reduced emergency admissions")
    finding = FindingFactory(outcome=outcome, study=StudyFactory(programme=ProgrammeFactory(name="Child First")))
    ProgrammeFactory(name="Social Baby")
    refresh_search_documents()
    assert names_found("emergency admissions") == [finding.study.programme.name]


def test_search_with_blank_or_symbol_only_text_keeps_every_programme(catalogue):
    assert len(names_found("  ")) == 3
    assert len(names_found("!!! &&")) == 3


@pytest.mark.parametrize(
    "text", ['"unclosed', "a & b | !c", "-", "OR OR", "x\x00y", "ψυχοθεραπεία", "' OR 1=1 --", "%_\\"]
)
def test_search_with_odd_text_never_fails(catalogue, text):
    assert isinstance(names_found(text), list)


def test_rebuild_search_index_command_refreshes_loaded_programmes():
    programme = ProgrammeFactory(name="Watch, Wait and Wonder", acronym="WWW")
    Programme.objects.filter(pk=programme.pk).update(search_document="")
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    programme.refresh_from_db()
    assert "WWW" in programme.search_document
    assert "1 programme." in out.getvalue()


# --------------------------------------------------------------------------- kept current from the admin
def test_admin_programme_save_refreshes_search_document(analyst_client):
    # A draft is edited in place; a published programme's edits wait in a revision (see below).
    programme = searchable(name="Social Baby", summary="Home visits for mothers.")
    Programme.objects.filter(pk=programme.pk).update(status=PublicationStatus.DRAFT, published_on=None)
    url = reverse("admin:catalogue_programme_change", args=[programme.pk])
    form = _admin_form(analyst_client, url)
    form["acronym"] = "SB"
    form["description"] = "Teaches parents about their baby's social abilities."
    response = analyst_client.post(url, form)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert "social abilities" in programme.search_document
    assert [p.name for p in Programme.objects.search("SB")] == ["Social Baby"]


def test_publishing_a_revision_refreshes_search_document(publisher):
    programme = searchable(name="Social Baby", summary="Home visits for mothers.")
    programme.summary = "Coaching on a newborn's social abilities."
    workflow.save_revision(obj=programme, m2m={}, user=publisher)
    assert names_found("newborn") == []  # pending: the public page and search are unchanged

    workflow.publish(obj=programme, user=publisher, change_note="Summary reworded.")

    assert names_found("newborn") == ["Social Baby"]


def test_admin_finding_save_adds_outcome_name_to_search_document(analyst_client):
    study = StudyFactory(programme=searchable(name="Child First"))
    outcome = OutcomeFactory(name="Fewer child protection reports")
    finding = FindingFactory(study=study, outcome=OutcomeFactory(name="Something else"))
    url = reverse("admin:catalogue_finding_change", args=[finding.pk])
    form = _admin_form(analyst_client, url)
    form["outcome"] = str(outcome.pk)
    response = analyst_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    study.programme.refresh_from_db()
    assert "Fewer child protection reports" in study.programme.search_document


def test_admin_finding_delete_removes_outcome_name_from_search_document(analyst_client):
    finding = FindingFactory(outcome=OutcomeFactory(name="Fewer hospital admissions"))
    refresh_search_documents()
    url = reverse("admin:catalogue_finding_delete", args=[finding.pk])
    response = analyst_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    finding.study.programme.refresh_from_db()
    assert "hospital admissions" not in finding.study.programme.search_document


def _admin_form(client, url):
    """The change form's current values, as the browser would post them back."""
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = str(management[name].value())
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[f"{inline_form.prefix}-{name}"] = "on" if value is True else str(value)
    return data


# --------------------------------------------------------------------------- PostgreSQL only
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("typo", "expected"),
    [("atachment", "Infant-Parent Psychotherapy"), ("psychotheraphy", "Infant-Parent Psychotherapy")],
)
def test_search_tolerates_misspelling_on_postgresql(catalogue, typo, expected):
    assert names_found(typo) == [expected]


@pytest.mark.postgres
def test_search_supports_websearch_exclusion_on_postgresql(catalogue):
    assert "Family Nurse Partnership" not in names_found("mothers -nurses")
    assert "Infant-Parent Psychotherapy" in names_found("mothers -nurses")


@pytest.mark.postgres
def test_search_ranks_name_match_above_summary_match_on_postgresql():
    searchable(name="Home Start", summary="Volunteer support for families.")
    searchable(name="Family Nurse Partnership", summary="Home visits; home is where it happens; at home.")
    assert names_found("home start")[0] == "Home Start"


@pytest.mark.postgres
def test_search_vector_filled_on_postgresql(catalogue):
    ipp = catalogue[0]
    assert Programme.objects.filter(pk=ipp.pk, search_vector__isnull=False).exists()
