"""The reviews' scales and codes: review kinds, risk-of-bias domains and judgements, effect measures
and pooling models. Imports no models, so anything in the app may read them."""

from django.db import models

__all__ = [
    "BIAS_DOMAIN_ORDER",
    "BIAS_DOMAIN_SHORT",
    "BIAS_SYMBOLS",
    "BINARY_MEASURES",
    "BiasDomain",
    "BiasJudgement",
    "EffectMeasure",
    "FavourableDirection",
    "PoolingMethod",
    "PoolingModel",
    "RATIO_MEASURES",
    "ReviewKind",
    "Tau2Estimator",
]


class ReviewKind(models.TextChoices):
    COCHRANE = "cochrane", "Cochrane review"
    SYSTEMATIC = "systematic", "Systematic review"
    META_ANALYSIS = "meta_analysis", "Meta-analysis"
    RAPID = "rapid", "Rapid review"
    REVIEW_OF_REVIEWS = "review_of_reviews", "Review of reviews"
    NARRATIVE = "narrative", "Narrative review"
    ASSESSMENT = "assessment", "Assessment report"


class BiasDomain(models.TextChoices):
    """The seven domains of the Cochrane risk-of-bias tool (Higgins et al. 2011), in its order."""

    SEQUENCE = "sequence", "Random sequence generation (selection bias)"
    CONCEALMENT = "concealment", "Allocation concealment (selection bias)"
    ATTRITION = "attrition", "Incomplete outcome data (attrition bias)"
    REPORTING = "reporting", "Selective reporting (reporting bias)"
    PERFORMANCE = "performance", "Blinding of participants and personnel (performance bias)"
    DETECTION = "detection", "Blinding of outcome assessment (detection bias)"
    OTHER = "other", "Other bias"


BIAS_DOMAIN_ORDER = list(BiasDomain.values)
BIAS_DOMAIN_SHORT = {
    BiasDomain.SEQUENCE: "Sequence generation",
    BiasDomain.CONCEALMENT: "Allocation concealment",
    BiasDomain.ATTRITION: "Incomplete outcome data",
    BiasDomain.REPORTING: "Selective reporting",
    BiasDomain.PERFORMANCE: "Blinding of participants and personnel",
    BiasDomain.DETECTION: "Blinding of outcome assessment",
    BiasDomain.OTHER: "Other bias",
}


class BiasJudgement(models.TextChoices):
    LOW = "low", "Low risk"
    UNCLEAR = "unclear", "Unclear risk"
    HIGH = "high", "High risk"


# The symbol printed with each judgement, so the grid never relies on colour alone (RevMan's +, ?, -).
BIAS_SYMBOLS = {BiasJudgement.LOW: "+", BiasJudgement.UNCLEAR: "?", BiasJudgement.HIGH: "−"}


class EffectMeasure(models.TextChoices):
    RR = "RR", "Risk ratio (RR)"
    OR = "OR", "Odds ratio (OR)"
    RD = "RD", "Risk difference (RD)"
    MD = "MD", "Mean difference (MD)"
    SMD = "SMD", "Standardised mean difference (SMD)"


BINARY_MEASURES = (EffectMeasure.RR, EffectMeasure.OR, EffectMeasure.RD)
RATIO_MEASURES = (EffectMeasure.RR, EffectMeasure.OR)


class PoolingModel(models.TextChoices):
    FIXED = "fixed", "Fixed effect"
    RANDOM = "random", "Random effects"


class PoolingMethod(models.TextChoices):
    IV = "IV", "Inverse variance"
    MH = "MH", "Mantel–Haenszel"


class Tau2Estimator(models.TextChoices):
    """How a random-effects analysis estimates the between-study variance τ² (stats.heterogeneity)."""

    DL = "DL", "DerSimonian–Laird (RevMan 5's)"
    REML = "REML", "Restricted maximum likelihood (REML)"
    PM = "PM", "Paule–Mandel"


class FavourableDirection(models.TextChoices):
    """Which side of "no effect" is good news for the intervention group."""

    HIGHER = "higher", "Higher favours the intervention (e.g. secure attachment, sensitivity)"
    LOWER = "lower", "Lower favours the intervention (e.g. disorganised attachment, depression)"
    UNSTATED = "unstated", "Not stated by the review"
