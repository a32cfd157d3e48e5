"""manage.py generate_synthetic: marked rows in the promised numbers, the same for a seed, and never
mixed with or deleting real records."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalogue import workflow
from catalogue.models import Collection, Finding, Outcome, Programme, PublicationStatus, Study
from catalogue.synthetic import PREFIX
from reviews.models import IncludedStudy, Review, RiskOfBias
from tests.factories import (
    CollectionFactory,
    FindingFactory,
    IncludedStudyFactory,
    ProgrammeFactory,
    ReviewFactory,
    StudyFactory,
)

pytestmark = pytest.mark.django_db


def generate(*args):
    stdout, stderr = StringIO(), StringIO()
    call_command("generate_synthetic", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def snapshot():
    """What a seed decides, without ids or timestamps (those differ between runs)."""
    return (
        list(
            Programme.objects.order_by("name").values_list(
                "name", "summary", "evidence_level", "evidence_plus", "cost_rating", "computed_evidence_rating"
            )
        ),
        list(
            Study.objects.order_by("programme__name", "number").values_list(
                "programme__name", "number", "citation_label", "design", "rating"
            )
        ),
        list(
            Finding.objects.order_by("study__programme__name", "study__number", "order").values_list(
                "outcome__slug", "significant", "direction", "effect_size", "improvement_index"
            )
        ),
        sorted(Programme.age_groups.through.objects.values_list("programme__name", "agegroup__slug")),
        sorted(IncludedStudy.objects.values_list("review__title", "study__citation_label", "study__programme__name")),
    )


def test_generate_synthetic_creates_marked_published_programmes_with_evidence():
    out, progress = generate("--programmes", "12", "--seed", "1", "--batch-size", "5")

    programmes = Programme.objects.all()
    assert programmes.count() == 12
    assert set(programmes.values_list("status", "is_synthetic")) == {(PublicationStatus.PUBLISHED, True)}
    assert all(name.startswith(PREFIX) for name in programmes.values_list("name", flat=True))
    studies_per_programme = [p.studies.count() for p in programmes]
    assert min(studies_per_programme) >= 2 and max(studies_per_programme) <= 8
    assert Finding.objects.count() >= 2 * Study.objects.count()
    assert all(p.age_groups.exists() and p.levels_of_need.exists() and p.countries.exists() for p in programmes)
    # Derived data went through the write path: every programme is rated and searchable.
    assert not programmes.filter(computed_evidence_rating="").exists()
    assert not programmes.filter(search_document="").exists()
    assert Collection.objects.filter(name__startswith=PREFIX).count() == 1
    assert Review.objects.filter(is_synthetic=True, status=PublicationStatus.PUBLISHED).count() == 1
    assert IncludedStudy.objects.count() == 12
    assert RiskOfBias.objects.count() == 12 * 4
    assert "Added 12 synthetic programmes" in out
    assert "12/12" in progress  # the progress bar reached the end


def test_generate_synthetic_same_seed_same_rows_whatever_the_batch_size():
    generate("--programmes", "6", "--seed", "7", "--batch-size", "6")
    first = snapshot()
    generate("--delete", "--programmes", "6", "--seed", "7", "--batch-size", "4")
    again = snapshot()
    generate("--delete", "--programmes", "6", "--seed", "8")

    assert first == again
    assert snapshot() != first


def test_generate_synthetic_tops_up_after_existing_synthetic_programmes():
    generate("--programmes", "3")
    generate("--programmes", "2")

    assert Programme.objects.filter(is_synthetic=True).count() == 5


def test_generate_synthetic_refuses_a_database_with_real_published_records():
    ProgrammeFactory(name="A real programme")

    with pytest.raises(CommandError, match="1 real published programmes"):
        generate("--programmes", "2")
    assert not Programme.objects.filter(is_synthetic=True).exists()

    generate("--programmes", "2", "--force")
    assert Programme.objects.filter(is_synthetic=True).count() == 2


def test_generate_synthetic_refuses_real_published_reviews_too():
    ReviewFactory(status=PublicationStatus.PUBLISHED)

    with pytest.raises(CommandError, match="1 real published reviews"):
        generate("--programmes", "2")


def test_generate_synthetic_delete_removes_only_synthetic_rows():
    real = ProgrammeFactory(name="A real programme")
    real_study = StudyFactory(programme=real)
    real_finding = FindingFactory(study=real_study)
    orphan_study = StudyFactory(programme=None, number=None)  # a review-only trial
    review = ReviewFactory(status=PublicationStatus.PUBLISHED)
    IncludedStudyFactory(review=review, study=orphan_study)
    collection = CollectionFactory()
    collection.programmes.add(real)
    generate("--programmes", "5", "--force")
    assert Programme.objects.count() == 6

    out, _ = generate("--delete")

    assert list(Programme.objects.all()) == [real]
    assert set(Study.objects.all()) == {real_study, orphan_study}
    assert list(Finding.objects.all()) == [real_finding]
    assert list(Review.objects.all()) == [review]
    assert review.included_studies.count() == 1
    assert list(Collection.objects.all()) == [collection]
    assert list(collection.programmes.all()) == [real]
    assert not Outcome.objects.filter(name__startswith=PREFIX).exists()
    assert real_finding.outcome in Outcome.objects.all()
    assert "Deleted 5 synthetic programmes, 1 collections and 1 reviews" in out


def test_generate_synthetic_needs_a_number_or_delete():
    with pytest.raises(CommandError, match="--programmes N"):
        generate()


def test_generate_synthetic_rows_render_on_the_public_pages(client):
    generate("--programmes", "3", "--seed", "2")
    programme = Programme.objects.first()
    review = Review.objects.get()
    collection = Collection.objects.get()

    for obj in (programme, review, collection):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj
        assert PREFIX in response.text
    assert programme.name in client.get("/programmes/").text


def test_generate_synthetic_ratings_are_reproduced_or_carry_a_publishers_note():
    generate("--programmes", "40", "--seed", "3")

    for programme in Programme.objects.all():
        workflow.check_programme_publishable(programme)  # what publishing would ask of it
    explained = Programme.objects.rating_disagrees().exclude(rating_difference_note="")
    assert explained.exists()  # some synthetic ratings differ from their studies, as after new evidence
    assert explained.count() == Programme.objects.rating_disagrees().count()
