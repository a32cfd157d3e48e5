"""What the review pages show, arranged for their templates: plain-words statements, forest plots,
the risk-of-bias grid, and the published records a review links to.

Models hold what analysts entered and the numbers computed from it; these functions turn that into
what a reader sees, and keep everything unpublished out of it. Each reads only what
`Review.objects.for_detail()` / `for_listing()` (or, for the programme page, `Programme...for_detail()`)
prefetched, so none adds a query.
"""

import math
from dataclasses import dataclass, field

from catalogue.models import Programme, PublicationStatus

from .forest import ForestPlot, forest_geometry
from .funnel import FunnelPlot, funnel_geometry
from .models import BIAS_DOMAIN_ORDER, BIAS_DOMAIN_SHORT, Analysis, IncludedStudy, Review
from .recompute import (
    MEASURE_NAMES,
    Recomputation,
    describe_reported,
    effective_options,
    plain_number,
    plain_words,
    recompute_analysis,
)


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
NOT_RECOMPUTED = "As reported by the review; not recomputed here because the per-study data is not recorded."
TAU2_NAMES = {"DL": "DerSimonian–Laird", "REML": "REML", "PM": "Paule–Mandel"}


@dataclass
class AnalysisView:
    """One analysis as its section shows it: the reported result in words and, where study rows exist,
    the recomputation, its statement, the forest plot and the (row, plot row) pairs of its table; from
    ten studies, the funnel plot and Egger's test in words."""

    analysis: Analysis
    result: Recomputation
    reported_statement: str
    recomputed_statement: str = ""
    plot: ForestPlot | None = None
    table: list = field(default_factory=list)
    pooling: str = ""
    not_recomputed: str = ""
    prediction_statement: str = ""
    subgroup_statement: str = ""
    funnel: FunnelPlot | None = None
    egger_statement: str = ""
    subgroup_rows: list = field(default_factory=list)  # (Subgroup, its forest Diamond) pairs

    @property
    def forest_id(self) -> str:
        return f"forest-{self.analysis.pk}"

    @property
    def funnel_id(self) -> str:
        return f"funnel-{self.analysis.pk}"


def pooling_description(analysis: Analysis) -> str:
    """How a random-effects analysis estimates τ², e.g. "τ² by REML, Hartung–Knapp adjustment"; "" for
    a fixed-effect one."""
    if analysis.model != "random":
        return ""
    tau2, hartung_knapp = effective_options(
        method=analysis.method,
        model=analysis.model,
        tau2_estimator=analysis.tau2_estimator,
        hartung_knapp=analysis.hartung_knapp,
    )
    words = f"τ² by {TAU2_NAMES[tau2]}"
    return words + (", Hartung–Knapp adjustment" if hartung_knapp else "")


def prediction_statement(analysis: Analysis, result: Recomputation) -> str:
    """The prediction interval in plain words, or "" when there is none (fixed effect, under 3 studies)."""
    pooled = result.pooled
    if pooled is None or pooled.pi_low is None or pooled.pi_high is None:
        return ""
    null = 1.0 if analysis.is_ratio else 0.0
    low, high = plain_number(pooled.pi_low, null), plain_number(pooled.pi_high, null)
    sentence = (
        f"Prediction interval {low} to {high}: where the {MEASURE_NAMES[analysis.effect_measure]} in a new "
        "setting like those studied would be expected to fall, 95% of the time. It is wider than the confidence "
        "interval because it also counts how much the studies' effects differ from one another."
    )
    if pooled.pi_low <= null <= pooled.pi_high:
        sentence += f" It includes {null:g} (no difference): in some settings the effect could be absent or reversed."
    return sentence


def subgroup_statement(result: Recomputation) -> str:
    test = result.subgroup_test
    if test is None:
        return ""
    p = "p < 0.001" if test.p_value < 0.001 else f"p = {test.p_value:.2f}"
    if test.p_value < 0.05:
        meaning = (
            "the subgroups' pooled results differ by more than chance alone would easily explain. Subgroups are "
            "compared across studies, not within them, so something else that differs between the studies may "
            "explain it."
        )
    else:
        meaning = (
            "no clear difference between the subgroups. With few studies in each this test has little power, "
            "so it does not show that they respond the same."
        )
    return f"Test for subgroup differences: Chi² {test.q:.2f}, df {test.df}, {p}, I² {test.i2:.0f}%: {meaning}"


def egger_statement(result: Recomputation) -> str:
    """Egger's test in plain words: what asymmetry can and cannot mean."""
    egger = result.egger
    if egger is None:
        return ""
    p = "p < 0.001" if egger.p_value < 0.001 else f"p = {egger.p_value:.2f}"
    if egger.p_value < 0.10:
        finding = (
            f"Egger's test finds the funnel plot asymmetric ({p}): the smaller studies report different effects "
            "from the larger ones."
        )
    else:
        finding = f"Egger's test finds no clear asymmetry in the funnel plot ({p})."
    return (
        f"{finding} Asymmetry can mean publication bias (small studies with disappointing results never "
        "published), but it can also come from real differences (smaller studies often reach families in greater "
        "need, or deliver the programme more intensively), from weaker methods in small studies, or from chance. "
        "A symmetric funnel does not prove there is no bias: with a few dozen studies or fewer the test misses "
        "much of it."
    )


def _grouped(analysis_rows: list, studies: list, result: Recomputation) -> tuple[list, list]:
    """Rows and study effects reordered so each subgroup's studies sit together, as the plot draws them."""
    if not result.subgroups:
        return analysis_rows, studies
    position = {subgroup.label: index for index, subgroup in enumerate(result.subgroups)}
    order = sorted(range(len(studies)), key=lambda i: position.get(studies[i].subgroup, len(position)))
    return [analysis_rows[i] for i in order], [studies[i] for i in order]


def analysis_view(analysis: Analysis) -> AnalysisView:
    """Everything an analysis section shows, computed once from the prefetched `rows`."""
    result = recompute_analysis(analysis)
    shown = AnalysisView(
        analysis, result, reported_statement=describe_reported(analysis), pooling=pooling_description(analysis)
    )
    rows = list(analysis.rows.all())
    if not rows and analysis.reported_estimate is not None:
        shown.not_recomputed = NOT_RECOMPUTED
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
        shown.prediction_statement = prediction_statement(analysis, result)
        shown.subgroup_statement = subgroup_statement(result)
    if result.available:
        rows, studies = _grouped(rows, result.studies, result)
        shown.plot = forest_geometry(
            studies,
            result.pooled,
            measure=analysis.effect_measure,
            model=analysis.model,
            intervention=analysis.intervention_label,
            control=analysis.control_label,
            higher_is_better=analysis.higher_is_better,
            subgroups=result.subgroups,
            subgroup_test=result.subgroup_test,
        )
        shown.table = list(zip(rows, shown.plot.rows, strict=True))
        shown.subgroup_rows = list(zip(result.subgroups, shown.plot.subtotals, strict=True))
    if result.egger is not None:
        centre = math.log(result.pooled.estimate) if analysis.is_ratio else result.pooled.estimate
        shown.funnel = funnel_geometry(
            result.studies,
            centre,
            measure=analysis.effect_measure,
            measure_name=MEASURE_NAMES[analysis.effect_measure],
        )
        shown.egger_statement = egger_statement(result)
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
