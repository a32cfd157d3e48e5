"""Review models: the database refuses impossible numbers, and an analysis recomputes from its rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from reviews.models import Analysis, BiasDomain, EffectMeasure, PoolingMethod, Review
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    IncludedStudyFactory,
    ReviewFactory,
    RiskOfBiasFactory,
)

pytestmark = pytest.mark.django_db

# Three of the BCG trials (metafor dat.bcg): events and totals per arm.
BCG_THREE = [
    ("Aronson 1948", 4, 123, 11, 139),
    ("Ferguson & Simes 1949", 6, 306, 29, 303),
    ("Rosenthal 1960", 3, 231, 11, 220),
]


def analysis_with_rows(**overrides):
    analysis = AnalysisFactory(**overrides)
    for order, (label, a, n1, c, n2) in enumerate(BCG_THREE):
        AnalysisRowFactory(analysis=analysis, label=label, events_t=a, n_t=n1, events_c=c, n_c=n2, order=order)
    return Analysis.objects.prefetch_related("rows").get(pk=analysis.pk)


def test_analysis_ci_must_contain_estimate():
    with pytest.raises(IntegrityError):
        AnalysisFactory(
            reported_estimate=Decimal("2.0"), reported_ci_low=Decimal("0.5"), reported_ci_high=Decimal("1.5")
        )


def test_analysis_ratio_must_be_positive():
    with pytest.raises(IntegrityError):
        AnalysisFactory(effect_measure=EffectMeasure.RR, reported_estimate=Decimal("-0.2"))


def test_analysis_mantel_haenszel_needs_binary_measure():
    with pytest.raises(IntegrityError):
        AnalysisFactory(effect_measure=EffectMeasure.SMD, method=PoolingMethod.MH)


def test_analysis_i2_above_100_is_refused():
    with pytest.raises(IntegrityError):
        AnalysisFactory(reported_i2=Decimal("120"))


def test_included_study_unique_per_review():
    inclusion = IncludedStudyFactory()
    with pytest.raises(IntegrityError):
        IncludedStudyFactory(review=inclusion.review, study=inclusion.study)


def test_risk_of_bias_one_judgement_per_domain():
    judgement = RiskOfBiasFactory(domain=BiasDomain.SEQUENCE)
    with pytest.raises(IntegrityError):
        RiskOfBiasFactory(included_study=judgement.included_study, domain=BiasDomain.SEQUENCE)


def test_analysis_row_events_cannot_exceed_group():
    with pytest.raises(IntegrityError):
        AnalysisRowFactory(events_t=60, n_t=50)


def test_review_published_needs_date():
    with pytest.raises(IntegrityError):
        ReviewFactory(published_on=None)


def test_analysis_row_clean_asks_for_means_on_a_continuous_analysis():
    row = AnalysisRowFactory.build(analysis=AnalysisFactory(effect_measure=EffectMeasure.SMD))

    with pytest.raises(ValidationError) as error:
        row.full_clean()

    assert "mean_t" in error.value.message_dict
    assert "Not used for" in error.value.message_dict["events_t"][0]


def test_analysis_recomputation_agrees_with_correct_reported_result():
    # The same three trials pooled independently with numpy (IV, DL): 0.2644 [0.1449, 0.4825], to 2 decimals.
    analysis = analysis_with_rows(reported_estimate=Decimal("0.26"), reported_ci_low=Decimal("0.14"),
                                  reported_ci_high=Decimal("0.48"))  # fmt: skip

    result = analysis.recomputation

    assert result.available and result.compared
    assert result.discrepancies == []
    assert result.agrees


def test_analysis_recomputation_flags_a_typo_in_the_reported_estimate():
    analysis = analysis_with_rows(reported_estimate=Decimal("0.36"), reported_ci_low=Decimal("0.14"),
                                  reported_ci_high=Decimal("0.48"))  # fmt: skip

    result = analysis.recomputation

    assert [d.name for d in result.discrepancies] == ["estimate"]
    assert result.agrees is False


def test_analysis_without_rows_cannot_be_recomputed():
    analysis = AnalysisFactory(reported_estimate=Decimal("0.5"))

    assert analysis.recomputation.available is False


def test_review_absolute_url_uses_slug():
    review = ReviewFactory(slug="barlow-2015")

    assert review.get_absolute_url() == "/reviews/barlow-2015/"


# --- search limits (issue 10): the programme search's cleaner and word cap ----------------------
def test_review_search_with_999_words_answers_not_expression_tree_too_large(client):
    review = ReviewFactory(title="Parent-infant psychotherapy for improving attachment")
    words = " ".join(["a"] * 999)

    assert list(Review.objects.search(words)) == [review]
    assert client.get(reverse("reviews:review-list"), {"q": words}).status_code == 200


def test_review_search_uses_at_most_max_words():
    from catalogue.search import MAX_WORDS

    review = ReviewFactory(title="Parent-infant psychotherapy for improving attachment")
    wanted = "parent " * MAX_WORDS + "unmatched"  # the word after the cap is dropped, so it still matches

    assert list(Review.objects.search(wanted)) == [review]


def test_review_search_ignores_control_characters_and_punctuation():
    review = ReviewFactory(title="Parent-infant psychotherapy for improving attachment")

    assert list(Review.objects.search("psycho\x00therapy")) == [review]  # the NUL becomes a space
    assert list(Review.objects.search("  psychotherapy!!  ")) == [review]
    assert list(Review.objects.search("\x00\x01")) == [review]  # nothing usable: every review
