"""What each API endpoint reads: published records only, with everything its serializer nests.

Every queryset starts from `Programme.objects.published()` (or filters through it), including
programmes listed inside a collection and the studies and findings of the flat endpoints, and
fetches what its serializer reads, so a page of 50 rows costs the same few queries as a page of one.
"""

from django.db.models import Count, F, Prefetch, Q, Subquery

from ..models import (
    ClearinghouseRating,
    Collection,
    Finding,
    Outcome,
    Programme,
    PublicationEvent,
    PublicationStatus,
    Study,
)


def programmes_for_list():
    """Published programmes with the lookups and source classifications the list serializer shows."""
    return Programme.objects.published().for_listing().prefetch_related("delivery_models")


def studies_in_full():
    """Studies with their countries, publications and findings (and each finding's outcome)."""
    return Study.objects.order_by("number", "pk").prefetch_related(
        "countries",
        "publications",
        Prefetch("findings", queryset=Finding.objects.select_related("outcome")),
    )


def programmes_for_detail():
    """Published programmes with everything a detail response nests: studies down to findings, the
    collections, and the publications that make up the rating history."""
    return programmes_for_list().prefetch_related(
        "settings",
        "other_settings",
        "countries",
        "theory_of_change",
        "collections",
        Prefetch("studies", queryset=studies_in_full()),
        Prefetch("publication_events", queryset=PublicationEvent.objects.order_by("-published_at", "-id")),
        Prefetch("clearinghouse_ratings", queryset=ClearinghouseRating.objects.for_display()),
    )


def published_studies():
    """Studies of published programmes, by programme then number, each with its programme."""
    return (
        studies_in_full()
        .filter(programme__status=PublicationStatus.PUBLISHED)
        .select_related("programme")
        .order_by("programme__name", "number", "pk")
    )


def published_findings():
    """Findings of studies of published programmes, with their study, programme and outcome."""
    return (
        Finding.objects.filter(study__programme__status=PublicationStatus.PUBLISHED)
        .select_related("outcome", "study__programme")
        .order_by("study__programme__name", "study__number", "order", "pk")
    )


def collections_with_published_programmes():
    """Collections, each with only its published programmes (as `published_programmes`)."""
    published = Programme.objects.published().order_by("name")
    return Collection.objects.prefetch_related(
        Prefetch("programmes", queryset=published, to_attr="published_programmes")
    )


def outcomes_with_programme_counts():
    """Outcomes the public may see (Outcome.objects.public()), each with how many published programmes report
    it. The count means what the programme list's outcome filter means: a headline finding on it."""
    return (
        Outcome.objects.public()
        .order_by("domain", "name")
        .annotate(
            programme_count=Count(
                "findings__study__programme",
                filter=Q(
                    findings__is_headline=True,
                    findings__study__programme__status=PublicationStatus.PUBLISHED,
                ),
                distinct=True,
            )
        )
    )


def published_changes():
    """Each publication of a programme now on the public site, newest first: the change feed."""
    return PublicationEvent.objects.public().select_related("programme").order_by("-published_at", "-id")


def last_catalogue_change():
    """When the public catalogue last changed: the latest publication or edit of anything it shows.

    Publishing goes through the workflow, which records a PublicationEvent (or ReviewPublicationEvent)
    and saves the rows it changes, so their timestamps move; this needs no hook in the write path.
    One query of scalar subqueries. Reviews are reached through the relation: the catalogue never
    imports them.
    """
    review_model = Programme._meta.get_field("reviews").related_model
    review_event_model = review_model._meta.get_field("publication_events").related_model
    sources = {
        "programme_event": (PublicationEvent, "published_at"),
        "review_event": (review_event_model, "published_at"),
        "programme": (Programme, "updated_at"),
        "study": (Study, "updated_at"),
        "finding": (Finding, "updated_at"),
        "collection": (Collection, "updated_at"),
        "review": (review_model, "updated_at"),
    }
    latest = {
        name: Subquery(model.objects.order_by(F(field).desc(nulls_last=True)).values(field)[:1])
        for name, (model, field) in sources.items()
    }
    row = Programme.objects.order_by().annotate(**latest).values(*latest)[:1]
    stamps = [stamp for stamp in (row[0].values() if row else ()) if stamp is not None]
    return max(stamps) if stamps else None
