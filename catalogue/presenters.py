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


UNSTATED = "Not given by our sources"


def with_unstated(rows: list[tuple[str, str | None]]) -> list[Row]:
    """The rows that have a value, then one row naming those that have none ("training, supervision"),
    so a page says once what its sources leave out instead of a "Not available" row per field."""
    given = [(label, value) for label, value in rows if value]
    missing = [label.rstrip("?").lower() for label, value in rows if not value]
    return given + ([(UNSTATED, capfirst(", ".join(missing)))] if missing else [])


def evidence_rating_value(programme) -> str:
    """Our rating with its meaning; for a programme we have not rated, what its sources call the evidence
    (prefetched source_classifications), never presented as ours."""
    level = programme.evidence_level
    if level is not None:
        rating = format_html(
            '<strong class="app-rating">{}</strong> {}',
            programme.evidence_rating,
            capfirst(display.evidence_meaning(level)),
        )
        if programme.rating_disagrees and programme.rating_difference_note.strip():
            # Published with a publisher's note (catalogue.workflow.require_reproduced_rating): point to it.
            return format_html(
                '{}<br><span class="app-meaning">Not the rating the recorded studies support: '
                '<a class="govuk-link" href="#rating-difference">why</a>.</span>',
                rating,
            )
        return rating
    classifications = list(programme.source_classifications.all())
    if not classifications:
        return format_html('<strong class="app-rating">{}</strong>', "Not yet rated")
    return format_html(
        '{}<br><span class="app-meaning">{}: we have not yet rated this programme ourselves.</span>',
        format_html_join(
            LINE_BREAK, '<span class="app-source-classification">{}</span>', ((c.label,) for c in classifications)
        ),
        "The source's own classification" if len(classifications) == 1 else "The sources' own classifications",
    )


def rating_rows(programme) -> list[Row]:
    """The ratings and dates at the top of the page."""
    rows = [
        ("Evidence rating", evidence_rating_value(programme)),
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
        ("Age groups", names(programme.age_groups)),
        ("Level of need", names(programme.levels_of_need)),
        ("Delivery model", names(programme.delivery_models)),
        ("Settings", names(programme.settings)),
    ]
    # Only settings the evidence does not already name: "may also be delivered in: Home" beside "Settings: Home"
    # says nothing.
    further = [str(s) for s in programme.other_settings.all() if s not in programme.settings.all()]
    if further:
        rows.append(("May also be delivered in", ", ".join(further)))
    collections = format_html_join(
        LINE_BREAK,
        '<a class="govuk-link" href="{}">{}</a>',
        ((collection.get_absolute_url(), collection.name) for collection in programme.collections.all()),
    )
    rows.append(("Where it has been implemented", names(programme.countries)))
    unstated = with_unstated(rows)
    rows = [row for row in unstated if row[0] != UNSTATED]
    rows += [
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
    return rows + [row for row in unstated if row[0] == UNSTATED]


def delivery_rows(programme) -> list[Row]:
    """How much of the programme a family receives."""
    shortest, longest = programme.session_hours_min, programme.session_hours_max
    length = None
    if shortest:
        length = floatformat(shortest, "-2")
        if longest and longest != shortest:
            length += f" to {floatformat(longest, '-2')} hours"
        else:
            length += " hour" if shortest == 1 else " hours"
    return with_unstated(
        [
            ("Sessions", str(programme.sessions) if programme.sessions else None),
            ("Session length", length),
            ("Duration", programme.duration),
        ]
    )


def requirement_rows(programme) -> list[Row]:
    """What a provider needs in place to deliver the programme."""
    licensing = programme.licensing or display.yes_no_unknown(
        programme.licence_required, yes="A licence is required.", no="No licence is required."
    )
    return with_unstated(
        [
            ("Who can deliver it?", programme.who_can_deliver),
            ("Training", programme.training_requirements),
            ("Supervision", programme.supervision),
            ("Systems for maintaining fidelity", programme.fidelity),
            ("Licensing", licensing if programme.licensing or programme.licence_required is not None else None),
        ]
    )


def study_rows(study) -> list[Row]:
    """The facts of one study, above its narrative."""
    description, size = study.sample_description, study.sample_size
    if description and size:
        sample = f"{description} ({size} participants)"
    else:
        sample = description or (f"{size} participants" if size else None)
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
    return with_unstated(
        [
            ("Citation", study.citation_label),
            ("Design", study.get_design_display()),
            ("Country", names(study.countries)),
            ("Sample", sample),
            ("Timing", study.timing),
            ("Study rating", study.get_rating_display() or "Not rated"),
            ("Outcomes", outcomes),
        ]
    )


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
