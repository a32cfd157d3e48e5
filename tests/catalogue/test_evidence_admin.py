"""The admin's computed evidence: read-only effect sizes, the supported rating beside the published one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue import services
from catalogue.admin.computed import FindingAdminForm
from catalogue.models import DesignType, EffectSource, Finding, Programme
from tests.factories import FindingFactory, OutcomeFactory, ProgrammeFactory, StudyFactory

pytestmark = pytest.mark.django_db

RAW_MEANS = {"mean_t": "12", "sd_t": "4", "n_t": "30", "mean_c": "10", "sd_c": "4", "n_c": "30"}


def finding_form_data(study, outcome, **overrides):
    data = {
        "study": study.pk if study else "",
        "outcome": outcome.pk,
        "timing": "post_test",
        "months_after_end": "",
        "statement": "Better attachment",
        "significant": "true",
        "direction": "favourable",
        "is_headline": "on",
        "order": "0",
    }
    return {**data, **overrides}


def test_finding_admin_computes_from_raw_data_and_warns_typed_index_replaced(analyst_client):
    study = StudyFactory(rating=3)
    outcome = OutcomeFactory()

    response = analyst_client.post(
        reverse("admin:catalogue_finding_add"),
        finding_form_data(study, outcome, improvement_index="40", **RAW_MEANS),
        follow=True,
    )

    finding = Finding.objects.get()
    assert finding.effect_source == EffectSource.MEANS
    assert finding.improvement_index == 19
    assert "computed values were kept instead of the typed ones (improvement index 40 → 19)" in (
        response.content.decode()
    )


def test_finding_admin_bad_raw_data_is_a_form_error_not_a_500(analyst_client):
    study = StudyFactory()

    response = analyst_client.post(
        reverse("admin:catalogue_finding_add"),
        finding_form_data(study, OutcomeFactory(), **{**RAW_MEANS, "sd_t": "0", "sd_c": "0"}),
    )

    assert response.status_code == 200
    assert "Raw group data: Both standard deviations are zero" in response.content.decode()
    assert not Finding.objects.exists()


def test_finding_admin_partial_raw_data_says_what_is_missing(analyst_client):
    response = analyst_client.post(
        reverse("admin:catalogue_finding_add"),
        finding_form_data(StudyFactory(), OutcomeFactory(), mean_t="12", mean_c="10", n_t="30", n_c="30"),
    )

    assert response.status_code == 200
    assert "also enter: programme group SD, comparison group SD" in response.content.decode()


def test_finding_form_locks_computed_values():
    finding = FindingFactory(mean_t=12.0, sd_t=4.0, n_t=30, mean_c=10.0, sd_c=4.0, n_c=30)

    form = FindingAdminForm(instance=finding)

    for name in ("effect_size_type", "effect_size", "ci_low", "ci_high", "improvement_index"):
        assert form.fields[name].disabled, name
    assert not form.fields["mean_t"].disabled


def test_finding_form_locks_only_the_index_for_a_published_effect():
    finding = FindingFactory(effect_size=Decimal("0.25"))

    form = FindingAdminForm(instance=finding)

    assert form.fields["improvement_index"].disabled
    assert not form.fields["effect_size"].disabled


def test_finding_change_page_shows_formula(analyst_client):
    finding = FindingFactory(mean_t=12.0, sd_t=4.0, n_t=30, mean_c=10.0, sd_c=4.0, n_c=30)

    response = analyst_client.get(reverse("admin:catalogue_finding_change", args=[finding.pk]))

    html = response.content.decode()
    assert "Computed from group means." in html
    assert "Hedges&#x27; g (WWC)" in html
    assert 'name="effect_size"' in html and "disabled" in html


def test_study_admin_save_recomputes_programme_rating(analyst_client):
    programme = ProgrammeFactory(evidence_level=3)
    study = StudyFactory(programme=programme, rating=2, design=DesignType.RCT)
    FindingFactory(study=study)
    data = {
        "programme": programme.pk,
        "number": study.number,
        "citation_label": study.citation_label,
        "design": "rct",
        "rating": "3",  # the analyst raises the study's rating
        "publications-TOTAL_FORMS": "0",
        "publications-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
    }

    response = analyst_client.post(reverse("admin:catalogue_study_change", args=[study.pk]), data)

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.computed_evidence_rating == "3"


def test_finding_admin_delete_recomputes_programme_rating(analyst_client):
    programme = ProgrammeFactory()
    finding = FindingFactory(study=StudyFactory(programme=programme, rating=3))
    Programme.objects.filter(pk=programme.pk).update(computed_evidence_rating="3")

    analyst_client.post(reverse("admin:catalogue_finding_delete", args=[finding.pk]), {"post": "yes"})

    programme.refresh_from_db()
    # A rated-3 RCT with no findings left is NL2, not NE: nothing was measured to be found ineffective.
    assert programme.computed_evidence_rating == "NL2"


def test_programme_change_page_warns_when_published_rating_differs(analyst_client):
    programme = ProgrammeFactory(evidence_level=4, rating_difference_note="")  # no publisher's note yet
    FindingFactory(study=StudyFactory(programme=programme, rating=3))

    response = analyst_client.get(reverse("admin:catalogue_programme_change", args=[programme.pk]))

    html = response.content.decode()
    assert "Rating the studies support" in html
    assert "Warning: the published rating (4) differs from the rating the study records support (3)" in html


def test_programme_change_page_agreeing_rating_has_no_warning(analyst_client):
    programme = ProgrammeFactory(evidence_level=3, rating_difference_note="")
    FindingFactory(study=StudyFactory(programme=programme, rating=3))

    response = analyst_client.get(reverse("admin:catalogue_programme_change", args=[programme.pk]))

    assert "Agrees with the published rating." in response.content.decode()
    assert "Warning: the published rating" not in response.content.decode()


def test_programme_changelist_filter_shows_only_disagreeing(analyst_client):
    agrees = ProgrammeFactory(name="Agrees", evidence_level=1)
    differs = ProgrammeFactory(name="Differs", evidence_level=4)
    Programme.objects.filter(pk__in=[agrees.pk, differs.pk]).update(computed_evidence_rating="NL2")

    response = analyst_client.get(reverse("admin:catalogue_programme_changelist"), {"rating_check": "disagrees"})

    html = response.content.decode()
    assert "Differs" in html
    assert ">Agrees<" not in html
    assert "NL2 (differs; no studies entered)" in html


def test_programme_admin_sets_cost_rating_from_unit_cost_and_locks_it(analyst_client):
    programme = ProgrammeFactory(estimated_unit_cost=Decimal("750"), cost_rating=3)

    response = analyst_client.get(reverse("admin:catalogue_programme_change", args=[programme.pk]))

    html = response.content.decode()
    assert 'name="estimated_unit_cost"' in html
    assert 'name="cost_rating"' not in html  # shown read-only: it is the band of the unit cost


def test_programme_admin_post_sets_cost_rating_from_unit_cost(analyst_client):
    data = {
        "name": "Costed programme",
        "slug": "costed-programme",
        "summary": "A programme with a unit cost.",
        "cost_rating": "1",  # typed wrongly: the unit cost decides
        "estimated_unit_cost": "1500",
        "status": "draft",
        "uk_provision": "unknown",
        "uk_evaluation": "unknown",
        "licence_required": "unknown",
        "studies-TOTAL_FORMS": "0",
        "studies-INITIAL_FORMS": "0",
        "source_classifications-TOTAL_FORMS": "0",
        "source_classifications-INITIAL_FORMS": "0",
        "theory_of_change-TOTAL_FORMS": "0",
        "theory_of_change-INITIAL_FORMS": "0",
        "clearinghouse_ratings-TOTAL_FORMS": "0",
        "clearinghouse_ratings-INITIAL_FORMS": "0",
    }

    response = analyst_client.post(reverse("admin:catalogue_programme_add"), data, follow=True)

    programme = Programme.objects.get(slug="costed-programme")
    assert programme.cost_rating == 4
    assert programme.computed_evidence_rating == "NL2"
    assert "The cost rating is set from the estimated unit cost: 4." in response.content.decode()


def test_study_admin_inline_finding_computes_and_warns(analyst_client):
    programme = ProgrammeFactory(evidence_level=3)
    outcome = OutcomeFactory()
    data = {
        "programme": programme.pk,
        "number": "1",
        "citation_label": "Cicchetti et al (2006)",
        "design": "rct",
        "rating": "3",
        "publications-TOTAL_FORMS": "0",
        "publications-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        **{f"findings-0-{key}": value for key, value in finding_form_data(None, outcome).items() if key != "study"},
        **{f"findings-0-{key}": value for key, value in RAW_MEANS.items()},
        "findings-0-improvement_index": "33",
    }

    response = analyst_client.post(reverse("admin:catalogue_study_add"), data, follow=True)

    finding = Finding.objects.get()
    assert finding.improvement_index == 19
    assert "improvement index 33 → 19" in response.content.decode()
    programme.refresh_from_db()
    assert programme.computed_evidence_rating == "3"


def test_admin_says_when_no_studies_are_entered(analyst_client):
    programme = ProgrammeFactory(name="Social Baby", evidence_level=0)
    services.recompute_programme_rating(programme=programme)

    listing = analyst_client.get(reverse("admin:catalogue_programme_changelist")).content.decode()
    form = analyst_client.get(reverse("admin:catalogue_programme_change", args=[programme.pk])).content.decode()

    assert "NL2 (differs; no studies entered)" in listing
    assert "No studies are entered for this programme yet" in form


def test_finding_admin_warns_when_significant_but_ci_includes_zero(analyst_client):
    study = StudyFactory(rating=3)

    response = analyst_client.post(
        reverse("admin:catalogue_finding_add"),
        finding_form_data(
            study, OutcomeFactory(), effect_size_type="hedges_g", effect_size="0.245", ci_low="-0.15", ci_high="0.64"
        ),
        follow=True,
    )

    assert Finding.objects.get().significant is True  # saved: a warning, not an error
    messages = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert any(
        tag == "warning"
        and "The 95% CI (−0.15 to 0.64) includes zero, but the finding is marked significant: check the paper."
        in message
        for tag, message in messages
    ), messages


def test_finding_admin_warns_when_computed_effect_contradicts_direction(analyst_client):
    # Lower scores are better but the box is unticked: the computed g is negative, marked favourable.
    means = {**RAW_MEANS, "mean_t": "10", "mean_c": "12"}

    response = analyst_client.post(
        reverse("admin:catalogue_finding_add"),
        finding_form_data(StudyFactory(rating=3), OutcomeFactory(), significant="unknown", **means),
        follow=True,
    )

    assert Finding.objects.get().effect_size < 0
    assert "is negative, but the finding is marked favourable" in response.content.decode()


def test_finding_admin_consistent_finding_has_no_warning(analyst_client):
    response = analyst_client.post(
        reverse("admin:catalogue_finding_add"),
        finding_form_data(StudyFactory(rating=3), OutcomeFactory(), significant="unknown", **RAW_MEANS),
        follow=True,
    )

    assert response.status_code == 200
    assert Finding.objects.get().effect_size > 0
    assert "check the paper" not in response.content.decode()


def test_study_admin_inline_finding_warns_when_not_significant_but_ci_excludes_zero(analyst_client):
    programme = ProgrammeFactory(evidence_level=3)
    finding = finding_form_data(None, OutcomeFactory(), significant="false")
    data = {
        "programme": programme.pk,
        "number": "1",
        "citation_label": "Cicchetti et al (2006)",
        "design": "rct",
        "rating": "3",
        "publications-TOTAL_FORMS": "0",
        "publications-INITIAL_FORMS": "0",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        **{f"findings-0-{key}": value for key, value in finding.items() if key != "study"},
        "findings-0-effect_size_type": "hedges_g",
        "findings-0-effect_size": "0.4",
        "findings-0-ci_low": "0.1",
        "findings-0-ci_high": "0.7",
    }

    response = analyst_client.post(reverse("admin:catalogue_study_add"), data, follow=True)

    assert Finding.objects.get().significant is False
    assert "The 95% CI (0.10 to 0.70) excludes zero, but the finding is marked not significant" in (
        response.content.decode()
    )
