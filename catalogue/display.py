"""Arranging a programme's prefetched records for its public pages. Pure: no queries of its own.

Every function here reads only what `Programme.objects.for_export()` / `for_detail()` prefetched
(or, for the CSV, what `for_csv()` annotated).
"""

from dataclasses import dataclass

from .choices import COST_BANDS, EVIDENCE_LEVEL_WORDS, OutcomeDomain


@dataclass
class DomainOutcomes:
    domain: str
    label: str
    findings: list


def headline_findings(programme) -> list:
    """The findings the programme page lists as its outcomes, study by study."""
    return [finding for study in programme.studies.all() for finding in study.findings.all() if finding.is_headline]


def outcomes_by_domain(programme) -> tuple[list[DomainOutcomes], list]:
    """(child outcomes grouped by domain in the standard domain order, parent and family findings)."""
    groups = {domain: DomainOutcomes(domain, label, []) for domain, label in OutcomeDomain.choices}
    for finding in headline_findings(programme):
        groups[finding.outcome.domain].findings.append(finding)
    family = groups.pop(OutcomeDomain.FAMILY).findings
    return [group for group in groups.values() if group.findings], family


@dataclass
class StudyOutcome:
    label: str
    is_child_outcome: bool
    timings: list[str]


def study_outcomes(study) -> list[StudyOutcome]:
    """A study's outcomes, each distinct label once with every timing it was measured at, in finding order."""
    outcomes: dict[str, StudyOutcome] = {}
    for finding in study.findings.all():
        label = finding.outcome_label or finding.outcome.name
        outcome = outcomes.setdefault(label, StudyOutcome(label, finding.outcome.is_child_outcome, []))
        timing = finding.timing_label.removeprefix("Long term: ")
        if timing not in outcome.timings:
            outcome.timings.append(timing)
    return list(outcomes.values())


def distinct_outcome_labels(findings) -> list[str]:
    """Each outcome label once, in order: two studies finding the same outcome is one row of a comparison."""
    return list(dict.fromkeys(finding.outcome_label or finding.outcome.name for finding in findings))


def outcome_domain_labels(programme) -> list[str]:
    """The outcome domains the programme's headline findings fall in, in the standard order."""
    present = {finding.outcome.domain for finding in headline_findings(programme)}
    return [label for domain, label in OutcomeDomain.choices if domain in present]


def outcome_domain_labels_from_flags(programme) -> list[str]:
    """The same labels as outcome_domain_labels, from the `has_<domain>_outcome` flags for_csv() annotates."""
    return [label for domain, label in OutcomeDomain.choices if getattr(programme, f"has_{domain}_outcome")]


def improvement_index_words(value) -> str:
    """What an improvement index means for the average comparison-group member, in plain words.

    The index is percentile points above the 50th percentile: +33 moves them to the 83rd.
    """
    if value is None:
        return ""
    percentile = 50 + int(value)
    if value == 0:
        return "No difference: the average person in the comparison group would stay at the 50th percentile."
    if value > 0:
        # +50 only says Φ(g) ≥ 0.995: above the 99th percentile, never "better than 100% of their peers".
        where, share = (
            ("above the 99th percentile", "more than 99%")
            if percentile >= 100
            else (f"the {ordinal(percentile)} percentile", f"{percentile}%")
        )
        return (
            f"If the average person in the comparison group (at the 50th percentile, with half their peers doing "
            f"better) had received the programme, we would expect them to move up to {where}: better outcomes "
            f"than {share} of their peers."
        )
    where = "below the 1st percentile" if percentile <= 0 else f"the {ordinal(percentile)} percentile"
    return (
        f"The programme group did worse: the average person in the comparison group would be expected to move "
        f"down to {where} if they had received the programme."
    )


def yes_no_unknown(value, *, yes: str, no: str, unknown: str = "Not known") -> str:
    return unknown if value is None else (yes if value else no)


def ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


COST_WORDS = {band.rating: f"{band.words} per child or family" for band in COST_BANDS}


def evidence_meaning(level) -> str:
    """The evidence level in words, without its code: "evidence of efficacy"."""
    return EVIDENCE_LEVEL_WORDS.get(level, "not yet rated")


def cost_meaning(rating) -> str:
    """The cost band in words, without its code; NA when the information is not available."""
    return COST_WORDS.get(rating, "information not available")
