"""A finding's numbers (catalogue.effects): effect sizes from raw data, computed on save, and the
warnings when its labels contradict them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from catalogue import effects
from catalogue.effects import compute_finding_effect
from catalogue.models import EffectSource
from tests.factories import FindingFactory, OutcomeFactory, StudyFactory


# =============================================================================================
# Finding effect sizes
# =============================================================================================
def means(**overrides):
    fields = {"mean_t": 12.0, "sd_t": 4.0, "n_t": 30, "mean_c": 10.0, "sd_c": 4.0, "n_c": 30}
    return {**fields, **overrides}


def test_compute_finding_effect_from_means_gives_hedges_g_worked_example():
    # (12 - 10) / 4 = 0.5; ω = 1 - 3/(4·60 - 9) = 0.98701; g = 0.49351; index 100·Φ(0.4935) - 50 = 18.92 -> 19.
    computed = compute_finding_effect(means())

    assert computed.source == EffectSource.MEANS
    assert computed.effect_size_type == "hedges_g"
    assert computed.effect_size == Decimal("0.4935")
    assert computed.ci_low < computed.effect_size < computed.ci_high
    assert computed.improvement_index == 19
    assert "ω = 0.9870" in computed.formula
    assert "Improvement index = 100 × Φ(g) − 50" in computed.formula


def test_compute_finding_effect_lower_is_better_flips_sign_and_index():
    computed = compute_finding_effect(means(mean_t=10.0, mean_c=12.0, lower_is_better=True))

    assert computed.effect_size == Decimal("0.4935")
    assert computed.improvement_index == 19
    assert "sign flipped because lower scores are better" in computed.formula


def test_compute_finding_effect_from_events_gives_cox_index():
    # 30/50 vs 20/50: ln OR = ln(30·30 / (20·20)) = 0.8109; ω = 1 - 3/391; d = 0.8047/1.65 = 0.4877.
    computed = compute_finding_effect({"events_t": 30, "n_t": 50, "events_c": 20, "n_c": 50})

    assert computed.source == EffectSource.EVENTS
    assert computed.effect_size_type == "cox_index"
    assert computed.effect_size == Decimal("0.4877")
    assert computed.improvement_index == 19


def test_compute_finding_effect_zero_cell_table_adds_half_and_says_so():
    # 0/20 vs 5/20, the event the bad result: cells 0.5, 20.5, 5.5, 15.5; ln OR = -2.6775; ω = 1 - 3/151.
    computed = compute_finding_effect({"events_t": 0, "n_t": 20, "events_c": 5, "n_c": 20, "lower_is_better": True})

    assert computed.effect_size > 0
    assert "0.5 was added to all four cells" in computed.formula
    assert computed.effect_size == Decimal("1.5905")


@pytest.mark.parametrize(("g", "index"), [("0.25", 10), ("-0.3", -12), ("2.58", 50)])
def test_compute_finding_effect_published_effect_size_kept_and_index_computed(g, index):
    computed = compute_finding_effect({"effect_size": Decimal(g), "effect_size_type": "hedges_g"})

    assert computed.source == EffectSource.PUBLISHED
    assert computed.effect_size == Decimal(g)
    assert computed.improvement_index == index


def test_compute_finding_effect_index_alone_returns_none():
    assert compute_finding_effect({"improvement_index": 50}) is None


def test_compute_finding_effect_partial_means_names_what_is_missing():
    with pytest.raises(ValueError, match="also enter: programme group SD, comparison group SD"):
        compute_finding_effect(means(sd_t=None, sd_c=None))


def test_compute_finding_effect_means_and_events_together_rejected():
    with pytest.raises(ValueError, match="not both"):
        compute_finding_effect({**means(), "events_t": 3, "events_c": 4})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (means(n_t=1), "Intervention group size must be at least 2"),
        (means(sd_t=0.0, sd_c=0.0), "Both standard deviations are zero"),
        ({"events_t": 12, "n_t": 10, "events_c": 1, "n_c": 10}, "cannot exceed"),
        (means(mean_t=1e6, sd_t=1e-3, sd_c=1e-3), "implausibly large"),
    ],
)
def test_compute_finding_effect_bad_raw_data_raises_statistics_message(fields, message):
    with pytest.raises(ValueError, match=message):
        compute_finding_effect(fields)


group_means = st.floats(min_value=-100, max_value=100, allow_nan=False)
group_sds = st.floats(min_value=0.5, max_value=50, allow_nan=False)
group_sizes = st.integers(min_value=2, max_value=500)


@given(group_means, group_sds, group_sizes, group_means, group_sds, group_sizes)
def test_compute_finding_effect_property_swapping_groups_negates_g_and_index(mt, st_, nt, mc, sc, nc):
    forward = {"mean_t": mt, "sd_t": st_, "n_t": nt, "mean_c": mc, "sd_c": sc, "n_c": nc}
    swapped = {"mean_t": mc, "sd_t": sc, "n_t": nc, "mean_c": mt, "sd_c": st_, "n_c": nt}
    try:
        a, b = compute_finding_effect(forward), compute_finding_effect(swapped)
    except ValueError:
        return  # an implausibly large g is refused both ways round
    assert a.effect_size == -b.effect_size
    assert a.improvement_index == -b.improvement_index
    assert -50 <= a.improvement_index <= 50


# ----------------------------------------------------------------------- on the model
@pytest.mark.django_db
def test_finding_save_computes_effect_from_raw_data():
    finding = FindingFactory(**means(), improvement_index=5)

    finding.refresh_from_db()
    assert finding.effect_source == EffectSource.MEANS
    assert finding.effect_size == Decimal("0.4935")
    assert finding.improvement_index == 19  # the computed index wins over the typed one
    assert finding.effect_is_computed


@pytest.mark.django_db
def test_finding_save_keeps_published_index_without_effect_size():
    finding = FindingFactory(improvement_index=50)

    finding.refresh_from_db()
    assert finding.improvement_index == 50
    assert finding.effect_source == EffectSource.PUBLISHED
    assert finding.effect_size is None


@pytest.mark.django_db
def test_finding_save_clears_computed_values_when_raw_data_removed():
    finding = FindingFactory(**means())
    for name in ("mean_t", "sd_t", "mean_c", "sd_c"):
        setattr(finding, name, None)

    finding.save()

    assert finding.effect_size is None
    assert finding.improvement_index is None
    assert finding.effect_source == ""


@pytest.mark.django_db
def test_finding_clean_turns_bad_raw_data_into_validation_error():
    finding = FindingFactory.build(study=StudyFactory(), outcome=OutcomeFactory(), **means(n_c=1))

    with pytest.raises(ValidationError, match="Comparison group size must be at least 2"):
        finding.full_clean()


# =============================================================================================
# Findings whose labels contradict their numbers (warnings, never errors)
# =============================================================================================
def consistency(**overrides):
    fields = {
        "significant": True,
        "direction": "favourable",
        "effect_size": Decimal("0.3000"),
        "ci_low": Decimal("0.1000"),
        "ci_high": Decimal("0.5000"),
    }
    return effects.finding_consistency_warnings(**{**fields, **overrides})


def test_consistency_consistent_finding_has_no_warning():
    assert consistency() == []


def test_consistency_significant_with_ci_crossing_zero_warns_naming_the_ci():
    warnings = consistency(effect_size=Decimal("0.2450"), ci_low=Decimal("-0.1500"), ci_high=Decimal("0.6400"))

    assert warnings == [
        "The 95% CI (−0.15 to 0.64) includes zero, but the finding is marked significant: check the paper."
    ]


def test_consistency_not_significant_with_ci_excluding_zero_warns():
    warnings = consistency(significant=False, ci_low=Decimal("0.1234"), ci_high=Decimal("0.5"))

    assert warnings == [
        "The 95% CI (0.1234 to 0.50) excludes zero, but the finding is marked not significant: check the paper."
    ]


def test_consistency_ci_touching_zero_or_unknown_significance_gives_no_warning():
    assert consistency(ci_low=Decimal("0"), ci_high=Decimal("0.6")) == []
    assert consistency(significant=False, ci_low=Decimal("0"), ci_high=Decimal("0.6")) == []
    assert consistency(significant=None, ci_low=Decimal("-0.2"), ci_high=Decimal("0.6")) == []
    assert consistency(ci_low=None, ci_high=None) == []


def test_consistency_favourable_with_negative_effect_warns():
    warnings = consistency(effect_size=Decimal("-0.3000"), ci_low=Decimal("-0.5"), ci_high=Decimal("-0.1"))

    assert len(warnings) == 1
    assert warnings[0].startswith("The effect size (−0.30) is negative, but the finding is marked favourable")
    assert "positive always favours the programme" in warnings[0]


def test_consistency_unfavourable_with_positive_effect_warns_and_no_effect_never_does():
    assert "marked unfavourable" in consistency(direction="unfavourable")[0]
    assert consistency(direction="no_effect", significant=None) == []
