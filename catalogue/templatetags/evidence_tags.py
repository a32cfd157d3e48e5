"""Template tags for the programme page's evidence and cost sections (evidence, issue 4)."""

from dataclasses import dataclass, field

from django import template

from ..costs import COST_RATING_CAVEAT, CostInputs, LocalCostEstimate, cost_meaning, estimate_local_cost
from ..evidence import Explanation, explain
from ..forms_costs import LocalCostForm

register = template.Library()


@register.simple_tag
def evidence_explanation(programme) -> Explanation | None:
    """`{% evidence_explanation programme as explanation %}`: the rating's meaning, plus and next level.

    Uses ``programme.assessment``: prefetch ``studies__findings__outcome`` to avoid a query per study.
    """
    return explain(programme.evidence_rating, programme.assessment, programme.rating_difference_note)


@register.filter
def cost_rating_meaning(cost_rating) -> str:
    """What a cost rating (1–5, or None for NA) means, in a sentence."""
    return cost_meaning(cost_rating)


@dataclass
class LocalCost:
    form: LocalCostForm
    missing: list[str]
    estimate: LocalCostEstimate | None = None
    caveat: str = COST_RATING_CAVEAT
    field_rows: list = field(default_factory=list)


@register.simple_tag
def local_cost_estimate(programme, request) -> LocalCost:
    """`{% local_cost_estimate programme request as cost %}`: the form and, when valid, the estimate."""
    inputs = CostInputs.from_programme(programme)
    form = LocalCostForm.from_request(request, inputs=inputs)
    result = LocalCost(form=form, missing=inputs.missing_for_estimate())
    # (bound field, shown with a £ prefix) in the order the form asks for them
    result.field_rows = [(form["families"], False)] + [(bound, True) for bound in form.rate_fields]
    result.field_rows += [(form["families_per_practitioner"], False), (form["sites"], False)]
    if not result.missing and form.is_bound and form.is_valid():
        result.estimate = estimate_local_cost(
            inputs,
            hourly_rates=form.hourly_rates(),
            families=form.cleaned_data["families"],
            families_per_practitioner=form.cleaned_data["families_per_practitioner"],
            sites=form.cleaned_data["sites"],
        )
    return result
