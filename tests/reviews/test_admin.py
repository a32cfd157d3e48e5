"""The reviews admin: every page renders; an analyst sees the recomputed result and a clear flag at once."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from reviews.models import Analysis, AnalysisRow, IncludedStudy, Review, RiskOfBias
from tests.factories import AnalysisFactory, AnalysisRowFactory, IncludedStudyFactory, StudyFactory

pytestmark = pytest.mark.django_db

REVIEW_MODELS = [model for model in admin.site._registry if model._meta.app_label == "reviews"]


def management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize("model", REVIEW_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_changelist_renders_for_analyst(analyst_client, model):
    AnalysisRowFactory(analysis=AnalysisFactory(review=IncludedStudyFactory().review))
    url = reverse(f"admin:reviews_{model._meta.model_name}_changelist")

    response = analyst_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("model", REVIEW_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_add_page_renders_for_analyst(analyst_client, model):
    response = analyst_client.get(reverse(f"admin:reviews_{model._meta.model_name}_add"))

    assert response.status_code == 200
    assert b'type="submit"' in response.content


def test_admin_analysis_page_shows_recomputed_result_forest_plot_and_warning(analyst_client):
    analysis = AnalysisFactory(reported_estimate=Decimal("0.90"), reported_ci_low=Decimal("0.50"),
                               reported_ci_high=Decimal("1.20"))  # fmt: skip
    AnalysisRowFactory(analysis=analysis, events_t=4, n_t=123, events_c=11, n_c=139)
    AnalysisRowFactory(analysis=analysis, events_t=6, n_t=306, events_c=29, n_c=303)

    response = analyst_client.get(reverse("admin:reviews_analysis_change", args=[analysis.pk]))

    content = response.content.decode()
    assert "Warning: the recomputed result differs from the reported one" in content
    assert "estimate: reported 0.90, recomputed 0.2" in content
    assert 'role="img"' in content


def test_admin_analysis_list_flags_the_mismatch(analyst_client):
    analysis = AnalysisFactory(reported_estimate=Decimal("0.90"))
    AnalysisRowFactory(analysis=analysis, events_t=4, n_t=123, events_c=11, n_c=139)

    response = analyst_client.get(reverse("admin:reviews_analysis_changelist"))

    assert "⚠ Differs: estimate" in response.content.decode()


def test_admin_analysis_with_rows_entered_in_one_form(analyst_client):
    analysis = AnalysisFactory()
    url = reverse("admin:reviews_analysis_change", args=[analysis.pk])
    data = {
        "review": analysis.review.pk, "number": "1", "order": "0", "outcome": "Secure attachment",
        "comparison": "PIP vs control", "time_point": "", "effect_measure": "RR", "model": "random", "method": "IV",
        "tau2_estimator": "DL",
        "favourable": "higher", "reported_decimals": "2", "reported_estimate": "0.26", "reported_ci_low": "0.14",
        "reported_ci_high": "0.48",
        **management("rows", total=2),
        "rows-0-label": "Aronson 1948", "rows-0-events_t": "4", "rows-0-n_t": "123", "rows-0-events_c": "11",
        "rows-0-n_c": "139", "rows-0-order": "0",
        "rows-1-label": "Ferguson 1949", "rows-1-events_t": "6", "rows-1-n_t": "306", "rows-1-events_c": "29",
        "rows-1-n_c": "303", "rows-1-order": "1",
    }  # fmt: skip

    response = analyst_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert AnalysisRow.objects.filter(analysis=analysis).count() == 2
    saved = Analysis.objects.get(pk=analysis.pk)
    assert saved.updated_by is not None
    assert saved.history.count() >= 2


def test_admin_analysis_row_missing_events_shows_message_and_saves_nothing(analyst_client):
    analysis = AnalysisFactory()
    data = {
        "review": analysis.review.pk, "order": "0", "outcome": "Secure attachment", "comparison": "PIP vs control",
        "effect_measure": "RR", "model": "random", "method": "IV", "favourable": "higher", "reported_decimals": "2",
        **management("rows", total=1),
        "rows-0-label": "Aronson 1948", "rows-0-n_t": "123", "rows-0-events_c": "11", "rows-0-n_c": "139",
        "rows-0-order": "0",
    }  # fmt: skip

    response = analyst_client.post(reverse("admin:reviews_analysis_change", args=[analysis.pk]), data)

    assert response.status_code == 200
    assert "Needed for Risk ratio (RR)." in response.content.decode()
    assert not AnalysisRow.objects.exists()


def test_admin_review_with_included_study_inline(analyst_client):
    study = StudyFactory()
    data = {
        "title": "Parent-infant psychotherapy", "slug": "pip", "short_citation": "Barlow et al. (2015)",
        "authors": "Barlow, J.", "year": "2015", "kind": "cochrane", "status": "draft", "reported_decimals": "2",
        **management("included_studies", total=1), **management("analyses"),
        "included_studies-0-study": str(study.pk), "included_studies-0-label": "Lieberman 1991",
        "included_studies-0-order": "0",
    }  # fmt: skip

    response = analyst_client.post(reverse("admin:reviews_review_add"), data)

    assert response.status_code == 302
    review = Review.objects.get(slug="pip")
    assert review.included_studies.get().study == study
    assert review.created_by is not None


def test_admin_included_study_offers_the_seven_domains(analyst_client):
    inclusion = IncludedStudyFactory()

    response = analyst_client.get(reverse("admin:reviews_includedstudy_change", args=[inclusion.pk]))

    content = response.content.decode()
    assert 'name="risk_of_bias-TOTAL_FORMS" value="7"' in content
    assert '<option value="concealment" selected>' in content


def test_admin_included_study_saves_risk_of_bias_judgements(analyst_client):
    inclusion = IncludedStudyFactory()
    data = {
        "review": inclusion.review.pk, "study": inclusion.study.pk, "label": "Cooper 2003", "order": "0",
        **management("risk_of_bias", total=2),
        "risk_of_bias-0-domain": "sequence", "risk_of_bias-0-judgement": "low",
        "risk_of_bias-1-domain": "concealment", "risk_of_bias-1-judgement": "high",
        "risk_of_bias-1-note": "Allocation was not concealed.",
    }  # fmt: skip

    response = analyst_client.post(reverse("admin:reviews_includedstudy_change", args=[inclusion.pk]), data)

    assert response.status_code == 302
    assert RiskOfBias.objects.filter(included_study=inclusion).count() == 2
    assert IncludedStudy.objects.get(pk=inclusion.pk).label == "Cooper 2003"


def test_admin_review_page_shows_the_risk_of_bias_grid(analyst_client):
    inclusion = IncludedStudyFactory(label="Sleed 2013")
    RiskOfBias.objects.create(included_study=inclusion, domain="sequence", judgement="high")

    response = analyst_client.get(reverse("admin:reviews_review_change", args=[inclusion.review.pk]))

    content = response.content.decode()
    assert "Included studies and their risk of bias" in content
    assert 'High<span class="govuk-visually-hidden"> risk</span>' in content
