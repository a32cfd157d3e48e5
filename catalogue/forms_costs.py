"""The local cost estimate form on a programme page: a GET form, so it works without JavaScript."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from .costs import DEFAULT_FAMILIES_PER_PRACTITIONER, CostInputs, level_name

MAX_FAMILIES = 100_000
MAX_HOURLY_RATE = Decimal(1000)


def _whole_number(label: str, *, minimum: int, maximum: int, example: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a whole number, like {example}",
            "min_value": f"The {label.lower()} must be {minimum} or more",
            "max_value": f"The {label.lower()} must be {maximum:,} or fewer",
        },
        **kwargs,
    )


class _MoneyField(forms.DecimalField):
    """A DecimalField that says each problem once: a huge amount fails both the size and digits checks."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as error:
            unique = {}
            for each in error.error_list:
                unique.setdefault(" ".join(each.messages), each)
            raise ValidationError(list(unique.values())) from None


def _hourly_rate(level: int) -> forms.DecimalField:
    name = f"hourly cost of a {level_name(level)}-level practitioner"
    return _MoneyField(
        label=f"Hourly cost of a {level_name(level)}-level practitioner (£)",
        min_value=Decimal("0.01"),
        max_value=MAX_HOURLY_RATE,
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text="Salary plus on-costs, per hour.",
        error_messages={
            "required": f"Enter the {name}",
            "invalid": f"Enter the {name} as an amount in pounds, like 35.50",
            "min_value": f"The {name} must be more than £0",
            "max_value": f"The {name} must be £{MAX_HOURLY_RATE:,} or less",
            "max_decimal_places": f"Enter the {name} in pounds and pence, like 35.50",
            "max_digits": f"The {name} must be £{MAX_HOURLY_RATE:,} or less",
        },
    )


class LocalCostForm(forms.Form):
    """Local hourly rates and numbers of families; only the rates the programme needs are asked for."""

    prefix = "cost"

    families = _whole_number("Number of families", minimum=1, maximum=MAX_FAMILIES, example=20)
    families_per_practitioner = _whole_number(
        "Families each practitioner serves in a year",
        minimum=1,
        maximum=1000,
        example=10,
        initial=DEFAULT_FAMILIES_PER_PRACTITIONER,
        required=False,
        help_text=f"Used to spread the cost of training. We assume {DEFAULT_FAMILIES_PER_PRACTITIONER} if you "
        "do not know.",
    )
    sites = _whole_number(
        "Number of sites",
        minimum=1,
        maximum=1000,
        example=1,
        initial=1,
        required=False,
        help_text="Each site has one supervisor and, where needed, one licence.",
    )

    def __init__(self, *args, inputs: CostInputs, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = inputs.levels_needed()
        for level in self.levels:
            self.fields[f"rate_{level}"] = _hourly_rate(level)

    def clean_families_per_practitioner(self):
        value = self.cleaned_data["families_per_practitioner"]
        return DEFAULT_FAMILIES_PER_PRACTITIONER if value is None else value

    def clean_sites(self):
        value = self.cleaned_data["sites"]
        return 1 if value is None else value

    @property
    def rate_fields(self):
        return [self[f"rate_{level}"] for level in self.levels]

    def hourly_rates(self) -> dict[int, Decimal]:
        return {level: self.cleaned_data[f"rate_{level}"] for level in self.levels}

    @classmethod
    def from_request(cls, request, *, inputs: CostInputs) -> "LocalCostForm":
        """Bound only when this form was submitted, so other query parameters never trigger errors."""
        submitted = any(key.startswith(f"{cls.prefix}-") for key in request.GET)
        return cls(request.GET if submitted else None, inputs=inputs)


def cost_form_has_errors(programme, request) -> bool:
    """Whether the programme page shows the local cost form with errors (its <title> then starts "Error: ")."""
    inputs = CostInputs.from_programme(programme)
    if inputs.missing_for_estimate():
        return False
    return bool(LocalCostForm.from_request(request, inputs=inputs).errors)
