"""Writes that touch several catalogue models. Each is keyword-only and atomic."""

from django.db import transaction
from django.db.models import Prefetch

from .evidence import assess
from .models import Finding, Programme, Study


def _with_evidence(queryset):
    # Everything evidence.assess reads, in three queries whatever the number of studies.
    findings = Finding.objects.select_related("outcome")
    return queryset.prefetch_related(
        Prefetch("studies", queryset=Study.objects.prefetch_related(Prefetch("findings", queryset=findings)))
    )


@transaction.atomic
def recompute_programme_rating(*, programme: Programme) -> str:
    """Recompute and store the evidence rating ``programme``'s study records support.

    Reads the studies and findings afresh (not any prefetched copy), so call it after the
    write that changed them. Stores ``computed_evidence_rating`` with a single-column update,
    leaving every other field and ``updated_at`` alone, and returns the rating.
    """
    fresh = _with_evidence(Programme.objects.filter(pk=programme.pk)).get()
    rating = assess(fresh).rating
    Programme.objects.filter(pk=programme.pk).update(computed_evidence_rating=rating)
    programme.computed_evidence_rating = rating
    programme.__dict__.pop("assessment", None)  # the cached assessment may predate the write
    return rating


@transaction.atomic
def recompute_all_programme_ratings() -> int:
    """Recompute the stored rating of every programme (after a bulk load); returns how many changed."""
    changed = 0
    for programme in _with_evidence(Programme.objects.all()):
        rating = assess(programme).rating
        if rating != programme.computed_evidence_rating:
            Programme.objects.filter(pk=programme.pk).update(computed_evidence_rating=rating)
            changed += 1
    return changed
