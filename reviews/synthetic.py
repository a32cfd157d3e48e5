"""Synthetic reviews for scale tests, on top of the synthetic catalogue (catalogue.synthetic).

One published review per 50 synthetic programmes, including the first study of 15 of them with
four risk-of-bias judgements each, and speaking directly to three. Marked like the catalogue's rows:
`is_synthetic` and a "Synthetic: " title, so `delete_synthetic_reviews` removes only these.
"""

import datetime
import random

from django.utils.text import slugify

from catalogue.models import PublicationStatus, Study
from catalogue.synthetic import AUTHORS, BULK_BATCH, PREFIX, purge

from .choices import BiasDomain, BiasJudgement, ReviewKind
from .models import IncludedStudy, Review, RiskOfBias

PROGRAMMES_PER_REVIEW = 50
STUDIES_PER_REVIEW = 15
BIAS_DOMAINS = [BiasDomain.SEQUENCE, BiasDomain.CONCEALMENT, BiasDomain.ATTRITION, BiasDomain.REPORTING]


def add_reviews(*, programme_ids: list[int], seed: int, first_number: int) -> list[int]:
    """Synthetic reviews of these programmes' studies (numbered from `first_number`); returns their ids."""
    first_studies = dict(
        Study.objects.filter(programme_id__in=programme_ids, number=1).values_list("programme_id", "pk")
    )
    planned = []
    for offset in range(0, len(programme_ids), PROGRAMMES_PER_REVIEW):
        number = first_number + offset // PROGRAMMES_PER_REVIEW
        rng = random.Random(f"{seed}:review:{number}")  # noqa: S311 - test data, not secrets
        chunk = programme_ids[offset : offset + PROGRAMMES_PER_REVIEW]
        author, year = rng.choice(AUTHORS), rng.randint(2005, 2025)
        title = f"{PREFIX}interventions for parents and young children, review {number:04d}"
        review = Review(
            title=title,
            slug=slugify(title),
            short_citation=f"{PREFIX}{author} et al. ({year})",
            authors=f"{author}, A., {rng.choice(AUTHORS)}, B.",
            year=year,
            kind=rng.choice(list(ReviewKind)),
            question="Synthetic: do early-intervention programmes improve children's outcomes?",
            records_screened=rng.randint(500, 5000),
            studies_included=STUDIES_PER_REVIEW,
            summary="Synthetic test data: a review made to measure how the site scales.",
            key_messages="Synthetic: programmes vary.\nSynthetic: more trials are needed.",
            status=PublicationStatus.PUBLISHED,
            published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 1500)),
            is_synthetic=True,
        )
        included = [first_studies[pk] for pk in rng.sample(chunk, min(STUDIES_PER_REVIEW, len(chunk)))]
        planned.append((review, included, rng.sample(chunk, min(3, len(chunk))), rng))
    Review.objects.bulk_create([review for review, *_ in planned])
    inclusions, programme_links = [], []
    for review, included, programmes, _ in planned:
        inclusions += [IncludedStudy(review=review, study_id=pk, order=k) for k, pk in enumerate(included, 1)]
        programme_links += [Review.programmes.through(review_id=review.pk, programme_id=pk) for pk in programmes]
    IncludedStudy.objects.bulk_create(inclusions, batch_size=BULK_BATCH)
    Review.programmes.through.objects.bulk_create(programme_links, batch_size=BULK_BATCH)
    rng_for = {review.pk: rng for review, *_, rng in planned}
    RiskOfBias.objects.bulk_create(
        [
            RiskOfBias(included_study=row, domain=domain, judgement=rng_for[row.review_id].choice(list(BiasJudgement)))
            for row in inclusions
            for domain in BIAS_DOMAINS
        ],
        batch_size=BULK_BATCH,
    )
    return [review.pk for review, *_ in planned]


def next_review_number() -> int:
    return Review.objects.filter(is_synthetic=True).count() + 1


def delete_synthetic_reviews() -> int:
    """Remove synthetic reviews with their inclusions, judgements and analyses; returns how many."""
    count = Review.objects.filter(is_synthetic=True).count()
    purge(Review.objects.filter(is_synthetic=True))
    purge(Review.history.model.objects.filter(is_synthetic=True))
    return count
