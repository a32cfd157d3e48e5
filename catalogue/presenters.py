"""The programme page's summary lists, built in one place: (label, value) rows that one template loop
(templates/_includes/summary_list.html) renders.

Each function reads only what `Programme.objects.for_detail()` prefetched, so none adds a query.
Values are text (escaped by the template) or HTML built with `format_html` (links, line breaks,
the rating codes), so the template never decides what a row says.
"""

from dataclasses import dataclass, field

from django.template.defaultfilters import date, floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from . import display
from .choices import FindingTiming
from .effect_plot import EffectPlot, effect_plot_geometry
from .effects import improvement_index_range

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


def cost_rating_value(programme) -> str:
    """The cost rating with its meaning."""
    return format_html(
        '<strong class="app-rating">{}</strong> {}',
        programme.cost_rating_code,
        capfirst(display.cost_meaning(programme.cost_rating)),
    )


def last_reviewed_value(programme) -> str:
    if programme.last_reviewed_on:
        return date(programme.last_reviewed_on, "j F Y")
    return "Not reviewed since publication" if programme.published_on else "Not yet published"


def uk_provision_value(programme) -> str:
    return display.yes_no_unknown(
        programme.uk_provision,
        yes="This programme has been implemented in the UK.",
        no="This programme has not been implemented in the UK.",
    )


def uk_evaluation_value(programme) -> str:
    return display.yes_no_unknown(
        programme.uk_evaluation,
        yes="This programme's best evidence includes an evaluation conducted in the UK.",
        no="This programme's best evidence does not include an evaluation conducted in the UK.",
    )


def uk_evidence_value(programme) -> str:
    """Evaluated in the UK, then implemented there: the two characteristics' sentences in one key fact."""
    evaluation, provision = uk_evaluation_value(programme), uk_provision_value(programme)
    if evaluation == provision:  # "Not known" twice says nothing twice
        return f"{evaluation} whether it has been evaluated or implemented in the UK"
    return format_html("{}<br>{}", evaluation, provision)


def _who_for(programme) -> list[tuple[str, str]]:
    """Who the programme is for and how it is delivered, as the key facts and the characteristics name them."""
    return [
        ("Age groups", names(programme.age_groups)),
        ("Level of need", names(programme.levels_of_need)),
        ("Delivery model", names(programme.delivery_models)),
    ]


def key_fact_rows(programme) -> list[Row]:
    """The key facts at the top of the page: the ratings with what they mean, who the programme is for,
    its UK evidence and its dates. Each value is the one the page's own section shows further down."""
    rows = [("Evidence rating", evidence_rating_value(programme)), ("Cost rating", cost_rating_value(programme))]
    rows += [(label, value or UNSTATED) for label, value in _who_for(programme)]
    rows.append(("UK evidence", uk_evidence_value(programme)))
    if programme.assessed_in:
        when = f", {date(programme.assessed_on, 'F Y')}" if programme.assessed_on else ""
        rows.append(("Assessed in", f"{programme.assessed_in}{when}"))
    rows.append(("Published", date(programme.published_on, "j F Y") or "Not yet published"))
    rows.append(("Last reviewed", last_reviewed_value(programme)))
    return rows


def characteristic_rows(programme) -> list[Row]:
    """Who the programme is for and where it runs, as delivered in its best available evidence."""
    rows = [*_who_for(programme), ("Settings", names(programme.settings))]
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
        ("UK provision", uk_provision_value(programme)),
        ("UK evaluation", uk_evaluation_value(programme)),
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


def study_sample(study) -> str | None:
    description, size = study.sample_description, study.sample_size
    if description and size:
        return f"{description} ({size} participants)"
    return description or (f"{size} participants" if size else None)


def study_rating_value(study) -> str:
    return study.get_rating_display() or "Not rated"


def study_summary_line(study) -> str:
    """One line that stands for a study while its details are closed: design, size, country and rating."""
    parts = [study.get_design_display(), f"{study.sample_size} participants" if study.sample_size else None]
    parts += [names(study.countries), f"study rating: {study_rating_value(study)}"]
    return capfirst("; ".join(part for part in parts if part))


def study_rows(study) -> list[Row]:
    """The facts of one study, above its narrative."""
    sample = study_sample(study)
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
            ("Study rating", study_rating_value(study)),
            ("Outcomes", outcomes),
        ]
    )


def signed(value) -> str:
    """+33, 0, -5: an improvement index always shows its sign."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def _two_places(value) -> str:
    return f"{float(value):.2f}".replace("-", "−")


def effect_size_text(finding) -> str:
    """ "Hedges' g 0.50 (95% CI 0.12 to 0.88)", or "" when the finding has no effect size."""
    if finding.effect_size is None:
        return ""
    name = finding.get_effect_size_type_display() or "Effect size"
    if finding.ci_low is None or finding.ci_high is None:
        return f"{name} {_two_places(finding.effect_size)} (no confidence interval reported)"
    interval = f"95% CI {_two_places(finding.ci_low)} to {_two_places(finding.ci_high)}"
    return f"{name} {_two_places(finding.effect_size)} ({interval})"


def index_with_range(finding) -> str:
    """ "+19, plausible range +4 to +31": the improvement index with the range its 95% CI implies
    (catalogue.effects.improvement_index_range); the index alone without a CI; "" without an index."""
    index = finding.improvement_index
    if index is None:
        return ""
    found = improvement_index_range(finding.effect_size, finding.ci_low, finding.ci_high)
    if found is None:
        return signed(index)
    return f"{signed(index)}, plausible range {signed(found.low)} to {signed(found.high)}"


def finding_rows(finding) -> list[Row]:
    """The facts under one headline finding: its effect size with its 95% CI, its improvement index with
    the range that interval implies and in words, when, how and where measured."""
    index = finding.improvement_index
    if index is None:
        meaning = "Not available for this result"
    else:
        meaning = format_html(
            '<strong>{}</strong> <p class="govuk-body-s app-finding__meaning">{} '
            '<a class="govuk-link" href="{}">About the improvement index</a></p>',
            index_with_range(finding),
            display.improvement_index_words(index),
            reverse("pages:improvement-index"),
        )
    rows = []
    if finding.effect_size is not None:
        rows.append(("Effect size", effect_size_text(finding)))
    rows += [("Improvement index", meaning), ("When measured", finding.timing_label)]
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


@dataclass
class OutcomePlot:
    """The small effect plot of one outcome: one line per finding with an effect size, and its text."""

    id: str
    title: str
    description: str
    plot: EffectPlot


# A line's label shares one 12 px line of the 360-unit plot with its numbers ("0.50 (0.10 to 0.88)"):
# about 28 characters are left for it.
_PLOT_LABEL_CHARACTERS = 28


def _plot_label(finding) -> str:
    """ "Study 2, a year later", "Study 1, at the end": short enough to sit beside the numbers."""
    study = finding.study
    which = f"Study {study.number}" if study.number else study.citation_label
    when = (
        "at the end"
        if finding.timing == FindingTiming.POST_TEST
        else finding.timing_label.removeprefix("Long term: ").lower()
    )
    label = f"{which}, {when}"
    return label if len(label) <= _PLOT_LABEL_CHARACTERS else label[: _PLOT_LABEL_CHARACTERS - 1] + "…"


def _plot_detail(finding, outcome_name: str) -> str:
    """What a finding's own label adds to its outcome's name: "% secure" from "… security (% secure)"."""
    label = finding.outcome_label or outcome_name
    detail = label.removeprefix(outcome_name).strip(" ()–-:") or label
    limit = _PLOT_LABEL_CHARACTERS * 2 - 4  # a whole line of its own
    return detail if len(detail) <= limit else detail[: limit - 1] + "…"


def outcome_effect_plots(findings) -> list[OutcomePlot]:
    """One effect plot per outcome among `findings` (in order of first appearance), for the findings
    that have an effect size; its description lists every line in words, as the text alternative."""
    by_outcome: dict[int, list] = {}
    for finding in findings:
        if finding.effect_size is not None:
            by_outcome.setdefault(finding.outcome_id, []).append(finding)
    plots = []
    for outcome_id, group in by_outcome.items():
        name = group[0].outcome.name
        rows = [
            (
                _plot_label(f),
                float(f.effect_size),
                None if f.ci_low is None or f.ci_high is None else float(f.ci_low),
                None if f.ci_low is None or f.ci_high is None else float(f.ci_high),
            )
            for f in group
        ]
        labels = {f.outcome_label or name for f in group}
        # Several measures of one outcome ("% secure", "% stable disorganised"): name each under its line.
        details = [_plot_detail(f, name) for f in group] if len(labels) > 1 else []
        lines = "; ".join(
            f"{_plot_label(f)}{f' ({detail})' if detail else ''}: {effect_size_text(f)}"
            for f, detail in zip(group, details or [""] * len(group), strict=True)
        )
        description = (
            f"{len(group)} result{'s' if len(group) != 1 else ''} on one effect-size scale, zero marked (no "
            f"difference); right of zero favours the programme. {lines}."
        )
        plots.append(
            OutcomePlot(
                f"effects-{outcome_id}", f"Effect sizes: {name}", description, effect_plot_geometry(rows, details)
            )
        )
    return plots


@dataclass
class OutcomeGroup:
    """A domain's headline findings (as FindingView) and the effect plot of each of its outcomes."""

    domain: str
    label: str
    findings: list
    plots: list[OutcomePlot] = field(default_factory=list)


def outcome_sections(programme) -> tuple[list[OutcomeGroup], list[FindingView]]:
    """(child outcomes by domain, parent and family outcomes), each finding with its rows."""
    child, family = display.outcomes_by_domain(programme)
    child = [
        OutcomeGroup(
            group.domain,
            group.label,
            [FindingView(f, finding_rows(f)) for f in group.findings],
            outcome_effect_plots(group.findings),
        )
        for group in child
    ]
    return child, [FindingView(finding, finding_rows(finding)) for finding in family]


@dataclass
class ProgrammeSummary:
    """Every summary list on the programme page, in page order."""

    key_facts: list[Row]
    characteristics: list[Row]
    delivery: list[Row]
    requirements: list[Row]
    studies: list[tuple[object, str, list[Row]]]  # (study, its summary line, its rows), in page order
    child_outcomes: list[OutcomeGroup]
    family_outcomes: list[FindingView]
    family_plots: list[OutcomePlot]


def programme_summary(programme) -> ProgrammeSummary:
    child_outcomes, family_outcomes = outcome_sections(programme)
    return ProgrammeSummary(
        key_facts=key_fact_rows(programme),
        characteristics=characteristic_rows(programme),
        delivery=delivery_rows(programme),
        requirements=requirement_rows(programme),
        studies=[(study, study_summary_line(study), study_rows(study)) for study in programme.studies.all()],
        child_outcomes=child_outcomes,
        family_outcomes=family_outcomes,
        family_plots=outcome_effect_plots([shown.finding for shown in family_outcomes]),
    )
