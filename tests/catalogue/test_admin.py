"""The analysts' admin: every page renders, and a study with a finding can be entered in one form."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from catalogue.models import Finding, Outcome, Study
from tests.factories import (
    ClearinghouseRatingFactory,
    CollectionFactory,
    FindingFactory,
    ProgrammeFactory,
    PublicationFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = [model for model in admin.site._registry if model._meta.app_label == "catalogue"]


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_changelist_renders_for_analyst(analyst_client, model):
    FindingFactory()  # gives every list at least one programme, study, outcome and finding
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = analyst_client.get(url)
    assert response.status_code == 200
    assert model._meta.verbose_name_plural.encode() in response.content.lower()


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_add_page_renders_for_analyst(analyst_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = analyst_client.get(url)
    assert response.status_code == 200
    assert b'type="submit"' in response.content


def test_admin_changelist_search_finds_programme_by_acronym(analyst_client):
    ProgrammeFactory(name="Video Interaction Guidance", acronym="VIG")
    ProgrammeFactory(name="Family Foundations")
    response = analyst_client.get(reverse("admin:catalogue_programme_changelist"), {"q": "VIG"})
    assert b"Video Interaction Guidance" in response.content
    assert b"Family Foundations" not in response.content


def test_admin_programme_change_page_links_each_study(analyst_client):
    study = StudyFactory(number=1, citation_label="Lieberman et al (1991)")
    response = analyst_client.get(reverse("admin:catalogue_programme_change", args=[study.programme.pk]))
    assert response.status_code == 200
    assert reverse("admin:catalogue_study_change", args=[study.pk]).encode() in response.content


def test_admin_study_change_page_shows_publications_and_findings(analyst_client):
    finding = FindingFactory(statement="A 40.9-point rise in secure attachment")
    PublicationFactory(study=finding.study, title="Fostering secure attachment")
    response = analyst_client.get(reverse("admin:catalogue_study_change", args=[finding.study.pk]))
    assert b"Fostering secure attachment" in response.content
    assert b"A 40.9-point rise in secure attachment" in response.content


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def study_form(programme, outcome, **finding_overrides):
    data = {
        "programme": programme.pk,
        "number": "1",
        "citation_label": "Cicchetti et al (2006)",
        "year": "2006",
        "design": "rct",
        "rating": "3",
        "sample_size": "189",
        "timing": "Post-test; one-year follow-up",
        "longest_follow_up_months": "12",
        **inline_management("publications", total=1),
        "publications-0-authors": "Cicchetti, D., Rogosch, F.A., & Toth, S.L.",
        "publications-0-year": "2006",
        "publications-0-title": "Fostering secure attachment in infants in maltreating families",
        "publications-0-journal": "Development and Psychopathology",
        "publications-0-order": "0",
        **inline_management("findings", total=1),
        "findings-0-outcome": outcome.pk,
        "findings-0-outcome_label": "Improved attachment security (% secure)",
        "findings-0-measure": "Ainsworth's Strange Situation",
        "findings-0-reporter": "expert_observation",
        "findings-0-timing": "follow_up",
        "findings-0-months_after_end": "12",
        "findings-0-statement": "28.7-percentage-point increase in the proportion securely attached",
        "findings-0-significant": "true",
        "findings-0-direction": "favourable",
        "findings-0-is_headline": "on",
        "findings-0-order": "0",
        "findings-0-improvement_index": "33",
    }
    data.update({f"findings-0-{key}": value for key, value in finding_overrides.items()})
    return data


def test_admin_round_trip_creates_study_with_publication_and_finding(analyst_client, analyst):
    programme = ProgrammeFactory(name="Infant-Parent Psychotherapy")
    outcome = Outcome.objects.create(name="Improved attachment security", slug="attachment", domain="mental_health")

    response = analyst_client.post(reverse("admin:catalogue_study_add"), study_form(programme, outcome))

    assert response.status_code == 302, response.context["errors"] if response.context else response
    study = Study.objects.get()
    assert study.programme == programme
    assert study.publications.get().journal == "Development and Psychopathology"
    finding = study.findings.get()
    assert finding.improvement_index == 33
    assert finding.is_long_term
    assert study.created_by == analyst
    assert finding.created_by == analyst  # stamped through the inline too


def test_admin_rejects_finding_that_breaks_a_constraint_and_saves_nothing(analyst_client):
    programme = ProgrammeFactory()
    outcome = Outcome.objects.create(name="Improved attachment security", slug="attachment", domain="mental_health")

    response = analyst_client.post(
        reverse("admin:catalogue_study_add"),
        study_form(programme, outcome, timing="post_test", months_after_end="12"),
    )

    assert response.status_code == 200
    assert "use follow-up otherwise" in response.content.decode()
    assert not Study.objects.exists()
    assert not Finding.objects.exists()


def test_admin_rejects_improvement_index_out_of_range(analyst_client):
    programme = ProgrammeFactory()
    outcome = Outcome.objects.create(name="Improved attachment security", slug="attachment", domain="mental_health")

    response = analyst_client.post(
        reverse("admin:catalogue_study_add"), study_form(programme, outcome, improvement_index="60")
    )

    assert response.status_code == 200
    assert "less than or equal to 50" in response.content.decode()
    assert not Study.objects.exists()


def test_admin_requires_login(client):
    response = client.get(reverse("admin:catalogue_programme_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_admin_long_text_fields_get_wide_inputs(analyst_client):
    html = analyst_client.get(reverse("admin:catalogue_study_add")).content.decode()
    citation_input = re.search(r"<input[^>]*id=\"id_citation_label\"[^>]*>", html).group(0)
    number_input = re.search(r"<input[^>]*id=\"id_number\"[^>]*>", html).group(0)
    assert "vLargeTextField" in citation_input
    assert "vLargeTextField" not in number_input


@pytest.mark.parametrize("model", CATALOGUE_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_change_and_history_pages_render_for_analyst(analyst_client, model):
    # Audited models show simple-history's field-by-field page; lookups Django's own action log.
    finding = FindingFactory()
    PublicationFactory(study=finding.study)
    CollectionFactory().programmes.add(finding.study.programme)
    ClearinghouseRatingFactory(programme=finding.study.programme)
    row = model.objects.first()
    name = model._meta.model_name

    change = analyst_client.get(reverse(f"admin:catalogue_{name}_change", args=[row.pk]))
    history = analyst_client.get(reverse(f"admin:catalogue_{name}_history", args=[row.pk]))

    assert change.status_code == 200
    assert history.status_code == 200


def test_admin_export_neutralises_spreadsheet_formulas(rf, publisher):
    from django.contrib import admin

    from catalogue.models import Country

    Country.objects.create(name='=HYPERLINK("https://evil.example","x")', slug="formula-land")
    Country.objects.create(name="+cmd|' /C calc'!A0", slug="plus-land")
    request = rf.get("/admin/catalogue/country/")
    request.user = publisher

    data = admin.site._registry[Country].get_data_for_export(
        request, Country.objects.filter(slug__in=["formula-land", "plus-land"]).order_by("slug")
    )

    names = data["name"]
    assert names == ['\'=HYPERLINK("https://evil.example","x")', "'+cmd|' /C calc'!A0"]
