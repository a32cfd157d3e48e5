"""One page of the commissioning pack: what a programme page says, condensed to a printed A4 page.

Built only from what `Programme.objects.for_detail()` prefetched (no query per programme), reusing the
programme page's presenters, so the pack and the page never say different things.
"""

from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.text import capfirst

from . import display, presenters
from .choices import PractitionerLevel
from .costs import CostInputs
from .evidence import Explanation, explain

Row = presenters.Row
# The programme page's characteristic rows the pack prints under its own "UK evidence" heading.
UK_ROWS = ("UK provision", "UK evaluation")
# Delivery rows the cost inputs already print.
COST_INPUT_LABELS = ("Sessions", "Session length")
# A study's facts the pack prints beside its citation (its outcomes are in the pack's outcome table).
STUDY_ROWS = ("Design", "Country", "Sample", "Study rating")


def _money(amount) -> str | None:
    return None if amount is None else f"£{floatformat(amount, '2g')}"


def _hours(amount) -> str | None:
    return None if amount is None else f"{floatformat(amount, '-2')} hours"


def _count(value) -> str | None:
    return str(value) if value else None


def _level(value) -> str | None:
    return None if value is None else PractitionerLevel(value).label


def _one_unstated_row(*row_lists: list[Row]) -> list[Row]:
    """Several summary lists as one, naming what the sources leave out in a single row at the end."""
    given = [row for rows in row_lists for row in rows if row[0] != presenters.UNSTATED]
    missing = [value for rows in row_lists for label, value in rows if label == presenters.UNSTATED]
    if not missing:
        return given
    return [*given, (presenters.UNSTATED, ", ".join([missing[0], *(m[:1].lower() + m[1:] for m in missing[1:])]))]


def cost_input_rows(programme) -> list[Row]:
    """The stored inputs of the local cost estimate, so a reader can re-estimate with local salaries."""
    licence = display.yes_no_unknown(programme.licence_required, yes="Required", no="Not required", unknown="")
    if programme.licence_required and programme.licence_fee is not None:
        licence += f", {_money(programme.licence_fee)} per site a year"
    return presenters.with_unstated(
        [
            ("Sessions", _count(programme.sessions)),
            ("Session length", dict(presenters.delivery_rows(programme)).get("Session length")),
            ("Practitioners per session", _count(programme.practitioners_per_session)),
            ("Practitioner level", _level(programme.practitioner_level)),
            ("Practitioner training", _hours(programme.training_hours)),
            ("Supervisor level", _level(programme.supervisor_level)),
            ("Supervisor training", _hours(programme.supervisor_training_hours)),
            ("Supervision per family", _hours(programme.supervision_hours_per_family)),
            ("Licence", licence or None),
        ]
    )


@dataclass
class PackFinding:
    """One headline finding as a row of the pack's outcome table."""

    outcome: str
    statement: str
    index: str  # "+19, plausible range +4 to +31" (catalogue.presenters.index_with_range)
    effect_size: str
    when: str
    measure: str
    study: str


def pack_finding(finding) -> PackFinding:
    study = finding.study
    reporter = f" ({finding.get_reporter_display().lower()})" if finding.measure and finding.reporter else ""
    return PackFinding(
        outcome=finding.outcome_label or finding.outcome.name,
        statement=finding.statement,
        index=presenters.index_with_range(finding) or "Not available",
        effect_size=presenters.effect_size_text(finding),
        when=finding.timing_label,
        measure=f"{finding.measure}{reporter}",
        study=f"Study {study.number}: {study.citation_label}" if study.number else study.citation_label,
    )


@dataclass
class PackPage:
    """Everything one programme's page of the pack shows, in page order."""

    programme: object
    ratings: list[Row]
    explanation: Explanation | None
    cost_inputs: list[Row]
    can_estimate: bool
    child_outcomes: list[tuple[str, list[PackFinding]]]
    family_outcomes: list[PackFinding]
    characteristics: list[Row]
    uk_evidence: list[Row]
    delivery: list[Row]  # how it is delivered and what a provider needs, gaps named once
    studies: list[tuple[object, list[Row]]]


PACK_RATING_ROWS = ("Evidence rating", "Cost rating", "Assessed in")


def pack_page(programme) -> PackPage:
    child, family = display.outcomes_by_domain(programme)
    characteristics = presenters.characteristic_rows(programme)
    delivery = _one_unstated_row(presenters.delivery_rows(programme), presenters.requirement_rows(programme))
    # The programme page's key facts about its ratings, without the dates (the pack prints "last reviewed"
    # once, by the name) and without the link to the page's own "why this rating differs" note: the pack
    # prints the note. Who it is for and UK evidence have their own sections in the pack.
    ratings = [row for row in presenters.key_fact_rows(programme) if row[0] in PACK_RATING_ROWS]
    if programme.evidence_level is not None:
        ratings[0] = (
            "Evidence rating",
            format_html(
                '<strong class="app-rating">{}</strong> {}',
                programme.evidence_rating,
                capfirst(display.evidence_meaning(programme.evidence_level)),
            ),
        )
    study_rows = [
        (study, [row for row in presenters.study_rows(study) if row[0] in STUDY_ROWS])
        for study in programme.studies.all()
    ]
    return PackPage(
        programme=programme,
        ratings=ratings,
        explanation=explain(programme.evidence_rating, programme.assessment, programme.rating_difference_note),
        cost_inputs=cost_input_rows(programme),
        can_estimate=not CostInputs.from_programme(programme).missing_for_estimate(),
        child_outcomes=[(group.label, [pack_finding(f) for f in group.findings]) for group in child],
        family_outcomes=[pack_finding(f) for f in family],
        characteristics=[row for row in characteristics if row[0] not in UK_ROWS],
        uk_evidence=[row for row in characteristics if row[0] in UK_ROWS],
        delivery=[row for row in delivery if row[0] not in COST_INPUT_LABELS],
        studies=study_rows,
    )
