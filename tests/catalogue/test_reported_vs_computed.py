"""A finding's effect size as the paper reports it, kept beside the one computed from its raw data, and
the admin's warning when the two differ beyond rounding."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.effects import reported_effect_difference
from tests.factories import FindingFactory, OutcomeFactory, StudyFactory

from .test_evidence_admin import RAW_MEANS, finding_form_data

# 12 vs 10, SDs 4, 30 per group: Hedges' g = 0.4935.
RAW = {"mean_t": 12.0, "sd_t": 4.0, "n_t": 30, "mean_c": 10.0, "sd_c": 4.0, "n_c": 30}


@pytest.mark.parametrize(
    ("reported", "computed", "differs"),
    [
        (Decimal("0.49"), Decimal("0.4935"), False),  # rounds to what the paper printed
        (Decimal("0.4900"), Decimal("0.4949"), False),  # half a unit in the 2nd place, inclusive
        (Decimal("0.49"), Decimal("0.4951"), True),
        (Decimal("0.493"), Decimal("0.4951"), True),  # three places printed: tighter
        (Decimal("0.5"), Decimal("0.4951"), False),  # 0.5 may have been printed 0.50
        (Decimal("-0.49"), Decimal("0.4935"), True),
        (None, Decimal("0.4935"), False),
    ],
)
def test_reported_effect_difference_allows_rounding_only(reported, computed, differs):
    assert bool(reported_effect_difference(reported, computed)) is differs


def test_reported_effect_difference_names_a_flipped_sign():
    assert "opposite sign" in reported_effect_difference(Decimal("-0.49"), Decimal("0.4935"))


@pytest.mark.django_db
def test_an_effect_size_typed_with_raw_data_is_kept_as_the_reported_one():
    finding = FindingFactory(effect_size=Decimal("0.62"), **RAW)

    assert finding.effect_size == Decimal("0.4935")
    assert finding.reported_effect_size == Decimal("0.62")


@pytest.mark.django_db
def test_resaving_a_computed_finding_keeps_the_reported_effect_and_never_copies_the_computed_one():
    finding = FindingFactory(**RAW)
    finding.save()

    assert finding.reported_effect_size is None
    finding.reported_effect_size = Decimal("0.62")
    finding.save()
    finding.refresh_from_db()
    assert finding.reported_effect_size == Decimal("0.62")


@pytest.mark.django_db
def test_finding_admin_flags_computed_that_differs_from_reported(analyst_client):
    differs = FindingFactory(reported_effect_size=Decimal("0.62"), **RAW)
    agrees = FindingFactory(reported_effect_size=Decimal("0.49"), **RAW)

    page = analyst_client.get(reverse("admin:catalogue_finding_change", args=[differs.pk])).content.decode()
    changelist = analyst_client.get(reverse("admin:catalogue_finding_changelist") + "?reported_check=differs")

    assert "⚠ Computed and reported differ." in page
    assert "The paper reports an effect size of 0.62, but its raw group data give 0.4935" in page
    assert list(changelist.context["cl"].result_list) == [differs]
    assert "⚠ Differs" in changelist.content.decode()
    agrees_page = analyst_client.get(reverse("admin:catalogue_finding_change", args=[agrees.pk])).content.decode()
    assert "Computed and reported differ" not in agrees_page


@pytest.mark.django_db
def test_finding_admin_save_warns_when_the_paper_and_the_raw_data_disagree(analyst_client):
    data = finding_form_data(StudyFactory(rating=3), OutcomeFactory(), effect_size="0.62", **RAW_MEANS)

    response = analyst_client.post(reverse("admin:catalogue_finding_add"), data, follow=True)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("The paper reports an effect size of 0.62" in m for m in messages), messages
