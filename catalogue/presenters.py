"""The programme page's summary lists, built in one place: (label, value) rows that one template loop
(templates/_includes/summary_list.html) renders.

Each function reads only what `Programme.objects.for_detail()` prefetched, so none adds a query.
Values are text (escaped by the template) or HTML built with `format_html` (links, line breaks,
the rating codes), so the template never decides what a row says.
"""

from dataclasses import dataclass

from django.template.defaultfilters import date, floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from . import display

Row = tuple[str, str]
LINE_BREAK = mark_safe("<br>")  # noqa: S308 (a constant, no user input)


def names(related_manager) -> str:
    """ "Infants (under 1), Toddlers (1 to 2)" from a prefetched many-to-many."""
    return ", ".join(str(row) for row in related_manager.all())


def rating_rows(programme) -> list[Row]:
    """The ratings and dates at the top of the page."""
    level = programme.evidence_level
    meaning = f" {capfirst(display.evidence_meaning(level))}" if level is not None else ""
    rows = [
        (
            "Evidence rating",
            format_html(
                '<strong class="app-rating">{}</strong>{}', programme.evidence_rating or "Not yet rated", meaning
            ),
        ),
        (
            "Cost rating",
            format_html(
                '<strong class="app-rating">{}</strong> {}',
                programme.cost_rating_code,
                capfirst(display.cost_meaning(programme.cost_rating)),
            ),
        ),
    ]
    if programme.assessed_in:
        when = f", {date(programme.assessed_on, 'F Y')}" if programme.assessed_on else ""
        rows.append(("Assessed in", f"{programme.assessed_in}{when}"))
    rows.append(("Published", date(programme.published_on, "j F Y") or "Not yet published"))
    if programme.last_reviewed_on:
        reviewed = date(programme.last_reviewed_on, "j F Y")
    elif programme.published_on:
        reviewed = "Not reviewed since publication"
    else:
        reviewed = "Not yet published"
    rows.append(("Last reviewed", reviewed))
    return rows


def characteristic_rows(programme) -> list[Row]:
    """Who the programme is for and where it runs, as delivered in its best available evidence."""
    rows = [
        ("Age groups", names(programme.age_groups) or "Not stated"),
        ("Level of need", names(programme.levels_of_need) or "Not stated"),
        ("Delivery model", names(programme.delivery_models) or "Not stated"),
        ("Settings", names(programme.settings) or "Not stated"),
    ]
    if programme.other_settings.all():
        rows.append(("May also be delivered in", names(programme.other_settings)))
    collections = format_html_join(
        LINE_BREAK,
        '<a class="govuk-link" href="{}">{}</a>',
        ((collection.get_absolute_url(), collection.name) for collection in programme.collections.all()),
    )
    rows += [
        ("Where it has been implemented", names(programme.countries) or "Not stated"),
        (
            "UK provision",
            display.yes_no_unknown(
                programme.uk_provision,
                yes="This programme has been implemented in the UK.",
                no="This programme has not been implemented in the UK.",
            ),
        ),
        (
            "UK evaluation",
            display.yes_no_unknown(
                programme.uk_evaluation,
                yes="This programme's best evidence includes an evaluation conducted in the UK.",
                no="This programme's best evidence does not include an evaluation conducted in the UK.",
            ),
        ),
        ("Collections", collections or "Not in any collection"),
    ]
    return rows


def delivery_rows(programme) -> list[Row]:
    """How much of the programme a family receives."""
    if programme.session_hours_min:
        length = floatformat(programme.session_hours_min, "-2")
        longest = programme.session_hours_max
        if longest and longest != programme.session_hours_min:
            length += f" to {floatformat(longest, '-2')}"
        length += " hours"
    else:
        length = "Not stated"
    return [
        ("Sessions", str(programme.sessions) if programme.sessions else "Not stated"),
        ("Session length", length),
        ("Duration", programme.duration or "Not stated"),
    ]


def requirement_rows(programme) -> list[Row]:
    """What a provider needs in place to deliver the programme."""
    licensing = programme.licensing or display.yes_no_unknown(
        programme.licence_required, yes="A licence is required.", no="No licence is required."
    )
    return [
        ("Who can deliver it?", programme.who_can_deliver or "Not available"),
        ("Training", programme.training_requirements or "Not available"),
        ("Supervision", programme.supervision or "Not available"),
        ("Systems for maintaining fidelity", programme.fidelity or "Not available"),
        ("Licensing", licensing),
    ]


def study_rows(study) -> list[Row]:
    """The facts of one study, above its narrative."""
    description, size = study.sample_description, study.sample_size
    if description and size:
        sample = f"{description} ({size} participants)"
    else:
        sample = description or (f"{size} participants" if size else "Not stated")
    outcomes = format_html_join(
        LINE_BREAK,
        "{}{}: {}",
        (
            (
                outcome.label,
                "" if outcome.is_child_outcome else " (parent or family outcome)",
                "; ".join(outcome.timings).lower(),
            )
            for outcome in display.study_outcomes(study)
        ),
    )
    return [
        ("Citation", study.citation_label),
        ("Design", study.get_design_display()),
        ("Country", names(study.countries) or "Not stated"),
        ("Sample", sample),
        ("Timing", study.timing or "Not stated"),
        ("Study rating", study.get_rating_display() or "Not rated"),
        ("Outcomes", outcomes or "None recorded"),
    ]


def signed(value) -> str:
    """+33, 0, -5: an improvement index always shows its sign."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def finding_rows(finding) -> list[Row]:
    """The facts under one headline finding: its improvement index in words, when, how and where measured."""
    index = finding.improvement_index
    if index is None:
        meaning = "Not available for this result"
    else:
        meaning = format_html(
            '<strong>{}</strong> <p class="govuk-body-s app-finding__meaning">{} '
            '<a class="govuk-link" href="{}">About the improvement index</a></p>',
            signed(index),
            display.improvement_index_words(index),
            reverse("pages:improvement-index"),
        )
    rows = [("Improvement index", meaning), ("When measured", finding.timing_label)]
    if finding.measure:
        reporter = f" ({finding.get_reporter_display().lower()})" if finding.reporter else ""
        rows.append(("Measure", f"{finding.measure}{reporter}"))
    study = finding.study
    rows.append(
        (
            "Based on",
            format_html(
                '<a class="govuk-link" href="#study-{}">Study {}: {}</a>',
                study.number or study.pk,
                study.number or "",
                study.citation_label,
            ),
        )
    )
    return rows


@dataclass
class FindingView:
    """A headline finding and the rows shown under it."""

    finding: object
    rows: list[Row]


def outcome_sections(programme) -> tuple[list[display.DomainOutcomes], list[FindingView]]:
    """(child outcomes by domain, parent and family outcomes), each finding with its rows."""
    child, family = display.outcomes_by_domain(programme)
    child = [
        display.DomainOutcomes(group.domain, group.label, [FindingView(f, finding_rows(f)) for f in group.findings])
        for group in child
    ]
    return child, [FindingView(finding, finding_rows(finding)) for finding in family]


@dataclass
class ProgrammeSummary:
    """Every summary list on the programme page, in page order."""

    ratings: list[Row]
    characteristics: list[Row]
    delivery: list[Row]
    requirements: list[Row]
    studies: list[tuple[object, list[Row]]]  # (study, its rows), in page order
    child_outcomes: list[display.DomainOutcomes]  # findings as FindingView
    family_outcomes: list[FindingView]


def programme_summary(programme) -> ProgrammeSummary:
    child_outcomes, family_outcomes = outcome_sections(programme)
    return ProgrammeSummary(
        ratings=rating_rows(programme),
        characteristics=characteristic_rows(programme),
        delivery=delivery_rows(programme),
        requirements=requirement_rows(programme),
        studies=[(study, study_rows(study)) for study in programme.studies.all()],
        child_outcomes=child_outcomes,
        family_outcomes=family_outcomes,
    )
