"""Cost bands, the local cost estimate, its form and the programme page's cost section."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from catalogue.costs import CostInputs, cost_band, cost_meaning, estimate_local_cost
from catalogue.forms_costs import LocalCostForm
from catalogue.models import CostRating, PractitionerLevel
from tests.factories import ProgrammeFactory

HIGH = PractitionerLevel.HIGH

# Infant-Parent Psychotherapy's stored inputs (seed 002): 32 sessions of 1 to 1.5 hours by one
# NFQ-9/10 practitioner with 92 hours' training; one NFQ-9/10 supervisor with 92 hours; no licence.
IPP_INPUTS = CostInputs(
    sessions=32,
    session_hours_min=Decimal("1.00"),
    session_hours_max=Decimal("1.50"),
    practitioners_per_session=1,
    practitioner_level=HIGH,
    training_hours=Decimal("92.0"),
    supervisor_level=HIGH,
    supervisor_training_hours=Decimal("92.0"),
    licence_required=False,
)


# --------------------------------------------------------------------------- cost_band
@pytest.mark.parametrize(
    ("unit_cost", "band"),
    [
        (0, 1),
        (Decimal("99.99"), 1),
        (100, 2),
        (Decimal("499.99"), 2),
        (500, 3),
        (Decimal("999.99"), 3),
        (1000, 4),
        (2000, 4),  # £1,000–£2,000 includes £2,000
        (Decimal("2000.01"), 5),
        (250_000, 5),
        (None, None),
    ],
)
def test_cost_band_boundaries(unit_cost, band):
    assert cost_band(unit_cost) == band


def test_cost_band_negative_cost_raises():
    with pytest.raises(ValueError, match="cannot be negative"):
        cost_band(Decimal("-1"))


def test_cost_meaning_explains_na_and_bands():
    assert cost_meaning(None).startswith("NA indicates")
    assert "£1,000 to £2,000" in cost_meaning(CostRating.FROM_1000)


# --------------------------------------------------------------------------- estimate
def test_estimate_local_cost_ipp_worked_example():
    # Sessions: 32 × 1.25 h × 1 × £45 = £1,800 a family, × 20 = £36,000.
    # Training: ceil(20 × 1 / 10) = 2 practitioners × 92 h × £45 = £8,280.
    # Supervisor training: 1 site × 92 h × £45 = £4,140. Licence: none. Total £48,420; £2,421 a family.
    estimate = estimate_local_cost(IPP_INPUTS, hourly_rates={HIGH: Decimal("45")}, families=20)

    assert [line.total for line in estimate.lines] == [Decimal("36000"), Decimal("8280"), Decimal("4140"), 0]
    assert estimate.total == Decimal("48420.00")
    assert estimate.per_family == Decimal("2421.00")
    assert estimate.band == 5
    assert estimate.lines[0].working == "32 sessions × 1.25 hours × 1 practitioner(s) × £45.00 an hour × 20 families"
    assert estimate.left_out == ["supervision time (hours per family not recorded)"]
    assert "midpoint" in estimate.assumptions[0]


def test_estimate_local_cost_uses_the_one_session_length_given():
    inputs = CostInputs(sessions=10, session_hours_max=Decimal("2"), practitioners_per_session=2, practitioner_level=1)

    estimate = estimate_local_cost(inputs, hourly_rates={1: Decimal("20")}, families=1)

    assert estimate.lines[0].total == Decimal("800")  # 10 × 2 h × 2 practitioners × £20
    assert "midpoint" not in estimate.assumptions[0]


def test_estimate_local_cost_supervision_and_licence_spread_over_families():
    inputs = CostInputs(
        sessions=8,
        session_hours_min=Decimal("1"),
        practitioners_per_session=1,
        practitioner_level=2,
        supervisor_level=3,
        supervision_hours_per_family=Decimal("2"),
        licence_required=True,
        licence_fee=Decimal("1000"),
    )

    estimate = estimate_local_cost(inputs, hourly_rates={2: Decimal("30"), 3: Decimal("50")}, families=10, sites=2)

    totals = {line.label: line.total for line in estimate.lines}
    assert totals["Practitioner time delivering sessions"] == Decimal("2400")
    assert totals["Supervision"] == Decimal("1000")  # 2 h × £50 × 10 families
    assert totals["Licence"] == Decimal("2000")  # £1,000 per site × 2 sites
    assert estimate.per_family == Decimal("540.00")


def test_estimate_local_cost_licence_fee_unknown_is_left_out_and_said():
    inputs = CostInputs(
        sessions=1, session_hours_min=Decimal("1"), practitioners_per_session=1, practitioner_level=1,
        licence_required=True,
    )  # fmt: skip

    estimate = estimate_local_cost(inputs, hourly_rates={1: Decimal("20")}, families=1)

    assert "the licence fee (a licence is required, but its fee is not recorded)" in estimate.left_out


def test_estimate_local_cost_without_inputs_names_what_is_missing():
    with pytest.raises(ValueError, match="number of sessions, session length, practitioners per session or"):
        estimate_local_cost(CostInputs(), hourly_rates={}, families=1)


def test_estimate_local_cost_missing_rate_raises():
    with pytest.raises(ValueError, match="hourly rate for high-level practitioners"):
        estimate_local_cost(IPP_INPUTS, hourly_rates={}, families=1)


# --------------------------------------------------------------------------- form
def submit(**data):
    fields = {"families": "20", "rate_3": "45", "families_per_practitioner": "10", "sites": "1", **data}
    return LocalCostForm({f"cost-{k}": v for k, v in fields.items()}, inputs=IPP_INPUTS)


def test_local_cost_form_asks_only_for_the_rates_the_programme_needs():
    form = LocalCostForm(inputs=IPP_INPUTS)

    assert [bound.name for bound in form.rate_fields] == ["rate_3"]
    assert "rate_1" not in form.fields


def test_local_cost_form_valid_input_and_defaults():
    form = submit(families_per_practitioner="", sites="")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["families_per_practitioner"] == 10
    assert form.cleaned_data["sites"] == 1
    assert form.hourly_rates() == {3: Decimal("45")}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("families", "0", "The number of families must be 1 or more"),
        ("families", "-5", "The number of families must be 1 or more"),
        ("families", "lots", "Enter the number of families as a whole number, like 20"),
        ("families", "", "Enter the number of families"),
        ("families", "100001", "The number of families must be 100,000 or fewer"),
        ("rate_3", "-1", "must be more than £0"),
        ("rate_3", "abc", "as an amount in pounds, like 35.50"),
        ("rate_3", "NaN", "as an amount in pounds, like 35.50"),
        ("rate_3", "1e9", "must be £1,000 or less"),
        ("sites", "1001", "The number of sites must be 1,000 or fewer"),
    ],
)
def test_local_cost_form_rejects_nonsense_with_clear_message(field, value, message):
    form = submit(**{field: value})

    assert not form.is_valid()
    assert message in form.errors[field][0]


@pytest.mark.parametrize("value", ["1e308", "99999999999"])
def test_local_cost_form_says_a_huge_amount_is_too_big_once(value):
    form = submit(rate_3=value)

    assert form.errors["rate_3"] == ["The hourly cost of a high-level practitioner must be £1,000 or less"]


def test_local_cost_form_unbound_when_other_query_parameters_only():
    request = RequestFactory().get("/programmes/x/", {"page": "2"})

    form = LocalCostForm.from_request(request, inputs=IPP_INPUTS)

    assert not form.is_bound


# --------------------------------------------------------------------------- the page section
def render_cost(programme, query=None):
    request = RequestFactory().get("/programmes/x/", query or {})
    return render_to_string("catalogue/_cost.html", {"programme": programme, "request": request})


def ipp_like(**overrides):
    fields = {
        "sessions": 32,
        "session_hours_min": Decimal("1.00"),
        "session_hours_max": Decimal("1.50"),
        "practitioners_per_session": 1,
        "practitioner_level": HIGH,
        "training_hours": Decimal("92.0"),
        "supervisor_level": HIGH,
        "supervisor_training_hours": Decimal("92.0"),
        "licence_required": False,
        "cost_rating": None,
    }
    return ProgrammeFactory(**{**fields, **overrides})


@pytest.mark.django_db
def test_cost_section_na_explains_and_shows_the_form():
    html = render_cost(ipp_like())

    assert "Cost rating: NA" in html
    assert "NA indicates that the information needed" in html
    assert 'name="cost-rate_3"' in html
    assert 'method="get"' in html
    assert "There is a problem" not in html


@pytest.mark.django_db
def test_cost_section_shows_the_calculation_for_valid_input():
    html = render_cost(ipp_like(), {"cost-families": "20", "cost-rate_3": "45"})

    assert "Estimated cost for 20 families" in html
    assert "£48,420.00" in html
    assert "£2,421.00" in html
    assert "32 sessions × 1.25 hours" in html


@pytest.mark.django_db
def test_cost_section_bad_input_shows_error_summary_linked_to_field():
    html = render_cost(ipp_like(), {"cost-families": "0", "cost-rate_3": "45"})

    assert "There is a problem" in html
    assert '<a href="#id_cost-families">The number of families must be 1 or more</a>' in html
    assert "govuk-input--error" in html
    assert "Estimated cost for" not in html


@pytest.mark.django_db
def test_programme_page_title_starts_error_when_the_cost_form_has_errors(client):
    programme = ipp_like(name="Infant-Parent Psychotherapy")

    bad = client.get(programme.get_absolute_url(), {"cost-families": "20", "cost-rate_3": "1e308"}).content.decode()
    good = client.get(programme.get_absolute_url(), {"cost-families": "20", "cost-rate_3": "45"}).content.decode()

    assert "<title>Error: Infant-Parent Psychotherapy" in bad
    assert bad.count("must be £1,000 or less") == 2  # once in the summary, once by the field
    assert "<title>Infant-Parent Psychotherapy" in good


@pytest.mark.django_db
def test_cost_section_prints_only_with_an_estimate():
    empty = render_cost(ipp_like())
    estimated = render_cost(ipp_like(), {"cost-families": "20", "cost-rate_3": "45"})

    assert '<div class="app-no-print">\n  <h3 class="govuk-heading-m" id="local-cost-estimate">' in empty
    assert '<form class="app-no-print"' in empty
    assert '<div class="">\n  <h3 class="govuk-heading-m" id="local-cost-estimate">' in estimated


@pytest.mark.django_db
def test_cost_section_programme_without_inputs_says_what_is_missing():
    html = render_cost(ProgrammeFactory(estimated_unit_cost=Decimal("1500"), cost_rating=4))

    assert "Cost rating: 4" in html
    assert "£1,000 to £2,000" in html
    assert "£1,500.00 per child or family" in html
    assert "We cannot estimate the local cost of this programme yet" in html
    assert "<li>number of sessions</li>" in html
    assert "<form" not in html


@pytest.mark.django_db
def test_programme_clean_sets_cost_rating_from_unit_cost():
    programme = ProgrammeFactory.build(estimated_unit_cost=Decimal("750"), cost_rating=1)

    programme.clean()

    assert programme.cost_rating == 3
