"""Free-text search: the index kept current, and the same ranked, stemmed, typo-tolerant results on both databases."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalogue import workflow
from catalogue.models import Programme, PublicationStatus, SearchWord
from catalogue.search import build_search_document, clean_query, parse_query, similarity
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


# --------------------------------------------------------------------------- ranking, stemming, typos: both databases
@pytest.fixture
def real_like_catalogue(catalogue):
    """The catalogue above plus the texts the real cases depend on."""
    ipp = catalogue[0]
    Programme.objects.filter(pk=ipp.pk).update(description="Works with maltreating families and their babies.")
    searchable(
        name="Video Interaction Guidance",
        acronym="VIG",
        summary="Video feedback on attuned interactions between parents and children.",
    )
    refresh_search_documents()
    return catalogue


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("atachment", "Infant-Parent Psychotherapy"),
        ("psychotheraphy", "Infant-Parent Psychotherapy"),
        ("Family Nurse Partnersip", "Family Nurse Partnership"),
        ("maltreatment", "Infant-Parent Psychotherapy"),  # stemmed: the text says "maltreating"
        ("IPP", "Infant-Parent Psychotherapy"),
        ('"first-time mothers"', "Family Nurse Partnership"),
        ("video feedback", "Video-feedback Intervention to promote Positive Parenting and Sensitive Discipline"),
    ],
)
def test_search_finds_real_cases_on_both_databases(real_like_catalogue, query, expected_first):
    assert names_found(query)[0] == expected_first


def test_search_for_an_acronym_does_not_match_longer_acronyms_containing_it(real_like_catalogue):
    assert names_found("IPP") == ["Infant-Parent Psychotherapy"]


def test_search_corrects_only_words_no_programme_contains(real_like_catalogue):
    plan = Programme.objects.published().search_plan("Family Nurse Partnersip")
    assert plan.corrections == {"partnersip": "partnership"}
    assert plan.suggestion == "Family Nurse partnership"
    assert Programme.objects.published().search_plan("maltreatment").suggestion == ""


def test_search_offers_nothing_for_text_like_no_known_word(real_like_catalogue):
    assert names_found("zzyzx") == []
    assert Programme.objects.published().search_plan("zzyzx").suggestion == ""


def test_search_supports_exclusion(catalogue):
    assert "Family Nurse Partnership" not in names_found("mothers -nurses")
    assert "Infant-Parent Psychotherapy" in names_found("mothers -nurses")


def test_search_with_only_an_exclusion_lists_everything_else(catalogue):
    assert sorted(names_found("-nurses")) == sorted(p.name for p in catalogue if p.acronym != "FNP")


def test_search_supports_or(catalogue):
    assert sorted(names_found("nurses or toddlers")) == sorted(p.name for p in catalogue if p.acronym != "IPP")


def test_search_ranks_name_match_above_summary_match():
    searchable(name="Home Start", summary="Volunteer support for families.")
    searchable(name="Family Nurse Partnership", summary="Home visits; home is where it happens; at home.")
    assert names_found("home start")[0] == "Home Start"


def test_search_ranks_name_match_above_description_match():
    searchable(name="Parent Child Game", description="Sessions with a trained therapist.")
    searchable(name="Baby Steps", description="A game for parents to play with their child: the parent child game.")
    assert names_found("game") == ["Parent Child Game", "Baby Steps"]


def test_spelling_words_come_from_published_programmes_only():
    searchable(name="Secretive Draftwork", status=PublicationStatus.DRAFT)
    searchable(name="Open Playgroups")
    assert SearchWord.objects.filter(word="playgroups").exists()
    assert not SearchWord.objects.filter(word="draftwork").exists()
    assert Programme.objects.published().search_plan("draftwrk").suggestion == ""


def test_full_refresh_drops_words_no_programme_uses(catalogue):
    SearchWord.objects.create(word="obsolete", length=8)
    refresh_search_documents()
    assert not SearchWord.objects.filter(word="obsolete").exists()
    assert SearchWord.objects.filter(word="psychotherapy").exists()


@pytest.mark.parametrize(
    ("a", "b", "expected"), [("word", "word", 1.0), ("atachment", "attachment", 0.75), ("abc", "xyz", 0.0)]
)
def test_similarity_matches_pg_trgm(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(
    ("text", "websearch"),
    [
        ('home "first time" -nurses', 'home "first time" -nurses'),
        ("a or b c", "a or b c"),
        ("VIPP-SD", '"vipp sd"'),
        ("or -", ""),
    ],
)
def test_parse_query_reads_words_phrases_exclusions_and_or(text, websearch):
    assert parse_query(text).websearch() == websearch


def test_list_page_offers_did_you_mean_link(client, real_like_catalogue):
    response = client.get(reverse("catalogue:programme-list"), {"q": "atachment"})
    content = response.content.decode()
    assert "Did you mean" in content
    assert "q=attachment" in content
    assert "Infant-Parent Psychotherapy" in content


def test_list_page_offers_no_suggestion_for_a_good_search(client, real_like_catalogue):
    response = client.get(reverse("catalogue:programme-list"), {"q": "attachment"})
    assert "Did you mean" not in response.content.decode()


# --------------------------------------------------------------------------- PostgreSQL only
@pytest.mark.postgres
def test_search_rank_reads_stored_weighted_vector_on_postgresql(catalogue):
    sql = str(Programme.objects.search("psychotherapy").query)
    assert 'ts_rank("catalogue_programme"."search_vector"' in sql
    assert "to_tsvector" not in sql


@pytest.mark.postgres
def test_search_vector_filled_on_postgresql(catalogue):
    ipp = catalogue[0]
    assert Programme.objects.filter(pk=ipp.pk, search_vector__isnull=False).exists()
