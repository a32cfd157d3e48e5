"""The evidence rating a programme's studies support, with its reasons.

Plain functions over plain records, so each rule can be read against the standard (DOMAIN.md,
"Evidence rating") and tested on its own: :func:`assess` turns a programme's studies and findings
into the rating they support, the reasons, and what is missing for the next level up. A finding's
own numbers (effect size, CI, improvement index) are computed in `catalogue.effects`.

Rating rules, one function each (a "child outcome" is any outcome outside the parent, couple
and family bucket; a "benefit" is a statistically significant favourable finding on one). Each rule
says where it comes from: the EIF standard as printed on an EIF Guidebook programme page
("Guidebook": the Infant-Parent Psychotherapy page, published January 2023, sections "What does the
evidence rating mean?", "What does the plus mean?" and "About the evidence"), the summary of the
EIF standards the project works from (the shared guide's DOMAIN.md, "Evidence rating", and the public
page templates/pages/evidence_ratings.html: "EIF standards summary"), or our own reading where
neither says it:

* :func:`shows_child_benefit` – at least one significant favourable child finding (Guidebook:
  "a statistically significant positive impact on at least one child outcome").
* :func:`qualifies_at_level_2` – rated 2 or better and shows a child benefit (Guidebook: the plus
  counts "other studies rated 2 or better"; needing a child benefit too is our reading).
* :func:`qualifies_at_level_3` – a rigorous design (RCT, cluster RCT, QED), rated 3 or better, not
  marked by its assessment as not rigorously conducted, showing a child benefit
  (Guidebook: "at least one rigorously conducted RCT or QED demonstrating a statistically significant
  positive impact"; reading a study rating of 3 as the rigour the standard asks for is ours). The
  Guidebook rates IPP's Study 1 and Study 2 both 3, but calls only Study 2 "a rigorously conducted
  RCT", bases the 3+ on "one rigorously conducted RCT along with evidence from an additional
  comparison group study" and says the results are not yet "replicated … in another rigorously
  conducted study": so Study 1 is recorded as not counted (``rigorously_conducted=False``) and
  supports only the plus.
* :func:`shows_long_term_benefit` – a significant favourable child finding 12+ months after the end
  (Guidebook: "long-term impacts"; 12 months is the EIF standards summary's "a year or longer").
* :func:`found_no_child_benefit` – level 3 quality, has child findings, none a benefit (EIF
  standards summary, NE).
* :func:`qualifies_at_level_4` – qualifies at level 3 and is rated 4 (EIF standards summary, 4+:
  "a second level-4 study"). Used for 4+ only: no source asks for a study rated 4 at level 4.
* Programme level 4: two or more studies qualify at level 3, at least one of them shows a long-term
  benefit, at least one uses independent measures (Guidebook: a programme is not rated 4 until it
  has "replicated its results in another rigorously conducted study, where at least one study
  indicates long-term impacts, and at least one uses measures independent of study participants").
* 4+: two or more studies qualify at level 4, at least one independent of the developer (EIF
  standards summary).
* Level 3: one or more studies qualify at level 3. 3+: plus another study that qualifies at level 2
  (Guidebook: "at least one level 3 study, along with evidence from other studies rated 2 or better").
* NE: nothing qualifies at level 3 and a level-3-quality study found no child benefit (EIF
  standards summary).
* Level 2: one or more studies qualify at level 2 (EIF standards summary). 2+: two or more do
  (our reading: the standards summary says only that "+" exceeds the basic threshold of the level).
* NL2: none of the above.

Unknown facts (None) never count in a programme's favour; the reasons say "not recorded". The one
exception is ``rigorously_conducted``: unknown leaves the study's rating to speak for its conduct.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .choices import (
    LEVEL_MEANINGS,
    PLUS_MEANINGS,
    RIGOROUS_DESIGNS,
    DesignType,
    Direction,
    OutcomeDomain,
)

LONG_TERM_MONTHS = 12

# =============================================================================================
# Programmes: the evidence rating
# =============================================================================================


@dataclass(frozen=True)
class FindingRecord:
    """The facts of one finding that the rating rules read."""

    child_outcome: bool
    significant: bool | None
    favourable: bool
    months_after_end: int | None

    @classmethod
    def from_model(cls, finding) -> FindingRecord:
        # Reads plain fields only, so historical models in migrations work too.
        return cls(
            child_outcome=finding.outcome.domain != OutcomeDomain.FAMILY,
            significant=finding.significant,
            favourable=finding.direction == Direction.FAVOURABLE,
            months_after_end=finding.months_after_end,
        )

    @property
    def is_child_benefit(self) -> bool:
        return self.child_outcome and self.favourable and self.significant is True

    @property
    def is_long_term(self) -> bool:
        return (self.months_after_end or 0) >= LONG_TERM_MONTHS


@dataclass(frozen=True)
class StudyRecord:
    """The facts of one study that the rating rules read."""

    label: str
    design: str
    rating: int | None
    citation: str = ""
    # False when the study's assessment does not count it as rigorously conducted despite its rating (see above).
    rigorously_conducted: bool | None = None
    measures_independent: bool | None = None
    independent_of_developer: bool | None = None
    findings: tuple[FindingRecord, ...] = field(default_factory=tuple)

    @classmethod
    def from_model(cls, study) -> StudyRecord:
        """Build from a Study row; uses ``study.findings.all()``, so prefetch ``findings__outcome``."""
        return cls(
            label=f"Study {study.number}" if study.number else study.citation_label,
            citation=study.citation_label if study.number else "",
            design=study.design,
            rating=study.rating,
            rigorously_conducted=study.rigorously_conducted,
            measures_independent=study.measures_independent,
            independent_of_developer=study.independent_of_developer,
            findings=tuple(FindingRecord.from_model(finding) for finding in study.findings.all()),
        )


# ----------------------------------------------------------------------- study-level rules
def is_rigorous(study: StudyRecord) -> bool:
    """An RCT, cluster RCT or QED: a design that supports a causal claim."""
    return study.design in RIGOROUS_DESIGNS


def is_rated_at_least(study: StudyRecord, level: int) -> bool:
    """The study's own rating is ``level`` or better (an unrated study is rated nothing)."""
    return study.rating is not None and study.rating >= level


def shows_child_benefit(study: StudyRecord) -> bool:
    """At least one statistically significant favourable finding on a child outcome."""
    return any(finding.is_child_benefit for finding in study.findings)


def shows_long_term_benefit(study: StudyRecord) -> bool:
    """A significant favourable child finding measured 12 months or more after the end."""
    return any(finding.is_child_benefit and finding.is_long_term for finding in study.findings)


def qualifies_at_level_2(study: StudyRecord) -> bool:
    """Level 2, preliminary evidence: rated 2 or better with a positive child outcome."""
    return is_rated_at_least(study, 2) and shows_child_benefit(study)


def is_level_3_quality(study: StudyRecord) -> bool:
    """A rigorously conducted RCT or QED (Guidebook): rated 3 or better, and not marked as uncounted."""
    return is_rigorous(study) and study.rigorously_conducted is not False and is_rated_at_least(study, 3)


def qualifies_at_level_3(study: StudyRecord) -> bool:
    """Level 3, efficacy: a rigorously conducted RCT/QED rated 3 or better with a significant positive child outcome."""
    return is_level_3_quality(study) and shows_child_benefit(study)


def qualifies_at_level_4(study: StudyRecord) -> bool:
    """Qualifies at level 3 and the study itself is rated 4: what 4+ counts (EIF standards summary)."""
    return qualifies_at_level_3(study) and is_rated_at_least(study, 4)


def found_no_child_benefit(study: StudyRecord) -> bool:
    """A level-3-quality study that measured child outcomes and found no benefit (EIF standards summary, NE)."""
    has_child_findings = any(finding.child_outcome for finding in study.findings)
    return is_level_3_quality(study) and has_child_findings and not shows_child_benefit(study)


# ----------------------------------------------------------------------- programme-level rules
@dataclass(frozen=True)
class Condition:
    """One condition of a level: what the standard asks for, whether it is met, and by which studies."""

    requirement: str
    met: bool
    detail: str

    def __str__(self) -> str:
        return f"{self.requirement}: {self.detail}" if self.detail else self.requirement


def level_4_conditions(studies: list[StudyRecord]) -> list[Condition]:
    """The three conditions of level 4, judged over the studies that qualify at level 3 (Guidebook)."""
    qualifying = [s for s in studies if qualifies_at_level_3(s)]
    long_term = [s for s in qualifying if shows_long_term_benefit(s)]
    independent = [s for s in qualifying if s.measures_independent is True]
    unknown = [s for s in qualifying if s.measures_independent is None]
    return [
        Condition(
            "the results replicated: at least two rigorously conducted studies (RCT or QED), each rated 3 or better "
            "with a significant positive child outcome",
            len(qualifying) >= 2,
            _names(qualifying, "{} qualify", "only {} qualifies", "no study qualifies at level 3")
            + _not_rigorously_conducted(studies, qualifying),
        ),
        Condition(
            f"at least one study showing a significant positive child outcome {LONG_TERM_MONTHS} months or more "
            "after the programme ended",
            bool(long_term),
            _names(long_term, "shown by {}", "shown by {}", "no follow-up that long found a significant benefit"),
        ),
        Condition(
            "at least one study using measures independent of study participants",
            bool(independent),
            _names(independent, "used by {}", "used by {}", "")
            or _names(unknown, "not recorded for {}", "not recorded for {}", "not used by the qualifying studies"),
        ),
    ]


def _not_rigorously_conducted(studies: list[StudyRecord], qualifying: list[StudyRecord]) -> str:
    """Name the rated, rigorous-design studies with a child benefit that fall short only on rigorous conduct.

    They are why a programme whose studies are all rated 3 can still lack a replication (Guidebook, IPP
    Study 1: "an RCT", rated 3, beside Study 2: "a rigorously conducted RCT").
    """
    if len(qualifying) >= 2:
        return ""
    near = [
        s
        for s in studies
        if s not in qualifying
        and is_rigorous(s)
        and is_rated_at_least(s, 3)
        and shows_child_benefit(s)
        and s.rigorously_conducted is False
    ]
    if not near:
        return ""
    return "; " + "; ".join(
        f"{s.label} is {_A_DESIGN[s.design]} rated {_rating_code(s.rating)} that its assessment does not count as "
        "rigorously conducted"
        for s in near
    )


_A_DESIGN = {DesignType.RCT: "an RCT", DesignType.CLUSTER_RCT: "a cluster RCT", DesignType.QED: "a QED"}


def level_4_plus_conditions(studies: list[StudyRecord]) -> list[Condition]:
    """The two conditions of 4+, judged over the studies that qualify at level 4."""
    level_4 = [s for s in studies if qualifies_at_level_4(s)]
    independent = [s for s in level_4 if s.independent_of_developer is True]
    unknown = [s for s in level_4 if s.independent_of_developer is None]
    return [
        Condition(
            "a second study rated 4 with a significant positive child outcome",
            len(level_4) >= 2,
            _names(level_4, "{} rated 4", "only {} is", "no study is"),
        ),
        Condition(
            "at least one level 4 study conducted independently of the programme's developer",
            bool(independent),
            _names(independent, "{}", "{}", "")
            or _names(unknown, "not recorded for {}", "not recorded for {}", "no level 4 study was"),
        ),
    ]


def level_4_gaps(studies: list[StudyRecord]) -> list[str]:
    """What the studies lack for level 4, one phrase per unmet condition (empty when met)."""
    return [str(condition) for condition in level_4_conditions(studies) if not condition.met]


def level_4_plus_gaps(studies: list[StudyRecord]) -> list[str]:
    """What a level 4 programme lacks for 4+: a second level 4 study, and an independent evaluation."""
    return [str(condition) for condition in level_4_plus_conditions(studies) if not condition.met]


def meets_level_4(studies: list[StudyRecord]) -> bool:
    """Two or more level 3 studies, one with long-term impact, one with independent measures (Guidebook)."""
    return all(condition.met for condition in level_4_conditions(studies))


def _names(studies: list[StudyRecord], several: str, one: str, none: str) -> str:
    """Name the studies in a phrase: ``several``/``one`` hold "{}" for the names; ``none`` is used as is."""
    if not studies:
        return none
    template = several if len(studies) > 1 else one
    return template.format(_and_list([s.label for s in studies]))


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def meets_level_4_plus(studies: list[StudyRecord]) -> bool:
    """Level 4, and two or more level 4 studies of which one is independent of the developer."""
    return meets_level_4(studies) and not level_4_plus_gaps(studies)


def meets_level_3(studies: list[StudyRecord]) -> bool:
    """At least one study qualifies at level 3."""
    return any(qualifies_at_level_3(s) for s in studies)


def meets_level_3_plus(studies: list[StudyRecord]) -> bool:
    """A level 3 study plus at least one further study that qualifies at level 2 (rated 2 or better)."""
    return meets_level_3(studies) and sum(qualifies_at_level_2(s) for s in studies) >= 2


def is_not_effective(studies: list[StudyRecord]) -> bool:
    """NE: nothing qualifies at level 3 and a level-3-quality study found no child benefit."""
    return not meets_level_3(studies) and any(found_no_child_benefit(s) for s in studies)


def meets_level_2(studies: list[StudyRecord]) -> bool:
    """At least one study qualifies at level 2."""
    return any(qualifies_at_level_2(s) for s in studies)


def meets_level_2_plus(studies: list[StudyRecord]) -> bool:
    """Two or more studies qualify at level 2."""
    return sum(qualifies_at_level_2(s) for s in studies) >= 2


# ----------------------------------------------------------------------- the assessment
NEXT_LEVEL = {"NE": "3", "NL2": "2", "2": "3", "3": "4", "4": "4+"}
NEXT_LEVEL_REQUIREMENTS = {
    "2": "Level 2 needs at least one study rated 2 or better that finds a statistically significant positive "
    "change on a child outcome.",
    "3": "Level 3 needs at least one rigorously conducted RCT or QED, rated 3 or better, that finds a "
    "statistically significant positive impact on at least one child outcome.",
    "4": "Level 4 needs the programme's results replicated: at least two rigorously conducted studies (RCT or "
    "QED), each with a statistically significant positive child outcome. At least one study must also show an "
    f"effect {LONG_TERM_MONTHS} months or more after the programme ended, and at least one must use measures "
    "independent of study participants.",
    "4+": "A 4+ rating needs a second study rated 4, and at least one level 4 study conducted independently of "
    "the programme's developer.",
}
PLUS_NEEDS = {
    "2": "A plus would need a further study rated 2 or better with a positive child outcome.",
    "3": "A plus would need a further study rated 2 or better with a positive child outcome.",
}


@dataclass(frozen=True)
class Assessment:
    """The rating a programme's study records support, and why.

    ``reasons`` says what each study contributes; ``next_level_needs`` what is missing for the
    next level up (empty at 4+) and ``next_level_has`` what of it is already in place.
    """

    rating: str
    level: str
    plus: bool
    reasons: list[str]
    next_level_needs: list[str]
    next_level_has: list[str] = field(default_factory=list)

    @property
    def meaning(self) -> str:
        """What the level means, in plain words."""
        return LEVEL_MEANINGS[self.level]

    @property
    def plus_meaning(self) -> str:
        """What the "+" means at this level; empty without a plus."""
        return PLUS_MEANINGS[self.level] if self.plus else ""

    @property
    def next_level(self) -> str:
        """The level above this one, whose gaps ``next_level_needs`` lists ("" at 4+, the top)."""
        return "" if self.rating == "4+" else NEXT_LEVEL[self.level]


def assess(programme) -> Assessment:
    """The evidence rating ``programme``'s studies support, with reasons and next-level gaps.

    Reads ``programme.studies.all()`` and each study's ``findings.all()`` with their outcome, so
    a caller showing many programmes should prefetch ``studies__findings__outcome``.
    """
    return assess_studies([StudyRecord.from_model(study) for study in programme.studies.all()])


def assess_studies(studies: list[StudyRecord]) -> Assessment:
    """The rating these study records support; see the module docstring for the rules."""
    reasons = [_study_reason(study) for study in studies] or ["No studies of this programme are recorded."]
    if meets_level_4(studies):
        plus = meets_level_4_plus(studies)
        conditions = [] if plus else level_4_plus_conditions(studies)
        return Assessment(f"4{'+' if plus else ''}", "4", plus, reasons, *_needs_and_has(conditions))
    if meets_level_3(studies):
        plus = meets_level_3_plus(studies)
        needs, has = _needs_and_has(level_4_conditions(studies))
        return Assessment(f"3{'+' if plus else ''}", "3", plus, reasons, needs, has)
    if is_not_effective(studies):
        return Assessment("NE", "NE", False, reasons, [_sentence(_LEVEL_3_NEED)])
    if meets_level_2(studies):
        plus = meets_level_2_plus(studies)
        return Assessment(f"2{'+' if plus else ''}", "2", plus, reasons, [_sentence(_LEVEL_3_NEED)])
    needs = [
        _sentence("a study rated 2 or better that finds a statistically significant positive change on a child outcome")
    ]
    return Assessment("NL2", "NL2", False, reasons, needs)


_LEVEL_3_NEED = (
    "a rigorously conducted evaluation (RCT or QED) rated 3 or better that finds a statistically significant "
    "positive impact on at least one child outcome"
)


def _needs_and_has(conditions: list[Condition]) -> tuple[list[str], list[str]]:
    needs = [_sentence(str(c)) for c in conditions if not c.met]
    has = [_sentence(str(c)) for c in conditions if c.met]
    return needs, has


@dataclass(frozen=True)
class Explanation:
    """The programme page's "what does the rating mean / the plus / why not the next level" text.

    Built from the published rating (the analysts' decision). The study-by-study reasons and the
    specific gaps are given only when the study records support that same rating; otherwise the
    page says what the next level requires in general, rather than contradict the published rating.
    """

    rating: str
    meaning: str
    plus_meaning: str
    plus_needs: str
    next_level: str
    next_level_requirement: str
    next_level_needs: list[str]
    next_level_has: list[str]
    reasons: list[str]
    agrees: bool
    # The publisher's note on why the published rating differs from the studies; empty when they agree.
    difference_note: str = ""


def explain(published_rating: str, assessment: Assessment, difference_note: str = "") -> Explanation | None:
    """The explanation of ``published_rating`` ("3+", "NE"...), or None while it is unrated.

    ``difference_note`` (Programme.rating_difference_note) is kept only when the rating differs from
    the one the studies support: a note left over from before they agreed is not shown.
    """
    if not published_rating:
        return None
    plus = published_rating.endswith("+")
    level = published_rating.removesuffix("+")
    next_level = "" if published_rating == "4+" else NEXT_LEVEL[level]
    agrees = published_rating == assessment.rating
    return Explanation(
        rating=published_rating,
        meaning=LEVEL_MEANINGS[level],
        plus_meaning=PLUS_MEANINGS[level] if plus else "",
        plus_needs="" if plus else PLUS_NEEDS.get(level, ""),
        next_level=next_level,
        next_level_requirement=NEXT_LEVEL_REQUIREMENTS.get(next_level, ""),
        next_level_needs=assessment.next_level_needs if agrees else [],
        next_level_has=assessment.next_level_has if agrees else [],
        reasons=assessment.reasons if agrees else [],
        agrees=agrees,
        difference_note="" if agrees else difference_note.strip(),
    )


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def _rating_code(rating: int | None) -> str:
    return {None: "not rated", 1: "NL2"}.get(rating, str(rating))


def _study_reason(study: StudyRecord) -> str:
    """One sentence on what this study contributes, naming unknown facts as "not recorded"."""
    if study.design == DesignType.NOT_STATED:
        design = "Design not stated"  # a cited study whose source gives no design: said, not guessed
    else:
        design = DesignType(study.design).label if study.design in DesignType.values else study.design
    facts = [f"{design}, rated {_rating_code(study.rating)}"]
    if is_rigorous(study) and study.rigorously_conducted is not None:
        facts.append(
            "described as rigorously conducted"
            if study.rigorously_conducted
            else "not counted as rigorously conducted by its assessment"
        )
    if shows_child_benefit(study):
        facts.append("found a statistically significant positive child outcome")
        if shows_long_term_benefit(study):
            facts.append(f"lasting {LONG_TERM_MONTHS} months or more")
    elif found_no_child_benefit(study):
        facts.append("found no significant benefit on child outcomes")
    else:
        facts.append("no significant positive child outcome recorded")
    facts.append(
        {
            True: "measures independent of participants",
            False: "measures not independent of participants",
            None: "independence of measures not recorded",
        }[study.measures_independent]
    )
    facts.append(
        {
            True: "conducted independently of the developer",
            False: "not independent of the developer",
            None: "independence from the developer not recorded",
        }[study.independent_of_developer]
    )
    if qualifies_at_level_4(study):
        verdict = "qualifies at level 4"
    elif qualifies_at_level_3(study):
        verdict = "qualifies at level 3"
    elif qualifies_at_level_2(study):
        verdict = "qualifies at level 2"
    elif found_no_child_benefit(study):
        verdict = "is a level 3 quality study that found no benefit"
    else:
        verdict = "does not qualify at level 2"
    name = f"{study.label} ({study.citation})" if study.citation else study.label
    return f"{name} {verdict}: {'; '.join(facts)}."
