"""reviews/presenters.py: what the review pages show, with nothing unpublished in it."""

import datetime
from decimal import Decimal

import pytest

from catalogue.models import PublicationStatus
from reviews import presenters
from reviews.models import Analysis, BiasDomain, BiasJudgement, Review
from tests.factories import (
    AnalysisFactory,
    AnalysisRowFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    ReviewFactory,
    RiskOfBiasFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db

BCG_TWO = [("Aronson 1948", 4, 123, 11, 139), ("Ferguson & Simes 1949", 6, 306, 29, 303)]


def unpublished_programme(**kwargs):
    return ProgrammeFactory(status=PublicationStatus.ARCHIVED, published_on=datetime.date(2024, 1, 1), **kwargs)


def fetched(review) -> Review:
    return Review.objects.for_detail().get(pk=review.pk)


# --------------------------------------------------------------------------- analyses
def analysis_with_rows(rows=BCG_TWO, **overrides):
    analysis = AnalysisFactory(**overrides)
    for order, (label, a, n1, c, n2) in enumerate(rows):
        AnalysisRowFactory(analysis=analysis, label=label, events_t=a, n_t=n1, events_c=c, n_c=n2, order=order)
    return Analysis.objects.prefetch_related("rows").get(pk=analysis.pk)


def test_analysis_view_draws_a_forest_plot_row_per_study_and_pairs_it_with_the_table():
    shown = presenters.analysis_view(analysis_with_rows())

    assert [row.label for row in shown.plot.rows] == ["Aronson 1948", "Ferguson & Simes 1949"]
    assert [(row.label, plot_row.label) for row, plot_row in shown.table] == [
        ("Aronson 1948", "Aronson 1948"),
        ("Ferguson & Simes 1949", "Ferguson & Simes 1949"),
    ]
    assert shown.forest_id == f"forest-{shown.analysis.pk}"
    assert shown.recomputed_statement.startswith("Secure attachment: ")


def test_analysis_view_without_rows_has_a_reported_statement_but_no_plot():
    analysis = analysis_with_rows(
        rows=[], reported_estimate=Decimal("0.30"), reported_ci_low=Decimal("0.15"), reported_ci_high=Decimal("0.60")
    )

    shown = presenters.analysis_view(analysis)

    assert shown.result.available is False
    assert shown.plot is None
    assert shown.table == []
    assert shown.recomputed_statement == ""
    assert "70% less likely in the Programme group than in the control group" in shown.reported_statement


# --------------------------------------------------------------------------- risk of bias
def test_risk_of_bias_grid_has_only_judged_domains_in_the_tools_order_and_empty_cells():
    review = ReviewFactory()
    first, second = IncludedStudyFactory(review=review, order=1), IncludedStudyFactory(review=review, order=2)
    RiskOfBiasFactory(included_study=first, domain=BiasDomain.DETECTION, judgement=BiasJudgement.HIGH)
    RiskOfBiasFactory(included_study=second, domain=BiasDomain.SEQUENCE, judgement=BiasJudgement.LOW)

    grid = presenters.risk_of_bias_grid(fetched(review))

    assert [domain for domain, _short in grid.domains] == [BiasDomain.SEQUENCE, BiasDomain.DETECTION]
    assert [[cell and cell.judgement for cell in row.cells] for row in grid.rows] == [[None, "high"], ["low", None]]


def test_included_study_row_names_a_published_programmes_study_with_its_page():
    study = StudyFactory(citation_label="Cicchetti et al (2006)")
    inclusion = IncludedStudyFactory(study=study, label="Cicchetti 2006")

    row = presenters.risk_of_bias_grid(fetched(inclusion.review)).rows[0]

    assert (row.label, row.citation, row.programme) == ("Cicchetti 2006", "Cicchetti et al (2006)", study.programme)


def test_included_study_row_of_a_review_only_trial_keeps_its_citation():
    inclusion = IncludedStudyFactory(study=StudyFactory(programme=None, number=None, citation_label="Lieberman 1991"))

    row = presenters.risk_of_bias_grid(fetched(inclusion.review)).rows[0]

    assert (row.label, row.citation, row.programme) == ("Lieberman 1991", "Lieberman 1991", None)


@pytest.mark.parametrize(("label", "shown"), [("", presenters.UNPUBLISHED_TRIAL), ("Zeanah 2001", "Zeanah 2001")])
def test_included_study_row_of_an_unpublished_programmes_study_keeps_only_the_reviews_name(label, shown):
    study = StudyFactory(programme=unpublished_programme(), citation_label="Secret et al (2001)")
    inclusion = IncludedStudyFactory(study=study, label=label)

    row = presenters.risk_of_bias_grid(fetched(inclusion.review)).rows[0]

    assert (row.label, row.citation, row.programme) == (shown, "", None)


# --------------------------------------------------------------------------- the page
def test_linked_programmes_are_published_ones_reached_directly_or_through_studies_by_name():
    direct, through = ProgrammeFactory(name="B direct"), ProgrammeFactory(name="A through a study")
    review = ReviewFactory(programmes=[direct, unpublished_programme(name="Hidden direct")])
    IncludedStudyFactory(review=review, study=StudyFactory(programme=through))
    IncludedStudyFactory(review=review, study=StudyFactory(programme=unpublished_programme(name="Hidden study")))

    assert presenters.linked_programmes(fetched(review)) == [through, direct]


def test_review_page_lists_only_published_reviews_summarised_and_summarising():
    review = ReviewFactory()
    shown = ReviewFactory(short_citation="Shown (2010)")
    hidden = ReviewFactory(status=PublicationStatus.DRAFT, published_on=None)
    review.reviews_summarised.add(shown, hidden)
    ReviewFactory(status=PublicationStatus.ARCHIVED).reviews_summarised.add(review)

    page = presenters.review_page(fetched(review))

    assert page.reviews_summarised == [shown]
    assert page.summarised_in == []


def test_key_messages_are_the_non_empty_lines_without_typed_bullets():
    review = ReviewFactory(key_messages="- First message\n\n• Second message\n   ")

    assert presenters.key_messages(review) == ["First message", "Second message"]
