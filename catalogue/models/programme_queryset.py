"""The reads every programme page and list needs, on the QuerySet: what is public, what a card,
a CSV row, a comparison and the programme page prefetch, search and the admin's rating check."""

from django.db import models
from django.db.models import Q

from ..choices import EVIDENCE_LEVEL_CODES, OutcomeDomain, PublicationStatus
from ..search import plan_search, search_programmes


class ProgrammeQuerySet(models.QuerySet):
    def rating_disagrees(self):
        """Programmes whose published rating differs from the one their study records support.

        Compares with the stored ``computed_evidence_rating`` (kept current by
        ``services.recompute_programme_rating``); programmes not yet rated are left out.
        """
        agreeing = Q()
        for level, code in EVIDENCE_LEVEL_CODES.items():
            agreeing |= Q(evidence_level=level, evidence_plus=False, computed_evidence_rating=code)
            agreeing |= Q(evidence_level=level, evidence_plus=True, computed_evidence_rating=f"{code}+")
        return self.filter(evidence_level__isnull=False).exclude(agreeing)

    def visible_to(self, user):
        """Programmes `user` may open at their public address: published ones for everyone, and
        every programme (drafts, in review, archived) for staff who may view programmes in the
        admin, so they can preview a draft. Views that use it pass `is_preview=True` to the
        template when the programme shown is not published (see templates/_includes/draft_banner.html).
        """
        if user.is_authenticated and user.is_staff and user.has_perm("catalogue.view_programme"):
            return self.all()
        return self.published()

    def published(self):
        """Programmes the public may see. Drafts, those in review and archived ones never are."""
        return self.filter(status=PublicationStatus.PUBLISHED)

    def search(self, text_or_plan):
        """Programmes matching free text, best first in a `search_rank` annotation.

        Full text on the weighted index of either database, with misspelt words corrected first:
        catalogue/search.py picks the implementation from the database vendor. Takes the text or
        a plan from `search_plan`, so a caller filtering several querysets corrects once.
        """
        return search_programmes(self, text_or_plan)

    def search_plan(self, text):
        """How `search(text)` runs: the query after spelling correction, and the "Did you mean" text."""
        return plan_search(self, text)

    # Study and Finding are reached through the relations, not imported: their module builds on this one.
    def _study_model(self):
        return self.model._meta.get_field("studies").related_model

    def _finding_model(self):
        return self._study_model()._meta.get_field("findings").related_model

    def _rating_model(self):
        return self.model._meta.get_field("clearinghouse_ratings").related_model

    def for_listing(self):
        """What a summary card on the programme list needs: the ages and levels of need it shows, and what
        sources say about the evidence of a programme we have not rated."""
        return self.prefetch_related("age_groups", "levels_of_need", "source_classifications")

    def for_export(self):
        """What a CSV row and a comparison column need: every characteristic and the outcome domains."""
        return self.for_listing().prefetch_related(
            "delivery_models",
            "settings",
            "countries",
            models.Prefetch("studies", queryset=self._study_model().objects.order_by("number", "pk")),
            models.Prefetch("studies__findings", queryset=self._finding_model().objects.select_related("outcome")),
            # What other clearinghouses say (catalogue/models/crosswalk.py), with each grade's clearinghouse.
            models.Prefetch("clearinghouse_ratings", queryset=self._rating_model().objects.for_display()),
        )

    def for_csv(self):
        """What a CSV row needs, lean enough to export the whole catalogue: the programme's own short
        columns, every characteristic, and a `has_<domain>_outcome` flag per outcome domain (true when
        a headline finding falls in it; read by `outcome_domain_labels_from_flags`).

        Not for_export(): building every Study and Finding (long narrative and formula columns) only to
        name the domains took most of the export's time. Compare still uses for_export().
        """
        # One uncorrelated "programme in (...)" set per domain: SQLite evaluates each once, where a
        # correlated EXISTS per programme and domain cost more than the prefetches it replaced.
        headline_findings = self._finding_model().objects.filter(is_headline=True, study__programme__isnull=False)
        domain_flags = {
            f"has_{domain}_outcome": models.ExpressionWrapper(
                Q(pk__in=headline_findings.filter(outcome__domain=domain).values("study__programme")),
                output_field=models.BooleanField(),
            )
            for domain in OutcomeDomain.values
        }
        return (
            self.only(
                "name",
                "slug",
                "acronym",
                "summary",
                "evidence_level",
                "evidence_plus",
                "computed_evidence_rating",
                "rating_difference_note",
                "cost_rating",
                "uk_provision",
                "uk_evaluation",
                "last_reviewed_on",
            )
            .annotate(**domain_flags)
            .prefetch_related(
                "age_groups", "levels_of_need", "delivery_models", "settings", "countries", "source_classifications"
            )
        )

    def for_detail(self):
        """Everything the programme page shows, in a fixed number of queries however many studies.

        Feature partials that need more add their prefetch here, one clearly commented line each.
        """
        # Reviews build on the catalogue, so their models are reached through the relations, and only
        # published reviews are fetched: a draft review must never be named on a public page.
        inclusion = self._study_model()._meta.get_field("review_inclusions").related_model
        review = self.model._meta.get_field("reviews").related_model
        published_inclusions = inclusion.objects.filter(review__status=PublicationStatus.PUBLISHED)
        return self.for_export().prefetch_related(
            "other_settings",
            "collections",
            "theory_of_change",
            "studies__countries",
            "studies__publications",
            "publication_events",  # the rating history
            models.Prefetch(  # reviews citing each study
                "studies__review_inclusions", queryset=published_inclusions.select_related("review")
            ),
            models.Prefetch("reviews", queryset=review.objects.published()),  # reviews about the programme
        )
