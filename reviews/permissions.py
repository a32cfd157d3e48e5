"""A published review's page shows its included studies (and the catalogue studies they are),
risk-of-bias judgements, analyses and per-study rows: only a publisher changes them.
Registered with `catalogue.permissions`, which the admin consults; imported by ReviewsConfig.ready().
"""

from catalogue.models import Study
from catalogue.permissions import shown_by

from .models import Analysis, AnalysisRow, IncludedStudy, Review, RiskOfBias


@shown_by(Review)
def _review(review: Review):
    return review if review.is_public else None


@shown_by(IncludedStudy, Analysis)
def _review_part(row):
    return _review(row.review) if row.review_id else None


@shown_by(AnalysisRow)
def _analysis_row(row: AnalysisRow):
    return _review(row.analysis.review) if row.analysis_id else None


@shown_by(RiskOfBias)
def _judgement(judgement: RiskOfBias):
    return _review(judgement.included_study.review) if judgement.included_study_id else None


@shown_by(Study)
def _study_cited_by_a_published_review(study: Study):
    if study.pk is None:
        return None
    return Review.objects.published().filter(included_studies__study=study).order_by("pk").first()
