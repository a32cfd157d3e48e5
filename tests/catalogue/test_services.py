"""Recomputing and storing the supported evidence rating; the queryset and command that use it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from catalogue.models import DesignType, EffectSource, Finding, FindingTiming, Programme
from catalogue.services import (
    recompute_all_programme_ratings,
    recompute_programme_rating,
    recompute_programme_ratings,
)
from tests.factories import FindingFactory, ProgrammeFactory, StudyFactory

pytestmark = pytest.mark.django_db


def test_recompute_programme_rating_stores_and_returns_rating():
    programme = ProgrammeFactory()
    FindingFactory(study=StudyFactory(programme=programme, rating=3))

    rating = recompute_programme_rating(programme=programme)

    assert rating == "3"
    programme.refresh_from_db()
    assert programme.computed_evidence_rating == "3"


def test_recompute_programme_rating_follows_a_new_study():
    programme = ProgrammeFactory()
    FindingFactory(study=StudyFactory(programme=programme, rating=3))
    recompute_programme_rating(programme=programme)
    assert programme.assessment.rating == "3"
    FindingFactory(study=StudyFactory(programme=programme, rating=2, design=DesignType.PRE_POST))

    rating = recompute_programme_rating(programme=programme)

    assert rating == "3+"
    assert programme.assessment.rating == "3+"  # the cached assessment is dropped


def test_recompute_programme_rating_leaves_last_updated_alone():
    programme = ProgrammeFactory()
    before = Programme.objects.get(pk=programme.pk).updated_at

    recompute_programme_rating(programme=programme)

    assert Programme.objects.get(pk=programme.pk).updated_at == before


def test_recompute_programme_rating_query_count_does_not_grow_with_studies(django_assert_num_queries):
    small, large = ProgrammeFactory(), ProgrammeFactory()
    FindingFactory(study=StudyFactory(programme=small))
    for _ in range(5):
        FindingFactory.create_batch(3, study=StudyFactory(programme=large))

    # savepoint, programme, studies, findings with outcomes, update, release
    with django_assert_num_queries(6):
        recompute_programme_rating(programme=small)
    with django_assert_num_queries(6):
        recompute_programme_rating(programme=large)


def test_recompute_all_programme_ratings_counts_changes():
    programme = ProgrammeFactory()
    FindingFactory(study=StudyFactory(programme=programme, rating=3))
    ProgrammeFactory()

    assert recompute_all_programme_ratings() == 2  # "" -> "3" and "" -> "NL2"
    assert recompute_all_programme_ratings() == 0


def test_recompute_programme_ratings_in_batches_matches_one_at_a_time():
    programmes = [ProgrammeFactory() for _ in range(5)]
    for k, programme in enumerate(programmes):
        for rating in range(1, k + 1):
            FindingFactory(study=StudyFactory(programme=programme, rating=min(rating, 4)))

    changed = recompute_programme_ratings(programme_ids=[p.pk for p in programmes], batch_size=2)

    assert changed == 5
    stored = dict(Programme.objects.values_list("pk", "computed_evidence_rating"))
    assert stored == {p.pk: recompute_programme_rating(programme=p) for p in programmes}


def test_recompute_programme_ratings_touches_only_the_given_programmes():
    chosen, other = ProgrammeFactory(), ProgrammeFactory()

    assert recompute_programme_ratings(programme_ids=[chosen.pk, None, chosen.pk]) == 1

    assert Programme.objects.get(pk=chosen.pk).computed_evidence_rating == "NL2"
    assert Programme.objects.get(pk=other.pk).computed_evidence_rating == ""


def test_recompute_programme_ratings_queries_grow_with_batches_not_programmes(django_assert_num_queries):
    programmes = [ProgrammeFactory() for _ in range(6)]
    for programme in programmes:
        FindingFactory.create_batch(2, study=StudyFactory(programme=programme))
    ids = [p.pk for p in programmes]

    # savepoint, then per batch: programmes, studies, findings with outcomes, one bulk update; release
    with django_assert_num_queries(2 + 4 * 2):
        recompute_programme_ratings(programme_ids=ids, batch_size=3)
    # Nothing changed the second time: no update statements at all.
    with django_assert_num_queries(2 + 3 * 2):
        recompute_programme_ratings(programme_ids=ids, batch_size=3)


def test_rating_disagrees_finds_only_rated_programmes_that_differ():
    agrees = ProgrammeFactory(evidence_level=3, evidence_plus=False)
    FindingFactory(study=StudyFactory(programme=agrees, rating=3))
    differs = ProgrammeFactory(evidence_level=3, evidence_plus=True)
    FindingFactory(study=StudyFactory(programme=differs, rating=3))
    unrated = ProgrammeFactory(evidence_level=None)
    recompute_all_programme_ratings()

    assert list(Programme.objects.rating_disagrees()) == [differs]
    assert unrated not in Programme.objects.rating_disagrees()


def test_recompute_evidence_command_fills_findings_and_ratings():
    programme = ProgrammeFactory()
    study = StudyFactory(programme=programme, rating=3)
    finding = FindingFactory(study=study, timing=FindingTiming.POST_TEST)
    # As loaddata would write it: raw data, but nothing computed.
    Finding.objects.filter(pk=finding.pk).update(
        mean_t=12.0, sd_t=4.0, n_t=30, mean_c=10.0, sd_c=4.0, n_c=30, effect_source=""
    )
    out = StringIO()

    call_command("recompute_evidence", stdout=out)

    finding.refresh_from_db()
    programme.refresh_from_db()
    assert finding.effect_source == EffectSource.MEANS
    assert finding.effect_size == Decimal("0.4935")
    assert programme.computed_evidence_rating == "3"
    assert "1 finding(s) and 1 programme rating(s) updated." in out.getvalue()
