"""Systematic reviews and meta-analyses, the trials they include, and what they pooled.

A Review includes catalogue Studies (one trial is one Study row, whether a programme page or a
review cites it), judges each for risk of bias by Cochrane domain, and reports Analyses: pooled
results as the review printed them and, where an analyst has entered per-study data, as we
recompute them. This app builds on `catalogue`; the catalogue never imports it and reaches
reviews through the reverse relations named here (`study.review_inclusions`, `programme.reviews`).

One module per concept: `review` (reviews and their publication log), `included` (included
studies and risk of bias), `analysis` (pooled analyses and per-study rows). The scales live in
`reviews.choices` and are re-exported here.
"""

from ..choices import *  # noqa: F403
from .analysis import Analysis, AnalysisRow
from .included import IncludedStudy, RiskOfBias
from .review import Review, ReviewPublicationEvent, ReviewQuerySet

__all__ = [
    "Analysis",
    "AnalysisRow",
    "IncludedStudy",
    "Review",
    "ReviewPublicationEvent",
    "ReviewQuerySet",
    "RiskOfBias",
]
