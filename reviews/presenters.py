"""What the review pages show, arranged for their templates: plain-words statements, forest plots,
the risk-of-bias grid, and the published records a review links to.

Models hold what analysts entered and the numbers computed from it; these functions turn that into
what a reader sees, and keep everything unpublished out of it. Each reads only what
`Review.objects.for_detail()` / `for_listing()` (or, for the programme page, `Programme...for_detail()`)
prefetched, so none adds a query.
"""

from dataclasses import dataclass, field

from catalogue.models import Programme, PublicationStatus

from .forest import ForestPlot, forest_geometry
from .models import BIAS_DOMAIN_ORDER, BIAS_DOMAIN_SHORT, Analysis, IncludedStudy, Review
from .recompute import Recomputation, describe_reported, plain_words, recompute_analysis


# --------------------------------------------------------------------------- published records only
def is_published(record) -> bool:
    return record.status == PublicationStatus.PUBLISHED


def published_programme(study) -> Programme | None:
    """The study's programme when the public may see it; None for a review-only trial or an unpublished page."""
    programme = study.programme
    return programme if programme is not None and is_published(programme) else None


def linked_programmes(review: Review) -> list[Programme]:
    """Published programmes the review reaches: directly, or through the studies it includes, by name.

    `review.programmes` is prefetched published-only, name and slug only (for_listing, for_detail).
    """
    found = {p.pk: p for p in review.programmes.all()}
    for inclusion in review.included_studies.all():
        programme = published_programme(inclusion.study)
        if programme is not None:
            found.setdefault(programme.pk, programme)
    return sorted(found.values(), key=lambda p: p.name)


def _newest_first(reviews) -> list[Review]:
    return sorted(reviews, key=lambda review: (-(review.year or 0), review.short_citation))


def programme_reviews(programme) -> list[tuple[Review, list]]:
    """Published reviews that include the programme's studies or speak to it directly, newest first.

    (review, [studies of this programme it includes]) pairs. Reads the prefetched
    `studies__review_inclusions__review` and `reviews`.
    """
    found = {}
    for study in programme.studies.all():
        for inclusion in study.review_inclusions.all():
            if is_published(inclusion.review):
                found.setdefault(inclusion.review.pk, (inclusion.review, []))[1].append(study)
    for review in programme.reviews.all():
        if is_published(review):
            found.setdefault(review.pk, (review, []))
    return sorted(found.values(), key=lambda pair: (-(pair[0].year or 0), pair[0].short_citation))


def study_reviews(study) -> list[Review]:
    """Published reviews that include `study` (reads the prefetched `review_inclusions__review`)."""
    reviews = {i.review.pk: i.review for i in study.review_inclusions.all() if is_published(i.review)}
    return _newest_first(reviews.values())


# --------------------------------------------------------------------------- risk of bias
# The row name of a trial whose catalogue record belongs to an unpublished programme page, when the
# review gave it no name of its own: the catalogue's citation is part of that unpublished page.
UNPUBLISHED_TRIAL = "A trial not yet published in this catalogue"


@dataclass
class IncludedStudyRow:
    """One row of the risk-of-bias grid: the trial's name, its catalogue citation and published programme
    (when the public may see them), and one cell per domain."""

    inclusion: IncludedStudy
    label: str
    citation: str
    programme: Programme | None
    cells: list


def included_study_row(inclusion: IncludedStudy, cells: list) -> IncludedStudyRow:
    study = inclusion.study
    programme = published_programme(study)
    # A trial only reviews cite has no programme page: its citation is the review's, and public.
    citation = study.citation_label if programme is not None or study.programme_id is None else ""
    label = inclusion.label or citation or UNPUBLISHED_TRIAL
    return IncludedStudyRow(inclusion, label, citation, programme, cells)


@dataclass
class RiskOfBiasGrid:
    domains: list[tuple[str, str]]  # (domain, short heading) for each domain judged at least once
    rows: list[IncludedStudyRow]


def risk_of_bias_grid(review: Review) -> RiskOfBiasGrid:
    """The review's included studies against the Cochrane domains judged for at least one of them, in the
    tool's order; None in a cell the review did not judge."""
    inclusions = list(review.included_studies.all())
    judged = {j.domain for inclusion in inclusions for j in inclusion.risk_of_bias.all()}
    domains = [(domain, BIAS_DOMAIN_SHORT[domain]) for domain in BIAS_DOMAIN_ORDER if domain in judged]
    rows = []
    for inclusion in inclusions:
        by_domain = {j.domain: j for j in inclusion.risk_of_bias.all()}
        cells = [by_domain.get(domain) for domain, _short in domains]
        rows.append(included_study_row(inclusion, cells))
    return RiskOfBiasGrid(domains, rows)


# --------------------------------------------------------------------------- analyses
@dataclass
class AnalysisView:
    """One analysis as its section shows it: the reported result in words and, where study rows exist,
    the recomputation, its statement, the forest plot and the (row, plot row) pairs of its table."""

    analysis: Analysis
    result: Recomputation
    reported_statement: str
    recomputed_statement: str = ""
    plot: ForestPlot | None = None
    table: list = field(default_factory=list)

    @property
    def forest_id(self) -> str:
        return f"forest-{self.analysis.pk}"


def analysis_view(analysis: Analysis) -> AnalysisView:
    """Everything an analysis section shows, computed once from the prefetched `rows`."""
    result = recompute_analysis(analysis)
    shown = AnalysisView(analysis, result, reported_statement=describe_reported(analysis))
    if result.pooled is not None:
        shown.recomputed_statement = plain_words(
            measure=analysis.effect_measure,
            estimate=result.pooled.estimate,
            ci_low=result.pooled.ci_low,
            ci_high=result.pooled.ci_high,
            decimals=analysis.reported_decimals,
            intervention=analysis.intervention_label,
            control=analysis.control_label,
            higher_is_better=analysis.higher_is_better,
            outcome=analysis.outcome,
        )
    if result.available:
        shown.plot = forest_geometry(
            result.studies,
            result.pooled,
            measure=analysis.effect_measure,
            model=analysis.model,
            intervention=analysis.intervention_label,
            control=analysis.control_label,
            higher_is_better=analysis.higher_is_better,
        )
        shown.table = list(zip(analysis.rows.all(), shown.plot.rows, strict=True))
    return shown


# --------------------------------------------------------------------------- pages
def key_messages(review: Review) -> list[str]:
    """The key messages, one per non-empty line, without the bullets analysts sometimes type."""
    return [line.strip(" -•\t") for line in review.key_messages.splitlines() if line.strip(" -•\t")]


@dataclass
class ReviewCard:
    """A review in the list: the review and the published programmes it reaches."""

    review: Review
    programmes: list[Programme]


def review_cards(reviews) -> list[ReviewCard]:
    return [ReviewCard(review, linked_programmes(review)) for review in reviews]


@dataclass
class ReviewPage:
    """Everything the review page shows beyond the review's own fields, published records only."""

    review: Review
    programmes: list[Programme]
    key_messages: list[str]
    reviews_summarised: list[Review]
    summarised_in: list[Review]
    risk_of_bias: RiskOfBiasGrid
    analyses: list[AnalysisView]


def review_page(review: Review) -> ReviewPage:
    return ReviewPage(
        review=review,
        programmes=linked_programmes(review),
        key_messages=key_messages(review),
        # A review of reviews may draw on reviews we have not published (or have archived): never name them.
        reviews_summarised=[r for r in review.reviews_summarised.all() if is_published(r)],
        summarised_in=[r for r in review.summarised_in.all() if is_published(r)],
        risk_of_bias=risk_of_bias_grid(review),
        analyses=[analysis_view(analysis) for analysis in review.analyses.all()],
    )
