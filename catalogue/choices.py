"""The catalogue's scales and codes, each spelled once: the bottom module every other may import.

Evidence levels and their codes and meanings, study ratings, cost bands, publication statuses,
study designs, outcome domains and the other enums models use. It imports no models (only
Django's choices classes), so rules (`catalogue.evidence`, `catalogue.costs`), models, filters,
the API, the feed and the pages can all read from here without an import cycle.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models

__all__ = [
    "COMPUTED_EFFECT_SOURCES",
    "ClassificationKind",
    "COST_BANDS",
    "CostBand",
    "CostRating",
    "DesignType",
    "Direction",
    "EVIDENCE_LEVEL_CODES",
    "EVIDENCE_LEVEL_WORDS",
    "EVIDENCE_RATING_CODES",
    "EffectSizeType",
    "EffectSource",
    "EvidenceLevel",
    "FindingTiming",
    "LEVEL_MEANINGS",
    "OutcomeDomain",
    "PLUS_MEANINGS",
    "PractitionerLevel",
    "PublicationEventKind",
    "PublicationStatus",
    "RIGOROUS_DESIGNS",
    "Reporter",
    "StudyRating",
]


class EvidenceLevel(models.IntegerChoices):
    """Programme-level strength of evidence. Ordinal, so "level 3 or above" is `__gte=3`.

    NE and NL2 sit below level 2: neither is evidence that the programme works.
    """

    NOT_EFFECTIVE = 0, "NE – found not to be effective"
    NOT_LEVEL_2 = 1, "NL2 – not level 2"
    LEVEL_2 = 2, "Level 2 – preliminary evidence"
    LEVEL_3 = 3, "Level 3 – evidence of efficacy"
    LEVEL_4 = 4, "Level 4 – evidence of effectiveness"


EVIDENCE_LEVEL_CODES = {0: "NE", 1: "NL2", 2: "2", 3: "3", 4: "4"}


class ClassificationKind(models.TextChoices):
    """How a source states its view of a programme's evidence (catalogue.models.SourceClassification)."""

    CATEGORY = "category", "Evidence category (a heading the source files the programme under)"
    RATING = "rating", "Rating printed by the source"


class StudyRating(models.IntegerChoices):
    """The rating of one study, judged on its design, sample, measurement and analysis."""

    NOT_LEVEL_2 = 1, "NL2"
    LEVEL_2 = 2, "2"
    LEVEL_3 = 3, "3"
    LEVEL_4 = 4, "4"


@dataclass(frozen=True)
class CostBand:
    """One cost rating's band of the estimated unit cost per child or family (DOMAIN.md, "Cost rating").

    A band runs from the previous band's upper limit to its own; `includes_upper` says which band
    a cost exactly on a limit belongs to (£2,000 is band 4, £100 is band 2).
    """

    rating: int
    upper: Decimal | None  # None: no upper limit
    includes_upper: bool
    words: str  # "£100 to £499", as printed after the rating
    sentence_words: str  # the same range as said in a sentence: "less than £100"


COST_BANDS = (
    CostBand(1, Decimal(100), False, "under £100", "less than £100"),
    CostBand(2, Decimal(500), False, "£100 to £499", "£100 to £499"),
    CostBand(3, Decimal(1000), False, "£500 to £999", "£500 to £999"),
    CostBand(4, Decimal(2000), True, "£1,000 to £2,000", "£1,000 to £2,000"),
    CostBand(5, None, False, "over £2,000", "more than £2,000"),
)
_BAND_WORDS = {band.rating: band.words for band in COST_BANDS}


class CostRating(models.IntegerChoices):
    """Relative delivery cost per child or family. NA (not available) is stored as empty."""

    __empty__ = "NA – information not available"
    LESS_THAN_100 = 1, f"1 – {_BAND_WORDS[1]}"
    FROM_100 = 2, f"2 – {_BAND_WORDS[2]}"
    FROM_500 = 3, f"3 – {_BAND_WORDS[3]}"
    FROM_1000 = 4, f"4 – {_BAND_WORDS[4]}"
    OVER_2000 = 5, f"5 – {_BAND_WORDS[5]}"


class PractitionerLevel(models.IntegerChoices):
    """Qualification level of a practitioner, used to price their time in a cost estimate."""

    LOW = 1, "Low – no degree (NFQ levels 1–6)"
    MEDIUM = 2, "Medium – degree (NFQ levels 7–8)"
    HIGH = 3, "High – postgraduate (NFQ levels 9–10)"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class DesignType(models.TextChoices):
    RCT = "rct", "Randomised controlled trial (RCT)"
    CLUSTER_RCT = "cluster_rct", "Cluster RCT"
    QED = "qed", "Quasi-experimental design (QED)"
    PRE_POST = "pre_post", "Pre-post (no comparison group)"
    OTHER = "other", "Other"
    # A study a source cites without saying how it was designed: recorded, never guessed.
    NOT_STATED = "not_stated", "Not stated by our sources"


RIGOROUS_DESIGNS = (DesignType.RCT, DesignType.CLUSTER_RCT, DesignType.QED)


class OutcomeDomain(models.TextChoices):
    """The seven child outcome domains, and one bucket for parent, couple and family outcomes."""

    MENTAL_HEALTH = "mental_health", "Supporting children's mental health and wellbeing"
    MALTREATMENT = "maltreatment", "Preventing child maltreatment"
    SCHOOL = "school", "Enhancing school achievement and employment"
    CRIME = "crime", "Preventing crime, violence and antisocial behaviour"
    SUBSTANCE = "substance", "Preventing substance abuse"
    RISKY_SEX = "risky_sex", "Preventing risky sexual behaviour and teen pregnancy"
    OBESITY = "obesity", "Preventing obesity and promoting healthy physical development"
    FAMILY = "family", "Parent, couple and family outcomes"


class Reporter(models.TextChoices):
    """Who or what produced the measurement: it matters for "independent of participants"."""

    EXPERT_OBSERVATION = "expert_observation", "Expert observation of behaviour"
    DIRECT_ASSESSMENT = "direct_assessment", "Direct assessment"
    PARENT_REPORT = "parent_report", "Parent report"
    CHILD_REPORT = "child_report", "Child self-report"
    TEACHER_REPORT = "teacher_report", "Teacher report"
    PRACTITIONER_REPORT = "practitioner_report", "Practitioner report"
    ADMINISTRATIVE = "administrative", "Administrative data"
    BIOLOGICAL = "biological", "Biological measure"
    OTHER = "other", "Other"


class FindingTiming(models.TextChoices):
    POST_TEST = "post_test", "Immediately after the intervention"
    FOLLOW_UP = "follow_up", "Follow-up"


class Direction(models.TextChoices):
    FAVOURABLE = "favourable", "Favourable"
    NO_EFFECT = "no_effect", "No effect"
    UNFAVOURABLE = "unfavourable", "Unfavourable"


class EffectSizeType(models.TextChoices):
    HEDGES_G = "hedges_g", "Hedges' g"
    COHENS_D = "cohens_d", "Cohen's d"
    COX_INDEX = "cox_index", "Cox index"
    OTHER_SMD = "other_smd", "Other standardised mean difference"


class EffectSource(models.TextChoices):
    """Where a finding's effect size and improvement index came from (set on save, never typed)."""

    MEANS = "means", "Computed from group means"
    EVENTS = "events", "Computed from events"
    PUBLISHED = "published", "As published"


COMPUTED_EFFECT_SOURCES = (EffectSource.MEANS, EffectSource.EVENTS)


class PublicationEventKind(models.TextChoices):
    """What a publisher decided about a published record."""

    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    ARCHIVED = "archived", "Archived"


# ----------------------------------------------------------------------- what the ratings mean
#: The evidence ratings as printed, strongest first: what filters and the API accept.
EVIDENCE_RATING_CODES = [
    f"{code}{plus}"
    for level, code in sorted(EVIDENCE_LEVEL_CODES.items(), reverse=True)
    for plus in (("+", "") if level >= EvidenceLevel.LEVEL_2 else ("",))
]

#: A level in a few words, for cards, compare and lists ("3 – evidence of efficacy").
EVIDENCE_LEVEL_WORDS = {
    4: "evidence of effectiveness",
    3: "evidence of efficacy",
    2: "preliminary evidence",
    1: "not level 2: the best evaluation does not yet show a benefit",
    0: "found not to be effective in a rigorous evaluation",
}

#: What each published rating means, in full, for the programme page and the ratings guidance.
LEVEL_MEANINGS = {
    "4": "Level 4 indicates evidence of effectiveness: at least two rigorous evaluations (RCT or QED) found a "
    "statistically significant positive impact on a child outcome; at least one found an impact lasting a year "
    "or longer after the programme, and at least one used measures independent of the people taking part.",
    "3": "Level 3 indicates evidence of efficacy: at least one rigorously conducted RCT or QED found a "
    "statistically significant positive impact on at least one child outcome. The programme can be described "
    "as evidence-based.",
    "2": "Level 2 indicates preliminary evidence: a positive change on a child outcome was found, but from a "
    "study design that cannot show the programme caused it. It is not yet evidence that the programme works.",
    "NL2": "NL2 (not level 2) means the best evaluation of this programme does not reach level 2: it does not "
    "yet have evidence of improving child outcomes.",
    "NE": "NE (found not to be effective) means a rigorous evaluation of level 3 quality found no benefit on "
    "child outcomes. It does not mean the programme could never work, in another form or place.",
}
PLUS_MEANINGS = {
    "4": "The plus means the programme has evidence from a second level 4 study, and at least one of its level "
    "4 studies was conducted independently of the programme's developer.",
    "3": "The plus means the programme has evidence from at least one level 3 study, along with evidence from "
    "other studies rated 2 or better.",
    "2": "The plus means the programme has evidence from more than one study rated 2 or better.",
}
