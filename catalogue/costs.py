"""Cost: the cost band of a unit cost, and a local cost estimate from a programme's stored inputs.

Plain functions with no queries, so they can be tested and explained line by line.

Assumptions of the local estimate (each is printed with the result, so a commissioner can see them):

* A session lasts the midpoint of the shortest and longest typical session (or the one length
  given when only one is recorded).
* Practitioner time is every practitioner at every session: sessions × session length ×
  practitioners per session, priced at the local hourly rate for the practitioner's level.
* Supervision time, when the provider gives hours per family, is priced at the supervisor's rate.
* Training is the trainees' time at their hourly rate (course fees are not recorded). Each
  practitioner is trained once and then serves a number of families a year (a form input,
  default 10); the practitioners needed are rounded up to whole people. Supervisors: one per site.
* A licence fee is per site per year, for one year, spread over the families.
* Anything the programme does not record (training, supervision, licence) is left out and the
  result says so; without sessions, session length, practitioners per session or practitioner
  level there is no estimate, and the result says which of them is missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from .choices import COST_BANDS, PractitionerLevel

COST_MEANINGS = {
    None: "NA indicates that the information needed to give a cost rating is not available at this time.",
    **{
        band.rating: f"A cost rating of {band.rating} means the estimated cost of delivery is {band.sentence_words} "
        "per child or family."
        for band in COST_BANDS
    },
}
COST_RATING_CAVEAT = (
    "Cost ratings compare the relative cost of delivering programmes, from information the providers gave. "
    "They are not the price a local area will pay."
)
DEFAULT_FAMILIES_PER_PRACTITIONER = 10


def cost_band(unit_cost: Decimal | float | int | None) -> int | None:
    """The cost rating (1–5) for an estimated unit cost in pounds, or None (NA) without one.

    1 under £100; 2 £100–£499; 3 £500–£999; 4 £1,000–£2,000; 5 over £2,000.

    Raises:
        ValueError: for a negative cost.
    """
    if unit_cost is None:
        return None
    cost = Decimal(str(unit_cost))
    if cost < 0:
        raise ValueError(f"A unit cost cannot be negative (got £{cost}).")
    for band in COST_BANDS:
        if band.upper is None or cost < band.upper or (band.includes_upper and cost == band.upper):
            return band.rating
    raise AssertionError("The last cost band has no upper limit.")


def cost_meaning(band: int | None) -> str:
    """What a cost rating means, in a sentence."""
    return COST_MEANINGS[band]


@dataclass(frozen=True)
class CostInputs:
    """A programme's stored delivery inputs (all optional, as on Programme)."""

    sessions: int | None = None
    session_hours_min: Decimal | None = None
    session_hours_max: Decimal | None = None
    practitioners_per_session: int | None = None
    practitioner_level: int | None = None
    training_hours: Decimal | None = None
    supervisor_level: int | None = None
    supervisor_training_hours: Decimal | None = None
    supervision_hours_per_family: Decimal | None = None
    licence_required: bool | None = None
    licence_fee: Decimal | None = None

    @classmethod
    def from_programme(cls, programme) -> CostInputs:
        return cls(**{name: getattr(programme, name) for name in cls.__dataclass_fields__})

    def levels_needed(self) -> list[int]:
        """Practitioner levels whose hourly rate the estimate needs (practitioner, then supervisor)."""
        levels = [self.practitioner_level] if self.practitioner_level else []
        supervised = self.supervision_hours_per_family is not None or self.supervisor_training_hours is not None
        if supervised and self.supervisor_level and self.supervisor_level not in levels:
            levels.append(self.supervisor_level)
        return levels

    def missing_for_estimate(self) -> list[str]:
        """The inputs without which no estimate is possible, as the admin labels them."""
        missing = []
        if self.sessions is None:
            missing.append("number of sessions")
        if self.session_hours_min is None and self.session_hours_max is None:
            missing.append("session length")
        if self.practitioners_per_session is None:
            missing.append("practitioners per session")
        if self.practitioner_level is None:
            missing.append("practitioner qualification level")
        return missing


@dataclass(frozen=True)
class CostLine:
    """One line of the calculation: what it is, how it was worked out, and the amount in total."""

    label: str
    working: str
    total: Decimal


@dataclass(frozen=True)
class LocalCostEstimate:
    """A local cost estimate: each line of the calculation, the totals, and what was left out."""

    families: int
    lines: list[CostLine]
    total: Decimal
    per_family: Decimal
    left_out: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    @property
    def band(self) -> int | None:
        """The cost rating the local cost per family would fall in."""
        return cost_band(self.per_family)


def level_name(level: int) -> str:
    return PractitionerLevel(level).label.split(" – ")[0].lower()


def estimate_local_cost(
    inputs: CostInputs,
    *,
    hourly_rates: dict[int, Decimal],
    families: int,
    families_per_practitioner: int = DEFAULT_FAMILIES_PER_PRACTITIONER,
    sites: int = 1,
) -> LocalCostEstimate:
    """Estimate the local cost of delivering a programme to ``families`` families.

    ``hourly_rates`` maps PractitionerLevel values to local hourly costs in pounds. See the
    module docstring for the assumptions.

    Raises:
        ValueError: when a required programme input or hourly rate is missing, or a count is below 1.
    """
    missing = inputs.missing_for_estimate()
    if missing:
        raise ValueError(f"This programme does not record its {_and_list(missing)}, so it cannot be estimated.")
    for level in inputs.levels_needed():
        if hourly_rates.get(level) is None:
            raise ValueError(f"Enter the hourly rate for {level_name(level)}-level practitioners.")
    if families < 1 or families_per_practitioner < 1 or sites < 1:
        raise ValueError("The number of families, families per practitioner and sites must each be 1 or more.")

    lines: list[CostLine] = []
    left_out: list[str] = []
    hours = [h for h in (inputs.session_hours_min, inputs.session_hours_max) if h is not None]
    session_hours = sum(hours, Decimal(0)) / len(hours)
    rate = Decimal(hourly_rates[inputs.practitioner_level])
    delivery_hours = inputs.sessions * session_hours * inputs.practitioners_per_session
    lines.append(
        CostLine(
            "Practitioner time delivering sessions",
            f"{inputs.sessions} sessions × {_hours(session_hours)} hours × {inputs.practitioners_per_session} "
            f"practitioner(s) × £{_money(rate)} an hour × {families} families",
            delivery_hours * rate * families,
        )
    )

    supervisor_rate = Decimal(hourly_rates[inputs.supervisor_level]) if inputs.supervisor_level else None
    if inputs.supervision_hours_per_family is None:
        left_out.append("supervision time (hours per family not recorded)")
    elif supervisor_rate is None:
        left_out.append("supervision time (supervisor level not recorded)")
    else:
        lines.append(
            CostLine(
                "Supervision",
                f"{_hours(inputs.supervision_hours_per_family)} hours per family × £{_money(supervisor_rate)} "
                f"an hour × {families} families",
                inputs.supervision_hours_per_family * supervisor_rate * families,
            )
        )

    practitioners = math.ceil(families * inputs.practitioners_per_session / families_per_practitioner)
    if inputs.training_hours is None:
        left_out.append("practitioner training (hours not recorded)")
    else:
        lines.append(
            CostLine(
                "Practitioner training",
                f"{practitioners} practitioner(s) (each serving {families_per_practitioner} families a year) × "
                f"{_hours(inputs.training_hours)} hours × £{_money(rate)} an hour",
                practitioners * inputs.training_hours * rate,
            )
        )

    if inputs.supervisor_training_hours is None:
        left_out.append("supervisor training (hours not recorded)")
    elif supervisor_rate is None:
        left_out.append("supervisor training (supervisor level not recorded)")
    else:
        lines.append(
            CostLine(
                "Supervisor training",
                f"{sites} supervisor(s), one per site × {_hours(inputs.supervisor_training_hours)} hours × "
                f"£{_money(supervisor_rate)} an hour",
                sites * inputs.supervisor_training_hours * supervisor_rate,
            )
        )

    if inputs.licence_required is False:
        lines.append(CostLine("Licence", "No licence is required", Decimal(0)))
    elif inputs.licence_required is None:
        left_out.append("a licence fee (whether one is required is not recorded)")
    elif inputs.licence_fee is None:
        left_out.append("the licence fee (a licence is required, but its fee is not recorded)")
    else:
        lines.append(
            CostLine(
                "Licence",
                f"£{_money(inputs.licence_fee)} per site for one year × {sites} site(s)",
                inputs.licence_fee * sites,
            )
        )

    total = sum((line.total for line in lines), Decimal(0))
    assumptions = [
        f"Each session lasts {_hours(session_hours)} hours"
        + (" (the midpoint of the shortest and longest session)." if len(set(hours)) > 1 else "."),
        f"Each practitioner serves {families_per_practitioner} families a year, so {practitioners} "
        "practitioner(s) are trained; training is priced as their time, not course fees.",
        "One supervisor per site; a licence fee is for one year per site.",
    ]
    return LocalCostEstimate(
        families=families,
        lines=lines,
        total=_pennies(total),
        per_family=_pennies(total / families),
        left_out=left_out,
        assumptions=assumptions,
    )


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _hours(amount: Decimal) -> str:
    return f"{Decimal(amount).normalize():f}"


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
